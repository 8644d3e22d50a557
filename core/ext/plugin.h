/* SPDX-License-Identifier: MIT */
/*
 * plugin — the store's plug-ins (include/jalon/plugin.h, docs/plugins.md; ext/plugin.c):
 * discovery in the folders jalon.conf names (plugins.path), C plug-ins loaded with
 * dlopen and initialised with the function table — their exporters registered at io's
 * point once init succeeds —, Lua plug-ins' manifests read and recorded for the Lua
 * runtime.
 *
 * Discovery runs once per open store, the first time something asks
 * (jl_plugins_discover), and never fails the store: each candidate ends up loaded or
 * refused with a reason. Everything is freed with the store (jl_plugins_free, when the
 * extension layer closes); a C plug-in's library stays mapped, as the ABI promises.
 */
#ifndef JALON_CORE_PLUGIN_H
#define JALON_CORE_PLUGIN_H

#include "ext/ext.h"
#include "jalon/plugin.h"

/* Discovers the store's plug-ins unless done already. 0, or JALON_ENOMEM. */
int jl_plugins_discover(jl_ext *x);

/* A Lua plug-in whose manifest was accepted, as the Lua runtime needs it. Strings
 * borrowed from the registry: alive until the store is closed. */
typedef struct plugin_lua {
	const char *name;        /* the manifest's "name", unique among the store's plug-ins */
	const char *version;     /* "version" */
	const char *description; /* "description" */
	const char *api;         /* "api", "1.0": accepted against JALON_PLUGIN_ABI */
	const char *dir;         /* the plug-in's folder: where its require() resolves */
	const char *main;        /* dir + "/" + "main" (default init.lua): the file to run;
	                            discovery does not require it to exist */
} plugin_lua;

/*
 * The accepted Lua plug-ins, in discovery order, discovering first if needed:
 * *out points to an array of that many (borrowed, alive until the store is closed;
 * NULL when there are none). A plug-in the runtime refused later (jl_plugins_lua_refuse)
 * stays in the array: check jl_plugins_lua_loaded.
 */
size_t jl_plugins_lua(jl_ext *x, const plugin_lua **out);
/* 1 while the Lua plug-in is loaded, 0 once refused. */
int jl_plugins_lua_loaded(jl_ext *x, const plugin_lua *p);
/* The runtime could not load it (its main file is missing, a syntax error, its code
 * failed): it is reported refused with that reason (French) by `jalon plugins`. */
void jl_plugins_lua_refuse(jl_ext *x, const plugin_lua *p, const char *reason);
/* Frees what discovery found (NULL: nothing). */
void jl_plugins_free(struct jl_plugins *r);

#endif
