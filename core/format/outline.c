/* SPDX-License-Identifier: MIT */
/*
 * The outline format (docs/outline.md): reading and writing.
 *
 * The reader is a line-oriented recursive descent: the document is a sequence of headings;
 * each heading owns the lines up to the next one (an attribute block, paragraphs, then
 * bullets); each bullet owns the lines indented deeper than its marker. Attribute values
 * go through jl_record_set(), so an outline attribute means what a CLI `set` or a CSV column
 * means. References to other items ("répartition: OO 1 = 60 ; OO 3 = 40") are resolved
 * once every item exists, so that they may point forward.
 *
 * Text escapes follow CommonMark where it has them: a backslash before an ASCII
 * punctuation character (or "•") makes it literal, a backslash ending a line is a hard
 * line break ("\n" in the value); at the start of a text a backslash makes any character
 * literal, which is how the writer keeps a title or a paragraph from reading as
 * structure.
 */
#include "format/outline.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/plandoc.h"
#include "model/record.h"
#include "model/util.h"

/* ================================================================ text */

typedef struct line {
	const char *s; /* first byte of the line */
	size_t len;    /* without the line break */
	int no;        /* 1-based */
} line;

typedef struct span {
	const char *s;
	size_t n;
} span;

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Bytes of a no-break space (U+00A0) or narrow no-break space (U+202F) at s, else 0:
 * French typography puts one before ":" and word processors keep it. */
static size_t nbsp_at(const char *s, size_t n)
{
	if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
		return 2;
	if (n >= 3 && !memcmp(s, "\xe2\x80\xaf", 3))
		return 3;
	return 0;
}

static size_t space_at(const char *s, size_t n)
{
	return n && is_space(*s) ? 1 : nbsp_at(s, n);
}

static span trim_span(span t)
{
	size_t k;
	while (t.n && (k = space_at(t.s, t.n)) > 0)
		t.s += k, t.n -= k;
	for (;;) {
		if (t.n && is_space(t.s[t.n - 1]))
			t.n--;
		else if (t.n >= 2 && nbsp_at(t.s + t.n - 2, 2))
			t.n -= 2;
		else if (t.n >= 3 && nbsp_at(t.s + t.n - 3, 3))
			t.n -= 3;
		else
			return t;
	}
}

/* Columns of leading white space (a tab goes to the next multiple of 4); *bytes its
 * length. */
static size_t indent_of(const line *l, size_t *bytes)
{
	size_t col = 0, i = 0;
	for (; i < l->len && is_space(l->s[i]); i++)
		col = l->s[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
	if (bytes)
		*bytes = i;
	return col;
}

/* The line without its indentation and trailing white space. */
static span content_of(const line *l)
{
	size_t b;
	indent_of(l, &b);
	span c = {l->s + b, l->len - b};
	while (c.n && is_space(c.s[c.n - 1]))
		c.n--;
	return c;
}

static int is_blank(const line *l)
{
	return content_of(l).n == 0;
}

/* Bytes of the escapable character at s (ASCII punctuation or "•"), else 0. */
static size_t escapable(const char *s, size_t n)
{
	if (n && *s && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", *s))
		return 1;
	return n >= 3 && !memcmp(s, "\xe2\x80\xa2", 3) ? 3 : 0;
}

/* The text of raw content with escapes resolved; *hard is set when it ends with a hard
 * line break. malloc'd. */
static char *unescape(span t, int *hard)
{
	jl_buf b = JL_BUF_INIT;
	int h = 0;
	jl_buf_puts(&b, "");
	for (size_t i = 0; i < t.n; i++) {
		if (t.s[i] != '\\') {
			jl_buf_putc(&b, t.s[i]);
			continue;
		}
		if (i + 1 == t.n) {
			h = 1;
			break;
		}
		size_t k = escapable(t.s + i + 1, t.n - i - 1);
		if (i == 0 && !k)
			k = jl_utf8_len((unsigned char)t.s[1]);
		if (k && i + 1 + k <= t.n) {
			jl_buf_put(&b, t.s + i + 1, k);
			i += k;
		} else {
			jl_buf_putc(&b, '\\');
		}
	}
	if (hard)
		*hard = h;
	return jl_buf_detach(&b);
}

/* The text of raw content that cannot continue on the next line (a heading, a label): a
 * final backslash is kept as a character. malloc'd. */
static char *unescape_literal(span t)
{
	int hard;
	char *s = unescape(t, &hard);
	if (s && hard) {
		char *with = jl_sprintf("%s\\", s);
		free(s);
		s = with;
	}
	return s;
}

/* Text read over several lines: joined by a space, or by "\n" after a hard break. */
typedef struct textacc {
	jl_buf b;
	int started, hard;
} textacc;

static void acc_add(textacc *t, span raw)
{
	int hard;
	char *s = unescape(trim_span(raw), &hard);
	if (!t->started)
		jl_buf_puts(&t->b, "");
	else
		jl_buf_putc(&t->b, t->hard ? '\n' : ' ');
	jl_buf_puts(&t->b, s ? s : "");
	if (!s)
		t->b.failed = 1;
	free(s);
	t->started = 1;
	t->hard = hard;
}

static char *acc_take(textacc *t)
{
	/* A hard break with nothing after it breaks nothing: the spaces it protected go. */
	while (t->started && t->hard && t->b.len && is_space(t->b.ptr[t->b.len - 1]))
		t->b.ptr[--t->b.len] = '\0';
	char *s = t->started ? jl_buf_detach(&t->b) : jl_strdup("");
	t->started = t->hard = 0;
	return s;
}

/* ---------------------------------------------------------------- labels */

static int is_roman(const char *s, size_t n)
{
	static const char *const ROMAN[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII",
	                                    "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
	                                    "XVII", "XVIII", "XIX", "XX", NULL};
	for (const char *const *r = ROMAN; *r; r++)
		if (strlen(*r) == n && !memcmp(*r, s, n))
			return 1;
	return 0;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t count_chars(span t)
{
	size_t chars = 0;
	for (size_t i = 0; i < t.n; i++)
		chars += ((unsigned char)t.s[i] & 0xC0) != 0x80;
	return chars;
}

/* A label before " : " (spec §6): at most 4 words and 24 characters, holding a digit or a
 * roman numeral, or a single letter ("A", "B."). */
static int label_like(span t)
{
	if (!t.n || count_chars(t) > 24)
		return 0;
	if (t.n <= 2 && is_alpha(t.s[0]) && (t.n == 1 || t.s[1] == '.' || t.s[1] == ')'))
		return 1;
	size_t words = 0, i = 0;
	int numbered = 0;
	while (i < t.n) {
		while (i < t.n && space_at(t.s + i, t.n - i))
			i += space_at(t.s + i, t.n - i);
		if (i == t.n)
			break;
		size_t start = i;
		while (i < t.n && !space_at(t.s + i, t.n - i))
			numbered |= is_digit(t.s[i++]);
		words++;
		span w = {t.s + start, i - start};
		while (w.n && strchr("(", w.s[0]))
			w.s++, w.n--;
		while (w.n && strchr(".)", w.s[w.n - 1]))
			w.n--;
		numbered |= is_roman(w.s, w.n);
	}
	return words <= 4 && numbered;
}

/* One part of a numbering token: digits, a letter or a roman numeral. */
static int numbering_part(const char *s, size_t n)
{
	size_t digits = 0;
	while (digits < n && is_digit(s[digits]))
		digits++;
	return (digits == n && n > 0 && n <= 4) || (n == 1 && is_alpha(*s)) || is_roman(s, n);
}

/* "(7)", "12)", "3.", "IV.", "1.1", "O.O.3.2." — a numbering token opening a title. */
static int numbering_token(span t)
{
	if (t.n >= 3 && t.s[0] == '(' && t.s[t.n - 1] == ')')
		return numbering_part(t.s + 1, t.n - 2);
	if (t.n >= 2 && t.s[t.n - 1] == ')')
		return numbering_part(t.s, t.n - 1);
	size_t parts = 0, digit_parts = 0, i = 0;
	int trailing_dot = t.n && t.s[t.n - 1] == '.';
	size_t end = trailing_dot ? t.n - 1 : t.n;
	while (i < end) {
		size_t start = i;
		while (i < end && t.s[i] != '.')
			i++;
		if (!numbering_part(t.s + start, i - start))
			return 0;
		parts++;
		digit_parts += is_digit(t.s[start]);
		if (i < end)
			i++; /* the dot */
		if (i == end && t.s[end - 1] == '.')
			return 0; /* "1..": empty part */
	}
	return parts && (parts >= 2 ? digit_parts > 0 : trailing_dot);
}

/* Whether a ":" at i ends a label: followed by a space, the end, or a final backslash
 * (a hard break: the title goes on with the next line). */
static int colon_ends(span t, size_t i)
{
	return i + 1 == t.n || space_at(t.s + i + 1, t.n - i - 1) ||
	       (i + 2 == t.n && t.s[i + 1] == '\\');
}

/* Splits the raw text of a heading or bullet into label and title (spec §6). */
static void split_label(span t, span *label, span *title)
{
	label->s = t.s;
	label->n = 0;
	*title = t;
	if (t.n && t.s[0] == ':' && colon_ends(t, 0)) {
		title->s = t.s + 1, title->n = t.n - 1;
		*title = trim_span(*title);
		return;
	}
	for (size_t i = 0; i < t.n; i++) {
		if (t.s[i] == '\\') {
			i++;
			continue;
		}
		if (t.s[i] != ':' || !colon_ends(t, i))
			continue;
		span cand = trim_span((span){t.s, i});
		if (label_like(cand)) {
			*label = cand;
			*title = trim_span((span){t.s + i + 1, t.n - i - 1});
			return;
		}
		break; /* only the first " : " can end a label */
	}
	size_t k = 0;
	while (k < t.n && !is_space(t.s[k]))
		k++;
	span rest = trim_span((span){t.s + k, t.n - k});
	if (k < t.n && rest.n && numbering_token((span){t.s, k})) {
		*label = (span){t.s, k};
		*title = rest;
	}
}

/* ---------------------------------------------------------------- keys */

typedef struct keyline {
	char *key;        /* the words, as written (malloc'd) */
	span value;       /* raw value after the ":" */
	int question;     /* "Qui ? …" without a colon */
	int digits;       /* a word holds a digit */
	size_t term;      /* offset of the ":" or "?" that ends the key */
} keyline;

static int word_byte(const char *s, size_t n)
{
	unsigned char c = (unsigned char)*s;
	if (nbsp_at(s, n))
		return 0;
	return is_alpha((char)c) || is_digit((char)c) || c >= 0x80 || c == '-' || c == '\'' ||
	       c == '/' || c == '_';
}

/* Whether raw content reads as "key: value" or "Key ? value" with a key of one to three
 * words opening with a letter. Fills k (k->key malloc'd) when it does. */
static int key_shape(span t, keyline *k)
{
	size_t i = 0, words = 0, key_end = 0;
	int digits = 0;
	memset(k, 0, sizeof *k);
	if (!t.n || !(is_alpha(t.s[0]) || (unsigned char)t.s[0] >= 0x80) || nbsp_at(t.s, t.n))
		return 0;
	for (;;) {
		if (i >= t.n || !word_byte(t.s + i, t.n - i))
			return 0;
		while (i < t.n && word_byte(t.s + i, t.n - i))
			digits |= is_digit(t.s[i++]);
		words++;
		key_end = i;
		while (i < t.n && space_at(t.s + i, t.n - i))
			i += space_at(t.s + i, t.n - i);
		if (i < t.n && (t.s[i] == ':' || t.s[i] == '?'))
			break;
	}
	if (words > 3)
		return 0;
	k->term = i;
	if (t.s[i] == '?') {
		i++;
		while (i < t.n && space_at(t.s + i, t.n - i))
			i += space_at(t.s + i, t.n - i);
		if (i < t.n && t.s[i] == ':')
			i++;
		else
			k->question = 1;
	} else {
		i++;
		if (i < t.n && t.s[i] == '/')
			return 0; /* "http://…" */
	}
	k->key = jl_strndup(t.s, key_end);
	k->value = trim_span((span){t.s + i, t.n - i});
	k->digits = digits;
	return k->key != NULL;
}

/* ================================================================ reader */

typedef struct deferred {
	char *id, *value, *under;
	int line;
} deferred;

typedef struct parser {
	const char *file;
	char *err;
	size_t errlen;
	const line *lines;
	size_t n, i;
	json_t *doc;
	record_context ctx;
	json_t *where;            /* id → line, to place jl_plandoc_check's messages */
	deferred *defer;          /* répartitions, applied once every OO exists */
	size_t ndefer;
	const char *volet;        /* from the last level-1 heading */
	json_t *os, *oo, *action; /* where new children go (borrowed) */
	size_t task_col;          /* marker column of the last task, SIZE_MAX: none yet */
	int last_bullet;          /* line of the last bullet, for messages */
	long next_id[JALON_KIND_COUNT_]; /* last number given per kind */
} parser;

/* An attribute being read: its key, its value so far and where it started. */
typedef struct attr {
	char *key;
	textacc value;
	int line;
} attr;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int perr(parser *p, int no, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	jl_vsay_at(p->err, p->errlen, p->file, no, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *kind_phrase(int kind)
{
	switch (kind) {
	case JALON_KIND_PLAN: return "dans l'en-tête";
	case JALON_KIND_OS: return "pour un OS";
	case JALON_KIND_OO: return "pour un OO";
	case JALON_KIND_ACTION: return "pour une action";
	default: return "pour une tâche";
	}
}

/* The keys a person may write for that kind, for messages. malloc'd. */
static char *known_keys(int kind, const json_t *plan)
{
	jl_buf b = JL_BUF_INIT;
	size_t i;
	json_t *decl;
	jl_buf_puts(&b, "");
	if (kind == JALON_KIND_PLAN) {
		jl_buf_puts(&b, "organisation, titre, période, adoption, section, champ, personne");
		return jl_buf_detach(&b);
	}
	for (const char *const *k = jl_plandoc_attribute_keys(); *k; k++) {
		if (!jl_record_knows_key((jalon_kind)kind, *k, plan))
			continue;
		jl_buf_printf(&b, "%s%s", b.len ? ", " : "", *k);
		if (!strcmp(*k, "indicateur"))
			jl_buf_puts(&b, ", mesure");
	}
	json_array_foreach(json_object_get(plan, "custom_fields"), i, decl) {
		const char *name = json_string_value(json_object_get(decl, "name"));
		if (name && jl_record_knows_key((jalon_kind)kind, name, plan))
			jl_buf_printf(&b, ", %s", name);
	}
	return jl_buf_detach(&b);
}

static int front_key(const char *key)
{
	char *f = jl_fold(key);
	int special = f && (!strcmp(f, "personne") || !strcmp(f, "champ"));
	free(f);
	return special;
}

/*
 * Whether raw content is an attribute line for an item of that kind: 1 (k filled), 0 (it
 * is text), -1 (an unknown key: error reported). A key with a digit or a "Key ?" without
 * colon is a key only when known, since text reads that way too ("Réunion 2 : …",
 * "Pourquoi ? …").
 */
static int classify(parser *p, int kind, span t, int no, keyline *k)
{
	if (!key_shape(t, k))
		return 0;
	const json_t *plan = jl_plandoc_plan(p->doc);
	if (jl_record_knows_key((jalon_kind)kind, k->key, plan) ||
	    (kind == JALON_KIND_PLAN && front_key(k->key)))
		return 1;
	if (!k->question && !k->digits) {
		char *keys = known_keys(kind, plan);
		perr(p, no, "clé inconnue « %s » %s ; clés connues : %s (pour du texte, écrivez "
		     "« %s\\: … »)", k->key, kind_phrase(kind), keys ? keys : "", k->key);
		free(keys);
	}
	free(k->key);
	k->key = NULL;
	return !k->question && !k->digits ? -1 : 0;
}

static void remember_line(parser *p, const json_t *rec, int no)
{
	json_object_set_new(p->where, jl_record_id(rec), json_integer(no));
}

static int set_value(parser *p, json_t *rec, const char *key, const char *value, int no)
{
	char msg[768];
	if (jl_record_set(rec, key, value, &p->ctx, msg, sizeof msg) != 0)
		return perr(p, no, "%s", msg);
	return 0;
}

static int defer_shares(parser *p, const json_t *item, const char *value, int no)
{
	deferred *d = realloc(p->defer, (p->ndefer + 1) * sizeof *d);
	if (!d)
		return perr(p, no, "mémoire insuffisante");
	p->defer = d;
	d += p->ndefer++;
	d->id = jl_strdup(jl_record_id(item));
	d->value = jl_strdup(value);
	d->under = jl_strdup(jl_record_id(p->oo));
	d->line = no;
	return d->id && d->value && d->under ? 0 : perr(p, no, "mémoire insuffisante");
}

static int apply_item_attr(parser *p, json_t *item, const char *key, const char *value, int no)
{
	char *f = jl_fold(key);
	int rc;
	if (!f)
		rc = perr(p, no, "mémoire insuffisante");
	else if (!strcmp(f, "repartition") && jl_record_kind(item) == JALON_KIND_ACTION)
		rc = defer_shares(p, item, value, no);
	else if (!strcmp(f, "parent") || !strcmp(f, "position"))
		rc = perr(p, no, "« %s » ne s'écrit pas dans un plan : la place de l'élément sous "
		          "ses titres le donne", key);
	else
		rc = set_value(p, item, key, value, no);
	free(f);
	return rc;
}

/* "personne: Nom <adresse> ; service" in the front matter. */
static int declare_person(parser *p, const char *value, int no)
{
	char msg[512];
	const char *semi = strchr(value, ';');
	char *text = jl_strndup(value, semi ? (size_t)(semi - value) : strlen(value));
	size_t before = json_array_size(jl_plandoc_people(p->doc));
	json_t *person = NULL;
	int rc = text ? jl_plandoc_person(p->doc, text, &person, msg, sizeof msg) : -1;
	if (rc != 0)
		rc = perr(p, no, "personne : %s", text ? msg : "mémoire insuffisante");
	else if (json_array_size(jl_plandoc_people(p->doc)) == before)
		rc = perr(p, no, "personne « %s » déclarée deux fois", jl_trim(text));
	if (rc == 0 && semi) {
		char *type = jl_trim(jl_strdup(semi + 1));
		char *f = type ? jl_fold(type) : NULL;
		const char *v = f && !strncmp(f, "type", 4) && strchr(type, ':')
		                    ? strchr(type, ':') + 1 : type;
		rc = set_value(p, person, "type", v ? v : "", no);
		free(f);
		free(type);
	}
	free(text);
	return rc;
}

static int apply_plan_attr(parser *p, const char *key, const char *value, int no)
{
	char *f = jl_fold(key);
	char msg[512];
	int rc;
	if (!f)
		rc = perr(p, no, "mémoire insuffisante");
	else if (!strcmp(f, "personne"))
		rc = declare_person(p, value, no);
	else if (!strcmp(f, "champ"))
		rc = jl_plandoc_declare_field(p->doc, value, msg, sizeof msg) ? perr(p, no, "%s", msg) : 0;
	else
		rc = set_value(p, jl_plandoc_plan(p->doc), key, value, no);
	free(f);
	return rc;
}

/* Applies the attribute being read, if any, to rec (NULL: the plan). */
static int end_attr(parser *p, json_t *rec, attr *a)
{
	if (!a->key)
		return 0;
	char *value = acc_take(&a->value);
	int rc = !value ? perr(p, a->line, "mémoire insuffisante")
	         : rec ? apply_item_attr(p, rec, a->key, value, a->line)
	               : apply_plan_attr(p, a->key, value, a->line);
	free(value);
	free(a->key);
	a->key = NULL;
	return rc;
}

static void start_attr(attr *a, keyline *k, int no)
{
	a->key = k->key;
	k->key = NULL;
	a->line = no;
	acc_add(&a->value, k->value);
}

static void drop_attr(attr *a)
{
	free(a->key);
	a->key = NULL;
	jl_buf_free(&a->value.b);
}

/* ---------------------------------------------------------------- line kinds */

/* "## Titre" → 2 and the raw title; 0 when the line is no heading; -1 when it starts with
 * "#" not followed by a space (a typo the structure refuses). Column 0 only. */
static int heading_of(const line *l, span *text)
{
	size_t h = 0;
	while (h < l->len && l->s[h] == '#')
		h++;
	if (h == 0)
		return 0;
	if (h < l->len && !is_space(l->s[h]))
		return -1;
	if (text) {
		*text = trim_span((span){l->s + h, l->len - h});
	}
	return (int)h;
}

/* "---", "***", "___" (spaces allowed): a thematic break, ignored between items. */
static int is_rule(const line *l)
{
	span c = content_of(l);
	size_t marks = 0;
	if (!c.n || !strchr("-*_", c.s[0]))
		return 0;
	for (size_t i = 0; i < c.n; i++) {
		if (c.s[i] == c.s[0])
			marks++;
		else if (!is_space(c.s[i]))
			return 0;
	}
	return marks >= 3;
}

/* "- titre", "* titre", "• titre" at any indentation: 1 and the raw text after the
 * marker. */
static int bullet_of(const line *l, span *text)
{
	span c = content_of(l);
	size_t m = 0;
	if (is_rule(l) || !c.n)
		return 0;
	if (c.s[0] == '-' || c.s[0] == '*')
		m = 1;
	else if (c.n >= 3 && !memcmp(c.s, "\xe2\x80\xa2", 3))
		m = 3;
	if (!m || (m < c.n && !is_space(c.s[m])))
		return 0;
	if (text)
		*text = trim_span((span){c.s + m, c.n - m});
	return 1;
}

/* ---------------------------------------------------------------- items */

/* A new item at the end of the list: the outline is read in tree order, so appending
 * keeps it, and counting ids here keeps reading linear (jl_plandoc_add_item searches the
 * list). Positions are set by jl_plandoc_check at the end. */
static json_t *add_item(parser *p, jalon_kind kind, const json_t *parent, int no)
{
	char *id = jl_sprintf("%s-%ld", jalon_kind_name(kind), ++p->next_id[kind]);
	json_t *item = id ? jl_record_new(kind, id) : NULL;
	free(id);
	if (item && parent)
		json_object_set_new(item, "parents",
		                    json_pack("[{s:s, s:i}]", "id", jl_record_id(parent), "share", 100));
	if (!item || json_array_append_new(jl_plandoc_items(p->doc), item)) {
		perr(p, no, "mémoire insuffisante");
		return NULL;
	}
	remember_line(p, item, no);
	return item;
}

/* Sets label and title from the first line's raw text and the rest of the title. */
static int set_titled(parser *p, json_t *item, span raw, textacc *more, int no)
{
	span label, title;
	split_label(raw, &label, &title);
	char *l = unescape_literal(label);
	textacc t = {JL_BUF_INIT, 0, 0};
	if (more) {
		acc_add(&t, title);
	} else {
		/* A heading is one line: its final backslash is a character. */
		char *h = unescape_literal(trim_span(title));
		jl_buf_puts(&t.b, h ? h : "");
		t.started = 1;
		free(h);
	}
	if (more && more->started) {
		char *rest = acc_take(more);
		jl_buf_putc(&t.b, t.hard ? '\n' : ' ');
		jl_buf_puts(&t.b, rest ? rest : "");
		free(rest);
	}
	char *s = acc_take(&t);
	int rc = !l || !s ? perr(p, no, "mémoire insuffisante")
	         : (*l && set_value(p, item, "label", l, no)) ? -1
	                                                      : set_value(p, item, "titre", s, no);
	free(l);
	free(s);
	return rc;
}

/* Ends a paragraph: it joins the description, paragraphs separated by a blank line. */
static void end_paragraph(textacc *para, textacc *desc)
{
	if (!para->started)
		return;
	char *s = acc_take(para);
	if (!desc->started)
		jl_buf_puts(&desc->b, "");
	else
		jl_buf_puts(&desc->b, "\n\n");
	jl_buf_puts(&desc->b, s ? s : "");
	desc->started = 1;
	free(s);
}

static int set_description(parser *p, json_t *item, textacc *desc, int no)
{
	if (!desc->started)
		return 0;
	char *s = acc_take(desc);
	int rc;
	if (!s)
		rc = perr(p, no, "mémoire insuffisante");
	else if (*json_string_value(json_object_get(item, "description")))
		rc = perr(p, no, "description donnée deux fois : par l'attribut « description » et "
		          "par des paragraphes");
	else
		rc = set_value(p, item, "description", s, no);
	free(s);
	return rc;
}

/*
 * The block under a heading: first "key: value" lines (continued by indented lines), then
 * paragraphs, which make the description. Stops before a bullet or a heading.
 */
static int parse_heading_block(parser *p, json_t *item)
{
	attr a = {NULL, {JL_BUF_INIT, 0, 0}, 0};
	textacc para = {JL_BUF_INIT, 0, 0}, desc = {JL_BUF_INIT, 0, 0};
	int in_text = 0, rc = 0, first_text = 0;
	for (; rc == 0 && p->i < p->n; p->i++) {
		const line *l = &p->lines[p->i];
		keyline k;
		if (heading_of(l, NULL) || bullet_of(l, NULL))
			break;
		if (is_blank(l) || is_rule(l)) {
			rc = end_attr(p, item, &a);
			end_paragraph(&para, &desc);
			continue;
		}
		int c = in_text ? 0 : classify(p, jl_record_kind(item), content_of(l), l->no, &k);
		if (c < 0) {
			rc = -1;
		} else if (c > 0) {
			rc = end_attr(p, item, &a);
			start_attr(&a, &k, l->no);
		} else if (!in_text && a.key && indent_of(l, NULL) > 0) {
			acc_add(&a.value, content_of(l));
		} else {
			rc = end_attr(p, item, &a);
			if (!in_text)
				first_text = l->no;
			in_text = 1;
			acc_add(&para, content_of(l));
		}
	}
	if (rc == 0)
		rc = end_attr(p, item, &a);
	end_paragraph(&para, &desc);
	if (rc == 0)
		rc = set_description(p, item, &desc, first_text);
	drop_attr(&a);
	jl_buf_free(&para.b);
	jl_buf_free(&desc.b);
	return rc;
}

/*
 * A bullet's item: the text after the marker, then the lines indented deeper than the
 * marker: text continuing the title until the first attribute, then attributes, each
 * continued by the text lines after it. Blank lines inside are allowed.
 */
static int parse_bullet(parser *p, json_t *item, size_t marker_col, span text)
{
	int no = p->lines[p->i].no, rc = 0, titled = 0;
	attr a = {NULL, {JL_BUF_INIT, 0, 0}, 0};
	textacc more = {JL_BUF_INIT, 0, 0};
	for (p->i++; rc == 0 && p->i < p->n; p->i++) {
		const line *l = &p->lines[p->i];
		keyline k;
		if (is_blank(l))
			continue;
		if (heading_of(l, NULL) || indent_of(l, NULL) <= marker_col || bullet_of(l, NULL))
			break;
		int c = classify(p, jl_record_kind(item), content_of(l), l->no, &k);
		if (c < 0) {
			rc = -1;
		} else if (c > 0) {
			if (!titled && (rc = set_titled(p, item, text, &more, no)) != 0) {
				free(k.key);
				break;
			}
			titled = 1;
			rc = end_attr(p, item, &a);
			start_attr(&a, &k, l->no);
		} else {
			acc_add(titled ? &a.value : &more, content_of(l));
		}
	}
	if (rc == 0 && !titled)
		rc = set_titled(p, item, text, &more, no);
	if (rc == 0)
		rc = end_attr(p, item, &a);
	drop_attr(&a);
	jl_buf_free(&more.b);
	return rc;
}

/* Why a line that is neither a bullet nor a heading cannot be where it is. */
static int stray_line(parser *p, const line *l, int under_tasks)
{
	if (indent_of(l, NULL) == 0)
		return perr(p, l->no, "texte hors d'une puce : la description d'un élément va avant "
		            "ses puces, et la suite d'une puce s'indente sous elle (puce de la ligne %d)",
		            p->last_bullet);
	if (under_tasks)
		return perr(p, l->no, "indentation : la ligne suit la tâche de la ligne %d sans être "
		            "plus indentée que sa puce (les attributs d'une action vont avant ses "
		            "tâches)", p->last_bullet);
	return perr(p, l->no, "indentation : la ligne ne continue aucune puce");
}

/* The bullets after a heading's block: actions (column 0, under an OO) and tasks. */
static int parse_bullets(parser *p, int level)
{
	int rc = 0;
	while (rc == 0 && p->i < p->n) {
		const line *l = &p->lines[p->i];
		span text;
		if (heading_of(l, NULL))
			break;
		if (is_blank(l) || is_rule(l)) {
			p->i++;
			continue;
		}
		if (!bullet_of(l, &text))
			return stray_line(p, l, p->task_col != SIZE_MAX);
		size_t col = indent_of(l, NULL);
		json_t *item;
		if (!text.n)
			return perr(p, l->no, "titre attendu après la puce");
		if (level == 2)
			return perr(p, l->no, "action avant tout OO : sous un OS (« ## »), ouvrez d'abord "
			            "un OO (« ### »)");
		if (level == 3 && col == 0) {
			item = p->action = add_item(p, JALON_KIND_ACTION, p->oo, l->no);
			p->task_col = SIZE_MAX;
		} else if (!p->action) {
			return perr(p, l->no, "tâche avant toute action : une action s'écrit « - » en "
			            "début de ligne sous un OO, ses tâches « - » indentées sous elle");
		} else if (p->task_col != SIZE_MAX && col > p->task_col) {
			return perr(p, l->no, "puce trop profonde : une tâche n'a pas de sous-niveau "
			            "(tâche de la ligne %d)", p->last_bullet);
		} else {
			item = add_item(p, JALON_KIND_TASK, p->action, l->no);
			p->task_col = col;
		}
		p->last_bullet = l->no;
		rc = item ? parse_bullet(p, item, col, text) : -1;
	}
	return rc;
}

static int parse_item_heading(parser *p, int level, span text, int no)
{
	json_t *item = NULL;
	if (level == 2) {
		item = p->os = add_item(p, JALON_KIND_OS, NULL, no);
		p->oo = p->action = NULL;
		if (item && *p->volet && set_value(p, item, "volet", p->volet, no))
			return -1;
	} else if (level == 3) {
		if (!p->os)
			return perr(p, no, "OO avant tout OS : un OO (« ### ») s'écrit sous un OS (« ## »)");
		item = p->oo = add_item(p, JALON_KIND_OO, p->os, no);
		p->action = NULL;
	} else {
		if (!p->oo)
			return perr(p, no, "action avant tout OO : une action (« #### ») s'écrit sous un "
			            "OO (« ### »)");
		item = p->action = add_item(p, JALON_KIND_ACTION, p->oo, no);
	}
	p->task_col = SIZE_MAX;
	if (!item)
		return -1;
	if (set_titled(p, item, text, NULL, no) != 0 || parse_heading_block(p, item) != 0)
		return -1;
	return parse_bullets(p, level);
}

/* "Volet externe", "volet interne : administration générale" → the volet, else NULL. */
static const char *volet_of(span raw)
{
	char *s = jl_strndup(raw.s, raw.n);
	char *f = s ? jl_fold(s) : NULL;
	const char *volet = NULL;
	static const char *const VOLETS[] = {"externe", "interne"};
	for (int v = 0; f && v < 2; v++) {
		char want[32];
		snprintf(want, sizeof want, "volet %s", VOLETS[v]);
		size_t n = strlen(want);
		if (!strncmp(f, want, n) && (!f[n] || !is_alpha(f[n])))
			volet = VOLETS[v];
	}
	free(s);
	free(f);
	return volet;
}

/* A context section's body: every line up to the next "#" or "##" heading, verbatim but
 * for one leading backslash, trimmed of blank lines at both ends. */
static int parse_section(parser *p, span title, int no)
{
	size_t first = p->i, last = p->i;
	for (; p->i < p->n; p->i++) {
		int h = heading_of(&p->lines[p->i], NULL);
		if (h == 1 || h == 2)
			break;
		if (!is_blank(&p->lines[p->i]))
			last = p->i + 1;
	}
	while (first < last && is_blank(&p->lines[first]))
		first++;
	jl_buf body = JL_BUF_INIT;
	jl_buf_puts(&body, "");
	for (size_t i = first; i < last; i++) {
		const line *l = &p->lines[i];
		size_t skip = l->len && l->s[0] == '\\';
		if (i > first)
			jl_buf_putc(&body, '\n');
		jl_buf_put(&body, l->s + skip, l->len - skip);
	}
	char *t = unescape_literal(title), *text = jl_buf_detach(&body);
	json_t *section = t && text ? json_pack("{s:s, s:s}", "title", t, "text", text) : NULL;
	free(t);
	free(text);
	if (!section || json_array_append_new(json_object_get(jl_plandoc_plan(p->doc), "sections"),
	                                      section))
		return perr(p, no, "mémoire insuffisante");
	return 0;
}

static int parse_level1(parser *p, span text, int no)
{
	p->os = p->oo = p->action = NULL;
	const char *volet = text.n && text.s[0] != '\\' ? volet_of(text) : NULL;
	p->volet = volet ? volet : "";
	if (!volet)
		return parse_section(p, text, no);
	for (; p->i < p->n && !heading_of(&p->lines[p->i], NULL); p->i++)
		if (!is_blank(&p->lines[p->i]) && !is_rule(&p->lines[p->i]))
			return perr(p, p->lines[p->i].no, "texte sous « # %.*s » : seuls des OS (« ## ») "
			            "y sont attendus ; un texte d'introduction va dans une section "
			            "(« # Titre »)", (int)text.n, text.s);
	return 0;
}

static int parse_body(parser *p)
{
	while (p->i < p->n) {
		const line *l = &p->lines[p->i];
		span text;
		int level = heading_of(l, &text);
		if (is_blank(l) || is_rule(l)) {
			p->i++;
			continue;
		}
		if (level < 0)
			return perr(p, l->no, "« # » doit être suivi d'une espace : « %.*s »",
			            (int)(l->len > 40 ? 40 : l->len), l->s);
		if (level == 0)
			return perr(p, l->no, "texte avant le premier titre : le plan commence par un "
			            "titre (« # Section », « # Volet externe », « ## OS »…)");
		if (level > 4)
			return perr(p, l->no, "titre de niveau %d : seuls « # » (section, volet), « ## » "
			            "(OS), « ### » (OO) et « #### » (action) existent", level);
		if (!text.n)
			return perr(p, l->no, "titre attendu après « %.*s »", level, "####");
		p->i++;
		int rc = level == 1 ? parse_level1(p, text, l->no)
		                    : parse_item_heading(p, level, text, l->no);
		if (rc)
			return rc;
	}
	return 0;
}

static int is_fence(const line *l)
{
	span c = content_of(l);
	return indent_of(l, NULL) == 0 && c.n == 3 && !memcmp(c.s, "---", 3);
}

/* "---", then "key: value" lines for the plan (continued by indented lines), "---". */
static int parse_front_matter(parser *p)
{
	size_t end = 1;
	while (end < p->n && !is_fence(&p->lines[end]))
		end++;
	if (end == p->n)
		return perr(p, p->lines[0].no, "en-tête non fermé : une ligne « --- » est attendue "
		            "après ses lignes « clé: valeur »");
	attr a = {NULL, {JL_BUF_INIT, 0, 0}, 0};
	int rc = 0;
	for (p->i = 1; rc == 0 && p->i < end; p->i++) {
		const line *l = &p->lines[p->i];
		keyline k;
		if (is_blank(l)) {
			rc = end_attr(p, NULL, &a);
			continue;
		}
		int c = classify(p, JALON_KIND_PLAN, content_of(l), l->no, &k);
		if (c > 0) {
			rc = end_attr(p, NULL, &a);
			start_attr(&a, &k, l->no);
		} else if (c == 0 && a.key && indent_of(l, NULL) > 0) {
			acc_add(&a.value, content_of(l));
		} else if (c == 0) {
			rc = perr(p, l->no, "ligne « clé: valeur » attendue dans l'en-tête (clés : "
			          "organisation, titre, période, adoption, section, champ, personne)");
		} else {
			rc = -1;
		}
	}
	if (rc == 0)
		rc = end_attr(p, NULL, &a);
	drop_attr(&a);
	p->i = end + 1;
	return rc;
}

/* A répartition, once every OO exists; the OO the action is written under comes first. */
static int apply_deferred(parser *p, const deferred *d)
{
	json_t *item = jl_plandoc_find(p->doc, d->id);
	if (set_value(p, item, "répartition", d->value, d->line))
		return -1;
	json_t *parents = json_object_get(item, "parents");
	size_t i, at = SIZE_MAX;
	json_t *e;
	json_array_foreach(parents, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "id")), d->under))
			at = i;
	if (at == SIZE_MAX) {
		char *oo = jl_record_display_name(jl_plandoc_find(p->doc, d->under));
		perr(p, d->line, "répartition : l'action est écrite sous %s, que la répartition ne "
		     "cite pas", oo ? oo : d->under);
		free(oo);
		return -1;
	}
	if (at > 0) {
		json_t *first = json_incref(json_array_get(parents, at));
		json_array_remove(parents, at);
		json_array_insert_new(parents, 0, first);
	}
	return 0;
}

static int finish(parser *p)
{
	for (size_t i = 0; i < p->ndefer; i++)
		if (apply_deferred(p, &p->defer[i]))
			return -1;
	char bad[64], msg[768];
	if (jl_plandoc_check_at(p->doc, bad, sizeof bad, msg, sizeof msg) != 0) {
		json_t *no = json_object_get(p->where, bad);
		return perr(p, no ? (int)json_integer_value(no) : 0, "%s", msg);
	}
	return 0;
}

/* Cuts text into lines (LF, CRLF or CR), refusing NUL bytes and invalid UTF-8. */
static int split_lines(parser *p, const char *text, size_t len, line **out)
{
	size_t cap = 16, n = 0, i = 0;
	line *lines = malloc(cap * sizeof *lines);
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		i = 3;
	while (lines && i < len) {
		size_t start = i;
		while (i < len && text[i] != '\n' && text[i] != '\r')
			i++;
		if (n == cap) {
			line *more = realloc(lines, (cap *= 2) * sizeof *lines);
			if (!more)
				break;
			lines = more;
		}
		lines[n] = (line){text + start, i - start, (int)n + 1};
		size_t bad = jl_utf8_invalid_at(lines[n].s, lines[n].len);
		const char *nul = memchr(lines[n].s, '\0', lines[n].len);
		size_t nul_at = nul ? (size_t)(nul - lines[n].s) : SIZE_MAX;
		n++;
		if (nul_at <= bad || bad < lines[n - 1].len) {
			free(lines);
			if (nul_at <= bad)
				return perr(p, (int)n, "caractère nul (octet 0) en colonne %zu : ce fichier "
				            "n'est pas du texte", nul_at + 1);
			return perr(p, (int)n, "texte qui n'est pas de l'UTF-8 valide (octet 0x%02X en "
			            "colonne %zu) ; enregistrez le fichier en UTF-8",
			            (unsigned char)text[start + bad], bad + 1);
		}
		if (i < len && text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			i++;
		if (i < len)
			i++;
	}
	if (!lines)
		return perr(p, 0, "mémoire insuffisante");
	p->lines = *out = lines;
	p->n = n;
	return 0;
}

json_t *jl_outline_parse(const char *text, size_t len, const char *filename, char *err,
                         size_t errlen)
{
	char dummy[1];
	parser p;
	memset(&p, 0, sizeof p);
	p.file = filename ? filename : "entrée";
	p.err = err && errlen ? err : dummy;
	p.errlen = err && errlen ? errlen : sizeof dummy;
	p.volet = "";
	p.task_col = SIZE_MAX;
	p.doc = jl_plandoc_new();
	p.where = json_object();
	p.ctx = jl_plandoc_context(p.doc);
	line *lines = NULL;
	int rc = !p.doc || !p.where ? perr(&p, 0, "mémoire insuffisante")
	                            : split_lines(&p, text ? text : "", text ? len : 0, &lines);
	if (rc == 0 && p.n && is_fence(&p.lines[0]))
		rc = parse_front_matter(&p);
	if (rc == 0)
		rc = parse_body(&p);
	if (rc == 0)
		rc = finish(&p);
	for (size_t i = 0; i < p.ndefer; i++) {
		free(p.defer[i].id);
		free(p.defer[i].value);
		free(p.defer[i].under);
	}
	free(p.defer);
	free(lines);
	json_decref(p.where);
	if (rc != 0) {
		json_decref(p.doc);
		return NULL;
	}
	return p.doc;
}

/* ================================================================ writer */

static const char *str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

/* Appends text, doubling the backslashes the reader would take for escapes: before a
 * punctuation character, at the end, and (at_start) at the start of a text. */
static void put_escaped_at(jl_buf *b, const char *s, size_t n, int at_start)
{
	/* Leading white space would be trimmed, or read as indentation: escape it. */
	if (at_start && n && (is_space(s[0]) || nbsp_at(s, n)))
		jl_buf_putc(b, '\\');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && ((i == 0 && at_start) || i + 1 == n ||
		                      escapable(s + i + 1, n - i - 1)))
			jl_buf_putc(b, '\\');
		jl_buf_putc(b, s[i]);
	}
}

static void put_escaped(jl_buf *b, const char *s, size_t n)
{
	put_escaped_at(b, s, n, 1);
}

/* Appends text that opens a line the reader classifies: a leading structure character
 * or a "key:" look is escaped. */
static void put_line_start(jl_buf *b, const char *s, size_t n)
{
	keyline k;
	if (n && (strchr("#-*+_>\\:", s[0]) || (n >= 3 && !memcmp(s, "\xe2\x80\xa2", 3)))) {
		size_t c = jl_utf8_len((unsigned char)s[0]);
		jl_buf_putc(b, '\\');
		jl_buf_put(b, s, c);
		put_escaped_at(b, s + c, n - c, 0);
		return;
	}
	if (key_shape((span){s, n}, &k)) {
		free(k.key);
		put_escaped(b, s, k.term);
		jl_buf_putc(b, '\\');
		put_escaped_at(b, s + k.term, n - k.term, 0);
		return;
	}
	put_escaped(b, s, n);
}

static void put_indent(jl_buf *b, size_t indent)
{
	for (size_t i = 0; i < indent; i++)
		jl_buf_putc(b, ' ');
}

/* A copy with CRLF and CR made LF: the reader ends lines at any of them, so a value must
 * not hold one raw. malloc'd. */
static char *lf_only(const char *s)
{
	char *out = jl_strdup(s), *w = out;
	for (const char *r = s; out && *r; r++) {
		if (*r == '\r' && r[1] == '\n')
			continue;
		*w++ = *r == '\r' ? '\n' : *r;
	}
	if (w)
		*w = '\0';
	return out;
}

/*
 * Writes text whose first part continues the current line; each "\n" becomes a hard
 * break and the next part goes on a new line indented by indent. protect_first: the
 * first part opens a line the reader classifies.
 */
static void put_text(jl_buf *b, const char *text, size_t indent, int protect_first)
{
	char *copy = lf_only(text);
	const char *s = copy ? copy : "";
	for (int first = 1;; first = 0) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (!first) {
			jl_buf_putc(b, '\n');
			put_indent(b, indent);
		}
		if (first && !protect_first)
			put_escaped(b, s, n);
		else
			put_line_start(b, s, n);
		/* An empty part still needs a visible line: "\" alone is an empty hard break. */
		if (nl || (!first && n == 0))
			jl_buf_putc(b, '\\');
		if (!nl)
			break;
		s = nl + 1;
	}
	free(copy);
}

static void put_attr(jl_buf *b, const char *key, const char *value, size_t indent)
{
	put_indent(b, indent);
	jl_buf_printf(b, "%s:", key);
	if (*value)
		jl_buf_putc(b, ' ');
	put_text(b, value, indent + 2, 0);
	jl_buf_putc(b, '\n');
}

/* Whether raw text reads back as exactly that label and title (first line). */
static int reads_as(const char *raw, const char *label, const char *title)
{
	span l, t;
	split_label((span){raw, strlen(raw)}, &l, &t);
	char *ul = unescape_literal(l), *ut = unescape_literal(t);
	int same = ul && ut && !strcmp(ul, label) && !strcmp(ut, title);
	free(ul);
	free(ut);
	return same;
}

/*
 * The text of a heading or bullet for label and title: "label : title" when it reads
 * back so, else the title escaped with a leading ": " and the label as an attribute.
 * *label_attr says whether the label needs its attribute. first is the title's first
 * line; the rest follows as continuation lines for bullets.
 */
static char *titled_text(const char *label, const char *first, int *label_attr)
{
	jl_buf b = JL_BUF_INIT;
	*label_attr = 0;
	if (strpbrk(label, "\r\n")) {
		*label_attr = 1;
		label = "";
	}
	if (*label) {
		put_escaped(&b, label, strlen(label));
		jl_buf_puts(&b, " :");
		if (*first)
			jl_buf_putc(&b, ' ');
		put_escaped(&b, first, strlen(first));
		if (b.ptr && reads_as(b.ptr, label, first))
			return jl_buf_detach(&b);
		jl_buf_free(&b);
		*label_attr = 1;
	}
	put_escaped(&b, first, strlen(first));
	if (*first && b.ptr && reads_as(b.ptr, "", first))
		return jl_buf_detach(&b);
	jl_buf_free(&b);
	jl_buf_puts(&b, ":");
	if (*first)
		jl_buf_putc(&b, ' ');
	put_escaped(&b, first, strlen(first));
	return jl_buf_detach(&b);
}

typedef struct writer {
	jl_buf b;
	const json_t *doc;
	int volet_headings; /* OS volets come from "# Volet …" headings */
	const char *volet;  /* the volet heading in force */
} writer;

/* Writes the attributes of an item, all but those in skip ("," separated, with commas
 * around: ",label,titre,"). */
static void put_attrs(writer *w, const json_t *item, const char *skip, size_t indent)
{
	json_t *values = json_array();
	const json_t *plan = jl_plandoc_plan(w->doc);
	for (const char *const *k = jl_plandoc_attribute_keys(); *k; k++) {
		char probe[64];
		snprintf(probe, sizeof probe, ",%s,", *k);
		if (!strstr(skip, probe))
			jl_plandoc_attribute_values(w->doc, item, *k, 0, values);
	}
	size_t i;
	json_t *decl, *pair;
	json_array_foreach(json_object_get(plan, "custom_fields"), i, decl)
		jl_plandoc_attribute_values(w->doc, item, str(decl, "name"), 0, values);
	json_array_foreach(values, i, pair)
		put_attr(&w->b, json_string_value(json_array_get(pair, 0)),
		         json_string_value(json_array_get(pair, 1)), indent);
	json_decref(values);
}

/* The first line of a text (malloc'd) and whether there is more (a CR counts too). */
static char *first_line(const char *s, const char **rest)
{
	const char *nl = strpbrk(s, "\r\n");
	*rest = nl ? nl + 1 + (nl[0] == '\r' && nl[1] == '\n') : NULL;
	return jl_strndup(s, nl ? (size_t)(nl - s) : strlen(s));
}

/* "## label : title", its attributes at column 0, then the description as paragraphs. */
static void write_heading_item(writer *w, const json_t *item, const char *hashes)
{
	const char *title = str(item, "title"), *rest;
	char *first = first_line(title, &rest);
	int label_attr;
	char *text = titled_text(str(item, "label"), rest ? "" : (first ? first : ""),
	                         &label_attr);
	jl_buf_printf(&w->b, "\n%s %s\n", hashes, text ? text : "");
	char skip[128];
	snprintf(skip, sizeof skip, ",description,%s%s%s", label_attr ? "" : "label,",
	         rest ? "" : "titre,", w->volet_headings ? "volet," : "");
	put_attrs(w, item, skip, 0);
	const char *desc = str(item, "description");
	while (*desc) {
		const char *end = strstr(desc, "\n\n");
		size_t n = end ? (size_t)(end - desc) : strlen(desc);
		char *para = jl_strndup(desc, n);
		jl_buf_putc(&w->b, '\n');
		put_text(&w->b, para ? para : "", 0, 1);
		jl_buf_putc(&w->b, '\n');
		free(para);
		desc = end ? end + 2 : desc + n;
		if (end && !*desc) {
			jl_buf_puts(&w->b, "\n\\\n"); /* a last, empty paragraph */
		}
	}
	free(first);
	free(text);
}

/* "- label : title" at column col, the title's next lines and attributes under it. */
static void write_bullet_item(writer *w, const json_t *item, size_t col)
{
	const char *title = str(item, "title"), *rest;
	char *first = first_line(title, &rest);
	int label_attr;
	char *text = titled_text(str(item, "label"), first ? first : "", &label_attr);
	put_indent(&w->b, col);
	jl_buf_printf(&w->b, "- %s", text ? text : "");
	if (rest) {
		jl_buf_putc(&w->b, '\\');
		jl_buf_putc(&w->b, '\n');
		put_indent(&w->b, col + 2);
		put_text(&w->b, rest, col + 2, 1);
	}
	jl_buf_putc(&w->b, '\n');
	put_attrs(w, item, label_attr ? ",titre," : ",label,titre,", col + 2);
	free(first);
	free(text);
}

static void write_person(writer *w, const json_t *person)
{
	const char *name = str(person, "name"), *email = str(person, "email");
	jl_buf v = JL_BUF_INIT;
	if (*name && strcmp(name, email))
		jl_buf_printf(&v, "%s%s%s%s", name, *email ? " <" : "", email, *email ? ">" : "");
	else
		jl_buf_printf(&v, "<%s>", email);
	if (strcmp(str(person, "type"), "personne"))
		jl_buf_printf(&v, " ; %s", str(person, "type"));
	put_attr(&w->b, "personne", v.ptr ? v.ptr : "", 0);
	jl_buf_free(&v);
}

static void write_front_matter(writer *w)
{
	const json_t *plan = jl_plandoc_plan(w->doc);
	json_t *start = json_object_get(plan, "period_start"), *end = json_object_get(plan,
	                                                                            "period_end");
	size_t i;
	json_t *e;
	jl_buf_puts(&w->b, "---\n");
	if (*str(plan, "organisation"))
		put_attr(&w->b, "organisation", str(plan, "organisation"), 0);
	if (*str(plan, "title"))
		put_attr(&w->b, "titre", str(plan, "title"), 0);
	if (json_is_integer(start) && json_is_integer(end))
		jl_buf_printf(&w->b, "période: %" JSON_INTEGER_FORMAT "-%" JSON_INTEGER_FORMAT "\n",
		              json_integer_value(start), json_integer_value(end));
	if (json_is_string(json_object_get(plan, "adopted")))
		put_attr(&w->b, "adoption", str(plan, "adopted"), 0);
	json_array_foreach(json_object_get(plan, "custom_fields"), i, e) {
		char *decl = jl_plandoc_field_declaration_text(e);
		put_attr(&w->b, "champ", decl ? decl : "", 0);
		free(decl);
	}
	json_array_foreach(jl_plandoc_people(w->doc), i, e)
		write_person(w, e);
	jl_buf_puts(&w->b, "---\n");
}

static int needs_front_matter(const json_t *doc)
{
	const json_t *plan = jl_plandoc_plan(doc);
	return *str(plan, "organisation") || *str(plan, "title") ||
	       (json_is_integer(json_object_get(plan, "period_start")) &&
	        json_is_integer(json_object_get(plan, "period_end"))) ||
	       json_is_string(json_object_get(plan, "adopted")) ||
	       json_array_size(json_object_get(plan, "custom_fields")) ||
	       json_array_size(jl_plandoc_people(doc));
}

/* Whether line i of text (split at "\n") holds only white space and only such lines come
 * before or after it: the reader would trim it. */
static int edge_blank(char **lines, size_t n, size_t i)
{
	size_t j;
	for (j = 0; j < n; j++)
		if (lines[j][strspn(lines[j], " \t")] != '\0')
			break;
	if (i < j)
		return 1;
	for (j = n; j > 0; j--)
		if (lines[j - 1][strspn(lines[j - 1], " \t")] != '\0')
			break;
	return i >= j;
}

static void write_section(writer *w, const json_t *section)
{
	const char *title = str(section, "title"), *text = str(section, "text");
	jl_buf_puts(&w->b, "\n# ");
	char *flat = jl_strdup(*title ? title : "(sans titre)");
	for (char *c = flat; c && *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	if (flat && volet_of((span){flat, strlen(flat)}))
		jl_buf_putc(&w->b, '\\');
	put_escaped(&w->b, flat ? flat : "", flat ? strlen(flat) : 0);
	free(flat);
	jl_buf_puts(&w->b, "\n\n");
	json_t *parts = json_array();
	char *lf = lf_only(text);
	for (const char *s = lf ? lf : "";; ) {
		const char *nl = strchr(s, '\n');
		json_array_append_new(parts, json_stringn(s, nl ? (size_t)(nl - s) : strlen(s)));
		if (!nl)
			break;
		s = nl + 1;
	}
	size_t n = json_array_size(parts);
	char **lines = calloc(n ? n : 1, sizeof *lines);
	for (size_t i = 0; lines && i < n; i++)
		lines[i] = (char *)json_string_value(json_array_get(parts, i));
	for (size_t i = 0; lines && i < n && *text; i++) {
		const char *l = lines[i];
		if (l[0] == '#' || l[0] == '\\' || edge_blank(lines, n, i))
			jl_buf_putc(&w->b, '\\');
		jl_buf_puts(&w->b, l);
		jl_buf_putc(&w->b, '\n');
	}
	free(lines);
	free(lf);
	json_decref(parts);
}

/* Volet headings can carry the OS volets when no OS without one follows an OS with one. */
static int volets_fit_headings(const json_t *doc)
{
	size_t i;
	json_t *item;
	int seen = 0;
	json_array_foreach(jl_plandoc_items(doc), i, item) {
		if (jl_record_kind(item) != JALON_KIND_OS)
			continue;
		if (*str(item, "volet"))
			seen = 1;
		else if (seen)
			return 0;
	}
	return 1;
}

/* Whether the OO at index i has an action with a description: its actions are then
 * written as "####" headings, which can hold paragraphs. */
static int oo_uses_action_headings(const json_t *items, size_t i)
{
	for (i++; i < json_array_size(items); i++) {
		json_t *item = json_array_get(items, i);
		int kind = jl_record_kind(item);
		if (kind <= JALON_KIND_OO)
			return 0;
		if (kind == JALON_KIND_ACTION && *str(item, "description"))
			return 1;
	}
	return 0;
}

static void write_items(writer *w)
{
	json_t *items = jl_plandoc_items(w->doc);
	int headings = 0;
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		switch (jl_record_kind(item)) {
		case JALON_KIND_OS:
			if (w->volet_headings && strcmp(str(item, "volet"), w->volet)) {
				w->volet = str(item, "volet");
				jl_buf_printf(&w->b, "\n# Volet %s\n", w->volet);
			}
			write_heading_item(w, item, "##");
			break;
		case JALON_KIND_OO:
			write_heading_item(w, item, "###");
			headings = oo_uses_action_headings(items, i);
			jl_buf_putc(&w->b, '\n');
			break;
		case JALON_KIND_ACTION:
			if (headings) {
				write_heading_item(w, item, "####");
				jl_buf_putc(&w->b, '\n');
			} else {
				write_bullet_item(w, item, 0);
			}
			break;
		default:
			write_bullet_item(w, item, headings ? 0 : 2);
			break;
		}
	}
}

char *jl_outline_write(const json_t *doc)
{
	char err[8];
	/* Tree order and canonical records, whatever the caller's document holds. */
	json_t *copy = json_deep_copy(doc);
	if (copy && jl_plandoc_check(copy, err, sizeof err) == 0)
		doc = copy;
	writer w = {JL_BUF_INIT, doc, volets_fit_headings(doc), ""};
	size_t i;
	json_t *section;
	jl_buf_puts(&w.b, "");
	if (needs_front_matter(doc))
		write_front_matter(&w);
	json_array_foreach(json_object_get(jl_plandoc_plan(doc), "sections"), i, section)
		write_section(&w, section);
	write_items(&w);
	/* Blank lines only separate blocks: drop the leading one. */
	char *out = jl_buf_detach(&w.b);
	json_decref(copy);
	if (out && out[0] == '\n')
		memmove(out, out + 1, strlen(out));
	return out;
}
