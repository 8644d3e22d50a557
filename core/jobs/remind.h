/* SPDX-License-Identifier: MIT */
/*
 * remind — the reminders' engine behind jalon_remind_run (include/jalon/remind.h):
 * settings from jalon.conf, the reminders due on a day, the ledger that makes each one
 * go out once, the messages and their delivery. Documented for users in docs/remind.md.
 *
 * What a script may change — an item's lead times and extra recipients, a message's
 * text — goes through the reminders' extension point (store/registry.h), where the Lua
 * runtime registers its handler.
 */
#ifndef JALON_CORE_REMIND_H
#define JALON_CORE_REMIND_H

#include <jansson.h>

#include "jalon/remind.h"
#include "store/registry.h"
#include "store/store.h"

enum { REMIND_MAX_OFFSETS = 16 };

/* Lead times of one item: days before the due date (descending: 30, 7, 1, 0) and,
   for a deadline not done, days after it (ascending: 1, 7, 30). */
typedef struct remind_rule {
	int before[REMIND_MAX_OFFSETS];
	size_t nbefore;
	int after[REMIND_MAX_OFFSETS];
	size_t nafter;
	json_t *extra; /* mailboxes added to the recipients ("Président <p@cpas.be>") */
} remind_rule;

/* One reminder of a message, as a text handler sees it. */
typedef struct remind_entry {
	const json_t *item;     /* the item's record */
	const char *what;       /* "échéance" or "récurrence" */
	const char *due;        /* the due date or the occurrence, "YYYY-MM-DD" */
	int offset;             /* days before (> 0), on the day (0), after (< 0) */
	const char *note;       /* why the fallback receives it, or "" */
} remind_entry;

/*
 * A reminders' handler. Either function may be NULL; each returns 0, or non-zero to
 * stop the run with msg as its error.
 *
 * rule is called for every item with a deadline or a recurring duty not done, before
 * its reminders are computed; what is "échéance" or "récurrence". It may change rule
 * (offsets in any order: they are sorted after; extra mailboxes appended).
 *
 * text is called for every message with the text written so far, and may replace it:
 * *out a malloc'd text (UTF-8), or left NULL to keep it.
 *
 * The point's preparers run when a run starts.
 */
typedef struct jl_remind_handler {
	int (*rule)(void *ud, jalon_store *s, const json_t *item, const char *what,
	            remind_rule *rule, char *msg, size_t msglen);
	int (*text)(void *ud, jalon_store *s, const char *to, const char *day,
	            const remind_entry *entries, size_t n, const char *text, char **out, char *msg,
	            size_t msglen);
	void *ud;
} jl_remind_handler;

extern const jl_point jl_remind_point;
/* Registers a reminders' handler (copied). 0, or JALON_ENOMEM. */
int jl_remind_handler_add(jalon_store *s, const jl_remind_handler *h);

#endif
