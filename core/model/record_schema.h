/* SPDX-License-Identifier: MIT */
/*
 * record_schema — the schema the record files share (record.c, record_set.c,
 * record_view.c): the fields of every kind, their types, defaults and French names.
 * Internal to the model.
 */
#ifndef JALON_CORE_RECORD_SCHEMA_H
#define JALON_CORE_RECORD_SCHEMA_H

#include <jansson.h>

#include "jalon/common.h"

enum ftype {
	T_STR,      /* string */
	T_ENUM,     /* string from a fixed list */
	T_INT,      /* integer in [min, max] */
	T_NINT,     /* null or integer in [min, max] */
	T_BOOL,
	T_DATE,     /* null or "YYYY-MM-DD" */
	T_STRS,     /* array of strings */
	T_DATES,    /* array of "YYYY-MM-DD", sorted, without duplicates */
	T_INTS,     /* array of integers in [min, max] */
	T_OBJS,     /* array of objects of a sub-schema */
	T_DEADLINE, /* null or one of two shapes, see record.h */
	T_RECUR,
	T_MAP       /* object of strings, keys sorted */
};

#define K(kind) (1u << (kind))
#define K_ITEMS (K(JALON_KIND_OS) | K(JALON_KIND_OO) | K(JALON_KIND_ACTION) | K(JALON_KIND_TASK))
#define K_ALL (K_ITEMS | K(JALON_KIND_PLAN) | K(JALON_KIND_PERSON))

struct field {
	const char *key;
	enum ftype type;
	unsigned kinds;      /* which record kinds have it (0 in sub-schemas) */
	const char *label;   /* French name for messages */
	long min, max;
	const void *sub;     /* T_ENUM: const char *const[] (NULL-ended); T_OBJS: struct field[] */
	const char *dflt;    /* T_STR/T_ENUM default */
	long dflt_int;
};

/* Every top-level field of every kind, in canonical order, ended by a NULL key. */
extern const struct field jl_schema_fields[];
/* The roles of the people of an item ("mandataire", …), NULL-ended. */
extern const char *const jl_schema_roles[];

/* The top-level field of that key, or NULL. */
const struct field *jl_schema_field(const char *key);
/* A field's default value (a new reference). */
json_t *jl_schema_default(const struct field *f);
/* 1 when s is in the NULL-ended list. */
int jl_schema_in_list(const char *const *list, const char *s);
/* A list of days checked, sorted and without duplicates (a new reference), or NULL with
 * err. */
json_t *jl_schema_canon_dates(const struct field *f, json_t *v, char *err, size_t errlen);

#endif
