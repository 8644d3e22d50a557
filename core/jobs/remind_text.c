/* SPDX-License-Identifier: MIT */
/*
 * The reminders' messages (remind_run.h): a French text per recipient — what falls due,
 * where it sits in the plan, who else is responsible, what to do —, rewritten by the
 * handlers (the scripts' jalon.remind_text), its subject and Message-ID.
 */
#include "jobs/remind_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/record.h"

/* "mardi 14 janvier 2020" ("1er" for the first of a month). */
static void put_long_date(jl_buf *b, jl_date d)
{
	char text[48];
	jl_date_format_long(d, text);
	jl_buf_puts(b, text);
}

static void put_distance(jl_buf *b, long from, long to)
{
	long n = to - from;
	if (n == 0)
		jl_buf_puts(b, "aujourd’hui");
	else if (n == 1)
		jl_buf_puts(b, "demain");
	else if (n > 1)
		jl_buf_printf(b, "dans %ld jours", n);
	else if (n == -1)
		jl_buf_puts(b, "dépassée depuis hier");
	else
		jl_buf_printf(b, "dépassée depuis %ld jours", -n);
}

/* "Action 4" for an item with a label, "Tâche" without: what comes before its title. */
static char *item_heading(const json_t *item)
{
	return *jl_remind_str(item, "label") ? jl_record_display_name(item)
	                           : jl_strdup(jl_record_kind_word(jl_record_kind(item)));
}

/* "OS 1 « Être une administration… »\n    › OO 2 « … »": the objectives and action
   above an item, titles cut to a line. */
static void put_path(struct run *r, jl_buf *b, const json_t *item)
{
	const json_t *chain[8];
	size_t n = 0;
	const json_t *at = item;
	while (n < 8) {
		const char *id = jl_remind_str(json_array_get(json_object_get(at, "parents"), 0), "id");
		if (!*id || !(at = json_object_get(r->records, id)))
			break;
		chain[n++] = at;
	}
	while (n--) {
		char *heading = item_heading(chain[n]);
		char *title = jl_shorten(jl_remind_str(chain[n], "title"), 60);
		jl_buf_printf(b, "%s « %s »%s", heading, title, n ? "\n    › " : "");
		free(title);
		free(heading);
	}
}

static void put_others(struct run *r, jl_buf *b, const json_t *item, const char *address)
{
	const struct person **found = calloc(r->npeople + 1, sizeof *found);
	if (!found)
		return;
	size_t n = jl_remind_responsible_people(r, item, found);
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcasecmp(jl_remind_str(found[i]->rec, "email"), address))
			continue;
		jl_buf_printf(b, "%s%s", shown++ ? ", " : "    Aussi responsables : ",
		              jl_remind_str(found[i]->rec, "name"));
	}
	if (shown)
		jl_buf_puts(b, "\n");
	free(found);
}

static void put_reminder(struct run *r, jl_buf *b, const struct pending *p)
{
	const json_t *item = json_object_get(r->records, p->item);
	jl_date due;
	jl_date_parse_iso(p->occurrence, &due);
	char *heading = item_heading(item);
	int recurring = !strcmp(p->what, "récurrence");
	const json_t *source = json_object_get(item, recurring ? "recurrence" : "deadline");
	jl_buf_printf(b, "\n• %s : %s\n    ", heading, jl_remind_str(item, "title"));
	put_path(r, b, item);
	jl_buf_printf(b, "\n    %s : ", recurring ? "Prochaine occurrence" : "Échéance");
	put_long_date(b, due);
	jl_buf_puts(b, " (");
	put_distance(b, jl_date_to_days(r->day), jl_date_to_days(due));
	const char *holiday;
	if (jl_calendar_is_holiday(r->st.cal, due, &holiday))
		jl_buf_printf(b, " ; %s", holiday);
	jl_buf_printf(b, ")\n    Écrit dans le plan : « %s »\n", jl_remind_str(source, "text"));
	if (*jl_remind_str(source, "due"))
		jl_buf_printf(b, "    À remettre : %s\n", jl_remind_str(source, "due"));
	if (*jl_remind_str(item, "who"))
		jl_buf_printf(b, "    Qui : %s\n", jl_remind_str(item, "who"));
	put_others(r, b, item, p->recipient);
	jl_buf_printf(b, "    Statut : %s ; dans Jalon : %s\n", jl_remind_str(item, "status"), p->item);
	if (*p->note)
		jl_buf_printf(b, "    Transmis à vous : %s\n", p->note);
	free(heading);
}

static void put_section(struct run *r, jl_buf *b, const struct pending *v, size_t n,
                        const char *title, int (*in)(const struct pending *))
{
	int any = 0;
	for (size_t i = 0; i < n; i++)
		if (in(&v[i])) {
			if (!any++)
				jl_buf_printf(b, "\n%s\n", title);
			put_reminder(r, b, &v[i]);
		}
}

static int is_overdue(const struct pending *p)
{
	return p->offset < 0;
}

static int is_coming_deadline(const struct pending *p)
{
	return p->offset >= 0 && strcmp(p->what, "récurrence");
}

static int is_coming_duty(const struct pending *p)
{
	return p->offset >= 0 && !strcmp(p->what, "récurrence");
}

char *jl_remind_message_body(struct run *r, const struct pending *v, size_t n)
{
	jl_buf b = JL_BUF_INIT;
	jl_buf_puts(&b, "Bonjour,\n\nVoici ce qui vous revient dans le programme stratégique "
	                "transversal");
	if (*jl_remind_str(r->plan, "organisation"))
		jl_buf_printf(&b, " du %s", jl_remind_str(r->plan, "organisation"));
	jl_buf_puts(&b, ", au ");
	put_long_date(&b, r->day);
	jl_buf_puts(&b, ".\n");
	put_section(r, &b, v, n, "EN RETARD", is_overdue);
	put_section(r, &b, v, n, "ÉCHÉANCES PROCHES", is_coming_deadline);
	put_section(r, &b, v, n, "RÉUNIONS ET TÂCHES RÉCURRENTES", is_coming_duty);
	jl_buf_puts(&b, "\nUne fois le travail fait, il suffit de l’indiquer dans Jalon, par\n"
	                "exemple pour l’élément action-7 :\n"
	                "    jalon set action-7 statut=terminé\n"
	                "    jalon done action-7 2020-01-14   (une réunion tenue ce jour-là)\n"
	                "\n-- \nMessage automatique de Jalon, le suivi du PST.\n");
	return jl_buf_detach(&b);
}

/* The handlers' texts, in turn, on the message's text; 0 and *body replaced or
   kept, or a store error. */
int jl_remind_rewrite_body(struct run *r, const struct pending *v, size_t n, char **body)
{
	remind_entry *entries = calloc(n ? n : 1, sizeof *entries);
	if (!entries)
		return JALON_ENOMEM;
	for (size_t i = 0; i < n; i++)
		entries[i] = (remind_entry){json_object_get(r->records, v[i].item), v[i].what,
		                            v[i].occurrence, v[i].offset, v[i].note};
	int rc = 0;
	for (const jl_remind_handler *h = NULL;
	     rc == 0 && (h = jl_registry_next(r->s, &jl_remind_point, h));) {
		char msg[1024] = "", *out = NULL;
		if (!h->text)
			continue;
		if (h->text(h->ud, r->s, v[0].name, r->day_iso, entries, n, *body, &out, msg,
		            sizeof msg) != 0)
			rc = jl_store_fail(r->s, JALON_ESCRIPT, "rappels : %s", *msg ? msg : "refusé");
		else if (out) {
			free(*body);
			*body = out;
		}
	}
	free(entries);
	return rc;
}

char *jl_remind_message_subject(struct run *r, const struct pending *v, size_t n)
{
	size_t late = 0;
	for (size_t i = 0; i < n; i++)
		late += v[i].offset < 0;
	jl_buf b = JL_BUF_INIT;
	jl_buf_printf(&b, "PST : %zu rappel%s au ", n, n > 1 ? "s" : "");
	put_long_date(&b, r->day);
	if (late)
		jl_buf_printf(&b, " (dont %zu en retard)", late);
	return jl_buf_detach(&b);
}

/* The same reminders to the same recipient give the same Message-ID. */
void jl_remind_message_id(struct run *r, const struct pending *v, size_t n, char *out, size_t len)
{
	jl_buf b = JL_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		jl_buf_printf(&b, "%s|%s|%s|%d\n", v[i].recipient, v[i].item, v[i].occurrence,
		              v[i].offset);
	git_oid oid;
	char hex[GIT_OID_HEXSZ + 1] = "0";
	if (b.ptr && git_odb_hash(&oid, b.ptr, b.len, GIT_OBJECT_BLOB) == 0)
		git_oid_tostr(hex, sizeof hex, &oid);
	snprintf(out, len, "rappel.%s@%s", hex, r->domain);
	jl_buf_free(&b);
}

