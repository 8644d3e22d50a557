/* SPDX-License-Identifier: MIT */
/*
 * Commands on the items of the plan: add, set, rm, restore, show, list.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"

/* Checks that every operand from first on reads "key=value". 0 or 64. */
static int check_assignments(cli_ctx *cx, int argc, char **argv, int first)
{
	for (int i = first; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i])
			return cli_usage_error(cx, "« %s » : attendu clé=valeur", argv[i]);
	}
	return 0;
}

/* ---------------------------------------------------------------- add */

int cmd_add(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"parent", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("p:", opts);
	const char *parent = NULL;
	int c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 'p')
			parent = p.arg;
	}
	if (argc - p.index < 2)
		return cli_usage_error(cx, argc == p.index ? "quel type d’élément ?" : "quel titre ?");
	const char *kind_text = argv[p.index], *title = argv[p.index + 1];
	int kind = cli_kind_from_text(kind_text);
	if (kind < 0 || kind == JALON_KIND_PLAN)
		return cli_usage_error(cx, "type inconnu « %s » (os, oo, action, task, person)",
		                       kind_text);
	int needs_parent = kind == JALON_KIND_OO || kind == JALON_KIND_ACTION ||
	                   kind == JALON_KIND_TASK;
	if (needs_parent && !parent)
		return cli_usage_error(cx, "--parent manque : %s sous quel élément ?",
		                       cli_kind_word((jalon_kind)kind));
	if (!needs_parent && parent)
		return cli_usage_error(cx, "--parent n’a pas de sens pour : %s",
		                       cli_kind_word((jalon_kind)kind));
	if (!*title)
		return cli_usage_error(cx, "titre vide");
	int code = check_assignments(cx, argc, argv, p.index + 2);
	if (code)
		return code;

	jalon_store *store;
	if ((code = cli_open_store(cx, &store, CLI_OPEN_AUTHOR)))
		return code;
	char *id = NULL;
	int rc = jalon_item_add(&id, store, (jalon_kind)kind, parent, title,
	                        (const char *const *)argv + p.index + 2,
	                        (size_t)(argc - p.index - 2));
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
	} else if (cx->json) {
		code = cli_print_json(cx, json_pack("{s:s?}", "id", id));
	} else {
		/* The new id is the command's data, printed even with -q: scripts keep it. */
		printf("%s\n", id ? id : "");
		code = cli_finish_output(cx);
	}
	jalon_free(id);
	jalon_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- set */

int cmd_set(cli_ctx *cx, int argc, char **argv)
{
	int first;
	if (cli_no_options(cx, argc, argv, &first))
		return cx->exit_code;
	if (argc - first < 2)
		return cli_usage_error(cx, argc == first ? "quel élément ?" : "quel champ changer ?");
	int code = check_assignments(cx, argc, argv, first + 1);
	if (code)
		return code;
	jalon_store *store;
	if ((code = cli_open_store(cx, &store, CLI_OPEN_AUTHOR)))
		return code;
	int rc = jalon_item_set(store, argv[first], (const char *const *)argv + first + 1,
	                        (size_t)(argc - first - 1));
	code = rc < 0 ? cli_fail_api(cx, store, rc) : 0;
	jalon_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- rm, restore */

int cmd_rm(cli_ctx *cx, int argc, char **argv)
{
	const char *ref;
	if (cli_one_operand(cx, argc, argv, "quel élément ?", "un seul élément", &ref))
		return cx->exit_code;
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_AUTHOR);
	if (code)
		return code;
	/* Resolve the reference first: the message names what was removed and how to get
	 * it back, and the removal is by id. */
	jalon_item *item = NULL;
	int rc = jalon_item_lookup(&item, store, ref);
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
		jalon_store_close(store);
		return code;
	}
	char *id = strdup(jalon_item_id(item)), *name = strdup(jalon_item_name(item));
	jalon_item_free(item);
	if (!id || !name) {
		code = cli_fail(cx, CLI_EXIT_SOFTWARE, "mémoire épuisée");
	} else if ((rc = jalon_item_remove(store, id)) < 0) {
		code = cli_fail_api(cx, store, rc);
	} else {
		code = cli_outcome(cx, json_pack("{s:s, s:s}", "removed", id, "name", name),
		                   "Supprimé : %s (%s) ; « jalon restore %s » le restaure", name, id,
		                   id);
	}
	free(id);
	free(name);
	jalon_store_close(store);
	return code;
}

int cmd_restore(cli_ctx *cx, int argc, char **argv)
{
	const char *id;
	if (cli_one_operand(cx, argc, argv, "quel id ?", "un seul id", &id))
		return cx->exit_code;
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_AUTHOR);
	if (code)
		return code;
	int rc = jalon_item_restore(store, id);
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
	} else {
		jalon_item *item = NULL;
		const char *name = jalon_item_lookup(&item, store, id) == 0 ? jalon_item_name(item) : id;
		code = cli_outcome(cx, json_pack("{s:s, s:s}", "restored", id, "name", name),
		                   "Restauré : %s (%s)", name, id);
		jalon_item_free(item);
	}
	jalon_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- show */

/* Fields `show` prints even at their default: what the record is, and where it stands
 * (« à lancer » is news too). */
static int always_shown(const char *key)
{
	static const char *const keys[] = {"id", "kind", "title", "name", "status"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(keys[i], key))
			return 1;
	return 0;
}

/* Whether `show` prints a field: every one with --full, else the set ones and those always
 * shown. position waits for --full: it only orders siblings, as the plan's order shows. */
static int is_shown(const jalon_item *item, const char *key, int full)
{
	if (full || always_shown(key))
		return 1;
	return strcmp(key, "position") && jalon_item_field_is_set(item, key);
}

/* Prints a value and a line feed, its continuation lines (a description's paragraphs)
 * indented under the first. */
static void put_indented(const char *text)
{
	for (const char *s = text; *s; s++) {
		putchar(*s);
		if (*s == '\n' && s[1] && s[1] != '\n')
			fputs("  ", stdout);
	}
	putchar('\n');
}

/* One "champ : valeur" line. The kind by its long name, which no record holds ("oo" →
 * "objectif opérationnel"); every other value as the library reads it out. */
static int show_field(const jalon_item *item, const char *key)
{
	char *text = NULL;
	const char *value = cli_kind_long_name(jalon_item_kind(item));
	if (strcmp(key, "kind")) {
		int rc = jalon_item_field(&text, item, key);
		if (rc < 0)
			return rc;
		value = text;
	}
	printf("%s : ", jalon_field_label(key));
	put_indented(value);
	jalon_free(text);
	return 0;
}

/* The record's fields in canonical order. 0 or the API's error code. */
static int show_fields(const jalon_item *item, int full)
{
	size_t n = jalon_item_field_count(item);
	for (size_t i = 0; i < n; i++) {
		const char *key = jalon_item_field_key(item, i);
		int rc = is_shown(item, key, full) ? show_field(item, key) : 0;
		if (rc < 0)
			return rc;
	}
	return 0;
}

int cmd_show(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"at", required_argument, NULL, 'a'},
		{"full", no_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("", opts);
	const char *at = NULL;
	int c, full = 0;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 'a')
			at = p.arg;
		else if (c == 'F')
			full = 1;
	}
	if (argc - p.index != 1)
		return cli_usage_error(cx, argc == p.index ? "quel élément ?" : "un seul élément");
	const char *ref = argv[p.index];

	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	jalon_item *item = NULL;
	long long when = 0;
	if (at && (code = cli_parse_time(cx, store, "--at", at, 1, &when))) {
		jalon_store_close(store);
		return code;
	}
	int rc = at ? jalon_history_at(&item, store, ref, when) : jalon_item_lookup(&item, store, ref);
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
		jalon_store_close(store);
		return code;
	}
	if (cx->json)
		fputs(jalon_item_json(item), stdout); /* canonical: ends with its line feed */
	else
		rc = show_fields(item, full);
	code = rc < 0 ? cli_fail_api(cx, NULL, rc) : cli_finish_output(cx);
	jalon_item_free(item);
	jalon_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- list */

enum {
	L_KIND = 0x200, L_VOLET, L_OS, L_OO, L_STATUS, L_RESPONSIBLE, L_PRIORITY, L_OVERDUE,
	L_DUE_BEFORE, L_DUE_AFTER, L_TEXT, L_FLAGGED, L_DRAFTS, L_ALL
};

/* "os,oo" → mask bits; 0 and *mask updated, or -1 naming the bad word in *bad. */
static int add_kinds(const char *text, unsigned *mask, char *bad, size_t badlen)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", text);
	char *save = NULL;
	int found = 0;
	for (char *w = strtok_r(buf, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		int kind = cli_kind_from_text(w);
		if (kind < 0 || kind == JALON_KIND_PLAN) {
			snprintf(bad, badlen, "%s", w);
			return -1;
		}
		*mask |= 1u << kind;
		found = 1;
	}
	if (!found)
		snprintf(bad, badlen, "%s", text);
	return found ? 0 : -1;
}

/* The échéance column: the deadline as written, else the recurrence; NULL when neither
 * (or memory ran out: the column stays empty). Free with jalon_free. */
static char *deadline_text(const jalon_item *item)
{
	static const char *const keys[] = {"deadline", "recurrence"};
	for (int i = 0; i < 2; i++) {
		char *text = NULL;
		if (jalon_item_field(&text, item, keys[i]) == 0 && *text)
			return text;
		jalon_free(text);
	}
	return NULL;
}

static int depth_of(jalon_kind kind)
{
	switch (kind) {
	case JALON_KIND_OO: return 1;
	case JALON_KIND_ACTION: return 2;
	case JALON_KIND_TASK: return 3;
	default: return 0;
	}
}

/* "Action 4 Former le citoyen…" indented by level. malloc'd. */
static char *tree_cell(const jalon_item *item, int indent)
{
	const char *label = jalon_item_label(item), *title = jalon_item_title(item);
	if (!title || !*title)
		title = jalon_item_name(item);
	label = label ? label : "";
	title = title ? title : "";
	size_t n = (size_t)indent * 2 + strlen(label) + 1 + strlen(title) + 1;
	char *cell = malloc(n);
	if (cell)
		snprintf(cell, n, "%*s%s%s%s", indent * 2, "", label, *label ? " " : "", title);
	return cell;
}

/* Where the tree stands while `list` walks it: the last item listed at each level. */
struct tree_walk {
	const char *last_id[4];
	int last_indent[4];
};

/* An item's indentation. The list is in plan order: an item is indented under its parent
 * when the parent is listed (it is then the last item listed one level up), else it
 * starts at the margin. */
static int tree_indent(struct tree_walk *walk, const jalon_item *item)
{
	const char *parent = jalon_item_parent(item);
	int d = depth_of(jalon_item_kind(item)), indent = 0;
	if (d > 0 && parent && walk->last_id[d - 1] && !strcmp(walk->last_id[d - 1], parent))
		indent = walk->last_indent[d - 1] + 1;
	walk->last_id[d] = jalon_item_id(item);
	walk->last_indent[d] = indent;
	for (int k = d + 1; k < 4; k++)
		walk->last_id[k] = NULL;
	return indent;
}

/* The text table of `list`: the cells built for each row, and the columns' widths. */
typedef struct list_table {
	size_t n;
	char **cells; /* ÉLÉMENT: label and title, indented under the parent */
	char **dues;  /* ÉCHÉANCE, NULL when none */
	size_t idw, cellw, statusw;
} list_table;

static size_t max_width(size_t width, const char *s)
{
	size_t w = s ? utf8_width(s) : 0;
	return w > width ? w : width;
}

/* 0, or -1 when memory ran out (table_free frees what was built). */
static int table_build(list_table *t, const jalon_item_list *list)
{
	struct tree_walk walk = {{NULL}, {0}};
	t->n = jalon_item_list_count(list);
	t->cells = calloc(t->n, sizeof *t->cells);
	t->dues = calloc(t->n, sizeof *t->dues);
	t->idw = max_width(0, "ID");
	t->cellw = max_width(0, "ÉLÉMENT");
	t->statusw = max_width(0, "STATUT");
	if (!t->cells || !t->dues)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		const jalon_item *item = jalon_item_list_get(list, i);
		t->cells[i] = tree_cell(item, tree_indent(&walk, item));
		t->dues[i] = deadline_text(item);
		t->idw = max_width(t->idw, jalon_item_id(item));
		t->cellw = max_width(t->cellw, t->cells[i]);
		t->statusw = max_width(t->statusw, jalon_item_status(item));
	}
	return 0;
}

static void table_print(cli_ctx *cx, const list_table *t, const jalon_item_list *list,
                        int wide)
{
	size_t cellw = !wide && t->cellw > 64 ? 64 : t->cellw;
	if (!cx->quiet) {
		put_column(stdout, "ID", t->idw + 2, 0, 1);
		put_column(stdout, "ÉLÉMENT", cellw + 2, 0, 1);
		put_column(stdout, "STATUT", t->statusw + 2, 0, 1);
		fputs("ÉCHÉANCE\n", stdout);
	}
	for (size_t i = 0; i < t->n; i++) {
		const jalon_item *item = jalon_item_list_get(list, i);
		const char *status = jalon_item_status(item);
		int has_due = t->dues[i] && *t->dues[i];
		put_column(stdout, jalon_item_id(item), t->idw + 2, 0, 1);
		put_column(stdout, t->cells[i] ? t->cells[i] : "", cellw, !wide, 1);
		fputs("  ", stdout);
		put_column(stdout, status ? status : "", t->statusw + 2, 0, has_due);
		if (has_due)
			fputs(t->dues[i], stdout);
		putchar('\n');
	}
}

static void table_free(list_table *t)
{
	for (size_t i = 0; t->cells && t->dues && i < t->n; i++) {
		free(t->cells[i]);
		jalon_free(t->dues[i]);
	}
	free(t->cells);
	free(t->dues);
}

/* The table, or nothing at all for an empty list. */
static void list_text(cli_ctx *cx, const jalon_item_list *list, int wide)
{
	list_table t;
	if (jalon_item_list_count(list) == 0)
		return;
	if (table_build(&t, list) == 0)
		table_print(cx, &t, list, wide);
	table_free(&t);
}

/* One object of `list --json`: the canonical record, with the summary members it lacks
 * (no record holds parent or name; a person has no label or status). A record's own
 * member is never replaced: a person's name stays its name. */
static json_t *list_entry(const jalon_item *item)
{
	json_t *rec = json_loads(jalon_item_json(item), 0, NULL);
	json_t *summary = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}",
	                            "label", jalon_item_label(item),
	                            "title", jalon_item_title(item),
	                            "status", jalon_item_status(item),
	                            "parent", jalon_item_parent(item),
	                            "name", jalon_item_name(item));
	if (!rec || !summary || json_object_update_missing(rec, summary) < 0) {
		json_decref(rec);
		rec = NULL;
	}
	json_decref(summary);
	return rec;
}

/* The list as a JSON array, NULL when a record could not be read or memory ran out. */
static json_t *list_json(const jalon_item_list *list)
{
	json_t *array = json_array();
	for (size_t i = 0; i < jalon_item_list_count(list); i++)
		array = cli_json_append(array, list_entry(jalon_item_list_get(list, i)));
	return array;
}

static void today(char day[11])
{
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm) || strftime(day, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(day, 11, "1970-01-01");
}

/* What `list` is asked: the query, its dates as written (read once the store is open, as a
 * date may be a tag) with room for the days they give, and the table's width. */
struct list_request {
	jalon_query q;
	const char *overdue, *due_before, *due_after;
	int want_overdue, wide;
	char overdue_day[11], before_day[11], after_day[11];
};

/* Takes one option into the request. 0, or a usage error's exit code. */
static int list_option(cli_ctx *cx, struct list_request *r, int c, const char *arg)
{
	char bad[64];
	switch (c) {
	case L_KIND:
		if (add_kinds(arg, &r->q.kinds, bad, sizeof bad) < 0)
			return cli_usage_error(cx, "--kind : type inconnu « %s » (os, oo, action, task, "
			                       "person)", bad);
		break;
	case L_VOLET:
		if (strcasecmp(arg, "externe") && strcasecmp(arg, "interne"))
			return cli_usage_error(cx, "--volet : « %s » ? (externe ou interne)", arg);
		r->q.volet = arg;
		break;
	case L_OS: r->q.os = arg; break;
	case L_OO: r->q.oo = arg; break;
	case L_STATUS: r->q.status = arg; break;
	case L_RESPONSIBLE: r->q.responsible = arg; break;
	case L_PRIORITY: r->q.priority = 1; break;
	case L_OVERDUE: r->want_overdue = 1; r->overdue = arg; break;
	case L_DUE_BEFORE: r->due_before = arg; break;
	case L_DUE_AFTER: r->due_after = arg; break;
	case L_TEXT: r->q.text = arg; break;
	case L_FLAGGED: r->q.flagged = 1; break;
	case L_DRAFTS: r->q.include_drafts = 1; break;
	case L_ALL: r->q.include_drafts = 1; break; /* kinds stays 0: every item kind */
	case 'w': r->wide = 1; break;
	default: break;
	}
	return 0;
}

/* 0, or CLI_OPT_EXIT with cx->exit_code set. */
static int list_options(cli_ctx *cx, int argc, char **argv, struct list_request *r)
{
	static const struct option opts[] = {
		{"kind", required_argument, NULL, L_KIND},
		{"volet", required_argument, NULL, L_VOLET},
		{"os", required_argument, NULL, L_OS},
		{"oo", required_argument, NULL, L_OO},
		{"status", required_argument, NULL, L_STATUS},
		{"responsible", required_argument, NULL, L_RESPONSIBLE},
		{"priority", no_argument, NULL, L_PRIORITY},
		{"overdue", optional_argument, NULL, L_OVERDUE},
		{"due-before", required_argument, NULL, L_DUE_BEFORE},
		{"due-after", required_argument, NULL, L_DUE_AFTER},
		{"text", required_argument, NULL, L_TEXT},
		{"flagged", no_argument, NULL, L_FLAGGED},
		{"drafts", no_argument, NULL, L_DRAFTS},
		{"all", no_argument, NULL, L_ALL},
		{"wide", no_argument, NULL, 'w'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("w", opts);
	int c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return CLI_OPT_EXIT;
		if ((cx->exit_code = list_option(cx, r, c, p.arg)))
			return CLI_OPT_EXIT;
	}
	/* "--overdue DATE" (getopt only binds "--overdue=DATE"): the one operand is its date. */
	if (r->want_overdue && !r->overdue && argc - p.index == 1)
		r->overdue = argv[p.index++];
	if (p.index < argc) {
		cx->exit_code = cli_usage_error(cx, "argument inattendu « %s »", argv[p.index]);
		return CLI_OPT_EXIT;
	}
	return 0;
}

/* Reads the dates into the query. 0 or an exit code. */
static int list_dates(cli_ctx *cx, jalon_store *store, struct list_request *r)
{
	int code = 0;
	if (r->want_overdue) {
		if (r->overdue)
			code = cli_parse_day(cx, store, "--overdue", r->overdue, r->overdue_day);
		else
			today(r->overdue_day);
		r->q.overdue_at = r->overdue_day;
	}
	if (!code && r->due_before &&
	    !(code = cli_parse_day(cx, store, "--due-before", r->due_before, r->before_day)))
		r->q.due_before = r->before_day;
	if (!code && r->due_after &&
	    !(code = cli_parse_day(cx, store, "--due-after", r->due_after, r->after_day)))
		r->q.due_after = r->after_day;
	return code;
}

static int list_items(cli_ctx *cx, jalon_store *store, const struct list_request *r)
{
	jalon_item_list *list = NULL;
	int rc = jalon_query_run(&list, store, &r->q), code;
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
	} else if (cx->json) {
		code = cli_print_json(cx, list_json(list));
	} else {
		list_text(cx, list, r->wide);
		code = cli_finish_output(cx);
	}
	jalon_item_list_free(list);
	return code;
}

int cmd_list(cli_ctx *cx, int argc, char **argv)
{
	struct list_request r = {JALON_QUERY_INIT, NULL, NULL, NULL, 0, 0, "", "", ""};
	if (list_options(cx, argc, argv, &r))
		return cx->exit_code;
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	code = list_dates(cx, store, &r);
	if (!code)
		code = list_items(cx, store, &r);
	jalon_store_close(store);
	return code;
}
