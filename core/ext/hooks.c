/* SPDX-License-Identifier: MIT */
/*
 * hooks — what the scripts registered, as the lower modules' handlers (script.h): the
 * change pipeline's (before_change, KIND.FIELD, after_commit), the reminders' (rules,
 * texts) and the progress roll-up's (rules); and the custom fields the scripts declare,
 * added to the plan.
 */
#include "ext/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "jobs/remind.h"
#include "model/plandoc.h"
#include "model/record.h"

/* ---------------------------------------------------------------- changes */

/* The change a before_change handler sees: the record as the change leaves it so far
   (handlers before may have amended it). 0, or the database's error. */
static int push_change(lua_State *L, jalon_store *s, const json_t *old_rec,
                       const json_t *new_rec)
{
	const json_t *any = new_rec ? new_rec : old_rec;
	record_change *diff = NULL;
	int n = jl_record_diff(old_rec, new_rec, &diff);
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
		jl_script_push_json(L, old_rec);
		lua_setfield(L, -2, "old");
	}
	if (new_rec) {
		jl_script_push_json(L, new_rec);
		lua_setfield(L, -2, "new");
	}
	lua_createtable(L, n > 0 ? n : 0, 0);
	for (int i = 0; i < n; i++) {
		lua_pushstring(L, diff[i].field);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "changed");
	jl_record_changes_free(diff, n);
	int rc = jl_module_push_author(L, s);
	if (rc) {
		lua_pop(L, 1);
		return rc;
	}
	lua_setfield(L, -2, "author");
	return 0;
}

/* Calls the handlers of event, each with what push pushes when it is called (push: 0, or
   the database's error with nothing pushed); 0, or -1 with the veto's message. */
static int dispatch(jl_script *sc, const char *event, int (*push)(jl_script *, const void *),
                    const void *what, char *msg, size_t msglen)
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
		if (push(sc, what) != 0) {
			snprintf(msg, msglen, "%s", jalon_errmsg(sc->s));
			lua_pop(L, 1);
			rc = -1;
		} else if (jl_script_call(sc, 1, 2, msg, msglen) != 0) {
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

/* A record change, as a handler sees it when it is called. */
struct record_change_ref {
	const json_t *old_rec;
	const char *id;
};

static int push_record_change(jl_script *sc, const void *what)
{
	const struct record_change_ref *c = what;
	json_t *now;
	int rc = jl_pipeline_get(sc->txn, c->id, &now);
	if (rc == 0)
		rc = push_change(sc->L, sc->s, c->old_rec, now);
	json_decref(now);
	return rc;
}

/* The change handler: before_change, then the KIND.FIELD handlers of the fields the
   change sets (as it came, before any amendment). */
static int before_change(void *ud, jl_txn *t, const json_t *old_rec, const json_t *new_rec,
                         char *msg, size_t msglen)
{
	jl_script *sc = ud;
	const json_t *any = new_rec ? new_rec : old_rec;
	char id[128];
	snprintf(id, sizeof id, "%s", jl_record_id(any));
	const char *kind = jalon_kind_name((jalon_kind)jl_record_kind(any));
	record_change *diff = NULL;
	int n = jl_record_diff(old_rec, new_rec, &diff); /* new_rec may go with an amendment */
	struct record_change_ref c = {old_rec, id};
	jl_txn *outer = sc->txn;
	sc->txn = t;
	int rc = dispatch(sc, "before_change", push_record_change, &c, msg, msglen);
	for (int i = 0; rc == 0 && i < n; i++) {
		char event[96];
		snprintf(event, sizeof event, "%s.%s", kind, diff[i].field);
		rc = dispatch(sc, event, push_record_change, &c, msg, msglen);
	}
	sc->txn = outer;
	jl_record_changes_free(diff, n);
	return rc;
}

static int push_commit(jl_script *sc, const void *what)
{
	lua_createtable(sc->L, 0, 2);
	lua_pushstring(sc->L, what);
	lua_setfield(sc->L, -2, "commit");
	int rc = jl_module_push_author(sc->L, sc->s);
	if (rc) {
		lua_pop(sc->L, 1);
		return rc;
	}
	lua_setfield(sc->L, -2, "author");
	return 0;
}

static void after_commit(void *ud, jalon_store *s, const char *commit)
{
	jl_script *sc = ud;
	char msg[2048];
	(void)s;
	if (sc->in_after)
		return;
	sc->in_after = 1;
	/* The change is durable: a handler cannot undo it, only say what went wrong. */
	if (dispatch(sc, "after_commit", push_commit, commit, msg, sizeof msg) != 0)
		fprintf(stderr, "jalon: script (after_commit) : %s\n", msg);
	sc->in_after = 0;
}

/* ---------------------------------------------------------------- reminders */

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
	jl_script *sc = ud;
	lua_State *L = sc->L;
	(void)s;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->rules_ref);
	lua_Integer n = luaL_len(L, -1);
	int rc = 0;
	for (lua_Integer i = 1; rc == 0 && i <= n; i++) {
		lua_rawgeti(L, -1, i);
		jl_script_push_json(L, item);
		lua_pushstring(L, what);
		lua_createtable(L, 0, 3);
		push_offsets(L, rule->before, rule->nbefore);
		lua_setfield(L, -2, "before");
		push_offsets(L, rule->after, rule->nafter);
		lua_setfield(L, -2, "after");
		jl_script_push_json(L, rule->extra);
		lua_setfield(L, -2, "extra");
		lua_pushvalue(L, -1);
		lua_insert(L, -5); /* keep the rule table below the call */
		if (jl_script_call(sc, 3, 0, msg, msglen) != 0) {
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
	jl_script *sc = ud;
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
			jl_script_push_json(L, entries[k].item);
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
		if (jl_script_call(sc, 1, 1, msg, msglen) != 0) {
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

/* ---------------------------------------------------------------- progress */

/* The progress rules a script replaced (jalon.progress_rule), called by progress.c. */
static int progress_rules(void *ud, jalon_store *s, const char *rule, const progress_node *node,
                          const int extra[2], int *value)
{
	jl_script *sc = ud;
	lua_State *L = sc->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->progress_rules_ref);
	lua_getfield(L, -1, rule);
	lua_remove(L, -2);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return 0;
	}
	int health = !strcmp(rule, "santé");
	jl_module_push_node(L, node);
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
	if (jl_script_call(sc, nargs, 1, err, sizeof err) != 0)
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

/* ---------------------------------------------------------------- custom fields */

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

/* Once there is a plan and someone acting: the change is theirs, like any other. */
int jl_hooks_declare_fields(jl_script *sc, int *done)
{
	jalon_store *s = sc->s;
	lua_rawgeti(sc->L, LUA_REGISTRYINDEX, sc->fields_ref);
	*done = luaL_len(sc->L, -1) == 0; /* no field declared: nothing to add, ever */
	lua_pop(sc->L, 1);
	if (*done || !s->author_name)
		return 0;
	json_t *plan;
	int rc = jl_store_record_get(s, "plan", &plan);
	if (rc || !plan)
		return rc;
	json_t *doc = jl_plandoc_new();
	json_object_set(doc, "plan", plan);
	lua_rawgeti(sc->L, LUA_REGISTRYINDEX, sc->fields_ref);
	lua_Integer n = luaL_len(sc->L, -1);
	int added = 0;
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
	*done = rc == 0;
	json_decref(plan);
	json_decref(doc);
	return rc;
}

/* ---------------------------------------------------------------- registering */

int jl_hooks_register(jl_script *sc)
{
	const jl_change_handler change = {before_change, after_commit, sc};
	const jl_remind_handler remind = {remind_rules, remind_texts, sc};
	const jl_progress_handler progress = {progress_rules, sc};
	if (jl_change_handler_add(sc->s, &change) != 0 ||
	    jl_remind_handler_add(sc->s, &remind) != 0 ||
	    jl_progress_handler_add(sc->s, &progress) != 0)
		return JALON_ENOMEM;
	return 0;
}
