/* SPDX-License-Identifier: MIT */
/*
 * A writer for the crash and concurrency tests: makes changes to a store one after the
 * other and prints a line for each one the library acknowledged, flushed at once, so
 * that a test killing it at any instruction knows which changes must have survived.
 *
 *   crash_writer STORE NAME FIRST COUNT
 *
 * Change i (FIRST ≤ i < FIRST + COUNT) adds the action "NAME-i" under OO 1; every third
 * change also sets the progress of the action added just before it. Output lines:
 *   add NAME-i ID
 *   set ID PROGRESS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jalon.h>

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: crash_writer STORE NAME FIRST COUNT\n");
		return 64;
	}
	const char *name = argv[2];
	long first = atol(argv[3]), count = atol(argv[4]);
	jalon_store *store;
	if (jalon_store_open(&store, argv[1], NULL) != 0) {
		fprintf(stderr, "crash_writer: %s\n", jalon_errmsg(store));
		jalon_store_close(store);
		return 1;
	}
	char email[256];
	snprintf(email, sizeof email, "%s@example.org", name);
	jalon_store_set_author(store, name, email);
	char *last_id = NULL;
	int rc = 0;
	for (long i = first; i < first + count && rc == 0; i++) {
		char title[256];
		char *id = NULL;
		snprintf(title, sizeof title, "%s-%ld", name, i);
		rc = jalon_item_add(&id, store, JALON_KIND_ACTION, "OO 1", title, NULL, 0);
		if (rc == 0) {
			printf("add %s %s\n", title, id);
			fflush(stdout);
			free(last_id);
			last_id = id;
		}
		if (rc == 0 && i % 3 == 0 && last_id) {
			char assignment[64];
			snprintf(assignment, sizeof assignment, "avancement=%ld", i % 101);
			const char *a[] = {assignment};
			rc = jalon_item_set(store, last_id, a, 1);
			if (rc == 0) {
				printf("set %s %ld\n", last_id, i % 101);
				fflush(stdout);
			}
		}
	}
	if (rc != 0)
		fprintf(stderr, "crash_writer: %s\n", jalon_errmsg(store));
	free(last_id);
	jalon_store_close(store);
	return rc == 0 ? 0 : 1;
}
