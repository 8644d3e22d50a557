/* SPDX-License-Identifier: MIT */
/*
 * module — the `jalon` table scripts read and call (docs/scripts.md): the plan and its
 * people, its history, the plan measured, changing it, and what a script registers while
 * it loads. Every function is the public API's or the core's, seen from Lua: nothing is
 * computed here that C does not compute for everyone.
 */
#include "ext/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "format/odf.h"
#include "jalon/history.h"
#include "jalon/item.h"
#include "jalon/query.h"
#include "jalon/progress.h"
#include "model/plandoc.h"
#include "model/record.h"
#include "store/item.h"

/* ---------------------------------------------------------------- reading */

/* Pushes the record (nil when absent); 0, or the database's error with nothing pushed. */
static int push_record(lua_State *L, jalon_store *s, const char *id)
{
	json_t *rec;
	int rc = jl_store_record_get(s, id, &rec);
	if (rc)
		return rc;
	if (rec)
		jl_script_push_json(L, rec);
	else
		lua_pushnil(L);
	json_decref(rec);
	return 0;
}

/* ---------------------------------------------------------------- reading */

static int l_get(lua_State *L)
{
	jl_script *sc = jl_script_of(L);
	const char *ref = luaL_checkstring(L, 1);
	char id[64];
	int rc = jl_items_resolve(sc->s, ref, -1, id, sizeof id);
	if (rc == JALON_ENOTFOUND)
		return lua_pushnil(L), 1;
	if (rc == 0)
		rc = push_record(L, sc->s, id);
	if (rc)
		return luaL_error(L, "%s", jalon_errmsg(sc->s));
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
	jl_script *sc = jl_script_of(L);
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
		jl_script_push_json(L, rec);
		json_decref(rec);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	jalon_item_list_free(list);
	return 1;
}

/* Pushes the person records a query gives (their ids, bound to email when the query
 * has ?1), as a sequence; 0, or the database's error with nothing pushed. */
static int push_people(lua_State *L, jalon_store *s, const char *sql, const char *email)
{
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, sql) != 0)
		return JALON_ERROR;
	if (email)
		sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	lua_newtable(L);
	int rc = 0, step = SQLITE_DONE;
	for (int i = 1; rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW; i++)
		if ((rc = push_record(L, s, (const char *)sqlite3_column_text(st, 0))) == 0)
			lua_rawseti(L, -2, i);
	if (rc == 0 && step != SQLITE_DONE)
		rc = jl_store_fail_db(s, "lecture des personnes");
	sqlite3_finalize(st);
	if (rc)
		lua_pop(L, 1);
	return rc;
}

/* jalon.author(): the acting person, {name, email, roles = {"DG", …}}: the names of the
   people and roles of the plan that share the author's e-mail address. */
int jl_module_push_author(lua_State *L, jalon_store *s)
{
	lua_createtable(L, 0, 3);
	lua_pushstring(L, s->author_name ? s->author_name : "");
	lua_setfield(L, -2, "name");
	lua_pushstring(L, s->author_email ? s->author_email : "");
	lua_setfield(L, -2, "email");
	lua_newtable(L);
	if (s->author_email && *s->author_email) {
		int rc = push_people(L, s, "SELECT id FROM people WHERE email <> '' AND"
		                           " (?1 IS NULL OR lower(email) = lower(?1)) ORDER BY"
		                           " CAST(substr(id, 8) AS INTEGER)", s->author_email);
		if (rc) {
			lua_pop(L, 2);
			return rc;
		}
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
	return 0;
}

static int l_author(lua_State *L)
{
	jl_script *sc = jl_script_of(L);
	if (jl_module_push_author(L, sc->s) != 0)
		return luaL_error(L, "%s", jalon_errmsg(sc->s));
	return 1;
}

static int l_people(lua_State *L)
{
	jl_script *sc = jl_script_of(L);
	if (push_people(L, sc->s, "SELECT id FROM people ORDER BY CAST(substr(id, 8) AS INTEGER)",
	                NULL) != 0)
		return luaL_error(L, "%s", jalon_errmsg(sc->s));
	return 1;
}

/* ---------------------------------------------------------------- history */

/* A log (jalon/history.h) as a sequence of {commit, time, author = {name, email},
   message, changes = {{record, name, field, label, before, after, old, new, created,
   removed}, …}}. */
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
			lua_createtable(L, 0, 10);
			for (int j = 0; j < 6; j++) {
				lua_pushstring(L, values[j] ? values[j] : "");
				lua_setfield(L, -2, keys[j]);
			}
			/* The values themselves (nil when absent), so that no script reads them back
			   from the texts above. */
			jl_script_push_json_text(L, c->before_json);
			lua_setfield(L, -2, "old");
			jl_script_push_json_text(L, c->after_json);
			lua_setfield(L, -2, "new");
			lua_pushboolean(L, c->created);
			lua_setfield(L, -2, "created");
			lua_pushboolean(L, c->removed);
			lua_setfield(L, -2, "removed");
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, "changes");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* A date, tag or @seconds argument of function what: a day counts from its first second
   (since) or to its last (until, at), as on the command line. */
static long long check_time(lua_State *L, const char *what, int arg, int end_of_day)
{
	jl_script *sc = jl_script_of(L);
	long long t;
	if (jalon_time_parse(sc->s, luaL_checkstring(L, arg), end_of_day, &t) != 0)
		luaL_error(L, "%s : %s", what, jalon_errmsg(sc->s));
	return t;
}

/* jalon.time(text [, end_of_day]): a date ("2020-01-15": its first second, or its last
   with end_of_day), a time, @seconds or a tag (its commit's time) as a Unix time. */
static int l_time(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)check_time(L, "jalon.time", 1, lua_toboolean(L, 2)));
	return 1;
}

/* jalon.history(ref [, limit]): the changes of a record, newest first. */
static int l_history(lua_State *L)
{
	jl_script *sc = jl_script_of(L);
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
	jl_script *sc = jl_script_of(L);
	long long since = check_time(L, name, 1, 0), until = check_time(L, name, 2, 1);
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
	jl_script *sc = jl_script_of(L);
	const char *ref = luaL_checkstring(L, 1);
	jalon_item *item;
	int rc = jalon_history_at(&item, sc->s, ref, check_time(L, "jalon.at", 2, 1));
	if (rc == JALON_ENOTFOUND)
		return lua_pushnil(L), 1;
	if (rc)
		return luaL_error(L, "jalon.at : %s", jalon_errmsg(sc->s));
	json_error_t e;
	json_t *rec = json_loads(jalon_item_json(item), 0, &e);
	jalon_item_free(item);
	jl_script_push_json(L, rec);
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
	for (int i = 0; i < JALON_STATUS_COUNT; i++) {
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
	jl_script *sc = jl_script_of(L);
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
void jl_module_push_node(lua_State *L, const progress_node *n)
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

/* jalon.plan builds the tree in a protected call: the plan in C is then owned by
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
	const char *key;
	json_t *v;
	json_object_foreach(p->record, key, v) {
		if (!strcmp(key, "id") || !strcmp(key, "kind"))
			continue;
		jl_script_push_json(L, v); /* the plan's own fields: organisation, title, period… */
		lua_setfield(L, plan, key);
	}
	return 1;
}

/* jalon.plan([day [, at]]): the whole plan measured on day, see docs/reports.md — as it
   stands, or as it stood at at (a date, a tag, @seconds: after the last change made then),
   measured by default on at's day, else today. */
static int l_plan(lua_State *L)
{
	jl_script *sc = jl_script_of(L);
	const char *day = luaL_optstring(L, 1, NULL);
	struct plan_handoff h = {NULL, 0};
	long long when = 0;
	char iso[11];
	if (!lua_isnoneornil(L, 2)) {
		when = check_time(L, "jalon.plan", 2, 1);
		if (!day) { /* the day it stood so, in UTC as the history's times */
			jl_date_format_iso(jl_date_from_days((long)(when >= 0 ? when / 86400
			                                                             : (when - 86399) / 86400)),
			                   iso);
			day = iso;
		}
	}
	if (jl_progress_load_at(sc->s, day, lua_isnoneornil(L, 2) ? NULL : &when, &h.plan) != 0)
		return luaL_error(L, "jalon.plan : %s", jalon_errmsg(sc->s));
	lua_pushcfunction(L, push_plan);
	lua_pushlightuserdata(L, &h);
	int status = lua_pcall(L, 1, 1, 0);
	if (status != LUA_OK) {
		if (!h.owned)
			jl_progress_free(h.plan);
		return lua_error(L);
	}
	if (!lua_isnoneornil(L, 2)) {
		lua_pushinteger(L, (lua_Integer)when);
		lua_setfield(L, -2, "at");
	}
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

/* ---------------------------------------------------------------- changing */

/*
 * jalon.set(ref, {statut = "terminé", ["fin effective"] = "2020-01-31"}): one commit by
 * the acting person, through the change pipeline. Inside a before_change handler, the
 * same fields amend a record of the change being validated instead (its consequences
 * land in the same commit): ref is then its id or its reference.
 */
static int l_set(lua_State *L)
{
	jl_script *sc = jl_script_of(L);
	const char *ref = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	if (sc->loading)
		return luaL_error(L, "jalon.set : pas de modification pendant le chargement des "
		                     "scripts");
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
	if (!sc->txn) {
		if (jalon_item_set(sc->s, ref, a, n) != 0)
			return luaL_error(L, "jalon.set : %s", jalon_errmsg(sc->s));
		return 0;
	}
	/* An amendment: ref is a record of the change (a new one has no reference yet). */
	char id[128], err[1024];
	if (jl_record_id_kind(ref) >= 0)
		snprintf(id, sizeof id, "%s", ref);
	else if (jl_items_resolve(sc->s, ref, -1, id, sizeof id) != 0)
		return luaL_error(L, "jalon.set : %s", jalon_errmsg(sc->s));
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(a[i], '=');
		lua_pushlstring(L, a[i], (size_t)(eq - a[i]));
		if (jl_pipeline_amend(sc->txn, id, lua_tostring(L, -1), eq + 1, err, sizeof err) != 0)
			return luaL_error(L, "jalon.set : %s", err);
		lua_pop(L, 1);
	}
	return 0;
}

/* ---------------------------------------------------------------- registering */

static void check_loading(lua_State *L, const char *what)
{
	if (!jl_script_of(L)->loading)
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
	append_to(L, jl_script_of(L)->handlers_ref, event, 2);
	return 0;
}

static int l_report(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	check_loading(L, "jalon.report");
	jl_script *sc = jl_script_of(L);
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
	jl_script *sc = jl_script_of(L);
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
	append_to(L, jl_script_of(L)->rules_ref, NULL, 1);
	return 0;
}

static int l_remind_text(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	check_loading(L, "jalon.remind_text");
	append_to(L, jl_script_of(L)->texts_ref, NULL, 1);
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
	append_to(L, jl_script_of(L)->fields_ref, NULL, 1);
	return 0;
}

static const luaL_Reg MODULE[] = {
	{"get", l_get},         {"query", l_query},   {"people", l_people},
	{"author", l_author},   {"set", l_set},       {"on", l_on},
	{"report", l_report},   {"remind_rule", l_remind_rule}, {"field", l_field},
	{"history", l_history}, {"diff", l_diff},     {"at", l_at},
	{"remind_text", l_remind_text}, {"progress", l_progress},
	{"plan", l_plan},       {"progress_rule", l_progress_rule}, {"odf", l_odf},
	{"log", l_log},         {"time", l_time},
	{NULL, NULL}};

/* jalon.statuses: the five statuses in the order of an item's life, each also a key
   giving its rank ({"à lancer", …, ["terminé"] = 3}). jalon.kinds: the four levels of
   the plan's tree in order, each {name = "os", word = "OS", title = "objectif
   stratégique", phrase = "un objectif stratégique", level = 1}, and every kind (plan and
   person too) by name. The lists the schema and the roll-up use: no script keeps its own. */
static void push_lists(lua_State *L)
{
	const char *const *statuses = jl_record_statuses();
	lua_createtable(L, JALON_STATUS_COUNT, JALON_STATUS_COUNT);
	for (int i = 0; statuses[i]; i++) {
		lua_pushstring(L, statuses[i]);
		lua_rawseti(L, -2, i + 1);
		lua_pushinteger(L, i + 1);
		lua_setfield(L, -2, statuses[i]);
	}
	lua_setfield(L, -2, "statuses");
	lua_createtable(L, 4, JALON_KIND_COUNT_);
	for (int k = 0; k < JALON_KIND_COUNT_; k++) {
		lua_createtable(L, 0, 5);
		lua_pushstring(L, jalon_kind_name((jalon_kind)k));
		lua_setfield(L, -2, "name");
		lua_pushstring(L, jl_record_kind_word(k));
		lua_setfield(L, -2, "word");
		lua_pushstring(L, jl_record_kind_title(k));
		lua_setfield(L, -2, "title");
		lua_pushstring(L, jl_record_kind_phrase(k));
		lua_setfield(L, -2, "phrase");
		if (k >= JALON_KIND_OS) {
			lua_pushinteger(L, k - JALON_KIND_OS + 1);
			lua_setfield(L, -2, "level");
			lua_pushvalue(L, -1);
			lua_rawseti(L, -3, k - JALON_KIND_OS + 1);
		}
		lua_setfield(L, -2, jalon_kind_name((jalon_kind)k));
	}
	lua_setfield(L, -2, "kinds");
}

void jl_module_push(lua_State *L)
{
	luaL_newlib(L, MODULE);
	lua_pushstring(L, JALON_VERSION);
	lua_setfield(L, -2, "version");
	push_lists(L);
}
