/* SPDX-License-Identifier: MIT */
/* Importing real plans into a store: exact counts for the bundled examples and for
 * plans written the way other CPAS write them; a failed import changes nothing; JSON and
 * CSV round trips through a store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db_helpers.h"
#include "helpers.h"

struct counts {
	int os_externe, os_interne, oo, actions, tasks, recurring, priority, flagged;
};

static size_t count(jalon_store *s, unsigned kinds, const char *volet, int priority, int flagged)
{
	jalon_query q = JALON_QUERY_INIT;
	jalon_item_list *list;
	q.kinds = kinds;
	q.volet = volet;
	q.priority = priority;
	q.flagged = flagged;
	q.include_drafts = 1;
	assert_int_equal(jalon_query_run(&list, s, &q), 0);
	size_t n = jalon_item_list_count(list);
	jalon_item_list_free(list);
	return n;
}

static size_t count_recurring(jalon_store *s)
{
	jalon_query q = JALON_QUERY_INIT;
	jalon_item_list *list;
	q.include_drafts = 1;
	assert_int_equal(jalon_query_run(&list, s, &q), 0);
	size_t n = 0;
	for (size_t i = 0; i < jalon_item_list_count(list); i++)
		n += strstr(jalon_item_json(jalon_item_list_get(list, i)), "\"rule\"") != NULL;
	jalon_item_list_free(list);
	return n;
}

static jalon_store *import(const char *path, char **dir)
{
	jalon_store *s = scratch_store("import", "Test", "test@example.org", dir);
	char *report = NULL;
	int rc = jalon_import_file(s, path, JALON_FORMAT_AUTO, &report);
	if (rc != 0)
		fail_msg("%s: %s", path, jalon_errmsg(s));
	jalon_free(report);
	return s;
}

static void check_counts(const char *path, struct counts want)
{
	char *dir;
	jalon_store *s = import(path, &dir);
	assert_int_equal(count(s, 1u << JALON_KIND_OS, "externe", 0, 0), want.os_externe);
	assert_int_equal(count(s, 1u << JALON_KIND_OS, "interne", 0, 0), want.os_interne);
	assert_int_equal(count(s, 1u << JALON_KIND_OO, NULL, 0, 0), want.oo);
	assert_int_equal(count(s, 1u << JALON_KIND_ACTION, NULL, 0, 0), want.actions);
	assert_int_equal(count(s, 1u << JALON_KIND_TASK, NULL, 0, 0), want.tasks);
	assert_int_equal(count_recurring(s), want.recurring);
	assert_int_equal(count(s, 0, NULL, 1, 0), want.priority);
	assert_int_equal(count(s, 0, NULL, 0, 1), want.flagged);
	char *report;
	assert_int_equal(jalon_store_fsck(s, &report), 0);
	jalon_free(report);
	scratch_store_close(s, dir);
}

static void test_erezee(void **state)
{
	(void)state;
	/* One flagged text: « bi-mensuel », read as twice a month, to confirm. */
	check_counts(JALON_EXAMPLES_DIR "/erezee/pst-erezee-2019-2024.md",
	             (struct counts){1, 0, 5, 12, 15, 8, 0, 1});
}

static void test_baelen(void **state)
{
	(void)state;
	check_counts(JALON_EXAMPLES_DIR "/baelen/pst-baelen-2019-2024.md",
	             (struct counts){2, 2, 29, 56, 0, 0, 0, 0});
}

static void test_large_city_plan(void **state)
{
	(void)state;
	check_counts(JALON_EXAMPLES_DIR "/grande-ville/pst-grande-ville.md",
	             (struct counts){1, 1, 4, 8, 2, 2, 2, 0});
}

static void test_mid_size_plan_with_narrative_objectives(void **state)
{
	(void)state;
	check_counts(JALON_TEST_DATA_DIR "/pst-moyenne-2025.md",
	             (struct counts){2, 1, 5, 0, 0, 0, 0, 0});
}

static void test_labels_and_long_titles_are_kept(void **state)
{
	(void)state;
	char *dir;
	jalon_store *s = import(JALON_EXAMPLES_DIR "/grande-ville/pst-grande-ville.md", &dir);
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, s, "(2)"), 0);
	assert_string_equal(jalon_item_title(item), "Mettre en place une permanence téléphonique "
	                                            "élargie (8 h – 18 h) et un rappel systématique "
	                                            "des demandeurs");
	jalon_item_free(item);
	assert_int_equal(jalon_item_lookup(&item, s, "Action 81"), 0);
	assert_string_equal(jalon_item_label(item), "(81)");
	jalon_item_free(item);
	assert_int_equal(jalon_item_lookup(&item, s, "OO 17"), 0);
	assert_string_equal(jalon_item_title(item), "Développer les compétences du personnel");
	jalon_item_free(item);
	/* A text search finds labels written another way ("O.O. 17" for "OO 17") and titles
	 * without accents. */
	jalon_query q = JALON_QUERY_INIT;
	jalon_item_list *list;
	q.text = "O.O. 17";
	assert_int_equal(jalon_query_run(&list, s, &q), 0);
	assert_int_equal(jalon_item_list_count(list), 1);
	jalon_item_list_free(list);
	q.text = "competences du personnel";
	assert_int_equal(jalon_query_run(&list, s, &q), 0);
	assert_int_equal(jalon_item_list_count(list), 1);
	jalon_item_list_free(list);
	scratch_store_close(s, dir);
	s = import(JALON_TEST_DATA_DIR "/pst-moyenne-2025.md", &dir);
	assert_int_equal(jalon_item_lookup(&item, s, "1.2"), 0);
	assert_string_equal(jalon_item_title(item), "Lutter contre la précarité énergétique");
	char *description;
	assert_int_equal(jalon_item_field(&description, item, "description"), 0);
	assert_non_null(strstr(description, "tuteur énergie"));
	jalon_free(description);
	jalon_item_free(item);
	scratch_store_close(s, dir);
}

static void test_failed_import_changes_nothing(void **state)
{
	(void)state;
	char *dir;
	jalon_store *s = scratch_store("import-bad", "Test", "test@example.org", &dir);
	const char *bad = "## OS 1 : Objectif\n\n### OO 1 : Levier\n\n- Action 1 : Faire\n"
	                  "  couleur: bleu\n";
	assert_int_equal(jalon_import_buffer(s, bad, strlen(bad), "plan.md", JALON_FORMAT_OUTLINE,
	                                     NULL), JALON_EINVALID);
	assert_non_null(strstr(jalon_errmsg(s), "plan.md:6"));
	assert_non_null(strstr(jalon_errmsg(s), "couleur"));
	assert_int_equal(count(s, 0, NULL, 0, 0), 0);
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "git --git-dir='%s/history.git' rev-list --all | wc -l", dir);
	char *commits = run_line(cmd);
	assert_string_equal(commits, "0");
	free(commits);
	scratch_store_close(s, dir);
}

/* Export a store, import the export into a fresh store, export again: same bytes. */
static void round_trip(jalon_format format)
{
	char *dir, *dir2, *first, *second;
	size_t len;
	jalon_store *s = import(JALON_EXAMPLES_DIR "/grande-ville/pst-grande-ville.md", &dir);
	assert_int_equal(jalon_export(&first, &len, s, format), 0);
	jalon_store *t = scratch_store("round-trip", "Test", "test@example.org", &dir2);
	if (jalon_import_buffer(t, first, len, "export", format, NULL) != 0)
		fail_msg("%s", jalon_errmsg(t));
	assert_int_equal(jalon_export(&second, NULL, t, format), 0);
	assert_string_equal(first, second);
	jalon_free(first);
	jalon_free(second);
	scratch_store_close(s, dir);
	scratch_store_close(t, dir2);
}

static void test_json_round_trip(void **state)
{
	(void)state;
	round_trip(JALON_FORMAT_JSON);
}

static void test_csv_round_trip(void **state)
{
	(void)state;
	round_trip(JALON_FORMAT_CSV);
}

static void test_outline_round_trip(void **state)
{
	(void)state;
	round_trip(JALON_FORMAT_OUTLINE);
}

static void test_import_into_a_store_with_a_plan_is_refused(void **state)
{
	(void)state;
	char *dir;
	jalon_store *s = import(JALON_EXAMPLES_DIR "/erezee/pst-erezee-2019-2024.md", &dir);
	assert_int_equal(jalon_import_file(s, JALON_EXAMPLES_DIR "/erezee/pst-erezee-2019-2024.md",
	                                   JALON_FORMAT_AUTO, NULL), JALON_ECONFLICT);
	assert_int_equal(count(s, 1u << JALON_KIND_ACTION, NULL, 0, 0), 12);
	scratch_store_close(s, dir);
}

#define EREZEE JALON_EXAMPLES_DIR "/erezee/pst-erezee-2019-2024.md"

/* Whether the store has a plan, and the ids the store gave, are read before importing: a
 * failing read fails the import, which never goes on as if the store were empty or new. */
static void test_a_failing_database_fails_the_import(void **state)
{
	(void)state;
	char *dir;
	jalon_store *s = import(EREZEE, &dir);
	db_fault fault = {NULL, "SELECT count(*) FROM items", 0};
	db_fail(s, &fault);
	int rc = jalon_import_file(s, EREZEE, JALON_FORMAT_AUTO, NULL);
	db_fail(s, NULL);
	assert_db_error(s, rc);
	assert_int_equal(count(s, 1u << JALON_KIND_ACTION, NULL, 0, 0), 12);
	assert_int_equal(jalon_import_file(s, EREZEE, JALON_FORMAT_AUTO, NULL), JALON_ECONFLICT);
	scratch_store_close(s, dir);

	/* A store whose one OS was removed: the import's OS are os-2…, never os-1 again. */
	s = scratch_store("import-ids", "Test", "test@example.org", &dir);
	char *os;
	assert_int_equal(jalon_item_add(&os, s, JALON_KIND_OS, NULL, "Provisoire", NULL, 0), 0);
	assert_int_equal(jalon_item_remove(s, os), 0);
	fault.sql = "SELECT last FROM id_counters";
	db_fail(s, &fault);
	rc = jalon_import_file(s, EREZEE, JALON_FORMAT_AUTO, NULL);
	db_fail(s, NULL);
	assert_db_error(s, rc);
	assert_int_equal(count(s, 0, NULL, 0, 0), 0);
	assert_int_equal(jalon_import_file(s, EREZEE, JALON_FORMAT_AUTO, NULL), 0);
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, s, os), JALON_ENOTFOUND);
	assert_int_equal(jalon_item_lookup(&item, s, "os-2"), 0);
	jalon_item_free(item);
	jalon_free(os);
	scratch_store_close(s, dir);
}

static int export_json(jalon_store *s, void *ud)
{
	char **answer = ud, *doc;
	int rc = jalon_export(&doc, NULL, s, JALON_FORMAT_JSON);
	if (rc) {
		assert_null(doc);
		return rc;
	}
	if (*answer)
		assert_string_equal(doc, *answer);
	jalon_free(*answer);
	*answer = doc;
	return 0;
}

/* The export reads the plan, its items and its people: a database failing at any point
 * of it is an error, never a plan without its people or a shorter list. */
static void test_a_failing_database_fails_the_export(void **state)
{
	(void)state;
	char *dir, *answer = NULL;
	jalon_store *s = import(JALON_EXAMPLES_DIR "/baelen/pst-baelen-2019-2024.md", &dir);
	assert_int_equal(export_json(s, &answer), 0);
	db_sweep(s, NULL, export_json, NULL, &answer);
	assert_int_equal(export_json(s, &answer), 0);
	jalon_free(answer);
	scratch_store_close(s, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erezee),
		cmocka_unit_test(test_baelen),
		cmocka_unit_test(test_large_city_plan),
		cmocka_unit_test(test_mid_size_plan_with_narrative_objectives),
		cmocka_unit_test(test_labels_and_long_titles_are_kept),
		cmocka_unit_test(test_failed_import_changes_nothing),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_csv_round_trip),
		cmocka_unit_test(test_outline_round_trip),
		cmocka_unit_test(test_import_into_a_store_with_a_plan_is_refused),
		cmocka_unit_test(test_a_failing_database_fails_the_import),
		cmocka_unit_test(test_a_failing_database_fails_the_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
