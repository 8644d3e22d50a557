/* SPDX-License-Identifier: MIT */
/*
 * Jalon — queries: the items of the plan that match filters, in plan order, as
 * `jalon list` selects them.
 *
 * Implemented in core/store/query.c.
 */
#ifndef JALON_QUERY_H
#define JALON_QUERY_H

#include "common.h"
#include "item.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jalon_item_list jalon_item_list;

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

#ifdef __cplusplus
}
#endif

#endif
