/* SPDX-License-Identifier: MIT */
/* Shared by the unit tests: scratch stores in a temporary directory. */
#ifndef JALON_TEST_HELPERS_H
#define JALON_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <jalon.h>

/* A new, empty directory path under $TMPDIR (the directory itself is not created). */
static inline char *scratch_path(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/jalon-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	char *dir = mkdtemp(tmpl);
	if (!dir)
		return NULL;
	char *path = malloc(strlen(dir) + 8);
	sprintf(path, "%s/store", dir);
	return path;
}

static inline void remove_tree(const char *path)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

/* A new store in a scratch directory, with an acting person; *dir gets its path.
 * Needs cmocka.h included before this header. */
static inline jalon_store *scratch_store(const char *name, const char *author,
                                         const char *email, char **dir)
{
	jalon_store *s;
	*dir = scratch_path(name);
	assert_non_null(*dir);
	assert_int_equal(jalon_store_init(&s, *dir, NULL), 0);
	assert_int_equal(jalon_store_set_author(s, author, email), 0);
	return s;
}

/* Closes a scratch store and removes its directory. */
static inline void scratch_store_close(jalon_store *s, char *dir)
{
	jalon_store_close(s);
	remove_tree(dir);
	free(dir);
}

/* The fixture of the tests that need only a scratch store. */
struct store_fixture {
	char *dir;
	jalon_store *store;
};

/* cmocka teardown of a store_fixture: closes the store, removes its folder. */
static inline int store_fixture_teardown(void **state)
{
	struct store_fixture *f = *state;
	scratch_store_close(f->store, f->dir);
	free(f);
	return 0;
}

/* Writes a file with text (replaced); fails the test when it cannot. */
static inline void write_text(const char *path, const char *text)
{
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	assert_int_equal(fclose(out), 0);
}

/* Writes DIR/scripts/name with text. */
static inline void store_fixture_script(struct store_fixture *f, const char *name,
                                        const char *text)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/scripts", f->dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/scripts/%s", f->dir, name);
	write_text(path, text);
}

/* Closes and reopens the fixture's store (which then loads its scripts anew), acting as
 * author. */
static inline void store_fixture_reopen(struct store_fixture *f, const char *author,
                                        const char *email)
{
	jalon_store_close(f->store);
	assert_int_equal(jalon_store_open(&f->store, f->dir, NULL), 0);
	assert_int_equal(jalon_store_set_author(f->store, author, email), 0);
}

/* A whole file (malloc'd, NUL-terminated); its length in *len when len is not NULL.
 * Fails the test when it cannot be read. */
static inline char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s", path);
	size_t used = 0, cap = 4096;
	char *text = malloc(cap + 1);
	for (size_t n; text && (n = fread(text + used, 1, cap - used, f)) > 0;) {
		used += n;
		if (used == cap)
			text = realloc(text, (cap *= 2) + 1);
	}
	fclose(f);
	if (!text)
		fail_msg("out of memory reading %s", path);
	text[used] = '\0';
	if (len)
		*len = used;
	return text;
}

/* Runs a shell command and returns its first output line (malloc'd, no newline). */
static inline char *run_line(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char buf[4096] = "";
	if (!p)
		return NULL;
	if (!fgets(buf, sizeof buf, p))
		buf[0] = '\0';
	pclose(p);
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

#endif
