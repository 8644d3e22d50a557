/*
 * Jalon — scripts: what a CPAS adapts without recompiling (docs/scripts.md).
 *
 * Lua 5.4 scripts in the store's script folders (jalon.conf: scripts.path, default
 * DIR/scripts) are loaded the first time a store needs them — before its first change,
 * a reminder run or a report — and register handlers that may veto changes
 * (jalon.on), reminder rules (jalon.remind_rule) and named reports (jalon.report).
 * A store whose scripts fail to load refuses changes (JALON_ESCRIPT, the message naming
 * the file and line) until they are fixed: a workflow must not be skipped silently.
 */
#ifndef JALON_SCRIPT_H
#define JALON_SCRIPT_H

#include "common.h"
#include "store.h"

/*
 * Runs the report a script registered as name with its arguments (strings, as given on
 * the command line), and gives what it wrote (ctx.write) followed by what it returned.
 * output is the name of the file the result goes to, or NULL: a report may take its
 * format from its extension (ctx.output). The built-in reports (docs/reports.md) are
 * loaded with the first report, after the store's scripts, whose reports of the same
 * name replace them. *out owned (jalon_free); len may be NULL. JALON_ENOTFOUND when no
 * script defines the report; JALON_ESCRIPT when it fails (the message names the file and
 * line).
 */
JALON_API int jalon_report_run(char **out, size_t *len, jalon_store *store, const char *name,
                               const char *const *args, size_t nargs, const char *output);

#endif
