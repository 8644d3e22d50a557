/* SPDX-License-Identifier: MIT */
/*
 * Calendar export: the plan's deadlines and recurring duties as an RFC 5545 calendar
 * that Outlook, Thunderbird or a phone can subscribe to. Deadlines are all-day
 * VEVENTs (Outlook ignores VTODO), recurring duties VEVENTs with their RRULE; UIDs are
 * derived from record ids, so importing a newer export updates events instead of
 * duplicating them. Written with libical, which folds and escapes as the RFC says.
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/date.h"
#include "store/item.h"
#include "jalon/io.h"
#include "jalon/item.h"
#include "jalon/query.h"
#include "model/occur.h"
#include "model/record.h"
#include "store/store.h"
#include "model/util.h"

static const char *str(const json_t *rec, const char *key)
{
	const char *v = json_string_value(json_object_get(rec, key));
	return v ? v : "";
}

static icalcomponent *new_event(const json_t *rec, const char *what, const char *domain,
                                const char *description)
{
	char uid[256];
	/* "Action 4 : Former le citoyen…"; an item without a label is its title alone. */
	char *name = *str(rec, "label") ? jl_record_display_name(rec) : NULL;
	char *summary = name ? jl_sprintf("%s : %s", name, str(rec, "title"))
	                     : jl_strdup(str(rec, "title"));
	snprintf(uid, sizeof uid, "%s-%s@%s", jl_record_id(rec), what, domain);
	icalcomponent *ev = icalcomponent_vanew(
		ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid),
		icalproperty_new_dtstamp(icaltime_current_time_with_zone(icaltimezone_get_utc_timezone())),
		icalproperty_new_summary(summary ? summary : ""),
		icalproperty_new_description(description), (void *)0);
	free(summary);
	free(name);
	return ev;
}

static char *describe(const json_t *rec, const char *label, const char *text)
{
	return jl_sprintf("%s : %s\nQui : %s\nÉlément Jalon : %s", label, text,
	                  *str(rec, "who") ? str(rec, "who") : "(personne désignée)",
	                  jl_record_id(rec));
}

static void add_deadline(icalcomponent *cal, const json_t *rec, const char *domain)
{
	json_t *d = json_object_get(rec, "deadline");
	jl_date due;
	if (jl_date_parse_iso(str(d, "end"), &due) != 0)
		return; /* no deadline, or one Jalon did not understand */
	char *text = describe(rec, "Échéance", str(d, "text"));
	icalcomponent *ev = new_event(rec, "echeance", domain, text ? text : "");
	free(text);
	icalcomponent_add_property(ev, icalproperty_new_dtstart(jl_ical_date(due)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(
		jl_ical_date(jl_date_from_days(jl_date_to_days(due) + 1))));
	icalcomponent_add_component(cal, ev);
}

static void add_recurrence(icalcomponent *cal, const json_t *plan, const json_t *rec,
                           const char *domain)
{
	json_t *r = json_object_get(rec, "recurrence");
	jl_date start, end;
	jl_record_recurrence_span(plan, rec, &start, &end);
	const char *rule = str(r, "rule");
	jl_date first;
	char err[256];
	if (!*rule || jl_occurrence_next(rule, start, end, start, &first, err, sizeof err) != 1)
		return;
	char *text = describe(rec, "Récurrence", str(r, "text"));
	icalcomponent *ev = new_event(rec, "recurrence", domain, text ? text : "");
	free(text);
	icalcomponent_add_property(ev, icalproperty_new_dtstart(jl_ical_date(first)));
	char *full = strstr(rule, "UNTIL=") || strstr(rule, "COUNT=")
	                 ? jl_sprintf("RRULE:%s", rule)
	                 : jl_sprintf("RRULE:%s;UNTIL=%04d%02d%02d", rule, end.year, end.month,
	                              end.day);
	icalproperty *p = full ? icalproperty_new_from_string(full) : NULL;
	if (p)
		icalcomponent_add_property(ev, p);
	free(full);
	icalcomponent_add_component(cal, ev);
}

int jalon_export_calendar(char **out, size_t *len, jalon_store *s, const char *person)
{
	jalon_query q = JALON_QUERY_INIT;
	jalon_item_list *list;
	*out = NULL;
	jl_store_clear_error(s);
	q.responsible = person && *person ? person : NULL;
	json_t *plan = NULL;
	int rc = jalon_query_run(&list, s, &q);
	if (rc == 0 && (rc = jl_store_record_get(s, "plan", &plan)) != 0)
		jalon_item_list_free(list);
	if (rc)
		return rc;
	char *domain = jl_record_plan_domain(plan);
	icalcomponent *cal = icalcomponent_vanew(
		ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
		icalproperty_new_prodid("-//Jalon//Programme stratégique transversal//FR"),
		icalproperty_new_calscale("GREGORIAN"), (void *)0);
	for (size_t i = 0; i < jalon_item_list_count(list); i++) {
		json_error_t e;
		json_t *rec = json_loads(jalon_item_json(jalon_item_list_get(list, i)), 0, &e);
		add_deadline(cal, rec, domain);
		add_recurrence(cal, plan, rec, domain);
		json_decref(rec);
	}
	jalon_item_list_free(list);
	json_decref(plan);
	free(domain);
	char *text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (!text)
		return jl_store_fail(s, JALON_ENOMEM, "calendrier : mémoire insuffisante");
	*out = jl_strdup(text);
	icalmemory_free_buffer(text);
	if (len && *out)
		*len = strlen(*out);
	return *out ? 0 : JALON_ENOMEM;
}
