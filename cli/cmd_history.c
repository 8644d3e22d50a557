/* SPDX-License-Identifier: MIT */
/*
 * Commands on the history: log, diff, blame, tag.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* ---------------------------------------------------------------- printing */

/* A value in a "champ : avant → après" line: on one line, "(vide)" when empty. */
static void put_value(const char *s)
{
	if (!s || !*s) {
		fputs("(vide)", stdout);
		return;
	}
	char *line = one_line(s);
	fputs(line ? line : s, stdout);
	free(line);
}

static void put_author(const jalon_log_entry *e)
{
	fputs(e->author_name ? e->author_name : "?", stdout);
	if (e->author_email && *e->author_email)
		printf(" <%s>", e->author_email);
}

/* Whether the entry's changes touch more than one record. */
static int several_records(const jalon_log_entry *e)
{
	for (size_t i = 1; i < e->nchanges; i++)
		if (strcmp(e->changes[i].record ? e->changes[i].record : "",
		           e->changes[0].record ? e->changes[0].record : ""))
			return 1;
	return 0;
}

static void put_change(const jalon_field_change *ch, int with_name, const char *indent)
{
	fputs(indent, stdout);
	if (with_name)
		printf("%s · ", ch->name ? ch->name : ch->record ? ch->record : "?");
	printf("%s : ", ch->label && *ch->label ? ch->label : ch->field ? ch->field : "?");
	put_value(ch->before);
	fputs(" → ", stdout);
	put_value(ch->after);
	putchar('\n');
}

static json_t *change_json(const jalon_field_change *ch)
{
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "record", ch->record,
	                 "name", ch->name, "field", ch->field, "label", ch->label,
	                 "before", ch->before, "after", ch->after);
}

static json_t *entry_json(const jalon_log_entry *e)
{
	json_t *changes = json_array();
	for (size_t j = 0; j < e->nchanges; j++)
		changes = cli_json_append(changes, change_json(&e->changes[j]));
	char date[32];
	format_utc_time(e->time, date);
	return json_pack("{s:s?, s:I, s:s, s:{s:s?, s:s?}, s:s?, s:o}", "commit", e->commit,
	                 "time", (json_int_t)e->time, "date", date, "author",
	                 "name", e->author_name, "email", e->author_email,
	                 "message", e->message, "changes", changes);
}

/* The log, diff and blame as JSON: one array of entries, NULL when memory ran out. */
static json_t *log_json(const jalon_log *log)
{
	json_t *array = json_array();
	for (size_t i = 0; i < jalon_log_count(log); i++)
		array = cli_json_append(array, entry_json(jalon_log_get(log, i)));
	return array;
}

/* How `log` prints its text; diff and blame have no options. */
struct log_view {
	const char *ref; /* the item whose log it is, NULL for the whole store */
	int oneline, full;
};

typedef void log_printer(const jalon_log *log, const struct log_view *view);

/*
 * The end the history commands share: the failure of their API call (rc), or the entries,
 * as JSON with --json, else through the command's text printer. Frees the log, closes
 * the store, returns the exit code.
 */
static int finish_history(cli_ctx *cx, jalon_store *store, int rc, jalon_log *log,
                          log_printer *print, const struct log_view *view)
{
	int code;
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
	} else if (cx->json) {
		code = cli_print_json(cx, log_json(log));
	} else {
		print(log, view);
		code = cli_finish_output(cx);
	}
	jalon_log_free(log);
	jalon_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- log */

enum { LOG_MAX_LINES = 20 }; /* change lines per commit in the store's log */

static void print_entry(const jalon_log_entry *e, const struct log_view *view)
{
	char date[32];
	format_local_time(e->time, date);
	printf("%.7s %s ", e->commit ? e->commit : "", date);
	put_author(e);
	if (view->oneline) {
		printf("  %s\n", e->message ? e->message : "");
		return;
	}
	printf("\n    %s\n", e->message ? e->message : "");
	int with_name = !view->ref || several_records(e);
	/* The whole store's log stays readable past an import of 160 actions. */
	size_t shown = !view->ref && !view->full && e->nchanges > LOG_MAX_LINES ? LOG_MAX_LINES - 1
	                                                                        : e->nchanges;
	for (size_t j = 0; j < shown; j++)
		put_change(&e->changes[j], with_name, "  ");
	if (shown < e->nchanges)
		printf("  … et %zu autres changements (jalon log --full)\n", e->nchanges - shown);
}

static void print_log(const jalon_log *log, const struct log_view *view)
{
	for (size_t i = 0; i < jalon_log_count(log); i++) {
		if (i && !view->oneline)
			putchar('\n');
		print_entry(jalon_log_get(log, i), view);
	}
}

/* "-n N": 0 and *limit, or 64. */
static int parse_limit(cli_ctx *cx, const char *text, size_t *limit)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v == 0)
		return cli_usage_error(cx, "-n « %s » : attendu un nombre ≥ 1", text);
	*limit = (size_t)v;
	return 0;
}

int cmd_log(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"max-count", required_argument, NULL, 'n'},
		{"oneline", no_argument, NULL, '1'},
		{"full", no_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("n:", opts);
	struct log_view view = {NULL, 0, 0};
	size_t limit = 0;
	int c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 'n' && parse_limit(cx, p.arg, &limit))
			return CLI_EXIT_USAGE;
		if (c == '1')
			view.oneline = 1;
		else if (c == 'F')
			view.full = 1;
	}
	if (argc - p.index > 1)
		return cli_usage_error(cx, "un seul élément");
	view.ref = p.index < argc ? argv[p.index] : NULL;

	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	jalon_log *log = NULL;
	int rc = jalon_history_log(&log, store, view.ref, limit);
	return finish_history(cx, store, rc, log, print_log, &view);
}

/* ---------------------------------------------------------------- diff */

/* Each item changed, with its last author, then its fields. */
static void print_diff(const jalon_log *log, const struct log_view *view)
{
	(void)view;
	size_t shown = 0;
	for (size_t i = 0; i < jalon_log_count(log); i++) {
		const jalon_log_entry *e = jalon_log_get(log, i);
		if (e->nchanges == 0)
			continue;
		const jalon_field_change *first = &e->changes[0];
		if (shown++)
			putchar('\n');
		printf("%s (%s) — ", first->name ? first->name : "?",
		       first->record ? first->record : "?");
		put_author(e);
		putchar('\n');
		int with_name = several_records(e);
		for (size_t j = 0; j < e->nchanges; j++)
			put_change(&e->changes[j], with_name, "  ");
	}
}

/* --since and --until as times: 0, or an exit code after the message. */
static int diff_period(cli_ctx *cx, jalon_store *store, const char *since_text,
                       const char *until_text, long long *since, long long *until)
{
	int code;
	*until = (long long)time(NULL);
	if ((code = cli_parse_time(cx, store, "--since", since_text, 0, since)) ||
	    (until_text && (code = cli_parse_time(cx, store, "--until", until_text, 1, until))))
		return code;
	if (*since > *until)
		return cli_fail(cx, CLI_EXIT_DATAERR, "--since « %s » vient après --until « %s »",
		                since_text, until_text ? until_text : "maintenant");
	return 0;
}

int cmd_diff(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"since", required_argument, NULL, 's'},
		{"until", required_argument, NULL, 'u'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("", opts);
	const char *since_text = NULL, *until_text = NULL;
	int c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 's')
			since_text = p.arg;
		else if (c == 'u')
			until_text = p.arg;
	}
	if (p.index < argc)
		return cli_usage_error(cx, "argument inattendu « %s »", argv[p.index]);
	if (!since_text)
		return cli_usage_error(cx, "--since manque : depuis quand ?");

	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	long long since, until;
	if ((code = diff_period(cx, store, since_text, until_text, &since, &until))) {
		jalon_store_close(store);
		return code;
	}
	jalon_log *log = NULL;
	int rc = jalon_history_diff(&log, store, since, until);
	return finish_history(cx, store, rc, log, print_diff, NULL);
}

/* ---------------------------------------------------------------- blame */

/* One line per field: commit, date, author (in a column), field and value. */
static void print_blame(const jalon_log *log, const struct log_view *view)
{
	(void)view;
	size_t n = jalon_log_count(log), authorw = 0;
	for (size_t i = 0; i < n; i++) {
		const jalon_log_entry *e = jalon_log_get(log, i);
		size_t w = utf8_width(e->author_name ? e->author_name : "?");
		authorw = w > authorw ? w : authorw;
	}
	for (size_t i = 0; i < n; i++) {
		const jalon_log_entry *e = jalon_log_get(log, i);
		char date[32];
		format_local_time(e->time, date);
		for (size_t j = 0; j < e->nchanges; j++) {
			const jalon_field_change *ch = &e->changes[j];
			printf("%.7s %s ", e->commit ? e->commit : "", date);
			put_column(stdout, e->author_name ? e->author_name : "?", authorw + 2, 0, 1);
			printf("%s : ", ch->label && *ch->label ? ch->label : ch->field);
			put_value(ch->after);
			putchar('\n');
		}
	}
}

int cmd_blame(cli_ctx *cx, int argc, char **argv)
{
	const char *ref;
	if (cli_one_operand(cx, argc, argv, "quel élément ?", "un seul élément", &ref))
		return cx->exit_code;
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	jalon_log *log = NULL;
	int rc = jalon_history_blame(&log, store, ref);
	return finish_history(cx, store, rc, log, print_blame, NULL);
}

/* ---------------------------------------------------------------- tag */

int cmd_tag(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"message", required_argument, NULL, 'm'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("m:", opts);
	const char *message = NULL;
	int c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 'm')
			message = p.arg;
	}
	if (argc - p.index != 1)
		return cli_usage_error(cx, argc == p.index ? "quel nom de tag ?" : "un seul nom");
	if (!message || !*message)
		return cli_usage_error(cx, "-m TEXTE manque : le message du tag");
	const char *name = argv[p.index];

	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_AUTHOR);
	if (code)
		return code;
	int rc = jalon_tag_create(store, name, message);
	code = rc < 0 ? cli_fail_api(cx, store, rc)
	              : cli_outcome(cx, json_pack("{s:s}", "tag", name), "Tag « %s » créé.", name);
	jalon_store_close(store);
	return code;
}
