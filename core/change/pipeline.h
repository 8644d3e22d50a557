/* SPDX-License-Identifier: MIT */
/*
 * The one change pipeline. Every mutation — from the C API, the CLI, an importer or a
 * script — is a transaction of record writes that goes:
 *
 *   jl_pipeline_begin   the change handlers prepared (the scripts loaded); BEGIN
 *                       IMMEDIATE (SQLite's write lock is the writers' mutex); catch up
 *                       with a history that is ahead after a crash
 *   jl_pipeline_put/…   stage new versions of records
 *   jl_pipeline_finish  validate → handlers (may veto, may amend) → validate what they
 *                       amended → apply to SQLite → git commit by the acting person
 *                       (compare-and-swap on the recorded head) → index the commit and
 *                       record the new head in SQLite → COMMIT → handlers' after
 *
 * A crash anywhere leaves the change in both SQLite and the history or in neither, or
 * (between the git commit and the SQLite COMMIT) in the history only, which the next
 * open replays into SQLite.
 */
#ifndef JALON_PIPELINE_H
#define JALON_PIPELINE_H

#include <jansson.h>

#include "model/record.h"
#include "store/registry.h"
#include "store/store.h"

typedef struct jl_txn jl_txn;

/*
 * Change handlers: the pipeline's extension point (store/registry.h), where the layer
 * above — the scripts' workflows — plugs in.
 *
 * before sees every record change of a transaction before it is applied (old_rec or
 * new_rec NULL for a creation or a deletion; new_rec canonical, as amended so far) and
 * may veto it: return non-zero and write the reason in msg. It may also amend the
 * records of the change (jl_pipeline_amend), so that a workflow's consequences land in
 * the same commit; new_rec stays valid until the record is amended. after runs once the
 * change is durable, with the new head; it cannot veto. Either may be NULL. The point's
 * preparers run when a change begins, before the write lock is taken.
 */
typedef struct jl_change_handler {
	int (*before)(void *ud, jl_txn *t, const json_t *old_rec, const json_t *new_rec,
	              char *msg, size_t msglen);
	void (*after)(void *ud, jalon_store *s, const char *commit);
	void *ud;
} jl_change_handler;

extern const jl_point jl_change_point;
/* Registers a change handler (copied). 0, or JALON_ENOMEM. */
int jl_change_handler_add(jalon_store *s, const jl_change_handler *h);

int jl_pipeline_begin(jalon_store *s, jl_txn **out);
/* The record as the transaction sees it (staged, else stored) in *rec: a new reference,
 * NULL when absent. 0, or the database's error. */
int jl_pipeline_get(jl_txn *t, const char *id, json_t **rec);
/* Stages a new version of a record (the transaction takes its own reference). */
int jl_pipeline_put(jl_txn *t, json_t *rec);
int jl_pipeline_delete(jl_txn *t, const char *id);
/* A fresh id for a record of that kind ("action-13"): never used before in this store. */
int jl_pipeline_new_id(jl_txn *t, jalon_kind kind, char *id, size_t idlen);
/*
 * From a change handler's before: sets a field of a record of the change being finished
 * (id: one of the records it creates or changes) from text, as jalon_item_set does
 * (record_set's keys and values; people must exist already). The record is made
 * canonical again; the handlers after this one see it amended. 0, or JALON_EINVALID (or
 * the database's error) with the message in err (the record unchanged).
 */
int jl_pipeline_amend(jl_txn *t, const char *id, const char *key, const char *value, char *err,
                      size_t errlen);
/* message NULL: derived from the change ("Action (7) : statut « … » → « … »"). */
int jl_pipeline_finish(jl_txn *t, const char *message);
void jl_pipeline_abort(jl_txn *t);

/* The record_context that resolves people and item references inside a transaction,
 * creating people on first mention. */
void jl_pipeline_context(jl_txn *t, record_context *ctx);

#endif
