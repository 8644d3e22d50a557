/*
 * The git side of a store: committing record files, indexing commits in SQLite so
 * that history questions never walk the whole history, replaying commits into SQLite
 * (recovery after a crash, rebuild), consistency checks, packing.
 */
#ifndef JALON_HISTORY_CORE_H
#define JALON_HISTORY_CORE_H

#include <git2.h>

#include "store/store.h"

typedef struct history_write {
	const char *id;
	const char *text; /* canonical text; NULL deletes the record */
} history_write;

/* Brings SQLite up to the history's head when the history is ahead (a crash between the
 * git commit and the SQLite COMMIT). Takes the write lock only when needed. */
int jl_history_recover(jalon_store *s);
/* The same, inside a transaction that holds the write lock already. */
int jl_history_catch_up(jalon_store *s);

/*
 * Writes a commit with these record files on top of the recorded head, authored by the
 * store's author, and moves the branch to it only if it still points at the recorded
 * head. Then indexes it and records it as the head in SQLite (inside the caller's
 * transaction).
 */
int jl_history_commit(jalon_store *s, const history_write *writes, size_t n, const char *message,
                   git_oid *out);

/* Packs loose objects when there are many of them (as git gc --auto does). */
int jl_history_maybe_pack(jalon_store *s);

/* The blob text of a record at a commit-index row: helper for queries. */
json_t *jl_history_blob_record(jalon_store *s, const char *blob_hex);

#endif
