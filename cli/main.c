/* SPDX-License-Identifier: MIT */
/*
 * jalon — the command line over the public API: dispatch, global options and what the
 * commands share (opening the store, the acting person, errors and exit codes).
 *
 *	jalon [--store DIR] [--as "Nom <email>"] [--json] [-q] COMMAND [options] [arguments]
 *
 * Every failure prints one line, "jalon: COMMAND: message", on stderr and exits with a
 * documented code (cli.h, docs/cli.md). Nothing here is global: main builds a cli_ctx
 * and hands it down.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

static int cmd_help(cli_ctx *cx, int argc, char **argv);

static const cli_command COMMANDS[] = {
	{"init", cmd_init, "init [DIR]", "crée un store vide (DIR, sinon --store, JALON_STORE ou .)",
	 "Crée le dossier s’il manque ; il doit être vide sinon (code 73)."},
	{"import", cmd_import, "import FILE [--format outline|csv|json]",
	 "importe un plan entier dans un store sans éléments (un seul commit)",
	 "  --format F   outline, csv ou json ; par défaut d’après l’extension du fichier\n"
	 "               (.json, .csv, sinon outline).\n"
	 "FILE « - » lit l’entrée standard. Les textes gardés mais non compris (échéances,\n"
	 "récurrences) sont listés sur la sortie d’erreur ; puis « N éléments importés »\n"
	 "(sauf -q). Un import raté ne change rien."},
	{"export", cmd_export, "export [--format json|csv|outline|ics|FORMAT] [-o FILE]",
	 "exporte le plan entier (JSON par défaut)",
	 "  --format F   json (défaut), csv, outline, ics, ou le format d’un plug-in (jalon\n"
	 "               plugins) ; avec -o, d’après l’extension si absent.\n"
	 "  -o FILE      écrit dans FILE (remplacé d’un coup) au lieu de la sortie standard.\n"
	 "Les octets sont exactement ceux de jalon_export : mêmes données, mêmes octets."},
	{"add", cmd_add, "add KIND [--parent REF] TITLE [clé=valeur…]",
	 "ajoute un élément ou une personne et affiche son id",
	 "  KIND          os, oo, action, task (ou tâche), person (ou personne).\n"
	 "  --parent REF  l’OS d’un OO, l’OO d’une action, l’action d’une tâche (requis pour\n"
	 "                oo, action et task ; interdit pour os et person).\n"
	 "TITLE est le titre (le nom pour une personne) ; les clé=valeur suivent, comme pour\n"
	 "« jalon set ». Exemple : jalon add action --parent \"OO 2\" \"Créer un atelier CV\"\n"
	 "qui=DG échéance=\"mars 2021\""},
	{"set", cmd_set, "set ITEM clé=valeur…", "change des champs d’un élément (un seul commit)",
	 "Clés et valeurs comme on les écrit : statut=terminé, échéance=\"janvier 2020\",\n"
	 "qui=\"DG + Président\", avancement=\"50 %\", priorité=oui… (docs/records.md).\n"
	 "ITEM : un id (action-7) ou un label (\"Action 4\", \"OO 1\", \"O.O.3.2\"), ou plan."},
	{"rm", cmd_rm, "rm ITEM", "supprime un élément et ses descendants (restaurable)",
	 "L’élément reste dans l’historique : « jalon restore ID » le ramène."},
	{"restore", cmd_restore, "restore ID",
	 "restaure un élément supprimé, tel qu’il était juste avant, avec ses descendants", NULL},
	{"show", cmd_show, "show ITEM [--at DATE] [--full]", "affiche un élément, champ par champ",
	 "  --at DATE  l’élément tel qu’il était à cette date (fin de journée, UTC) ou à ce tag.\n"
	 "  --full     aussi les champs vides.\n"
	 "Lignes « clé : valeur » ; avec --json, le JSON canonique de l’enregistrement."},
	{"list", cmd_list, "list [filtres] [--all] [-w]", "liste les éléments du plan, en arbre",
	 "  --kind K           os, oo, action, task/tâche, person (répétable, ou os,oo)\n"
	 "  --volet V          externe ou interne\n"
	 "  --os REF, --oo REF sous cet OS, sous cet OO\n"
	 "  --status S         à lancer, en cours, terminé, reporté, abandonné\n"
	 "  --responsible P    nommé (mots entiers) dans le « Qui ? » ou parmi les personnes liées\n"
	 "  --priority         les éléments prioritaires\n"
	 "  --overdue[=DATE]   en retard à DATE (aujourd’hui par défaut) : échéance passée,\n"
	 "                     ni terminé ni abandonné (« --overdue DATE » aussi)\n"
	 "  --due-before D, --due-after D   échéance au plus tard / au plus tôt le D\n"
	 "  --text T           dans le label ou le titre\n"
	 "  --flagged          avec un texte que Jalon n’a pas compris\n"
	 "  --drafts           brouillons compris\n"
	 "  --all              tous les éléments de tous les niveaux, brouillons compris\n"
	 "  -w, --wide         titres entiers (sinon coupés à la largeur de la colonne)\n"
	 "Colonnes : id, label et titre (indentés selon le niveau), statut, échéance.\n"
	 "Avec --json : un tableau des enregistrements (id, kind, label, title, status…),\n"
	 "chacun avec en plus parent (l’id du premier parent ou null) et name (« Action 4 »)."},
	{"log", cmd_log, "log [ITEM] [-n N] [--oneline|--full]",
	 "l’historique, du plus récent au plus ancien",
	 "  -n N        les N derniers commits\n"
	 "  --oneline   une ligne par commit, sans le détail des champs\n"
	 "  --full      tout le détail (sans ITEM, un commit en montre sinon 20 lignes)\n"
	 "Pour chaque commit : id court, date, auteur, puis le message en retrait, puis les\n"
	 "lignes « champ : avant → après » (précédées du nom de l’élément quand le commit en\n"
	 "touche plusieurs)."},
	{"diff", cmd_diff, "diff --since DATE [--until DATE]",
	 "ce qui a changé entre deux dates, par élément et par champ",
	 "  --since DATE  début (exclu) : une date (début de journée), une heure ou un tag\n"
	 "  --until DATE  fin (incluse) : fin de journée ; maintenant par défaut"},
	{"blame", cmd_blame, "blame ITEM", "qui a changé chaque champ en dernier, et quand", NULL},
	{"tag", cmd_tag, "tag NAME -m TEXT", "marque l’état actuel (tag git annoté)",
	 "  -m TEXT  le message du tag (requis). Un tag se donne ensuite à --at, --since…"},
	{"remind", cmd_remind, "remind [--date DATE] [--dry-run] [-v]",
	 "envoie les rappels du jour (échéances, retards, réunions), une fois chacun",
	 "  --date DATE  le jour à traiter (AAAA-MM-JJ), aujourd’hui par défaut.\n"
	 "  --dry-run    affiche les messages qui partiraient ; n’envoie et ne note rien.\n"
	 "  -v           une ligne de bilan sur la sortie d’erreur.\n"
	 "Un message par destinataire. Un rappel déjà envoyé ne repart pas ; un jour sans\n"
	 "exécution est rattrapé ; un envoi en échec est réessayé à l’exécution suivante.\n"
	 "Réglages dans DIR/jalon.conf (jalon config, docs/remind.md). Codes : 0 tout est\n"
	 "parti, 75 envoi en échec ou autre exécution en cours (réessayer plus tard), 69\n"
	 "adresse refusée par le serveur, 78 configuration à compléter."},
	{"done", cmd_done, "done ITEM DATE",
	 "note qu’une occurrence d’une tâche récurrente a eu lieu (ses rappels cessent)",
	 "DATE : le jour de l’occurrence (AAAA-MM-JJ ou JJ/MM/AAAA), qui doit en être une."},
	{"config", cmd_config, "config [KEY [VALUE]] [--unset KEY]",
	 "lit ou change la configuration du store (DIR/jalon.conf)",
	 "Sans argument : toutes les clés. KEY : la valeur. KEY VALUE : la change.\n"
	 "Exemple : jalon config remind.notifier smtp (clés : docs/remind.md)."},
	{"progress", cmd_progress, "progress [ITEM|externe|interne|plan] [--date DATE]",
	 "l’avancement calculé d’un élément, d’un volet ou du plan, et sa santé",
	 "  --date DATE  le jour de référence (AAAA-MM-JJ), aujourd’hui par défaut.\n"
	 "Avancement pondéré des niveaux inférieurs (à la main, sinon des tâches, sinon du\n"
	 "statut), attendu selon le calendrier, santé (dans les temps, à risque, en retard),\n"
	 "comptes par statut : docs/progress.md."},
	{"report", cmd_report, "report NAME [ARG…] [-o FILE]",
	 "produit un rapport défini par un script (jalon.report)",
	 "  -o FILE  écrit dans FILE (remplacé d’un coup) au lieu de la sortie standard.\n"
	 "Les ARG sont passés au script tels quels. Un rapport inconnu : code 2 ; un script\n"
	 "en erreur : code 5, le message nomme le fichier et la ligne (docs/scripts.md)."},
	{"plugins", cmd_plugins, "plugins", "liste les plug-ins du store, chargés ou refusés",
	 "Cherchés dans les dossiers de plugins.path (DIR/jalon.conf ; par défaut\n"
	 "DIR/plugins) : un fichier *.so est un plug-in C, un dossier avec manifest.json un\n"
	 "plug-in Lua. Pour chacun : sorte, nom, version, chemin, « chargé » ou « refusé : »\n"
	 "et la raison, et ce qu’il fournit (formats d’export). Voir docs/plugins.md."},
	{"fsck", cmd_fsck, "fsck", "vérifie que SQLite et l’historique concordent",
	 "Affiche le rapport ; code 1 si le store est incohérent (« jalon rebuild » répare)."},
	{"rebuild", cmd_rebuild, "rebuild", "reconstruit l’état SQLite depuis l’historique seul",
	 NULL},
	{"gc", cmd_gc, "gc", "range les objets de l’historique dans un pack", NULL},
	{"help", cmd_help, "help [COMMAND]", "l’aide générale ou celle d’une commande", NULL},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static const char GLOBAL_HELP[] =
	"Options globales (avant ou après la commande) :\n"
	"  --store DIR        le store (sinon JALON_STORE, sinon le dossier courant s’il en\n"
	"                     est un)\n"
	"  --as \"Nom <email>\" qui fait les changements (sinon JALON_AUTHOR, sinon\n"
	"                     git config user.name / user.email)\n"
	"  --json             sortie JSON pour les commandes qui affichent des données\n"
	"  -q, --quiet        sans messages d’information\n"
	"  -h, --help         l’aide (aussi « jalon help COMMANDE »)\n"
	"  --version          la version\n";

static const char EXIT_HELP[] =
	"Codes de sortie :\n"
	"   0  succès\n"
	"   1  store incohérent (fsck) : lancer « jalon rebuild »\n"
	"   2  introuvable : élément, personne, tag ou date\n"
	"   3  référence ambiguë : plusieurs éléments portent ce label\n"
	"   4  conflit avec l’état du store (p. ex. import dans un store non vide)\n"
	"   5  refusé par un script (hook)\n"
	"  64  mauvaise utilisation : commande, option ou argument\n"
	"  65  donnée invalide : valeur, clé, date ou contenu de fichier\n"
	"  66  fichier ou store absent ou illisible\n"
	"  69  remind : adresse refusée par le serveur de courrier\n"
	"  70  erreur interne (ou mémoire épuisée)\n"
	"  73  impossible de créer le store ou le fichier de sortie\n"
	"  74  écriture de la sortie impossible\n"
	"  75  store verrouillé, ou (remind) envoi en échec : réessayer plus tard\n"
	"  78  personne agissante inconnue, ou DIR/jalon.conf à corriger\n";

/* ---------------------------------------------------------------- help */

static const cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(COMMANDS[i].name, name))
			return &COMMANDS[i];
	return NULL;
}

static void print_main_help(FILE *f)
{
	fprintf(f, "jalon %s — suivi du Programme stratégique transversal (PST)\n\n"
	           "usage : jalon [options globales] COMMANDE [options] [arguments]\n\n"
	           "Commandes :\n", JALON_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
	fprintf(f, "\n%s\nEnvironnement : JALON_STORE (le store), JALON_AUTHOR (« Nom <email> »).\n\n%s"
	           "\n« jalon help COMMANDE » ou « jalon COMMANDE --help » : l’aide d’une commande.\n",
	        GLOBAL_HELP, EXIT_HELP);
}

static void print_command_help(cli_ctx *cx, FILE *f, const cli_command *cmd)
{
	fprintf(f, "usage : jalon %s\n\n%s.\n", cmd->usage, cmd->summary);
	if (cmd->help)
		fprintf(f, "\n%s\n", cmd->help);
	if (cmd->run == cmd_report)
		cli_report_help(cx, f);
	fprintf(f, "\n%s", GLOBAL_HELP);
}

static int cmd_help(cli_ctx *cx, int argc, char **argv)
{
	int first;
	if (cli_no_options(cx, argc, argv, &first))
		return cx->exit_code;
	if (first >= argc) {
		print_main_help(stdout);
		return cli_finish_output(cx);
	}
	if (argc - first > 1)
		return cli_usage_error(cx, "une seule commande à la fois");
	const cli_command *cmd = find_command(argv[first]);
	if (!cmd)
		return cli_fail(cx, CLI_EXIT_USAGE, "commande inconnue « %s » (voir jalon --help)",
		                argv[first]);
	print_command_help(cx, stdout, cmd);
	return cli_finish_output(cx);
}

/* ---------------------------------------------------------------- errors */

static const char *command_name(const cli_ctx *cx)
{
	return cx->cmd ? cx->cmd->name : NULL;
}

static void vreport(const cli_ctx *cx, const char *fmt, va_list ap)
{
	char buf[4096];
	vsnprintf(buf, sizeof buf, fmt, ap);
	char *line = one_line(buf);
	if (command_name(cx))
		fprintf(stderr, "jalon: %s: %s\n", command_name(cx), line ? line : buf);
	else
		fprintf(stderr, "jalon: %s\n", line ? line : buf);
	free(line);
}

int cli_fail(cli_ctx *cx, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(cx, fmt, ap);
	va_end(ap);
	return code;
}

int cli_usage_error(cli_ctx *cx, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (cx->cmd)
		return cli_fail(cx, CLI_EXIT_USAGE, "%s (usage : jalon %s)", buf, cx->cmd->usage);
	return cli_fail(cx, CLI_EXIT_USAGE, "%s (voir jalon --help)", buf);
}

int cli_exit_code(int rc)
{
	switch (rc) {
	case JALON_OK: return CLI_EXIT_OK;
	case JALON_ECORRUPT: return CLI_EXIT_INCONSISTENT;
	case JALON_ENOTFOUND: return CLI_EXIT_NOTFOUND;
	case JALON_EAMBIGUOUS: return CLI_EXIT_AMBIGUOUS;
	case JALON_ECONFLICT: return CLI_EXIT_CONFLICT;
	case JALON_ESCRIPT: return CLI_EXIT_REFUSED;
	case JALON_EINVALID: return CLI_EXIT_DATAERR;
	case JALON_EBUSY: return CLI_EXIT_TEMPFAIL;
	case JALON_EDELIVERY: return CLI_EXIT_TEMPFAIL;
	case JALON_ECONFIG: return CLI_EXIT_CONFIG;
	default: return CLI_EXIT_SOFTWARE; /* JALON_ERROR, JALON_ENOMEM, anything newer */
	}
}

static const char *default_message(int rc)
{
	switch (rc) {
	case JALON_ENOTFOUND: return "introuvable";
	case JALON_EAMBIGUOUS: return "référence ambiguë";
	case JALON_ECONFLICT: return "conflit avec l’état du store";
	case JALON_ESCRIPT: return "refusé par un script";
	case JALON_EINVALID: return "donnée invalide";
	case JALON_EBUSY: return "store verrouillé par un autre processus, réessayez plus tard";
	case JALON_ENOMEM: return "mémoire épuisée";
	case JALON_ECORRUPT: return "store incohérent : lancez « jalon rebuild »";
	case JALON_ECONFIG: return "configuration du store (jalon.conf) invalide";
	case JALON_EDELIVERY: return "envoi en échec, réessayé à la prochaine exécution";
	default: return "erreur interne";
	}
}

int cli_fail_api(cli_ctx *cx, jalon_store *store, int rc)
{
	const char *msg = store ? jalon_errmsg(store) : NULL;
	if (!msg || !*msg)
		msg = default_message(rc);
	return cli_fail(cx, cli_exit_code(rc), "%s", msg);
}

int cli_finish_output(cli_ctx *cx)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_fail(cx, CLI_EXIT_IOERR, "écriture de la sortie impossible : %s",
		                strerror(errno));
	return CLI_EXIT_OK;
}

/* ---------------------------------------------------------------- options */

enum { OPT_STORE = 0x100, OPT_AS, OPT_JSON, OPT_VERSION };

/* The options main reads before the command. All but the last two (--version and the
 * end) are global: every command accepts them too. */
static const struct option MAIN_OPTIONS[] = {
	{"store", required_argument, NULL, OPT_STORE},
	{"as", required_argument, NULL, OPT_AS},
	{"json", no_argument, NULL, OPT_JSON},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};
#define NGLOBAL (sizeof MAIN_OPTIONS / sizeof MAIN_OPTIONS[0] - 2)

/* The option getopt just refused, as the user wrote it. */
static const char *offending_option(int argc, char **argv, char *buf, size_t size)
{
	int i = optind - 1;
	int is_long = i >= 1 && i < argc && !strncmp(argv[i], "--", 2);
	if (!is_long && optopt > 0 && optopt < 0x100) {
		snprintf(buf, size, "-%c", optopt);
		return buf;
	}
	if (i >= 1 && i < argc && argv[i][0] == '-') {
		snprintf(buf, size, "%s", argv[i]);
		char *eq = strchr(buf, '=');
		if (eq && buf[1] == '-')
			*eq = '\0';
		return buf;
	}
	return "?";
}

/* Handles a global option; 1 when it was one. */
static int global_option(cli_ctx *cx, int c)
{
	switch (c) {
	case OPT_STORE: cx->store_dir = optarg; return 1;
	case OPT_AS: cx->as = optarg; return 1;
	case OPT_JSON: cx->json = 1; return 1;
	case 'q': cx->quiet = 1; return 1;
	default: return 0;
	}
}

static void build_parser(cli_parser *p)
{
	/* "+…": options stop at the first operand (what follows is the operand's own). */
	const char *own = p->shortopts ? p->shortopts : "";
	int in_order = *own == '+';
	snprintf(p->shortbuf, sizeof p->shortbuf, "%s:%shq", in_order ? "+" : "", own + in_order);
	size_t n = 0;
	for (const struct option *o = p->longopts; o && o->name && n < 31 - NGLOBAL; o++)
		p->longbuf[n++] = *o;
	for (size_t i = 0; i < NGLOBAL; i++)
		p->longbuf[n++] = MAIN_OPTIONS[i];
	memset(&p->longbuf[n], 0, sizeof p->longbuf[n]);
	p->started = 1;
	optind = 0; /* glibc: start a new scan */
	opterr = 0;
}

int cli_next_option(cli_ctx *cx, cli_parser *p, int argc, char **argv)
{
	if (!p->started)
		build_parser(p);
	for (;;) {
		char buf[128];
		p->arg = NULL;
		int c = getopt_long(argc, argv, p->shortbuf, p->longbuf, NULL);
		if (c == -1) {
			p->index = optind;
			return CLI_OPT_END;
		}
		if (c == '?') {
			cx->exit_code = cli_usage_error(cx, "option inconnue ou ambiguë « %s »",
			                                offending_option(argc, argv, buf, sizeof buf));
			return CLI_OPT_EXIT;
		}
		if (c == ':') {
			cx->exit_code = cli_usage_error(cx, "l’option « %s » demande une valeur",
			                                offending_option(argc, argv, buf, sizeof buf));
			return CLI_OPT_EXIT;
		}
		if (c == 'h') {
			print_command_help(cx, stdout, cx->cmd);
			cx->exit_code = cli_finish_output(cx);
			return CLI_OPT_EXIT;
		}
		if (global_option(cx, c))
			continue;
		p->arg = optarg;
		return c;
	}
}

int cli_no_options(cli_ctx *cx, int argc, char **argv, int *first)
{
	cli_parser p = CLI_PARSER("", NULL);
	int c;
	while ((c = cli_next_option(cx, &p, argc, argv)) != CLI_OPT_END)
		if (c == CLI_OPT_EXIT)
			return CLI_OPT_EXIT;
	*first = p.index;
	return 0;
}

int cli_one_operand(cli_ctx *cx, int argc, char **argv, const char *missing,
                    const char *extra, const char **operand)
{
	int first;
	if (cli_no_options(cx, argc, argv, &first))
		return CLI_OPT_EXIT;
	if (argc - first != 1) {
		cx->exit_code = cli_usage_error(cx, "%s", argc == first ? missing : extra);
		return CLI_OPT_EXIT;
	}
	*operand = argv[first];
	return 0;
}

/* ---------------------------------------------------------------- store and author */

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int cli_path_exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;
	if (!name)
		return stat(dir, &st) == 0;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return 0;
	return stat(path, &st) == 0;
}

const char *cli_store_dir(const cli_ctx *cx)
{
	if (cx->store_dir && *cx->store_dir)
		return cx->store_dir;
	const char *env = getenv("JALON_STORE");
	if (env && *env)
		return env;
	return ".";
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* "Name <email>" or "Name" into cx->author_*; -1 when it does not read so. */
static int parse_person(cli_ctx *cx, const char *text)
{
	char buf[512];
	if (snprintf(buf, sizeof buf, "%s", text) >= (int)sizeof buf)
		return -1;
	char *lt = strchr(buf, '<'), *email = "";
	if (lt) {
		char *gt = strchr(lt, '>');
		if (!gt || *trim(gt + 1))
			return -1;
		*lt = *gt = '\0';
		email = trim(lt + 1);
		if (!*email || strchr(email, '<'))
			return -1;
	}
	char *name = trim(buf);
	if (!*name || strchr(name, '>'))
		return -1;
	snprintf(cx->author_name, sizeof cx->author_name, "%s", name);
	snprintf(cx->author_email, sizeof cx->author_email, "%s", email);
	return 0;
}

/* The first line git prints for `git config --get KEY`, or "" (no git, no value). */
static void git_config(const char *key, char *out, size_t size)
{
	char cmd[128];
	out[0] = '\0';
	snprintf(cmd, sizeof cmd, "git config --get %s 2>/dev/null", key);
	FILE *f = popen(cmd, "r");
	if (!f)
		return;
	if (!fgets(out, (int)size, f))
		out[0] = '\0';
	while (fgetc(f) != EOF) /* let git finish writing */
		;
	pclose(f);
	memmove(out, trim(out), strlen(trim(out)) + 1);
}

int cli_resolve_author(cli_ctx *cx)
{
	if (cx->as) {
		if (parse_person(cx, cx->as) < 0)
			return cli_usage_error(cx, "--as « %s » : attendu « Nom <email> »", cx->as);
		return 0;
	}
	const char *env = getenv("JALON_AUTHOR");
	if (env && *env) {
		if (parse_person(cx, env) < 0)
			return cli_fail(cx, CLI_EXIT_CONFIG,
			                "JALON_AUTHOR « %s » : attendu « Nom <email> »", env);
		return 0;
	}
	char name[256], email[256];
	git_config("user.name", name, sizeof name);
	if (*name) {
		git_config("user.email", email, sizeof email);
		snprintf(cx->author_name, sizeof cx->author_name, "%s", name);
		snprintf(cx->author_email, sizeof cx->author_email, "%s", email);
		return 0;
	}
	return cli_fail(cx, CLI_EXIT_CONFIG,
	                "qui fait ce changement ? Indiquez --as \"Nom <email>\", "
	                "JALON_AUTHOR ou git config user.name");
}

int cli_open_store(cli_ctx *cx, jalon_store **out, int how)
{
	const char *dir = cli_store_dir(cx);
	int explicit = strcmp(dir, ".") != 0 || (cx->store_dir && *cx->store_dir);
	*out = NULL;
	if (cx->store_dir && !*cx->store_dir)
		return cli_usage_error(cx, "--store vide");
	if (how & CLI_OPEN_AUTHOR) {
		int code = cli_resolve_author(cx);
		if (code)
			return code;
	}
	if (!is_dir(dir))
		return cli_fail(cx, CLI_EXIT_NOINPUT, "store « %s » introuvable (jalon init %s pour le "
		                "créer)", dir, dir);
	if (!cli_path_exists(dir, "jalon.db") && !cli_path_exists(dir, "history.git")) {
		if (!explicit)
			return cli_fail(cx, CLI_EXIT_NOINPUT, "aucun store ici : indiquez --store DIR ou "
			                "JALON_STORE (jalon init DIR pour en créer un)");
		return cli_fail(cx, CLI_EXIT_NOINPUT, "« %s » n’est pas un store Jalon (ni jalon.db "
		                "ni history.git)", dir);
	}
	jalon_store *store = NULL;
	/* The store with its scripts and plug-ins: its workflow, rules and reports. */
	jalon_open_options opts = JALON_OPEN_OPTIONS_INIT;
	opts.extensions = 1;
	int rc = jalon_store_open(&store, dir, &opts);
	if (rc == JALON_ECORRUPT && (how & CLI_OPEN_REPAIR))
		rc = 0; /* open enough to be checked and rebuilt */
	if (rc < 0) {
		int code = rc == JALON_ENOTFOUND ? CLI_EXIT_NOINPUT : cli_exit_code(rc);
		const char *msg = store ? jalon_errmsg(store) : "";
		cli_fail(cx, code, "store « %s » : %s", dir, *msg ? msg : default_message(rc));
		jalon_store_close(store);
		return code;
	}
	if (how & CLI_OPEN_AUTHOR) {
		rc = jalon_store_set_author(store, cx->author_name,
		                            *cx->author_email ? cx->author_email : NULL);
		if (rc < 0) {
			int code = cli_fail_api(cx, store, rc);
			jalon_store_close(store);
			return code;
		}
	}
	*out = store;
	return 0;
}

/* ---------------------------------------------------------------- dates and kinds */

int cli_parse_time(cli_ctx *cx, jalon_store *store, const char *option, const char *text,
                   int end_of_day, long long *out)
{
	int rc = jalon_time_parse(store, text, end_of_day, out);
	if (rc == 0)
		return 0;
	if (rc == JALON_EBUSY || rc == JALON_ENOMEM || rc == JALON_ERROR)
		return cli_fail_api(cx, store, rc);
	/* Neither a date nor a known tag: bad input, whatever the library called it. */
	const char *msg = jalon_errmsg(store);
	if (*msg)
		return cli_fail(cx, CLI_EXIT_DATAERR, "%s : %s", option, msg);
	return cli_fail(cx, CLI_EXIT_DATAERR, "%s « %s » : ni une date (AAAA-MM-JJ) ni un tag connu",
	                option, text);
}

int cli_parse_day(cli_ctx *cx, jalon_store *store, const char *option, const char *text,
                  char day[11])
{
	long long t;
	int code = cli_parse_time(cx, store, option, text, 0, &t);
	if (code)
		return code;
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999 ||
	    strftime(day, 11, "%Y-%m-%d", &tm) != 10)
		return cli_fail(cx, CLI_EXIT_DATAERR, "%s « %s » : date hors limites", option, text);
	return 0;
}

int cli_kind_from_text(const char *text)
{
	static const struct {
		const char *name;
		jalon_kind kind;
	} names[] = {
		{"os", JALON_KIND_OS}, {"oo", JALON_KIND_OO}, {"action", JALON_KIND_ACTION},
		{"actions", JALON_KIND_ACTION}, {"task", JALON_KIND_TASK}, {"tasks", JALON_KIND_TASK},
		{"tâche", JALON_KIND_TASK}, {"tâches", JALON_KIND_TASK}, {"tache", JALON_KIND_TASK},
		{"taches", JALON_KIND_TASK}, {"person", JALON_KIND_PERSON},
		{"personne", JALON_KIND_PERSON}, {"people", JALON_KIND_PERSON},
		{"personnes", JALON_KIND_PERSON}, {"plan", JALON_KIND_PLAN},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcasecmp(text, names[i].name))
			return (int)names[i].kind;
	return -1;
}

/* The French words for each kind: short, for messages, and long, for a reader. */
static const struct {
	const char *word, *long_name;
} KIND_WORDS[JALON_KIND_COUNT_] = {
	[JALON_KIND_PLAN] = {"plan", "plan"},
	[JALON_KIND_PERSON] = {"personne", "personne"},
	[JALON_KIND_OS] = {"OS", "objectif stratégique"},
	[JALON_KIND_OO] = {"OO", "objectif opérationnel"},
	[JALON_KIND_ACTION] = {"action", "action"},
	[JALON_KIND_TASK] = {"tâche", "tâche"},
};

const char *cli_kind_word(jalon_kind kind)
{
	return (unsigned)kind < JALON_KIND_COUNT_ ? KIND_WORDS[kind].word : "?";
}

const char *cli_kind_long_name(jalon_kind kind)
{
	return (unsigned)kind < JALON_KIND_COUNT_ ? KIND_WORDS[kind].long_name : "?";
}

/* ---------------------------------------------------------------- main */

/* The version of the library linked at run time, and the one this program was compiled
 * against when they differ: a shared libjalon upgraded or downgraded under the CLI. */
static int print_version(cli_ctx *cx)
{
	const char *linked = jalon_version();
	if (strcmp(linked, JALON_VERSION))
		printf("jalon %s (bibliothèque chargée : %s)\n", JALON_VERSION, linked);
	else
		printf("jalon %s\n", linked);
	return cli_finish_output(cx);
}

int main(int argc, char **argv)
{
	cli_ctx cx;
	memset(&cx, 0, sizeof cx);
	/* System messages (strerror) in the user's language; numbers and collation stay "C". */
	setlocale(LC_MESSAGES, "");

	opterr = 0;
	int c;
	char buf[128];
	while ((c = getopt_long(argc, argv, "+:hq", MAIN_OPTIONS, NULL)) != -1) {
		if (global_option(&cx, c))
			continue;
		switch (c) {
		case 'h':
			print_main_help(stdout);
			return cli_finish_output(&cx);
		case OPT_VERSION:
			return print_version(&cx);
		case ':':
			return cli_usage_error(&cx, "l’option « %s » demande une valeur",
			                       offending_option(argc, argv, buf, sizeof buf));
		default:
			return cli_usage_error(&cx, "option inconnue ou ambiguë « %s »",
			                       offending_option(argc, argv, buf, sizeof buf));
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage : jalon [options globales] COMMANDE [options] [arguments]\n"
		                "« jalon --help » pour la liste des commandes.\n");
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[optind];
	cx.cmd = find_command(name);
	if (!cx.cmd) {
		fprintf(stderr, "jalon: %s: commande inconnue (voir jalon --help)\n", name);
		return CLI_EXIT_USAGE;
	}
	return cx.cmd->run(&cx, argc - optind, argv + optind);
}
