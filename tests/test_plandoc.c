/* SPDX-License-Identifier: MIT */
/*
 * Plan documents: building, people, item references, checking, renumbering, and the
 * attribute texts writers emit (which must rebuild every field through jl_record_set).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc_helpers.h"

#include "model/plandoc.h"
#include "model/util.h"

static json_int_t n(const json_t *rec, const char *key)
{
	return json_integer_value(json_object_get(rec, key));
}

/* os-1 "OS 1" > oo-1 "OO 1" > action-1 "Action 1" > task-1; os-1 > oo-2 "OO2". */
static json_t *small_doc(void)
{
	json_t *doc = jl_plandoc_new();
	json_t *os = jl_plandoc_add_item(doc, JALON_KIND_OS, NULL);
	set(doc, os, "label", "OS 1");
	set(doc, os, "titre", "Être un CPAS");
	json_t *oo1 = jl_plandoc_add_item(doc, JALON_KIND_OO, "os-1");
	set(doc, oo1, "label", "OO 1");
	set(doc, oo1, "titre", "Assurer un accompagnement");
	json_t *oo2 = jl_plandoc_add_item(doc, JALON_KIND_OO, "os-1");
	set(doc, oo2, "label", "OO2");
	set(doc, oo2, "titre", "Renforcer l'insertion");
	json_t *a = jl_plandoc_add_item(doc, JALON_KIND_ACTION, "oo-1");
	set(doc, a, "label", "Action 1");
	set(doc, a, "titre", "Améliorer les services");
	json_t *t = jl_plandoc_add_item(doc, JALON_KIND_TASK, "action-1");
	set(doc, t, "titre", "Établir un rapport");
	return doc;
}

static void test_new_document(void **state)
{
	(void)state;
	char err[256];
	json_t *doc = jl_plandoc_new();
	assert_string_equal(s(doc, "format"), "jalon-plan");
	assert_int_equal(n(doc, "version"), 1);
	assert_string_equal(s(jl_plandoc_plan(doc), "id"), "plan");
	assert_string_equal(s(jl_plandoc_plan(doc), "kind"), "plan");
	assert_int_equal(json_array_size(jl_plandoc_people(doc)), 0);
	assert_int_equal(json_array_size(jl_plandoc_items(doc)), 0);
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);
	json_decref(doc);
}

static void test_add_item_keeps_tree_order(void **state)
{
	(void)state;
	json_t *doc = small_doc();
	json_t *items = jl_plandoc_items(doc);
	/* oo-2 was added after action-1's OO; it still goes after oo-1's subtree. */
	const char *want[] = {"os-1", "oo-1", "action-1", "task-1", "oo-2"};
	assert_int_equal(json_array_size(items), 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(s(json_array_get(items, i), "id"), want[i]);
	assert_int_equal(n(jl_plandoc_find(doc, "oo-2"), "position"), 2);
	assert_int_equal(n(jl_plandoc_find(doc, "task-1"), "position"), 1);
	assert_string_equal(
		s(json_array_get(json_object_get(jl_plandoc_find(doc, "task-1"), "parents"), 0), "id"),
		"action-1");
	json_t *os2 = jl_plandoc_add_item(doc, JALON_KIND_OS, NULL);
	assert_string_equal(s(os2, "id"), "os-2");
	assert_int_equal(n(os2, "position"), 2);
	assert_null(jl_plandoc_add_item(doc, JALON_KIND_OO, NULL));
	assert_null(jl_plandoc_add_item(doc, JALON_KIND_PERSON, NULL));
	json_decref(doc);
}

static void test_next_id_follows_highest(void **state)
{
	(void)state;
	json_t *doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "action-1"), "id", json_string("action-7"));
	json_t *a = jl_plandoc_add_item(doc, JALON_KIND_ACTION, "oo-2");
	assert_string_equal(s(a, "id"), "action-8");
	assert_string_equal(s(json_array_get(jl_plandoc_items(doc), 5), "id"), "action-8");
	json_decref(doc);
}

static void test_person_find_or_create(void **state)
{
	(void)state;
	char err[256];
	json_t *doc = jl_plandoc_new(), *p, *q;
	assert_int_equal(jl_plandoc_person(doc, "Marie Dupont", &p, err, sizeof err), 0);
	assert_string_equal(s(p, "id"), "person-1");
	assert_string_equal(s(p, "name"), "Marie Dupont");
	assert_string_equal(s(p, "email"), "");
	/* Folded name: same person; an email written later is added. */
	assert_int_equal(jl_plandoc_person(doc, "  marie DUPONT <Marie@cpas.be> ", &q, err, sizeof err),
	                 0);
	assert_ptr_equal(p, q);
	assert_string_equal(s(p, "email"), "Marie@cpas.be");
	/* The email decides, whatever the name. */
	assert_int_equal(jl_plandoc_person(doc, "M. Dupont <marie@CPAS.be>", &q, err, sizeof err), 0);
	assert_ptr_equal(p, q);
	assert_int_equal(jl_plandoc_person(doc, "<jean@cpas.be>", &q, err, sizeof err), 0);
	assert_string_equal(s(q, "id"), "person-2");
	assert_string_equal(s(q, "name"), "jean@cpas.be");
	assert_int_equal(jl_plandoc_person(doc, "jean@cpas.be", &p, err, sizeof err), 0);
	assert_ptr_equal(p, q);
	assert_ptr_equal(jl_plandoc_find_person(doc, "MARIE dupont"), jl_plandoc_find(doc, "person-1"));
	assert_ptr_equal(jl_plandoc_find_person(doc, "JEAN@cpas.be"), q);
	assert_null(jl_plandoc_find_person(doc, "Paul"));
	assert_int_equal(json_array_size(jl_plandoc_people(doc)), 2);
	json_decref(doc);
}

static void test_person_errors_and_ambiguity(void **state)
{
	(void)state;
	char err[256];
	json_t *doc = jl_plandoc_new(), *p;
	assert_int_equal(jl_plandoc_person(doc, "Jean <pas-une-adresse>", &p, err, sizeof err),
	                 JALON_EINVALID);
	assert_string_equal(err, "adresse électronique invalide « pas-une-adresse »");
	assert_int_equal(jl_plandoc_person(doc, "Jean <jean@a.be", &p, err, sizeof err),
	                 JALON_EINVALID);
	assert_contains(err, "« Nom <adresse> » attendu");
	assert_int_equal(jl_plandoc_person(doc, "   ", &p, err, sizeof err), JALON_EINVALID);
	assert_string_equal(err, "personne sans nom ni adresse");
	assert_int_equal(json_array_size(jl_plandoc_people(doc)), 0);
	/* Two Jean with different emails are two people; "Jean" alone is then ambiguous. */
	assert_int_equal(jl_plandoc_person(doc, "Jean <jean@a.be>", &p, err, sizeof err), 0);
	assert_int_equal(jl_plandoc_person(doc, "Jean <jean@b.be>", &p, err, sizeof err), 0);
	assert_string_equal(s(p, "id"), "person-2");
	assert_int_equal(jl_plandoc_person(doc, "jean", &p, err, sizeof err), JALON_EAMBIGUOUS);
	assert_contains(err, "personne ambiguë « jean »");
	char *ref = jl_plandoc_person_ref(doc, jl_plandoc_find(doc, "person-2"));
	assert_string_equal(ref, "Jean <jean@b.be>");
	free(ref);
	assert_int_equal(jl_plandoc_person(doc, "Paul", &p, err, sizeof err), 0);
	ref = jl_plandoc_person_ref(doc, p);
	assert_string_equal(ref, "Paul");
	free(ref);
	json_decref(doc);
}

static void test_resolve_item(void **state)
{
	(void)state;
	char err[256];
	json_t *doc = small_doc(), *found;
	assert_int_equal(jl_plandoc_resolve_item(doc, "oo-2", -1, &found, err, sizeof err), 0);
	assert_string_equal(s(found, "id"), "oo-2");
	/* Folded label, then label without spaces, both ways. */
	assert_int_equal(jl_plandoc_resolve_item(doc, "oo 1", JALON_KIND_OO, &found, err, sizeof err),
	                 0);
	assert_string_equal(s(found, "id"), "oo-1");
	assert_int_equal(jl_plandoc_resolve_item(doc, "OO1", JALON_KIND_OO, &found, err, sizeof err), 0);
	assert_string_equal(s(found, "id"), "oo-1");
	assert_int_equal(jl_plandoc_resolve_item(doc, "OO 2", JALON_KIND_OO, &found, err, sizeof err),
	                 0);
	assert_string_equal(s(found, "id"), "oo-2");
	/* A title, for items without a label. */
	assert_int_equal(jl_plandoc_resolve_item(doc, "etablir un RAPPORT", -1, &found, err,
	                                         sizeof err), 0);
	assert_string_equal(s(found, "id"), "task-1");
	/* The kind filters. */
	assert_int_equal(jl_plandoc_resolve_item(doc, "OO 1", JALON_KIND_OS, &found, err, sizeof err),
	                 JALON_ENOTFOUND);
	assert_string_equal(err, "OS « OO 1 » introuvable");
	assert_int_equal(jl_plandoc_resolve_item(doc, "oo-1", JALON_KIND_ACTION, &found, err,
	                                         sizeof err), JALON_ENOTFOUND);
	assert_null(found);
	/* Two labels that fold alike are ambiguous. */
	set(doc, jl_plandoc_find(doc, "oo-2"), "label", "oo 1");
	assert_int_equal(jl_plandoc_resolve_item(doc, "OO 1", JALON_KIND_OO, &found, err, sizeof err),
	                 JALON_EAMBIGUOUS);
	assert_contains(err, "référence ambiguë « OO 1 » : 2 OO portent ce label");
	char *ref = jl_plandoc_item_ref(doc, jl_plandoc_find(doc, "oo-1"));
	assert_string_equal(ref, "oo-1");
	free(ref);
	ref = jl_plandoc_item_ref(doc, jl_plandoc_find(doc, "action-1"));
	assert_string_equal(ref, "Action 1");
	free(ref);
	json_decref(doc);
}

static void test_context_drives_record_set(void **state)
{
	(void)state;
	json_t *doc = small_doc();
	json_t *a = jl_plandoc_find(doc, "action-1");
	set(doc, a, "porteur", "Marie <marie@cpas.be>, Service social");
	set(doc, a, "répartition", "OO1 = 70 ; OO2 = 30");
	assert_int_equal(json_array_size(jl_plandoc_people(doc)), 2);
	json_t *parents = json_object_get(a, "parents");
	assert_string_equal(s(json_array_get(parents, 0), "id"), "oo-1");
	assert_int_equal(n(json_array_get(parents, 1), "share"), 30);
	assert_string_equal(s(json_array_get(json_object_get(a, "people"), 1), "person"),
	                    "person-2");
	record_context ctx = jl_plandoc_context(doc);
	assert_ptr_equal(ctx.plan, jl_plandoc_plan(doc));
	json_decref(doc);
}

static void expect_check_error(json_t *doc, const char *message, const char *bad)
{
	char err[512], id[64];
	assert_int_equal(jl_plandoc_check_at(doc, id, sizeof id, err, sizeof err), JALON_EINVALID);
	assert_string_equal(err, message);
	assert_string_equal(id, bad);
	json_decref(doc);
}

static void test_check_errors(void **state)
{
	(void)state;
	json_t *doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "oo-2"), "id", json_string("oo-1"));
	expect_check_error(doc, "OO2 : identifiant « oo-1 » en double", "oo-1");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "oo-2"), "id", json_string("action-9"));
	expect_check_error(doc, "OO2 : identifiant « action-9 » invalide pour un élément de type oo",
	                   "action-9");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "oo-2"), "parents",
	                    json_pack("[{s:s, s:i}]", "id", "os-9", "share", 100));
	expect_check_error(doc, "OO2 : parent « os-9 » introuvable (OS attendu)", "oo-2");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "task-1"), "parents",
	                    json_pack("[{s:s, s:i}]", "id", "oo-1", "share", 100));
	expect_check_error(doc, "Tâche « Établir un rapport » : parent « oo-1 » introuvable "
	                   "(action attendu)", "task-1");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "os-1"), "parents",
	                    json_pack("[{s:s, s:i}]", "id", "oo-1", "share", 100));
	expect_check_error(doc, "OS 1 : un OS n'a pas de parent", "os-1");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "oo-1"), "parents", json_array());
	expect_check_error(doc, "OO 1 : parent manquant (OS attendu)", "oo-1");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "action-1"), "parents",
	                    json_pack("[{s:s, s:i}, {s:s, s:i}]", "id", "oo-1", "share", 60, "id",
	                              "oo-2", "share", 30));
	expect_check_error(doc, "Action 1 : les parts de la répartition font 90 %, pas 100 %",
	                   "action-1");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "action-1"), "parents",
	                    json_pack("[{s:s, s:i}, {s:s, s:i}]", "id", "oo-1", "share", 50, "id",
	                              "oo-1", "share", 50));
	expect_check_error(doc, "Action 1 : parent « oo-1 » cité deux fois", "action-1");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "task-1"), "people",
	                    json_pack("[{s:s, s:s}]", "role", "porteur", "person", "person-4"));
	expect_check_error(doc, "Tâche « Établir un rapport » : personne « person-4 » introuvable "
	                   "(porteur)", "task-1");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "oo-1"), "status", json_string("fini"));
	expect_check_error(doc, "OO 1 : statut : valeur non reconnue « fini »", "oo-1");

	doc = small_doc();
	json_object_set_new(jl_plandoc_find(doc, "oo-1"), "custom", json_pack("{s:s}", "Code", "A"));
	expect_check_error(doc, "OO 1 : champ personnalisé « Code » non déclaré par le plan pour ce "
	                   "type d'élément", "oo-1");

	doc = small_doc();
	json_object_set_new(doc, "format", json_string("autre"));
	expect_check_error(doc, "« format » : « jalon-plan » attendu", "");

	doc = small_doc();
	json_object_set_new(doc, "extra", json_true());
	expect_check_error(doc, "champ inconnu « extra » dans le document", "");
}

static void test_check_canonicalises_and_sorts(void **state)
{
	(void)state;
	char err[512];
	json_t *doc = small_doc();
	json_t *items = jl_plandoc_items(doc);
	/* Reverse the list and drop some keys: check restores tree order and defaults. */
	json_t *reversed = json_array();
	for (size_t i = json_array_size(items); i > 0; i--)
		json_array_append(reversed, json_array_get(items, i - 1));
	json_object_set_new(doc, "items", reversed);
	json_object_del(jl_plandoc_find(doc, "oo-2"), "status");
	json_object_set_new(jl_plandoc_find(doc, "oo-2"), "position", json_integer(9));
	json_t *a = jl_plandoc_find(doc, "action-1");
	json_object_set_new(a, "people", json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "role",
	                                           "porteur", "person", "person-1", "role",
	                                           "mandataire", "person", "person-2", "role",
	                                           "porteur", "person", "person-3"));
	json_t *p;
	jl_plandoc_person(doc, "A", &p, err, sizeof err);
	jl_plandoc_person(doc, "B", &p, err, sizeof err);
	jl_plandoc_person(doc, "C", &p, err, sizeof err);
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);
	items = jl_plandoc_items(doc);
	/* The reversed list had oo-2 before oo-1: siblings keep that relative order. */
	const char *want[] = {"os-1", "oo-2", "oo-1", "action-1", "task-1"};
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(s(json_array_get(items, i), "id"), want[i]);
	assert_int_equal(n(jl_plandoc_find(doc, "oo-2"), "position"), 1);
	assert_int_equal(n(jl_plandoc_find(doc, "oo-1"), "position"), 2);
	assert_string_equal(s(jl_plandoc_find(doc, "oo-2"), "status"), "à lancer");
	json_t *people = json_object_get(jl_plandoc_find(doc, "action-1"), "people");
	assert_string_equal(s(json_array_get(people, 0), "role"), "mandataire");
	assert_string_equal(s(json_array_get(people, 1), "person"), "person-1");
	assert_string_equal(s(json_array_get(people, 2), "person"), "person-3");
	json_decref(doc);
}

static void test_renumber(void **state)
{
	(void)state;
	char err[256];
	json_t *doc = small_doc(), *p;
	set(doc, jl_plandoc_find(doc, "action-1"), "porteur", "Marie");
	jl_plandoc_person(doc, "Paul", &p, err, sizeof err);
	json_object_set_new(jl_plandoc_find(doc, "person-1"), "id", json_string("person-5"));
	json_object_set_new(json_array_get(json_object_get(jl_plandoc_find(doc, "action-1"), "people"),
	                                   0), "person", json_string("person-5"));
	json_object_set_new(jl_plandoc_find(doc, "oo-1"), "id", json_string("oo-12"));
	json_object_set_new(json_array_get(json_object_get(jl_plandoc_find(doc, "action-1"), "parents"),
	                                   0), "id", json_string("oo-12"));
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);
	assert_int_equal(jl_plandoc_renumber(doc), 0);
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);
	assert_non_null(jl_plandoc_find(doc, "oo-1"));
	assert_non_null(jl_plandoc_find(doc, "oo-2"));
	assert_string_equal(s(json_array_get(jl_plandoc_people(doc), 0), "id"), "person-1");
	json_t *a = jl_plandoc_find(doc, "action-1");
	assert_string_equal(s(json_array_get(json_object_get(a, "parents"), 0), "id"), "oo-1");
	assert_string_equal(s(json_array_get(json_object_get(a, "people"), 0), "person"),
	                    "person-1");
	json_decref(doc);
}

/* Every field, set by text, must come back from jl_plandoc_attribute_values' texts. */
static void test_attribute_values_rebuild_fields(void **state)
{
	(void)state;
	char err[512];
	json_t *doc = small_doc();
	assert_int_equal(jl_plandoc_declare_field(doc, "Code projet ; pour: action", err, sizeof err),
	                 0);
	json_t *a = jl_plandoc_find(doc, "action-1");
	set(doc, a, "description", "Deux\n\nparagraphes");
	set(doc, a, "brouillon", "oui");
	set(doc, a, "statut", "reporté");
	set(doc, a, "santé", "blocage : en attente du subside");
	set(doc, a, "avancement", "0");
	set(doc, a, "poids", "4");
	set(doc, a, "qui", "DG + Président");
	set(doc, a, "porteur", "Marie <marie@cpas.be>, Paul");
	set(doc, a, "mandataire", "Président");
	set(doc, a, "répartition", "OO 1 = 60 ; OO2 = 40");
	set(doc, a, "échéance", "fin 2019");
	set(doc, a, "récurrence", "2x/an");
	set(doc, a, "début", "15/10/2019");
	set(doc, a, "fin", "2020-06-30");
	set(doc, a, "début effectif", "2019-11-01");
	set(doc, a, "fin effective", "2020-07-01");
	set(doc, a, "priorité", "2019-2020");
	set(doc, a, "partenaires", "Forem ; AIS, Relais social");
	set(doc, a, "plans", "PCS");
	set(doc, a, "odd", "ODD1, 8 ; 10");
	set(doc, a, "synergie", "oui");
	set(doc, a, "budget", "2020 ; 12.500,75 € ; 8451 ; Région wallonne ; Subside");
	set(doc, a, "budget", "2021 ; 300");
	set(doc, a, "indicateur", "Bénéficiaires ; unité: personnes ; cible: 40 ; année: 2024");
	set(doc, a, "mesure", "31/12/2020 ; 12");
	set(doc, a, "note", "première");
	set(doc, a, "note", "seconde");
	set(doc, a, "Code projet", "P-7");
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);
	a = jl_plandoc_find(doc, "action-1");

	json_t *fresh = jl_record_new(JALON_KIND_ACTION, "action-1");
	json_t *values = json_array();
	for (const char *const *k = jl_plandoc_attribute_keys(); *k; k++)
		assert_int_equal(jl_plandoc_attribute_values(doc, a, *k, 0, values), 0);
	assert_int_equal(jl_plandoc_attribute_values(doc, a, "Code projet", 0, values), 0);
	size_t i;
	json_t *pair;
	json_array_foreach(values, i, pair)
		set(doc, fresh, json_string_value(json_array_get(pair, 0)),
		    json_string_value(json_array_get(pair, 1)));
	json_object_set(fresh, "position", json_object_get(a, "position"));
	assert_true(json_equal(fresh, a));

	/* A few texts as a person reads them. */
	json_t *v = json_array();
	jl_plandoc_attribute_values(doc, a, "budget", 0, v);
	assert_string_equal(json_string_value(json_array_get(json_array_get(v, 0), 1)),
	                    "2020 ; 12500,75 ; 8451 ; Région wallonne ; Subside");
	assert_string_equal(json_string_value(json_array_get(json_array_get(v, 1), 1)),
	                    "2021 ; 300,00");
	json_array_clear(v);
	jl_plandoc_attribute_values(doc, a, "répartition", 0, v);
	assert_string_equal(json_string_value(json_array_get(json_array_get(v, 0), 1)),
	                    "OO 1 = 60 ; OO2 = 40");
	json_array_clear(v);
	jl_plandoc_attribute_values(doc, a, "répartition", PLANDOC_REF_BY_ID, v);
	assert_string_equal(json_string_value(json_array_get(json_array_get(v, 0), 1)),
	                    "oo-1 = 60 ; oo-2 = 40");
	json_array_clear(v);
	jl_plandoc_attribute_values(doc, a, "porteur", 0, v);
	assert_string_equal(json_string_value(json_array_get(json_array_get(v, 0), 1)),
	                    "Marie, Paul");
	json_array_clear(v);
	jl_plandoc_attribute_values(doc, a, "porteur", PLANDOC_PERSON_EMAIL, v);
	assert_string_equal(json_string_value(json_array_get(json_array_get(v, 0), 1)),
	                    "Marie <marie@cpas.be>, Paul");
	json_array_clear(v);
	jl_plandoc_attribute_values(doc, a, "indicateur", 0, v);
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_array_get(json_array_get(v, 1), 0)), "mesure");
	assert_string_equal(json_string_value(json_array_get(json_array_get(v, 1), 1)),
	                    "2020-12-31 ; 12");
	json_array_clear(v);
	/* Defaults give nothing. */
	jl_plandoc_attribute_values(doc, jl_plandoc_find(doc, "task-1"), "statut", 0, v);
	jl_plandoc_attribute_values(doc, jl_plandoc_find(doc, "task-1"), "poids", 0, v);
	jl_plandoc_attribute_values(doc, jl_plandoc_find(doc, "task-1"), "répartition", 0, v);
	assert_int_equal(json_array_size(v), 0);
	json_decref(v);
	json_decref(values);
	json_decref(fresh);
	json_decref(doc);
}

static void test_custom_field_declarations(void **state)
{
	(void)state;
	char err[256];
	json_t *doc = jl_plandoc_new();
	assert_int_equal(jl_plandoc_declare_field(doc, "Phase ; type: liste ; pour: action, tâche ; "
	                                          "valeurs: étude, travaux ; défaut: étude", err,
	                                          sizeof err), 0);
	json_t *decl = json_array_get(json_object_get(jl_plandoc_plan(doc), "custom_fields"), 0);
	assert_string_equal(s(decl, "name"), "Phase");
	assert_string_equal(s(decl, "type"), "liste");
	assert_string_equal(json_string_value(json_array_get(json_object_get(decl, "kinds"), 1)),
	                    "task");
	assert_int_equal(json_array_size(json_object_get(decl, "values")), 2);
	assert_string_equal(s(decl, "default"), "étude");
	char *text = jl_plandoc_field_declaration_text(decl);
	assert_string_equal(text, "Phase ; type: liste ; pour: action, tâche ; valeurs: étude, "
	                          "travaux ; défaut: étude");
	free(text);
	assert_int_equal(jl_plandoc_check(doc, err, sizeof err), 0);

	assert_int_equal(jl_plandoc_declare_field(doc, "phase", err, sizeof err), JALON_EINVALID);
	assert_string_equal(err, "champ « phase » déclaré deux fois");
	assert_int_equal(jl_plandoc_declare_field(doc, "Statut", err, sizeof err), JALON_EINVALID);
	assert_string_equal(err, "champ « Statut » : ce nom est déjà celui d'un champ de Jalon");
	assert_int_equal(jl_plandoc_declare_field(doc, "X ; type: couleur", err, sizeof err),
	                 JALON_EINVALID);
	assert_contains(err, "type « couleur » inconnu");
	assert_int_equal(jl_plandoc_declare_field(doc, "Y ; pour: projet", err, sizeof err),
	                 JALON_EINVALID);
	assert_contains(err, "type d'élément « projet » inconnu");
	assert_int_equal(jl_plandoc_declare_field(doc, "Z ; type: liste", err, sizeof err),
	                 JALON_EINVALID);
	assert_contains(err, "une liste demande ses valeurs");
	assert_int_equal(jl_plandoc_declare_field(doc, "Code : projet", err, sizeof err),
	                 JALON_EINVALID);
	assert_contains(err, "un nom d'un à trois mots");
	assert_int_equal(jl_plandoc_declare_field(doc, "Un nom bien trop long", err, sizeof err),
	                 JALON_EINVALID);
	assert_int_equal(jl_plandoc_declare_field(doc, "2e phase", err, sizeof err), JALON_EINVALID);
	assert_int_equal(jl_plandoc_declare_field(doc, " ; type: texte", err, sizeof err),
	                 JALON_EINVALID);
	assert_string_equal(err, "champ : nom manquant");
	assert_int_equal(json_array_size(json_object_get(jl_plandoc_plan(doc), "custom_fields")), 1);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_document),
		cmocka_unit_test(test_add_item_keeps_tree_order),
		cmocka_unit_test(test_next_id_follows_highest),
		cmocka_unit_test(test_person_find_or_create),
		cmocka_unit_test(test_person_errors_and_ambiguity),
		cmocka_unit_test(test_resolve_item),
		cmocka_unit_test(test_context_drives_record_set),
		cmocka_unit_test(test_check_errors),
		cmocka_unit_test(test_check_canonicalises_and_sorts),
		cmocka_unit_test(test_renumber),
		cmocka_unit_test(test_attribute_values_rebuild_fields),
		cmocka_unit_test(test_custom_field_declarations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
