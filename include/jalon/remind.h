/* SPDX-License-Identifier: MIT */
/*
 * Jalon — reminders: the cron job that tells the people responsible for an action, a
 * task or a recurring meeting that it falls due, exactly once per reminder.
 *
 * For a day (today by default), jalon_remind_run finds every deadline within its lead
 * times, every deadline overdue and not done, and every occurrence of a recurring duty
 * coming up; it groups them by recipient and sends one French message per recipient
 * through the notifier the store's configuration names (docs/remind.md): stdout, a
 * Maildir, an mbox file, sendmail or SMTP.
 *
 * Each reminder — (item, occurrence, offset, recipient) — is claimed in a ledger inside
 * the store's SQLite database in the transaction that decides to send it, so a second
 * run the same day sends nothing new, and a day without a run is caught up by the
 * next one. A delivery that fails is kept and retried by the next run. Runs of several
 * processes on one store take turns through a lock on DIR/remind.lock, released by the
 * system when a process dies: a stale lock never blocks.
 *
 * Threads: as any call on a store handle (store.h).
 *
 * Implemented in core/jobs/remind.c (the run and its ledger), remind_settings.c and
 * remind_text.c (the messages).
 */
#ifndef JALON_REMIND_H
#define JALON_REMIND_H

#include <stdio.h>

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JALON_REMIND_OPTIONS_VERSION 1
typedef struct jalon_remind_options {
	unsigned version;  /* JALON_REMIND_OPTIONS_VERSION; another is refused (JALON_EINVALID) */
	const char *date;  /* "YYYY-MM-DD": the day to run for (a replay); NULL: today, local time */
	int dry_run;       /* 1: show what would be sent on out; claim and send nothing */
	FILE *out;         /* dry runs and the stdout notifier write here; NULL: stdout */
} jalon_remind_options;
#define JALON_REMIND_OPTIONS_INIT {JALON_REMIND_OPTIONS_VERSION, NULL, 0, NULL}

/* What a run did. */
typedef struct jalon_remind_summary {
	char date[11];          /* the day it ran for */
	size_t reminders;       /* reminders delivered (or, in a dry run, to deliver) */
	size_t messages;        /* messages delivered (or to deliver): one per recipient */
	size_t retried;         /* of the reminders, those a previous run failed to deliver */
	size_t failed;          /* reminders whose delivery failed for now: retried next run */
	size_t refused;         /* reminders refused for good (an address the server rejects) */
	size_t unassigned;      /* reminders with no recipient and no fallback configured */
} jalon_remind_summary;

/*
 * Runs the reminders of one day. summary may be NULL.
 * 0: everything due was delivered (or nothing was due).
 * JALON_EDELIVERY: some deliveries failed or were refused (summary says how many; the
 * message names the first failure); failed ones are retried by the next run.
 * JALON_EBUSY: another run holds the lock; nothing was done.
 * JALON_ECONFIG: jalon.conf is wrong or incomplete (the message names the key).
 * JALON_EINVALID: a bad date.
 * JALON_ESCRIPT: a script's reminder rule failed (its message); nothing was claimed.
 * A reminder with no recipient and no fallback (remind.fallback) is not claimed: it is
 * counted in summary->unassigned, and once everything else was sent the run returns
 * JALON_ECONFIG naming the items, until a fallback is configured.
 */
JALON_API int jalon_remind_run(jalon_store *store, const jalon_remind_options *opts,
                               jalon_remind_summary *summary);

/*
 * Marks one occurrence of an item's recurring duty as done (a meeting held): day,
 * "YYYY-MM-DD" or "DD/MM/YYYY", is added to the item's done_occurrences in one commit,
 * and that occurrence's reminders stop. JALON_EINVALID when the item has no recurring
 * duty Jalon understands or day is not one of its occurrences (the message names the
 * nearest ones).
 */
JALON_API int jalon_occurrence_done(jalon_store *store, const char *ref, const char *day);

#ifdef __cplusplus
}
#endif

#endif
