/* SPDX-License-Identifier: MIT */
/*
 * Output helpers for the CLI: JSON through jansson, UTF-8 columns, dates. No allocation
 * except where documented.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* ---------------------------------------------------------------- JSON output */

/* Indented for a person reading it, keys in the order the command built them, and UTF-8
 * as it is (no JSON_ENSURE_ASCII). */
enum { DUMP_FLAGS = JSON_INDENT(2) | JSON_PRESERVE_ORDER };

int cli_print_json(cli_ctx *cx, json_t *value)
{
	if (!value)
		return cli_fail(cx, CLI_EXIT_SOFTWARE, "sortie JSON impossible à construire");
	int rc = json_dumpf(value, stdout, DUMP_FLAGS);
	json_decref(value);
	if (rc == 0)
		putchar('\n');
	return cli_finish_output(cx);
}

json_t *cli_json_append(json_t *array, json_t *value)
{
	if (!array) {
		json_decref(value);
		return NULL;
	}
	if (json_array_append_new(array, value) < 0) { /* value already released */
		json_decref(array);
		return NULL;
	}
	return array;
}

int cli_outcome(cli_ctx *cx, json_t *json, const char *fmt, ...)
{
	if (cx->json)
		return cli_print_json(cx, json);
	json_decref(json);
	if (!cx->quiet) {
		va_list ap;
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	return cli_finish_output(cx);
}

/* ---------------------------------------------------------------- columns */

size_t utf8_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			w++;
	return w;
}

void put_column(FILE *f, const char *s, size_t width, int truncate, int pad)
{
	size_t w = utf8_width(s);
	if (truncate && w > width && width > 0) {
		/* Keep width - 1 code points, then "…". */
		size_t keep = width - 1, count = 0;
		const unsigned char *p = (const unsigned char *)s;
		for (; *p; p++) {
			if ((*p & 0xC0) != 0x80 && count++ == keep)
				break;
		}
		fwrite(s, 1, (size_t)((const char *)p - s), f);
		fputs("…", f);
		w = width;
	} else {
		fputs(s, f);
	}
	for (; pad && w < width; w++)
		fputc(' ', f);
}

/* ---------------------------------------------------------------- dates, lines */

void format_local_time(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%d %H:%M", &tm))
		snprintf(out, 32, "@%lld", t);
}

void format_utc_time(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "@%lld", t);
}

char *one_line(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 1), *o = out; /* "\n" → "; " at most doubles */
	if (!out)
		return NULL;
	while (*s) {
		if (*s == '\n' || *s == '\r') {
			while (*s == '\n' || *s == '\r' || *s == ' ')
				s++;
			if (*s && o > out) {
				*o++ = ';';
				*o++ = ' ';
			}
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}
