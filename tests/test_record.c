/* SPDX-License-Identifier: MIT */
/* Records: canonical form and text, setting fields from text, differences, messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/record.h"

static json_t *action(void)
{
	json_t *a = jl_record_new(JALON_KIND_ACTION, "action-7");
	json_object_set_new(a, "label", json_string("(7)"));
	json_object_set_new(a, "title", json_string("Mettre en place une équipe mobile"));
	return a;
}

static void set_ok(json_t *rec, const char *key, const char *value)
{
	char err[512] = "";
	int rc = jl_record_set(rec, key, value, NULL, err, sizeof err);
	if (rc != 0)
		fail_msg("%s=%s: %s", key, value, err);
}

static void set_fails(json_t *rec, const char *key, const char *value, const char *expect)
{
	char err[512] = "";
	json_t *before = json_deep_copy(rec);
	assert_int_equal(jl_record_set(rec, key, value, NULL, err, sizeof err), -1);
	if (!strstr(err, expect))
		fail_msg("%s=%s: « %s » does not contain « %s »", key, value, err, expect);
	assert_true(json_equal(before, rec)); /* refused: unchanged */
	json_decref(before);
}

static void test_text_is_canonical_and_stable(void **state)
{
	(void)state;
	json_t *a = action();
	char *text = jl_record_text(a);
	assert_non_null(strstr(text, "{\n  \"id\": \"action-7\",\n  \"kind\": \"action\",\n"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	/* The same data in another key order writes the same bytes. */
	json_t *shuffled = json_object();
	const char *key;
	json_t *v;
	json_t *keys = json_array();
	json_object_foreach(a, key, v)
		json_array_insert_new(keys, 0, json_string(key));
	size_t i;
	json_array_foreach(keys, i, v)
		json_object_set(shuffled, json_string_value(v), json_object_get(a, json_string_value(v)));
	char err[256];
	json_t *canon = jl_record_canonical(shuffled, err, sizeof err);
	char *again = jl_record_text(canon);
	assert_string_equal(text, again);
	free(text);
	free(again);
	json_decref(canon);
	json_decref(shuffled);
	json_decref(keys);
	json_decref(a);
}

static void test_canonical_refuses_unknown_and_wrong_types(void **state)
{
	(void)state;
	char err[256];
	json_t *a = action();
	json_object_set_new(a, "couleur", json_string("bleu"));
	assert_null(jl_record_canonical(a, err, sizeof err));
	assert_non_null(strstr(err, "couleur"));
	json_object_del(a, "couleur");
	json_object_set_new(a, "progress", json_real(0.5));
	assert_null(jl_record_canonical(a, err, sizeof err));
	assert_non_null(strstr(err, "avancement"));
	json_decref(a);
}

static void test_keys_are_case_and_accent_insensitive(void **state)
{
	(void)state;
	json_t *a = action();
	set_ok(a, "Échéance", "janvier 2020 - Rapport au Conseil");
	set_ok(a, "STATUT", "Terminé");
	set_ok(a, "avancement", "50 %");
	set_ok(a, "Qui", "DG + Président");
	json_t *d = json_object_get(a, "deadline");
	assert_string_equal(json_string_value(json_object_get(d, "text")),
	                    "janvier 2020 - Rapport au Conseil");
	assert_string_equal(json_string_value(json_object_get(d, "end")), "2020-01-31");
	assert_string_equal(json_string_value(json_object_get(d, "due")), "Rapport au Conseil");
	assert_string_equal(json_string_value(json_object_get(a, "status")), "terminé");
	assert_int_equal(json_integer_value(json_object_get(a, "progress")), 50);
	assert_string_equal(json_string_value(json_object_get(a, "who")), "DG + Président");
	json_decref(a);
}

static void test_recurring_echeance_sets_the_recurrence(void **state)
{
	(void)state;
	json_t *a = action();
	set_ok(a, "échéance", "1x/trimestre");
	json_t *r = json_object_get(a, "recurrence");
	assert_string_equal(json_string_value(json_object_get(r, "text")), "1x/trimestre");
	assert_non_null(strstr(json_string_value(json_object_get(r, "rule")), "FREQ="));
	assert_true(json_is_null(json_object_get(a, "deadline")));
	/* Changing the échéance to a date drops the recurrence it had set. */
	set_ok(a, "échéance", "fin 2019");
	assert_true(json_is_null(json_object_get(a, "recurrence")));
	json_decref(a);
}

static void test_text_not_understood_is_kept_and_flagged(void **state)
{
	(void)state;
	json_t *a = action();
	set_ok(a, "échéance", "quand le budget le permettra");
	json_t *d = json_object_get(a, "deadline");
	assert_string_equal(json_string_value(json_object_get(d, "text")),
	                    "quand le budget le permettra");
	assert_non_null(json_string_value(json_object_get(d, "error")));
	json_decref(a);
}

static void test_bad_values_are_refused_with_the_field_named(void **state)
{
	(void)state;
	json_t *a = action();
	set_fails(a, "statut", "fini-ish", "statut");
	set_fails(a, "avancement", "150", "avancement");
	set_fails(a, "odd", "18", "ODD");
	set_fails(a, "budget", "2020 ; beaucoup", "montant");
	set_fails(a, "couleur", "bleu", "clé inconnue « couleur »");
	set_fails(a, "volet", "externe", "clé inconnue");
	set_fails(a, "début", "32/01/2020", "date");
	json_decref(a);
}

static void test_budget_in_integer_cents(void **state)
{
	(void)state;
	json_t *a = action();
	set_ok(a, "budget", "2020 ; 12 500,50 € ; 8451 ; Wallonie ; APE");
	set_ok(a, "budget", "2021 ; 1.250 ; 8451 ; commune");
	set_ok(a, "budget", "2022 ; 99.5 ; 8451 ; fonds propres");
	json_t *b = json_object_get(a, "budget");
	assert_int_equal(json_array_size(b), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 0), "amount_cents")),
	                 1250050);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 1), "amount_cents")),
	                 125000);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 2), "amount_cents")),
	                 9950);
	assert_string_equal(json_string_value(json_object_get(json_array_get(b, 0), "source")),
	                    "Wallonie");
	/* What was spent, when known: a sixth part. */
	assert_true(json_is_null(json_object_get(json_array_get(b, 0), "spent_cents")));
	set_ok(a, "budget", "2023 ; 10 000 € ; 8451 ; Wallonie ; Formation ; 8 000,25 €");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 3), "spent_cents")),
	                 800025);
	set_fails(a, "budget", "2023 ; 10 000 ; 8451 ; Wallonie ; Formation ; presque tout",
	          "montant dépensé illisible « presque tout »");
	json_decref(a);
}

static void test_budget_keeps_empty_positions_and_odd_takes_a_prefix(void **state)
{
	(void)state;
	json_t *a = action();
	set_ok(a, "budget", "2020 ; 100 ; ; Wallonie");
	json_t *line = json_array_get(json_object_get(a, "budget"), 0);
	assert_string_equal(json_string_value(json_object_get(line, "fonction")), "");
	assert_string_equal(json_string_value(json_object_get(line, "source")), "Wallonie");
	set_ok(a, "odd", "ODD 1, 8");
	json_t *odd = json_object_get(a, "odd");
	assert_int_equal(json_array_size(odd), 2);
	assert_int_equal(json_integer_value(json_array_get(odd, 1)), 8);
	json_decref(a);
}

static void test_indicator_and_measurement(void **state)
{
	(void)state;
	json_t *a = action();
	set_ok(a, "indicateur", "Personnes accompagnées ; unité: personnes ; base: 10 ; cible: 50 ; "
	                        "année: 2024");
	set_ok(a, "mesure", "2020-12-31 ; 22");
	json_t *ind = json_array_get(json_object_get(a, "indicators"), 0);
	assert_string_equal(json_string_value(json_object_get(ind, "target")), "50");
	json_t *m = json_array_get(json_object_get(ind, "measurements"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "value")), "22");
	json_decref(a);
}

/* A recurring duty's anchor, end, and the occurrences that took place. */
static void test_recurrence_anchor_end_and_done_occurrences(void **state)
{
	(void)state;
	json_t *a = action();
	set_ok(a, "récurrence", "1x/trimestre");
	set_ok(a, "Début de la récurrence", "14/01/2020");
	set_ok(a, "fin de la recurrence", "2024-12-31");
	assert_string_equal(json_string_value(json_object_get(a, "recurrence_anchor")), "2020-01-14");
	assert_string_equal(json_string_value(json_object_get(a, "recurrence_end")), "2024-12-31");
	set_ok(a, "occurrence faite", "2020-07-14");
	set_ok(a, "occurrence faite", "14/04/2020");
	set_ok(a, "occurrence faite", "2020-07-14");
	char *text = jl_record_field_text("done_occurrences", json_object_get(a, "done_occurrences"),
	                                  NULL);
	assert_string_equal(text, "2020-04-14, 2020-07-14");
	free(text);
	set_ok(a, "occurrences faites", "2021-01-12 ; 2020-10-13");
	text = jl_record_field_text("done_occurrences", json_object_get(a, "done_occurrences"), NULL);
	assert_string_equal(text, "2020-10-13, 2021-01-12");
	free(text);
	set_fails(a, "occurrence faite", "31/02/2020",
	          "occurrences faites : une date (2019-10-15 ou 15/10/2019) est attendue, "
	          "pas « 31/02/2020 »");
	set_fails(a, "occurrences faites", "2020-01-14, demain",
	          "occurrences faites : une date (2019-10-15 ou 15/10/2019) est attendue, "
	          "pas « demain »");
	set_fails(a, "occurrence faite", "", "occurrences faites : une date est attendue");
	set_ok(a, "occurrences faites", "");
	assert_int_equal(json_array_size(json_object_get(a, "done_occurrences")), 0);
	/* The canonical form sorts the days and drops repeats; a non-date is refused. */
	json_t *raw = json_deep_copy(a);
	json_object_set_new(raw, "done_occurrences", json_pack("[s, s, s]", "2020-10-13",
	                                                       "2020-01-14", "2020-10-13"));
	char err[256];
	json_t *c = jl_record_canonical(raw, err, sizeof err);
	assert_non_null(c);
	json_t *sorted = json_pack("[s, s]", "2020-01-14", "2020-10-13");
	assert_true(json_equal(json_object_get(c, "done_occurrences"), sorted));
	json_decref(sorted);
	json_decref(c);
	json_object_set_new(raw, "done_occurrences", json_pack("[s]", "2020-13-01"));
	assert_null(jl_record_canonical(raw, err, sizeof err));
	assert_string_equal(err, "occurrences faites : des dates AAAA-MM-JJ sont attendues");
	json_decref(raw);
	json_decref(a);
}

static void test_change_summary_reads_like_a_sentence(void **state)
{
	(void)state;
	json_t *a = action();
	set_ok(a, "statut", "en cours");
	json_t *b = json_deep_copy(a);
	set_ok(b, "statut", "terminé");
	char *s = jl_record_change_summary(a, b);
	assert_string_equal(s, "Action (7) : statut « en cours » → « terminé »");
	free(s);
	record_change *ch;
	int n = jl_record_diff(a, b, &ch);
	assert_int_equal(n, 1);
	assert_string_equal(ch[0].field, "status");
	jl_record_changes_free(ch, n);
	json_decref(a);
	json_decref(b);
}

static void test_field_texts_read_as_a_person_reads_them(void **state)
{
	(void)state;
	json_t *a = action();
	set_ok(a, "échéance", "fin 2019");
	set_ok(a, "budget", "2020 ; 12 500,50 € ; 8451 ; Wallonie");
	set_ok(a, "partenaires", "Forem, AIS");
	set_ok(a, "synergie", "oui");
	char *t = jl_record_field_text("deadline", json_object_get(a, "deadline"), NULL);
	assert_string_equal(t, "fin 2019 (du 2019-10-01 au 2019-12-31)");
	free(t);
	t = jl_record_field_text("budget", json_object_get(a, "budget"), NULL);
	assert_string_equal(t, "2020 : 12 500,50 € (fonction 8451, Wallonie)");
	free(t);
	t = jl_record_field_text("partners", json_object_get(a, "partners"), NULL);
	assert_string_equal(t, "Forem, AIS");
	free(t);
	t = jl_record_field_text("synergy", json_object_get(a, "synergy"), NULL);
	assert_string_equal(t, "oui");
	free(t);
	set_ok(a, "échéance", "bi-mensuel");
	t = jl_record_field_text("recurrence", json_object_get(a, "recurrence"), NULL);
	assert_string_equal(t, "bi-mensuel (à confirmer)");
	free(t);
	json_t *names = json_pack("{s:s}", "oo-1", "OO 1");
	json_t *parents = json_pack("[{s:s, s:i}, {s:s, s:i}]", "id", "oo-1", "share", 60, "id",
	                            "oo-3", "share", 40);
	t = jl_record_field_text("parents", parents, names);
	assert_string_equal(t, "OO 1 (oo-1) 60 %, oo-3 40 %");
	free(t);
	json_decref(parents);
	json_decref(names);
	json_decref(a);
}

static void test_summary_of_many_fields(void **state)
{
	(void)state;
	json_t *a = action();
	json_t *b = json_deep_copy(a);
	set_ok(b, "statut", "en cours");
	set_ok(b, "avancement", "40");
	set_ok(b, "qui", "DG");
	set_ok(b, "synergie", "oui");
	char *s = jl_record_change_summary(a, b);
	assert_non_null(strstr(s, "Action (7) : statut « à lancer » → « en cours », avancement (vide)"
	                          " → « 40 »"));
	assert_non_null(strstr(s, " et 1 autre champ"));
	free(s);
	set_ok(b, "poids", "3");
	s = jl_record_change_summary(a, b);
	assert_non_null(strstr(s, " et 2 autres champs"));
	free(s);
	json_decref(a);
	json_decref(b);
}

static void test_display_names(void **state)
{
	(void)state;
	json_t *oo = jl_record_new(JALON_KIND_OO, "oo-3");
	json_object_set_new(oo, "label", json_string("O.O.3.2"));
	char *name = jl_record_display_name(oo);
	assert_string_equal(name, "O.O.3.2");
	free(name);
	json_t *task = jl_record_new(JALON_KIND_TASK, "task-1");
	json_object_set_new(task, "title", json_string("Établir un rapport de faisabilité"));
	name = jl_record_display_name(task);
	assert_string_equal(name, "Tâche « Établir un rapport de faisabilité »");
	free(name);
	json_decref(oo);
	json_decref(task);
}

static void test_paths_are_sharded_by_id(void **state)
{
	(void)state;
	char *p = jl_record_path("action-7");
	assert_string_equal(p, "actions/000/action-7.json");
	free(p);
	p = jl_record_path("task-12345");
	assert_string_equal(p, "tasks/123/task-12345.json");
	free(p);
	p = jl_record_path("plan");
	assert_string_equal(p, "plan.json");
	free(p);
	assert_null(jl_record_path("action-x"));
	assert_null(jl_record_path("../etc/passwd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_is_canonical_and_stable),
		cmocka_unit_test(test_canonical_refuses_unknown_and_wrong_types),
		cmocka_unit_test(test_keys_are_case_and_accent_insensitive),
		cmocka_unit_test(test_recurring_echeance_sets_the_recurrence),
		cmocka_unit_test(test_text_not_understood_is_kept_and_flagged),
		cmocka_unit_test(test_bad_values_are_refused_with_the_field_named),
		cmocka_unit_test(test_budget_in_integer_cents),
		cmocka_unit_test(test_budget_keeps_empty_positions_and_odd_takes_a_prefix),
		cmocka_unit_test(test_indicator_and_measurement),
		cmocka_unit_test(test_recurrence_anchor_end_and_done_occurrences),
		cmocka_unit_test(test_change_summary_reads_like_a_sentence),
		cmocka_unit_test(test_field_texts_read_as_a_person_reads_them),
		cmocka_unit_test(test_summary_of_many_fields),
		cmocka_unit_test(test_display_names),
		cmocka_unit_test(test_paths_are_sharded_by_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
