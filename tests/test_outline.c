/* SPDX-License-Identifier: MIT */
/*
 * The outline format: the two real plans of examples/, each rule of the grammar, every
 * error with its file:line message, hostile input, and round trips (parse → write →
 * parse gives the same document; a document built through the API comes back renumbered).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc_helpers.h"

#define parse_ok(text) doc_parse_ok(jl_outline_parse, "t.md", (text))
#define expect_error(text, message) doc_expect_error(jl_outline_parse, "t.md", (text), (message))

#include "format/outline.h"
#include "model/plandoc.h"
#include "model/util.h"

#ifndef JALON_EXAMPLES_DIR
#define JALON_EXAMPLES_DIR "examples"
#endif

/* ---------------------------------------------------------------- helpers */

static char *read_file(const char *rel, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", JALON_EXAMPLES_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	jl_buf b = JL_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		jl_buf_put(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return jl_buf_detach(&b);
}

static void expect_error_starting(const char *text, const char *start)
{
	char err[2048] = "";
	json_t *doc = jl_outline_parse(text, strlen(text), "t.md", err, sizeof err);
	if (doc) {
		json_decref(doc);
		fail_msg("parsed, expected « %s… »", start);
	}
	if (strncmp(err, start, strlen(start)) != 0)
		fail_msg("« %s » does not start with « %s »", err, start);
}

static json_t *item(const json_t *doc, size_t i)
{
	return json_array_get(jl_plandoc_items(doc), i);
}

static size_t count_kind(const json_t *doc, jalon_kind kind)
{
	size_t i, count = 0;
	json_t *it;
	json_array_foreach(jl_plandoc_items(doc), i, it)
		count += jl_record_kind(it) == (int)kind;
	return count;
}

static size_t count_nonempty(const json_t *doc, const char *field, jalon_kind kind)
{
	size_t i, count = 0;
	json_t *it, *v;
	json_array_foreach(jl_plandoc_items(doc), i, it) {
		v = json_object_get(it, field);
		if ((int)kind >= 0 && jl_record_kind(it) != (int)kind)
			continue;
		count += json_is_string(v) ? *json_string_value(v) != '\0' : !json_is_null(v);
	}
	return count;
}

static size_t children(const json_t *doc, const char *id)
{
	size_t i, count = 0;
	json_t *it;
	json_array_foreach(jl_plandoc_items(doc), i, it)
		count += parent_of(it) && !strcmp(parent_of(it), id);
	return count;
}

/* parse(write(doc)) must equal doc renumbered. */
static void assert_round_trip(const json_t *doc)
{
	char err[2048] = "";
	char *text = jl_outline_write(doc);
	assert_non_null(text);
	json_t *back = jl_outline_parse(text, strlen(text), "écrit.md", err, sizeof err);
	if (!back)
		fail_msg("rewritten outline does not parse: %s\n%s", err, text);
	json_t *want = json_deep_copy(doc);
	assert_int_equal(jl_plandoc_check(want, err, sizeof err), 0);
	assert_int_equal(jl_plandoc_renumber(want), 0);
	doc_assert_equal(want, back, text);
	/* Writing is deterministic, and writing again what was read gives the same text. */
	char *again = jl_outline_write(back);
	assert_string_equal(text, again);
	free(again);
	free(text);
	json_decref(want);
	json_decref(back);
}

/* ---------------------------------------------------------------- real plans */

static void test_erezee(void **state)
{
	(void)state;
	size_t len;
	char err[1024];
	char *text = read_file("erezee/pst-erezee-2019-2024.md", &len);
	json_t *doc = jl_outline_parse(text, len, "erezee.md", err, sizeof err);
	if (!doc)
		fail_msg("%s", err);
	json_t *plan = jl_plandoc_plan(doc);
	assert_string_equal(s(plan, "organisation"), "CPAS d’Erezée");
	assert_int_equal(json_integer_value(json_object_get(plan, "period_start")), 2019);
	assert_int_equal(json_integer_value(json_object_get(plan, "period_end")), 2024);
	assert_int_equal(json_array_size(json_object_get(plan, "sections")), 6);
	assert_string_equal(s(json_array_get(json_object_get(plan, "sections"), 1), "title"),
	                    "AFOM : les enjeux stratégiques");
	assert_int_equal(count_kind(doc, JALON_KIND_OS), 1);
	assert_int_equal(count_kind(doc, JALON_KIND_OO), 5);
	assert_int_equal(count_kind(doc, JALON_KIND_ACTION), 12);
	assert_int_equal(count_kind(doc, JALON_KIND_TASK), 15);
	json_t *os = item(doc, 0);
	assert_string_equal(s(os, "volet"), "externe");
	assert_string_equal(s(os, "label"), "");
	assert_contains(s(os, "description"), "nous allons nous centrer");
	json_t *oo1 = jl_plandoc_find(doc, "oo-1");
	assert_string_equal(s(oo1, "label"), "OO1");
	assert_string_equal(s(oo1, "title"), "Assurer un accompagnement des citoyens les plus démunis");
	json_t *a1 = jl_plandoc_find(doc, "action-1");
	assert_string_equal(s(a1, "label"), "Action 1");
	assert_string_equal(s(a1, "title"),
	                    "Améliorer les services de proximité : repas à domicile – mobilité");
	/* Actions per OO, tasks per action, as examples/README.md counts them. */
	const size_t per_oo[] = {4, 1, 3, 2, 2};
	for (int i = 0; i < 5; i++) {
		char id[16];
		snprintf(id, sizeof id, "oo-%d", i + 1);
		assert_int_equal(children(doc, id), per_oo[i]);
	}
	const size_t per_action[] = {5, 1, 0, 2, 2, 1, 0, 0, 3, 1, 0, 0};
	for (int i = 0; i < 12; i++) {
		char id[16];
		snprintf(id, sizeof id, "action-%d", i + 1);
		assert_int_equal(children(doc, id), per_action[i]);
	}
	assert_string_equal(s(jl_plandoc_find(doc, "action-11"), "label"), "");
	assert_int_equal(count_nonempty(doc, "who", JALON_KIND_TASK), 13);
	assert_int_equal(count_nonempty(doc, "who", JALON_KIND_ACTION), 2);
	assert_int_equal(count_nonempty(doc, "recurrence", -1), 8);
	assert_int_equal(count_nonempty(doc, "deadline", -1), 7);
	assert_int_equal(count_nonempty(doc, "description", -1), 2);
	json_t *t3 = jl_plandoc_find(doc, "task-3");
	assert_string_equal(s(t3, "who"), "responsable social des repas et DG ou service administratif");
	assert_string_equal(s(json_object_get(t3, "deadline"), "text"),
	                    "janvier 2020 -Rapport au Conseil");
	assert_string_equal(s(json_object_get(jl_plandoc_find(doc, "task-5"), "recurrence"), "text"),
	                    "1x/ trimestre.");
	assert_round_trip(doc);
	json_decref(doc);
	free(text);
}

static void test_baelen(void **state)
{
	(void)state;
	size_t len;
	char err[1024];
	char *text = read_file("baelen/pst-baelen-2019-2024.md", &len);
	json_t *doc = jl_outline_parse(text, len, "baelen.md", err, sizeof err);
	if (!doc)
		fail_msg("%s", err);
	assert_int_equal(json_array_size(json_object_get(jl_plandoc_plan(doc), "sections")), 3);
	assert_int_equal(count_kind(doc, JALON_KIND_OS), 4);
	assert_int_equal(count_kind(doc, JALON_KIND_OO), 29);
	assert_int_equal(count_kind(doc, JALON_KIND_ACTION), 56);
	assert_int_equal(count_kind(doc, JALON_KIND_TASK), 0);
	const char *volets[] = {"interne", "interne", "externe", "externe"};
	const char *labels[] = {"O.S.1", "O.S.2", "O.S.3", "O.S.4"};
	const size_t oo_per_os[] = {8, 2, 16, 3};
	for (int i = 0; i < 4; i++) {
		char id[16];
		snprintf(id, sizeof id, "os-%d", i + 1);
		json_t *os = jl_plandoc_find(doc, id);
		assert_string_equal(s(os, "volet"), volets[i]);
		assert_string_equal(s(os, "label"), labels[i]);
		assert_int_equal(children(doc, id), oo_per_os[i]);
	}
	json_t *oo = jl_plandoc_find(doc, "oo-20");
	assert_string_equal(s(oo, "label"), "O.O.3.10");
	json_t *found;
	assert_int_equal(jl_plandoc_resolve_item(doc, "o.o.3.11", JALON_KIND_OO, &found, err,
	                                         sizeof err), 0);
	assert_int_equal(children(doc, jl_record_id(found)), 1);
	assert_int_equal(count_nonempty(doc, "description", -1), 1);
	assert_int_equal(count_nonempty(doc, "priority_period", -1), 0);
	assert_round_trip(doc);
	json_decref(doc);
	free(text);
}

/* ---------------------------------------------------------------- grammar */

static void check_label(const char *line, const char *label, const char *title)
{
	char text[512];
	snprintf(text, sizeof text, "## %s\n", line);
	json_t *doc = parse_ok(text);
	if (strcmp(s(item(doc, 0), "label"), label) || strcmp(s(item(doc, 0), "title"), title))
		fail_msg("« %s » gave label « %s » and title « %s »", line, s(item(doc, 0), "label"),
		         s(item(doc, 0), "title"));
	json_decref(doc);
}

static void test_labels(void **state)
{
	(void)state;
	check_label("OO1 : Assurer un accompagnement", "OO1", "Assurer un accompagnement");
	check_label("Action 4 : Former le citoyen", "Action 4", "Former le citoyen");
	check_label("O.O.3.2 : Favoriser l’insertion", "O.O.3.2", "Favoriser l’insertion");
	check_label("OS 1 : Être un CPAS", "OS 1", "Être un CPAS");
	check_label("OO 12: sans espace avant", "OO 12", "sans espace avant");
	check_label("OO1\xc2\xa0: espace insécable", "OO1", "espace insécable");
	check_label("A : lettre seule", "A", "lettre seule");
	check_label("B. : lettre et point", "B.", "lettre et point");
	check_label("Axe II : chiffre romain", "Axe II", "chiffre romain");
	check_label("Objectif opérationnel 3 : long", "Objectif opérationnel 3", "long");
	check_label("(7) Mettre en place", "(7)", "Mettre en place");
	check_label("1.1 Renforcer les liens", "1.1", "Renforcer les liens");
	check_label("3. Assurer la formation", "3.", "Assurer la formation");
	check_label("12) Douze", "12)", "Douze");
	check_label("O.S.1. Être attentif", "O.S.1.", "Être attentif");
	check_label("IV. Quatre", "IV.", "Quatre");
	/* Not labels: too long, too many words, no number, a bare number. */
	check_label("Maintenir la qualité du service mobilité : évaluer le coût", "",
	            "Maintenir la qualité du service mobilité : évaluer le coût");
	check_label("Objectif opérationnel 3.2 : plus de 24", "",
	            "Objectif opérationnel 3.2 : plus de 24");
	check_label("Un deux trois quatre 5 : cinq mots", "", "Un deux trois quatre 5 : cinq mots");
	check_label("Accueil : repas", "", "Accueil : repas");
	check_label("3 assistants sociaux", "", "3 assistants sociaux");
	check_label("Réunion à 14:30 avec l’AIS", "", "Réunion à 14:30 avec l’AIS");
	/* ": " escapes a title that would look labelled. */
	check_label(": 2019-2020 : une année", "", "2019-2020 : une année");
	check_label(": 1.1 Renforcer", "", "1.1 Renforcer");
	check_label("OO 3 :", "OO 3", "");
	/* A heading is one line: a final backslash is a character, not a line break. */
	check_label("Titre final \\", "", "Titre final \\");
	check_label("OO 4\\ : titre", "OO 4\\", "titre");
	/* A backslash keeps a colon from ending a label. */
	check_label("OO 3 \\: pas un label", "", "OO 3 : pas un label");
}

static void test_structure_and_volets(void **state)
{
	(void)state;
	json_t *doc = parse_ok("# Volet interne : administration générale\n"
	                       "\n"
	                       "## OS 1 : Interne\n"
	                       "### OO 1.1 : Premier\n"
	                       "- Action A\n"
	                       "  - Tâche A1\n"
	                       "  * Tâche A2\n"
	                       "* Action B\n"
	                       "• Action C\n"
	                       "    • Tâche C1\n"
	                       "### OO 1.2 : Second\n"
	                       "# VOLET EXTERNE\n"
	                       "## OS 2 : Externe\n"
	                       "# Contexte\n"
	                       "## OS 3 : Sans volet\n"
	                       "volet: externe\n");
	assert_int_equal(json_array_size(jl_plandoc_items(doc)), 11);
	assert_string_equal(s(jl_plandoc_find(doc, "os-1"), "volet"), "interne");
	assert_string_equal(s(jl_plandoc_find(doc, "os-2"), "volet"), "externe");
	assert_string_equal(s(jl_plandoc_find(doc, "os-3"), "volet"), "externe");
	assert_string_equal(parent_of(jl_plandoc_find(doc, "task-2")), "action-1");
	assert_string_equal(parent_of(jl_plandoc_find(doc, "action-3")), "oo-1");
	assert_string_equal(parent_of(jl_plandoc_find(doc, "task-3")), "action-3");
	assert_string_equal(s(jl_plandoc_find(doc, "task-3"), "title"), "Tâche C1");
	assert_int_equal(json_integer_value(json_object_get(jl_plandoc_find(doc, "action-3"),
	                                                    "position")), 3);
	json_t *sections = json_object_get(jl_plandoc_plan(doc), "sections");
	assert_int_equal(json_array_size(sections), 1);
	assert_string_equal(s(json_array_get(sections, 0), "title"), "Contexte");
	assert_string_equal(s(json_array_get(sections, 0), "text"), "");
	/* After a section heading, an OS has no volet from the headings above it. */
	json_decref(doc);
	doc = parse_ok("# Volet externe\n## OS 1 : a\n# Contexte\n## OS 2 : b\n");
	assert_string_equal(s(jl_plandoc_find(doc, "os-2"), "volet"), "");
	json_decref(doc);
}

static void test_sections_are_verbatim(void **state)
{
	(void)state;
	json_t *doc = parse_ok("---\norganisation: CPAS\n---\n"
	                       "# AFOM : les enjeux\n"
	                       "\n\n"
	                       "Atouts – les forces :\n"
	                       "- Une équipe soudée\n"
	                       "  indentée  \n"
	                       "### pas un OO\n"
	                       "qui: pas un attribut\n"
	                       "\\# pas un titre\n"
	                       "\n"
	                       "Fin.\n"
	                       "\n\n"
	                       "## OS 1 : après\n");
	json_t *section = json_array_get(json_object_get(jl_plandoc_plan(doc), "sections"), 0);
	assert_string_equal(s(section, "title"), "AFOM : les enjeux");
	assert_string_equal(s(section, "text"), "Atouts – les forces :\n- Une équipe soudée\n"
	                                        "  indentée  \n### pas un OO\nqui: pas un "
	                                        "attribut\n# pas un titre\n\nFin.");
	assert_int_equal(json_array_size(jl_plandoc_items(doc)), 1);
	assert_string_equal(s(jl_plandoc_plan(doc), "organisation"), "CPAS");
	json_decref(doc);
}

static void test_heading_attributes_and_description(void **state)
{
	(void)state;
	json_t *doc = parse_ok("## OS 1 : Être\n"
	                       "\n"
	                       "Qui : DG\n"
	                       "ÉCHÉANCE : janvier 2020 - Rapport\n"
	                       "note: une note\n"
	                       "  qui continue\n"
	                       "\n"
	                       "Premier paragraphe\n"
	                       "sur deux lignes.\n"
	                       "Objectif : ceci est du texte.\n"
	                       "\n"
	                       "\n"
	                       "Second paragraphe, ligne forcée\\\n"
	                       "ici.\n"
	                       "\n"
	                       "Un break final ne garde pas l’espace \\\n");
	json_t *os = item(doc, 0);
	assert_string_equal(s(os, "who"), "DG");
	assert_string_equal(s(json_object_get(os, "deadline"), "text"), "janvier 2020 - Rapport");
	assert_string_equal(s(json_object_get(os, "deadline"), "due"), "Rapport");
	assert_string_equal(json_string_value(json_array_get(json_object_get(os, "notes"), 0)),
	                    "une note qui continue");
	assert_string_equal(s(os, "description"),
	                    "Premier paragraphe sur deux lignes. Objectif : ceci est du texte.\n\n"
	                    "Second paragraphe, ligne forcée\nici.\n\n"
	                    "Un break final ne garde pas l’espace");
	json_decref(doc);
}

static void test_bullet_attributes(void **state)
{
	(void)state;
	json_t *doc = parse_ok("## OS\n### OO1 : o\n"
	                       "- Action 4 : Former le citoyen dans les choix des fournisseurs\n"
	                       "  de services (énergie, internet)\n"
	                       "  Qui ? assistante sociale\n"
	                       "  echeance: septembre 2020\n"
	                       "  Partenaires : Forem,\n"
	                       "    AIS\n"
	                       "\n"
	                       "  statut: en cours\n"
	                       "  - Tâche\n"
	                       "    échéance: 1x/trimestre\n"
	                       "    priorité: oui\n"
	                       "    avancement: 50 %\n"
	                       "    porteur: Marie <marie@cpas.be>, Service social\n");
	json_t *a = jl_plandoc_find(doc, "action-1");
	assert_string_equal(s(a, "label"), "Action 4");
	assert_string_equal(s(a, "title"), "Former le citoyen dans les choix des fournisseurs de "
	                                   "services (énergie, internet)");
	assert_string_equal(s(a, "who"), "assistante sociale");
	assert_string_equal(s(json_object_get(a, "deadline"), "start"), "2020-09-01");
	assert_int_equal(json_array_size(json_object_get(a, "partners")), 2);
	assert_string_equal(s(a, "status"), "en cours");
	json_t *t = jl_plandoc_find(doc, "task-1");
	assert_true(json_is_null(json_object_get(t, "deadline")));
	assert_string_equal(s(json_object_get(t, "recurrence"), "rule"), "FREQ=MONTHLY;INTERVAL=3");
	assert_true(json_is_true(json_object_get(t, "priority")));
	assert_int_equal(json_integer_value(json_object_get(t, "progress")), 50);
	assert_int_equal(json_array_size(json_object_get(t, "people")), 2);
	json_t *marie = jl_plandoc_find(doc, "person-1");
	assert_string_equal(s(marie, "email"), "marie@cpas.be");
	json_decref(doc);
}

static void test_action_headings(void **state)
{
	(void)state;
	json_t *doc = parse_ok("## OS\n### OO\n"
	                       "- Action en puce\n"
	                       "#### (2) Action avec description\n"
	                       "qui: DG\n"
	                       "\n"
	                       "Un paragraphe.\n"
	                       "\n"
	                       "- Tâche une\n"
	                       "  qui: équipe\n"
	                       "- Tâche deux\n"
	                       "#### (3) Autre\n"
	                       "  - Tâche indentée\n");
	assert_int_equal(count_kind(doc, JALON_KIND_ACTION), 3);
	json_t *a2 = jl_plandoc_find(doc, "action-2");
	assert_string_equal(s(a2, "label"), "(2)");
	assert_string_equal(s(a2, "description"), "Un paragraphe.");
	assert_string_equal(s(a2, "who"), "DG");
	assert_int_equal(children(doc, "action-2"), 2);
	assert_string_equal(s(jl_plandoc_find(doc, "task-1"), "who"), "équipe");
	assert_string_equal(parent_of(jl_plandoc_find(doc, "task-3")), "action-3");
	json_decref(doc);
}

static void test_front_matter_people_and_custom_fields(void **state)
{
	(void)state;
	json_t *doc = parse_ok("---\n"
	                       "organisation: CPAS de Test\n"
	                       "titre: PST\n"
	                       "  sur deux lignes\n"
	                       "période: 2025-2030\n"
	                       "adoption: 15/09/2025\n"
	                       "champ: Code projet ; pour: action\n"
	                       "personne: Service social ; service\n"
	                       "personne: Marie Dupont <marie@cpas.be>\n"
	                       "---\n"
	                       "## OS\n### OO\n"
	                       "- Action\n"
	                       "  code PROJET: P-12\n"
	                       "  porteur: marie dupont, Service social\n");
	json_t *plan = jl_plandoc_plan(doc);
	assert_string_equal(s(plan, "title"), "PST sur deux lignes");
	assert_string_equal(s(plan, "adopted"), "2025-09-15");
	assert_int_equal(json_integer_value(json_object_get(plan, "period_end")), 2030);
	assert_int_equal(json_array_size(jl_plandoc_people(doc)), 2);
	assert_string_equal(s(jl_plandoc_find(doc, "person-1"), "type"), "service");
	json_t *a = jl_plandoc_find(doc, "action-1");
	assert_string_equal(s(json_object_get(a, "custom"), "Code projet"), "P-12");
	assert_string_equal(s(json_array_get(json_object_get(a, "people"), 0), "person"), "person-2");
	json_decref(doc);
}

static void test_repartition(void **state)
{
	(void)state;
	json_t *doc = parse_ok("## OS\n"
	                       "### OO 1 : un\n"
	                       "### OO 2 : deux\n"
	                       "- Action transversale\n"
	                       "  répartition: OO 1 = 60 ; OO 3 = 10 ; OO2 = 30\n"
	                       "### OO 3 : trois\n");
	json_t *parents = json_object_get(jl_plandoc_find(doc, "action-1"), "parents");
	assert_int_equal(json_array_size(parents), 3);
	/* The OO it is written under comes first; the others keep their order. */
	assert_string_equal(s(json_array_get(parents, 0), "id"), "oo-2");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(parents, 0), "share")),
	                 30);
	assert_string_equal(s(json_array_get(parents, 1), "id"), "oo-1");
	assert_string_equal(s(json_array_get(parents, 2), "id"), "oo-3");
	assert_round_trip(doc);
	json_decref(doc);
	expect_error("## OS\n### OO 1 : un\n### OO 2 : deux\n- A\n  répartition: OO 1 = 100\n",
	             "t.md:5: répartition : l'action est écrite sous OO 2, que la répartition ne "
	             "cite pas");
	expect_error("## OS\n### OO 1 : un\n- A\n  répartition: OO 1 = 60 ; OO 9 = 40\n",
	             "t.md:4: OO « OO 9 » introuvable");
	expect_error("## OS\n### OO 1 : un\n### OO 2 : deux\n- A\n  répartition: OO 1 = 60 ; OO2 = 30\n",
	             "t.md:5: répartition : les parts font 90 %, pas 100 %");
}

/* ---------------------------------------------------------------- errors */

static void test_structure_errors(void **state)
{
	(void)state;
	expect_error("## OS\n\n- Action\n",
	             "t.md:3: action avant tout OO : sous un OS (« ## »), ouvrez d'abord un OO "
	             "(« ### »)");
	expect_error("### OO\n", "t.md:1: OO avant tout OS : un OO (« ### ») s'écrit sous un OS "
	                         "(« ## »)");
	expect_error("## OS\n#### Action\n", "t.md:2: action avant tout OO : une action (« #### ») "
	                                     "s'écrit sous un OO (« ### »)");
	expect_error("## OS\n### OO\n  - Tâche\n",
	             "t.md:3: tâche avant toute action : une action s'écrit « - » en début de ligne "
	             "sous un OO, ses tâches « - » indentées sous elle");
	expect_error("## OS\n### OO\n- A\n  - T\n    - trop profond\n",
	             "t.md:5: puce trop profonde : une tâche n'a pas de sous-niveau (tâche de la "
	             "ligne 4)");
	expect_error("## OS\n### OO\n#### A\n- T\n  - trop profond\n",
	             "t.md:5: puce trop profonde : une tâche n'a pas de sous-niveau (tâche de la "
	             "ligne 4)");
	expect_error("## OS\n### OO\n- A\nsuite non indentée\n",
	             "t.md:4: texte hors d'une puce : la description d'un élément va avant ses "
	             "puces, et la suite d'une puce s'indente sous elle (puce de la ligne 3)");
	expect_error("## OS\n### OO\n- A\n    - T\n  qui: DG\n",
	             "t.md:5: indentation : la ligne suit la tâche de la ligne 4 sans être plus "
	             "indentée que sa puce (les attributs d'une action vont avant ses tâches)");
	expect_error("Du texte\n## OS\n",
	             "t.md:1: texte avant le premier titre : le plan commence par un titre "
	             "(« # Section », « # Volet externe », « ## OS »…)");
	expect_error("# Volet externe\nIntroduction\n## OS\n",
	             "t.md:2: texte sous « # Volet externe » : seuls des OS (« ## ») y sont "
	             "attendus ; un texte d'introduction va dans une section (« # Titre »)");
	expect_error("## OS\n##### trop\n", "t.md:2: titre de niveau 5 : seuls « # » (section, "
	                                    "volet), « ## » (OS), « ### » (OO) et « #### » "
	                                    "(action) existent");
	expect_error("##OS 1\n", "t.md:1: « # » doit être suivi d'une espace : « ##OS 1 »");
	expect_error("## OS\n###\n", "t.md:2: titre attendu après « ### »");
	expect_error("## OS\n### OO\n- \n", "t.md:3: titre attendu après la puce");
	expect_error("---\norganisation: X\n## OS\n",
	             "t.md:1: en-tête non fermé : une ligne « --- » est attendue après ses lignes "
	             "« clé: valeur »");
	expect_error("## OS\ndescription: a\n\nparagraphe\n",
	             "t.md:4: description donnée deux fois : par l'attribut « description » et par "
	             "des paragraphes");
}

static void test_key_errors(void **state)
{
	(void)state;
	expect_error_starting("## OS\n### OO\n- A\n  - T\n    echeanse: 2020\n",
	                      "t.md:5: clé inconnue « echeanse » pour une tâche ; clés connues : "
	                      "label, titre, description, brouillon, statut, santé, avancement, "
	                      "poids, qui, mandataire, responsable, gestionnaire, porteur, "
	                      "échéance, récurrence");
	expect_error_starting("## OS\nObjectif : du texte ?\n",
	                      "t.md:2: clé inconnue « Objectif » pour un OS ; clés connues : "
	                      "label, titre, description, volet,");
	expect_error_starting("---\nauteur: moi\n---\n",
	                      "t.md:2: clé inconnue « auteur » dans l'en-tête ; clés connues : "
	                      "organisation, titre, période, adoption, section, champ, personne");
	expect_error("---\nune ligne sans clé\n---\n",
	             "t.md:2: ligne « clé: valeur » attendue dans l'en-tête (clés : organisation, "
	             "titre, période, adoption, section, champ, personne)");
	/* An unknown key written like text (more than three words, a digit, "X ?") is text. */
	json_t *doc = parse_ok("## OS\n### OO\n- A\n  Réunion 2 : suite du titre\n"
	                       "  Pourquoi ? parce que\n");
	assert_string_equal(s(jl_plandoc_find(doc, "action-1"), "title"),
	                    "A Réunion 2 : suite du titre Pourquoi ? parce que");
	json_decref(doc);
	/* A volet only on an OS, a répartition only on an action. */
	expect_error_starting("## OS\n### OO\nvolet: interne\n",
	                      "t.md:3: clé inconnue « volet » pour un OO ; clés connues : ");
	expect_error("## OS\n### OO\n- A\n  parent: OO\n",
	             "t.md:4: « parent » ne s'écrit pas dans un plan : la place de l'élément sous "
	             "ses titres le donne");
}

static void test_value_errors(void **state)
{
	(void)state;
	expect_error("## OS\n### OO\n- A\n  statut: fini ?\n",
	             "t.md:4: statut : valeur « fini ? » non reconnue ; attendu : « à lancer », « en "
	             "cours », « terminé », « reporté », « abandonné »");
	expect_error("## OS\n### OO\n- A\n  avancement: 150\n",
	             "t.md:4: avancement : un entier de 0 à 100 est attendu, pas « 150 »");
	expect_error("---\npériode: 2024-2019\n---\n",
	             "t.md:2: période : « 2019-2024 » attendu, pas « 2024-2019 »");
	expect_error("---\npersonne: Jean\npersonne: jean\n---\n",
	             "t.md:3: personne « jean » déclarée deux fois");
	expect_error("---\npersonne: Jean ; chef\n---\n",
	             "t.md:2: type : valeur « chef » non reconnue ; attendu : « personne », "
	             "« service », « rôle »");
	expect_error("---\nchamp: Statut\n---\n",
	             "t.md:2: champ « Statut » : ce nom est déjà celui d'un champ de Jalon");
	expect_error("## OS\n### OO\n- A\n  porteur: Jean <jean>\n",
	             "t.md:4: adresse électronique invalide « jean »");
	/* An échéance not understood is kept and flagged, not refused. */
	json_t *doc = parse_ok("## OS\nqui: DG\néchéance: prochainement\n");
	assert_string_equal(s(json_object_get(item(doc, 0), "deadline"), "text"), "prochainement");
	assert_non_null(json_object_get(json_object_get(item(doc, 0), "deadline"), "error"));
	json_decref(doc);
}

/* ---------------------------------------------------------------- hostile input */

static void test_empty_and_front_matter_only(void **state)
{
	(void)state;
	char err[256];
	json_t *doc = jl_outline_parse("", 0, "vide.md", err, sizeof err);
	assert_non_null(doc);
	assert_int_equal(json_array_size(jl_plandoc_items(doc)), 0);
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);
	json_decref(doc);
	doc = jl_outline_parse(NULL, 0, NULL, err, sizeof err);
	assert_non_null(doc);
	json_decref(doc);
	doc = parse_ok("\n\n   \n---\n\n");
	assert_int_equal(json_array_size(jl_plandoc_items(doc)), 0);
	json_decref(doc);
	doc = parse_ok("---\norganisation: CPAS\n---");
	assert_string_equal(s(jl_plandoc_plan(doc), "organisation"), "CPAS");
	assert_int_equal(json_array_size(jl_plandoc_items(doc)), 0);
	json_decref(doc);
	doc = parse_ok("---\n---\n");
	assert_int_equal(json_array_size(jl_plandoc_items(doc)), 0);
	json_decref(doc);
}

static void test_crlf_bom_and_cr(void **state)
{
	(void)state;
	const char *lf = "---\norganisation: A\n---\n# Intro\n\nTexte\n\n## OS 1 : x\n### OO\n- A\n"
	                 "  qui: DG\n";
	json_t *want = parse_ok(lf);
	jl_buf crlf = JL_BUF_INIT, cr = JL_BUF_INIT;
	jl_buf_puts(&crlf, "\xef\xbb\xbf");
	for (const char *c = lf; *c; c++) {
		if (*c == '\n') {
			jl_buf_puts(&crlf, "\r\n");
			jl_buf_putc(&cr, '\r');
		} else {
			jl_buf_putc(&crlf, *c);
			jl_buf_putc(&cr, *c);
		}
	}
	json_t *got = parse_ok(crlf.ptr);
	assert_true(json_equal(want, got));
	json_decref(got);
	got = parse_ok(cr.ptr);
	assert_true(json_equal(want, got));
	assert_string_equal(s(json_array_get(json_object_get(jl_plandoc_plan(got), "sections"), 0),
	                      "text"), "Texte");
	json_decref(got);
	json_decref(want);
	jl_buf_free(&crlf);
	jl_buf_free(&cr);
	/* Error lines count CRLF lines once. */
	expect_error("## OS\r\n\r\n### OO\r\n- A\r\n  statut: bientôt\r\n",
	             "t.md:5: statut : valeur « bientôt » non reconnue ; attendu : « à lancer », « en "
	             "cours », « terminé », « reporté », « abandonné »");
}

static void test_invalid_utf8_and_nul(void **state)
{
	(void)state;
	expect_error("## OS\n### OO\n- Caf\xe9 en Latin-1\n",
	             "t.md:3: texte qui n'est pas de l'UTF-8 valide (octet 0xE9 en colonne 6) ; "
	             "enregistrez le fichier en UTF-8");
	expect_error("## OS\n\xc3\n", "t.md:2: texte qui n'est pas de l'UTF-8 valide (octet 0xC3 "
	                              "en colonne 1) ; enregistrez le fichier en UTF-8");
	expect_error("## OS\n### \xed\xa0\x80\n", "t.md:2: texte qui n'est pas de l'UTF-8 valide "
	                                          "(octet 0xED en colonne 5) ; enregistrez le "
	                                          "fichier en UTF-8");
	char err[256];
	const char bin[] = "## OS\n### O\0O\n";
	assert_null(jl_outline_parse(bin, sizeof bin - 1, "t.md", err, sizeof err));
	assert_string_equal(err, "t.md:2: caractère nul (octet 0) en colonne 6 : ce fichier n'est "
	                         "pas du texte");
	/* A NULL or short error buffer is fine. */
	assert_null(jl_outline_parse("### OO\n", 7, "t.md", NULL, 0));
	char tiny[8];
	assert_null(jl_outline_parse("### OO\n", 7, "t.md", tiny, sizeof tiny));
	assert_string_equal(tiny, "t.md:1:");
}

static void test_long_lines_and_many_items(void **state)
{
	(void)state;
	size_t title_len = 1 << 20;
	jl_buf b = JL_BUF_INIT;
	jl_buf_puts(&b, "## OS\n### OO\n- ");
	for (size_t i = 0; i < title_len / 8; i++)
		jl_buf_puts(&b, "é tâche ");
	jl_buf_puts(&b, "\n");
	for (int i = 0; i < 3000; i++)
		jl_buf_printf(&b, "- (%d) Action\n  - tâche\n    qui: DG\n", i + 2);
	json_t *doc = parse_ok(b.ptr);
	assert_int_equal(count_kind(doc, JALON_KIND_ACTION), 3001);
	assert_int_equal(count_kind(doc, JALON_KIND_TASK), 3000);
	/* "é tâche " is 10 bytes; the last space is trimmed. */
	assert_int_equal(strlen(s(jl_plandoc_find(doc, "action-1"), "title")), title_len / 8 * 10 - 1);
	assert_string_equal(s(jl_plandoc_find(doc, "action-3001"), "label"), "(3001)");
	assert_round_trip(doc);
	json_decref(doc);
	jl_buf_free(&b);
}

/* ---------------------------------------------------------------- writing */

/* A document built through the API with every field and the values that need escaping. */
static json_t *rich_doc(void)
{
	char err[256];
	json_t *doc = jl_plandoc_new(), *p;
	json_t *plan = jl_plandoc_plan(doc);
	set(doc, plan, "organisation", "CPAS de Test");
	set(doc, plan, "titre", "PST \\ 2025-2030 : « test »");
	set(doc, plan, "période", "2025-2030");
	set(doc, plan, "adoption", "2025-09-15");
	assert_int_equal(jl_plandoc_declare_field(doc, "Code projet ; pour: action, tâche", err,
	                                          sizeof err), 0);
	assert_int_equal(jl_plandoc_declare_field(doc, "Phase ; type: liste ; valeurs: étude, travaux",
	                                          err, sizeof err), 0);
	json_array_append_new(json_object_get(plan, "sections"),
	                      json_pack("{s:s, s:s}", "title", "Volet externe", "text",
	                                "\n# pas un titre\n\\ barre\n- puce\n### h3\n  indenté  \n"));
	json_array_append_new(json_object_get(plan, "sections"),
	                      json_pack("{s:s, s:s}", "title", "\\AFOM #1", "text", "Atouts : équipe"));
	jl_plandoc_person(doc, "Marie Dupont <marie@cpas.be>", &p, err, sizeof err);
	jl_plandoc_person(doc, "Service social", &p, err, sizeof err);
	set(doc, p, "type", "service");
	jl_plandoc_person(doc, "<paul@cpas.be>", &p, err, sizeof err);

	json_t *os1 = jl_plandoc_add_item(doc, JALON_KIND_OS, NULL);
	set(doc, os1, "titre", "# Être un CPAS\nsur deux lignes");
	json_t *os2 = jl_plandoc_add_item(doc, JALON_KIND_OS, NULL);
	set(doc, os2, "label", "OS 2");
	set(doc, os2, "titre", "- commence par un tiret");
	set(doc, os2, "volet", "interne");
	set(doc, os2, "description", "Contexte : premier paragraphe\nligne forcée\n\n- deuxième\n\n"
	                             "\\fin\\\n\n\nqui: x");
	json_t *oo1 = jl_plandoc_add_item(doc, JALON_KIND_OO, "os-1");
	set(doc, oo1, "label", "Axe");
	set(doc, oo1, "titre", "OO1 : sans label");
	json_t *oo2 = jl_plandoc_add_item(doc, JALON_KIND_OO, "os-1");
	set(doc, oo2, "label", "OO 2");
	json_t *oo3 = jl_plandoc_add_item(doc, JALON_KIND_OO, "os-2");
	set(doc, oo3, "titre", "1.1 Renforcer");
	json_t *a1 = jl_plandoc_add_item(doc, JALON_KIND_ACTION, "oo-2");
	set(doc, a1, "label", "(1)");
	set(doc, a1, "titre", "Action transversale:\nsuite");
	set(doc, a1, "répartition", "OO 2 = 40 ; oo-1 = 60");
	const char *fields[][2] = {
		{"qui", "DG + Président"}, {"porteur", "Marie Dupont, Service social"},
		{"mandataire", "<paul@cpas.be>"}, {"échéance", "janvier 2026 - Rapport"},
		{"récurrence", "1x/an"}, {"statut", "en cours"},
		{"santé", "risque : subside en attente"}, {"avancement", "40 %"}, {"poids", "3"},
		{"priorité", "2025-2026"}, {"partenaires", "Forem, AIS"}, {"plans", "PCS"},
		{"odd", "1, 8"}, {"synergie", "oui"},
		{"budget", "2026 ; 12 500,50 € ; 8451 ; Wallonie ; Subside"}, {"budget", "2027 ; -100"},
		{"indicateur", "Personnes aidées ; unité: personnes ; base: 10 ; cible: 50 ; année: 2030"},
		{"mesure", "2026-12-31 ; 20"}, {"indicateur", "Taux"}, {"mesure", "2027-12-31 ; 30 %"},
		{"note", "Une note\nsur deux lignes"}, {"note", "qui: pas une clé"},
		{"note", "\\ barre \\"}, {"début", "2025-10-01"}, {"fin effective", "2026-06-30"},
		{"brouillon", "oui"}, {"Code projet", "P-12"}};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		set(doc, a1, fields[i][0], fields[i][1]);
	json_t *t1 = jl_plandoc_add_item(doc, JALON_KIND_TASK, "action-1");
	set(doc, t1, "titre", "Tâche \\ avec : deux points");
	set(doc, t1, "description", "desc\nde tâche");
	set(doc, t1, "santé", ": seulement un commentaire");
	json_t *t2 = jl_plandoc_add_item(doc, JALON_KIND_TASK, "action-1");
	set(doc, t2, "label", "Label: avec deux-points");
	set(doc, t2, "titre", "\n");
	json_t *a2 = jl_plandoc_add_item(doc, JALON_KIND_ACTION, "oo-3");
	set(doc, a2, "titre", "Action avec description");
	set(doc, a2, "description", "Paragraphe un.\n\nParagraphe deux.");
	json_t *t3 = jl_plandoc_add_item(doc, JALON_KIND_TASK, "action-2");
	set(doc, t3, "label", "a)");
	set(doc, t3, "titre", "sous une action en titre");
	set(doc, t3, "Code projet", "");
	json_t *a3 = jl_plandoc_add_item(doc, JALON_KIND_ACTION, "oo-3");
	set(doc, a3, "titre", "Qui ? pas une clé");
	/* Found by fuzzing: a title line ending with ":" before a line break, and text lines
	 * starting with white space. */
	set(doc, t3, "note", "Fin par deux-points:\nsuite");
	set(doc, os1, "description", "\t- tabulation\n   espaces\n\xc2\xa0insécable");
	set(doc, a3, "Phase", "travaux");
	json_t *a4 = jl_plandoc_add_item(doc, JALON_KIND_ACTION, "oo-1");
	set(doc, a4, "titre", "- tiret\n* étoile\n# dièse\n• puce\n---");
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);
	return doc;
}

static void test_round_trip_rich_document(void **state)
{
	(void)state;
	json_t *doc = rich_doc();
	assert_round_trip(doc);
	json_decref(doc);
}

static void test_carriage_returns_in_values(void **state)
{
	(void)state;
	char err[512];
	json_t *doc = jl_plandoc_new();
	json_array_append_new(json_object_get(jl_plandoc_plan(doc), "sections"),
	                      json_pack("{s:s, s:s}", "title", "Notes", "text", "a\r\n# b\rc"));
	json_t *os = jl_plandoc_add_item(doc, JALON_KIND_OS, NULL);
	json_object_set_new(os, "label", json_string("1\n2"));
	json_object_set_new(os, "title", json_string("Titre\r\n## pas un OS"));
	json_object_set_new(os, "notes", json_pack("[s]", "x\ry"));
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);
	char *text = jl_outline_write(doc);
	json_t *back = jl_outline_parse(text, strlen(text), "cr.md", err, sizeof err);
	if (!back)
		fail_msg("%s\n%s", err, text);
	assert_int_equal(json_array_size(jl_plandoc_items(back)), 1);
	json_t *it = item(back, 0);
	assert_string_equal(s(it, "label"), "1\n2");
	assert_string_equal(s(it, "title"), "Titre\n## pas un OS");
	assert_string_equal(json_string_value(json_array_get(json_object_get(it, "notes"), 0)),
	                    "x\ny");
	assert_string_equal(s(json_array_get(json_object_get(jl_plandoc_plan(back), "sections"), 0),
	                      "text"), "a\n# b\nc");
	free(text);
	json_decref(back);
	json_decref(doc);
}

static void test_round_trip_volets_without_headings(void **state)
{
	(void)state;
	/* An OS without volet after one with a volet: volets are written as attributes. */
	json_t *doc = parse_ok("# Volet interne\n## A\n# Notes\n\nTexte.\n\n## B\n## C\nvolet: externe\n");
	assert_string_equal(s(jl_plandoc_find(doc, "os-2"), "volet"), "");
	assert_round_trip(doc);
	char *text = jl_outline_write(doc);
	assert_null(strstr(text, "# Volet"));
	assert_contains(text, "## A\nvolet: interne\n");
	free(text);
	json_decref(doc);
}

static void test_written_text(void **state)
{
	(void)state;
	json_t *doc = parse_ok("---\nperiode: 2019-2024\n---\n# Volet externe\n"
	                       "## OS 1 : Être\n### OO1 : Assurer\nqui: DG\n\nTexte.\n"
	                       "- Action 1 : Améliorer\n  - Établir un rapport\n    qui: DG\n"
	                       "    échéance: janvier 2020\n");
	char *text = jl_outline_write(doc);
	assert_string_equal(text, "---\n"
	                          "période: 2019-2024\n"
	                          "---\n"
	                          "\n"
	                          "# Volet externe\n"
	                          "\n"
	                          "## OS 1 : Être\n"
	                          "\n"
	                          "### OO1 : Assurer\n"
	                          "qui: DG\n"
	                          "\n"
	                          "Texte.\n"
	                          "\n"
	                          "- Action 1 : Améliorer\n"
	                          "  - Établir un rapport\n"
	                          "    qui: DG\n"
	                          "    échéance: janvier 2020\n");
	free(text);
	json_decref(doc);
	doc = jl_plandoc_new();
	text = jl_outline_write(doc);
	assert_string_equal(text, "");
	free(text);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erezee),
		cmocka_unit_test(test_baelen),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_structure_and_volets),
		cmocka_unit_test(test_sections_are_verbatim),
		cmocka_unit_test(test_heading_attributes_and_description),
		cmocka_unit_test(test_bullet_attributes),
		cmocka_unit_test(test_action_headings),
		cmocka_unit_test(test_front_matter_people_and_custom_fields),
		cmocka_unit_test(test_repartition),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_empty_and_front_matter_only),
		cmocka_unit_test(test_crlf_bom_and_cr),
		cmocka_unit_test(test_invalid_utf8_and_nul),
		cmocka_unit_test(test_long_lines_and_many_items),
		cmocka_unit_test(test_round_trip_rich_document),
		cmocka_unit_test(test_carriage_returns_in_values),
		cmocka_unit_test(test_round_trip_volets_without_headings),
		cmocka_unit_test(test_written_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
