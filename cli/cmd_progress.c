/* SPDX-License-Identifier: MIT */
/* `jalon progress`: the roll-up of docs/progress.md for an item, a volet or the plan. */
#include "cli.h"

static json_t *progress_json(const char *ref, const char *day, const jalon_progress *p)
{
	json_t *by = json_object();
	for (int i = 0; i < JALON_STATUS_COUNT; i++)
		json_object_set_new(by, jalon_status_name(i), json_integer(p->by_status[i]));
	return json_pack("{s:s, s:s?, s:o, s:o, s:s, s:i, s:o, s:i, s:i}", "ref", ref, "date", day,
	                 "progress", p->progress >= 0 ? json_integer(p->progress) : json_null(),
	                 "expected", p->expected >= 0 ? json_integer(p->expected) : json_null(),
	                 "health", p->health, "items", p->items, "by_status", by, "overdue",
	                 p->overdue, "priority", p->priority);
}

static void print_progress(const jalon_progress *p)
{
	if (p->progress >= 0)
		printf("avancement : %d %%\n", p->progress);
	else
		printf("avancement : (rien à mesurer)\n");
	if (p->expected >= 0)
		printf("attendu : %d %%\n", p->expected);
	if (*p->health)
		printf("santé : %s\n", p->health);
	printf("actions et tâches : %d (", p->items);
	for (int i = 0; i < JALON_STATUS_COUNT; i++)
		printf("%s%s %d", i ? ", " : "", jalon_status_name(i), p->by_status[i]);
	printf(")\nen retard : %d\nprioritaires : %d\n", p->overdue, p->priority);
}

int cmd_progress(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"date", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("", opts);
	const char *day = NULL;
	int c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 'd')
			day = p.arg;
	}
	if (argc - p.index > 1)
		return cli_usage_error(cx, "un seul élément");
	const char *ref = p.index < argc ? argv[p.index] : "plan";
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	jalon_progress progress;
	int rc = jalon_progress_get(&progress, store, ref, day);
	if (rc < 0)
		code = cli_fail_api(cx, store, rc);
	jalon_store_close(store);
	if (rc < 0)
		return code;
	if (cx->json)
		return cli_print_json(cx, progress_json(ref, day, &progress));
	print_progress(&progress);
	return cli_finish_output(cx);
}
