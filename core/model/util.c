/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the core. */
#include "model/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int buf_grow(jl_buf *b, size_t extra)
{
	if (b->failed)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->ptr, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->ptr = p;
	b->cap = cap;
	return 0;
}

void jl_buf_put(jl_buf *b, const char *s, size_t n)
{
	if (buf_grow(b, n) < 0)
		return;
	if (n)
		memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void jl_buf_puts(jl_buf *b, const char *s)
{
	jl_buf_put(b, s, strlen(s));
}

void jl_buf_putc(jl_buf *b, char c)
{
	jl_buf_put(b, &c, 1);
}

void jl_buf_vprintf(jl_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0 || buf_grow(b, (size_t)n) < 0)
		return;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void jl_buf_printf(jl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	jl_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *jl_buf_detach(jl_buf *b)
{
	if (b->failed) {
		jl_buf_free(b);
		return NULL;
	}
	char *p = b->ptr ? b->ptr : jl_strdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void jl_buf_free(jl_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

char *jl_strdup(const char *s)
{
	return s ? jl_strndup(s, strlen(s)) : NULL;
}

char *jl_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *jl_sprintf(const char *fmt, ...)
{
	jl_buf b = JL_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	jl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return jl_buf_detach(&b);
}

void jl_vsay_at(char *err, size_t errlen, const char *file, int line, const char *fmt,
                va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (line > 0)
		snprintf(err, errlen, "%s:%d: %s", file, line, msg);
	else
		snprintf(err, errlen, "%s: %s", file, msg);
}

/* The two-byte UTF-8 letters of French (Latin-1 supplement, U+00C0..U+00FF), folded. */
static const char *fold_latin1(unsigned index)
{
	static const char *const table[64] = {
		/* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
		/* C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
		/* D0 */ "d", "n", "o", "o", "o", "o", "o", "x",
		/* D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
		/* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
		/* E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
		/* F0 */ "d", "n", "o", "o", "o", "o", "o", "/",
		/* F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	};
	return table[index & 0x3f];
}

/* Folds one UTF-8 sequence at s into b; returns the bytes consumed. */
static size_t fold_char(jl_buf *b, const unsigned char *s)
{
	if (s[0] < 0x80) {
		char c = (char)s[0];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		jl_buf_putc(b, c);
		return 1;
	}
	if (s[0] == 0xC3 && s[1] >= 0x80 && s[1] <= 0xBF) {
		/* U+00C0..U+00FF: C3 80..BF; upper and lower case share the table's rows. */
		jl_buf_puts(b, fold_latin1((unsigned)(s[1] - 0x80)));
		return 2;
	}
	if (s[0] == 0xC2 && s[1] == 0xA0) { /* no-break space */
		jl_buf_putc(b, ' ');
		return 2;
	}
	if (s[0] == 0xC5 && (s[1] == 0x92 || s[1] == 0x93)) { /* Œ œ */
		jl_buf_puts(b, "oe");
		return 2;
	}
	if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x98 || s[2] == 0x99)) { /* ‘ ’ */
		jl_buf_putc(b, '\'');
		return 3;
	}
	if (s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0xAF) { /* narrow no-break space */
		jl_buf_putc(b, ' ');
		return 3;
	}
	size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
	for (size_t i = 1; i < n; i++)
		if (!s[i])
			n = i;
	jl_buf_put(b, (const char *)s, n);
	return n;
}

static int word_char(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

int jl_has_words(const char *text, const char *words)
{
	size_t n = strlen(words);
	if (!n)
		return 0;
	for (const char *p = strstr(text, words); p; p = strstr(p + 1, words))
		if ((p == text || !word_char(p[-1]) || !word_char(words[0])) &&
		    (!word_char(p[n]) || !word_char(words[n - 1])))
			return 1;
	return 0;
}

int jl_say(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

char *jl_shorten(const char *s, size_t max_chars)
{
	size_t bytes = 0, chars = 0;
	while (s[bytes] && chars < max_chars) {
		bytes++;
		while (((unsigned char)s[bytes] & 0xC0) == 0x80)
			bytes++;
		chars++;
	}
	return s[bytes] ? jl_sprintf("%.*s…", (int)bytes, s) : jl_strdup(s);
}

char *jl_fold(const char *s)
{
	jl_buf b = JL_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	jl_buf_puts(&b, "");
	while (*p)
		p += fold_char(&b, p);
	char *out = jl_buf_detach(&b);
	if (!out)
		return NULL;
	/* Collapse runs of spaces and trim. */
	char *w = out;
	int space = 1;
	for (char *r = out; *r; r++) {
		if (*r == ' ') {
			if (!space)
				*w++ = ' ';
			space = 1;
		} else {
			*w++ = *r;
			space = 0;
		}
	}
	if (w > out && w[-1] == ' ')
		w--;
	*w = '\0';
	return out;
}

char *jl_trim(char *s)
{
	char *start = s;
	while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
		start++;
	size_t n = strlen(start);
	while (n && (start[n - 1] == ' ' || start[n - 1] == '\t' || start[n - 1] == '\r' ||
	             start[n - 1] == '\n'))
		n--;
	memmove(s, start, n);
	s[n] = '\0';
	return s;
}

int jl_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		size_t len;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, min = 0x80, c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, min = 0x800, c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, min = 0x10000, c &= 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			c = (c << 6) | (p[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

size_t jl_utf8_len(unsigned char lead)
{
	return lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
}

size_t jl_utf8_invalid_at(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = jl_utf8_len(c);
		if ((c >= 0x80 && c < 0xC2) || i + k > n || !jl_utf8_valid(s + i, k))
			return i;
		i += k;
	}
	return n;
}
