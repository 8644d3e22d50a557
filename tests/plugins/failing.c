/* SPDX-License-Identifier: MIT */
/* A plug-in whose init fails after registering a format: refused with its message,
 * the format dropped. */
#include <stdio.h>

#include <jalon/plugin.h>

static int export_nothing(void *ud, jalon_store *store, char **out, size_t *len, char *err,
                          size_t errlen)
{
	(void)ud, (void)store, (void)out, (void)len, (void)err, (void)errlen;
	return 0;
}

static int init(const jalon_plugin_api *api, jalon_plugin_host *host, char *err,
                size_t errlen)
{
	api->register_exporter(host, "panne", export_nothing, NULL);
	snprintf(err, errlen, "service externe injoignable");
	return -1;
}

static const jalon_plugin_descriptor DESCRIPTOR = {
	JALON_PLUGIN_ABI_MAJOR, JALON_PLUGIN_ABI_MINOR, "en-panne", "0.1", "Échoue", init,
};

JALON_PLUGIN_EXPORT const jalon_plugin_descriptor *jalon_plugin_entry(void)
{
	return &DESCRIPTOR;
}
