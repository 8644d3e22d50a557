/* SPDX-License-Identifier: MIT */
/*
 * The store's registry (registry.h): one list, in registration order, of entries,
 * preparers and finalizers, each tagged with its point.
 */
#include "store/registry.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

enum role { ENTRY, PREPARER, FINALIZER };

struct jl_registry_entry {
	const jl_point *point; /* NULL for a finalizer */
	enum role role;
	jl_prepare_fn prepare;
	void (*finalize)(void *ud);
	void *ud;
	jl_registry_entry *next;
	alignas(max_align_t) unsigned char data[]; /* an entry's copy */
};

static int append(jalon_store *s, jl_registry_entry *e)
{
	if (!e)
		return JALON_ENOMEM;
	jl_registry_entry **tail = &s->registry;
	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
	return 0;
}

int jl_registry_add(jalon_store *s, const jl_point *point, const void *entry, size_t size)
{
	jl_registry_entry *e = calloc(1, sizeof *e + size);
	if (e) {
		e->point = point;
		e->role = ENTRY;
		memcpy(e->data, entry, size);
	}
	return append(s, e);
}

const void *jl_registry_next(const jalon_store *s, const jl_point *point, const void *prev)
{
	const jl_registry_entry *e = s->registry;
	if (prev)
		e = ((const jl_registry_entry *)((const unsigned char *)prev -
		                                 offsetof(jl_registry_entry, data)))->next;
	for (; e; e = e->next)
		if (e->role == ENTRY && e->point == point)
			return e->data;
	return NULL;
}

int jl_registry_on_prepare(jalon_store *s, const jl_point *point, jl_prepare_fn prepare,
                           void *ud)
{
	jl_registry_entry *e = calloc(1, sizeof *e);
	if (e) {
		e->point = point;
		e->role = PREPARER;
		e->prepare = prepare;
		e->ud = ud;
	}
	return append(s, e);
}

int jl_registry_prepare(jalon_store *s, const jl_point *point)
{
	for (jl_registry_entry *e = s->registry; e; e = e->next) {
		if (e->role != PREPARER || e->point != point)
			continue;
		int rc = e->prepare(e->ud, s);
		if (rc)
			return rc;
	}
	return 0;
}

int jl_registry_on_close(jalon_store *s, void (*fn)(void *ud), void *ud)
{
	jl_registry_entry *e = calloc(1, sizeof *e);
	if (e) {
		e->role = FINALIZER;
		e->finalize = fn;
		e->ud = ud;
	}
	return append(s, e);
}

/* The finalizers from the last one back: recursion over a list a store keeps short. */
static void finalize(jl_registry_entry *e)
{
	if (!e)
		return;
	finalize(e->next);
	if (e->role == FINALIZER)
		e->finalize(e->ud);
}

void jl_registry_close(jalon_store *s)
{
	finalize(s->registry);
	while (s->registry) {
		jl_registry_entry *next = s->registry->next;
		free(s->registry);
		s->registry = next;
	}
}
