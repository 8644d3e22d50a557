/*
 * script — the Lua runtime (script.h, docs/scripts.md).
 *
 * The parts, in the order a call goes through them:
 *
 *   sandbox    the libraries a script sees, a read-only global table, require
 *   limits     the allocator's cap, the count hook and its deadline, pcall wrapped
 *   calls      every call through lua_pcall with a traceback handler
 *   values     records (jansson) to Lua tables and back
 *   module     the `jalon` table: reading the plan, changing it, registering
 *   hooks      the pipeline's before/after hooks and the reminders' rule hook,
 *              dispatching to what the scripts registered
 *   loading    finding the scripts and running each once
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "ext/script.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "store/config.h"
#include "store/item.h"
#include "jalon/history.h"
#include "jalon/item.h"
#include "jalon/progress.h"
#include "jalon/script.h"
#include "change/pipeline.h"
#include "model/plandoc.h"
#include "format/odf.h"
#include "ext/plugin.h"
#include "jobs/progress.h"
#include "model/record.h"
#include "jobs/remind.h"
#include "model/util.h"

enum {
	DEFAULT_TIMEOUT_MS = 2000,
	DEFAULT_MEMORY_KB = 65536,
	DEFAULT_REPORT_TIMEOUT_MS = 60000,
	DEFAULT_REPORT_MEMORY_KB = 1048576,
	COUNT_STEP = 1000 /* instructions between two looks at the clock */
};

struct jl_script {
	jalon_store *s;
	lua_State *L;
	size_t used, cap;       /* bytes allocated, and the most allowed */
	long timeout_ms;
	struct timespec deadline;
	int expired;            /* the deadline passed: every line fails until the call ends */
	int out_of_memory;      /* a memory error was caught by pcall: rethrown, reported */
	int depth;              /* calls into Lua under way: the budget is the outermost's */
	int loading;            /* registration is allowed */
	int in_before;          /* inside a before_change handler: no changes from Lua */
	int script_meta_ref;    /* {__index = read-only proxy of the environment}: each
	                           script's own globals read our names through it */
	int in_after;           /* inside after_commit: changes made there do not fire it again */
	int handlers_ref;       /* event → { function, … } */
	int reports_ref;        /* name → function */
	int rules_ref;          /* { function, … }: reminder rules */
	int fields_ref;         /* { "Nom ; type: … ; pour: …", … }: custom fields declared */
	int texts_ref;          /* { function, … }: reminder message texts */
	int progress_rules_ref; /* rule name → function: progress rules (progress.h) */
	int builtin;            /* loading the built-in reports: a store's own report wins */
	int reports_loaded;     /* every built-in report file was run */
	char dirs[16][1024];    /* the script and Lua plug-in folders, for require */
	char files[8][1024];    /* scripts.files: the only folders io.open reaches (real paths) */
	size_t nfiles;
	int io_open_ref;        /* Lua's own io.open, kept out of the scripts' reach */
	size_t ndirs;
	jl_buf report;          /* ctx:write output of a report */
};

/* ---------------------------------------------------------------- limits */

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct jl_script *sc = ud;
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

static int past_deadline(const struct jl_script *sc)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > sc->deadline.tv_sec ||
	       (now.tv_sec == sc->deadline.tv_sec && now.tv_nsec > sc->deadline.tv_nsec);
}

static struct jl_script *script_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct jl_script *sc = script_of(L);
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

/* pcall and xpcall, except that a timeout or an exhausted memory cannot be caught. */
static int rethrow_fatal(lua_State *L, int status)
{
	struct jl_script *sc = script_of(L);
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
static int call(struct jl_script *sc, int nargs, int nresults, char *err, size_t errlen)
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

static void push_json(lua_State *L, const json_t *v)
{
	size_t i;
	const char *key;
	json_t *e;
	luaL_checkstack(L, 4, "enregistrement trop profond");
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		lua_createtable(L, 0, (int)json_object_size(v));
		json_object_foreach((json_t *)v, key, e) {
			push_json(L, e);
			lua_setfield(L, -2, key);
		}
		break;
	case JSON_ARRAY:
		lua_createtable(L, (int)json_array_size(v), 0);
		json_array_foreach(v, i, e) {
			push_json(L, e);
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

static void push_record(lua_State *L, jalon_store *s, const char *id)
{
	json_t *rec = jl_store_record_get(s, id);
	if (rec)
		push_json(L, rec);
	else
		lua_pushnil(L);
	json_decref(rec);
}

/* ---------------------------------------------------------------- module: reading */

static int l_get(lua_State *L)
{
	struct jl_script *sc = script_of(L);
	const char *ref = luaL_checkstring(L, 1);
	char id[64];
	int rc = jl_items_resolve(sc->s, ref, -1, id, sizeof id);
	if (rc == JALON_ENOTFOUND)
		return lua_pushnil(L), 1;
	if (rc)
		return luaL_error(L, "%s", jalon_errmsg(sc->s));
	push_record(L, sc->s, id);
	return 1;
}

static const char *opt_field(lua_State *L, int t, const char *key)
{
	lua_getfield(L, t, key);
	const char *v = lua_tostring(L, -1); /* kept alive by the table */
	lua_pop(L, 1);
	return v;
}

/* jalon.query{kind = "action", status = "en cours", responsible = "DG", …} */
static int l_query(lua_State *L)
{
	struct jl_script *sc = script_of(L);
	jalon_query q = JALON_QUERY_INIT;
	if (!lua_isnoneornil(L, 1)) {
		luaL_checktype(L, 1, LUA_TTABLE);
		const char *kind = opt_field(L, 1, "kind");
		if (kind) {
			int k = jalon_kind_from_name(kind);
			if (k < JALON_KIND_OS)
				return luaL_error(L, "jalon.query : kind « %s » inconnu (os, oo, action, task)",
				                  kind);
			q.kinds = 1u << k;
		}
		q.volet = opt_field(L, 1, "volet");
		q.os = opt_field(L, 1, "os");
		q.oo = opt_field(L, 1, "oo");
		q.status = opt_field(L, 1, "status");
		q.responsible = opt_field(L, 1, "responsible");
		q.overdue_at = opt_field(L, 1, "overdue_at");
		q.due_before = opt_field(L, 1, "due_before");
		q.due_after = opt_field(L, 1, "due_after");
		q.text = opt_field(L, 1, "text");
		lua_getfield(L, 1, "priority");
		q.priority = lua_toboolean(L, -1);
		lua_getfield(L, 1, "flagged");
		q.flagged = lua_toboolean(L, -1);
		lua_pop(L, 2);
	}
	jalon_item_list *list;
	if (jalon_query_run(&list, sc->s, &q) != 0)
		return luaL_error(L, "jalon.query : %s", jalon_errmsg(sc->s));
	size_t n = jalon_item_list_count(list);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		json_error_t e;
		json_t *rec = json_loads(jalon_item_json(jalon_item_list_get(list, i)), 0, &e);
		push_json(L, rec);
		json_decref(rec);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	jalon_item_list_free(list);
	return 1;
}

/* Pushes every person record whose e-mail is email (case aside), as a sequence. */
static void push_people_with_email(lua_State *L, jalon_store *s, const char *email)
{
	sqlite3_stmt *st;
	lua_newtable(L);
	if (jl_store_prepare(s, &st, "SELECT id FROM people WHERE email <> '' AND"
	                          " (?1 IS NULL OR lower(email) = lower(?1)) ORDER BY"
	                          " CAST(substr(id, 8) AS INTEGER)") != 0)
		return;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	for (int i = 1; sqlite3_step(st) == SQLITE_ROW; i++) {
		push_record(L, s, (const char *)sqlite3_column_text(st, 0));
		lua_rawseti(L, -2, i);
	}
	sqlite3_finalize(st);
}

/* jalon.author(): the acting person, {name, email, roles = {"DG", …}}: the names of the
   people and roles of the plan that share the author's e-mail address. */
static void push_author(lua_State *L, jalon_store *s)
{
	lua_createtable(L, 0, 3);
	lua_pushstring(L, s->author_name ? s->author_name : "");
	lua_setfield(L, -2, "name");
	lua_pushstring(L, s->author_email ? s->author_email : "");
	lua_setfield(L, -2, "email");
	lua_newtable(L);
	if (s->author_email && *s->author_email) {
		push_people_with_email(L, s, s->author_email);
		lua_Integer n = luaL_len(L, -1);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, i);
			lua_getfield(L, -1, "name");
			lua_rawseti(L, -4, i);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_setfield(L, -2, "roles");
}

static int l_author(lua_State *L)
{
	push_author(L, script_of(L)->s);
	return 1;
}

static int l_people(lua_State *L)
{
	sqlite3_stmt *st;
	struct jl_script *sc = script_of(L);
	lua_newtable(L);
	if (jl_store_prepare(sc->s, &st, "SELECT id FROM people ORDER BY"
	                              " CAST(substr(id, 8) AS INTEGER)") != 0)
		return luaL_error(L, "%s", jalon_errmsg(sc->s));
	for (int i = 1; sqlite3_step(st) == SQLITE_ROW; i++) {
		push_record(L, sc->s, (const char *)sqlite3_column_text(st, 0));
		lua_rawseti(L, -2, i);
	}
	sqlite3_finalize(st);
	return 1;
}

/* ---------------------------------------------------------------- module: history */

/* A log (jalon/history.h) as a sequence of {commit, time, author = {name, email},
   message, changes = {{record, name, field, label, before, after}, …}}. */
static void push_log(lua_State *L, const jalon_log *log)
{
	size_t n = jalon_log_count(log);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		const jalon_log_entry *e = jalon_log_get(log, i);
		lua_createtable(L, 0, 5);
		lua_pushstring(L, e->commit);
		lua_setfield(L, -2, "commit");
		lua_pushinteger(L, (lua_Integer)e->time);
		lua_setfield(L, -2, "time");
		lua_createtable(L, 0, 2);
		lua_pushstring(L, e->author_name);
		lua_setfield(L, -2, "name");
		lua_pushstring(L, e->author_email);
		lua_setfield(L, -2, "email");
		lua_setfield(L, -2, "author");
		lua_pushstring(L, e->message);
		lua_setfield(L, -2, "message");
		lua_createtable(L, (int)e->nchanges, 0);
		for (size_t k = 0; k < e->nchanges; k++) {
			const jalon_field_change *c = &e->changes[k];
			const char *keys[] = {"record", "name", "field", "label", "before", "after"};
			const char *values[] = {c->record, c->name, c->field, c->label, c->before, c->after};
			lua_createtable(L, 0, 6);
			for (int j = 0; j < 6; j++) {
				lua_pushstring(L, values[j] ? values[j] : "");
				lua_setfield(L, -2, keys[j]);
			}
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, "changes");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* A date as the CLI reads one ("2020-01-15", a tag, "@1577836800"), at its day's end. */
/* A date, tag or @seconds argument: a day counts from its first second (since) or to its
   last (until, at), as on the command line. */
static long long check_time(lua_State *L, int arg, int end_of_day)
{
	struct jl_script *sc = script_of(L);
	long long t;
	if (jalon_time_parse(sc->s, luaL_checkstring(L, arg), end_of_day, &t) != 0)
		luaL_error(L, "%s", jalon_errmsg(sc->s));
	return t;
}

/* jalon.history(ref [, limit]): the changes of a record, newest first. */
static int l_history(lua_State *L)
{
	struct jl_script *sc = script_of(L);
	jalon_log *log;
	if (jalon_history_log(&log, sc->s, luaL_checkstring(L, 1),
	                      (size_t)luaL_optinteger(L, 2, 0)) != 0)
		return luaL_error(L, "jalon.history : %s", jalon_errmsg(sc->s));
	push_log(L, log);
	jalon_log_free(log);
	return 1;
}

/* A history question over a period (since, until): its log as a Lua list. */
static int period_log(lua_State *L, const char *name,
                      int (*ask)(jalon_log **, jalon_store *, long long, long long))
{
	struct jl_script *sc = script_of(L);
	long long since = check_time(L, 1, 0), until = check_time(L, 2, 1);
	jalon_log *log;
	if (ask(&log, sc->s, since, until) != 0)
		return luaL_error(L, "%s : %s", name, jalon_errmsg(sc->s));
	push_log(L, log);
	jalon_log_free(log);
	return 1;
}

/* jalon.diff(since, until): what changed between two dates or tags, record by record. */
static int l_diff(lua_State *L)
{
	return period_log(L, "jalon.diff", jalon_history_diff);
}

/* jalon.log(since, until): every commit of the period, newest first. */
static int l_log(lua_State *L)
{
	return period_log(L, "jalon.log", jalon_history_log_between);
}

/* jalon.at(ref, date): the record as it was then, or nil when it did not exist. */
static int l_at(lua_State *L)
{
	struct jl_script *sc = script_of(L);
	const char *ref = luaL_checkstring(L, 1);
	jalon_item *item;
	int rc = jalon_history_at(&item, sc->s, ref, check_time(L, 2, 1));
	if (rc == JALON_ENOTFOUND)
		return lua_pushnil(L), 1;
	if (rc)
		return luaL_error(L, "jalon.at : %s", jalon_errmsg(sc->s));
	json_error_t e;
	json_t *rec = json_loads(jalon_item_json(item), 0, &e);
	jalon_item_free(item);
	push_json(L, rec);
	json_decref(rec);
	return 1;
}

/* jalon.progress(ref [, day]): the roll-up of docs/progress.md, {progress, expected,
   health, items, by_status = {["à lancer"] = n, …}, overdue, priority}; progress and
   expected are nil when unknown. */
static void push_measure(lua_State *L, const jalon_progress *m)
{
	const jalon_progress p = *m;
	lua_createtable(L, 0, 7);
	if (p.progress >= 0) {
		lua_pushinteger(L, p.progress);
		lua_setfield(L, -2, "progress");
	}
	if (p.expected >= 0) {
		lua_pushinteger(L, p.expected);
		lua_setfield(L, -2, "expected");
	}
	lua_pushstring(L, p.health);
	lua_setfield(L, -2, "health");
	lua_pushinteger(L, p.items);
	lua_setfield(L, -2, "items");
	lua_createtable(L, 0, 5);
	for (int i = 0; i < 5; i++) {
		lua_pushinteger(L, p.by_status[i]);
		lua_setfield(L, -2, jl_progress_status_name(i));
	}
	lua_setfield(L, -2, "by_status");
	lua_pushinteger(L, p.overdue);
	lua_setfield(L, -2, "overdue");
	lua_pushinteger(L, p.priority);
	lua_setfield(L, -2, "priority");
}

static int l_progress(lua_State *L)
{
	struct jl_script *sc = script_of(L);
	jalon_progress p;
	if (jalon_progress_get(&p, sc->s, luaL_optstring(L, 1, "plan"), luaL_optstring(L, 2, NULL))
	    != 0)
		return luaL_error(L, "jalon.progress : %s", jalon_errmsg(sc->s));
	push_measure(L, &p);
	return 1;
}

/* The fields of a node of the plan (progress.h), as reports and progress rules see them
   (docs/reports.md); "children" and "measure" come with the tree of jalon.plan. */
static const char *const NODE_FIELDS[] = {
	"id", "kind", "label", "title", "name", "volet", "status", "health", "parent",
	"due_start", "due_end", "planned_start", "planned_end", "draft", "priority", "synergy",
	"position", "progress", "weight", "budget_cents", "spent_cents", "indicators",
	"children", "measure", NULL};
enum { NODE_NAME = 4, NODE_CHILDREN = 22, NODE_MEASURE = 23, NODE_PLAIN = 22 };

static void push_text(lua_State *L, const char *v)
{
	if (v && *v)
		lua_pushstring(L, v);
	else
		lua_pushnil(L);
}

/* Pushes field f (< NODE_PLAIN) of a node: its value, or nil. */
static void push_node_field(lua_State *L, const progress_node *n, int f)
{
	switch (f) {
	case 0: push_text(L, n->id); break;
	case 1: push_text(L, jalon_kind_name((jalon_kind)n->kind)); break;
	case 2: lua_pushstring(L, n->label ? n->label : ""); break;
	case 3: lua_pushstring(L, n->title ? n->title : ""); break;
	case 4: {
		char *name = jl_record_item_name(n->kind, n->label, n->title);
		lua_pushstring(L, name ? name : "?");
		free(name);
		break;
	}
	case 5: push_text(L, n->volet); break;
	case 6: push_text(L, n->status); break;
	case 7: push_text(L, n->health_flag); break;
	case 8: push_text(L, n->parent); break;
	case 9: push_text(L, n->due_start); break;
	case 10: push_text(L, n->due_end); break;
	case 11: push_text(L, n->planned_start); break;
	case 12: push_text(L, n->planned_end); break;
	case 13: lua_pushboolean(L, n->draft); break;
	case 14: lua_pushboolean(L, n->priority); break;
	case 15: lua_pushboolean(L, n->synergy); break;
	case 16: lua_pushinteger(L, n->position); break;
	case 17: if (n->manual >= 0) lua_pushinteger(L, n->manual); else lua_pushnil(L); break;
	case 18: lua_pushinteger(L, n->weight); break;
	case 19: lua_pushinteger(L, (lua_Integer)n->budget_cents); break;
	case 20:
		if (n->spent_cents >= 0)
			lua_pushinteger(L, (lua_Integer)n->spent_cents);
		else
			lua_pushnil(L);
		break;
	default: lua_pushinteger(L, n->indicators); break;
	}
}

/* A node as a plain table, every field set (the progress rules' item). */
static void push_node(lua_State *L, const progress_node *n)
{
	lua_createtable(L, 0, NODE_PLAIN);
	for (int f = 0; f < NODE_PLAIN; f++) {
		push_node_field(L, n, f);
		lua_setfield(L, -2, NODE_FIELDS[f]);
	}
}

/*
 * The tree of jalon.plan: each node a small table that reads its fields from the plan
 * in C when they are asked for (its children, measure and name then kept in the table),
 * so that a report pays for what it reads. The plan in C lives in a userdata freed by the collector;
 * NODE_INDEX is the private key of a node's index in it.
 */
static const char NODE_INDEX = 0;

static const progress_plan *plan_of(lua_State *L)
{
	return *(progress_plan **)lua_touserdata(L, lua_upvalueindex(1));
}

static int plan_gc(lua_State *L)
{
	progress_plan **box = lua_touserdata(L, 1);
	jl_progress_free(*box);
	*box = NULL;
	return 0;
}

/* __index(node, key), upvalues: the plan userdata, the items table (id → node), the
   field names (name → index in NODE_FIELDS). */
static int node_index(lua_State *L)
{
	const progress_plan *p = plan_of(L);
	lua_pushvalue(L, 2);
	lua_Integer f = lua_rawget(L, lua_upvalueindex(3)) == LUA_TNUMBER ? lua_tointeger(L, -1) : -1;
	lua_rawgetp(L, 1, &NODE_INDEX);
	lua_Integer i = lua_tointeger(L, -1);
	lua_pop(L, 2);
	if (f < 0 || i < 0 || (size_t)i >= p->n) {
		lua_pushnil(L);
		return 1;
	}
	const progress_node *n = &p->nodes[i];
	if (f == NODE_CHILDREN) {
		lua_createtable(L, (int)n->nchildren, 0);
		for (size_t e = 0; e < n->nchildren; e++) {
			lua_getfield(L, lua_upvalueindex(2), p->nodes[p->edges[n->first_child + e].child].id);
			lua_rawseti(L, -2, (lua_Integer)e + 1);
		}
	} else if (f == NODE_MEASURE) {
		push_measure(L, &n->measure);
	} else {
		push_node_field(L, n, (int)f);
		if (f != NODE_NAME)
			return 1; /* a number, a boolean or a text the state already holds */
	}
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1); /* tables and the name, made once */
	return 1;
}

/* The index of a field name, or -1. */
static int node_field(lua_State *L, int idx)
{
	if (lua_type(L, idx) != LUA_TSTRING)
		return -1;
	const char *key = lua_tostring(L, idx);
	for (int f = 0; NODE_FIELDS[f]; f++)
		if (!strcmp(NODE_FIELDS[f], key))
			return f;
	return -1;
}

/* __pairs(node): every field that has a value, then the keys the report added. */
static int node_next(lua_State *L)
{
	lua_settop(L, 2);
	int f = lua_isnil(L, 2) ? 0 : node_field(L, 2);
	if (f >= 0) {
		if (!lua_isnil(L, 2))
			f++;
		for (; NODE_FIELDS[f]; f++) {
			lua_pushstring(L, NODE_FIELDS[f]);
			lua_pushvalue(L, -1);
			if (lua_gettable(L, 1) != LUA_TNIL)
				return 2;
			lua_pop(L, 2);
		}
		lua_pushnil(L);
		lua_replace(L, 2);
	}
	while (lua_next(L, 1)) {
		if (lua_type(L, -2) != LUA_TLIGHTUSERDATA && node_field(L, -2) < 0)
			return 2;
		lua_pop(L, 1);
	}
	return 0;
}

static int node_pairs(lua_State *L)
{
	lua_pushcfunction(L, node_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* jalon.plan([day]) builds the tree in a protected call: the plan in C is then owned by
   its userdata, freed by the collector also when Lua runs out of memory on the way. */
struct plan_handoff {
	progress_plan *plan;
	int owned; /* the userdata holds it */
};

static int push_plan(lua_State *L)
{
	struct plan_handoff *h = lua_touserdata(L, 1);
	progress_plan *p = h->plan;
	progress_plan **box = lua_newuserdatauv(L, sizeof *box, 0);
	*box = NULL;
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, plan_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	*box = p; /* from here the collector frees it */
	h->owned = 1;
	int plan_ud = lua_gettop(L);
	lua_createtable(L, 0, 8); /* the plan */
	int plan = lua_gettop(L);
	char day[11];
	jl_date_format_iso(p->day, day);
	lua_pushstring(L, day);
	lua_setfield(L, plan, "day");
	push_measure(L, &p->plan);
	lua_setfield(L, plan, "measure");
	lua_createtable(L, 0, 2);
	push_measure(L, &p->externe);
	lua_setfield(L, -2, "externe");
	push_measure(L, &p->interne);
	lua_setfield(L, -2, "interne");
	lua_setfield(L, plan, "volets");
	lua_createtable(L, 0, (int)p->n); /* items: id → node */
	int items = lua_gettop(L);
	lua_createtable(L, 0, 2); /* the nodes' metatable */
	lua_pushvalue(L, plan_ud);
	lua_pushvalue(L, items);
	lua_createtable(L, 0, NODE_MEASURE + 1);
	for (int f = 0; NODE_FIELDS[f]; f++) {
		lua_pushinteger(L, f);
		lua_setfield(L, -2, NODE_FIELDS[f]);
	}
	lua_pushcclosure(L, node_index, 3);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, node_pairs);
	lua_setfield(L, -2, "__pairs");
	int meta = lua_gettop(L);
	lua_newtable(L); /* os, in plan order */
	int os = 0;
	for (size_t i = 0; i < p->n; i++) {
		lua_createtable(L, 0, 1);
		lua_pushinteger(L, (lua_Integer)i);
		lua_rawsetp(L, -2, &NODE_INDEX);
		lua_pushstring(L, p->nodes[i].id);
		lua_pushvalue(L, -2);
		lua_rawset(L, items);
		lua_pushvalue(L, meta);
		lua_setmetatable(L, -2);
		if (p->nodes[i].kind == JALON_KIND_OS)
			lua_rawseti(L, -2, ++os);
		else
			lua_pop(L, 1);
	}
	lua_setfield(L, plan, "os");
	lua_pop(L, 1); /* meta */
	lua_setfield(L, plan, "items");
	return 1;
}

/* jalon.plan([day]): the whole plan measured on day (default today), see docs/reports.md. */
static int l_plan(lua_State *L)
{
	struct jl_script *sc = script_of(L);
	struct plan_handoff h = {NULL, 0};
	if (jl_progress_load(sc->s, luaL_optstring(L, 1, NULL), &h.plan) != 0)
		return luaL_error(L, "jalon.plan : %s", jalon_errmsg(sc->s));
	lua_pushcfunction(L, push_plan);
	lua_pushlightuserdata(L, &h);
	int status = lua_pcall(L, 1, 1, 0);
	if (status != LUA_OK) {
		if (!h.owned)
			jl_progress_free(h.plan);
		return lua_error(L);
	}
	json_t *plan = jl_store_record_get(sc->s, "plan");
	const char *key;
	json_t *v;
	json_object_foreach(plan, key, v) {
		if (!strcmp(key, "id") || !strcmp(key, "kind"))
			continue;
		push_json(L, v); /* the plan's own fields: organisation, title, period… */
		lua_setfield(L, -2, key);
	}
	json_decref(plan);
	return 1;
}

/* jalon.odf(mimetype, {["content.xml"] = …, ["styles.xml"] = …}): the bytes of an
   OpenDocument package (.odt, .ods), its parts in name order. */
static int l_odf(lua_State *L)
{
	const char *mimetype = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	odf_part parts[32];
	size_t n = 0;
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "jalon.odf : les parties sont des textes nommés");
		if (n == sizeof parts / sizeof *parts)
			return luaL_error(L, "jalon.odf : plus de %d parties", (int)n);
		parts[n].name = lua_tostring(L, -2);
		parts[n].data = lua_tolstring(L, -1, &parts[n].len);
		n++;
		lua_pop(L, 1); /* the strings stay alive in the table */
	}
	for (size_t i = 1; i < n; i++) /* name order: the same parts give the same bytes */
		for (size_t k = i; k > 0 && strcmp(parts[k - 1].name, parts[k].name) > 0; k--) {
			odf_part t = parts[k];
			parts[k] = parts[k - 1];
			parts[k - 1] = t;
		}
	jl_buf out = JL_BUF_INIT;
	char err[512];
	if (jl_odf_package(&out, mimetype, parts, n, err, sizeof err) != 0) {
		jl_buf_free(&out);
		return luaL_error(L, "jalon.odf : %s", err);
	}
	lua_pushlstring(L, out.ptr ? out.ptr : "", out.len);
	jl_buf_free(&out);
	return 1;
}

/* ---------------------------------------------------------------- module: changing */

/* jalon.set(ref, {statut = "terminé", ["fin effective"] = "2020-01-31"}): one commit by
   the acting person, through the change pipeline. */
static int l_set(lua_State *L)
{
	struct jl_script *sc = script_of(L);
	const char *ref = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	if (sc->in_before || sc->loading)
		return luaL_error(L, "jalon.set : pas de modification pendant %s",
		                  sc->loading ? "le chargement des scripts"
		                              : "la validation d'une autre modification");
	/* "key=value" texts built on the Lua stack, which keeps them alive and frees them
	   whatever happens; keys must be field names. */
	enum { MAX_FIELDS = 64 };
	const char *a[MAX_FIELDS];
	size_t n = 0;
	lua_settop(L, 2);
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			return luaL_error(L, "jalon.set : les clés sont des noms de champs, pas des %s",
			                  luaL_typename(L, -2));
		if (n == MAX_FIELDS)
			return luaL_error(L, "jalon.set : au plus %d champs à la fois", MAX_FIELDS);
		luaL_checkstack(L, 3, "jalon.set");
		const char *v = luaL_tolstring(L, -1, NULL);
		a[n++] = lua_pushfstring(L, "%s=%s", lua_tostring(L, -3), v);
		lua_remove(L, -2); /* the value's text */
		lua_insert(L, 3);  /* "k=v" below the key being walked */
		lua_pop(L, 1);     /* the value */
	}
	int rc = jalon_item_set(sc->s, ref, a, n);
	if (rc)
		return luaL_error(L, "jalon.set : %s", jalon_errmsg(sc->s));
	return 0;
}

/* ---------------------------------------------------------------- module: registering */

static void check_loading(lua_State *L, const char *what)
{
	if (!script_of(L)->loading)
		luaL_error(L, "%s : ne s'appelle qu'au chargement du script", what);
}

static void append_to(lua_State *L, int ref, const char *key, int fn)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	if (key) {
		if (lua_getfield(L, -1, key) != LUA_TTABLE) {
			lua_pop(L, 1);
			lua_newtable(L);
			lua_pushvalue(L, -1);
			lua_setfield(L, -3, key);
		}
	}
	lua_pushvalue(L, fn);
	lua_rawseti(L, -2, luaL_len(L, -2) + 1);
	lua_pop(L, key ? 2 : 1);
}

/* "action.status": an item kind, a dot, a field. */
static int field_event(const char *event)
{
	const char *dot = strchr(event, '.');
	char kind[16];
	if (!dot || !dot[1] || (size_t)(dot - event) >= sizeof kind)
		return 0;
	snprintf(kind, sizeof kind, "%.*s", (int)(dot - event), event);
	int k = jalon_kind_from_name(kind);
	if (k < JALON_KIND_OS)
		return 0;
	json_t *probe = jl_record_new((jalon_kind)k, "x-1");
	int known = json_object_get(probe, dot + 1) != NULL;
	json_decref(probe);
	return known;
}

/* jalon.on(event, handler): "before_change", "after_commit", or "KIND.FIELD"
   ("action.status") for a change of that field on that kind of item. */
static int l_on(lua_State *L)
{
	const char *event = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	check_loading(L, "jalon.on");
	if (strcmp(event, "before_change") && strcmp(event, "after_commit") && !field_event(event))
		return luaL_error(L, "jalon.on : événement « %s » inconnu (before_change, "
		                     "after_commit, ou type.champ comme action.status)", event);
	append_to(L, script_of(L)->handlers_ref, event, 2);
	return 0;
}

static int l_report(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	check_loading(L, "jalon.report");
	struct jl_script *sc = script_of(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->reports_ref);
	if (lua_getfield(L, -1, name) != LUA_TNIL && sc->builtin)
		return 0; /* the store's own version of a built-in report */
	if (!lua_isnil(L, -1))
		return luaL_error(L, "jalon.report : le rapport « %s » existe déjà", name);
	lua_pop(L, 1);
	lua_pushvalue(L, 2);
	lua_setfield(L, -2, name);
	return 0;
}

/* jalon.progress_rule("avancement" | "poids" | "santé", function(item, …) … end) */
static int l_progress_rule(lua_State *L)
{
	static const char *const RULES[] = {"avancement", "poids", "santé", NULL};
	int rule = luaL_checkoption(L, 1, NULL, RULES);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	check_loading(L, "jalon.progress_rule");
	struct jl_script *sc = script_of(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->progress_rules_ref);
	if (lua_getfield(L, -1, RULES[rule]) != LUA_TNIL)
		return luaL_error(L, "jalon.progress_rule : la règle « %s » est déjà remplacée",
		                  RULES[rule]);
	lua_pop(L, 1);
	lua_pushvalue(L, 2);
	lua_setfield(L, -2, RULES[rule]);
	return 0;
}

static int l_remind_rule(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	check_loading(L, "jalon.remind_rule");
	append_to(L, script_of(L)->rules_ref, NULL, 1);
	return 0;
}

static int l_remind_text(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	check_loading(L, "jalon.remind_text");
	append_to(L, script_of(L)->texts_ref, NULL, 1);
	return 0;
}

/* jalon.field("Validation CODIR ; type: liste ; valeurs: en attente, validée ; pour:
   action"): a custom field, declared as the outline's `champ:` line declares one. */
static int l_field(lua_State *L)
{
	const char *text = luaL_checkstring(L, 1);
	check_loading(L, "jalon.field");
	char err[512];
	json_t *doc = jl_plandoc_new();
	int rc = doc ? jl_plandoc_declare_field(doc, text, err, sizeof err) : JALON_ENOMEM;
	json_decref(doc);
	if (rc)
		return luaL_error(L, "jalon.field : %s", rc == JALON_ENOMEM ? "mémoire épuisée" : err);
	append_to(L, script_of(L)->fields_ref, NULL, 1);
	return 0;
}

static const luaL_Reg MODULE[] = {
	{"get", l_get},         {"query", l_query},   {"people", l_people},
	{"author", l_author},   {"set", l_set},       {"on", l_on},
	{"report", l_report},   {"remind_rule", l_remind_rule}, {"field", l_field},
	{"history", l_history}, {"diff", l_diff},     {"at", l_at},
	{"remind_text", l_remind_text}, {"progress", l_progress},
	{"plan", l_plan},       {"progress_rule", l_progress_rule}, {"odf", l_odf},
	{"log", l_log},
	{NULL, NULL}};

/* ---------------------------------------------------------------- hooks */

/* The change a before_change handler sees. */
static void push_change(lua_State *L, jalon_store *s, const json_t *old_rec,
                        const json_t *new_rec, record_change *diff, int n)
{
	const json_t *any = new_rec ? new_rec : old_rec;
	char *name = jl_record_display_name(any);
	lua_createtable(L, 0, 7);
	lua_pushstring(L, jl_record_id(any));
	lua_setfield(L, -2, "id");
	lua_pushstring(L, jalon_kind_name((jalon_kind)jl_record_kind(any)));
	lua_setfield(L, -2, "kind");
	lua_pushstring(L, name);
	lua_setfield(L, -2, "name");
	free(name);
	if (old_rec) {
		push_json(L, old_rec);
		lua_setfield(L, -2, "old");
	}
	if (new_rec) {
		push_json(L, new_rec);
		lua_setfield(L, -2, "new");
	}
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushstring(L, diff[i].field);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "changed");
	push_author(L, s);
	lua_setfield(L, -2, "author");
}

/* Calls the handlers of event with the change on top of the stack; 0, or -1 with the
   veto's message. */
static int dispatch(struct jl_script *sc, const char *event, char *msg, size_t msglen)
{
	lua_State *L = sc->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->handlers_ref);
	if (lua_getfield(L, -1, event) != LUA_TTABLE) {
		lua_pop(L, 2);
		return 0;
	}
	lua_Integer n = luaL_len(L, -1);
	int rc = 0;
	for (lua_Integer i = 1; rc == 0 && i <= n; i++) {
		lua_rawgeti(L, -1, i);
		lua_pushvalue(L, -4); /* the change */
		if (call(sc, 1, 2, msg, msglen) != 0) {
			rc = -1;
		} else {
			if (lua_isboolean(L, -2) && !lua_toboolean(L, -2)) {
				const char *why = lua_tostring(L, -1);
				snprintf(msg, msglen, "%s", why ? why : "modification refusée par un script");
				rc = -1;
			}
			lua_pop(L, 2);
		}
	}
	lua_pop(L, 2);
	return rc;
}

static int before_change(void *ud, jalon_store *s, const json_t *old_rec, const json_t *new_rec,
                         char *msg, size_t msglen)
{
	struct jl_script *sc = ud;
	record_change *diff = NULL;
	int n = jl_record_diff(old_rec, new_rec, &diff);
	const json_t *any = new_rec ? new_rec : old_rec;
	int rc = 0;
	sc->in_before = 1;
	push_change(sc->L, s, old_rec, new_rec, diff, n < 0 ? 0 : n);
	rc = dispatch(sc, "before_change", msg, msglen);
	for (int i = 0; rc == 0 && i < n; i++) {
		char event[96];
		snprintf(event, sizeof event, "%s.%s", jalon_kind_name((jalon_kind)jl_record_kind(any)),
		         diff[i].field);
		rc = dispatch(sc, event, msg, msglen);
	}
	lua_pop(sc->L, 1);
	sc->in_before = 0;
	jl_record_changes_free(diff, n);
	return rc;
}

static void after_commit(void *ud, jalon_store *s, const char *commit)
{
	struct jl_script *sc = ud;
	char msg[2048];
	if (sc->in_after)
		return;
	sc->in_after = 1;
	lua_createtable(sc->L, 0, 2);
	lua_pushstring(sc->L, commit);
	lua_setfield(sc->L, -2, "commit");
	push_author(sc->L, s);
	lua_setfield(sc->L, -2, "author");
	/* The change is durable: a handler cannot undo it, only say what went wrong. */
	if (dispatch(sc, "after_commit", msg, sizeof msg) != 0)
		fprintf(stderr, "jalon: script (after_commit) : %s\n", msg);
	lua_pop(sc->L, 1);
	sc->in_after = 0;
}

static void push_offsets(lua_State *L, const int *v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushinteger(L, v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* Reads rule[key] back, raw: a script's metamethods cannot raise outside a call. */
static int read_offsets(lua_State *L, const char *key, int *v, size_t *n)
{
	lua_pushstring(L, key);
	lua_rawget(L, -2);
	lua_Integer len = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : -1;
	if (len < 0 || len > REMIND_MAX_OFFSETS)
		return lua_pop(L, 1), -1;
	for (lua_Integer i = 1; i <= len; i++) {
		lua_rawgeti(L, -1, i);
		int ok;
		lua_Integer d = lua_tointegerx(L, -1, &ok);
		lua_pop(L, 1);
		if (!ok || d < 0 || d > 366)
			return lua_pop(L, 1), -1;
		v[i - 1] = (int)d;
	}
	*n = (size_t)len;
	lua_pop(L, 1);
	return 0;
}

/* The reminders' rule hook: each rule gets (item, what, rule) and changes rule in place. */
static int remind_rules(void *ud, jalon_store *s, const json_t *item, const char *what,
                        remind_rule *rule, char *msg, size_t msglen)
{
	struct jl_script *sc = ud;
	lua_State *L = sc->L;
	(void)s;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->rules_ref);
	lua_Integer n = luaL_len(L, -1);
	int rc = 0;
	for (lua_Integer i = 1; rc == 0 && i <= n; i++) {
		lua_rawgeti(L, -1, i);
		push_json(L, item);
		lua_pushstring(L, what);
		lua_createtable(L, 0, 3);
		push_offsets(L, rule->before, rule->nbefore);
		lua_setfield(L, -2, "before");
		push_offsets(L, rule->after, rule->nafter);
		lua_setfield(L, -2, "after");
		push_json(L, rule->extra);
		lua_setfield(L, -2, "extra");
		lua_pushvalue(L, -1);
		lua_insert(L, -5); /* keep the rule table below the call */
		if (call(sc, 3, 0, msg, msglen) != 0) {
			lua_pop(L, 1);
			rc = -1;
			break;
		}
		if (read_offsets(L, "before", rule->before, &rule->nbefore) != 0 ||
		    read_offsets(L, "after", rule->after, &rule->nafter) != 0) {
			rc = -1;
			snprintf(msg, msglen, "règle de rappel : before et after sont des listes d'au "
			                      "plus %d nombres de jours (0 à 366)", REMIND_MAX_OFFSETS);
		}
		lua_pushliteral(L, "extra");
		lua_rawget(L, -2);
		json_array_clear(rule->extra);
		lua_Integer count = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
		for (lua_Integer k = 1; k <= count; k++) {
			lua_rawgeti(L, -1, k);
			const char *mb = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
			json_array_append_new(rule->extra, json_string(mb));
			lua_pop(L, 1);
		}
		lua_pop(L, 2); /* extra, the rule table */
	}
	lua_pop(L, 1);
	return rc;
}

/* The reminders' text hook: each handler gets {to, date, text, reminders = {{item,
   what, due, offset, note}, …}} and returns a new text, or nil to keep it. */
static int remind_texts(void *ud, jalon_store *s, const char *to, const char *day,
                        const remind_entry *entries, size_t n, const char *text, char **out,
                        char *msg, size_t msglen)
{
	struct jl_script *sc = ud;
	lua_State *L = sc->L;
	(void)s;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->texts_ref);
	lua_Integer count = luaL_len(L, -1);
	jl_buf current = JL_BUF_INIT;
	jl_buf_puts(&current, text);
	int rc = 0, replaced = 0;
	for (lua_Integer i = 1; rc == 0 && i <= count; i++) {
		lua_rawgeti(L, -1, i);
		lua_createtable(L, 0, 4);
		lua_pushstring(L, to);
		lua_setfield(L, -2, "to");
		lua_pushstring(L, day);
		lua_setfield(L, -2, "date");
		lua_pushstring(L, current.ptr);
		lua_setfield(L, -2, "text");
		lua_createtable(L, (int)n, 0);
		for (size_t k = 0; k < n; k++) {
			lua_createtable(L, 0, 5);
			push_json(L, entries[k].item);
			lua_setfield(L, -2, "item");
			lua_pushstring(L, entries[k].what);
			lua_setfield(L, -2, "what");
			lua_pushstring(L, entries[k].due);
			lua_setfield(L, -2, "due");
			lua_pushinteger(L, entries[k].offset);
			lua_setfield(L, -2, "offset");
			lua_pushstring(L, entries[k].note);
			lua_setfield(L, -2, "note");
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, "reminders");
		if (call(sc, 1, 1, msg, msglen) != 0) {
			rc = -1;
			break;
		}
		if (lua_type(L, -1) == LUA_TSTRING) {
			size_t len;
			const char *t = lua_tolstring(L, -1, &len);
			jl_buf_free(&current);
			jl_buf_put(&current, t, len);
			replaced = 1;
		} else if (!lua_isnil(L, -1)) {
			snprintf(msg, msglen, "texte de rappel : une chaîne ou nil est attendu, pas %s",
			         luaL_typename(L, -1));
			rc = -1;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	*out = rc == 0 && replaced ? jl_buf_detach(&current) : NULL;
	jl_buf_free(&current);
	return rc;
}

/* ---------------------------------------------------------------- sandbox */

/*
 * Loads a script as a text chunk named "@path" (errors name the file), with its own
 * globals reading through the shared environment: LUA_OK and the function on the
 * stack, or an error status and the message.
 */
static int load_script(struct jl_script *sc, const char *path)
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

/* require(name): a module of the script folders, "a.b" being a/b.lua; run once. */
static int l_require(lua_State *L)
{
	struct jl_script *sc = script_of(L);
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
		if (load_script(sc, path) != LUA_OK)
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
	struct jl_script *sc = script_of(L);
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
static void push_readonly(lua_State *L, int t)
{
	t = lua_absindex(L, t);
	lua_newtable(L);
	lua_newtable(L);
	lua_pushvalue(L, t);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, readonly);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "verrouillé");
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, t);
	lua_pushcclosure(L, readonly_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_setmetatable(L, -2);
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
static void build_environment(struct jl_script *sc)
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
	luaL_newlib(L, MODULE);
	lua_pushstring(L, JALON_VERSION);
	lua_setfield(L, -2, "version");
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

/* ---------------------------------------------------------------- loading */

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.lua files of a folder, sorted; their count, or -1 when the folder is unreadable
   (a missing folder has none). */
static int list_scripts(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	*out = NULL;
	if (!d)
		return errno == ENOENT ? 0 : -1;
	size_t n = 0, cap = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".lua") || e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			char **grown = realloc(*out, cap * sizeof *grown);
			if (!grown)
				break;
			*out = grown;
		}
		(*out)[n++] = jl_sprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(*out, n, sizeof **out, compare_names);
	return (int)n;
}

static int run_script(struct jl_script *sc, const char *path, char *err, size_t errlen)
{
	if (load_script(sc, path) != LUA_OK) {
		snprintf(err, errlen, "%s", lua_tostring(sc->L, -1));
		lua_pop(sc->L, 1);
		return -1;
	}
	return call(sc, 0, 0, err, errlen);
}

static struct jl_script *script_new(jalon_store *s, git_config *cfg)
{
	struct jl_script *sc = calloc(1, sizeof *sc);
	char *text = NULL;
	if (!sc)
		return NULL;
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
	char *granted = NULL, folders[8][1024];
	jl_config_get(s, cfg, "scripts.files", &granted);
	size_t n = jl_config_folders(s, granted ? granted : "", folders, 8);
	for (size_t i = 0; i < n; i++)
		if (realpath(folders[i], sc->files[sc->nfiles]))
			sc->nfiles++;
	free(granted);
		sc->L = lua_newstate(capped_alloc, sc);
	if (!sc->L) {
		free(sc);
		return NULL;
	}
	build_environment(sc);
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
	return sc;
}

/* The script folders: scripts.path (':'-separated, relative to the store), else DIR/scripts. */
static size_t script_dirs(jalon_store *s, git_config *cfg, char dirs[8][1024])
{
	char *path = NULL;
	jl_config_get(s, cfg, "scripts.path", &path);
	size_t n = jl_config_folders(s, path ? path : "scripts", dirs, 8);
	free(path);
	return n;
}

/* Adds a folder require searches, once. */
static void add_dir(struct jl_script *sc, const char *dir)
{
	for (size_t i = 0; i < sc->ndirs; i++)
		if (!strcmp(sc->dirs[i], dir))
			return;
	if (sc->ndirs < sizeof sc->dirs / sizeof *sc->dirs)
		snprintf(sc->dirs[sc->ndirs++], sizeof *sc->dirs, "%s", dir);
}

/* Runs the accepted Lua plug-ins (plugin.h), before the scripts, which may build on
   them. A plug-in that fails is refused (`jalon plugins` says why) and, like a broken
   script, makes the store refuse changes. */
static int run_plugins(struct jl_script *sc, const plugin_lua *plugs, size_t n)
{
	char err[4096];
	for (size_t i = 0; i < n; i++) {
		if (!jl_plugins_lua_loaded(sc->s, &plugs[i]))
			continue;
		add_dir(sc, plugs[i].dir);
		if (run_script(sc, plugs[i].main, err, sizeof err) != 0) {
			jl_plugins_lua_refuse(sc->s, &plugs[i], err);
			return jl_store_fail(sc->s, JALON_ESCRIPT, "plug-in « %s » : %s", plugs[i].name, err);
		}
	}
	return 0;
}

/* The progress rules a script replaced (jalon.progress_rule), called by progress.c. */
static int progress_rules(void *ud, jalon_store *s, const char *rule, const progress_node *node,
                          const int extra[2], int *value)
{
	struct jl_script *sc = ud;
	lua_State *L = sc->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->progress_rules_ref);
	lua_getfield(L, -1, rule);
	lua_remove(L, -2);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return 0;
	}
	int health = !strcmp(rule, "santé");
	push_node(L, node);
	int nargs = 2;
	if (health) {
		for (int i = 0; i < 2; i++)
			if (extra[i] >= 0)
				lua_pushinteger(L, extra[i]);
			else
				lua_pushnil(L);
		lua_pushstring(L, jl_progress_health_name(*value));
		nargs = 4;
	} else if (*value >= 0) {
		lua_pushinteger(L, *value);
	} else {
		lua_pushnil(L);
	}
	char err[4096];
	if (call(sc, nargs, 1, err, sizeof err) != 0)
		return jl_store_fail(s, JALON_ESCRIPT, "règle « %s » : %s", rule, err);
	int rc = 0;
	if (health && lua_type(L, -1) == LUA_TSTRING) {
		const char *name = lua_tostring(L, -1);
		int found = -1;
		for (int i = 0; i < 4; i++)
			if (!strcmp(name, jl_progress_health_name(i)))
				found = i;
		if (found < 0)
			rc = jl_store_fail(s, JALON_ESCRIPT, "règle « santé » : « %s » n'est pas « dans les "
			                                  "temps », « à risque », « en retard » ni « »", name);
		else
			*value = found;
	} else if (!health && lua_isinteger(L, -1)) {
		*value = (int)lua_tointeger(L, -1);
	} else if (!health && lua_type(L, -1) == LUA_TNUMBER) {
		*value = (int)(lua_tonumber(L, -1) + 0.5);
	} else if (!lua_isnil(L, -1)) {
		rc = jl_store_fail(s, JALON_ESCRIPT, "règle « %s » : %s attendu, pas %s", rule,
		                health ? "un nom de santé" : "un nombre", luaL_typename(L, -1));
	}
	lua_pop(L, 1);
	return rc;
}

/* The built-in reports' folders (docs/reports.md): reports.path, else
   $JALON_REPORTS_PATH, else the installed folder. Their modules (require "lib.html")
   are there for every script. */
static size_t reports_dirs(jalon_store *s, git_config *cfg, char dirs[8][1024])
{
	char *path = NULL;
	jl_config_get(s, cfg, "reports.path", &path);
	const char *env = getenv("JALON_REPORTS_PATH");
	size_t n = jl_config_folders(s, path ? path : env && *env ? env : JALON_REPORTS_DIR, dirs, 8);
	free(path);
	return n;
}

static int load_all(jalon_store *s)
{
	git_config *cfg;
	char dirs[8][1024];
	const plugin_lua *plugs;
	size_t nplugs = jl_plugins_lua(s, &plugs), loaded = 0;
	for (size_t i = 0; i < nplugs; i++)
		loaded += jl_plugins_lua_loaded(s, &plugs[i]) != 0;
	if (jl_config_open(s, &cfg) != 0)
		return JALON_ECONFIG;
	size_t ndirs = script_dirs(s, cfg, dirs);
	char reports[8][1024];
	size_t nreports = reports_dirs(s, cfg, reports);
	char **files[8] = {NULL};
	int counts[8] = {0}, total = (int)loaded;
	for (size_t i = 0; i < ndirs; i++) {
		counts[i] = list_scripts(dirs[i], &files[i]);
		if (counts[i] < 0) {
			git_config_free(cfg);
			return jl_store_fail(s, JALON_ESCRIPT, "scripts : dossier %s illisible (%s)", dirs[i],
			                  strerror(errno));
		}
		total += counts[i];
	}
	int rc = 0;
	struct jl_script *sc = total ? script_new(s, cfg) : NULL;
	git_config_free(cfg);
	if (total && !sc)
		rc = JALON_ENOMEM;
	if (sc) {
		for (size_t i = 0; i < ndirs; i++)
			add_dir(sc, dirs[i]);
		for (size_t i = 0; i < nreports; i++)
			add_dir(sc, reports[i]);
		s->script = sc;
		sc->loading = 1;
		rc = run_plugins(sc, plugs, nplugs);
		char err[4096];
		for (size_t i = 0; rc == 0 && i < ndirs; i++)
			for (int k = 0; rc == 0 && k < counts[i]; k++)
				if (run_script(sc, files[i][k], err, sizeof err) != 0)
					rc = jl_store_fail(s, JALON_ESCRIPT, "script : %s", err);
		sc->loading = 0;
	}
	for (size_t i = 0; i < ndirs; i++) {
		for (int k = 0; k < counts[i]; k++)
			free(files[i][k]);
		free(files[i]);
	}
	if (rc == 0 && sc)
		rc = jl_pipeline_hook_add(s, before_change, after_commit, sc);
	if (rc == 0 && sc)
		rc = jl_remind_hook_add(s, remind_rules, sc);
	if (rc == 0 && sc)
		rc = jl_remind_text_hook_add(s, remind_texts, sc);
	if (rc == 0 && sc)
		rc = jl_progress_hook_set(s, progress_rules, sc);
	return rc;
}

static int field_declared(const json_t *plan, const char *name)
{
	size_t i;
	json_t *decl;
	char *key = jl_fold(name);
	int found = 0;
	json_array_foreach(json_object_get(plan, "custom_fields"), i, decl) {
		char *other = jl_fold(json_string_value(json_object_get(decl, "name")));
		found = found || (key && other && !strcmp(key, other));
		free(other);
	}
	free(key);
	return found;
}

/* Adds to the plan, in one change, the fields the scripts declare and the plan lacks —
   once there is a plan and someone acting: the change is theirs, like any other. */
static int declare_fields(jalon_store *s)
{
	struct jl_script *sc = s->script;
	if (!sc || !s->author_name)
		return 0;
	json_t *plan = jl_store_record_get(s, "plan");
	if (!plan)
		return 0;
	json_t *doc = jl_plandoc_new();
	json_object_set(doc, "plan", plan);
	lua_rawgeti(sc->L, LUA_REGISTRYINDEX, sc->fields_ref);
	lua_Integer n = luaL_len(sc->L, -1);
	int rc = 0, added = 0;
	char err[512];
	for (lua_Integer i = 1; rc == 0 && i <= n; i++) {
		lua_rawgeti(sc->L, -1, i);
		const char *text = lua_tostring(sc->L, -1);
		char *name = jl_strndup(text, strcspn(text, ";"));
		if (!field_declared(plan, jl_trim(name))) {
			rc = jl_plandoc_declare_field(doc, text, err, sizeof err);
			added++;
		}
		free(name);
		lua_pop(sc->L, 1);
	}
	lua_pop(sc->L, 1);
	jl_txn *t = NULL;
	if (rc)
		rc = jl_store_fail(s, JALON_ESCRIPT, "scripts : %s", err);
	else if (added && (rc = jl_pipeline_begin(s, &t)) == 0 &&
	         (rc = jl_pipeline_put(t, jl_plandoc_plan(doc))) == 0)
		rc = jl_pipeline_finish(t, "Champs personnalisés déclarés par les scripts");
	else if (t)
		jl_pipeline_abort(t);
	json_decref(plan);
	json_decref(doc);
	return rc;
}

int jl_script_load(jalon_store *s)
{
	if (s->script_state == 0) {
		s->script_state = 2; /* loading: what a script calls then does not load again */
		int rc = load_all(s);
		s->script_state = rc ? rc : 1;
		if (rc == 0 && (rc = declare_fields(s)) != 0)
			s->script_state = rc;
		if (rc)
			memcpy(s->script_error, s->errmsg, sizeof s->script_error);
	}
	if (s->script_state < 0)
		return jl_store_fail(s, s->script_state, "%s", s->script_error);
	return 0;
}

void jl_script_close(jalon_store *s)
{
	struct jl_script *sc = s->script;
	if (!sc)
		return;
	lua_close(sc->L);
	jl_buf_free(&sc->report);
	free(sc);
	s->script = NULL;
}

/* ---------------------------------------------------------------- reports */

static int l_write(lua_State *L)
{
	struct jl_script *sc = script_of(L);
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *text = luaL_tolstring(L, i, &len);
		jl_buf_put(&sc->report, text, len);
		lua_pop(L, 1);
	}
	return 0;
}

/*
 * The built-in reports (scripts/reports/ in the sources, installed in
 * share/jalon/reports): reports.path in jalon.conf, else $JALON_REPORTS_PATH, else the
 * installed folder. Loaded the first time a report runs, after the store's own scripts,
 * so that a store's copy of a built-in report replaces it.
 */
/* Whether a report of that name is registered. */
static int report_defined(struct jl_script *sc, const char *name)
{
	lua_rawgeti(sc->L, LUA_REGISTRYINDEX, sc->reports_ref);
	int found = lua_getfield(sc->L, -1, name) == LUA_TFUNCTION;
	lua_pop(sc->L, 2);
	return found;
}

/* Runs a built-in report file once. */
static int run_builtin(struct jl_script *sc, const char *path)
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
	int rc = done || run_script(sc, path, err, sizeof err) == 0
	             ? 0
	             : jl_store_fail(sc->s, JALON_ESCRIPT, "rapport intégré : %s", err);
	sc->loading = sc->builtin = 0;
	return rc;
}

/* Makes report name available: the store's own, else the built-in NAME.lua of the
   reports' folders, else whatever the built-in files define (all of them run). */
static int load_reports(jalon_store *s, const char *name)
{
	if (s->script && (s->script->reports_loaded || report_defined(s->script, name)))
		return 0;
	git_config *cfg;
	if (jl_config_open(s, &cfg) != 0)
		return JALON_ECONFIG;
	char dirs[8][1024];
	size_t ndirs = reports_dirs(s, cfg, dirs);
	int rc = 0;
	if (!s->script && !(s->script = script_new(s, cfg)))
		rc = JALON_ENOMEM;
	git_config_free(cfg);
	struct jl_script *sc = s->script;
	if (rc)
		return rc;
	for (size_t i = 0; i < ndirs; i++)
		add_dir(sc, dirs[i]);
	for (size_t i = 0; rc == 0 && i < ndirs; i++) {
		char path[2048];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s.lua", dirs[i], name);
		if (!strchr(name, '/') && stat(path, &st) == 0 && (rc = run_builtin(sc, path)) == 0 &&
		    report_defined(sc, name))
			return 0;
	}
	sc->reports_loaded = 1;
	for (size_t i = 0; rc == 0 && i < ndirs; i++) {
		char **files;
		int n = list_scripts(dirs[i], &files);
		if (n < 0)
			rc = jl_store_fail(s, JALON_ESCRIPT, "rapports : dossier %s illisible (%s)", dirs[i],
			                strerror(errno));
		for (int k = 0; k < n; k++) {
			if (rc == 0)
				rc = run_builtin(sc, files[k]);
			free(files[k]);
		}
		free(files);
	}
	return rc;
}

static void report_budget(jalon_store *s, struct jl_script *sc)
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

int jalon_report_run(char **out, size_t *len, jalon_store *s, const char *name,
                     const char *const *args, size_t nargs, const char *output)
{
	*out = NULL;
	jl_store_clear_error(s);
	int rc = jl_script_load(s);
	if (rc == 0)
		rc = load_reports(s, name);
	if (rc)
		return rc;
	struct jl_script *sc = s->script;
	lua_State *L = sc->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->reports_ref);
	lua_getfield(L, -1, name);
	lua_remove(L, -2);
	if (!lua_isfunction(L, -1)) {
		lua_pop(L, 1);
		return jl_store_fail(s, JALON_ENOTFOUND, "rapport « %s » : aucun script ne le définit", name);
	}
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
	rc = call(sc, 2, 1, err, sizeof err);
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
