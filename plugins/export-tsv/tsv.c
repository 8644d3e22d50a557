/* SPDX-License-Identifier: MIT */
/*
 * export-tsv — a C plug-in for Jalon: `jalon export --format tsv` writes the plan's
 * actions as tab-separated values, one line each under a header line:
 *
 *	id	label	titre	statut	échéance
 *	action-4	Action 1	Rédiger le règlement de travail	en cours	15/01/2020
 *
 * in plan order, drafts left out, as a spreadsheet opens them. The échéance is the text
 * as the plan wrote it (« fin 2020 », « 1x/trimestre » for a recurring duty); a tab or
 * a line break inside a value becomes a space, since TSV has no quoting.
 *
 * It calls Jalon only through the function table it receives (include/jalon/plugin.h)
 * and links nothing of Jalon's; it reads the records' JSON with jansson.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jalon/plugin.h>

/* The output, grown with the host's allocator: the host frees what it is handed. */
struct out {
	const jalon_plugin_api *api;
	char *text;
	size_t len, cap;
	int failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *bigger = o->api->mem_realloc(o->text, cap);
		if (!bigger) {
			o->failed = 1;
			return;
		}
		o->text = bigger;
		o->cap = cap;
	}
	memcpy(o->text + o->len, s, n);
	o->len += n;
	o->text[o->len] = '\0';
}

/* One value: tabs and line breaks made spaces. */
static void put_value(struct out *o, const char *s)
{
	for (s = s ? s : ""; *s; s++) {
		size_t n = strcspn(s, "\t\r\n");
		put(o, s, n);
		s += n;
		if (!*s)
			break;
		put(o, " ", 1);
	}
}

/* The échéance as written: the deadline's text, else the recurrence's (a plan writes
 * « 1x/trimestre » in the échéance column; Jalon keeps it as a recurrence). */
static const char *deadline_as_written(json_t *rec)
{
	static const char *const keys[] = {"deadline", "recurrence"};
	for (size_t i = 0; i < 2; i++) {
		const char *text = json_string_value(json_object_get(json_object_get(rec, keys[i]),
		                                                     "text"));
		if (text && *text)
			return text;
	}
	return "";
}

static int export_tsv(void *ud, jalon_store *store, char **out, size_t *len, char *err,
                      size_t errlen)
{
	const jalon_plugin_api *api = ud;
	jalon_query q = JALON_QUERY_INIT;
	q.kinds = 1u << JALON_KIND_ACTION;
	jalon_item_list *list = NULL;
	if (api->query_run(&list, store, &q) != 0) {
		snprintf(err, errlen, "lecture des actions impossible : %s", api->errmsg(store));
		return JALON_ERROR;
	}
	struct out o = {api, NULL, 0, 0, 0};
	const char header[] = "id\tlabel\ttitre\tstatut\téchéance\n";
	put(&o, header, sizeof header - 1);
	size_t n = api->item_list_count(list);
	for (size_t i = 0; i < n && !o.failed; i++) {
		const jalon_item *item = api->item_list_get(list, i);
		json_t *rec = json_loads(api->item_json(item), 0, NULL);
		put_value(&o, api->item_id(item));
		put(&o, "\t", 1);
		put_value(&o, api->item_label(item));
		put(&o, "\t", 1);
		put_value(&o, api->item_title(item));
		put(&o, "\t", 1);
		put_value(&o, api->item_status(item));
		put(&o, "\t", 1);
		put_value(&o, rec ? deadline_as_written(rec) : "");
		put(&o, "\n", 1);
		json_decref(rec);
	}
	api->item_list_free(list);
	if (o.failed) {
		api->mem_free(o.text);
		snprintf(err, errlen, "mémoire épuisée");
		return JALON_ENOMEM;
	}
	*out = o.text;
	*len = o.len;
	return 0;
}

static int init(const jalon_plugin_api *api, jalon_plugin_host *host, char *err,
                size_t errlen)
{
	(void)err; /* a refused registration says why itself */
	(void)errlen;
	/* The table is all the exporter needs: it travels as the exporter's data. */
	return api->register_exporter(host, "tsv", export_tsv, (void *)api);
}

static const jalon_plugin_descriptor DESCRIPTOR = {
	JALON_PLUGIN_ABI_MAJOR,
	JALON_PLUGIN_ABI_MINOR,
	"export-tsv",
	"1.0.0",
	"Les actions du plan en valeurs séparées par des tabulations (jalon export --format tsv)",
	init,
};

JALON_PLUGIN_EXPORT const jalon_plugin_descriptor *jalon_plugin_entry(void)
{
	return &DESCRIPTOR;
}
