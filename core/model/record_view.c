/* SPDX-License-Identifier: MIT */
/*
 * How a person reads a record (record.h): its name in a message, a field's value as
 * text, the fields that differ between two versions and the one-line summary of a
 * change.
 */
#include "model/record.h"
#include "model/record_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/util.h"

static const char *const KIND_WORDS[] = {"Plan", "Personne", "OS", "OO", "Action", "Tâche"};
static const char *const KIND_TITLES[] = {"plan", "personne", "objectif stratégique",
                                          "objectif opérationnel", "action", "tâche"};
static const char *const KIND_PHRASES[] = {"le plan lui-même", "une personne",
                                           "un objectif stratégique",
                                           "un objectif opérationnel", "une action",
                                           "une tâche"};

const char *jl_record_kind_word(int kind)
{
	return kind >= 0 && kind < JALON_KIND_COUNT_ ? KIND_WORDS[kind] : "?";
}

const char *jl_record_kind_title(int kind)
{
	return kind >= 0 && kind < JALON_KIND_COUNT_ ? KIND_TITLES[kind] : "?";
}

const char *jl_record_kind_phrase(int kind)
{
	return kind >= 0 && kind < JALON_KIND_COUNT_ ? KIND_PHRASES[kind] : "?";
}

/* "fold without spaces and dots": "O.O. 3.2" → "oo32", to compare a label to a kind word. */
static char *squeeze(const char *s)
{
	char *f = jl_fold(s);
	char *w = f;
	for (char *r = f; r && *r; r++)
		if (*r != ' ' && *r != '.')
			*w++ = *r;
	if (w)
		*w = '\0';
	return f;
}

char *jl_record_display_name(const json_t *rec)
{
	int kind = jl_record_kind(rec);
	if (kind < 0)
		return jl_strdup("?");
	if (kind == JALON_KIND_PLAN)
		return jl_strdup("Plan");
	if (kind == JALON_KIND_PERSON)
		return jl_sprintf("Personne « %s »", json_string_value(json_object_get(rec, "name")));
	return jl_record_item_name(kind, json_string_value(json_object_get(rec, "label")),
	                           json_string_value(json_object_get(rec, "title")));
}

char *jl_record_item_name(int kind, const char *label, const char *title_text)
{
	if (kind < JALON_KIND_OS || kind >= JALON_KIND_COUNT_)
		return jl_strdup("?");
	if (label && *label) {
		char *l = squeeze(label), *w = squeeze(KIND_WORDS[kind]);
		int named = l && w && !strncmp(l, w, strlen(w));
		free(l);
		free(w);
		return named ? jl_strdup(label) : jl_sprintf("%s %s", KIND_WORDS[kind], label);
	}
	char *title = jl_shorten(title_text, 40);
	char *name = jl_sprintf("%s « %s »", KIND_WORDS[kind], title);
	free(title);
	return name;
}

/* A scalar as a person reads it: strings as they are, null as "", booleans oui/non. */
static char *scalar_text(const json_t *value)
{
	if (!value || json_is_null(value))
		return jl_strdup("");
	if (json_is_string(value))
		return jl_strdup(json_string_value(value));
	if (json_is_boolean(value))
		return jl_strdup(json_is_true(value) ? "oui" : "non");
	return json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

/* Euros from cents, as Belgians write them: "12 500,50 €". */
static void put_amount(jl_buf *b, json_int_t cents)
{
	char digits[32];
	json_int_t units = (cents < 0 ? -cents : cents) / 100;
	snprintf(digits, sizeof digits, "%lld", (long long)units);
	size_t n = strlen(digits);
	if (cents < 0)
		jl_buf_putc(b, '-');
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			jl_buf_putc(b, ' ');
		jl_buf_putc(b, digits[i]);
	}
	jl_buf_printf(b, ",%02lld €", (long long)((cents < 0 ? -cents : cents) % 100));
}

/* "OO1 (oo-1)" when the name is known, else the id. */
static void put_ref(jl_buf *b, const char *id, const json_t *names)
{
	const char *name = json_string_value(json_object_get(names, id ? id : ""));
	if (name)
		jl_buf_printf(b, "%s (%s)", name, id);
	else
		jl_buf_puts(b, id ? id : "?");
}

static const char *member(const json_t *e, const char *key)
{
	const char *v = json_string_value(json_object_get(e, key));
	return v ? v : "";
}

static void put_indicator(jl_buf *b, const json_t *e)
{
	jl_buf_puts(b, member(e, "label"));
	if (*member(e, "baseline"))
		jl_buf_printf(b, " : base %s", member(e, "baseline"));
	if (*member(e, "target"))
		jl_buf_printf(b, "%s cible %s", *member(e, "baseline") ? "," : " :", member(e, "target"));
	if (*member(e, "unit"))
		jl_buf_printf(b, " %s", member(e, "unit"));
	if (json_is_integer(json_object_get(e, "year")))
		jl_buf_printf(b, " (%lld)", (long long)json_integer_value(json_object_get(e, "year")));
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(e, "measurements"), i, m)
		jl_buf_printf(b, "%s%s = %s", i ? ", " : " ; mesures : ", member(m, "date"),
		              member(m, "value"));
}

/* An échéance or a récurrence as written, then what Jalon understood of it. */
static void put_as_written(jl_buf *b, const json_t *v)
{
	jl_buf_puts(b, member(v, "text"));
	if (*member(v, "error"))
		jl_buf_printf(b, " (non compris : %s)", member(v, "error"));
	else if (*member(v, "start") && !strcmp(member(v, "start"), member(v, "end")))
		jl_buf_printf(b, " (le %s)", member(v, "end"));
	else if (*member(v, "start"))
		jl_buf_printf(b, " (du %s au %s)", member(v, "start"), member(v, "end"));
	else if (json_is_true(json_object_get(v, "to_confirm")))
		jl_buf_puts(b, " (à confirmer)"); /* the rule itself is for the JSON, not for people */
}

/* One element of a list field, as a person reads it. */
static void put_element(jl_buf *b, const char *field, const json_t *e, const json_t *names)
{
	if (!strcmp(field, "parents")) {
		put_ref(b, member(e, "id"), names);
		if (json_integer_value(json_object_get(e, "share")) != 100)
			jl_buf_printf(b, " %lld %%", (long long)json_integer_value(json_object_get(e, "share")));
	} else if (!strcmp(field, "people")) {
		jl_buf_printf(b, "%s : ", member(e, "role"));
		put_ref(b, member(e, "person"), names);
	} else if (!strcmp(field, "budget")) {
		jl_buf_printf(b, "%lld : ", (long long)json_integer_value(json_object_get(e, "year")));
		put_amount(b, json_integer_value(json_object_get(e, "amount_cents")));
		jl_buf_printf(b, " (fonction %s, %s%s%s)", member(e, "fonction"), member(e, "source"),
		              *member(e, "label") ? ", " : "", member(e, "label"));
		if (json_is_integer(json_object_get(e, "spent_cents"))) {
			jl_buf_puts(b, ", dépensé ");
			put_amount(b, json_integer_value(json_object_get(e, "spent_cents")));
		}
	} else if (!strcmp(field, "indicators")) {
		put_indicator(b, e);
	} else if (json_is_object(e) && json_object_get(e, "title")) {
		jl_buf_puts(b, member(e, "title")); /* sections */
	} else if (json_is_object(e) && json_object_get(e, "name")) {
		jl_buf_puts(b, member(e, "name")); /* custom field declarations */
	} else if (json_is_integer(e)) {
		jl_buf_printf(b, "%lld", (long long)json_integer_value(e));
	} else {
		char *text = scalar_text(e);
		jl_buf_puts(b, text ? text : "");
		free(text);
	}
}

char *jl_record_field_text(const char *field, const json_t *value, const json_t *names)
{
	jl_buf b = JL_BUF_INIT;
	size_t i;
	json_t *e;
	const char *key;
	jl_buf_puts(&b, "");
	if (json_is_array(value)) {
		int long_items = !strcmp(field, "budget") || !strcmp(field, "indicators") ||
		                 !strcmp(field, "notes");
		json_array_foreach(value, i, e) {
			if (i)
				jl_buf_puts(&b, long_items ? " ; " : ", ");
			put_element(&b, field, e, names);
		}
	} else if (json_is_object(value) && json_object_get(value, "text")) {
		put_as_written(&b, value);
	} else if (json_is_object(value)) {
		json_object_foreach((json_t *)value, key, e)
			jl_buf_printf(&b, "%s%s = %s", b.len ? " ; " : "", key, member(value, key));
	} else {
		char *text = scalar_text(value);
		jl_buf_puts(&b, text ? text : "");
		free(text);
	}
	return jl_buf_detach(&b);
}

int jl_record_field_is_default(const json_t *rec, const char *key)
{
	const struct field *f = jl_schema_field(key);
	json_t *v = json_object_get(rec, key);
	if (!f || !v)
		return 1;
	json_t *d = jl_schema_default(f);
	int same = json_equal(d, v);
	json_decref(d);
	return same;
}

static int is_default(const struct field *f, const json_t *v)
{
	json_t *d = jl_schema_default(f);
	int same = json_equal(d, (json_t *)v);
	json_decref(d);
	return same;
}

int jl_record_diff(const json_t *old_rec, const json_t *new_rec, record_change **out)
{
	const json_t *any = new_rec ? new_rec : old_rec;
	int kind = jl_record_kind(any);
	int n = 0;
	*out = NULL;
	if (kind < 0)
		return 0;
	record_change *changes = calloc(64, sizeof *changes);
	if (!changes)
		return -1;
	for (const struct field *f = jl_schema_fields; f->key; f++) {
		if (!(f->kinds & K(kind)) || !strcmp(f->key, "id") || !strcmp(f->key, "kind"))
			continue;
		json_t *a = old_rec ? json_object_get(old_rec, f->key) : NULL;
		json_t *b = new_rec ? json_object_get(new_rec, f->key) : NULL;
		if (a && b && json_equal(a, b))
			continue;
		if ((!a || is_default(f, a)) && (!b || is_default(f, b)))
			continue;
		changes[n].field = f->key;
		changes[n].old_value = a;
		changes[n].new_value = b;
		changes[n].before = jl_record_field_text(f->key, a, NULL);
		changes[n].after = jl_record_field_text(f->key, b, NULL);
		n++;
	}
	*out = changes;
	return n;
}

void jl_record_changes_free(record_change *changes, int n)
{
	for (int i = 0; i < n; i++) {
		free(changes[i].before);
		free(changes[i].after);
	}
	free(changes);
}

char *jl_record_change_summary(const json_t *old_rec, const json_t *new_rec)
{
	const json_t *any = new_rec ? new_rec : old_rec;
	char *name = jl_record_display_name(any);
	jl_buf b = JL_BUF_INIT;
	if (!old_rec || !new_rec) {
		char *title = jl_shorten(json_string_value(json_object_get(any, "title"))
		                          ? json_string_value(json_object_get(any, "title"))
		                          : "", 60);
		jl_buf_printf(&b, "%s : %s", name, old_rec ? "suppression" : "ajout");
		if (*title && json_string_value(json_object_get(any, "label")) &&
		    *json_string_value(json_object_get(any, "label")))
			jl_buf_printf(&b, " « %s »", title);
		free(title);
	} else {
		record_change *ch;
		int n = jl_record_diff(old_rec, new_rec, &ch);
		jl_buf_printf(&b, "%s : ", name);
		if (n <= 0)
			jl_buf_puts(&b, "aucun changement");
		for (int i = 0; i < n && i < 3; i++) {
			char *before = jl_shorten(ch[i].before, 50), *after = jl_shorten(ch[i].after, 50);
			jl_buf_printf(&b, "%s%s ", i ? ", " : "", jl_record_field_label(ch[i].field));
			/* An empty side reads « (vide) » rather than a pair of empty quotes. */
			jl_buf_printf(&b, *before ? "« %s »" : "%s(vide)", before);
			jl_buf_printf(&b, *after ? " → « %s »" : " → %s(vide)", after);
			free(before);
			free(after);
		}
		if (n > 3)
			jl_buf_printf(&b, " et %d autre%s champ%s", n - 3, n > 4 ? "s" : "", n > 4 ? "s" : "");
		jl_record_changes_free(ch, n > 0 ? n : 0);
	}
	free(name);
	return jl_buf_detach(&b);
}

