/* SPDX-License-Identifier: MIT */
/* Items: resolving references to records; the public item API lives in items.c. */
#ifndef JALON_ITEMS_H
#define JALON_ITEMS_H

#include <jansson.h>

#include "store/store.h"

/* Resolves a reference (an id, "plan", a label or a display name, compared folded) to an
 * id of that kind (-1: any). JALON_ENOTFOUND or JALON_EAMBIGUOUS with a message, or the
 * error of a failing database. */
int jl_items_resolve(jalon_store *s, const char *ref, int kind, char *id, size_t idlen);

/* The key references are matched on ("O.O. 3.2" → "oo32", "Action (7)" → "action7"). */
char *jl_ref_key(const char *s);

struct jalon_item;
/* Wraps a record (takes the reference) as a public item in *out; the store (may be NULL)
 * names the records it refers to, through cache (may be NULL: id → name, shared by the
 * items of one query). 0, or an error with the message set. */
int jl_items_wrap(jalon_store *s, json_t *rec, json_t *cache, struct jalon_item **out);

#endif
