/* SPDX-License-Identifier: MIT */
/*
 * sandbox — what a script sees (script.h, DESIGN.md): the libraries it may use, each
 * a read-only copy shared by every script; pcall and xpcall that cannot swallow a
 * timeout or an exhausted memory; require inside the script folders; io.open inside
 * the folders scripts.files grants; print to the error output; and the `jalon` module.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "ext/script.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lualib.h>

/* ---------------------------------------------------------------- pcall */

/* pcall and xpcall, except that a timeout or an exhausted memory cannot be caught. */
static int rethrow_fatal(lua_State *L, int status)
{
	jl_script *sc = jl_script_of(L);
	sc->out_of_memory |= status == LUA_ERRMEM;
	if (status != LUA_OK && (sc->expired || sc->out_of_memory))
		return lua_error(L);
	return lua_gettop(L);
}

static int safe_pcall(lua_State *L)
{
	luaL_checkany(L, 1);
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
	if (status != LUA_OK) {
		lua_pushboolean(L, 0);
		lua_replace(L, 1);
	}
	return rethrow_fatal(L, status);
}

static int safe_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2); /* f, handler, true, f, args… → handler, true, f, args… */
	lua_remove(L, 1);
	int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
	if (status != LUA_OK) {
		lua_pushboolean(L, 0);
		lua_replace(L, 2);
	}
	lua_remove(L, 1);
	return rethrow_fatal(L, status);
}

/* ---------------------------------------------------------------- require, io.open, print */

/* require(name): a module of the script folders, "a.b" being a/b.lua; run once. */
static int l_require(lua_State *L)
{
	jl_script *sc = jl_script_of(L);
	const char *name = luaL_checkstring(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, "jalon.modules");
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	for (const char *c = name; *c; c++)
		if (!(*c == '.' || *c == '_' || *c == '-' || (*c >= 'a' && *c <= 'z') ||
		      (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			return luaL_error(L, "require : nom de module invalide « %s »", name);
	for (size_t i = 0; i < sc->ndirs; i++) {
		char path[2048];
		int n = snprintf(path, sizeof path, "%s/", sc->dirs[i]);
		for (const char *c = name; *c && n < (int)sizeof path - 5; c++)
			path[n++] = *c == '.' ? '/' : *c;
		snprintf(path + n, sizeof path - (size_t)n, ".lua");
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (jl_script_load_file(sc, path) != LUA_OK)
			return lua_error(L);
		lua_call(L, 0, 1);
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			lua_pushboolean(L, 1);
		}
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, name);
		return 1;
	}
	return luaL_error(L, "require : module « %s » introuvable dans les dossiers de scripts", name);
}

/* io.open(path, mode), only inside the folders scripts.files grants: the real path of
   the file (or of its folder, for a new file) must lie in one of them. */
static int l_io_open(lua_State *L)
{
	jl_script *sc = jl_script_of(L);
	const char *given = luaL_checkstring(L, 1);
	const char *mode = luaL_optstring(L, 2, "r");
	lua_settop(L, 0);
	/* A relative path is relative to the store's folder, whatever the current one. */
	const char *path = given[0] == '/' ? given : lua_pushfstring(L, "%s/%s", sc->s->dir, given);
	char real[PATH_MAX], folder[PATH_MAX];
	if (!realpath(path, real)) {
		snprintf(folder, sizeof folder, "%s", path);
		char *slash = strrchr(folder, '/');
		const char *base = slash ? slash + 1 : path;
		if (slash)
			*slash = '\0';
		if (!realpath(slash ? (*folder ? folder : "/") : ".", real) ||
		    strlen(real) + strlen(base) + 2 > sizeof real || !*base || !strcmp(base, "..") ||
		    !strcmp(base, "."))
			return luaL_error(L, "io.open : « %s » : dossier introuvable", given);
		strcat(real, "/");
		strcat(real, base);
	}
	for (size_t i = 0; i < sc->nfiles; i++) {
		size_t n = strlen(sc->files[i]);
		if (!strncmp(real, sc->files[i], n) && (real[n] == '/' || real[n] == '\0')) {
			int base = lua_gettop(L);
			lua_rawgeti(L, LUA_REGISTRYINDEX, sc->io_open_ref);
			lua_pushstring(L, real);
			lua_pushstring(L, mode);
			lua_call(L, 2, LUA_MULTRET);
			return lua_gettop(L) - base;
		}
	}
	return luaL_error(L, "io.open : « %s » est hors des dossiers permis aux scripts "
	                     "(scripts.files dans jalon.conf)", given);
}

static int l_print(lua_State *L)
{
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++)
		fprintf(stderr, "%s%s", i > 1 ? "\t" : "", luaL_tolstring(L, i, NULL));
	fputc('\n', stderr);
	return 0;
}

/* ---------------------------------------------------------------- read-only tables */

/* The iterator pairs() gives over a read-only proxy: the next entry of the table behind
   it, which stays hidden in the closure. */
static int hidden_next(lua_State *L)
{
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 2);
	if (lua_next(L, -2))
		return 2;
	lua_pushnil(L);
	return 1;
}

static int readonly_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushcclosure(L, hidden_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int is_locked(lua_State *L, int t)
{
	if (!lua_getmetatable(L, t))
		return 0;
	lua_getfield(L, -1, "__metatable");
	int locked = lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "verrouillé");
	lua_pop(L, 2);
	return locked;
}

/* rawset, except on what Jalon locked (the shared libraries, the environments). */
static int safe_rawset(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	if (is_locked(L, 1))
		return luaL_error(L, "rawset : les tables de Jalon ne se changent pas");
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 1;
}

/* setmetatable, without __gc: a finalizer would run when the store closes, outside any
   budget and after the hooks are gone. */
static int safe_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
		return luaL_error(L, "setmetatable : __gc n'est pas permis aux scripts");
	lua_settop(L, 2);
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_getfield(L, -1, LUA_GNAME);
	lua_getfield(L, -1, "setmetatable");
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_call(L, 2, 1);
	return 1;
}

static int readonly(lua_State *L)
{
	return luaL_error(L, "« %s » : les variables globales de Jalon ne se changent pas",
	                  luaL_optstring(L, 2, "?"));
}

/* Pushes a read-only proxy of the table at index t: reads go through, writes fail, and
   pairs() walks the table itself. */
static int readonly_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

static void push_readonly(lua_State *L, int t)
{
	t = lua_absindex(L, t);
	lua_newtable(L);
	lua_newtable(L);
	lua_pushvalue(L, t);
	lua_setfield(L, -2, "__index");
	lua_pushvalue(L, t);
	lua_pushcclosure(L, readonly_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushcfunction(L, readonly);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "verrouillé");
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, t);
	lua_pushcclosure(L, readonly_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_setmetatable(L, -2);
}

/* ---------------------------------------------------------------- the environment */

/* Replaces, in the table at t, every table value by a read-only proxy of it, made
   read-only in depth first; seen (a table at index seen) maps each table to its proxy,
   so that a table met twice (jalon.kinds[1] and jalon.kinds.os) gets the same one. */
static void readonly_values(lua_State *L, int t, int seen)
{
	t = lua_absindex(L, t);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		if (lua_type(L, -1) == LUA_TTABLE) {
			lua_pushvalue(L, -1);
			if (lua_rawget(L, seen) == LUA_TNIL) {
				lua_pop(L, 1);
				readonly_values(L, -1, seen);
				push_readonly(L, -1);
				lua_pushvalue(L, -2);
				lua_pushvalue(L, -2);
				lua_rawset(L, seen);
			}
			lua_pushvalue(L, -3); /* the key */
			lua_insert(L, -2);
			lua_rawset(L, t); /* an existing key's value: lua_next goes on */
		}
		lua_pop(L, 1);
	}
}

/* env[lib] = a copy of the library lib (so that a script cannot change it for others). */
static void copy_library(lua_State *L, int env, const char *lib, const char *const *only)
{
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_getfield(L, -1, lib);
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, -3)) { /* library, copy, key, value */
		int keep = !only;
		for (const char *const *k = only; k && *k; k++)
			keep = keep || !strcmp(*k, lua_tostring(L, -2));
		if (keep) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_settable(L, -4);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_setfield(L, env, lib);
	lua_pop(L, 2);
}

/* The environment every script reads through: the allowed libraries and `jalon`. */
void jl_sandbox_open(jl_script *sc)
{
	lua_State *L = sc->L;
	static const char *const BASE[] = {"assert", "error", "getmetatable", "ipairs", "next",
	                                   "pairs", "rawequal", "rawget", "rawlen", "rawset",
	                                   "select", "setmetatable", "tonumber", "tostring",
	                                   "type", "_VERSION", NULL};
	static const char *const OS[] = {"time", "date", "clock", "difftime", NULL};
	static const lua_CFunction OPEN[] = {luaopen_base, luaopen_string, luaopen_table,
	                                     luaopen_math, luaopen_utf8, luaopen_os};
	static const char *const NAMES[] = {LUA_GNAME, LUA_STRLIBNAME, LUA_TABLIBNAME,
	                                    LUA_MATHLIBNAME, LUA_UTF8LIBNAME, LUA_OSLIBNAME};
	for (int i = 0; i < 6; i++) {
		luaL_requiref(L, NAMES[i], OPEN[i], 0);
		lua_pop(L, 1);
	}
	/* io is opened for its file handles only; scripts get io.open through l_io_open. */
	luaL_requiref(L, LUA_IOLIBNAME, luaopen_io, 0);
	lua_getfield(L, -1, "open");
	sc->io_open_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);
	/* Strings share one metatable whose __index is the string library itself: no dump
	   there, and the metatable hidden from getmetatable. */
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_getfield(L, -1, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 2);
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushliteral(L, "verrouillé");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	lua_newtable(L); /* the environment, index 1 */
	copy_library(L, 1, LUA_GNAME, BASE);
	lua_getfield(L, 1, LUA_GNAME); /* the base functions sit in env directly */
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_settable(L, 1);
	}
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_setfield(L, 1, LUA_GNAME);
	copy_library(L, 1, LUA_STRLIBNAME, NULL);
	copy_library(L, 1, LUA_TABLIBNAME, NULL);
	copy_library(L, 1, LUA_MATHLIBNAME, NULL);
	copy_library(L, 1, LUA_UTF8LIBNAME, NULL);
	copy_library(L, 1, LUA_OSLIBNAME, OS);
	static const luaL_Reg OURS[] = {{"pcall", safe_pcall}, {"xpcall", safe_xpcall},
	                                {"rawset", safe_rawset}, {"setmetatable", safe_setmetatable},
	                                {"require", l_require}, {"print", l_print}, {NULL, NULL}};
	luaL_setfuncs(L, OURS, 0);
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, l_io_open);
	lua_setfield(L, -2, "open");
	lua_setfield(L, 1, LUA_IOLIBNAME);
	jl_module_push(L);
	lua_newtable(L);
	readonly_values(L, -2, lua_gettop(L)); /* its lists, shared by every script */
	lua_pop(L, 1);
	lua_setfield(L, 1, "jalon");
	/* The libraries are shared by every script: each behind a read-only proxy. */
	static const char *const SHARED[] = {LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME,
	                                     LUA_UTF8LIBNAME, LUA_OSLIBNAME, LUA_IOLIBNAME,
	                                     "jalon"};
	for (int i = 0; i < 7; i++) {
		lua_getfield(L, 1, SHARED[i]);
		push_readonly(L, -1);
		lua_setfield(L, 1, SHARED[i]);
		lua_pop(L, 1);
	}
	/* Each script gets setmetatable({}, {__index = proxy of the environment}): its own
	   globals, our names. */
	push_readonly(L, 1);
	lua_newtable(L);               /* the metatable of every script's environment */
	lua_insert(L, -2);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "verrouillé");
	lua_setfield(L, -2, "__metatable");
	sc->script_meta_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_settop(L, 0);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "jalon.modules");
}
