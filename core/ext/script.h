/* SPDX-License-Identifier: MIT */
/*
 * script — the Lua 5.4 runtime of a store (docs/scripts.md), shared by the files of the
 * extension layer: the state and what its calls need.
 *
 * One Lua state per open store, created the first time something needs it: a store
 * whose folders hold a script or a Lua plug-in, when they are run (ext.c), or a report.
 * Every *.lua file of the script folders is run once, in name order, with its own
 * environment over a read-only `jalon` module (module.c); that is when it registers
 * handlers (jalon.on), reports (jalon.report), reminder rules and texts, progress rules
 * and custom fields. Registration is refused afterwards.
 *
 * The sandbox (sandbox.c) follows DESIGN.md: base, string, table, math, utf8 and
 * os.time/date/clock/difftime only; no io but io.open inside the folders scripts.files
 * grants, no debug, package, binary chunks or string.dump; require finds modules in the
 * script folders only. Each call into Lua runs under an instruction budget checked
 * against a monotonic deadline (scripts.timeout-ms, default 2000) and an allocator
 * capped at scripts.memory-kb (default 65536); neither can be swallowed by pcall. Errors
 * name the script's file and line and carry a traceback.
 */
#ifndef JALON_CORE_SCRIPT_H
#define JALON_CORE_SCRIPT_H

#include <git2.h>
#include <jansson.h>
#include <lua.h>
#include <time.h>

#include "change/pipeline.h"
#include "ext/ext.h"
#include "jalon/progress.h"
#include "jobs/progress.h"
#include "model/util.h"

enum {
	JL_SCRIPT_MAX_DIRS = 16, /* script, plug-in and report folders require searches */
	JL_SCRIPT_MAX_FILES = 8  /* folders scripts.files grants */
};

typedef struct jl_script {
	jl_ext *x;
	jalon_store *s;
	lua_State *L;
	size_t used, cap;       /* bytes allocated, and the most allowed */
	long timeout_ms;
	struct timespec deadline;
	int expired;            /* the deadline passed: every line fails until the call ends */
	int out_of_memory;      /* a memory error was caught by pcall: rethrown, reported */
	int depth;              /* calls into Lua under way: the budget is the outermost's */
	int loading;            /* registration is allowed */
	jl_txn *txn;            /* inside a before_change handler: the change jalon.set amends */
	int in_after;           /* inside after_commit: changes made there do not fire it again */
	int script_meta_ref;    /* {__index = read-only proxy of the environment}: each
	                           script's own globals read our names through it */
	int handlers_ref;       /* event → { function, … } */
	int reports_ref;        /* name → function */
	int rules_ref;          /* { function, … }: reminder rules */
	int fields_ref;         /* { "Nom ; type: … ; pour: …", … }: custom fields declared */
	int texts_ref;          /* { function, … }: reminder message texts */
	int progress_rules_ref; /* rule name → function: progress rules (jobs/progress.h) */
	int builtin;            /* loading the built-in reports: a store's own report wins */
	int reports_loaded;     /* every built-in report file was run */
	char dirs[JL_SCRIPT_MAX_DIRS][1024]; /* where require looks */
	size_t ndirs;
	char files[JL_SCRIPT_MAX_FILES][1024]; /* scripts.files: the only folders io.open
	                                          reaches (real paths) */
	size_t nfiles;
	int io_open_ref;        /* Lua's own io.open, kept out of the scripts' reach */
	jl_buf report;          /* ctx:write output of a report */
} jl_script;

/* ---- script.c: the state */

/* A new state for x's store, with the budget jalon.conf sets, the sandbox built and the
 * script's handlers registered at the lower modules' points; NULL when memory ran out. */
jl_script *jl_script_new(jl_ext *x, git_config *cfg);
void jl_script_free(jl_script *sc);
/* The state a C function called from Lua runs in. */
jl_script *jl_script_of(lua_State *L);
/* Adds a folder require searches, once. */
void jl_script_add_dir(jl_script *sc, const char *dir);

/*
 * Calls the function under the nargs arguments on the stack, within the budget. 0 and
 * nresults values on the stack, or -1 with the message (file:line and traceback) in err
 * and nothing left on the stack. A call made from inside another shares its budget.
 */
int jl_script_call(jl_script *sc, int nargs, int nresults, char *err, size_t errlen);
/* Loads a script as a text chunk named "@path" with its own globals over the shared
 * environment: LUA_OK and the function on the stack, or an error status and the
 * message. */
int jl_script_load_file(jl_script *sc, const char *path);
/* Loads and runs a script file: 0, or -1 with the message in err. */
int jl_script_run_file(jl_script *sc, const char *path, char *err, size_t errlen);

/* A JSON value (a record) as a Lua value. */
void jl_script_push_json(lua_State *L, const json_t *v);
/* A JSON text as a Lua value; nil for NULL or a text that does not read. */
void jl_script_push_json_text(lua_State *L, const char *text);

/* ---- sandbox.c */

/* Builds the environment every script reads through: the allowed libraries, our
 * replacements (pcall, require, io.open, print…) and the `jalon` module. */
void jl_sandbox_open(jl_script *sc);

/* ---- module.c */

/* Pushes the `jalon` table. */
void jl_module_push(lua_State *L);
/* The acting person, {name, email, roles = {…}}: the names of the people and roles of
 * the plan that share the author's e-mail address. 0, or the database's error (nothing
 * pushed, the message in the store's). */
int jl_module_push_author(lua_State *L, jalon_store *s);
/* A node of the plan as a plain table, every field set (the progress rules' item). */
void jl_module_push_node(lua_State *L, const progress_node *n);

/* ---- hooks.c */

/* Registers the state's handlers at the points of the pipeline, the reminders and the
 * progress roll-up. 0, or JALON_ENOMEM. */
int jl_hooks_register(jl_script *sc);
/* Adds to the plan, in one change by the acting person, the custom fields the scripts
 * declare and it lacks (nothing without a plan or an author). *done is 1 once the plan
 * holds them all (or the scripts declare none): nothing is left to do on this handle. */
int jl_hooks_declare_fields(jl_script *sc, int *done);

/* ---- reports.c */

/* Registers the extension layer's reports at the reports' point. 0, or JALON_ENOMEM. */
int jl_reports_register(jl_ext *x);
/* The folders of the built-in reports, for require: reports.path, else the defaults. */
size_t jl_reports_dirs(jalon_store *s, git_config *cfg, char dirs[][1024], size_t max);

#endif
