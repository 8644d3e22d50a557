/* SPDX-License-Identifier: MIT */
/*
 * report — the reports of include/jalon/report.h (jobs/report.c): whoever provides them
 * registers at the reports' point; jalon_report_run asks each provider in turn.
 */
#ifndef JALON_CORE_REPORT_H
#define JALON_CORE_REPORT_H

#include <jansson.h>

#include "store/registry.h"

typedef struct jl_report_provider {
	/* Runs report name: 0 and *out (malloc'd, NUL-terminated, *len bytes before the
	   NUL); JALON_ENOTFOUND when it has no report of that name (its message saying
	   where it looked); another error with the store's message. */
	int (*run)(void *ud, jalon_store *s, const char *name, const char *const *args,
	           size_t nargs, const char *output, char **out, size_t *len);
	/* Adds the reports it has to names: name → where it is defined (a file). */
	int (*list)(void *ud, jalon_store *s, json_t *names);
	void *ud;
} jl_report_provider;

extern const jl_point jl_report_point;
/* Registers a report provider (copied). 0, or JALON_ENOMEM. */
int jl_report_provider_add(jalon_store *s, const jl_report_provider *p);

#endif
