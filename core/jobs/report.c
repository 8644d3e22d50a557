/* SPDX-License-Identifier: MIT */
/*
 * The reports (include/jalon/report.h): run by the provider that has them, listed from
 * all of them; without a store, the built-in reports' files.
 */
#include "jobs/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jalon/report.h"
#include "model/util.h"
#include "store/config.h"
#include "store/store.h"

const jl_point jl_report_point = {"rapports"};

int jl_report_provider_add(jalon_store *s, const jl_report_provider *p)
{
	return jl_registry_add(s, &jl_report_point, p, sizeof *p);
}

int jalon_report_run(char **out, size_t *len, jalon_store *s, const char *name,
                     const char *const *args, size_t nargs, const char *output)
{
	*out = NULL;
	if (len)
		*len = 0;
	jl_store_clear_error(s);
	if (!name || !*name)
		return jl_store_fail(s, JALON_EINVALID, "rapport : un nom est attendu");
	int rc = JALON_ENOTFOUND, asked = 0;
	for (const jl_report_provider *p = NULL;
	     rc == JALON_ENOTFOUND && (p = jl_registry_next(s, &jl_report_point, p));) {
		rc = p->run(p->ud, s, name, args, nargs, output, out, len);
		asked = 1;
	}
	if (!asked)
		return jl_store_fail(s, JALON_ENOTFOUND, "rapport « %s » : le registre est ouvert "
		                     "sans ses scripts ni ses plug-ins, qui font les rapports", name);
	return rc;
}

/* The built-in reports' files: each NAME.lua of the default folders is report NAME
   (docs/reports.md), the first folder's winning. */
static int list_builtin(json_t *names)
{
	char dirs[8][1024];
	size_t n = jl_config_reports_default(dirs, 8, NULL);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char **files;
		int count = jl_config_scripts(dirs[i], &files);
		for (int k = 0; rc == 0 && k < count; k++) {
			const char *base = strrchr(files[k], '/') + 1;
			char *name = jl_strndup(base, strlen(base) - 4); /* without ".lua" */
			if (!name || (!json_object_get(names, name) &&
			              json_object_set_new(names, name, json_string(files[k])) != 0))
				rc = JALON_ENOMEM;
			free(name);
		}
		jl_config_scripts_free(files, count);
	}
	return rc;
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int jalon_report_list(char **out, jalon_store *store)
{
	*out = NULL;
	if (store)
		jl_store_clear_error(store);
	json_t *names = json_object();
	if (!names)
		return JALON_ENOMEM;
	int rc = 0;
	if (store)
		for (const jl_report_provider *p = NULL;
		     rc == 0 && (p = jl_registry_next(store, &jl_report_point, p));)
			rc = p->list ? p->list(p->ud, store, names) : 0;
	else
		rc = list_builtin(names);
	size_t n = json_object_size(names), k = 0;
	const char **keys = calloc(n ? n : 1, sizeof *keys);
	const char *key;
	json_t *v;
	if (rc == 0 && !keys)
		rc = JALON_ENOMEM;
	if (rc == 0) {
		json_object_foreach(names, key, v)
			keys[k++] = key;
		qsort(keys, n, sizeof *keys, compare_keys);
		jl_buf b = JL_BUF_INIT;
		for (size_t i = 0; i < n; i++)
			jl_buf_printf(&b, "%s\t%s\n", keys[i],
			              json_string_value(json_object_get(names, keys[i])));
		jl_buf_puts(&b, "");
		*out = jl_buf_detach(&b);
		if (!*out)
			rc = JALON_ENOMEM;
	}
	free(keys);
	json_decref(names);
	return rc;
}
