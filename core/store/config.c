/* SPDX-License-Identifier: MIT */
/* The store's configuration file, through libgit2's configuration parser. */
#define _GNU_SOURCE /* dladdr */
#include "store/config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jalon/config.h"
#include "model/util.h"

static int fail_read(jalon_store *s)
{
	const git_error *e = git_error_last(); /* may be NULL with libgit2 1.5 */
	return jl_store_fail(s, JALON_ECONFIG, "configuration illisible : %s",
	                     e && e->message ? e->message : "erreur inconnue");
}

size_t jl_config_folders(jalon_store *s, const char *list, char out[][1024], size_t max)
{
	size_t count = 0;
	for (const char *c = list; *c && count < max;) {
		size_t n = strcspn(c, ":"), len = n;
		while (len > 1 && c[len - 1] == '/')
			len--; /* "plugins/" is "plugins" */
		if (len)
			snprintf(out[count++], 1024, "%s%s%.*s", c[0] == '/' ? "" : s ? s->dir : ".",
			         c[0] == '/' ? "" : "/", (int)len, c);
		c += n + (c[n] == ':');
	}
	return count;
}

int jl_config_fail(jalon_store *s, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return jl_store_fail(s, JALON_ECONFIG, "%s/jalon.conf : %s : %s", s->dir, key, msg);
}

int jl_config_open(jalon_store *s, git_config **out)
{
	char *path = jl_sprintf("%s/jalon.conf", s->dir);
	git_config *cfg = NULL;
	int rc = git_config_new(&cfg);
	if (rc == 0)
		rc = git_config_add_file_ondisk(cfg, path, GIT_CONFIG_LEVEL_LOCAL, NULL, 0);
	free(path);
	if (rc != 0) {
		git_config_free(cfg);
		return fail_read(s);
	}
	*out = cfg;
	return 0;
}

int jl_config_get(jalon_store *s, git_config *cfg, const char *key, char **out)
{
	git_buf buf = GIT_BUF_INIT;
	*out = NULL;
	int rc = git_config_get_string_buf(&buf, cfg, key);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc != 0)
		return fail_read(s);
	*out = jl_strdup(buf.ptr);
	git_buf_dispose(&buf);
	return 0;
}

/* ---------------------------------------------------------------- public API */

int jalon_config_get(char **out, jalon_store *store, const char *key)
{
	git_config *cfg;
	*out = NULL;
	if (jl_config_open(store, &cfg) != 0)
		return JALON_ECONFIG;
	int rc = jl_config_get(store, cfg, key, out);
	git_config_free(cfg);
	if (rc == 0 && !*out)
		return jl_store_fail(store, JALON_ENOTFOUND, "%s : clé absente de la configuration", key);
	return rc;
}

int jalon_config_set(jalon_store *store, const char *key, const char *value)
{
	git_config *cfg;
	if (jl_config_open(store, &cfg) != 0)
		return JALON_ECONFIG;
	int rc = value ? git_config_set_string(cfg, key, value) : git_config_delete_entry(cfg, key);
	if (rc == GIT_ENOTFOUND)
		rc = jl_store_fail(store, JALON_ENOTFOUND, "%s : clé absente de la configuration", key);
	else if (rc != 0)
		rc = jl_store_fail(store, JALON_EINVALID, "%s : %s", key,
		                   git_error_last() ? git_error_last()->message : "clé invalide");
	git_config_free(cfg);
	return rc;
}

int jalon_config_list(char **out, jalon_store *store)
{
	git_config *cfg;
	git_config_iterator *it;
	git_config_entry *e;
	jl_buf b = JL_BUF_INIT;
	*out = NULL;
	if (jl_config_open(store, &cfg) != 0)
		return JALON_ECONFIG;
	if (git_config_iterator_new(&it, cfg) != 0) {
		git_config_free(cfg);
		return fail_read(store);
	}
	jl_buf_puts(&b, "");
	while (git_config_next(&e, it) == 0)
		jl_buf_printf(&b, "%s=%s\n", e->name, e->value);
	git_config_iterator_free(it);
	git_config_free(cfg);
	*out = jl_buf_detach(&b);
	return *out ? 0 : JALON_ENOMEM;
}

/* ---------------------------------------------------------------- scripts in a folder */

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.lua files of a folder, sorted; their count, or -1 when the folder is unreadable
   (a missing folder has none). */
int jl_config_scripts(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	*out = NULL;
	if (!d)
		return errno == ENOENT ? 0 : -1;
	size_t n = 0, cap = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".lua") || e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			char **grown = realloc(*out, cap * sizeof *grown);
			if (!grown)
				break;
			*out = grown;
		}
		(*out)[n++] = jl_sprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(*out, n, sizeof **out, compare_names);
	return (int)n;
}

void jl_config_scripts_free(char **files, int n)
{
	for (int i = 0; i < n; i++)
		free(files[i]);
	free(files);
}

/* ---------------------------------------------------------------- the library's own data */

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder of the file this code was loaded from: the shared library, or the program
   a static library was linked into. 0, or -1. */
static int own_folder(char out[PATH_MAX])
{
	Dl_info info;
	if (!dladdr((void *)own_folder, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, out))
		return -1;
	char *slash = strrchr(out, '/');
	if (!slash)
		return -1;
	slash[slash == out] = '\0';
	return 0;
}

/* 1 when folder is the build tree (CMake's binary folder) or inside it. */
static int in_build_tree(const char *folder)
{
	char build[PATH_MAX];
	if (!realpath(JALON_BUILD_DIR, build))
		return 0;
	size_t n = strlen(build);
	return !strncmp(folder, build, n) && (folder[n] == '\0' || folder[n] == '/');
}

size_t jl_config_reports_default(char out[][1024], size_t max, jl_buf *searched)
{
	const char *env = getenv("JALON_REPORTS_PATH");
	if (env && *env) {
		size_t n = jl_config_folders(NULL, env, out, max);
		for (size_t i = 0; searched && i < n; i++)
			jl_buf_printf(searched, "%s%s", searched->len ? ", " : "", out[i]);
		return n;
	}
	char here[PATH_MAX], *candidates[4];
	size_t n = 0;
	if (own_folder(here) == 0) {
		/* Installed: share/jalon/reports under the prefix, wherever it was moved. */
		candidates[n++] = jl_sprintf("%s/%s", here, JALON_LIB_TO_REPORTS);
		candidates[n++] = jl_sprintf("%s/%s", here, JALON_BIN_TO_REPORTS);
		/* Uninstalled, in the build tree: the sources' reports. */
		if (in_build_tree(here))
			candidates[n++] = jl_strdup(JALON_SOURCE_REPORTS_DIR);
	}
	candidates[n++] = jl_strdup(JALON_REPORTS_DIR);
	size_t found = 0;
	jl_buf tried = JL_BUF_INIT;
	char real[4][PATH_MAX];
	for (size_t i = 0; i < n; i++) {
		if (!candidates[i] || !realpath(candidates[i], real[i]))
			snprintf(real[i], PATH_MAX, "%s", candidates[i] ? candidates[i] : "");
		const char *shown = real[i];
		size_t len = strlen(shown);
		int again = 0;
		for (size_t k = 0; k < i; k++)
			again |= !strcmp(real[k], shown);
		if (!found && len && !again)
			jl_buf_printf(&tried, "%s%s", tried.len ? ", " : "", shown);
		if (!found && max && len && len < 1024 && is_dir(shown)) {
			memcpy(out[0], shown, len + 1);
			found = 1;
		}
		free(candidates[i]);
	}
	/* The folder used, or every folder tried when none is there. */
	if (searched)
		jl_buf_puts(searched, found ? out[0] : tried.ptr ? tried.ptr : "");
	jl_buf_free(&tried);
	return found;
}
