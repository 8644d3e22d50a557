/* SPDX-License-Identifier: MIT */
/* The Lua runtime: sandbox escapes refused, the instruction budget and the memory cap
 * (not even pcall gets past them), vetoing hooks leave store and history unchanged,
 * errors name the script's file and line, reports, reminder rules from Lua. */
#define _GNU_SOURCE /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "db_helpers.h"
#include "helpers.h"
#include "jalon/plugin.h"

static const char PLAN[] =
	"---\n"
	"organisation: CPAS de Test\n"
	"titre: PST 2019-2024\n"
	"période: 2019-2024\n"
	"personne: DG <dg@cpas-test.be> ; rôle\n"
	"---\n"
	"## OS 1 : Être une administration moderne\n"
	"### OO 1 : Organiser le travail\n"
	"- Action 1 : Rédiger le règlement de travail\n"
	"  qui: DG\n"
	"  échéance: 15/01/2020\n";

static int setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof *f);
	f->store = scratch_store("script", "Test", "test@example.org", &f->dir);
	assert_int_equal(jalon_import_buffer(f->store, PLAN, sizeof PLAN - 1, "plan.md",
	                                     JALON_FORMAT_OUTLINE, NULL), 0);
	*state = f;
	return 0;
}

static char *report(struct store_fixture *f, const char *name, int expect)
{
	char *out = NULL;
	int rc = jalon_report_run(&out, NULL, f->store, name, NULL, 0, NULL);
	if (rc != expect)
		fail_msg("report %s: %d (%s)", name, rc, jalon_errmsg(f->store));
	return out;
}

static void assert_has(const char *text, const char *part)
{
	if (!text || !strstr(text, part))
		fail_msg("« %s » missing from « %s »", part, text ? text : "(null)");
}

static int commits(struct store_fixture *f)
{
	char cmd[4400];
	snprintf(cmd, sizeof cmd, "git --git-dir='%s/history.git' rev-list --count main", f->dir);
	char *n = run_line(cmd);
	int count = atoi(n);
	free(n);
	return count;
}

/* Every way out of the sandbox a script might try, and what it finds instead. */
static void test_sandbox_escapes_are_refused(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "evasion.lua",
		"local tries = {\n"
		"  {'os.execute', function() return os.execute('true') end},\n"
		"  {'os.remove', function() return os.remove('/tmp/x') end},\n"
		"  {'os.getenv', function() return os.getenv('HOME') end},\n"
		"  {'io.open', function() return io.open('/etc/passwd') end},\n"
		"  {'io.lines', function() return io.lines('/etc/passwd') end},\n"
		"  {'io.popen', function() return io.popen('id') end},\n"
		"  {'load', function() return load('return 1') end},\n"
		"  {'loadstring', function() return loadstring('return 1') end},\n"
		"  {'dofile', function() return dofile('/etc/passwd') end},\n"
		"  {'loadfile', function() return loadfile('/etc/passwd') end},\n"
		"  {'string.dump', function() return string.dump(print) end},\n"
		"  {'(\"\").dump', function() return ('').dump(print) end},\n"
		"  {'debug', function() return debug.getinfo(1) end},\n"
		"  {'package.loadlib', function() return package.loadlib('libc.so.6', 'system') end},\n"
		"  {'collectgarbage', function() return collectgarbage('count') end},\n"
		"  {'require os', function() return require('os') end},\n"
		"  {'require ../', function() return require('..etc.passwd') end},\n"
		"  {'string metatable', function() return getmetatable('').__index.dump end},\n"
		"  {'jalon.on', function() jalon.on = nil end},\n"
		"  {'table.insert', function() table.insert = nil end},\n"
		"  {'pairs(jalon)', function() local _, t = pairs(jalon); t.get = nil end},\n"
		"  {'rawset(string)', function() rawset(string, 'format', print) end},\n"
		"  {'getmetatable(_ENV)', function() getmetatable(_ENV).__index = {} end},\n"
		"  {'__gc', function() setmetatable({}, {__gc = function() while true do end end}) end},\n"
		"}\n"
		"jalon.report('evasion', function(ctx)\n"
		"  for _, t in ipairs(tries) do\n"
		"    local ok, err = pcall(t[2])\n"
		"    ctx.write(t[1], ' ', ok and 'ouvert' or 'refusé', '\\n')\n"
		"    if not ok then ctx.write('  ', tostring(err), '\\n') end\n"
		"  end\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	char *out = report(f, "evasion", 0);
	/* A script's own globals are its own; nothing shared can be changed or reached. */
	const char *refused[] = {"os.execute refusé", "os.remove refusé", "os.getenv refusé",
	                         "io.open refusé", "io.lines refusé", "io.popen refusé", "load refusé",
	                         "loadstring refusé", "dofile refusé", "loadfile refusé",
	                         "string.dump refusé", "(\"\").dump refusé", "debug refusé",
	                         "package.loadlib refusé", "collectgarbage refusé",
	                         "require os refusé", "require ../ refusé",
	                         "string metatable refusé", "jalon.on refusé", "table.insert refusé",
	                         "pairs(jalon) refusé", "rawset(string) refusé",
	                         "getmetatable(_ENV) refusé", "__gc refusé"};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
		assert_has(out, refused[i]);
	assert_has(out, "les variables globales de Jalon ne se changent pas");
	jalon_free(out);
}

static void test_budget_and_memory_cannot_be_caught(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "boucles.lua",
		"jalon.report('boucle', function() while true do end end)\n"
		"jalon.report('boucle-pcall', function()\n"
		"  for _ = 1, 10 do pcall(function() while true do end end) end\n"
		"  return 'échappé'\n"
		"end)\n"
		"jalon.report('mémoire', function()\n"
		"  local t = {}\n"
		"  for i = 1, 1e9 do t[i] = ('x'):rep(1 << 20) .. i end\n"
		"end)\n"
		"jalon.report('mémoire-pcall', function()\n"
		"  pcall(function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1 << 20) .. i end end)\n"
		"  return 'échappé'\n"
		"end)\n"
		"jalon.report('ok', function() return 'encore là' end)\n");
	assert_int_equal(jalon_config_set(f->store, "scripts.timeout-ms", "200"), 0);
	assert_int_equal(jalon_config_set(f->store, "scripts.memory-kb", "8192"), 0);
	/* Reports have their own budget, when larger than the scripts'. */
	assert_int_equal(jalon_config_set(f->store, "reports.timeout-ms", "300"), 0);
	assert_int_equal(jalon_config_set(f->store, "reports.memory-kb", "12288"), 0);
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	report(f, "boucle", JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "boucles.lua:1: délai dépassé : le script a tourné plus "
	                                   "de 300 ms");
	report(f, "boucle-pcall", JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "délai dépassé");
	report(f, "mémoire", JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "mémoire épuisée : le script a dépassé 12288 Kio");
	report(f, "mémoire-pcall", JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "mémoire épuisée");
	/* The state is still usable afterwards. */
	char *out = report(f, "ok", 0);
	assert_string_equal(out, "encore là");
	jalon_free(out);
}

/* A handler's change runs the hooks again, inside the first call's budget: a loop
   there is stopped too, and the nested change refused. */
static void test_a_nested_call_keeps_the_budget(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "imbrique.lua",
		"jalon.on('after_commit', function()\n"
		"  local a = jalon.get('Action 1')\n"
		"  if a.status == 'en cours' then jalon.set(a.id, { note = 'suivi' }) end\n"
		"end)\n"
		"jalon.on('before_change', function(change)\n"
		"  if change.new and #change.new.notes > 0 then while true do end end\n"
		"end)\n");
	assert_int_equal(jalon_config_set(f->store, "scripts.timeout-ms", "200"), 0);
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	int before = commits(f);
	const char *a[] = {"statut=en cours"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", a, 1), 0);
	assert_int_equal(commits(f), before + 1); /* the note was refused */
}

/* jalon.set takes field names as keys, at most 64 of them, and says so otherwise. */
static void test_set_from_lua_checks_its_table(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "set.lua",
		"jalon.report('set', function(_, args)\n"
		"  if args[1] == 'liste' then jalon.set('Action 1', { 'terminé' }) end\n"
		"  if args[1] == 'trop' then\n"
		"    local t = {}\n"
		"    for i = 1, 65 do t['note' .. string.rep(' ', i)] = 'n' .. i end\n"
		"    jalon.set('Action 1', t)\n"
		"  end\n"
		"  jalon.set('Action 1', { statut = 'en cours', avancement = 40 })\n"
		"  return jalon.get('Action 1').status .. ' ' .. jalon.get('Action 1').progress\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	char *out = NULL;
	const char *liste[] = {"liste"}, *trop[] = {"trop"};
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "set", liste, 1, NULL), JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "jalon.set : les clés sont des noms de champs, pas des "
	                                   "number");
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "set", trop, 1, NULL), JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "jalon.set : au plus 64 champs à la fois");
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "set", NULL, 0, NULL), 0);
	assert_string_equal(out, "en cours 40");
	jalon_free(out);
}

static void test_a_veto_changes_nothing(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "workflow.lua",
		"jalon.on('action.status', function(change)\n"
		"  if change.new.status == 'terminé' and #change.new.notes == 0 then\n"
		"    return false, change.name .. ' : une note d’évaluation est requise pour terminer'\n"
		"  end\n"
		"end)\n"
		"jalon.on('before_change', function(change)\n"
		"  if change.new and change.new.title == 'boum' then error('titre interdit') end\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	int before = commits(f);
	const char *done[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", done, 1), JALON_ESCRIPT);
	assert_string_equal(jalon_errmsg(f->store),
	                    "Action 1 : une note d’évaluation est requise pour terminer");
	const char *boom[] = {"titre=boum"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", boom, 1), JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "workflow.lua:7: titre interdit");
	assert_has(jalon_errmsg(f->store), "stack traceback");
	assert_int_equal(commits(f), before);
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "Action 1"), 0);
	assert_string_equal(jalon_item_status(item), "à lancer");
	jalon_item_free(item);
	char *report_text = NULL;
	assert_int_equal(jalon_store_fsck(f->store, &report_text), 0);
	jalon_free(report_text);
	/* With the note, it goes through. */
	const char *ok[] = {"note=Règlement adopté par le Conseil", "statut=terminé"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", ok, 2), 0);
	assert_int_equal(commits(f), before + 1);
}

static void test_a_broken_script_names_its_file_and_line(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "casse.lua", "-- un script\n\nlocal x = = 1\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	const char *a[] = {"statut=en cours"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", a, 1), JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "/scripts/casse.lua:3:");
	/* Reading still works. */
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "Action 1"), 0);
	jalon_item_free(item);
}

static void test_reports_and_after_commit(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "rapports.lua",
		"local compte = 0\n"
		"jalon.on('after_commit', function(c)\n"
		"  compte = compte + 1\n"
		"  local a = jalon.get('Action 1')\n"
		"  if a.status == 'terminé' and not a.actual_end then\n"
		"    jalon.set(a.id, {['fin effective'] = '2020-01-31'})\n"
		"  end\n"
		"end)\n"
		"jalon.report('actions', function(ctx, args)\n"
		"  for _, a in ipairs(jalon.query{kind = 'action'}) do\n"
		"    ctx.write(a.label, ' ; ', a.title, ' ; ', a.status, ' ; ', tostring(a.actual_end), '\\n')\n"
		"  end\n"
		"  return 'arguments : ' .. table.concat(args, ',') .. ' ; commits vus : ' .. compte\n"
		"    .. ' ; auteur : ' .. table.concat(jalon.author().roles, ',')\n"
		"end)\n"
		"jalon.report('historique', function(ctx)\n"
		"  for _, e in ipairs(jalon.history('Action 1')) do\n"
		"    ctx.write(e.author.name, ' : ', e.message, '\\n')\n"
		"    for _, c in ipairs(e.changes) do\n"
		"      ctx.write('  ', c.label, ' : ', c.before, ' → ', c.after, '\\n')\n"
		"    end\n"
		"  end\n"
		"  local creation = jalon.history('Action 1')[3].time\n"
		"  local p = jalon.progress('OO 1', '2020-01-31')\n"
		"  ctx.write('avancement : ', p.progress, ' ; santé : ', p.health, ' ; terminées : ',\n"
		"    p.by_status['terminé'], '\\n')\n"
		"  ctx.write('avant : ', tostring(jalon.at('Action 1', '@' .. (creation - 1))),\n"
		"    ' ; en 2100 : ', jalon.at('Action 1', '2100-01-01').status,\n"
		"    ' ; enregistrements changés : ', #jalon.diff('@0', '2100-01-01'))\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	const char *done[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", done, 1), 0);
	char *out = NULL;
	const char *args[] = {"2019", "tous"};
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "actions", args, 2, NULL), 0);
	assert_string_equal(out, "Action 1 ; Rédiger le règlement de travail ; terminé ; 2020-01-31\n"
	                         "arguments : 2019,tous ; commits vus : 1 ; auteur : DG");
	jalon_free(out);
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "inconnu", NULL, 0, NULL),
	                 JALON_ENOTFOUND);
	out = report(f, "historique", 0);
	assert_has(out, "DG : Action 1 : fin effective (vide) → « 2020-01-31 »\n"
	                "  fin effective :  → 2020-01-31\n"
	                "DG : Action 1 : statut « à lancer » → « terminé »\n"
	                "  statut : à lancer → terminé\n");
	assert_has(out, "avancement : 100 ; santé : dans les temps ; terminées : 1\n");
	assert_has(out, "avant : nil ; en 2100 : terminé ; enregistrements changés : 5");
	jalon_free(out);
}

static void test_registration_only_while_loading(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "tard.lua",
		"jalon.report('tard', function() jalon.on('after_commit', print) end)\n"
		"jalon.report('évènement', function() end)\n");
	store_fixture_script(f, "zz.lua", "jalon.on('action.statut_inconnu', print)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	report(f, "tard", JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "zz.lua:1: jalon.on : événement « action.statut_inconnu »");
	char path[4200];
	snprintf(path, sizeof path, "%s/scripts/zz.lua", f->dir);
	unlink(path);
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	report(f, "tard", JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "tard.lua:1: jalon.on : ne s'appelle qu'au chargement");
}

/* jalon.log lists every commit of a period, also a change undone in it, which
   jalon.diff (states compared) does not show; a day counts from its first second. */
static void test_log_of_a_period(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "journal.lua",
		"jalon.report('journal', function(ctx, args)\n"
		"  for _, e in ipairs(jalon.log(args[1], '2100-01-01')) do\n"
		"    ctx.write(e.message, ' (', e.author.name, ')\\n')\n"
		"  end\n"
		"  ctx.write('diff : ', #jalon.diff(args[1], '2100-01-01'))\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	char since[32];
	snprintf(since, sizeof since, "@%lld", (long long)time(NULL));
	sleep(1);
	const char *start[] = {"statut=en cours"}, *undo[] = {"statut=à lancer"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", start, 1), 0);
	assert_int_equal(jalon_item_set(f->store, "Action 1", undo, 1), 0);
	const char *args[] = {since};
	char *out = NULL;
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "journal", args, 1, NULL), 0);
	assert_string_equal(out, "Action 1 : statut « en cours » → « à lancer » (DG)\n"
	                         "Action 1 : statut « à lancer » → « en cours » (DG)\n"
	                         "diff : 0");
	jalon_free(out);
	/* Today as a day: both changes are in it, from its first second. */
	char today[16];
	time_t now = time(NULL);
	strftime(today, sizeof today, "%Y-%m-%d", gmtime(&now));
	args[0] = today;
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "journal", args, 1, NULL), 0);
	assert_has(out, "« à lancer » → « en cours »");
	jalon_free(out);
}

/* A report's message for its user, error("…", 0), comes without traceback; any other
   error keeps its file, line and traceback. A store's report replaces a built-in one. */
static void test_report_errors_and_replaced_built_in(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "erreurs.lua",
		"jalon.report('argument', function() error('argument : --since attend une date', 0) end)\n"
		"jalon.report('bogue', function() local x; return x.y end)\n"
		"jalon.report('dashboard', function(ctx) return 'le nôtre ' .. (ctx.output or '') end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	report(f, "argument", JALON_ESCRIPT);
	assert_string_equal(jalon_errmsg(f->store),
	                    "rapport « argument » : argument : --since attend une date");
	report(f, "bogue", JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "erreurs.lua:2: attempt to index a nil value");
	assert_has(jalon_errmsg(f->store), "stack traceback");
	char *out = NULL;
	assert_int_equal(jalon_report_run(&out, NULL, f->store, "dashboard", NULL, 0, "tdb.html"), 0);
	assert_string_equal(out, "le nôtre tdb.html");
	jalon_free(out);
}

/* A custom field a script declares: validated, stored, exported, in the history, kept
   by a rebuild, and read back by an import into a store without the script. */
static void test_custom_field_from_a_script(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "synergies.lua",
		"jalon.field('Synergie ville ; type: liste ; valeurs: à étudier, engagée, réalisée ;"
		" pour: action')\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	int before = commits(f);
	const char *bad[] = {"synergie ville=peut-être"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", bad, 1), JALON_EINVALID);
	assert_has(jalon_errmsg(f->store), "« peut-être » n'est pas une valeur permise");
	const char *good[] = {"synergie ville=engagée"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", good, 1), 0);
	/* One commit declares the field, one sets it. */
	assert_int_equal(commits(f), before + 2);
	char *text;
	size_t len;
	assert_int_equal(jalon_export(&text, &len, f->store, JALON_FORMAT_OUTLINE), 0);
	assert_has(text, "champ: Synergie ville ; type: liste ; pour: action ; valeurs: à étudier, "
	                 "engagée, réalisée");
	assert_has(text, "  Synergie ville: engagée");
	assert_int_equal(jalon_store_rebuild(f->store), 0);
	char *again;
	assert_int_equal(jalon_export(&again, &len, f->store, JALON_FORMAT_OUTLINE), 0);
	assert_string_equal(again, text);
	jalon_free(again);
	char *dir2;
	jalon_store *other = scratch_store("script-import", "Test", "test@example.org", &dir2);
	assert_int_equal(jalon_import_buffer(other, text, strlen(text), "export.md",
	                                     JALON_FORMAT_OUTLINE, NULL), 0);
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, other, "Action 1"), 0);
	assert_has(jalon_item_json(item), "\"Synergie ville\": \"engagée\"");
	jalon_item_free(item);
	scratch_store_close(other, dir2);
	jalon_free(text);
}

/* The shipped Lua plug-in: loaded from plugins.path, its check, field and report. */
static void test_lua_plugin_synergies(void **state)
{
	struct store_fixture *f = *state;
	assert_int_equal(jalon_config_set(f->store, "plugins.path", JALON_PLUGINS_SRC), 0);
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	const char *alone[] = {"synergie=oui"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", alone, 1), JALON_ESCRIPT);
	assert_string_equal(jalon_errmsg(f->store), "Action 1 : une action en synergie nomme au "
	                                            "moins un partenaire (partenaires=…)");
	const char *ok[] = {"synergie=oui", "partenaires=Ville, Relais social",
	                    "service communal=Service des affaires sociales"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", ok, 3), 0);
	char *out = report(f, "synergies", 0);
	assert_string_equal(out, "OS 1 Être une administration moderne\n"
	                         "  OO 1 › Action 1 Rédiger le règlement de travail — à lancer — "
	                         "15/01/2020 — partenaires : Ville, Relais social — service "
	                         "communal : Service des affaires sociales\n"
	                         "1 action en synergie, dont 0 terminée\n");
	jalon_free(out);
	size_t n;
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		const jalon_plugin *p = jalon_plugins_get(f->store, i);
		if (!strcmp(jalon_plugin_name(p), "synergies"))
			found = jalon_plugin_loaded(p);
	}
	assert_true(found);
}

/* A Lua plug-in whose code fails is listed refused with the reason, and the store
   refuses changes. */
static void test_broken_lua_plugin(void **state)
{
	struct store_fixture *f = *state;
	char path[4200];
	snprintf(path, sizeof path, "%s/plugins", f->dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/plugins/casse", f->dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/plugins/casse/manifest.json", f->dir);
	FILE *m = fopen(path, "w");
	fputs("{\"name\": \"casse\", \"version\": \"1\", \"api\": \"1.0\","
	      " \"description\": \"en panne\"}\n", m);
	fclose(m);
	snprintf(path, sizeof path, "%s/plugins/casse/init.lua", f->dir);
	m = fopen(path, "w");
	fputs("local x = nil\nreturn x.champ\n", m);
	fclose(m);
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	/* Listing first: the plug-in's code runs for the list to tell. */
	size_t n;
	const jalon_plugin *casse = NULL;
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(jalon_plugin_name(jalon_plugins_get(f->store, i)), "casse"))
			casse = jalon_plugins_get(f->store, i);
	assert_non_null(casse);
	assert_false(jalon_plugin_loaded(casse));
	assert_has(jalon_plugin_refusal(casse), "init.lua:2: attempt to index a nil value");
	const char *a[] = {"statut=en cours"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", a, 1), JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "plug-in « casse » : ");
}

/* io.open reaches only the folders scripts.files grants, whatever the path says. */
static void test_file_access_where_granted(void **state)
{
	struct store_fixture *f = *state;
	char path[4200];
	snprintf(path, sizeof path, "%s/exports", f->dir);
	mkdir(path, 0755);
	assert_int_equal(jalon_config_set(f->store, "scripts.files", "exports"), 0);
	store_fixture_script(f, "fichiers.lua",
		"jalon.report('fichiers', function(ctx)\n"
		"  local out = assert(io.open('exports/liste.txt', 'w'))\n"
		"  out:write('Action 1\\n')\n"
		"  out:close()\n"
		"  ctx.write(io.open('exports/liste.txt'):read('a'))\n"
		"  for _, p in ipairs({ 'jalon.conf', 'exports/../jalon.conf', '/etc/passwd',\n"
		"                       'exports/../../x', 'scripts/fichiers.lua' }) do\n"
		"    local ok, err = pcall(io.open, p)\n"
		"    ctx.write(p, ' : ', ok and 'ouvert' or err:match('hors des dossiers') or err, '\\n')\n"
		"  end\n"
		"  ctx.write('popen : ', tostring(io.popen), ' ; lines : ', tostring(io.lines), '\\n')\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	char *out = report(f, "fichiers", 0);
	assert_string_equal(out, "Action 1\n"
	                         "jalon.conf : hors des dossiers\n"
	                         "exports/../jalon.conf : hors des dossiers\n"
	                         "/etc/passwd : hors des dossiers\n"
	                         "exports/../../x : hors des dossiers\n"
	                         "scripts/fichiers.lua : hors des dossiers\n"
	                         "popen : nil ; lines : nil\n");
	jalon_free(out);
}

/* Reminder rules and message texts from Lua (docs/remind.md, « Scripts »). */
static void test_reminders_from_lua(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "rappels.lua",
		"jalon.remind_rule(function(item, what, rule)\n"
		"  rule.before = { 3, 30 }\n"
		"  rule.extra[#rule.extra + 1] = 'Président <president@cpas-test.be>'\n"
		"end)\n"
		"jalon.remind_text(function(m)\n"
		"  local lines = { 'Madame, Monsieur,', '' }\n"
		"  for _, r in ipairs(m.reminders) do\n"
		"    lines[#lines + 1] = ('%s %s pour le %s (%d jours avant)'):format(\n"
		"      r.item.label, r.item.title, r.due, r.offset)\n"
		"  end\n"
		"  return table.concat(lines, '\\n') .. '\\n\\n(texte Jalon : ' .. #m.text .. ' octets)'\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	assert_int_equal(jalon_config_set(f->store, "remind.calendar", "false"), 0);
	jalon_remind_options o = JALON_REMIND_OPTIONS_INIT;
	char *text = NULL;
	size_t len = 0;
	o.date = "2019-12-02"; /* 30 working days before 15 January 2020 */
	o.dry_run = 1;
	o.out = open_memstream(&text, &len);
	jalon_remind_summary sum;
	assert_int_equal(jalon_remind_run(f->store, &o, &sum), 0);
	fclose(o.out);
	assert_int_equal(sum.messages, 2); /* the DG and the Président */
	assert_has(text, "À : Président <president@cpas-test.be>");
	assert_has(text, "Madame, Monsieur,\n\nAction 1 Rédiger le règlement de travail pour le "
	                 "2020-01-15 (30 jours avant)\n\n(texte Jalon : ");
	free(text);
}

/* A handler amends the change with jalon.set; the handlers after it (here the field's,
   which run after every before_change) see the amended record; the change and its
   consequence are one commit. */
static void test_a_handler_amends_the_change(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "a.lua",
		"jalon.on('before_change', function(change)\n"
		"  if change.new and change.new.status == 'en cours' and\n"
		"     change.old.status ~= 'en cours' then\n"
		"    jalon.set(change.id, {['début effectif'] = '2020-02-03', avancement = 10})\n"
		"  end\n"
		"  if change.new and change.new.title == 'ailleurs' then\n"
		"    jalon.set('plan', {titre = 'autre'})\n"
		"  end\n"
		"end)\n");
	store_fixture_script(f, "b.lua",
		"jalon.on('action.status', function(change)\n"
		"  if change.new.actual_start ~= '2020-02-03' or change.new.progress ~= 10 then\n"
		"    return false, 'amendement invisible : ' .. tostring(change.new.actual_start)\n"
		"  end\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	int before = commits(f);
	const char *start[] = {"statut=en cours"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", start, 1), 0);
	assert_int_equal(commits(f), before + 1);
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "Action 1"), 0);
	assert_has(jalon_item_json(item), "\"actual_start\": \"2020-02-03\"");
	assert_has(jalon_item_json(item), "\"progress\": 10");
	jalon_item_free(item);
	/* A record the change does not touch cannot be amended. */
	const char *elsewhere[] = {"titre=ailleurs"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", elsewhere, 1), JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "« plan » n'est pas un enregistrement que cette "
	                                   "modification crée ou change");
	assert_int_equal(commits(f), before + 1);
}

/* The custom fields a script declares are added by the first change that can: a store
   busy at that moment fails that call only, and the next one declares them. */
static void test_a_busy_store_does_not_break_the_scripts_for_good(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "champ.lua",
		"jalon.field('Validation CODIR ; type: oui/non ; pour: action')\n");
	jalon_store_close(f->store);
	jalon_open_options opts = JALON_OPEN_OPTIONS_INIT;
	opts.busy_timeout_ms = 50;
	assert_int_equal(jalon_store_open(&f->store, f->dir, &opts), 0);
	assert_int_equal(jalon_store_set_author(f->store, "DG", "dg@cpas-test.be"), 0);
	char path[4200];
	snprintf(path, sizeof path, "%s/jalon.db", f->dir);
	sqlite3 *other;
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	const char *set[] = {"validation codir=oui"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", set, 1), JALON_EBUSY);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	int before = commits(f);
	assert_int_equal(jalon_item_set(f->store, "Action 1", set, 1), 0);
	assert_int_equal(commits(f), before + 2); /* the declaration, then the change */
	jalon_item *item;
	assert_int_equal(jalon_item_lookup(&item, f->store, "Action 1"), 0);
	assert_has(jalon_item_json(item), "\"Validation CODIR\": \"oui\"");
	jalon_item_free(item);
}

/* A host that opens the bare store runs none of the store's scripts, reports or
   plug-ins; with extensions (the default), they run. */
static void test_a_store_opened_without_extensions(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "veto.lua",
		"jalon.on('before_change', function() return false, 'refusé par le workflow' end)\n"
		"jalon.report('r', function() return 'rapport' end)\n");
	jalon_store_close(f->store);
	jalon_open_options opts = JALON_OPEN_OPTIONS_INIT;
	opts.extensions = 0;
	assert_int_equal(jalon_store_open(&f->store, f->dir, &opts), 0);
	assert_int_equal(jalon_store_set_author(f->store, "DG", "dg@cpas-test.be"), 0);
	const char *set[] = {"statut=en cours"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", set, 1), 0);
	free(report(f, "r", JALON_ENOTFOUND));
	assert_has(jalon_errmsg(f->store), "sans ses scripts ni ses plug-ins");
	free(report(f, "dashboard", JALON_ENOTFOUND));
	size_t count = 1;
	assert_int_equal(jalon_plugins_discover(&count, f->store), 0);
	assert_int_equal(count, 0);
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	const char *back[] = {"statut=à lancer"};
	assert_int_equal(jalon_item_set(f->store, "Action 1", back, 1), JALON_ESCRIPT);
	assert_string_equal(jalon_errmsg(f->store), "refusé par le workflow");
	char *out = report(f, "r", 0);
	assert_string_equal(out, "rapport");
	jalon_free(out);
}

/* The lists C keeps, as scripts read them: in order, by name, and shared read-only. */
static void test_statuses_and_kinds_from_c(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "listes.lua",
		"jalon.report('listes', function()\n"
		"  local out = {#jalon.statuses, jalon.statuses[1], jalon.statuses[5],\n"
		"               jalon.statuses['terminé'], #jalon.kinds, jalon.kinds[1].name,\n"
		"               jalon.kinds[4].word, jalon.kinds.oo.title, jalon.kinds.task.phrase,\n"
		"               tostring(jalon.kinds[2] == jalon.kinds.oo), jalon.kinds.person.word}\n"
		"  for _, try in ipairs{function() jalon.statuses[1] = 'x' end,\n"
		"                       function() jalon.kinds.os.word = 'x' end,\n"
		"                       function() jalon.kinds[5] = {} end} do\n"
		"    out[#out + 1] = tostring(pcall(try))\n"
		"  end\n"
		"  return table.concat(out, '|')\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	char *out = report(f, "listes", 0);
	assert_string_equal(out, "5|à lancer|abandonné|3|4|os|Tâche|objectif opérationnel|"
	                         "une tâche|true|Personne|false|false|false");
	jalon_free(out);
	/* The same statuses, from C, in the order jalon_progress.by_status counts them. */
	assert_string_equal(jalon_status_name(2), "terminé");
	assert_null(jalon_status_name(JALON_STATUS_COUNT));
}

/* The reports a store has: its scripts' with their file, and the built-in ones. */
static void test_the_reports_listed(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "r.lua", "jalon.report('mensuel', function() return '' end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	char *list = NULL;
	assert_int_equal(jalon_report_list(&list, f->store), 0);
	char want[4300];
	snprintf(want, sizeof want, "mensuel\t%s/scripts/r.lua\n", f->dir);
	assert_has(list, want);
	assert_has(list, "dashboard\t");
	assert_has(list, "/dashboard.lua\n");
	assert_has(list, "evaluation\t");
	jalon_free(list);
	/* Without a store: the built-in ones only. */
	assert_int_equal(jalon_report_list(&list, NULL), 0);
	assert_has(list, "tableur\t");
	assert_null(strstr(list, "mensuel"));
	jalon_free(list);
}

/* A test on a fresh scratch store of its own. */
static int run_lecture(jalon_store *s, void *ud)
{
	char **answer = ud, *out;
	int rc = jalon_report_run(&out, NULL, s, "lecture", NULL, 0, NULL);
	if (rc)
		return rc;
	if (*answer)
		assert_string_equal(out, *answer);
	jalon_free(*answer);
	*answer = out;
	return 0;
}

/* jalon.get, jalon.people and jalon.author read the store: a database failing under them
 * is the script's error, naming the database, never nil, fewer people or no roles. */
static void test_a_failing_database_is_an_error_in_lua(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "lecture.lua",
		"jalon.report('lecture', function(ctx)\n"
		"  ctx.write(jalon.get('Action 1').title, ' ; ', tostring(jalon.get('Action 9')), ' ; ',\n"
		"    #jalon.people(), ' ; ', table.concat(jalon.author().roles, ','))\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	char *answer = NULL;
	assert_int_equal(run_lecture(f->store, &answer), 0);
	assert_string_equal(answer, "Rédiger le règlement de travail ; nil ; 1 ; DG");
	db_sweep(f->store, NULL, run_lecture, NULL, &answer);
	assert_int_equal(run_lecture(f->store, &answer), 0);
	jalon_free(answer);
}

static void action_unchanged(jalon_store *s, int rc, void *ud)
{
	jalon_item *item;
	(void)ud;
	assert_int_equal(jalon_item_lookup(&item, s, "Action 1"), 0);
	assert_string_equal(jalon_item_status(item), rc ? "à lancer" : "en cours");
	jalon_item_free(item);
}

static int start_action(jalon_store *s, void *ud)
{
	const char *start[] = {"statut=en cours"};
	(void)ud;
	return jalon_item_set(s, "Action 1", start, 1);
}

/* A handler's change.author: its roles read from the store. Failing, the change fails
 * with the database's message, before the handler could judge an author without roles. */
static void test_a_failing_database_fails_the_change_before_its_handlers(void **state)
{
	struct store_fixture *f = *state;
	store_fixture_script(f, "roles.lua",
		"jalon.on('before_change', function(change)\n"
		"  if #change.author.roles == 0 then return false, 'réservé aux rôles du plan' end\n"
		"end)\n");
	store_fixture_reopen(f, "DG", "dg@cpas-test.be");
	db_sweep(f->store, "FROM people", start_action, action_unchanged, NULL);
}

#define STORE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, store_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_sandbox_escapes_are_refused),
		STORE_TEST(test_budget_and_memory_cannot_be_caught),
		STORE_TEST(test_a_veto_changes_nothing),
		STORE_TEST(test_a_nested_call_keeps_the_budget),
		STORE_TEST(test_set_from_lua_checks_its_table),
		STORE_TEST(test_a_broken_script_names_its_file_and_line),
		STORE_TEST(test_reports_and_after_commit),
		STORE_TEST(test_report_errors_and_replaced_built_in),
		STORE_TEST(test_log_of_a_period),
		STORE_TEST(test_registration_only_while_loading),
		STORE_TEST(test_custom_field_from_a_script),
		STORE_TEST(test_lua_plugin_synergies),
		STORE_TEST(test_broken_lua_plugin),
		STORE_TEST(test_reminders_from_lua),
		STORE_TEST(test_file_access_where_granted),
		STORE_TEST(test_a_handler_amends_the_change),
		STORE_TEST(test_a_busy_store_does_not_break_the_scripts_for_good),
		STORE_TEST(test_a_store_opened_without_extensions),
		STORE_TEST(test_statuses_and_kinds_from_c),
		STORE_TEST(test_the_reports_listed),
		STORE_TEST(test_a_failing_database_is_an_error_in_lua),
		STORE_TEST(test_a_failing_database_fails_the_change_before_its_handlers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
