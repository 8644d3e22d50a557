/* SPDX-License-Identifier: MIT */
/*
 * Jalon — items of the plan (OS, OO, actions, tasks), the plan itself and people:
 * reading and changing them (queries: query.h).
 *
 * An item is referred to by its id ("action-7") or by its label as written in the plan
 * ("OO 7", "Action 4", "(12)", "O.O.3.2"), compared without case, accents, spaces or
 * dots; "plan" is the plan. A label shared by several items gives JALON_EAMBIGUOUS.
 *
 * Every change goes through the store's one change pipeline: validated, offered to the
 * hooks, applied to SQLite and recorded as one git commit authored by the acting person
 * (jalon_store_set_author) — all or nothing.
 *
 * Sources: core/store/item.c (references, reading), core/change/edit.c (changes).
 */
#ifndef JALON_ITEM_H
#define JALON_ITEM_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jalon_item jalon_item;

/* Loads one record (item, plan or person) by reference. Free with jalon_item_free. */
JALON_API int jalon_item_lookup(jalon_item **out, jalon_store *store, const char *ref);
JALON_API void jalon_item_free(jalon_item *item);

/* Accessors; every string is borrowed from the item and lives as long as it. */
JALON_API const char *jalon_item_id(const jalon_item *item);
JALON_API jalon_kind jalon_item_kind(const jalon_item *item);
JALON_API const char *jalon_item_label(const jalon_item *item);
JALON_API const char *jalon_item_title(const jalon_item *item);
JALON_API const char *jalon_item_status(const jalon_item *item);
/* "Action (7)", "OO 3", "Tâche « Établir un rapport… »". */
JALON_API const char *jalon_item_name(const jalon_item *item);
/* The first parent's id, or NULL for an OS, the plan, a person. */
JALON_API const char *jalon_item_parent(const jalon_item *item);
/* The record in its canonical JSON text (see docs/records.md). */
JALON_API const char *jalon_item_json(const jalon_item *item);
/* The record's fields, in canonical order (docs/records.md): their number, the key of
 * field i ("status"; NULL past the end; borrowed), and whether a field holds something
 * other than its default (empty, null, false, « à lancer »…). */
JALON_API size_t jalon_item_field_count(const jalon_item *item);
JALON_API const char *jalon_item_field_key(const jalon_item *item, size_t i);
JALON_API int jalon_item_field_is_set(const jalon_item *item, const char *key);
/* The French name of a field ("status" → "statut"); the key itself when unknown.
 * Static storage. */
JALON_API const char *jalon_field_label(const char *key);
/* One field as a person reads it, by key or French name ("status", "statut",
 * "échéance"…): texts as written, oui/non, lists as "a, b", parents and people named
 * ("OO1 (oo-1)", "porteur : Marie Dupont (person-2)"), budget lines in euros. *out
 * owned (jalon_free). JALON_ENOTFOUND for a field the item does not have. */
JALON_API int jalon_item_field(char **out, const jalon_item *item, const char *field);

/*
 * Adds an item of that kind under parent (a reference; NULL for an OS or a person) with a
 * title (a person's name for JALON_KIND_PERSON) and "key=value" assignments as
 * jalon_item_set takes them. *id gets the new id (owned: jalon_free) when id is not NULL.
 */
JALON_API int jalon_item_add(char **id, jalon_store *store, jalon_kind kind, const char *parent,
                             const char *title, const char *const *assignments, size_t n);
/*
 * Sets fields from "key=value" texts as a person writes them: "statut=terminé",
 * "échéance=janvier 2020", "qui=DG + Président", "avancement=50 %". One commit for all.
 * Keys and values are documented in docs/records.md.
 */
JALON_API int jalon_item_set(jalon_store *store, const char *ref, const char *const *assignments,
                             size_t n);
/* Removes an item and its descendants (tasks of an action…). Kept in the history:
 * jalon_item_restore brings them back. */
JALON_API int jalon_item_remove(jalon_store *store, const char *ref);
/* Restores an item removed earlier, by id, as it was just before its removal, with the
 * descendants removed with it. */
JALON_API int jalon_item_restore(jalon_store *store, const char *id);

#ifdef __cplusplus
}
#endif

#endif
