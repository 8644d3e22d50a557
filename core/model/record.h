/* SPDX-License-Identifier: MIT */
/*
 * Records: the canonical form of everything a store holds.
 *
 * A record is a JSON object (jansson) whose keys, types and order are fixed by its kind.
 * The same object is what the history stores (one file per record, see jl_record_text), what
 * the JSON export writes, what importers build and what the SQLite projection is derived
 * from. Every way of changing a record — the CLI's `set`, an outline attribute, a CSV
 * column, the C API, a script — goes through jl_record_set(), so a value written as text is
 * understood the same way everywhere.
 *
 * Item records (os, oo, action, task), keys in this order:
 *   id             "action-7": stable, never reused, never a title
 *   kind           "os" | "oo" | "action" | "task"
 *   label          the plan's own numbering as written: "OO 7", "O.O.3.2", "(12)", ""
 *   title, description
 *   volet          os only: "externe" | "interne" | ""
 *   parents        [{"id": "oo-3", "share": 100}]: oo → one os; action → one or more oo
 *                  (a transversal action), shares in percent summing to 100; task → one
 *                  action; os → []
 *   position       order among the siblings under the first parent (1, 2, …)
 *   draft          true while in draft: kept out of published reports by default
 *   status         "à lancer" | "en cours" | "terminé" | "reporté" | "abandonné"
 *   health         "" | "bon" | "risque" | "blocage" | "en pause"
 *   health_comment
 *   progress       null (not set by hand) or 0..100
 *   weight         integer ≥ 0, for roll-ups (1 by default)
 *   who            the *Qui ?* as written ("DG + Président")
 *   people         [{"role": "porteur", "person": "person-2"}]; roles: "mandataire",
 *                  "responsable", "gestionnaire", "porteur"
 *   deadline       null, or {"text", "start", "end", "precision", "due"} when understood,
 *                  or {"text", "error"} when not (kept, flagged, listed; never guessed)
 *   recurrence     null, or {"text", "rule", "to_confirm", "note"} (rule: RFC 5545 RRULE),
 *                  or {"text", "error"}
 *   planned_start, planned_end, actual_start, actual_end: null or "YYYY-MM-DD"
 *   priority       false | true
 *   priority_period "" or as written ("2019-2020")
 *   partners, sector_plans: arrays of strings
 *   odd            array of integers 1..17 (UN sustainable development goals)
 *   synergy        Ville/CPAS synergy flag
 *   budget         [{"year", "amount_cents", "fonction", "source", "label"}]
 *   indicators     [{"label", "unit", "baseline", "target", "year",
 *                    "measurements": [{"date", "value"}]}]; numbers as decimal strings
 *   notes          array of strings
 *   custom         object: custom fields declared by the plan, name → string
 *
 * Plan record ("plan"): id, kind, organisation, title, period_start, period_end (years),
 *   adopted (null or date), sections [{"title", "text"}] (AFOM, valeurs, vision…),
 *   custom_fields [{"name", "kinds": [...], "type", "values": [...], "default"}].
 * Person record ("person-N"): id, kind, name, email, type ("personne"|"service"|"rôle").
 *
 * Sources: record.c (schema, ids, canonical form and text, derived values),
 * record_set.c (setting fields from text), record_view.c (display and differences).
 */
#ifndef JALON_RECORD_H
#define JALON_RECORD_H

#include <jansson.h>

#include "model/date.h"
#include "jalon/common.h"

/* A new record of that kind with every field at its default, keys in canonical order. */
json_t *jl_record_new(jalon_kind kind, const char *id);

/* The kind of a record, or -1 when it has no valid "kind". */
int jl_record_kind(const json_t *rec);
const char *jl_record_id(const json_t *rec);

/*
 * Checks a record against its kind's schema and returns a copy with the keys in canonical
 * order (missing keys get their defaults). Unknown keys, wrong types and out-of-range
 * values are refused: returns NULL with a French message naming the field in err.
 */
json_t *jl_record_canonical(const json_t *rec, char *err, size_t errlen);

/* The canonical text: UTF-8, LF, fixed key order, one field per line, final newline.
 * Identical data gives identical bytes. Returns a malloc'd string. */
char *jl_record_text(const json_t *rec);

/* Parses a canonical text back (also checks it); NULL with err on failure. */
json_t *jl_record_parse(const char *text, size_t len, char *err, size_t errlen);

/* The path of a record's file in the history tree: "plan.json",
 * "actions/000/action-7.json" (sharded by id number / 100), "people/000/person-2.json". */
char *jl_record_path(const char *id);
/* The kind a record id belongs to ("action-7" → JALON_KIND_ACTION), or -1. */
int jl_record_id_kind(const char *id);
/* The kind an item's parent has (oo → os, action → oo, task → action), or -1. */
int jl_record_parent_kind(int kind);
/* A day as a person writes one in a field: "2019-10-15" or "15/10/2019". 0 and *out
 * set, or -1. */
int jl_record_parse_day(const char *text, jl_date *out);
/* The plan's legislature: 1 January of its first year to 31 December of its last (a
 * plan without a period: 2019 to 2024). */
void jl_record_plan_span(const json_t *plan, jl_date *start, jl_date *end);
/*
 * The span of an item's recurring duty: its recurrence_anchor, else 1 January of the
 * plan's first year; its recurrence_end, else 31 December of the plan's last year (a
 * plan without a period: 2019, and five years after the anchor's year).
 */
void jl_record_recurrence_span(const json_t *plan, const json_t *item, jl_date *anchor,
                               jl_date *end);
/* The domain of the ids Jalon makes for the outside world (calendar UIDs, Message-IDs):
 * the plan's organisation folded into letters and digits, "cpaserezee.jalon"
 * ("pst.jalon" without one). malloc'd. */
char *jl_record_plan_domain(const json_t *plan);
/* The number in an id ("action-7" → 7), or -1. */
long jl_record_id_number(const char *id);

/* What jl_record_set needs from the store around it. Both callbacks may be NULL, in which
 * case the keys that need them are refused. */
typedef struct record_context {
	/* Finds or creates the person written as "Name", "Name <email>" or "<email>";
	 * writes its id. 0 or -1 with err. */
	int (*person)(void *ud, const char *text, char *id, size_t idlen, char *err, size_t errlen);
	/* Resolves an item reference ("OO 3", an id) to an id, of the given kind (-1: any). */
	int (*item)(void *ud, const char *ref, int kind, char *id, size_t idlen, char *err, size_t errlen);
	void *ud;
	const json_t *plan; /* for custom field declarations; may be NULL */
} record_context;

/*
 * Sets a field from text as a person writes it. key is matched case- and
 * accent-insensitively against the French names (qui, échéance, récurrence, priorité,
 * statut, avancement, santé, partenaires, plans, odd, synergie, budget, indicateur,
 * mesure, note, description, titre, label, volet, début, fin, début effectif,
 * fin effective, brouillon, poids, mandataire, responsable, gestionnaire, porteur,
 * répartition, email, nom, type, organisation, période, adoption, section…) and the
 * record's English keys. Repeatable keys (budget, indicateur, mesure, note) append;
 * lists written as one value (partenaires, plans, odd, people) replace. An échéance
 * that reads as a recurrence ("1x/trimestre") sets the recurrence instead of the
 * deadline (an échéance written again replaces both). Returns 0, or -1 with a French message in
 * err (the record is then unchanged).
 */
int jl_record_set(json_t *rec, const char *key, const char *value, const record_context *ctx,
                  char *err, size_t errlen);

/* 1 when the key names a field of that kind (or a declared custom field). */
int jl_record_knows_key(jalon_kind kind, const char *key, const json_t *plan);

/* The French name of a field for messages ("status" → "statut"). */
const char *jl_record_field_label(const char *field);

/* "OS", "OO", "Action", "Tâche", "Plan", "Personne"; "?" for an invalid kind. */
const char *jl_record_kind_word(int kind);
/* "objectif stratégique", "objectif opérationnel", "action", "tâche", "plan",
 * "personne"; and with its article, "un objectif stratégique", "une tâche". */
const char *jl_record_kind_title(int kind);
const char *jl_record_kind_phrase(int kind);
/* The five statuses, in the order of the plan's life ("à lancer" … "abandonné"), and
 * the kinds' names ("plan", "person", "os", …, the order of jalon_kind): NULL-ended,
 * static — the one list the schema, the roll-up and the scripts share. */
const char *const *jl_record_statuses(void);
const char *const *jl_record_kind_names(void);
/* How a person names the record in a message: "Action (7)", "OO 7", "Tâche « Établir
 * un rapport… »", "Plan", "Personne « DG »". Returns a malloc'd string. */
char *jl_record_display_name(const json_t *rec);
/* The same for an item from its kind, label and title (which may be NULL). malloc'd. */
char *jl_record_item_name(int kind, const char *label, const char *title);

/* A field's value as a person reads it, knowing which field it is: strings as they
 * are, booleans oui/non, lists as "a, b", an échéance or récurrence as written, parents
 * and people as "OO1 (oo-1)", budget lines as "2020 : 12 500,00 € (fonction 8451,
 * Wallonie)". names (may be NULL) maps ids to display names. malloc'd. */
char *jl_record_field_text(const char *field, const json_t *value, const json_t *names);

/* 1 when the record's field holds its default value (or the record lacks it). */
int jl_record_field_is_default(const json_t *rec, const char *key);

/* One field that differs between two versions of a record. */
typedef struct record_change {
	const char *field;  /* borrowed from the schema */
	char *before;       /* jl_record_field_text of the old value ("" when absent) */
	char *after;
	const json_t *old_value, *new_value; /* the values, borrowed from the two versions;
	                                        NULL when absent */
} record_change;

/* The fields that differ, in canonical order. old or new may be NULL (creation,
 * deletion): every non-default field is then listed. Caller frees with
 * jl_record_changes_free. Returns the count, or -1 on allocation failure. */
int jl_record_diff(const json_t *old_rec, const json_t *new_rec, record_change **out);
void jl_record_changes_free(record_change *changes, int n);

/* The one-line summary of a change for a commit message, e.g.
 * "Action (7) : statut « en cours » → « terminé »". malloc'd. */
char *jl_record_change_summary(const json_t *old_rec, const json_t *new_rec);

#endif
