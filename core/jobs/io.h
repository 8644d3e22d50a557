/* SPDX-License-Identifier: MIT */
/*
 * io — import and export of a whole plan (include/jalon/io.h; jobs/io.c): the outline,
 * CSV and JSON through plan documents, and the exporters the layer above provides (the
 * C plug-ins'), registered at the point io owns (store/registry.h).
 */
#ifndef JALON_CORE_IO_H
#define JALON_CORE_IO_H

#include "jalon/plugin.h"
#include "store/registry.h"

/* An exporter for `jalon export --format NAME` and jalon_export_plugin. */
typedef struct jl_exporter {
	char format[33];           /* 1 to 32 characters among a-z, 0-9, '-' and '_' */
	const char *owner;         /* who provides it, for messages: alive as long as the store */
	jalon_plugin_export_fn fn;
	void *ud;
} jl_exporter;

/* The exporters' point; its preparers run before an export looks for its exporter. */
extern const jl_point jl_exporter_point;
/*
 * Whether owner may register format: 0, or JALON_EINVALID (not a valid name, no
 * function) or JALON_ECONFLICT (one of Jalon's own formats, or registered already) with
 * the store's message naming owner.
 */
int jl_exporter_check(jalon_store *s, const char *owner, const char *format,
                      jalon_plugin_export_fn fn);
/* Registers an exporter that jl_exporter_check accepted (copied). 0, or JALON_ENOMEM. */
int jl_exporter_add(jalon_store *s, const jl_exporter *e);

#endif
