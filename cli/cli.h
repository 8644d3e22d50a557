/* SPDX-License-Identifier: MIT */
/*
 * The `jalon` command: a client of the public API (include/jalon.h), like any host
 * program. Nothing here reaches into core/.
 *
 * main.c dispatches to one handler per command (cmd_*.c) and holds what they share:
 * option parsing, opening the store, the acting person, error reporting and exit codes.
 * format.c holds the output helpers: JSON through jansson, UTF-8 columns, dates.
 */
#ifndef JALON_CLI_H
#define JALON_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "jalon.h"

/* Has the compiler check a printf-style function's arguments (gcc, clang). */
#if defined(__GNUC__)
#define CLI_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define CLI_PRINTF(fmt, first)
#endif

/*
 * Exit codes, documented in docs/cli.md and `jalon --help`. The small ones are the
 * outcomes a script is expected to test (the API's "expected" errors); from 64 on they
 * follow BSD's sysexits.h.
 */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_INCONSISTENT = 1, /* JALON_ECORRUPT: fsck found problems; run `jalon rebuild` */
	CLI_EXIT_NOTFOUND = 2,     /* JALON_ENOTFOUND: no such item, person, tag or date */
	CLI_EXIT_AMBIGUOUS = 3,    /* JALON_EAMBIGUOUS: a reference matches several items */
	CLI_EXIT_CONFLICT = 4,     /* JALON_ECONFLICT: conflicts with the stored state */
	CLI_EXIT_REFUSED = 5,      /* JALON_ESCRIPT: a script or hook refused the change */
	CLI_EXIT_USAGE = 64,       /* EX_USAGE: bad command line */
	CLI_EXIT_DATAERR = 65,     /* EX_DATAERR, JALON_EINVALID: bad value, key, date or file */
	CLI_EXIT_NOINPUT = 66,     /* EX_NOINPUT: input file or store missing or unreadable */
	CLI_EXIT_UNAVAILABLE = 69, /* EX_UNAVAILABLE: a reminder was refused for good (bad address) */
	CLI_EXIT_SOFTWARE = 70,    /* EX_SOFTWARE, JALON_ERROR, JALON_ENOMEM: internal error */
	CLI_EXIT_CANTCREAT = 73,   /* EX_CANTCREAT: cannot create the store or output file */
	CLI_EXIT_IOERR = 74,       /* EX_IOERR: writing the output failed */
	CLI_EXIT_TEMPFAIL = 75,    /* EX_TEMPFAIL, JALON_EBUSY, JALON_EDELIVERY: try again later */
	CLI_EXIT_CONFIG = 78       /* EX_CONFIG, JALON_ECONFIG: no acting person, bad jalon.conf */
};

typedef struct cli_ctx cli_ctx;

/* One command of the table in main.c. */
typedef struct cli_command {
	const char *name;
	int (*run)(cli_ctx *cx, int argc, char **argv); /* argv[0] is the command's name */
	const char *usage;   /* "show ITEM [--at DATE]" */
	const char *summary; /* one line, French */
	const char *help;    /* the command's options and details, French, may be NULL */
} cli_command;

/* What main hands down to a command: the global options, and where the command stands. */
struct cli_ctx {
	const cli_command *cmd;  /* the running command (NULL while parsing global options) */
	const char *store_dir;   /* --store, else NULL (then JALON_STORE, then ".") */
	const char *as;          /* --as "Name <email>", else NULL */
	int json;                /* --json */
	int quiet;               /* -q: no informational messages */
	int exit_code;           /* set when cli_next_option returns CLI_OPT_EXIT */
	char author_name[256];   /* the acting person, once resolved */
	char author_email[256];
};

/* The commands (cmd_*.c); main.c's table lists them with their help. */
int cmd_init(cli_ctx *cx, int argc, char **argv);
int cmd_import(cli_ctx *cx, int argc, char **argv);
int cmd_export(cli_ctx *cx, int argc, char **argv);
int cmd_fsck(cli_ctx *cx, int argc, char **argv);
int cmd_rebuild(cli_ctx *cx, int argc, char **argv);
int cmd_gc(cli_ctx *cx, int argc, char **argv);
int cmd_add(cli_ctx *cx, int argc, char **argv);
int cmd_set(cli_ctx *cx, int argc, char **argv);
int cmd_rm(cli_ctx *cx, int argc, char **argv);
int cmd_restore(cli_ctx *cx, int argc, char **argv);
int cmd_show(cli_ctx *cx, int argc, char **argv);
int cmd_list(cli_ctx *cx, int argc, char **argv);
int cmd_log(cli_ctx *cx, int argc, char **argv);
int cmd_diff(cli_ctx *cx, int argc, char **argv);
int cmd_blame(cli_ctx *cx, int argc, char **argv);
int cmd_tag(cli_ctx *cx, int argc, char **argv);
int cmd_remind(cli_ctx *cx, int argc, char **argv);
int cmd_done(cli_ctx *cx, int argc, char **argv);
int cmd_config(cli_ctx *cx, int argc, char **argv);
int cmd_report(cli_ctx *cx, int argc, char **argv);
/* The reports available, for the help of `jalon report` (cmd_report.c). */
void cli_report_help(cli_ctx *cx, FILE *f);
int cmd_progress(cli_ctx *cx, int argc, char **argv);
int cmd_plugins(cli_ctx *cx, int argc, char **argv);

/*
 * Option parsing shared by every command: the command's own options plus the global
 * ones (--store, --as, --json, -q, -h/--help), which may come before or after the
 * command's name. Usage:
 *
 *	static const struct option opts[] = {{"at", required_argument, NULL, 'a'}, {0}};
 *	cli_parser p = CLI_PARSER("a:", opts);
 *	int c;
 *	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END) {
 *		if (c == CLI_OPT_EXIT)
 *			return cx->exit_code;   (help printed: 0; bad option: message printed, 64)
 *		switch (c) { case 'a': at = p.arg; break; }
 *	}
 *	then the operands are argv[p.index] … argv[argc - 1].
 */
enum { CLI_OPT_END = -1, CLI_OPT_EXIT = -2 };

typedef struct cli_parser {
	const char *shortopts;         /* the command's own, without ':'; a '+' prefix stops
	                                  at the first operand */
	const struct option *longopts; /* the command's own, ending with {0}; may be NULL */
	const char *arg;               /* the current option's argument, or NULL */
	int index;                     /* after CLI_OPT_END: the first operand */
	int started;
	char shortbuf[64];
	struct option longbuf[32];
} cli_parser;

#define CLI_PARSER(shortopts, longopts) {(shortopts), (longopts), NULL, 0, 0, {0}, {{0}}}

int cli_next_option(cli_ctx *cx, cli_parser *p, int argc, char **argv);
/* The same for a command with no options of its own: 0 and *first set to the first
 * operand's index, or CLI_OPT_EXIT with cx->exit_code set. */
int cli_no_options(cli_ctx *cx, int argc, char **argv, int *first);
/* The same for a command that also takes exactly one operand: 0 and *operand, or
 * CLI_OPT_EXIT with cx->exit_code set, the usage message being missing or extra when the
 * operand is missing or not alone. */
int cli_one_operand(cli_ctx *cx, int argc, char **argv, const char *missing,
                    const char *extra, const char **operand);

/* Prints "jalon: <command>: <message>" on one line to stderr; returns code. */
CLI_PRINTF(3, 4)
int cli_fail(cli_ctx *cx, int code, const char *fmt, ...);
/* Reports a failed API call (rc < 0) with the store's message; returns its exit code.
 * store may be NULL. */
int cli_fail_api(cli_ctx *cx, jalon_store *store, int rc);
/* The exit code of an API return code. */
int cli_exit_code(int rc);
/* A usage error: "jalon: <command>: <message> (usage : jalon <usage>)"; returns 64. */
CLI_PRINTF(2, 3)
int cli_usage_error(cli_ctx *cx, const char *fmt, ...);

/* How a command opens the store. */
enum {
	CLI_OPEN_READ = 0,
	CLI_OPEN_AUTHOR = 1, /* the command changes something: the acting person must be known */
	CLI_OPEN_REPAIR = 2  /* fsck, rebuild: also a store whose history SQLite cannot follow */
};

/*
 * Opens the store named by --store, JALON_STORE, or the current directory when it
 * holds a store. With CLI_OPEN_AUTHOR the acting person (--as, JALON_AUTHOR, git config)
 * is set on the store. Returns 0, or an exit code after printing the message.
 */
int cli_open_store(cli_ctx *cx, jalon_store **out, int how);
/* The store directory to use (never NULL: "." by default). */
const char *cli_store_dir(const cli_ctx *cx);
/* Resolves the acting person into cx->author_name/email. 0 when found, else the exit
 * code after printing the message. */
int cli_resolve_author(cli_ctx *cx);

/* 1 when dir/name exists (name NULL: dir itself). */
int cli_path_exists(const char *dir, const char *name);

/* Reads a date argument (--at, --since…) through jalon_time_parse. 0 or an exit code. */
int cli_parse_time(cli_ctx *cx, jalon_store *store, const char *option, const char *text,
                   int end_of_day, long long *out);
/* Reads a date argument into "YYYY-MM-DD" (UTC calendar date of that time). */
int cli_parse_day(cli_ctx *cx, jalon_store *store, const char *option, const char *text,
                  char day[11]);

/* Kinds written on the command line: "os", "oo", "action", "task" / "tâche",
 * "person" / "personne", "plan". -1 when unknown. */
int cli_kind_from_text(const char *text);
/* The French word for a kind: "OS", "OO", "action", "tâche", "personne", "plan". */
const char *cli_kind_word(jalon_kind kind);
/* Its long name, for a reader: "objectif stratégique", "objectif opérationnel"… */
const char *cli_kind_long_name(jalon_kind kind);

/* Writes data to path through a temporary file renamed over it, so that a failed write
 * leaves no half-written file; path NULL or "-": to stdout. 0, or the exit code after
 * printing the message (73, 74). */
int cli_write_output(cli_ctx *cx, const char *path, const char *data, size_t len);
/* Writes out and flushes stdout, reporting a write error (EPIPE, disk full). */
int cli_finish_output(cli_ctx *cx);

/* ------------------------------------------------------------------ format.c */

/*
 * JSON output: every --json text the CLI builds is a jansson value printed here, indented
 * by two, members in the order they were added, UTF-8 as is. value is stolen; NULL (a
 * json_pack that failed) prints nothing and fails with 70. Returns the exit code.
 */
int cli_print_json(cli_ctx *cx, json_t *value);
/* Appends value to array, both stolen: the array, or NULL when either is NULL or memory
 * ran out, so that an output built in a loop fails as a whole. */
json_t *cli_json_append(json_t *array, json_t *value);
/* What a command did: with --json the object json (stolen), else the text line unless -q.
 * Returns the exit code of writing it. */
CLI_PRINTF(3, 4)
int cli_outcome(cli_ctx *cx, json_t *json, const char *fmt, ...);

/* Text columns: code points in s (not bytes), and s truncated/padded to width columns
 * ("…" marking a cut). */
size_t utf8_width(const char *s);
void put_column(FILE *f, const char *s, size_t width, int truncate, int pad);

/* "2024-05-01 10:30" in local time; "2024-05-01T10:30:00Z" in UTC. */
void format_local_time(long long t, char out[32]);
void format_utc_time(long long t, char out[32]);

/* Copies s with every run of line breaks made "; " (one-line messages). malloc'd. */
char *one_line(const char *s);

#endif
