/* SPDX-License-Identifier: MIT */
/*
 * occur — the dates of a recurring duty, computed by libical's recurrence iterator
 * on DATE values.  See occur.h for the month-end rule and the bound.
 *
 * The rule is checked and normalised by jl_recurrence_parse() first, so that a
 * malformed rule gets Jalon's French reason and libical only ever sees rules it
 * reads; what libical would silently get wrong (an INTERVAL beyond its short, a
 * month it would skip) is handled here, before the iterator is built.
 */
#include "model/occur.h"

#include <libical/ical.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/date.h"
#include "model/recur.h"
#include "model/util.h"

enum { YEAR_MIN = 1900, YEAR_MAX = 2200 };

static int date_is_valid(jl_date d)
{
	return d.day >= 1 && d.day <= jl_date_days_in_month(d.year, d.month);
}

static int date_in_plan_years(jl_date d)
{
	return date_is_valid(d) && d.year >= YEAR_MIN && d.year <= YEAR_MAX;
}

static jl_date date_min(jl_date a, jl_date b)
{
	return jl_date_compare(a, b) <= 0 ? a : b;
}

struct icaltimetype jl_ical_date(jl_date d)
{
	struct icaltimetype t;

	memset(&t, 0, sizeof t);
	t.year = d.year;
	t.month = d.month;
	t.day = d.day;
	t.is_date = 1;
	return t;
}

static jl_date date_of_ical(struct icaltimetype t)
{
	jl_date d = {t.year, t.month, t.day};

	return d;
}

static int is_empty(const short *by)
{
	return by[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

static int has_by_parts(const struct icalrecurrencetype *r)
{
	return !is_empty(r->by_second) || !is_empty(r->by_minute) || !is_empty(r->by_hour) ||
	       !is_empty(r->by_day) || !is_empty(r->by_month_day) || !is_empty(r->by_year_day) ||
	       !is_empty(r->by_week_no) || !is_empty(r->by_month) || !is_empty(r->by_set_pos);
}

/*
 * The month-end rule (occur.h): in each period, the first of "day d" and "the last
 * day", which is day d when the month has it and the month's end otherwise.  Days up
 * to 28 are in every month and are left to the plain rule.
 */
static void keep_to_month_end(struct icalrecurrencetype *r, jl_date anchor)
{
	if (anchor.day <= 28 || has_by_parts(r))
		return;
	if (r->freq != ICAL_MONTHLY_RECURRENCE && r->freq != ICAL_YEARLY_RECURRENCE)
		return;
	r->by_month_day[0] = (short)anchor.day;
	r->by_month_day[1] = -1;
	r->by_month_day[2] = ICAL_RECURRENCE_ARRAY_MAX;
	r->by_set_pos[0] = 1;
	r->by_set_pos[1] = ICAL_RECURRENCE_ARRAY_MAX;
	if (r->freq == ICAL_YEARLY_RECURRENCE) {
		/* Without it, BYMONTHDAY in a yearly rule means that day of every month. */
		r->by_month[0] = (short)anchor.month;
		r->by_month[1] = ICAL_RECURRENCE_ARRAY_MAX;
	}
}

/* The INTERVAL the normalised rule writes, 1 when it writes none. */
static long rule_interval(const char *rule)
{
	const char *p = strstr(rule, ";INTERVAL=");

	return p ? strtol(p + strlen(";INTERVAL="), NULL, 10) : 1;
}

/*
 * The rule as libical will compute it, and the last day it may reach (end, and
 * UNTIL, which is taken out of the rule and applied here, as a date whatever its
 * form).  0, or -1 with the message.
 */
static int read_rule(const char *text, jl_date anchor, struct icalrecurrencetype *r, jl_date *last,
                     char *err, size_t errlen)
{
	jl_recurrence rec;
	int rc = jl_recurrence_parse(text, &rec);

	if (rc < 0)
		return jl_say(err, errlen, "règle de récurrence invalide : %s", rec.note);
	if (rc == 0)
		return jl_say(err, errlen, "ce n'est pas une règle de récurrence : %s", rec.note);
	*r = icalrecurrencetype_from_string(rec.rule);
	if (r->freq == ICAL_NO_RECURRENCE)
		return jl_say(err, errlen, "règle de récurrence illisible pour libical : \"%s\"", rec.rule);
	if (r->freq < ICAL_DAILY_RECURRENCE)
		return jl_say(err, errlen, "une récurrence plus fréquente que quotidienne n'a pas de sens"
		                         " pour des dates : \"%s\"", rec.rule);
	/* libical keeps INTERVAL in a short and would wrap a larger one without a word. */
	if (rule_interval(rec.rule) != r->interval)
		return jl_say(err, errlen, "INTERVAL trop grand : au plus %d", SHRT_MAX);
	if (!icaltime_is_null_time(r->until)) {
		*last = date_min(*last, date_of_ical(r->until));
		r->until = icaltime_null_time();
	}
	keep_to_month_end(r, anchor);
	return 0;
}

static int check_dates(jl_date anchor, jl_date end, jl_date from, jl_date to, char *err, size_t errlen)
{
	char a[11], e[11];

	if (!date_in_plan_years(anchor))
		return jl_say(err, errlen, "date de départ invalide ou hors des années %d à %d", YEAR_MIN, YEAR_MAX);
	if (!date_in_plan_years(end))
		return jl_say(err, errlen, "date de fin invalide ou hors des années %d à %d", YEAR_MIN, YEAR_MAX);
	if (!date_is_valid(from) || !date_is_valid(to))
		return jl_say(err, errlen, "fenêtre invalide : une de ses dates n'existe pas");
	if (jl_date_compare(anchor, end) > 0) {
		jl_date_format_iso(anchor, a);
		jl_date_format_iso(end, e);
		return jl_say(err, errlen, "la date de départ (%s) est après la date de fin (%s)", a, e);
	}
	return 0;
}

/*
 * Walks the series from the anchor up to last, keeping the dates from on, at most
 * max of them.  A date that does not move forward is dropped: the window test
 * relies on order, which libical does not promise for an anchor out of step with
 * its rule (RFC 5545 leaves that series undefined).
 */
static int walk(icalrecur_iterator *it, jl_date from, jl_date last, jl_date *out, size_t max,
                char *err, size_t errlen)
{
	jl_date prev = {0, 0, 0};
	size_t n = 0;
	char l[11];

	for (long steps = 0; n < max; steps++) {
		struct icaltimetype t;
		jl_date d;

		if (steps == JL_OCCUR_MAX_STEPS) {
			jl_date_format_iso(last, l);
			return jl_say(err, errlen, "plus de %ld occurrences à parcourir avant le %s :"
			            " période trop lointaine pour cette règle", JL_OCCUR_MAX_STEPS, l);
		}
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		d = date_of_ical(t);
		if (jl_date_compare(d, last) > 0)
			break;
		if (jl_date_compare(d, prev) <= 0 || jl_date_compare(d, from) < 0)
			continue;
		prev = d;
		out[n++] = d;
	}
	return (int)n;
}

int jl_occurrences(const char *rule, jl_date anchor, jl_date end, jl_date from, jl_date to,
                   jl_date *out, size_t max, char *err, size_t errlen)
{
	struct icalrecurrencetype r;
	icalrecur_iterator *it;
	jl_date last = date_min(end, to);
	int n;

	if (err && errlen)
		err[0] = '\0';
	if (check_dates(anchor, end, from, to, err, errlen) < 0 ||
	    read_rule(rule, anchor, &r, &last, err, errlen) < 0)
		return -1;
	/* Built even for an empty window, so that a rule libical cannot use always fails. */
	it = icalrecur_iterator_new(r, jl_ical_date(anchor));
	if (!it)
		return jl_say(err, errlen, "libical ne tire aucune date de cette règle à partir de ce départ"
		            " (jour qui n'existe jamais, par exemple le 30 février)");
	if (max > INT_MAX)
		max = INT_MAX;
	n = jl_date_compare(from, last) > 0 ? 0 : walk(it, from, last, out, max, err, errlen);
	icalrecur_iterator_free(it);
	return n;
}

int jl_occurrence_next(const char *rule, jl_date anchor, jl_date end, jl_date day, jl_date *out,
                       char *err, size_t errlen)
{
	jl_date first;
	int n = jl_occurrences(rule, anchor, end, day, end, &first, 1, err, errlen);

	if (n == 1)
		*out = first;
	return n;
}
