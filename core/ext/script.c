/* SPDX-License-Identifier: MIT */
/*
 * script — the Lua runtime of a store (script.h, docs/scripts.md): the state, the
 * limits every call runs under (the allocator's cap, the count hook and its deadline),
 * calls through lua_pcall with a traceback handler, JSON values as Lua values, and the
 * script files a state runs.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "ext/script.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>

#include "store/config.h"

enum {
	DEFAULT_TIMEOUT_MS = 2000,
	DEFAULT_MEMORY_KB = 65536,
	COUNT_STEP = 1000 /* instructions between two looks at the clock */
};

/* ---------------------------------------------------------------- limits */

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	jl_script *sc = ud;
	if (!ptr)
		osize = 0; /* Lua 5.4 passes a type tag there, not a size */
	if (nsize == 0) {
		free(ptr);
		sc->used -= osize;
		return NULL;
	}
	if (nsize > osize && sc->used + (nsize - osize) > sc->cap)
		return NULL; /* Lua raises a memory error */
	void *p = realloc(ptr, nsize);
	if (p)
		sc->used = sc->used - osize + nsize;
	return p;
}

static int past_deadline(const jl_script *sc)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > sc->deadline.tv_sec ||
	       (now.tv_sec == sc->deadline.tv_sec && now.tv_nsec > sc->deadline.tv_nsec);
}

jl_script *jl_script_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	jl_script *sc = jl_script_of(L);
	if (!sc->expired && !past_deadline(sc))
		return;
	if (!sc->expired) {
		sc->expired = 1;
		/* From now on fail at every line, so that a pcall around the loop cannot go on. */
		lua_sethook(L, count_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
	}
	/* Where the script was: luaL_error would name the hook, not the line. */
	lua_getinfo(L, "Sl", ar);
	luaL_error(L, "%s:%d: délai dépassé : le script a tourné plus de %d ms", ar->short_src,
	           ar->currentline, (int)sc->timeout_ms);
}

/* ---------------------------------------------------------------- calls */

static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg)
		msg = lua_pushfstring(L, "(erreur de type %s)", luaL_typename(L, 1));
	/* error("message", 0): a message meant for the user as it is (a report's bad
	   argument), without position nor traceback. */
	lua_Debug ar;
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "nS", &ar) && ar.name &&
	    !strcmp(ar.name, "error") && !strcmp(ar.what, "C") && !strstr(msg, ".lua:")) {
		lua_pushstring(L, msg);
		return 1;
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/*
 * Calls the function under the nargs arguments on the stack, within the budget. 0 and
 * nresults values on the stack, or -1 with the message (file:line and traceback) in err
 * and nothing left on the stack.
 */
int jl_script_call(jl_script *sc, int nargs, int nresults, char *err, size_t errlen)
{
	lua_State *L = sc->L;
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, traceback);
	lua_insert(L, base);
	/* A call made from inside another (jalon.set from a handler, which runs the hooks)
	   shares the outer call's budget: it neither extends nor ends it. */
	if (sc->depth++ == 0) {
		clock_gettime(CLOCK_MONOTONIC, &sc->deadline);
		sc->deadline.tv_sec += sc->timeout_ms / 1000;
		sc->deadline.tv_nsec += (sc->timeout_ms % 1000) * 1000000L;
		if (sc->deadline.tv_nsec >= 1000000000L) {
			sc->deadline.tv_sec++;
			sc->deadline.tv_nsec -= 1000000000L;
		}
		sc->expired = sc->out_of_memory = 0;
		lua_sethook(L, count_hook, LUA_MASKCOUNT, COUNT_STEP);
	}
	int status = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	if (status != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		if (sc->out_of_memory || status == LUA_ERRMEM)
			snprintf(err, errlen, "mémoire épuisée : le script a dépassé %zu Kio",
			         sc->cap / 1024);
		else
			snprintf(err, errlen, "%s", msg ? msg : "erreur");
		lua_pop(L, 1);
	}
	if (--sc->depth == 0) {
		lua_sethook(L, NULL, 0, 0);
		sc->expired = sc->out_of_memory = 0;
	}
	return status == LUA_OK ? 0 : -1;
}

/* ---------------------------------------------------------------- values */

void jl_script_push_json(lua_State *L, const json_t *v)
{
	size_t i;
	const char *key;
	json_t *e;
	luaL_checkstack(L, 4, "enregistrement trop profond");
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		lua_createtable(L, 0, (int)json_object_size(v));
		json_object_foreach((json_t *)v, key, e) {
			jl_script_push_json(L, e);
			lua_setfield(L, -2, key);
		}
		break;
	case JSON_ARRAY:
		lua_createtable(L, (int)json_array_size(v), 0);
		json_array_foreach(v, i, e) {
			jl_script_push_json(L, e);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		lua_pushinteger(L, (lua_Integer)json_integer_value(v));
		break;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		lua_pushboolean(L, json_is_true(v));
		break;
	default:
		lua_pushnil(L);
	}
}

void jl_script_push_json_text(lua_State *L, const char *text)
{
	json_error_t e;
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, &e) : NULL;
	if (v)
		jl_script_push_json(L, v);
	else
		lua_pushnil(L);
	json_decref(v);
}

/* ---------------------------------------------------------------- script files */

int jl_script_load_file(jl_script *sc, const char *path)
{
	lua_State *L = sc->L;
	FILE *f = fopen(path, "rb");
	if (!f) {
		lua_pushfstring(L, "%s : %s", path, strerror(errno));
		return LUA_ERRFILE;
	}
	jl_buf text = JL_BUF_INIT;
	char buf[8192];
	for (size_t got; (got = fread(buf, 1, sizeof buf, f)) > 0;)
		jl_buf_put(&text, buf, got);
	fclose(f);
	char chunk[2048];
	snprintf(chunk, sizeof chunk, "@%s", path);
	int status = luaL_loadbufferx(L, text.ptr ? text.ptr : "", text.len, chunk, "t");
	jl_buf_free(&text);
	if (status != LUA_OK)
		return status;
	lua_newtable(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->script_meta_ref);
	lua_setmetatable(L, -2);
	lua_setupvalue(L, -2, 1); /* _ENV */
	return LUA_OK;
}

int jl_script_run_file(jl_script *sc, const char *path, char *err, size_t errlen)
{
	if (jl_script_load_file(sc, path) != LUA_OK) {
		snprintf(err, errlen, "%s", lua_tostring(sc->L, -1));
		lua_pop(sc->L, 1);
		return -1;
	}
	return jl_script_call(sc, 0, 0, err, errlen);
}

/* ---------------------------------------------------------------- the state */

jl_script *jl_script_new(jl_ext *x, git_config *cfg)
{
	jalon_store *s = x->s;
	jl_script *sc = calloc(1, sizeof *sc);
	char *text = NULL;
	if (!sc)
		return NULL;
	sc->x = x;
	sc->s = s;
	sc->timeout_ms = DEFAULT_TIMEOUT_MS;
	sc->cap = (size_t)DEFAULT_MEMORY_KB * 1024;
	if (jl_config_get(s, cfg, "scripts.timeout-ms", &text) == 0 && text && atol(text) > 0)
		sc->timeout_ms = atol(text);
	free(text);
	text = NULL;
	if (jl_config_get(s, cfg, "scripts.memory-kb", &text) == 0 && text && atol(text) > 0)
		sc->cap = (size_t)atol(text) * 1024;
	free(text);
	char *granted = NULL, folders[JL_SCRIPT_MAX_FILES][1024];
	jl_config_get(s, cfg, "scripts.files", &granted);
	size_t n = jl_config_folders(s, granted ? granted : "", folders, JL_SCRIPT_MAX_FILES);
	for (size_t i = 0; i < n; i++)
		if (realpath(folders[i], sc->files[sc->nfiles]))
			sc->nfiles++;
	free(granted);
	sc->L = lua_newstate(capped_alloc, sc);
	if (!sc->L) {
		free(sc);
		return NULL;
	}
	jl_sandbox_open(sc);
	lua_newtable(sc->L);
	sc->handlers_ref = luaL_ref(sc->L, LUA_REGISTRYINDEX);
	lua_newtable(sc->L);
	sc->reports_ref = luaL_ref(sc->L, LUA_REGISTRYINDEX);
	lua_newtable(sc->L);
	sc->rules_ref = luaL_ref(sc->L, LUA_REGISTRYINDEX);
	lua_newtable(sc->L);
	sc->fields_ref = luaL_ref(sc->L, LUA_REGISTRYINDEX);
	lua_newtable(sc->L);
	sc->texts_ref = luaL_ref(sc->L, LUA_REGISTRYINDEX);
	lua_newtable(sc->L);
	sc->progress_rules_ref = luaL_ref(sc->L, LUA_REGISTRYINDEX);
	if (jl_hooks_register(sc) != 0) {
		jl_script_free(sc);
		return NULL;
	}
	return sc;
}

void jl_script_add_dir(jl_script *sc, const char *dir)
{
	for (size_t i = 0; i < sc->ndirs; i++)
		if (!strcmp(sc->dirs[i], dir))
			return;
	if (sc->ndirs < sizeof sc->dirs / sizeof *sc->dirs)
		snprintf(sc->dirs[sc->ndirs++], sizeof *sc->dirs, "%s", dir);
}

void jl_script_free(jl_script *sc)
{
	if (!sc)
		return;
	lua_close(sc->L);
	jl_buf_free(&sc->report);
	free(sc);
}
