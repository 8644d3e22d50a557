/*
 * Records: schema, canonical form and text, setting fields from text, differences.
 * See record.h for the shape of each kind.
 */
#include "model/record.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/deadline.h"
#include "model/recur.h"
#include "model/util.h"

/* ---------------------------------------------------------------- schema */

enum ftype {
	T_STR,      /* string */
	T_ENUM,     /* string from a fixed list */
	T_INT,      /* integer in [min, max] */
	T_NINT,     /* null or integer in [min, max] */
	T_BOOL,
	T_DATE,     /* null or "YYYY-MM-DD" */
	T_STRS,     /* array of strings */
	T_DATES,    /* array of "YYYY-MM-DD", sorted, without duplicates */
	T_INTS,     /* array of integers in [min, max] */
	T_OBJS,     /* array of objects of a sub-schema */
	T_DEADLINE, /* null or one of two shapes, see record.h */
	T_RECUR,
	T_MAP       /* object of strings, keys sorted */
};

#define K(kind) (1u << (kind))
#define K_ITEMS (K(JALON_KIND_OS) | K(JALON_KIND_OO) | K(JALON_KIND_ACTION) | K(JALON_KIND_TASK))
#define K_ALL (K_ITEMS | K(JALON_KIND_PLAN) | K(JALON_KIND_PERSON))

struct field {
	const char *key;
	enum ftype type;
	unsigned kinds;      /* which record kinds have it (0 in sub-schemas) */
	const char *label;   /* French name for messages */
	long min, max;
	const void *sub;     /* T_ENUM: const char *const[] (NULL-ended); T_OBJS: struct field[] */
	const char *dflt;    /* T_STR/T_ENUM default */
	long dflt_int;
};

static const char *const STATUSES[] = {"à lancer", "en cours", "terminé", "reporté",
                                       "abandonné", NULL};
static const char *const HEALTHS[] = {"", "bon", "risque", "blocage", "en pause", NULL};
static const char *const VOLETS[] = {"", "externe", "interne", NULL};
static const char *const ROLES[] = {"mandataire", "responsable", "gestionnaire", "porteur",
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
	{"role", T_ENUM, 0, "rôle", 0, 0, ROLES, "porteur", 0},
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
static const struct field FIELDS[] = {
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

static const struct field *field_by_key(const char *key)
{
	for (const struct field *f = FIELDS; f->key; f++)
		if (!strcmp(f->key, key))
			return f;
	return NULL;
}

const char *jl_record_field_label(const char *field)
{
	const struct field *f = field_by_key(field);
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

static json_t *field_default(const struct field *f)
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
	for (const struct field *f = FIELDS; f->key; f++) {
		if (!(f->kinds & K(kind)))
			continue;
		json_t *v;
		if (!strcmp(f->key, "id"))
			v = json_string(id);
		else if (!strcmp(f->key, "kind"))
			v = json_string(KIND_NAMES[kind]);
		else
			v = field_default(f);
		json_object_set_new(rec, f->key, v);
	}
	return rec;
}

/* ---------------------------------------------------------------- canonical form */

static int in_list(const char *const *list, const char *s)
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
		json_t *c = in ? canon_value(f, in, err, errlen) : field_default(f);
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
static json_t *canon_dates(const struct field *f, json_t *v, char *err, size_t errlen)
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
		if (json_is_string(v) && in_list(f->sub, json_string_value(v)))
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
		return canon_dates(f, v, err, errlen);
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
	for (const struct field *f = FIELDS; f->key; f++) {
		if (!(f->kinds & K(kind)))
			continue;
		json_t *in = json_object_get(rec, f->key);
		json_t *c = in ? canon_value(f, in, err, errlen) : field_default(f);
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

/* ---------------------------------------------------------------- setting from text */

/* The French (and English) names a person may write for a field, folded. */
struct alias {
	const char *name; /* folded */
	const char *key;  /* field, or a pseudo-key handled by a setter */
};

static const struct alias ALIASES[] = {
	{"titre", "title"}, {"intitule", "title"}, {"title", "title"},
	{"label", "label"}, {"numero", "label"}, {"libelle", "label"},
	{"description", "description"},
	{"volet", "volet"},
	{"statut", "status"}, {"etat", "status"}, {"status", "status"},
	{"sante", "health"}, {"health", "health"},
	{"commentaire sante", "health_comment"}, {"commentaire de sante", "health_comment"},
	{"health_comment", "health_comment"},
	{"avancement", "progress"}, {"progression", "progress"}, {"progress", "progress"},
	{"poids", "weight"}, {"weight", "weight"},
	{"qui", "who"}, {"qui ?", "who"}, {"pilote", "who"}, {"who", "who"},
	{"echeance", "deadline"}, {"deadline", "deadline"},
	{"recurrence", "recurrence"}, {"frequence", "recurrence"},
	{"debut de la recurrence", "recurrence_anchor"}, {"debut recurrence", "recurrence_anchor"},
	{"recurrence_anchor", "recurrence_anchor"},
	{"fin de la recurrence", "recurrence_end"}, {"fin recurrence", "recurrence_end"},
	{"recurrence_end", "recurrence_end"},
	{"occurrences faites", "done_occurrences"}, {"done_occurrences", "done_occurrences"},
	{"occurrence faite", "done_occurrence"},
	{"debut", "planned_start"}, {"debut prevu", "planned_start"},
	{"planned_start", "planned_start"},
	{"fin", "planned_end"}, {"fin prevue", "planned_end"}, {"planned_end", "planned_end"},
	{"debut effectif", "actual_start"}, {"actual_start", "actual_start"},
	{"fin effective", "actual_end"}, {"actual_end", "actual_end"},
	{"priorite", "priority"}, {"prioritaire", "priority"}, {"priority", "priority"},
	{"partenaires", "partners"}, {"partenaire", "partners"}, {"partners", "partners"},
	{"plans", "sector_plans"}, {"plan sectoriel", "sector_plans"},
	{"plans sectoriels", "sector_plans"}, {"sector_plans", "sector_plans"},
	{"odd", "odd"},
	{"synergie", "synergy"}, {"synergie ville/cpas", "synergy"}, {"synergy", "synergy"},
	{"budget", "budget"},
	{"indicateur", "indicators"}, {"indicateurs", "indicators"},
	{"mesure", "measurement"},
	{"note", "notes"}, {"notes", "notes"},
	{"brouillon", "draft"}, {"draft", "draft"},
	{"mandataire", "mandataire"},
	{"responsable", "responsable"}, {"responsable administratif", "responsable"},
	{"gestionnaire", "gestionnaire"}, {"service gestionnaire", "gestionnaire"},
	{"porteur", "porteur"}, {"porteur de projet", "porteur"},
	{"repartition", "parents_share"},
	{"parent", "parent"},
	{"position", "position"},
	{"organisation", "organisation"},
	{"periode", "period"}, {"legislature", "period"},
	{"adoption", "adopted"}, {"adopte le", "adopted"},
	{"section", "sections"},
	{"nom", "name"}, {"name", "name"},
	{"email", "email"}, {"e-mail", "email"}, {"courriel", "email"},
	{"type", "type"},
	{NULL, NULL}};

/* The kinds a pseudo-key applies to (real fields use their own kinds). */
static unsigned pseudo_kinds(const char *key)
{
	if (!strcmp(key, "measurement") || !strcmp(key, "done_occurrence") ||
	    !strcmp(key, "mandataire") ||
	    !strcmp(key, "responsable") || !strcmp(key, "gestionnaire") ||
	    !strcmp(key, "porteur") || !strcmp(key, "parent"))
		return K_ITEMS;
	if (!strcmp(key, "parents_share"))
		return K(JALON_KIND_ACTION);
	if (!strcmp(key, "period"))
		return K(JALON_KIND_PLAN);
	return 0;
}

static unsigned key_kinds(const char *key)
{
	const struct field *f = field_by_key(key);
	return f ? f->kinds : pseudo_kinds(key);
}

static const char *resolve_alias(const char *folded)
{
	for (const struct alias *a = ALIASES; a->name; a++)
		if (!strcmp(a->name, folded))
			return a->key;
	return NULL;
}

/* The declaration of a custom field named like key for that kind, or NULL. */
static const json_t *custom_field(const json_t *plan, int kind, const char *folded_key)
{
	size_t i;
	json_t *decl;
	json_array_foreach(json_object_get(plan, "custom_fields"), i, decl) {
		char *name = jl_fold(json_string_value(json_object_get(decl, "name")));
		int same = name && !strcmp(name, folded_key);
		free(name);
		if (!same)
			continue;
		json_t *kinds = json_object_get(decl, "kinds");
		if (json_array_size(kinds) == 0)
			return decl;
		size_t j;
		json_t *k;
		json_array_foreach(kinds, j, k)
			if (jalon_kind_from_name(json_string_value(k)) == kind)
				return decl;
	}
	return NULL;
}

int jl_record_knows_key(jalon_kind kind, const char *key, const json_t *plan)
{
	char *folded = jl_fold(key);
	if (!folded)
		return 0;
	const char *k = resolve_alias(folded);
	int known = (k && (key_kinds(k) & K(kind))) || custom_field(plan, (int)kind, folded);
	free(folded);
	return known;
}

/* Matches a folded value against a list of canonical values, comparing folded forms. */
static const char *match_folded(const char *const *list, const char *folded)
{
	for (; *list; list++) {
		char *f = jl_fold(*list);
		int same = f && !strcmp(f, folded);
		free(f);
		if (same)
			return *list;
	}
	return NULL;
}

static int parse_bool(const char *folded, int *out)
{
	static const char *const YES[] = {"oui", "o", "vrai", "true", "1", "x", "yes", NULL};
	static const char *const NO[] = {"non", "n", "faux", "false", "0", "", "no", NULL};
	for (const char *const *p = YES; *p; p++)
		if (!strcmp(*p, folded))
			return *out = 1, 0;
	for (const char *const *p = NO; *p; p++)
		if (!strcmp(*p, folded))
			return *out = 0, 0;
	return -1;
}

/* A whole number in [min, max] with an optional trailing "%". */
static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	while (*s == ' ')
		s++;
	if (!*s)
		return -1;
	long n = strtol(s, &end, 10);
	while (*end == ' ')
		end++;
	if (*end == '%')
		end++;
	while (*end == ' ')
		end++;
	if (*end || end == s || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

int jl_record_parse_day(const char *s, jl_date *out)
{
	jl_date d;
	int day, month, year;
	char tail;
	if (jl_date_parse_iso(s, &d) != 0) {
		if (sscanf(s, "%d/%d/%d%c", &day, &month, &year, &tail) != 3)
			return -1;
		d.year = year, d.month = month, d.day = day;
		if (month < 1 || month > 12 || day < 1 || day > jl_date_days_in_month(year, month))
			return -1;
	}
	*out = d;
	return 0;
}

/* A date as "2019-10-15" or "15/10/2019" into ISO; "" gives null. */
static int parse_date_value(const char *s, json_t **out)
{
	jl_date d;
	if (!*s) {
		*out = json_null();
		return 0;
	}
	if (jl_record_parse_day(s, &d) != 0)
		return -1;
	char iso[11];
	jl_date_format_iso(d, iso);
	*out = json_string(iso);
	return 0;
}

/*
 * An amount as Belgians write it — "12 500,00 €", "12.500", "1250,5", "12500.50" — into
 * cents. With a comma, the comma is the decimal mark and dots and spaces group
 * thousands; without one, a dot followed by exactly one or two digits is the decimal
 * mark and any other dot groups thousands.
 */
static int parse_amount(const char *s, long long *cents)
{
	const char *decimal = strchr(s, ',');
	if (!decimal) {
		const char *dot = strrchr(s, '.');
		size_t after = 0;
		while (dot && isdigit((unsigned char)dot[1 + after]))
			after++;
		if (dot && after >= 1 && after <= 2 && !dot[1 + after])
			decimal = dot;
	}
	char digits[20];
	size_t n = 0;
	int negative = 0, decimals = -1; /* digits seen after the decimal mark, -1 before it */
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (p == decimal) {
			decimals = 0;
		} else if (isdigit(c)) {
			if (n + 1 >= sizeof digits || (decimals >= 0 && ++decimals > 2))
				return -1;
			digits[n++] = (char)c;
		} else if (c == '-' && n == 0) {
			negative = 1;
		} else if (c == ' ' || c == '.' || c == '\'') {
			continue; /* groups thousands */
		} else if (!strncmp(p, "\xc2\xa0", 2)) {
			p += 1; /* no-break space */
		} else if (!strncmp(p, "\xe2\x80\xaf", 3) || !strncmp(p, "\xe2\x82\xac", 3) ||
		           !strncmp(p, "EUR", 3)) {
			p += 2; /* narrow no-break space, the euro sign */
		} else {
			return -1;
		}
	}
	if (n == 0)
		return -1;
	digits[n] = '\0';
	long long value = strtoll(digits, NULL, 10);
	value *= decimals <= 0 ? 100 : decimals == 1 ? 10 : 1;
	*cents = negative ? -value : value;
	return 0;
}

/* Splits "a ; b ; c" at any of the characters in seps into trimmed parts; empty parts
 * are dropped from lists, kept where the position tells the meaning (budget lines). */
static json_t *split_parts(const char *value, const char *seps, int keep_empty)
{
	json_t *out = json_array();
	char *copy = jl_strdup(value);
	char *save = copy;
	for (char *p = copy;; p++) {
		if (*p && !strchr(seps, *p))
			continue;
		int last = !*p;
		*p = '\0';
		char *part = jl_trim(save);
		if (*part || keep_empty)
			json_array_append_new(out, json_string(part));
		save = p + 1;
		if (last)
			break;
	}
	free(copy);
	return out;
}

static json_t *split_list(const char *value, const char *seps)
{
	return split_parts(value, seps, 0);
}

static const char *part(json_t *parts, size_t i)
{
	const char *s = json_string_value(json_array_get(parts, i));
	return s ? s : "";
}

/* Parses "clé: valeur" inside an indicator's list; returns the folded key or NULL. */
static char *subkey(const char *s, const char **value)
{
	const char *colon = strchr(s, ':');
	if (!colon)
		return NULL;
	char *key = jl_strndup(s, (size_t)(colon - s));
	char *folded = jl_fold(key);
	free(key);
	*value = colon + 1;
	while (**value == ' ')
		(*value)++;
	return folded;
}

static int set_budget(json_t *rec, const char *value, char *err, size_t errlen)
{
	json_t *lines = json_object_get(rec, "budget");
	if (!*value) {
		json_array_clear(lines);
		return 0;
	}
	json_t *parts = split_parts(value, ";", 1);
	long year = 0;
	long long cents = 0, spent = 0;
	int rc = 0;
	if (json_array_size(parts) < 2 || parse_int(part(parts, 0), 1900, 2200, &year) != 0)
		rc = jl_say(err, errlen, "budget : « année ; montant ; fonction ; source [; libellé"
		                         " [; dépensé]] » attendu, pas « %s »", value);
	else if (parse_amount(part(parts, 1), &cents) != 0)
		rc = jl_say(err, errlen, "budget : montant illisible « %s » (ex. « 12 500,00 € »)",
		          part(parts, 1));
	else if (*part(parts, 5) && parse_amount(part(parts, 5), &spent) != 0)
		rc = jl_say(err, errlen, "budget : montant dépensé illisible « %s » (ex. « 8 000 € »)",
		          part(parts, 5));
	if (rc == 0) {
		json_t *line = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}", "year", (json_int_t)year,
		                         "amount_cents", (json_int_t)cents, "fonction", part(parts, 2),
		                         "source", part(parts, 3), "label", part(parts, 4),
		                         "spent_cents", *part(parts, 5) ? json_integer(spent)
		                                                         : json_null());
		json_array_append_new(lines, line);
	}
	json_decref(parts);
	return rc;
}

static int set_indicator(json_t *rec, const char *value, char *err, size_t errlen)
{
	json_t *list = json_object_get(rec, "indicators");
	if (!*value) {
		json_array_clear(list);
		return 0;
	}
	json_t *parts = split_list(value, ";");
	json_t *ind = json_pack("{s:s, s:s, s:s, s:s, s:n, s:[]}", "label", part(parts, 0), "unit",
	                        "", "baseline", "", "target", "", "year", "measurements");
	int rc = 0;
	for (size_t i = 1; i < json_array_size(parts) && rc == 0; i++) {
		const char *v;
		char *k = subkey(part(parts, i), &v);
		long year;
		if (k && (!strcmp(k, "unite") || !strcmp(k, "unit")))
			json_object_set_new(ind, "unit", json_string(v));
		else if (k && (!strcmp(k, "base") || !strcmp(k, "valeur de base") ||
		               !strcmp(k, "baseline")))
			json_object_set_new(ind, "baseline", json_string(v));
		else if (k && (!strcmp(k, "cible") || !strcmp(k, "target")))
			json_object_set_new(ind, "target", json_string(v));
		else if (k && (!strcmp(k, "annee") || !strcmp(k, "year")) &&
		         parse_int(v, 1900, 2200, &year) == 0)
			json_object_set_new(ind, "year", json_integer(year));
		else
			rc = jl_say(err, errlen, "indicateur : « %s » non reconnu ; attendu « libellé ; "
			                       "unité: … ; base: … ; cible: … ; année: … »",
			          part(parts, i));
		free(k);
	}
	if (rc == 0 && !*part(parts, 0))
		rc = jl_say(err, errlen, "indicateur : le libellé manque");
	if (rc == 0)
		json_array_append(list, ind);
	json_decref(ind);
	json_decref(parts);
	return rc;
}

static int set_measurement(json_t *rec, const char *value, char *err, size_t errlen)
{
	json_t *list = json_object_get(rec, "indicators");
	json_t *parts = split_list(value, ";");
	json_t *date = NULL;
	json_t *ind = json_array_get(list, json_array_size(list) - 1);
	int rc = 0;
	if (json_array_size(parts) < 2 || parse_date_value(part(parts, 0), &date) != 0 ||
	    json_is_null(date))
		rc = jl_say(err, errlen, "mesure : « date ; valeur [; indicateur] » attendu, pas « %s »",
		          value);
	if (rc == 0 && json_array_size(parts) > 2) {
		ind = NULL;
		char *want = jl_fold(part(parts, 2));
		size_t i;
		json_t *e;
		json_array_foreach(list, i, e) {
			char *have = jl_fold(json_string_value(json_object_get(e, "label")));
			if (have && want && !strcmp(have, want))
				ind = e;
			free(have);
		}
		free(want);
	}
	if (rc == 0 && !ind)
		rc = jl_say(err, errlen, "mesure : aucun indicateur %s", json_array_size(parts) > 2
		                                                           ? "de ce nom"
		                                                           : "déclaré avant");
	if (rc == 0)
		json_array_append_new(json_object_get(ind, "measurements"),
		                      json_pack("{s:O, s:s}", "date", date, "value", part(parts, 1)));
	json_decref(date);
	json_decref(parts);
	return rc;
}

static int set_people(json_t *rec, const char *role, const char *value,
                      const record_context *ctx, char *err, size_t errlen)
{
	if (!ctx || !ctx->person)
		return jl_say(err, errlen, "%s : les personnes ne peuvent être liées ici", role);
	json_t *names = split_list(value, ",;+");
	json_t *people = json_object_get(rec, "people");
	json_t *kept = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(people, i, e)
		if (strcmp(json_string_value(json_object_get(e, "role")), role))
			json_array_append(kept, e);
	int rc = 0;
	json_array_foreach(names, i, e) {
		char id[64];
		rc = ctx->person(ctx->ud, json_string_value(e), id, sizeof id, err, errlen);
		if (rc != 0)
			break;
		json_array_append_new(kept, json_pack("{s:s, s:s}", "role", role, "person", id));
	}
	if (rc == 0)
		json_object_set(rec, "people", kept);
	json_decref(kept);
	json_decref(names);
	return rc;
}

int jl_record_parent_kind(int kind)
{
	switch (kind) {
	case JALON_KIND_OO:
		return JALON_KIND_OS;
	case JALON_KIND_ACTION:
		return JALON_KIND_OO;
	case JALON_KIND_TASK:
		return JALON_KIND_ACTION;
	default:
		return -1;
	}
}

/* "OO 1 = 60 ; OO 3 = 40": an action under several OO with its budget shares. */
static int set_shares(json_t *rec, const char *value, const record_context *ctx, char *err,
                      size_t errlen)
{
	if (!ctx || !ctx->item)
		return jl_say(err, errlen, "répartition : impossible de résoudre les OO ici");
	json_t *parts = split_list(value, ";");
	json_t *parents = json_array();
	long total = 0;
	int rc = 0;
	size_t i;
	json_t *e;
	json_array_foreach(parts, i, e) {
		const char *s = json_string_value(e);
		const char *eq = strrchr(s, '=');
		long share;
		char id[64];
		if (!eq || parse_int(eq + 1, 0, 100, &share) != 0) {
			rc = jl_say(err, errlen, "répartition : « OO = pourcentage » attendu, pas « %s »", s);
			break;
		}
		char *ref = jl_trim(jl_strndup(s, (size_t)(eq - s)));
		rc = ctx->item(ctx->ud, ref, JALON_KIND_OO, id, sizeof id, err, errlen);
		free(ref);
		if (rc != 0)
			break;
		json_array_append_new(parents, json_pack("{s:s, s:I}", "id", id, "share",
		                                         (json_int_t)share));
		total += share;
	}
	if (rc == 0 && total != 100)
		rc = jl_say(err, errlen, "répartition : les parts font %ld %%, pas 100 %%", total);
	if (rc == 0)
		json_object_set(rec, "parents", parents);
	json_decref(parents);
	json_decref(parts);
	return rc;
}

static int set_parent(json_t *rec, const char *value, const record_context *ctx, char *err,
                      size_t errlen)
{
	char id[64];
	int want = jl_record_parent_kind(jl_record_kind(rec));
	if (!ctx || !ctx->item)
		return jl_say(err, errlen, "parent : impossible de résoudre « %s » ici", value);
	if (ctx->item(ctx->ud, value, want, id, sizeof id, err, errlen) != 0)
		return -1;
	json_object_set_new(rec, "parents", json_pack("[{s:s, s:i}]", "id", id, "share", 100));
	return 0;
}

/* "2019-2024" → period_start, period_end. */
static int set_period(json_t *rec, const char *value, char *err, size_t errlen)
{
	int a, b;
	char tail;
	if (sscanf(value, "%d - %d%c", &a, &b, &tail) != 2 || a < 1900 || b > 2200 || b < a)
		return jl_say(err, errlen, "période : « 2019-2024 » attendu, pas « %s »", value);
	json_object_set_new(rec, "period_start", json_integer(a));
	json_object_set_new(rec, "period_end", json_integer(b));
	return 0;
}

/* "Titre : texte" replaces the section of that title, or adds one. */
static int set_section(json_t *rec, const char *value, char *err, size_t errlen)
{
	const char *sep = strstr(value, " : ");
	if (!sep)
		return jl_say(err, errlen, "section : « titre : texte » attendu");
	char *title = jl_trim(jl_strndup(value, (size_t)(sep - value)));
	json_t *sections = json_object_get(rec, "sections");
	size_t i;
	json_t *e;
	json_t *found = NULL;
	json_array_foreach(sections, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "title")), title))
			found = e;
	if (found)
		json_object_set_new(found, "text", json_string(sep + 3));
	else
		json_array_append_new(sections, json_pack("{s:s, s:s}", "title", title, "text", sep + 3));
	free(title);
	return 0;
}

/* Understands an échéance: a recurrence ("1x/an"), a date or period, or flags it. */
static void set_deadline(json_t *rec, const char *value)
{
	jl_recurrence r;
	jl_deadline d;
	/* People write deadlines and recurrences in the same column (« Échéance : 1x/an »):
	 * a new échéance replaces both. */
	json_object_set_new(rec, "recurrence", json_null());
	if (!*value) {
		json_object_set_new(rec, "deadline", json_null());
		return;
	}
	int rc = jl_recurrence_parse(value, &r);
	if (rc == 1) {
		json_object_set_new(rec, "recurrence",
		                    json_pack("{s:s, s:s, s:b, s:s}", "text", value, "rule", r.rule,
		                              "to_confirm", r.to_confirm, "note", r.note));
		json_object_set_new(rec, "deadline", json_null());
		return;
	}
	if (jl_deadline_parse(value, &d) == 0) {
		char start[11], end[11];
		jl_date_format_iso(d.start, start);
		jl_date_format_iso(d.end, end);
		json_object_set_new(rec, "deadline",
		                    json_pack("{s:s, s:s, s:s, s:s, s:s}", "text", value, "start", start,
		                              "end", end, "precision", jl_precision_name(d.precision),
		                              "due", d.due));
	} else {
		json_object_set_new(rec, "deadline", json_pack("{s:s, s:s}", "text", value, "error",
		                                               rc < 0 ? r.note : d.reason));
	}
}

static void set_recurrence(json_t *rec, const char *value)
{
	jl_recurrence r;
	if (!*value) {
		json_object_set_new(rec, "recurrence", json_null());
		return;
	}
	int rc = jl_recurrence_parse(value, &r);
	if (rc == 1)
		json_object_set_new(rec, "recurrence",
		                    json_pack("{s:s, s:s, s:b, s:s}", "text", value, "rule", r.rule,
		                              "to_confirm", r.to_confirm, "note", r.note));
	else
		json_object_set_new(rec, "recurrence", json_pack("{s:s, s:s}", "text", value, "error",
		                                                 r.note));
}

static int set_enum(json_t *rec, const struct field *f, const char *value, char *err,
                    size_t errlen)
{
	char *folded = jl_fold(value);
	const char *canonical = match_folded(f->sub, folded);
	if (!canonical && !strcmp(f->key, "status")) {
		static const struct alias STATUS_WORDS[] = {
			{"a demarrer", "à lancer"}, {"non commence", "à lancer"}, {"a faire", "à lancer"},
			{"en cours de realisation", "en cours"}, {"commence", "en cours"},
			{"fait", "terminé"}, {"realise", "terminé"}, {"acheve", "terminé"},
			{"fini", "terminé"}, {"postpose", "reporté"}, {"abandon", "abandonné"},
			{NULL, NULL}};
		for (const struct alias *a = STATUS_WORDS; a->name; a++)
			if (!strcmp(a->name, folded))
				canonical = a->key;
	}
	if (!canonical && !strcmp(f->key, "health") && (!strcmp(folded, "bloque") ||
	                                                !strcmp(folded, "pause")))
		canonical = folded[0] == 'b' ? "blocage" : "en pause";
	free(folded);
	if (!canonical) {
		jl_buf b = JL_BUF_INIT;
		for (const char *const *p = f->sub; *p; p++)
			if (**p)
				jl_buf_printf(&b, "%s« %s »", b.len ? ", " : "", *p);
		jl_say(err, errlen, "%s : valeur « %s » non reconnue ; attendu : %s", f->label, value,
		     b.ptr ? b.ptr : "");
		jl_buf_free(&b);
		return -1;
	}
	json_object_set_new(rec, f->key, json_string(canonical));
	return 0;
}

/* "risque : en attente du subside" → health and its comment. */
static int set_health(json_t *rec, const struct field *f, const char *value, char *err,
                      size_t errlen)
{
	const char *sep = strpbrk(value, ":-\xe2");
	char *state = jl_trim(jl_strndup(value, sep ? (size_t)(sep - value) : strlen(value)));
	int rc = set_enum(rec, f, state, err, errlen);
	free(state);
	if (rc == 0 && sep) {
		sep += (unsigned char)*sep == 0xe2 ? 3 : 1; /* ":" "-" or "–" */
		char *comment = jl_trim(jl_strdup(sep));
		json_object_set_new(rec, "health_comment", json_string(comment));
		free(comment);
	}
	return rc;
}

static int set_priority(json_t *rec, const char *value)
{
	char *folded = jl_fold(value);
	int flag;
	if (parse_bool(folded, &flag) == 0) {
		json_object_set_new(rec, "priority", json_boolean(flag));
		if (!flag)
			json_object_set_new(rec, "priority_period", json_string(""));
	} else {
		json_object_set_new(rec, "priority", json_true());
		json_object_set_new(rec, "priority_period", json_string(value));
	}
	free(folded);
	return 0;
}

/* "1, 8, 10", "ODD 1, 8", "ODD1 ; ODD8": the goals' numbers. */
static int set_odd(json_t *rec, const char *value, char *err, size_t errlen)
{
	json_t *parts = split_list(value, ",; ");
	json_t *odd = json_array();
	size_t i;
	json_t *e;
	int rc = 0;
	json_array_foreach(parts, i, e) {
		long n;
		const char *s = json_string_value(e);
		if (!strncmp(s, "ODD", 3) || !strncmp(s, "odd", 3))
			s += 3;
		if (!*s)
			continue; /* "ODD" written before the numbers */
		if (parse_int(s, 1, 17, &n) != 0) {
			rc = jl_say(err, errlen, "ODD : numéros de 1 à 17 attendus, pas « %s »",
			          json_string_value(e));
			break;
		}
		json_array_append_new(odd, json_integer(n));
	}
	if (rc == 0)
		json_object_set(rec, "odd", odd);
	json_decref(odd);
	json_decref(parts);
	return rc;
}

static int set_custom(json_t *rec, const json_t *decl, const char *value, char *err,
                      size_t errlen)
{
	const char *name = json_string_value(json_object_get(decl, "name"));
	const char *type = json_string_value(json_object_get(decl, "type"));
	json_t *values = json_object_get(decl, "values");
	long n;
	json_t *date = NULL;
	if (!strcmp(type, "entier") && *value && parse_int(value, -2000000000L, 2000000000L, &n))
		return jl_say(err, errlen, "%s : un entier est attendu, pas « %s »", name, value);
	if (!strcmp(type, "date") && parse_date_value(value, &date) != 0)
		return jl_say(err, errlen, "%s : une date est attendue, pas « %s »", name, value);
	json_decref(date);
	if (!strcmp(type, "oui/non")) {
		char *folded = jl_fold(value);
		int b, bad = parse_bool(folded, &b);
		free(folded);
		if (bad)
			return jl_say(err, errlen, "%s : oui ou non est attendu, pas « %s »", name, value);
		value = b ? "oui" : "non";
	}
	if (!strcmp(type, "liste") && *value) {
		size_t i;
		json_t *v;
		int ok = 0;
		json_array_foreach(values, i, v)
			ok = ok || !strcmp(json_string_value(v), value);
		if (!ok)
			return jl_say(err, errlen, "%s : « %s » n'est pas une valeur permise", name, value);
	}
	json_object_set_new(json_object_get(rec, "custom"), name, json_string(value));
	return 0;
}

static int set_field(json_t *rec, const struct field *f, const char *value,
                     char *err, size_t errlen)
{
	long n;
	int flag;
	json_t *v = NULL;
	char *folded;
	switch (f->type) {
	case T_STR:
		json_object_set_new(rec, f->key, json_string(value));
		return 0;
	case T_ENUM:
		if (!strcmp(f->key, "health"))
			return set_health(rec, f, value, err, errlen);
		return set_enum(rec, f, value, err, errlen);
	case T_INT:
	case T_NINT:
		if (f->type == T_NINT && !*value) {
			json_object_set_new(rec, f->key, json_null());
			return 0;
		}
		if (parse_int(value, f->min, f->max, &n) != 0)
			return jl_say(err, errlen, "%s : un entier de %ld à %ld est attendu, pas « %s »",
			            f->label, f->min, f->max, value);
		json_object_set_new(rec, f->key, json_integer(n));
		return 0;
	case T_BOOL:
		folded = jl_fold(value);
		n = parse_bool(folded, &flag);
		free(folded);
		if (n != 0)
			return jl_say(err, errlen, "%s : oui ou non est attendu, pas « %s »", f->label, value);
		json_object_set_new(rec, f->key, json_boolean(flag));
		return 0;
	case T_DATE:
		if (parse_date_value(value, &v) != 0)
			return jl_say(err, errlen, "%s : une date (2019-10-15 ou 15/10/2019) est attendue, "
			                         "pas « %s »", f->label, value);
		json_object_set_new(rec, f->key, v);
		return 0;
	case T_STRS:
		if (!strcmp(f->key, "notes")) {
			if (*value)
				json_array_append_new(json_object_get(rec, "notes"), json_string(value));
			else
				json_array_clear(json_object_get(rec, "notes"));
		} else {
			json_object_set_new(rec, f->key, split_list(value, ",;"));
		}
		return 0;
	default:
		return jl_say(err, errlen, "%s : ne peut pas s'écrire ainsi", f->label);
	}
}

/*
 * "occurrences faites=2020-03-10, 2020-06-09" replaces the list; "occurrence
 * faite=2020-09-08" (append) adds one day to it. Dates as 2019-10-15 or 15/10/2019.
 */
static int set_dates(json_t *rec, const struct field *f, const char *value, int append,
                     char *err, size_t errlen)
{
	json_t *days = append ? json_deep_copy(json_object_get(rec, f->key))
	                      : json_array();
	json_t *parts = split_list(value, append ? "" : ",; ");
	size_t i;
	json_t *p;
	int rc = 0;
	json_array_foreach(parts, i, p) {
		json_t *day = NULL;
		if (parse_date_value(json_string_value(p), &day) != 0 || json_is_null(day)) {
			json_decref(day);
			rc = jl_say(err, errlen, "%s : une date (2019-10-15 ou 15/10/2019) est attendue, "
			                       "pas « %s »", f->label, json_string_value(p));
			break;
		}
		json_array_append_new(days, day);
	}
	if (rc == 0 && append && json_array_size(parts) == 0)
		rc = jl_say(err, errlen, "%s : une date est attendue", f->label);
	json_t *sorted = rc == 0 ? canon_dates(f, days, err, errlen) : NULL;
	if (sorted)
		json_object_set_new(rec, f->key, sorted);
	json_decref(parts);
	json_decref(days);
	return sorted ? 0 : -1;
}

static int dispatch(json_t *rec, const char *key, const char *value, const record_context *ctx,
                    char *err, size_t errlen)
{
	if (!strcmp(key, "done_occurrences") || !strcmp(key, "done_occurrence"))
		return set_dates(rec, field_by_key("done_occurrences"), value,
		                 !strcmp(key, "done_occurrence"), err, errlen);
	if (!strcmp(key, "deadline"))
		return set_deadline(rec, value), 0;
	if (!strcmp(key, "recurrence"))
		return set_recurrence(rec, value), 0;
	if (!strcmp(key, "priority"))
		return set_priority(rec, value);
	if (!strcmp(key, "odd"))
		return set_odd(rec, value, err, errlen);
	if (!strcmp(key, "budget"))
		return set_budget(rec, value, err, errlen);
	if (!strcmp(key, "indicators"))
		return set_indicator(rec, value, err, errlen);
	if (!strcmp(key, "measurement"))
		return set_measurement(rec, value, err, errlen);
	if (in_list(ROLES, key))
		return set_people(rec, key, value, ctx, err, errlen);
	if (!strcmp(key, "parents_share"))
		return set_shares(rec, value, ctx, err, errlen);
	if (!strcmp(key, "parent"))
		return set_parent(rec, value, ctx, err, errlen);
	if (!strcmp(key, "period"))
		return set_period(rec, value, err, errlen);
	if (!strcmp(key, "sections"))
		return set_section(rec, value, err, errlen);
	if (!strcmp(key, "id") || !strcmp(key, "kind"))
		return jl_say(err, errlen, "%s : ne se change pas", jl_record_field_label(key));
	return set_field(rec, field_by_key(key), value, err, errlen);
}

static void list_keys(jl_buf *b, int kind)
{
	const char *last = NULL;
	for (const struct alias *a = ALIASES; a->name; a++) {
		if (!(key_kinds(a->key) & K(kind)) || (last && !strcmp(last, a->key)) ||
		    !strcmp(a->key, "id") || !strcmp(a->key, "kind"))
			continue;
		if (strchr(a->name, '_'))
			continue;
		jl_buf_printf(b, "%s%s", b->len ? ", " : "", a->name);
		last = a->key;
	}
}

int jl_record_set(json_t *rec, const char *key, const char *value, const record_context *ctx,
               char *err, size_t errlen)
{
	int kind = jl_record_kind(rec);
	char *folded = jl_fold(key);
	char *trimmed = jl_trim(jl_strdup(value ? value : ""));
	if (!folded || !trimmed || kind < 0) {
		free(folded);
		free(trimmed);
		return jl_say(err, errlen, "mémoire insuffisante ou enregistrement invalide");
	}
	const char *k = resolve_alias(folded);
	const json_t *decl = custom_field(ctx ? ctx->plan : NULL, kind, folded);
	int rc;
	if (!jl_utf8_valid(trimmed, strlen(trimmed))) {
		rc = jl_say(err, errlen, "%s : texte qui n'est pas de l'UTF-8 valide", key);
	} else if (k && (key_kinds(k) & K(kind))) {
		/* Every setter checks the whole value before it changes anything: a refused
		 * value leaves the record as it was (tests/test_record.c checks it). */
		rc = dispatch(rec, k, trimmed, ctx, err, errlen);
	} else if (decl) {
		rc = set_custom(rec, decl, trimmed, err, errlen);
	} else {
		jl_buf b = JL_BUF_INIT;
		list_keys(&b, kind);
		rc = jl_say(err, errlen, "clé inconnue « %s » pour %s ; clés possibles : %s", key,
		          kind == JALON_KIND_TASK ? "une tâche" : KIND_NAMES[kind], b.ptr ? b.ptr : "");
		jl_buf_free(&b);
	}
	free(folded);
	free(trimmed);
	return rc;
}

/* ---------------------------------------------------------------- display and diff */

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
	const struct field *f = field_by_key(key);
	json_t *v = json_object_get(rec, key);
	if (!f || !v)
		return 1;
	json_t *d = field_default(f);
	int same = json_equal(d, v);
	json_decref(d);
	return same;
}

static int is_default(const struct field *f, const json_t *v)
{
	json_t *d = field_default(f);
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
	for (const struct field *f = FIELDS; f->key; f++) {
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
