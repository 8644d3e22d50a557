/* SPDX-License-Identifier: MIT */
/*
 * recur — recurring duties (récurrences) as people write them, read into an
 * RFC 5545 RRULE value.  See recur.h for the forms and the rules they give.
 *
 * Both paths, the French text and the explicit rule, fill the same struct rule;
 * one checker applies RFC 5545's constraints and one writer prints the canonical
 * form, so that a rule has a single spelling whichever way it came in.
 */
#include "model/recur.h"
#include "model/date.h"
#include "model/text.h"

#include <stdio.h>
#include <string.h>

enum { NOTE_MAX = 256, LIST_MAX = 32, YEAR_MIN = 1900, YEAR_MAX = 2200 };

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

enum freq {
	FREQ_NONE, FREQ_SECONDLY, FREQ_MINUTELY, FREQ_HOURLY, FREQ_DAILY, FREQ_WEEKLY, FREQ_MONTHLY, FREQ_YEARLY
};

static const char *const freq_names[] = {
	"", "SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"
};

static const char *const weekday_codes[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

typedef struct int_list {
	int v[LIST_MAX];
	size_t n;
} int_list;

/* A BYDAY entry in one int, so that lists sort by weekday, then ordinal: "1MO" < "TU". */
static int byday_encode(int ordinal, int weekday)
{
	return weekday * 128 + ordinal + 64;
}

static int byday_ordinal(int v)
{
	return v % 128 - 64;
}

static int byday_weekday(int v)
{
	return v / 128;
}

typedef struct rule {
	enum freq freq;
	long interval;            /* 0 or 1: every period */
	long count;               /* 0: not given */
	char until[17];           /* "": not given; else YYYYMMDD[THHMMSS[Z]] */
	int_list bymonth, bymonthday, byday, bysetpos;
	int wkst;                 /* index in weekday_codes; -1: not given */
} rule;

static void rule_init(rule *r)
{
	memset(r, 0, sizeof *r);
	r->wkst = -1;
}

static int list_add(int_list *l, int v)
{
	if (l->n == LIST_MAX)
		return 0;
	l->v[l->n++] = v;
	return 1;
}

/* Sets are written sorted and once: equal rules are equal strings. */
static void list_normalise(int_list *l)
{
	size_t out = 0;

	for (size_t i = 1; i < l->n; i++)
		for (size_t j = i; j > 0 && l->v[j - 1] > l->v[j]; j--) {
			int swap = l->v[j];

			l->v[j] = l->v[j - 1];
			l->v[j - 1] = swap;
		}
	for (size_t i = 0; i < l->n; i++)
		if (out == 0 || l->v[out - 1] != l->v[i])
			l->v[out++] = l->v[i];
	l->n = out;
}

static int note_fail(char *note, const char *why)
{
	jl_text_copy(note, NOTE_MAX, why, strlen(why));
	return -1;
}

/* Fails with: prefix "quoted" suffix. */
static int say_fail(char *note, const char *prefix, const char *quoted, size_t n, const char *suffix)
{
	jl_text_say(note, NOTE_MAX, prefix, quoted, n, suffix);
	return -1;
}

/* ================================================================ RFC 5545 check */

static int check_byday(const rule *r, char *note)
{
	for (size_t i = 0; i < r->byday.n; i++) {
		int ord = byday_ordinal(r->byday.v[i]);

		if (ord == 0)
			continue;
		if (r->freq != FREQ_MONTHLY && r->freq != FREQ_YEARLY)
			return note_fail(note, "un rang dans BYDAY (ex. 2TU) ne va qu'avec FREQ=MONTHLY"
			                       " ou FREQ=YEARLY (RFC 5545)");
		if (r->freq == FREQ_MONTHLY && (ord > 5 || ord < -5))
			return note_fail(note, "rang de BYDAY hors du mois : un mois a au plus cinq fois le même jour");
	}
	return 0;
}

static int check_rule(const rule *r, char *note)
{
	if (r->freq == FREQ_NONE)
		return note_fail(note, "FREQ manquant : une règle dit au moins FREQ=…");
	if (r->count && r->until[0])
		return note_fail(note, "COUNT et UNTIL s'excluent (RFC 5545)");
	if (r->bymonthday.n && r->freq == FREQ_WEEKLY)
		return note_fail(note, "BYMONTHDAY ne va pas avec FREQ=WEEKLY (RFC 5545)");
	if (r->bysetpos.n && !r->byday.n && !r->bymonthday.n && !r->bymonth.n)
		return note_fail(note, "BYSETPOS ne va qu'avec une autre partie BYDAY, BYMONTHDAY"
		                       " ou BYMONTH (RFC 5545)");
	return check_byday(r, note);
}

/* ================================================================ writing */

typedef struct writer {
	char *buf;
	size_t cap, len;
	int overflow;
} writer;

static void put(writer *w, const char *s)
{
	size_t n = strlen(s);

	if (w->overflow || w->len + n >= w->cap) {
		w->overflow = 1;
		return;
	}
	memcpy(w->buf + w->len, s, n + 1);
	w->len += n;
}

static void put_long(writer *w, long v)
{
	char digits[24];

	snprintf(digits, sizeof digits, "%ld", v);
	put(w, digits);
}

static void put_byday(writer *w, int v)
{
	if (byday_ordinal(v) != 0)
		put_long(w, byday_ordinal(v));
	put(w, weekday_codes[byday_weekday(v)]);
}

static void put_list(writer *w, const char *name, const int_list *l, int is_byday)
{
	if (l->n == 0)
		return;
	put(w, ";");
	put(w, name);
	put(w, "=");
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0)
			put(w, ",");
		if (is_byday)
			put_byday(w, l->v[i]);
		else
			put_long(w, l->v[i]);
	}
}

/* Canonical order; the defaults INTERVAL=1 and WKST=MO are left out. */
static int write_rule(rule *r, char *out, size_t cap, char *note)
{
	writer w;

	w.buf = out, w.cap = cap, w.len = 0, w.overflow = 0;
	out[0] = '\0';
	list_normalise(&r->bymonth);
	list_normalise(&r->bymonthday);
	list_normalise(&r->byday);
	list_normalise(&r->bysetpos);
	put(&w, "FREQ=");
	put(&w, freq_names[r->freq]);
	if (r->interval > 1)
		put(&w, ";INTERVAL="), put_long(&w, r->interval);
	if (r->count)
		put(&w, ";COUNT="), put_long(&w, r->count);
	if (r->until[0])
		put(&w, ";UNTIL="), put(&w, r->until);
	put_list(&w, "BYMONTH", &r->bymonth, 0);
	put_list(&w, "BYMONTHDAY", &r->bymonthday, 0);
	put_list(&w, "BYDAY", &r->byday, 1);
	put_list(&w, "BYSETPOS", &r->bysetpos, 0);
	if (r->wkst > 0)
		put(&w, ";WKST="), put(&w, weekday_codes[r->wkst]);
	if (w.overflow) {
		out[0] = '\0';
		return note_fail(note, "règle trop longue pour être gardée (plus de 127 caractères)");
	}
	return 0;
}

/* ================================================================ explicit rules */

/* An optionally signed integer of 1 to 9 digits in [lo, hi], never 0 when signed. */
static int read_int(const char *s, size_t n, int signed_ok, long lo, long hi, long *out)
{
	int sign = 1;
	long v = 0;

	if (n > 0 && signed_ok && (s[0] == '+' || s[0] == '-'))
		sign = s[0] == '-' ? -1 : 1, s++, n--;
	if (n == 0 || n > 9)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	v *= sign;
	*out = v;
	return v >= lo && v <= hi && !(signed_ok && v == 0);
}

static int weekday_code(const char *s, size_t n)
{
	for (int d = 0; d < 7; d++)
		if (n == 2 && memcmp(s, weekday_codes[d], 2) == 0)
			return d;
	return -1;
}

static int read_freq(const char *v, size_t n, rule *r)
{
	for (size_t f = 1; f < COUNT_OF(freq_names); f++)
		if (strlen(freq_names[f]) == n && memcmp(v, freq_names[f], n) == 0) {
			r->freq = (enum freq)f;
			return 1;
		}
	return 0;
}

static int read_interval(const char *v, size_t n, rule *r)
{
	return read_int(v, n, 0, 1, 999999999, &r->interval);
}

static int read_count(const char *v, size_t n, rule *r)
{
	return read_int(v, n, 0, 1, 999999999, &r->count);
}

/* A DATE (YYYYMMDD) or a DATE-TIME (YYYYMMDDTHHMMSS, Z for UTC), and a real one. */
static int read_until(const char *v, size_t n, rule *r)
{
	long y, m, d, hh = 0, mm = 0, ss = 0;

	if (n != 8 && n != 15 && n != 16)
		return 0;
	if (!read_int(v, 4, 0, 0, 9999, &y) || !read_int(v + 4, 2, 0, 1, 12, &m) ||
	    !read_int(v + 6, 2, 0, 1, jl_date_days_in_month((int)y, (int)m), &d))
		return 0;
	if (n > 8 && (v[8] != 'T' || !read_int(v + 9, 2, 0, 0, 23, &hh) ||
	              !read_int(v + 11, 2, 0, 0, 59, &mm) || !read_int(v + 13, 2, 0, 0, 60, &ss)))
		return 0;
	if (n == 16 && v[15] != 'Z')
		return 0;
	memcpy(r->until, v, n);
	r->until[n] = '\0';
	return 1;
}

typedef int (*item_reader)(const char *s, size_t n, int *out);

static int read_byday_item(const char *s, size_t n, int *out)
{
	long ord = 0;
	int wd;

	if (n < 2 || (wd = weekday_code(s + n - 2, 2)) < 0)
		return 0;
	if (n > 2 && !read_int(s, n - 2, 1, -53, 53, &ord))
		return 0;
	*out = byday_encode((int)ord, wd);
	return 1;
}

static int read_monthday_item(const char *s, size_t n, int *out)
{
	long v;

	if (!read_int(s, n, 1, -31, 31, &v))
		return 0;
	*out = (int)v;
	return 1;
}

static int read_month_item(const char *s, size_t n, int *out)
{
	long v;

	if (!read_int(s, n, 0, 1, 12, &v))
		return 0;
	*out = (int)v;
	return 1;
}

static int read_setpos_item(const char *s, size_t n, int *out)
{
	long v;

	if (!read_int(s, n, 1, -366, 366, &v))
		return 0;
	*out = (int)v;
	return 1;
}

/* A comma-separated list, each item read by one reader; no empty item. */
static int read_list(const char *v, size_t n, item_reader read, int_list *l)
{
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		int item;

		if (i < n && v[i] != ',')
			continue;
		if (!read(v + start, i - start, &item) || !list_add(l, item))
			return 0;
		start = i + 1;
	}
	return 1;
}

static int read_byday(const char *v, size_t n, rule *r)
{
	return read_list(v, n, read_byday_item, &r->byday);
}

static int read_bymonthday(const char *v, size_t n, rule *r)
{
	return read_list(v, n, read_monthday_item, &r->bymonthday);
}

static int read_bymonth(const char *v, size_t n, rule *r)
{
	return read_list(v, n, read_month_item, &r->bymonth);
}

static int read_bysetpos(const char *v, size_t n, rule *r)
{
	return read_list(v, n, read_setpos_item, &r->bysetpos);
}

static int read_wkst(const char *v, size_t n, rule *r)
{
	return (r->wkst = weekday_code(v, n)) >= 0;
}

static const struct part {
	const char *name;
	int (*read)(const char *v, size_t n, rule *r);
} parts[] = {
	{"FREQ", read_freq}, {"INTERVAL", read_interval}, {"COUNT", read_count},
	{"UNTIL", read_until}, {"BYDAY", read_byday}, {"BYMONTHDAY", read_bymonthday},
	{"BYMONTH", read_bymonth}, {"BYSETPOS", read_bysetpos}, {"WKST", read_wkst},
};

/* RFC 5545 parts whose occurrences Jalon does not compute: refused, not ignored. */
static const char *const unsupported_parts[] = {"BYSECOND", "BYMINUTE", "BYHOUR", "BYYEARDAY", "BYWEEKNO"};

static int same(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(s, name, n) == 0;
}

static int read_part(const char *s, size_t n, rule *r, unsigned *seen, char *note)
{
	const char *eq = memchr(s, '=', n);
	size_t name_len = eq ? (size_t)(eq - s) : n;
	char prefix[48];

	if (!eq)
		return say_fail(note, "partie sans « = » : ", s, n, "");
	for (size_t k = 0; k < COUNT_OF(parts); k++) {
		if (!same(s, name_len, parts[k].name))
			continue;
		if (*seen & (1u << k))
			return say_fail(note, "partie répétée : ", s, name_len, "");
		*seen |= 1u << k;
		if (n == name_len + 1 || !parts[k].read(eq + 1, n - name_len - 1, r)) {
			snprintf(prefix, sizeof prefix, "%s invalide : ", parts[k].name);
			return say_fail(note, prefix, eq + 1, n - name_len - 1, "");
		}
		return 0;
	}
	for (size_t k = 0; k < COUNT_OF(unsupported_parts); k++)
		if (same(s, name_len, unsupported_parts[k]))
			return say_fail(note, "partie non prise en charge : ", s, name_len, "");
	return say_fail(note, "partie inconnue : ", s, name_len, "");
}

/* "FREQ=...;...", after an optional "RRULE:"; empty parts (a trailing ";") are skipped. */
static int read_explicit(const char *s, rule *r, char *note)
{
	unsigned seen = 0;

	if (strncmp(s, "RRULE", 5) == 0)
		s += s[5] == ':' ? 6 : 5;
	while (*s) {
		const char *end = strchr(s, ';');

		if (!end)
			end = s + strlen(s);
		if (end > s && read_part(s, (size_t)(end - s), r, &seen, note) < 0)
			return -1;
		s = *end ? end + 1 : end;
	}
	return 1;
}

/* A text is an explicit rule when it starts "NAME=" or "RRULE" (no French word does). */
static int explicit_at(const jl_text *t)
{
	size_t i = t->first;

	return jl_text_word_is(t, i, "rrule") ||
	       (i < t->ntok && t->tok[i].kind == JL_TOK_WORD && jl_text_punct_is(t, i + 1, '='));
}

/* The rule's text, upper case and without spaces, refusing what no rule holds. */
static int read_explicit_text(const jl_text *t, rule *r, char *note)
{
	char s[JL_TEXT_MAX];
	size_t n = 0;
	const jl_token *last = &t->tok[t->ntok - 1];

	for (size_t i = t->tok[t->first].pos; i < (size_t)last->pos + last->len; i++) {
		char c = t->folded[i];

		if (c == ' ')
			continue;
		if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && !strchr("=;,+-:", c))
			return say_fail(note, "caractère inattendu dans la règle : ",
			                t->src + t->from[i], (size_t)(t->to[i] - t->from[i]), "");
		s[n++] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
	}
	s[n] = '\0';
	return read_explicit(s, r, note);
}

/* ================================================================ French text */

enum unit { UNIT_NONE, UNIT_DAY, UNIT_WEEK, UNIT_MONTH, UNIT_QUARTER, UNIT_SEMESTER, UNIT_YEAR };

static const struct { const char *word; enum unit unit; } unit_words[] = {
	{"jour", UNIT_DAY}, {"jours", UNIT_DAY}, {"semaine", UNIT_WEEK}, {"semaines", UNIT_WEEK},
	{"mois", UNIT_MONTH}, {"trimestre", UNIT_QUARTER}, {"trimestres", UNIT_QUARTER},
	{"semestre", UNIT_SEMESTER}, {"semestres", UNIT_SEMESTER}, {"an", UNIT_YEAR},
	{"ans", UNIT_YEAR}, {"annee", UNIT_YEAR}, {"annees", UNIT_YEAR},
};

static const struct { const char *word; int n; } number_words[] = {
	{"un", 1}, {"une", 1}, {"deux", 2}, {"trois", 3}, {"quatre", 4}, {"cinq", 5}, {"six", 6},
	{"sept", 7}, {"huit", 8}, {"neuf", 9}, {"dix", 10}, {"onze", 11}, {"douze", 12}, {"quinze", 15},
};

static const char *const weekday_words[7] = {
	"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"
};

static const struct { const char *word; int ordinal; } ordinal_words[] = {
	{"premier", 1}, {"premiere", 1}, {"deuxieme", 2}, {"second", 2}, {"seconde", 2},
	{"troisieme", 3}, {"quatrieme", 4}, {"cinquieme", 5}, {"dernier", -1}, {"derniere", -1},
};

static const char *const ordinal_suffixes[] = {"er", "ere", "re", "e", "eme", "ieme", "em", "nd", "nde"};

static const struct { const char *word; int month; } month_words[] = {
	{"janvier", 1}, {"janv", 1}, {"fevrier", 2}, {"fevr", 2}, {"fev", 2}, {"mars", 3},
	{"avril", 4}, {"avr", 4}, {"mai", 5}, {"juin", 6}, {"juillet", 7}, {"juil", 7},
	{"aout", 8}, {"septembre", 9}, {"sept", 9}, {"octobre", 10}, {"oct", 10},
	{"novembre", 11}, {"nov", 11}, {"decembre", 12}, {"dec", 12},
};

/*
 * Adjectives and adverbs of frequency, by stem: "trimestriel", "trimestrielles",
 * "trimestriellement" all say every quarter.  twice: twice a month.  ambiguous: read
 * both ways in practice, so refused.
 */
static const struct adjective {
	const char *stem;
	enum freq freq;
	long interval;
	int twice, ambiguous;
} adjectives[] = {
	{"annuel", FREQ_YEARLY, 1, 0, 0},        {"semestriel", FREQ_MONTHLY, 6, 0, 0},
	{"trimestriel", FREQ_MONTHLY, 3, 0, 0},  {"bimestriel", FREQ_MONTHLY, 2, 0, 0},
	{"mensuel", FREQ_MONTHLY, 1, 0, 0},      {"bimensuel", FREQ_MONTHLY, 1, 1, 0},
	{"hebdomadaire", FREQ_WEEKLY, 1, 0, 0},  {"quotidien", FREQ_DAILY, 1, 0, 0},
	{"journalier", FREQ_DAILY, 1, 0, 0},     {"bihebdomadaire", FREQ_NONE, 0, 0, 1},
	{"biannuel", FREQ_NONE, 0, 0, 1},        {"bisannuel", FREQ_NONE, 0, 0, 1},
};

static const char *const adjective_endings[] = {
	"", "s", "e", "es", "le", "les", "ne", "nes", "ment", "lement", "nement"
};

/* How often: a frequency, its interval, or twice a month (the 1st and the 15th). */
typedef struct cadence {
	enum freq freq;
	long interval;
	int twice;
} cadence;

/* What the text says, phrase by phrase. */
typedef struct reading {
	const jl_text *t;
	char *note;
	int have_cadence;
	cadence c;
	size_t said_first, said_last;  /* tokens that said the cadence, to quote a contradiction */
	int to_confirm;
	char confirm[NOTE_MAX];
	int quantified;                /* "chaque", "tous les" or a plural weekday: every such day */
	int_list days;                 /* byday_encode()d */
	int any_ordinal, any_plain;
	int_list months;
	int has_year;
} reading;

static const jl_token *tok(const reading *g, size_t i)
{
	return &g->t->tok[i];
}

static int word_at(const reading *g, size_t i, const char *w)
{
	return jl_text_word_is(g->t, i, w);
}

static int is_word(const reading *g, size_t i)
{
	return i < g->t->ntok && tok(g, i)->kind == JL_TOK_WORD;
}

static int fail_quote(reading *g, const char *prefix, size_t first, size_t last, const char *suffix)
{
	size_t n;
	const char *s = jl_text_source(g->t, first, last, &n);

	jl_text_say(g->note, NOTE_MAX, prefix, s, n, suffix);
	return -1;
}

static enum unit unit_at(const reading *g, size_t i)
{
	for (size_t k = 0; k < COUNT_OF(unit_words); k++)
		if (word_at(g, i, unit_words[k].word))
			return unit_words[k].unit;
	return UNIT_NONE;
}

/* A count: digits or a number word ("deux fois par an"). */
static int number_at(const reading *g, size_t i, long *n)
{
	if (i < g->t->ntok && tok(g, i)->kind == JL_TOK_NUM && tok(g, i)->len <= 9) {
		*n = tok(g, i)->num;
		return 1;
	}
	for (size_t k = 0; k < COUNT_OF(number_words); k++)
		if (word_at(g, i, number_words[k].word)) {
			*n = number_words[k].n;
			return 1;
		}
	return 0;
}

static long months_in(enum unit u)
{
	return u == UNIT_YEAR ? 12 : u == UNIT_SEMESTER ? 6 : u == UNIT_QUARTER ? 3 : u == UNIT_MONTH ? 1 : 0;
}

static cadence make_cadence(enum freq f, long interval)
{
	cadence c;

	c.freq = f, c.interval = interval, c.twice = 0;
	return c;
}

/* Every n months, said the way a rule says it: every 12 months is every year. */
static cadence every_months(long n)
{
	return n % 12 == 0 ? make_cadence(FREQ_YEARLY, n / 12) : make_cadence(FREQ_MONTHLY, n);
}

/* n times per unit; 0 when that does not fall on whole months, weeks or days. */
static int times_per(long n, enum unit u, cadence *c)
{
	long months = months_in(u);

	if (months && months % n == 0)
		*c = every_months(months / n);
	else if (months && n == 2 * months)
		*c = make_cadence(FREQ_MONTHLY, 1), c->twice = 1;
	else if ((u == UNIT_YEAR && n == 52) || (u == UNIT_WEEK && n == 1))
		*c = make_cadence(FREQ_WEEKLY, 1);
	else if ((u == UNIT_YEAR && n == 365) || (u == UNIT_WEEK && n == 7) || (u == UNIT_DAY && n == 1))
		*c = make_cadence(FREQ_DAILY, 1);
	else
		return 0;
	return 1;
}

/* Every n units.  "Quinze jours" is French for a fortnight, as "huit jours" is for a week. */
static cadence every(long n, enum unit u)
{
	if (u == UNIT_DAY && (n == 15 || n == 8))
		return make_cadence(FREQ_WEEKLY, n == 15 ? 2 : 1);
	if (u == UNIT_DAY)
		return n % 7 == 0 ? make_cadence(FREQ_WEEKLY, n / 7) : make_cadence(FREQ_DAILY, n);
	if (u == UNIT_WEEK)
		return make_cadence(FREQ_WEEKLY, n);
	return every_months(n * months_in(u));
}

static int same_cadence(const cadence *a, const cadence *b)
{
	return a->freq == b->freq && a->interval == b->interval && a->twice == b->twice;
}

/* Records the cadence tokens first..last say; two different ones contradict. */
static int say_cadence(reading *g, cadence c, size_t first, size_t last)
{
	char prefix[NOTE_MAX];
	size_t n;
	const char *s;

	if (!g->have_cadence) {
		g->have_cadence = 1, g->c = c, g->said_first = first, g->said_last = last;
		return 0;
	}
	if (same_cadence(&g->c, &c))
		return 0;
	s = jl_text_source(g->t, g->said_first, g->said_last, &n);
	jl_text_say(prefix, sizeof prefix, "fréquences contradictoires : ", s, n, " et ");
	return fail_quote(g, prefix, first, last, "");
}

/* Why n times per unit has no rule, and how to write the one that was meant. */
static const char *uneven_hint(enum unit u)
{
	if (u == UNIT_WEEK)
		return " : quels jours ? écrire la règle (ex. FREQ=WEEKLY;BYDAY=MO,TH)";
	if (u == UNIT_DAY)
		return " : plusieurs fois par jour n'est pas pris en charge";
	if (u == UNIT_MONTH)
		return " : quels jours du mois ? écrire la règle (ex. FREQ=MONTHLY;BYMONTHDAY=1,11,21)";
	return " ne tombe pas sur des mois entiers : quels mois ?"
	       " écrire la règle (ex. FREQ=YEARLY;BYMONTH=1,3,6,9,11)";
}

/* "2x/an", "1 x par trimestre", "deux fois par an", "une réunion par mois", "2 rencontres/an". */
static int try_count(reading *g, size_t i)
{
	size_t k = i + 1;
	int marked = 0, joined = 0;
	long n;
	enum unit u;
	cadence c;

	if (!number_at(g, i, &n))
		return 0;
	if (word_at(g, k, "x") || word_at(g, k, "fois"))
		marked = 1, k++;
	else
		for (int words = 0; words < 2 && is_word(g, k) && !word_at(g, k, "par"); words++)
			k++;
	if (jl_text_punct_is(g->t, k, '/') || word_at(g, k, "par"))
		joined = 1, k++;
	else if (marked && word_at(g, k, "l") && jl_text_punct_is(g->t, k + 1, '\''))
		joined = 1, k += 2;                                   /* "deux fois l'an" */
	if ((u = unit_at(g, k)) == UNIT_NONE) {
		if (marked && joined)
			return fail_quote(g, "unité inconnue : ", i, k < g->t->ntok ? k : k - 1,
			                  " (an, semestre, trimestre, mois, semaine ou jour)");
		return 0;
	}
	if (!marked && !joined)
		return 0;                                             /* "un mois", "deux semaines" */
	if (n == 0)
		return fail_quote(g, "fréquence nulle : ", i, k, "");
	if (!times_per(n, u, &c))
		return fail_quote(g, "", i, k, uneven_hint(u));
	return say_cadence(g, c, i, k) < 0 ? -1 : (int)(k + 1 - i);
}

/* "chaque mois", "tous les ans", "toutes les deux semaines"; before a weekday, "chaque" alone. */
static int try_every(reading *g, size_t i)
{
	size_t k;
	long n = 1;
	enum unit u;

	if (word_at(g, i, "chaque"))
		k = i + 1;
	else if ((word_at(g, i, "tous") || word_at(g, i, "toutes")) && word_at(g, i + 1, "les"))
		k = i + 2;
	else
		return 0;
	if (number_at(g, k, &n) && unit_at(g, k + 1) != UNIT_NONE)
		k++;
	else
		n = 1;
	if ((u = unit_at(g, k)) == UNIT_NONE) {
		g->quantified = 1;                                    /* "chaque mardi", "tous les lundis" */
		return (int)(k - i);
	}
	if (n == 0 || n > 999)
		return fail_quote(g, n ? "intervalle trop grand : " : "fréquence nulle : ", i, k, "");
	return say_cadence(g, every(n, u), i, k) < 0 ? -1 : (int)(k + 1 - i);
}

static int has_ending(const char *w, size_t n, const char *stem)
{
	size_t len = strlen(stem);

	if (n < len || memcmp(w, stem, len) != 0)
		return 0;
	for (size_t k = 0; k < COUNT_OF(adjective_endings); k++)
		if (same(w + len, n - len, adjective_endings[k]))
			return 1;
	return 0;
}

/* The word at i, with a "bi-" or "bi " prefix joined to the next ("bi-mensuel"). */
static size_t joined_word(const reading *g, size_t i, char *w, size_t cap)
{
	size_t used = 1, n = tok(g, i)->len;

	memcpy(w, g->t->folded + tok(g, i)->pos, n);
	if (word_at(g, i, "bi")) {
		size_t next = jl_text_punct_is(g->t, i + 1, '-') ? i + 2 : i + 1;

		if (is_word(g, next) && n + tok(g, next)->len < cap) {
			memcpy(w + n, g->t->folded + tok(g, next)->pos, tok(g, next)->len);
			n += tok(g, next)->len;
			used = next - i + 1;
		}
	}
	w[n] = '\0';
	return used;
}

static int try_adjective(reading *g, size_t i)
{
	char w[48];
	size_t used;

	if (!is_word(g, i) || tok(g, i)->len >= sizeof w)
		return 0;
	used = joined_word(g, i, w, sizeof w);
	for (size_t k = 0; k < COUNT_OF(adjectives); k++) {
		const struct adjective *a = &adjectives[k];
		cadence c;

		if (!has_ending(w, strlen(w), a->stem))
			continue;
		if (a->ambiguous)
			return fail_quote(g, "", i, i + used - 1, " se lit de deux façons (deux fois par période ou"
			                                          " une période sur deux) : préciser, ou écrire la règle");
		c = make_cadence(a->freq, a->interval);
		c.twice = a->twice;
		if (say_cadence(g, c, i, i + used - 1) < 0)
			return -1;
		if (a->twice && !g->to_confirm) {
			size_t n;
			const char *s = jl_text_source(g->t, i, i + used - 1, &n);

			g->to_confirm = 1;
			jl_text_say(g->confirm, NOTE_MAX, "", s, n,
			            " est lu deux fois par mois (usage belge), le 1er et le 15 ;"
			            " il peut aussi vouloir dire tous les deux mois (FREQ=MONTHLY;INTERVAL=2) :"
			            " à confirmer");
		}
		return (int)used;
	}
	return 0;
}

/* "premier", "dernier", "1er", "2e", "3ème": ordinal and tokens used, or 0. */
static size_t ordinal_at(const reading *g, size_t i, int *ordinal)
{
	long n;

	for (size_t k = 0; k < COUNT_OF(ordinal_words); k++)
		if (word_at(g, i, ordinal_words[k].word)) {
			*ordinal = ordinal_words[k].ordinal;
			return 1;
		}
	if (i < g->t->ntok && tok(g, i)->kind == JL_TOK_NUM && number_at(g, i, &n) && n >= 1 && n <= 5)
		for (size_t k = 0; k < COUNT_OF(ordinal_suffixes); k++)
			if (word_at(g, i + 1, ordinal_suffixes[k])) {
				*ordinal = (int)n;
				return 2;
			}
	return 0;
}

static int weekday_at(const reading *g, size_t i, int *plural)
{
	for (int d = 0; d < 7; d++) {
		size_t len = strlen(weekday_words[d]);

		if (!is_word(g, i) || tok(g, i)->len < len ||
		    memcmp(g->t->folded + tok(g, i)->pos, weekday_words[d], len) != 0)
			continue;
		if (tok(g, i)->len == len || (tok(g, i)->len == len + 1 && g->t->folded[tok(g, i)->pos + len] == 's')) {
			*plural = tok(g, i)->len > len;
			return d;
		}
	}
	return -1;
}

/* After "le premier mardi": "du mois", "de chaque trimestre", "de l'année" give the period. */
static size_t period_of_ordinal(reading *g, size_t k, int *err)
{
	size_t j = k;
	enum unit u;

	if (word_at(g, j, "du") || word_at(g, j, "de"))
		j++;
	if (word_at(g, j, "l") && jl_text_punct_is(g->t, j + 1, '\''))
		j += 2;
	u = unit_at(g, j);
	if (j == k || months_in(u) == 0)
		return k;
	*err = say_cadence(g, every(1, u), k, j);
	return j + 1;
}

/* "mardi", "les mardis", "le premier mardi du mois", "le 2e mardi", "le dernier vendredi". */
static int try_weekday(reading *g, size_t i)
{
	int ordinal = 0, plural, d, err = 0;
	size_t k = i + ordinal_at(g, i, &ordinal);

	if ((d = weekday_at(g, k, &plural)) < 0)
		return 0;
	if (!list_add(&g->days, byday_encode(ordinal, d)))
		return fail_quote(g, "trop de jours : ", i, k, "");
	if (ordinal)
		g->any_ordinal = 1;
	else
		g->any_plain = 1;
	g->quantified |= plural;
	k = ordinal ? period_of_ordinal(g, k + 1, &err) : k + 1;
	return err < 0 ? -1 : (int)(k - i);
}

static int try_month(reading *g, size_t i)
{
	for (size_t k = 0; k < COUNT_OF(month_words); k++)
		if (word_at(g, i, month_words[k].word)) {
			if (!list_add(&g->months, month_words[k].month))
				return fail_quote(g, "trop de mois : ", i, i, "");
			return jl_text_punct_is(g->t, i + 1, '.') ? 2 : 1;
		}
	return 0;
}

static int try_year(reading *g, size_t i)
{
	if (i < g->t->ntok && tok(g, i)->kind == JL_TOK_NUM && tok(g, i)->len == 4 &&
	    tok(g, i)->num >= YEAR_MIN && tok(g, i)->num <= YEAR_MAX) {
		g->has_year = 1;
		return 1;
	}
	return 0;
}

/* Reads phrase after phrase; words that are none of them ("réunions", "avec le CODIR") pass. */
static int scan(reading *g)
{
	size_t i = g->t->first;

	while (i < g->t->ntok) {
		int r = try_count(g, i);

		if (r == 0)
			r = try_every(g, i);
		if (r == 0)
			r = try_adjective(g, i);
		if (r == 0)
			r = try_weekday(g, i);
		if (r == 0)
			r = try_month(g, i);
		if (r == 0)
			r = try_year(g, i);
		if (r < 0)
			return -1;
		i += r > 0 ? (size_t)r : 1;
	}
	return 0;
}

static void cadence_to_rule(const cadence *c, rule *r)
{
	r->freq = c->freq;
	r->interval = c->interval;
	if (c->twice) {
		list_add(&r->bymonthday, 1);
		list_add(&r->bymonthday, 15);
	}
}

/* Weekdays: every such day of a week, or the nth of a month or year. */
static int place_weekdays(reading *g, rule *r)
{
	if (g->any_ordinal && g->any_plain)
		return note_fail(g->note, "jours avec et sans rang mêlés : écrire la règle"
		                          " (ex. FREQ=MONTHLY;BYDAY=1MO)");
	if (g->any_ordinal) {
		if (!g->have_cadence)
			return note_fail(g->note, "rang sans période : écrire par ex. « le premier mardi du mois »");
		if ((r->freq != FREQ_MONTHLY && r->freq != FREQ_YEARLY) || g->c.twice)
			return note_fail(g->note, "un rang (premier, dernier…) ne va qu'avec un mois, un trimestre,"
			                          " un semestre ou une année");
	} else if (!g->have_cadence) {
		r->freq = FREQ_WEEKLY;
	} else if (r->freq != FREQ_WEEKLY) {
		return note_fail(g->note, "quel jour de la période ? préciser le rang"
		                          " (ex. « le premier mardi du mois »)");
	}
	r->byday = g->days;
	return 0;
}

/* Occurrences a year, when they fall on whole months: 2 for every six months. */
static size_t per_year(const cadence *c)
{
	if (c->freq == FREQ_MONTHLY && !c->twice && 12 % c->interval == 0)
		return (size_t)(12 / c->interval);
	return c->freq == FREQ_YEARLY && c->interval <= 1;
}

/*
 * Whether n named months place the occurrences: one month for a yearly duty ("1x/an
 * en septembre", "tous les deux ans en janvier"), as many months as occurrences a
 * year otherwise ("2x/an, en janvier et en juin"), any months when nothing else says
 * how often ("chaque janvier").  Anything else would mean choosing.
 */
static int months_fit(const reading *g, size_t n)
{
	if (g->days.n)
		return 0;
	if (!g->have_cadence)
		return 1;
	if (g->c.freq == FREQ_YEARLY)
		return n == 1;
	return per_year(&g->c) == n;
}

static int place_months(reading *g, rule *r)
{
	int_list months = g->months;

	list_normalise(&months);
	if (!months_fit(g, months.n))
		return note_fail(g->note, "mois nommés et fréquence ne concordent pas : écrire la règle"
		                          " (ex. FREQ=YEARLY;BYMONTH=1,7)");
	if (r->freq != FREQ_YEARLY)
		r->freq = FREQ_YEARLY, r->interval = 1;
	r->bymonth = months;
	return 0;
}

/* 1 and *r filled, 0 (not a recurrence) or -1, g->note saying why. */
static int resolve(reading *g, rule *r)
{
	if (g->has_year) {
		note_fail(g->note, "le texte contient une année : c'est une échéance, pas une récurrence");
		return 0;
	}
	/* "mardi" or "le premier mardi de septembre" name a day, not a recurrence */
	if (!g->have_cadence && !((g->days.n || g->months.n) && g->quantified)) {
		note_fail(g->note, "aucune récurrence reconnue");
		return 0;
	}
	if (g->have_cadence)
		cadence_to_rule(&g->c, r);
	if (g->days.n && place_weekdays(g, r) < 0)
		return -1;
	if (g->months.n && place_months(g, r) < 0)
		return -1;
	return 1;
}

static int read_french(const jl_text *t, rule *r, jl_recurrence *out)
{
	reading g;
	int rc;

	memset(&g, 0, sizeof g);
	g.t = t;
	g.note = out->note;
	if (scan(&g) < 0)
		return -1;
	rc = resolve(&g, r);
	if (rc > 0 && g.to_confirm) {
		out->to_confirm = 1;
		jl_text_copy(out->note, sizeof out->note, g.confirm, strlen(g.confirm));
	}
	return rc;
}

/* ================================================================ entry point */

static int not_recurrence(jl_recurrence *out, const char *why)
{
	jl_text_copy(out->note, sizeof out->note, why, strlen(why));
	return 0;
}

int jl_recurrence_parse(const char *text, jl_recurrence *out)
{
	jl_text t;
	rule r;
	int rc;

	if (!out)
		return -1;
	memset(out, 0, sizeof *out);
	if (!text || jl_text_read(text, &t) < 0)
		return not_recurrence(out, text ? "texte trop long (plus de 511 octets)" : "texte vide");
	if (t.first >= t.ntok)
		return not_recurrence(out, "texte vide");
	rule_init(&r);
	rc = explicit_at(&t) ? read_explicit_text(&t, &r, out->note) : read_french(&t, &r, out);
	if (rc > 0 && check_rule(&r, out->note) < 0)
		rc = -1;
	if (rc > 0 && write_rule(&r, out->rule, sizeof out->rule, out->note) < 0)
		rc = -1;
	if (rc <= 0) {
		out->rule[0] = '\0';
		out->to_confirm = 0;
	}
	return rc;
}
