/* SPDX-License-Identifier: MIT */
/*
 * Import and export of a whole plan. Every format is turned into a plan document
 * (plandoc.h), checked, then written as one pipeline transaction; export builds the
 * document from the store and writes it in the format asked for, Jalon's own or a
 * registered exporter's.
 */
#include "jobs/io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "change/pipeline.h"
#include "format/csv.h"
#include "format/outline.h"
#include "jalon/io.h"
#include "jalon/item.h"
#include "jalon/query.h"
#include "model/plandoc.h"
#include "model/record.h"
#include "model/util.h"
#include "store/item.h"
#include "store/store.h"

static jalon_format format_of(const char *name, jalon_format format)
{
	if (format != JALON_FORMAT_AUTO)
		return format;
	const char *dot = name ? strrchr(name, '.') : NULL;
	if (dot && !strcmp(dot, ".json"))
		return JALON_FORMAT_JSON;
	if (dot && !strcmp(dot, ".csv"))
		return JALON_FORMAT_CSV;
	return JALON_FORMAT_OUTLINE;
}

static json_t *parse_json(const char *data, size_t len, const char *name, char *err,
                          size_t errlen)
{
	json_error_t e;
	json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
	if (!doc)
		snprintf(err, errlen, "%s:%d: JSON invalide : %s", name, e.line, e.text);
	return doc;
}

static json_t *parse_document(const char *data, size_t len, const char *name,
                              jalon_format format, char *err, size_t errlen)
{
	switch (format_of(name, format)) {
	case JALON_FORMAT_JSON:
		return parse_json(data, len, name, err, errlen);
	case JALON_FORMAT_CSV:
		return jl_csv_parse(data, len, name, err, errlen);
	default:
		return jl_outline_parse(data, len, name, err, errlen);
	}
}

/* The highest id number the store ever gave to records of that kind, in *last. */
static int id_offset(jalon_store *s, const char *kind, long *last)
{
	sqlite3_stmt *st;
	*last = 0;
	if (jl_store_prepare(s, &st, "SELECT last FROM id_counters WHERE kind = ?1") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*last = (long)sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "compteur d'identifiants");
	sqlite3_finalize(st);
	return rc;
}

/* The document's id moved past the ids the store gave before, in *to (NULL: unmoved): ids
 * are never reused. A fresh store keeps the document's ids, so a JSON export imports back
 * identical. */
static int moved_id(jalon_store *s, const char *id, json_t **to)
{
	int kind = jl_record_id_kind(id);
	long offset = 0;
	*to = NULL;
	int rc = kind > JALON_KIND_PLAN ? id_offset(s, jalon_kind_name((jalon_kind)kind), &offset) : 0;
	if (rc || !offset)
		return rc;
	char buf[128];
	snprintf(buf, sizeof buf, "%s-%ld", jalon_kind_name((jalon_kind)kind),
	         offset + jl_record_id_number(id));
	*to = json_string(buf);
	return 0;
}

static int move_ids(jalon_store *s, json_t *doc)
{
	size_t i, j;
	json_t *rec, *e, *to;
	json_t *lists[2] = {jl_plandoc_people(doc), jl_plandoc_items(doc)};
	static const char *const LINKS[2][2] = {{"parents", "id"}, {"people", "person"}};
	int rc = 0;
	for (int l = 0; rc == 0 && l < 2; l++) {
		json_array_foreach(lists[l], i, rec) {
			if ((rc = moved_id(s, jl_record_id(rec), &to)) != 0)
				break;
			if (to)
				json_object_set_new(rec, "id", to);
			for (int k = 0; rc == 0 && k < 2; k++) {
				json_array_foreach(json_object_get(rec, LINKS[k][0]), j, e) {
					rc = moved_id(s, json_string_value(json_object_get(e, LINKS[k][1])), &to);
					if (rc)
						break;
					if (to)
						json_object_set_new(e, LINKS[k][1], to);
				}
			}
			if (rc)
				break;
		}
	}
	return rc;
}

static char *import_message(const json_t *doc)
{
	size_t counts[JALON_KIND_COUNT_] = {0};
	size_t i;
	json_t *rec;
	json_array_foreach(jl_plandoc_items(doc), i, rec)
		counts[jl_record_kind(rec)]++;
	json_t *plan = jl_plandoc_plan(doc);
	return jl_sprintf("Import du plan « %s » (%s) : %zu OS, %zu OO, %zu actions, %zu tâches",
	                  json_string_value(json_object_get(plan, "title")),
	                  json_string_value(json_object_get(plan, "organisation")),
	                  counts[JALON_KIND_OS], counts[JALON_KIND_OO], counts[JALON_KIND_ACTION],
	                  counts[JALON_KIND_TASK]);
}

/* What was kept but not understood, one line per text. */
static char *flag_report(const json_t *doc)
{
	jl_buf b = JL_BUF_INIT;
	size_t i;
	json_t *rec;
	jl_buf_puts(&b, "");
	json_array_foreach(jl_plandoc_items(doc), i, rec) {
		static const char *const FIELDS[] = {"deadline", "recurrence"};
		for (int f = 0; f < 2; f++) {
			json_t *v = json_object_get(rec, FIELDS[f]);
			const char *why = json_string_value(json_object_get(v, "error"));
			if (!why && json_is_true(json_object_get(v, "to_confirm")))
				why = json_string_value(json_object_get(v, "note"));
			if (!why)
				continue;
			char *name = jl_record_display_name(rec);
			jl_buf_printf(&b, "%s (%s) : %s « %s » — %s\n", name, jl_record_id(rec),
			              jl_record_field_label(FIELDS[f]),
			              json_string_value(json_object_get(v, "text")), why);
			free(name);
		}
	}
	return jl_buf_detach(&b);
}

static int import_document(jalon_store *s, json_t *doc, const char *name, char **report)
{
	char err[1024];
	jl_txn *t;
	if (jl_plandoc_check(doc, err, sizeof err) != 0)
		return jl_store_fail(s, JALON_EINVALID, "%s : %s", name, err);
	int rc = jl_pipeline_begin(s, &t);
	if (rc)
		return rc;
	sqlite3_int64 items = jl_store_count(s, "SELECT count(*) FROM items");
	if (items != 0) {
		jl_pipeline_abort(t);
		return items < 0 ? JALON_ERROR
		                 : jl_store_fail(s, JALON_ECONFLICT, "%s : le registre contient déjà un "
		                                 "plan ; importez dans un registre vide", name);
	}
	rc = move_ids(s, doc);
	if (rc == 0)
		rc = jl_pipeline_put(t, jl_plandoc_plan(doc));
	size_t i;
	json_t *rec;
	json_t *lists[2] = {jl_plandoc_people(doc), jl_plandoc_items(doc)};
	for (int l = 0; rc == 0 && l < 2; l++)
		json_array_foreach(lists[l], i, rec)
			if (rc == 0)
				rc = jl_pipeline_put(t, rec);
	char *message = import_message(doc);
	if (rc == 0)
		rc = jl_pipeline_finish(t, message);
	else
		jl_pipeline_abort(t);
	free(message);
	if (rc == 0 && report)
		*report = flag_report(doc);
	return rc;
}

int jalon_import_buffer(jalon_store *s, const char *data, size_t len, const char *name,
                        jalon_format format, char **report)
{
	char err[1024] = "";
	jl_store_clear_error(s);
	if (report)
		*report = NULL;
	json_t *doc = parse_document(data, len, name, format, err, sizeof err);
	if (!doc)
		return jl_store_fail(s, JALON_EINVALID, "%s", err);
	int rc = import_document(s, doc, name, report);
	json_decref(doc);
	return rc;
}

int jalon_import_file(jalon_store *s, const char *path, jalon_format format, char **report)
{
	jl_store_clear_error(s);
	FILE *f = fopen(path, "rb");
	if (!f)
		return jl_store_fail(s, errno == ENOENT ? JALON_ENOTFOUND : JALON_ERROR, "%s : %s", path,
		                     errno == ENOENT   ? "fichier introuvable"
		                     : errno == EACCES ? "lecture interdite"
		                                       : strerror(errno));
	jl_buf b = JL_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		jl_buf_put(&b, chunk, n);
	int failed = ferror(f);
	fclose(f);
	if (failed || b.failed) {
		jl_buf_free(&b);
		return jl_store_fail(s, JALON_ERROR, "%s : lecture impossible", path);
	}
	int rc = jalon_import_buffer(s, b.ptr ? b.ptr : "", b.len, path, format, report);
	jl_buf_free(&b);
	return rc;
}

/* ---------------------------------------------------------------- export */

/* The records of one kind, in id order (person-2 before person-10); NULL with the message
 * set on failure. */
static json_t *load_records(jalon_store *s, const char *kind)
{
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, "SELECT body FROM records WHERE kind = ?1"
	                             " ORDER BY CAST(substr(id, length(?1) + 2) AS INTEGER)") != 0)
		return NULL;
	json_t *list = json_array();
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_error_t e;
		json_t *rec = json_loadb((const char *)sqlite3_column_text(st, 0),
		                         (size_t)sqlite3_column_bytes(st, 0), 0, &e);
		if (rec)
			json_array_append_new(list, rec);
	}
	if (rc != SQLITE_DONE) {
		jl_store_fail_db(s, "lecture des enregistrements");
		json_decref(list);
		list = NULL;
	}
	sqlite3_finalize(st);
	return list;
}

/* The store's plan as a plan document, items in plan order. */
static int build_document(jalon_store *s, json_t **out)
{
	jalon_query q = JALON_QUERY_INIT;
	jalon_item_list *list;
	q.include_drafts = 1;
	int rc = jalon_query_run(&list, s, &q);
	json_t *plan = NULL, *people = NULL;
	if (rc == 0)
		rc = jl_store_record_get(s, "plan", &plan);
	if (rc == 0 && !(people = load_records(s, "person")))
		rc = JALON_ERROR;
	if (rc) {
		jalon_item_list_free(list);
		json_decref(plan);
		return rc;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < jalon_item_list_count(list); i++) {
		const char *text = jalon_item_json(jalon_item_list_get(list, i));
		json_error_t e;
		json_array_append_new(items, json_loads(text, 0, &e));
	}
	jalon_item_list_free(list);
	*out = json_pack("{s:s, s:i, s:o, s:o, s:o}", "format", PLANDOC_FORMAT, "version",
	                 PLANDOC_VERSION, "plan", plan ? plan : jl_record_new(JALON_KIND_PLAN, "plan"),
	                 "people", people, "items", items);
	return *out ? 0 : JALON_ENOMEM;
}

int jalon_export(char **out, size_t *len, jalon_store *s, jalon_format format)
{
	json_t *doc;
	jl_store_clear_error(s);
	*out = NULL;
	int rc = build_document(s, &doc);
	if (rc)
		return rc;
	char *text = NULL;
	if (format == JALON_FORMAT_CSV) {
		text = jl_csv_write(doc, ';');
	} else if (format == JALON_FORMAT_OUTLINE) {
		text = jl_outline_write(doc);
	} else {
		char *body = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		text = body ? jl_sprintf("%s\n", body) : NULL;
		free(body);
	}
	json_decref(doc);
	if (!text)
		return jl_store_fail(s, JALON_ENOMEM, "export : mémoire insuffisante");
	*out = text;
	if (len)
		*len = strlen(text);
	return 0;
}

/* ---------------------------------------------------------------- exporters */

const jl_point jl_exporter_point = {"formats d’export"};

/* Formats Jalon exports itself (jalon_export, jalon_export_calendar, the CLI's names). */
static const char *const BUILTIN_FORMATS[] = {"json", "csv", "outline", "md", "markdown",
                                              "ics", "ical"};

static int valid_format(const char *format)
{
	size_t n = format ? strlen(format) : 0;
	if (n == 0 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = format[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* The exporter registered for format (compared without case), or NULL. */
static const jl_exporter *find_exporter(jalon_store *s, const char *format)
{
	for (const jl_exporter *e = NULL; (e = jl_registry_next(s, &jl_exporter_point, e));)
		if (!strcasecmp(e->format, format))
			return e;
	return NULL;
}

int jl_exporter_check(jalon_store *s, const char *owner, const char *format,
                      jalon_plugin_export_fn fn)
{
	if (!valid_format(format))
		return jl_store_fail(s, JALON_EINVALID, "plug-in « %s » : format d’export « %s » "
		                     "invalide (1 à 32 caractères parmi a-z, 0-9, « - » et « _ »)",
		                     owner, format ? format : "");
	if (!fn)
		return jl_store_fail(s, JALON_EINVALID, "plug-in « %s » : format « %s » sans fonction "
		                     "d’export", owner, format);
	for (size_t i = 0; i < sizeof BUILTIN_FORMATS / sizeof BUILTIN_FORMATS[0]; i++)
		if (!strcmp(format, BUILTIN_FORMATS[i]))
			return jl_store_fail(s, JALON_ECONFLICT, "plug-in « %s » : le format « %s » est "
			                     "celui de Jalon", owner, format);
	const jl_exporter *other = find_exporter(s, format);
	if (other)
		return jl_store_fail(s, JALON_ECONFLICT, "plug-in « %s » : le format « %s » est déjà "
		                     "fourni par le plug-in « %s »", owner, format, other->owner);
	return 0;
}

int jl_exporter_add(jalon_store *s, const jl_exporter *e)
{
	return jl_registry_add(s, &jl_exporter_point, e, sizeof *e);
}

int jalon_export_plugin(char **out, size_t *len, jalon_store *store, const char *format)
{
	*out = NULL;
	if (len)
		*len = 0;
	int rc = jl_registry_prepare(store, &jl_exporter_point);
	if (rc)
		return rc;
	const jl_exporter *e = format ? find_exporter(store, format) : NULL;
	if (!e)
		return jl_store_fail(store, JALON_ENOTFOUND, "format d’export « %s » inconnu : aucun "
		                     "plug-in ne le fournit", format ? format : "");
	char err[sizeof store->errmsg] = "";
	char *text = NULL;
	size_t n = 0;
	jl_store_clear_error(store);
	rc = e->fn(e->ud, store, &text, &n, err, sizeof err);
	if (rc != 0) {
		free(text);
		err[sizeof err - 1] = '\0';
		if (!*err) /* an API call's message, then */
			memcpy(err, store->errmsg, sizeof err);
		if (!*err)
			snprintf(err, sizeof err, "échec sans message (code %d)", rc);
		int code = rc <= JALON_ERROR && rc >= JALON_EDELIVERY ? rc : JALON_ERROR;
		return jl_store_fail(store, code, "plug-in « %s », export « %s » : %s", e->owner,
		                     e->format, err);
	}
	if (!text && n)
		return jl_store_fail(store, JALON_ERROR, "plug-in « %s », export « %s » : %zu octets "
		                     "annoncés, aucun texte rendu", e->owner, e->format, n);
	/* NUL-terminated, as every text the library returns. */
	char *done = realloc(text, n + 1);
	if (!done) {
		free(text);
		return jl_store_fail(store, JALON_ENOMEM, "mémoire épuisée");
	}
	done[n] = '\0';
	*out = done;
	if (len)
		*len = n;
	return 0;
}
