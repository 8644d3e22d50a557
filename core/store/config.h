/* SPDX-License-Identifier: MIT */
/*
 * config — the store's configuration: DIR/jalon.conf, in git's configuration syntax
 * (sections, "key = value", # comments, quoted values), read and written with libgit2,
 * so that an IT service edits it like any .gitconfig and a mistake is reported with
 * its file and line:
 *
 *   [remind]
 *           notifier = smtp
 *           from = PST – CPAS d’Erezée <pst@cpas-erezee.be>
 *   [remind "task"]
 *           deadline = 7, 1
 *
 * The configuration is the administration's, not the plan's: it is not recorded in the
 * history (it may hold the path of a password file), and a missing file is an empty
 * configuration. The keys are documented where they are read (docs/remind.md).
 */
#ifndef JALON_CORE_CONFIG_H
#define JALON_CORE_CONFIG_H

#include <git2.h>

#include "model/util.h"
#include "store/store.h"

/* Opens DIR/jalon.conf (absent: empty). 0, or JALON_ECONFIG with the message set. */
int jl_config_open(jalon_store *s, git_config **out);

/*
 * The value of key ("remind.from", "remind.task.deadline") as a new string in *out,
 * or *out NULL when the key is not set. 0, or JALON_ECONFIG when the file cannot be
 * read (message set).
 */
int jl_config_get(jalon_store *s, git_config *cfg, const char *key, char **out);

/*
 * The folders a list names ("scripts:/srv/jalon/commun"), ':'-separated, each made
 * absolute against the store's folder (s NULL: the current one), trailing '/' dropped: at most max, into out;
 * returns how many. Empty entries are skipped.
 */
size_t jl_config_folders(jalon_store *s, const char *list, char out[][1024], size_t max);

/* The *.lua files of a folder (not those whose name starts with '.'), as paths sorted by
 * name, in *out; their count, or -1 (errno set) when the folder cannot be read — a
 * missing folder has none. Freed with jl_config_scripts_free. */
int jl_config_scripts(const char *dir, char ***out);
void jl_config_scripts_free(char **files, int n);

/*
 * The folders the built-in reports are found in when jalon.conf names none
 * (reports.path): those of $JALON_REPORTS_PATH (':'-separated), else the first that
 * exists of share/jalon/reports under the prefix the library (or the program it is
 * linked into) lies in — wherever that prefix was moved —, the sources' scripts/reports
 * when it runs from its build tree, and the folder chosen when it was configured.
 * Returns how many (at most max) were put in out; searched (may be NULL) gets the
 * folders looked at, ", "-separated, for a message that names them.
 */
size_t jl_config_reports_default(char out[][1024], size_t max, jl_buf *searched);

/* Fails with JALON_ECONFIG and "jalon.conf : KEY : message" (printf-style). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int jl_config_fail(jalon_store *s, const char *key, const char *fmt, ...);

#endif
