/*
 * progress — the roll-up of include/jalon/progress.h (docs/progress.md).
 *
 * The plan is read once per call into an id → record map and a parent → children map
 * (a transversal action is a child of each of its OO, with its share); each level is
 * then the weighted average of the level below, computed depth first.
 */
#include "jalon/progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "items.h"
#include "record.h"
#include "store.h"
#include "util.h"

static const char *const STATUSES[] = {"à lancer", "en cours", "terminé", "reporté",
                                       "abandonné"};
/* An item's own progress when nobody set it by hand, by status. */
static const int STATUS_PROGRESS[] = {0, 50, 100, 0, -1};

enum { ON_TIME = 95, AT_RISK = 85 }; /* percent of the expected progress */

struct plan {
	json_t *records;  /* id → record */
	json_t *children; /* parent id → [[child id, share], …] in plan order */
	json_t *counted;  /* the actions and tasks already counted, as a set of ids */
	jl_date day;
	jl_date plan_start;
};

/* A measure being summed: weighted progress and expectation, and the counts. */
struct sum {
	double progress, weight;           /* Σ w·p and Σ w over what has a progress */
	double expected, expected_weight;  /* the same for the expectation */
	jalon_progress counts;
};

static const char *str(const json_t *rec, const char *key)
{
	const char *v = json_string_value(json_object_get(rec, key));
	return v ? v : "";
}

static int status_index(const json_t *rec)
{
	for (int i = 0; i < 5; i++)
		if (!strcmp(str(rec, "status"), STATUSES[i]))
			return i;
	return 0;
}

/* The records, and each parent's children in plan order with their shares. */
static int load(jalon_store *s, struct plan *p)
{
	if (!(p->records = store_records(s)))
		return JALON_ERROR;
	p->children = json_object();
	p->counted = json_object();
	const char *id;
	json_t *rec;
	json_object_foreach(p->records, id, rec) {
		size_t i;
		json_t *parent;
		json_array_foreach(json_object_get(rec, "parents"), i, parent) {
			const char *pid = str(parent, "id");
			json_t *list = json_object_get(p->children, pid);
			if (!list) {
				list = json_array();
				json_object_set_new(p->children, pid, list);
			}
			json_array_append_new(list, json_pack("[s, I]", id,
			                                      json_integer_value(json_object_get(parent,
			                                                                         "share"))));
		}
	}
	jl_date end;
	record_plan_span(json_object_get(p->records, "plan"), &p->plan_start, &end);
	return 0;
}

/* The share of the schedule elapsed on the day, in percent, or -1 without a due day. */
static double expected_of(const struct plan *p, const json_t *rec)
{
	jl_date start = p->plan_start, due;
	if (jl_date_parse_iso(str(rec, "planned_end"), &due) != 0 &&
	    jl_date_parse_iso(str(json_object_get(rec, "deadline"), "end"), &due) != 0)
		return -1;
	jl_date_parse_iso(str(rec, "planned_start"), &start);
	long from = jl_date_to_days(start), to = jl_date_to_days(due), at = jl_date_to_days(p->day);
	if (at >= to)
		return 100;
	if (at <= from)
		return 0;
	return 100.0 * (double)(at - from) / (double)(to - from);
}

/* Adds part's counts, and its progress and expectation with that weight (none at 0). */
static void add(struct sum *into, const struct sum *part, double weight)
{
	if (weight > 0 && part->weight > 0) {
		into->progress += weight * part->progress / part->weight;
		into->weight += weight;
	}
	if (weight > 0 && part->expected_weight > 0) {
		into->expected += weight * part->expected / part->expected_weight;
		into->expected_weight += weight;
	}
	jalon_progress *c = &into->counts;
	c->items += part->counts.items;
	for (int i = 0; i < 5; i++)
		c->by_status[i] += part->counts.by_status[i];
	c->overdue += part->counts.overdue;
	c->priority += part->counts.priority;
}

static int is_draft(const json_t *rec)
{
	return json_is_true(json_object_get(rec, "draft"));
}

/* The measure of an item and everything below it, as one unit of weight. */
static struct sum measure(const struct plan *p, const char *id, int depth)
{
	struct sum s;
	memset(&s, 0, sizeof s);
	const json_t *rec = json_object_get(p->records, id);
	if (!rec || depth > 8 || is_draft(rec))
		return s;
	int kind = record_kind(rec), status = status_index(rec);
	int item = kind == JALON_KIND_ACTION || kind == JALON_KIND_TASK;
	/* Counted once, though a transversal action is reached through each of its OO. */
	if (item && !json_object_get(p->counted, id)) {
		json_object_set_new(p->counted, id, json_true());
		s.counts.by_status[status]++;
		if (status != 4) {
			s.counts.items++;
			s.counts.priority += json_is_true(json_object_get(rec, "priority"));
			jl_date due;
			if (status != 2 &&
			    jl_date_parse_iso(str(json_object_get(rec, "deadline"), "end"), &due) == 0 &&
			    jl_date_compare(due, p->day) < 0)
				s.counts.overdue++;
		}
	}
	if (item && status == 4)
		return s; /* abandoned: counted as such, measured in nothing */
	/* The level below, each child with its weight (and its share of a transversal one). */
	struct sum below;
	memset(&below, 0, sizeof below);
	size_t i;
	json_t *child;
	json_array_foreach(json_object_get(p->children, id), i, child) {
		const char *cid = json_string_value(json_array_get(child, 0));
		const json_t *crec = json_object_get(p->records, cid);
		double weight = (double)json_integer_value(json_object_get(crec, "weight")) *
		                (double)json_integer_value(json_array_get(child, 1)) / 100.0;
		struct sum part = measure(p, cid, depth + 1);
		add(&below, &part, weight);
	}
	add(&s, &below, 0); /* the counts only */
	/* Its own progress: by hand, else from below, else (actions, tasks) its status. */
	json_t *manual = json_object_get(rec, "progress");
	if (json_is_integer(manual)) {
		s.progress = (double)json_integer_value(manual);
		s.weight = 1;
	} else if (below.weight > 0) {
		s.progress = below.progress / below.weight;
		s.weight = 1;
	} else if (kind == JALON_KIND_ACTION || kind == JALON_KIND_TASK) {
		s.progress = STATUS_PROGRESS[status];
		s.weight = 1;
	}
	double own = expected_of(p, rec);
	if (own >= 0) {
		s.expected = own;
		s.expected_weight = 1;
	} else if (below.expected_weight > 0) {
		s.expected = below.expected / below.expected_weight;
		s.expected_weight = 1;
	}
	return s;
}

static void finish(const struct sum *s, int done, jalon_progress *out)
{
	*out = s->counts;
	out->progress = s->weight > 0 ? (int)(s->progress / s->weight + 0.5) : -1;
	out->expected = s->expected_weight > 0 ? (int)(s->expected / s->expected_weight + 0.5) : -1;
	out->health = "";
	if (out->progress < 0 || (out->expected < 0 && !done))
		return;
	if (done || out->expected == 0 || out->progress * 100 >= ON_TIME * out->expected)
		out->health = "dans les temps";
	else if (out->progress * 100 >= AT_RISK * out->expected)
		out->health = "à risque";
	else
		out->health = "en retard";
}

/* A volet, or the whole plan (volet NULL): its OS, each with its weight. */
static struct sum measure_plan(const struct plan *p, const char *volet)
{
	struct sum s;
	memset(&s, 0, sizeof s);
	const char *id;
	json_t *rec;
	json_object_foreach(p->records, id, rec) {
		if (record_kind(rec) != JALON_KIND_OS || (volet && strcmp(str(rec, "volet"), volet)))
			continue;
		struct sum part = measure(p, id, 0);
		double weight = (double)json_integer_value(json_object_get(rec, "weight"));
		add(&s, &part, weight);
	}
	return s;
}

int jalon_progress_get(jalon_progress *out, jalon_store *s, const char *ref, const char *day)
{
	struct plan p;
	memset(&p, 0, sizeof p);
	store_clear_error(s);
	if (day && jl_date_parse_iso(day, &p.day) != 0)
		return store_fail(s, JALON_EINVALID, "avancement : « %s » n'est pas une date AAAA-MM-JJ",
		                  day);
	if (!day) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		p.day = (jl_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
	}
	int volet = ref && (!strcmp(ref, "externe") || !strcmp(ref, "interne"));
	int whole = !ref || !strcmp(ref, "plan");
	char id[64] = "";
	int rc = volet || whole ? 0 : items_resolve(s, ref, -1, id, sizeof id);
	if (rc == 0)
		rc = load(s, &p);
	if (rc == 0) {
		struct sum sum = volet || whole ? measure_plan(&p, volet ? ref : NULL)
		                                : measure(&p, id, 0);
		const json_t *rec = json_object_get(p.records, id);
		finish(&sum, rec && !strcmp(str(rec, "status"), "terminé"), out);
	}
	json_decref(p.records);
	json_decref(p.children);
	json_decref(p.counted);
	return rc;
}
