/*
 * script — the Lua 5.4 runtime: the scripts a CPAS drops into the store's configured
 * folders (jalon.conf: scripts.path, default DIR/scripts; docs/scripts.md).
 *
 * One Lua state per open store, created the first time something may need it (a
 * change, a reminder run, a report) and only when a folder holds a script: a store
 * without scripts pays one directory read. Every *.lua file of the folders is run once,
 * in name order, with its own environment over a read-only `jalon` module; that is when
 * it registers handlers (jalon.on), reports (jalon.report) and reminder rules
 * (jalon.remind_rule). Registration is refused afterwards.
 *
 * The sandbox follows DESIGN.md: base, string, table, math, utf8 and os.time/date/clock/
 * difftime only; no io, debug, package, load of binary chunks, string.dump; require
 * finds modules in the script folders only. Each call into Lua runs under an instruction
 * budget checked against a monotonic deadline (scripts.timeout-ms, default 2000) and an
 * allocator capped at scripts.memory-kb (default 65536); neither can be swallowed by
 * pcall. Errors name the script's file and line and carry a traceback.
 *
 * A before_change handler that fails or returns false vetoes the change, which the
 * pipeline then rolls back whole.
 */
#ifndef JALON_CORE_SCRIPT_H
#define JALON_CORE_SCRIPT_H

#include "store/store.h"

/* Loads the store's scripts once; 0 (also when there are none) or JALON_ESCRIPT with
   the first error (the store then refuses changes until the script is fixed). */
int jl_script_load(jalon_store *s);
/* Frees the Lua state (jalon_store_close). */
void jl_script_close(jalon_store *s);

#endif
