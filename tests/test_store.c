/* SPDX-License-Identifier: MIT */
/* The store and its one change pipeline: creation, changes as commits, atomicity,
 * recovery of a history ahead of SQLite, rebuild, fsck, stale locks, change handlers and
 * their amendments, housekeeping after a change, option versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sys/stat.h>

#include "db_helpers.h"
#include "helpers.h"
#include "change/pipeline.h"

static char *git(const struct store_fixture *f, const char *args)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "git --git-dir='%s/history.git' %s", f->dir, args);
	return run_line(cmd);
}

/* A store with one OS, one OO and the action "(7)". */
static int setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof *f);
	f->store = scratch_store("store", "Marie Dupont", "marie@cpas.be", &f->dir);
	const char *os[] = {"label=OS 1", "volet=externe"};
	const char *oo[] = {"label=OO 1"};
	const char *act[] = {"label=(7)", "statut=en cours"};
	assert_int_equal(jalon_item_add(NULL, f->store, JALON_KIND_OS, NULL, "Être un CPAS", os, 2), 0);
	assert_int_equal(jalon_item_add(NULL, f->store, JALON_KIND_OO, "OS 1", "Accompagner", oo, 1), 0);
	assert_int_equal(jalon_item_add(NULL, f->store, JALON_KIND_ACTION, "OO 1",
	                                "Mettre en place une équipe mobile", act, 2), 0);
	*state = f;
	return 0;
}

static void test_init_refuses_a_non_empty_directory(void **state)
{
	struct store_fixture *f = *state;
	jalon_store *other;
	assert_int_equal(jalon_store_init(&other, f->dir, NULL), JALON_ECONFLICT);
	assert_non_null(strstr(jalon_errmsg(other), "n'est pas vide"));
	jalon_store_close(other);
}

static void test_open_missing_store_names_it(void **state)
{
	(void)state;
	jalon_store *s;
	assert_int_equal(jalon_store_open(&s, "/nonexistent/jalon", NULL), JALON_ENOTFOUND);
	assert_non_null(strstr(jalon_errmsg(s), "/nonexistent/jalon"));
	jalon_store_close(s);
}

static void test_change_is_one_commit_by_the_author(void **state)
{
	struct store_fixture *f = *state;
	const char *set[] = {"statut=terminé"};
	char *before = git(f, "rev-list --count main");
	assert_int_equal(jalon_item_set(f->store, "Action 7", set, 1), 0);
	char *after = git(f, "rev-list --count main");
	assert_int_equal(atoi(after), atoi(before) + 1);
	char *subject = git(f, "log -1 --format=%s main");
	assert_string_equal(subject, "Action (7) : statut « en cours » → « terminé »");
	char *author = git(f, "log -1 --format='%an <%ae>' main");
	assert_string_equal(author, "Marie Dupont <marie@cpas.be>");
	char *committer = git(f, "log -1 --format=%cn main");
	assert_string_equal(committer, "Jalon");
	char *trailer = git(f, "log -1 --format='%(trailers:key=Record,valueonly)' main");
	assert_string_equal(trailer, "action-1");
	free(before);
	free(after);
	free(subject);
	free(author);
	free(committer);
	free(trailer);
}

static void test_record_file_is_canonical_and_sharded(void **state)
{
	struct store_fixture *f = *state;
	char *status = git(f, "show main:actions/000/action-1.json | grep '\"status\"'");
	assert_string_equal(status, "  \"status\": \"en cours\",");
	free(status);
}

static void test_bad_value_changes_nothing(void **state)
{
	struct store_fixture *f = *state;
	const char *set[] = {"statut=terminé", "avancement=150"};
	char *before = git(f, "rev-parse main");
	assert_int_equal(jalon_item_set(f->store, "Action 7", set, 2), JALON_EINVALID);
	assert_non_null(strstr(jalon_errmsg(f->store), "avancement"));
	char *after = git(f, "rev-parse main");
	assert_string_equal(before, after);
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "action-1"), 0);
	assert_string_equal(jalon_item_status(item), "en cours");
	jalon_item_free(item);
	free(before);
	free(after);
}

static void test_change_without_author_is_refused(void **state)
{
	struct store_fixture *f = *state;
	jalon_store *s;
	assert_int_equal(jalon_store_open(&s, f->dir, NULL), 0);
	const char *set[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(s, "Action 7", set, 1), JALON_EINVALID);
	assert_non_null(strstr(jalon_errmsg(s), "auteur"));
	jalon_store_close(s);
}

static int veto(void *ud, jl_txn *t, const json_t *old_rec, const json_t *new_rec,
                char *msg, size_t msglen)
{
	(void)ud, (void)t, (void)old_rec;
	if (new_rec && !strcmp(json_string_value(json_object_get(new_rec, "status")), "terminé")) {
		snprintf(msg, msglen, "une action ne se termine pas sans évaluation");
		return 1;
	}
	return 0;
}

static void test_vetoing_hook_leaves_store_and_history_unchanged(void **state)
{
	struct store_fixture *f = *state;
	const jl_change_handler h = {veto, NULL, NULL};
	assert_int_equal(jl_change_handler_add(f->store, &h), 0);
	char *before = git(f, "rev-parse main");
	const char *set[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(f->store, "(7)", set, 1), JALON_ESCRIPT);
	assert_string_equal(jalon_errmsg(f->store), "une action ne se termine pas sans évaluation");
	char *after = git(f, "rev-parse main");
	assert_string_equal(before, after);
	char *report;
	assert_int_equal(jalon_store_fsck(f->store, &report), 0);
	jalon_free(report);
	free(before);
	free(after);
}

static void test_remove_then_restore(void **state)
{
	struct store_fixture *f = *state;
	char *task;
	assert_int_equal(jalon_item_add(&task, f->store, JALON_KIND_TASK, "Action 7",
	                                "Recruter deux assistants sociaux", NULL, 0), 0);
	assert_int_equal(jalon_item_remove(f->store, "OO 1"), 0);
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, task), JALON_ENOTFOUND);
	char *subject = git(f, "log -1 --format=%s main");
	assert_string_equal(subject, "OO 1 : suppression");
	assert_int_equal(jalon_item_restore(f->store, "oo-1"), 0);
	assert_int_equal(jalon_item_lookup(&item, f->store, task), 0);
	assert_string_equal(jalon_item_title(item), "Recruter deux assistants sociaux");
	jalon_item_free(item);
	/* Ids are never reused. */
	char *again;
	assert_int_equal(jalon_item_add(&again, f->store, JALON_KIND_TASK, "Action 7", "Autre", NULL, 0), 0);
	assert_string_equal(again, "task-2");
	jalon_free(again);
	jalon_free(task);
	free(subject);
}

/* A transversal action loses one of its OO: it stays under the other, which takes the
 * whole share. The removed OO's id being a prefix of the other's (oo-1, oo-12) must not
 * read as "still used". */
static void test_remove_an_oo_of_a_transversal_action(void **state)
{
	struct store_fixture *f = *state;
	for (int i = 2; i <= 12; i++) {
		char label[32];
		snprintf(label, sizeof label, "label=OO %d", i);
		const char *a[] = {label};
		assert_int_equal(jalon_item_add(NULL, f->store, JALON_KIND_OO, "OS 1", "Levier", a, 1), 0);
	}
	const char *shares[] = {"répartition=OO 1 = 60 ; OO 12 = 40"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", shares, 1), 0);
	if (jalon_item_remove(f->store, "OO 1") != 0)
		fail_msg("%s", jalon_errmsg(f->store));
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "Action 7"), 0);
	assert_string_equal(jalon_item_parent(item), "oo-12");
	char *parents;
	assert_int_equal(jalon_item_field(&parents, item, "parents"), 0);
	assert_string_equal(parents, "OO 12 (oo-12)");
	jalon_free(parents);
	jalon_item_free(item);
}

static void copy_file(const char *from, const char *to)
{
	char cmd[8400];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/* The state a crash between the git commit and the SQLite COMMIT leaves: the history one
 * commit ahead. The next open must replay it. */
static void test_open_replays_a_history_ahead_of_sqlite(void **state)
{
	struct store_fixture *f = *state;
	char db[4096], saved[4096];
	snprintf(db, sizeof db, "%s/jalon.db", f->dir);
	snprintf(saved, sizeof saved, "%s/../saved.db", f->dir);
	jalon_store_close(f->store);
	copy_file(db, saved);
	assert_int_equal(jalon_store_open(&f->store, f->dir, NULL), 0);
	jalon_store_set_author(f->store, "Marie Dupont", "marie@cpas.be");
	const char *set[] = {"avancement=60"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", set, 1), 0);
	jalon_store_close(f->store);
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", db);
	unlink(wal);
	copy_file(saved, db);
	assert_int_equal(jalon_store_open(&f->store, f->dir, NULL), 0);
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "Action 7"), 0);
	char *progress;
	assert_int_equal(jalon_item_field(&progress, item, "avancement"), 0);
	assert_string_equal(progress, "60");
	jalon_free(progress);
	jalon_item_free(item);
	char *report;
	assert_int_equal(jalon_store_fsck(f->store, &report), 0);
	jalon_free(report);
}

static void test_rebuild_gives_identical_export(void **state)
{
	struct store_fixture *f = *state;
	char *before, *after;
	assert_int_equal(jalon_export(&before, NULL, f->store, JALON_FORMAT_JSON), 0);
	assert_int_equal(jalon_store_rebuild(f->store), 0);
	assert_int_equal(jalon_export(&after, NULL, f->store, JALON_FORMAT_JSON), 0);
	assert_string_equal(before, after);
	jalon_free(before);
	jalon_free(after);
	char *report;
	assert_int_equal(jalon_store_fsck(f->store, &report), 0);
	jalon_free(report);
}

static void test_fsck_finds_a_tampered_record(void **state)
{
	struct store_fixture *f = *state;
	char cmd[8192], *report;
	snprintf(cmd, sizeof cmd, "sqlite3 '%s/jalon.db' \"UPDATE records SET body = replace(body,"
	                          " 'équipe', 'EQUIPE') WHERE id = 'action-1'\"", f->dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(jalon_store_fsck(f->store, &report), JALON_ECORRUPT);
	assert_non_null(strstr(report, "action-1 : SQLite diffère de l'historique"));
	jalon_free(report);
	assert_int_equal(jalon_store_rebuild(f->store), 0);
	assert_int_equal(jalon_store_fsck(f->store, &report), 0);
	jalon_free(report);
}

static void test_stale_ref_lock_does_not_block(void **state)
{
	struct store_fixture *f = *state;
	char lock[4096];
	snprintf(lock, sizeof lock, "%s/history.git/refs/heads/main.lock", f->dir);
	FILE *fp = fopen(lock, "w");
	assert_non_null(fp);
	fclose(fp);
	/* Left by a process killed a while ago. */
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "touch -d '1 minute ago' '%s'", lock);
	assert_int_equal(system(cmd), 0);
	const char *set[] = {"statut=reporté"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", set, 1), 0);
	assert_int_equal(access(lock, F_OK), -1);
}

static int count_files(const char *dir, const char *suffix)
{
	char cmd[8400];
	snprintf(cmd, sizeof cmd, "find '%s' -type f -name '*%s' | wc -l", dir, suffix);
	char *line = run_line(cmd);
	int n = atoi(line);
	free(line);
	return n;
}

static void test_gc_leaves_one_pack_and_loses_nothing(void **state)
{
	struct store_fixture *f = *state;
	/* Seventy more commits of loose objects, then two packings in a row. */
	for (int i = 0; i < 70; i++)
		assert_int_equal(jalon_item_add(NULL, f->store, JALON_KIND_TASK, "Action 7", "Tâche",
		                                NULL, 0), 0);
	char *before, *after, *report;
	assert_int_equal(jalon_export(&before, NULL, f->store, JALON_FORMAT_JSON), 0);
	assert_int_equal(jalon_store_gc(f->store), 0);
	assert_int_equal(jalon_store_gc(f->store), 0);
	char objects[4200];
	snprintf(objects, sizeof objects, "%s/history.git/objects", f->dir);
	assert_int_equal(count_files(objects, ".pack"), 1);
	assert_int_equal(count_files(objects, ""), 2); /* the pack and its index */
	assert_int_equal(jalon_export(&after, NULL, f->store, JALON_FORMAT_JSON), 0);
	assert_string_equal(before, after);
	assert_int_equal(jalon_store_fsck(f->store, &report), 0);
	jalon_free(report);
	jalon_free(before);
	jalon_free(after);
	char *check = git(f, "fsck --no-dangling 2>&1 && echo ok");
	assert_string_equal(check, "ok");
	free(check);
}

/* A lock left a moment ago, in the same second as the next change: stale all the same. */
static void test_fresh_stale_ref_lock_does_not_block(void **state)
{
	struct store_fixture *f = *state;
	char lock[4096];
	snprintf(lock, sizeof lock, "%s/history.git/refs/heads/main.lock", f->dir);
	FILE *fp = fopen(lock, "w");
	assert_non_null(fp);
	fclose(fp);
	const char *set[] = {"statut=reporté"};
	if (jalon_item_set(f->store, "Action 7", set, 1) != 0)
		fail_msg("%s", jalon_errmsg(f->store));
	assert_int_equal(access(lock, F_OK), -1);
}

static void test_unchanged_value_makes_no_commit(void **state)
{
	struct store_fixture *f = *state;
	char *before = git(f, "rev-parse main");
	const char *set[] = {"statut=en cours"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", set, 1), 0);
	char *after = git(f, "rev-parse main");
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* A handler that finishes what a change implies: an action set « terminé » gets its
   actual end date, in the same commit. */
static int finish_with_date(void *ud, jl_txn *t, const json_t *old_rec, const json_t *new_rec,
                            char *msg, size_t msglen)
{
	int *amendments = ud;
	(void)old_rec;
	if (new_rec && !strcmp(json_string_value(json_object_get(new_rec, "status")), "terminé") &&
	    json_is_null(json_object_get(new_rec, "actual_end"))) {
		if (jl_pipeline_amend(t, "action-1", "fin effective", "2024-06-30", msg, msglen) != 0)
			return 1;
		++*amendments;
	}
	return 0;
}

static void test_a_handler_amends_the_change_in_the_same_commit(void **state)
{
	struct store_fixture *f = *state;
	int amendments = 0;
	const jl_change_handler h = {finish_with_date, NULL, &amendments};
	assert_int_equal(jl_change_handler_add(f->store, &h), 0);
	char *before = git(f, "rev-list --count main");
	const char *set[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", set, 1), 0);
	assert_int_equal(amendments, 1);
	char *after = git(f, "rev-list --count main");
	assert_int_equal(atoi(after), atoi(before) + 1);
	char *both = git(f, "show main:actions/000/action-1.json | grep -c "
	                    "'\"status\": \"terminé\"\\|\"actual_end\": \"2024-06-30\"'");
	assert_string_equal(both, "2");
	char *subject = git(f, "log -1 --format=%s main");
	assert_non_null(strstr(subject, "statut « en cours » → « terminé »"));
	assert_non_null(strstr(subject, "2024-06-30"));
	/* SQLite holds what the history holds. */
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "action-1"), 0);
	assert_non_null(strstr(jalon_item_json(item), "\"actual_end\": \"2024-06-30\""));
	jalon_item_free(item);
	char *report;
	assert_int_equal(jalon_store_fsck(f->store, &report), 0);
	jalon_free(report);
	free(before);
	free(after);
	free(both);
	free(subject);
}

struct amend_probe {
	const char *id, *key, *value; /* the amendment tried */
	int rc;                       /* what jl_pipeline_amend said */
	char err[512];
};

static int try_amendment(void *ud, jl_txn *t, const json_t *old_rec, const json_t *new_rec,
                         char *msg, size_t msglen)
{
	struct amend_probe *p = ud;
	(void)old_rec, (void)new_rec, (void)msg, (void)msglen;
	p->rc = jl_pipeline_amend(t, p->id, p->key, p->value, p->err, sizeof p->err);
	return 0;
}

/* What an amendment may not do: touch a record outside the change, set a bad value,
   create a person; the change itself goes through unamended. */
static void test_an_amendment_stays_within_the_change(void **state)
{
	struct store_fixture *f = *state;
	struct amend_probe probe = {"oo-1", "statut", "en cours", 0, ""};
	const jl_change_handler h = {try_amendment, NULL, &probe};
	assert_int_equal(jl_change_handler_add(f->store, &h), 0);
	const char *note[] = {"note=Première réunion"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", note, 1), 0);
	assert_int_equal(probe.rc, JALON_EINVALID);
	assert_non_null(strstr(probe.err, "« oo-1 » n'est pas un enregistrement que cette "
	                                  "modification crée ou change"));
	probe = (struct amend_probe){"action-1", "avancement", "150", 0, ""};
	const char *again[] = {"note=Deuxième réunion"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", again, 1), 0);
	assert_int_equal(probe.rc, JALON_EINVALID);
	assert_non_null(strstr(probe.err, "avancement"));
	probe = (struct amend_probe){"action-1", "porteur", "Personne Inconnue", 0, ""};
	const char *third[] = {"note=Troisième réunion"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", third, 1), 0);
	assert_int_equal(probe.rc, JALON_EINVALID);
	assert_non_null(strstr(probe.err, "personne « Personne Inconnue » inconnue"));
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "action-1"), 0);
	assert_non_null(strstr(jalon_item_json(item), "Troisième réunion"));
	assert_null(strstr(jalon_item_json(item), "\"progress\": 150"));
	jalon_item_free(item);
	char *people = git(f, "ls-tree -r --name-only main people | wc -l");
	assert_string_equal(people, "0");
	free(people);
}

/* Takes SQLite's write lock from another connection once a change is durable, so that
   the housekeeping after it finds the store busy. */
static void hold_the_lock(void *ud, jalon_store *s, const char *commit)
{
	(void)s, (void)commit;
	assert_int_equal(sqlite3_exec(ud, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
}

/* A change is acknowledged once durable: packing after it, found busy, does not turn the
   success into a failure. */
static void test_a_busy_pack_does_not_fail_a_durable_change(void **state)
{
	struct store_fixture *f = *state;
	/* As many loose objects as git estimates for an automatic gc. */
	char path[4200];
	snprintf(path, sizeof path, "%s/history.git/objects/17", f->dir);
	mkdir(path, 0755);
	for (int i = 0; i < 30; i++) {
		snprintf(path, sizeof path, "%s/history.git/objects/17/%038d", f->dir, i);
		write_text(path, "");
	}
	jalon_open_options opts = JALON_OPEN_OPTIONS_INIT;
	opts.busy_timeout_ms = 50;
	jalon_store *s;
	assert_int_equal(jalon_store_open(&s, f->dir, &opts), 0);
	assert_int_equal(jalon_store_set_author(s, "Marie Dupont", "marie@cpas.be"), 0);
	sqlite3 *other;
	snprintf(path, sizeof path, "%s/jalon.db", f->dir);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	const jl_change_handler h = {NULL, hold_the_lock, other};
	assert_int_equal(jl_change_handler_add(s, &h), 0);
	const char *set[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(s, "Action 7", set, 1), 0);
	assert_string_equal(jalon_errmsg(s), "");
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	char *subject = git(f, "log -1 --format=%s main");
	assert_string_equal(subject, "Action (7) : statut « en cours » → « terminé »");
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, s, "Action 7"), 0);
	assert_string_equal(jalon_item_status(item), "terminé");
	jalon_item_free(item);
	jalon_store_close(s);
	free(subject);
}

static void test_an_unknown_options_version_is_refused(void **state)
{
	struct store_fixture *f = *state;
	jalon_open_options opts = JALON_OPEN_OPTIONS_INIT;
	opts.version = 99;
	jalon_store *s;
	assert_int_equal(jalon_store_open(&s, f->dir, &opts), JALON_EINVALID);
	assert_non_null(strstr(jalon_errmsg(s), "version 99 inconnue"));
	jalon_store_close(s);
	jalon_remind_options ropts = JALON_REMIND_OPTIONS_INIT;
	ropts.version = 7;
	assert_int_equal(jalon_remind_run(f->store, &ropts, NULL), JALON_EINVALID);
	assert_non_null(strstr(jalon_errmsg(f->store), "jalon_remind_options : version 7 inconnue"));
}

/* ---------------------------------------------------------------- a failing database */

/* What a reading call answered without a fault, to compare with. */
struct reading {
	int which;
	char *answer;
};

static char *item_text(const jalon_item *item)
{
	char *parents = NULL;
	jalon_item_field(&parents, item, "parents"); /* the parents' names: more lookups */
	char *text = malloc(strlen(jalon_item_json(item)) + (parents ? strlen(parents) : 0) + 2);
	sprintf(text, "%s\n%s", jalon_item_json(item), parents ? parents : "");
	jalon_free(parents);
	return text;
}

static int read_store(jalon_store *s, void *ud)
{
	struct reading *r = ud;
	static const char *const refs[] = {"Action 7", "action-1", "OO 1"};
	char *answer = NULL;
	int rc;
	if (r->which < 3) {
		jalon_item *item;
		if ((rc = jalon_item_lookup(&item, s, refs[r->which])) == 0)
			answer = item_text(item);
		else
			assert_null(item);
		jalon_item_free(item);
	} else if (r->which == 3) {
		jalon_item_list *list;
		jalon_query q = JALON_QUERY_INIT;
		q.oo = "OO 1";
		if ((rc = jalon_query_run(&list, s, &q)) == 0) {
			answer = strdup("");
			for (size_t i = 0; i < jalon_item_list_count(list); i++) {
				char *one = item_text(jalon_item_list_get(list, i));
				char *all = malloc(strlen(answer) + strlen(one) + 1);
				sprintf(all, "%s%s", answer, one);
				free(answer);
				free(one);
				answer = all;
			}
		}
		jalon_item_list_free(list);
	} else {
		rc = jalon_store_fsck(s, &answer);
		if (rc)
			assert_null(answer);
	}
	if (rc == 0 && r->answer)
		assert_string_equal(answer, r->answer);
	if (rc == 0) {
		free(r->answer);
		r->answer = answer;
	}
	return rc;
}

/* Looking an item up (by name, id, label), a query, fsck: a database failing at any
 * point is an error — never "aucun élément de ce nom", an item without its parents'
 * names, a shorter list or an inconsistency to rebuild — and the same answer once the
 * database works again. */
static void test_a_failing_database_is_an_error_not_an_unknown_item(void **state)
{
	struct store_fixture *f = *state;
	for (int which = 0; which < 5; which++) {
		struct reading r = {which, NULL};
		assert_int_equal(read_store(f->store, &r), 0);
		db_sweep(f->store, NULL, read_store, NULL, &r);
		assert_int_equal(read_store(f->store, &r), 0);
		free(r.answer);
	}
}

/* The store as it stands: its export and its history's head. */
static char *store_state(const struct store_fixture *f)
{
	char *doc, *head = git(f, "rev-parse main");
	assert_int_equal(jalon_export(&doc, NULL, f->store, JALON_FORMAT_JSON), 0);
	char *text = malloc(strlen(doc) + strlen(head) + 2);
	sprintf(text, "%s\n%s", head, doc);
	jalon_free(doc);
	free(head);
	return text;
}

/* rc is a database error and the store is as it was. */
static void assert_failed_unchanged(struct store_fixture *f, int rc, const char *before)
{
	db_fail(f->store, NULL);
	assert_db_error(f->store, rc);
	char *after = store_state(f);
	assert_string_equal(after, before);
	free(after);
}

/* The lookups a change makes (a fresh id, a position, a parent's children, who uses a
 * record, a person by name, the record removed): failing, they fail the change, which
 * never goes on as if nothing were found. */
static void test_a_failing_database_fails_the_change(void **state)
{
	struct store_fixture *f = *state;
	const char *mandate[] = {"responsable=Marie Dupont"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", mandate, 1), 0);
	char *before = store_state(f);
	db_fault fault = {NULL, "SELECT last FROM id_counters", 0};

	/* Without its counter, the new action would be action-1 again, over the other. */
	db_fail(f->store, &fault);
	assert_failed_unchanged(f, jalon_item_add(NULL, f->store, JALON_KIND_ACTION, "OO 1",
	                                          "Autre action", NULL, 0), before);
	fault.sql = "SELECT max(position)";
	db_fail(f->store, &fault);
	assert_failed_unchanged(f, jalon_item_add(NULL, f->store, JALON_KIND_ACTION, "OO 1",
	                                          "Autre action", NULL, 0), before);
	/* Without its children, OO 1 would go and leave its action behind. */
	fault.sql = "SELECT item FROM item_parents WHERE parent";
	db_fail(f->store, &fault);
	assert_failed_unchanged(f, jalon_item_remove(f->store, "OO 1"), before);
	/* Without its users, Marie Dupont would go though the action names her. */
	fault.sql = "UNION ALL SELECT item FROM item_people";
	db_fail(f->store, &fault);
	assert_failed_unchanged(f, jalon_item_remove(f->store, "person-1"), before);
	/* Without the people's names, a second Marie Dupont would be made. */
	fault.sql = "FROM people WHERE name_key";
	db_fail(f->store, &fault);
	assert_failed_unchanged(f, jalon_item_set(f->store, "OO 1", mandate, 1), before);
	/* Without the record, restoring what is there would look for a removal. */
	fault.sql = "FROM records WHERE id";
	db_fail(f->store, &fault);
	assert_failed_unchanged(f, jalon_item_restore(f->store, "action-1"), before);

	/* And once the database works again: */
	assert_int_equal(jalon_item_remove(f->store, "person-1"), JALON_ECONFLICT);
	assert_int_equal(jalon_item_set(f->store, "OO 1", mandate, 1), 0);
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "person-2"), JALON_ENOTFOUND);
	char *id;
	assert_int_equal(jalon_item_add(&id, f->store, JALON_KIND_ACTION, "OO 1", "Autre action",
	                                NULL, 0), 0);
	assert_string_equal(id, "action-2");
	jalon_free(id);
	assert_int_equal(jalon_item_remove(f->store, "OO 1"), 0);
	assert_int_equal(jalon_item_lookup(&item, f->store, "action-1"), JALON_ENOTFOUND);
	free(before);
	before = store_state(f);
	fault.sql = "SELECT record, old_blob FROM record_changes";
	db_fail(f->store, &fault);
	assert_failed_unchanged(f, jalon_item_restore(f->store, "oo-1"), before);
	assert_int_equal(jalon_item_restore(f->store, "oo-1"), 0);
	free(before);
}

/* A change db_sweep repeats, and what it must have done — or not — once the fault is
 * gone. */
static int finish_action(jalon_store *s, void *ud)
{
	const char *set[] = {"statut=terminé"};
	(void)ud;
	return jalon_item_set(s, "Action 7", set, 1);
}

static void action_finished(jalon_store *s, int rc, void *ud)
{
	jalon_item *item;
	(void)ud;
	assert_int_equal(jalon_item_lookup(&item, s, "Action 7"), 0);
	assert_string_equal(jalon_item_status(item), rc ? "en cours" : "terminé");
	jalon_item_free(item);
}

static int remove_action(jalon_store *s, void *ud)
{
	(void)ud;
	return jalon_item_remove(s, "Action 7");
}

static void action_removed(jalon_store *s, int rc, void *ud)
{
	jalon_item *item;
	(void)ud;
	assert_int_equal(jalon_item_lookup(&item, s, "Action 7"), rc ? 0 : JALON_ENOTFOUND);
	jalon_item_free(item);
}

/* Every read of a record during a change (the record itself, its parents, the version it
 * replaces): failing at any of them fails the change, which never reads as "introuvable"
 * nor silently records nothing. */
static void test_a_failing_record_read_fails_the_change(void **state)
{
	struct store_fixture *f = *state;
	db_sweep(f->store, "FROM records WHERE id", finish_action, action_finished, NULL);
	db_sweep(f->store, "FROM records WHERE id", remove_action, action_removed, NULL);
}

/* gc and fsck end a transaction that writes nothing: when ending it fails, they say so,
 * and the store is not left inside it, holding the lock. */
static void test_a_failing_commit_is_an_error_and_releases_the_store(void **state)
{
	struct store_fixture *f = *state;
	db_fault fault = {NULL, "COMMIT", 0};
	char *report;
	db_fail(f->store, &fault);
	int rc = jalon_store_gc(f->store);
	db_fail(f->store, NULL);
	assert_db_error(f->store, rc);
	db_fail(f->store, &fault);
	rc = jalon_store_fsck(f->store, &report);
	db_fail(f->store, NULL);
	assert_db_error(f->store, rc);
	assert_null(report);
	const char *set[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(f->store, "Action 7", set, 1), 0);
	assert_int_equal(jalon_store_gc(f->store), 0);
	assert_int_equal(jalon_store_fsck(f->store, &report), 0);
	jalon_free(report);
}

/* A test on a fresh scratch store of its own. */
#define STORE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, store_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_init_refuses_a_non_empty_directory),
		cmocka_unit_test(test_open_missing_store_names_it),
		STORE_TEST(test_change_is_one_commit_by_the_author),
		STORE_TEST(test_record_file_is_canonical_and_sharded),
		STORE_TEST(test_bad_value_changes_nothing),
		STORE_TEST(test_change_without_author_is_refused),
		STORE_TEST(test_vetoing_hook_leaves_store_and_history_unchanged),
		STORE_TEST(test_remove_then_restore),
		STORE_TEST(test_remove_an_oo_of_a_transversal_action),
		STORE_TEST(test_open_replays_a_history_ahead_of_sqlite),
		STORE_TEST(test_rebuild_gives_identical_export),
		STORE_TEST(test_fsck_finds_a_tampered_record),
		STORE_TEST(test_stale_ref_lock_does_not_block),
		STORE_TEST(test_gc_leaves_one_pack_and_loses_nothing),
		STORE_TEST(test_fresh_stale_ref_lock_does_not_block),
		STORE_TEST(test_unchanged_value_makes_no_commit),
		STORE_TEST(test_a_handler_amends_the_change_in_the_same_commit),
		STORE_TEST(test_an_amendment_stays_within_the_change),
		STORE_TEST(test_a_busy_pack_does_not_fail_a_durable_change),
		STORE_TEST(test_an_unknown_options_version_is_refused),
		STORE_TEST(test_a_failing_database_is_an_error_not_an_unknown_item),
		STORE_TEST(test_a_failing_database_fails_the_change),
		STORE_TEST(test_a_failing_record_read_fails_the_change),
		STORE_TEST(test_a_failing_commit_is_an_error_and_releases_the_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
