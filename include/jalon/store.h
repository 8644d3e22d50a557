/* SPDX-License-Identifier: MIT */
/*
 * Jalon — stores: open, create, close, the acting person, consistency.
 *
 * A store is a directory holding `jalon.db` (SQLite: current state, queries, history
 * index) and `history.git` (a bare git repository: one commit per change, one file per
 * record). Plain `git clone DIR/history.git` and `git log` read the history.
 *
 * Threads: a jalon_store handle is used by one thread at a time; several handles, in one
 * or several processes, may open the same store at once: writers take turns through
 * SQLite's write lock (waiting up to the busy timeout), readers never block.
 * Opening a store initialises libgit2 (reference-counted) and turns on its fsync of
 * git directories, a process-wide libgit2 setting.
 *
 * Sources: core/open.c (open and init, with the extension layer), core/store/store.c
 * (the handle, its message, the acting person), core/store/maintain.c (fsck, rebuild,
 * gc).
 */
#ifndef JALON_STORE_H
#define JALON_STORE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jalon_store jalon_store;

#define JALON_OPEN_OPTIONS_VERSION 1
typedef struct jalon_open_options {
	unsigned version;     /* JALON_OPEN_OPTIONS_VERSION; another is refused (JALON_EINVALID) */
	int busy_timeout_ms;  /* how long a change waits for another writer (default 30000) */
	/*
	 * 1 (the default, and with opts NULL): the store's extensions run — its Lua scripts
	 * (workflows that may refuse a change, reminder rules, progress rules, reports) and
	 * its plug-ins (docs/scripts.md, docs/plugins.md), loaded the first time something
	 * needs them. 0: the bare store: none of them runs, no report is available, and the
	 * host takes on what the scripts would have checked.
	 */
	int extensions;
} jalon_open_options;
#define JALON_OPEN_OPTIONS_INIT {JALON_OPEN_OPTIONS_VERSION, 30000, 1}

/*
 * Opens an existing store (opts may be NULL). A store left behind by a crash is repaired
 * here: changes already in the history are replayed into SQLite.
 * Even on failure *out is set (unless memory ran out) so that jalon_errmsg() can tell
 * why; close it with jalon_store_close(). JALON_ENOTFOUND: no store in dir.
 * JALON_ECORRUPT: the history does not extend the state SQLite recorded (it was changed
 * around Jalon); the handle is then open enough for jalon_store_fsck() and
 * jalon_store_rebuild(), and nothing else.
 */
JALON_API int jalon_store_open(jalon_store **out, const char *dir, const jalon_open_options *opts);
/* Creates a new, empty store in dir (created if missing, must be empty otherwise). */
JALON_API int jalon_store_init(jalon_store **out, const char *dir, const jalon_open_options *opts);
JALON_API void jalon_store_close(jalon_store *store);

/* The message of the last failed call on this store, in French; borrowed, valid until
 * the next call. "" when none. */
JALON_API const char *jalon_errmsg(const jalon_store *store);

/* Who makes the following changes: the author of their commits. Required before any
 * change. email may be NULL or "". Both strings are copied. */
JALON_API int jalon_store_set_author(jalon_store *store, const char *name, const char *email);

/*
 * Checks that SQLite and the history agree: every record in the history's head is in
 * SQLite byte for byte and nothing else is, the recorded head is the branch's head, the
 * history index covers every commit. *report gets a French report (owned: jalon_free),
 * one line per problem, or "cohérent" lines. Returns 0 when consistent,
 * JALON_ECORRUPT when not.
 */
JALON_API int jalon_store_fsck(jalon_store *store, char **report);

/* Recreates the whole SQLite state (records, queries, history index) from the history
 * alone. */
JALON_API int jalon_store_rebuild(jalon_store *store);

/* Packs the history's loose objects into one pack file. */
JALON_API int jalon_store_gc(jalon_store *store);

#ifdef __cplusplus
}
#endif

#endif
