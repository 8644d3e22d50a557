/* SPDX-License-Identifier: MIT */
/*
 * Jalon — reports: documents built from the plan by scripts (docs/reports.md,
 * docs/scripts.md). Implemented in core/jobs/report.c; the reports themselves come from
 * the extension layer (core/ext/reports.c): the built-in ones (dashboard, evaluation,
 * fiche, tableur) and those the store's scripts register (jalon.report).
 *
 * The built-in reports are found in reports.path (jalon.conf), else $JALON_REPORTS_PATH,
 * else beside the library: share/jalon/reports under its prefix, wherever the prefix was
 * moved (and, run from its build tree, the sources' scripts/reports).
 */
#ifndef JALON_REPORT_H
#define JALON_REPORT_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Runs the report name with its arguments (strings, as given on the command line), and
 * gives what it wrote (ctx.write) followed by what it returned. output is the name of
 * the file the result goes to, or NULL: a report may take its format from its extension
 * (ctx.output). The store's own reports replace built-in ones of the same name. *out
 * owned (jalon_free); len may be NULL. JALON_ENOTFOUND when no script defines the report
 * (the message names the folders searched, and a store opened without extensions has
 * none); JALON_ESCRIPT when it fails (the message names the file and line).
 */
JALON_API int jalon_report_run(char **out, size_t *len, jalon_store *store, const char *name,
                               const char *const *args, size_t nargs, const char *output);

/*
 * The reports available, one per line, "NAME\tFILE" (the file that defines it), sorted
 * by name: the store's and the built-in ones; with store NULL, the built-in ones of the
 * default folders. *out owned (jalon_free).
 */
JALON_API int jalon_report_list(char **out, jalon_store *store);

#ifdef __cplusplus
}
#endif

#endif
