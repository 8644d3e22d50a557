/* SPDX-License-Identifier: MIT */
/* The progress roll-up: own progress by hand, from tasks or from the status; weights,
 * shares of transversal actions, abandoned items left out; expected progress and health
 * bands; volets and the plan; the rules a script replaces; the plan as reports read it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db_helpers.h"
#include "helpers.h"

static const char PLAN[] =
	"---\n"
	"organisation: CPAS de Test\n"
	"titre: PST 2019-2024\n"
	"période: 2019-2024\n"
	"---\n"
	"# Volet externe\n"
	"## OS 1 : Être un CPAS proche\n"
	"### OO 1 : Simplifier l'accès\n"
	"- Action 1 : Guichet unique\n"
	"  - Ouvrir le guichet\n"
	"    statut: terminé\n"
	"  - Former les agents\n"
	"    poids: 3\n"
	"- Action 2 : Permanence téléphonique\n"
	"  avancement: 60\n"
	"  début: 2020-01-01\n"
	"  fin: 2020-12-31\n"
	"- Action 3 : Étude abandonnée\n"
	"  statut: abandonné\n"
	"- Action 4 : Brochure\n"
	"  statut: en cours\n"
	"  échéance: fin 2019\n"
	"  priorité: oui\n"
	"- Action 5 : Plateforme commune avec la Ville\n"
	"  statut: terminé\n"
	"  répartition: OO 1 = 40 ; OO 2 = 60\n"
	"### OO 2 : Loger dignement\n"
	"- Action 6 : Logements d'insertion\n"
	"  statut: à lancer\n"
	"  échéance: 2019-2020\n"
	"# Volet interne\n"
	"## OS 2 : Une administration moderne\n";

static jalon_progress get(struct store_fixture *f, const char *ref)
{
	jalon_progress p;
	if (jalon_progress_get(&p, f->store, ref, "2020-07-01") != 0)
		fail_msg("%s: %s", ref, jalon_errmsg(f->store));
	return p;
}

static int setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof *f);
	f->store = scratch_store("progress", "Test", "test@example.org", &f->dir);
	assert_int_equal(jalon_import_buffer(f->store, PLAN, sizeof PLAN - 1, "plan.md",
	                                     JALON_FORMAT_OUTLINE, NULL), 0);
	*state = f;
	return 0;
}

static void test_own_progress(void **state)
{
	struct store_fixture *f = *state;
	/* From its tasks, weighted: (100 × 1 + 0 × 3) / 4. */
	assert_int_equal(get(f, "Action 1").progress, 25);
	/* By hand. */
	assert_int_equal(get(f, "Action 2").progress, 60);
	/* From the status. */
	assert_int_equal(get(f, "Action 4").progress, 50);
	assert_int_equal(get(f, "Action 5").progress, 100);
	/* Abandoned: nothing to measure, counted as abandoned. */
	jalon_progress a3 = get(f, "Action 3");
	assert_int_equal(a3.progress, -1);
	assert_int_equal(a3.items, 0);
	assert_int_equal(a3.by_status[4], 1);
}

static void test_roll_up_with_weights_and_shares(void **state)
{
	struct store_fixture *f = *state;
	/* OO 1: Actions 1, 2, 4 and 40 % of Action 5: (25 + 60 + 50 + 0.4 × 100) / 3.4. */
	jalon_progress oo1 = get(f, "OO 1");
	assert_int_equal(oo1.progress, 51);
	assert_int_equal(oo1.items, 6);             /* 4 actions, 2 tasks; not the abandoned one */
	assert_int_equal(oo1.by_status[2], 2);      /* Action 5 and the first task */
	assert_int_equal(oo1.by_status[4], 1);
	assert_int_equal(oo1.priority, 1);
	/* OO 2: Action 6 (0) and 60 % of Action 5 (100): 60 / 1.6. */
	assert_int_equal(get(f, "OO 2").progress, 38);
	/* OS 1: the two OO alike; Action 5, in both, counted once. */
	jalon_progress os1 = get(f, "OS 1");
	assert_int_equal(os1.progress, 44);
	assert_int_equal(os1.items, 7);             /* 5 actions, 2 tasks, not the abandoned one */
	assert_int_equal(os1.by_status[2], 2);
	assert_int_equal(get(f, "plan").items, 7);
	/* The volet externe is OS 1; the interne has nothing to measure; the plan is OS 1. */
	assert_int_equal(get(f, "externe").progress, 44);
	assert_int_equal(get(f, "interne").progress, -1);
	assert_int_equal(get(f, "plan").progress, 44);
}

static void test_schedule_health(void **state)
{
	struct store_fixture *f = *state;
	/* Half of 2020 elapsed on 1 July: 50 % expected, 60 % done. */
	jalon_progress a2 = get(f, "Action 2");
	assert_int_equal(a2.expected, 50);
	assert_string_equal(a2.health, "dans les temps");
	/* « fin 2019 » is past: 100 % expected, 50 % done, overdue. */
	jalon_progress a4 = get(f, "Action 4");
	assert_int_equal(a4.expected, 100);
	assert_string_equal(a4.health, "en retard");
	assert_int_equal(a4.overdue, 1);
	/* Done is on time, whatever the schedule said. */
	assert_string_equal(get(f, "Action 5").health, "dans les temps");
	/* No schedule, no health. */
	jalon_progress a1 = get(f, "Action 1");
	assert_int_equal(a1.expected, -1);
	assert_string_equal(a1.health, "");
	/* At risk: 85 % to 95 % of the expected. */
	const char *set[] = {"avancement=44"};
	assert_int_equal(jalon_item_set(f->store, "Action 2", set, 1), 0);
	assert_string_equal(get(f, "Action 2").health, "à risque");
	/* Bad inputs. */
	jalon_progress p;
	assert_int_equal(jalon_progress_get(&p, f->store, "OO 9", NULL), JALON_ENOTFOUND);
	assert_int_equal(jalon_progress_get(&p, f->store, "plan", "2020-02-30"), JALON_EINVALID);
	assert_string_equal(jalon_errmsg(f->store),
	                    "avancement : « 2020-02-30 » n'est pas une date AAAA-MM-JJ");
}

/* Each rule replaced by a script: an item's own progress, its weight, its health. */
static void test_rules_replaced_by_a_script(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "regles.lua",
	                     "jalon.progress_rule('avancement', function(item, value)\n"
	                     "  if item.name == 'Action 4' then return 80 end\n"
	                     "end)\n"
	                     "jalon.progress_rule('poids', function(item, weight)\n"
	                     "  if item.name == 'Action 2' then return 0 end\n"
	                     "  return weight\n"
	                     "end)\n"
	                     "jalon.progress_rule('santé', function(item, progress, expected, health)\n"
	                     "  if item.status == 'terminé' and item.kind == 'action' then\n"
	                     "    return 'à risque'\n"
	                     "  end\n"
	                     "end)\n");
	store_fixture_reopen(f, "Test", "test@example.org");
	assert_int_equal(get(f, "Action 4").progress, 80);
	/* OO 1: Action 1 (25), Action 2 weighs nothing, Action 4 (80), 40 % of Action 5 (100):
	   (25 + 80 + 40) / 2.4. */
	assert_int_equal(get(f, "OO 1").progress, 60);
	assert_string_equal(get(f, "Action 5").health, "à risque");
	assert_string_equal(get(f, "Action 2").health, "dans les temps"); /* kept: nil */

	/* A rule that fails, or answers nonsense, stops the roll-up with its message. */
	store_fixture_script(f, "regles.lua", "jalon.progress_rule('poids', function(item)\n"
	                                      "  return 'lourd'\n"
	                                      "end)\n");
	store_fixture_reopen(f, "Test", "test@example.org");
	jalon_progress p;
	assert_int_equal(jalon_progress_get(&p, f->store, "OO 1", "2020-07-01"), JALON_ESCRIPT);
	assert_string_equal(jalon_errmsg(f->store),
	                    "règle « poids » : un nombre attendu, pas string");
	store_fixture_script(f, "regles.lua", "jalon.progress_rule('santé', function(item)\n"
	                                      "  error('pas de santé pour ' .. item.id)\n"
	                                      "end)\n");
	store_fixture_reopen(f, "Test", "test@example.org");
	assert_int_equal(jalon_progress_get(&p, f->store, "OO 1", "2020-07-01"), JALON_ESCRIPT);
	assert_non_null(strstr(jalon_errmsg(f->store), "scripts/regles.lua:2: pas de santé pour"));
	store_fixture_script(f, "regles.lua", "jalon.progress_rule('vitesse', print)\n");
	store_fixture_reopen(f, "Test", "test@example.org");
	assert_int_equal(jalon_progress_get(&p, f->store, "OO 1", "2020-07-01"), JALON_ESCRIPT);
	assert_non_null(strstr(jalon_errmsg(f->store), "invalid option 'vitesse'"));
}

/* jalon.plan: the tree reports read, measured as jalon_progress_get measures each node. */
static void test_plan_for_reports(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "arbre.lua",
	                     "jalon.report('arbre', function(ctx, args)\n"
	                     "  local p = jalon.plan(args[1])\n"
	                     "  ctx.write(p.organisation, ' ', p.day, ' ', p.measure.progress, '\\n')\n"
	                     "  local function walk(node, depth)\n"
	                     "    ctx.write(string.rep(' ', depth), node.name, ' ', node.kind, ' ',\n"
	                     "              node.measure.progress or '-', ' ', node.measure.items,\n"
	                     "              node.priority and ' prioritaire' or '', '\\n')\n"
	                     "    for _, child in ipairs(node.children) do walk(child, depth + 1) end\n"
	                     "  end\n"
	                     "  for _, os in ipairs(p.os) do walk(os, 0) end\n"
	                     "  ctx.write(p.volets.externe.progress, ' ', p.items['action-4'].due_end)\n"
	                     "end)\n");
	store_fixture_reopen(f, "Test", "test@example.org");
	const char *args[] = {"2020-07-01"};
	char *out = NULL;
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "arbre", args, 1, NULL), 0);
	assert_string_equal(out, "CPAS de Test 2020-07-01 44\n"
	                         "OS 1 os 44 7\n"
	                         " OO 1 oo 51 6\n"
	                         "  Action 1 action 25 3\n"
	                         "   Tâche « Ouvrir le guichet » task 100 1\n"
	                         "   Tâche « Former les agents » task 0 1\n"
	                         "  Action 2 action 60 1\n"
	                         "  Action 3 action - 0\n"
	                         "  Action 4 action 50 1 prioritaire\n"
	                         "  Action 5 action 100 1\n"
	                         " OO 2 oo 38 2\n"
	                         "  Action 6 action 0 1\n"
	                         "  Action 5 action 100 1\n"
	                         "OS 2 os - 0\n"
	                         "44 2019-12-31");
	jalon_free(out);
	const char *bad[] = {"demain"};
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "arbre", bad, 1, NULL), JALON_ESCRIPT);
	assert_non_null(strstr(jalon_errmsg(f->store), "jalon.plan : avancement : « demain »"));
}

/* A store made before the query tables held what the roll-up reads (schema 2) is
   migrated when opened: the same figures, read from the new columns. */
static void test_store_of_schema_2_migrated(void **state)
{
	struct store_fixture *f = *state;
	const char *set[] = {"budget=2020 ; 1 000 € ; 8451 ; Wallonie ; ; 250 €", "synergie=oui",
	                     "indicateur=Dossiers ; cible: 10"};
	assert_int_equal(jalon_item_set(f->store, "Action 2", set, 3), 0);
	jalon_store_close(f->store);
	char cmd[4400];
	snprintf(cmd, sizeof cmd,
	         "sqlite3 '%s/jalon.db' 'ALTER TABLE items DROP COLUMN progress;"
	         " ALTER TABLE items DROP COLUMN weight; ALTER TABLE items DROP COLUMN planned_start;"
	         " ALTER TABLE items DROP COLUMN planned_end; ALTER TABLE items DROP COLUMN health;"
	         " ALTER TABLE items DROP COLUMN synergy; ALTER TABLE items DROP COLUMN budget_cents;"
	         " ALTER TABLE items DROP COLUMN spent_cents; ALTER TABLE items DROP COLUMN indicators;"
	         " PRAGMA user_version = 2'", f->dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(jalon_store_open(&f->store, f->dir, NULL), 0);
	assert_int_equal(get(f, "Action 2").progress, 60);
	assert_int_equal(get(f, "Action 2").expected, 50);
	assert_int_equal(get(f, "OO 1").progress, 51);
	snprintf(cmd, sizeof cmd,
	         "sqlite3 '%s/jalon.db' \"SELECT budget_cents, spent_cents, synergy, indicators,"
	         " weight FROM items WHERE title = 'Permanence téléphonique'\"", f->dir);
	char *row = run_line(cmd);
	assert_string_equal(row, "100000|25000|1|1|1");
	free(row);
}

/* The measures of the plan, a volet and an OO, as text. */
static int measure(jalon_store *s, void *ud)
{
	char **answer = ud, text[2048] = "";
	static const char *const refs[] = {"plan", "externe", "OO 1"};
	for (int i = 0; i < 3; i++) {
		jalon_progress p;
		int rc = jalon_progress_get(&p, s, refs[i], "2020-07-01");
		if (rc)
			return rc;
		size_t len = strlen(text);
		snprintf(text + len, sizeof text - len, "%s %d %d %s %d %d %d %d %d %d %d %d\n", refs[i],
		         p.progress, p.expected, p.health, p.items, p.by_status[0], p.by_status[1],
		         p.by_status[2], p.by_status[3], p.by_status[4], p.overdue, p.priority);
	}
	if (*answer)
		assert_string_equal(text, *answer);
	free(*answer);
	*answer = strdup(text);
	return 0;
}

/* The roll-up reads the plan (its period sets what is expected), the items and their
 * links: a database failing at any point of it is an error, never another measure. */
static void test_a_failing_database_fails_the_measure(void **state)
{
	struct store_fixture *f = *state;
	char *answer = NULL;
	assert_int_equal(measure(f->store, &answer), 0);
	db_sweep(f->store, NULL, measure, NULL, &answer);
	assert_int_equal(measure(f->store, &answer), 0);
	free(answer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_own_progress, setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_roll_up_with_weights_and_shares, setup,
		                                store_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_schedule_health, setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_rules_replaced_by_a_script, setup,
		                                store_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_plan_for_reports, setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_store_of_schema_2_migrated, setup,
		                                store_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_a_failing_database_fails_the_measure, setup,
		                                store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
