/* SPDX-License-Identifier: MIT */
/*
 * Jalon — import and export of a whole plan: the PST outline format (docs/outline.md),
 * CSV (one row per item, docs/outline.md#csv) and JSON (the records themselves,
 * docs/records.md). A store holds one plan: import goes into a store without items.
 * A failed import changes nothing; its message names the file, the line and what was
 * expected.
 *
 * Sources: core/jobs/io.c (import, export, plug-ins' exporters), core/jobs/ics.c (the
 * calendar).
 */
#ifndef JALON_IO_H
#define JALON_IO_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum jalon_format {
	JALON_FORMAT_AUTO = 0, /* from the file name: .json, .csv, anything else the outline */
	JALON_FORMAT_OUTLINE,
	JALON_FORMAT_CSV,
	JALON_FORMAT_JSON
} jalon_format;

/* Imports a plan from a file, as one commit. *report (owned, may be NULL on input to
 * ignore) lists the texts that were kept but not understood (échéances, récurrences). */
JALON_API int jalon_import_file(jalon_store *store, const char *path, jalon_format format,
                                char **report);
JALON_API int jalon_import_buffer(jalon_store *store, const char *data, size_t len,
                                  const char *name, jalon_format format, char **report);

/* The whole plan in that format (AUTO means JSON). *out owned (jalon_free). Identical
 * data gives identical bytes. */
JALON_API int jalon_export(char **out, size_t *len, jalon_store *store, jalon_format format);

/*
 * The plan's deadlines and recurring duties as an RFC 5545 calendar (iCalendar text):
 * each understood échéance an all-day VEVENT, each recurring duty a VEVENT with its
 * RRULE over the plan's legislature; UIDs derived from record ids, stable from one
 * export to the next. person (may be NULL): only the items that person or role is
 * responsible for (as the query's `responsible`). *out owned (jalon_free).
 */
JALON_API int jalon_export_calendar(char **out, size_t *len, jalon_store *store,
                                    const char *person);

/*
 * The plan exported by the plug-in exporter registered for format (compared without
 * case), discovering the plug-ins first if needed. *out owned (jalon_free), NUL-
 * terminated, len bytes before the NUL. JALON_ENOTFOUND when no loaded plug-in provides
 * that format (a store opened without extensions has none); otherwise what the
 * exporter returned, with its message, naming the plug-in.
 */
JALON_API int jalon_export_plugin(char **out, size_t *len, jalon_store *store,
                                  const char *format);

#ifdef __cplusplus
}
#endif

#endif
