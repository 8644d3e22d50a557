/* SPDX-License-Identifier: MIT */
/*
 * registry — what an upper layer hands a lower module, held by the store handle
 * (store/registry.c).
 *
 * Layers run one way (DESIGN.md §3). A lower module that needs behaviour from above —
 * the pipeline's change handlers, the reminders' rules and texts, the progress rules,
 * the exporters, the reports — owns an extension point: a jl_point it defines, and the
 * type of the entries registered there. The layer above (the extension layer, a test)
 * adds entries, which the registry copies, and may add a preparer: a function the module
 * runs, through jl_registry_prepare, before it reads its entries (the Lua runtime loads
 * the store's scripts there, the first time something needs them). The store handle
 * holds the entries without knowing their types; each module reads only its own point.
 *
 * Finalizers added with jl_registry_on_close run when the store is closed, the last
 * added first, before its database and repository are.
 */
#ifndef JALON_CORE_REGISTRY_H
#define JALON_CORE_REGISTRY_H

#include <stddef.h>

#include "jalon/store.h"

/* An extension point: a module defines one (static storage) per kind of entry. */
typedef struct jl_point {
	const char *name; /* for messages: "gestionnaires de modification" */
} jl_point;

typedef struct jl_registry_entry jl_registry_entry;

/* Copies size bytes of entry into the registry under point, after those already
 * there. 0, or JALON_ENOMEM. */
int jl_registry_add(jalon_store *s, const jl_point *point, const void *entry, size_t size);
/* The entries of point in registration order: the first when prev is NULL, else the
 * one after prev (an entry this returned); NULL past the last. Valid until the store
 * is closed; an entry is never removed. */
const void *jl_registry_next(const jalon_store *s, const jl_point *point, const void *prev);

/* Adds a preparer to point. 0, or JALON_ENOMEM. */
typedef int (*jl_prepare_fn)(void *ud, jalon_store *s);
int jl_registry_on_prepare(jalon_store *s, const jl_point *point, jl_prepare_fn prepare,
                           void *ud);
/* Runs the preparers of point in registration order; 0, or the first one's error (the
 * store's message set by it). Preparers may add entries, and may be run again by what
 * they do (a preparer that makes a change): they keep their own state. */
int jl_registry_prepare(jalon_store *s, const jl_point *point);

/* Adds a finalizer, run by jl_registry_close. 0, or JALON_ENOMEM (then fn is not run:
 * the caller frees ud itself). */
int jl_registry_on_close(jalon_store *s, void (*fn)(void *ud), void *ud);
/* Runs the finalizers, last added first, and frees every entry (jalon_store_close). */
void jl_registry_close(jalon_store *s);

#endif
