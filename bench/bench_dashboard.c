/* SPDX-License-Identifier: MIT */
/*
 * What the dashboard costs: imports a generated plan (10,000 actions by default), then
 * times `jalon report dashboard` producing the HTML file and, in the same run, `sqlite3`
 * dumping the same rows as CSV — the plan's items with their fields (the query table
 * the dashboard reads), and the items with their whole records. Best of five runs each.
 * A benchmark, not a test: it prints figures and asserts nothing.
 *
 *   bench_dashboard [ACTIONS]      (default 10000)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The best of five runs of a shell command, in seconds. */
static double best_of_five(const char *cmd)
{
	double best = 1e9;
	for (int i = 0; i < 5; i++) {
		double t0 = now();
		if (system(cmd) != 0) {
			fprintf(stderr, "bench_dashboard: échec de : %s\n", cmd);
			exit(1);
		}
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	size_t len;
	char *plan = bench_plan(n, &len);
	char tmpl[] = "/tmp/jalon-bench-XXXXXX";
	char *base = mkdtemp(tmpl);
	if (!base) {
		perror("bench_dashboard: mkdtemp");
		return 1;
	}
	char dir[4096], cmd[8192];
	snprintf(dir, sizeof dir, "%s/store", base);
	jalon_store *s;
	if (jalon_store_init(&s, dir, NULL) != 0 ||
	    jalon_store_set_author(s, "Banc d'essai", "bench@example.org") != 0 ||
	    jalon_import_buffer(s, plan, len, "plan.md", JALON_FORMAT_OUTLINE, NULL) != 0) {
		fprintf(stderr, "bench_dashboard: %s\n", jalon_errmsg(s));
		return 1;
	}
	jalon_store_close(s);
	free(plan);

	setenv("JALON_REPORTS_PATH", JALON_REPORTS_SRC, 0);
	snprintf(cmd, sizeof cmd, "'%s' --store '%s' report dashboard --date 2027-06-30 -o '%s/tdb.html'",
	         JALON_CLI, dir, base);
	double dashboard = best_of_five(cmd);
	snprintf(cmd, sizeof cmd, "sqlite3 -csv -header '%s/jalon.db' 'SELECT * FROM items' > '%s/items.csv'",
	         dir, base);
	double items = best_of_five(cmd);
	snprintf(cmd, sizeof cmd, "sqlite3 -csv -header '%s/jalon.db' 'SELECT items.*, records.body"
	         " FROM items JOIN records USING (id)' > '%s/records.csv'", dir, base);
	double records = best_of_five(cmd);
	snprintf(cmd, sizeof cmd, "%s/tdb.html", base);
	FILE *f = fopen(cmd, "rb");
	long size = 0;
	if (f && fseek(f, 0, SEEK_END) == 0)
		size = ftell(f);
	if (f)
		fclose(f);
	printf("plan de %d actions : tableau de bord (HTML, %ld octets) %.3f s ;\n"
	       "sqlite3, les éléments en CSV %.3f s (×%.2f) ; avec leurs enregistrements %.3f s (×%.2f)\n",
	       n, size, dashboard, items, dashboard / items, records, dashboard / records);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_dashboard: %s left behind\n", base);
	return 0;
}
