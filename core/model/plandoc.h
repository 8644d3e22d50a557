/* SPDX-License-Identifier: MIT */
/*
 * Plan documents: a whole plan as one JSON value.
 *
 *   {"format": "jalon-plan", "version": 1,
 *    "plan": <plan record>, "people": [<person records>], "items": [<item records>]}
 *
 * It is what the outline and CSV importers build, what the JSON export writes and the one
 * input of the store's importer. Records are exactly those of record.h. Ids are assigned
 * per kind ("os-1", "oo-1", "action-1", "task-1", "person-1"); items are listed in tree
 * order: each OS, then its OO, each OO followed by its actions, each action by its tasks.
 * An action under several OO (a transversal action) is listed under its first parent.
 *
 * Every function here works on the document alone: no store, no global state.
 */
#ifndef JALON_CORE_PLANDOC_H
#define JALON_CORE_PLANDOC_H

#include <jansson.h>

#include "jalon/common.h"
#include "model/record.h"

#define PLANDOC_FORMAT "jalon-plan"
#define PLANDOC_VERSION 1

/* An empty document: a default plan record (id "plan"), no people, no items. New
 * reference; NULL when out of memory. */
json_t *jl_plandoc_new(void);

/* The parts of a document, borrowed (NULL when absent or of the wrong type). */
json_t *jl_plandoc_plan(const json_t *doc);
json_t *jl_plandoc_people(const json_t *doc);
json_t *jl_plandoc_items(const json_t *doc);

/*
 * Adds an item of that kind (os, oo, action or task) under parent_id (NULL for an OS),
 * with the next free id of its kind (1 + the highest number in use) and the position
 * after its last sibling. It is inserted after the parent's last descendant so that the
 * list stays in tree order; a parent that is not in the document only gets the item
 * appended at the end (jl_plandoc_check will then refuse it). Returns the new record,
 * borrowed from the document, or NULL for a bad kind or when out of memory.
 */
json_t *jl_plandoc_add_item(json_t *doc, jalon_kind kind, const char *parent_id);

/* The record (item or person) with that id, borrowed, or NULL. */
json_t *jl_plandoc_find(const json_t *doc, const char *id);

/* The person whose name folds (jl_fold) like name, or whose email is name (ignoring
 * case); the first one when several match. Borrowed, or NULL. */
json_t *jl_plandoc_find_person(const json_t *doc, const char *name);

/*
 * Finds or creates the person written as "Nom", "Nom <email>" or "<email>".
 * An email, when given, decides: the person with that email is the one. Otherwise the
 * name is matched folded; a name shared by several people is ambiguous (write the email
 * too). A person found by name who has no email yet receives the one written. A new
 * person gets the next id; written as "<email>" alone, its name is the email.
 * Returns 0 and the person (borrowed) in *out, or JALON_EINVALID / JALON_EAMBIGUOUS /
 * JALON_ENOMEM with a French message in err.
 */
int jl_plandoc_person(json_t *doc, const char *text, json_t **out, char *err, size_t errlen);

/* The text that designates that person for jl_plandoc_person ("Nom", or "Nom <email>" when
 * the name alone is ambiguous). malloc'd. */
char *jl_plandoc_person_ref(const json_t *doc, const json_t *person);

/*
 * Resolves a reference to an item of the given kind (-1: any item), trying in turn:
 *   1. the id itself ("oo-3");
 *   2. the label, folded: "oo 3" matches "OO 3";
 *   3. the label, folded, spaces removed: "OO 3" matches "OO3" and "O.O. 3.2" matches
 *      "O.O.3.2" (dots are kept: "OO 32" does not match "O.O.3.2");
 *   4. the title, folded (for items without a label).
 * The first step that matches decides; two matches at that step are ambiguous.
 * Returns 0 with the item (borrowed) in *out, JALON_ENOTFOUND or JALON_EAMBIGUOUS with a
 * French message in err.
 */
int jl_plandoc_resolve_item(const json_t *doc, const char *ref, int kind, json_t **out,
                            char *err, size_t errlen);

/* The shortest reference that jl_plandoc_resolve_item resolves back to that item: its label
 * when unique, else its id. malloc'd. */
char *jl_plandoc_item_ref(const json_t *doc, const json_t *item);

/* A record_context whose callbacks find or create people and resolve items in doc (which
 * must outlive the context's use), and whose plan is the document's plan. */
record_context jl_plandoc_context(json_t *doc);

/*
 * Checks a document and puts it in canonical form:
 *   - the envelope ("format", "version", "plan", "people", "items");
 *   - every record passes jl_record_canonical and is replaced by its canonical copy;
 *   - ids unique, of the record's kind; the plan's id is "plan";
 *   - parents: an OS has none, an OO one OS, a task one action, an action one or more
 *     distinct OO whose shares sum to 100; each parent exists;
 *   - people references name existing people; custom values only for fields the plan
 *     declares for that kind;
 *   - items are put in tree order (stable: siblings keep their relative order) and their
 *     positions recomputed 1, 2, … under their first parent; the people of an item are
 *     ordered by role (mandataire, responsable, gestionnaire, porteur), stable within a
 *     role, since jl_record_set groups them that way and the order carries no meaning.
 * Returns 0, or JALON_EINVALID with a French message naming the record (via
 * jl_record_display_name) in err, or JALON_ENOMEM. The document may be partly canonicalised
 * when the check fails.
 */
int jl_plandoc_check(json_t *doc, char *err, size_t errlen);
/* The same, also copying into bad_id (when not NULL) the id of the record at fault, or
 * "" when the fault is not one record's. */
int jl_plandoc_check_at(json_t *doc, char *bad_id, size_t idlen, char *err, size_t errlen);

/*
 * Renumbers a checked document the way a parser numbers what it reads: people
 * person-1… in list order, items per kind in list (tree) order; references follow.
 * An outline carries no ids, so parse(write(doc)) equals renumber(doc). 0 or
 * JALON_ENOMEM.
 */
int jl_plandoc_renumber(json_t *doc);

/*
 * The item attributes writers emit, so that jl_record_set rebuilds each field from its
 * default. Keys in canonical order, NULL-terminated: "label", "titre", "description",
 * "volet", "brouillon", "statut", "santé", "avancement", "poids", "qui", "mandataire",
 * "responsable", "gestionnaire", "porteur", "répartition", "échéance", "récurrence",
 * "début", "fin", "début effectif", "fin effective", "priorité", "partenaires", "plans",
 * "odd", "synergie", "budget", "indicateur", "note". Custom fields come after, by name.
 */
const char *const *jl_plandoc_attribute_keys(void);

/* Flags for jl_plandoc_attribute_values. */
enum {
	PLANDOC_REF_BY_ID = 1,   /* répartition names OO by id, not by label */
	PLANDOC_PERSON_EMAIL = 2 /* people written "Nom <email>" whenever they have an email */
};

/*
 * Appends to out (an array) the values, as strings, that jl_record_set(item, key, value)
 * applied in order to a record at its defaults turns into the item's field: nothing when
 * the field is at its default, several for repeatable keys (budget, indicateur with its
 * "mesure: …" lines, note). For "indicateur", a value starting with "mesure: " is to be
 * applied with the key "mesure". key is one of jl_plandoc_attribute_keys() or a custom
 * field's name. "répartition" is written only for an action with several parents (the
 * first parent is where a writer places the item). Returns 0 or JALON_ENOMEM.
 */
int jl_plandoc_attribute_values(const json_t *doc, const json_t *item, const char *key,
                                int flags, json_t *out);

/*
 * Custom field declarations as text, for the outline's front matter:
 *   "Nom du champ ; type: liste ; pour: action, tâche ; valeurs: a, b ; défaut: a"
 * type: texte (default), entier, oui/non, liste, date; pour: os, oo, action, tâche
 * (default: every kind); valeurs: for a liste, comma-separated; défaut: a default value.
 * jl_plandoc_declare_field adds one to the plan (0, or JALON_EINVALID with err);
 * jl_plandoc_field_declaration_text writes one back (malloc'd).
 */
int jl_plandoc_declare_field(json_t *doc, const char *text, char *err, size_t errlen);
char *jl_plandoc_field_declaration_text(const json_t *decl);

#endif
