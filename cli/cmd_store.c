/* SPDX-License-Identifier: MIT */
/*
 * Commands on the store as a whole: init, import, export, fsck, rebuild, gc.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "jalon/plugin.h"

/* Prints a report of the library's (lines of text) to f, ending with a line feed. */
static void put_report(FILE *f, const char *report)
{
	if (!report || !*report)
		return;
	fputs(report, f);
	if (report[strlen(report) - 1] != '\n')
		fputc('\n', f);
}

/* "--format" values. -1 when unknown. */
/* The calendar is not one of the plan's interchange formats: its own API call. */
#define FORMAT_ICS 100
/* Any other name may be a plug-in's exporter (jalon_export_plugin). */
#define FORMAT_PLUGIN 101

static int format_from_text(const char *text)
{
	if (!strcasecmp(text, "json"))
		return JALON_FORMAT_JSON;
	if (!strcasecmp(text, "csv"))
		return JALON_FORMAT_CSV;
	if (!strcasecmp(text, "outline") || !strcasecmp(text, "md") ||
	    !strcasecmp(text, "markdown"))
		return JALON_FORMAT_OUTLINE;
	if (!strcasecmp(text, "ics") || !strcasecmp(text, "ical"))
		return FORMAT_ICS;
	return -1;
}

/* The export format a file name suggests (the import side is the library's). */
static int format_from_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && strchr(dot, '/') == NULL) {
		if (!strcasecmp(dot, ".ics"))
			return FORMAT_ICS;
		if (!strcasecmp(dot, ".csv"))
			return JALON_FORMAT_CSV;
		if (!strcasecmp(dot, ".md") || !strcasecmp(dot, ".txt") ||
		    !strcasecmp(dot, ".outline"))
			return JALON_FORMAT_OUTLINE;
	}
	return JALON_FORMAT_JSON;
}

/* ---------------------------------------------------------------- init */

int cmd_init(cli_ctx *cx, int argc, char **argv)
{
	int first, code;
	if (cli_no_options(cx, argc, argv, &first))
		return cx->exit_code;
	if (argc - first > 1)
		return cli_usage_error(cx, "un seul dossier");
	const char *dir = first < argc ? argv[first] : cli_store_dir(cx);
	if (!*dir || (first >= argc && cx->store_dir && !*cx->store_dir))
		return cli_usage_error(cx, "dossier vide");
	if (cli_path_exists(dir, "jalon.db") || cli_path_exists(dir, "history.git"))
		return cli_fail(cx, CLI_EXIT_CANTCREAT, "un store existe déjà dans « %s »", dir);

	jalon_store *store = NULL;
	int rc = jalon_store_init(&store, dir, NULL);
	if (rc < 0) {
		code = rc == JALON_ENOMEM ? CLI_EXIT_SOFTWARE
		     : rc == JALON_EBUSY  ? CLI_EXIT_TEMPFAIL
		                          : CLI_EXIT_CANTCREAT;
		const char *msg = store ? jalon_errmsg(store) : "";
		cli_fail(cx, code, "impossible de créer le store « %s » : %s", dir,
		         *msg ? msg : "erreur inconnue");
		jalon_store_close(store);
		return code;
	}
	jalon_store_close(store);
	return cli_outcome(cx, json_pack("{s:s}", "store", dir), "Store Jalon créé dans « %s ».",
	                   dir);
}

/* ---------------------------------------------------------------- import */

/* Reads all of f; NULL when memory runs out or reading fails. */
static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			return NULL;
		}
		buf = bigger;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* How many items the store holds, drafts included; -1 on failure. */
static long count_items(jalon_store *store)
{
	jalon_query q = JALON_QUERY_INIT;
	q.include_drafts = 1;
	jalon_item_list *list = NULL;
	if (jalon_query_run(&list, store, &q) < 0)
		return -1;
	long n = (long)jalon_item_list_count(list);
	jalon_item_list_free(list);
	return n;
}

int cmd_import(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("f:", opts);
	int c, format = JALON_FORMAT_AUTO;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 'f' && ((format = format_from_text(p.arg)) < 0 || format == FORMAT_ICS))
			return cli_usage_error(cx, "format inconnu « %s » (outline, csv, json)", p.arg);
	}
	if (argc - p.index != 1)
		return cli_usage_error(cx, argc == p.index ? "quel fichier ?" : "un seul fichier");
	const char *path = argv[p.index];

	char *data = NULL;
	size_t len = 0;
	if (!strcmp(path, "-")) {
		if (!(data = read_all(stdin, &len)))
			return cli_fail(cx, CLI_EXIT_NOINPUT, "lecture de l’entrée standard impossible");
	} else {
		FILE *f = fopen(path, "rb");
		if (!f)
			return cli_fail(cx, CLI_EXIT_NOINPUT, "%s : %s", path, strerror(errno));
		fclose(f);
	}

	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_AUTHOR);
	if (code) {
		free(data);
		return code;
	}
	char *report = NULL;
	int rc = data ? jalon_import_buffer(store, data, len, "entrée standard",
	                                    (jalon_format)format, &report)
	              : jalon_import_file(store, path, (jalon_format)format, &report);
	free(data);
	if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
		jalon_free(report);
		jalon_store_close(store);
		return code;
	}
	put_report(stderr, report);
	long n = count_items(store);
	if (n < 0)
		code = cli_fail_api(cx, store, JALON_ERROR);
	else
		code = cli_outcome(cx, json_pack("{s:I, s:s}", "imported", (json_int_t)n, "report",
		                                 report ? report : ""),
		                   "%ld élément%s importé%s", n, n > 1 ? "s" : "", n > 1 ? "s" : "");
	jalon_free(report);
	jalon_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- export */

int cli_write_output(cli_ctx *cx, const char *path, const char *data, size_t len)
{
	if (!path || !strcmp(path, "-")) {
		fwrite(data, 1, len, stdout);
		return cli_finish_output(cx);
	}
	/* A device or a pipe (/dev/stdout, a FIFO) is written to, not replaced. */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		FILE *f = fopen(path, "wb");
		int ok = f && fwrite(data, 1, len, f) == len;
		if (f && fclose(f) != 0)
			ok = 0;
		return ok ? 0 : cli_fail(cx, CLI_EXIT_IOERR, "%s : %s", path, strerror(errno));
	}
	size_t n = strlen(path);
	char *tmp = malloc(n + 8);
	if (!tmp)
		return cli_fail(cx, CLI_EXIT_SOFTWARE, "mémoire épuisée");
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int code = cli_fail(cx, CLI_EXIT_CANTCREAT, "%s : %s", path, strerror(errno));
		free(tmp);
		return code;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	FILE *f = fdopen(fd, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;
	ok = f && fclose(f) == 0 && ok;
	if (!f)
		close(fd);
	if (!ok || rename(tmp, path) != 0) {
		int code = cli_fail(cx, CLI_EXIT_IOERR, "%s : %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return code;
	}
	free(tmp);
	return 0;
}

int cmd_export(cli_ctx *cx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"person", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	cli_parser p = CLI_PARSER("f:o:p:", opts);
	int c, format = -1;
	const char *output = NULL, *person = NULL, *named = NULL;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return cx->exit_code;
		if (c == 'f' && (format = format_from_text(named = p.arg)) < 0)
			format = FORMAT_PLUGIN; /* known once the store's plug-ins are */
		if (c == 'o')
			output = p.arg;
		if (c == 'p')
			person = p.arg;
	}
	/* `jalon export ics` reads as well as `jalon export --format ics`. */
	if (p.index < argc && format < 0 && (format = format_from_text(argv[p.index])) >= 0)
		p.index++;
	if (p.index < argc)
		return cli_usage_error(cx, "argument inattendu « %s »", argv[p.index]);
	if (format < 0)
		format = output && strcmp(output, "-") ? format_from_path(output) : JALON_FORMAT_JSON;
	if (person && format != FORMAT_ICS)
		return cli_usage_error(cx, "--person ne vaut que pour le calendrier (--format ics)");

	jalon_store *store;
	int code = cli_open_store(cx, &store, CLI_OPEN_READ);
	if (code)
		return code;
	char *out = NULL;
	size_t len = 0;
	int rc = format == FORMAT_ICS    ? jalon_export_calendar(&out, &len, store, person)
	       : format == FORMAT_PLUGIN ? jalon_export_plugin(&out, &len, store, named)
	                                 : jalon_export(&out, &len, store, (jalon_format)format);
	if (rc == JALON_ENOTFOUND && format == FORMAT_PLUGIN) {
		code = cli_usage_error(cx, "format inconnu « %s » (json, csv, outline, ics)", named);
	} else if (rc < 0) {
		code = cli_fail_api(cx, store, rc);
	} else {
		code = cli_write_output(cx, output, out, len);
	}
	jalon_free(out);
	jalon_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- maintenance */

/* The start and end that fsck, rebuild and gc share: no operand, the store open around
 * the command's task. */
static int on_store(cli_ctx *cx, int argc, char **argv,
                    int (*task)(cli_ctx *cx, jalon_store *store))
{
	int first, code;
	if (cli_no_options(cx, argc, argv, &first))
		return cx->exit_code;
	if (first < argc)
		return cli_usage_error(cx, "argument inattendu « %s »", argv[first]);
	jalon_store *store;
	if ((code = cli_open_store(cx, &store, CLI_OPEN_REPAIR)))
		return code;
	code = task(cx, store);
	jalon_store_close(store);
	return code;
}

static int fsck(cli_ctx *cx, jalon_store *store)
{
	char *report = NULL;
	int rc = jalon_store_fsck(store, &report), code;
	if (rc == 0 || rc == JALON_ECORRUPT) {
		if (cx->json) {
			code = cli_print_json(cx, json_pack("{s:b, s:s}", "consistent", rc == 0, "report",
			                                    report ? report : ""));
		} else {
			put_report(stdout, report); /* the command's data: printed even with -q */
			code = cli_finish_output(cx);
		}
		if (!code && rc == JALON_ECORRUPT)
			code = cli_fail(cx, CLI_EXIT_INCONSISTENT,
			                "store incohérent : « jalon rebuild » le reconstruit depuis "
			                "l’historique");
	} else {
		code = cli_fail_api(cx, store, rc);
	}
	jalon_free(report);
	return code;
}

/* rebuild and gc: one call (its result rc), one line of confirmation. */
static int confirm(cli_ctx *cx, jalon_store *store, int rc, const char *json_key,
                   const char *done)
{
	return rc < 0 ? cli_fail_api(cx, store, rc)
	              : cli_outcome(cx, json_pack("{s:b}", json_key, 1), "%s", done);
}

static int rebuild(cli_ctx *cx, jalon_store *store)
{
	return confirm(cx, store, jalon_store_rebuild(store), "rebuilt",
	               "État SQLite reconstruit depuis l’historique.");
}

static int gc(cli_ctx *cx, jalon_store *store)
{
	return confirm(cx, store, jalon_store_gc(store), "packed", "Historique rangé dans un pack.");
}

int cmd_fsck(cli_ctx *cx, int argc, char **argv)
{
	return on_store(cx, argc, argv, fsck);
}

int cmd_rebuild(cli_ctx *cx, int argc, char **argv)
{
	return on_store(cx, argc, argv, rebuild);
}

int cmd_gc(cli_ctx *cx, int argc, char **argv)
{
	return on_store(cx, argc, argv, gc);
}
