/* SPDX-License-Identifier: MIT */
/*
 * repo — the git side of a store (store/repo.c): committing record files, indexing
 * commits in SQLite so that history questions never walk the whole history, replaying
 * commits into SQLite (recovery after a crash, rebuild).
 */
#ifndef JALON_CORE_REPO_H
#define JALON_CORE_REPO_H

#include <git2.h>

#include "store/store.h"

typedef struct jl_repo_write {
	const char *id;
	const char *text; /* canonical text; NULL deletes the record */
} jl_repo_write;

/* Brings SQLite up to the history's head when the history is ahead (a crash between the
 * git commit and the SQLite COMMIT). Takes the write lock only when needed. */
int jl_repo_recover(jalon_store *s);
/* The same, inside a transaction that holds the write lock already. */
int jl_repo_catch_up(jalon_store *s);

/*
 * Writes a commit with these record files on top of the recorded head, authored by the
 * store's author, and moves the branch to it only if it still points at the recorded
 * head. Then indexes it and records it as the head in SQLite (inside the caller's
 * transaction).
 */
int jl_repo_commit(jalon_store *s, const jl_repo_write *writes, size_t n, const char *message,
                   git_oid *out);

/* The branch's head (*exists 0 for a history without commits), and the head recorded in
 * SQLite (*exists 0 before the first commit). */
int jl_repo_branch_head(jalon_store *s, git_oid *out, int *exists);
int jl_repo_recorded_head(jalon_store *s, git_oid *out, int *exists);
/* Indexes and applies to SQLite the commits after from (NULL: from the root) up to to,
 * along the first parents. */
int jl_repo_replay(jalon_store *s, const git_oid *from, const git_oid *to);
/* The id of the record a history path holds ("actions/000/action-7.json" → "action-7"),
 * in buf, or NULL when it is not a record file. */
const char *jl_repo_path_id(const char *path, char *buf, size_t len);

/* A record as a blob of the history holds it (hex id), parsed; NULL when absent. */
json_t *jl_repo_blob_record(jalon_store *s, const char *blob_hex);

#endif
