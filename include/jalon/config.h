/* SPDX-License-Identifier: MIT */
/*
 * Jalon — the store's configuration: DIR/jalon.conf, in git's configuration syntax,
 * edited by hand or through these functions (`jalon config`). It holds what the
 * administration decides and the plan does not: how reminders are sent and when
 * (docs/remind.md). It is not recorded in the history.
 *
 * Keys are written "section.key" or "section.subsection.key" ("remind.from",
 * "remind.task.deadline"), as git writes them.
 *
 * Implemented in core/store/config.c.
 */
#ifndef JALON_CONFIG_H
#define JALON_CONFIG_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The value of key. *out owned (jalon_free). JALON_ENOTFOUND when the key is not set;
 * JALON_ECONFIG when the file cannot be read (the message names its line). */
JALON_API int jalon_config_get(char **out, jalon_store *store, const char *key);
/* Sets key to value (value NULL: removes the key; JALON_ENOTFOUND if it was not set). */
JALON_API int jalon_config_set(jalon_store *store, const char *key, const char *value);
/* Every key as "key=value" lines, in file order. *out owned (jalon_free). */
JALON_API int jalon_config_list(char **out, jalon_store *store);

#ifdef __cplusplus
}
#endif

#endif
