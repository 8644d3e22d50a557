/* SPDX-License-Identifier: MIT */
/* Shared by the tests of plan documents (outline, CSV, plandoc): reading fields,
 * setting them as a person writes them, parsing with an expected outcome. */
#ifndef JALON_TEST_DOC_HELPERS_H
#define JALON_TEST_DOC_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/plandoc.h"
#include "model/record.h"

#define assert_contains(haystack, needle)                                                  \
	do {                                                                                   \
		const char *h_ = (haystack);                                                       \
		if (!h_ || !strstr(h_, (needle)))                                                  \
			fail_msg("« %s » does not contain « %s »", h_ ? h_ : "(null)", (needle));      \
	} while (0)

static inline const char *s(const json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

static inline const char *parent_of(const json_t *it)
{
	return s(json_array_get(json_object_get(it, "parents"), 0), "id");
}

/* Sets a field through jl_record_set, as a person writes it; fails the test if refused. */
static inline void set(json_t *doc, json_t *rec, const char *key, const char *value)
{
	char err[512];
	record_context ctx = jl_plandoc_context(doc);
	if (jl_record_set(rec, key, value, &ctx, err, sizeof err) != 0)
		fail_msg("jl_record_set(%s, %s): %s", key, value, err);
}

/* Fails, printing the written text and both values, when got differs from want. */
static inline void doc_assert_equal(const json_t *want, const json_t *got, const char *written)
{
	if (json_equal((json_t *)want, (json_t *)got))
		return;
	char *a = json_dumps(want, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	char *b = json_dumps(got, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fprintf(stderr, "--- written\n%s\n--- expected\n%s\n--- got\n%s\n", written, a, b);
	free(a);
	free(b);
	fail_msg("round trip differs");
}

typedef json_t *(*doc_parser)(const char *text, size_t len, const char *filename, char *err,
                              size_t errlen);

static inline json_t *doc_parse_ok(doc_parser parse, const char *name, const char *text)
{
	char err[2048] = "";
	json_t *doc = parse(text, strlen(text), name, err, sizeof err);
	if (!doc)
		fail_msg("unexpected error: %s", err);
	return doc;
}

static inline void doc_expect_error(doc_parser parse, const char *name, const char *text,
                                    const char *message)
{
	char err[2048] = "";
	json_t *doc = parse(text, strlen(text), name, err, sizeof err);
	if (doc) {
		json_decref(doc);
		fail_msg("parsed, expected « %s »", message);
	}
	assert_string_equal(err, message);
}

#endif
