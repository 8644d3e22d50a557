/* SPDX-License-Identifier: MIT */
/*
 * deadline — échéances as people write them. See deadline.h for the forms understood
 * and the windows they give.
 */
#include "model/deadline.h"
#include "model/recur.h"
#include "model/text.h"

#include <stdio.h>
#include <string.h>

enum { YEAR_MIN = 1900, YEAR_MAX = 2200, REASON_MAX = 256 };

const char *jl_precision_name(jl_precision p)
{
	static const char *const names[] = {"jour", "mois", "trimestre", "semestre", "année", "période"};

	if ((int)p < 0 || (size_t)p >= sizeof names / sizeof names[0])
		return "inconnue";
	return names[p];
}

/* =================================================================== deadlines */

/* One window of days, as a part of the text designates it. */
typedef struct window {
	jl_date start, end;
	jl_precision precision;
} window;

typedef struct parser {
	const jl_text *t;
	size_t i;               /* next token to read */
	char *reason;           /* REASON_MAX bytes: out->reason */
} parser;

/* The same, folded: what a misspelt month is compared with. */
static const char *const month_folded[12] = {
	"janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
	"septembre", "octobre", "novembre", "decembre"
};

/* Folded month names and the abbreviations plans use ("fév.", "sept."). */
static const struct { const char *word; int month; } month_words[] = {
	{"janvier", 1}, {"janv", 1}, {"jan", 1}, {"fevrier", 2}, {"fevr", 2}, {"fev", 2},
	{"mars", 3}, {"avril", 4}, {"avr", 4}, {"mai", 5}, {"juin", 6}, {"juillet", 7},
	{"juil", 7}, {"aout", 8}, {"septembre", 9}, {"sept", 9}, {"sep", 9}, {"octobre", 10},
	{"oct", 10}, {"novembre", 11}, {"nov", 11}, {"decembre", 12}, {"dec", 12},
};

static const struct { const char *word; int n; } ordinal_words[] = {
	{"premier", 1}, {"premiere", 1}, {"second", 2}, {"seconde", 2}, {"deuxieme", 2},
	{"troisieme", 3}, {"quatrieme", 4},
};

/* What follows a number to make it an ordinal: 1er, 1re, 1ère, 2e, 2ème, 2nd… */
static const char *const ordinal_suffixes[] = {"er", "ere", "re", "e", "eme", "ieme", "em", "nd", "nde"};

/*
 * Words around a date that do not move the window: "au plus tard le", "d'ici",
 * "pour", "avant l'échéance de", "dans le courant de", "fin de l'année"…
 */
static const char *const filler_words[] = {
	"a", "annee", "au", "avant", "courant", "d", "dans", "de", "des", "du", "echeance",
	"echeances", "en", "entre", "ici", "jusqu", "l", "la", "le", "les", "mois", "plus", "pour",
	"tard", "vers",
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const jl_token *tok(const parser *p, size_t i)
{
	return &p->t->tok[i];
}

static int word_at(const parser *p, size_t i, const char *w)
{
	return jl_text_word_is(p->t, i, w);
}

static int punct_at(const parser *p, size_t i, char c)
{
	return jl_text_punct_is(p->t, i, c);
}

static int num_at(const parser *p, size_t i, size_t min_digits, size_t max_digits)
{
	return i < p->t->ntok && tok(p, i)->kind == JL_TOK_NUM && tok(p, i)->len >= min_digits &&
	       tok(p, i)->len <= max_digits;
}

/* Whether token i+1 starts where token i ends: "2019-10-15" is one date, "2019 - 10" is not. */
static int glued(const parser *p, size_t i)
{
	return i + 1 < p->t->ntok && tok(p, i)->pos + tok(p, i)->len == tok(p, i + 1)->pos;
}

static int word_in(const parser *p, size_t i, const char *const *words, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (word_at(p, i, words[k]))
			return 1;
	return 0;
}

static int month_at(const parser *p, size_t i)
{
	for (size_t k = 0; k < COUNT_OF(month_words); k++)
		if (word_at(p, i, month_words[k].word))
			return month_words[k].month;
	return 0;
}

static int ordinal_word_at(const parser *p, size_t i)
{
	for (size_t k = 0; k < COUNT_OF(ordinal_words); k++)
		if (word_at(p, i, ordinal_words[k].word))
			return ordinal_words[k].n;
	return 0;
}

static void skip_fillers(parser *p)
{
	while (word_in(p, p->i, filler_words, COUNT_OF(filler_words)) || punct_at(p, p->i, '\''))
		p->i++;
}

/* "de l'année" between a month, quarter or semester and its year. */
static size_t skip_of_year(const parser *p, size_t i)
{
	static const char *const words[] = {"de", "d", "l", "annee"};

	while (word_in(p, i, words, COUNT_OF(words)) || punct_at(p, i, '\''))
		i++;
	return i;
}

/* ---------------------------------------------------------------- reasons */

static int fail(parser *p, const char *why)
{
	jl_text_copy(p->reason, REASON_MAX, why, strlen(why));
	return -1;
}

/* Fails with: prefix "tokens first..last as written" suffix. */
static int fail_quote(parser *p, const char *prefix, size_t first, size_t last, const char *suffix)
{
	size_t n;
	const char *s = jl_text_source(p->t, first, last, &n);

	jl_text_say(p->reason, REASON_MAX, prefix, s, n, suffix);
	return -1;
}

static int year_out_of_range(parser *p, long year)
{
	snprintf(p->reason, REASON_MAX, "année hors limites (%d à %d) : %ld", YEAR_MIN, YEAR_MAX, year);
	return -1;
}

/* ---------------------------------------------------------------- windows */

static jl_date ymd(int y, int m, int d)
{
	jl_date r;

	r.year = y, r.month = m, r.day = d;
	return r;
}

static window span(jl_date start, jl_date end, jl_precision precision)
{
	window w;

	w.start = start, w.end = end, w.precision = precision;
	return w;
}

/* Months first .. first + count - 1 of year y, whole. */
static window months(int y, int first, int count, jl_precision precision)
{
	int last = first + count - 1;

	return span(ymd(y, first, 1), ymd(y, last, jl_date_days_in_month(y, last)), precision);
}

static int make_year(parser *p, long y, window *w)
{
	if (y < YEAR_MIN || y > YEAR_MAX)
		return year_out_of_range(p, y);
	*w = months((int)y, 1, 12, JL_PREC_YEAR);
	return 1;
}

static int make_month(parser *p, long y, long m, size_t first, size_t last, window *w)
{
	char prefix[64];

	if (y < YEAR_MIN || y > YEAR_MAX)
		return year_out_of_range(p, y);
	if (m < 1 || m > 12) {
		snprintf(prefix, sizeof prefix, "mois inexistant (%ld) dans ", m);
		return fail_quote(p, prefix, first, last, "");
	}
	*w = months((int)y, (int)m, 1, JL_PREC_MONTH);
	return 1;
}

static int make_day(parser *p, long y, long m, long d, size_t first, size_t last, window *w)
{
	char suffix[64];
	int days;

	if (make_month(p, y, m, first, last, w) < 0)
		return -1;
	days = jl_date_days_in_month((int)y, (int)m);
	if (d < 1 || d > days) {
		snprintf(suffix, sizeof suffix, " (%s %ld a %d jours)", jl_date_month_name((int)m), y, days);
		return fail_quote(p, "date inexistante : ", first, last, suffix);
	}
	*w = span(ymd((int)y, (int)m, (int)d), ymd((int)y, (int)m, (int)d), JL_PREC_DAY);
	return 1;
}

/*
 * The year at token i, which ends what tokens first..i-1 began ("janvier" 2020).
 * A two-digit year is refused rather than guessed.
 */
static int read_year(parser *p, size_t i, size_t first, int *year)
{
	if (num_at(p, i, 4, 4)) {
		if (tok(p, i)->num < YEAR_MIN || tok(p, i)->num > YEAR_MAX)
			return year_out_of_range(p, tok(p, i)->num);
		*year = (int)tok(p, i)->num;
		return 1;
	}
	if (num_at(p, i, 1, 99))
		return fail_quote(p, "année à écrire en quatre chiffres : ", i, i, "");
	if (i > first)
		return fail_quote(p, "année manquante après ", first, i - 1, "");
	return fail(p, "année manquante");
}

/* Quarter or semester n of the year at token i: "T3 2025", "1er semestre 2026". */
static int make_part_of_year(parser *p, int quarter, long n, size_t first, size_t i, window *w)
{
	char why[64];
	int y;

	i = skip_of_year(p, i);
	if (read_year(p, i, first, &y) < 0)
		return -1;
	p->i = i + 1;
	if (n < 1 || n > (quarter ? 4 : 2)) {
		snprintf(why, sizeof why, "%s inexistant : %ld", quarter ? "trimestre" : "semestre", n);
		return fail(p, why);
	}
	*w = quarter ? months(y, (int)(3 * n - 2), 3, JL_PREC_QUARTER)
				 : months(y, (int)(6 * n - 5), 6, JL_PREC_SEMESTER);
	return 1;
}

static int unit_at(const parser *p, size_t i, int *quarter)
{
	*quarter = word_at(p, i, "trimestre");
	return *quarter || word_at(p, i, "semestre");
}

/* ---------------------------------------------------------------- numeric forms */

/* 2019-10-15, 2019-10, or the year 2019. */
static int parse_year_first(parser *p, window *w)
{
	size_t i = p->i;
	long y = tok(p, i)->num;

	if (glued(p, i) && punct_at(p, i + 1, '-') && glued(p, i + 1) && num_at(p, i + 2, 1, 2)) {
		long m = tok(p, i + 2)->num;

		if (glued(p, i + 2) && punct_at(p, i + 3, '-') && glued(p, i + 3) && num_at(p, i + 4, 1, 2)) {
			p->i = i + 5;
			return make_day(p, y, m, tok(p, i + 4)->num, i, i + 4, w);
		}
		p->i = i + 3;
		return make_month(p, y, m, i, i + 2, w);
	}
	p->i = i + 1;
	return make_year(p, y, w);
}

static int date_separator_at(const parser *p, size_t i)
{
	return punct_at(p, i, '/') || punct_at(p, i, '-') || punct_at(p, i, '.');
}

/* 15/10/2019, 15-10-2019, 15.10.2019, and the month 10/2020. */
static int parse_slashed(parser *p, window *w)
{
	size_t i = p->i;
	char sep = p->t->folded[tok(p, i + 1)->pos];
	const jl_token *b = tok(p, i + 2);

	if (b->len == 4) {
		p->i = i + 3;
		return make_month(p, b->num, tok(p, i)->num, i, i + 2, w);
	}
	if (b->len > 2)
		return 0;
	if (glued(p, i + 2) && punct_at(p, i + 3, sep) && glued(p, i + 3) && num_at(p, i + 4, 1, 99)) {
		if (tok(p, i + 4)->len != 4)
			return fail_quote(p, "année à écrire en quatre chiffres : ", i, i + 4, "");
		p->i = i + 5;
		return make_day(p, tok(p, i + 4)->num, b->num, tok(p, i)->num, i, i + 4, w);
	}
	return fail_quote(p, "année manquante dans ", i, i + 2, "");
}

/* "15 octobre 2019", "1er octobre 2019", "3e trimestre 2025", "1er semestre 2026". */
static int parse_day_words(parser *p, window *w)
{
	size_t i = p->i, k = i + 1;
	long n = tok(p, i)->num;
	int ordinal = word_in(p, k, ordinal_suffixes, COUNT_OF(ordinal_suffixes));
	int m, y, quarter;

	if (ordinal)
		k++;
	if ((m = month_at(p, k)) != 0) {
		if (punct_at(p, k + 1, '.'))
			k++;
		if (read_year(p, k + 1, i, &y) < 0)
			return -1;
		p->i = k + 2;
		return make_day(p, y, m, n, i, k + 1, w);
	}
	if (ordinal && unit_at(p, k, &quarter))
		return make_part_of_year(p, quarter, n, i, k + 1, w);
	return 0;
}

static int parse_number_point(parser *p, window *w)
{
	size_t i = p->i;

	if (tok(p, i)->len == 4)
		return parse_year_first(p, w);
	if (tok(p, i)->len > 2)
		return 0;
	if (glued(p, i) && date_separator_at(p, i + 1) && glued(p, i + 1) && num_at(p, i + 2, 1, 99))
		return parse_slashed(p, w);
	return parse_day_words(p, w);
}

/* ---------------------------------------------------------------- word forms */

static int parse_point(parser *p, window *w);

static int range_separator_at(const parser *p, size_t i);

/*
 * "septembre - décembre 2020", "novembre 2020 - février 2021" written
 * "novembre - février 2021": a month whose year is the next month's, or the year
 * before when the month comes later in the year.
 */
static int parse_month_range(parser *p, size_t k, window *w)
{
	int m = month_at(p, p->i);
	size_t saved = p->i;
	window b;

	p->i = k + 1;
	if (parse_point(p, &b) <= 0 || b.precision != JL_PREC_MONTH) {
		p->i = saved;
		return 0;
	}
	*w = months(b.start.year - (m > b.start.month), m, 1, JL_PREC_MONTH);
	if (w->start.year < YEAR_MIN)
		return year_out_of_range(p, w->start.year);
	w->end = b.end;
	w->precision = JL_PREC_PERIOD;
	return 1;
}

/* "janvier 2020", "fév. 2020", "janvier de l'année 2020", "septembre - décembre 2020". */
static int parse_month_year(parser *p, window *w)
{
	size_t i = p->i, k = i + 1;
	int y, r;

	if (punct_at(p, k, '.'))
		k++;
	k = skip_of_year(p, k);
	if (!num_at(p, k, 1, 99) && range_separator_at(p, k) && (r = parse_month_range(p, k, w)) != 0)
		return r;
	if (read_year(p, k, i, &y) < 0)
		return -1;
	p->i = k + 1;
	*w = months(y, month_at(p, i), 1, JL_PREC_MONTH);
	return 1;
}

enum fuzzy { FUZZY_NONE, FUZZY_START, FUZZY_MID, FUZZY_END };

static enum fuzzy fuzzy_at(const parser *p, size_t i)
{
	if (word_at(p, i, "debut"))
		return FUZZY_START;
	if (word_at(p, i, "mi"))
		return FUZZY_MID;
	if (word_at(p, i, "fin"))
		return FUZZY_END;
	return FUZZY_NONE;
}

/*
 * The part of a window that "début", "mi" and "fin" designate.  Of a year: its
 * first or last quarter, or June; of a semester or quarter: its first, middle or last
 * month; of a month: days 1-10, 11-20, 21-end.  A day or a period has no such part.
 */
static int narrow(enum fuzzy f, const window *in, window *w)
{
	int y = in->start.year, m = in->start.month;

	switch (in->precision) {
	case JL_PREC_YEAR:
		*w = f == FUZZY_MID ? months(y, 6, 1, JL_PREC_MONTH)
							: months(y, f == FUZZY_START ? 1 : 10, 3, JL_PREC_QUARTER);
		return 1;
	case JL_PREC_SEMESTER:
		if (f == FUZZY_MID)
			return 0;                        /* between two months: no honest answer */
		*w = months(y, f == FUZZY_START ? m : m + 5, 1, JL_PREC_MONTH);
		return 1;
	case JL_PREC_QUARTER:
		*w = months(y, m + (f == FUZZY_START ? 0 : f == FUZZY_MID ? 1 : 2), 1, JL_PREC_MONTH);
		return 1;
	case JL_PREC_MONTH:
		*w = span(ymd(y, m, f == FUZZY_START ? 1 : f == FUZZY_MID ? 11 : 21),
				  ymd(y, m, f == FUZZY_START ? 10 : f == FUZZY_MID ? 20 : in->end.day), JL_PREC_PERIOD);
		return 1;
	default:
		return 0;
	}
}

/* "fin 2019", "début 2021", "mi-2020", "fin de l'année 2019", "fin janvier 2020". */
static int parse_fuzzy(parser *p, window *w)
{
	size_t first = p->i;
	enum fuzzy f = fuzzy_at(p, first);
	window inner;
	int r;

	p->i = first + 1;
	if (punct_at(p, p->i, '-'))
		p->i++;
	r = parse_point(p, &inner);
	if (r <= 0)
		return r;                  /* "fin des travaux" is no date: maybe what is due */
	if (!narrow(f, &inner, w))
		return fail_quote(p, "", first, p->i - 1, " : début, mi et fin ne s'appliquent qu'à une année,"
		                                          " un semestre, un trimestre ou un mois");
	return 1;
}

/* Edit distance of two short words, to tell a misspelt month from any word. */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t row[32];

	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

static int looks_like_month(const parser *p, size_t i)
{
	const char *w = p->t->folded + tok(p, i)->pos;
	size_t n = tok(p, i)->len;

	if (n < 3 || n > 16)
		return 0;
	for (size_t m = 0; m < COUNT_OF(month_folded); m++) {
		size_t len = strlen(month_folded[m]);

		/* one slip in a short name ("mars"), two in a long one ("septembre") */
		if (edit_distance(w, n, month_folded[m], len) <= (len <= 4 ? 1u : 2u))
			return 1;
	}
	return 0;
}

/* "T3 2025", "Q3 2025", "S2 2026", "premier semestre 2026", "troisième trimestre 2025". */
static int parse_part_words(parser *p, window *w)
{
	size_t i = p->i;
	int n = ordinal_word_at(p, i), quarter;

	if (n != 0 && unit_at(p, i + 1, &quarter))
		return make_part_of_year(p, quarter, n, i, i + 2, w);
	if ((word_at(p, i, "t") || word_at(p, i, "q") || word_at(p, i, "s")) && glued(p, i) &&
	    num_at(p, i + 1, 1, 1)) {
		quarter = !word_at(p, i, "s");
		return make_part_of_year(p, quarter, tok(p, i + 1)->num, i, i + 2, w);
	}
	return 0;
}

static int parse_word_point(parser *p, window *w)
{
	size_t i = p->i;
	int r;

	if (fuzzy_at(p, i) != FUZZY_NONE)
		return parse_fuzzy(p, w);
	if (month_at(p, i))
		return parse_month_year(p, w);
	if ((r = parse_part_words(p, w)) != 0)
		return r;
	/* A word where a month goes ("janvierr 2020"): name it rather than say "no date". */
	if (num_at(p, i + 1, 4, 4) && looks_like_month(p, i))
		return fail_quote(p, "mois inconnu : ", i, i, "");
	return 0;
}

/* One date or window; 1, 0 (none here, nothing consumed) or -1 (reason set). */
static int parse_point(parser *p, window *w)
{
	size_t entry = p->i;
	int r = 0;

	skip_fillers(p);
	if (p->i < p->t->ntok && tok(p, p->i)->kind == JL_TOK_NUM)
		r = parse_number_point(p, w);
	else if (p->i < p->t->ntok && tok(p, p->i)->kind == JL_TOK_WORD)
		r = parse_word_point(p, w);
	if (r == 0)
		p->i = entry;
	return r;
}

static int range_separator_at(const parser *p, size_t i)
{
	return punct_at(p, i, '-') || punct_at(p, i, '/') || word_at(p, i, "a") ||
	       word_at(p, i, "au") || word_at(p, i, "et") || word_at(p, i, "jusqu");
}

/*
 * A date, or two joined ("2019-2020", "de 2019 à 2020").  When what follows a "-"
 * is no date, the "-" introduces what is due ("janvier 2020 - Rapport au Conseil").
 */
static int parse_range(parser *p, window *w)
{
	size_t first = p->i, before_sep;
	window b;
	int r = parse_point(p, w);

	if (r <= 0)
		return r;
	before_sep = p->i;
	if (!range_separator_at(p, p->i))
		return 1;
	p->i++;
	r = parse_point(p, &b);
	if (r <= 0) {
		p->i = before_sep;
		return r < 0 ? r : 1;
	}
	if (jl_date_compare(w->start, b.start) > 0 || jl_date_compare(w->end, b.end) > 0)
		return fail_quote(p, "période à l'envers : ", first, p->i - 1, "");
	w->end = b.end;
	w->precision = JL_PREC_PERIOD;
	return 1;
}

static int due_separator_at(const parser *p, size_t i)
{
	return punct_at(p, i, '-') || punct_at(p, i, ':') || punct_at(p, i, ',') || punct_at(p, i, ';');
}

/* After the date: nothing, or a separator and what is due, which must hold a word. */
static int read_due(parser *p, jl_deadline *out)
{
	size_t i = p->i, n = p->t->ntok, k, len;
	const char *s;

	if (i >= n)
		return 0;
	if (!due_separator_at(p, i))
		return fail_quote(p, "texte non compris après la date : ", i, n - 1, "");
	while (i < n && due_separator_at(p, i))
		i++;
	for (k = i; k < n && tok(p, k)->kind != JL_TOK_WORD; k++)
		continue;
	if (k == n)
		return fail_quote(p, "texte non compris après la date : ", p->i, n - 1, "");
	s = jl_text_source(p->t, i, n - 1, &len);
	jl_text_copy(out->due, sizeof out->due, s, len);
	return 0;
}

#define NOT_A_DEADLINE "ceci est une récurrence, pas une échéance"

/* Refuses; a recurrence ("1x/an") gets the reason that says so. */
static int refuse(const char *text, jl_deadline *out, const char *why)
{
	jl_recurrence rec;
	int r = text ? jl_recurrence_parse(text, &rec) : 0;

	if (why)
		jl_text_copy(out->reason, sizeof out->reason, why, strlen(why));
	if (r > 0)
		jl_text_copy(out->reason, sizeof out->reason, NOT_A_DEADLINE, strlen(NOT_A_DEADLINE));
	else if (r < 0) {
		size_t used = strlen(NOT_A_DEADLINE ", et elle est mal écrite : ");

		memcpy(out->reason, NOT_A_DEADLINE ", et elle est mal écrite : ", used);
		jl_text_copy(out->reason + used, sizeof out->reason - used, rec.note, strlen(rec.note));
	}
	memset(&out->start, 0, sizeof out->start);
	memset(&out->end, 0, sizeof out->end);
	out->precision = JL_PREC_DAY;
	out->due[0] = '\0';
	return -1;
}

int jl_deadline_parse(const char *text, jl_deadline *out)
{
	jl_text t;
	parser p;
	window w;
	int r;

	if (!out)
		return -1;
	memset(out, 0, sizeof *out);
	if (!text)
		return refuse(NULL, out, "échéance vide");
	if (jl_text_read(text, &t) < 0)
		return refuse(NULL, out, "texte trop long (plus de 511 octets)");
	if (t.first >= t.ntok)
		return refuse(NULL, out, "échéance vide");
	p.t = &t, p.i = t.first, p.reason = out->reason;
	r = parse_range(&p, &w);
	if (r == 0)
		r = fail_quote(&p, "aucune date reconnue : ", t.first, t.ntok - 1, "");
	if (r > 0 && read_due(&p, out) < 0)
		r = -1;
	if (r < 0)
		return refuse(text, out, NULL);
	out->start = w.start;
	out->end = w.end;
	out->precision = w.precision;
	return 0;
}
