/* SPDX-License-Identifier: MIT */
/*
 * occur — the dates on which a recurring duty falls.
 *
 * A recurrence (recur.h) says how often a duty comes back, "FREQ=MONTHLY;INTERVAL=3";
 * with an anchor, the date of its first occurrence (RFC 5545's DTSTART), it gives a
 * series of dates.  libical computes the series; this module feeds it plain dates
 * (DATE values: no time, no time zone, so no daylight-saving drift) and adds what
 * a plan needs on top:
 *
 *   - The month-end rule.  A MONTHLY or YEARLY rule with no BYxxx part of its own,
 *     anchored on a day some months lack (29, 30, 31), falls on the month's last
 *     day in those months and returns to its day when it can: anchored 31 January,
 *     quarterly -> 30 April, 31 July, 31 October; anchored 30 January, monthly ->
 *     28 or 29 February, 30 March; anchored 29 February, yearly -> 28 February in
 *     common years, 29 in leap years.  Never a creeping 29th.  (RFC 5545 skips such
 *     months instead; a plan's "1x/trimestre" does not skip a quarter.)  It is
 *     done by computing the rule with BYMONTHDAY=d,-1;BYSETPOS=1 (and, for YEARLY,
 *     BYMONTH=the anchor's month): the first of "day d" and "last day" in each period.
 *   - A rule with BYxxx parts ("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", the second
 *     Tuesday of each quarter) is computed as libical gives it.  When the anchor is
 *     not one of its days (the third Tuesday for a 2TU rule), libical starts with
 *     the rule's first day after the anchor; the anchor is then not an occurrence.
 *   - An end: the last day the duty may fall on (the legislature's end by default).
 *     The rule's own COUNT and UNTIL apply too; UNTIL is read as a date (a
 *     date-time UNTIL keeps its date).
 *   - A bound: a call walks the series from the anchor and gives up after
 *     JL_OCCUR_MAX_STEPS occurrences, so that a daily rule asked about a window
 *     two centuries away fails quickly instead of running for long.  A weekly rule,
 *     even on every working day, fits a whole 1900..2200 series within the bound;
 *     a daily one, about 270 years.
 *
 * Anchor and end are valid dates in 1900..2200, the years a plan's deadlines take
 * (dates.h); from and to are valid dates.  An empty window (from after to) has no
 * occurrence.  The rule goes through jl_recurrence_parse(), which checks it and
 * says in French what is wrong; rules finer than a day (HOURLY…) are refused, and so
 * is an INTERVAL beyond 32767, which libical would silently wrap.
 *
 * No allocation that outlives a call, no state of ours: reentrant.  libical itself
 * keeps per-thread buffers (still reachable at exit, not leaks).
 */
#ifndef JALON_CORE_OCCUR_H
#define JALON_CORE_OCCUR_H

#include <stddef.h>

#include <libical/ical.h>

#include "model/date.h"

/* Occurrences walked at most per call, from the anchor to the window's end. */
#define JL_OCCUR_MAX_STEPS 100000L

/* The occurrences of a recurring duty in [from, to], in dates (never instants: no DST drift).
 * rule: an RRULE value ("FREQ=MONTHLY;INTERVAL=3"); anchor: the first occurrence (DTSTART);
 * end: the last day it may fall on (the legislature's end by default; the rule's own UNTIL/COUNT also apply).
 * Writes at most max dates to out, in order; returns how many, or -1 with a French message in err
 * (bad rule, anchor after end…). Every iteration is bounded (stops after a fixed number of steps:
 * JL_OCCUR_MAX_STEPS occurrences walked from the anchor, then -1). out may be NULL when max is 0;
 * err may be NULL. */
int jl_occurrences(const char *rule, jl_date anchor, jl_date end, jl_date from, jl_date to,
                   jl_date *out, size_t max, char *err, size_t errlen);

/* The first occurrence on or after day, or 0 when there is none (1 and *out set); -1 on error. */
int jl_occurrence_next(const char *rule, jl_date anchor, jl_date end, jl_date day, jl_date *out,
                       char *err, size_t errlen);

/* A date as libical's DATE value. Not icaltime_null_date(): its hour is -1, which
 * libical turns into 23:00 the day before. */
struct icaltimetype jl_ical_date(jl_date d);

#endif
