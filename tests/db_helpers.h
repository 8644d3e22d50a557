/* SPDX-License-Identifier: MIT */
/*
 * A failing SQLite on purpose, for the tests that check a failure is reported as one —
 * never as "absent" or as an empty answer. Reaches the store's database: needs cmocka.h,
 * then this header (which includes the internal store/store.h).
 */
#ifndef JALON_TEST_DB_HELPERS_H
#define JALON_TEST_DB_HELPERS_H

#include <string.h>

#include <sqlite3.h>

#include "store/store.h"

/*
 * A fault: once `after` progress calls have passed while a statement whose SQL contains
 * `sql` runs (NULL: any statement), every such statement is interrupted
 * (SQLITE_INTERRUPT), as an I/O error or a corrupt page would fail it. ROLLBACK always
 * goes through: a failing database still rolls back, from its journal.
 */
typedef struct db_fault {
	sqlite3 *db;
	const char *sql;
	int after;
} db_fault;

static int db_fault_check(void *p)
{
	db_fault *f = p;
	int hit = 0;
	for (sqlite3_stmt *st = NULL; (st = sqlite3_next_stmt(f->db, st));) {
		if (!sqlite3_stmt_busy(st))
			continue;
		if (!strncmp(sqlite3_sql(st), "ROLLBACK", 8))
			return 0;
		hit |= !f->sql || strstr(sqlite3_sql(st), f->sql) != NULL;
	}
	return hit && f->after-- <= 0;
}

/* Arms fault f on the store's database (f must outlive it); f NULL removes it. */
static inline void db_fail(jalon_store *s, db_fault *f)
{
	if (f)
		f->db = s->db;
	sqlite3_progress_handler(s->db, 1, f ? db_fault_check : NULL, f);
}

/* rc and the store's message are those of a failing database: an error, not "absent",
 * naming SQLite. */
#define assert_db_error(s, rc)                                                              \
	do {                                                                                    \
		int rc_ = (rc);                                                                     \
		if (rc_ == 0 || rc_ == JALON_ENOTFOUND || !strstr(jalon_errmsg(s), "SQLite"))      \
			fail_msg("a failing database reported as %d « %s »", rc_, jalon_errmsg(s));    \
	} while (0)

/*
 * Runs call(s, ud) with the database failing at its n-th progress call (for statements
 * whose SQL contains sql; NULL: any), for n = 0, 1, 2… until the call succeeds: every run
 * before must report a database error. call checks the answer it gets; check (may be
 * NULL) looks at the store after each run, the fault gone, with the run's result. Returns
 * the number of runs that failed (at least one, or the fault never bit).
 */
static inline int db_sweep(jalon_store *s, const char *sql, int (*call)(jalon_store *, void *),
                           void (*check)(jalon_store *, int, void *), void *ud)
{
	for (int n = 0; n < 100000; n++) {
		db_fault f = {NULL, sql, n};
		db_fail(s, &f);
		int rc = call(s, ud);
		db_fail(s, NULL);
		if (rc)
			assert_db_error(s, rc);
		if (check)
			check(s, rc, ud);
		if (rc == 0) {
			assert_true(n > 0);
			return n;
		}
	}
	fail_msg("still failing after 100000 progress calls");
	return -1;
}

#endif
