/* SPDX-License-Identifier: MIT */
/*
 * Working days in Belgium: legal holidays, an administration's closed days, and the
 * day a reminder goes out.  See calendar.h.
 */
#include "model/calendar.h"

#include <stdlib.h>
#include <string.h>

#include "model/text.h"

enum { MIN_YEAR = 1900, MAX_YEAR = 2200 };   /* as the deadlines of dates.h */

static const char CLOSED_NAME[] = "jour de fermeture";

/* ---------------------------------------------------------------- dates */

static int date_is_valid(jl_date d)
{
	return d.month >= 1 && d.month <= 12 && d.day >= 1
	       && d.day <= jl_date_days_in_month(d.year, d.month);
}

static jl_date make_date(int year, int month, int day)
{
	jl_date d = {year, month, day};
	return d;
}

/* The anonymous Gregorian computus (Meeus, Jones, Butcher): exact for every
   Gregorian year, with no table to keep up to date. */
int jl_easter(int year, jl_date *out)
{
	if (!out || year < MIN_YEAR || year > MAX_YEAR)
		return -1;
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4;
	int f = (b + 8) / 25;
	int g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;   /* epact: age of the paschal moon */
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7; /* days from the full moon to Sunday */
	int m = (a + 11 * h + 22 * l) / 451;
	int n = h + l - 7 * m + 114;

	*out = make_date(year, n / 31, n % 31 + 1);
	return 0;
}

/* ---------------------------------------------------------------- legal holidays */

struct fixed_holiday {
	int month, day;
	const char *name;
};

/* Arrêté royal du 18 avril 1974, art. 1 (loi du 4 janvier 1974 relative aux jours
   fériés): these seven, and the three Easter-based days below. */
static const struct fixed_holiday FIXED[] = {
	{1, 1, "Nouvel An"},
	{5, 1, "fête du Travail"},
	{7, 21, "fête nationale"},
	{8, 15, "Assomption"},
	{11, 1, "Toussaint"},
	{11, 11, "Armistice"},
	{12, 25, "Noël"},
};

struct moveable_holiday {
	int after_easter;
	const char *name;
};

static const struct moveable_holiday MOVEABLE[] = {
	{1, "lundi de Pâques"},
	{39, "Ascension"},
	{50, "lundi de Pentecôte"},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static void put_holiday(jl_holiday *out, int *n, jl_date date, const char *name)
{
	out[*n].date = date;
	out[*n].name = name;
	(*n)++;
}

/* Written out in date order rather than sorted: between 1900 and 2200 Easter Monday
   falls in 24 March..26 April, Ascension in 1 May..3 June and Pentecost Monday in
   12 May..14 June, so this order is the calendar's (with 1 May before Ascension when
   they coincide, as in 1913, 2008 and 2160). */
int jl_holidays_of_year(int year, jl_holiday out[JL_HOLIDAY_COUNT])
{
	jl_date easter;

	if (!out || jl_easter(year, &easter) < 0)
		return -1;
	long e = jl_date_to_days(easter);
	int n = 0;

	put_holiday(out, &n, make_date(year, 1, 1), FIXED[0].name);
	put_holiday(out, &n, jl_date_from_days(e + MOVEABLE[0].after_easter), MOVEABLE[0].name);
	put_holiday(out, &n, make_date(year, 5, 1), FIXED[1].name);
	put_holiday(out, &n, jl_date_from_days(e + MOVEABLE[1].after_easter), MOVEABLE[1].name);
	put_holiday(out, &n, jl_date_from_days(e + MOVEABLE[2].after_easter), MOVEABLE[2].name);
	for (size_t i = 2; i < COUNT_OF(FIXED); i++)
		put_holiday(out, &n, make_date(year, FIXED[i].month, FIXED[i].day), FIXED[i].name);
	return n;
}

/* The name of the legal holiday on d, or NULL.  Fixed days first, so that 1 May
   stays "fête du Travail" in a year when Ascension falls on it. */
static const char *legal_holiday(jl_date d)
{
	jl_date easter;

	for (size_t i = 0; i < COUNT_OF(FIXED); i++)
		if (d.month == FIXED[i].month && d.day == FIXED[i].day)
			return FIXED[i].name;
	if (jl_easter(d.year, &easter) < 0)
		return NULL;
	long after = jl_date_to_days(d) - jl_date_to_days(easter);
	for (size_t i = 0; i < COUNT_OF(MOVEABLE); i++)
		if (after == MOVEABLE[i].after_easter)
			return MOVEABLE[i].name;
	return NULL;
}

/* ---------------------------------------------------------------- calendars */

/* A closed day: one date, or the same day every year when year is 0. */
struct closed_day {
	int year, month, day;
};

struct jl_calendar {
	struct closed_day *days;
	size_t count, cap;
};

jl_calendar *jl_calendar_new(void)
{
	return calloc(1, sizeof(jl_calendar));
}

void jl_calendar_free(jl_calendar *cal)
{
	if (!cal)
		return;
	free(cal->days);
	free(cal);
}

static int closes_on(const jl_calendar *cal, jl_date d)
{
	for (size_t i = 0; cal && i < cal->count; i++) {
		const struct closed_day *c = &cal->days[i];
		if (c->month == d.month && c->day == d.day && (c->year == 0 || c->year == d.year))
			return 1;
	}
	return 0;
}

int jl_calendar_is_holiday(const jl_calendar *cal, jl_date d, const char **name)
{
	const char *found = NULL;

	if (date_is_valid(d)) {
		found = legal_holiday(d);
		if (!found && closes_on(cal, d))
			found = CLOSED_NAME;
	}
	if (name)
		*name = found;
	return found != NULL;
}

int jl_calendar_is_working_day(const jl_calendar *cal, jl_date d)
{
	if (!date_is_valid(d) || jl_date_weekday(d) >= 5)
		return 0;
	return !jl_calendar_is_holiday(cal, d, NULL);
}

/* ---------------------------------------------------------------- reading closed days */

enum entry_error { ENTRY_OK, ENTRY_FORM, ENTRY_IMPOSSIBLE, ENTRY_YEAR };

static int is_separator(char c)
{
	return c == ',' || c == ';' || c == '\n';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next entry of the list at *p, without the blanks around it, and *p past its
   separator; 0 at the end of the list.  An entry may be empty ("27/09,,02/11"). */
static int next_entry(const char **p, const char **start, size_t *len)
{
	const char *s = *p, *end;

	if (*s == '\0')
		return 0;
	while (is_blank(*s))
		s++;
	end = s;
	while (*end && !is_separator(*end))
		end++;
	*p = *end ? end + 1 : end;
	while (end > s && is_blank(end[-1]))
		end--;
	*start = s;
	*len = (size_t)(end - s);
	return 1;
}

/* Reads min..max digits of s[*i..n) as a number; -1 when there are fewer than min. */
static int read_digits(const char *s, size_t n, size_t *i, int min, int max)
{
	int value = 0, digits = 0;

	while (*i < n && digits < max && s[*i] >= '0' && s[*i] <= '9') {
		value = value * 10 + (s[*i] - '0');
		(*i)++;
		digits++;
	}
	return digits >= min ? value : -1;
}

static int read_char(const char *s, size_t n, size_t *i, char c)
{
	if (*i < n && s[*i] == c) {
		(*i)++;
		return 1;
	}
	return 0;
}

/* "2026-12-24": the ISO form, digits exactly as dates.h writes them. */
static int read_iso(const char *s, size_t n, struct closed_day *out)
{
	size_t i = 0;

	out->year = read_digits(s, n, &i, 4, 4);
	if (out->year < 0 || !read_char(s, n, &i, '-'))
		return -1;
	out->month = read_digits(s, n, &i, 2, 2);
	if (out->month < 0 || !read_char(s, n, &i, '-'))
		return -1;
	out->day = read_digits(s, n, &i, 2, 2);
	return out->day >= 0 && i == n ? 0 : -1;
}

/* "27/09" (year 0: every year) or "24/12/2026", the way Belgians write dates. */
static int read_slashed(const char *s, size_t n, struct closed_day *out)
{
	size_t i = 0;

	out->day = read_digits(s, n, &i, 1, 2);
	if (out->day < 0 || !read_char(s, n, &i, '/'))
		return -1;
	out->month = read_digits(s, n, &i, 1, 2);
	if (out->month < 0)
		return -1;
	out->year = 0;
	if (read_char(s, n, &i, '/')) {
		out->year = read_digits(s, n, &i, 4, 4);
		if (out->year < 0)
			return -1;
	}
	return i == n ? 0 : -1;
}

static enum entry_error read_entry(const char *s, size_t n, struct closed_day *out)
{
	if (read_iso(s, n, out) < 0 && read_slashed(s, n, out) < 0)
		return ENTRY_FORM;
	if (out->year != 0 && (out->year < MIN_YEAR || out->year > MAX_YEAR))
		return ENTRY_YEAR;
	/* A yearly rule is checked against a leap year: "29/02" closes 29 February
	   whenever there is one. */
	jl_date d = make_date(out->year ? out->year : 2000, out->month, out->day);
	return date_is_valid(d) ? ENTRY_OK : ENTRY_IMPOSSIBLE;
}

static void say(char *err, size_t errlen, const char *prefix, const char *quoted, size_t n,
                const char *suffix)
{
	if (err && errlen > 0)   /* jl_text_say cannot write into nothing */
		jl_text_say(err, errlen, prefix, quoted, n, suffix);
}

static void say_plain(char *err, size_t errlen, const char *msg)
{
	if (err && errlen > 0)
		jl_text_copy(err, errlen, msg, strlen(msg));
}

static void say_entry_error(enum entry_error e, const char *s, size_t n, char *err,
                            size_t errlen)
{
	switch (e) {
	case ENTRY_FORM:
		say(err, errlen, "jour de fermeture non compris : ", s, n,
		    " (attendu JJ/MM pour chaque année, ou AAAA-MM-JJ pour une seule date)");
		break;
	case ENTRY_IMPOSSIBLE:
		say(err, errlen, "jour de fermeture impossible : ", s, n, "");
		break;
	case ENTRY_YEAR:
		say(err, errlen, "jour de fermeture hors des années 1900 à 2200 : ", s, n, "");
		break;
	case ENTRY_OK:
		break;
	}
}

static int reserve(jl_calendar *cal, size_t extra)
{
	if (extra <= cal->cap - cal->count)
		return 0;
	size_t cap = cal->cap ? cal->cap : 8;
	while (cap - cal->count < extra) {
		if (cap > (size_t)-1 / 2 / sizeof(struct closed_day))
			return -1;
		cap *= 2;
	}
	struct closed_day *days = realloc(cal->days, cap * sizeof(struct closed_day));
	if (!days)
		return -1;
	cal->days = days;
	cal->cap = cap;
	return 0;
}

/* Two passes, so that a list with one bad entry adds none of the others: a person
   fixes the entry and gives the whole list again. */
int jl_calendar_add_closed(jl_calendar *cal, const char *text, char *err, size_t errlen)
{
	const char *p = text, *s;
	size_t n, count = 0;
	struct closed_day day;

	if (!cal || !text) {
		say_plain(err, errlen, "aucune liste de jours de fermeture");
		return -1;
	}
	while (next_entry(&p, &s, &n)) {
		if (n == 0)
			continue;
		enum entry_error e = read_entry(s, n, &day);
		if (e != ENTRY_OK) {
			say_entry_error(e, s, n, err, errlen);
			return -1;
		}
		count++;
	}
	if (reserve(cal, count) < 0) {
		say_plain(err, errlen, "mémoire insuffisante");
		return -1;
	}
	for (p = text; next_entry(&p, &s, &n);)
		if (n > 0 && read_entry(s, n, &day) == ENTRY_OK)
			cal->days[cal->count++] = day;
	return 0;
}

/* ---------------------------------------------------------------- reminders */

/* Moves *days back to the nearest working day on or before it, each step spending
   one of *budget; -1 when the budget runs out. */
/* Moves *days by step (-1 back, +1 forward) until a working day, within the budget. */
static int to_working_day(const jl_calendar *cal, long *days, int step, int *budget)
{
	while (!jl_calendar_is_working_day(cal, jl_date_from_days(*days))) {
		if (--*budget < 0)
			return -1;
		*days += step;
	}
	return 0;
}

int jl_calendar_send_date(const jl_calendar *cal, jl_date due, int offset, int working_days,
                          jl_date *out)
{
	int budget = JL_CALENDAR_MAX_WALK;

	if (!out || !date_is_valid(due) || offset < -JL_CALENDAR_MAX_OFFSET ||
	    offset > JL_CALENDAR_MAX_OFFSET)
		return -1;
	int step = offset < 0 ? 1 : -1; /* before the due date: back; after it: forward */
	int count = offset < 0 ? -offset : offset;
	long day = jl_date_to_days(due);
	if (!working_days) {
		day += (long)step * count;
	} else {
		/* Each working day counted is one step, then past the closed days beyond it:
		   from a Sunday, the first step back lands on Saturday, then Friday. */
		for (int i = 0; i < count; i++) {
			if (--budget < 0)
				return -1;
			day += step;
			if (to_working_day(cal, &day, step, &budget) < 0)
				return -1;
		}
	}
	if (to_working_day(cal, &day, step, &budget) < 0)
		return -1;
	*out = jl_date_from_days(day);
	return 0;
}
