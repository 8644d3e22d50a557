/* SPDX-License-Identifier: MIT */
/*
 * Tests for core/occur: the dates of recurring duties as plans write them, computed
 * by libical on DATE values, with Jalon's month-end rule, ends and bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/occur.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define OUT_MAX 4096

static jl_date day_of(const char *iso)
{
	jl_date d;

	if (jl_date_parse_iso(iso, &d) < 0)
		fail_msg("bad date in the test: %s", iso);
	return d;
}

/* 0 Monday … 6 Sunday; 1970-01-01 was a Thursday. */
static int weekday(jl_date d)
{
	return (int)(((jl_date_to_days(d) + 3) % 7 + 7) % 7);
}

typedef struct series {
	jl_date out[OUT_MAX];
	int n;
	char err[256];
} series;

static series *run(const char *rule, const char *anchor, const char *end, const char *from,
                   const char *to, size_t max)
{
	series *s = calloc(1, sizeof *s);

	assert_non_null(s);
	assert_true(max <= OUT_MAX);
	s->n = jl_occurrences(rule, day_of(anchor), day_of(end), day_of(from), day_of(to), s->out, max,
	                      s->err, sizeof s->err);
	return s;
}

/* The series is exactly these dates. */
static void expect_dates(const series *s, const char *const *iso, size_t n)
{
	char got[11];

	if (s->n < 0)
		fail_msg("error: %s", s->err);
	for (size_t i = 0; i < n && i < (size_t)s->n; i++) {
		jl_date_format_iso(s->out[i], got);
		if (strcmp(got, iso[i]) != 0)
			fail_msg("occurrence %zu: %s, expected %s", i, got, iso[i]);
	}
	if ((size_t)s->n != n)
		fail_msg("%d occurrences, expected %zu", s->n, n);
	assert_string_equal(s->err, "");
}

static void expect_error(const series *s, const char *message)
{
	if (s->n != -1)
		fail_msg("%d occurrences, expected an error", s->n);
	assert_string_equal(s->err, message);
}

#define EXPECT(s, ...)                                                   \
	do {                                                             \
		static const char *const want_[] = {__VA_ARGS__};        \
		expect_dates((s), want_, COUNT_OF(want_));               \
	} while (0)

/* ---------------------------------------------------------------- plans' cadences */

static void quarterly_from_plan_start(void **state)
{
	series *s = run("FREQ=MONTHLY;INTERVAL=3", "2019-10-15", "2024-12-31", "2019-01-01", "2024-12-31",
	                OUT_MAX);
	(void)state;
	assert_int_equal(s->n, 21);
	EXPECT(s, "2019-10-15", "2020-01-15", "2020-04-15", "2020-07-15", "2020-10-15", "2021-01-15",
	       "2021-04-15", "2021-07-15", "2021-10-15", "2022-01-15", "2022-04-15", "2022-07-15",
	       "2022-10-15", "2023-01-15", "2023-04-15", "2023-07-15", "2023-10-15", "2024-01-15",
	       "2024-04-15", "2024-07-15", "2024-10-15");
	free(s);
}

static void twice_a_month(void **state)
{
	series *s = run("FREQ=MONTHLY;BYMONTHDAY=1,15", "2020-01-01", "2024-12-31", "2020-01-01",
	                "2020-03-31", OUT_MAX);
	(void)state;
	EXPECT(s, "2020-01-01", "2020-01-15", "2020-02-01", "2020-02-15", "2020-03-01", "2020-03-15");
	free(s);
}

static void twice_and_three_times_a_year(void **state)
{
	series *s = run("FREQ=MONTHLY;INTERVAL=6", "2020-01-15", "2022-12-31", "2020-01-01", "2022-12-31",
	                OUT_MAX);
	(void)state;
	EXPECT(s, "2020-01-15", "2020-07-15", "2021-01-15", "2021-07-15", "2022-01-15", "2022-07-15");
	free(s);

	s = run("FREQ=MONTHLY;INTERVAL=4", "2020-01-15", "2021-12-31", "2020-01-01", "2021-12-31", OUT_MAX);
	EXPECT(s, "2020-01-15", "2020-05-15", "2020-09-15", "2021-01-15", "2021-05-15", "2021-09-15");
	free(s);
}

/* Dates, not instants: the weeks around 30 March and 26 October 2025 are no shorter. */
static void weekly_across_dst(void **state)
{
	series *s = run("FREQ=WEEKLY;BYDAY=TU", "2025-01-07", "2025-12-31", "2025-03-20", "2025-11-05",
	                OUT_MAX);
	jl_date first = day_of("2025-03-25");
	(void)state;
	assert_int_equal(s->n, 33);
	for (int i = 0; i < s->n; i++) {
		assert_int_equal(weekday(s->out[i]), 1);
		assert_int_equal(jl_date_to_days(s->out[i]), jl_date_to_days(first) + 7L * i);
	}
	assert_int_equal(jl_date_compare(s->out[0], first), 0);
	assert_int_equal(jl_date_compare(s->out[1], day_of("2025-04-01")), 0);
	assert_int_equal(jl_date_compare(s->out[30], day_of("2025-10-21")), 0);
	assert_int_equal(jl_date_compare(s->out[31], day_of("2025-10-28")), 0);
	assert_int_equal(jl_date_compare(s->out[32], day_of("2025-11-04")), 0);
	free(s);
}

static void second_tuesday_of_the_quarter(void **state)
{
	series *s = run("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "2019-10-08", "2021-12-31", "2019-01-01",
	                "2021-12-31", OUT_MAX);
	(void)state;
	EXPECT(s, "2019-10-08", "2020-01-14", "2020-04-14", "2020-07-14", "2020-10-13", "2021-01-12",
	       "2021-04-13", "2021-07-13", "2021-10-12");
	free(s);

	/* Anchored on the third Tuesday, the plan's start: libical starts at the rule's next day. */
	s = run("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "2019-10-15", "2020-12-31", "2019-01-01", "2020-12-31",
	        OUT_MAX);
	EXPECT(s, "2020-01-14", "2020-04-14", "2020-07-14", "2020-10-13");
	free(s);
}

/* ---------------------------------------------------------------- month ends */

static void month_end_quarterly_from_31_january(void **state)
{
	series *s = run("FREQ=MONTHLY;INTERVAL=3", "2020-01-31", "2021-12-31", "2020-01-01", "2021-12-31",
	                OUT_MAX);
	(void)state;
	EXPECT(s, "2020-01-31", "2020-04-30", "2020-07-31", "2020-10-31", "2021-01-31", "2021-04-30",
	       "2021-07-31", "2021-10-31");
	free(s);
}

static void month_end_monthly_from_30_january(void **state)
{
	series *s = run("FREQ=MONTHLY", "2020-01-30", "2021-12-31", "2020-01-01", "2020-04-30", OUT_MAX);
	(void)state;
	EXPECT(s, "2020-01-30", "2020-02-29", "2020-03-30", "2020-04-30");
	free(s);

	s = run("FREQ=MONTHLY", "2021-01-30", "2021-12-31", "2021-01-01", "2021-04-30", OUT_MAX);
	EXPECT(s, "2021-01-30", "2021-02-28", "2021-03-30", "2021-04-30");
	free(s);

	/* Every month: 31 August stays on each month's end, never a creeping 30th. */
	s = run("FREQ=MONTHLY", "2020-08-31", "2021-12-31", "2020-08-01", "2021-03-31", OUT_MAX);
	EXPECT(s, "2020-08-31", "2020-09-30", "2020-10-31", "2020-11-30", "2020-12-31", "2021-01-31",
	       "2021-02-28", "2021-03-31");
	free(s);
}

static void month_end_yearly_from_29_february(void **state)
{
	series *s = run("FREQ=YEARLY", "2020-02-29", "2029-12-31", "2020-01-01", "2029-12-31", OUT_MAX);
	(void)state;
	EXPECT(s, "2020-02-29", "2021-02-28", "2022-02-28", "2023-02-28", "2024-02-29", "2025-02-28",
	       "2026-02-28", "2027-02-28", "2028-02-29", "2029-02-28");
	free(s);

	/* 2100 is a common year. */
	s = run("FREQ=YEARLY;INTERVAL=4", "2096-02-29", "2200-12-31", "2096-01-01", "2104-12-31", OUT_MAX);
	EXPECT(s, "2096-02-29", "2100-02-28", "2104-02-29");
	free(s);
}

static void month_end_twice_a_year(void **state)
{
	series *s = run("FREQ=MONTHLY;INTERVAL=6", "2020-03-31", "2021-12-31", "2020-01-01", "2021-12-31",
	                OUT_MAX);
	(void)state;
	EXPECT(s, "2020-03-31", "2020-09-30", "2021-03-31", "2021-09-30");
	free(s);
}

/* A rule that names its own days is RFC 5545's, months without the day skipped. */
static void own_monthday_is_left_to_libical(void **state)
{
	series *s = run("FREQ=MONTHLY;BYMONTHDAY=31", "2020-01-31", "2020-12-31", "2020-01-01", "2020-06-30",
	                OUT_MAX);
	(void)state;
	EXPECT(s, "2020-01-31", "2020-03-31", "2020-05-31");
	free(s);
}

/* ---------------------------------------------------------------- ends */

static void count_applies(void **state)
{
	series *s = run("FREQ=MONTHLY;COUNT=3", "2020-01-31", "2024-12-31", "2020-01-01", "2024-12-31",
	                OUT_MAX);
	(void)state;
	EXPECT(s, "2020-01-31", "2020-02-29", "2020-03-31");
	free(s);

	/* COUNT counts from the anchor, not from the window. */
	s = run("FREQ=MONTHLY;INTERVAL=3;COUNT=4", "2019-10-15", "2024-12-31", "2020-03-01", "2024-12-31",
	        OUT_MAX);
	EXPECT(s, "2020-04-15", "2020-07-15");
	free(s);
}

static void until_applies(void **state)
{
	series *s = run("FREQ=MONTHLY;UNTIL=20200415", "2020-01-15", "2024-12-31", "2020-01-01",
	                "2024-12-31", OUT_MAX);
	(void)state;
	EXPECT(s, "2020-01-15", "2020-02-15", "2020-03-15", "2020-04-15");
	free(s);

	/* A date-time UNTIL keeps its date. */
	s = run("FREQ=MONTHLY;UNTIL=20200415T000000Z", "2020-01-15", "2024-12-31", "2020-01-01",
	        "2024-12-31", OUT_MAX);
	EXPECT(s, "2020-01-15", "2020-02-15", "2020-03-15", "2020-04-15");
	free(s);

	/* The earlier of UNTIL and end wins. */
	s = run("FREQ=MONTHLY;UNTIL=20301231", "2020-01-15", "2020-03-20", "2020-01-01", "2024-12-31",
	        OUT_MAX);
	EXPECT(s, "2020-01-15", "2020-02-15", "2020-03-15");
	free(s);
}

static void end_is_inclusive(void **state)
{
	series *s = run("FREQ=MONTHLY;INTERVAL=3", "2019-10-15", "2020-04-15", "2019-01-01", "2030-12-31",
	                OUT_MAX);
	(void)state;
	EXPECT(s, "2019-10-15", "2020-01-15", "2020-04-15");
	free(s);
}

/* ---------------------------------------------------------------- errors */

static void end_before_anchor(void **state)
{
	series *s = run("FREQ=MONTHLY", "2025-01-15", "2024-12-31", "2020-01-01", "2030-12-31", OUT_MAX);
	(void)state;
	expect_error(s, "la date de départ (2025-01-15) est après la date de fin (2024-12-31)");
	free(s);
}

static void malformed_rules(void **state)
{
	series *s = run("FREQ=FOO", "2020-01-15", "2024-12-31", "2020-01-01", "2024-12-31", OUT_MAX);
	(void)state;
	expect_error(s, "règle de récurrence invalide : FREQ invalide : \"FOO\"");
	free(s);

	s = run("FREQ=MONTHLY;BYWEEKNO=3", "2020-01-15", "2024-12-31", "2020-01-01", "2024-12-31", OUT_MAX);
	expect_error(s, "règle de récurrence invalide : partie non prise en charge : \"BYWEEKNO\"");
	free(s);

	s = run("janvier 2020", "2020-01-15", "2024-12-31", "2020-01-01", "2024-12-31", OUT_MAX);
	assert_int_equal(s->n, -1);
	assert_non_null(strstr(s->err, "ce n'est pas une règle de récurrence"));
	free(s);

	s = run(NULL, "2020-01-15", "2024-12-31", "2020-01-01", "2024-12-31", OUT_MAX);
	assert_int_equal(s->n, -1);
	free(s);

	s = run("FREQ=HOURLY", "2020-01-15", "2024-12-31", "2020-01-01", "2024-12-31", OUT_MAX);
	expect_error(s, "une récurrence plus fréquente que quotidienne n'a pas de sens pour des dates :"
	                " \"FREQ=HOURLY\"");
	free(s);

	/* libical would wrap it to 4464 days. */
	s = run("FREQ=DAILY;INTERVAL=70000", "2020-01-15", "2024-12-31", "2020-01-01", "2024-12-31", OUT_MAX);
	expect_error(s, "INTERVAL trop grand : au plus 32767");
	free(s);

	s = run("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "2020-01-30", "2024-12-31", "2020-01-01",
	        "2024-12-31", OUT_MAX);
	expect_error(s, "libical ne tire aucune date de cette règle à partir de ce départ"
	                " (jour qui n'existe jamais, par exemple le 30 février)");
	free(s);
	s = run("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "2020-01-30", "2024-12-31", "2020-01-01",
	        "2024-12-31", 0);
	assert_int_equal(s->n, -1);
	free(s);
}

static void bad_dates(void **state)
{
	jl_date out[4];
	char err[256];
	jl_date bad = {2019, 2, 29};
	jl_date ok = {2020, 1, 15}, far = {2300, 1, 1};
	(void)state;

	assert_int_equal(jl_occurrences("FREQ=MONTHLY", bad, ok, ok, ok, out, 4, err, sizeof err), -1);
	assert_string_equal(err, "date de départ invalide ou hors des années 1900 à 2200");
	assert_int_equal(jl_occurrences("FREQ=MONTHLY", ok, far, ok, ok, out, 4, err, sizeof err), -1);
	assert_string_equal(err, "date de fin invalide ou hors des années 1900 à 2200");
	assert_int_equal(jl_occurrences("FREQ=MONTHLY", ok, ok, bad, ok, out, 4, err, sizeof err), -1);
	assert_string_equal(err, "fenêtre invalide : une de ses dates n'existe pas");
	/* No room for the message: still -1, nothing written. */
	assert_int_equal(jl_occurrences("FREQ=MONTHLY", bad, ok, ok, ok, out, 4, NULL, 0), -1);
	/* A short buffer gets a cut, terminated message. */
	assert_int_equal(jl_occurrences("FREQ=MONTHLY", bad, ok, ok, ok, out, 4, err, 8), -1);
	assert_int_equal(strlen(err), 7);
}

/* ---------------------------------------------------------------- windows and bounds */

static void window_in_a_long_series(void **state)
{
	series *s = run("FREQ=WEEKLY;BYDAY=TU", "2019-01-01", "2200-12-31", "2100-03-01", "2100-03-31",
	                OUT_MAX);
	(void)state;
	EXPECT(s, "2100-03-02", "2100-03-09", "2100-03-16", "2100-03-23", "2100-03-30");
	free(s);

	/* About 66 000 days walked: within the bound. */
	s = run("FREQ=DAILY", "2019-01-01", "2200-12-31", "2200-12-29", "2200-12-31", OUT_MAX);
	EXPECT(s, "2200-12-29", "2200-12-30", "2200-12-31");
	free(s);
}

static void far_window_is_bounded(void **state)
{
	/* About 109 000 days from 1900 to 2199: more than JL_OCCUR_MAX_STEPS, refused. */
	series *s = run("FREQ=DAILY", "1900-01-01", "2200-12-31", "2199-01-01", "2199-01-31", OUT_MAX);
	(void)state;
	expect_error(s, "plus de 100000 occurrences à parcourir avant le 2199-01-31 :"
	                " période trop lointaine pour cette règle");
	free(s);

	/* The bound counts the walk, not the answer: the walk may read 100000 dates, the
	   last of them only to see that it is past the window. */
	s = run("FREQ=DAILY", "1900-01-01", "2200-12-31", "2173-10-14", "2173-10-14", OUT_MAX);
	EXPECT(s, "2173-10-14");
	free(s);
	s = run("FREQ=DAILY", "1900-01-01", "2200-12-31", "2173-10-15", "2173-10-15", OUT_MAX);
	expect_error(s, "plus de 100000 occurrences à parcourir avant le 2173-10-15 :"
	                " période trop lointaine pour cette règle");
	free(s);

	/* A weekly rule on working days spans the whole 1900..2200 range. */
	s = run("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "1900-01-01", "2200-12-31", "2200-12-25",
	        "2200-12-31", OUT_MAX);
	EXPECT(s, "2200-12-25", "2200-12-26", "2200-12-29", "2200-12-30", "2200-12-31");
	free(s);
}

static void max_smaller_than_the_series(void **state)
{
	series *s = run("FREQ=MONTHLY;INTERVAL=3", "2019-10-15", "2024-12-31", "2020-01-01", "2024-12-31", 3);
	(void)state;
	EXPECT(s, "2020-01-15", "2020-04-15", "2020-07-15");
	assert_int_equal(s->out[3].year, 0);     /* nothing written past max */
	free(s);

	s = run("FREQ=MONTHLY;INTERVAL=3", "2019-10-15", "2024-12-31", "2020-01-01", "2024-12-31", 0);
	assert_int_equal(s->n, 0);
	free(s);
	assert_int_equal(jl_occurrences("FREQ=MONTHLY", day_of("2020-01-15"), day_of("2020-12-31"),
	                                 day_of("2020-01-01"), day_of("2020-12-31"), NULL, 0, NULL, 0), 0);
}

static void empty_windows(void **state)
{
	/* from after to */
	series *s = run("FREQ=MONTHLY", "2020-01-15", "2024-12-31", "2021-01-01", "2020-01-01", OUT_MAX);
	(void)state;
	expect_dates(s, NULL, 0);
	free(s);

	/* window after the end, before the anchor, between two occurrences */
	s = run("FREQ=MONTHLY", "2020-01-15", "2020-12-31", "2021-01-01", "2021-12-31", OUT_MAX);
	expect_dates(s, NULL, 0);
	free(s);
	s = run("FREQ=MONTHLY", "2020-01-15", "2020-12-31", "2019-01-01", "2020-01-14", OUT_MAX);
	expect_dates(s, NULL, 0);
	free(s);
	s = run("FREQ=MONTHLY;INTERVAL=3", "2020-01-15", "2020-12-31", "2020-01-16", "2020-04-14", OUT_MAX);
	expect_dates(s, NULL, 0);
	free(s);
}

/* ---------------------------------------------------------------- next */

static void next_occurrence(void **state)
{
	const char *q = "FREQ=MONTHLY;INTERVAL=3";
	jl_date anchor = day_of("2019-10-15"), end = day_of("2024-12-31");
	jl_date out = {0, 0, 0};
	char err[256];
	(void)state;

	assert_int_equal(jl_occurrence_next(q, anchor, end, day_of("2000-01-01"), &out, err, sizeof err), 1);
	assert_int_equal(jl_date_compare(out, anchor), 0);
	assert_int_equal(jl_occurrence_next(q, anchor, end, day_of("2021-02-01"), &out, err, sizeof err), 1);
	assert_int_equal(jl_date_compare(out, day_of("2021-04-15")), 0);
	assert_int_equal(jl_occurrence_next(q, anchor, end, day_of("2021-04-15"), &out, err, sizeof err), 1);
	assert_int_equal(jl_date_compare(out, day_of("2021-04-15")), 0);

	out = day_of("1999-09-09");
	assert_int_equal(jl_occurrence_next(q, anchor, end, day_of("2024-10-16"), &out, err, sizeof err), 0);
	assert_int_equal(jl_date_compare(out, day_of("1999-09-09")), 0);     /* untouched */
	assert_int_equal(jl_occurrence_next(q, anchor, end, day_of("2026-01-01"), &out, err, sizeof err), 0);

	assert_int_equal(jl_occurrence_next("FREQ=MONTHLY;COUNT=2", anchor, end, day_of("2019-12-01"), &out,
	                                    err, sizeof err), 0);
	assert_int_equal(jl_occurrence_next("FREQ=FOO", anchor, end, anchor, &out, err, sizeof err), -1);
	assert_string_equal(err, "règle de récurrence invalide : FREQ invalide : \"FOO\"");

	/* Month-end rule here too. */
	assert_int_equal(jl_occurrence_next("FREQ=MONTHLY", day_of("2023-01-31"), end, day_of("2023-02-01"),
	                                    &out, err, sizeof err), 1);
	assert_int_equal(jl_date_compare(out, day_of("2023-02-28")), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quarterly_from_plan_start),
		cmocka_unit_test(twice_a_month),
		cmocka_unit_test(twice_and_three_times_a_year),
		cmocka_unit_test(weekly_across_dst),
		cmocka_unit_test(second_tuesday_of_the_quarter),
		cmocka_unit_test(month_end_quarterly_from_31_january),
		cmocka_unit_test(month_end_monthly_from_30_january),
		cmocka_unit_test(month_end_yearly_from_29_february),
		cmocka_unit_test(month_end_twice_a_year),
		cmocka_unit_test(own_monthday_is_left_to_libical),
		cmocka_unit_test(count_applies),
		cmocka_unit_test(until_applies),
		cmocka_unit_test(end_is_inclusive),
		cmocka_unit_test(end_before_anchor),
		cmocka_unit_test(malformed_rules),
		cmocka_unit_test(bad_dates),
		cmocka_unit_test(window_in_a_long_series),
		cmocka_unit_test(far_window_is_bounded),
		cmocka_unit_test(max_smaller_than_the_series),
		cmocka_unit_test(empty_windows),
		cmocka_unit_test(next_occurrence),
	};

	/* A zone with daylight saving, so that a drift through local time would show. */
	setenv("TZ", "Europe/Brussels", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
