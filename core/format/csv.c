/* SPDX-License-Identifier: MIT */
/*
 * Plans as CSV (RFC 4180): reading and writing. See csv.h and docs/outline.md#csv.
 *
 * Reading is done in passes over the parsed rows, because a row may name a parent or a
 * répartition OO that comes later and ids may be given for some rows only: first every
 * row becomes an item (explicit ids kept, the others numbered after the highest), then
 * labels and titles are set, then parents, then the other columns through jl_record_set().
 */
#include "format/csv.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/plandoc.h"
#include "model/record.h"
#include "model/util.h"

/* ================================================================ records */

typedef struct reader {
	const char *s;
	size_t len, at;
	int line; /* physical line of s[at] */
	char sep;
	const char *file;
	char *err;
	size_t errlen;
} reader;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int cerr(const reader *r, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	jl_vsay_at(r->err, r->errlen, r->file, line, fmt, ap);
	va_end(ap);
	return -1;
}

/* Consumes a line break at r->at, if any: CRLF, LF or CR. */
static int eat_newline(reader *r)
{
	if (r->at < r->len && r->s[r->at] == '\r') {
		r->at++;
		if (r->at < r->len && r->s[r->at] == '\n')
			r->at++;
	} else if (r->at < r->len && r->s[r->at] == '\n') {
		r->at++;
	} else {
		return 0;
	}
	r->line++;
	return 1;
}

/* A quoted field: '""' is a quote, line breaks are kept (CRLF as LF). */
static int quoted_field(reader *r, jl_buf *b, int start_line)
{
	int column_line = r->line;
	for (r->at++;; r->at++) {
		if (r->at >= r->len)
			return cerr(r, start_line, "guillemet non fermé : le champ ouvert ligne %d n'est "
			            "jamais refermé par « \" »", column_line);
		char c = r->s[r->at];
		if (c == '"' && r->at + 1 < r->len && r->s[r->at + 1] == '"') {
			jl_buf_putc(b, '"');
			r->at++;
		} else if (c == '"') {
			r->at++;
			break;
		} else if (c == '\r' || c == '\n') {
			eat_newline(r);
			r->at--;
			jl_buf_putc(b, '\n');
		} else {
			jl_buf_putc(b, c);
		}
	}
	if (r->at < r->len && r->s[r->at] != r->sep && r->s[r->at] != '\r' && r->s[r->at] != '\n')
		return cerr(r, r->line, "après le guillemet fermant, « %c » ou une fin de ligne est "
		            "attendu, pas « %c » (un guillemet dans un champ s'écrit « \"\" »)", r->sep,
		            r->s[r->at]);
	return 0;
}

/*
 * Reads one record into fields (an array of strings); *start its first physical line.
 * Returns 1, 0 at the end of the text, -1 on error. A quote inside an unquoted field is
 * kept as a character, as spreadsheets write it.
 */
static int next_record(reader *r, json_t *fields, int *start)
{
	if (r->at >= r->len)
		return 0;
	*start = r->line;
	for (;;) {
		jl_buf b = JL_BUF_INIT;
		jl_buf_puts(&b, "");
		if (r->at < r->len && r->s[r->at] == '"') {
			if (quoted_field(r, &b, *start) != 0) {
				jl_buf_free(&b);
				return -1;
			}
		} else {
			size_t from = r->at;
			while (r->at < r->len && r->s[r->at] != r->sep && r->s[r->at] != '\r' &&
			       r->s[r->at] != '\n')
				r->at++;
			jl_buf_put(&b, r->s + from, r->at - from);
		}
		char *field = jl_buf_detach(&b);
		if (!field || json_array_append_new(fields, json_string(field)))
			return free(field), cerr(r, *start, "mémoire insuffisante");
		free(field);
		if (r->at < r->len && r->s[r->at] == r->sep) {
			r->at++;
			continue;
		}
		eat_newline(r);
		return 1;
	}
}

/* The separator of the header row: the most frequent of ";", ",", tab outside quotes. */
static char detect_separator(const char *s, size_t len)
{
	size_t counts[3] = {0, 0, 0};
	const char seps[3] = {';', ',', '\t'};
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (s[i] == '\n' || s[i] == '\r'))
			break;
		for (int k = 0; k < 3 && !quoted; k++)
			counts[k] += s[i] == seps[k];
	}
	int best = 0;
	for (int k = 1; k < 3; k++)
		if (counts[k] > counts[best])
			best = k;
	return seps[best];
}

/* ================================================================ columns */

enum col_role { COL_IGNORED, COL_TYPE, COL_ID, COL_PARENT, COL_LABEL, COL_KEY };

typedef struct column {
	enum col_role role;
	const char *name; /* as written, borrowed from the header */
	int repeat;       /* a repeatable key: one value per line of the cell */
	int indicator;    /* "indicateur": lines "mesure: …" go to the last indicator */
} column;

static int folded_in(const char *folded, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(folded, *list))
			return 1;
	return 0;
}

static int known_item_key(const char *name)
{
	for (int k = JALON_KIND_OS; k <= JALON_KIND_TASK; k++)
		if (jl_record_knows_key((jalon_kind)k, name, NULL))
			return 1;
	return 0;
}

static char *known_columns(void)
{
	jl_buf b = JL_BUF_INIT;
	jl_buf_puts(&b, "type, id, parent");
	for (const char *const *k = jl_plandoc_attribute_keys(); *k; k++)
		jl_buf_printf(&b, ", %s%s", *k, strcmp(*k, "indicateur") ? "" : ", mesure");
	return jl_buf_detach(&b);
}

static int classify_column(const reader *r, column *c, const char *name, int index)
{
	static const char *const LABELS[] = {"label", "numero", "libelle", "titre", "intitule",
	                                     "title", NULL};
	static const char *const REPEATS[] = {"budget", "indicateur", "indicateurs", "mesure",
	                                      "note", "notes", NULL};
	char *f = jl_fold(name);
	int rc = 0;
	memset(c, 0, sizeof *c);
	c->name = name;
	if (!f)
		return cerr(r, 1, "mémoire insuffisante");
	if (!*f) {
		c->role = COL_IGNORED;
	} else if (!strcmp(f, "type")) {
		c->role = COL_TYPE;
	} else if (!strcmp(f, "id") || !strcmp(f, "identifiant")) {
		c->role = COL_ID;
	} else if (!strcmp(f, "parent")) {
		c->role = COL_PARENT;
	} else if (known_item_key(name)) {
		c->role = folded_in(f, LABELS) ? COL_LABEL : COL_KEY;
		c->repeat = folded_in(f, REPEATS);
		c->indicator = !strncmp(f, "indicateur", 10);
	} else {
		char *known = known_columns();
		rc = cerr(r, 1, "colonne %d inconnue « %s » ; colonnes connues : %s", index + 1, name,
		          known ? known : "");
		free(known);
	}
	free(f);
	return rc;
}

static int read_header(reader *r, json_t *header, column **cols)
{
	int start;
	int got = next_record(r, header, &start);
	if (got <= 0)
		return got < 0 ? -1 : cerr(r, 1, "fichier vide : une ligne d'en-tête (type;label;"
		                                "titre;…) est attendue");
	size_t n = json_array_size(header);
	*cols = calloc(n, sizeof **cols);
	if (!*cols)
		return cerr(r, 1, "mémoire insuffisante");
	int have_type = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = json_string_value(json_array_get(header, i));
		if (classify_column(r, &(*cols)[i], name, (int)i))
			return -1;
		have_type |= (*cols)[i].role == COL_TYPE;
		for (size_t j = 0; j < i && (*cols)[i].role != COL_IGNORED; j++) {
			char *a = jl_fold(name), *b = jl_fold((*cols)[j].name);
			int same = a && b && !strcmp(a, b);
			free(a);
			free(b);
			if (same)
				return cerr(r, 1, "colonne « %s » en double (colonnes %zu et %zu)", name,
				            j + 1, i + 1);
		}
	}
	if (!have_type)
		return cerr(r, 1, "colonne « type » manquante : chaque ligne dit si elle est un os, "
		            "un oo, une action ou une tâche");
	return 0;
}

/* ================================================================ rows → items */

typedef struct row {
	json_t *fields;
	int line;
	json_t *item; /* borrowed from the document */
	int explicit_parent;
} row;

typedef struct loader {
	reader r;
	json_t *doc;
	record_context ctx;
	column *cols;
	size_t ncols;
	row *rows;
	size_t nrows;
	json_t *ids; /* id → item (borrowed), once ids are assigned */
} loader;

static const char *cell(const row *w, size_t col)
{
	const char *s = json_string_value(json_array_get(w->fields, col));
	return s ? s : "";
}

/* The cell trimmed (malloc'd). */
static char *trimmed(const row *w, size_t col)
{
	return jl_trim(jl_strdup(cell(w, col)));
}

static int kind_of_type(const char *text)
{
	char *f = jl_fold(text);
	int kind = -1;
	if (f && !strcmp(f, "os"))
		kind = JALON_KIND_OS;
	else if (f && !strcmp(f, "oo"))
		kind = JALON_KIND_OO;
	else if (f && !strcmp(f, "action"))
		kind = JALON_KIND_ACTION;
	else if (f && (!strcmp(f, "tache") || !strcmp(f, "task") || !strcmp(f, "sous-action")))
		kind = JALON_KIND_TASK;
	free(f);
	return kind;
}

static size_t column_of(const loader *L, enum col_role role)
{
	for (size_t c = 0; c < L->ncols; c++)
		if (L->cols[c].role == role)
			return c;
	return SIZE_MAX;
}

static int all_empty(const json_t *fields)
{
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		const char *s = json_string_value(f);
		if (s[strspn(s, " \t")])
			return 0;
	}
	return 1;
}

static int read_rows(loader *L)
{
	size_t cap = 0;
	for (;;) {
		json_t *fields = json_array();
		int start = 0;
		int got = fields ? next_record(&L->r, fields, &start) : -1;
		if (got <= 0 || all_empty(fields)) {
			json_decref(fields);
			if (got <= 0)
				return got;
			continue;
		}
		size_t got_fields = json_array_size(fields);
		if (got_fields != L->ncols) {
			json_decref(fields);
			return cerr(&L->r, start, "%zu champs attendus (comme l'en-tête), %zu trouvés ; un "
			            "champ qui contient « %c » s'écrit entre guillemets", L->ncols,
			            got_fields, L->r.sep);
		}
		if (L->nrows == cap) {
			row *more = realloc(L->rows, (cap = cap ? cap * 2 : 64) * sizeof *more);
			if (!more) {
				json_decref(fields);
				return cerr(&L->r, start, "mémoire insuffisante");
			}
			L->rows = more;
		}
		L->rows[L->nrows++] = (row){fields, start, NULL, 0};
	}
}

/* Pass 1: an item per row, its id given or left for later ("" for now). */
static int create_items(loader *L)
{
	size_t tcol = column_of(L, COL_TYPE), icol = column_of(L, COL_ID);
	json_t *seen = json_object();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < L->nrows; i++) {
		row *w = &L->rows[i];
		char *type = trimmed(w, tcol), *id = icol == SIZE_MAX ? jl_strdup("") : trimmed(w, icol);
		int kind = type ? kind_of_type(type) : -1;
		if (kind < 0)
			rc = cerr(&L->r, w->line, "type « %s » inconnu : os, oo, action ou tâche attendu",
			          type ? type : "");
		else if (*id && jl_record_id_kind(id) != kind)
			rc = cerr(&L->r, w->line, "identifiant « %s » : un identifiant de %s est attendu "
			          "(« %s-3 »)", id, jalon_kind_name((jalon_kind)kind),
			          jalon_kind_name((jalon_kind)kind));
		else if (*id && json_object_get(seen, id))
			rc = cerr(&L->r, w->line, "identifiant « %s » en double (déjà ligne %d)", id,
			          (int)json_integer_value(json_object_get(seen, id)));
		if (rc == 0 && *id)
			json_object_set_new(seen, id, json_integer(w->line));
		if (rc == 0) {
			w->item = jl_record_new((jalon_kind)kind, id);
			if (!w->item || json_array_append_new(jl_plandoc_items(L->doc), w->item))
				rc = cerr(&L->r, w->line, "mémoire insuffisante");
		}
		free(type);
		free(id);
	}
	json_decref(seen);
	return rc;
}

/* Rows without an id get the next number of their kind, in row order. */
static void assign_ids(loader *L)
{
	long next[JALON_KIND_COUNT_] = {0};
	for (size_t i = 0; i < L->nrows; i++) {
		const char *id = jl_record_id(L->rows[i].item);
		if (*id && jl_record_id_number(id) > next[jl_record_kind(L->rows[i].item)])
			next[jl_record_kind(L->rows[i].item)] = jl_record_id_number(id);
	}
	for (size_t i = 0; i < L->nrows; i++) {
		json_t *item = L->rows[i].item;
		int kind = jl_record_kind(item);
		if (*jl_record_id(item))
			continue;
		char *id = jl_sprintf("%s-%ld", jalon_kind_name((jalon_kind)kind), ++next[kind]);
		json_object_set_new(item, "id", json_string(id ? id : ""));
		free(id);
	}
	for (size_t i = 0; i < L->nrows; i++)
		json_object_set(L->ids, jl_record_id(L->rows[i].item), L->rows[i].item);
}

static int set_cell(loader *L, const row *w, size_t c, const char *key, const char *value)
{
	char msg[768];
	if (jl_record_set(w->item, key, value, &L->ctx, msg, sizeof msg) != 0)
		return cerr(&L->r, w->line, "colonne « %s » : %s", L->cols[c].name, msg);
	return 0;
}

/* Pass 2: labels and titles, so that parents may be named by them. */
static int set_labels(loader *L)
{
	for (size_t i = 0; i < L->nrows; i++)
		for (size_t c = 0; c < L->ncols; c++)
			if (L->cols[c].role == COL_LABEL && *cell(&L->rows[i], c) &&
			    set_cell(L, &L->rows[i], c, L->cols[c].name, cell(&L->rows[i], c)))
				return -1;
	return 0;
}

/* The item with that id and kind, through the loader's index: a written CSV names every
 * parent by id, and looking each up in the list would make reading quadratic. */
static json_t *by_id(loader *L, const char *id, int kind)
{
	json_t *item = json_object_get(L->ids, id);
	return item && jl_record_kind(item) == kind ? item : NULL;
}

/* Pass 3: the parent named in the "parent" column, else the last row above of the
 * parent's kind. */
static int set_parents(loader *L)
{
	size_t pcol = column_of(L, COL_PARENT);
	json_t *last[JALON_KIND_COUNT_] = {NULL};
	for (size_t i = 0; i < L->nrows; i++) {
		row *w = &L->rows[i];
		int kind = jl_record_kind(w->item);
		char *ref = pcol == SIZE_MAX ? jl_strdup("") : trimmed(w, pcol);
		json_t *parent = kind > JALON_KIND_OS ? last[kind - 1] : NULL;
		char msg[512];
		int rc = ref ? 0 : cerr(&L->r, w->line, "mémoire insuffisante");
		if (rc == 0 && *ref && kind == JALON_KIND_OS)
			rc = cerr(&L->r, w->line, "un OS n'a pas de parent (colonne « parent » : « %s »)",
			          ref);
		else if (rc == 0 && *ref && !(parent = by_id(L, ref, kind - 1)) &&
		         jl_plandoc_resolve_item(L->doc, ref, kind - 1, &parent, msg, sizeof msg))
			rc = cerr(&L->r, w->line, "colonne « parent » : %s", msg);
		else if (rc == 0 && kind > JALON_KIND_OS && !parent)
			rc = cerr(&L->r, w->line, "parent manquant : la colonne « parent » est vide et "
			          "aucune ligne « %s » ne précède celle-ci",
			          kind == JALON_KIND_TASK ? "action" : kind == JALON_KIND_ACTION ? "oo"
			                                                                           : "os");
		free(ref);
		if (rc)
			return rc;
		w->explicit_parent = pcol != SIZE_MAX && *cell(w, pcol);
		if (parent)
			json_object_set_new(w->item, "parents",
			                    json_pack("[{s:s, s:i}]", "id", jl_record_id(parent), "share", 100));
		last[kind] = w->item;
		for (int deeper = kind + 1; deeper < JALON_KIND_COUNT_; deeper++)
			last[deeper] = NULL;
	}
	return 0;
}

/* A répartition keeps the parent the row names in first place. */
static int keep_parent_first(loader *L, const row *w, const char *parent_id)
{
	json_t *parents = json_object_get(w->item, "parents");
	size_t i, at = SIZE_MAX;
	json_t *e;
	json_array_foreach(parents, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "id")), parent_id))
			at = i;
	if (at == SIZE_MAX)
		return cerr(&L->r, w->line, "colonne « répartition » : elle ne cite pas le parent « %s » "
		            "de la colonne « parent »", parent_id);
	if (at > 0) {
		json_t *first = json_incref(json_array_get(parents, at));
		json_array_remove(parents, at);
		json_array_insert_new(parents, 0, first);
	}
	return 0;
}

/* One column's cell: one value, or one per line for a repeatable key. */
static int apply_cell(loader *L, const row *w, size_t c)
{
	const column *col = &L->cols[c];
	const char *value = cell(w, c);
	if (!*value)
		return 0;
	if (!col->repeat)
		return set_cell(L, w, c, col->name, value);
	char *copy = jl_strdup(value);
	int rc = copy ? 0 : cerr(&L->r, w->line, "mémoire insuffisante");
	for (char *ln = copy, *next; rc == 0 && ln; ln = next) {
		if ((next = strchr(ln, '\n')))
			*next++ = '\0';
		char *v = jl_trim(ln), *f = NULL;
		if (!*v)
			continue;
		if (col->indicator && (f = jl_fold(v)) && !strncmp(f, "mesure", 6) &&
		    f[6 + strspn(f + 6, " ")] == ':')
			rc = set_cell(L, w, c, "mesure", strchr(v, ':') + 1);
		else
			rc = set_cell(L, w, c, col->name, v);
		free(f);
	}
	free(copy);
	return rc;
}

/* Pass 4: every other column, in column order. */
static int set_fields(loader *L)
{
	for (size_t i = 0; i < L->nrows; i++) {
		row *w = &L->rows[i];
		char *parent = w->explicit_parent
		                   ? jl_strdup(json_string_value(json_object_get(
		                         json_array_get(json_object_get(w->item, "parents"), 0), "id")))
		                   : NULL;
		int rc = 0;
		for (size_t c = 0; rc == 0 && c < L->ncols; c++) {
			if (L->cols[c].role == COL_KEY)
				rc = apply_cell(L, w, c);
			if (rc == 0 && parent && L->cols[c].role == COL_KEY) {
				char *f = jl_fold(L->cols[c].name);
				if (f && !strcmp(f, "repartition") && *cell(w, c))
					rc = keep_parent_first(L, w, parent);
				free(f);
			}
		}
		free(parent);
		if (rc)
			return rc;
	}
	return 0;
}

static int check_columns(loader *L)
{
	for (size_t i = 0; i < L->nrows; i++)
		for (size_t c = 0; c < L->ncols; c++)
			if (L->cols[c].role == COL_IGNORED && *cell(&L->rows[i], c) &&
			    cell(&L->rows[i], c)[strspn(cell(&L->rows[i], c), " \t")])
				return cerr(&L->r, L->rows[i].line, "valeur « %s » dans la colonne %zu, qui n'a "
				            "pas de nom dans l'en-tête", cell(&L->rows[i], c), c + 1);
	return 0;
}

static int finish(loader *L)
{
	char bad[64], msg[768];
	if (jl_plandoc_check_at(L->doc, bad, sizeof bad, msg, sizeof msg) == 0)
		return 0;
	for (size_t i = 0; i < L->nrows; i++)
		if (*bad && !strcmp(jl_record_id(L->rows[i].item), bad))
			return cerr(&L->r, L->rows[i].line, "%s", msg);
	return cerr(&L->r, 0, "%s", msg);
}

/* The line of the first byte that is not UTF-8, or 0 when the text is valid. */
static int bad_utf8_line(const char *s, size_t len, size_t *col)
{
	size_t bad = jl_utf8_invalid_at(s, len);
	if (bad == len)
		return 0;
	int line = 1;
	size_t line_start = 0;
	for (size_t i = 0; i < bad; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n'))) {
			line++;
			line_start = i + 1;
		}
	}
	*col = bad - line_start + 1;
	return line;
}

json_t *jl_csv_parse(const char *text, size_t len, const char *filename, char *err,
                     size_t errlen)
{
	char dummy[1];
	loader L;
	memset(&L, 0, sizeof L);
	if (!text)
		text = "", len = 0;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		text += 3, len -= 3;
	L.r = (reader){text, len, 0, 1, detect_separator(text, len),
	               filename ? filename : "entrée", err && errlen ? err : dummy,
	               err && errlen ? errlen : sizeof dummy};
	L.doc = jl_plandoc_new();
	L.ids = json_object();
	L.ctx = jl_plandoc_context(L.doc);
	json_t *header = json_array();
	size_t bad_col = 0;
	int bad = bad_utf8_line(text, len, &bad_col);
	const char *nul = memchr(text, '\0', len);
	int rc = !L.doc || !header || !L.ids ? cerr(&L.r, 0, "mémoire insuffisante") : 0;
	if (rc == 0 && bad)
		rc = cerr(&L.r, bad, "texte qui n'est pas de l'UTF-8 valide (colonne %zu) ; "
		          "enregistrez le fichier en UTF-8 (« CSV UTF-8 » dans Excel)", bad_col);
	if (rc == 0 && nul)
		rc = cerr(&L.r, 0, "caractère nul (octet 0) : ce fichier n'est pas du texte");
	if (rc == 0)
		rc = read_header(&L.r, header, &L.cols);
	L.ncols = json_array_size(header);
	if (rc == 0)
		rc = read_rows(&L);
	if (rc == 0)
		rc = check_columns(&L);
	if (rc == 0)
		rc = create_items(&L);
	if (rc == 0)
		assign_ids(&L);
	if (rc == 0)
		rc = set_labels(&L);
	if (rc == 0)
		rc = set_parents(&L);
	if (rc == 0)
		rc = set_fields(&L);
	if (rc == 0)
		rc = finish(&L);
	for (size_t i = 0; i < L.nrows; i++)
		json_decref(L.rows[i].fields);
	free(L.rows);
	free(L.cols);
	json_decref(L.ids);
	json_decref(header);
	if (rc != 0) {
		json_decref(L.doc);
		return NULL;
	}
	return L.doc;
}

/* ================================================================ writer */

static void put_field(jl_buf *b, const char *s, char sep)
{
	if (!strchr(s, sep) && !strpbrk(s, "\"\r\n")) {
		jl_buf_puts(b, s);
		return;
	}
	jl_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			jl_buf_putc(b, '"');
		jl_buf_putc(b, *s);
	}
	jl_buf_putc(b, '"');
}

static const char *type_word(int kind)
{
	return kind == JALON_KIND_OS ? "os" : kind == JALON_KIND_OO ? "oo"
	       : kind == JALON_KIND_ACTION ? "action" : "tâche";
}

/* The cell of one attribute: its values one per line, measures as "mesure: …" lines. */
static char *attribute_cell(const json_t *doc, const json_t *item, const char *key)
{
	json_t *values = json_array();
	jl_buf b = JL_BUF_INIT;
	size_t i;
	json_t *pair;
	jl_buf_puts(&b, "");
	jl_plandoc_attribute_values(doc, item, key, PLANDOC_REF_BY_ID | PLANDOC_PERSON_EMAIL, values);
	json_array_foreach(values, i, pair) {
		const char *k = json_string_value(json_array_get(pair, 0));
		if (i)
			jl_buf_putc(&b, '\n');
		if (k && strcmp(k, key))
			jl_buf_printf(&b, "%s: ", k);
		jl_buf_puts(&b, json_string_value(json_array_get(pair, 1)));
	}
	json_decref(values);
	return jl_buf_detach(&b);
}

static void write_row(jl_buf *b, const json_t *doc, const json_t *item, char sep)
{
	const char *parent = json_string_value(json_object_get(
		json_array_get(json_object_get(item, "parents"), 0), "id"));
	jl_buf_printf(b, "%s%c", type_word(jl_record_kind(item)), sep);
	put_field(b, jl_record_id(item) ? jl_record_id(item) : "", sep);
	for (const char *const *k = jl_plandoc_attribute_keys(); *k; k++) {
		jl_buf_putc(b, sep);
		char *value = attribute_cell(doc, item, *k);
		put_field(b, value ? value : "", sep);
		free(value);
		if (!strcmp(*k, "titre")) {
			jl_buf_putc(b, sep);
			put_field(b, parent ? parent : "", sep);
		}
	}
	jl_buf_puts(b, "\r\n");
}

char *jl_csv_write(const json_t *doc, char sep)
{
	jl_buf b = JL_BUF_INIT;
	size_t i;
	json_t *item;
	char err[8];
	if (sep != ',' && sep != '\t')
		sep = ';';
	/* Tree order, whatever order the caller's list is in. */
	json_t *copy = json_deep_copy(doc);
	const json_t *src = copy && jl_plandoc_check(copy, err, sizeof err) == 0 ? copy : doc;
	jl_buf_printf(&b, "\xef\xbb\xbftype%cid", sep);
	for (const char *const *k = jl_plandoc_attribute_keys(); *k; k++) {
		jl_buf_printf(&b, "%c%s", sep, *k);
		if (!strcmp(*k, "titre"))
			jl_buf_printf(&b, "%cparent", sep);
	}
	jl_buf_puts(&b, "\r\n");
	json_array_foreach(jl_plandoc_items(src), i, item)
		write_row(&b, src, item, sep);
	json_decref(copy);
	return jl_buf_detach(&b);
}
