/* SPDX-License-Identifier: MIT */
/*
 * The changes a person makes to items (include/jalon/item.h): add, set, remove,
 * restore, each one transaction of the change pipeline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change/pipeline.h"
#include "jalon/item.h"
#include "model/record.h"
#include "model/util.h"
#include "store/item.h"
#include "store/repo.h"

/* Applies "key=value" assignments to a record inside a transaction. */
static int assign(jl_txn *t, jalon_store *s, json_t *rec, const char *const *assignments,
                  size_t n)
{
	record_context ctx;
	json_t *plan;
	int rc = jl_pipeline_get(t, "plan", &plan);
	jl_pipeline_context(t, &ctx);
	ctx.plan = plan;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *eq = strchr(assignments[i], '=');
		char err[1024];
		if (!eq) {
			rc = jl_store_fail(s, JALON_EINVALID, "« %s » : clé=valeur attendu", assignments[i]);
			break;
		}
		char *key = jl_strndup(assignments[i], (size_t)(eq - assignments[i]));
		if (jl_record_set(rec, jl_trim(key), eq + 1, &ctx, err, sizeof err) != 0) {
			char *name = jl_record_display_name(rec);
			rc = jl_store_fail(s, JALON_EINVALID, "%s : %s", name, err);
			free(name);
		}
		free(key);
	}
	json_decref(plan);
	return rc;
}

/* Sets the record's position after the last sibling under that parent. */
static int set_next_position(jalon_store *s, json_t *rec, const char *parent, int kind)
{
	sqlite3_stmt *st;
	const char *sql = parent ? "SELECT max(position) FROM items JOIN item_parents"
	                           " ON item_parents.item = items.id WHERE item_parents.parent = ?1"
	                         : "SELECT max(position) FROM items WHERE kind = ?2";
	if (jl_store_prepare(s, &st, sql) != 0)
		return JALON_ERROR;
	if (parent)
		sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
	else
		sqlite3_bind_text(st, 2, jalon_kind_name(kind), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		json_object_set_new(rec, "position", json_integer(sqlite3_column_int64(st, 0) + 1));
	rc = rc == SQLITE_ROW ? 0 : jl_store_fail_db(s, "position d'un élément");
	sqlite3_finalize(st);
	return rc;
}

int jalon_item_add(char **id_out, jalon_store *s, jalon_kind kind, const char *parent,
                   const char *title, const char *const *assignments, size_t n)
{
	char id[128], parent_id[128];
	jl_txn *t;
	if (id_out)
		*id_out = NULL;
	jl_store_clear_error(s);
	if (kind < JALON_KIND_PERSON || kind >= JALON_KIND_COUNT_)
		return jl_store_fail(s, JALON_EINVALID, "type d'élément invalide");
	if (jl_record_parent_kind((int)kind) >= 0 && !parent)
		return jl_store_fail(s, JALON_EINVALID, "le parent manque : %s",
		                     kind == JALON_KIND_OO       ? "un OO se place sous un OS"
		                     : kind == JALON_KIND_ACTION ? "une action se place sous un OO"
		                                                 : "une tâche se place sous une action");
	if (jl_record_parent_kind((int)kind) < 0 && parent)
		return jl_store_fail(s, JALON_EINVALID, "un %s n'a pas de parent",
		                     kind == JALON_KIND_OS ? "OS" : "personne");
	int rc = parent ? jl_items_resolve(s, parent, jl_record_parent_kind((int)kind), parent_id,
	                                   sizeof parent_id)
	                : 0;
	if (rc == 0)
		rc = jl_pipeline_begin(s, &t);
	if (rc)
		return rc;
	rc = jl_pipeline_new_id(t, kind, id, sizeof id);
	json_t *rec = rc == 0 ? jl_record_new(kind, id) : NULL;
	if (rec) {
		json_object_set_new(rec, kind == JALON_KIND_PERSON ? "name" : "title",
		                    json_string(title ? title : ""));
		if (parent) {
			json_object_set_new(rec, "parents",
			                    json_pack("[{s:s, s:i}]", "id", parent_id, "share", 100));
			rc = set_next_position(s, rec, parent_id, (int)kind);
		} else if (kind == JALON_KIND_OS) {
			rc = set_next_position(s, rec, NULL, (int)kind);
		}
		if (rc == 0)
			rc = assign(t, s, rec, assignments, n);
	} else if (rc == 0) {
		rc = JALON_ENOMEM;
	}
	if (rc == 0)
		rc = jl_pipeline_put(t, rec);
	json_decref(rec);
	if (rc == 0)
		return (rc = jl_pipeline_finish(t, NULL)) == 0 && id_out ? (*id_out = jl_strdup(id), 0) : rc;
	jl_pipeline_abort(t);
	return rc;
}

int jalon_item_set(jalon_store *s, const char *ref, const char *const *assignments, size_t n)
{
	char id[128];
	jl_txn *t;
	jl_store_clear_error(s);
	int rc = jl_items_resolve(s, ref, -1, id, sizeof id);
	if (rc == 0)
		rc = jl_pipeline_begin(s, &t);
	if (rc)
		return rc;
	json_t *rec;
	rc = jl_pipeline_get(t, id, &rec);
	if (rc == 0 && !rec && !strcmp(id, "plan"))
		rec = jl_record_new(JALON_KIND_PLAN, "plan");
	if (rc == 0)
		rc = rec ? assign(t, s, rec, assignments, n) : jl_store_fail(s, JALON_ENOTFOUND, "%s", ref);
	if (rc == 0)
		rc = jl_pipeline_put(t, rec);
	json_decref(rec);
	if (rc == 0)
		return jl_pipeline_finish(t, NULL);
	jl_pipeline_abort(t);
	return rc;
}

/* Stages the deletion of id and of every descendant whose only parent goes too. */
static int remove_tree(jl_txn *t, jalon_store *s, const char *id)
{
	sqlite3_stmt *st;
	json_t *children = json_array();
	if (jl_store_prepare(s, &st, "SELECT item FROM item_parents WHERE parent = ?1") != 0) {
		json_decref(children);
		return JALON_ERROR;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(children, json_string((const char *)sqlite3_column_text(st, 0)));
	rc = rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "suppression d'un élément");
	sqlite3_finalize(st);
	if (rc == 0)
		rc = jl_pipeline_delete(t, id);
	size_t i;
	json_t *c;
	json_array_foreach(children, i, c) {
		if (rc)
			break;
		const char *cid = json_string_value(c);
		json_t *child;
		if ((rc = jl_pipeline_get(t, cid, &child)) != 0)
			break;
		json_t *parents = json_object_get(child, "parents");
		if (json_array_size(parents) > 1) {
			/* A transversal action stays under its other OO, which take the share. */
			json_t *kept = json_array();
			size_t j;
			json_t *p;
			json_array_foreach(parents, j, p)
				if (strcmp(json_string_value(json_object_get(p, "id")), id))
					json_array_append(kept, p);
			json_t *first = json_array_get(kept, 0);
			json_int_t rest = 100;
			json_array_foreach(kept, j, p)
				if (j > 0)
					rest -= json_integer_value(json_object_get(p, "share"));
			json_object_set_new(first, "share", json_integer(rest));
			json_object_set_new(child, "parents", kept);
			rc = jl_pipeline_put(t, child);
		} else {
			rc = remove_tree(t, s, cid);
		}
		json_decref(child);
	}
	json_decref(children);
	return rc;
}

int jalon_item_remove(jalon_store *s, const char *ref)
{
	char id[128];
	jl_txn *t;
	jl_store_clear_error(s);
	int rc = jl_items_resolve(s, ref, -1, id, sizeof id);
	if (rc == 0 && !strcmp(id, "plan"))
		rc = jl_store_fail(s, JALON_EINVALID, "le plan ne se supprime pas");
	if (rc == 0)
		rc = jl_pipeline_begin(s, &t);
	if (rc)
		return rc;
	json_t *rec;
	rc = jl_pipeline_get(t, id, &rec);
	char *name = rec ? jl_record_display_name(rec) : NULL;
	if (rc == 0)
		rc = remove_tree(t, s, id);
	char *message = name ? jl_sprintf("%s : suppression", name) : NULL;
	if (rc == 0)
		rc = jl_pipeline_finish(t, message);
	else
		jl_pipeline_abort(t);
	free(message);
	free(name);
	json_decref(rec);
	return rc;
}

int jalon_item_restore(jalon_store *s, const char *id)
{
	sqlite3_stmt *st;
	jl_txn *t;
	jl_store_clear_error(s);
	json_t *now;
	int rc = jl_store_record_get(s, id, &now);
	if (rc)
		return rc;
	if (now) {
		char *name = jl_record_display_name(now);
		json_decref(now);
		rc = jl_store_fail(s, JALON_ECONFLICT, "%s n'est pas supprimé", name);
		free(name);
		return rc;
	}
	/* The records removed by the commit that removed id: id and its descendants. */
	if (jl_store_prepare(s, &st, "SELECT record, old_blob FROM record_changes WHERE new_blob IS NULL"
	                             " AND seq = (SELECT max(seq) FROM record_changes WHERE record = ?1"
	                             " AND new_blob IS NULL)") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	json_t *removed = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *rec = jl_repo_blob_record(s, (const char *)sqlite3_column_text(st, 1));
		if (rec)
			json_array_append_new(removed, rec);
	}
	rc = rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "restauration d'un élément");
	sqlite3_finalize(st);
	if (rc == 0)
		rc = json_array_size(removed) ? jl_pipeline_begin(s, &t)
		                              : jl_store_fail(s, JALON_ENOTFOUND, "« %s » : aucun élément "
		                                                                  "supprimé de cet identifiant", id);
	if (rc) {
		json_decref(removed);
		return rc;
	}
	size_t i;
	json_t *rec;
	char *name = NULL;
	json_array_foreach(removed, i, rec) {
		if (!strcmp(jl_record_id(rec), id))
			name = jl_record_display_name(rec);
		if ((rc = jl_pipeline_put(t, rec)) != 0)
			break;
	}
	char *message = jl_sprintf("%s : restauration", name ? name : id);
	if (rc == 0)
		rc = jl_pipeline_finish(t, message);
	else
		jl_pipeline_abort(t);
	free(message);
	free(name);
	json_decref(removed);
	return rc;
}
