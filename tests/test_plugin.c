/* SPDX-License-Identifier: MIT */
/*
 * Plug-ins: discovery in plugins.path, C plug-ins (the shipped export-tsv and small
 * ones built from tests/plugins/), the ABI rules, files that are not to be trusted,
 * Lua manifests, registration rules, and `jalon plugins` / `jalon export --format` end
 * to end through the built command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <jansson.h>

#include "helpers.h"
#include "jalon/plugin.h"
#include "ext/plugin.h"

/* A small plan: three actions, a task, a draft. */
static const char PLAN[] =
	"---\n"
	"organisation: CPAS de Test\n"
	"titre: PST 2019-2024\n"
	"période: 2019-2024\n"
	"---\n"
	"# Volet interne\n"
	"## OS 1 : Être une administration moderne\n"
	"### OO 1 : Organiser le travail\n"
	"- Action 1 : Rédiger le règlement de travail\n"
	"  qui: DG\n"
	"  échéance: 15/01/2020 - Rapport au Conseil\n"
	"  - Relire le projet\n"
	"- Action 2 : Réunir le CODIR\n"
	"  échéance: 1x/trimestre\n"
	"- Action 3 : Ranger les archives\n"
	"  statut: en cours\n"
	"  échéance: fin 2020\n";

struct fixture {
	char *dir;
	jalon_store *store;
	char plugins[4200]; /* DIR/plugins, the default folder */
};

static void make_dir(const char *path, mode_t mode)
{
	assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
	assert_int_equal(chmod(path, mode), 0); /* whatever the umask */
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(chmod(to, mode), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0644), 0);
}

/* Copies a built plug-in into folder (of f's store) as name, with that mode. */
static void install(struct fixture *f, const char *folder, const char *built,
                    const char *name, mode_t mode)
{
	char to[4400];
	snprintf(to, sizeof to, "%s/%s", folder ? folder : f->plugins, name);
	copy_file(built, to, mode);
}

static void install_test_plugin(struct fixture *f, const char *which, mode_t mode)
{
	char from[4200], name[64];
	snprintf(from, sizeof from, "%s/%s.so", JALON_TEST_PLUGINS, which);
	snprintf(name, sizeof name, "%s.so", which);
	install(f, NULL, from, name, mode);
}

/* A Lua plug-in folder DIR/plugins/name holding manifest (NULL: the shipped synergies',
   with its code). */
static void install_lua(struct fixture *f, const char *name, const char *manifest)
{
	char dir[4400], file[4500];
	snprintf(dir, sizeof dir, "%s/%s", f->plugins, name);
	make_dir(dir, 0755);
	snprintf(file, sizeof file, "%s/manifest.json", dir);
	if (manifest) {
		write_file(file, manifest);
		return;
	}
	copy_file(JALON_PLUGINS_SRC "/synergies/manifest.json", file, 0644);
	snprintf(file, sizeof file, "%s/init.lua", dir);
	copy_file(JALON_PLUGINS_SRC "/synergies/init.lua", file, 0644);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->store = scratch_store("plugin", "Test", "test@example.org", &f->dir);
	snprintf(f->plugins, sizeof f->plugins, "%s/plugins", f->dir);
	make_dir(f->plugins, 0755);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	scratch_store_close(f->store, f->dir);
	free(f);
	return 0;
}

static void import_plan(struct fixture *f)
{
	assert_int_equal(jalon_import_buffer(f->store, PLAN, sizeof PLAN - 1, "plan.md",
	                                     JALON_FORMAT_OUTLINE, NULL), 0);
}

/* The candidate called name (its declared name, or its file's). */
static const jalon_plugin *find(jalon_store *s, const char *name)
{
	size_t n;
	assert_int_equal(jalon_plugins_discover(&n, s), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(jalon_plugin_name(jalon_plugins_get(s, i)), name))
			return jalon_plugins_get(s, i);
	fail_msg("no plug-in « %s » among %zu", name, n);
	return NULL;
}

static void assert_refused(jalon_store *s, const char *name, const char *reason_part)
{
	const jalon_plugin *p = find(s, name);
	assert_false(jalon_plugin_loaded(p));
	const char *why = jalon_plugin_refusal(p);
	assert_non_null(why);
	if (!strstr(why, reason_part))
		fail_msg("%s : « %s » does not say « %s »", name, why, reason_part);
}

/* ---------------------------------------------------------------- discovery */

static void test_no_plugins(void **state)
{
	struct fixture *f = *state;
	remove_tree(f->plugins); /* the default folder may be absent without notice */
	size_t n = 99;
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	assert_int_equal(n, 0);
	assert_null(jalon_plugins_get(f->store, 0));
	char *out = (char *)"x";
	size_t len = 7;
	assert_int_equal(jalon_export_plugin(&out, &len, f->store, "tsv"), JALON_ENOTFOUND);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_non_null(strstr(jalon_errmsg(f->store), "« tsv »"));
}

static void test_tsv_exports_actions(void **state)
{
	struct fixture *f = *state;
	install(f, NULL, JALON_TSV_PLUGIN, "export-tsv.so", 0755);
	import_plan(f);

	const jalon_plugin *p = find(f->store, "export-tsv");
	assert_string_equal(jalon_plugin_kind(p), "C");
	assert_true(jalon_plugin_loaded(p));
	assert_null(jalon_plugin_refusal(p));
	assert_string_equal(jalon_plugin_version(p), "1.0.0");
	assert_string_equal(jalon_plugin_api_version(p), JALON_PLUGIN_ABI);
	assert_non_null(strstr(jalon_plugin_path(p), "/plugins/export-tsv.so"));
	assert_string_equal(jalon_plugin_exporter(p, 0), "tsv");
	assert_null(jalon_plugin_exporter(p, 1));

	char *out;
	size_t len;
	assert_int_equal(jalon_export_plugin(&out, &len, f->store, "TSV"), 0);
	assert_string_equal(out, "id\tlabel\ttitre\tstatut\téchéance\n"
	                         "action-1\tAction 1\tRédiger le règlement de travail\tà lancer\t"
	                         "15/01/2020 - Rapport au Conseil\n"
	                         "action-2\tAction 2\tRéunir le CODIR\tà lancer\t1x/trimestre\n"
	                         "action-3\tAction 3\tRanger les archives\ten cours\tfin 2020\n");
	assert_int_equal(len, strlen(out));
	jalon_free(out);

	/* A title with a tab or a line break stays on its line and in its column. */
	const char *set[] = {"titre=Ranger\tles\narchives"};
	assert_int_equal(jalon_item_set(f->store, "Action 3", set, 1), 0);
	assert_int_equal(jalon_export_plugin(&out, &len, f->store, "tsv"), 0);
	assert_non_null(strstr(out, "action-3\tAction 3\tRanger les archives\ten cours\t"));
	jalon_free(out);
}

static void test_discovery_once(void **state)
{
	struct fixture *f = *state;
	size_t n;
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	assert_int_equal(n, 0);
	/* Found after the store looked: for the next store opened, not this one. */
	install(f, NULL, JALON_TSV_PLUGIN, "export-tsv.so", 0755);
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	assert_int_equal(n, 0);
	jalon_store *again;
	assert_int_equal(jalon_store_open(&again, f->dir, NULL), 0);
	assert_int_equal(jalon_plugins_discover(&n, again), 0);
	assert_int_equal(n, 1);
	assert_true(jalon_plugin_loaded(jalon_plugins_get(again, 0)));
	jalon_store_close(again);
}

static void test_path_and_missing_folder(void **state)
{
	struct fixture *f = *state;
	char other[4300];
	snprintf(other, sizeof other, "%s/communs", f->dir);
	make_dir(other, 0755);
	install(f, other, JALON_TSV_PLUGIN, "export-tsv.so", 0755);
	install_test_plugin(f, "misc", 0755); /* in DIR/plugins, not on the path */
	/* relative (to the store), missing, absolute with a trailing slash, empty entries */
	char path[9000];
	snprintf(path, sizeof path, "absent::%s/", other);
	assert_int_equal(jalon_config_set(f->store, "plugins.path", path), 0);

	size_t n;
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	assert_int_equal(n, 2);
	const jalon_plugin *missing = jalon_plugins_get(f->store, 0);
	assert_string_equal(jalon_plugin_kind(missing), "dossier");
	assert_non_null(strstr(jalon_plugin_path(missing), "/absent"));
	assert_false(jalon_plugin_loaded(missing));
	assert_non_null(strstr(jalon_plugin_refusal(missing), "illisible"));
	const jalon_plugin *tsv = jalon_plugins_get(f->store, 1);
	assert_string_equal(jalon_plugin_name(tsv), "export-tsv");
	assert_true(jalon_plugin_loaded(tsv));
	char *out;
	size_t len;
	import_plan(f);
	assert_int_equal(jalon_export_plugin(&out, &len, f->store, "tsv"), 0);
	jalon_free(out);
	assert_int_equal(jalon_export_plugin(&out, &len, f->store, "compte"), JALON_ENOTFOUND);
}

static void test_empty_path_turns_plugins_off(void **state)
{
	struct fixture *f = *state;
	install(f, NULL, JALON_TSV_PLUGIN, "export-tsv.so", 0755);
	assert_int_equal(jalon_config_set(f->store, "plugins.path", ""), 0);
	size_t n;
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	assert_int_equal(n, 0);
}

static void test_bad_config_loads_nothing(void **state)
{
	struct fixture *f = *state;
	install(f, NULL, JALON_TSV_PLUGIN, "export-tsv.so", 0755);
	char conf[4300];
	snprintf(conf, sizeof conf, "%s/jalon.conf", f->dir);
	write_file(conf, "[plugins\npath = x\n");
	size_t n;
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	assert_int_equal(n, 1);
	assert_refused(f->store, "plugins.path", "aucun plug-in chargé");
	assert_string_equal(jalon_errmsg(f->store), ""); /* discovery is no failed call */
}

/* ---------------------------------------------------------------- C plug-ins */

static void test_abi_major_refused(void **state)
{
	struct fixture *f = *state;
	install_test_plugin(f, "abi_major", 0755);
	assert_refused(f->store, "abi_major.so",
	               "plug-in compilé pour l’ABI 2.0, Jalon fournit " JALON_PLUGIN_ABI);
	assert_string_equal(jalon_plugin_version(find(f->store, "abi_major.so")), "");
}

static void test_abi_minor_too_new_refused(void **state)
{
	struct fixture *f = *state;
	install_test_plugin(f, "abi_minor", 0755);
	char want[128];
	snprintf(want, sizeof want, "plug-in compilé pour l’ABI %d.%d, Jalon fournit %d.%d",
	         JALON_PLUGIN_ABI_MAJOR, JALON_PLUGIN_ABI_MINOR + 1, JALON_PLUGIN_ABI_MAJOR,
	         JALON_PLUGIN_ABI_MINOR);
	assert_refused(f->store, "abi_minor.so", want);
}

static void test_untrusted_files_not_opened(void **state)
{
	struct fixture *f = *state;
	unsetenv("JALON_TEST_PLUGIN_OPENED");
	install_test_plugin(f, "loud", 0775);
	assert_refused(f->store, "loud.so", "modifiable par son groupe (mode 0775)");
	assert_refused(f->store, "loud.so", "refusé sans être ouvert");
	assert_null(getenv("JALON_TEST_PLUGIN_OPENED"));

	/* World-writable folder: everything in it is refused, unopened. */
	jalon_store *again;
	char file[4400];
	snprintf(file, sizeof file, "%s/loud.so", f->plugins);
	assert_int_equal(chmod(file, 0755), 0);
	assert_int_equal(chmod(f->plugins, 0777), 0);
	assert_int_equal(jalon_store_open(&again, f->dir, NULL), 0);
	assert_refused(again, "loud.so", "modifiable par tous (mode 0777)");
	assert_null(getenv("JALON_TEST_PLUGIN_OPENED"));
	jalon_store_close(again);

	/* Trusted, it is opened: the check above did see the difference. */
	chmod(f->plugins, 0755);
	assert_int_equal(jalon_store_open(&again, f->dir, NULL), 0);
	assert_true(jalon_plugin_loaded(find(again, "bruyant")));
	assert_non_null(getenv("JALON_TEST_PLUGIN_OPENED"));
	jalon_store_close(again);
}

static void test_link_into_open_folder(void **state)
{
	struct fixture *f = *state;
	char open_dir[4300], target[4400], link[4400];
	snprintf(open_dir, sizeof open_dir, "%s/ouvert", f->dir);
	make_dir(open_dir, 0777);
	install(f, open_dir, JALON_TSV_PLUGIN, "export-tsv.so", 0755);
	snprintf(target, sizeof target, "%s/export-tsv.so", open_dir);
	snprintf(link, sizeof link, "%s/lien.so", f->plugins);
	assert_int_equal(symlink(target, link), 0);
	char want[4500];
	snprintf(want, sizeof want, "dossier %s modifiable par tous (mode 0777)", open_dir);
	assert_refused(f->store, "lien.so", want);

	/* A link into a trusted folder is followed. */
	jalon_store *again;
	assert_int_equal(chmod(open_dir, 0755), 0);
	assert_int_equal(jalon_store_open(&again, f->dir, NULL), 0);
	assert_true(jalon_plugin_loaded(find(again, "export-tsv")));
	jalon_store_close(again);
}

static void test_not_a_plugin(void **state)
{
	struct fixture *f = *state;
	char path[4400];
	snprintf(path, sizeof path, "%s/texte.so", f->plugins);
	write_file(path, "pas un ELF\n");
	snprintf(path, sizeof path, "%s/README", f->plugins); /* not a candidate */
	write_file(path, "notes\n");
	size_t n;
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	assert_int_equal(n, 1);
	assert_refused(f->store, "texte.so", "chargement impossible");
}

static void test_registration_rules(void **state)
{
	struct fixture *f = *state;
	install_test_plugin(f, "misc", 0755);
	import_plan(f);
	const jalon_plugin *p = find(f->store, "divers");
	assert_true(jalon_plugin_loaded(p));
	assert_string_equal(jalon_plugin_exporter(p, 0), "compte");
	assert_string_equal(jalon_plugin_exporter(p, 1), "echec");
	assert_null(jalon_plugin_exporter(p, 2));

	char *out;
	size_t len;
	assert_int_equal(jalon_export_plugin(&out, &len, f->store, "compte"), 0);
	char want[512];
	snprintf(want, sizeof want, "actions=3 json=%d nom=%d tard=%d (plug-in « divers » : un "
	         "format d’export s’enregistre pendant init, pas après) lib=%s\n",
	         JALON_ECONFLICT, JALON_EINVALID, JALON_EINVALID, jalon_version());
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	jalon_free(out);
	/* Registering late did not register. */
	assert_int_equal(jalon_export_plugin(&out, &len, f->store, "tard"), JALON_ENOTFOUND);

	assert_int_equal(jalon_export_plugin(&out, &len, f->store, "echec"), JALON_EINVALID);
	assert_null(out);
	assert_string_equal(jalon_errmsg(f->store),
	                    "plug-in « divers », export « echec » : rien à exporter");
}

static void test_failed_init(void **state)
{
	struct fixture *f = *state;
	install_test_plugin(f, "failing", 0755);
	assert_refused(f->store, "en-panne", "init a échoué : service externe injoignable");
	assert_null(jalon_plugin_exporter(find(f->store, "en-panne"), 0));
	char *out;
	size_t len;
	assert_int_equal(jalon_export_plugin(&out, &len, f->store, "panne"), JALON_ENOTFOUND);
}

static void test_duplicate_name(void **state)
{
	struct fixture *f = *state;
	install(f, NULL, JALON_TSV_PLUGIN, "a.so", 0755);
	install(f, NULL, JALON_TSV_PLUGIN, "b.so", 0755);
	size_t n;
	assert_int_equal(jalon_plugins_discover(&n, f->store), 0);
	assert_int_equal(n, 2);
	const jalon_plugin *a = jalon_plugins_get(f->store, 0), *b = jalon_plugins_get(f->store, 1);
	assert_true(jalon_plugin_loaded(a));
	assert_false(jalon_plugin_loaded(b));
	assert_non_null(strstr(jalon_plugin_refusal(b), "un plug-in « export-tsv » est déjà chargé"));
	assert_non_null(strstr(jalon_plugin_refusal(b), "/a.so"));
}

/* ---------------------------------------------------------------- Lua plug-ins */

/* An exporter that is never called: registration is what is tested. */
static void test_lua_synergies_accepted(void **state)
{
	struct fixture *f = *state;
	install_lua(f, "synergies", NULL);
	const jalon_plugin *p = find(f->store, "synergies");
	assert_string_equal(jalon_plugin_kind(p), "Lua");
	assert_true(jalon_plugin_loaded(p));
	assert_string_equal(jalon_plugin_version(p), "0.1.0");
	assert_string_equal(jalon_plugin_api_version(p), "1.0");

	const plugin_lua *lua;
	assert_int_equal(jl_plugins_lua(jl_ext_of(f->store), &lua), 1);
	assert_string_equal(lua[0].name, "synergies");
	assert_string_equal(lua[0].version, "0.1.0");
	char want[4500];
	snprintf(want, sizeof want, "%s/synergies", f->plugins);
	assert_string_equal(lua[0].dir, want);
	snprintf(want, sizeof want, "%s/synergies/init.lua", f->plugins);
	assert_string_equal(lua[0].main, want);
	assert_true(jl_plugins_lua_loaded(jl_ext_of(f->store), &lua[0]));

	/* What the runtime may do with it. */
	jl_plugins_lua_refuse(jl_ext_of(f->store), &lua[0], "init.lua introuvable");
	assert_false(jl_plugins_lua_loaded(jl_ext_of(f->store), &lua[0]));
	assert_refused(f->store, "synergies", "init.lua introuvable");
}

static void test_lua_api_too_new(void **state)
{
	struct fixture *f = *state;
	install_lua(f, "futur", "{\"name\": \"futur\", \"version\": \"1.0\", \"api\": \"2.0\",\n"
	                        " \"description\": \"Pour Jalon 2\"}\n");
	assert_refused(f->store, "futur", "plug-in écrit pour l’API 2.0, Jalon fournit 1.0");
	const plugin_lua *lua;
	assert_int_equal(jl_plugins_lua(jl_ext_of(f->store), &lua), 0);
	assert_null(lua);
}

static void test_lua_malformed_manifest(void **state)
{
	struct fixture *f = *state;
	install_lua(f, "casse", "{\n  \"name\": \"casse\",\n  \"version\": \"1.0\"\n  \"api\": \"1.0\"\n}\n");
	char want[4500];
	snprintf(want, sizeof want, "%s/casse/manifest.json:4: JSON invalide", f->plugins);
	assert_refused(f->store, "casse", want);
}

static void test_lua_manifest_fields(void **state)
{
	struct fixture *f = *state;
	install_lua(f, "a", "[1, 2]");
	install_lua(f, "b", "{\"version\": \"1\", \"api\": \"1.0\", \"description\": \"d\"}");
	install_lua(f, "c", "{\"name\": \"c\", \"version\": \"1\", \"api\": \"1\", \"description\": \"d\"}");
	install_lua(f, "d", "{\"name\": \"d\", \"version\": \"1\", \"api\": \"1.0\", \"description\": \"d\","
	                    " \"main\": \"../../evil.lua\"}");
	install_lua(f, "e", "{\"name\": \"e e\", \"version\": \"1\", \"api\": \"1.0\", \"description\": \"d\"}");
	install_lua(f, "f", "{\"name\": \"f\", \"version\": 1, \"api\": \"1.0\", \"description\": \"d\"}");
	install_lua(f, "g", "{\"name\": \"g\", \"version\": \"1\", \"api\": \"1.0\", \"description\": \"d\","
	                    " \"main\": \"lua/main.lua\", \"futur\": true}");
	/* g's code, which the listing runs. */
	char main_dir[4500], main_file[4600];
	snprintf(main_dir, sizeof main_dir, "%s/g/lua", f->plugins);
	make_dir(main_dir, 0755);
	snprintf(main_file, sizeof main_file, "%s/main.lua", main_dir);
	write_file(main_file, "return true\n");
	assert_refused(f->store, "a", "manifest.json : un objet JSON est attendu");
	assert_refused(f->store, "b", "manifest.json : « name » manque");
	assert_refused(f->store, "c", "« api » « 1 » : attendu « MAJEUR.MINEUR »");
	assert_refused(f->store, "d", "« main » « ../../evil.lua » : « .. »");
	assert_refused(f->store, "e", "« name » « e e » invalide");
	assert_refused(f->store, "f", "« version » doit être une chaîne");
	/* Keys of newer manifests are ignored; main may sit in a sub-folder. */
	const jalon_plugin *g = find(f->store, "g");
	assert_true(jalon_plugin_loaded(g));
	const plugin_lua *lua;
	assert_int_equal(jl_plugins_lua(jl_ext_of(f->store), &lua), 1);
	assert_non_null(strstr(lua[0].main, "/plugins/g/lua/main.lua"));
}

static void test_lua_untrusted(void **state)
{
	struct fixture *f = *state;
	install_lua(f, "synergies", NULL);
	char path[4500];
	snprintf(path, sizeof path, "%s/synergies/manifest.json", f->plugins);
	assert_int_equal(chmod(path, 0666), 0);
	assert_refused(f->store, "synergies", "modifiable par tous (mode 0666)");
}

/* ---------------------------------------------------------------- the command */

/* Runs a shell command; its whole standard output (malloc'd) and exit status. */
static char *run_all(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while ((n += fread(buf + n, 1, cap - 1 - n, p)) == cap - 1)
		buf = realloc(buf, cap *= 2);
	buf[n] = '\0';
	int st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return buf;
}

static void test_cli(void **state)
{
	struct fixture *f = *state;
	install(f, NULL, JALON_TSV_PLUGIN, "export-tsv.so", 0755);
	install_test_plugin(f, "abi_major", 0755);
	install_lua(f, "synergies", NULL);
	import_plan(f);
	char cmd[9000];
	int status;

	snprintf(cmd, sizeof cmd, "'%s' --store '%s' plugins", JALON_CLI, f->dir);
	char *text = run_all(cmd, &status);
	assert_int_equal(status, 0);
	char want[16384];
	snprintf(want, sizeof want,
	         "C   abi_major.so — refusé : plug-in compilé pour l’ABI 2.0, Jalon fournit %s\n"
	         "    %s/abi_major.so\n"
	         "C   export-tsv 1.0.0 — chargé\n"
	         "    %s/export-tsv.so\n"
	         "    Les actions du plan en valeurs séparées par des tabulations (jalon export "
	         "--format tsv)\n"
	         "    fournit : export tsv\n"
	         "Lua synergies 0.1.0 — chargé\n"
	         "    %s/synergies\n"
	         "    Synergies Ville/CPAS : le rapport « synergies » et la cohérence "
	         "synergie/partenaires\n",
	         JALON_PLUGIN_ABI, f->plugins, f->plugins, f->plugins);
	assert_string_equal(text, want);
	free(text);

	snprintf(cmd, sizeof cmd, "'%s' --store '%s' plugins --json", JALON_CLI, f->dir);
	text = run_all(cmd, &status);
	assert_int_equal(status, 0);
	json_t *list = json_loads(text, 0, NULL);
	assert_true(json_is_array(list));
	assert_int_equal(json_array_size(list), 3);
	json_t *tsv = json_array_get(list, 1);
	assert_string_equal(json_string_value(json_object_get(tsv, "kind")), "C");
	assert_string_equal(json_string_value(json_object_get(tsv, "name")), "export-tsv");
	assert_true(json_is_true(json_object_get(tsv, "loaded")));
	assert_true(json_is_null(json_object_get(tsv, "refusal")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(tsv, "exporters"), 0)),
	                    "tsv");
	json_t *abi = json_array_get(list, 0);
	assert_true(json_is_false(json_object_get(abi, "loaded")));
	assert_non_null(strstr(json_string_value(json_object_get(abi, "refusal")), "ABI 2.0"));
	json_decref(list);
	free(text);

	snprintf(cmd, sizeof cmd, "'%s' --store '%s' export --format tsv", JALON_CLI, f->dir);
	text = run_all(cmd, &status);
	assert_int_equal(status, 0);
	assert_true(!strncmp(text, "id\tlabel\ttitre\tstatut\téchéance\naction-1\t", 39));
	free(text);

	snprintf(cmd, sizeof cmd, "'%s' --store '%s' export --format xml 2>&1", JALON_CLI, f->dir);
	text = run_all(cmd, &status);
	assert_int_equal(status, 64);
	assert_non_null(strstr(text, "jalon: export: format inconnu « xml » (json, csv, outline, ics)"));
	free(text);
}

static void test_cli_no_plugins(void **state)
{
	struct fixture *f = *state;
	char cmd[9000];
	int status;
	snprintf(cmd, sizeof cmd, "'%s' --store '%s' plugins", JALON_CLI, f->dir);
	char *text = run_all(cmd, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(text, "Aucun plug-in"));
	free(text);
	snprintf(cmd, sizeof cmd, "'%s' --store '%s' --json plugins", JALON_CLI, f->dir);
	text = run_all(cmd, &status);
	assert_int_equal(status, 0);
	assert_string_equal(text, "[]\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_plugins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tsv_exports_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discovery_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_and_missing_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_path_turns_plugins_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_config_loads_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abi_major_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abi_minor_too_new_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untrusted_files_not_opened, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_into_open_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_plugin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registration_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lua_synergies_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lua_api_too_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lua_malformed_manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lua_manifest_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lua_untrusted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_no_plugins, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
