/* SPDX-License-Identifier: MIT */
/*
 * The store's plug-ins (plugin.h): discovery in the configured folders, C plug-ins
 * through dlopen and the function table, Lua plug-ins' manifests; what they register
 * goes to the lower modules' points (their exporters to io's).
 */
#define _XOPEN_SOURCE 700 /* realpath, beside POSIX 2008 */

#include "ext/plugin.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jalon/config.h"
#include "jobs/io.h"
#include "model/util.h"
#include "store/config.h"

enum kind { KIND_C, KIND_LUA, KIND_FOLDER };
static const char *const KIND_NAMES[] = {"C", "Lua", "dossier"};

#define MANIFEST "manifest.json"
#define DEFAULT_MAIN "init.lua"


struct jalon_plugin_host {
	jalon_store *store;
	struct jalon_plugin *plugin;
	int registering; /* 1 while the plug-in's init runs: the only time it may register */
};

struct jalon_plugin {
	enum kind kind;
	char *name;        /* declared; the file's name until then */
	char *version, *description, *api; /* NULL until known */
	char *path;
	char *main;        /* Lua: the file to run */
	int loaded;
	char *refusal;     /* why not loaded */
	jl_exporter *exporters; /* registered at io's point once init succeeds */
	size_t nexporters;
	jalon_plugin_host host;
};

struct jl_plugins {
	struct jalon_plugin **items;
	size_t n, cap;
	plugin_lua *lua;             /* the accepted Lua plug-ins, for the runtime */
	struct jalon_plugin **lua_of; /* lua[i] is lua_of[i]'s */
	size_t nlua;
	int oom;
};

/* ---------------------------------------------------------------- the registry */

static void plugin_free(struct jalon_plugin *p)
{
	free(p->exporters);
	free(p->name);
	free(p->version);
	free(p->description);
	free(p->api);
	free(p->path);
	free(p->main);
	free(p->refusal);
	free(p);
}

void jl_plugins_free(struct jl_plugins *r)
{
	if (!r)
		return;
	/* C plug-ins' libraries stay loaded: code of theirs may still be referenced (an
	 * atexit handler, a thread), and the ABI promises never to unload after init. */
	for (size_t i = 0; i < r->n; i++)
		plugin_free(r->items[i]);
	free(r->items);
	free(r->lua);
	free(r->lua_of);
	free(r);
}

/* A new candidate, added to the registry; NULL when memory ran out (noted). */
static struct jalon_plugin *candidate(jl_ext *x, enum kind kind, const char *path,
                                      const char *name)
{
	struct jl_plugins *r = x->plugins;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct jalon_plugin **items = realloc(r->items, cap * sizeof *items);
		if (!items) {
			r->oom = 1;
			return NULL;
		}
		r->items = items;
		r->cap = cap;
	}
	struct jalon_plugin *p = calloc(1, sizeof *p);
	if (!p || !(p->path = jl_strdup(path)) || !(p->name = jl_strdup(name))) {
		if (p)
			plugin_free(p);
		r->oom = 1;
		return NULL;
	}
	p->kind = kind;
	p->host.store = x->s;
	p->host.plugin = p;
	r->items[r->n++] = p;
	return p;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void refuse(struct jalon_plugin *p, const char *fmt, ...)
{
	jl_buf b = JL_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	jl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(p->refusal);
	p->refusal = jl_buf_detach(&b);
	if (!p->refusal)
		p->refusal = jl_strdup("refusé");
	p->loaded = 0;
}

/* Replaces *field with a copy of value. */
static void set_text(char **field, const char *value)
{
	free(*field);
	*field = jl_strdup(value ? value : "");
}

/* The loaded plug-in called name other than self, or NULL. */
static struct jalon_plugin *loaded_named(struct jl_plugins *r, const char *name,
                                         const struct jalon_plugin *self)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i] != self && r->items[i]->loaded && r->items[i]->name &&
		    !strcmp(r->items[i]->name, name))
			return r->items[i];
	return NULL;
}

static void drop_exporters(struct jalon_plugin *p)
{
	free(p->exporters);
	p->exporters = NULL;
	p->nexporters = 0;
}

/* ---------------------------------------------------------------- names and versions */

/* NULL when name is a valid plug-in name, else what is wrong with it. */
static const char *name_problem(const char *name)
{
	if (!name || !*name)
		return "nom absent";
	size_t n = strlen(name);
	if (n > 64)
		return "nom de plus de 64 caractères";
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return "caractères permis : lettres a-z et A-Z, chiffres, « . », « - », « _ »";
	}
	if (name[0] == '.')
		return "un nom ne commence pas par « . »";
	return NULL;
}

/* Reads "MAJOR.MINOR" (digits only, each at most 4); 0, or -1 when it does not read so. */
static int parse_api(const char *text, unsigned *major, unsigned *minor)
{
	unsigned v[2] = {0, 0};
	const char *p = text;
	for (int k = 0; k < 2; k++) {
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			if (++digits > 4)
				return -1;
			v[k] = v[k] * 10 + (unsigned)(*p++ - '0');
		}
		if (!digits || (k == 0 && *p++ != '.'))
			return -1;
	}
	if (*p)
		return -1;
	*major = v[0];
	*minor = v[1];
	return 0;
}

static int abi_accepted(unsigned major, unsigned minor)
{
	return major == JALON_PLUGIN_ABI_MAJOR && minor <= JALON_PLUGIN_ABI_MINOR;
}

/* ---------------------------------------------------------------- trust */

/*
 * Why a file or folder Jalon is about to trust cannot be, or NULL: someone other than
 * the user running Jalon (or root) could have written it. Checking the folder as well
 * as the file closes the gap between the check and dlopen: only the owner can replace
 * a file in a folder only the owner can write.
 */
static char *untrusted(const char *what, const char *path, const struct stat *st)
{
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return jl_sprintf("%s%s%s modifiable par %s (mode %04o) : refusé sans être ouvert",
		                  what, path ? " " : "", path ? path : "",
		                  (st->st_mode & S_IWOTH) ? "tous" : "son groupe",
		                  (unsigned)(st->st_mode & 07777));
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return jl_sprintf("%s%s%s appartient à l’utilisateur %ld, ni à vous ni à root : refusé "
		                  "sans être ouvert", what, path ? " " : "", path ? path : "",
		                  (long)st->st_uid);
	return NULL;
}

/* Refuses p when path is not to be trusted (or cannot be read); 1 when refused. */
static int refuse_untrusted(struct jalon_plugin *p, const char *what, const char *path,
                            int name_it)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		refuse(p, "%s %s illisible : %s", what, path, strerror(errno));
		return 1;
	}
	char *why = untrusted(what, name_it ? path : NULL, &st);
	if (!why)
		return 0;
	refuse(p, "%s", why);
	free(why);
	return 1;
}

/* Refuses p when path is a link to something in a folder that is not to be trusted
 * (plugins/x.so → /opt/…/x.so): the folder that holds the file itself counts. */
static int refuse_untrusted_target(struct jalon_plugin *p, const char *path)
{
	char *real = realpath(path, NULL);
	if (!real) {
		refuse(p, "%s illisible : %s", path, strerror(errno));
		return 1;
	}
	char *slash = strrchr(real, '/');
	if (slash)
		slash[slash == real] = '\0'; /* "/x.so" → "/" */
	int refused = slash && refuse_untrusted(p, "dossier", real, 1);
	free(real);
	return refused;
}

/* ---------------------------------------------------------------- the function table */

static void *mem_alloc(size_t size)
{
	return malloc(size ? size : 1);
}

static void *mem_realloc(void *ptr, size_t size)
{
	return realloc(ptr, size ? size : 1);
}

/* An exporter a plug-in registers during init: checked now, registered at io's point
   once init succeeds. */
static int add_exporter(jalon_store *s, struct jalon_plugin *p, const char *format,
                        jalon_plugin_export_fn fn, void *ud)
{
	int rc = jl_exporter_check(s, p->name, format, fn);
	if (rc)
		return rc;
	for (size_t i = 0; i < p->nexporters; i++)
		if (!strcasecmp(p->exporters[i].format, format))
			return jl_store_fail(s, JALON_ECONFLICT, "plug-in « %s » : le format « %s » est "
			                     "déjà enregistré", p->name, format);
	jl_exporter *grown = realloc(p->exporters, (p->nexporters + 1) * sizeof *grown);
	if (!grown)
		return jl_store_fail(s, JALON_ENOMEM, "mémoire épuisée");
	p->exporters = grown;
	jl_exporter *e = &p->exporters[p->nexporters++];
	memset(e, 0, sizeof *e);
	snprintf(e->format, sizeof e->format, "%s", format);
	e->owner = p->name;
	e->fn = fn;
	e->ud = ud;
	return 0;
}

static int api_register_exporter(jalon_plugin_host *host, const char *format,
                                 jalon_plugin_export_fn fn, void *ud)
{
	if (!host)
		return JALON_EINVALID;
	if (!host->registering)
		return jl_store_fail(host->store, JALON_EINVALID, "plug-in « %s » : un format d’export "
		                     "s’enregistre pendant init, pas après", host->plugin->name);
	return add_exporter(host->store, host->plugin, format, fn, ud);
}

/* What every C plug-in receives. Constant: nothing here is per store or per process. */
static const jalon_plugin_api API = {
	.version = JALON_PLUGIN_ABI_MINOR,
	.lib_version = jalon_version,
	.errmsg = jalon_errmsg,
	.kind_name = jalon_kind_name,
	.mem_free = jalon_free,
	.mem_alloc = mem_alloc,
	.mem_realloc = mem_realloc,
	.item_lookup = jalon_item_lookup,
	.item_free = jalon_item_free,
	.item_id = jalon_item_id,
	.item_kind = jalon_item_kind,
	.item_label = jalon_item_label,
	.item_title = jalon_item_title,
	.item_status = jalon_item_status,
	.item_name = jalon_item_name,
	.item_parent = jalon_item_parent,
	.item_json = jalon_item_json,
	.item_field = jalon_item_field,
	.query_run = jalon_query_run,
	.item_list_count = jalon_item_list_count,
	.item_list_get = jalon_item_list_get,
	.item_list_free = jalon_item_list_free,
	.item_set = jalon_item_set,
	.export_plan = jalon_export,
	.config_get = jalon_config_get,
	.register_exporter = api_register_exporter,
};

/* ---------------------------------------------------------------- C plug-ins */

/* Loads a C plug-in whose file and folder were found trustworthy. */
static void load_c(jl_ext *x, struct jalon_plugin *p)
{
	jalon_store *s = x->s;
	dlerror();
	void *lib = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *e = dlerror();
		refuse(p, "chargement impossible : %s", e ? e : "erreur inconnue");
		return;
	}
	void *sym = dlsym(lib, JALON_PLUGIN_ENTRY_SYMBOL);
	if (!sym) {
		refuse(p, "pas de fonction %s : ce n’est pas un plug-in Jalon",
		       JALON_PLUGIN_ENTRY_SYMBOL);
		dlclose(lib);
		return;
	}
	const jalon_plugin_descriptor *(*entry)(void);
	memcpy(&entry, &sym, sizeof entry); /* POSIX: a symbol's address converts so */
	const jalon_plugin_descriptor *d = entry();
	if (!d) {
		refuse(p, "%s n’a rendu aucune description", JALON_PLUGIN_ENTRY_SYMBOL);
		dlclose(lib);
		return;
	}
	/* Only the version fields are read before the versions are known to agree. */
	if (!abi_accepted(d->abi_major, d->abi_minor)) {
		refuse(p, "plug-in compilé pour l’ABI %u.%u, Jalon fournit %u.%u", d->abi_major,
		       d->abi_minor, JALON_PLUGIN_ABI_MAJOR, JALON_PLUGIN_ABI_MINOR);
		dlclose(lib);
		return;
	}
	free(p->api);
	p->api = jl_sprintf("%u.%u", d->abi_major, d->abi_minor);
	const char *bad = name_problem(d->name);
	if (bad) {
		refuse(p, "nom de plug-in « %s » invalide : %s", d->name ? d->name : "", bad);
		dlclose(lib);
		return;
	}
	set_text(&p->name, d->name);
	set_text(&p->version, d->version);
	set_text(&p->description, d->description);
	if (!d->version || !*d->version) {
		refuse(p, "version absente de la description du plug-in");
		dlclose(lib);
		return;
	}
	struct jalon_plugin *other = loaded_named(x->plugins, d->name, p);
	if (other) {
		refuse(p, "un plug-in « %s » est déjà chargé (%s)", d->name, other->path);
		dlclose(lib); /* a second reference to the same library only drops that one */
		return;
	}
	if (d->init) {
		char err[1024] = "";
		jl_store_clear_error(s);
		p->host.registering = 1;
		int rc = d->init(&API, &p->host, err, sizeof err);
		p->host.registering = 0;
		if (rc != 0) {
			/* Its code ran: it stays mapped, as after a successful init. */
			drop_exporters(p);
			err[sizeof err - 1] = '\0';
			if (*err)
				refuse(p, "init a échoué : %s", err);
			else if (*s->errmsg) /* a refused registration, say */
				refuse(p, "init a échoué : %s", s->errmsg);
			else
				refuse(p, "init a échoué (code %d)", rc);
			return;
		}
	}
	/* Its exporters, checked when registered, join io's. */
	for (size_t i = 0; i < p->nexporters; i++)
		if (jl_exporter_add(s, &p->exporters[i]) != 0) {
			x->plugins->oom = 1;
			return;
		}
	p->loaded = 1;
}

/* ---------------------------------------------------------------- Lua plug-ins */

/* NULL when the manifest's "main" is a plain relative path inside the folder. */
static const char *main_problem(const char *main)
{
	if (!*main)
		return "chemin vide";
	if (main[0] == '/')
		return "chemin absolu : attendu un chemin dans le dossier du plug-in";
	for (const char *c = main; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 2 && !strncmp(c, "..", 2))
			return "« .. » : attendu un chemin dans le dossier du plug-in";
		c += n;
		while (*c == '/')
			c++;
	}
	return NULL;
}

/* The string member key of the manifest, or NULL after refusing p. */
static const char *manifest_text(struct jalon_plugin *p, const char *file, json_t *m,
                                 const char *key, int required)
{
	json_t *v = json_object_get(m, key);
	if (!v) {
		if (required)
			refuse(p, "%s : « %s » manque", file, key);
		return NULL;
	}
	if (!json_is_string(v)) {
		refuse(p, "%s : « %s » doit être une chaîne", file, key);
		return NULL;
	}
	if (required && !*json_string_value(v)) {
		refuse(p, "%s : « %s » est vide", file, key);
		return NULL;
	}
	return json_string_value(v);
}

/* Reads a Lua plug-in's manifest; the candidate is loaded when it is accepted. */
static void load_lua(jl_ext *x, struct jalon_plugin *p, const char *file)
{
	json_error_t e;
	json_t *m = json_load_file(file, JSON_REJECT_DUPLICATES, &e);
	if (!m) {
		if (e.line > 0)
			refuse(p, "%s:%d: JSON invalide, colonne %d : %s", file, e.line, e.column, e.text);
		else
			refuse(p, "%s : illisible : %s", file, e.text);
		return;
	}
	if (!json_is_object(m)) {
		refuse(p, "%s : un objet JSON est attendu", file);
		json_decref(m);
		return;
	}
	const char *name = manifest_text(p, file, m, "name", 1);
	const char *bad = name ? name_problem(name) : NULL;
	if (bad)
		refuse(p, "%s : « name » « %s » invalide : %s", file, name, bad);
	if (!name || bad)
		goto out;
	set_text(&p->name, name);
	const char *version = manifest_text(p, file, m, "version", 1);
	if (!version)
		goto out;
	set_text(&p->version, version);
	const char *description = manifest_text(p, file, m, "description", 1);
	if (!description)
		goto out;
	set_text(&p->description, description);
	const char *api = manifest_text(p, file, m, "api", 1);
	unsigned major, minor;
	if (!api)
		goto out;
	if (parse_api(api, &major, &minor) != 0) {
		refuse(p, "%s : « api » « %s » : attendu « MAJEUR.MINEUR », comme « %s »", file, api,
		       JALON_PLUGIN_ABI);
		goto out;
	}
	set_text(&p->api, api);
	if (!abi_accepted(major, minor)) {
		refuse(p, "plug-in écrit pour l’API %u.%u, Jalon fournit %u.%u", major, minor,
		       JALON_PLUGIN_ABI_MAJOR, JALON_PLUGIN_ABI_MINOR);
		goto out;
	}
	const char *main = DEFAULT_MAIN;
	if (json_object_get(m, "main") && !(main = manifest_text(p, file, m, "main", 1)))
		goto out;
	if ((bad = main_problem(main))) {
		refuse(p, "%s : « main » « %s » : %s", file, main, bad);
		goto out;
	}
	struct jalon_plugin *other = loaded_named(x->plugins, name, p);
	if (other) {
		refuse(p, "un plug-in « %s » est déjà chargé (%s)", name, other->path);
		goto out;
	}
	free(p->main);
	p->main = jl_sprintf("%s/%s", p->path, main);
	/* The main file may come later (the runtime says so when it is missing); when it is
	 * there, it is trusted as the manifest is. */
	struct stat st;
	if (stat(p->main, &st) == 0 && refuse_untrusted(p, "fichier", p->main, 1))
		goto out;
	p->loaded = 1;
out:
	json_decref(m);
}

/* ---------------------------------------------------------------- discovery */

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && !strcmp(s + n - k, suffix);
}

/* One candidate: entry name of folder (whose trust problem, if any, is folder_bad). */
static void discover_entry(jl_ext *x, const char *folder, const char *name,
                           const char *folder_bad)
{
	char *path = jl_sprintf("%s/%s", folder, name);
	char *manifest = path ? jl_sprintf("%s/%s", path, MANIFEST) : NULL;
	struct stat st, mst;
	struct jalon_plugin *p = NULL;
	if (!manifest) {
		x->plugins->oom = 1;
	} else if (ends_with(name, ".so") && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((p = candidate(x, KIND_C, path, name)) && folder_bad)
			refuse(p, "%s", folder_bad);
		else if (p && !refuse_untrusted(p, "fichier", path, 0) &&
		         !refuse_untrusted_target(p, path))
			load_c(x, p);
	} else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && stat(manifest, &mst) == 0) {
		if ((p = candidate(x, KIND_LUA, path, name)) && folder_bad)
			refuse(p, "%s", folder_bad);
		else if (p && !refuse_untrusted(p, "dossier", path, 0) &&
		         !refuse_untrusted_target(p, path) &&
		         !refuse_untrusted(p, "fichier", manifest, 1))
			load_lua(x, p, manifest);
	}
	free(manifest);
	free(path);
}

/* The candidates of one folder of plugins.path; configured: named there (else the
 * default folder, which may be absent). */
static void discover_folder(jl_ext *x, const char *folder, int configured)
{
	struct dirent **names;
	int n = scandir(folder, &names, NULL, by_name);
	if (n < 0) {
		if (configured || errno != ENOENT) {
			int err = errno;
			struct jalon_plugin *p = candidate(x, KIND_FOLDER, folder, folder);
			if (p)
				refuse(p, "dossier de plugins.path illisible : %s", strerror(err));
		}
		return;
	}
	struct stat st;
	char *folder_bad = stat(folder, &st) == 0 ? untrusted("dossier", folder, &st) : NULL;
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			discover_entry(x, folder, names[i]->d_name, folder_bad);
		free(names[i]);
	}
	free(names);
	free(folder_bad);
}

/* The folders to search, from plugins.path ("" when unset: the default). */
static void discover_path(jl_ext *x, const char *list, int configured)
{
	char folders[16][1024];
	size_t n = jl_config_folders(x->s, list, folders, 16);
	for (size_t i = 0; i < n; i++)
		discover_folder(x, folders[i], configured);
}

/* The accepted Lua plug-ins, in one array for the runtime. */
static void collect_lua(struct jl_plugins *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->items[i]->loaded && r->items[i]->kind == KIND_LUA;
	if (!n)
		return;
	r->lua = calloc(n, sizeof *r->lua);
	r->lua_of = calloc(n, sizeof *r->lua_of);
	if (!r->lua || !r->lua_of) {
		r->oom = 1;
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		struct jalon_plugin *p = r->items[i];
		if (!p->loaded || p->kind != KIND_LUA)
			continue;
		r->lua[r->nlua] = (plugin_lua){p->name, p->version, p->description, p->api, p->path,
		                               p->main};
		r->lua_of[r->nlua++] = p;
	}
}

int jl_plugins_discover(jl_ext *x)
{
	jalon_store *s = x->s;
	if (x->plugins)
		return x->plugins->oom ? jl_store_fail(s, JALON_ENOMEM, "mémoire épuisée") : 0;
	if (!(x->plugins = calloc(1, sizeof *x->plugins)))
		return jl_store_fail(s, JALON_ENOMEM, "mémoire épuisée");
	/* Discovery is no call of the host's: what it says goes into the candidates, and the
	 * store's message stays what it was. */
	char saved[sizeof s->errmsg];
	memcpy(saved, s->errmsg, sizeof saved);
	git_config *cfg = NULL;
	char *list = NULL;
	if (jl_config_open(s, &cfg) != 0 || jl_config_get(s, cfg, "plugins.path", &list) != 0) {
		char *conf = jl_sprintf("%s/jalon.conf", s->dir);
		struct jalon_plugin *p = conf ? candidate(x, KIND_FOLDER, conf, "plugins.path") : NULL;
		if (p)
			refuse(p, "%s ; aucun plug-in chargé", s->errmsg);
		free(conf);
	} else if (list) {
		discover_path(x, list, 1);
	} else {
		discover_path(x, "plugins", 0);
	}
	free(list);
	git_config_free(cfg);
	collect_lua(x->plugins);
	memcpy(s->errmsg, saved, sizeof saved);
	return x->plugins->oom ? jl_store_fail(s, JALON_ENOMEM, "mémoire épuisée") : 0;
}

/* ---------------------------------------------------------------- for the Lua runtime */

size_t jl_plugins_lua(jl_ext *x, const plugin_lua **out)
{
	*out = NULL;
	jl_plugins_discover(x);
	if (!x->plugins || !x->plugins->nlua)
		return 0;
	*out = x->plugins->lua;
	return x->plugins->nlua;
}

/* The registry's entry behind p, or NULL when p is not one of the store's. */
static struct jalon_plugin *lua_entry(jl_ext *x, const plugin_lua *p)
{
	struct jl_plugins *r = x->plugins;
	if (!r || !p || !r->nlua || p < r->lua || p >= r->lua + r->nlua)
		return NULL;
	return r->lua_of[p - r->lua];
}

int jl_plugins_lua_loaded(jl_ext *x, const plugin_lua *p)
{
	struct jalon_plugin *e = lua_entry(x, p);
	return e && e->loaded;
}

void jl_plugins_lua_refuse(jl_ext *x, const plugin_lua *p, const char *reason)
{
	struct jalon_plugin *e = lua_entry(x, p);
	if (e)
		refuse(e, "%s", reason && *reason ? reason : "refusé par le moteur Lua");
}

/* ---------------------------------------------------------------- public API */

int jalon_plugins_discover(size_t *count, jalon_store *store)
{
	*count = 0;
	jl_ext *x = jl_ext_of(store);
	if (!x)
		return 0; /* opened without extensions: no plug-in */
	int rc = jl_plugins_discover(x);
	/* A Lua plug-in is loaded once its code has run: run it (with the store's scripts),
	   so that the list says which failed. Their error is the listing's, not the call's. */
	if (rc == 0) {
		char saved[sizeof store->errmsg];
		memcpy(saved, store->errmsg, sizeof saved);
		jl_ext_load(x);
		memcpy(store->errmsg, saved, sizeof saved);
	}
	if (x->plugins)
		*count = x->plugins->n;
	return rc;
}

const jalon_plugin *jalon_plugins_get(jalon_store *store, size_t i)
{
	jl_ext *x = jl_ext_of(store);
	struct jl_plugins *r = x ? x->plugins : NULL;
	return r && i < r->n ? r->items[i] : NULL;
}

const char *jalon_plugin_kind(const jalon_plugin *p)
{
	return KIND_NAMES[p->kind];
}

const char *jalon_plugin_name(const jalon_plugin *p)
{
	return p->name ? p->name : "";
}

const char *jalon_plugin_version(const jalon_plugin *p)
{
	return p->version ? p->version : "";
}

const char *jalon_plugin_description(const jalon_plugin *p)
{
	return p->description ? p->description : "";
}

const char *jalon_plugin_api_version(const jalon_plugin *p)
{
	return p->api ? p->api : "";
}

const char *jalon_plugin_path(const jalon_plugin *p)
{
	return p->path;
}

int jalon_plugin_loaded(const jalon_plugin *p)
{
	return p->loaded;
}

const char *jalon_plugin_refusal(const jalon_plugin *p)
{
	return p->loaded ? NULL : p->refusal ? p->refusal : "refusé";
}

const char *jalon_plugin_exporter(const jalon_plugin *p, size_t i)
{
	return i < p->nexporters ? p->exporters[i].format : NULL;
}
