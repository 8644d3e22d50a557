/* SPDX-License-Identifier: MIT */
/*
 * Tests for core/dates: calendar arithmetic, and deadlines (échéances) as the
 * plans write them — every échéance of the seed plans among them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "model/deadline.h"
#include "model/text.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static jl_date date(int y, int m, int d)
{
	jl_date r;

	r.year = y, r.month = m, r.day = d;
	return r;
}

static int same_date(jl_date a, const char *iso)
{
	char s[11];

	jl_date_format_iso(a, s);
	return strcmp(s, iso) == 0;
}

/* ======================================================================= calendar */

static void test_parse_iso_accepts_real_dates(void **state)
{
	static const struct { const char *s; int y, m, d; } ok[] = {
		{"2019-10-15", 2019, 10, 15}, {"2020-02-29", 2020, 2, 29}, {"2000-02-29", 2000, 2, 29},
		{"1900-01-01", 1900, 1, 1},   {"2019-12-31", 2019, 12, 31}, {"0001-01-01", 1, 1, 1},
	};
	(void)state;
	for (size_t i = 0; i < COUNT_OF(ok); i++) {
		jl_date d = date(0, 0, 0);

		if (jl_date_parse_iso(ok[i].s, &d) != 0)
			fail_msg("%s refused", ok[i].s);
		assert_int_equal(d.year, ok[i].y);
		assert_int_equal(d.month, ok[i].m);
		assert_int_equal(d.day, ok[i].d);
	}
}

static void test_parse_iso_refuses_the_rest(void **state)
{
	static const char *const bad[] = {
		"2019-13-01", "2019-00-10", "2019-02-29", "1900-02-29", "2019-04-31", "2019-10-00",
		"2019-10-32", "2019-1-05", "19-10-15", "2019/10/15", "2019-10-15x", " 2019-10-15",
		"2019-10-1", "", "abcd-ef-gh", "2019-+1-15",
	};
	(void)state;
	for (size_t i = 0; i < COUNT_OF(bad); i++) {
		jl_date d = date(7, 7, 7);

		if (jl_date_parse_iso(bad[i], &d) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(d.year, 7);                /* untouched on failure */
	}
	assert_int_equal(jl_date_parse_iso(NULL, NULL), -1);
}

static void test_format_iso(void **state)
{
	char s[11];

	(void)state;
	jl_date_format_iso(date(2019, 10, 15), s);
	assert_string_equal(s, "2019-10-15");
	jl_date_format_iso(date(987, 1, 2), s);
	assert_string_equal(s, "0987-01-02");
	jl_date_format_iso(date(12345, 1, 2), s);        /* clamped, never overflowing */
	assert_string_equal(s, "9999-01-02");
}

static void test_days_in_month(void **state)
{
	static const int days_2019[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	(void)state;
	for (int m = 1; m <= 12; m++)
		assert_int_equal(jl_date_days_in_month(2019, m), days_2019[m - 1]);
	assert_int_equal(jl_date_days_in_month(2020, 2), 29);
	assert_int_equal(jl_date_days_in_month(2000, 2), 29);
	assert_int_equal(jl_date_days_in_month(1900, 2), 28);
	assert_int_equal(jl_date_days_in_month(2100, 2), 28);
	assert_int_equal(jl_date_days_in_month(2019, 0), 0);
	assert_int_equal(jl_date_days_in_month(2019, 13), 0);
}

static void test_compare(void **state)
{
	(void)state;
	assert_true(jl_date_compare(date(2019, 12, 31), date(2020, 1, 1)) < 0);
	assert_true(jl_date_compare(date(2020, 1, 1), date(2019, 12, 31)) > 0);
	assert_true(jl_date_compare(date(2020, 2, 1), date(2020, 1, 31)) > 0);
	assert_true(jl_date_compare(date(2020, 1, 2), date(2020, 1, 3)) < 0);
	assert_int_equal(jl_date_compare(date(2020, 1, 2), date(2020, 1, 2)), 0);
}

static void test_days_known_values(void **state)
{
	static const struct { int y, m, d; long days; } known[] = {
		{1970, 1, 1, 0},        {1969, 12, 31, -1},     {2019, 10, 15, 18184},
		{2000, 3, 1, 11017},    {2020, 2, 29, 18321},   {1900, 1, 1, -25567},
		{2200, 12, 31, 84370},  {1, 1, 1, -719162},
	};
	(void)state;
	for (size_t i = 0; i < COUNT_OF(known); i++) {
		jl_date d = date(known[i].y, known[i].m, known[i].d);
		jl_date back = jl_date_from_days(known[i].days);

		assert_int_equal(jl_date_to_days(d), known[i].days);
		assert_int_equal(jl_date_compare(back, d), 0);
	}
}

/* Every day from 1900 to 2200: to_days then from_days gives it back, one day apart. */
static void test_days_round_trip(void **state)
{
	long first = jl_date_to_days(date(1900, 1, 1));
	jl_date prev = jl_date_from_days(first - 1);

	(void)state;
	assert_true(same_date(prev, "1899-12-31"));
	for (long n = first; n <= jl_date_to_days(date(2200, 12, 31)); n++) {
		jl_date d = jl_date_from_days(n);

		assert_true(d.day >= 1 && d.day <= jl_date_days_in_month(d.year, d.month));
		assert_int_equal(jl_date_to_days(d), n);
		assert_true(jl_date_compare(prev, d) < 0);
		prev = d;
	}
}

static void test_precision_names(void **state)
{
	(void)state;
	assert_string_equal(jl_precision_name(JL_PREC_DAY), "jour");
	assert_string_equal(jl_precision_name(JL_PREC_MONTH), "mois");
	assert_string_equal(jl_precision_name(JL_PREC_QUARTER), "trimestre");
	assert_string_equal(jl_precision_name(JL_PREC_SEMESTER), "semestre");
	assert_string_equal(jl_precision_name(JL_PREC_YEAR), "année");
	assert_string_equal(jl_precision_name(JL_PREC_PERIOD), "période");
	assert_string_equal(jl_precision_name((jl_precision)42), "inconnue");
}

/* ======================================================================= deadlines */

typedef struct understood {
	const char *text;
	const char *start, *end;
	jl_precision precision;
	const char *due;
} understood;

static void check_understood(const understood *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const understood *u = &rows[i];
		jl_deadline d;
		char s[11], e[11];

		if (jl_deadline_parse(u->text, &d) != 0)
			fail_msg("\"%s\" refused: %s", u->text, d.reason);
		jl_date_format_iso(d.start, s);
		jl_date_format_iso(d.end, e);
		if (strcmp(s, u->start) != 0 || strcmp(e, u->end) != 0)
			fail_msg("\"%s\": %s..%s, expected %s..%s", u->text, s, e, u->start, u->end);
		if (d.precision != u->precision)
			fail_msg("\"%s\": precision %s, expected %s", u->text, jl_precision_name(d.precision),
					 jl_precision_name(u->precision));
		if (strcmp(d.due, u->due) != 0)
			fail_msg("\"%s\": due \"%s\", expected \"%s\"", u->text, d.due, u->due);
		if (d.reason[0] != '\0')
			fail_msg("\"%s\": reason \"%s\" on success", u->text, d.reason);
	}
}

typedef struct refused {
	const char *text;
	const char *reason;     /* exact */
} refused;

static void check_refused(const refused *rows, size_t n)
{
	static const jl_deadline zero;

	for (size_t i = 0; i < n; i++) {
		jl_deadline d;

		if (jl_deadline_parse(rows[i].text, &d) != -1)
			fail_msg("\"%s\" understood", rows[i].text);
		if (strcmp(d.reason, rows[i].reason) != 0)
			fail_msg("\"%s\": reason \"%s\", expected \"%s\"", rows[i].text, d.reason, rows[i].reason);
		/* never a half-guessed window */
		if (memcmp(&d.start, &zero.start, sizeof d.start) != 0 ||
			memcmp(&d.end, &zero.end, sizeof d.end) != 0 || d.due[0] != '\0')
			fail_msg("\"%s\": fields left set on failure", rows[i].text);
	}
}

#define RECURRENCE "ceci est une récurrence, pas une échéance"

/* Every "Échéance :" line of the seed plans (seeds/pst-erezee-2019-2024.txt), verbatim,
   bullet and trailing spaces included; Baelen's PST and Liège's DPS write none. */
static void test_seed_echeances(void **state)
{
	static const understood dates[] = {
		{"▪ Échéance : janvier 2020 -Rapport au Conseil ", "2020-01-01", "2020-01-31", JL_PREC_MONTH, "Rapport au Conseil"},
		{"▪ Échéance : septembre 2020  ", "2020-09-01", "2020-09-30", JL_PREC_MONTH, ""},
		{" ▪ Échéance : août 2020  ", "2020-08-01", "2020-08-31", JL_PREC_MONTH, ""},
		{"▪ Échéance :  fin 2019 ", "2019-10-01", "2019-12-31", JL_PREC_QUARTER, ""},
		{"▪ Échéance :  2019 - 2020 ", "2019-01-01", "2020-12-31", JL_PREC_PERIOD, ""},
		{"▪ Échéance :  2019-2020 ", "2019-01-01", "2020-12-31", JL_PREC_PERIOD, ""},
	};
	static const refused recurrences[] = {
		{"▪ Échéance : 1x/ trimestre. ", RECURRENCE},
		{"▪ Échéance : 1x/an ", RECURRENCE},
		{"▪ Échéance : 2x/an ", RECURRENCE},
		{"▪ Échéance :  bi-mensuel ", RECURRENCE},
		{"▪ Échéance :  trimestriel ", RECURRENCE},
		{"▪ Échéance :  3x/an ", RECURRENCE},
		{"▪ Échéance :  trimestrielle ", RECURRENCE},
	};
	(void)state;
	check_understood(dates, COUNT_OF(dates));
	check_refused(recurrences, COUNT_OF(recurrences));
}

static void test_months(void **state)
{
	static const understood rows[] = {
		{"janvier 2020", "2020-01-01", "2020-01-31", JL_PREC_MONTH, ""},
		{"février 2020", "2020-02-01", "2020-02-29", JL_PREC_MONTH, ""},
		{"fév. 2021", "2021-02-01", "2021-02-28", JL_PREC_MONTH, ""},
		{"FÉVRIER 2021", "2021-02-01", "2021-02-28", JL_PREC_MONTH, ""},
		{"fevrier 2021", "2021-02-01", "2021-02-28", JL_PREC_MONTH, ""},
		{"mars 2020", "2020-03-01", "2020-03-31", JL_PREC_MONTH, ""},
		{"avril 2020", "2020-04-01", "2020-04-30", JL_PREC_MONTH, ""},
		{"mai 2020", "2020-05-01", "2020-05-31", JL_PREC_MONTH, ""},
		{"juin 2020", "2020-06-01", "2020-06-30", JL_PREC_MONTH, ""},
		{"juillet 2020", "2020-07-01", "2020-07-31", JL_PREC_MONTH, ""},
		{"juil. 2020", "2020-07-01", "2020-07-31", JL_PREC_MONTH, ""},
		{"août 2020", "2020-08-01", "2020-08-31", JL_PREC_MONTH, ""},
		{"AOÛT 2020", "2020-08-01", "2020-08-31", JL_PREC_MONTH, ""},
		{"aout 2020", "2020-08-01", "2020-08-31", JL_PREC_MONTH, ""},
		{"septembre 2020", "2020-09-01", "2020-09-30", JL_PREC_MONTH, ""},
		{"sept. 2020", "2020-09-01", "2020-09-30", JL_PREC_MONTH, ""},
		{"octobre 2020", "2020-10-01", "2020-10-31", JL_PREC_MONTH, ""},
		{"novembre 2020", "2020-11-01", "2020-11-30", JL_PREC_MONTH, ""},
		{"décembre 2020", "2020-12-01", "2020-12-31", JL_PREC_MONTH, ""},
		{"Décembre 2020.", "2020-12-01", "2020-12-31", JL_PREC_MONTH, ""},
		{"  janvier    2020  ", "2020-01-01", "2020-01-31", JL_PREC_MONTH, ""},
		{"en janvier 2020", "2020-01-01", "2020-01-31", JL_PREC_MONTH, ""},
		{"janvier de l'année 2020", "2020-01-01", "2020-01-31", JL_PREC_MONTH, ""},
		{"10/2020", "2020-10-01", "2020-10-31", JL_PREC_MONTH, ""},
		{"2020-10", "2020-10-01", "2020-10-31", JL_PREC_MONTH, ""},
	};
	(void)state;
	check_understood(rows, COUNT_OF(rows));
}

/* début = first quarter, fin = last quarter, mi = June: see dates.h. */
static void test_start_middle_end(void **state)
{
	static const understood rows[] = {
		{"fin 2019", "2019-10-01", "2019-12-31", JL_PREC_QUARTER, ""},
		{"Fin 2019 !", "2019-10-01", "2019-12-31", JL_PREC_QUARTER, ""},
		{"début 2021", "2021-01-01", "2021-03-31", JL_PREC_QUARTER, ""},
		{"debut 2021", "2021-01-01", "2021-03-31", JL_PREC_QUARTER, ""},
		{"mi-2020", "2020-06-01", "2020-06-30", JL_PREC_MONTH, ""},
		{"mi 2020", "2020-06-01", "2020-06-30", JL_PREC_MONTH, ""},
		{"à la mi-2020", "2020-06-01", "2020-06-30", JL_PREC_MONTH, ""},
		{"fin de l'année 2019", "2019-10-01", "2019-12-31", JL_PREC_QUARTER, ""},
		{"fin d’année 2019", "2019-10-01", "2019-12-31", JL_PREC_QUARTER, ""},
		{"d'ici fin 2021", "2021-10-01", "2021-12-31", JL_PREC_QUARTER, ""},
		{"d’ici fin 2021", "2021-10-01", "2021-12-31", JL_PREC_QUARTER, ""},
		{"fin janvier 2020", "2020-01-21", "2020-01-31", JL_PREC_PERIOD, ""},
		{"fin février 2020", "2020-02-21", "2020-02-29", JL_PREC_PERIOD, ""},
		{"début mars 2020", "2020-03-01", "2020-03-10", JL_PREC_PERIOD, ""},
		{"mi-mars 2020", "2020-03-11", "2020-03-20", JL_PREC_PERIOD, ""},
		{"fin du mois de janvier 2020", "2020-01-21", "2020-01-31", JL_PREC_PERIOD, ""},
		{"fin du premier semestre 2020", "2020-06-01", "2020-06-30", JL_PREC_MONTH, ""},
		{"début S2 2020", "2020-07-01", "2020-07-31", JL_PREC_MONTH, ""},
		{"mi-T2 2020", "2020-05-01", "2020-05-31", JL_PREC_MONTH, ""},
		{"fin T3 2025", "2025-09-01", "2025-09-30", JL_PREC_MONTH, ""},
	};
	(void)state;
	check_understood(rows, COUNT_OF(rows));
}

static void test_years_and_periods(void **state)
{
	static const understood rows[] = {
		{"2020", "2020-01-01", "2020-12-31", JL_PREC_YEAR, ""},
		{"année 2020", "2020-01-01", "2020-12-31", JL_PREC_YEAR, ""},
		{"courant 2020", "2020-01-01", "2020-12-31", JL_PREC_YEAR, ""},
		{"dans le courant de l'année 2020", "2020-01-01", "2020-12-31", JL_PREC_YEAR, ""},
		{"2019-2020", "2019-01-01", "2020-12-31", JL_PREC_PERIOD, ""},
		{"2019 - 2020", "2019-01-01", "2020-12-31", JL_PREC_PERIOD, ""},
		{"2019 – 2020", "2019-01-01", "2020-12-31", JL_PREC_PERIOD, ""},
		{"2019/2020", "2019-01-01", "2020-12-31", JL_PREC_PERIOD, ""},
		{"de 2019 à 2020", "2019-01-01", "2020-12-31", JL_PREC_PERIOD, ""},
		{"entre 2019 et 2021", "2019-01-01", "2021-12-31", JL_PREC_PERIOD, ""},
		{"2025-2030", "2025-01-01", "2030-12-31", JL_PREC_PERIOD, ""},
		{"2020-2020", "2020-01-01", "2020-12-31", JL_PREC_PERIOD, ""},
		{"fin 2019 - début 2020", "2019-10-01", "2020-03-31", JL_PREC_PERIOD, ""},
		{"septembre - décembre 2020", "2020-09-01", "2020-12-31", JL_PREC_PERIOD, ""},
		{"septembre-décembre 2020", "2020-09-01", "2020-12-31", JL_PREC_PERIOD, ""},
		{"novembre - février 2021", "2020-11-01", "2021-02-28", JL_PREC_PERIOD, ""},
		{"de janvier à mars 2020", "2020-01-01", "2020-03-31", JL_PREC_PERIOD, ""},
		{"janvier 2020 - 2021", "2020-01-01", "2021-12-31", JL_PREC_PERIOD, ""},
		{"avant l'échéance de 2030", "2030-01-01", "2030-12-31", JL_PREC_YEAR, ""},
		{"avant l’échéance de 2030", "2030-01-01", "2030-12-31", JL_PREC_YEAR, ""},
		{"avant 2030", "2030-01-01", "2030-12-31", JL_PREC_YEAR, ""},
		{"pour 2030", "2030-01-01", "2030-12-31", JL_PREC_YEAR, ""},
		{"1900", "1900-01-01", "1900-12-31", JL_PREC_YEAR, ""},
		{"2200", "2200-01-01", "2200-12-31", JL_PREC_YEAR, ""},
	};
	(void)state;
	check_understood(rows, COUNT_OF(rows));
}

static void test_quarters_and_semesters(void **state)
{
	static const understood rows[] = {
		{"S1 2026", "2026-01-01", "2026-06-30", JL_PREC_SEMESTER, ""},
		{"S2 2026", "2026-07-01", "2026-12-31", JL_PREC_SEMESTER, ""},
		{"s2 2026", "2026-07-01", "2026-12-31", JL_PREC_SEMESTER, ""},
		{"second semestre 2026", "2026-07-01", "2026-12-31", JL_PREC_SEMESTER, ""},
		{"deuxième semestre 2026", "2026-07-01", "2026-12-31", JL_PREC_SEMESTER, ""},
		{"2e semestre 2026", "2026-07-01", "2026-12-31", JL_PREC_SEMESTER, ""},
		{"premier semestre 2026", "2026-01-01", "2026-06-30", JL_PREC_SEMESTER, ""},
		{"1er semestre 2026", "2026-01-01", "2026-06-30", JL_PREC_SEMESTER, ""},
		{"1er semestre de l'année 2026", "2026-01-01", "2026-06-30", JL_PREC_SEMESTER, ""},
		{"T1 2025", "2025-01-01", "2025-03-31", JL_PREC_QUARTER, ""},
		{"T3 2025", "2025-07-01", "2025-09-30", JL_PREC_QUARTER, ""},
		{"Q4 2024", "2024-10-01", "2024-12-31", JL_PREC_QUARTER, ""},
		{"3e trimestre 2025", "2025-07-01", "2025-09-30", JL_PREC_QUARTER, ""},
		{"3ème trimestre 2025", "2025-07-01", "2025-09-30", JL_PREC_QUARTER, ""},
		{"3eme trimestre 2025", "2025-07-01", "2025-09-30", JL_PREC_QUARTER, ""},
		{"troisième trimestre 2025", "2025-07-01", "2025-09-30", JL_PREC_QUARTER, ""},
		{"1er trimestre 2020", "2020-01-01", "2020-03-31", JL_PREC_QUARTER, ""},
		{"quatrième trimestre 2020", "2020-10-01", "2020-12-31", JL_PREC_QUARTER, ""},
	};
	(void)state;
	check_understood(rows, COUNT_OF(rows));
}

static void test_days(void **state)
{
	static const understood rows[] = {
		{"15/10/2019", "2019-10-15", "2019-10-15", JL_PREC_DAY, ""},
		{"15-10-2019", "2019-10-15", "2019-10-15", JL_PREC_DAY, ""},
		{"15.10.2019", "2019-10-15", "2019-10-15", JL_PREC_DAY, ""},
		{"5/1/2020", "2020-01-05", "2020-01-05", JL_PREC_DAY, ""},
		{"29/02/2020", "2020-02-29", "2020-02-29", JL_PREC_DAY, ""},
		{"15 octobre 2019", "2019-10-15", "2019-10-15", JL_PREC_DAY, ""},
		{"15 oct. 2019", "2019-10-15", "2019-10-15", JL_PREC_DAY, ""},
		{"1er octobre 2019", "2019-10-01", "2019-10-01", JL_PREC_DAY, ""},
		{"2019-10-15", "2019-10-15", "2019-10-15", JL_PREC_DAY, ""},
		{"au plus tard le 15 octobre 2019", "2019-10-15", "2019-10-15", JL_PREC_DAY, ""},
		{"pour le 1er octobre 2019", "2019-10-01", "2019-10-01", JL_PREC_DAY, ""},
		{"jusqu'au 31/12/2024", "2024-12-31", "2024-12-31", JL_PREC_DAY, ""},
		{"du 01/09/2020 au 15/09/2020", "2020-09-01", "2020-09-15", JL_PREC_PERIOD, ""},
	};
	(void)state;
	check_understood(rows, COUNT_OF(rows));
}

static void test_due(void **state)
{
	static const understood rows[] = {
		{"Échéance : janvier 2020 - Rapport au Conseil", "2020-01-01", "2020-01-31", JL_PREC_MONTH, "Rapport au Conseil"},
		{"Echéance: janvier 2020 - Rapport au Conseil", "2020-01-01", "2020-01-31", JL_PREC_MONTH, "Rapport au Conseil"},
		{"ÉCHÉANCE : janvier 2020 - Rapport au Conseil.", "2020-01-01", "2020-01-31", JL_PREC_MONTH, "Rapport au Conseil"},
		{"janvier 2020 -Rapport au Conseil", "2020-01-01", "2020-01-31", JL_PREC_MONTH, "Rapport au Conseil"},
		{"janvier 2020 – Rapport au Conseil", "2020-01-01", "2020-01-31", JL_PREC_MONTH, "Rapport au Conseil"},
		{"janvier 2020 : rapport d’évaluation", "2020-01-01", "2020-01-31", JL_PREC_MONTH, "rapport d’évaluation"},
		{"fin 2019, plan de formation", "2019-10-01", "2019-12-31", JL_PREC_QUARTER, "plan de formation"},
		{"2019-2020 - Évaluation à mi-parcours", "2019-01-01", "2020-12-31", JL_PREC_PERIOD, "Évaluation à mi-parcours"},
		{"15/10/2019 - Dépôt du dossier", "2019-10-15", "2019-10-15", JL_PREC_DAY, "Dépôt du dossier"},
		{"janvier 2020 - fin des travaux", "2020-01-01", "2020-01-31", JL_PREC_MONTH, "fin des travaux"},
		{"janvier 2020 - 2 rapports", "2020-01-01", "2020-01-31", JL_PREC_MONTH, "2 rapports"},
		{"septembre - décembre 2020 - Bilan", "2020-09-01", "2020-12-31", JL_PREC_PERIOD, "Bilan"},
	};
	(void)state;
	check_understood(rows, COUNT_OF(rows));
}

static void test_refused(void **state)
{
	static const refused rows[] = {
		{"", "échéance vide"},
		{"   ", "échéance vide"},
		{"Échéance :", "échéance vide"},
		{"prochainement", "aucune date reconnue : \"prochainement\""},
		{"Échéance : prochainement", "aucune date reconnue : \"prochainement\""},
		{"en fonction du budget", "aucune date reconnue : \"en fonction du budget\""},
		{"fin des travaux", "aucune date reconnue : \"fin des travaux\""},
		{"2019-13-01", "mois inexistant (13) dans \"2019-13-01\""},
		{"2019-00-10", "mois inexistant (0) dans \"2019-00-10\""},
		{"31/02/2020", "date inexistante : \"31/02/2020\" (février 2020 a 29 jours)"},
		{"29/02/2019", "date inexistante : \"29/02/2019\" (février 2019 a 28 jours)"},
		{"31 avril 2020", "date inexistante : \"31 avril 2020\" (avril 2020 a 30 jours)"},
		{"2019-02-30", "date inexistante : \"2019-02-30\" (février 2019 a 28 jours)"},
		{"janvierr 2020", "mois inconnu : \"janvierr\""},
		{"Janvierr 2020", "mois inconnu : \"Janvierr\""},
		{"setpembre 2020", "mois inconnu : \"setpembre\""},
		{"janvier", "année manquante après \"janvier\""},
		{"premier semestre", "année manquante après \"premier semestre\""},
		{"15/10", "année manquante dans \"15/10\""},
		{"15/10/19", "année à écrire en quatre chiffres : \"15/10/19\""},
		{"janvier 20", "année à écrire en quatre chiffres : \"20\""},
		{"janvier 1850", "année hors limites (1900 à 2200) : 1850"},
		{"1899", "année hors limites (1900 à 2200) : 1899"},
		{"2201", "année hors limites (1900 à 2200) : 2201"},
		{"15/10/2250", "année hors limites (1900 à 2200) : 2250"},
		{"décembre - janvier 1900", "année hors limites (1900 à 2200) : 1899"},
		{"T5 2025", "trimestre inexistant : 5"},
		{"S3 2026", "semestre inexistant : 3"},
		{"2020-2019", "période à l'envers : \"2020-2019\""},
		{"janvier 2020 rapport", "texte non compris après la date : \"rapport\""},
		{"2019-2020-2021", "texte non compris après la date : \"-2021\""},
		{"mi-S1 2026", "\"mi-S1 2026\" : début, mi et fin ne s'appliquent qu'à une année, un semestre, un trimestre ou un mois"},
		{"fin 15 octobre 2019", "\"fin 15 octobre 2019\" : début, mi et fin ne s'appliquent qu'à une année, un semestre, un trimestre ou un mois"},
		{"1x/an", RECURRENCE},
		{"Échéance : 1x/an", RECURRENCE},
		{"mensuel", RECURRENCE},
		{"réunions trimestrielles", RECURRENCE},
		{"FREQ=MONTHLY;INTERVAL=3", RECURRENCE},
		{"0x/an", RECURRENCE ", et elle est mal écrite : fréquence nulle : \"0x/an\""},
	};
	(void)state;
	check_refused(rows, COUNT_OF(rows));
}

static void test_null_and_too_long(void **state)
{
	char text[600];
	jl_deadline d;

	(void)state;
	assert_int_equal(jl_deadline_parse(NULL, &d), -1);
	assert_string_equal(d.reason, "échéance vide");
	assert_int_equal(jl_deadline_parse("2020", NULL), -1);

	memset(text, ' ', sizeof text);
	memcpy(text, "2020", 4);
	text[sizeof text - 1] = '\0';
	assert_int_equal(jl_deadline_parse(text, &d), -1);
	assert_string_equal(d.reason, "texte trop long (plus de 511 octets)");
	text[JL_TEXT_MAX - 1] = '\0';                  /* 511 bytes: still read */
	assert_int_equal(jl_deadline_parse(text, &d), 0);
	assert_true(same_date(d.end, "2020-12-31"));
}

/* A long due text is cut to fit, and never in the middle of a UTF-8 character. */
static void test_long_due_is_cut_whole(void **state)
{
	char text[400];
	jl_deadline d;
	size_t n;

	(void)state;
	strcpy(text, "janvier 2020 - ");
	while (strlen(text) + 2 < sizeof text)
		strcat(text, "é");
	assert_int_equal(jl_deadline_parse(text, &d), 0);
	n = strlen(d.due);
	assert_true(n <= 255 && n >= 254);
	assert_int_equal(n % 2, 0);                    /* whole two-byte "é"s only */
	for (size_t i = 0; i < n; i += 2)
		assert_memory_equal(d.due + i, "é", 2);
}

/* A quoted piece of text too long for the reason is shortened, still valid UTF-8. */
static void test_long_reason_is_cut_whole(void **state)
{
	char text[400];
	jl_deadline d;
	size_t n;

	(void)state;
	strcpy(text, "janvier 2020 ");
	while (strlen(text) + 2 < sizeof text)
		strcat(text, "é");
	assert_int_equal(jl_deadline_parse(text, &d), -1);
	n = strlen(d.reason);
	assert_true(n < sizeof d.reason);
	assert_int_equal(strncmp(d.reason, "texte non compris après la date : \"é", 38), 0);
	assert_int_equal(d.reason[n - 1], '"');
}

/* Invalid UTF-8 and control characters are not a crash, and not a date. */
static void test_odd_bytes(void **state)
{
	jl_deadline d;

	(void)state;
	assert_int_equal(jl_deadline_parse("janvier\t2020\r\n", &d), 0);
	assert_true(same_date(d.start, "2020-01-01"));
	assert_int_equal(jl_deadline_parse("\xff\xfe 2020", &d), -1);
	assert_int_equal(jl_deadline_parse("janvier 2020 - \xc3", &d), -1);
	assert_int_equal(jl_deadline_parse("\xe2\x96\xaa \xc3\x89" "ch\xc3\xa9" "ance : 2020", &d), 0);
	assert_int_equal(jl_deadline_parse("janvier\xc2\xa0" "2020", &d), 0);   /* no-break space */
}

/* The folded text maps back to the source: what is quoted is quoted as written. */
static void test_text_folding(void **state)
{
	jl_text t;
	size_t n;
	const char *s;

	(void)state;
	assert_int_equal(jl_text_read("▪ Échéance : Œuvre  d’ÉTÉ, ça", &t), 0);
	assert_string_equal(t.folded, "* echeance : oeuvre d'ete, ca");
	assert_int_equal(t.first, 3);
	assert_true(jl_text_word_is(&t, 3, "oeuvre"));
	assert_true(jl_text_punct_is(&t, 5, '\''));
	s = jl_text_source(&t, 3, t.ntok - 1, &n);
	assert_int_equal(n, strlen("Œuvre  d’ÉTÉ, ça"));
	assert_memory_equal(s, "Œuvre  d’ÉTÉ, ça", n);
	assert_int_equal(jl_text_read(NULL, &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_iso_accepts_real_dates),
		cmocka_unit_test(test_parse_iso_refuses_the_rest),
		cmocka_unit_test(test_format_iso),
		cmocka_unit_test(test_days_in_month),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_days_known_values),
		cmocka_unit_test(test_days_round_trip),
		cmocka_unit_test(test_precision_names),
		cmocka_unit_test(test_seed_echeances),
		cmocka_unit_test(test_months),
		cmocka_unit_test(test_start_middle_end),
		cmocka_unit_test(test_years_and_periods),
		cmocka_unit_test(test_quarters_and_semesters),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_null_and_too_long),
		cmocka_unit_test(test_long_due_is_cut_whole),
		cmocka_unit_test(test_long_reason_is_cut_whole),
		cmocka_unit_test(test_odd_bytes),
		cmocka_unit_test(test_text_folding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
