/*
 * progress — the roll-up of include/jalon/progress.h (docs/progress.md).
 *
 * The plan is read from the query tables (items, item_parents) into an array of nodes
 * and each node's children with their shares (a transversal action is a child of each
 * of its OO). Own progress and expectation are computed once per node, bottom up; the
 * counts of a node are taken over its subtree, each action or task once.
 */
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "items.h"
#include "record.h"
#include "script.h"
#include "store.h"
#include "util.h"

static const char *const STATUSES[] = {"à lancer", "en cours", "terminé", "reporté",
                                       "abandonné"};
static const char *const HEALTHS[] = {"", "dans les temps", "à risque", "en retard"};
/* An item's own progress when nobody set it by hand, by status. */
static const int STATUS_PROGRESS[] = {0, 50, 100, 0, -1};
enum { DONE = 2, ABANDONED = 4 };
enum { ON_TIME = 95, AT_RISK = 85 }; /* percent of the expected progress */

struct progress_rule {
	progress_rule_hook fn;
	void *ud;
};

const char *progress_status_name(int index)
{
	return index >= 0 && index < 5 ? STATUSES[index] : "";
}

const char *progress_health_name(int index)
{
	return index >= 0 && index < 4 ? HEALTHS[index] : "";
}

int progress_hook_set(jalon_store *s, progress_rule_hook fn, void *ud)
{
	if (!s->progress_rule && !(s->progress_rule = calloc(1, sizeof *s->progress_rule)))
		return JALON_ENOMEM;
	s->progress_rule->fn = fn;
	s->progress_rule->ud = ud;
	return 0;
}

/* ---------------------------------------------------------------- reading */

static char *column(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	return v ? jl_strdup((const char *)v) : NULL;
}

static int status_index(const char *status)
{
	for (int i = 0; i < 5; i++)
		if (!strcmp(status, STATUSES[i]))
			return i;
	return 0;
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp((*(const progress_node *const *)a)->id, (*(const progress_node *const *)b)->id);
}

const progress_node *progress_find(const progress_plan *p, const char *id)
{
	size_t lo = 0, hi = p->n;
	while (id && lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(p->by_id[mid]->id, id);
		if (c == 0)
			return p->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

#define ORDER " CASE i.kind WHEN 'os' THEN 0 WHEN 'oo' THEN 1 WHEN 'action' THEN 2 ELSE 3 END," \
              " i.position, CAST(substr(i.id, instr(i.id, '-') + 1) AS INTEGER)"

static int read_nodes(jalon_store *s, progress_plan *p)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT count(*) FROM items") != 0)
		return JALON_ERROR;
	size_t cap = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	p->nodes = calloc(cap + 1, sizeof *p->nodes);
	if (!p->nodes)
		return JALON_ENOMEM;
	if (store_prepare(s, &st,
	                  "SELECT i.id, i.kind, i.label, i.title, i.volet, i.status, i.health,"
	                  " i.parent, i.due_start, i.due_end, i.planned_start, i.planned_end,"
	                  " i.draft, i.priority, i.synergy, i.position, i.progress, i.weight,"
	                  " i.budget_cents, i.spent_cents, i.indicators FROM items AS i"
	                  " ORDER BY" ORDER) != 0)
		return JALON_ERROR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && p->n < cap) {
		progress_node *n = &p->nodes[p->n++];
		n->id = column(st, 0);
		n->kind = jalon_kind_from_name((const char *)sqlite3_column_text(st, 1));
		n->label = column(st, 2);
		n->title = column(st, 3);
		n->volet = column(st, 4);
		n->status = column(st, 5);
		n->status_index = status_index(n->status);
		n->health_flag = column(st, 6);
		n->parent = column(st, 7);
		n->due_start = column(st, 8);
		n->due_end = column(st, 9);
		n->planned_start = column(st, 10);
		n->planned_end = column(st, 11);
		n->draft = sqlite3_column_int(st, 12);
		n->priority = sqlite3_column_int(st, 13);
		n->synergy = sqlite3_column_int(st, 14);
		n->position = sqlite3_column_int(st, 15);
		n->manual = sqlite3_column_type(st, 16) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 16);
		n->weight = sqlite3_column_int(st, 17);
		n->budget_cents = sqlite3_column_int64(st, 18);
		n->spent_cents = sqlite3_column_type(st, 19) == SQLITE_NULL ? -1
		                                                              : sqlite3_column_int64(st, 19);
		n->indicators = sqlite3_column_int(st, 20);
		if (!n->id || !n->status)
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return rc == SQLITE_NOMEM ? JALON_ENOMEM : store_fail_db(s, "lecture du plan");
	p->by_id = malloc((p->n + 1) * sizeof *p->by_id);
	if (!p->by_id)
		return JALON_ENOMEM;
	for (size_t i = 0; i < p->n; i++)
		p->by_id[i] = &p->nodes[i];
	qsort(p->by_id, p->n, sizeof *p->by_id, compare_ids);
	return 0;
}

/* Each node's children in plan order: edges grouped by parent. */
static int read_edges(jalon_store *s, progress_plan *p)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT count(*) FROM item_parents") != 0)
		return JALON_ERROR;
	size_t cap = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	p->edges = calloc(cap + 1, sizeof *p->edges);
	if (!p->edges)
		return JALON_ENOMEM;
	if (store_prepare(s, &st, "SELECT p.parent, p.item, p.share FROM item_parents AS p"
	                          " JOIN items AS i ON i.id = p.item ORDER BY p.parent," ORDER) != 0)
		return JALON_ERROR;
	int rc;
	progress_node *current = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && p->nedges < cap) {
		progress_node *parent =
			(progress_node *)progress_find(p, (const char *)sqlite3_column_text(st, 0));
		const progress_node *child = progress_find(p, (const char *)sqlite3_column_text(st, 1));
		if (!parent || !child)
			continue;
		if (parent != current) {
			current = parent;
			parent->first_child = p->nedges;
		}
		p->edges[p->nedges].child = (size_t)(child - p->nodes);
		p->edges[p->nedges].share = sqlite3_column_int(st, 2);
		p->nedges++;
		parent->nchildren++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail_db(s, "lecture du plan");
	return 0;
}

/* ---------------------------------------------------------------- measuring */

static int rule(jalon_store *s, const char *name, const progress_node *n, int a, int b,
                int *value)
{
	if (!s->progress_rule || !s->progress_rule->fn)
		return 0;
	int extra[2] = {a, b};
	return s->progress_rule->fn(s->progress_rule->ud, s, name, n, extra, value);
}

/* The share of the schedule elapsed on the day, in percent, or -1 without a due day. */
static double expected_of(const progress_plan *p, const progress_node *n)
{
	jl_date start = p->plan_start, due;
	if ((!n->planned_end || jl_date_parse_iso(n->planned_end, &due) != 0) &&
	    (!n->due_end || jl_date_parse_iso(n->due_end, &due) != 0))
		return -1;
	if (n->planned_start)
		jl_date_parse_iso(n->planned_start, &start);
	long from = jl_date_to_days(start), to = jl_date_to_days(due), at = jl_date_to_days(p->day);
	if (at >= to)
		return 100;
	if (at <= from)
		return 0;
	return 100.0 * (double)(at - from) / (double)(to - from);
}

static int is_item(const progress_node *n)
{
	return n->kind == JALON_KIND_ACTION || n->kind == JALON_KIND_TASK;
}

static int measured(const progress_node *n)
{
	return !n->draft && !(is_item(n) && n->status_index == ABANDONED);
}

static int weight_of(jalon_store *s, const progress_node *n, int *weight)
{
	*weight = n->weight;
	int rc = rule(s, "poids", n, 0, 0, weight);
	if (*weight < 0)
		*weight = 0;
	return rc;
}

/* An item's own progress and expectation (-1: none), each level the weighted average of
   the one below; computed once per node. */
static int value_of(jalon_store *s, progress_plan *p, size_t i, int depth)
{
	if (p->done[i])
		return 0;
	p->done[i] = 1;
	p->value[i] = p->expected[i] = -1;
	const progress_node *n = &p->nodes[i];
	if (!measured(n) || depth > 8)
		return 0;
	double progress = 0, weights = 0, expected = 0, expected_weights = 0;
	for (size_t e = n->first_child; e < n->first_child + n->nchildren; e++) {
		size_t c = p->edges[e].child;
		int weight, rc = value_of(s, p, c, depth + 1);
		if (rc == 0)
			rc = weight_of(s, &p->nodes[c], &weight);
		if (rc)
			return rc;
		double w = (double)weight * (double)p->edges[e].share / 100.0;
		if (w > 0 && p->value[c] >= 0) {
			progress += w * p->value[c];
			weights += w;
		}
		if (w > 0 && p->expected[c] >= 0) {
			expected += w * p->expected[c];
			expected_weights += w;
		}
	}
	double own = n->manual >= 0 ? n->manual
	             : weights > 0  ? progress / weights
	             : is_item(n)   ? STATUS_PROGRESS[n->status_index]
	                            : -1;
	int rounded = own < 0 ? -1 : (int)(own + 0.5), ruled = rounded;
	int rc = rule(s, "avancement", n, 0, 0, &ruled);
	if (rc)
		return rc;
	if (ruled != rounded) /* a script's rule: its value, within 0..100 (-1: none) */
		own = ruled < 0 ? -1 : ruled > 100 ? 100 : ruled;
	p->value[i] = own;
	double sched = expected_of(p, n);
	p->expected[i] = sched >= 0 ? sched : expected_weights > 0 ? expected / expected_weights : -1;
	return 0;
}

/* The counts of a node's subtree, each action or task once. */
static void count(progress_plan *p, size_t i, jalon_progress *c, int depth)
{
	const progress_node *n = &p->nodes[i];
	if (n->draft || depth > 8)
		return;
	if (is_item(n) && p->seen[i] != p->pass) {
		p->seen[i] = p->pass;
		c->by_status[n->status_index]++;
		if (n->status_index != ABANDONED) {
			c->items++;
			c->priority += n->priority;
			jl_date due;
			if (n->status_index != DONE && n->due_end &&
			    jl_date_parse_iso(n->due_end, &due) == 0 && jl_date_compare(due, p->day) < 0)
				c->overdue++;
		}
	}
	if (is_item(n) && n->status_index == ABANDONED)
		return;
	for (size_t e = n->first_child; e < n->first_child + n->nchildren; e++)
		count(p, p->edges[e].child, c, depth + 1);
}

static int health(jalon_store *s, const progress_node *n, int done, jalon_progress *out)
{
	int h = 0;
	if (out->progress >= 0 && (out->expected >= 0 || done)) {
		if (done || out->expected == 0 || out->progress * 100 >= ON_TIME * out->expected)
			h = 1;
		else if (out->progress * 100 >= AT_RISK * out->expected)
			h = 2;
		else
			h = 3;
	}
	int rc = n ? rule(s, "santé", n, out->progress, out->expected, &h) : 0;
	out->health = progress_health_name(h);
	return rc;
}

static int finish(jalon_store *s, progress_plan *p, size_t i)
{
	progress_node *n = &p->nodes[i];
	jalon_progress *out = &n->measure;
	memset(out, 0, sizeof *out);
	p->pass++;
	count(p, i, out, 0);
	out->progress = p->value[i] >= 0 ? (int)(p->value[i] + 0.5) : -1;
	out->expected = p->expected[i] >= 0 ? (int)(p->expected[i] + 0.5) : -1;
	return health(s, n, n->status_index == DONE, out);
}

/* A volet, or the whole plan (volet NULL): its OS, each with its weight. */
static int finish_plan(jalon_store *s, progress_plan *p, const char *volet, jalon_progress *out)
{
	double progress = 0, weights = 0, expected = 0, expected_weights = 0;
	memset(out, 0, sizeof *out);
	p->pass++;
	for (size_t i = 0; i < p->n; i++) {
		const progress_node *n = &p->nodes[i];
		if (n->kind != JALON_KIND_OS || (volet && (!n->volet || strcmp(n->volet, volet))))
			continue;
		count(p, i, out, 0);
		int weight, rc = weight_of(s, n, &weight);
		if (rc)
			return rc;
		if (weight > 0 && p->value[i] >= 0) {
			progress += weight * p->value[i];
			weights += weight;
		}
		if (weight > 0 && p->expected[i] >= 0) {
			expected += weight * p->expected[i];
			expected_weights += weight;
		}
	}
	out->progress = weights > 0 ? (int)(progress / weights + 0.5) : -1;
	out->expected = expected_weights > 0 ? (int)(expected / expected_weights + 0.5) : -1;
	return health(s, NULL, 0, out);
}

static int today_or(const char *day, jl_date *out)
{
	if (day)
		return jl_date_parse_iso(day, out);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	*out = (jl_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
	return 0;
}

int progress_load(jalon_store *s, const char *day, progress_plan **out)
{
	*out = NULL;
	progress_plan *p = calloc(1, sizeof *p);
	if (!p)
		return JALON_ENOMEM;
	if (today_or(day, &p->day) != 0) {
		free(p);
		return store_fail(s, JALON_EINVALID, "avancement : « %s » n'est pas une date AAAA-MM-JJ",
		                  day);
	}
	json_t *plan = store_record_get(s, "plan");
	jl_date end;
	record_plan_span(plan, &p->plan_start, &end);
	json_decref(plan);
	int rc = read_nodes(s, p);
	if (rc == 0)
		rc = read_edges(s, p);
	if (rc == 0) {
		p->seen = calloc(p->n + 1, sizeof *p->seen);
		p->value = calloc(p->n + 1, sizeof *p->value);
		p->expected = calloc(p->n + 1, sizeof *p->expected);
		p->done = calloc(p->n + 1, 1);
		if (!p->seen || !p->value || !p->expected || !p->done)
			rc = JALON_ENOMEM;
	}
	for (size_t i = 0; rc == 0 && i < p->n; i++)
		rc = value_of(s, p, i, 0);
	for (size_t i = 0; rc == 0 && i < p->n; i++)
		rc = finish(s, p, i);
	if (rc == 0)
		rc = finish_plan(s, p, NULL, &p->plan);
	if (rc == 0)
		rc = finish_plan(s, p, "externe", &p->externe);
	if (rc == 0)
		rc = finish_plan(s, p, "interne", &p->interne);
	if (rc)
		progress_free(p);
	else
		*out = p;
	return rc;
}

void progress_free(progress_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		progress_node *n = &p->nodes[i];
		char *owned[] = {n->id, n->label, n->title, n->volet, n->status, n->health_flag,
		                 n->parent, n->due_start, n->due_end, n->planned_start, n->planned_end};
		for (size_t k = 0; k < sizeof owned / sizeof *owned; k++)
			free(owned[k]);
	}
	free(p->nodes);
	free(p->edges);
	free(p->by_id);
	free(p->seen);
	free(p->value);
	free(p->expected);
	free(p->done);
	free(p);
}

int jalon_progress_get(jalon_progress *out, jalon_store *s, const char *ref, const char *day)
{
	store_clear_error(s);
	memset(out, 0, sizeof *out);
	int volet = ref && (!strcmp(ref, "externe") || !strcmp(ref, "interne"));
	int whole = !ref || !strcmp(ref, "plan");
	char id[64] = "";
	jl_date check;
	if (day && jl_date_parse_iso(day, &check) != 0)
		return store_fail(s, JALON_EINVALID, "avancement : « %s » n'est pas une date AAAA-MM-JJ",
		                  day);
	int rc = volet || whole ? 0 : items_resolve(s, ref, -1, id, sizeof id);
	if (rc == 0)
		rc = script_load(s); /* the rules a script replaces */
	progress_plan *p = NULL;
	if (rc == 0)
		rc = progress_load(s, day, &p);
	if (rc)
		return rc;
	const progress_node *n = progress_find(p, id);
	if (whole)
		*out = p->plan;
	else if (volet)
		*out = !strcmp(ref, "externe") ? p->externe : p->interne;
	else if (n)
		*out = n->measure;
	else
		rc = store_fail(s, JALON_ENOTFOUND, "avancement : « %s » n'est pas un élément du plan", ref);
	progress_free(p);
	return rc;
}
