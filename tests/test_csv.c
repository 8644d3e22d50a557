/* SPDX-License-Identifier: MIT */
/*
 * Plans as CSV: RFC 4180 reading (separators, quotes, line breaks in fields, BOM, CRLF),
 * column names, parents and ids, every error with its file:line message, and round trips
 * through jl_csv_write.
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

#define parse_ok(text) doc_parse_ok(jl_csv_parse, "p.csv", (text))
#define expect_error(text, message) doc_expect_error(jl_csv_parse, "p.csv", (text), (message))

#include "format/csv.h"
#include "format/outline.h"
#include "model/plandoc.h"
#include "model/util.h"

#ifndef JALON_EXAMPLES_DIR
#define JALON_EXAMPLES_DIR "examples"
#endif

/* jl_csv_parse(jl_csv_write(doc)) gives the items back, ids included. */
static void assert_items_round_trip(const json_t *doc, char sep)
{
	char err[2048] = "";
	char *text = jl_csv_write(doc, sep);
	assert_non_null(text);
	json_t *back = jl_csv_parse(text, strlen(text), "écrit.csv", err, sizeof err);
	if (!back)
		fail_msg("written CSV does not parse: %s\n%s", err, text);
	json_t *want = json_deep_copy(doc);
	assert_int_equal(jl_plandoc_check(want, err, sizeof err), 0);
	doc_assert_equal(jl_plandoc_items(want), jl_plandoc_items(back), text);
	char *again = jl_csv_write(back, sep);
	assert_string_equal(text, again);
	free(again);
	free(text);
	json_decref(want);
	json_decref(back);
}

/* ---------------------------------------------------------------- reading */

static void test_basic_semicolons(void **state)
{
	(void)state;
	json_t *doc = parse_ok("type;label;titre;Qui;Échéance\n"
	                       "os;OS 1;Être un CPAS;;\n"
	                       "oo;OO1;Assurer un accompagnement;;\n"
	                       "action;Action 1;Améliorer les services;DG;janvier 2020\n"
	                       "tâche;;Établir un rapport;DG + Président;1x/trimestre\n"
	                       "oo;OO2;Renforcer l'insertion;;\n"
	                       "action;;Sans label;;\n");
	json_t *items = jl_plandoc_items(doc);
	assert_int_equal(json_array_size(items), 6);
	json_t *a1 = jl_plandoc_find(doc, "action-1");
	assert_string_equal(s(a1, "label"), "Action 1");
	assert_string_equal(s(a1, "who"), "DG");
	assert_string_equal(s(json_object_get(a1, "deadline"), "start"), "2020-01-01");
	assert_string_equal(parent_of(a1), "oo-1");
	json_t *t = jl_plandoc_find(doc, "task-1");
	assert_string_equal(parent_of(t), "action-1");
	assert_string_equal(s(json_object_get(t, "recurrence"), "rule"), "FREQ=MONTHLY;INTERVAL=3");
	/* Without a parent column, the last row above of the parent's kind. */
	assert_string_equal(parent_of(jl_plandoc_find(doc, "action-2")), "oo-2");
	assert_int_equal(json_integer_value(json_object_get(jl_plandoc_find(doc, "oo-2"), "position")),
	                 2);
	assert_string_equal(s(jl_plandoc_plan(doc), "organisation"), "");
	json_decref(doc);
}

static void test_commas_quotes_and_line_breaks(void **state)
{
	(void)state;
	json_t *doc = parse_ok("Type,Titre,Description,Note\r\n"
	                       "os,\"Être un CPAS, solidaire\",\"Sur\r\ndeux lignes, avec \"\"guillemets\"\"\","
	                       "\"première\nseconde\"\r\n"
	                       "oo,Sans guillemets \"au milieu\",,\r\n");
	json_t *os = jl_plandoc_find(doc, "os-1");
	assert_string_equal(s(os, "title"), "Être un CPAS, solidaire");
	assert_string_equal(s(os, "description"), "Sur\ndeux lignes, avec \"guillemets\"");
	/* A repeatable key: one value per line of the cell. */
	assert_int_equal(json_array_size(json_object_get(os, "notes")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(os, "notes"), 1)),
	                    "seconde");
	assert_string_equal(s(jl_plandoc_find(doc, "oo-1"), "title"), "Sans guillemets \"au milieu\"");
	json_decref(doc);
	doc = parse_ok("type\ttitre\nos\tTabulé; avec point-virgule\n");
	assert_string_equal(s(jl_plandoc_find(doc, "os-1"), "title"), "Tabulé; avec point-virgule");
	json_decref(doc);
}

static void test_bom_crlf_blank_rows_and_no_final_newline(void **state)
{
	(void)state;
	json_t *doc = parse_ok("\xef\xbb\xbftype;titre\r\n\r\n;\r\nos;Un\r\n ; \r\noo;Deux");
	assert_int_equal(json_array_size(jl_plandoc_items(doc)), 2);
	assert_string_equal(s(jl_plandoc_find(doc, "oo-1"), "title"), "Deux");
	json_decref(doc);
	/* A header alone is an empty plan. */
	doc = parse_ok("type;titre\n");
	assert_int_equal(json_array_size(jl_plandoc_items(doc)), 0);
	json_decref(doc);
}

static void test_column_names(void **state)
{
	(void)state;
	json_t *doc = parse_ok("Type;Intitulé;ÉCHÉANCE;qui ?;Statut;Avancement;Porteur;Partenaires;Début;"
	               "Priorité;Synergie\n"
	               "os;OS;;;;;;;;;\n"
	               "oo;OO;;;;;;;;;\n"
	               "action;Faire;fin 2019;DG;En cours;50 %;Marie <marie@cpas.be>;Forem, AIS;"
	               "15/10/2019;2019-2020;oui\n");
	json_t *a = jl_plandoc_find(doc, "action-1");
	assert_string_equal(s(a, "title"), "Faire");
	assert_string_equal(s(json_object_get(a, "deadline"), "end"), "2019-12-31");
	assert_string_equal(s(a, "who"), "DG");
	assert_string_equal(s(a, "status"), "en cours");
	assert_int_equal(json_integer_value(json_object_get(a, "progress")), 50);
	assert_string_equal(s(jl_plandoc_find(doc, "person-1"), "email"), "marie@cpas.be");
	assert_int_equal(json_array_size(json_object_get(a, "partners")), 2);
	assert_string_equal(s(a, "planned_start"), "2019-10-15");
	assert_string_equal(s(a, "priority_period"), "2019-2020");
	assert_true(json_is_true(json_object_get(a, "synergy")));
	json_decref(doc);
}

static void test_ids_and_parents(void **state)
{
	(void)state;
	/* Children before their parents, explicit ids for some rows, parents by id or label. */
	json_t *doc = parse_ok("type;id;label;titre;parent;répartition\n"
	                       "tâche;;;Tâche;action-4;\n"
	                       "action;action-4;(4);Action;OO 2;\"OO 2 = 30 ; OO1 = 70\"\n"
	                       "action;;;Autre;OO1;\n"
	                       "oo;oo-7;OO1;Un;OS 1;\n"
	                       "oo;;OO 2;Deux;os-1;\n"
	                       "os;;OS 1;Objectif;;\n");
	json_t *items = jl_plandoc_items(doc);
	/* Tree order, ids kept or numbered after the highest given. */
	const char *want[] = {"os-1", "oo-7", "action-5", "oo-8", "action-4", "task-1"};
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(s(json_array_get(items, i), "id"), want[i]);
	json_t *parents = json_object_get(jl_plandoc_find(doc, "action-4"), "parents");
	assert_int_equal(json_array_size(parents), 2);
	assert_string_equal(s(json_array_get(parents, 0), "id"), "oo-8");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(parents, 0), "share")),
	                 30);
	json_decref(doc);
}

static void test_indicators_with_measures(void **state)
{
	(void)state;
	json_t *doc = parse_ok("type;titre;indicateur;mesure\n"
	                       "os;OS;\"Bénéficiaires ; cible: 40\nmesure: 2020-12-31 ; 12\nTaux ; "
	                       "unité: %\nMESURE : 2021-12-31 ; 30\";\"2022-12-31 ; 35\"\n");
	json_t *inds = json_object_get(jl_plandoc_find(doc, "os-1"), "indicators");
	assert_int_equal(json_array_size(inds), 2);
	assert_int_equal(json_array_size(json_object_get(json_array_get(inds, 0), "measurements")), 1);
	/* The "mesure" column goes to the last indicator. */
	assert_int_equal(json_array_size(json_object_get(json_array_get(inds, 1), "measurements")), 2);
	json_decref(doc);
}

/* ---------------------------------------------------------------- errors */

static void test_header_errors(void **state)
{
	(void)state;
	char err[2048];
	assert_null(jl_csv_parse("type;titre;echeanse\nos;a;b\n", 26, "p.csv", err, sizeof err));
	assert_contains(err, "p.csv:1: colonne 3 inconnue « echeanse » ; colonnes connues : type, "
	                     "id, parent, label, titre, description");
	expect_error("titre;qui\nUn;DG\n", "p.csv:1: colonne « type » manquante : chaque ligne dit "
	                                   "si elle est un os, un oo, une action ou une tâche");
	expect_error("type;titre;Titre\n", "p.csv:1: colonne « Titre » en double (colonnes 2 et 3)");
	expect_error("", "p.csv:1: fichier vide : une ligne d'en-tête (type;label;titre;…) est "
	                 "attendue");
	expect_error("\xef\xbb\xbf", "p.csv:1: fichier vide : une ligne d'en-tête (type;label;"
	                             "titre;…) est attendue");
}

static void test_row_errors(void **state)
{
	(void)state;
	expect_error("type;titre\nos;Un\nprojet;Deux\n",
	             "p.csv:3: type « projet » inconnu : os, oo, action ou tâche attendu");
	/* The line is where the row starts, after a field that spans two lines. */
	expect_error("type;titre;note\nos;\"Un\nsur deux lignes\";x\noo;Deux;\naction;trois;a;b\n",
	             "p.csv:5: 3 champs attendus (comme l'en-tête), 4 trouvés ; un champ qui "
	             "contient « ; » s'écrit entre guillemets");
	expect_error("type;titre\nos;Un\noo;\"jamais fermé\nsuite\n",
	             "p.csv:3: guillemet non fermé : le champ ouvert ligne 3 n'est jamais refermé "
	             "par « \" »");
	expect_error("type;titre\nos;\"Un\"x deux\n",
	             "p.csv:2: après le guillemet fermant, « ; » ou une fin de ligne est attendu, "
	             "pas « x » (un guillemet dans un champ s'écrit « \"\" »)");
	expect_error("type;titre\nos;Un\noo;Caf\xe9\n",
	             "p.csv:3: texte qui n'est pas de l'UTF-8 valide (colonne 7) ; enregistrez le "
	             "fichier en UTF-8 (« CSV UTF-8 » dans Excel)");
	expect_error("type;id;titre\nos;os-1;Un\nos;os-1;Deux\n",
	             "p.csv:3: identifiant « os-1 » en double (déjà ligne 2)");
	expect_error("type;id;titre\nos;oo-1;Un\n",
	             "p.csv:2: identifiant « oo-1 » : un identifiant de os est attendu (« os-3 »)");
	expect_error("type;titre\noo;Orphelin\n",
	             "p.csv:2: parent manquant : la colonne « parent » est vide et aucune ligne "
	             "« os » ne précède celle-ci");
	expect_error("type;titre;parent\nos;Un;\noo;Deux;OS 9\n",
	             "p.csv:3: colonne « parent » : OS « OS 9 » introuvable");
	expect_error("type;titre;parent\nos;Un;\nos;Deux;Un\n",
	             "p.csv:3: un OS n'a pas de parent (colonne « parent » : « Un »)");
	expect_error("type;titre;avancement\nos;Un;\noo;Deux;150\n",
	             "p.csv:3: colonne « avancement » : avancement : un entier de 0 à 100 est "
	             "attendu, pas « 150 »");
	char msg[2048];
	const char *volet = "type;titre;volet\nos;Un;\noo;Deux;interne\n";
	assert_null(jl_csv_parse(volet, strlen(volet), "p.csv", msg, sizeof msg));
	assert_contains(msg, "p.csv:3: colonne « volet » : clé inconnue « volet » pour oo");
	expect_error("type;titre;;\nos;Un;;x\n",
	             "p.csv:2: valeur « x » dans la colonne 4, qui n'a pas de nom dans l'en-tête");
	char err[256];
	const char bin[] = "type;titre\nos;U\0n\n";
	assert_null(jl_csv_parse(bin, sizeof bin - 1, "p.csv", err, sizeof err));
	assert_string_equal(err, "p.csv: caractère nul (octet 0) : ce fichier n'est pas du texte");
}

/* ---------------------------------------------------------------- writing */

static void test_written_text(void **state)
{
	(void)state;
	json_t *doc = parse_ok("type;label;titre;qui;note\n"
	                       "os;OS 1;\"Être; un CPAS\";;\n"
	                       "oo;;\"Dit \"\"oui\"\"\";DG;\"a\nb\"\n");
	char *text = jl_csv_write(doc, ';');
	const char *header = "\xef\xbb\xbftype;id;label;titre;parent;description;volet;brouillon;"
	                     "statut;santé;avancement;poids;qui;mandataire;responsable;"
	                     "gestionnaire;porteur;répartition;échéance;récurrence;"
	                     "début récurrence;fin récurrence;occurrences faites;début;fin;"
	                     "début effectif;fin effective;priorité;partenaires;plans;odd;synergie;"
	                     "budget;indicateur;note\r\n";
	assert_int_equal(strncmp(text, header, strlen(header)), 0);
	assert_string_equal(text + strlen(header),
	                    "os;os-1;OS 1;\"Être; un CPAS\";;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\r\n"
	                    "oo;oo-1;;\"Dit \"\"oui\"\"\";os-1;;;;;;;;DG;;;;;;;;;;;;;;;;;;;;;;\"a\nb\"\r\n");
	free(text);
	text = jl_csv_write(doc, ',');
	assert_int_equal(strncmp(text, "\xef\xbb\xbftype,id,label,titre,parent,", 27), 0);
	assert_contains(text, "os,os-1,OS 1,Être; un CPAS,,");
	free(text);
	json_decref(doc);
}

static json_t *rich_doc(void)
{
	char err[256];
	json_t *doc = jl_plandoc_new(), *p;
	jl_plandoc_person(doc, "Paul <paul@cpas.be>", &p, err, sizeof err);
	jl_plandoc_person(doc, "Marie Dupont <marie@cpas.be>", &p, err, sizeof err);
	jl_plandoc_person(doc, "Service social", &p, err, sizeof err);
	json_t *os = jl_plandoc_add_item(doc, JALON_KIND_OS, NULL);
	set(doc, os, "label", "OS 1");
	set(doc, os, "titre", "Être un CPAS; \"solidaire\"\nsur deux lignes");
	set(doc, os, "volet", "interne");
	set(doc, os, "description", "Un.\n\nDeux, avec ; et ,");
	json_t *oo1 = jl_plandoc_add_item(doc, JALON_KIND_OO, "os-1");
	set(doc, oo1, "label", "OO 1");
	json_t *oo2 = jl_plandoc_add_item(doc, JALON_KIND_OO, "os-1");
	set(doc, oo2, "label", "OO 1");  /* the same label twice: parents go by id */
	json_t *a = jl_plandoc_add_item(doc, JALON_KIND_ACTION, "oo-2");
	set(doc, a, "répartition", "oo-2 = 25 ; oo-1 = 75");
	const char *fields[][2] = {
		{"titre", "Action"}, {"qui", "DG"}, {"mandataire", "Paul"},
		{"porteur", "Marie Dupont, Service social"}, {"échéance", "janvier 2026 - Rapport"},
		{"récurrence", "trimestriel"}, {"statut", "terminé"}, {"santé", "bon : ok"},
		{"avancement", "100"}, {"poids", "2"}, {"priorité", "oui"},
		{"partenaires", "Forem, AIS"}, {"plans", "PCS"}, {"odd", "3, 17"},
		{"synergie", "oui"}, {"brouillon", "oui"}, {"budget", "2026 ; 1 000 ; 8451 ; Wallonie"},
		{"budget", "2027 ; 2.000,10 ; 8451 ; Commune ; Achat"},
		{"indicateur", "Personnes ; unité: pers. ; base: 1 ; cible: 2 ; année: 2030"},
		{"mesure", "2026-12-31 ; 20"}, {"indicateur", "Taux"}, {"mesure", "2027-12-31 ; 3"},
		{"note", "une"}, {"note", "deux \"citées\""}, {"début", "2025-01-01"},
		{"fin", "2025-12-31"}, {"début effectif", "2025-02-01"},
		{"fin effective", "2026-01-31"}};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		set(doc, a, fields[i][0], fields[i][1]);
	json_t *t = jl_plandoc_add_item(doc, JALON_KIND_TASK, "action-1");
	set(doc, t, "titre", "Tâche");
	set(doc, t, "responsable", "Marie Dupont");
	set(doc, t, "gestionnaire", "Paul");
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);
	return doc;
}

static void test_round_trips(void **state)
{
	(void)state;
	json_t *doc = rich_doc();
	assert_items_round_trip(doc, ';');
	assert_items_round_trip(doc, ',');
	assert_items_round_trip(doc, '\t');
	/* People come back with their emails; numbered in the order the rows name them. */
	char err[256];
	char *text = jl_csv_write(doc, ';');
	json_t *back = jl_csv_parse(text, strlen(text), "r.csv", err, sizeof err);
	assert_int_equal(json_array_size(jl_plandoc_people(back)), 3);
	assert_string_equal(s(jl_plandoc_find_person(back, "Marie Dupont"), "email"), "marie@cpas.be");
	assert_string_equal(s(jl_plandoc_find_person(back, "Paul"), "email"), "paul@cpas.be");
	json_decref(back);
	free(text);
	json_decref(doc);

	/* The two real plans. */
	const char *files[] = {"erezee/pst-erezee-2019-2024.md",
	                       "baelen/pst-baelen-2019-2024.md"};
	for (int i = 0; i < 2; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", JALON_EXAMPLES_DIR, files[i]);
		FILE *f = fopen(path, "rb");
		if (!f)
			fail_msg("cannot open %s", path);
		jl_buf b = JL_BUF_INIT;
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			jl_buf_put(&b, chunk, n);
		fclose(f);
		doc = jl_outline_parse(b.ptr, b.len, files[i], err, sizeof err);
		if (!doc)
			fail_msg("%s", err);
		assert_items_round_trip(doc, ';');
		json_decref(doc);
		jl_buf_free(&b);
	}
}

static void test_writer_orders_unsorted_documents(void **state)
{
	(void)state;
	json_t *doc = rich_doc();
	/* The task first, before its parents: the writer puts it back in tree order. */
	json_t *copy = json_deep_copy(doc);
	json_t *items = jl_plandoc_items(copy);
	json_t *task = json_incref(json_array_get(items, json_array_size(items) - 1));
	json_array_remove(items, json_array_size(items) - 1);
	json_array_insert_new(items, 0, task);
	char *a = jl_csv_write(doc, ';'), *b = jl_csv_write(copy, ';');
	assert_string_equal(a, b);
	free(a);
	free(b);
	json_decref(copy);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_semicolons),
		cmocka_unit_test(test_commas_quotes_and_line_breaks),
		cmocka_unit_test(test_bom_crlf_blank_rows_and_no_final_newline),
		cmocka_unit_test(test_column_names),
		cmocka_unit_test(test_ids_and_parents),
		cmocka_unit_test(test_indicators_with_measures),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_row_errors),
		cmocka_unit_test(test_written_text),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_writer_orders_unsorted_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
