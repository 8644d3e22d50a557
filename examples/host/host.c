/* SPDX-License-Identifier: MIT */
/*
 * host — how municipal software embeds Jalon: open a CPAS's store, say who acts, list the
 * actions overdue at a date, move one action's status forward, print that action's log.
 *
 *	host STORE DATE [ACTION STATUS]
 *
 *	STORE   a Jalon store (created by `jalon init`, filled by `jalon import`)
 *	DATE    "YYYY-MM-DD": actions due before it and neither terminé nor abandonné
 *	ACTION  an action's id or label ("Action 4"); default: the first overdue action
 *	STATUS  its new status (default "en cours")
 *
 * The acting person comes from JALON_AUTHOR ("Nom <email>") or is the host itself.
 * Build against the installed library: see the Makefile beside this file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jalon.h>

/* Every Jalon call returns 0 or a negative code; the store says why in French. */
static int fail(jalon_store *store, const char *what, int rc)
{
	fprintf(stderr, "host: %s : %s (code %d)\n", what,
	        store && *jalon_errmsg(store) ? jalon_errmsg(store) : "échec", rc);
	return 1;
}

/* Splits "Nom <email>" in place; email may stay NULL. */
static void split_person(char *text, const char **name, const char **email)
{
	char *lt = strchr(text, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	*name = text;
	*email = NULL;
	if (lt && gt) {
		*gt = '\0';
		*email = lt + 1;
		while (lt > text && lt[-1] == ' ')
			lt--;
		*lt = '\0';
	}
}

static void print_overdue(const jalon_item_list *list, const char *date)
{
	size_t n = jalon_item_list_count(list);
	printf("%zu action(s) en retard au %s :\n", n, date);
	for (size_t i = 0; i < n; i++) {
		const jalon_item *item = jalon_item_list_get(list, i);
		char *due = NULL;
		/* jalon_item_field gives a field as a person reads it; the caller frees it. */
		if (jalon_item_field(&due, item, "échéance") < 0)
			due = NULL;
		printf("  %-12s %-10s %s — échéance : %s\n", jalon_item_id(item),
		       jalon_item_status(item), jalon_item_name(item), due ? due : "?");
		jalon_free(due);
	}
}

static void print_log(const jalon_log *log)
{
	for (size_t i = 0; i < jalon_log_count(log); i++) {
		const jalon_log_entry *e = jalon_log_get(log, i);
		time_t t = (time_t)e->time;
		char date[32];
		strftime(date, sizeof date, "%Y-%m-%d %H:%M", gmtime(&t));
		printf("%.7s %s UTC %s\n    %s\n", e->commit, date, e->author_name, e->message);
		for (size_t j = 0; j < e->nchanges; j++)
			printf("  %s : %s → %s\n", e->changes[j].label, e->changes[j].before,
			       e->changes[j].after);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage : %s STORE DATE [ACTION STATUS]\n", argv[0]);
		return 64;
	}
	const char *dir = argv[1], *date = argv[2];
	const char *action = argc == 5 ? argv[3] : NULL;
	const char *status = argc == 5 ? argv[4] : "en cours";

	/* 1. Open the store. Even on failure the handle is set so the message can be read. */
	jalon_open_options opts = JALON_OPEN_OPTIONS_INIT;
	opts.busy_timeout_ms = 10000; /* wait at most 10 s for another writer */
	jalon_store *store = NULL;
	int rc = jalon_store_open(&store, dir, &opts);
	if (rc < 0) {
		fail(store, dir, rc);
		jalon_store_close(store);
		return 1;
	}

	/* 2. Who acts: the author of the commits the changes below make. */
	char author[512];
	const char *env = getenv("JALON_AUTHOR"), *name, *email;
	snprintf(author, sizeof author, "%s",
	         env && *env ? env : "Logiciel communal <informatique@cpas.example>");
	split_person(author, &name, &email);
	if ((rc = jalon_store_set_author(store, name, email)) < 0) {
		fail(store, "auteur", rc);
		jalon_store_close(store);
		return 1;
	}

	/* 3. The overdue actions at that date. */
	jalon_query q = JALON_QUERY_INIT;
	q.kinds = 1u << JALON_KIND_ACTION;
	q.overdue_at = date;
	jalon_item_list *overdue = NULL;
	if ((rc = jalon_query_run(&overdue, store, &q)) < 0) {
		fail(store, "requête", rc);
		jalon_store_close(store);
		return 1;
	}
	print_overdue(overdue, date);

	/* 4. One action's status. The id is copied: it is borrowed from the list. */
	char target[128] = "";
	if (action)
		snprintf(target, sizeof target, "%s", action);
	else if (jalon_item_list_count(overdue) > 0)
		snprintf(target, sizeof target, "%s",
		         jalon_item_id(jalon_item_list_get(overdue, 0)));
	jalon_item_list_free(overdue);
	if (!*target) {
		printf("Aucune action à mettre à jour.\n");
		jalon_store_close(store);
		return 0;
	}
	char assignment[160];
	snprintf(assignment, sizeof assignment, "statut=%s", status);
	const char *assignments[] = {assignment};
	rc = jalon_item_set(store, target, assignments, 1);
	if (rc == JALON_ESCRIPT || rc == JALON_ENOTFOUND || rc == JALON_EINVALID) {
		/* Expected refusals: a hook said no, no such action, a status Jalon does not know. */
		fail(store, target, rc);
	} else if (rc < 0) {
		fail(store, target, rc);
		jalon_store_close(store);
		return 1;
	} else {
		printf("\n%s : statut « %s ».\n", target, status);
	}

	/* 5. Its history, newest first. */
	jalon_log *log = NULL;
	if ((rc = jalon_history_log(&log, store, target, 5)) < 0) {
		fail(store, "historique", rc);
		jalon_store_close(store);
		return 1;
	}
	printf("\nHistorique de %s :\n", target);
	print_log(log);
	jalon_log_free(log);
	jalon_store_close(store);
	return 0;
}
