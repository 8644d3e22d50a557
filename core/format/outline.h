/* SPDX-License-Identifier: MIT */
/*
 * The PST outline format: a plan written as a Markdown subset, the way a CPAS writes its
 * programme (docs/outline.md is the reference).
 *
 *   ---
 *   organisation: CPAS d'Erezée
 *   période: 2019-2024
 *   ---
 *   # Volet externe
 *   ## OS 1 : Être un CPAS qui …
 *   ### OO1 : Assurer un accompagnement …
 *   - Action 1 : Améliorer les services de proximité
 *     - Établir un rapport de faisabilité
 *       qui: DG
 *       échéance: janvier 2020 - Rapport au Conseil
 */
#ifndef JALON_CORE_OUTLINE_H
#define JALON_CORE_OUTLINE_H

#include <jansson.h>
#include <stddef.h>

/*
 * Parses an outline (UTF-8, LF or CRLF, an optional BOM) into a checked plan document
 * (plandoc.h): a new reference. filename is only used in messages (NULL: "entrée").
 * On error returns NULL and writes "filename:line: message" in French to err; nothing
 * partial is returned.
 */
json_t *jl_outline_parse(const char *text, size_t len, const char *filename, char *err,
                         size_t errlen);

/*
 * Writes a plan document (as jl_plandoc_check leaves it) in the outline format. Every
 * non-default field is written, as an attribute when the structure does not carry it;
 * jl_outline_parse of the result gives the document back, renumbered (jl_plandoc_renumber:
 * the outline carries no ids), for everything the format can express (docs/outline.md
 * lists what it cannot). Returns a malloc'd string, or NULL when out of memory.
 */
char *jl_outline_write(const json_t *doc);

#endif
