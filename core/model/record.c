/* SPDX-License-Identifier: MIT */
/*
 * Records: the schema, ids and paths, defaults, the canonical form and text, values
 * derived from a plan (record.h). Setting fields from text is record_set.c's, how a
 * person reads a record record_view.c's; the three share the schema (record_schema.h).
 */
#include "model/record.h"
#include "model/record_schema.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/deadline.h"
#include "model/recur.h"
#include "model/util.h"

/* ---------------------------------------------------------------- schema */

static const char *const STATUSES[] = {"à lancer", "en cours", "terminé", "reporté",
                                       "abandonné", NULL};
static const char *const HEALTHS[] = {"", "bon", "risque", "blocage", "en pause", NULL};
static const char *const VOLETS[] = {"", "externe", "interne", NULL};
const char *const jl_schema_roles[] = {"mandataire", "responsable", "gestionnaire", "porteur",
                                    NULL};
static const char *const PERSON_TYPES[] = {"personne", "service", "rôle", NULL};
static const char *const KIND_NAMES[] = {"plan", "person", "os", "oo", "action", "task", NULL};
static const char *const FIELD_TYPES[] = {"texte", "entier", "oui/non", "liste", "date", NULL};

#define END {NULL, T_STR, 0, NULL, 0, 0, NULL, NULL, 0}

static const struct field PARENT_FIELDS[] = {
	{"id", T_STR, 0, "identifiant", 0, 0, NULL, "", 0},
	{"share", T_INT, 0, "part", 0, 100, NULL, NULL, 100},
	END};
static const struct field PEOPLE_FIELDS[] = {
	{"role", T_ENUM, 0, "rôle", 0, 0, jl_schema_roles, "porteur", 0},
	{"person", T_STR, 0, "personne", 0, 0, NULL, "", 0},
	END};
static const struct field BUDGET_FIELDS[] = {
	{"year", T_INT, 0, "année", 1900, 2200, NULL, NULL, 2000},
	{"amount_cents", T_INT, 0, "montant", -1000000000000000L, 1000000000000000L, NULL, NULL, 0},
	{"fonction", T_STR, 0, "fonction", 0, 0, NULL, "", 0},
	{"source", T_STR, 0, "source", 0, 0, NULL, "", 0},
	{"label", T_STR, 0, "libellé", 0, 0, NULL, "", 0},
	{"spent_cents", T_NINT, 0, "dépensé", -1000000000000000L, 1000000000000000L, NULL, NULL, 0},
	END};
static const struct field MEASURE_FIELDS[] = {
	{"date", T_STR, 0, "date", 0, 0, NULL, "", 0},
	{"value", T_STR, 0, "valeur", 0, 0, NULL, "", 0},
	END};
static const struct field INDICATOR_FIELDS[] = {
	{"label", T_STR, 0, "libellé", 0, 0, NULL, "", 0},
	{"unit", T_STR, 0, "unité", 0, 0, NULL, "", 0},
	{"baseline", T_STR, 0, "base", 0, 0, NULL, "", 0},
	{"target", T_STR, 0, "cible", 0, 0, NULL, "", 0},
	{"year", T_NINT, 0, "année", 1900, 2200, NULL, NULL, 0},
	{"measurements", T_OBJS, 0, "mesures", 0, 0, MEASURE_FIELDS, NULL, 0},
	END};
static const struct field SECTION_FIELDS[] = {
	{"title", T_STR, 0, "titre", 0, 0, NULL, "", 0},
	{"text", T_STR, 0, "texte", 0, 0, NULL, "", 0},
	END};
static const struct field CUSTOM_FIELD_FIELDS[] = {
	{"name", T_STR, 0, "nom", 0, 0, NULL, "", 0},
	{"kinds", T_STRS, 0, "types d'éléments", 0, 0, NULL, NULL, 0},
	{"type", T_ENUM, 0, "type", 0, 0, FIELD_TYPES, "texte", 0},
	{"values", T_STRS, 0, "valeurs", 0, 0, NULL, NULL, 0},
	{"default", T_STR, 0, "défaut", 0, 0, NULL, "", 0},
	END};

/* Every top-level field of every kind, in canonical order. */
const struct field jl_schema_fields[] = {
	{"id", T_STR, K_ALL, "identifiant", 0, 0, NULL, "", 0},
	{"kind", T_ENUM, K_ALL, "nature", 0, 0, KIND_NAMES, "", 0},
	{"organisation", T_STR, K(JALON_KIND_PLAN), "organisation", 0, 0, NULL, "", 0},
	{"name", T_STR, K(JALON_KIND_PERSON), "nom", 0, 0, NULL, "", 0},
	{"email", T_STR, K(JALON_KIND_PERSON), "e-mail", 0, 0, NULL, "", 0},
	{"type", T_ENUM, K(JALON_KIND_PERSON), "type", 0, 0, PERSON_TYPES, "personne", 0},
	{"label", T_STR, K_ITEMS, "label", 0, 0, NULL, "", 0},
	{"title", T_STR, K_ITEMS | K(JALON_KIND_PLAN), "titre", 0, 0, NULL, "", 0},
	{"period_start", T_NINT, K(JALON_KIND_PLAN), "début de la période", 1900, 2200, NULL, NULL, 0},
	{"period_end", T_NINT, K(JALON_KIND_PLAN), "fin de la période", 1900, 2200, NULL, NULL, 0},
	{"adopted", T_DATE, K(JALON_KIND_PLAN), "adoption", 0, 0, NULL, NULL, 0},
	{"sections", T_OBJS, K(JALON_KIND_PLAN), "sections", 0, 0, SECTION_FIELDS, NULL, 0},
	{"custom_fields", T_OBJS, K(JALON_KIND_PLAN), "champs personnalisés", 0, 0,
	 CUSTOM_FIELD_FIELDS, NULL, 0},
	{"description", T_STR, K_ITEMS, "description", 0, 0, NULL, "", 0},
	{"volet", T_ENUM, K(JALON_KIND_OS), "volet", 0, 0, VOLETS, "", 0},
	{"parents", T_OBJS, K_ITEMS, "parent", 0, 0, PARENT_FIELDS, NULL, 0},
	{"position", T_INT, K_ITEMS, "position", 0, 1000000, NULL, NULL, 0},
	{"draft", T_BOOL, K_ITEMS, "brouillon", 0, 0, NULL, NULL, 0},
	{"status", T_ENUM, K_ITEMS, "statut", 0, 0, STATUSES, "à lancer", 0},
	{"health", T_ENUM, K_ITEMS, "santé", 0, 0, HEALTHS, "", 0},
	{"health_comment", T_STR, K_ITEMS, "commentaire de santé", 0, 0, NULL, "", 0},
	{"progress", T_NINT, K_ITEMS, "avancement", 0, 100, NULL, NULL, 0},
	{"weight", T_INT, K_ITEMS, "poids", 0, 1000000, NULL, NULL, 1},
	{"who", T_STR, K_ITEMS, "qui", 0, 0, NULL, "", 0},
	{"people", T_OBJS, K_ITEMS, "personnes", 0, 0, PEOPLE_FIELDS, NULL, 0},
	{"deadline", T_DEADLINE, K_ITEMS, "échéance", 0, 0, NULL, NULL, 0},
	{"recurrence", T_RECUR, K_ITEMS, "récurrence", 0, 0, NULL, NULL, 0},
	{"recurrence_anchor", T_DATE, K_ITEMS, "début de la récurrence", 0, 0, NULL, NULL, 0},
	{"recurrence_end", T_DATE, K_ITEMS, "fin de la récurrence", 0, 0, NULL, NULL, 0},
	{"done_occurrences", T_DATES, K_ITEMS, "occurrences faites", 0, 0, NULL, NULL, 0},
	{"planned_start", T_DATE, K_ITEMS, "début prévu", 0, 0, NULL, NULL, 0},
	{"planned_end", T_DATE, K_ITEMS, "fin prévue", 0, 0, NULL, NULL, 0},
	{"actual_start", T_DATE, K_ITEMS, "début effectif", 0, 0, NULL, NULL, 0},
	{"actual_end", T_DATE, K_ITEMS, "fin effective", 0, 0, NULL, NULL, 0},
	{"priority", T_BOOL, K_ITEMS, "priorité", 0, 0, NULL, NULL, 0},
	{"priority_period", T_STR, K_ITEMS, "période de priorité", 0, 0, NULL, "", 0},
	{"partners", T_STRS, K_ITEMS, "partenaires", 0, 0, NULL, NULL, 0},
	{"sector_plans", T_STRS, K_ITEMS, "plans", 0, 0, NULL, NULL, 0},
	{"odd", T_INTS, K_ITEMS, "ODD", 1, 17, NULL, NULL, 0},
	{"synergy", T_BOOL, K_ITEMS, "synergie", 0, 0, NULL, NULL, 0},
	{"budget", T_OBJS, K_ITEMS, "budget", 0, 0, BUDGET_FIELDS, NULL, 0},
	{"indicators", T_OBJS, K_ITEMS, "indicateurs", 0, 0, INDICATOR_FIELDS, NULL, 0},
	{"notes", T_STRS, K_ITEMS, "notes", 0, 0, NULL, NULL, 0},
	{"custom", T_MAP, K_ITEMS, "champs personnalisés", 0, 0, NULL, NULL, 0},
	END};

static const char *const ID_PREFIXES[] = {"plan", "person", "os", "oo", "action", "task"};
static const char *const PATH_DIRS[] = {"", "people", "os", "oo", "actions", "tasks"};

const char *const *jl_record_statuses(void)
{
	return STATUSES;
}

const char *const *jl_record_kind_names(void)
{
	return KIND_NAMES;
}

const struct field *jl_schema_field(const char *key)
{
	for (const struct field *f = jl_schema_fields; f->key; f++)
		if (!strcmp(f->key, key))
			return f;
	return NULL;
}

const char *jl_record_field_label(const char *field)
{
	const struct field *f = jl_schema_field(field);
	return f ? f->label : field;
}

/* ---------------------------------------------------------------- ids and paths */

int jl_record_id_kind(const char *id)
{
	if (!id)
		return -1;
	if (!strcmp(id, "plan"))
		return JALON_KIND_PLAN;
	for (int k = JALON_KIND_PERSON; k < JALON_KIND_COUNT_; k++) {
		size_t n = strlen(ID_PREFIXES[k]);
		if (!strncmp(id, ID_PREFIXES[k], n) && id[n] == '-' && jl_record_id_number(id) > 0)
			return k;
	}
	return -1;
}

long jl_record_id_number(const char *id)
{
	const char *dash = id ? strrchr(id, '-') : NULL;
	if (!dash || !dash[1])
		return -1;
	long n = 0;
	for (const char *p = dash + 1; *p; p++) {
		if (!isdigit((unsigned char)*p) || n > 100000000L)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return (dash[1] == '0') ? -1 : n;
}

char *jl_record_path(const char *id)
{
	int kind = jl_record_id_kind(id);
	if (kind < 0)
		return NULL;
	if (kind == JALON_KIND_PLAN)
		return jl_strdup("plan.json");
	/* Shards of 100 records keep every tree small (DESIGN.md §3). */
	return jl_sprintf("%s/%03ld/%s.json", PATH_DIRS[kind], jl_record_id_number(id) / 100, id);
}

int jl_record_kind(const json_t *rec)
{
	return jalon_kind_from_name(json_string_value(json_object_get(rec, "kind")));
}

const char *jl_record_id(const json_t *rec)
{
	return json_string_value(json_object_get(rec, "id"));
}

/* ---------------------------------------------------------------- defaults */

json_t *jl_schema_default(const struct field *f)
{
	switch (f->type) {
	case T_STR:
	case T_ENUM:
		return json_string(f->dflt ? f->dflt : "");
	case T_INT:
		return json_integer(f->dflt_int);
	case T_BOOL:
		return json_false();
	case T_STRS:
	case T_DATES:
	case T_INTS:
	case T_OBJS:
		return json_array();
	case T_MAP:
		return json_object();
	default:
		return json_null();
	}
}

json_t *jl_record_new(jalon_kind kind, const char *id)
{
	json_t *rec = json_object();
	if (!rec)
		return NULL;
	for (const struct field *f = jl_schema_fields; f->key; f++) {
		if (!(f->kinds & K(kind)))
			continue;
		json_t *v;
		if (!strcmp(f->key, "id"))
			v = json_string(id);
		else if (!strcmp(f->key, "kind"))
			v = json_string(KIND_NAMES[kind]);
		else
			v = jl_schema_default(f);
		json_object_set_new(rec, f->key, v);
	}
	return rec;
}

/* ---------------------------------------------------------------- canonical form */

int jl_schema_in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

static int valid_iso_date(const char *s)
{
	jl_date d;
	return s && strlen(s) == 10 && jl_date_parse_iso(s, &d) == 0;
}

static json_t *canon_value(const struct field *f, json_t *v, char *err, size_t errlen);

/* An object checked against a sub-schema, keys in its order, unknown keys refused. */
static json_t *canon_object(const struct field *fields, json_t *v, const char *what, char *err,
                            size_t errlen)
{
	if (!json_is_object(v)) {
		jl_say(err, errlen, "%s : un objet est attendu", what);
		return NULL;
	}
	json_t *out = json_object();
	for (const struct field *f = fields; f->key; f++) {
		json_t *in = json_object_get(v, f->key);
		json_t *c = in ? canon_value(f, in, err, errlen) : jl_schema_default(f);
		if (!c) {
			json_decref(out);
			return NULL;
		}
		json_object_set_new(out, f->key, c);
	}
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val) {
		if (!json_object_get(out, key)) {
			jl_say(err, errlen, "%s : champ inconnu « %s »", what, key);
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static json_t *canon_deadline_like(const struct field *f, json_t *v, char *err, size_t errlen)
{
	static const struct field ERROR_SHAPE[] = {
		{"text", T_STR, 0, "texte", 0, 0, NULL, "", 0},
		{"error", T_STR, 0, "erreur", 0, 0, NULL, "", 0},
		END};
	static const char *const PRECISIONS[] = {"jour", "mois", "trimestre", "semestre",
	                                          "année", "période", NULL};
	static const struct field DEADLINE_SHAPE[] = {
		{"text", T_STR, 0, "texte", 0, 0, NULL, "", 0},
		{"start", T_DATE, 0, "début", 0, 0, NULL, NULL, 0},
		{"end", T_DATE, 0, "fin", 0, 0, NULL, NULL, 0},
		{"precision", T_ENUM, 0, "précision", 0, 0, PRECISIONS, "jour", 0},
		{"due", T_STR, 0, "objet", 0, 0, NULL, "", 0},
		END};
	static const struct field RECUR_SHAPE[] = {
		{"text", T_STR, 0, "texte", 0, 0, NULL, "", 0},
		{"rule", T_STR, 0, "règle", 0, 0, NULL, "", 0},
		{"to_confirm", T_BOOL, 0, "à confirmer", 0, 0, NULL, NULL, 0},
		{"note", T_STR, 0, "note", 0, 0, NULL, "", 0},
		END};
	if (json_is_null(v))
		return json_null();
	if (json_object_get(v, "error"))
		return canon_object(ERROR_SHAPE, v, f->label, err, errlen);
	json_t *c = canon_object(f->type == T_DEADLINE ? DEADLINE_SHAPE : RECUR_SHAPE, v, f->label,
	                         err, errlen);
	if (c && f->type == T_DEADLINE &&
	    (json_is_null(json_object_get(c, "start")) || json_is_null(json_object_get(c, "end")))) {
		json_decref(c);
		jl_say(err, errlen, "échéance : « start » et « end » sont requis");
		return NULL;
	}
	return c;
}

static json_t *canon_array(const struct field *f, json_t *v, char *err, size_t errlen)
{
	if (!json_is_array(v)) {
		jl_say(err, errlen, "%s : une liste est attendue", f->label);
		return NULL;
	}
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		json_t *c = NULL;
		if (f->type == T_STRS) {
			if (json_is_string(e))
				c = json_incref(e);
			else
				jl_say(err, errlen, "%s : des textes sont attendus", f->label);
		} else if (f->type == T_INTS) {
			json_int_t n = json_integer_value(e);
			if (json_is_integer(e) && n >= f->min && n <= f->max)
				c = json_incref(e);
			else
				jl_say(err, errlen, "%s : des entiers de %ld à %ld sont attendus", f->label,
				     f->min, f->max);
		} else {
			c = canon_object(f->sub, e, f->label, err, errlen);
		}
		if (!c) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, c);
	}
	return out;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* A list of dates, sorted and without duplicates: the same days give the same text. */
json_t *jl_schema_canon_dates(const struct field *f, json_t *v, char *err, size_t errlen)
{
	if (!json_is_array(v)) {
		jl_say(err, errlen, "%s : une liste est attendue", f->label);
		return NULL;
	}
	size_t n = json_array_size(v);
	json_t **days = calloc(n ? n : 1, sizeof *days);
	json_t *out = json_array();
	if (!days || !out) {
		free(days);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		days[i] = json_array_get(v, i);
		if (!valid_iso_date(json_string_value(days[i]))) {
			jl_say(err, errlen, "%s : des dates AAAA-MM-JJ sont attendues", f->label);
			free(days);
			json_decref(out);
			return NULL;
		}
	}
	qsort(days, n, sizeof *days, compare_strings);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(json_string_value(days[i]), json_string_value(days[i - 1])))
			json_array_append(out, days[i]);
	free(days);
	return out;
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Custom values in key order: the same data always writes the same bytes. */
static json_t *canon_map(const struct field *f, json_t *v, char *err, size_t errlen)
{
	if (!json_is_object(v)) {
		jl_say(err, errlen, "%s : un objet est attendu", f->label);
		return NULL;
	}
	size_t n = json_object_size(v), i = 0;
	const char **keys = calloc(n ? n : 1, sizeof *keys);
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val) {
		if (!json_is_string(val)) {
			free(keys);
			jl_say(err, errlen, "%s : la valeur de « %s » doit être un texte", f->label, key);
			return NULL;
		}
		keys[i++] = key;
	}
	qsort(keys, n, sizeof *keys, compare_keys);
	json_t *out = json_object();
	for (i = 0; i < n; i++)
		json_object_set(out, keys[i], json_object_get(v, keys[i]));
	free(keys);
	return out;
}

static json_t *canon_value(const struct field *f, json_t *v, char *err, size_t errlen)
{
	switch (f->type) {
	case T_STR:
		if (json_is_string(v))
			return json_incref(v);
		jl_say(err, errlen, "%s : un texte est attendu", f->label);
		return NULL;
	case T_ENUM:
		if (json_is_string(v) && jl_schema_in_list(f->sub, json_string_value(v)))
			return json_incref(v);
		jl_say(err, errlen, "%s : valeur non reconnue « %s »", f->label,
		     json_is_string(v) ? json_string_value(v) : "?");
		return NULL;
	case T_NINT:
		if (json_is_null(v))
			return json_null();
		/* fall through */
	case T_INT:
		if (json_is_integer(v) && json_integer_value(v) >= f->min &&
		    json_integer_value(v) <= f->max)
			return json_incref(v);
		jl_say(err, errlen, "%s : un entier de %ld à %ld est attendu", f->label, f->min, f->max);
		return NULL;
	case T_BOOL:
		if (json_is_boolean(v))
			return json_incref(v);
		jl_say(err, errlen, "%s : vrai ou faux est attendu", f->label);
		return NULL;
	case T_DATE:
		if (json_is_null(v) || valid_iso_date(json_string_value(v)))
			return json_incref(v);
		jl_say(err, errlen, "%s : une date AAAA-MM-JJ est attendue", f->label);
		return NULL;
	case T_DATES:
		return jl_schema_canon_dates(f, v, err, errlen);
	case T_STRS:
	case T_INTS:
	case T_OBJS:
		return canon_array(f, v, err, errlen);
	case T_DEADLINE:
	case T_RECUR:
		return canon_deadline_like(f, v, err, errlen);
	case T_MAP:
		return canon_map(f, v, err, errlen);
	}
	return NULL;
}

json_t *jl_record_canonical(const json_t *rec, char *err, size_t errlen)
{
	int kind = jl_record_kind(rec);
	if (kind < 0) {
		jl_say(err, errlen, "enregistrement sans type valide (« kind »)");
		return NULL;
	}
	const char *id = jl_record_id(rec);
	if (jl_record_id_kind(id) != kind) {
		jl_say(err, errlen, "identifiant « %s » invalide pour un élément de type %s",
		     id ? id : "", KIND_NAMES[kind]);
		return NULL;
	}
	json_t *out = json_object();
	for (const struct field *f = jl_schema_fields; f->key; f++) {
		if (!(f->kinds & K(kind)))
			continue;
		json_t *in = json_object_get(rec, f->key);
		json_t *c = in ? canon_value(f, in, err, errlen) : jl_schema_default(f);
		if (!c) {
			json_decref(out);
			return NULL;
		}
		json_object_set_new(out, f->key, c);
	}
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)rec, key, val) {
		if (!json_object_get(out, key)) {
			jl_say(err, errlen, "%s : champ inconnu « %s »", id, key);
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

char *jl_record_text(const json_t *rec)
{
	char *body = json_dumps(rec, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!body)
		return NULL;
	char *text = jl_sprintf("%s\n", body);
	free(body);
	return text;
}

json_t *jl_record_parse(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		jl_say(err, errlen, "JSON invalide, ligne %d : %s", jerr.line, jerr.text);
		return NULL;
	}
	json_t *c = jl_record_canonical(v, err, errlen);
	json_decref(v);
	return c;
}

/* ---------------------------------------------------------------- derived values */

void jl_record_plan_span(const json_t *plan, jl_date *start, jl_date *end)
{
	json_int_t from = json_integer_value(json_object_get(plan, "period_start"));
	json_int_t to = json_integer_value(json_object_get(plan, "period_end"));
	*start = (jl_date){from ? (int)from : 2019, 1, 1};
	*end = (jl_date){to ? (int)to : start->year + 5, 12, 31};
}

void jl_record_recurrence_span(const json_t *plan, const json_t *item, jl_date *anchor,
                               jl_date *end)
{
	jl_date first, last;
	jl_record_plan_span(plan, &first, &last);
	if (jl_date_parse_iso(json_string_value(json_object_get(item, "recurrence_anchor")),
	                      anchor) != 0)
		*anchor = first;
	if (jl_date_parse_iso(json_string_value(json_object_get(item, "recurrence_end")), end) != 0)
		*end = json_integer_value(json_object_get(plan, "period_end"))
		           ? last
		           : (jl_date){anchor->year + 5, 12, 31};
}

char *jl_record_plan_domain(const json_t *plan)
{
	const char *organisation = json_string_value(json_object_get(plan, "organisation"));
	char *folded = jl_fold(organisation ? organisation : "");
	char *w = folded;
	for (char *r = folded; r && *r; r++)
		if ((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9'))
			*w++ = *r;
	if (w)
		*w = '\0';
	char *domain = jl_sprintf("%s.jalon", folded && *folded ? folded : "pst");
	free(folded);
	return domain;
}
