/* SPDX-License-Identifier: MIT */
/*
 * Jalon — the change history: who changed what and when, the state at a date, what
 * changed between two dates, who last changed each field, tags.
 *
 * Dates are Unix times (seconds); jalon_time_parse reads the forms the CLI accepts.
 * These queries read an index kept in SQLite at commit time: asking about one item does
 * not walk the whole history.
 *
 * Implemented in core/store/history.c.
 */
#ifndef JALON_HISTORY_H
#define JALON_HISTORY_H

#include "common.h"
#include "item.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One field that changed. Strings borrowed from the list that holds it. */
typedef struct jalon_field_change {
	const char *record;  /* id */
	const char *name;    /* "Action (7)" */
	const char *field;   /* "status" */
	const char *label;   /* "statut" */
	const char *before;  /* as a person reads it; "" when absent */
	const char *after;
	const char *before_json; /* the value itself, as JSON ("\"en cours\"", "50", "null" when
	                            absent), as the record holds it (docs/records.md) */
	const char *after_json;
	int created;         /* the change created the record (every before is absent) */
	int removed;         /* the change removed it (every after is absent) */
} jalon_field_change;

/* One commit. Strings borrowed from the log. */
typedef struct jalon_log_entry {
	const char *commit;  /* hex id */
	long long time;
	const char *author_name;
	const char *author_email;
	const char *message; /* the first line */
	size_t nchanges;
	const jalon_field_change *changes;
} jalon_log_entry;

typedef struct jalon_log jalon_log;

/* The changes of one record (ref) or of the whole store (ref NULL), newest first, at
 * most limit entries (0: all). */
JALON_API int jalon_history_log(jalon_log **out, jalon_store *store, const char *ref, size_t limit);
/* Every commit after since and up to until (Unix times), newest first, with its changes
 * (a commit touching more records than `jalon log` details, an import, has its message
 * only): exactly what was done in the period, also what was undone in it. */
JALON_API int jalon_history_log_between(jalon_log **out, jalon_store *store, long long since,
                                        long long until);
/* What changed between since (excluded) and until (included), by record and field,
 * each record's state at since compared with its state at until: one entry per record,
 * with the commit, time and author of its last change in the period and a one-line
 * summary as message. */
JALON_API int jalon_history_diff(jalon_log **out, jalon_store *store, long long since,
                                 long long until);
/* Who last changed each field of a record: one entry per field (nchanges 1). */
JALON_API int jalon_history_blame(jalon_log **out, jalon_store *store, const char *ref);
JALON_API size_t jalon_log_count(const jalon_log *log);
JALON_API const jalon_log_entry *jalon_log_get(const jalon_log *log, size_t i);
JALON_API void jalon_log_free(jalon_log *log);

/* A record as it was at a time (ref: an id, or a label as it was then). */
JALON_API int jalon_history_at(jalon_item **out, jalon_store *store, const char *ref,
                               long long when);

/* Tags the current state ("pst-adopte-2019") with a message, as an annotated git tag
 * by the acting person. A write like a change: it waits for another writer, then gives
 * up with JALON_EBUSY, as changes do. */
JALON_API int jalon_tag_create(jalon_store *store, const char *name, const char *message);

/* Reads "2020-01-15" (UTC; its last second when end_of_day, else its first),
 * "2020-01-15T10:30", "2020-01-15 10:30:00", "@1577836800", or a tag name (the time of
 * its commit) into a Unix time. JALON_EINVALID when the text is neither a valid date nor
 * an existing tag. */
JALON_API int jalon_time_parse(jalon_store *store, const char *text, int end_of_day,
                               long long *out);

#ifdef __cplusplus
}
#endif

#endif
