/* SPDX-License-Identifier: MIT */
/*
 * reports — the extension layer's reports (script.h, include/jalon/report.h): the
 * store's scripts' (jalon.report) and the built-in ones (scripts/reports/ in the
 * sources, installed in share/jalon/reports), registered at the reports' point. The
 * built-in files are run the first time a report is asked for, after the store's own
 * scripts, so that a store's copy of a built-in report replaces it.
 */
#include "ext/script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "jobs/report.h"
#include "store/config.h"

enum { DEFAULT_REPORT_TIMEOUT_MS = 60000, DEFAULT_REPORT_MEMORY_KB = 1048576, MAX_DIRS = 8 };

/* The built-in reports' folders (docs/reports.md): reports.path, else the defaults
   (jl_config_reports_default). Their modules (require "lib.html") are there for every
   script. searched (may be NULL) gets the folders looked at. */
static size_t reports_dirs(jalon_store *s, git_config *cfg, char dirs[][1024], size_t max,
                           jl_buf *searched)
{
	char *path = NULL;
	jl_config_get(s, cfg, "reports.path", &path);
	size_t n = path ? jl_config_folders(s, path, dirs, max)
	                : jl_config_reports_default(dirs, max, searched);
	for (size_t i = 0; path && searched && i < n; i++)
		jl_buf_printf(searched, "%s%s", searched->len ? ", " : "", dirs[i]);
	free(path);
	return n;
}

size_t jl_reports_dirs(jalon_store *s, git_config *cfg, char dirs[][1024], size_t max)
{
	return reports_dirs(s, cfg, dirs, max, NULL);
}

static int l_write(lua_State *L)
{
	jl_script *sc = jl_script_of(L);
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *text = luaL_tolstring(L, i, &len);
		jl_buf_put(&sc->report, text, len);
		lua_pop(L, 1);
	}
	return 0;
}

/* Whether a report of that name is registered. */
static int report_defined(jl_script *sc, const char *name)
{
	lua_rawgeti(sc->L, LUA_REGISTRYINDEX, sc->reports_ref);
	int found = lua_getfield(sc->L, -1, name) == LUA_TFUNCTION;
	lua_pop(sc->L, 2);
	return found;
}

/* Runs a built-in report file once. */
static int run_builtin(jl_script *sc, const char *path)
{
	lua_State *L = sc->L;
	lua_getfield(L, LUA_REGISTRYINDEX, "jalon.builtin");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, "jalon.builtin");
	}
	int done = lua_getfield(L, -1, path) != LUA_TNIL;
	lua_pop(L, 1);
	if (!done) {
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, path);
	}
	lua_pop(L, 1);
	char err[4096];
	sc->loading = sc->builtin = 1;
	int rc = done || jl_script_run_file(sc, path, err, sizeof err) == 0
	             ? 0
	             : jl_store_fail(sc->s, JALON_ESCRIPT, "rapport intégré : %s", err);
	sc->loading = sc->builtin = 0;
	return rc;
}

/* The Lua state, created for the reports when the store's scripts did not need one. */
static int state(jl_ext *x, git_config *cfg)
{
	if (!x->script && !(x->script = jl_script_new(x, cfg)))
		return jl_store_fail(x->s, JALON_ENOMEM, "mémoire épuisée");
	return 0;
}

/* Makes report name available (NULL: every report): the store's own, else the built-in
   NAME.lua of the reports' folders, else whatever the built-in files define (all of
   them run). searched gets the folders looked at. */
static int load_reports(jl_ext *x, const char *name, jl_buf *searched)
{
	jalon_store *s = x->s;
	if (x->script && (x->script->reports_loaded || (name && report_defined(x->script, name))))
		return 0;
	git_config *cfg;
	if (jl_config_open(s, &cfg) != 0)
		return JALON_ECONFIG;
	char dirs[MAX_DIRS][1024];
	size_t ndirs = reports_dirs(s, cfg, dirs, MAX_DIRS, searched);
	int rc = state(x, cfg);
	git_config_free(cfg);
	if (rc)
		return rc;
	jl_script *sc = x->script;
	for (size_t i = 0; i < ndirs; i++)
		jl_script_add_dir(sc, dirs[i]);
	for (size_t i = 0; name && rc == 0 && i < ndirs; i++) {
		char *path = jl_sprintf("%s/%s.lua", dirs[i], name);
		struct stat st;
		int found = path && !strchr(name, '/') && stat(path, &st) == 0 &&
		            (rc = run_builtin(sc, path)) == 0 && report_defined(sc, name);
		free(path);
		if (found)
			return 0;
	}
	sc->reports_loaded = 1;
	for (size_t i = 0; rc == 0 && i < ndirs; i++) {
		char **files;
		int n = jl_config_scripts(dirs[i], &files);
		if (n < 0)
			rc = jl_store_fail(s, JALON_ESCRIPT, "rapports : dossier %s illisible (%s)", dirs[i],
			                   strerror(errno));
		for (int k = 0; rc == 0 && k < n; k++)
			rc = run_builtin(sc, files[k]);
		jl_config_scripts_free(files, n);
	}
	return rc;
}

static void report_budget(jalon_store *s, jl_script *sc)
{
	git_config *cfg;
	long timeout = DEFAULT_REPORT_TIMEOUT_MS, memory = DEFAULT_REPORT_MEMORY_KB;
	if (jl_config_open(s, &cfg) == 0) {
		char *text = NULL;
		if (jl_config_get(s, cfg, "reports.timeout-ms", &text) == 0 && text && atol(text) > 0)
			timeout = atol(text);
		free(text);
		text = NULL;
		if (jl_config_get(s, cfg, "reports.memory-kb", &text) == 0 && text && atol(text) > 0)
			memory = atol(text);
		free(text);
		git_config_free(cfg);
	}
	if (timeout > sc->timeout_ms)
		sc->timeout_ms = timeout;
	if ((size_t)memory * 1024 > sc->cap)
		sc->cap = (size_t)memory * 1024;
}

static int run(void *ud, jalon_store *s, const char *name, const char *const *args,
               size_t nargs, const char *output, char **out, size_t *len)
{
	jl_ext *x = ud;
	jl_buf searched = JL_BUF_INIT;
	int rc = jl_ext_load(x);
	if (rc == 0)
		rc = load_reports(x, name, &searched);
	if (rc) {
		jl_buf_free(&searched);
		return rc;
	}
	jl_script *sc = x->script;
	lua_State *L = sc->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->reports_ref);
	lua_getfield(L, -1, name);
	lua_remove(L, -2);
	if (!lua_isfunction(L, -1)) {
		lua_pop(L, 1);
		rc = jl_store_fail(s, JALON_ENOTFOUND, "rapport « %s » : aucun script ne le définit "
		                   "(ni ceux du registre, ni ceux de %s)", name,
		                   searched.len ? searched.ptr : "aucun dossier de rapports");
		jl_buf_free(&searched);
		return rc;
	}
	jl_buf_free(&searched);
	lua_createtable(L, 0, 2); /* ctx */
	lua_pushcfunction(L, l_write);
	lua_setfield(L, -2, "write");
	if (output) {
		lua_pushstring(L, output);
		lua_setfield(L, -2, "output");
	}
	lua_createtable(L, (int)nargs, 0);
	for (size_t i = 0; i < nargs; i++) {
		lua_pushstring(L, args[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	char err[4096];
	jl_buf_free(&sc->report);
	/* A report reads the whole plan: its own budget (reports.timeout-ms, default 60 s;
	   reports.memory-kb, default 1 Gio), the scripts' otherwise. */
	long timeout = sc->timeout_ms;
	size_t cap = sc->cap;
	report_budget(s, sc);
	rc = jl_script_call(sc, 2, 1, err, sizeof err);
	if (rc == 0) {
		if (lua_type(L, -1) == LUA_TSTRING) {
			size_t n;
			const char *text = lua_tolstring(L, -1, &n);
			jl_buf_put(&sc->report, text, n);
		}
		lua_pop(L, 1);
	}
	if (sc->used > cap) /* what the report held, before the scripts' budget is back */
		lua_gc(L, LUA_GCCOLLECT);
	sc->timeout_ms = timeout;
	sc->cap = cap > sc->used ? cap : sc->used;
	if (rc != 0) {
		jl_buf_free(&sc->report);
		return jl_store_fail(s, JALON_ESCRIPT, "rapport « %s » : %s", name, err);
	}
	jl_buf_puts(&sc->report, "");
	if (len)
		*len = sc->report.len;
	*out = jl_buf_detach(&sc->report);
	return *out ? 0 : JALON_ENOMEM;
}

/* Every report of the store's scripts and of the built-in files, with the file that
   defines it. */
static int list(void *ud, jalon_store *s, json_t *names)
{
	jl_ext *x = ud;
	(void)s;
	int rc = jl_ext_load(x);
	if (rc == 0)
		rc = load_reports(x, NULL, NULL);
	if (rc)
		return rc;
	lua_State *L = x->script->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, x->script->reports_ref);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_Debug ar;
		const char *where = "?";
		if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1)) {
			lua_pushvalue(L, -1);
			if (lua_getinfo(L, ">S", &ar) && ar.source[0] == '@')
				where = ar.source + 1;
			json_object_set_new(names, lua_tostring(L, -2), json_string(where));
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return 0;
}

int jl_reports_register(jl_ext *x)
{
	const jl_report_provider p = {run, list, x};
	return jl_report_provider_add(x->s, &p);
}
