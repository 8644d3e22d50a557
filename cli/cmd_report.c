/* SPDX-License-Identifier: MIT */
/* `jalon report`: the built-in reports and those scripts define (docs/reports.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_report(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("+o:", opts);
	const char *output = NULL;
	int c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 'o')
			output = p.arg;
	}
	if (p.index == argc)
		return cli_usage_error(cx, "quel rapport ?");
	/* After the report's name, -o FILE is still ours; everything else is the report's. */
	const char **args = calloc((size_t)argc, sizeof *args);
	size_t nargs = 0;
	if (!args)
		return cli_fail(cx, 1, "mémoire épuisée");
	for (int i = p.index + 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (i + 1 == argc) {
				free(args);
				return cli_usage_error(cx, "l’option « %s » demande une valeur", argv[i]);
			}
			output = argv[++i];
		} else if (!strncmp(argv[i], "--output=", 9)) {
			output = argv[i] + 9;
		} else {
			args[nargs++] = argv[i];
		}
	}
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code) {
		free(args);
		return code;
	}
	char *out = NULL;
	size_t len = 0;
	int rc = jalon_report_run(&out, &len, store, argv[p.index], args, nargs, output);
	free(args);
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
	} else {
		code = cli_write_output(cx, output, out, len);
	}
	jalon_free(out);
	jalon_store_close(store);
	return code;
}

/* The reports available, after the command's help: the store's when there is one here
   (or at --store, JALON_STORE), else the built-in ones. */
void cli_report_help(cli_ctx *cx, FILE *f)
{
	const char *dir = cli_store_dir(cx);
	jalon_store *store = NULL;
	if (cli_path_exists(dir, "jalon.db") &&
	    jalon_store_open(&store, dir, NULL) != 0) { /* a broken store: the built-in ones */
		jalon_store_close(store);
		store = NULL;
	}
	char *list = NULL;
	int rc = jalon_report_list(&list, store);
	if (rc == 0 && list && *list) {
		fprintf(f, "\nRapports disponibles%s :\n", store ? " pour ce store" : "");
		for (char *line = list, *next; *line; line = next) {
			next = line + strcspn(line, "\n");
			if (*next)
				*next++ = '\0';
			char *tab = strchr(line, '\t');
			if (tab)
				*tab++ = '\0';
			fprintf(f, "  %-12s %s\n", line, tab ? tab : "");
		}
	} else if (rc == 0) {
		fprintf(f, "\nAucun rapport trouvé (ni dans le store, ni dans les dossiers des rapports "
		           "intégrés : JALON_REPORTS_PATH, reports.path).\n");
	} else {
		fprintf(f, "\nRapports disponibles : %s\n", store ? jalon_errmsg(store) : "liste illisible");
	}
	jalon_free(list);
	jalon_store_close(store);
}
