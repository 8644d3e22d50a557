/* SPDX-License-Identifier: MIT */
/*
 * Setting a record's fields from text as a person writes them (record.h: jl_record_set,
 * jl_record_knows_key, jl_record_parse_day, jl_record_parent_kind): the French names and
 * aliases of the fields, and how each kind of value is read.
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
	const struct field *f = jl_schema_field(key);
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
	json_t *sorted = rc == 0 ? jl_schema_canon_dates(f, days, err, errlen) : NULL;
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
		return set_dates(rec, jl_schema_field("done_occurrences"), value,
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
	if (jl_schema_in_list(jl_schema_roles, key))
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
	return set_field(rec, jl_schema_field(key), value, err, errlen);
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
		          kind == JALON_KIND_TASK ? "une tâche" : jl_record_kind_names()[kind], b.ptr ? b.ptr : "");
		jl_buf_free(&b);
	}
	free(folded);
	free(trimmed);
	return rc;
}

