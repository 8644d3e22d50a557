/* SPDX-License-Identifier: MIT */
/*
 * date — calendar dates: no time zone, proleptic Gregorian calendar. Nothing here
 * allocates, uses the locale, or keeps state (but jl_date_today, which reads the clock).
 */
#ifndef JALON_CORE_DATE_H
#define JALON_CORE_DATE_H

#include <stddef.h>

typedef struct jl_date { int year, month, day; } jl_date;   /* a calendar date, no time zone */

/* "2019-10-15" -> 0 and *out set; anything else (other layout, month 13, 31 February,
   29 February of a common year, trailing characters) -> -1, *out untouched. */
int  jl_date_parse_iso(const char *s, jl_date *out);
/* "2019-10-15"; d must be a valid date with a year in 0..9999 (parts outside
   their range are clamped so that the output always fits). */
void jl_date_format_iso(jl_date d, char out[11]);
/* 28..31, or 0 when month is not in 1..12. */
int  jl_date_days_in_month(int year, int month);
/* <0, 0, >0 as a is before, equal to or after b. */
int  jl_date_compare(jl_date a, jl_date b);
/* 0 for Monday … 6 for Sunday. */
int  jl_date_weekday(jl_date d);
/* "mardi 14 janvier 2020", "mercredi 1er janvier 2020": a valid date, in French. */
void jl_date_format_long(jl_date d, char out[48]);
/* Days since 1970-01-01 (proleptic Gregorian), for arithmetic; exact inverse of
   jl_date_from_days for every valid date. */
long jl_date_to_days(jl_date d);
/* Today, in the local time zone. */
jl_date jl_date_today(void);
jl_date jl_date_from_days(long days);
/* "janvier" … "décembre" for 1..12, "" otherwise. Static storage. */
const char *jl_date_month_name(int month);

#endif
