/* SPDX-License-Identifier: MIT */
/*
 * date — calendar dates: reading and writing ISO days, arithmetic, weekdays, today.
 */
#include "model/date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int jl_date_days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12)
		return 0;
	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

static int date_is_valid(jl_date d)
{
	return d.day >= 1 && d.day <= jl_date_days_in_month(d.year, d.month);
}

/* Reads exactly n ASCII digits. */
static int read_digits(const char *s, int n, int *value)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*value = v;
	return 1;
}

int jl_date_parse_iso(const char *s, jl_date *out)
{
	jl_date d;

	if (!s || !out || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (!read_digits(s, 4, &d.year) || !read_digits(s + 5, 2, &d.month) ||
	    !read_digits(s + 8, 2, &d.day) || !date_is_valid(d))
		return -1;
	*out = d;
	return 0;
}

static void write_digits(char *out, int value, int width, int max)
{
	if (value < 0)
		value = 0;
	if (value > max)
		value = max;
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + value % 10);
		value /= 10;
	}
}

void jl_date_format_iso(jl_date d, char out[11])
{
	write_digits(out, d.year, 4, 9999);
	out[4] = '-';
	write_digits(out + 5, d.month, 2, 99);
	out[7] = '-';
	write_digits(out + 8, d.day, 2, 99);
	out[10] = '\0';
}

int jl_date_compare(jl_date a, jl_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

jl_date jl_date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return (jl_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

/*
 * Howard Hinnant's days_from_civil: count in 400-year eras of 146097 days, with
 * years starting in March so that the leap day is the last day of its year.
 */
long jl_date_to_days(jl_date d)
{
	long y = (long)d.year - (d.month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;                                  /* 0..399 */
	long mp = (d.month + 9) % 12;                              /* March = 0 */
	long doy = (153 * mp + 2) / 5 + d.day - 1;                 /* 0..365 */
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* 0..146096 */

	return era * 146097 + doe - 719468;
}

jl_date jl_date_from_days(long days)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	jl_date d;

	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

/* Month and weekday names, in French. */
static const char *const month_fr[13] = {
	"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"
};

static const char *const weekday_fr[7] = {"lundi", "mardi", "mercredi", "jeudi", "vendredi",
                                          "samedi", "dimanche"};

int jl_date_weekday(jl_date d)
{
	return (int)(((jl_date_to_days(d) + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
}

void jl_date_format_long(jl_date d, char out[48])
{
	int month = d.month >= 1 && d.month <= 12 ? d.month : 0;
	snprintf(out, 48, "%s %d%s %s %d", weekday_fr[jl_date_weekday(d)], d.day,
	         d.day == 1 ? "er" : "", month_fr[month], d.year);
}

const char *jl_date_month_name(int month)
{
	return month >= 1 && month <= 12 ? month_fr[month] : "";
}
