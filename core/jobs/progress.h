/* SPDX-License-Identifier: MIT */
/*
 * progress — the plan as the roll-up and the reports see it (docs/progress.md).
 *
 * jl_progress_load reads the whole plan from the query tables (never parsing a record)
 * into a tree of nodes, and measures every node: its own progress, the expected one and
 * the health on a day, the counts below it. jalon_progress_get answers for one node;
 * the Lua runtime hands the whole tree to reports (jalon.plan). Scripts may replace the
 * three rules (an item's own progress, its weight, its health) through the progress
 * rule handlers (jl_progress_point). jl_progress_load_at measures the plan as it stood
 * at a time.
 */
#ifndef JL_PROGRESS_H
#define JL_PROGRESS_H

#include <jansson.h>

#include "model/date.h"
#include "store/registry.h"
#include "jalon/progress.h"

typedef struct progress_node {
	char *id, *label, *title, *volet, *status, *health_flag, *parent;
	char *due_start, *due_end, *planned_start, *planned_end;
	int kind;              /* JALON_KIND_OS … JALON_KIND_TASK */
	int status_index;      /* into the five statuses, see jl_progress_status_name */
	int draft, priority, synergy, position;
	int manual;            /* avancement set by hand, or -1 */
	int weight;            /* poids */
	long long budget_cents, spent_cents; /* spent_cents -1: nothing spent is known */
	int indicators;        /* how many */
	size_t first_child, nchildren; /* into progress_plan.edges */
	long number;           /* of the id ("action-7": 7) */
	long due_day;          /* due_end as jl_date_to_days, or LONG_MIN */
	jalon_progress measure; /* computed on the plan's day */
} progress_node;

typedef struct progress_edge {
	size_t child; /* into progress_plan.nodes */
	int share;    /* percent of a transversal action in that parent */
} progress_edge;

typedef struct progress_plan {
	progress_node *nodes; /* OS, OO, actions, tasks: each level in plan order */
	size_t n;
	progress_edge *edges;  /* each node's children, in plan order */
	size_t nedges;
	jalon_progress plan, externe, interne;
	jl_date day, plan_start;
	long today;            /* day, as jl_date_to_days */
	/* private */
	struct progress_ids {
		progress_node **nodes; /* by id number */
		size_t size;
	} by_number[4];        /* os, oo, action, task */
	unsigned *seen;        /* per node: the count pass that last counted it */
	unsigned pass;
	double *value, *expected; /* per node: own progress / expectation, or -1 */
	char *done;            /* per node: value and expected computed */
	int past;              /* read from the plan as it stood at a time */
	json_t *record;        /* the plan record read (then), or NULL */
	struct text_block *texts; /* the nodes' texts */
} progress_plan;

/*
 * A progress rule handler, at the point where the Lua runtime registers the rules a
 * script replaces. rule is "avancement" (value: the item's own progress, -1 when none),
 * "poids" (value: its weight) or "santé" (value: the index of the health Jalon found,
 * 0 none, 1 dans les temps, 2 à risque, 3 en retard; progress and expected given in
 * extra[0], extra[1]). It sets *value to keep or replace it; returns 0, or an error code
 * with the store's message set. Several handlers apply in turn. The point's preparers
 * run before jalon_progress_get measures.
 */
typedef struct jl_progress_handler {
	int (*rule)(void *ud, jalon_store *s, const char *rule, const progress_node *node,
	            const int extra[2], int *value);
	void *ud;
} jl_progress_handler;

extern const jl_point jl_progress_point;
/* Registers a progress rule handler (copied). 0, or JALON_ENOMEM. */
int jl_progress_handler_add(jalon_store *s, const jl_progress_handler *h);

/* Reads and measures the plan on day (NULL: today). 0 or an error code (message set). */
int jl_progress_load(jalon_store *s, const char *day, progress_plan **out);
/* The same for the plan as it stood at *when (a Unix time; when NULL: as it stands). */
int jl_progress_load_at(jalon_store *s, const char *day, const long long *when,
                        progress_plan **out);
void jl_progress_free(progress_plan *p);
/* The node of an id, or NULL. */
const progress_node *jl_progress_find(const progress_plan *p, const char *id);
/* "à lancer", "en cours", "terminé", "reporté", "abandonné". */
const char *jl_progress_status_name(int index);
/* The health names: "", "dans les temps", "à risque", "en retard". */
const char *jl_progress_health_name(int index);

#endif
