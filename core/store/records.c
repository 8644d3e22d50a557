/* SPDX-License-Identifier: MIT */
/*
 * The current records (store/store.h): read whole or one by one, and applied to SQLite
 * — the records table and the query tables derived from them (items, item_parents,
 * item_people, people) — by the one function every change, replay and rebuild goes
 * through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/record.h"
#include "model/util.h"
#include "store/item.h"
#include "store/store.h"

json_t *jl_store_records(jalon_store *s)
{
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, "SELECT records.id, records.body FROM records"
	                             " LEFT JOIN items ON items.id = records.id"
	                             " ORDER BY records.kind, items.position,"
	                             " CAST(substr(records.id, instr(records.id, '-') + 1) AS INTEGER)")
	    != 0)
		return NULL;
	json_t *all = json_object();
	int rc;
	while (all && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_error_t e;
		json_t *rec = json_loadb((const char *)sqlite3_column_text(st, 1),
		                         (size_t)sqlite3_column_bytes(st, 1), 0, &e);
		if (rec)
			json_object_set_new(all, (const char *)sqlite3_column_text(st, 0), rec);
	}
	sqlite3_finalize(st);
	if (!all || rc != SQLITE_DONE) {
		json_decref(all);
		jl_store_fail_db(s, "lecture du plan");
		return NULL;
	}
	return all;
}

int jl_store_record_get(jalon_store *s, const char *id, json_t **rec)
{
	sqlite3_stmt *st;
	*rec = NULL;
	if (jl_store_prepare(s, &st, "SELECT body FROM records WHERE id = ?1") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		json_error_t e;
		*rec = json_loadb((const char *)sqlite3_column_text(st, 0),
		                  (size_t)sqlite3_column_bytes(st, 0), 0, &e);
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "lecture d'un enregistrement");
	sqlite3_finalize(st);
	return rc;
}

static int exec_bound(jalon_store *s, const char *sql, const char *a)
{
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, sql) != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "mise à jour");
}

static const char *str(const json_t *rec, const char *key)
{
	const char *v = json_string_value(json_object_get(rec, key));
	return v ? v : "";
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Prepares sql, whose %s are the query tables' prefix. */
static int prepare_in(jalon_store *s, sqlite3_stmt **st, const char *prefix, const char *sql)
{
	char text[1024];
	snprintf(text, sizeof text, sql, prefix, prefix, prefix);
	return jl_store_prepare(s, st, text);
}

int jl_store_project_item(jalon_store *s, const char *prefix, const json_t *rec)
{
	sqlite3_stmt *st;
	if (prepare_in(s, &st, prefix,
	               "INSERT INTO %sitems(id, kind, label, label_key, name_key, title, title_key,"
	               " parent, position, volet, status, draft, priority, who_key, due_start,"
	               " due_end, rule, flagged, progress, weight, planned_start, planned_end,"
	               " health, synergy, budget_cents, spent_cents, indicators) VALUES (?1, ?2,"
	               " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
	               " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)") != 0)
		return JALON_ERROR;
	json_t *deadline = json_object_get(rec, "deadline");
	json_t *recur = json_object_get(rec, "recurrence");
	char *name = jl_record_display_name(rec);
	char *label_key = jl_ref_key(str(rec, "label"));
	char *name_key = jl_ref_key(name);
	char *title_key = jl_fold(str(rec, "title"));
	char *who_key = jl_fold(str(rec, "who"));
	int flagged = json_object_get(deadline, "error") || json_object_get(recur, "error") ||
	              json_is_true(json_object_get(recur, "to_confirm"));
	sqlite3_bind_text(st, 1, str(rec, "id"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, str(rec, "kind"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, str(rec, "label"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, label_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, name_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, str(rec, "title"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, title_key, -1, SQLITE_STATIC);
	bind_text_or_null(st, 8, json_string_value(
		json_object_get(json_array_get(json_object_get(rec, "parents"), 0), "id")));
	sqlite3_bind_int64(st, 9, json_integer_value(json_object_get(rec, "position")));
	bind_text_or_null(st, 10, json_string_value(json_object_get(rec, "volet")));
	sqlite3_bind_text(st, 11, str(rec, "status"), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 12, json_is_true(json_object_get(rec, "draft")));
	sqlite3_bind_int(st, 13, json_is_true(json_object_get(rec, "priority")));
	sqlite3_bind_text(st, 14, who_key, -1, SQLITE_STATIC);
	bind_text_or_null(st, 15, json_string_value(json_object_get(deadline, "start")));
	bind_text_or_null(st, 16, json_string_value(json_object_get(deadline, "end")));
	bind_text_or_null(st, 17, json_string_value(json_object_get(recur, "rule")));
	sqlite3_bind_int(st, 18, flagged);
	json_t *progress = json_object_get(rec, "progress");
	if (json_is_integer(progress))
		sqlite3_bind_int64(st, 19, json_integer_value(progress));
	else
		sqlite3_bind_null(st, 19);
	sqlite3_bind_int64(st, 20, json_integer_value(json_object_get(rec, "weight")));
	bind_text_or_null(st, 21, json_string_value(json_object_get(rec, "planned_start")));
	bind_text_or_null(st, 22, json_string_value(json_object_get(rec, "planned_end")));
	sqlite3_bind_text(st, 23, str(rec, "health"), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 24, json_is_true(json_object_get(rec, "synergy")));
	json_int_t budget = 0, spent = 0;
	int any_spent = 0;
	size_t n;
	json_t *line;
	json_array_foreach(json_object_get(rec, "budget"), n, line) {
		budget += json_integer_value(json_object_get(line, "amount_cents"));
		json_t *v = json_object_get(line, "spent_cents");
		any_spent |= json_is_integer(v);
		spent += json_integer_value(v);
	}
	sqlite3_bind_int64(st, 25, budget);
	if (any_spent)
		sqlite3_bind_int64(st, 26, spent);
	else
		sqlite3_bind_null(st, 26);
	sqlite3_bind_int64(st, 27, (sqlite3_int64)json_array_size(json_object_get(rec, "indicators")));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(name);
	free(label_key);
	free(name_key);
	free(title_key);
	free(who_key);
	if (rc != SQLITE_DONE)
		return jl_store_fail_db(s, "projection d'un élément");

	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(rec, "parents"), i, e) {
		if (prepare_in(s, &st, prefix, "INSERT OR REPLACE INTO %sitem_parents(item, parent, share)"
		                               " VALUES (?1, ?2, ?3)") != 0)
			return JALON_ERROR;
		sqlite3_bind_text(st, 1, str(rec, "id"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, str(e, "id"), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, json_integer_value(json_object_get(e, "share")));
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return jl_store_fail_db(s, "projection des parents");
	}
	json_array_foreach(json_object_get(rec, "people"), i, e) {
		if (prepare_in(s, &st, prefix, "INSERT INTO %sitem_people(item, person, role)"
		                               " VALUES (?1, ?2, ?3)") != 0)
			return JALON_ERROR;
		sqlite3_bind_text(st, 1, str(rec, "id"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, str(e, "person"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, str(e, "role"), -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return jl_store_fail_db(s, "projection des personnes");
	}
	return 0;
}

static int project_person(jalon_store *s, const json_t *rec)
{
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, "INSERT INTO people(id, name, name_key, email)"
	                             " VALUES (?1, ?2, ?3, ?4)") != 0)
		return JALON_ERROR;
	char *key = jl_fold(str(rec, "name"));
	sqlite3_bind_text(st, 1, str(rec, "id"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, str(rec, "name"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, str(rec, "email"), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(key);
	return rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "projection d'une personne");
}

int jl_store_apply(jalon_store *s, const char *id, const json_t *rec, const char *text)
{
	static const char *const CLEAR[] = {
		"DELETE FROM records WHERE id = ?1", "DELETE FROM items WHERE id = ?1",
		"DELETE FROM item_parents WHERE item = ?1", "DELETE FROM item_people WHERE item = ?1",
		"DELETE FROM people WHERE id = ?1"};
	for (size_t i = 0; i < sizeof CLEAR / sizeof CLEAR[0]; i++)
		if (exec_bound(s, CLEAR[i], id) != 0)
			return JALON_ERROR;
	if (!rec)
		return 0;
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, "INSERT INTO records(id, kind, body) VALUES (?1, ?2, ?3)") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, str(rec, "kind"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return jl_store_fail_db(s, "écriture d'un enregistrement");
	int kind = jl_record_kind(rec);
	if (kind == JALON_KIND_PERSON)
		return project_person(s, rec);
	if (kind >= JALON_KIND_OS)
		return jl_store_project_item(s, "", rec);
	return 0;
}

int jl_store_clear_records(jalon_store *s)
{
	return jl_store_exec(s, "DELETE FROM records; DELETE FROM items; DELETE FROM item_parents;"
	                     " DELETE FROM item_people; DELETE FROM people;");
}
