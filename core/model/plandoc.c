/* SPDX-License-Identifier: MIT */
/*
 * Plan documents: building, looking up, checking and renumbering them, and the
 * attribute texts the writers (outline, CSV) emit. See plandoc.h.
 */
#include "model/plandoc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/util.h"

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static const char *str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static int is_item_kind(int kind)
{
	return kind >= JALON_KIND_OS && kind <= JALON_KIND_TASK;
}

/* ---------------------------------------------------------------- building */

json_t *jl_plandoc_new(void)
{
	json_t *doc = json_object();
	json_t *plan = jl_record_new(JALON_KIND_PLAN, "plan");
	if (!doc || !plan ||
	    json_object_set_new(doc, "format", json_string(PLANDOC_FORMAT)) ||
	    json_object_set_new(doc, "version", json_integer(PLANDOC_VERSION)) ||
	    json_object_set(doc, "plan", plan) ||
	    json_object_set_new(doc, "people", json_array()) ||
	    json_object_set_new(doc, "items", json_array())) {
		json_decref(doc);
		json_decref(plan);
		return NULL;
	}
	json_decref(plan);
	return doc;
}

json_t *jl_plandoc_plan(const json_t *doc)
{
	json_t *plan = json_object_get(doc, "plan");
	return json_is_object(plan) ? plan : NULL;
}

json_t *jl_plandoc_people(const json_t *doc)
{
	json_t *people = json_object_get(doc, "people");
	return json_is_array(people) ? people : NULL;
}

json_t *jl_plandoc_items(const json_t *doc)
{
	json_t *items = json_object_get(doc, "items");
	return json_is_array(items) ? items : NULL;
}

/* "action-8" when the highest action number in use is 7. */
static char *next_id(const json_t *list, jalon_kind kind)
{
	long max = 0;
	size_t i;
	json_t *rec;
	json_array_foreach(list, i, rec) {
		const char *id = jl_record_id(rec);
		if (jl_record_id_kind(id) == (int)kind && jl_record_id_number(id) > max)
			max = jl_record_id_number(id);
	}
	return jl_sprintf("%s-%ld", jalon_kind_name(kind), max + 1);
}

static size_t index_of(const json_t *list, const char *id)
{
	size_t i;
	json_t *rec;
	json_array_foreach(list, i, rec)
		if (id && !strcmp(str(rec, "id"), id))
			return i;
	return SIZE_MAX;
}

static const char *first_parent(const json_t *item)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(item, "parents"), 0),
	                                         "id"));
}

/* Where an item under parent_id goes: after the parent's last descendant, which in tree
 * order are the items right after it at a deeper level. */
static size_t insertion_index(const json_t *items, const char *parent_id)
{
	size_t n = json_array_size(items);
	size_t at = parent_id ? index_of(items, parent_id) : SIZE_MAX;
	if (at == SIZE_MAX)
		return n;
	int level = jl_record_kind(json_array_get(items, at));
	for (at++; at < n && jl_record_kind(json_array_get(items, at)) > level; at++)
		;
	return at;
}

static long sibling_count(const json_t *items, const char *parent_id)
{
	long count = 0;
	size_t i;
	json_t *rec;
	json_array_foreach(items, i, rec) {
		const char *p = first_parent(rec);
		if (parent_id ? (p && !strcmp(p, parent_id)) : jl_record_kind(rec) == JALON_KIND_OS)
			count++;
	}
	return count;
}

json_t *jl_plandoc_add_item(json_t *doc, jalon_kind kind, const char *parent_id)
{
	json_t *items = jl_plandoc_items(doc);
	if (!items || !is_item_kind((int)kind) || (kind != JALON_KIND_OS && !parent_id))
		return NULL;
	char *id = next_id(items, kind);
	json_t *rec = id ? jl_record_new(kind, id) : NULL;
	free(id);
	if (!rec)
		return NULL;
	if (kind != JALON_KIND_OS)
		json_object_set_new(rec, "parents",
		                    json_pack("[{s:s, s:i}]", "id", parent_id, "share", 100));
	json_object_set_new(rec, "position", json_integer(sibling_count(items, parent_id) + 1));
	size_t at = insertion_index(items, kind == JALON_KIND_OS ? NULL : parent_id);
	if (json_array_insert_new(items, at, rec) != 0)
		return NULL;
	return rec;
}

json_t *jl_plandoc_find(const json_t *doc, const char *id)
{
	json_t *list = jl_record_id_kind(id) == JALON_KIND_PERSON ? jl_plandoc_people(doc)
	                                                         : jl_plandoc_items(doc);
	size_t at = index_of(list, id);
	return at == SIZE_MAX ? NULL : json_array_get(list, at);
}

/* ---------------------------------------------------------------- people */

static int same_folded(const char *a, const char *b)
{
	char *fa = jl_fold(a), *fb = jl_fold(b);
	int same = fa && fb && !strcmp(fa, fb);
	free(fa);
	free(fb);
	return same;
}

/* Emails compare ignoring ASCII case. */
static int same_email(const char *a, const char *b)
{
	if (!*a || strlen(a) != strlen(b))
		return 0;
	for (; *a; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
		if (x != y)
			return 0;
	}
	return 1;
}

json_t *jl_plandoc_find_person(const json_t *doc, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(jl_plandoc_people(doc), i, p)
		if (same_email(name, str(p, "email")) || same_folded(name, str(p, "name")))
			return p;
	return NULL;
}

/* Splits "Nom <email>", "<email>", "email@x" or "Nom" into a trimmed name and email. */
static int split_person(const char *text, char **name, char **email, char *err, size_t errlen)
{
	char *t = jl_trim(jl_strdup(text));
	char *lt = t ? strchr(t, '<') : NULL;
	char *gt = lt ? strchr(lt, '>') : NULL;
	*name = *email = NULL;
	if (!t)
		return fail(err, errlen, JALON_ENOMEM, "mémoire insuffisante");
	if (lt && (!gt || gt[1])) {
		fail(err, errlen, JALON_EINVALID, "personne « %s » : « Nom <adresse> » attendu", t);
		free(t);
		return JALON_EINVALID;
	}
	if (lt) {
		*gt = '\0';
		char *e = jl_strdup(lt + 1);
		*email = e ? jl_trim(e) : NULL;
		*lt = '\0';
		*name = jl_trim(t);
	} else if (strchr(t, '@') && !strpbrk(t, " \t")) {
		*email = t;
		*name = jl_strdup("");
	} else {
		*name = t;
		*email = jl_strdup("");
	}
	if (!*name || !*email)
		return fail(err, errlen, JALON_ENOMEM, "mémoire insuffisante");
	const char *at = strchr(*email, '@');
	if (**email && (!at || at == *email || !at[1] || strpbrk(*email, " \t<>") ||
	                strchr(at + 1, '@')))
		return fail(err, errlen, JALON_EINVALID, "adresse électronique invalide « %s »",
		            *email);
	if (!**name && !**email)
		return fail(err, errlen, JALON_EINVALID, "personne sans nom ni adresse");
	return 0;
}

/* The person with that email, else the one with that name and no other email. */
static int match_person(const json_t *doc, const char *name, const char *email, json_t **out,
                        char *err, size_t errlen)
{
	size_t i, found = 0;
	json_t *p;
	*out = NULL;
	if (*email)
		json_array_foreach(jl_plandoc_people(doc), i, p)
			if (same_email(email, str(p, "email")))
				return *out = p, 0;
	if (!*name)
		return 0;
	json_array_foreach(jl_plandoc_people(doc), i, p) {
		if (!same_folded(name, str(p, "name")) || (*email && *str(p, "email")))
			continue;
		if (found++)
			return fail(err, errlen, JALON_EAMBIGUOUS,
			            "personne ambiguë « %s » : plusieurs personnes portent ce nom ; "
			            "précisez l'adresse (« Nom <adresse> »)", name);
		*out = p;
	}
	return 0;
}

static json_t *create_person(json_t *doc, const char *name, const char *email, char *err,
                             size_t errlen)
{
	json_t *people = jl_plandoc_people(doc);
	char *id = next_id(people, JALON_KIND_PERSON);
	json_t *p = id ? jl_record_new(JALON_KIND_PERSON, id) : NULL;
	free(id);
	if (!p || jl_record_set(p, "nom", *name ? name : email, NULL, err, errlen) != 0 ||
	    jl_record_set(p, "email", email, NULL, err, errlen) != 0) {
		json_decref(p);
		return NULL;
	}
	/* json_array_append_new takes the reference, also when it fails. */
	return json_array_append_new(people, p) == 0 ? p : NULL;
}

int jl_plandoc_person(json_t *doc, const char *text, json_t **out, char *err, size_t errlen)
{
	char *name, *email;
	json_t *p = NULL;
	*out = NULL;
	if (!jl_plandoc_people(doc))
		return fail(err, errlen, JALON_EINVALID, "document sans liste de personnes");
	int rc = split_person(text ? text : "", &name, &email, err, errlen);
	if (rc == 0)
		rc = match_person(doc, name, email, &p, err, errlen);
	if (rc == 0 && p && *email && !*str(p, "email"))
		json_object_set_new(p, "email", json_string(email));
	if (rc == 0 && !p && !(p = create_person(doc, name, email, err, errlen)))
		rc = JALON_EINVALID;
	free(name);
	free(email);
	if (rc == 0)
		*out = p;
	return rc;
}

char *jl_plandoc_person_ref(const json_t *doc, const json_t *person)
{
	const char *name = str(person, "name"), *email = str(person, "email");
	size_t i, same = 0;
	json_t *p;
	json_array_foreach(jl_plandoc_people(doc), i, p)
		same += same_folded(name, str(p, "name"));
	int name_is_email = *email && !strcmp(name, email);
	if (*name && !name_is_email && (same <= 1 || !*email))
		return jl_strdup(name);
	return *name && !name_is_email ? jl_sprintf("%s <%s>", name, email)
	                               : jl_sprintf("<%s>", email);
}

/* ---------------------------------------------------------------- items */

/* Folds s; with squeeze, also drops its spaces. */
static char *fold_key(const char *s, int squeeze)
{
	char *f = jl_fold(s);
	if (f && squeeze) {
		char *w = f;
		for (char *r = f; *r; r++)
			if (*r != ' ')
				*w++ = *r;
		*w = '\0';
	}
	return f;
}

/* Items of that kind whose field (folded, maybe squeezed) equals want; counts them and
 * keeps the first. */
static size_t match_items(const json_t *doc, const char *field, const char *want, int squeeze,
                          int kind, json_t **first)
{
	size_t i, count = 0;
	json_t *item;
	json_array_foreach(jl_plandoc_items(doc), i, item) {
		if (kind >= 0 && jl_record_kind(item) != kind)
			continue;
		const char *value = str(item, field);
		if (!*value)
			continue;
		char *f = fold_key(value, squeeze);
		if (f && !strcmp(f, want) && count++ == 0)
			*first = item;
		free(f);
	}
	return count;
}

static const char *kind_word(int kind)
{
	static const char *const WORDS[] = {"plan", "personne", "OS", "OO", "action", "tâche"};
	return kind >= 0 && kind < JALON_KIND_COUNT_ ? WORDS[kind] : "élément";
}

int jl_plandoc_resolve_item(const json_t *doc, const char *ref, int kind, json_t **out,
                            char *err, size_t errlen)
{
	static const struct { const char *field; int squeeze; } STEPS[] = {
		{"label", 0}, {"label", 1}, {"title", 0}};
	*out = NULL;
	json_t *byid = jl_plandoc_find(doc, ref);
	if (byid && is_item_kind(jl_record_kind(byid)) && (kind < 0 || jl_record_kind(byid) == kind))
		return *out = byid, 0;
	for (size_t s = 0; s < sizeof STEPS / sizeof *STEPS; s++) {
		char *want = fold_key(ref ? ref : "", STEPS[s].squeeze);
		json_t *first = NULL;
		size_t n = want && *want ? match_items(doc, STEPS[s].field, want, STEPS[s].squeeze,
		                                       kind, &first) : 0;
		free(want);
		if (n == 1)
			return *out = first, 0;
		if (n > 1)
			return fail(err, errlen, JALON_EAMBIGUOUS,
			            "référence ambiguë « %s » : %zu %s portent ce %s ; utilisez "
			            "l'identifiant (%s…)", ref, n, kind < 0 ? "éléments" : kind_word(kind),
			            s < 2 ? "label" : "titre", jl_record_id(first));
	}
	return fail(err, errlen, JALON_ENOTFOUND, "%s « %s » introuvable",
	            kind < 0 ? "élément" : kind_word(kind), ref ? ref : "");
}

char *jl_plandoc_item_ref(const json_t *doc, const json_t *item)
{
	const char *label = str(item, "label");
	json_t *found = NULL;
	char tmp[8];
	if (*label && jl_plandoc_resolve_item(doc, label, jl_record_kind(item), &found, tmp,
	                                      sizeof tmp) == 0 && found == item)
		return jl_strdup(label);
	return jl_strdup(str(item, "id"));
}

/* ---------------------------------------------------------------- record_context */

static int copy_id(const json_t *rec, char *id, size_t idlen, char *err, size_t errlen)
{
	const char *s = jl_record_id(rec);
	if (!s || strlen(s) >= idlen)
		return fail(err, errlen, -1, "identifiant trop long");
	memcpy(id, s, strlen(s) + 1);
	return 0;
}

static int context_person(void *ud, const char *text, char *id, size_t idlen, char *err,
                          size_t errlen)
{
	json_t *p;
	if (jl_plandoc_person(ud, text, &p, err, errlen) != 0)
		return -1;
	return copy_id(p, id, idlen, err, errlen);
}

static int context_item(void *ud, const char *ref, int kind, char *id, size_t idlen, char *err,
                        size_t errlen)
{
	json_t *item;
	if (jl_plandoc_resolve_item(ud, ref, kind, &item, err, errlen) != 0)
		return -1;
	return copy_id(item, id, idlen, err, errlen);
}

record_context jl_plandoc_context(json_t *doc)
{
	record_context ctx = {context_person, context_item, doc, jl_plandoc_plan(doc)};
	return ctx;
}

/* ---------------------------------------------------------------- checking */

typedef struct checker {
	json_t *doc;
	json_t *ids;   /* id → index in its list (people and items share the namespace) */
	char *bad_id;
	size_t idlen;
	char *err;
	size_t errlen;
} checker;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int refuse(checker *c, const json_t *rec, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->bad_id && c->idlen)
		snprintf(c->bad_id, c->idlen, "%s", rec ? str(rec, "id") : "");
	if (!rec)
		return fail(c->err, c->errlen, JALON_EINVALID, "%s", msg);
	char *name = jl_record_kind(rec) >= 0 ? jl_record_display_name(rec) : NULL;
	fail(c->err, c->errlen, JALON_EINVALID, "%s : %s", name ? name : "enregistrement", msg);
	free(name);
	return JALON_EINVALID;
}

static int check_envelope(checker *c)
{
	const json_t *doc = c->doc;
	if (!json_is_object(doc))
		return refuse(c, NULL, "un document de plan doit être un objet JSON");
	if (strcmp(str(doc, "format"), PLANDOC_FORMAT) != 0)
		return refuse(c, NULL, "« format » : « %s » attendu", PLANDOC_FORMAT);
	if (!json_is_integer(json_object_get(doc, "version")) ||
	    json_integer_value(json_object_get(doc, "version")) != PLANDOC_VERSION)
		return refuse(c, NULL, "« version » : %d attendu", PLANDOC_VERSION);
	if (!jl_plandoc_plan(doc) || !jl_plandoc_people(doc) || !jl_plandoc_items(doc))
		return refuse(c, NULL, "« plan » (objet), « people » et « items » (listes) attendus");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)doc, key, v)
		if (strcmp(key, "format") && strcmp(key, "version") && strcmp(key, "plan") &&
		    strcmp(key, "people") && strcmp(key, "items"))
			return refuse(c, NULL, "champ inconnu « %s » dans le document", key);
	return 0;
}

/* Replaces *slot's record by its canonical copy, checking its kind. */
static int canonicalise(checker *c, json_t *list, size_t i, int want_item)
{
	json_t *rec = json_array_get(list, i);
	char msg[512];
	int kind = jl_record_kind(rec);
	if (want_item ? !is_item_kind(kind) : kind != JALON_KIND_PERSON)
		return refuse(c, rec, "%s attendu (type « %s »)", want_item ? "un élément du plan"
		              : "une personne", str(rec, "kind"));
	json_t *canon = jl_record_canonical(rec, msg, sizeof msg);
	if (!canon)
		return refuse(c, rec, "%s", msg);
	json_array_set_new(list, i, canon);
	return 0;
}

static int register_ids(checker *c, json_t *list, int want_item)
{
	size_t i;
	json_t *rec;
	for (i = 0; i < json_array_size(list); i++) {
		int rc = canonicalise(c, list, i, want_item);
		if (rc)
			return rc;
		rec = json_array_get(list, i);
		const char *id = jl_record_id(rec);
		if (json_object_get(c->ids, id))
			return refuse(c, rec, "identifiant « %s » en double", id);
		if (json_object_set_new(c->ids, id, json_integer((json_int_t)i)) != 0)
			return fail(c->err, c->errlen, JALON_ENOMEM, "mémoire insuffisante");
	}
	return 0;
}

static json_t *lookup(checker *c, const char *id, int kind)
{
	json_t *at = json_object_get(c->ids, id ? id : "");
	json_t *list = kind == JALON_KIND_PERSON ? jl_plandoc_people(c->doc) : jl_plandoc_items(c->doc);
	json_t *rec = at ? json_array_get(list, (size_t)json_integer_value(at)) : NULL;
	/* People and items share the id map: check the record really is that one. */
	return rec && jl_record_kind(rec) == kind && !strcmp(str(rec, "id"), id) ? rec : NULL;
}

static int check_parents(checker *c, const json_t *item)
{
	int kind = jl_record_kind(item);
	json_t *parents = json_object_get(item, "parents");
	size_t n = json_array_size(parents), i;
	long total = 0;
	if (kind == JALON_KIND_OS)
		return n ? refuse(c, item, "un OS n'a pas de parent") : 0;
	if (n == 0)
		return refuse(c, item, "parent manquant (%s attendu)", kind_word(kind - 1));
	if (n > 1 && kind != JALON_KIND_ACTION)
		return refuse(c, item, "un seul parent attendu, %zu trouvés", n);
	for (i = 0; i < n; i++) {
		json_t *p = json_array_get(parents, i);
		const char *pid = str(p, "id");
		if (!lookup(c, pid, kind - 1))
			return refuse(c, item, "parent « %s » introuvable (%s attendu)", pid,
			              kind_word(kind - 1));
		for (size_t j = 0; j < i; j++)
			if (!strcmp(pid, str(json_array_get(parents, j), "id")))
				return refuse(c, item, "parent « %s » cité deux fois", pid);
		total += (long)json_integer_value(json_object_get(p, "share"));
	}
	if (total != 100)
		return refuse(c, item, "les parts de la répartition font %ld %%, pas 100 %%", total);
	return 0;
}

static int custom_declared(const json_t *plan, int kind, const char *name)
{
	size_t i, j;
	json_t *decl, *k;
	json_array_foreach(json_object_get(plan, "custom_fields"), i, decl) {
		if (strcmp(str(decl, "name"), name) != 0)
			continue;
		json_t *kinds = json_object_get(decl, "kinds");
		if (!json_array_size(kinds))
			return 1;
		json_array_foreach(kinds, j, k)
			if (jalon_kind_from_name(json_string_value(k)) == kind)
				return 1;
	}
	return 0;
}

static int check_references(checker *c, const json_t *item)
{
	size_t i;
	json_t *e;
	const char *key;
	json_array_foreach(json_object_get(item, "people"), i, e)
		if (!lookup(c, str(e, "person"), JALON_KIND_PERSON))
			return refuse(c, item, "personne « %s » introuvable (%s)", str(e, "person"),
			              str(e, "role"));
	json_object_foreach(json_object_get(item, "custom"), key, e)
		if (!custom_declared(jl_plandoc_plan(c->doc), jl_record_kind(item), key))
			return refuse(c, item, "champ personnalisé « %s » non déclaré par le plan pour "
			              "ce type d'élément", key);
	return 0;
}

static int role_rank(const json_t *entry)
{
	static const char *const ROLES[] = {"mandataire", "responsable", "gestionnaire", "porteur"};
	for (int r = 0; r < 4; r++)
		if (!strcmp(str(entry, "role"), ROLES[r]))
			return r;
	return 4;
}

/* Orders an item's people by role, stable within a role. */
static void sort_people(json_t *item)
{
	json_t *people = json_object_get(item, "people");
	json_t *sorted = json_array();
	size_t i;
	json_t *e;
	for (int r = 0; r <= 4; r++)
		json_array_foreach(people, i, e)
			if (role_rank(e) == r)
				json_array_append(sorted, e);
	json_object_set_new(item, "people", sorted);
}

/* Children lists by index, kept in list order, to rebuild tree order in O(n). */
typedef struct tree {
	size_t *first, *last, *next;
} tree;

static void emit(json_t *out, const json_t *items, const tree *t, size_t node)
{
	json_t *item = json_array_get(items, node);
	json_int_t pos = 0;
	json_array_append(out, item);
	for (size_t ch = t->first[node]; ch != SIZE_MAX; ch = t->next[ch]) {
		json_object_set_new(json_array_get(items, ch), "position", json_integer(++pos));
		emit(out, items, t, ch);
	}
}

static int sort_tree(checker *c)
{
	json_t *items = jl_plandoc_items(c->doc);
	size_t n = json_array_size(items), root_first = SIZE_MAX, root_last = SIZE_MAX;
	tree t = {malloc((n + 1) * sizeof(size_t)), malloc((n + 1) * sizeof(size_t)),
	          malloc((n + 1) * sizeof(size_t))};
	json_t *out = json_array();
	int rc = (!t.first || !t.last || !t.next || !out) ? JALON_ENOMEM : 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		t.first[i] = t.last[i] = t.next[i] = SIZE_MAX;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *item = json_array_get(items, i);
		json_t *at = json_object_get(c->ids, first_parent(item) ? first_parent(item) : "");
		size_t *head = at ? &t.first[json_integer_value(at)] : &root_first;
		size_t *tail = at ? &t.last[json_integer_value(at)] : &root_last;
		if (*tail == SIZE_MAX)
			*head = i;
		else
			t.next[*tail] = i;
		*tail = i;
	}
	json_int_t pos = 0;
	for (size_t r = root_first; rc == 0 && r != SIZE_MAX; r = t.next[r]) {
		json_object_set_new(json_array_get(items, r), "position", json_integer(++pos));
		emit(out, items, &t, r);
	}
	if (rc == 0)
		json_object_set(c->doc, "items", out);
	json_decref(out);
	free(t.first);
	free(t.last);
	free(t.next);
	return rc ? fail(c->err, c->errlen, rc, "mémoire insuffisante") : 0;
}

static int check_items(checker *c)
{
	size_t i;
	json_t *item;
	json_array_foreach(jl_plandoc_items(c->doc), i, item) {
		int rc = check_parents(c, item);
		if (rc == 0)
			rc = check_references(c, item);
		if (rc)
			return rc;
		sort_people(item);
	}
	return sort_tree(c);
}

static int check_plan(checker *c)
{
	json_t *plan = jl_plandoc_plan(c->doc);
	char msg[512];
	if (jl_record_kind(plan) != JALON_KIND_PLAN)
		return refuse(c, NULL, "Plan : type « plan » attendu");
	json_t *canon = jl_record_canonical(plan, msg, sizeof msg);
	if (!canon)
		return refuse(c, NULL, "Plan : %s", msg);
	json_object_set_new(c->doc, "plan", canon);
	return 0;
}

int jl_plandoc_check_at(json_t *doc, char *bad_id, size_t idlen, char *err, size_t errlen)
{
	checker c = {doc, json_object(), bad_id, idlen, err, errlen};
	if (bad_id && idlen)
		bad_id[0] = '\0';
	if (!c.ids)
		return fail(err, errlen, JALON_ENOMEM, "mémoire insuffisante");
	int rc = check_envelope(&c);
	if (rc == 0)
		rc = check_plan(&c);
	if (rc == 0)
		rc = register_ids(&c, jl_plandoc_people(doc), 0);
	if (rc == 0)
		rc = register_ids(&c, jl_plandoc_items(doc), 1);
	if (rc == 0)
		rc = check_items(&c);
	json_decref(c.ids);
	return rc;
}

int jl_plandoc_check(json_t *doc, char *err, size_t errlen)
{
	return jl_plandoc_check_at(doc, NULL, 0, err, errlen);
}

/* ---------------------------------------------------------------- renumbering */

static void renumber_list(json_t *list, json_t *map)
{
	long next[JALON_KIND_COUNT_] = {0};
	size_t i;
	json_t *rec;
	json_array_foreach(list, i, rec) {
		int kind = jl_record_kind(rec);
		if (kind <= JALON_KIND_PLAN || kind >= JALON_KIND_COUNT_)
			continue;
		char *id = jl_sprintf("%s-%ld", jalon_kind_name((jalon_kind)kind), ++next[kind]);
		json_object_set_new(map, str(rec, "id"), json_string(id));
		json_object_set_new(rec, "id", json_string(id));
		free(id);
	}
}

static void rename_refs(json_t *array, const char *field, const json_t *map)
{
	size_t i;
	json_t *e;
	json_array_foreach(array, i, e) {
		json_t *to = json_object_get(map, str(e, field));
		if (to)
			json_object_set(e, field, to);
	}
}

int jl_plandoc_renumber(json_t *doc)
{
	json_t *map = json_object();
	if (!map)
		return JALON_ENOMEM;
	renumber_list(jl_plandoc_people(doc), map);
	renumber_list(jl_plandoc_items(doc), map);
	size_t i;
	json_t *item;
	json_array_foreach(jl_plandoc_items(doc), i, item) {
		rename_refs(json_object_get(item, "parents"), "id", map);
		rename_refs(json_object_get(item, "people"), "person", map);
	}
	json_decref(map);
	return 0;
}

/* ---------------------------------------------------------------- attribute texts */

static const char *const ATTRIBUTE_KEYS[] = {
	"label", "titre", "description", "volet", "brouillon", "statut", "santé", "avancement",
	"poids", "qui", "mandataire", "responsable", "gestionnaire", "porteur", "répartition",
	"échéance", "récurrence", "début récurrence", "fin récurrence", "occurrences faites",
	"début", "fin", "début effectif", "fin effective", "priorité",
	"partenaires", "plans", "odd", "synergie", "budget", "indicateur", "note", NULL};

const char *const *jl_plandoc_attribute_keys(void)
{
	return ATTRIBUTE_KEYS;
}

static int put(json_t *out, const char *key, const char *value)
{
	return json_array_append_new(out, json_pack("[s, s]", key, value)) ? JALON_ENOMEM : 0;
}

static int put_owned(json_t *out, const char *key, char *value)
{
	int rc = value ? put(out, key, value) : JALON_ENOMEM;
	free(value);
	return rc;
}

/* A list of strings or integers joined by ", ". */
static char *join_list(const json_t *list)
{
	jl_buf b = JL_BUF_INIT;
	size_t i;
	json_t *e;
	jl_buf_puts(&b, "");
	json_array_foreach(list, i, e) {
		if (i)
			jl_buf_puts(&b, ", ");
		if (json_is_integer(e))
			jl_buf_printf(&b, "%" JSON_INTEGER_FORMAT, json_integer_value(e));
		else
			jl_buf_puts(&b, json_string_value(e) ? json_string_value(e) : "");
	}
	return jl_buf_detach(&b);
}

static int put_people(const json_t *doc, const json_t *item, const char *role, int flags,
                      json_t *out)
{
	jl_buf b = JL_BUF_INIT;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(item, "people"), i, e) {
		json_t *person = strcmp(str(e, "role"), role) ? NULL
		                                              : jl_plandoc_find(doc, str(e, "person"));
		if (!person)
			continue;
		const char *name = str(person, "name"), *email = str(person, "email");
		char *ref = !(flags & PLANDOC_PERSON_EMAIL) || !*email ? jl_plandoc_person_ref(doc, person)
		            : *name && strcmp(name, email) ? jl_sprintf("%s <%s>", name, email)
		                                           : jl_sprintf("<%s>", email);
		jl_buf_printf(&b, "%s%s", b.len ? ", " : "", ref ? ref : "");
		free(ref);
	}
	if (!b.len)
		return 0;
	return put_owned(out, role, jl_buf_detach(&b));
}

static int put_shares(const json_t *doc, const json_t *item, int flags, json_t *out)
{
	json_t *parents = json_object_get(item, "parents");
	if (jl_record_kind(item) != JALON_KIND_ACTION || json_array_size(parents) < 2)
		return 0;
	jl_buf b = JL_BUF_INIT;
	size_t i;
	json_t *p;
	json_array_foreach(parents, i, p) {
		json_t *oo = jl_plandoc_find(doc, str(p, "id"));
		char *ref = oo && !(flags & PLANDOC_REF_BY_ID) ? jl_plandoc_item_ref(doc, oo)
		                                               : jl_strdup(str(p, "id"));
		jl_buf_printf(&b, "%s%s = %" JSON_INTEGER_FORMAT, i ? " ; " : "", ref ? ref : "",
		              json_integer_value(json_object_get(p, "share")));
		free(ref);
	}
	return put_owned(out, "répartition", jl_buf_detach(&b));
}

static char *amount_text(json_int_t cents)
{
	json_int_t a = cents < 0 ? -cents : cents;
	return jl_sprintf("%s%" JSON_INTEGER_FORMAT ",%02d", cents < 0 ? "-" : "", a / 100,
	                  (int)(a % 100));
}

/* "2020 ; 12500,00 ; 8451 ; Wallonie ; libellé ; 8000,00", trailing empty parts left out. */
static int put_budget(const json_t *item, json_t *out)
{
	size_t i;
	json_t *line;
	json_array_foreach(json_object_get(item, "budget"), i, line) {
		json_t *spent_cents = json_object_get(line, "spent_cents");
		char *spent = json_is_integer(spent_cents) ? amount_text(json_integer_value(spent_cents))
		                                           : NULL;
		const char *parts[4] = {str(line, "fonction"), str(line, "source"), str(line, "label"),
		                        spent ? spent : ""};
		int last = 4;
		while (last > 0 && !*parts[last - 1])
			last--;
		char *amount = amount_text(json_integer_value(json_object_get(line, "amount_cents")));
		jl_buf b = JL_BUF_INIT;
		jl_buf_printf(&b, "%" JSON_INTEGER_FORMAT " ; %s",
		              json_integer_value(json_object_get(line, "year")), amount ? amount : "");
		for (int k = 0; k < last; k++)
			jl_buf_printf(&b, " ; %s", parts[k]);
		free(amount);
		free(spent);
		if (put_owned(out, "budget", jl_buf_detach(&b)))
			return JALON_ENOMEM;
	}
	return 0;
}

static int put_indicators(const json_t *item, json_t *out)
{
	static const char *const SUBKEYS[][2] = {
		{"unit", "unité"}, {"baseline", "base"}, {"target", "cible"}};
	size_t i, j;
	json_t *ind, *m;
	json_array_foreach(json_object_get(item, "indicators"), i, ind) {
		jl_buf b = JL_BUF_INIT;
		jl_buf_puts(&b, str(ind, "label"));
		for (int k = 0; k < 3; k++)
			if (*str(ind, SUBKEYS[k][0]))
				jl_buf_printf(&b, " ; %s: %s", SUBKEYS[k][1], str(ind, SUBKEYS[k][0]));
		if (json_is_integer(json_object_get(ind, "year")))
			jl_buf_printf(&b, " ; année: %" JSON_INTEGER_FORMAT,
			              json_integer_value(json_object_get(ind, "year")));
		if (put_owned(out, "indicateur", jl_buf_detach(&b)))
			return JALON_ENOMEM;
		json_array_foreach(json_object_get(ind, "measurements"), j, m)
			if (put_owned(out, "mesure", jl_sprintf("%s ; %s", str(m, "date"), str(m, "value"))))
				return JALON_ENOMEM;
	}
	return 0;
}

static int put_health(const json_t *item, json_t *out)
{
	const char *health = str(item, "health"), *comment = str(item, "health_comment");
	if (!*comment)
		return *health ? put(out, "santé", health) : 0;
	return put_owned(out, "santé", jl_sprintf("%s%s: %s", health, *health ? " " : "", comment));
}

static int put_priority(const json_t *item, json_t *out)
{
	const char *period = str(item, "priority_period");
	if (!json_is_true(json_object_get(item, "priority")))
		return 0;
	/* A period that reads as yes/no would be taken for one. */
	char *f = jl_fold(period);
	int plain = !*period || !f || !strcmp(f, "oui") || !strcmp(f, "non") || !strcmp(f, "o") ||
	            !strcmp(f, "n") || !strcmp(f, "vrai") || !strcmp(f, "faux") || !strcmp(f, "x") ||
	            !strcmp(f, "0") || !strcmp(f, "1") || !strcmp(f, "true") ||
	            !strcmp(f, "false") || !strcmp(f, "yes") || !strcmp(f, "no");
	free(f);
	return put(out, "priorité", plain ? "oui" : period);
}

static int put_text_of(const json_t *item, const char *field, const char *key, json_t *out)
{
	json_t *v = json_object_get(item, field);
	return json_is_object(v) ? put(out, key, str(v, "text")) : 0;
}

static int put_string(const json_t *item, const char *field, const char *key, const char *dflt,
                      json_t *out)
{
	const char *v = str(item, field);
	return strcmp(v, dflt) ? put(out, key, v) : 0;
}

static int put_scalar(const json_t *item, const char *field, const char *key, json_t *out)
{
	json_t *v = json_object_get(item, field);
	if (json_is_true(v))
		return put(out, key, "oui");
	if (json_is_string(v))
		return put(out, key, json_string_value(v));
	if (json_is_integer(v) && (strcmp(field, "weight") || json_integer_value(v) != 1))
		return put_owned(out, key, jl_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v)));
	return 0;
}

static int put_list(const json_t *item, const char *field, const char *key, json_t *out)
{
	json_t *v = json_object_get(item, field);
	if (!json_array_size(v))
		return 0;
	if (!strcmp(field, "notes")) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			if (put(out, key, json_string_value(e)))
				return JALON_ENOMEM;
		return 0;
	}
	return put_owned(out, key, join_list(v));
}

int jl_plandoc_attribute_values(const json_t *doc, const json_t *item, const char *key,
                                int flags, json_t *out)
{
	static const struct { const char *key, *field; char how; } SIMPLE[] = {
		{"label", "label", 's'}, {"titre", "title", 's'}, {"description", "description", 's'},
		{"volet", "volet", 's'}, {"qui", "who", 's'},
		{"brouillon", "draft", 'v'}, {"avancement", "progress", 'v'}, {"poids", "weight", 'v'},
		{"début", "planned_start", 'v'}, {"fin", "planned_end", 'v'},
		{"début effectif", "actual_start", 'v'}, {"fin effective", "actual_end", 'v'},
		{"synergie", "synergy", 'v'},
		{"échéance", "deadline", 't'}, {"récurrence", "recurrence", 't'},
		{"début récurrence", "recurrence_anchor", 'v'},
		{"fin récurrence", "recurrence_end", 'v'},
		{"occurrences faites", "done_occurrences", 'l'},
		{"partenaires", "partners", 'l'}, {"plans", "sector_plans", 'l'}, {"odd", "odd", 'l'},
		{"note", "notes", 'l'}};
	for (size_t i = 0; i < sizeof SIMPLE / sizeof *SIMPLE; i++) {
		if (strcmp(key, SIMPLE[i].key))
			continue;
		switch (SIMPLE[i].how) {
		case 's': return put_string(item, SIMPLE[i].field, key, "", out);
		case 'v': return put_scalar(item, SIMPLE[i].field, key, out);
		case 't': return put_text_of(item, SIMPLE[i].field, key, out);
		default: return put_list(item, SIMPLE[i].field, key, out);
		}
	}
	if (!strcmp(key, "statut"))
		return put_string(item, "status", key, "à lancer", out);
	if (!strcmp(key, "santé"))
		return put_health(item, out);
	if (!strcmp(key, "mandataire") || !strcmp(key, "responsable") ||
	    !strcmp(key, "gestionnaire") || !strcmp(key, "porteur"))
		return put_people(doc, item, key, flags, out);
	if (!strcmp(key, "répartition"))
		return put_shares(doc, item, flags, out);
	if (!strcmp(key, "priorité"))
		return put_priority(item, out);
	if (!strcmp(key, "budget"))
		return put_budget(item, out);
	if (!strcmp(key, "indicateur"))
		return put_indicators(item, out);
	json_t *custom = json_object_get(json_object_get(item, "custom"), key);
	return custom ? put(out, key, json_string_value(custom) ? json_string_value(custom) : "")
	              : 0;
}

/* ---------------------------------------------------------------- custom fields */

static const char *const FIELD_TYPES[] = {"texte", "entier", "oui/non", "liste", "date", NULL};

static int declare_kinds(json_t *decl, const char *value, char *err, size_t errlen)
{
	char *copy = jl_strdup(value);
	json_t *kinds = json_object_get(decl, "kinds");
	int rc = copy ? 0 : JALON_ENOMEM;
	for (char *tok = copy, *next; rc == 0 && tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		char *f = jl_fold(tok);
		int kind = !f ? -1 : !strcmp(f, "tache") || !strcmp(f, "task") ? JALON_KIND_TASK
		                   : jalon_kind_from_name(f);
		if (!is_item_kind(kind))
			rc = fail(err, errlen, JALON_EINVALID, "champ : type d'élément « %s » inconnu "
			          "(os, oo, action ou tâche attendu)", jl_trim(tok));
		else
			json_array_append_new(kinds, json_string(jalon_kind_name((jalon_kind)kind)));
		free(f);
	}
	free(copy);
	return rc;
}

static int declare_part(json_t *decl, const char *part, char *err, size_t errlen)
{
	const char *colon = strchr(part, ':');
	char *key = colon ? jl_strndup(part, (size_t)(colon - part)) : NULL;
	char *f = key ? jl_fold(key) : NULL;
	char *value = colon ? jl_trim(jl_strdup(colon + 1)) : NULL;
	int rc = 0;
	if (!f || !value) {
		rc = fail(err, errlen, JALON_EINVALID, "champ : « clé: valeur » attendu, pas « %s » "
		          "(clés : type, pour, valeurs, défaut)", part);
	} else if (!strcmp(f, "type")) {
		const char *type = NULL;
		for (const char *const *t = FIELD_TYPES; *t; t++)
			if (same_folded(*t, value))
				type = *t;
		if (type)
			json_object_set_new(decl, "type", json_string(type));
		else
			rc = fail(err, errlen, JALON_EINVALID, "champ : type « %s » inconnu (texte, "
			          "entier, oui/non, liste ou date attendu)", value);
	} else if (!strcmp(f, "pour")) {
		rc = declare_kinds(decl, value, err, errlen);
	} else if (!strcmp(f, "valeurs")) {
		char *copy = jl_strdup(value);
		for (char *tok = copy, *next; tok; tok = next) {
			if ((next = strchr(tok, ',')))
				*next++ = '\0';
			if (*jl_trim(tok))
				json_array_append_new(json_object_get(decl, "values"), json_string(tok));
		}
		free(copy);
	} else if (!strcmp(f, "defaut")) {
		json_object_set_new(decl, "default", json_string(value));
	} else {
		rc = fail(err, errlen, JALON_EINVALID, "champ : clé « %s » inconnue (type, pour, "
		          "valeurs, défaut)", key);
	}
	free(key);
	free(f);
	free(value);
	return rc;
}

static int check_field_name(const json_t *plan, const char *name, char *err, size_t errlen)
{
	size_t i;
	json_t *decl;
	if (!*name)
		return fail(err, errlen, JALON_EINVALID, "champ : nom manquant");
	/* The outline writes a field as "Nom: valeur": its name must read as a key there. */
	size_t words = 0;
	for (const char *c = name; *c; c++)
		words += *c != ' ' && (c == name || c[-1] == ' ');
	if (words > 3 || strpbrk(name, ":;,?<>=\"#\\") || (name[0] >= '0' && name[0] <= '9'))
		return fail(err, errlen, JALON_EINVALID, "champ « %s » : un nom d'un à trois mots, "
		            "sans ponctuation, commençant par une lettre, est attendu", name);
	for (int k = JALON_KIND_OS; k <= JALON_KIND_TASK; k++)
		if (jl_record_knows_key((jalon_kind)k, name, NULL))
			return fail(err, errlen, JALON_EINVALID, "champ « %s » : ce nom est déjà celui "
			            "d'un champ de Jalon", name);
	json_array_foreach(json_object_get(plan, "custom_fields"), i, decl)
		if (same_folded(str(decl, "name"), name))
			return fail(err, errlen, JALON_EINVALID, "champ « %s » déclaré deux fois", name);
	return 0;
}

int jl_plandoc_declare_field(json_t *doc, const char *text, char *err, size_t errlen)
{
	json_t *plan = jl_plandoc_plan(doc);
	char *copy = jl_strdup(text ? text : "");
	char *semi = copy ? strchr(copy, ';') : NULL;
	if (!plan || !copy) {
		free(copy);
		return fail(err, errlen, JALON_ENOMEM, "mémoire insuffisante");
	}
	if (semi)
		*semi = '\0';
	json_t *decl = json_pack("{s:s, s:[], s:s, s:[], s:s}", "name", jl_trim(copy), "kinds",
	                         "type", "texte", "values", "default", "");
	int rc = decl ? check_field_name(plan, copy, err, errlen) : JALON_ENOMEM;
	for (char *part = semi ? semi + 1 : NULL, *next; rc == 0 && part; part = next) {
		if ((next = strchr(part, ';')))
			*next++ = '\0';
		if (*jl_trim(part))
			rc = declare_part(decl, part, err, errlen);
	}
	if (rc == 0 && !strcmp(str(decl, "type"), "liste") &&
	    !json_array_size(json_object_get(decl, "values")))
		rc = fail(err, errlen, JALON_EINVALID, "champ « %s » : une liste demande ses valeurs "
		          "(« valeurs: a, b »)", copy);
	if (rc == 0)
		rc = json_array_append(json_object_get(plan, "custom_fields"), decl) ? JALON_ENOMEM : 0;
	json_decref(decl);
	free(copy);
	return rc;
}

char *jl_plandoc_field_declaration_text(const json_t *decl)
{
	jl_buf b = JL_BUF_INIT;
	size_t i;
	json_t *k;
	jl_buf_puts(&b, str(decl, "name"));
	if (*str(decl, "type") && strcmp(str(decl, "type"), "texte"))
		jl_buf_printf(&b, " ; type: %s", str(decl, "type"));
	json_array_foreach(json_object_get(decl, "kinds"), i, k) {
		const char *name = json_string_value(k);
		jl_buf_printf(&b, "%s%s", i ? ", " : " ; pour: ",
		              name && !strcmp(name, "task") ? "tâche" : name ? name : "");
	}
	if (json_array_size(json_object_get(decl, "values"))) {
		char *values = join_list(json_object_get(decl, "values"));
		jl_buf_printf(&b, " ; valeurs: %s", values ? values : "");
		free(values);
	}
	if (*str(decl, "default"))
		jl_buf_printf(&b, " ; défaut: %s", str(decl, "default"));
	return jl_buf_detach(&b);
}
