/* SPDX-License-Identifier: MIT */
/*
 * Queries: the items matching the CLI's filters, in plan order. Filters on an item's
 * own fields run in SQL; filters on its place in the tree (under an OS or OO, in a
 * volet, inside a draft) walk the parent links loaded once per query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/item.h"
#include "jalon/item.h"
#include "jalon/query.h"
#include "model/record.h"
#include "store/store.h"
#include "model/util.h"

struct jalon_item_list {
	struct jalon_item **items;
	size_t count;
};

/* The tree: id → {"kind", "parents": [ids], "position", "volet", "draft"}. */
static int load_tree(jalon_store *s, json_t *tree)
{
	sqlite3_stmt *st;
	int rc;
	if (jl_store_prepare(s, &st, "SELECT id, kind, position, volet, draft FROM items") != 0)
		return JALON_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_object_set_new(tree, (const char *)sqlite3_column_text(st, 0),
		                    json_pack("{s:s, s:[], s:I, s:s?, s:b}", "kind",
		                              (const char *)sqlite3_column_text(st, 1), "parents",
		                              "position", (json_int_t)sqlite3_column_int64(st, 2),
		                              "volet", (const char *)sqlite3_column_text(st, 3),
		                              "draft", sqlite3_column_int(st, 4)));
	rc = rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "lecture du plan");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (jl_store_prepare(s, &st, "SELECT item, parent FROM item_parents ORDER BY rowid") != 0)
		return JALON_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *node = json_object_get(tree, (const char *)sqlite3_column_text(st, 0));
		json_array_append_new(json_object_get(node, "parents"),
		                      json_string((const char *)sqlite3_column_text(st, 1)));
	}
	rc = rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "lecture du plan");
	sqlite3_finalize(st);
	return rc;
}

/* 1 when id is, or descends from, ancestor. Depth is bounded by the four levels. */
static int under(json_t *tree, const char *id, const char *ancestor, int depth)
{
	if (!strcmp(id, ancestor))
		return 1;
	if (depth > 4)
		return 0;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(tree, id), "parents"), i, p)
		if (under(tree, json_string_value(p), ancestor, depth + 1))
			return 1;
	return 0;
}

/* The OS at the top of id's first-parent chain. */
static const char *top_os(json_t *tree, const char *id)
{
	for (int depth = 0; id && depth < 5; depth++) {
		json_t *node = json_object_get(tree, id);
		if (!node)
			return NULL;
		if (!strcmp(json_string_value(json_object_get(node, "kind")), "os"))
			return id;
		id = json_string_value(json_array_get(json_object_get(node, "parents"), 0));
	}
	return NULL;
}

static int in_draft(json_t *tree, const char *id)
{
	for (int depth = 0; id && depth < 5; depth++) {
		json_t *node = json_object_get(tree, id);
		if (json_is_true(json_object_get(node, "draft")))
			return 1;
		id = json_string_value(json_array_get(json_object_get(node, "parents"), 0));
	}
	return 0;
}

/* "00001.00003.00002": positions along the first-parent chain, for plan order. */
static char *sort_key(json_t *tree, const char *id)
{
	char parts[5][24];
	int n = 0;
	for (; id && n < 5; n++) {
		json_t *node = json_object_get(tree, id);
		long long num = jl_record_id_number(id);
		snprintf(parts[n], sizeof parts[n], "%08lld%08lld",
		         (long long)json_integer_value(json_object_get(node, "position")), num);
		id = json_string_value(json_array_get(json_object_get(node, "parents"), 0));
	}
	jl_buf b = JL_BUF_INIT;
	for (int i = n - 1; i >= 0; i--)
		jl_buf_printf(&b, "%s%s", parts[i], i ? "." : "");
	return jl_buf_detach(&b);
}

struct candidate {
	char *id;
	char *key;
};

static int compare_candidates(const void *a, const void *b)
{
	return strcmp(((const struct candidate *)a)->key, ((const struct candidate *)b)->key);
}

/* The SQL part: filters on the item's own columns. */
static char *build_sql(const jalon_query *q, const char **binds, int *nbinds, char **owned)
{
	jl_buf b = JL_BUF_INIT;
	int n = 0;
	jl_buf_puts(&b, "SELECT id FROM items WHERE 1");
	if (q->kinds) {
		jl_buf_puts(&b, " AND kind IN (''");
		for (int k = JALON_KIND_OS; k < JALON_KIND_COUNT_; k++)
			if (q->kinds & (1u << k))
				jl_buf_printf(&b, ", '%s'", jalon_kind_name((jalon_kind)k));
		jl_buf_puts(&b, ")");
	}
	if (q->status) {
		jl_buf_printf(&b, " AND status = ?%d", ++n);
		binds[n - 1] = q->status;
	}
	if (q->priority)
		jl_buf_puts(&b, " AND priority = 1");
	if (q->flagged)
		jl_buf_puts(&b, " AND flagged = 1");
	if (q->due_before) {
		jl_buf_printf(&b, " AND due_end <= ?%d", ++n);
		binds[n - 1] = q->due_before;
	}
	if (q->due_after) {
		jl_buf_printf(&b, " AND due_end >= ?%d", ++n);
		binds[n - 1] = q->due_after;
	}
	if (q->overdue_at) {
		jl_buf_printf(&b, " AND due_end < ?%d AND status NOT IN ('terminé', 'abandonné')", ++n);
		binds[n - 1] = q->overdue_at;
	}
	if (q->text) {
		/* Titles compare folded; labels as references do ("OO 1" finds "OO1"). */
		owned[0] = jl_fold(q->text);
		owned[2] = jl_ref_key(q->text);
		jl_buf_printf(&b, " AND (instr(title_key, ?%d) > 0 OR instr(label_key, ?%d) > 0)", n + 1,
		              n + 2);
		binds[n++] = owned[0];
		binds[n++] = owned[2];
	}
	if (q->responsible) {
		owned[1] = jl_fold(q->responsible);
		jl_buf_printf(&b, " AND (has_words(who_key, ?%d) OR id IN (SELECT item FROM item_people"
		                  " JOIN people ON people.id = item_people.person"
		                  " WHERE has_words(people.name_key, ?%d)))", n + 1, n + 1);
		binds[n++] = owned[1];
	}
	*nbinds = n;
	return jl_buf_detach(&b);
}

/* A status as written ("termine", "Terminé") → its canonical form, through jl_record_set. */
static char *canonical_status(const char *status)
{
	json_t *probe = jl_record_new(JALON_KIND_ACTION, "action-1");
	char err[256];
	char *out = NULL;
	if (jl_record_set(probe, "statut", status, NULL, err, sizeof err) == 0)
		out = jl_strdup(json_string_value(json_object_get(probe, "status")));
	json_decref(probe);
	return out;
}

static int resolve_filter(jalon_store *s, const char *ref, int kind, char *id, size_t idlen)
{
	return ref ? jl_items_resolve(s, ref, kind, id, idlen) : 0;
}

int jalon_query_run(jalon_item_list **out, jalon_store *s, const jalon_query *q)
{
	jalon_query defaults = JALON_QUERY_INIT;
	char os_id[128] = "", oo_id[128] = "";
	*out = NULL;
	jl_store_clear_error(s);
	if (!q)
		q = &defaults;
	if (q->version != JALON_QUERY_VERSION)
		return jl_store_fail(s, JALON_EINVALID, "jalon_query : version %u inconnue", q->version);
	if (q->volet && strcmp(q->volet, "externe") && strcmp(q->volet, "interne"))
		return jl_store_fail(s, JALON_EINVALID, "volet : « externe » ou « interne » attendu, pas "
		                                        "« %s »", q->volet);
	int rc = resolve_filter(s, q->os, JALON_KIND_OS, os_id, sizeof os_id);
	if (rc == 0)
		rc = resolve_filter(s, q->oo, JALON_KIND_OO, oo_id, sizeof oo_id);
	if (rc)
		return rc;
	jalon_query local = *q;
	char *status = NULL;
	if (q->status && !(status = canonical_status(q->status)))
		return jl_store_fail(s, JALON_EINVALID, "statut « %s » inconnu ; attendu : à lancer, en "
		                                        "cours, terminé, reporté, abandonné", q->status);
	local.status = status;
	const char *binds[8];
	char *owned[3] = {NULL, NULL, NULL};
	int nbinds;
	char *sql = build_sql(&local, binds, &nbinds, owned);
	sqlite3_stmt *st = NULL;
	json_t *tree = json_object();
	rc = load_tree(s, tree);
	size_t cap = json_object_size(tree) + 1, n = 0;
	struct candidate *c = calloc(cap, sizeof *c);
	if (rc == 0)
		rc = jl_store_prepare(s, &st, sql);
	for (int i = 0; rc == 0 && i < nbinds; i++)
		sqlite3_bind_text(st, i + 1, binds[i], -1, SQLITE_STATIC);
	int step = SQLITE_DONE;
	while (rc == 0 && c && n < cap && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *os = top_os(tree, id);
		if ((*os_id && !under(tree, id, os_id, 0)) || (*oo_id && !under(tree, id, oo_id, 0)))
			continue;
		if (q->volet && (!os || strcmp(json_string_value(json_object_get(
		                                   json_object_get(tree, os), "volet")), q->volet)))
			continue;
		if (!q->include_drafts && in_draft(tree, id))
			continue;
		c[n].id = jl_strdup(id);
		c[n].key = sort_key(tree, id);
		n++;
	}
	if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = jl_store_fail_db(s, "recherche des éléments");
	sqlite3_finalize(st);
	free(sql);
	free(status);
	for (int i = 0; i < 3; i++)
		free(owned[i]);
	json_decref(tree);
	if (c)
		qsort(c, n, sizeof *c, compare_candidates);
	jalon_item_list *list = calloc(1, sizeof *list);
	if (list)
		list->items = calloc(n ? n : 1, sizeof *list->items);
	json_t *names = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *rec = NULL;
		if (rc == 0 && list && list->items)
			rc = jl_store_record_get(s, c[i].id, &rec);
		if (rec && (rc = jl_items_wrap(s, rec, names, &list->items[list->count])) == 0)
			list->count++;
		free(c[i].id);
		free(c[i].key);
	}
	json_decref(names);
	free(c);
	if (rc == 0 && (!list || !list->items))
		rc = JALON_ENOMEM;
	if (rc) {
		jalon_item_list_free(list);
		return rc;
	}
	*out = list;
	return 0;
}

size_t jalon_item_list_count(const jalon_item_list *list)
{
	return list ? list->count : 0;
}

const jalon_item *jalon_item_list_get(const jalon_item_list *list, size_t i)
{
	return list && i < list->count ? list->items[i] : NULL;
}

void jalon_item_list_free(jalon_item_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		jalon_item_free(list->items[i]);
	free(list->items);
	free(list);
}
