/* SPDX-License-Identifier: MIT */
/* A plug-in that says when it is opened: its constructor runs at dlopen, before any
 * check of its descriptor, and sets JALON_TEST_PLUGIN_OPENED in the environment. The
 * tests use it to show that an untrusted file is refused without being opened. */
#include <stdlib.h>

#include <jalon/plugin.h>

__attribute__((constructor)) static void opened(void)
{
	setenv("JALON_TEST_PLUGIN_OPENED", "1", 1);
}

static const jalon_plugin_descriptor DESCRIPTOR = {
	JALON_PLUGIN_ABI_MAJOR, JALON_PLUGIN_ABI_MINOR, "bruyant", "0.1", "Se signale", NULL,
};

JALON_PLUGIN_EXPORT const jalon_plugin_descriptor *jalon_plugin_entry(void)
{
	return &DESCRIPTOR;
}
