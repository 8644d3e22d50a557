/* SPDX-License-Identifier: MIT */
/*
 * Plans as CSV: one row per item, the way a spreadsheet holds a PST (docs/outline.md#csv).
 *
 *   type;id;label;titre;parent;…;qui;échéance;…
 *   os;os-1;OS 1;Être un CPAS qui …;;…
 *   oo;oo-1;OO1;Assurer un accompagnement …;os-1;…
 *   action;;Action 1;Améliorer les services de proximité;OO1;…;DG;janvier 2020;…
 *
 * RFC 4180: fields separated by ";" or "," (whichever the header row holds more of; tabs
 * too), quoted with '"' when they hold a separator, a quote ('""') or a line break; UTF-8,
 * an optional BOM, CRLF or LF. Column names are jl_record_set keys, case- and
 * accent-insensitive ("Échéance", "echeance", "deadline"), plus "type" (os, oo, action,
 * tâche: required), "id" and "parent".
 */
#ifndef JALON_CORE_CSV_H
#define JALON_CORE_CSV_H

#include <jansson.h>
#include <stddef.h>

/*
 * Parses CSV into a checked plan document (plandoc.h): a new reference. The plan record
 * stays at its defaults (a CSV holds items; people come from the person columns).
 * filename is only used in messages (NULL: "entrée"). On error returns NULL and writes
 * "filename:line: message" in French to err, line being the physical line where the row
 * starts; nothing partial is returned.
 */
json_t *jl_csv_parse(const char *text, size_t len, const char *filename, char *err,
                     size_t errlen);

/*
 * Writes the items of a plan document as CSV with separator sep (';' for Belgian
 * spreadsheets, ',' or '\t'; anything else means ';'): a UTF-8 BOM (so that Excel reads
 * the accents), a header row naming every item column, one row per item in tree order,
 * CRLF line ends (RFC 4180). jl_csv_parse of the result gives the items back with their ids.
 * Returns a malloc'd string, or NULL when out of memory.
 */
char *jl_csv_write(const json_t *doc, char sep);

#endif
