/* SPDX-License-Identifier: MIT */
/*
 * remind_run — one run of the reminders, as its three files share it: remind.c (the
 * run, the ledger, the recipients, delivery), remind_settings.c (the settings from
 * jalon.conf) and remind_text.c (the messages' text). Internal to the reminders.
 */
#ifndef JALON_CORE_REMIND_RUN_H
#define JALON_CORE_REMIND_RUN_H

#include <jansson.h>
#include <sqlite3.h>

#include "jobs/notify.h"
#include "jobs/remind.h"
#include "model/calendar.h"
#include "model/date.h"
#include "model/util.h"

/* What jalon.conf says of the reminders (docs/remind.md). */
struct settings {
	remind_rule deadline[JALON_KIND_COUNT_];   /* before: remind.deadline; after: remind.overdue */
	remind_rule recurrence[JALON_KIND_COUNT_]; /* before: remind.recurrence */
	int working_days;
	jl_calendar *cal;
	char *from;
	char *fallback;       /* a mailbox, or NULL */
	int attach_calendar;
	jl_notifier_config notifier;
	char *owned[8];       /* the notifier's strings */
};

/* A person of the plan, as the recipients are resolved. */
struct person {
	const json_t *rec;
	char *key; /* folded name */
};

/* The state of a run. */
struct run {
	jalon_store *s;
	const jalon_remind_options *opts;
	struct settings st;
	jl_date day;
	char day_iso[11];
	json_t *plan;
	json_t *records;  /* id → record, in jl_store_records' order: a run's order never varies */
	struct person *people;
	size_t npeople;
	char *domain;
	jalon_remind_summary sum;
	jl_buf unassigned; /* names of items nobody receives */
	sqlite3_stmt *claim; /* CLAIM_SQL, while claiming */
	char first_failure[640];
};

/* A reminder claimed in the ledger and not delivered yet. */
struct pending {
	char *item, *occurrence, *recipient, *name, *what, *note, *status;
	int offset;
};

struct batch {
	struct pending *v;
	size_t n;
};

/* ---- remind_settings.c */

/* Reads the settings; 0, or JALON_ECONFIG with the message naming the key. */
int jl_remind_read_settings(jalon_store *s, struct settings *st);
void jl_remind_settings_free(struct settings *st);
/* Sorts offsets, descending (before points) or ascending (after points), without
   duplicates. */
void jl_remind_sort_offsets(int *v, size_t *n, int descending);

/* ---- remind_text.c: one message per recipient, v[0..n) being theirs */

char *jl_remind_message_body(struct run *r, const struct pending *v, size_t n);
/* The handlers' texts, in turn, on the message's text; 0 and *body replaced or kept, or
   a store error. */
int jl_remind_rewrite_body(struct run *r, const struct pending *v, size_t n, char **body);
char *jl_remind_message_subject(struct run *r, const struct pending *v, size_t n);
/* The Message-ID, derived from the reminders it carries. */
void jl_remind_message_id(struct run *r, const struct pending *v, size_t n, char *out,
                          size_t len);

/* ---- remind.c */

/* A string member of a record, "" when absent. */
const char *jl_remind_str(const json_t *rec, const char *key);
/* The people an item names (linked, or in its Qui ?), into out (r->npeople at most);
   their count. */
size_t jl_remind_responsible_people(struct run *r, const json_t *item,
                                    const struct person **out);

#endif
