/* SPDX-License-Identifier: MIT */
/*
 * Items as they are read (include/jalon/item.h; its changes are in change/edit.c):
 * references resolved to records, the item object and its fields.
 */
#include "store/item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jalon/item.h"
#include "model/record.h"
#include "model/util.h"

struct jalon_item {
	json_t *rec;
	char *json;
	char *name;
	const char **keys; /* the record's fields, in canonical order */
	size_t nkeys;
	json_t *names;     /* id → display name of the records it refers to */
};

/* ---------------------------------------------------------------- references */

/* Folds a label or name into the key references are matched on: no case, accents,
 * spaces, dots or parentheses ("O.O. 3.2" → "oo32", "Action (7)" → "action7"). */
char *jl_ref_key(const char *s)
{
	char *f = jl_fold(s ? s : "");
	char *w = f;
	for (char *r = f; r && *r; r++)
		if (!strchr(" .()", *r))
			*w++ = *r;
	if (w)
		*w = '\0';
	return f;
}

static int collect_matches(jalon_store *s, const char *sql, const char *key, int kind,
                           json_t *found)
{
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, sql) != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (kind < 0 || jl_record_id_kind(id) == kind)
			json_object_set_new(found, id, json_true());
	}
	rc = rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "recherche d'un élément");
	sqlite3_finalize(st);
	return rc;
}

int jl_items_resolve(jalon_store *s, const char *ref, int kind, char *id, size_t idlen)
{
	if (!ref || !*ref)
		return jl_store_fail(s, JALON_EINVALID, "référence vide");
	json_t *exact;
	int rc = jl_store_record_get(s, ref, &exact);
	if (rc || (exact && (kind < 0 || jl_record_kind(exact) == kind))) {
		json_decref(exact);
		if (rc == 0)
			snprintf(id, idlen, "%s", ref);
		return rc;
	}
	json_decref(exact);
	char *key = jl_ref_key(ref);
	char *folded = jl_fold(ref);
	json_t *found = json_object();
	/* A display name ("Action (7)") or label ("OO 7", "O.O.3.2") of an item; a person's
	 * name. The display name wins over a bare label. */
	rc = collect_matches(s, "SELECT id FROM items WHERE name_key = ?1", key, kind, found);
	if (rc == 0 && json_object_size(found) == 0)
		rc = collect_matches(s, "SELECT id FROM items WHERE label_key = ?1 AND label_key <> ''",
		                     key, kind, found);
	if (rc == 0 && json_object_size(found) == 0)
		rc = collect_matches(s, "SELECT id FROM people WHERE name_key = ?1", folded, kind, found);
	free(key);
	free(folded);
	size_t n = json_object_size(found);
	if (rc == 0 && n == 1) {
		snprintf(id, idlen, "%s", json_object_iter_key(json_object_iter(found)));
	} else if (rc == 0 && n == 0) {
		rc = jl_store_fail(s, JALON_ENOTFOUND, "« %s » : aucun élément de ce nom ou de cet "
		                                       "identifiant%s%s", ref, kind >= 0 ? " de type " : "",
		                   kind >= 0 ? jalon_kind_name(kind) : "");
	} else if (rc == 0) {
		jl_buf b = JL_BUF_INIT;
		const char *k;
		json_t *v;
		json_object_foreach(found, k, v)
			jl_buf_printf(&b, "%s%s", b.len ? ", " : "", k);
		rc = jl_store_fail(s, JALON_EAMBIGUOUS, "« %s » désigne plusieurs éléments (%s) ; "
		                                        "utilisez l'identifiant", ref, b.ptr);
		jl_buf_free(&b);
	}
	json_decref(found);
	return rc;
}

/* ---------------------------------------------------------------- items */

/* Display names of the parents and people a record refers to, for reading its fields.
 * cache (may be NULL) keeps the names found across the items of one query. */
static int referenced_names(jalon_store *s, const json_t *rec, json_t *cache, json_t *names)
{
	static const char *const LINKS[2][2] = {{"parents", "id"}, {"people", "person"}};
	size_t i;
	json_t *e;
	for (int l = 0; s && l < 2; l++) {
		json_array_foreach(json_object_get(rec, LINKS[l][0]), i, e) {
			const char *id = json_string_value(json_object_get(e, LINKS[l][1]));
			json_t *known = id ? json_object_get(cache, id) : NULL;
			if (known) {
				json_object_set(names, id, known);
				continue;
			}
			json_t *other = NULL;
			int rc = id ? jl_store_record_get(s, id, &other) : 0;
			if (rc)
				return rc;
			if (other) {
				int person = jl_record_kind(other) == JALON_KIND_PERSON;
				char *name = person ? jl_strdup(json_string_value(json_object_get(other, "name")))
				                    : jl_record_display_name(other);
				json_object_set_new(names, id, json_string(name ? name : id));
				if (cache)
					json_object_set(cache, id, json_object_get(names, id));
				free(name);
			}
			json_decref(other);
		}
	}
	return 0;
}

int jl_items_wrap(jalon_store *s, json_t *rec, json_t *cache, struct jalon_item **out)
{
	jalon_item *item = calloc(1, sizeof *item);
	*out = NULL;
	if (!item) {
		json_decref(rec);
		return JALON_ENOMEM;
	}
	item->rec = rec;
	item->json = jl_record_text(rec);
	item->name = jl_record_display_name(rec);
	item->names = json_object();
	int rc = referenced_names(s, rec, cache, item->names);
	if (rc) {
		jalon_item_free(item);
		return rc;
	}
	item->keys = calloc(json_object_size(rec) + 1, sizeof *item->keys);
	const char *key;
	json_t *v;
	json_object_foreach(rec, key, v)
		if (item->keys)
			item->keys[item->nkeys++] = key;
	*out = item;
	return 0;
}

int jalon_item_lookup(jalon_item **out, jalon_store *s, const char *ref)
{
	char id[128];
	*out = NULL;
	jl_store_clear_error(s);
	json_t *rec = NULL;
	int rc = jl_items_resolve(s, ref, -1, id, sizeof id);
	if (rc == 0)
		rc = jl_store_record_get(s, id, &rec);
	if (rc)
		return rc;
	if (!rec && !strcmp(id, "plan"))
		rec = jl_record_new(JALON_KIND_PLAN, "plan");
	if (!rec)
		return jl_store_fail(s, JALON_ENOTFOUND, "« %s » introuvable", ref);
	return jl_items_wrap(s, rec, NULL, out);
}

void jalon_item_free(jalon_item *item)
{
	if (!item)
		return;
	json_decref(item->rec);
	json_decref(item->names);
	free(item->json);
	free(item->name);
	free(item->keys);
	free(item);
}

static const char *get_str(const jalon_item *item, const char *key)
{
	return json_string_value(json_object_get(item->rec, key));
}

const char *jalon_item_id(const jalon_item *item) { return get_str(item, "id"); }
jalon_kind jalon_item_kind(const jalon_item *item) { return (jalon_kind)jl_record_kind(item->rec); }
const char *jalon_item_label(const jalon_item *item) { return get_str(item, "label"); }
const char *jalon_item_status(const jalon_item *item) { return get_str(item, "status"); }
const char *jalon_item_name(const jalon_item *item) { return item->name; }
const char *jalon_item_json(const jalon_item *item) { return item->json; }

const char *jalon_item_title(const jalon_item *item)
{
	const char *t = get_str(item, "title");
	return t ? t : get_str(item, "name");
}

const char *jalon_item_parent(const jalon_item *item)
{
	json_t *first = json_array_get(json_object_get(item->rec, "parents"), 0);
	return json_string_value(json_object_get(first, "id"));
}

size_t jalon_item_field_count(const jalon_item *item)
{
	return item->nkeys;
}

const char *jalon_item_field_key(const jalon_item *item, size_t i)
{
	return i < item->nkeys ? item->keys[i] : NULL;
}

const char *jalon_field_label(const char *key)
{
	return jl_record_field_label(key);
}

int jalon_item_field_is_set(const jalon_item *item, const char *key)
{
	return !jl_record_field_is_default(item->rec, key);
}

int jalon_item_field(char **out, const jalon_item *item, const char *field)
{
	*out = NULL;
	const char *name = field;
	json_t *v = json_object_get(item->rec, field);
	if (!v) {
		/* A French name: find the field whose label it is. */
		const char *key;
		json_t *val;
		char *want = jl_fold(field);
		json_object_foreach(item->rec, key, val) {
			char *label = jl_fold(jl_record_field_label(key));
			if (label && want && !strcmp(label, want)) {
				v = val;
				name = key;
			}
			free(label);
		}
		free(want);
	}
	if (!v)
		return JALON_ENOTFOUND;
	*out = jl_record_field_text(name, v, item->names);
	return *out ? 0 : JALON_ENOMEM;
}
