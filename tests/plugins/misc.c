/* SPDX-License-Identifier: MIT */
/*
 * A plug-in that tries the registration rules: a built-in format and a bad name are
 * refused during init; "compte" counts the actions and, while exporting, tries to
 * register again with the host it kept (refused: registration is for init only);
 * "echec" fails with a message.
 */
#include <stdio.h>
#include <string.h>

#include <jalon/plugin.h>

/* What init saw, for the exporter to report. A test plug-in may keep state so; the
 * host handle is kept only to show that a late registration is refused. */
static int builtin_rc, bad_name_rc;
static jalon_plugin_host *kept_host;

static int export_nothing(void *ud, jalon_store *store, char **out, size_t *len, char *err,
                          size_t errlen)
{
	(void)ud, (void)store, (void)out, (void)len, (void)err, (void)errlen;
	return 0;
}

static int export_count(void *ud, jalon_store *store, char **out, size_t *len, char *err,
                        size_t errlen)
{
	const jalon_plugin_api *api = ud;
	jalon_query q = JALON_QUERY_INIT;
	q.kinds = 1u << JALON_KIND_ACTION;
	jalon_item_list *list;
	if (api->query_run(&list, store, &q) != 0) {
		snprintf(err, errlen, "%s", api->errmsg(store));
		return JALON_ERROR;
	}
	int late_rc = api->register_exporter(kept_host, "tard", export_nothing, NULL);
	char text[256];
	int n = snprintf(text, sizeof text, "actions=%zu json=%d nom=%d tard=%d (%s) lib=%s\n",
	                 api->item_list_count(list), builtin_rc, bad_name_rc, late_rc,
	                 api->errmsg(store), api->lib_version());
	api->item_list_free(list);
	if (!(*out = api->mem_alloc((size_t)n)))
		return JALON_ENOMEM;
	memcpy(*out, text, (size_t)n); /* no NUL: the host adds one */
	*len = (size_t)n;
	return 0;
}

static int export_fail(void *ud, jalon_store *store, char **out, size_t *len, char *err,
                       size_t errlen)
{
	(void)ud, (void)store, (void)out, (void)len;
	snprintf(err, errlen, "rien à exporter");
	return JALON_EINVALID;
}

static int init(const jalon_plugin_api *api, jalon_plugin_host *host, char *err,
                size_t errlen)
{
	(void)err, (void)errlen;
	kept_host = host;
	builtin_rc = api->register_exporter(host, "json", export_nothing, NULL);
	bad_name_rc = api->register_exporter(host, "Pas Bon", export_nothing, NULL);
	int rc = api->register_exporter(host, "compte", export_count, (void *)api);
	return rc ? rc : api->register_exporter(host, "echec", export_fail, NULL);
}

static const jalon_plugin_descriptor DESCRIPTOR = {
	JALON_PLUGIN_ABI_MAJOR, JALON_PLUGIN_ABI_MINOR, "divers", "0.3", "Essaie les règles", init,
};

JALON_PLUGIN_EXPORT const jalon_plugin_descriptor *jalon_plugin_entry(void)
{
	return &DESCRIPTOR;
}
