/* SPDX-License-Identifier: MIT */
/*
 * ext — the extension layer: the store's Lua scripts and plug-ins, on top of the
 * library (DESIGN.md §3). Nothing below includes this folder's headers; it plugs into
 * the lower modules through their extension points (store/registry.h):
 *
 *   ext.c      attaching to a store: the points it prepares, its state, closing
 *   plugin.c   the plug-ins: discovery, C plug-ins (dlopen, the ABI), Lua manifests
 *   script.c   the Lua runtime: the state, its limits, calls, values, script files
 *   sandbox.c  what a script sees: the libraries, read-only globals, require, io.open
 *   module.c   the `jalon` table: reading the plan and its history, changing, registering
 *   hooks.c    what scripts registered, as change, reminder and progress handlers
 *   reports.c  the reports: the built-in ones and the scripts', run for jalon_report_run
 *
 * A store opened with extensions (jalon_open_options.extensions, the default) gets the
 * layer attached; it does nothing until a lower module prepares one of its points: the
 * first change, reminder run, progress question or plug-in export. Then it discovers
 * the plug-ins and, when there are scripts or Lua plug-ins, creates the Lua state and
 * runs them. A store without any pays a configuration read and two folder reads.
 */
#ifndef JALON_CORE_EXT_H
#define JALON_CORE_EXT_H

#include "store/store.h"

struct jl_plugins;
struct jl_script;

typedef struct jl_ext {
	jalon_store *s;
	struct jl_plugins *plugins; /* plugin.c; NULL until discovered */
	struct jl_script *script;   /* the Lua state (script.h); NULL until Lua is needed */
	int state;                  /* the store's scripts: 0 not run yet, 1 run, 2 running,
	                               < 0 the error they failed with */
	char error[2048];           /* why they failed, repeated by every call that needs them */
	int declaring;              /* adding the scripts' custom fields to the plan */
	int declared;               /* the plan holds them: not looked at again */
} jl_ext;

/* Attaches the extension layer to a store just opened or created. 0, or JALON_ENOMEM
 * (the store's message set). */
int jl_ext_attach(jalon_store *s);
/* The layer attached to s, or NULL when it was opened without extensions. */
jl_ext *jl_ext_of(jalon_store *s);
/* Makes the store's plug-ins and scripts ready: discovered, run once (their
 * registrations made), their custom fields declared in the plan. 0, or the error they
 * failed with (JALON_ESCRIPT, the message naming the file and line), every time until the
 * store is opened again; an error adding the fields (a busy store) is not kept. */
int jl_ext_load(jl_ext *x);

#endif
