/* SPDX-License-Identifier: MIT */
/* The calendar export, read back by a real calendar parser (libical): every understood
 * échéance an all-day event, every recurring duty an event with its RRULE, UIDs stable
 * from one export to the next, a person's calendar holding only what is theirs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libical/ical.h>

#include "db_helpers.h"
#include "helpers.h"

static int setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof *f);
	f->store = scratch_store("ics", "Test", "test@example.org", &f->dir);
	assert_int_equal(jalon_import_file(f->store, JALON_EXAMPLES_DIR
	                                   "/erezee/pst-erezee-2019-2024.md", JALON_FORMAT_AUTO,
	                                   NULL), 0);
	*state = f;
	return 0;
}

static icalcomponent *export(jalon_store *s, const char *person)
{
	char *text;
	assert_int_equal(jalon_export_calendar(&text, NULL, s, person), 0);
	icalcomponent *cal = icalparser_parse_string(text);
	jalon_free(text);
	assert_non_null(cal);
	return cal;
}

/* UIDs of the events, joined, in order; and how many carry an RRULE. */
static char *uids(icalcomponent *cal, int *events, int *rules)
{
	char *all = calloc(1, 65536);
	*events = *rules = 0;
	for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		(*events)++;
		*rules += icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) != NULL;
		strcat(all, icalcomponent_get_uid(ev));
		strcat(all, "\n");
		/* Every event is all-day and libical found nothing to complain about. */
		assert_true(icalcomponent_get_dtstart(ev).is_date);
		assert_null(icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY));
	}
	return all;
}

static void test_deadlines_and_recurring_duties_as_events(void **state)
{
	struct store_fixture *f = *state;
	int events, rules;
	icalcomponent *cal = export(f->store, NULL);
	char *list = uids(cal, &events, &rules);
	/* Erezée: 7 understood échéances, 8 recurring duties. */
	assert_int_equal(events, 15);
	assert_int_equal(rules, 8);
	assert_non_null(strstr(list, "task-3-echeance@cpasderezee.jalon"));
	free(list);
	icalcomponent_free(cal);
}

static void test_a_quarterly_duty_expands_over_the_legislature(void **state)
{
	struct store_fixture *f = *state;
	icalcomponent *cal = export(f->store, NULL);
	icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	while (ev && strcmp(icalcomponent_get_uid(ev), "task-5-recurrence@cpasderezee.jalon"))
		ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
	assert_non_null(ev);
	struct icalrecurrencetype r =
		icalproperty_get_rrule(icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY));
	icalrecur_iterator *it = icalrecur_iterator_new(r, icalcomponent_get_dtstart(ev));
	int n = 0;
	struct icaltimetype t, last = {0};
	while (!icaltime_is_null_time(t = icalrecur_iterator_next(it)) && n < 100) {
		last = t;
		n++;
	}
	icalrecur_iterator_free(it);
	/* Quarterly over 2019-2024: 24 meetings, the last one in October 2024. */
	assert_int_equal(n, 24);
	assert_int_equal(last.year, 2024);
	assert_int_equal(last.month, 10);
	icalcomponent_free(cal);
}

static void test_uids_are_stable(void **state)
{
	struct store_fixture *f = *state;
	int e1, r1, e2, r2;
	icalcomponent *a = export(f->store, NULL), *b = export(f->store, NULL);
	char *ua = uids(a, &e1, &r1), *ub = uids(b, &e2, &r2);
	assert_string_equal(ua, ub);
	free(ua);
	free(ub);
	icalcomponent_free(a);
	icalcomponent_free(b);
}

static void test_a_persons_calendar(void **state)
{
	struct store_fixture *f = *state;
	int events, rules;
	icalcomponent *cal = export(f->store, "équipe sociale");
	char *list = uids(cal, &events, &rules);
	assert_true(events > 0 && events < 15);
	/* Task 10 (bi-mensuel) is the social team's; task 13 (plan de formation) the DG's. */
	assert_non_null(strstr(list, "task-10-recurrence@"));
	assert_null(strstr(list, "task-13-echeance@"));
	free(list);
	icalcomponent_free(cal);
}

static int calendar_uids(jalon_store *s, void *ud)
{
	char **answer = ud, *text;
	int rc = jalon_export_calendar(&text, NULL, s, NULL);
	if (rc) {
		assert_null(text);
		return rc;
	}
	int events, rules;
	icalcomponent *cal = icalparser_parse_string(text);
	assert_non_null(cal);
	char *list = uids(cal, &events, &rules);
	if (*answer)
		assert_string_equal(list, *answer);
	free(*answer);
	*answer = list;
	icalcomponent_free(cal);
	jalon_free(text);
	return 0;
}

/* The calendar reads the items and the plan (its domain names every UID): a database
 * failing at any point of it is an error, never fewer events or other UIDs. */
static void test_a_failing_database_fails_the_calendar(void **state)
{
	struct store_fixture *f = *state;
	char *answer = NULL;
	assert_int_equal(calendar_uids(f->store, &answer), 0);
	db_sweep(f->store, NULL, calendar_uids, NULL, &answer);
	assert_int_equal(calendar_uids(f->store, &answer), 0);
	free(answer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadlines_and_recurring_duties_as_events),
		cmocka_unit_test(test_a_quarterly_duty_expands_over_the_legislature),
		cmocka_unit_test(test_uids_are_stable),
		cmocka_unit_test(test_a_persons_calendar),
		cmocka_unit_test(test_a_failing_database_fails_the_calendar),
	};
	return cmocka_run_group_tests(tests, setup, store_fixture_teardown);
}
