/* SPDX-License-Identifier: MIT */
/*
 * Jalon — progress: how far the plan has come, rolled up from the actions and tasks to
 * their OO, OS, volet and the plan, and whether it is on schedule (docs/progress.md).
 *
 * Rules, in short: an item's own progress is the one set by hand (avancement), else for
 * an action with tasks the weighted average of its tasks, else its status (à lancer 0,
 * en cours 50, reporté 0, terminé 100). OO, OS, volet and plan average their children
 * weighted by their weight (poids, 1 by default; a transversal action counts in each OO
 * for its share). Abandoned items and drafts count in none. The expected progress grows
 * linearly from the planned start (début prévu, else the plan's first day) to the due
 * day (fin prévue, else the end of the échéance); health compares the two: « dans les
 * temps » at 95 % of the expected or more, « à risque » from 85 %, « en retard » below.
 *
 * Implemented in core/jobs/progress.c.
 */
#ifndef JALON_PROGRESS_H
#define JALON_PROGRESS_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jalon_progress {
	int progress;       /* percent 0..100; -1 when nothing below it counts */
	int expected;       /* percent expected on the day; -1 when no schedule is known */
	const char *health; /* "dans les temps", "à risque", "en retard", or "" (no schedule) */
	int items;          /* actions and tasks at or below it that count (not abandoned) */
	int by_status[JALON_STATUS_COUNT]; /* actions and tasks at or below it, by status:
	                                      jalon_status_name(i) */
	int overdue;        /* of those that count, overdue on the day: due before, not done */
	int priority;       /* of those that count, priority ones */
} jalon_progress;

/*
 * The progress of an item ("OO 3", "action-7"), a volet ("externe", "interne") or the
 * plan ("plan") on day ("YYYY-MM-DD"; NULL: today). JALON_ENOTFOUND for an unknown
 * reference; JALON_EINVALID for a bad day. health points to static storage.
 */
JALON_API int jalon_progress_get(jalon_progress *out, jalon_store *store, const char *ref,
                                 const char *day);

#ifdef __cplusplus
}
#endif

#endif
