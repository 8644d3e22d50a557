/* SPDX-License-Identifier: MIT */
/* A plug-in that needs a minor version of the ABI newer than Jalon's: refused. */
#include <stdlib.h>

#include <jalon/plugin.h>

static int init(const jalon_plugin_api *api, jalon_plugin_host *host, char *err,
                size_t errlen)
{
	(void)api, (void)host, (void)err, (void)errlen;
	abort(); /* never called */
}

static const jalon_plugin_descriptor DESCRIPTOR = {
	JALON_PLUGIN_ABI_MAJOR, JALON_PLUGIN_ABI_MINOR + 1, "abi-mineure", "1.0.0",
	"Demande une table plus récente", init,
};

JALON_PLUGIN_EXPORT const jalon_plugin_descriptor *jalon_plugin_entry(void)
{
	return &DESCRIPTOR;
}
