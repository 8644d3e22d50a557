/* SPDX-License-Identifier: MIT */
/*
 * text — French text folded for the parsers of deadlines and recurrences.
 */
#ifndef JALON_CORE_TEXT_H
#define JALON_CORE_TEXT_H

#include <stddef.h>

/*
 * Folded French text, read by dates.c and recur.c.
 *
 * Both parsers read the same folded copy of the text: ASCII, lower case, French
 * accents stripped (é è ê ë à â î ï ô û ù ç … and their capitals, œ -> oe),
 * typographic apostrophes and dashes made ASCII, no-break spaces made spaces, bullets
 * made '*', any other character '~', runs of spaces made one.  from/to map each folded
 * byte back to the source bytes it came from, so that what a parser quotes (a due
 * text, an unknown word) is quoted as the person wrote it.
 */
enum { JL_TEXT_MAX = 512 };          /* longest text read, in bytes, NUL included */

typedef enum jl_token_kind { JL_TOK_WORD, JL_TOK_NUM, JL_TOK_PUNCT } jl_token_kind;

typedef struct jl_token {
	jl_token_kind kind;      /* a run of letters, a run of digits, or one other character */
	unsigned short pos, len; /* in folded[] */
	long num;                /* value of a JL_TOK_NUM, at most 999999999 (more digits: len says) */
} jl_token;

typedef struct jl_text {
	const char *src;                       /* the text as given, borrowed */
	char folded[JL_TEXT_MAX];
	unsigned short from[JL_TEXT_MAX];      /* folded[i] comes from src[from[i] .. to[i]) */
	unsigned short to[JL_TEXT_MAX];
	size_t len;                            /* of folded, NUL excluded */
	jl_token tok[JL_TEXT_MAX];
	size_t ntok;                           /* trailing . , ; : ! ? - are not tokens */
	size_t first;                          /* first token after a bullet and an "Échéance :" label */
} jl_text;

/* 0, or -1 when src is NULL or longer than JL_TEXT_MAX - 1 bytes. */
int jl_text_read(const char *src, jl_text *t);
/* Whether token i exists and is the word w / the character c. */
int jl_text_word_is(const jl_text *t, size_t i, const char *w);
int jl_text_punct_is(const jl_text *t, size_t i, char c);
/* Source bytes spanning tokens first..last (first <= last < ntok); *len receives their length. */
const char *jl_text_source(const jl_text *t, size_t first, size_t last, size_t *len);
/* Copies at most cap - 1 bytes of s[0..n) into dst, never cutting a UTF-8 sequence. */
void jl_text_copy(char *dst, size_t cap, const char *s, size_t n);
/* Writes  prefix "quoted" suffix  into dst, shortening the quoted text (then dropping
   the suffix) so that all fits in cap bytes: the reasons both parsers give. */
void jl_text_say(char *dst, size_t cap, const char *prefix, const char *quoted, size_t n,
                 const char *suffix);

#endif
