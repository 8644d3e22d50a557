/* SPDX-License-Identifier: MIT */
/*
 * text — French text folded and cut into tokens, for the parsers of deadlines and
 * recurrences (see text.h).
 */
#include "model/text.h"

#include <stdio.h>
#include <string.h>

/* ================================================================ folded text */

static int is_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/*
 * Decodes the UTF-8 sequence at s (n bytes available) into *cp and returns its
 * length; a byte that starts no valid sequence is one code point of its own, -1.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, long *cp)
{
	static const long smallest[5] = {0, 0, 0x80, 0x800, 0x10000};   /* refuse overlong forms */
	size_t len;
	long c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, c = s[0] & 0x07;
	else
		len = 0, c = 0;
	if (len == 0 || len > n) {
		*cp = -1;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if (!is_continuation(s[i])) {
			*cp = -1;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c < smallest[len] ? -1 : c;
	return len;
}

static int is_space_codepoint(long cp)
{
	return cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Bullets word processors leave at the start of a line: • ‣ ⁃ ▪ ■ ● ◦ ➢ ►… */
static int is_bullet_codepoint(long cp)
{
	return cp == 0x2022 || cp == 0x2023 || cp == 0x2043 || (cp >= 0x25A0 && cp <= 0x25FF) ||
	       (cp >= 0x2794 && cp <= 0x27BF);
}

static size_t fold_ascii(long cp, char out[2])
{
	if (cp < 0x20 || cp == 0x7F)
		out[0] = ' ';
	else if (cp >= 'A' && cp <= 'Z')
		out[0] = (char)(cp - 'A' + 'a');
	else
		out[0] = (char)cp;
	return 1;
}

/* Folds one code point to at most two ASCII characters; returns how many. */
static size_t fold_codepoint(long cp, char out[2])
{
	/* U+00C0..U+00FF: À..ÿ without their accents; × reads as the x of "2×/an". */
	static const char latin1[65] = "aaaaaa~ceeeeiiii" "dnoooooxouuuuy~~"
	                               "aaaaaa~ceeeeiiii" "dnooooo~ouuuuy~y";

	if (cp >= 0 && cp < 0x80)
		return fold_ascii(cp, out);
	if (cp >= 0xC0 && cp <= 0xFF)
		out[0] = latin1[cp - 0xC0];
	else if (cp == 0x152 || cp == 0x153) {
		out[0] = 'o', out[1] = 'e';
		return 2;
	} else if (is_space_codepoint(cp))
		out[0] = ' ';
	else if (cp >= 0x2018 && cp <= 0x201B)
		out[0] = '\'';
	else if (cp == 0xAB || cp == 0xBB || (cp >= 0x201C && cp <= 0x201F))
		out[0] = '"';
	else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212)
		out[0] = '-';
	else if (cp == 0x2026)
		out[0] = '.';
	else if (is_bullet_codepoint(cp))
		out[0] = '*';
	else
		out[0] = '~';
	return 1;
}

static void emit(jl_text *t, char c, size_t from, size_t to)
{
	if (c == ' ' && (t->len == 0 || t->folded[t->len - 1] == ' '))
		return;
	t->folded[t->len] = c;
	t->from[t->len] = (unsigned short)from;
	t->to[t->len] = (unsigned short)to;
	t->len++;
}

/* Never more folded bytes than source bytes (only œ, two bytes, gives two). */
static void fold(jl_text *t, size_t n)
{
	const unsigned char *s = (const unsigned char *)t->src;
	size_t i = 0;

	t->len = 0;
	while (i < n) {
		long cp;
		char c[2];
		size_t len = utf8_decode(s + i, n - i, &cp);
		size_t k = fold_codepoint(cp, c);

		for (size_t j = 0; j < k; j++)
			emit(t, c[j], i, i + len);
		i += len;
	}
	while (t->len > 0 && t->folded[t->len - 1] == ' ')
		t->len--;
	t->folded[t->len] = '\0';
}

static int is_letter(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t scan_token(const jl_text *t, size_t i, jl_token *k)
{
	char c = t->folded[i];

	k->num = 0;
	if (is_letter(c)) {
		k->kind = JL_TOK_WORD;
		while (i < t->len && is_letter(t->folded[i]))
			i++;
	} else if (is_digit(c)) {
		k->kind = JL_TOK_NUM;
		for (; i < t->len && is_digit(t->folded[i]); i++)
			k->num = k->num < 100000000 ? k->num * 10 + (t->folded[i] - '0') : 999999999;
	} else {
		k->kind = JL_TOK_PUNCT;
		i++;
	}
	return i;
}

static void tokenize(jl_text *t)
{
	size_t i = 0;

	t->ntok = 0;
	while (i < t->len) {
		jl_token *k = &t->tok[t->ntok];
		size_t end;

		if (t->folded[i] == ' ') {
			i++;
			continue;
		}
		end = scan_token(t, i, k);
		k->pos = (unsigned short)i;
		k->len = (unsigned short)(end - i);
		t->ntok++;
		i = end;
	}
	/* "1x/ trimestre." and "fin 2019 ;" end where their last word ends. */
	while (t->ntok > 0 && t->tok[t->ntok - 1].kind == JL_TOK_PUNCT &&
	       strchr(".,;:!?-", t->folded[t->tok[t->ntok - 1].pos]))
		t->ntok--;
}

/* Plans write "▪ Échéance : janvier 2020"; the label says nothing about the date. */
static void skip_label(jl_text *t)
{
	size_t i = 0;

	while (jl_text_punct_is(t, i, '*') || jl_text_punct_is(t, i, '-') || jl_text_punct_is(t, i, '>'))
		i++;
	if (jl_text_word_is(t, i, "echeance") || jl_text_word_is(t, i, "echeances")) {
		i++;
		if (jl_text_punct_is(t, i, ':'))
			i++;
	}
	t->first = i;
}

int jl_text_read(const char *src, jl_text *t)
{
	size_t n = 0;

	if (!src || !t)
		return -1;
	while (src[n] != '\0')
		if (++n >= JL_TEXT_MAX)
			return -1;
	t->src = src;
	fold(t, n);
	tokenize(t);
	skip_label(t);
	return 0;
}

int jl_text_word_is(const jl_text *t, size_t i, const char *w)
{
	return i < t->ntok && t->tok[i].kind == JL_TOK_WORD && strlen(w) == t->tok[i].len &&
	       memcmp(t->folded + t->tok[i].pos, w, t->tok[i].len) == 0;
}

int jl_text_punct_is(const jl_text *t, size_t i, char c)
{
	return i < t->ntok && t->tok[i].kind == JL_TOK_PUNCT && t->folded[t->tok[i].pos] == c;
}

const char *jl_text_source(const jl_text *t, size_t first, size_t last, size_t *len)
{
	size_t start = t->from[t->tok[first].pos];
	size_t end = t->to[t->tok[last].pos + t->tok[last].len - 1];

	*len = end - start;
	return t->src + start;
}

void jl_text_copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (cap == 0)
		return;
	if (n > cap - 1) {
		n = cap - 1;
		while (n > 0 && is_continuation((unsigned char)s[n]))
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

void jl_text_say(char *dst, size_t cap, const char *prefix, const char *quoted, size_t n,
                 const char *suffix)
{
	size_t used;

	jl_text_copy(dst, cap, prefix, strlen(prefix));
	used = strlen(dst);
	if (cap - used < 4)                        /* not even room for "x" */
		return;
	dst[used++] = '"';
	if (strlen(suffix) + 3 > cap - used)       /* one quoted byte, '"', NUL */
		suffix = "";
	jl_text_copy(dst + used, cap - used - 1 - strlen(suffix), quoted, n);
	used += strlen(dst + used);
	dst[used++] = '"';
	jl_text_copy(dst + used, cap - used, suffix, strlen(suffix));
}

