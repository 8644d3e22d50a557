/* SPDX-License-Identifier: MIT */
/*
 * Reminders and configuration: `jalon remind` (the cron job), `jalon done` (an
 * occurrence of a recurring duty took place), `jalon config`.
 */
#include <string.h>

#include "cli.h"

/* ---------------------------------------------------------------- remind */

/* The exit code of a run: sysexits, for cron's MAILTO and for monitoring (docs/remind.md). */
static int remind_exit_code(int rc, const jalon_remind_summary *sum)
{
	if (rc == JALON_EDELIVERY)
		return sum->failed ? CLI_EXIT_TEMPFAIL : CLI_EXIT_UNAVAILABLE;
	return cli_exit_code(rc);
}

static json_t *summary_json(const jalon_remind_summary *sum, int dry_run)
{
	return json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "date", sum->date, "dry_run",
	                 dry_run, "messages", (json_int_t)sum->messages, "reminders",
	                 (json_int_t)sum->reminders, "retried", (json_int_t)sum->retried,
	                 "failed", (json_int_t)sum->failed, "refused", (json_int_t)sum->refused,
	                 "unassigned", (json_int_t)sum->unassigned);
}

static void print_summary(const jalon_remind_summary *sum, int dry_run)
{
	fprintf(stderr, "jalon: remind: %s : %zu message%s %s (%zu rappel%s dont %zu réessayé%s), "
	                "%zu en échec, %zu refusé%s, %zu sans destinataire\n",
	        sum->date, sum->messages, sum->messages > 1 ? "s" : "",
	        dry_run ? "à envoyer" : sum->messages > 1 ? "envoyés" : "envoyé", sum->reminders,
	        sum->reminders > 1 ? "s" : "", sum->retried, sum->retried > 1 ? "s" : "",
	        sum->failed, sum->refused, sum->refused > 1 ? "s" : "", sum->unassigned);
}

int cmd_remind(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"date", required_argument, NULL, 'd'},
		{"dry-run", no_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("nv", opts);
	jalon_remind_options o = JALON_REMIND_OPTIONS_INIT;
	int verbose = 0, c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 'd')
			o.date = p.arg;
		else if (c == 'n')
			o.dry_run = 1;
		else if (c == 'v')
			verbose = 1;
	}
	if (argc != p.index)
		return cli_usage_error(cx, "« %s » : pas d’opérande", argv[p.index]);
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	jalon_remind_summary sum;
	memset(&sum, 0, sizeof sum);
	int rc = jalon_remind_run(store, &o, &sum);
	code = rc < 0 ? remind_exit_code(rc, &sum) : 0;
	if (rc < 0)
		cli_fail(cx, code, "%s", jalon_errmsg(store));
	jalon_store_close(store);
	int out;
	if (cx->json && sum.date[0]) {
		out = cli_print_json(cx, summary_json(&sum, o.dry_run));
	} else {
		if (verbose && sum.date[0])
			print_summary(&sum, o.dry_run);
		out = cli_finish_output(cx);
	}
	return code ? code : out;
}

/* ---------------------------------------------------------------- done */

int cmd_done(cli_ctx *cx, int argc, char **argv)
{
	int first;
	if (cli_no_options(cx, argc, argv, &first))
		return cx->exit_code;
	if (argc - first != 2)
		return cli_usage_error(cx, argc - first < 2 ? "quel élément et quel jour ?"
		                                           : "un élément et un jour");
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_AUTHOR);
	if (code)
		return code;
	int rc = jalon_occurrence_done(store, argv[first], argv[first + 1]);
	code = rc < 0 ? cli_fail_api(cx, store, rc)
	              : cli_outcome(cx, json_pack("{s:s, s:s}", "item", argv[first], "done",
	                                          argv[first + 1]),
	                            "%s : occurrence du %s faite.", argv[first], argv[first + 1]);
	jalon_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- config */

int cmd_config(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"unset", no_argument, NULL, 'u'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("", opts);
	int unset = 0, c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		unset = unset || c == 'u';
	}
	int n = argc - p.index;
	if (n > 2 || (unset && n != 1))
		return cli_usage_error(cx, unset ? "--unset prend une clé" : "une clé et une valeur");
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	const char *key = n ? argv[p.index] : NULL;
	char *text = NULL;
	int rc = n == 0 ? jalon_config_list(&text, store)
	         : n == 1 && !unset ? jalon_config_get(&text, store, key)
	                            : jalon_config_set(store, key, unset ? NULL : argv[p.index + 1]);
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
	} else if (text) {
		printf(n == 1 ? "%s\n" : "%s", text);
		code = cli_finish_output(cx);
	}
	jalon_free(text);
	jalon_store_close(store);
	return code;
}
