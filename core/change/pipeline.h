/*
 * The one change pipeline. Every mutation — from the C API, the CLI, an importer or a
 * script — is a transaction of record writes that goes:
 *
 *   jl_pipeline_begin     BEGIN IMMEDIATE (SQLite's write lock is the writers' mutex);
 *                      catch up with a history that is ahead after a crash
 *   jl_pipeline_put/…     stage new versions of records
 *   jl_pipeline_finish    validate → hooks (may veto) → apply to SQLite → git commit by the
 *                      acting person (compare-and-swap on the recorded head) → index the
 *                      commit and record the new head in SQLite → COMMIT → after hooks
 *
 * A crash anywhere leaves the change in both SQLite and the history or in neither, or
 * (between the git commit and the SQLite COMMIT) in the history only, which the next
 * open replays into SQLite.
 */
#ifndef JALON_PIPELINE_H
#define JALON_PIPELINE_H

#include <jansson.h>

#include "model/record.h"
#include "store/store.h"

typedef struct jl_txn jl_txn;

/* A hook sees every record change of a transaction before it is applied (old or new
 * NULL for a creation or a deletion) and may veto it: return non-zero and write the
 * reason in msg. after_commit hooks run once the change is durable; they cannot veto. */
typedef int (*jl_before_hook)(void *ud, jalon_store *s, const json_t *old_rec,
                              const json_t *new_rec, char *msg, size_t msglen);
typedef void (*jl_after_hook)(void *ud, jalon_store *s, const char *commit);

int jl_pipeline_hook_add(jalon_store *s, jl_before_hook before, jl_after_hook after, void *ud);
void jl_pipeline_hooks_free(jalon_store *s);

int jl_pipeline_begin(jalon_store *s, jl_txn **out);
/* The record as the transaction sees it (staged, else stored); a new reference, NULL
 * when absent. */
json_t *jl_pipeline_get(jl_txn *t, const char *id);
/* Stages a new version of a record (the transaction takes its own reference). */
int jl_pipeline_put(jl_txn *t, json_t *rec);
int jl_pipeline_delete(jl_txn *t, const char *id);
/* A fresh id for a record of that kind ("action-13"): never used before in this store. */
int jl_pipeline_new_id(jl_txn *t, jalon_kind kind, char *id, size_t idlen);
/* message NULL: derived from the change ("Action (7) : statut « … » → « … »"). */
int jl_pipeline_finish(jl_txn *t, const char *message);
void jl_pipeline_abort(jl_txn *t);

/* The record_context that resolves people and item references inside a transaction,
 * creating people on first mention. */
void jl_pipeline_context(jl_txn *t, record_context *ctx);

#endif
