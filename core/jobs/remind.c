/* SPDX-License-Identifier: MIT */
/*
 * remind — the cron job (include/jalon/remind.h, docs/remind.md).
 *
 * A run, for a day D:
 *
 *   1. takes DIR/remind.lock (flock: the system releases it when a process dies);
 *   2. reads the settings from jalon.conf;
 *   3. finds the reminders due: for each item neither terminé nor abandonné, its
 *      deadline and each occurrence of its recurring duty (not marked done) give
 *      points — offsets before the due date, and after it for a deadline not done —
 *      each with the day it goes out (calendar.h: a Saturday goes to the Friday);
 *      of the points gone out by D, only the latest counts (a run after a weekend
 *      sends the 3-day reminder, not also the 7-day one), and only while it is
 *      current (before points until the due date, after points past it);
 *   4. resolves the recipients: the people linked to the item and those its Qui ?
 *      names (jl_has_words), with an e-mail address; the fallback (remind.fallback)
 *      for those without one and for items naming no one known;
 *   5. claims them in the ledger in one transaction: a reminder whose point, or a
 *      later one, was already claimed for that recipient is not claimed again;
 *   6. delivers every claimed reminder not yet delivered — today's and those a
 *      previous run failed to deliver — as one message per recipient, and records
 *      the outcome of each message in the ledger.
 *
 * A dry run does 3 to 6 inside a transaction it rolls back, showing the messages
 * instead of sending them. A crash between a delivery and its record in the ledger
 * sends that message again at the next run, under the same Message-ID (derived from
 * the reminders it carries), which mail clients use to drop the duplicate.
 *
 * The settings are remind_settings.c's, the messages' text remind_text.c's.
 */
#include "jobs/remind_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "format/mail.h"
#include "jalon/io.h"
#include "jalon/item.h"
#include "jobs/notify.h"
#include "model/calendar.h"
#include "model/date.h"
#include "model/occur.h"
#include "model/record.h"
#include "model/util.h"
#include "store/config.h"
#include "store/item.h"

/* ---------------------------------------------------------------- handlers */

const jl_point jl_remind_point = {"gestionnaires des rappels"};

int jl_remind_handler_add(jalon_store *s, const jl_remind_handler *h)
{
	return jl_registry_add(s, &jl_remind_point, h, sizeof *h);
}

/* ---------------------------------------------------------------- the plan in memory */

const char *jl_remind_str(const json_t *rec, const char *key)
{
	const char *v = json_string_value(json_object_get(rec, key));
	return v ? v : "";
}

static int load_records(struct run *r)
{
	if (!(r->records = jl_store_records(r->s)))
		return JALON_ERROR;
	r->plan = json_incref(json_object_get(r->records, "plan"));
	r->domain = jl_record_plan_domain(r->plan);
	const char *id;
	json_t *rec;
	json_object_foreach(r->records, id, rec)
		if (jl_record_kind(rec) == JALON_KIND_PERSON)
			r->npeople++;
	r->people = calloc(r->npeople + 1, sizeof *r->people);
	if (!r->people)
		return JALON_ENOMEM;
	size_t n = 0;
	json_object_foreach(r->records, id, rec)
		if (jl_record_kind(rec) == JALON_KIND_PERSON) {
			r->people[n].rec = rec;
			r->people[n++].key = jl_fold(jl_remind_str(rec, "name"));
		}
	return 0;
}

static const struct person *person_by_id(struct run *r, const char *id)
{
	for (size_t i = 0; i < r->npeople; i++)
		if (!strcmp(jl_record_id(r->people[i].rec), id))
			return &r->people[i];
	return NULL;
}

/* ---------------------------------------------------------------- recipients */

struct recipient {
	char address[320];
	char *mailbox; /* "Nom <adresse>" */
	const struct person *person; /* NULL for the fallback or a script's extra */
	jl_buf note;   /* why the fallback receives it */
};

struct recipients {
	struct recipient *v;
	size_t n;
};

static void recipients_free(struct recipients *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].mailbox);
		jl_buf_free(&rs->v[i].note);
	}
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

/* Adds a recipient once per address; a note is appended to its notes. */
static void add_recipient(struct recipients *rs, const char *mailbox,
                          const struct person *p, const char *note)
{
	char address[320];
	if (jl_mail_address(mailbox, address, sizeof address) != 0)
		return;
	for (char *c = address; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	size_t i = 0;
	while (i < rs->n && strcmp(rs->v[i].address, address))
		i++;
	if (i == rs->n) {
		struct recipient *v = realloc(rs->v, (rs->n + 1) * sizeof *v);
		if (!v)
			return;
		rs->v = v;
		memset(&v[i], 0, sizeof v[i]);
		memcpy(v[i].address, address, sizeof address);
		v[i].mailbox = jl_strdup(mailbox);
		v[i].person = p;
		rs->n++;
	}
	if (note && *note)
		jl_buf_printf(&rs->v[i].note, "%s%s", rs->v[i].note.len ? " " : "", note);
}

static char *person_mailbox(const struct person *p)
{
	return jl_sprintf("%s <%s>", jl_remind_str(p->rec, "name"), jl_remind_str(p->rec, "email"));
}

static int person_listed(const struct person **v, size_t n, const struct person *p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == p)
			return 1;
	return 0;
}

/*
 * The people responsible for an item: those linked to it, then those its Qui ? names.
 * *out is an array of npeople + 1 entries, the found ones first; returns how many.
 */
size_t jl_remind_responsible_people(struct run *r, const json_t *item, const struct person **out)
{
	size_t n = 0;
	size_t i;
	json_t *link;
	json_array_foreach(json_object_get(item, "people"), i, link) {
		const struct person *p = person_by_id(r, jl_remind_str(link, "person"));
		if (p && !person_listed(out, n, p))
			out[n++] = p;
	}
	char *who = jl_fold(jl_remind_str(item, "who"));
	for (i = 0; who && i < r->npeople; i++)
		if (jl_has_words(who, r->people[i].key) && !person_listed(out, n, &r->people[i]))
			out[n++] = &r->people[i];
	free(who);
	return n;
}

/* Why the fallback receives an item: nobody known, or people it cannot reach. */
static void explain_unreachable(const json_t *item, const struct person **found, size_t n,
                                struct recipients *rs, jl_buf *why)
{
	char address[320];
	for (size_t i = 0; i < n; i++) {
		const char *email = jl_remind_str(found[i]->rec, "email");
		if (!*email) {
			jl_buf_printf(why, "%s« %s » n’a pas d’adresse e-mail.", why->len ? " " : "",
			              jl_remind_str(found[i]->rec, "name"));
		} else if (jl_mail_address(email, address, sizeof address) != 0) {
			jl_buf_printf(why, "%sL’adresse de « %s » n’est pas valide (« %s »).",
			              why->len ? " " : "", jl_remind_str(found[i]->rec, "name"), email);
		} else {
			char *mb = person_mailbox(found[i]);
			add_recipient(rs, mb, found[i], NULL);
			free(mb);
		}
	}
	if (n == 0 && *jl_remind_str(item, "who"))
		jl_buf_printf(why, "« Qui : %s » ne désigne aucune personne connue.", jl_remind_str(item, "who"));
	else if (n == 0)
		jl_buf_puts(why, "Personne n’est désigné (« Qui ? » vide).");
}

/* Lists an item nobody will receive (the run's error names the first ones). */
static void note_unassigned(struct run *r, const json_t *item)
{
	enum { NAMED = 5 };
	if (r->sum.unassigned++ < NAMED) {
		char *name = jl_record_display_name(item);
		jl_buf_printf(&r->unassigned, "%s%s", r->unassigned.len ? ", " : "", name);
		free(name);
	}
}

static int resolve_recipients(struct run *r, const json_t *item, const remind_rule *rule,
                              struct recipients *rs)
{
	const struct person **found = calloc(r->npeople + 1, sizeof *found);
	char address[320];
	if (!found)
		return JALON_ENOMEM;
	jl_buf why = JL_BUF_INIT;
	explain_unreachable(item, found, jl_remind_responsible_people(r, item, found), rs, &why);
	free(found);
	size_t k;
	json_t *extra;
	json_array_foreach(rule->extra, k, extra) {
		const char *mailbox = json_string_value(extra);
		if (!mailbox || jl_mail_address(mailbox, address, sizeof address) != 0) {
			jl_buf_free(&why);
			return jl_store_fail(r->s, JALON_ESCRIPT, "rappels : un script ajoute un "
			                     "destinataire sans adresse valide (« %s »)", mailbox ? mailbox : "");
		}
		add_recipient(rs, mailbox, NULL, NULL);
	}
	if (why.len && r->st.fallback)
		add_recipient(rs, r->st.fallback, NULL, why.ptr);
	else if (why.len)
		note_unassigned(r, item);
	jl_buf_free(&why);
	return 0;
}

/* ---------------------------------------------------------------- due reminders */

/*
 * The latest point of a due date gone out by the run's day and still current: 1 and
 * *offset set (> 0 before, 0 on the day, < 0 after), or 0. Before the due date (and on
 * it) the points before it are current; past it, the overdue ones.
 */
static int current_point(struct run *r, jl_date due, const remind_rule *rule, int *offset)
{
	int late = jl_date_compare(r->day, due) > 0;
	const int *days = late ? rule->after : rule->before;
	size_t n = late ? rule->nafter : rule->nbefore;
	int found = 0;
	for (size_t i = 0; i < n; i++) { /* from the earliest point to the latest */
		int point = late ? -days[i] : days[i];
		jl_date send;
		if (jl_calendar_send_date(r->st.cal, due, point, r->st.working_days, &send) == 0 &&
		    jl_date_compare(send, r->day) <= 0) {
			*offset = point;
			found = 1;
		}
	}
	return found;
}

/* Claims a reminder unless it, or a later one of the same occurrence, was claimed for
   that recipient: one statement, prepared once per run (claim_and_load). 1 claimed,
   0 already there, < 0 error. */
static const char CLAIM_SQL[] =
	"INSERT INTO reminders(item, occurrence, offset, recipient, recipient_name, what, note,"
	" claimed_for, status, attempts)"
	" SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', 0 WHERE NOT EXISTS"
	" (SELECT 1 FROM reminders WHERE item = ?1 AND occurrence = ?2 AND recipient = ?4"
	" AND offset <= ?3)";

static int claim(struct run *r, const json_t *item, const char *what, const char *occurrence,
                 int offset, const struct recipient *to)
{
	sqlite3_stmt *st = r->claim;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, jl_record_id(item), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, occurrence, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, offset);
	sqlite3_bind_text(st, 4, to->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, to->mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, what, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, to->note.ptr ? to->note.ptr : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->day_iso, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return jl_store_fail_db(r->s, "rappels : écriture du registre des envois");
	return sqlite3_changes(r->s->db) > 0;
}

static int claim_point(struct run *r, const json_t *item, const char *what, jl_date due,
                       const remind_rule *rule)
{
	int offset = 0;
	if (!current_point(r, due, rule, &offset))
		return 0;
	struct recipients rs = {NULL, 0};
	char occurrence[11];
	jl_date_format_iso(due, occurrence);
	int rc = resolve_recipients(r, item, rule, &rs);
	for (size_t i = 0; rc >= 0 && i < rs.n; i++)
		rc = claim(r, item, what, occurrence, offset, &rs.v[i]);
	recipients_free(&rs);
	return rc < 0 ? rc : 0;
}

/* The item's rule for what: the settings, then the handlers'. */
static int item_rule(struct run *r, const json_t *item, const char *what, remind_rule *rule)
{
	int kind = jl_record_kind(item);
	*rule = strcmp(what, "échéance") ? r->st.recurrence[kind] : r->st.deadline[kind];
	rule->extra = json_array();
	for (const jl_remind_handler *h = NULL; (h = jl_registry_next(r->s, &jl_remind_point, h));) {
		char msg[1024] = "";
		if (h->rule && h->rule(h->ud, r->s, item, what, rule, msg, sizeof msg) != 0)
			return jl_store_fail(r->s, JALON_ESCRIPT, "rappels : %s", *msg ? msg : "refusé");
	}
	/* In the order the rest expects, whatever order a script wrote them in. */
	jl_remind_sort_offsets(rule->before, &rule->nbefore, 1);
	jl_remind_sort_offsets(rule->after, &rule->nafter, 0);
	return 0;
}

static int is_done_day(const json_t *item, jl_date day)
{
	char iso[11];
	size_t i;
	json_t *d;
	jl_date_format_iso(day, iso);
	json_array_foreach(json_object_get(item, "done_occurrences"), i, d)
		if (!strcmp(json_string_value(d), iso))
			return 1;
	return 0;
}

static int claim_deadline(struct run *r, const json_t *item)
{
	jl_date due;
	if (jl_date_parse_iso(jl_remind_str(json_object_get(item, "deadline"), "end"), &due) != 0)
		return 0; /* none, or not understood (listed by `jalon list --flagged`) */
	remind_rule rule;
	int rc = item_rule(r, item, "échéance", &rule);
	if (rc == 0)
		rc = claim_point(r, item, "échéance", due, &rule);
	json_decref(rule.extra);
	return rc;
}

enum { MAX_OCCURRENCES = 64 };

static int claim_recurrence(struct run *r, const json_t *item)
{
	const char *text = jl_remind_str(json_object_get(item, "recurrence"), "rule");
	if (!*text)
		return 0;
	remind_rule rule;
	int rc = item_rule(r, item, "récurrence", &rule);
	/* Occurrences whose reminders may be current: the lead times before, counted in
	   working days (at most twice as many calendar days), the overdue ones after. */
	int lead = rule.nbefore ? rule.before[0] : 0;
	int late = rule.nafter ? rule.after[rule.nafter - 1] : 0;
	long today = jl_date_to_days(r->day);
	jl_date anchor, end, days[MAX_OCCURRENCES];
	jl_record_recurrence_span(r->plan, item, &anchor, &end);
	char err[256];
	int n = rc ? 0 : jl_occurrences(text, anchor, end, jl_date_from_days(today - 2 * late - 14),
	                                jl_date_from_days(today + 2 * lead + 14), days,
	                                MAX_OCCURRENCES, err, sizeof err);
	for (int i = 0; rc == 0 && i < n; i++)
		if (!is_done_day(item, days[i]))
			rc = claim_point(r, item, "récurrence", days[i], &rule);
	json_decref(rule.extra);
	return rc;
}

static int is_open(const json_t *item)
{
	const char *status = jl_remind_str(item, "status");
	return !json_is_true(json_object_get(item, "draft")) && strcmp(status, "terminé") &&
	       strcmp(status, "abandonné");
}

static int claim_due(struct run *r)
{
	const char *id;
	json_t *item;
	json_object_foreach(r->records, id, item) {
		if (jl_record_kind(item) < JALON_KIND_OS || !is_open(item))
			continue;
		int rc = claim_deadline(r, item);
		if (rc == 0)
			rc = claim_recurrence(r, item);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- messages */

static void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct pending *p = &b->v[i];
		free(p->item), free(p->occurrence), free(p->recipient), free(p->name);
		free(p->what), free(p->note), free(p->status);
	}
	free(b->v);
}

static char *column(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	return jl_strdup(v ? v : "");
}

/* Every reminder claimed and not delivered, by recipient, then by due date. */
static int load_pending(struct run *r, struct batch *b)
{
	sqlite3_stmt *st;
	if (jl_store_prepare(r->s, &st, "SELECT item, occurrence, offset, recipient, recipient_name,"
	                                " what, note, status FROM reminders"
	                                " WHERE status IN ('pending', 'failed')"
	                                " ORDER BY recipient, offset >= 0, occurrence, item") != 0)
		return JALON_ERROR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pending *v = realloc(b->v, (b->n + 1) * sizeof *v);
		if (!v)
			break;
		b->v = v;
		struct pending *p = &v[b->n++];
		p->item = column(st, 0);
		p->occurrence = column(st, 1);
		p->offset = sqlite3_column_int(st, 2);
		p->recipient = column(st, 3);
		p->name = column(st, 4);
		p->what = column(st, 5);
		p->note = column(st, 6);
		p->status = column(st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jl_store_fail_db(r->s, "rappels : lecture du registre des envois");
}

/* ---------------------------------------------------------------- delivery */

static int record_outcome(struct run *r, const struct pending *v, size_t n, const char *status,
                          const char *mid, const char *error)
{
	sqlite3_stmt *st;
	if (jl_store_exec(r->s, "BEGIN IMMEDIATE") != 0)
		return JALON_EBUSY;
	int rc = jl_store_prepare(r->s, &st, "UPDATE reminders SET status = ?1, message_id = ?2,"
	                                     " error = ?3, attempts = attempts + 1,"
	                                     " sent_at = CASE WHEN ?1 = 'sent' THEN ?4 END"
	                                     " WHERE item = ?5 AND occurrence = ?6 AND offset = ?7"
	                                     " AND recipient = ?8");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, mid, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, error, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
		sqlite3_bind_text(st, 5, v[i].item, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, v[i].occurrence, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, v[i].offset);
		sqlite3_bind_text(st, 8, v[i].recipient, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = jl_store_fail_db(r->s, "rappels : écriture du registre des envois");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		return jl_store_exec(r->s, "COMMIT");
	jl_store_exec(r->s, "ROLLBACK");
	return rc;
}

/* The recipient's own calendar, when the recipient is a person of the plan. */
static char *recipient_calendar(struct run *r, const char *address, size_t *len)
{
	for (size_t i = 0; i < r->npeople; i++) {
		if (strcasecmp(jl_remind_str(r->people[i].rec, "email"), address))
			continue;
		char *ics = NULL;
		if (jalon_export_calendar(&ics, len, r->s, jl_remind_str(r->people[i].rec, "name")) == 0)
			return ics;
		jl_store_clear_error(r->s);
		return NULL;
	}
	return NULL;
}

static void show_message(FILE *out, const jl_mail *m, const char *ics)
{
	fprintf(out, "De : %s\nÀ : %s\nObjet : %s\nMessage-ID : <%s>\n", m->from, m->to,
	        m->subject, m->message_id);
	if (ics)
		fprintf(out, "Pièce jointe : %s (calendrier iCalendar)\n", m->attachment_name);
	fprintf(out, "\n%s\n", m->body);
}

/* Sends one recipient's reminders; 0 or a store error (a failed delivery is not one). */
static int deliver(struct run *r, jl_notifier *notifier, const struct pending *v, size_t n)
{
	char mid[128];
	char *subject = jl_remind_message_subject(r, v, n);
	char *body = jl_remind_message_body(r, v, n);
	int rc = jl_remind_rewrite_body(r, v, n, &body);
	size_t ics_len = 0;
	char *ics = r->st.attach_calendar ? recipient_calendar(r, v[0].recipient, &ics_len) : NULL;
	char run_header[64];
	snprintf(run_header, sizeof run_header, "X-Jalon-Date: %s", r->day_iso);
	const char *headers[] = {"Auto-Submitted: auto-generated", run_header, NULL};
	jl_remind_message_id(r, v, n, mid, sizeof mid);
	jl_mail m = {r->st.from ? r->st.from : "Jalon <jalon@localhost>", v[0].name, subject, mid,
	             NULL, body, ics, ics_len, "rappels.ics",
	             "text/calendar; charset=UTF-8; method=PUBLISH", headers};
	size_t retried = 0;
	for (size_t i = 0; i < n; i++)
		retried += !strcmp(v[i].status, "failed");
	if (rc == 0 && r->opts->dry_run) {
		show_message(r->opts->out ? r->opts->out : stdout, &m, ics);
		r->sum.messages++, r->sum.reminders += n, r->sum.retried += retried;
	} else if (rc == 0) {
		jl_buf text = JL_BUF_INIT;
		char err[512] = "", from[320];
		/* remind.from was checked with the settings: what fails here is the text. */
		if (jl_mail_format(&m, &text, err, sizeof err) != 0 ||
		    jl_mail_address(m.from, from, sizeof from) != 0) {
			rc = jl_store_fail(r->s, JALON_ESCRIPT, "rappels : message pour %s invalide : %s",
			                   v[0].recipient, err);
		} else {
			const char *rcpt[] = {v[0].recipient};
			int sent = jl_notifier_send(notifier, from, rcpt, 1, text.ptr, text.len, err,
			                            sizeof err);
			const char *status = sent == 0 ? "sent" : sent == JL_NOTIFY_TEMPFAIL ? "failed"
			                                                                   : "refused";
			rc = record_outcome(r, v, n, status, mid, sent ? err : NULL);
			if (sent == 0) {
				r->sum.messages++, r->sum.reminders += n, r->sum.retried += retried;
			} else {
				if (sent == JL_NOTIFY_TEMPFAIL)
					r->sum.failed += n;
				else
					r->sum.refused += n;
				if (!*r->first_failure)
					snprintf(r->first_failure, sizeof r->first_failure, "%.200s : %.400s",
					         v[0].recipient, err);
			}
		}
		jl_buf_free(&text);
	}
	free(subject);
	free(body);
	jalon_free(ics);
	return rc;
}

static int deliver_all(struct run *r, struct batch *b)
{
	jl_notifier *notifier = NULL;
	int rc = 0;
	if (!r->opts->dry_run) {
		char err[512];
		r->st.notifier.out = r->opts->out;
		if (jl_notifier_open(&notifier, &r->st.notifier, err, sizeof err) != 0)
			return jl_config_fail(r->s, "remind.notifier", "%s", err);
	}
	for (size_t i = 0; rc == 0 && i < b->n;) {
		size_t j = i;
		while (j < b->n && !strcmp(b->v[j].recipient, b->v[i].recipient))
			j++;
		/* A reminder whose item was since removed, done or drafted is not sent: the
		   ones to send move to the front (swapped, so that each entry keeps its own
		   strings for batch_free). */
		size_t keep = i;
		for (size_t k = i; rc == 0 && k < j; k++) {
			const json_t *item = json_object_get(r->records, b->v[k].item);
			if (item && is_open(item)) {
				struct pending kept = b->v[k];
				b->v[k] = b->v[keep];
				b->v[keep++] = kept;
			} else if (!r->opts->dry_run) {
				rc = record_outcome(r, &b->v[k], 1, "cancelled", NULL, NULL);
			}
		}
		if (rc == 0 && keep > i)
			rc = deliver(r, notifier, &b->v[i], keep - i);
		i = j;
	}
	jl_notifier_close(notifier);
	return rc;
}

/* ---------------------------------------------------------------- the run */

static int take_lock(struct run *r, int *fd)
{
	char *path = jl_sprintf("%s/remind.lock", r->s->dir);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	int rc = 0;
	if (*fd < 0)
		rc = jl_store_fail(r->s, JALON_ERROR, "rappels : %s : %s", path, strerror(errno));
	else if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		rc = jl_store_fail(r->s, errno == EWOULDBLOCK ? JALON_EBUSY : JALON_ERROR,
		                   "rappels : une autre exécution est en cours (%s : %s)", path,
		                   errno == EWOULDBLOCK ? "verrouillé" : strerror(errno));
	free(path);
	return rc;
}

static int run_day(struct run *r)
{
	if (r->opts->date) {
		if (jl_date_parse_iso(r->opts->date, &r->day) != 0)
			return jl_store_fail(r->s, JALON_EINVALID, "rappels : « %s » n'est pas une date "
			                                           "AAAA-MM-JJ", r->opts->date);
	} else {
		r->day = jl_date_today();
	}
	jl_date_format_iso(r->day, r->day_iso);
	memcpy(r->sum.date, r->day_iso, sizeof r->sum.date);
	return 0;
}

/* Claims what is due and loads what is to deliver, in one transaction. */
static int claim_and_load(struct run *r, struct batch *b)
{
	if (jl_store_exec(r->s, "BEGIN IMMEDIATE") != 0)
		return JALON_EBUSY;
	int rc = load_records(r);
	if (rc == 0)
		rc = jl_store_prepare(r->s, &r->claim, CLAIM_SQL);
	if (rc == 0)
		rc = claim_due(r);
	sqlite3_finalize(r->claim);
	r->claim = NULL;
	if (rc == 0)
		rc = load_pending(r, b);
	if (rc == 0 && !r->opts->dry_run)
		return jl_store_exec(r->s, "COMMIT");
	return rc;
}

static int finish(struct run *r, int rc)
{
	if (rc == 0 && (r->sum.failed || r->sum.refused))
		rc = jl_store_fail(r->s, JALON_EDELIVERY, "rappels : %zu rappel%s non remis (%s)",
		                   r->sum.failed + r->sum.refused,
		                   r->sum.failed + r->sum.refused > 1 ? "s" : "", r->first_failure);
	else if (rc == 0 && r->sum.unassigned)
		rc = jl_config_fail(r->s, "remind.fallback", "%zu rappel%s sans destinataire (%s%s) : "
		                    "indiquez à qui les transmettre", r->sum.unassigned,
		                    r->sum.unassigned > 1 ? "s" : "", r->unassigned.ptr,
		                    r->sum.unassigned > 5 ? "…" : "");
	return rc;
}

int jalon_remind_run(jalon_store *s, const jalon_remind_options *opts,
                     jalon_remind_summary *summary)
{
	static const jalon_remind_options defaults = JALON_REMIND_OPTIONS_INIT;
	struct run r;
	struct batch b = {NULL, 0};
	int lock = -1;
	memset(&r, 0, sizeof r);
	r.s = s;
	r.opts = opts ? opts : &defaults;
	jl_store_clear_error(s);
	if (r.opts->version != JALON_REMIND_OPTIONS_VERSION)
		return jl_store_fail(s, JALON_EINVALID, "jalon_remind_options : version %u inconnue "
		                     "(cette bibliothèque connaît la version %d)", r.opts->version,
		                     JALON_REMIND_OPTIONS_VERSION);
	int rc = jl_registry_prepare(s, &jl_remind_point); /* the scripts' reminder rules */
	if (rc == 0)
		rc = run_day(&r);
	if (rc == 0 && !r.opts->dry_run)
		rc = take_lock(&r, &lock);
	if (rc == 0)
		rc = jl_remind_read_settings(s, &r.st);
	if (rc == 0)
		rc = claim_and_load(&r, &b);
	if (rc == 0)
		rc = deliver_all(&r, &b);
	/* Still in the claiming transaction: a dry run, or a run that failed before committing. */
	if (!sqlite3_get_autocommit(s->db))
		jl_store_exec(s, "ROLLBACK");
	rc = finish(&r, rc);
	if (summary)
		*summary = r.sum;
	batch_free(&b);
	jl_remind_settings_free(&r.st);
	for (size_t i = 0; i < r.npeople; i++)
		free(r.people[i].key);
	free(r.people);
	json_decref(r.records);
	json_decref(r.plan);
	free(r.domain);
	jl_buf_free(&r.unassigned);
	if (lock >= 0)
		close(lock); /* releases the flock */
	return rc;
}

/* ---------------------------------------------------------------- done occurrences */

/* " (la précédente : 2020-01-01, la suivante : 2020-04-01)": the occurrences around a
   day that is not one, to say which was meant. */
static const char *nearest(const char *rule, jl_date anchor, jl_date end, jl_date day,
                           char out[64])
{
	enum { YEAR_OF_DAYS = 366 };
	jl_date before[YEAR_OF_DAYS], after;
	char a[11] = "", b[11] = "";
	int n = jl_occurrences(rule, anchor, end, jl_date_from_days(jl_date_to_days(day) - 366),
	                       day, before, YEAR_OF_DAYS, NULL, 0);
	if (n > 0)
		jl_date_format_iso(before[n - 1], a);
	if (jl_occurrence_next(rule, anchor, end, day, &after, NULL, 0) == 1)
		jl_date_format_iso(after, b);
	snprintf(out, 64, "%s%s%s%s%s%s%s", *a || *b ? " (" : "", *a ? "la précédente : " : "", a,
	         *a && *b ? ", " : "", *b ? "la suivante : " : "", b, *a || *b ? ")" : "");
	return out;
}

int jalon_occurrence_done(jalon_store *s, const char *ref, const char *day)
{
	char id[64], err[256], iso[11], around[64];
	jl_date d, anchor, end;
	jl_store_clear_error(s);
	int rc = jl_items_resolve(s, ref, -1, id, sizeof id);
	if (rc)
		return rc;
	if (jl_record_parse_day(day, &d) != 0)
		return jl_store_fail(s, JALON_EINVALID, "occurrences faites : une date (2019-10-15 ou "
		                                        "15/10/2019) est attendue, pas « %s »", day);
	jl_date_format_iso(d, iso);
	json_t *item = NULL, *plan = NULL;
	if ((rc = jl_store_record_get(s, id, &item)) != 0 ||
	    (rc = jl_store_record_get(s, "plan", &plan)) != 0) {
		json_decref(item);
		return rc;
	}
	const char *rule = jl_remind_str(json_object_get(item, "recurrence"), "rule");
	jl_record_recurrence_span(plan, item, &anchor, &end);
	char *name = jl_record_display_name(item);
	jl_date found;
	int n = *rule ? jl_occurrences(rule, anchor, end, d, d, &found, 1, err, sizeof err) : 0;
	if (!*rule)
		rc = jl_store_fail(s, JALON_EINVALID, "%s n'a pas de récurrence comprise : pour une "
		                                      "échéance, « jalon set %s statut=terminé »", name, id);
	else if (n < 0)
		rc = jl_store_fail(s, JALON_EINVALID, "%s : %s", name, err);
	else if (n == 0)
		rc = jl_store_fail(s, JALON_EINVALID, "%s : le %s n'est pas une occurrence de « %s »%s",
		                   name, iso, jl_remind_str(json_object_get(item, "recurrence"), "text"),
		                   nearest(rule, anchor, end, d, around));
	free(name);
	json_decref(item);
	json_decref(plan);
	if (rc)
		return rc;
	char assignment[64];
	snprintf(assignment, sizeof assignment, "occurrence faite=%s", iso);
	const char *const set[] = {assignment};
	return jalon_item_set(s, id, set, 1);
}
