/* SPDX-License-Identifier: MIT */
/*
 * The store handle (include/jalon/store.h; opening with the extension layer is
 * core/open.c's): opening, SQLite schema and migrations, errors, and the projection of
 * records into the tables that answer queries.
 */
#include "store/store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dirent.h>

#include "model/record.h"
#include "model/util.h"
#include "store/item.h"
#include "store/repo.h"

/* ---------------------------------------------------------------- errors */

int jl_store_fail(jalon_store *s, int code, const char *fmt, ...)
{
	if (s) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
		va_end(ap);
	}
	return code;
}

int jl_store_fail_db(jalon_store *s, const char *what)
{
	int rc = sqlite3_errcode(s->db);
	int code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? JALON_EBUSY : JALON_ERROR;
	if (code == JALON_EBUSY)
		return jl_store_fail(s, code, "%s : le registre est occupé par un autre processus, "
		                              "réessayez plus tard", what);
	return jl_store_fail(s, code, "%s : base SQLite : %s", what, sqlite3_errmsg(s->db));
}

int jl_store_fail_git(jalon_store *s, const char *what)
{
	const git_error *e = git_error_last(); /* may be NULL with libgit2 1.5 */
	return jl_store_fail(s, JALON_ERROR, "%s : historique git : %s", what,
	                     e && e->message ? e->message : "erreur inconnue");
}

void jl_store_clear_error(jalon_store *s)
{
	s->errmsg[0] = '\0';
}

const char *jalon_errmsg(const jalon_store *store)
{
	return store ? store->errmsg : "mémoire insuffisante";
}

/* ---------------------------------------------------------------- SQL helpers */

int jl_store_exec(jalon_store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = jl_store_fail_db(s, "requête");
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

int jl_store_prepare(jalon_store *s, sqlite3_stmt **stmt, const char *sql)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return jl_store_fail_db(s, "préparation d'une requête");
	return 0;
}

sqlite3_int64 jl_store_count(jalon_store *s, const char *sql)
{
	sqlite3_stmt *st;
	sqlite3_int64 n = -1;
	if (jl_store_prepare(s, &st, sql) != 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		jl_store_fail_db(s, "comptage");
	sqlite3_finalize(st);
	return n;
}

int jl_store_meta_get(jalon_store *s, const char *key, char **value)
{
	sqlite3_stmt *st;
	*value = NULL;
	if (jl_store_prepare(s, &st, "SELECT value FROM meta WHERE key = ?1") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = jl_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return jl_store_fail_db(s, "lecture des méta-données");
	return 0;
}

int jl_store_meta_set(jalon_store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "écriture des méta-données");
}

/* ---------------------------------------------------------------- schema */

/*
 * Versioned migrations: migration i brings the schema from version i to i + 1
 * (PRAGMA user_version). Never edit a published one; add the next.
 */
static const char *const MIGRATIONS[] = {
	/* 0 → 1 */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	/* The canonical text of every current record, byte for byte as in the history. */
	"CREATE TABLE records(id TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL);"
	/* Query tables, derived from records by jl_store_apply. */
	"CREATE TABLE items(id TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL,"
	" label_key TEXT NOT NULL, name_key TEXT NOT NULL, title TEXT NOT NULL,"
	" title_key TEXT NOT NULL, parent TEXT, position INTEGER NOT NULL, volet TEXT,"
	" status TEXT NOT NULL, draft INTEGER NOT NULL, priority INTEGER NOT NULL,"
	" who_key TEXT NOT NULL, due_start TEXT, due_end TEXT, rule TEXT,"
	" flagged INTEGER NOT NULL);"
	"CREATE INDEX items_label_key ON items(label_key);"
	"CREATE INDEX items_name_key ON items(name_key);"
	"CREATE INDEX items_due_end ON items(due_end);"
	"CREATE TABLE item_parents(item TEXT NOT NULL, parent TEXT NOT NULL,"
	" share INTEGER NOT NULL, PRIMARY KEY(item, parent));"
	"CREATE INDEX item_parents_parent ON item_parents(parent);"
	"CREATE TABLE item_people(item TEXT NOT NULL, person TEXT NOT NULL, role TEXT NOT NULL);"
	"CREATE INDEX item_people_item ON item_people(item);"
	"CREATE TABLE people(id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL,"
	" email TEXT NOT NULL);"
	"CREATE INDEX people_name_key ON people(name_key);"
	/* The history index (see history.c): one row per commit, one per record touched. */
	"CREATE TABLE commits(seq INTEGER PRIMARY KEY, oid TEXT NOT NULL UNIQUE,"
	" time INTEGER NOT NULL, author_name TEXT NOT NULL, author_email TEXT NOT NULL,"
	" message TEXT NOT NULL);"
	"CREATE INDEX commits_time ON commits(time);"
	"CREATE TABLE record_changes(record TEXT NOT NULL, seq INTEGER NOT NULL,"
	" old_blob TEXT, new_blob TEXT, PRIMARY KEY(record, seq));"
	"CREATE INDEX record_changes_seq ON record_changes(seq);"
	/* The highest number ever given to an id of each kind: ids are never reused. */
	"CREATE TABLE id_counters(kind TEXT PRIMARY KEY, last INTEGER NOT NULL);",
	/* 1 → 2: the reminders' ledger (remind.c), one row per reminder ever claimed:
	 * offset > 0 days before the due date, 0 on the day, < 0 days after it. */
	"CREATE TABLE reminders(item TEXT NOT NULL, occurrence TEXT NOT NULL,"
	" offset INTEGER NOT NULL, recipient TEXT NOT NULL, recipient_name TEXT NOT NULL,"
	" what TEXT NOT NULL, note TEXT NOT NULL, claimed_for TEXT NOT NULL,"
	" status TEXT NOT NULL, attempts INTEGER NOT NULL, message_id TEXT, sent_at INTEGER,"
	" error TEXT, PRIMARY KEY(item, occurrence, recipient, offset));"
	"CREATE INDEX reminders_status ON reminders(status);",
	/* 2 → 3: what the progress roll-up and the reports read of each item (progress.c),
	 * so that a whole plan is measured without parsing its records. */
	"ALTER TABLE items ADD COLUMN progress INTEGER;"
	"ALTER TABLE items ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE items ADD COLUMN planned_start TEXT;"
	"ALTER TABLE items ADD COLUMN planned_end TEXT;"
	"ALTER TABLE items ADD COLUMN health TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE items ADD COLUMN synergy INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN budget_cents INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN spent_cents INTEGER;"
	"ALTER TABLE items ADD COLUMN indicators INTEGER NOT NULL DEFAULT 0;"
	"UPDATE items SET progress = json_extract(r.body, '$.progress'),"
	" weight = json_extract(r.body, '$.weight'),"
	" planned_start = json_extract(r.body, '$.planned_start'),"
	" planned_end = json_extract(r.body, '$.planned_end'),"
	" health = json_extract(r.body, '$.health'),"
	" synergy = json_extract(r.body, '$.synergy'),"
	" budget_cents = (SELECT coalesce(sum(json_extract(value, '$.amount_cents')), 0)"
	"                 FROM json_each(r.body, '$.budget')),"
	" spent_cents = (SELECT sum(json_extract(value, '$.spent_cents'))"
	"                FROM json_each(r.body, '$.budget')),"
	" indicators = json_array_length(r.body, '$.indicators')"
	" FROM records AS r WHERE r.id = items.id;",
};

static int migrate(jalon_store *s)
{
	sqlite3_stmt *st;
	int version = 0;
	int count = (int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]);
	if (jl_store_exec(s, "BEGIN IMMEDIATE") != 0)
		return JALON_EBUSY;
	int rc = jl_store_prepare(s, &st, "PRAGMA user_version");
	if (rc == 0) {
		if (sqlite3_step(st) == SQLITE_ROW)
			version = sqlite3_column_int(st, 0);
		else
			rc = jl_store_fail_db(s, "lecture de la version du schéma");
		sqlite3_finalize(st);
	}
	if (rc) {
		jl_store_exec(s, "ROLLBACK");
		return rc;
	}
	if (version > count) {
		jl_store_exec(s, "ROLLBACK");
		return jl_store_fail(s, JALON_ERROR, "le registre a été créé par une version plus récente "
		                                     "de Jalon (schéma %d, connu : %d)", version, count);
	}
	for (; version < count; version++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version + 1);
		if (jl_store_exec(s, MIGRATIONS[version]) != 0 || jl_store_exec(s, pragma) != 0) {
			jl_store_exec(s, "ROLLBACK");
			return JALON_ERROR;
		}
	}
	return jl_store_exec(s, "COMMIT");
}

/* ---------------------------------------------------------------- open and close */

static char *join(const char *dir, const char *name)
{
	return jl_sprintf("%s/%s", dir, name);
}

static int bad_version(jalon_store *s, unsigned version)
{
	return jl_store_fail(s, JALON_EINVALID, "options d'ouverture : version %u inconnue (cette "
	                     "bibliothèque connaît la version %d)", version,
	                     JALON_OPEN_OPTIONS_VERSION);
}

static jalon_store *store_new(const char *dir, const jalon_open_options *opts)
{
	jalon_store *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->dir = jl_strdup(dir);
	s->busy_timeout_ms = opts && opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : 30000;
	git_libgit2_init();
	/* Objects and refs reach the disk before SQLite records the commit as done, so that
	 * after a power cut the history is never behind SQLite. (A libgit2-wide setting:
	 * the host's own repositories are fsynced too.) */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	return s;
}

/* has_words(text, words): jl_has_words in SQL, so that queries name people as the rest
   of the library does. */
static void sql_has_words(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	const char *words = (const char *)sqlite3_value_text(argv[1]);
	sqlite3_result_int(ctx, text && words && jl_has_words(text, words));
}

static int open_db(jalon_store *s, int create)
{
	char *path = join(s->dir, "jalon.db");
	/* A handle is used by one thread at a time (store.h): no mutex on every call. */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	free(path);
	if (rc != SQLITE_OK)
		return jl_store_fail(s, create ? JALON_ERROR : JALON_ENOTFOUND,
		                     "%s : pas de registre Jalon ici (jalon.db illisible : %s)", s->dir,
		                     s->db ? sqlite3_errmsg(s->db) : "mémoire insuffisante");
	sqlite3_busy_timeout(s->db, s->busy_timeout_ms);
	sqlite3_create_function(s->db, "has_words", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                        sql_has_words, NULL, NULL);
	sqlite3_extended_result_codes(s->db, 0);
	/* WAL lets readers run beside the writer; FULL makes every COMMIT durable. */
	if (jl_store_exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;") != 0)
		return JALON_ERROR;
	return migrate(s);
}

static int open_repo(jalon_store *s, int create)
{
	char *path = join(s->dir, "history.git");
	int rc = create ? git_repository_init(&s->repo, path, 1)
	                : git_repository_open_bare(&s->repo, path);
	free(path);
	if (rc != 0)
		return jl_store_fail_git(s, create ? "création de l'historique" : "ouverture de l'historique");
	if (create) {
		/* A plain `git log` in the repository reads branch main. */
		git_reference *head = NULL;
		git_reference_symbolic_create(&head, s->repo, "HEAD", "refs/heads/main", 1, NULL);
		git_reference_free(head);
	}
	return 0;
}

int jl_store_open(jalon_store **out, const char *dir, const jalon_open_options *opts)
{
	jalon_store *s = store_new(dir, opts);
	*out = s;
	if (!s)
		return JALON_ENOMEM;
	if (opts && opts->version != JALON_OPEN_OPTIONS_VERSION)
		return bad_version(s, opts->version);
	struct stat st;
	char *db = join(dir, "jalon.db");
	int exists = stat(db, &st) == 0;
	free(db);
	if (!exists)
		return jl_store_fail(s, JALON_ENOTFOUND, "%s : pas de registre Jalon ici (créez-le avec "
		                                         "« jalon init »)", dir);
	int rc = open_db(s, 0);
	if (rc == 0)
		rc = open_repo(s, 0);
	if (rc == 0)
		rc = jl_repo_recover(s);
	return rc;
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 1;
	struct dirent *e;
	int empty = 1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

int jl_store_create(jalon_store **out, const char *dir, const jalon_open_options *opts)
{
	jalon_store *s = store_new(dir, opts);
	*out = s;
	if (!s)
		return JALON_ENOMEM;
	if (opts && opts->version != JALON_OPEN_OPTIONS_VERSION)
		return bad_version(s, opts->version);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return jl_store_fail(s, JALON_ERROR, "%s : impossible de créer le dossier : %s", dir,
		                     strerror(errno));
	if (!dir_is_empty(dir))
		return jl_store_fail(s, JALON_ECONFLICT, "%s : le dossier n'est pas vide", dir);
	int rc = open_db(s, 1);
	if (rc == 0)
		rc = open_repo(s, 1);
	return rc;
}

void jalon_store_close(jalon_store *s)
{
	if (!s)
		return;
	jl_registry_close(s);
	sqlite3_close_v2(s->db);
	git_repository_free(s->repo);
	free(s->dir);
	free(s->author_name);
	free(s->author_email);
	free(s);
	git_libgit2_shutdown();
}

int jalon_store_set_author(jalon_store *s, const char *name, const char *email)
{
	if (!name || !*name)
		return jl_store_fail(s, JALON_EINVALID, "auteur : un nom est requis");
	if (strpbrk(name, "<>\n") || (email && strpbrk(email, "<>\n ")))
		return jl_store_fail(s, JALON_EINVALID, "auteur : « %s <%s> » n'est pas valide", name,
		                     email ? email : "");
	free(s->author_name);
	free(s->author_email);
	s->author_name = jl_strdup(name);
	s->author_email = jl_strdup(email ? email : "");
	return 0;
}
