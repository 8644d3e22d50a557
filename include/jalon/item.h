/*
 * Jalon — items of the plan (OS, OO, actions, tasks), the plan itself and people:
 * reading, querying, changing.
 *
 * An item is referred to by its id ("action-7") or by its label as written in the plan
 * ("OO 7", "Action 4", "(12)", "O.O.3.2"), compared without case, accents, spaces or
 * dots; "plan" is the plan. A label shared by several items gives JALON_EAMBIGUOUS.
 *
 * Every change goes through the store's one change pipeline: validated, offered to the
 * hooks, applied to SQLite and recorded as one git commit authored by the acting person
 * (jalon_store_set_author) — all or nothing.
 */
#ifndef JALON_ITEM_H
#define JALON_ITEM_H

#include "common.h"
#include "store.h"

typedef struct jalon_item jalon_item;
typedef struct jalon_item_list jalon_item_list;

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

#define JALON_QUERY_VERSION 1
typedef struct jalon_query {
	unsigned version;        /* JALON_QUERY_VERSION */
	unsigned kinds;          /* mask of (1u << JALON_KIND_…); 0 means every item kind */
	const char *volet;       /* "externe" | "interne" */
	const char *os;          /* under that OS (reference) */
	const char *oo;          /* under that OO (reference) */
	const char *status;      /* "à lancer", "en cours", … (accents optional) */
	const char *responsible; /* named, as whole words, in the Qui ? text or in a linked person's
	                            name (folded: "dg" matches "DG + Président", not "budget") */
	int priority;            /* 1: priority items only */
	const char *overdue_at;  /* "YYYY-MM-DD": due before it and neither terminé nor abandonné */
	const char *due_before;  /* "YYYY-MM-DD": due on or before */
	const char *due_after;   /* "YYYY-MM-DD": due on or after */
	const char *text;        /* in the label or title (folded match) */
	int flagged;             /* 1: items holding a text Jalon did not understand */
	int include_drafts;      /* 1: drafts too (left out by default) */
} jalon_query;
#define JALON_QUERY_INIT {JALON_QUERY_VERSION, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, 0}

/* The items matching q, in plan order (OS, its OOs, their actions, their tasks). */
JALON_API int jalon_query_run(jalon_item_list **out, jalon_store *store, const jalon_query *q);
JALON_API size_t jalon_item_list_count(const jalon_item_list *list);
/* Borrowed: lives as long as the list. */
JALON_API const jalon_item *jalon_item_list_get(const jalon_item_list *list, size_t i);
JALON_API void jalon_item_list_free(jalon_item_list *list);

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

#endif
