/* `jalon report`: the reports scripts define (jalon.report, docs/scripts.md). */
#include <string.h>

#include "cli.h"

int cmd_report(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("o:", opts);
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
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	char *out = NULL;
	size_t len = 0;
	int rc = jalon_report_run(&out, &len, store, argv[p.index],
	                          (const char *const *)argv + p.index + 1,
	                          (size_t)(argc - p.index - 1));
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
	} else {
		code = cli_write_output(cx, output, out, len);
	}
	jalon_free(out);
	jalon_store_close(store);
	return code;
}
