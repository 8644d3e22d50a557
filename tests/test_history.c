/* SPDX-License-Identifier: MIT */
/* History questions: log of one item with each change's values, state at a date, diff
 * between dates, blame, tags, reading dates, the plan as it stood at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <limits.h>
#include <time.h>

#include "db_helpers.h"
#include "helpers.h"
#include "jobs/progress.h"

struct fixture {
	char *dir;
	jalon_store *store;
	long long t0, t1; /* before the status change, after it */
};

static void as(jalon_store *s, const char *name, const char *email)
{
	assert_int_equal(jalon_store_set_author(s, name, email), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->store = scratch_store("history", "Anne DG", "dg@cpas.be", &f->dir);
	const char *os[] = {"label=OS 1"};
	const char *oo[] = {"label=OO 1"};
	const char *act[] = {"label=Action 4", "échéance=septembre 2020"};
	assert_int_equal(jalon_item_add(NULL, f->store, JALON_KIND_OS, NULL, "Être un CPAS", os, 1), 0);
	assert_int_equal(jalon_item_add(NULL, f->store, JALON_KIND_OO, "OS 1", "Accompagner", oo, 1), 0);
	assert_int_equal(jalon_item_add(NULL, f->store, JALON_KIND_ACTION, "OO 1", "Former le citoyen",
	                                act, 2), 0);
	/* Commit times have a one-second resolution: separate the steps. */
	sleep(1);
	f->t0 = (long long)time(NULL);
	sleep(1);
	as(f->store, "Paul Président", "president@cpas.be");
	const char *set[] = {"statut=en cours", "qui=DG + Président"};
	assert_int_equal(jalon_item_set(f->store, "Action 4", set, 2), 0);
	sleep(1);
	f->t1 = (long long)time(NULL);
	sleep(1);
	as(f->store, "Anne DG", "dg@cpas.be");
	const char *done[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(f->store, "Action 4", done, 1), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	scratch_store_close(f->store, f->dir);
	free(f);
	return 0;
}

static const jalon_field_change *find_change(const jalon_log_entry *e, const char *field)
{
	for (size_t i = 0; i < e->nchanges; i++)
		if (!strcmp(e->changes[i].field, field))
			return &e->changes[i];
	return NULL;
}

static void test_log_of_one_item_newest_first(void **state)
{
	struct fixture *f = *state;
	jalon_log *log;
	assert_int_equal(jalon_history_log(&log, f->store, "Action 4", 0), 0);
	assert_int_equal(jalon_log_count(log), 3);
	const jalon_log_entry *e = jalon_log_get(log, 0);
	assert_string_equal(e->author_name, "Anne DG");
	assert_string_equal(e->message, "Action 4 : statut « en cours » → « terminé »");
	const jalon_field_change *c = find_change(e, "status");
	assert_non_null(c);
	assert_string_equal(c->before, "en cours");
	assert_string_equal(c->after, "terminé");
	assert_string_equal(c->label, "statut");
	e = jalon_log_get(log, 1);
	assert_string_equal(e->author_name, "Paul Président");
	assert_non_null(find_change(e, "who"));
	e = jalon_log_get(log, 2);
	assert_string_equal(find_change(e, "deadline")->after,
	                    "septembre 2020 (du 2020-09-01 au 2020-09-30)");
	jalon_log_free(log);
}

static void test_state_at_a_date(void **state)
{
	struct fixture *f = *state;
	jalon_item *item;
	assert_int_equal(jalon_history_at(&item, f->store, "Action 4", f->t0), 0);
	assert_string_equal(jalon_item_status(item), "à lancer");
	jalon_item_free(item);
	assert_int_equal(jalon_history_at(&item, f->store, "Action 4", f->t1), 0);
	assert_string_equal(jalon_item_status(item), "en cours");
	jalon_item_free(item);
	assert_int_equal(jalon_history_at(&item, f->store, "Action 4", 1000), JALON_ENOTFOUND);
}

static void test_diff_between_two_dates_lists_exactly_the_changes(void **state)
{
	struct fixture *f = *state;
	jalon_log *diff;
	assert_int_equal(jalon_history_diff(&diff, f->store, f->t0, f->t1), 0);
	assert_int_equal(jalon_log_count(diff), 1);
	const jalon_log_entry *e = jalon_log_get(diff, 0);
	assert_int_equal(e->nchanges, 2);
	assert_string_equal(find_change(e, "status")->after, "en cours");
	assert_string_equal(find_change(e, "who")->after, "DG + Président");
	jalon_log_free(diff);
	/* From the start: the action appears as created, terminé. */
	assert_int_equal(jalon_history_diff(&diff, f->store, 0, f->t1 + 100), 0);
	assert_int_equal(jalon_log_count(diff), 3);
	jalon_log_free(diff);
}

static void test_blame_names_who_last_changed_each_field(void **state)
{
	struct fixture *f = *state;
	jalon_log *blame;
	assert_int_equal(jalon_history_blame(&blame, f->store, "Action 4"), 0);
	int seen_status = 0, seen_who = 0, seen_title = 0;
	for (size_t i = 0; i < jalon_log_count(blame); i++) {
		const jalon_log_entry *e = jalon_log_get(blame, i);
		assert_int_equal(e->nchanges, 1);
		if (!strcmp(e->changes[0].field, "status")) {
			seen_status = 1;
			assert_string_equal(e->author_name, "Anne DG");
		} else if (!strcmp(e->changes[0].field, "who")) {
			seen_who = 1;
			assert_string_equal(e->author_name, "Paul Président");
		} else if (!strcmp(e->changes[0].field, "title")) {
			seen_title = 1;
		}
	}
	assert_true(seen_status && seen_who && seen_title);
	jalon_log_free(blame);
}

static void test_tag_and_time_of_a_tag(void **state)
{
	struct fixture *f = *state;
	long long when;
	assert_int_equal(jalon_tag_create(f->store, "pst-adopte", "PST adopté par le Conseil"), 0);
	assert_int_equal(jalon_tag_create(f->store, "pst-adopte", "encore"), JALON_ECONFLICT);
	assert_int_equal(jalon_tag_create(f->store, "avec espace", "x"), JALON_EINVALID);
	assert_int_equal(jalon_time_parse(f->store, "pst-adopte", 1, &when), 0);
	assert_true(when >= f->t1);
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "git --git-dir='%s/history.git' tag -n1 -l pst-adopte", f->dir);
	char *line = run_line(cmd);
	assert_non_null(strstr(line, "PST adopté par le Conseil"));
	free(line);
}

static void test_time_parse_forms(void **state)
{
	struct fixture *f = *state;
	long long t;
	assert_int_equal(jalon_time_parse(f->store, "2020-01-15", 0, &t), 0);
	assert_int_equal(t, 1579046400LL);
	assert_int_equal(jalon_time_parse(f->store, "2020-01-15", 1, &t), 0);
	assert_int_equal(t, 1579046400LL + 86399);
	assert_int_equal(jalon_time_parse(f->store, "2020-01-15T10:30", 0, &t), 0);
	assert_int_equal(t, 1579046400LL + 37800);
	assert_int_equal(jalon_time_parse(f->store, "@42", 0, &t), 0);
	assert_int_equal(t, 42);
	assert_int_equal(jalon_time_parse(f->store, "2020-02-30", 0, &t), JALON_EINVALID);
	assert_non_null(strstr(jalon_errmsg(f->store), "2020-02-30"));
	assert_int_equal(jalon_time_parse(f->store, "hier", 0, &t), JALON_EINVALID);
	assert_int_equal(jalon_time_parse(f->store, "2020-01-15 10:30:05", 0, &t), 0);
	assert_int_equal(t, 1579046400LL + 37805);
	/* Nothing may follow a date: what does is no date, and no tag of that name. */
	assert_int_equal(jalon_time_parse(f->store, "2020-01-15xyz", 0, &t), JALON_EINVALID);
	assert_int_equal(jalon_time_parse(f->store, "2020-01-15T10:30Z", 0, &t), JALON_EINVALID);
	assert_int_equal(jalon_time_parse(f->store, "2020-13-45", 0, &t), JALON_EINVALID);
	assert_non_null(strstr(jalon_errmsg(f->store), "« 2020-13-45 » invalide"));
}

/* A tag whose name starts with a date is the tag, at its commit's time. */
static void test_a_tag_named_like_a_date(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(jalon_tag_create(f->store, "2021-06-30-mi-parcours", "Mi-parcours"), 0);
	long long when, head;
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "git --git-dir='%s/history.git' log -1 --format=%%ct main", f->dir);
	char *line = run_line(cmd);
	head = atoll(line);
	free(line);
	assert_int_equal(jalon_time_parse(f->store, "2021-06-30-mi-parcours", 0, &when), 0);
	assert_int_equal(when, head);
}

/* Each change of a log gives the values themselves beside their texts, and says when it
   created the record. */
static void test_changes_carry_their_values(void **state)
{
	struct fixture *f = *state;
	jalon_log *log;
	assert_int_equal(jalon_history_log(&log, f->store, "Action 4", 0), 0);
	size_t n = jalon_log_count(log);
	assert_true(n >= 3);
	const jalon_field_change *status = find_change(jalon_log_get(log, 0), "status");
	assert_non_null(status);
	assert_string_equal(status->before_json, "\"en cours\"");
	assert_string_equal(status->after_json, "\"terminé\"");
	assert_false(status->created);
	assert_false(status->removed);
	const jalon_field_change *deadline = find_change(jalon_log_get(log, n - 1), "deadline");
	assert_non_null(deadline);
	assert_true(deadline->created);
	assert_string_equal(deadline->before_json, "null");
	assert_non_null(strstr(deadline->after_json, "\"end\":\"2020-09-30\""));
	jalon_log_free(log);
}

/* The plan as it stood at a time, measured: the statuses of then, not of now. */
static void test_the_plan_as_it_stood(void **state)
{
	struct fixture *f = *state;
	progress_plan *p;
	assert_int_equal(jl_progress_load_at(f->store, "2020-10-01", &f->t0, &p), 0);
	const progress_node *action = jl_progress_find(p, "action-1");
	assert_non_null(action);
	assert_string_equal(action->status, "à lancer");
	assert_int_equal(p->plan.progress, 0);
	assert_null(p->record); /* this store never had a plan record */
	jl_progress_free(p);
	assert_int_equal(jl_progress_load_at(f->store, "2020-10-01", &f->t1, &p), 0);
	assert_string_equal(jl_progress_find(p, "action-1")->status, "en cours");
	assert_int_equal(p->plan.progress, 50);
	jl_progress_free(p);
	/* Before the first commit, there was no item. */
	long long before = 0;
	assert_int_equal(jl_progress_load_at(f->store, NULL, &before, &p), 0);
	assert_int_equal(p->n, 0);
	jl_progress_free(p);
	/* The store's own tables are untouched. */
	assert_int_equal(jl_progress_load(f->store, "2020-10-01", &p), 0);
	assert_string_equal(jl_progress_find(p, "action-1")->status, "terminé");
	assert_int_equal(p->plan.progress, 100);
	jl_progress_free(p);
}

/* ---------------------------------------------------------------- a failing database */

/* One history question, and the answer it gave without a fault, to compare with. */
struct question {
	struct fixture *f;
	int which;
	char *answer;
};

/* What a log says, entry by entry: commit, author, and each change's field and values. */
static char *log_text(const jalon_log *log)
{
	size_t cap = 1 << 16, len = 0;
	char *text = calloc(1, cap);
	for (size_t i = 0; i < jalon_log_count(log); i++) {
		const jalon_log_entry *e = jalon_log_get(log, i);
		len += (size_t)snprintf(text + len, cap - len, "%s %s\n", e->commit, e->author_name);
		for (size_t k = 0; k < e->nchanges && len < cap; k++)
			len += (size_t)snprintf(text + len, cap - len, "  %s %s → %s\n", e->changes[k].field,
			                        e->changes[k].before, e->changes[k].after);
		assert_true(len < cap);
	}
	return text;
}

static int ask(jalon_store *s, void *ud)
{
	struct question *q = ud;
	jalon_log *log = NULL;
	jalon_item *item = NULL;
	int rc;
	switch (q->which) {
	case 0: rc = jalon_history_log(&log, s, "Action 4", 0); break;
	case 1: rc = jalon_history_log(&log, s, NULL, 0); break;
	case 2: rc = jalon_history_log_between(&log, s, q->f->t0, LLONG_MAX); break;
	case 3: rc = jalon_history_diff(&log, s, 0, LLONG_MAX); break;
	case 4: rc = jalon_history_blame(&log, s, "Action 4"); break;
	default: rc = jalon_history_at(&item, s, "Action 4", q->f->t1); break;
	}
	if (rc) {
		assert_null(log);
		assert_null(item);
		return rc;
	}
	char *answer = item ? strdup(jalon_item_json(item)) : log_text(log);
	if (q->answer)
		assert_string_equal(answer, q->answer);
	free(q->answer);
	q->answer = answer;
	jalon_log_free(log);
	jalon_item_free(item);
	return 0;
}

/* Log, log of a period, diff, blame, state at a date: a database failing at any point of
 * the answer is an error, never a shorter answer or "not found"; the same answer once
 * the database works again. */
static void test_a_failing_database_is_an_error_not_a_shorter_history(void **state)
{
	for (int which = 0; which <= 5; which++) {
		struct question q = {*state, which, NULL};
		assert_int_equal(ask(q.f->store, &q), 0);
		db_sweep(q.f->store, NULL, ask, NULL, &q);
		assert_int_equal(ask(q.f->store, &q), 0);
		free(q.answer);
	}
}

/* Resolving the reference: a failing lookup is not "aucun élément de ce nom". */
static void test_a_failing_lookup_is_not_an_unknown_item(void **state)
{
	struct fixture *f = *state;
	/* The record by id, an item by name, a record only the history could know. */
	static const char *const lookups[][2] = {{"FROM records WHERE id", "action-1"},
	                                         {"FROM items WHERE name_key", "Action 4"},
	                                         {"FROM record_changes WHERE record", "action-99"}};
	for (int i = 0; i < 3; i++) {
		db_fault fault = {NULL, lookups[i][0], 0};
		const char *ref = lookups[i][1];
		jalon_log *log;
		jalon_item *item;
		db_fail(f->store, &fault);
		assert_db_error(f->store, jalon_history_log(&log, f->store, ref, 0));
		assert_db_error(f->store, jalon_history_blame(&log, f->store, ref));
		assert_db_error(f->store, jalon_history_at(&item, f->store, ref, f->t1));
		db_fail(f->store, NULL);
	}
}

/* ---------------------------------------------------------------- tags and the write lock */

static char *git_line(const char *dir, const char *args)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "git --git-dir='%s/history.git' %s 2>/dev/null", dir, args);
	return run_line(cmd);
}

/* A tag is a write to the history: it waits for another writer's lock, and gives up with
 * JALON_EBUSY, creating nothing. */
static void test_tag_waits_for_the_write_lock(void **state)
{
	(void)state;
	char *dir;
	jalon_store *s = scratch_store("tag-lock", "Anne DG", "dg@cpas.be", &dir);
	const char *os[] = {"label=OS 1"};
	assert_int_equal(jalon_item_add(NULL, s, JALON_KIND_OS, NULL, "Être un CPAS", os, 1), 0);
	jalon_store_close(s);
	jalon_open_options opts = JALON_OPEN_OPTIONS_INIT;
	opts.busy_timeout_ms = 100;
	assert_int_equal(jalon_store_open(&s, dir, &opts), 0);
	as(s, "Anne DG", "dg@cpas.be");

	char path[4200];
	sqlite3 *other;
	snprintf(path, sizeof path, "%s/jalon.db", dir);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(jalon_tag_create(s, "pst-adopte", "PST adopté"), JALON_EBUSY);
	assert_non_null(strstr(jalon_errmsg(s), "occupé par un autre processus"));
	char *tags = git_line(dir, "tag -l");
	assert_string_equal(tags, "");
	free(tags);

	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(jalon_tag_create(s, "pst-adopte", "PST adopté"), 0);
	tags = git_line(dir, "tag -l");
	assert_string_equal(tags, "pst-adopte");
	free(tags);
	scratch_store_close(s, dir);
}

/* The tag marks the head SQLite recorded, not a branch head a crashed writer left ahead. */
static void test_tag_marks_the_recorded_head(void **state)
{
	(void)state;
	char *dir;
	jalon_store *s = scratch_store("tag-head", "Anne DG", "dg@cpas.be", &dir);
	const char *os[] = {"label=OS 1"};
	assert_int_equal(jalon_item_add(NULL, s, JALON_KIND_OS, NULL, "Être un CPAS", os, 1), 0);
	char *recorded = git_line(dir, "rev-parse main");
	/* A writer killed between its git commit and its SQLite COMMIT. */
	char args[512];
	snprintf(args, sizeof args, "-c user.name=X -c user.email=x@x commit-tree -p main -m "
	                            "ahead main^{tree}");
	char *ahead = git_line(dir, args);
	assert_int_equal(strlen(ahead), 40);
	snprintf(args, sizeof args, "update-ref refs/heads/main %s && echo ok", ahead);
	char *ok = git_line(dir, args);
	assert_string_equal(ok, "ok");
	assert_int_equal(jalon_tag_create(s, "pst-adopte", "PST adopté"), 0);
	char *tagged = git_line(dir, "rev-parse 'pst-adopte^{commit}'");
	assert_string_equal(tagged, recorded);
	free(tagged);
	free(ok);
	free(ahead);
	free(recorded);
	scratch_store_close(s, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_of_one_item_newest_first),
		cmocka_unit_test(test_state_at_a_date),
		cmocka_unit_test(test_diff_between_two_dates_lists_exactly_the_changes),
		cmocka_unit_test(test_blame_names_who_last_changed_each_field),
		cmocka_unit_test(test_tag_and_time_of_a_tag),
		cmocka_unit_test(test_time_parse_forms),
		cmocka_unit_test(test_a_tag_named_like_a_date),
		cmocka_unit_test(test_changes_carry_their_values),
		cmocka_unit_test(test_the_plan_as_it_stood),
		cmocka_unit_test(test_a_failing_database_is_an_error_not_a_shorter_history),
		cmocka_unit_test(test_a_failing_lookup_is_not_an_unknown_item),
		cmocka_unit_test(test_tag_waits_for_the_write_lock),
		cmocka_unit_test(test_tag_marks_the_recorded_head),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
