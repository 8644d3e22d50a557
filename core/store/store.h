/* SPDX-License-Identifier: MIT */
/*
 * The store handle and its SQLite side: schema and migrations, the projection of
 * records into query tables, errors. Internal to the library.
 */
#ifndef JALON_CORE_STORE_H
#define JALON_CORE_STORE_H

#include <git2.h>
#include <jansson.h>
#include <sqlite3.h>

#include "jalon/store.h"

#include "store/registry.h"

/* A store handle: its database, its history, the acting person, and the registry where
 * the layers above plug their behaviour in (store/registry.h). */
struct jalon_store {
	char *dir;
	sqlite3 *db;
	git_repository *repo;
	char *author_name;
	char *author_email;
	int busy_timeout_ms;
	char errmsg[2048];
	jl_registry_entry *registry;
};

/*
 * Opens an existing store, or creates one in dir, without the extension layer
 * (jalon_store_open and jalon_store_init add it): as they do, *out is set even on
 * failure, when memory allows.
 */
int jl_store_open(jalon_store **out, const char *dir, const jalon_open_options *opts);
int jl_store_create(jalon_store **out, const char *dir, const jalon_open_options *opts);

/* Sets the store's message (printf-style) and returns code. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int jl_store_fail(jalon_store *s, int code, const char *fmt, ...);
/* Sets the message from SQLite's last error, prefixed with what was being done. */
int jl_store_fail_db(jalon_store *s, const char *what);
/* Sets the message from libgit2's last error (which may be absent in 1.5). */
int jl_store_fail_git(jalon_store *s, const char *what);
void jl_store_clear_error(jalon_store *s);

/* Runs SQL with no result rows. */
int jl_store_exec(jalon_store *s, const char *sql);
/* Prepares a statement, setting the message on failure. */
int jl_store_prepare(jalon_store *s, sqlite3_stmt **stmt, const char *sql);

/* The number a "SELECT count(*) …" gives, or -1 with the message set. */
sqlite3_int64 jl_store_count(jalon_store *s, const char *sql);

/* meta table */
int jl_store_meta_get(jalon_store *s, const char *key, char **value);
int jl_store_meta_set(jalon_store *s, const char *key, const char *value);

/* ---- records.c: the current records and the query tables */

/*
 * Every current record, id → record (a new object), in a fixed order that jansson keeps
 * when iterating: by kind, then position among siblings, then id number. NULL with the
 * message set on failure. For computations over the whole plan (reminders, progress).
 */
json_t *jl_store_records(jalon_store *s);
/* The current record with that id in *rec (a new reference), NULL when absent. 0, or an
 * error with the message set (*rec NULL). */
int jl_store_record_get(jalon_store *s, const char *id, json_t **rec);

/*
 * Applies one record change to SQLite: old_id's record is replaced by rec (NULL:
 * deleted). Updates the records table and the query tables derived from it. The one
 * way the SQLite state changes, whether from a change, a replay or a rebuild.
 */
int jl_store_apply(jalon_store *s, const char *id, const json_t *rec, const char *text);

/*
 * Projects an item record into query tables whose names start with prefix: "" for the
 * store's own (jl_store_apply), "temp.past_" for the plan as it stood at a time
 * (jl_history_project_at).
 */
int jl_store_project_item(jalon_store *s, const char *prefix, const json_t *rec);

/* Drops every record and derived row (before a rebuild). */
int jl_store_clear_records(jalon_store *s);

/* Packs the loose objects of the history when there are many of them, as git gc --auto
 * does (store/maintain.c). */
int jl_store_maybe_pack(jalon_store *s);

#endif
