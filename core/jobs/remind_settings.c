/* SPDX-License-Identifier: MIT */
/*
 * The reminders' settings, from jalon.conf (remind_run.h; the keys are docs/remind.md's):
 * lead times by kind, working days and closed days, the sender, the fallback, the
 * notifier and its secrets.
 */
#include "jobs/remind_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/mail.h"
#include "store/config.h"

static const char *const ITEM_KINDS[] = {"os", "oo", "action", "task"};

void jl_remind_settings_free(struct settings *st)
{
	jl_calendar_free(st->cal);
	free(st->from);
	free(st->fallback);
	for (size_t i = 0; i < sizeof st->owned / sizeof *st->owned; i++)
		free(st->owned[i]);
}

static int compare_desc(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

static int compare_asc(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Sorts offsets (descending: days before; ascending: days after) and drops repeats. */
void jl_remind_sort_offsets(int *v, size_t *n, int descending)
{
	qsort(v, *n, sizeof *v, descending ? compare_desc : compare_asc);
	size_t w = 0;
	for (size_t i = 0; i < *n; i++)
		if (w == 0 || v[w - 1] != v[i])
			v[w++] = v[i];
	*n = w;
}

/* "30, 7, 1, 0" → offsets, sorted (descending before, ascending after), each once. */
static int parse_offsets(const char *text, int *out, size_t *n, int descending)
{
	size_t count = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == ';' || *p == '\t')
			p++;
		if (!*p)
			break;
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v < 0 || v > JL_CALENDAR_MAX_OFFSET || count == REMIND_MAX_OFFSETS ||
		    (*end && !strchr(" ,;\t", *end)))
			return -1;
		out[count++] = (int)v;
		p = end;
	}
	*n = count;
	jl_remind_sort_offsets(out, n, descending);
	return 0;
}

/* remind.<kind>.<name>, else remind.<name>, else dflt, into out. */
static int read_offsets(jalon_store *s, git_config *cfg, const char *kind, const char *name,
                        const char *dflt, int descending, int *out, size_t *n)
{
	char key[64], *text = NULL;
	snprintf(key, sizeof key, "remind.%s.%s", kind, name);
	if (jl_config_get(s, cfg, key, &text) != 0)
		return JALON_ECONFIG;
	if (!text) {
		snprintf(key, sizeof key, "remind.%s", name);
		if (jl_config_get(s, cfg, key, &text) != 0)
			return JALON_ECONFIG;
	}
	int rc = parse_offsets(text ? text : dflt, out, n, descending);
	if (rc != 0)
		rc = jl_config_fail(s, key, "« %s » : une liste de jours de 0 à %d est attendue "
		                            "(par exemple 14, 3, 0)", text, JL_CALENDAR_MAX_OFFSET);
	free(text);
	if (rc == 0 && !descending && *n && out[0] == 0)
		rc = jl_config_fail(s, key, "un rappel de retard vient au moins 1 jour après l'échéance");
	return rc;
}

static int read_bool(jalon_store *s, git_config *cfg, const char *key, int dflt, int *out)
{
	int rc = git_config_get_bool(out, cfg, key);
	if (rc == GIT_ENOTFOUND) {
		*out = dflt;
		return 0;
	}
	return rc == 0 ? 0 : jl_config_fail(s, key, "oui/non attendu (true, false, yes, no)");
}

/* A path in jalon.conf: relative ones are relative to the store's folder. */
static char *store_path(jalon_store *s, char *path)
{
	if (!path || path[0] == '/')
		return path;
	char *full = jl_sprintf("%s/%s", s->dir, path);
	free(path);
	return full;
}

/* The first line of a file (a password kept out of jalon.conf). */
static int read_secret(jalon_store *s, const char *key, const char *path, char **out)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	if (!f)
		return jl_config_fail(s, key, "%s : %s", path, strerror(errno));
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	*out = jl_strdup(line);
	return 0;
}

static int read_notifier(jalon_store *s, git_config *cfg, struct settings *st)
{
	static const char *const NAMES[] = {"stdout", "maildir", "mbox", "sendmail", "smtp"};
	static const jl_notifier_kind KINDS[] = {JL_NOTIFY_STDOUT, JL_NOTIFY_MAILDIR,
	                                         JL_NOTIFY_MBOX, JL_NOTIFY_SENDMAIL, JL_NOTIFY_SMTP};
	char *name = NULL, *tls = NULL, *secret_file = NULL, *timeout = NULL;
	char **o = st->owned;
	int rc = jl_config_get(s, cfg, "remind.notifier", &name);
	size_t k = 0;
	while (rc == 0 && name && k < 5 && strcmp(name, NAMES[k]))
		k++;
	if (rc == 0 && name && k == 5)
		rc = jl_config_fail(s, "remind.notifier", "« %s » : stdout, maildir, mbox, sendmail ou "
		                                          "smtp est attendu", name);
	st->notifier.kind = name && k < 5 ? KINDS[k] : JL_NOTIFY_STDOUT;
	if (rc == 0 && st->notifier.kind == JL_NOTIFY_MAILDIR &&
	    (rc = jl_config_get(s, cfg, "maildir.path", &o[0])) == 0 && !o[0])
		rc = jl_config_fail(s, "maildir.path", "le dossier Maildir est requis");
	if (rc == 0 && st->notifier.kind == JL_NOTIFY_MBOX &&
	    (rc = jl_config_get(s, cfg, "mbox.path", &o[0])) == 0 && !o[0])
		rc = jl_config_fail(s, "mbox.path", "le fichier mbox est requis");
	o[0] = store_path(s, o[0]);
	st->notifier.path = o[0];
	if (rc == 0 && st->notifier.kind == JL_NOTIFY_SENDMAIL)
		rc = jl_config_get(s, cfg, "sendmail.command", &o[1]);
	st->notifier.command = o[1];
	if (rc == 0 && st->notifier.kind == JL_NOTIFY_SMTP) {
		if ((rc = jl_config_get(s, cfg, "smtp.url", &o[2])) == 0 && !o[2])
			rc = jl_config_fail(s, "smtp.url", "l'adresse du serveur est requise "
			                                   "(smtp://serveur:587 ou smtps://serveur:465)");
		if (rc == 0)
			rc = jl_config_get(s, cfg, "smtp.user", &o[3]);
		if (rc == 0)
			rc = jl_config_get(s, cfg, "smtp.password-file", &secret_file);
		secret_file = store_path(s, secret_file);
		if (rc == 0 && secret_file)
			rc = read_secret(s, "smtp.password-file", secret_file, &o[4]);
		if (rc == 0 && !o[3] != !o[4])
			rc = jl_config_fail(s, "smtp.user", "smtp.user et smtp.password-file vont ensemble");
		if (rc == 0)
			rc = jl_config_get(s, cfg, "smtp.ca-file", &o[5]);
		o[5] = store_path(s, o[5]);
		if (rc == 0)
			rc = jl_config_get(s, cfg, "smtp.tls", &tls);
		st->notifier.tls = o[3] ? 2 : 1;
		if (rc == 0 && tls) {
			if (!strcmp(tls, "none"))
				st->notifier.tls = 0;
			else if (!strcmp(tls, "try"))
				st->notifier.tls = 1;
			else if (!strcmp(tls, "required"))
				st->notifier.tls = 2;
			else
				rc = jl_config_fail(s, "smtp.tls", "« %s » : none, try ou required est attendu",
				                    tls);
		}
		/* The notifier never sends a password in clear: say so rather than upgrade. */
		if (rc == 0 && o[3] && st->notifier.tls == 0)
			rc = jl_config_fail(s, "smtp.tls", "none avec smtp.user enverrait le mot de passe en "
			                                   "clair : try ou required est attendu");
		if (rc == 0)
			rc = read_bool(s, cfg, "smtp.insecure", 0, &st->notifier.insecure);
		if (rc == 0)
			rc = jl_config_get(s, cfg, "smtp.timeout", &timeout);
		if (rc == 0 && timeout && (st->notifier.timeout_s = strtol(timeout, NULL, 10)) <= 0)
			rc = jl_config_fail(s, "smtp.timeout", "« %s » : un nombre de secondes est attendu",
			                    timeout);
	}
	st->notifier.url = o[2];
	st->notifier.user = o[3];
	st->notifier.password = o[4];
	st->notifier.ca_file = o[5];
	free(name);
	free(tls);
	free(secret_file);
	free(timeout);
	return rc;
}

/* A mailbox from jalon.conf ("Name <address>" or an address), when set. */
static int check_mailbox(jalon_store *s, const char *key, const char *mailbox)
{
	char address[320];
	if (mailbox && jl_mail_address(mailbox, address, sizeof address) != 0)
		return jl_config_fail(s, key, "« %s » : une adresse est attendue (Nom <adresse@domaine>)",
		                      mailbox);
	return 0;
}

int jl_remind_read_settings(jalon_store *s, struct settings *st)
{
	git_config *cfg;
	char *days = NULL, *closed = NULL;
	char err[512];
	if (jl_config_open(s, &cfg) != 0)
		return JALON_ECONFIG;
	int rc = 0;
	for (int k = JALON_KIND_OS; rc == 0 && k < JALON_KIND_COUNT_; k++) {
		const char *kind = ITEM_KINDS[k - JALON_KIND_OS];
		remind_rule *d = &st->deadline[k], *r = &st->recurrence[k];
		rc = read_offsets(s, cfg, kind, "deadline", "14, 3", 1, d->before, &d->nbefore);
		if (rc == 0)
			rc = read_offsets(s, cfg, kind, "overdue", "1, 7, 30", 0, d->after, &d->nafter);
		if (rc == 0)
			rc = read_offsets(s, cfg, kind, "recurrence", "7", 1, r->before, &r->nbefore);
	}
	if (rc == 0)
		rc = jl_config_get(s, cfg, "remind.days", &days);
	st->working_days = !days || !strcmp(days, "working");
	if (rc == 0 && days && strcmp(days, "working") && strcmp(days, "calendar"))
		rc = jl_config_fail(s, "remind.days", "« %s » : working (jours ouvrables) ou calendar "
		                                      "(jours calendrier) est attendu", days);
	st->cal = jl_calendar_new();
	if (rc == 0)
		rc = jl_config_get(s, cfg, "remind.closed", &closed);
	if (rc == 0 && closed && jl_calendar_add_closed(st->cal, closed, err, sizeof err) != 0)
		rc = jl_config_fail(s, "remind.closed", "%s", err);
	if (rc == 0)
		rc = jl_config_get(s, cfg, "remind.from", &st->from);
	if (rc == 0)
		rc = jl_config_get(s, cfg, "remind.fallback", &st->fallback);
	if (rc == 0)
		rc = check_mailbox(s, "remind.from", st->from);
	if (rc == 0)
		rc = check_mailbox(s, "remind.fallback", st->fallback);
	if (rc == 0)
		rc = read_bool(s, cfg, "remind.calendar", 1, &st->attach_calendar);
	if (rc == 0)
		rc = read_notifier(s, cfg, st);
	free(days);
	free(closed);
	git_config_free(cfg);
	return rc;
}

