/* SPDX-License-Identifier: MIT */
/* Reminders: which day each one goes out, once; catching up; recipients and the
 * fallback; recurring duties and their done occurrences; scripts' rules; dry runs;
 * failed deliveries retried. Delivery goes to a Maildir (the SMTP path is tested end to
 * end in tests/remind/); the text of messages is read from dry runs. */
#define _GNU_SOURCE /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>

#include "db_helpers.h"
#include "helpers.h"
#include "model/date.h"
#include "jobs/remind.h"

/*
 * A small plan. Wednesday 15 January 2020 is the deadline of Action 1 (DG); Action 2
 * is due Saturday 18 January (Président, who has no address); Action 3 names no one
 * known; the CODIR meets quarterly from Tuesday 14 January 2020.
 */
static const char PLAN[] =
	"---\n"
	"organisation: CPAS de Test\n"
	"titre: PST 2019-2024\n"
	"période: 2019-2024\n"
	"personne: DG <dg@cpas-test.be> ; rôle\n"
	"personne: Président ; rôle\n"
	"personne: Marie Dupont <marie@cpas-test.be>\n"
	"---\n"
	"# Volet interne\n"
	"## OS 1 : Être une administration moderne\n"
	"### OO 1 : Organiser le travail\n"
	"- Action 1 : Rédiger le règlement de travail\n"
	"  qui: DG + Marie Dupont\n"
	"  échéance: 15/01/2020 - Rapport au Conseil\n"
	"- Action 2 : Présenter le budget\n"
	"  qui: Président\n"
	"  échéance: 18/01/2020\n"
	"- Action 3 : Ranger les archives\n"
	"  qui: service des archives\n"
	"  échéance: 15/01/2020\n"
	"- Action 4 : Réunir le CODIR\n"
	"  qui: DG\n"
	"  récurrence: 1x/trimestre\n"
	"  début récurrence: 2020-01-14\n";

struct fixture {
	char *dir;
	jalon_store *store;
	char maildir[4200];
};

static void config(struct fixture *f, const char *key, const char *value)
{
	assert_int_equal(jalon_config_set(f->store, key, value), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->store = scratch_store("remind", "Test", "test@example.org", &f->dir);
	assert_int_equal(jalon_import_buffer(f->store, PLAN, sizeof PLAN - 1, "plan.md",
	                                     JALON_FORMAT_OUTLINE, NULL), 0);
	snprintf(f->maildir, sizeof f->maildir, "%s/courrier", f->dir);
	config(f, "remind.notifier", "maildir");
	config(f, "maildir.path", "courrier");
	config(f, "remind.from", "PST – CPAS de Test <pst@cpas-test.be>");
	config(f, "remind.fallback", "Directeur général f.f. <dgff@cpas-test.be>");
	config(f, "remind.calendar", "false");
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

static size_t delivered(struct fixture *f)
{
	char path[4300];
	snprintf(path, sizeof path, "%s/new", f->maildir);
	DIR *d = opendir(path);
	size_t n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static jalon_remind_summary run(struct fixture *f, const char *day, int expect)
{
	jalon_remind_options o = JALON_REMIND_OPTIONS_INIT;
	jalon_remind_summary sum;
	o.date = day;
	int rc = jalon_remind_run(f->store, &o, &sum);
	if (rc != expect)
		fail_msg("%s: %d (%s), expected %d", day, rc, jalon_errmsg(f->store), expect);
	return sum;
}

/* The text a dry run shows for that day. */
static char *dry_run(struct fixture *f, const char *day)
{
	jalon_remind_options o = JALON_REMIND_OPTIONS_INIT;
	char *text = NULL;
	size_t len = 0;
	o.date = day;
	o.dry_run = 1;
	o.out = open_memstream(&text, &len);
	int rc = jalon_remind_run(f->store, &o, NULL);
	fclose(o.out);
	if (rc != 0)
		fail_msg("dry run %s: %s", day, jalon_errmsg(f->store));
	return text;
}

static void assert_has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("« %s » missing from:\n%s", part, text);
}

/* Defaults: 14 and 3 working days before a deadline. 15 January 2020 minus 14 working
   days (25 December and 1 January are holidays) is Tuesday 24 December 2019; minus 3,
   Friday 10 January. Saturday 18 January: from Friday 17, Monday 30 December and
   Wednesday 15 January. */
static void test_deadline_reminders_go_out_once_on_their_working_day(void **state)
{
	struct fixture *f = *state;
	config(f, "remind.recurrence", ""); /* only deadlines here */
	assert_int_equal(run(f, "2019-12-23", 0).reminders, 0);
	jalon_remind_summary s = run(f, "2019-12-24", 0);
	/* Action 1 to DG and Marie; Action 3 to the fallback; Action 2 not yet. */
	assert_int_equal(s.reminders, 3);
	assert_int_equal(s.messages, 3);
	assert_int_equal(delivered(f), 3);
	/* The same day again, and the days after: nothing new until the next reminder. */
	assert_int_equal(run(f, "2019-12-24", 0).messages, 0);
	assert_int_equal(run(f, "2019-12-27", 0).messages, 0);
	assert_int_equal(run(f, "2019-12-30", 0).reminders, 1); /* Action 2, to the fallback */
	assert_int_equal(run(f, "2020-01-09", 0).messages, 0);
	assert_int_equal(delivered(f), 4);
	s = run(f, "2020-01-10", 0);
	assert_int_equal(s.reminders, 3);
	assert_int_equal(delivered(f), 7);
}

/* A run after days without one sends the latest reminder only, once. */
static void test_missed_days_are_caught_up_once(void **state)
{
	struct fixture *f = *state;
	config(f, "remind.recurrence", "");
	/* Nothing ran before 13 January: the 14-day reminders are superseded by the 3-day
	   ones, and Action 2's 14-day reminder (Monday 30 December) is current. */
	jalon_remind_summary s = run(f, "2020-01-13", 0);
	assert_int_equal(s.reminders, 4);
	assert_int_equal(s.messages, 3); /* DG, Marie, the fallback (Actions 2 and 3) */
	assert_int_equal(run(f, "2020-01-13", 0).reminders, 0);
	/* Replaying an earlier day does not send the superseded reminders. */
	assert_int_equal(run(f, "2019-12-24", 0).reminders, 0);
	/* Action 2's 3-day reminder: 3 working days before Saturday 18 is Wednesday 15. */
	assert_int_equal(run(f, "2020-01-14", 0).reminders, 0);
	assert_int_equal(run(f, "2020-01-15", 0).reminders, 1);
}

/* Overdue: 1, 7 and 30 working days after the deadline, while not done. */
static void test_overdue_until_done(void **state)
{
	struct fixture *f = *state;
	config(f, "remind.recurrence", "");
	const char *a[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(f->store, "Action 3", a, 1), 0);
	run(f, "2020-01-10", 0);
	size_t before = delivered(f);
	/* Action 1 is due today: already reminded; Action 2's 3-day reminder goes. */
	assert_int_equal(run(f, "2020-01-15", 0).reminders, 1);
	jalon_remind_summary s = run(f, "2020-01-16", 0);
	assert_int_equal(s.reminders, 2); /* Action 1: DG and Marie */
	assert_int_equal(delivered(f), before + 3);
	char *text = dry_run(f, "2020-01-27");
	assert_has(text, "EN RETARD");
	assert_has(text, "dépassée depuis 12 jours");
	free(text);
	assert_int_equal(jalon_item_set(f->store, "Action 1", a, 1), 0);
	assert_int_equal(run(f, "2020-01-27", 0).reminders, 1); /* Action 2 only */
}

/* One message per recipient, in French, with what the DG needs to act. */
static void test_message_text(void **state)
{
	struct fixture *f = *state;
	char *text = dry_run(f, "2020-01-13");
	assert_has(text, "À : DG <dg@cpas-test.be>");
	assert_has(text, "Objet : PST : 2 rappels au lundi 13 janvier 2020");
	assert_has(text, "• Action 1 : Rédiger le règlement de travail");
	assert_has(text, "OS 1 « Être une administration moderne »");
	assert_has(text, "› OO 1 « Organiser le travail »");
	assert_has(text, "Échéance : mercredi 15 janvier 2020 (dans 2 jours)");
	assert_has(text, "Écrit dans le plan : « 15/01/2020 - Rapport au Conseil »");
	assert_has(text, "À remettre : Rapport au Conseil");
	assert_has(text, "Qui : DG + Marie Dupont");
	assert_has(text, "Aussi responsables : Marie Dupont");
	assert_has(text, "Prochaine occurrence : mardi 14 janvier 2020 (demain)");
	/* The fallback learns why it receives Actions 2 and 3. */
	assert_has(text, "À : Directeur général f.f. <dgff@cpas-test.be>");
	assert_has(text, "Transmis à vous : « Président » n’a pas d’adresse e-mail.");
	assert_has(text, "Transmis à vous : « Qui : service des archives » ne désigne aucune "
	                 "personne connue.");
	free(text);
	/* An address that is not one: the fallback learns it, with the reason. */
	const char *bad[] = {"email=marie.dupont-cpas-test.be"};
	assert_int_equal(jalon_item_set(f->store, "Marie Dupont", bad, 1), 0);
	text = dry_run(f, "2020-01-13");
	assert_has(text, "Transmis à vous : L’adresse de « Marie Dupont » n’est pas valide "
	                 "(« marie.dupont-cpas-test.be »).");
	free(text);
	const char *good[] = {"email=marie@cpas-test.be"};
	assert_int_equal(jalon_item_set(f->store, "Marie Dupont", good, 1), 0);
	/* A dry run claims nothing: DG, Marie and the fallback get theirs now. */
	assert_int_equal(run(f, "2020-01-13", 0).messages, 3);
}

/* Without a fallback, what has no recipient is named, and the rest still goes. */
static void test_no_fallback_is_a_configuration_error(void **state)
{
	struct fixture *f = *state;
	config(f, "remind.recurrence", "");
	assert_int_equal(jalon_config_set(f->store, "remind.fallback", NULL), 0);
	jalon_remind_summary s = run(f, "2020-01-13", JALON_ECONFIG);
	assert_int_equal(s.unassigned, 2);
	assert_int_equal(s.messages, 2);
	assert_has(jalon_errmsg(f->store), "remind.fallback : 2 rappels sans destinataire "
	                                   "(Action 2, Action 3)");
	/* Marie without an address: Action 1 still goes to the DG, and Marie's part is
	   counted, not dropped. */
	const char *none[] = {"email="};
	assert_int_equal(jalon_item_set(f->store, "Marie Dupont", none, 1), 0);
	s = run(f, "2020-01-14", JALON_ECONFIG);
	assert_int_equal(s.unassigned, 3);
	assert_has(jalon_errmsg(f->store), "(Action 1, Action 2, Action 3)");
	/* They are not claimed: once a fallback is set, they go to it, Marie's part of
	   Action 1 included. */
	config(f, "remind.fallback", "dgff@cpas-test.be");
	assert_int_equal(run(f, "2020-01-14", 0).reminders, 3);
}

/* Recurring duties: 7 working days before each occurrence, not for done ones. */
static void test_recurring_duty_and_done_occurrences(void **state)
{
	struct fixture *f = *state;
	config(f, "remind.deadline", "");
	config(f, "remind.overdue", "");
	assert_int_equal(run(f, "2020-01-02", 0).reminders, 0);
	assert_int_equal(run(f, "2020-01-03", 0).reminders, 1); /* 14/01 minus 7 working days */
	/* The next quarter: Tuesday 14 April 2020; a day that is not an occurrence is
	   refused, naming the nearest ones. */
	assert_int_equal(jalon_occurrence_done(f->store, "Action 4", "15/04/2020"),
	                 JALON_EINVALID);
	assert_has(jalon_errmsg(f->store), "le 2020-04-15 n'est pas une occurrence de "
	                                   "« 1x/trimestre » (la précédente : 2020-04-14, "
	                                   "la suivante : 2020-07-14)");
	assert_int_equal(jalon_occurrence_done(f->store, "Action 4", "14/04/2020"), 0);
	assert_int_equal(run(f, "2020-04-10", 0).reminders, 0);
	/* 14 July: Fête nationale is 21 July, not the 14th; 7 working days before is 3 July. */
	assert_int_equal(run(f, "2020-07-03", 0).reminders, 1);
	assert_int_equal(jalon_occurrence_done(f->store, "Action 1", "2020-01-15"), JALON_EINVALID);
	assert_has(jalon_errmsg(f->store), "n'a pas de récurrence comprise");
}

/* A script's rule: more lead times for priority actions, and the Président in copy. */
static int priority_rule(void *ud, jalon_store *s, const json_t *item, const char *what,
                         remind_rule *rule, char *msg, size_t msglen)
{
	(void)ud, (void)s, (void)msg, (void)msglen;
	if (!strcmp(what, "échéance") &&
	    !strcmp(json_string_value(json_object_get(item, "id")), "action-1")) {
		rule->before[0] = 30, rule->before[1] = 14, rule->before[2] = 3;
		rule->nbefore = 3;
		json_array_append_new(rule->extra, json_string("Président <president@cpas-test.be>"));
	}
	return 0;
}

static int refusing_rule(void *ud, jalon_store *s, const json_t *item, const char *what,
                         remind_rule *rule, char *msg, size_t msglen)
{
	(void)ud, (void)s, (void)item, (void)what, (void)rule;
	snprintf(msg, msglen, "règles.lua:3: erreur voulue");
	return 1;
}

static int bad_address_rule(void *ud, jalon_store *s, const json_t *item, const char *what,
                            remind_rule *rule, char *msg, size_t msglen)
{
	(void)ud, (void)s, (void)item, (void)what, (void)msg, (void)msglen;
	json_array_append_new(rule->extra, json_string("Président"));
	return 0;
}

typedef int (*rule_fn)(void *ud, jalon_store *s, const json_t *item, const char *what,
                       remind_rule *rule, char *msg, size_t msglen);

/* The handler the test registers once: it applies whichever rule the test chose. */
static int chosen_rule(void *ud, jalon_store *s, const json_t *item, const char *what,
                       remind_rule *rule, char *msg, size_t msglen)
{
	rule_fn *chosen = ud;
	return *chosen ? (*chosen)(NULL, s, item, what, rule, msg, msglen) : 0;
}

static void test_scripts_change_rules(void **state)
{
	struct fixture *f = *state;
	config(f, "remind.recurrence", "");
	rule_fn chosen = priority_rule;
	const jl_remind_handler h = {chosen_rule, NULL, &chosen};
	assert_int_equal(jl_remind_handler_add(f->store, &h), 0);
	/* 30 working days before 15 January 2020: Monday 2 December 2019. */
	jalon_remind_summary s = run(f, "2019-12-02", 0);
	assert_int_equal(s.reminders, 3); /* DG, Marie, the Président */
	chosen = refusing_rule;
	run(f, "2020-01-13", JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "règles.lua:3: erreur voulue");
	chosen = bad_address_rule;
	run(f, "2020-01-13", JALON_ESCRIPT);
	assert_has(jalon_errmsg(f->store), "un script ajoute un destinataire sans adresse valide "
	                                   "(« Président »)");
	chosen = NULL;
	/* Nothing was claimed by the refused runs: Action 1's 3-day reminder to DG and Marie
	   (no Président without the rule), Actions 2 and 3 to the fallback. */
	assert_int_equal(run(f, "2020-01-13", 0).reminders, 4);
}

/* A failed delivery is kept and retried by the next run, then sent once. */
static void test_failed_delivery_is_retried(void **state)
{
	struct fixture *f = *state;
	char script[4300];
	snprintf(script, sizeof script, "%s/sendmail-en-panne", f->dir);
	FILE *sh = fopen(script, "w");
	fputs("#!/bin/sh\ncat >/dev/null\necho 'file d’attente pleine' >&2\nexit 75\n", sh);
	fclose(sh);
	chmod(script, 0755);
	config(f, "remind.notifier", "sendmail");
	config(f, "sendmail.command", script);
	config(f, "remind.recurrence", "");
	jalon_remind_summary s = run(f, "2019-12-24", JALON_EDELIVERY);
	assert_int_equal(s.failed, 3);
	assert_int_equal(s.messages, 0);
	assert_has(jalon_errmsg(f->store), "3 rappels non remis");
	config(f, "remind.notifier", "maildir");
	s = run(f, "2019-12-27", 0);
	assert_int_equal(s.reminders, 3);
	assert_int_equal(s.retried, 3);
	assert_int_equal(delivered(f), 3);
	assert_int_equal(run(f, "2019-12-27", 0).reminders, 0);
}

/* A failed reminder whose item is done before the retry is cancelled; the others of
   the same message still go, once. */
static void test_retry_of_an_item_since_done_is_cancelled(void **state)
{
	struct fixture *f = *state;
	char script[4300];
	snprintf(script, sizeof script, "%s/sendmail-en-panne", f->dir);
	FILE *sh = fopen(script, "w");
	fputs("#!/bin/sh\ncat >/dev/null\nexit 75\n", sh);
	fclose(sh);
	chmod(script, 0755);
	config(f, "remind.notifier", "sendmail");
	config(f, "sendmail.command", script);
	config(f, "remind.recurrence", "");
	/* The fallback's message holds Action 3 (due 15/01) and Action 2 (18/01). */
	assert_int_equal(run(f, "2020-01-13", JALON_EDELIVERY).failed, 4);
	const char *done[] = {"statut=terminé"};
	assert_int_equal(jalon_item_set(f->store, "Action 3", done, 1), 0);
	config(f, "remind.notifier", "maildir");
	jalon_remind_summary s = run(f, "2020-01-13", 0);
	assert_int_equal(s.reminders, 3); /* DG and Marie for Action 1, the fallback for 2 */
	assert_int_equal(s.retried, 3);
	assert_int_equal(run(f, "2020-01-13", 0).reminders, 0);
}

/* Closed every day: no day to send on, and the run ends instead of looking forever. */
static void test_a_calendar_closed_every_day_sends_nothing(void **state)
{
	struct fixture *f = *state;
	char all[4096] = "";
	for (int m = 1; m <= 12; m++)
		for (int d = 1; d <= jl_date_days_in_month(2024, m); d++)
			snprintf(all + strlen(all), sizeof all - strlen(all), "%02d/%02d,", d, m);
	config(f, "remind.closed", all);
	assert_int_equal(run(f, "2020-01-20", 0).reminders, 0);
	assert_int_equal(delivered(f), 0);
}

static void test_bad_configuration_is_named(void **state)
{
	struct fixture *f = *state;
	config(f, "remind.task.deadline", "14, trois");
	run(f, "2020-01-13", JALON_ECONFIG);
	assert_has(jalon_errmsg(f->store), "jalon.conf : remind.task.deadline : « 14, trois » : "
	                                   "une liste de jours");
	config(f, "remind.task.deadline", "7");
	config(f, "remind.notifier", "pigeon");
	run(f, "2020-01-13", JALON_ECONFIG);
	assert_has(jalon_errmsg(f->store), "remind.notifier : « pigeon »");
	config(f, "remind.notifier", "maildir");
	config(f, "remind.closed", "31/02");
	run(f, "2020-01-13", JALON_ECONFIG);
	assert_has(jalon_errmsg(f->store), "remind.closed");
	config(f, "remind.closed", "27/09");
	config(f, "remind.notifier", "smtp");
	config(f, "smtp.url", "smtp://127.0.0.1:1");
	config(f, "smtp.user", "pst");
	char secret[4300];
	snprintf(secret, sizeof secret, "%s/secret", f->dir);
	FILE *pw = fopen(secret, "w");
	fputs("s3cret\n", pw);
	fclose(pw);
	config(f, "smtp.password-file", secret);
	config(f, "smtp.tls", "none");
	run(f, "2020-01-13", JALON_ECONFIG);
	assert_has(jalon_errmsg(f->store), "smtp.tls : none avec smtp.user enverrait le mot de "
	                                   "passe en clair");
	config(f, "remind.notifier", "maildir");
	config(f, "remind.from", "PST du CPAS");
	run(f, "2020-01-13", JALON_ECONFIG);
	assert_has(jalon_errmsg(f->store), "remind.from : « PST du CPAS » : une adresse est attendue");
	config(f, "remind.from", "pst@cpas-test.be");
	run(f, "2020-13-01", JALON_EINVALID);
}

static int occurrence_done(jalon_store *s, void *ud)
{
	(void)ud;
	return jalon_occurrence_done(s, "Action 4", "14/04/2020");
}

static void occurrence_recorded(jalon_store *s, int rc, void *ud)
{
	jalon_item *item;
	(void)ud;
	assert_int_equal(jalon_item_lookup(&item, s, "Action 4"), 0);
	assert_int_equal(strstr(jalon_item_json(item), "2020-04-14") != NULL, rc == 0);
	jalon_item_free(item);
}

/* Marking an occurrence done reads the item and the plan: failing, it fails, never
 * reading as an item without a recurrence. */
static void test_a_failing_database_fails_an_occurrence_done(void **state)
{
	struct fixture *f = *state;
	db_sweep(f->store, "FROM records WHERE id", occurrence_done, occurrence_recorded, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_deadline_reminders_go_out_once_on_their_working_day,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_missed_days_are_caught_up_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overdue_until_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_fallback_is_a_configuration_error, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_recurring_duty_and_done_occurrences, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_scripts_change_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_delivery_is_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_of_an_item_since_done_is_cancelled, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_a_calendar_closed_every_day_sends_nothing, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_bad_configuration_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_failing_database_fails_an_occurrence_done, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
