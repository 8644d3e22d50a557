/* SPDX-License-Identifier: MIT */
/*
 * recur — recurring duties (récurrences) as people write them, read into an
 * RFC 5545 RRULE value from which occurrences can be computed.
 *
 * A PST writes "1x/trimestre", "trimestrielle", "2x/an", "bi-mensuel", "réunions
 * trimestrielles avec le CODIR" where a deadline would be.  jl_recurrence_parse()
 * tells such a text from a deadline, reads it into a rule, and flags the readings a
 * person should confirm.  It never guesses: a recurrence it cannot read into a rule
 * without choosing something the text does not say is refused.
 *
 * No allocation, no locale, no state: reentrant.  Output is deterministic: the same
 * text always gives the same bytes.
 */
#ifndef JALON_CORE_RECUR_H
#define JALON_CORE_RECUR_H

typedef struct jl_recurrence {
	char rule[128];     /* RFC 5545 RRULE value, e.g. "FREQ=MONTHLY;INTERVAL=3" */
	int  to_confirm;    /* 1 when the reading is ambiguous and a person should confirm it (bi-mensuel) */
	char note[256];     /* French explanation when to_confirm, or the reason when not understood */
} jl_recurrence;

/*
 * 1: the text is a recurrence, *out filled; 0: the text is not a recurrence at all
 * (e.g. "janvier 2020"), out->note says why; -1: it looks like a recurrence but is
 * malformed (e.g. "0x/an", "FREQ=FOO"), out->note names what is wrong.
 *
 * Case, accents, spaces, trailing punctuation, a leading bullet and a leading
 * "Échéance :" label are ignored, and so are the words around the recurrence
 * ("réunions trimestrielles avec le CODIR" is a quarterly rule).  Readings:
 *
 *   annuel(le)(s), une fois par an, 1x/an, chaque année, tous les ans  FREQ=YEARLY
 *   semestriel(le), 1x/semestre, 2x/an                 FREQ=MONTHLY;INTERVAL=6
 *   trimestriel(le), réunions trimestrielles, 1x/trimestre, 1 x par trimestre,
 *   4x/an, tous les 3 mois                             FREQ=MONTHLY;INTERVAL=3
 *   3x/an                                              FREQ=MONTHLY;INTERVAL=4
 *   bimestriel(le), 6x/an, tous les deux mois          FREQ=MONTHLY;INTERVAL=2
 *   mensuel(le), 1x/mois, 12x/an, chaque mois          FREQ=MONTHLY
 *   Nx/an with N dividing 12                           FREQ=MONTHLY;INTERVAL=12/N
 *   2x/mois, 24x/an                                    FREQ=MONTHLY;BYMONTHDAY=1,15
 *   bi-mensuel, bimensuel(le)                          FREQ=MONTHLY;BYMONTHDAY=1,15
 *        and to_confirm = 1: in Belgium it means twice a month, but it is also read
 *        as every two months; the note says so.
 *   hebdomadaire, chaque semaine, 1x/semaine, 52x/an   FREQ=WEEKLY
 *   toutes les deux semaines, tous les quinze jours    FREQ=WEEKLY;INTERVAL=2
 *        ("quinze jours" is French for a fortnight, "huit jours" for a week)
 *   tous les 3 jours                                   FREQ=DAILY;INTERVAL=3
 *   chaque mardi soir, tous les mardis                 FREQ=WEEKLY;BYDAY=TU
 *   chaque lundi et jeudi                              FREQ=WEEKLY;BYDAY=MO,TH
 *   le premier mardi du mois                           FREQ=MONTHLY;BYDAY=1TU
 *   le dernier vendredi de chaque trimestre            FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR
 *   1x/an en septembre                                 FREQ=YEARLY;BYMONTH=9
 *   2x/an, en janvier et en juin; semestriel (janvier, juillet)
 *        -> FREQ=YEARLY;BYMONTH=…, when as many months are named as the cadence
 *           has occurrences a year
 *   chaque janvier                                     FREQ=YEARLY;BYMONTH=1
 *   quotidien(ne), chaque jour, 1x/jour                FREQ=DAILY
 *
 * Numbers may be written in words ("deux fois par an") and "fois" for "x".
 * Refused as malformed (-1): a zero count ("0x/an"); a count that does not fall on
 * whole months or named days ("5x/an", "3x/mois", "2x/semaine": write the rule
 * explicitly); an unknown unit ("2x/siècle"); contradicting frequencies ("mensuel,
 * trimestriel"); "mensuel le mardi" (which Tuesday?); named months that do not match
 * the cadence ("2x/an en janvier"); words read both ways ("bihebdomadaire",
 * "biannuel", "bisannuel").
 * Not a recurrence (0): no recurring word at all, a day without "chaque"/"tous les"
 * ("mardi", "le premier mardi de septembre"), or a text holding a year 1900..2200
 * ("janvier 2020 - Rapport annuel" is a deadline; so, for now, is "1x/an jusqu'en
 * 2024": an end is only read from an explicit UNTIL).
 *
 * Explicit rules, "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", with or without an "RRULE:"
 * prefix, are checked part by part — FREQ (required), INTERVAL, COUNT, UNTIL, BYDAY,
 * BYMONTHDAY, BYMONTH, BYSETPOS, WKST; other parts are refused — and against RFC
 * 5545's rules (COUNT and UNTIL exclusive, BYDAY ordinals only with MONTHLY/YEARLY,
 * no BYMONTHDAY with WEEKLY, BYSETPOS only beside another BYxxx part).  They are then
 * normalised: upper case, parts in the order FREQ, INTERVAL, COUNT, UNTIL, BYMONTH,
 * BYMONTHDAY, BYDAY, BYSETPOS, WKST; list values sorted without duplicates, "+"
 * signs and leading zeros dropped; the defaults INTERVAL=1 and WKST=MO dropped.
 * Every rule this function writes, read or explicit, goes through that form.
 *
 * out may not be NULL; text may (0).  On 0 and -1, rule is "" and to_confirm 0.
 */
int jl_recurrence_parse(const char *text, jl_recurrence *out);

#endif
