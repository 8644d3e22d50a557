/* SPDX-License-Identifier: MIT */
/*
 * `jalon plugins`: the plug-ins the store found (include/jalon/plugin.h), loaded or
 * refused, and what each provides. The list is data: printed even with -q.
 */
#include <string.h>

#include "cli.h"
#include "jalon/plugin.h"

/* Its exporters' formats, as a JSON array (NULL when memory ran out). */
static json_t *exporters_json(const jalon_plugin *p)
{
	json_t *list = json_array();
	const char *format;
	for (size_t i = 0; list && (format = jalon_plugin_exporter(p, i)); i++)
		list = cli_json_append(list, json_string(format));
	return list;
}

static json_t *plugin_json(const jalon_plugin *p)
{
	const char *refusal = jalon_plugin_refusal(p);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s?, s:o*}", "kind",
	                 jalon_plugin_kind(p), "name", jalon_plugin_name(p), "version",
	                 jalon_plugin_version(p), "description", jalon_plugin_description(p),
	                 "api", jalon_plugin_api_version(p), "path", jalon_plugin_path(p), "loaded",
	                 jalon_plugin_loaded(p), "refusal", refusal, "exporters",
	                 exporters_json(p));
}

/*
 *	C   export-tsv 1.0.0 — chargé
 *	    /srv/jalon/cpas/plugins/export-tsv.so
 *	    Les actions du plan en valeurs séparées par des tabulations…
 *	    fournit : export tsv
 */
static void print_plugin(const jalon_plugin *p)
{
	printf("%-3s %s", jalon_plugin_kind(p), jalon_plugin_name(p));
	if (*jalon_plugin_version(p))
		printf(" %s", jalon_plugin_version(p));
	if (jalon_plugin_loaded(p))
		printf(" — chargé\n");
	else
		printf(" — refusé : %s\n", jalon_plugin_refusal(p));
	printf("    %s\n", jalon_plugin_path(p));
	if (jalon_plugin_loaded(p) && *jalon_plugin_description(p))
		printf("    %s\n", jalon_plugin_description(p));
	const char *format = jalon_plugin_exporter(p, 0);
	if (format) {
		printf("    fournit : export %s", format);
		for (size_t i = 1; (format = jalon_plugin_exporter(p, i)); i++)
			printf(", export %s", format);
		printf("\n");
	}
}

int cmd_plugins(cli_ctx *cx, int argc, char **argv)
{
	int first;
	if (cli_no_options(cx, argc, argv, &first))
		return cx->exit_code;
	if (first < argc)
		return cli_usage_error(cx, "argument inattendu « %s »", argv[first]);
	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	size_t n = 0;
	int rc = jalon_plugins_discover(&n, store);
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
	} else if (cx->json) {
		json_t *list = json_array();
		for (size_t i = 0; i < n; i++)
			list = cli_json_append(list, plugin_json(jalon_plugins_get(store, i)));
		code = cli_print_json(cx, list);
	} else {
		if (n == 0)
			printf("Aucun plug-in (dossiers : clé plugins.path de jalon.conf, par défaut "
			       "DIR/plugins).\n");
		for (size_t i = 0; i < n; i++)
			print_plugin(jalon_plugins_get(store, i));
		code = cli_finish_output(cx);
	}
	jalon_store_close(store);
	return code;
}
