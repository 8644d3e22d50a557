/* SPDX-License-Identifier: MIT */
/*
 * The plan the benchmarks measure: n actions, an OS per 1,000 (volets alternating), an
 * OO per 100, with what real plans carry: a Qui ?, an échéance, statuses, priority
 * actions, budget lines with what was spent, a few indicators and synergies.
 */
#ifndef JALON_BENCH_PLAN_H
#define JALON_BENCH_PLAN_H

#include <stdio.h>
#include <stdlib.h>

static const char *const BENCH_STATUSES[] = {"à lancer", "en cours", "en cours", "terminé",
                                             "reporté"};

/* The outline text of the plan (malloc'd), its length in *len. */
static char *bench_plan(int n, size_t *len)
{
	size_t cap = (size_t)n * 400 + 4096, used = 0;
	char *text = malloc(cap);
	if (!text)
		exit(1);
	used += (size_t)snprintf(text, cap, "---\norganisation: CPAS de Banc d'essai\n"
	                                    "titre: PST 2025-2030\npériode: 2025-2030\n---\n");
	for (int i = 0; i < n; i++) {
		if (i % 1000 == 0)
			used += (size_t)snprintf(text + used, cap - used, "# Volet %s\n## OS %d : Objectif %d\n",
			                         i / 1000 % 2 ? "interne" : "externe", i / 1000 + 1,
			                         i / 1000 + 1);
		if (i % 100 == 0)
			used += (size_t)snprintf(text + used, cap - used, "### OO %d : Levier %d\n",
			                         i / 100 + 1, i / 100 + 1);
		used += (size_t)snprintf(text + used, cap - used,
		                         "- Action %d : Mener l'action numéro %d\n  qui: DG\n"
		                         "  échéance: %s 20%d\n  statut: %s\n", i + 1, i + 1,
		                         i % 2 ? "mars" : "novembre", 26 + i % 4, BENCH_STATUSES[i % 5]);
		if (i % 10 == 0)
			used += (size_t)snprintf(text + used, cap - used, "  priorité: oui\n");
		if (i % 4 == 0)
			used += (size_t)snprintf(text + used, cap - used,
			                         "  budget: 2026 ; %d 000 € ; 8451 ; Wallonie ; ; %d 000 €\n",
			                         1 + i % 50, i % 30);
		if (i % 50 == 0)
			used += (size_t)snprintf(text + used, cap - used,
			                         "  synergie: oui\n  indicateur: Personnes aidées ; base: 10 ;"
			                         " cible: 50 ; année: 2030\n  mesure: 2026-12-31 ; 22\n");
	}
	*len = used;
	return text;
}

#endif
