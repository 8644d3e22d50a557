/* SPDX-License-Identifier: MIT */
/*
 * What scripts cost: imports a generated 10,000-action plan into a store without
 * scripts, then into one whose script registers an after_commit handler and a
 * before_change handler, and prints the times side by side. A benchmark, not a test:
 * it prints figures and asserts nothing.
 *
 *   bench_scripts [ACTIONS]      (default 10000)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jalon.h>

#include "plan.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double import_into(const char *dir, const char *plan, size_t len, const char *script)
{
	jalon_store *s;
	char path[4096];
	if (jalon_store_init(&s, dir, NULL) != 0 ||
	    jalon_store_set_author(s, "Banc d'essai", "bench@example.org") != 0) {
		fprintf(stderr, "bench_scripts: %s: %s\n", dir, jalon_errmsg(s));
		exit(1);
	}
	if (script) {
		snprintf(path, sizeof path, "%s/scripts", dir);
		mkdir(path, 0755);
		snprintf(path, sizeof path, "%s/scripts/hooks.lua", dir);
		FILE *f = fopen(path, "w");
		fputs(script, f);
		fclose(f);
	}
	double t0 = now();
	if (jalon_import_buffer(s, plan, len, "plan.md", JALON_FORMAT_OUTLINE, NULL) != 0) {
		fprintf(stderr, "bench_scripts: import: %s\n", jalon_errmsg(s));
		exit(1);
	}
	double t = now() - t0;
	jalon_store_close(s);
	return t;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	size_t len;
	char *plan = bench_plan(n, &len);
	char tmpl[] = "/tmp/jalon-bench-XXXXXX";
	char *base = mkdtemp(tmpl);
	char a[4096], b[4096], c[4096];
	snprintf(a, sizeof a, "%s/sans", base);
	snprintf(b, sizeof b, "%s/after", base);
	snprintf(c, sizeof c, "%s/before", base);
	double plain = import_into(a, plan, len, NULL);
	double after = import_into(b, plan, len,
		"local commits = 0\n"
		"jalon.on('after_commit', function(c) commits = commits + 1 end)\n");
	double before = import_into(c, plan, len,
		"jalon.on('before_change', function(c)\n"
		"  if c.new and c.new.title == '' then return false, 'titre requis' end\n"
		"end)\n");
	printf("import de %d actions : sans script %.2f s ; after_commit %.2f s (×%.2f) ;"
	       " before_change sur chaque enregistrement %.2f s (×%.2f)\n",
	       n, plain, after, after / plain, before, before / plain);
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_scripts: %s left behind\n", base);
	free(plan);
	return 0;
}
