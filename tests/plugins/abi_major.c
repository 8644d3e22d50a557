/* SPDX-License-Identifier: MIT */
/* A plug-in built for a major version of the ABI Jalon does not provide (2.0): refused,
 * unloaded, its init never called. */
#include <stdlib.h>

#include <jalon/plugin.h>

static int init(const jalon_plugin_api *api, jalon_plugin_host *host, char *err,
                size_t errlen)
{
	(void)api, (void)host, (void)err, (void)errlen;
	abort(); /* never called */
}

static const jalon_plugin_descriptor DESCRIPTOR = {
	JALON_PLUGIN_ABI_MAJOR + 1, 0, "abi-majeure", "2.0.0", "Pour une ABI future", init,
};

JALON_PLUGIN_EXPORT const jalon_plugin_descriptor *jalon_plugin_entry(void)
{
	return &DESCRIPTOR;
}
