/* SPDX-License-Identifier: MIT */
/*
 * Jalon — plug-ins: the binary interface a C plug-in is written against, and what a
 * host program reads of the plug-ins a store found. docs/plugins.md says it at length.
 *
 * A store looks for plug-ins in the folders its configuration names (jalon.conf:
 * plugins.path, folders separated by ':', relative ones under the store's folder;
 * default DIR/plugins). Every entry of those folders is a candidate: a `*.so` file is a
 * C plug-in, a sub-folder holding `manifest.json` a Lua plug-in (run by the store's Lua
 * runtime). Each candidate ends up loaded or refused, with a French reason; a refused
 * plug-in never makes the store fail. Discovery happens once per open store, the first
 * time something needs it (jalon_plugins_discover, jalon_export_plugin, the scripts);
 * a store opened without extensions (jalon_open_options.extensions 0) has none.
 *
 * Writing a C plug-in: include this header and nothing else of Jalon's, link nothing of
 * Jalon's, and export one function:
 *
 *	static int init(const jalon_plugin_api *api, jalon_plugin_host *host,
 *	                char *err, size_t errlen)
 *	{
 *		return api->register_exporter(host, "tsv", export_tsv, (void *)api);
 *	}
 *
 *	static const jalon_plugin_descriptor DESCRIPTOR = {
 *		JALON_PLUGIN_ABI_MAJOR, JALON_PLUGIN_ABI_MINOR,
 *		"export-tsv", "1.0.0", "Actions en valeurs séparées par des tabulations", init,
 *	};
 *
 *	JALON_PLUGIN_EXPORT const jalon_plugin_descriptor *jalon_plugin_entry(void)
 *	{
 *		return &DESCRIPTOR;
 *	}
 *
 * and build it as a shared module: cc -shared -fPIC -o export-tsv.so tsv.c.
 *
 * The rules of the ABI:
 *  - The host loads the file with dlopen(RTLD_NOW | RTLD_LOCAL), after refusing a file
 *    or folder that is writable by its group or by everyone, or that belongs neither to
 *    the user running Jalon nor to root. It calls jalon_plugin_entry() and reads the
 *    descriptor's abi_major and abi_minor, which come first in every version of the
 *    descriptor: it accepts the plug-in when abi_major is JALON_PLUGIN_ABI_MAJOR and
 *    abi_minor is not newer than its own JALON_PLUGIN_ABI_MINOR, and unloads it
 *    otherwise without reading anything else.
 *  - Then it calls init once per open store, with the function table and a host handle
 *    for that store. Registration (register_exporter…) is allowed only during init; the
 *    host handle must not be kept for later. A plug-in whose init returned 0 is never
 *    unloaded; one whose init failed is refused, its registrations dropped, and it stays
 *    mapped too (it ran code).
 *  - A new minor version only appends: fields at the end of jalon_plugin_api and of
 *    jalon_plugin_descriptor, never a change to an existing one. A new major version
 *    changes what it needs, and plug-ins are rebuilt.
 *  - The table's functions are the public API's (the headers of include/jalon/), with
 *    the same contracts, threading rules and error messages (api->errmsg).
 *  - Memory a plug-in hands to Jalon (an exporter's output) comes from api->mem_alloc /
 *    api->mem_realloc; memory Jalon hands to the plug-in is released with the matching
 *    function of the table (api->mem_free, api->item_free…).
 */
#ifndef JALON_PLUGIN_H
#define JALON_PLUGIN_H

#include <stddef.h>

#include "common.h"
#include "io.h"
#include "item.h"
#include "query.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the plug-in ABI this header describes. */
#define JALON_PLUGIN_ABI_MAJOR 1
#define JALON_PLUGIN_ABI_MINOR 0
/* The same, as a Lua plug-in's manifest writes it ("api": "1.0"). */
#define JALON_PLUGIN_STR_(x) #x
#define JALON_PLUGIN_STR(x) JALON_PLUGIN_STR_(x)
#define JALON_PLUGIN_ABI                                                                   \
	JALON_PLUGIN_STR(JALON_PLUGIN_ABI_MAJOR) "." JALON_PLUGIN_STR(JALON_PLUGIN_ABI_MINOR)

/* The one symbol the host looks up in a C plug-in. */
#define JALON_PLUGIN_ENTRY_SYMBOL "jalon_plugin_entry"

/* What makes jalon_plugin_entry visible when the plug-in is built with hidden symbols. */
#if defined(__GNUC__)
#define JALON_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define JALON_PLUGIN_EXPORT
#endif

/* The store's side of one plug-in being initialised: passed to the registration
 * functions. Opaque; valid during init only. */
typedef struct jalon_plugin_host jalon_plugin_host;

/*
 * An exporter: the whole plan (or what it chooses of it) in its format, for
 * `jalon export --format NAME` and jalon_export_plugin. ud is what was registered with
 * it. On success: 0, and *out the text (len bytes; allocated with api->mem_alloc or
 * api->mem_realloc, it then belongs to Jalon). On failure: non-zero — a JALON_E… code or
 * anything else (then JALON_ERROR) — and a French message in err (errlen bytes, may
 * include jalon_errmsg(store) when an API call failed); *out NULL or released.
 */
typedef int (*jalon_plugin_export_fn)(void *ud, jalon_store *store, char **out, size_t *len,
                                      char *err, size_t errlen);

/*
 * The functions the host hands to a plug-in (the way SQLite hands its extensions
 * sqlite3_api_routines). Append-only: a plug-in built for minor m may use every field
 * of minors up to m, which every host that accepted it has; version tells which minor
 * the running host provides, for a plug-in that wants a newer field only when present.
 */
typedef struct jalon_plugin_api {
	unsigned version; /* the host's JALON_PLUGIN_ABI_MINOR */

	/* ---- ABI 1.0 */
	/* common.h */
	const char *(*lib_version)(void);                 /* jalon_version */
	const char *(*errmsg)(const jalon_store *store);  /* jalon_errmsg */
	const char *(*kind_name)(jalon_kind kind);        /* jalon_kind_name */
	void (*mem_free)(void *ptr);                      /* jalon_free */
	void *(*mem_alloc)(size_t size);                  /* memory for the host to free */
	void *(*mem_realloc)(void *ptr, size_t size);

	/* item.h */
	int (*item_lookup)(jalon_item **out, jalon_store *store, const char *ref);
	void (*item_free)(jalon_item *item);
	const char *(*item_id)(const jalon_item *item);
	jalon_kind (*item_kind)(const jalon_item *item);
	const char *(*item_label)(const jalon_item *item);
	const char *(*item_title)(const jalon_item *item);
	const char *(*item_status)(const jalon_item *item);
	const char *(*item_name)(const jalon_item *item);
	const char *(*item_parent)(const jalon_item *item);
	const char *(*item_json)(const jalon_item *item);
	int (*item_field)(char **out, const jalon_item *item, const char *field);
	int (*query_run)(jalon_item_list **out, jalon_store *store, const jalon_query *q);
	size_t (*item_list_count)(const jalon_item_list *list);
	const jalon_item *(*item_list_get)(const jalon_item_list *list, size_t i);
	void (*item_list_free)(jalon_item_list *list);
	int (*item_set)(jalon_store *store, const char *ref, const char *const *assignments,
	                size_t n);

	/* io.h, config.h */
	int (*export_plan)(char **out, size_t *len, jalon_store *store, jalon_format format);
	int (*config_get)(char **out, jalon_store *store, const char *key);

	/*
	 * Registration, during init only (JALON_EINVALID otherwise). format: 1 to 32
	 * characters among a-z, 0-9, '-' and '_'. JALON_ECONFLICT when Jalon has that format
	 * itself (json, csv, outline, md, markdown, ics, ical) or another plug-in registered
	 * it first. The store's message (api->errmsg) says why.
	 */
	int (*register_exporter)(jalon_plugin_host *host, const char *format,
	                         jalon_plugin_export_fn fn, void *ud);

	/* ---- later minors append here */
} jalon_plugin_api;

/*
 * What jalon_plugin_entry returns: static, constant, alive as long as the library is
 * loaded. The two version fields come first in every version of the ABI. Strings are
 * UTF-8; name: 1 to 64 characters among a-z, A-Z, 0-9, '.', '-' and '_', unique among
 * the store's plug-ins. init may be NULL (nothing to register). On failure init returns
 * non-zero and writes a French message in err.
 */
typedef struct jalon_plugin_descriptor {
	unsigned abi_major; /* JALON_PLUGIN_ABI_MAJOR the plug-in was compiled with */
	unsigned abi_minor; /* JALON_PLUGIN_ABI_MINOR, or the oldest minor whose table it needs */
	const char *name;
	const char *version;
	const char *description;
	int (*init)(const jalon_plugin_api *api, jalon_plugin_host *host, char *err,
	            size_t errlen);
	/* later minors append here */
} jalon_plugin_descriptor;

/* The function a C plug-in defines and exports. */
JALON_PLUGIN_EXPORT const jalon_plugin_descriptor *jalon_plugin_entry(void);

/* ------------------------------------------------------------------------------------
 * For host programs (the library's side, not part of the table above): what the store
 * found (implemented in core/ext/plugin.c); the exporters plug-ins provide are used
 * through jalon_export_plugin (io.h). Threads: as any call on a store handle.
 */

typedef struct jalon_plugin jalon_plugin;

/*
 * Discovers the store's plug-ins, the first time it is called on an open store (later
 * calls give the same result, even if the folders changed), and gives how many
 * candidates there are. 0, or JALON_ENOMEM. A candidate is also a configured folder
 * that cannot be read (kind "dossier", always refused); the default folder DIR/plugins
 * may be absent without notice.
 */
JALON_API int jalon_plugins_discover(size_t *count, jalon_store *store);
/* Candidate i, in discovery order (plugins.path order, then file names in byte order):
 * borrowed, alive as long as the store is open. NULL past the end or before discovery. */
JALON_API const jalon_plugin *jalon_plugins_get(jalon_store *store, size_t i);

/* Accessors. Every string is borrowed from the candidate and lives as long as it. */
/* "C", "Lua" or "dossier". */
JALON_API const char *jalon_plugin_kind(const jalon_plugin *plugin);
/* Its declared name; before it is known (a refused file), the file or folder's name. */
JALON_API const char *jalon_plugin_name(const jalon_plugin *plugin);
/* Declared version, description, and ABI ("1.0"); "" when not known. */
JALON_API const char *jalon_plugin_version(const jalon_plugin *plugin);
JALON_API const char *jalon_plugin_description(const jalon_plugin *plugin);
JALON_API const char *jalon_plugin_api_version(const jalon_plugin *plugin);
/* The file (C), the folder (Lua, dossier). */
JALON_API const char *jalon_plugin_path(const jalon_plugin *plugin);
/* 1 when loaded: a C plug-in whose init succeeded, a Lua plug-in whose manifest was
 * accepted (its code runs with the store's scripts). 0 when refused. */
JALON_API int jalon_plugin_loaded(const jalon_plugin *plugin);
/* Why it was refused, in French ("plug-in compilé pour l’ABI 2.0, Jalon fournit 1.0");
 * NULL when loaded. */
JALON_API const char *jalon_plugin_refusal(const jalon_plugin *plugin);
/* The formats of the exporters it registered: the i-th, NULL past the end. */
JALON_API const char *jalon_plugin_exporter(const jalon_plugin *plugin, size_t i);

#ifdef __cplusplus
}
#endif

#endif
