/*
 * remind — the reminders' engine behind jalon_remind_run (include/jalon/remind.h):
 * settings from jalon.conf, the reminders due on a day, the ledger that makes each one
 * go out once, the messages and their delivery. Documented for users in docs/remind.md.
 *
 * What a script may change per item — lead times, extra recipients — goes through a
 * rule hook, registered like the change pipeline's hooks; the Lua runtime registers its
 * own there.
 */
#ifndef JALON_CORE_REMIND_H
#define JALON_CORE_REMIND_H

#include <jansson.h>

#include "jalon/remind.h"
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

/*
 * Called for every item with a deadline or a recurring duty not done, before its
 * reminders are computed; what is "échéance" or "récurrence". The hook may change
 * rule (offsets in any order: they are sorted after; extra mailboxes appended).
 * Non-zero stops the run with msg as its error.
 */
typedef int (*remind_rule_hook)(void *ud, jalon_store *s, const json_t *item, const char *what,
                                remind_rule *rule, char *msg, size_t msglen);

/* One reminder of a message, for a text hook. */
typedef struct remind_entry {
	const json_t *item;     /* the item's record */
	const char *what;       /* "échéance" or "récurrence" */
	const char *due;        /* the due date or the occurrence, "YYYY-MM-DD" */
	int offset;             /* days before (> 0), on the day (0), after (< 0) */
	const char *note;       /* why the fallback receives it, or "" */
} remind_entry;

/*
 * Called for every message with the text Jalon wrote; may replace it: *out a malloc'd
 * text (UTF-8), or left NULL to keep it. Non-zero stops the run with msg as its error.
 */
typedef int (*remind_text_hook)(void *ud, jalon_store *s, const char *to, const char *day,
                                const remind_entry *entries, size_t n, const char *text,
                                char **out, char *msg, size_t msglen);

int jl_remind_hook_add(jalon_store *s, remind_rule_hook fn, void *ud);
int jl_remind_text_hook_add(jalon_store *s, remind_text_hook fn, void *ud);
void jl_remind_hooks_free(jalon_store *s);

#endif
