/* SPDX-License-Identifier: MIT */
/*
 * calendar — working days in Belgium, for the day a reminder goes out.
 *
 * A reminder "5 jours avant l'échéance" must not go out on a Sunday, nor on a
 * public holiday when nobody reads it: it goes out on the working day before.
 * This module knows the ten legal public holidays of Belgium, and the days an
 * administration closes besides (a CPAS in Wallonia usually also closes on 27/09,
 * Fête de la Fédération Wallonie-Bruxelles, and often on 2/11, 15/11 and 26/12),
 * which the administration lists itself in a jl_calendar.
 *
 * Dates are the plain calendar dates of dates.h.  Nothing here uses the locale or
 * keeps global state; a jl_calendar is read-only once filled, so several threads may
 * read one at a time.
 */
#ifndef JALON_CORE_CALENDAR_H
#define JALON_CORE_CALENDAR_H

#include <stddef.h>

#include "model/date.h"

/* Easter Sunday of year (Gregorian computus): 0 and *out set for 1900..2200,
   -1 otherwise (*out untouched). */
int jl_easter(int year, jl_date *out);

/* ---------------------------------------------------------------- legal holidays */

enum { JL_HOLIDAY_COUNT = 10 };   /* legal public holidays in a Belgian year */

typedef struct jl_holiday {
	jl_date date;
	const char *name;   /* French, static: "Nouvel An", "lundi de Pâques", ... */
} jl_holiday;

/*
 * The ten legal holidays of year, in date order: Nouvel An (1/1), lundi de Pâques,
 * fête du Travail (1/5), Ascension (Pâques + 39), lundi de Pentecôte (Pâques + 50),
 * fête nationale (21/7), Assomption (15/8), Toussaint (1/11), Armistice (11/11),
 * Noël (25/12).  A holiday on a weekend is listed all the same (Belgium moves none).
 * Ascension may fall on 1 May (1913, 2008, 2160): both are then listed, fête du Travail first.
 * JL_HOLIDAY_COUNT, or -1 when year is outside 1900..2200.
 */
int jl_holidays_of_year(int year, jl_holiday out[JL_HOLIDAY_COUNT]);

/* ---------------------------------------------------------------- calendars */

/* The days an administration closes besides the legal holidays. */
typedef struct jl_calendar jl_calendar;

/* An empty calendar (legal holidays only), or NULL when out of memory.
   Free it with jl_calendar_free(). */
jl_calendar *jl_calendar_new(void);
void jl_calendar_free(jl_calendar *cal);

/*
 * Adds the closed days listed in text, separated by commas, semicolons or new lines:
 *
 *   27/09  2/11            that day every year ("29/02" only in leap years)
 *   2026-12-24  24/12/2026 that date only (year in 1900..2200)
 *
 * Spaces around an entry and empty entries ("27/09,,02/11") are ignored; a blank
 * text adds nothing.  0, or -1 with the
 * reason in err (French, naming the entry: « jour de fermeture impossible : "31/02" »)
 * and nothing added: the list is taken whole or not at all.  err may be NULL.
 */
int jl_calendar_add_closed(jl_calendar *cal, const char *text, char *err, size_t errlen);

/*
 * 1 when d is a legal holiday or a closed day of cal, and *name (if name is not NULL)
 * the holiday's French name, or "jour de fermeture" for a day of cal; 0 otherwise
 * (*name NULL), also when d is not a valid date.  cal may be NULL: legal holidays
 * only.  Moveable holidays are known for 1900..2200 only.  *name is static.
 */
int jl_calendar_is_holiday(const jl_calendar *cal, jl_date d, const char **name);

/* 1 when d is neither a Saturday, a Sunday nor a holiday (see above); 0 otherwise,
   also when d is not a valid date.  cal may be NULL. */
int jl_calendar_is_working_day(const jl_calendar *cal, jl_date d);

/* ---------------------------------------------------------------- reminders */

enum {
	JL_CALENDAR_MAX_OFFSET = 366,   /* a reminder goes out at most this many days from due */
	JL_CALENDAR_MAX_WALK = 732      /* calendar days walked back from the due date, at most */
};

/*
 * The day a reminder offset days before due goes out (offset > 0), on it (0), or -offset
 * days after it (offset < 0: an overdue reminder).
 *
 * working_days == 0: offset calendar days before (after) due.
 * working_days != 0: the offset-th working day before (after) due; a due date on a
 * weekend counts from the working days before (after) it, so 1 working day before a
 * Sunday is the Friday, 1 working day after it the Monday.
 *
 * Either way, a send day that is not a working day moves to the nearest working day on
 * the side of the offset — before the due date back, after it forward: a reminder due
 * on a Saturday goes out on the Friday, one due on Easter Monday on the Friday before
 * (Good Friday is a working day in Belgium); an overdue one falling on a Sunday on the
 * Monday.
 *
 * 0 and *out set; -1 (*out untouched) when due is not a valid date, offset is outside
 * -JL_CALENDAR_MAX_OFFSET..JL_CALENDAR_MAX_OFFSET, or finding the day takes more than
 * JL_CALENDAR_MAX_WALK days (a calendar closed on nearly every day).  cal may be NULL.
 */
int jl_calendar_send_date(const jl_calendar *cal, jl_date due, int offset, int working_days,
                          jl_date *out);

#endif
