/* SPDX-License-Identifier: MIT */
/*
 * Tests for core/calendar: Easter, the Belgian legal holidays, an administration's
 * closed days, and the day a reminder goes out around weekends and holidays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "model/calendar.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define D(y, m, d) ((jl_date){(y), (m), (d)})

static void check_date(jl_date got, jl_date want, const char *what)
{
	char g[11], w[11];

	if (jl_date_compare(got, want) != 0) {
		jl_date_format_iso(got, g);
		jl_date_format_iso(want, w);
		fail_msg("%s: %s, expected %s", what, g, w);
	}
}

static jl_calendar *calendar_of(const char *list)
{
	char err[256] = "";
	jl_calendar *cal = jl_calendar_new();

	assert_non_null(cal);
	if (jl_calendar_add_closed(cal, list, err, sizeof err) != 0)
		fail_msg("\"%s\" refused: %s", list, err);
	return cal;
}

/* ---------------------------------------------------------------- Easter */

static void test_easter_known_years(void **state)
{
	static const jl_date known[] = {
		D(2019, 4, 21), D(2024, 3, 31), D(2025, 4, 20), D(2026, 4, 5), D(2038, 4, 25),
		D(2000, 4, 23), D(1900, 4, 15), D(2008, 3, 23), D(2200, 4, 6),
	};
	(void)state;
	for (size_t i = 0; i < COUNT_OF(known); i++) {
		jl_date e;
		assert_int_equal(jl_easter(known[i].year, &e), 0);
		check_date(e, known[i], "Pâques");
	}
}

static void test_easter_out_of_range(void **state)
{
	jl_date e = D(1, 2, 3);
	(void)state;
	assert_int_equal(jl_easter(1899, &e), -1);
	assert_int_equal(jl_easter(2201, &e), -1);
	assert_int_equal(jl_easter(-5, &e), -1);
	check_date(e, D(1, 2, 3), "untouched");
	assert_int_equal(jl_easter(2026, NULL), -1);
}

/* Every Easter is a Sunday between 22 March and 25 April. */
static void test_easter_is_a_sunday_in_its_window(void **state)
{
	(void)state;
	for (int y = 1900; y <= 2200; y++) {
		jl_date e;
		assert_int_equal(jl_easter(y, &e), 0);
		assert_int_equal(e.year, y);
		assert_true(jl_date_compare(e, D(y, 3, 22)) >= 0);
		assert_true(jl_date_compare(e, D(y, 4, 25)) <= 0);
		/* 1970-01-04 was a Sunday */
		long sunday = (jl_date_to_days(e) - jl_date_to_days(D(1970, 1, 4))) % 7;
		if (sunday != 0)
			fail_msg("Easter %d is not a Sunday", y);
	}
}

/* ---------------------------------------------------------------- holidays */

static const jl_holiday HOLIDAYS_2026[JL_HOLIDAY_COUNT] = {
	{D(2026, 1, 1), "Nouvel An"},
	{D(2026, 4, 6), "lundi de Pâques"},
	{D(2026, 5, 1), "fête du Travail"},
	{D(2026, 5, 14), "Ascension"},
	{D(2026, 5, 25), "lundi de Pentecôte"},
	{D(2026, 7, 21), "fête nationale"},
	{D(2026, 8, 15), "Assomption"},
	{D(2026, 11, 1), "Toussaint"},
	{D(2026, 11, 11), "Armistice"},
	{D(2026, 12, 25), "Noël"},
};

static void test_holidays_of_2026(void **state)
{
	jl_holiday h[JL_HOLIDAY_COUNT];
	(void)state;
	assert_int_equal(jl_holidays_of_year(2026, h), JL_HOLIDAY_COUNT);
	for (size_t i = 0; i < JL_HOLIDAY_COUNT; i++) {
		const char *name = NULL;
		check_date(h[i].date, HOLIDAYS_2026[i].date, HOLIDAYS_2026[i].name);
		assert_string_equal(h[i].name, HOLIDAYS_2026[i].name);
		assert_int_equal(jl_calendar_is_holiday(NULL, HOLIDAYS_2026[i].date, &name), 1);
		assert_non_null(name);
		assert_string_equal(name, HOLIDAYS_2026[i].name);
		assert_int_equal(jl_calendar_is_working_day(NULL, HOLIDAYS_2026[i].date), 0);
	}
	assert_int_equal(jl_holidays_of_year(1899, h), -1);
	assert_int_equal(jl_holidays_of_year(2201, h), -1);
}

static void test_not_holidays(void **state)
{
	/* Good Friday, Easter Sunday's eve, the days around Christmas and the Walloon
	   days that are not legal holidays */
	static const jl_date days[] = {
		D(2026, 4, 3), D(2026, 4, 4), D(2026, 4, 7), D(2026, 5, 15), D(2026, 12, 24),
		D(2026, 12, 26), D(2026, 9, 27), D(2026, 11, 2), D(2026, 11, 15), D(2026, 12, 31),
	};
	(void)state;
	for (size_t i = 0; i < COUNT_OF(days); i++) {
		const char *name = "stale";
		assert_int_equal(jl_calendar_is_holiday(NULL, days[i], &name), 0);
		assert_null(name);
	}
	assert_int_equal(jl_calendar_is_holiday(NULL, D(2026, 4, 5), NULL), 0);   /* Easter Sunday */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(2026, 4, 3)), 1);    /* Good Friday */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(2026, 12, 24)), 1);
}

static void test_holidays_in_date_order_every_year(void **state)
{
	(void)state;
	for (int y = 1900; y <= 2200; y++) {
		jl_holiday h[JL_HOLIDAY_COUNT];
		assert_int_equal(jl_holidays_of_year(y, h), JL_HOLIDAY_COUNT);
		for (size_t i = 0; i < JL_HOLIDAY_COUNT; i++) {
			const char *name;
			assert_int_equal(h[i].date.year, y);
			assert_int_equal(jl_calendar_is_holiday(NULL, h[i].date, &name), 1);
			if (i > 0 && jl_date_compare(h[i - 1].date, h[i].date) > 0)
				fail_msg("%d: %s after %s", y, h[i - 1].name, h[i].name);
		}
	}
}

/* In 2008 Ascension fell on 1 May: both listed, the day named after the fixed one. */
static void test_ascension_on_first_of_may(void **state)
{
	jl_holiday h[JL_HOLIDAY_COUNT];
	const char *name;
	(void)state;
	assert_int_equal(jl_holidays_of_year(2008, h), JL_HOLIDAY_COUNT);
	check_date(h[2].date, D(2008, 5, 1), "fête du Travail 2008");
	assert_string_equal(h[2].name, "fête du Travail");
	check_date(h[3].date, D(2008, 5, 1), "Ascension 2008");
	assert_string_equal(h[3].name, "Ascension");
	assert_int_equal(jl_calendar_is_holiday(NULL, D(2008, 5, 1), &name), 1);
	assert_string_equal(name, "fête du Travail");
	check_date(h[4].date, D(2008, 5, 12), "lundi de Pentecôte 2008");
}

static void test_weekends(void **state)
{
	(void)state;
	assert_int_equal(jl_calendar_is_working_day(NULL, D(2026, 3, 6)), 1);   /* Friday */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(2026, 3, 7)), 0);   /* Saturday */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(2026, 3, 8)), 0);   /* Sunday */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(2026, 3, 9)), 1);   /* Monday */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(1970, 1, 2)), 1);   /* Friday, day 1 */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(1970, 1, 3)), 0);   /* Saturday */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(1969, 12, 31)), 1); /* Wednesday */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(1969, 12, 28)), 0); /* Sunday */
	/* a weekend is not a holiday */
	assert_int_equal(jl_calendar_is_holiday(NULL, D(2026, 3, 7), NULL), 0);
	/* a holiday on a weekend is still one (Assomption 2026, a Saturday) */
	assert_int_equal(jl_calendar_is_holiday(NULL, D(2026, 8, 15), NULL), 1);
	/* not dates */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(2026, 2, 29)), 0);
	assert_int_equal(jl_calendar_is_working_day(NULL, D(2026, 13, 1)), 0);
	assert_int_equal(jl_calendar_is_holiday(NULL, D(2026, 4, 31), NULL), 0);
}

/* ---------------------------------------------------------------- closed days */

static void test_closed_days(void **state)
{
	jl_calendar *cal = calendar_of("27/09, 02/11, 15/11, 26/12, 2026-12-24");
	const char *name;
	(void)state;
	/* recurring, every year */
	assert_int_equal(jl_calendar_is_holiday(cal, D(2027, 9, 27), &name), 1);
	assert_string_equal(name, "jour de fermeture");
	assert_int_equal(jl_calendar_is_working_day(cal, D(2027, 9, 27)), 0);   /* a Monday */
	assert_int_equal(jl_calendar_is_working_day(cal, D(2026, 11, 2)), 0);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2030, 11, 15)), 0);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2025, 12, 26)), 0);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2026, 11, 3)), 1);
	/* single date, that year only */
	assert_int_equal(jl_calendar_is_holiday(cal, D(2026, 12, 24), &name), 1);
	assert_string_equal(name, "jour de fermeture");
	assert_int_equal(jl_calendar_is_holiday(cal, D(2027, 12, 24), &name), 0);
	assert_null(name);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2027, 12, 24)), 1);
	/* legal holidays still apply, with their own name */
	assert_int_equal(jl_calendar_is_holiday(cal, D(2026, 11, 1), &name), 1);
	assert_string_equal(name, "Toussaint");
	/* the same day without the calendar */
	assert_int_equal(jl_calendar_is_working_day(NULL, D(2027, 9, 27)), 1);
	jl_calendar_free(cal);
}

static void test_closed_days_forms(void **state)
{
	jl_calendar *cal = calendar_of("  2/1 ;24/12/2027\n\t29/02 ,, 01/11 , ");
	const char *name;
	char err[128];
	(void)state;
	assert_int_equal(jl_calendar_is_working_day(cal, D(2026, 1, 2)), 0);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2027, 12, 24)), 0);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2026, 12, 24)), 1);
	/* 29 February, in leap years only; 28 February stays open */
	assert_int_equal(jl_calendar_is_working_day(cal, D(2028, 2, 29)), 0);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2027, 2, 26)), 1);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2028, 2, 28)), 1);
	/* a closed day that is also a legal holiday keeps the holiday's name */
	assert_int_equal(jl_calendar_is_holiday(cal, D(2027, 11, 1), &name), 1);
	assert_string_equal(name, "Toussaint");
	/* lists add up */
	assert_int_equal(jl_calendar_add_closed(cal, "2028-02-28", err, sizeof err), 0);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2028, 2, 28)), 0);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2026, 1, 2)), 0);
	/* blank lists add nothing and are not errors */
	assert_int_equal(jl_calendar_add_closed(cal, "", err, sizeof err), 0);
	assert_int_equal(jl_calendar_add_closed(cal, " , ;\n", err, sizeof err), 0);
	jl_calendar_free(cal);
	jl_calendar_free(NULL);
}

typedef struct refused {
	const char *list;
	const char *err;   /* exact */
} refused;

#define FORM " (attendu JJ/MM pour chaque année, ou AAAA-MM-JJ pour une seule date)"

static const refused REFUSED[] = {
	{"27/09, 31/02", "jour de fermeture impossible : \"31/02\""},
	{"30/02", "jour de fermeture impossible : \"30/02\""},
	{"00/05", "jour de fermeture impossible : \"00/05\""},
	{"15/13", "jour de fermeture impossible : \"15/13\""},
	{"2026-13-01", "jour de fermeture impossible : \"2026-13-01\""},
	{"2027-02-29", "jour de fermeture impossible : \"2027-02-29\""},
	{"29/02/2027", "jour de fermeture impossible : \"29/02/2027\""},
	{"1899-12-25", "jour de fermeture hors des années 1900 à 2200 : \"1899-12-25\""},
	{"25/12/2201", "jour de fermeture hors des années 1900 à 2200 : \"25/12/2201\""},
	{"27-09", "jour de fermeture non compris : \"27-09\"" FORM},
	{"27/09/26", "jour de fermeture non compris : \"27/09/26\"" FORM},
	{"27/09 02/11", "jour de fermeture non compris : \"27/09 02/11\"" FORM},
	{"02/11, Noël", "jour de fermeture non compris : \"Noël\"" FORM},
	{"2026-12-4", "jour de fermeture non compris : \"2026-12-4\"" FORM},
	{"123/09", "jour de fermeture non compris : \"123/09\"" FORM},
	{"27/09.", "jour de fermeture non compris : \"27/09.\"" FORM},
	{"27", "jour de fermeture non compris : \"27\"" FORM},
};

static void test_closed_days_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT_OF(REFUSED); i++) {
		jl_calendar *cal = jl_calendar_new();
		char err[256] = "";
		assert_non_null(cal);
		if (jl_calendar_add_closed(cal, REFUSED[i].list, err, sizeof err) != -1)
			fail_msg("\"%s\" accepted", REFUSED[i].list);
		if (strcmp(err, REFUSED[i].err) != 0)
			fail_msg("\"%s\": \"%s\", expected \"%s\"", REFUSED[i].list, err, REFUSED[i].err);
		jl_calendar_free(cal);
	}
}

/* A list with a bad entry adds none of its good ones. */
static void test_closed_days_all_or_nothing(void **state)
{
	jl_calendar *cal = calendar_of("15/11");
	char err[256];
	(void)state;
	assert_int_equal(jl_calendar_add_closed(cal, "27/09, 2/11, 32/12", err, sizeof err), -1);
	assert_string_equal(err, "jour de fermeture impossible : \"32/12\"");
	assert_int_equal(jl_calendar_is_working_day(cal, D(2027, 9, 27)), 1);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2026, 11, 2)), 1);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2027, 11, 15)), 0);
	jl_calendar_free(cal);
}

static void test_closed_days_odd_arguments(void **state)
{
	jl_calendar *cal = jl_calendar_new();
	char small[24];
	char err[128];
	(void)state;
	assert_non_null(cal);
	/* the message is cut to fit, never overflowing */
	memset(small, 'x', sizeof small);
	assert_int_equal(jl_calendar_add_closed(cal, "31/02", small, sizeof small), -1);
	assert_non_null(memchr(small, '\0', sizeof small));
	assert_int_equal(strncmp(small, "jour de fermeture", 17), 0);
	/* no room for a message at all */
	assert_int_equal(jl_calendar_add_closed(cal, "31/02", NULL, 0), -1);
	assert_int_equal(jl_calendar_add_closed(cal, "31/02", err, 0), -1);
	assert_int_equal(jl_calendar_add_closed(cal, "27/09", NULL, 0), 0);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2027, 9, 27)), 0);
	/* no list, no calendar */
	assert_int_equal(jl_calendar_add_closed(cal, NULL, err, sizeof err), -1);
	assert_string_equal(err, "aucune liste de jours de fermeture");
	assert_int_equal(jl_calendar_add_closed(NULL, "27/09", err, sizeof err), -1);
	jl_calendar_free(cal);
}

/* ---------------------------------------------------------------- send dates */

typedef struct sent {
	jl_date due;
	int offset;
	int working_days;
	jl_date want;
	const char *why;
} sent;

static void check_sent(const jl_calendar *cal, const sent *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		jl_date out = D(0, 0, 0);
		if (jl_calendar_send_date(cal, rows[i].due, rows[i].offset, rows[i].working_days,
		                          &out) != 0)
			fail_msg("%s: refused", rows[i].why);
		check_date(out, rows[i].want, rows[i].why);
		if (!jl_calendar_is_working_day(cal, out))
			fail_msg("%s: not a working day", rows[i].why);
	}
}

static void test_send_calendar_days(void **state)
{
	static const sent rows[] = {
		{D(2026, 3, 6), 0, 0, D(2026, 3, 6), "due on a Friday"},
		{D(2026, 3, 7), 0, 0, D(2026, 3, 6), "due on a Saturday"},
		{D(2026, 3, 8), 0, 0, D(2026, 3, 6), "due on a Sunday"},
		{D(2026, 3, 9), 2, 0, D(2026, 3, 6), "2 days before Monday: Saturday, so Friday"},
		{D(2026, 3, 13), 3, 0, D(2026, 3, 10), "3 days within a week"},
		{D(2026, 3, 16), 7, 0, D(2026, 3, 9), "a week before"},
		{D(2026, 4, 6), 0, 0, D(2026, 4, 3), "due on Easter Monday: Good Friday"},
		{D(2026, 4, 7), 1, 0, D(2026, 4, 3), "1 day before Easter Tuesday"},
		{D(2026, 4, 10), 7, 0, D(2026, 4, 3), "a week before the Friday after Easter"},
		{D(2026, 5, 14), 0, 0, D(2026, 5, 13), "due on Ascension"},
		{D(2026, 5, 21), 7, 0, D(2026, 5, 13), "a week before Thursday after Ascension"},
		{D(2026, 5, 15), 1, 0, D(2026, 5, 13), "1 day before the Friday after Ascension"},
		{D(2026, 5, 25), 0, 0, D(2026, 5, 22), "due on Pentecost Monday"},
		{D(2026, 5, 2), 0, 0, D(2026, 4, 30), "Saturday then fête du Travail"},
		{D(2026, 7, 21), 0, 0, D(2026, 7, 20), "due on the fête nationale"},
		{D(2026, 12, 27), 2, 0, D(2026, 12, 24), "Sunday - 2: Noël on a Friday"},
	};
	(void)state;
	check_sent(NULL, rows, COUNT_OF(rows));
}

static void test_send_working_days(void **state)
{
	static const sent rows[] = {
		{D(2026, 3, 11), 0, 1, D(2026, 3, 11), "offset 0 is the due date"},
		{D(2026, 3, 7), 0, 1, D(2026, 3, 6), "offset 0 on a Saturday"},
		{D(2026, 3, 8), 1, 1, D(2026, 3, 6), "1 working day before a Sunday"},
		{D(2026, 3, 9), 1, 1, D(2026, 3, 6), "1 working day before a Monday"},
		{D(2026, 3, 11), 5, 1, D(2026, 3, 4), "5 working days across a weekend"},
		{D(2026, 4, 8), 3, 1, D(2026, 4, 2), "3 working days across Easter"},
		{D(2026, 4, 7), 1, 1, D(2026, 4, 3), "1 working day before Easter Tuesday"},
		{D(2026, 5, 18), 2, 1, D(2026, 5, 13), "2 working days across a weekend and Ascension"},
		{D(2026, 5, 26), 1, 1, D(2026, 5, 22), "1 working day before Pentecost Tuesday"},
	};
	(void)state;
	check_sent(NULL, rows, COUNT_OF(rows));
}

static void test_send_with_closed_days(void **state)
{
	/* a "pont" after Ascension, and the usual Walloon days */
	jl_calendar *cal = calendar_of("2026-05-15, 27/09, 02/11, 26/12");
	static const sent rows[] = {
		{D(2026, 5, 18), 1, 1, D(2026, 5, 13), "weekend, pont, Ascension"},
		{D(2026, 5, 17), 0, 0, D(2026, 5, 13), "due on Sunday after the pont"},
		{D(2026, 5, 19), 4, 0, D(2026, 5, 13), "4 days before Tuesday: the pont"},
		{D(2026, 11, 3), 1, 1, D(2026, 10, 30), "2/11, Toussaint on Sunday, Saturday"},
		{D(2027, 9, 28), 1, 0, D(2027, 9, 24), "27/09 on a Monday"},
	};
	(void)state;
	check_sent(cal, rows, COUNT_OF(rows));
	jl_calendar_free(cal);
}

static void test_send_across_the_year(void **state)
{
	jl_calendar *cal = calendar_of("26/12, 2025-12-31");
	static const sent plain[] = {
		{D(2026, 1, 2), 3, 1, D(2025, 12, 29), "3 working days before 2 January"},
		{D(2026, 1, 1), 0, 1, D(2025, 12, 31), "due on Nouvel An"},
		{D(2027, 1, 2), 1, 0, D(2026, 12, 31), "Saturday 2 January - 1: Nouvel An"},
		{D(2027, 1, 4), 3, 1, D(2026, 12, 29), "3 working days before Monday 4 January"},
	};
	static const sent closed[] = {
		{D(2026, 1, 2), 3, 1, D(2025, 12, 24), "3 working days back past 31/12, 26/12, Noël"},
		{D(2026, 1, 2), 1, 0, D(2025, 12, 30), "calendar day, Nouvel An, 31/12"},
	};
	(void)state;
	check_sent(NULL, plain, COUNT_OF(plain));
	check_sent(cal, closed, COUNT_OF(closed));
	jl_calendar_free(cal);
}

static void test_send_around_29_february(void **state)
{
	jl_calendar *cal = calendar_of("29/02");
	static const sent plain[] = {
		{D(2028, 3, 1), 1, 0, D(2028, 2, 29), "1 day before 1 March 2028"},
		{D(2028, 3, 2), 2, 1, D(2028, 2, 29), "2 working days before 2 March 2028"},
		{D(2024, 2, 29), 0, 0, D(2024, 2, 29), "due on 29 February"},
		{D(2024, 3, 1), 365, 0, D(2023, 3, 2), "365 days across 29 February"},
		{D(2027, 3, 1), 1, 0, D(2027, 2, 26), "28 February 2027 is a Sunday"},
	};
	static const sent closed[] = {
		{D(2028, 3, 1), 1, 0, D(2028, 2, 28), "29 February closed"},
		{D(2028, 3, 2), 2, 1, D(2028, 2, 28), "29 February closed, working days"},
		{D(2026, 3, 2), 1, 1, D(2026, 2, 27), "no 29 February in 2026"},
	};
	(void)state;
	check_sent(NULL, plain, COUNT_OF(plain));
	check_sent(cal, closed, COUNT_OF(closed));
	jl_calendar_free(cal);
}

/* The offset-th working day before due has exactly offset working days from it
   up to (not including) due, for every offset and a due date in each weekday. */
static void test_send_counts_working_days(void **state)
{
	jl_calendar *cal = calendar_of("27/09, 02/11, 15/11, 26/12");
	(void)state;
	for (int start = 0; start < 7; start++) {
		jl_date due = jl_date_from_days(jl_date_to_days(D(2027, 1, 4)) + start);
		for (int offset = 1; offset <= JL_CALENDAR_MAX_OFFSET; offset += 13) {
			jl_date out;
			int count = 0;
			assert_int_equal(jl_calendar_send_date(cal, due, offset, 1, &out), 0);
			assert_int_equal(jl_calendar_is_working_day(cal, out), 1);
			for (long d = jl_date_to_days(out); d < jl_date_to_days(due); d++)
				count += jl_calendar_is_working_day(cal, jl_date_from_days(d));
			if (count != offset)
				fail_msg("offset %d from day %d: %d working days", offset, start, count);
		}
	}
	jl_calendar_free(cal);
}

/* After the due date (overdue reminders): the offset-th working day after it, a closed
   day moving forward; exactly offset working days from due (excluded) to it. */
static void test_overdue_days_go_forward(void **state)
{
	jl_calendar *cal = calendar_of("27/09, 02/11, 15/11, 26/12");
	jl_date out;
	(void)state;
	/* Saturday 18 January 2020: 1 working day after is Monday 20. */
	assert_int_equal(jl_calendar_send_date(cal, D(2020, 1, 18), -1, 1, &out), 0);
	assert_int_equal(jl_date_compare(out, D(2020, 1, 20)), 0);
	/* Friday 24 December 2027: 1 calendar day after is Saturday, closed until Monday 27
	   (26 December closed too). */
	assert_int_equal(jl_calendar_send_date(cal, D(2027, 12, 24), -1, 0, &out), 0);
	assert_int_equal(jl_date_compare(out, D(2027, 12, 27)), 0);
	for (int start = 0; start < 7; start++) {
		jl_date due = jl_date_from_days(jl_date_to_days(D(2027, 1, 4)) + start);
		for (int offset = 1; offset <= JL_CALENDAR_MAX_OFFSET; offset += 13) {
			int count = 0;
			assert_int_equal(jl_calendar_send_date(cal, due, -offset, 1, &out), 0);
			assert_int_equal(jl_calendar_is_working_day(cal, out), 1);
			for (long d = jl_date_to_days(due) + 1; d <= jl_date_to_days(out); d++)
				count += jl_calendar_is_working_day(cal, jl_date_from_days(d));
			if (count != offset)
				fail_msg("offset -%d from day %d: %d working days", offset, start, count);
		}
	}
	jl_calendar_free(cal);
}

/* A calendar closed on every day: the walk gives up, both ways, instead of looping. */
static void test_a_calendar_closed_every_day_gives_up(void **state)
{
	jl_calendar *cal = jl_calendar_new();
	char all[4096] = "", err[256];
	jl_date out;
	(void)state;
	for (int m = 1; m <= 12; m++)
		for (int d = 1; d <= jl_date_days_in_month(2024, m); d++)
			snprintf(all + strlen(all), sizeof all - strlen(all), "%02d/%02d,", d, m);
	assert_int_equal(jl_calendar_add_closed(cal, all, err, sizeof err), 0);
	assert_int_equal(jl_calendar_send_date(cal, D(2026, 3, 11), 3, 1, &out), -1);
	assert_int_equal(jl_calendar_send_date(cal, D(2026, 3, 11), -3, 1, &out), -1);
	assert_int_equal(jl_calendar_send_date(cal, D(2026, 3, 11), -3, 0, &out), -1);
	jl_calendar_free(cal);
}

static void test_send_refused(void **state)
{
	jl_date out = D(1, 2, 3);
	(void)state;
	assert_int_equal(jl_calendar_send_date(NULL, D(2026, 2, 29), 0, 0, &out), -1);
	assert_int_equal(jl_calendar_send_date(NULL, D(2026, 13, 1), 0, 1, &out), -1);
	assert_int_equal(jl_calendar_send_date(NULL, D(2026, 0, 1), 0, 0, &out), -1);
	assert_int_equal(jl_calendar_send_date(NULL, D(2026, 3, 11), -JL_CALENDAR_MAX_OFFSET - 1, 0,
	                                       &out), -1);
	assert_int_equal(jl_calendar_send_date(NULL, D(2026, 3, 11), JL_CALENDAR_MAX_OFFSET + 1, 1, &out), -1);
	check_date(out, D(1, 2, 3), "untouched");
	assert_int_equal(jl_calendar_send_date(NULL, D(2026, 3, 11), 0, 0, NULL), -1);
	assert_int_equal(jl_calendar_send_date(NULL, D(2026, 3, 11), JL_CALENDAR_MAX_OFFSET, 0, &out), 0);
	check_date(out, D(2025, 3, 10), "a year before");
	assert_int_equal(jl_calendar_send_date(NULL, D(2026, 3, 11), JL_CALENDAR_MAX_OFFSET, 1, &out), 0);
}

/* A calendar closed every day of the year: every walk is cut short. */
static void test_send_bounded(void **state)
{
	char list[366 * 7];
	size_t len = 0;
	jl_calendar *cal;
	jl_date out = D(1, 2, 3);
	(void)state;
	for (int m = 1; m <= 12; m++)
		for (int d = 1; d <= jl_date_days_in_month(2000, m); d++)
			len += (size_t)snprintf(list + len, sizeof list - len, "%d/%d,", d, m);
	cal = calendar_of(list);
	assert_int_equal(jl_calendar_is_working_day(cal, D(2026, 3, 11)), 0);
	assert_int_equal(jl_calendar_send_date(cal, D(2026, 3, 11), 0, 0, &out), -1);
	assert_int_equal(jl_calendar_send_date(cal, D(2026, 3, 11), 5, 0, &out), -1);
	assert_int_equal(jl_calendar_send_date(cal, D(2026, 3, 11), 0, 1, &out), -1);
	assert_int_equal(jl_calendar_send_date(cal, D(2026, 3, 11), 3, 1, &out), -1);
	check_date(out, D(1, 2, 3), "untouched");
	jl_calendar_free(cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_easter_known_years),
		cmocka_unit_test(test_easter_out_of_range),
		cmocka_unit_test(test_easter_is_a_sunday_in_its_window),
		cmocka_unit_test(test_holidays_of_2026),
		cmocka_unit_test(test_not_holidays),
		cmocka_unit_test(test_holidays_in_date_order_every_year),
		cmocka_unit_test(test_ascension_on_first_of_may),
		cmocka_unit_test(test_weekends),
		cmocka_unit_test(test_closed_days),
		cmocka_unit_test(test_closed_days_forms),
		cmocka_unit_test(test_closed_days_refused),
		cmocka_unit_test(test_closed_days_all_or_nothing),
		cmocka_unit_test(test_closed_days_odd_arguments),
		cmocka_unit_test(test_send_calendar_days),
		cmocka_unit_test(test_send_working_days),
		cmocka_unit_test(test_send_with_closed_days),
		cmocka_unit_test(test_send_across_the_year),
		cmocka_unit_test(test_send_around_29_february),
		cmocka_unit_test(test_send_counts_working_days),
		cmocka_unit_test(test_overdue_days_go_forward),
		cmocka_unit_test(test_a_calendar_closed_every_day_gives_up),
		cmocka_unit_test(test_send_refused),
		cmocka_unit_test(test_send_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
