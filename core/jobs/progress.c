/* SPDX-License-Identifier: MIT */
/*
 * progress — the roll-up of include/jalon/progress.h (docs/progress.md).
 *
 * The plan is read from the query tables (items, item_parents) into an array of nodes
 * and each node's children with their shares (a transversal action is a child of each
 * of its OO). Own progress and expectation are computed once per node, bottom up; the
 * counts of a node are taken over its subtree, each action or task once.
 */
#include "jobs/progress.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "store/history.h"
#include "store/item.h"
#include "model/record.h"
#include "store/store.h"
#include "model/util.h"

static const char *const HEALTHS[] = {"", "dans les temps", "à risque", "en retard"};
/* An item's own progress when nobody set it by hand, by status. */
static const int STATUS_PROGRESS[] = {0, 50, 100, 0, -1};
enum { DONE = 2, ABANDONED = 4 };
enum { ON_TIME = 95, AT_RISK = 85 }; /* percent of the expected progress */

const char *jl_progress_status_name(int index)
{
	const char *name = jalon_status_name(index);
	return name ? name : "";
}

const char *jl_progress_health_name(int index)
{
	return index >= 0 && index < 4 ? HEALTHS[index] : "";
}

const jl_point jl_progress_point = {"règles d'avancement"};

int jl_progress_handler_add(jalon_store *s, const jl_progress_handler *h)
{
	return jl_registry_add(s, &jl_progress_point, h, sizeof *h);
}

/* ---------------------------------------------------------------- reading */

/* The plan's texts live in blocks freed together (a plan holds some 100,000 of them). */
struct text_block {
	struct text_block *next;
	size_t used, size;
	char text[];
};

static char *column(progress_plan *p, sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	if (!v)
		return NULL;
	size_t len = (size_t)sqlite3_column_bytes(st, i) + 1;
	struct text_block *b = p->texts;
	if (!b || b->size - b->used < len) {
		size_t size = len > 65536 ? len : 65536;
		if (!(b = malloc(sizeof *b + size)))
			return NULL;
		b->next = p->texts;
		b->used = 0;
		b->size = size;
		p->texts = b;
	}
	char *out = b->text + b->used;
	memcpy(out, v, len);
	b->used += len;
	return out;
}

static int status_index(const char *status)
{
	for (int i = 0; i < JALON_STATUS_COUNT; i++)
		if (!strcmp(status, jalon_status_name(i)))
			return i;
	return 0;
}

const progress_node *jl_progress_find(const progress_plan *p, const char *id)
{
	int kind = id ? jl_record_id_kind(id) : -1;
	long number = id ? jl_record_id_number(id) : -1;
	if (kind < JALON_KIND_OS || kind > JALON_KIND_TASK || number < 0)
		return NULL;
	const struct progress_ids *ids = &p->by_number[kind - JALON_KIND_OS];
	const progress_node *n = (size_t)number < ids->size ? ids->nodes[number] : NULL;
	return n && !strcmp(n->id, id) ? n : NULL;
}

/* Each kind's nodes by id number ("action-7": 7), for jl_progress_find. */
static int index_ids(progress_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct progress_ids *ids = &p->by_number[p->nodes[i].kind - JALON_KIND_OS];
		if (p->nodes[i].number >= 0 && (size_t)p->nodes[i].number >= ids->size)
			ids->size = (size_t)p->nodes[i].number + 1;
	}
	for (int k = 0; k < 4; k++)
		if (!(p->by_number[k].nodes = calloc(p->by_number[k].size + 1, sizeof(progress_node *))))
			return JALON_ENOMEM;
	for (size_t i = 0; i < p->n; i++)
		if (p->nodes[i].number >= 0)
			p->by_number[p->nodes[i].kind - JALON_KIND_OS].nodes[p->nodes[i].number] = &p->nodes[i];
	return 0;
}

/* Plan order: OS, OO, actions, tasks; among each, by position, then by id number. */
static int compare_plan_order(const void *a, const void *b)
{
	const progress_node *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return x->number < y->number ? -1 : x->number > y->number;
}

/* The tables the plan is read from: the store's own, or the plan as it stood at a time
   (store/history.h). */
static const char *table(const progress_plan *p, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", p->past ? "temp.past_" : "", name);
	return buf;
}

/* The rows of the plan's table name, or -1 with the message set. */
static sqlite3_int64 count_rows(jalon_store *s, const progress_plan *p, const char *name)
{
	char from[64], sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table(p, name, from, sizeof from));
	return jl_store_count(s, sql);
}

static int read_nodes(jalon_store *s, progress_plan *p)
{
	sqlite3_stmt *st;
	char items[64], sql[512];
	table(p, "items", items, sizeof items);
	sqlite3_int64 count = count_rows(s, p, "items");
	if (count < 0)
		return JALON_ERROR;
	size_t cap = (size_t)count;
	p->nodes = calloc(cap + 1, sizeof *p->nodes);
	if (!p->nodes)
		return JALON_ENOMEM;
	snprintf(sql, sizeof sql,
	         "SELECT id, kind, label, title, volet, status, health, parent, due_start,"
	         " due_end, planned_start, planned_end, draft, priority, synergy, position,"
	         " progress, weight, budget_cents, spent_cents, indicators FROM %s", items);
	if (jl_store_prepare(s, &st, sql) != 0)
		return JALON_ERROR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && p->n < cap) {
		progress_node *n = &p->nodes[p->n++];
		n->id = column(p, st, 0);
		n->kind = jalon_kind_from_name((const char *)sqlite3_column_text(st, 1));
		n->label = column(p, st, 2);
		n->title = column(p, st, 3);
		n->volet = column(p, st, 4);
		n->status = column(p, st, 5);
		n->health_flag = column(p, st, 6);
		n->parent = column(p, st, 7);
		n->due_start = column(p, st, 8);
		n->due_end = column(p, st, 9);
		n->planned_start = column(p, st, 10);
		n->planned_end = column(p, st, 11);
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
		jl_date due;
		n->due_day = n->due_end && jl_date_parse_iso(n->due_end, &due) == 0 ? jl_date_to_days(due)
		                                                                    : LONG_MIN;
		if (n->kind < JALON_KIND_OS || n->kind > JALON_KIND_TASK) {
			p->n--; /* not an item of the tree */
			continue;
		}
		if (!n->id || !n->status)
			rc = SQLITE_NOMEM;
		else
			n->status_index = status_index(n->status), n->number = jl_record_id_number(n->id);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return rc == SQLITE_NOMEM ? JALON_ENOMEM : jl_store_fail_db(s, "lecture du plan");
	qsort(p->nodes, p->n, sizeof *p->nodes, compare_plan_order);
	return index_ids(p);
}

/* An edge being read: the parent's index beside the child's. */
struct edge_row {
	size_t parent;
	progress_edge edge;
};

static int compare_edges(const void *a, const void *b)
{
	const struct edge_row *x = a, *y = b;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return x->edge.child < y->edge.child ? -1 : x->edge.child > y->edge.child;
}

/* Each node's children in plan order (the nodes' order): edges grouped by parent. */
static int read_edges(jalon_store *s, progress_plan *p)
{
	sqlite3_stmt *st;
	char parents[64], sql[256];
	table(p, "item_parents", parents, sizeof parents);
	sqlite3_int64 count = count_rows(s, p, "item_parents");
	if (count < 0)
		return JALON_ERROR;
	size_t cap = (size_t)count;
	struct edge_row *rows = calloc(cap + 1, sizeof *rows);
	p->edges = calloc(cap + 1, sizeof *p->edges);
	if (!rows || !p->edges) {
		free(rows);
		return JALON_ENOMEM;
	}
	snprintf(sql, sizeof sql, "SELECT parent, item, share FROM %s", parents);
	if (jl_store_prepare(s, &st, sql) != 0) {
		free(rows);
		return JALON_ERROR;
	}
	int rc;
	size_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < cap) {
		const progress_node *parent = jl_progress_find(p, (const char *)sqlite3_column_text(st, 0));
		const progress_node *child = jl_progress_find(p, (const char *)sqlite3_column_text(st, 1));
		if (!parent || !child)
			continue;
		rows[n].parent = (size_t)(parent - p->nodes);
		rows[n].edge.child = (size_t)(child - p->nodes);
		rows[n].edge.share = sqlite3_column_int(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		free(rows);
		return jl_store_fail_db(s, "lecture du plan");
	}
	qsort(rows, n, sizeof *rows, compare_edges);
	for (size_t i = 0; i < n; i++) {
		progress_node *parent = &p->nodes[rows[i].parent];
		if (!parent->nchildren)
			parent->first_child = p->nedges;
		parent->nchildren++;
		p->edges[p->nedges++] = rows[i].edge;
	}
	free(rows);
	return 0;
}

/* ---------------------------------------------------------------- measuring */

static int rule(jalon_store *s, const char *name, const progress_node *n, int a, int b,
                int *value)
{
	int extra[2] = {a, b};
	for (const jl_progress_handler *h = NULL; (h = jl_registry_next(s, &jl_progress_point, h));) {
		int rc = h->rule(h->ud, s, name, n, extra, value);
		if (rc)
			return rc;
	}
	return 0;
}

/* The share of the schedule elapsed on the day, in percent, or -1 without a due day. */
static double expected_of(const progress_plan *p, const progress_node *n)
{
	jl_date start = p->plan_start, due;
	long to = n->due_day;
	if (n->planned_end && jl_date_parse_iso(n->planned_end, &due) == 0)
		to = jl_date_to_days(due);
	if (to == LONG_MIN)
		return -1;
	if (n->planned_start)
		jl_date_parse_iso(n->planned_start, &start);
	long from = jl_date_to_days(start), at = p->today;
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
			if (n->status_index != DONE && n->due_day != LONG_MIN && n->due_day < p->today)
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
	out->health = jl_progress_health_name(h);
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

int jl_progress_load(jalon_store *s, const char *day, progress_plan **out)
{
	return jl_progress_load_at(s, day, NULL, out);
}

int jl_progress_load_at(jalon_store *s, const char *day, const long long *when,
                        progress_plan **out)
{
	*out = NULL;
	progress_plan *p = calloc(1, sizeof *p);
	if (!p)
		return JALON_ENOMEM;
	p->day = jl_date_today();
	if (day && jl_date_parse_iso(day, &p->day) != 0) {
		free(p);
		return jl_store_fail(s, JALON_EINVALID, "avancement : « %s » n'est pas une date AAAA-MM-JJ",
		                     day);
	}
	p->today = jl_date_to_days(p->day);
	int rc = 0;
	if (when) {
		p->past = 1;
		rc = jl_history_project_at(s, *when, &p->record);
	} else {
		rc = jl_store_record_get(s, "plan", &p->record);
	}
	jl_date end;
	jl_record_plan_span(p->record, &p->plan_start, &end);
	if (rc == 0)
		rc = read_nodes(s, p);
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
		jl_progress_free(p);
	else
		*out = p;
	return rc;
}

void jl_progress_free(progress_plan *p)
{
	if (!p)
		return;
	while (p->texts) {
		struct text_block *next = p->texts->next;
		free(p->texts);
		p->texts = next;
	}
	free(p->nodes);
	free(p->edges);
	for (int k = 0; k < 4; k++)
		free(p->by_number[k].nodes);
	free(p->seen);
	free(p->value);
	free(p->expected);
	free(p->done);
	json_decref(p->record);
	free(p);
}

int jalon_progress_get(jalon_progress *out, jalon_store *s, const char *ref, const char *day)
{
	jl_store_clear_error(s);
	memset(out, 0, sizeof *out);
	int volet = ref && (!strcmp(ref, "externe") || !strcmp(ref, "interne"));
	int whole = !ref || !strcmp(ref, "plan");
	char id[64] = "";
	jl_date check;
	if (day && jl_date_parse_iso(day, &check) != 0)
		return jl_store_fail(s, JALON_EINVALID, "avancement : « %s » n'est pas une date AAAA-MM-JJ",
		                     day);
	int rc = volet || whole ? 0 : jl_items_resolve(s, ref, -1, id, sizeof id);
	if (rc == 0)
		rc = jl_registry_prepare(s, &jl_progress_point); /* the rules a script replaces */
	progress_plan *p = NULL;
	if (rc == 0)
		rc = jl_progress_load(s, day, &p);
	if (rc)
		return rc;
	const progress_node *n = jl_progress_find(p, id);
	if (whole)
		*out = p->plan;
	else if (volet)
		*out = !strcmp(ref, "externe") ? p->externe : p->interne;
	else if (n)
		*out = n->measure;
	else
		rc = jl_store_fail(s, JALON_ENOTFOUND, "avancement : « %s » n'est pas un élément du plan", ref);
	jl_progress_free(p);
	return rc;
}
