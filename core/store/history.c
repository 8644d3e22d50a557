/* SPDX-License-Identifier: MIT */
/*
 * History questions, answered from the index kept in SQLite at commit time (commits,
 * record_changes) and the record versions in git: the log of one record, the state at a
 * date, what changed between two dates, who last changed each field, tags.
 */
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "model/date.h"
#include "store/repo.h"
#include "store/item.h"
#include "jalon/history.h"
#include "model/record.h"
#include "store/history.h"
#include "store/store.h"
#include "model/util.h"

struct jalon_log {
	jalon_log_entry *entries;
	size_t count, cap;
	void **pool; /* every string and array the entries point to */
	size_t npool, poolcap;
};

static void *keep(jalon_log *log, void *p)
{
	if (log->npool == log->poolcap) {
		size_t cap = log->poolcap ? log->poolcap * 2 : 64;
		void **pool = realloc(log->pool, cap * sizeof *pool);
		if (!pool)
			return p; /* leaks rather than crashes; the caller sees the data */
		log->pool = pool;
		log->poolcap = cap;
	}
	log->pool[log->npool++] = p;
	return p;
}

static const char *keep_str(jalon_log *log, const char *s)
{
	return keep(log, jl_strdup(s ? s : ""));
}

/* A value as JSON text, kept with the log ("null" when absent). */
static const char *keep_json(jalon_log *log, const json_t *v)
{
	char *text = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	return text ? keep(log, text) : "null";
}

static jalon_log_entry *add_entry(jalon_log *log)
{
	if (log->count == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 16;
		jalon_log_entry *e = realloc(log->entries, cap * sizeof *e);
		if (!e)
			return NULL;
		log->entries = e;
		log->cap = cap;
	}
	jalon_log_entry *e = &log->entries[log->count++];
	memset(e, 0, sizeof *e);
	return e;
}

void jalon_log_free(jalon_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->npool; i++)
		free(log->pool[i]);
	free(log->pool);
	free(log->entries);
	free(log);
}

size_t jalon_log_count(const jalon_log *log)
{
	return log ? log->count : 0;
}

const jalon_log_entry *jalon_log_get(const jalon_log *log, size_t i)
{
	return log && i < log->count ? &log->entries[i] : NULL;
}

/* Appends the field changes between two versions to an entry (growing its array). */
static void add_changes(jalon_log *log, jalon_log_entry *e, const char *id, const json_t *old_rec,
                        const json_t *new_rec)
{
	record_change *ch;
	int n = jl_record_diff(old_rec, new_rec, &ch);
	if (n <= 0) {
		if (n == 0)
			jl_record_changes_free(ch, 0);
		return;
	}
	char *name = jl_record_display_name(new_rec ? new_rec : old_rec);
	jalon_field_change *all = calloc(e->nchanges + (size_t)n, sizeof *all);
	if (all) {
		if (e->nchanges)
			memcpy(all, e->changes, e->nchanges * sizeof *all);
		for (int i = 0; i < n; i++) {
			jalon_field_change *c = &all[e->nchanges + (size_t)i];
			c->record = keep_str(log, id);
			c->name = keep_str(log, name);
			c->field = ch[i].field;
			c->label = jl_record_field_label(ch[i].field);
			c->before = keep(log, ch[i].before);
			c->after = keep(log, ch[i].after);
			ch[i].before = ch[i].after = NULL;
			c->before_json = keep_json(log, ch[i].old_value);
			c->after_json = keep_json(log, ch[i].new_value);
			c->created = old_rec == NULL;
			c->removed = new_rec == NULL;
		}
		keep(log, all);
		e->changes = all;
		e->nchanges += (size_t)n;
	}
	free(name);
	jl_record_changes_free(ch, n);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	return v ? v : "";
}

static void fill_commit(jalon_log *log, jalon_log_entry *e, sqlite3_stmt *st, int first)
{
	e->commit = keep_str(log, col(st, first));
	e->time = sqlite3_column_int64(st, first + 1);
	e->author_name = keep_str(log, col(st, first + 2));
	e->author_email = keep_str(log, col(st, first + 3));
	e->message = keep_str(log, col(st, first + 4));
}

/* The id a reference names now, or the reference itself when it is the id of a record
 * that only the history still knows. JALON_ENOTFOUND, or the database's error. */
static int history_id(jalon_store *s, const char *ref, char *id, size_t idlen)
{
	int rc = jl_items_resolve(s, ref, -1, id, idlen);
	if (rc == 0 || rc == JALON_ERROR || rc == JALON_EBUSY)
		return rc;
	if (jl_record_id_kind(ref) >= 0) {
		sqlite3_stmt *st;
		int known = 0;
		if (jl_store_prepare(s, &st, "SELECT 1 FROM record_changes WHERE record = ?1 LIMIT 1") != 0)
			return JALON_ERROR;
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		known = rc == SQLITE_ROW;
		rc = known || rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "historique d'un élément");
		sqlite3_finalize(st);
		if (rc)
			return rc;
		if (known) {
			jl_store_clear_error(s);
			snprintf(id, idlen, "%s", ref);
			return 0;
		}
	}
	return JALON_ENOTFOUND;
}

static void add_record_change(jalon_store *s, jalon_log *log, jalon_log_entry *e, const char *id,
                              const char *old_blob, const char *new_blob)
{
	json_t *old_rec = jl_repo_blob_record(s, old_blob);
	json_t *new_rec = jl_repo_blob_record(s, new_blob);
	add_changes(log, e, id, old_rec, new_rec);
	json_decref(old_rec);
	json_decref(new_rec);
}

/* Above this many records, a commit's entry in the whole-store log lists no fields. */
#define LOG_DETAIL_MAX 50

/* The commits after since and up to until, newest first, at most limit (0: all). */
static int log_all(jalon_store *s, jalon_log *log, size_t limit, long long since,
                   long long until)
{
	sqlite3_stmt *st, *ch;
	if (jl_store_prepare(s, &st, "SELECT seq, oid, time, author_name, author_email, message,"
	                             " (SELECT count(*) FROM record_changes r WHERE r.seq = c.seq)"
	                             " FROM commits c WHERE time > ?2 AND time <= ?3"
	                             " ORDER BY seq DESC LIMIT ?1") != 0)
		return JALON_ERROR;
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	if (jl_store_prepare(s, &ch, "SELECT record, old_blob, new_blob FROM record_changes"
	                             " WHERE seq = ?1") != 0) {
		sqlite3_finalize(st);
		return JALON_ERROR;
	}
	sqlite3_bind_int64(st, 1, limit ? (sqlite3_int64)limit : -1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		jalon_log_entry *e = add_entry(log);
		if (!e)
			break;
		fill_commit(log, e, st, 1);
		if (sqlite3_column_int(st, 6) > LOG_DETAIL_MAX)
			continue;
		sqlite3_reset(ch);
		sqlite3_bind_int64(ch, 1, sqlite3_column_int64(st, 0));
		while ((rc = sqlite3_step(ch)) == SQLITE_ROW)
			add_record_change(s, log, e, col(ch, 0), (const char *)sqlite3_column_text(ch, 1),
			                  (const char *)sqlite3_column_text(ch, 2));
		if (rc != SQLITE_DONE)
			break;
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : jl_store_fail_db(s, "journal des modifications");
	sqlite3_finalize(ch);
	sqlite3_finalize(st);
	return rc;
}

static int log_record(jalon_store *s, jalon_log *log, const char *id, size_t limit)
{
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, "SELECT r.old_blob, r.new_blob, c.oid, c.time, c.author_name,"
	                             " c.author_email, c.message FROM record_changes r"
	                             " JOIN commits c ON c.seq = r.seq WHERE r.record = ?1"
	                             " ORDER BY r.seq DESC LIMIT ?2") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		jalon_log_entry *e = add_entry(log);
		if (!e)
			break;
		fill_commit(log, e, st, 2);
		add_record_change(s, log, e, id, (const char *)sqlite3_column_text(st, 0),
		                  (const char *)sqlite3_column_text(st, 1));
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : jl_store_fail_db(s, "journal d'un élément");
	sqlite3_finalize(st);
	return rc;
}

int jalon_history_log_between(jalon_log **out, jalon_store *s, long long since, long long until)
{
	jl_store_clear_error(s);
	*out = NULL;
	jalon_log *log = calloc(1, sizeof *log);
	if (!log)
		return JALON_ENOMEM;
	int rc = log_all(s, log, 0, since, until);
	if (rc) {
		jalon_log_free(log);
		return rc;
	}
	*out = log;
	return 0;
}

int jalon_history_log(jalon_log **out, jalon_store *s, const char *ref, size_t limit)
{
	char id[128];
	jl_store_clear_error(s);
	*out = NULL;
	int rc = ref ? history_id(s, ref, id, sizeof id) : 0;
	if (rc)
		return rc;
	jalon_log *log = calloc(1, sizeof *log);
	if (!log)
		return JALON_ENOMEM;
	rc = ref ? log_record(s, log, id, limit) : log_all(s, log, limit, LLONG_MIN, LLONG_MAX);
	if (rc) {
		jalon_log_free(log);
		return rc;
	}
	*out = log;
	return 0;
}

int jalon_history_diff(jalon_log **out, jalon_store *s, long long since, long long until)
{
	sqlite3_stmt *st;
	jl_store_clear_error(s);
	*out = NULL;
	if (until < since)
		return jl_store_fail(s, JALON_EINVALID, "la fin de la période précède son début");
	jalon_log *log = calloc(1, sizeof *log);
	if (!log)
		return JALON_ENOMEM;
	/* Per record: its version before the first change of the period, and after the last. */
	if (jl_store_prepare(s, &st,
	                     "WITH span AS (SELECT r.record, min(r.seq) AS first, max(r.seq) AS last"
	                     "  FROM record_changes r JOIN commits c ON c.seq = r.seq"
	                     "  WHERE c.time > ?1 AND c.time <= ?2 GROUP BY r.record)"
	                     " SELECT span.record, f.old_blob, l.new_blob, c.oid, c.time, c.author_name,"
	                     "  c.author_email, c.message FROM span"
	                     " JOIN record_changes f ON f.record = span.record AND f.seq = span.first"
	                     " JOIN record_changes l ON l.record = span.record AND l.seq = span.last"
	                     " JOIN commits c ON c.seq = span.last ORDER BY span.first, span.record") != 0) {
		jalon_log_free(log);
		return JALON_ERROR;
	}
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *old_rec = jl_repo_blob_record(s, (const char *)sqlite3_column_text(st, 1));
		json_t *new_rec = jl_repo_blob_record(s, (const char *)sqlite3_column_text(st, 2));
		if (old_rec || new_rec) {
			jalon_log_entry *e = add_entry(log);
			if (e) {
				fill_commit(log, e, st, 3);
				char *summary = jl_record_change_summary(old_rec, new_rec);
				e->message = keep(log, summary);
				add_changes(log, e, col(st, 0), old_rec, new_rec);
				if (e->nchanges == 0 && old_rec && new_rec)
					log->count--; /* changed and changed back: nothing to tell */
			}
		}
		json_decref(old_rec);
		json_decref(new_rec);
	}
	rc = rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "modifications d'une période");
	sqlite3_finalize(st);
	if (rc) {
		jalon_log_free(log);
		return rc;
	}
	*out = log;
	return 0;
}

int jalon_history_blame(jalon_log **out, jalon_store *s, const char *ref)
{
	char id[128];
	sqlite3_stmt *st;
	jl_store_clear_error(s);
	*out = NULL;
	int rc = history_id(s, ref, id, sizeof id);
	if (rc)
		return rc;
	jalon_log *log = calloc(1, sizeof *log);
	if (!log || jl_store_prepare(s, &st, "SELECT r.old_blob, r.new_blob, c.oid, c.time,"
	                                     " c.author_name, c.author_email, c.message"
	                                     " FROM record_changes r JOIN commits c ON c.seq = r.seq"
	                                     " WHERE r.record = ?1 ORDER BY r.seq DESC") != 0) {
		jalon_log_free(log);
		return log ? JALON_ERROR : JALON_ENOMEM;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	json_t *seen = json_object();
	json_t *current = NULL;
	/* Newest first: the first change met for a field is its last change. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *old_rec = jl_repo_blob_record(s, (const char *)sqlite3_column_text(st, 0));
		json_t *new_rec = jl_repo_blob_record(s, (const char *)sqlite3_column_text(st, 1));
		if (!current && new_rec)
			current = json_incref(new_rec);
		jalon_log_entry probe = {0};
		add_changes(log, &probe, id, old_rec, new_rec);
		for (size_t i = 0; i < probe.nchanges; i++) {
			if (json_object_get(seen, probe.changes[i].field))
				continue;
			json_object_set_new(seen, probe.changes[i].field, json_true());
			jalon_log_entry *e = add_entry(log);
			if (!e)
				break;
			fill_commit(log, e, st, 2);
			e->changes = &probe.changes[i];
			e->nchanges = 1;
		}
		json_decref(old_rec);
		json_decref(new_rec);
	}
	rc = rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "auteurs des champs d'un élément");
	sqlite3_finalize(st);
	json_decref(seen);
	json_decref(current);
	if (rc) {
		jalon_log_free(log);
		return rc;
	}
	*out = log;
	return 0;
}

int jalon_history_at(jalon_item **out, jalon_store *s, const char *ref, long long when)
{
	char id[128];
	sqlite3_stmt *st;
	jl_store_clear_error(s);
	*out = NULL;
	int rc = history_id(s, ref, id, sizeof id);
	if (rc)
		return rc;
	if (jl_store_prepare(s, &st, "SELECT r.new_blob FROM record_changes r JOIN commits c"
	                             " ON c.seq = r.seq WHERE r.record = ?1 AND c.time <= ?2"
	                             " ORDER BY r.seq DESC LIMIT 1") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, when);
	json_t *rec = NULL;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rec = jl_repo_blob_record(s, (const char *)sqlite3_column_text(st, 0));
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "état d'un élément à une date");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (!rec)
		return jl_store_fail(s, JALON_ENOTFOUND, "« %s » n'existait pas à cette date", ref);
	return jl_items_wrap(s, rec, NULL, out);
}

/* ---------------------------------------------------------------- tags and times */

int jalon_tag_create(jalon_store *s, const char *name, const char *message)
{
	git_oid head, tag;
	git_object *target = NULL;
	git_signature *tagger = NULL;
	char refname[512];
	int valid = 0;
	jl_store_clear_error(s);
	snprintf(refname, sizeof refname, "refs/tags/%s", name ? name : "");
	if (!name || !*name || git_reference_name_is_valid(&valid, refname) != 0 || !valid)
		return jl_store_fail(s, JALON_EINVALID, "étiquette « %s » invalide (lettres, chiffres, "
		                                        "-, _ et . sans espaces)", name ? name : "");
	if (!s->author_name)
		return jl_store_fail(s, JALON_EINVALID, "aucun auteur : indiquez qui pose l'étiquette");
	/* A tag is a write to the history like a change: under the writers' lock, so that it
	 * never lands while a change is half-written, and on the head SQLite recorded rather
	 * than a branch head a crashed writer left ahead. Nothing is written to SQLite. */
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return jl_store_fail_db(s, "pose de l'étiquette");
	int has_head;
	int rc = jl_repo_recorded_head(s, &head, &has_head);
	if (rc == 0 && !has_head)
		rc = jl_store_fail(s, JALON_ENOTFOUND, "l'historique est vide : rien à étiqueter");
	if (rc == 0 && (git_object_lookup(&target, s->repo, &head, GIT_OBJECT_COMMIT) != 0 ||
	                git_signature_now(&tagger, s->author_name, s->author_email) != 0))
		rc = jl_store_fail_git(s, "étiquette");
	char *text = rc == 0 ? jl_sprintf("%s\n", message && *message ? message : name) : NULL;
	if (rc == 0) {
		int g = git_tag_create(&tag, s->repo, name, target, tagger, text, 0);
		if (g == GIT_EEXISTS)
			rc = jl_store_fail(s, JALON_ECONFLICT, "l'étiquette « %s » existe déjà", name);
		else if (g != 0)
			rc = jl_store_fail_git(s, "étiquette");
	}
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	free(text);
	git_signature_free(tagger);
	git_object_free(target);
	return rc;
}

static int tag_time(jalon_store *s, const char *name, long long *out)
{
	char spec[512];
	git_object *obj = NULL;
	snprintf(spec, sizeof spec, "refs/tags/%s^{commit}", name);
	if (git_revparse_single(&obj, s->repo, spec) != 0)
		return -1;
	*out = (long long)git_commit_time((git_commit *)obj);
	git_object_free(obj);
	return 0;
}

/* n digits at s, their value in *v: 1, or 0. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* Whether text is laid out as "YYYY-MM-DD…" (valid or not): what a person meant as a
   date. */
static int looks_like_day(const char *text)
{
	int v;
	return strlen(text) >= 10 && digits(text, 4, &v) && text[4] == '-' && digits(text + 5, 2, &v) &&
	       text[7] == '-' && digits(text + 8, 2, &v);
}

/* "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DD HH:MM:SS" — the whole text, nothing
   after: 1 with the parts set (*clock 0 for a bare day), or 0. */
static int read_moment(const char *text, jl_date *day, int *h, int *mi, int *sec, int *clock)
{
	char iso[11];
	size_t n = strlen(text);
	*h = *mi = *sec = *clock = 0;
	if (!looks_like_day(text))
		return 0;
	memcpy(iso, text, 10);
	iso[10] = '\0';
	if (jl_date_parse_iso(iso, day) != 0)
		return 0;
	if (n == 10)
		return 1;
	const char *t = text + 11;
	*clock = 1;
	return (text[10] == 'T' || text[10] == ' ') && (n == 16 || n == 19) && digits(t, 2, h) &&
	       t[2] == ':' && digits(t + 3, 2, mi) && (n == 16 || (t[5] == ':' && digits(t + 6, 2, sec))) &&
	       *h < 24 && *mi < 60 && *sec < 61;
}

int jalon_time_parse(jalon_store *s, const char *text, int end_of_day, long long *out)
{
	jl_store_clear_error(s);
	if (!text || !*text)
		return jl_store_fail(s, JALON_EINVALID, "date vide");
	if (text[0] == '@') {
		char *end;
		long long v = strtoll(text + 1, &end, 10);
		if (*end || end == text + 1)
			return jl_store_fail(s, JALON_EINVALID, "date « %s » illisible", text);
		*out = v;
		return 0;
	}
	jl_date day;
	int h, mi, sec, clock;
	if (read_moment(text, &day, &h, &mi, &sec, &clock)) {
		if (!clock && end_of_day)
			h = 23, mi = 59, sec = 59;
		*out = (long long)jl_date_to_days(day) * 86400 + h * 3600 + mi * 60 + sec;
		return 0;
	}
	/* A tag, even one whose name starts with a date ("2021-06-30-mi-parcours"). */
	if (tag_time(s, text, out) == 0)
		return 0;
	if (looks_like_day(text))
		return jl_store_fail(s, JALON_EINVALID, "date « %s » invalide : AAAA-MM-JJ (un jour qui "
		                     "existe), AAAA-MM-JJTHH:MM, ou une étiquette", text);
	return jl_store_fail(s, JALON_EINVALID, "date « %s » illisible : AAAA-MM-JJ, "
	                     "AAAA-MM-JJTHH:MM ou une étiquette attendue", text);
}

/* ---------------------------------------------------------------- the plan at a time */

int jl_history_project_at(jalon_store *s, long long when, json_t **plan)
{
	*plan = NULL;
	if (jl_store_exec(s, "DROP TABLE IF EXISTS temp.past_items;"
	                     " DROP TABLE IF EXISTS temp.past_item_parents;"
	                     " DROP TABLE IF EXISTS temp.past_item_people;"
	                     " CREATE TEMP TABLE past_items AS SELECT * FROM main.items;"
	                     " CREATE TEMP TABLE past_item_parents AS SELECT * FROM main.item_parents;"
	                     " CREATE TEMP TABLE past_item_people AS SELECT * FROM main.item_people;"
	                     " CREATE INDEX temp.past_items_id ON past_items(id);"
	                     " CREATE INDEX temp.past_item_parents_item ON past_item_parents(item);"
	                     " CREATE INDEX temp.past_item_people_item ON past_item_people(item);") != 0)
		return JALON_ERROR;
	/* The records changed after when, each with its last version then (NULL: it did not
	   exist yet). */
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st,
	                     "WITH later AS (SELECT DISTINCT r.record FROM record_changes r"
	                     "  JOIN commits c ON c.seq = r.seq WHERE c.time > ?1)"
	                     " SELECT later.record, (SELECT r.new_blob FROM record_changes r"
	                     "  JOIN commits c ON c.seq = r.seq WHERE r.record = later.record"
	                     "  AND c.time <= ?1 ORDER BY r.seq DESC LIMIT 1) FROM later") != 0)
		return JALON_ERROR;
	sqlite3_bind_int64(st, 1, when);
	static const char *const CLEAR[] = {"DELETE FROM temp.past_items WHERE id = ?1",
	                                    "DELETE FROM temp.past_item_parents WHERE item = ?1",
	                                    "DELETE FROM temp.past_item_people WHERE item = ?1"};
	int rc = 0, step = SQLITE_DONE, plan_changed = 0;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *blob = (const char *)sqlite3_column_text(st, 1);
		json_t *then = blob ? jl_repo_blob_record(s, blob) : NULL;
		if (blob && !then)
			rc = jl_store_fail(s, JALON_ECORRUPT, "%s : version illisible dans l'historique", id);
		for (size_t i = 0; rc == 0 && i < sizeof CLEAR / sizeof *CLEAR; i++) {
			sqlite3_stmt *del;
			if ((rc = jl_store_prepare(s, &del, CLEAR[i])) != 0)
				break;
			sqlite3_bind_text(del, 1, id, -1, SQLITE_STATIC);
			if (sqlite3_step(del) != SQLITE_DONE)
				rc = jl_store_fail_db(s, "état du plan à une date");
			sqlite3_finalize(del);
		}
		if (rc == 0 && !strcmp(id, "plan")) {
			plan_changed = 1;
			*plan = json_incref(then);
		} else if (rc == 0 && then && jl_record_kind(then) >= JALON_KIND_OS) {
			rc = jl_store_project_item(s, "temp.past_", then);
		}
		json_decref(then);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = jl_store_fail_db(s, "état du plan à une date");
	sqlite3_finalize(st);
	if (rc == 0 && !plan_changed)
		rc = jl_store_record_get(s, "plan", plan);
	if (rc) {
		json_decref(*plan);
		*plan = NULL;
	}
	return rc;
}
