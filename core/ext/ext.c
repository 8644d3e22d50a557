/* SPDX-License-Identifier: MIT */
/*
 * ext — the extension layer attached to a store (ext.h): the points it prepares, the
 * store's plug-ins and scripts run once, and what is freed with the store.
 */
#include "ext/ext.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "change/pipeline.h"
#include "ext/plugin.h"
#include "ext/script.h"
#include "jobs/io.h"
#include "jobs/progress.h"
#include "jobs/remind.h"
#include "store/config.h"
#include "store/registry.h"

/* Where the layer finds itself in the store's registry. */
static const jl_point EXT_POINT = {"extensions"};

jl_ext *jl_ext_of(jalon_store *s)
{
	jl_ext *const *x = jl_registry_next(s, &EXT_POINT, NULL);
	return x ? *x : NULL;
}

/* ---------------------------------------------------------------- running the scripts */

/* The script folders: scripts.path (':'-separated, relative to the store), else
   DIR/scripts. */
static size_t script_dirs(jalon_store *s, git_config *cfg, char dirs[][1024], size_t max)
{
	char *path = NULL;
	jl_config_get(s, cfg, "scripts.path", &path);
	size_t n = jl_config_folders(s, path ? path : "scripts", dirs, max);
	free(path);
	return n;
}

/* Runs the accepted Lua plug-ins (plugin.h), before the scripts, which may build on
   them. A plug-in that fails is refused (`jalon plugins` says why) and, like a broken
   script, makes the store refuse changes. */
static int run_plugins(jl_script *sc, const plugin_lua *plugs, size_t n)
{
	char err[4096];
	for (size_t i = 0; i < n; i++) {
		if (!jl_plugins_lua_loaded(sc->x, &plugs[i]))
			continue;
		jl_script_add_dir(sc, plugs[i].dir);
		if (jl_script_run_file(sc, plugs[i].main, err, sizeof err) != 0) {
			jl_plugins_lua_refuse(sc->x, &plugs[i], err);
			return jl_store_fail(sc->s, JALON_ESCRIPT, "plug-in « %s » : %s", plugs[i].name,
			                     err);
		}
	}
	return 0;
}

enum { MAX_SCRIPT_DIRS = 8 };

/* Discovers the plug-ins, then runs the Lua ones and the scripts in a new Lua state —
   only when there is one of them to run. */
static int run_all(jl_ext *x)
{
	jalon_store *s = x->s;
	git_config *cfg;
	char dirs[MAX_SCRIPT_DIRS][1024];
	const plugin_lua *plugs;
	size_t nplugs = jl_plugins_lua(x, &plugs), loaded = 0;
	for (size_t i = 0; i < nplugs; i++)
		loaded += jl_plugins_lua_loaded(x, &plugs[i]) != 0;
	if (jl_config_open(s, &cfg) != 0)
		return JALON_ECONFIG;
	size_t ndirs = script_dirs(s, cfg, dirs, MAX_SCRIPT_DIRS);
	char **files[MAX_SCRIPT_DIRS] = {NULL};
	int counts[MAX_SCRIPT_DIRS] = {0}, total = (int)loaded;
	for (size_t i = 0; i < ndirs; i++) {
		counts[i] = jl_config_scripts(dirs[i], &files[i]);
		if (counts[i] < 0) {
			int err = errno;
			for (size_t k = 0; k < i; k++)
				jl_config_scripts_free(files[k], counts[k]);
			git_config_free(cfg);
			return jl_store_fail(s, JALON_ESCRIPT, "scripts : dossier %s illisible (%s)",
			                     dirs[i], strerror(err));
		}
		total += counts[i];
	}
	int rc = 0;
	if (total && !x->script && !(x->script = jl_script_new(x, cfg)))
		rc = JALON_ENOMEM;
	jl_script *sc = total ? x->script : NULL;
	if (sc) {
		char reports[MAX_SCRIPT_DIRS][1024];
		size_t nreports = jl_reports_dirs(s, cfg, reports, MAX_SCRIPT_DIRS);
		for (size_t i = 0; i < ndirs; i++)
			jl_script_add_dir(sc, dirs[i]);
		for (size_t i = 0; i < nreports; i++)
			jl_script_add_dir(sc, reports[i]);
		sc->loading = 1;
		rc = run_plugins(sc, plugs, nplugs);
		char err[4096];
		for (size_t i = 0; rc == 0 && i < ndirs; i++)
			for (int k = 0; rc == 0 && k < counts[i]; k++)
				if (jl_script_run_file(sc, files[i][k], err, sizeof err) != 0)
					rc = jl_store_fail(s, JALON_ESCRIPT, "script : %s", err);
		sc->loading = 0;
	}
	git_config_free(cfg);
	for (size_t i = 0; i < ndirs; i++)
		jl_config_scripts_free(files[i], counts[i]);
	return rc;
}

int jl_ext_load(jl_ext *x)
{
	jalon_store *s = x->s;
	if (x->state == 0) {
		x->state = 2; /* running: what a script calls then does not run them again */
		int rc = run_all(x);
		x->state = rc ? rc : 1;
		if (rc)
			memcpy(x->error, s->errmsg, sizeof x->error);
	}
	if (x->state < 0)
		return jl_store_fail(s, x->state, "%s", x->error);
	/* The fields the scripts declare, once someone acts on a plan: the change is theirs.
	   A failure (a busy store) fails this call only; the next one tries again. */
	if (x->state == 1 && x->script && !x->declaring && !x->declared) {
		x->declaring = 1;
		int rc = jl_hooks_declare_fields(x->script, &x->declared);
		x->declaring = 0;
		if (rc)
			return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- attaching */

static int prepare_scripts(void *ud, jalon_store *s)
{
	(void)s;
	return jl_ext_load(ud);
}

static int prepare_plugins(void *ud, jalon_store *s)
{
	(void)s;
	return jl_plugins_discover(ud);
}

static void close_ext(void *ud)
{
	jl_ext *x = ud;
	jl_script_free(x->script);
	jl_plugins_free(x->plugins);
	free(x);
}

int jl_ext_attach(jalon_store *s)
{
	jl_ext *x = calloc(1, sizeof *x);
	if (!x)
		return jl_store_fail(s, JALON_ENOMEM, "mémoire épuisée");
	x->s = s;
	if (jl_registry_on_close(s, close_ext, x) != 0) {
		free(x);
		return jl_store_fail(s, JALON_ENOMEM, "mémoire épuisée");
	}
	/* The scripts run before a change, a reminder run or a progress question; the
	   plug-ins are discovered before an export looks for its exporter. */
	if (jl_registry_add(s, &EXT_POINT, &x, sizeof x) != 0 ||
	    jl_registry_on_prepare(s, &jl_change_point, prepare_scripts, x) != 0 ||
	    jl_registry_on_prepare(s, &jl_remind_point, prepare_scripts, x) != 0 ||
	    jl_registry_on_prepare(s, &jl_progress_point, prepare_scripts, x) != 0 ||
	    jl_registry_on_prepare(s, &jl_exporter_point, prepare_plugins, x) != 0 ||
	    jl_reports_register(x) != 0)
		return jl_store_fail(s, JALON_ENOMEM, "mémoire épuisée");
	return 0;
}
