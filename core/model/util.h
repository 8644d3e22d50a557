/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the core: a growable string buffer and text folding. */
#ifndef JALON_UTIL_H
#define JALON_UTIL_H

#include <stdarg.h>
#include <stddef.h>

typedef struct jl_buf {
	char *ptr;   /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	int failed;  /* an allocation failed: the content is incomplete */
} jl_buf;

#define JL_BUF_INIT {NULL, 0, 0, 0}

void jl_buf_put(jl_buf *b, const char *s, size_t n);
void jl_buf_puts(jl_buf *b, const char *s);
void jl_buf_putc(jl_buf *b, char c);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void jl_buf_printf(jl_buf *b, const char *fmt, ...);
void jl_buf_vprintf(jl_buf *b, const char *fmt, va_list ap);
/* Hands the content over (never NULL unless failed: "" for an empty buffer). */
char *jl_buf_detach(jl_buf *b);
void jl_buf_free(jl_buf *b);

char *jl_strdup(const char *s);
char *jl_strndup(const char *s, size_t n);
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
char *jl_sprintf(const char *fmt, ...);

/* Writes the message into err (when err is not NULL and errlen not 0); returns -1: how a
 * function that fails says why in one statement, "return jl_say(err, errlen, …)". */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int jl_say(char *err, size_t errlen, const char *fmt, ...);
/* Writes "file:line: message" (just "file: message" when line is 0) into err: how every
 * reader of a file names where it stopped. */
void jl_vsay_at(char *err, size_t errlen, const char *file, int line, const char *fmt,
                va_list ap);

/*
 * Folds a French text for matching keys and labels: lower-case ASCII, accents removed
 * (é→e, ç→c, œ→oe…), typographic apostrophes and non-breaking spaces made plain, runs of
 * spaces collapsed, ends trimmed. Returns a new string.
 */
char *jl_fold(const char *s);
/*
 * 1 when words (folded, see jl_fold) occurs in text (folded) as whole words: "dg" in
 * "dg + president" but not in "budget"; "equipe sociale" in "l'equipe sociale et
 * administrative". An empty words never occurs. How "who is responsible" is decided
 * everywhere: a person or role is named in a *Qui ?* text when its name occurs so.
 */
int jl_has_words(const char *text, const char *words);
/* s cut after max_chars code points, with "…" when cut. Returns a new string. */
char *jl_shorten(const char *s, size_t max_chars);
/* Trims ASCII white space at both ends, in place; returns s. */
char *jl_trim(char *s);
/* 1 when s is valid UTF-8. */
int jl_utf8_valid(const char *s, size_t n);
/* The length of the UTF-8 sequence a lead byte starts (1 to 4). */
size_t jl_utf8_len(unsigned char lead);
/* The offset of the first byte of s that is not valid UTF-8, or n when all are. */
size_t jl_utf8_invalid_at(const char *s, size_t n);

#endif
