/* SPDX-License-Identifier: MIT */
/*
 * deadline — deadlines (échéances) as people write them.
 *
 * A PST writes its deadlines in words: "janvier 2020", "fin 2019", "2019-2020",
 * "Échéance : janvier 2020 - Rapport au Conseil". jl_deadline_parse() turns such a
 * text into the window of days it designates, or says in French why it cannot,
 * and never guesses: a text it does not fully understand is refused, so that the
 * original text (which the model keeps beside the parsed value) is shown to a person.
 *
 * Nothing here allocates, uses the locale, or keeps state; every function is
 * reentrant.
 */
#ifndef JALON_CORE_DEADLINE_H
#define JALON_CORE_DEADLINE_H

#include "model/date.h"

/*
 * How wide the window a deadline designates is.  It describes the window, not the
 * words: "fin 2019" designates the last quarter of 2019 and is JL_PREC_QUARTER;
 * "mi-2020" designates June 2020 and is JL_PREC_MONTH; JL_PREC_PERIOD is any
 * other window (several years "2019-2020", a third of a month "fin janvier 2020").
 */
typedef enum jl_precision {
	JL_PREC_DAY, JL_PREC_MONTH, JL_PREC_QUARTER, JL_PREC_SEMESTER, JL_PREC_YEAR, JL_PREC_PERIOD
} jl_precision;
/* "jour", "mois", "trimestre", "semestre", "année", "période"; "inconnue" otherwise.
   The string is static. */
const char *jl_precision_name(jl_precision p);

typedef struct jl_deadline {
	jl_date start, end;      /* the window the text designates; end is the due date */
	jl_precision precision;
	char due[256];           /* what is due, e.g. "Rapport au Conseil" in "janvier 2020 - Rapport au Conseil"; "" if none */
	char reason[256];        /* when not understood: why, in French, e.g. « mois inconnu : "janvierr" » */
} jl_deadline;

/*
 * 0 when understood; -1 when not (out->reason says why; never guess).
 *
 * Case, accents, extra spaces, trailing punctuation, a leading bullet (▪ • -) and a
 * leading "Échéance :" label are ignored.  Words that do not move the window are
 * skipped: "au plus tard le", "d'ici", "pour", "avant", "avant l'échéance de", "en",
 * "dans le courant de"… ("avant 2030" is read as the year 2030, the way plans use it
 * for the end of a legislature).  Understood forms, with the window they give:
 *
 *   15/10/2019  15-10-2019  15.10.2019  2019-10-15  15 octobre 2019  1er octobre 2019
 *                                          -> that day                        (jour)
 *   janvier 2020  fév. 2020  sept. 2020  10/2020  2020-10
 *                                          -> the month                       (mois)
 *   T3 2025  Q3 2025  3e trimestre 2025  troisième trimestre 2025
 *                                          -> the quarter                (trimestre)
 *   S2 2026  second semestre 2026  1er semestre 2026
 *                                          -> the half-year               (semestre)
 *   2020  année 2020                       -> the year                       (année)
 *   début 2021 / fin 2019                  -> first / last quarter       (trimestre)
 *   mi-2020                                -> June                            (mois)
 *   début / fin of a semester or quarter   -> its first / last month          (mois)
 *   mi- of a quarter                       -> its middle month                (mois)
 *   début / mi / fin janvier 2020          -> days 1-10 / 11-20 / 21-end  (période)
 *   2019-2020  2019 - 2020  2019/2020  de 2019 à 2020  entre 2019 et 2020,
 *   and any two of the above joined so  -> from the first's start to the
 *                                             second's end                 (période)
 *   septembre - décembre 2020, novembre - février 2021
 *                                       -> a month takes the next one's year, or the
 *                                          year before if it comes later   (période)
 *
 * After the date, a separator (- : , ;) introduces what is due:
 * "janvier 2020 -Rapport au Conseil" gives due = "Rapport au Conseil", as written.
 *
 * Refused, with a reason: empty text; text without a date ("prochainement"); an
 * unknown month ("janvierr 2020"); an impossible date ("2019-13-01", "31/02/2020");
 * a missing or two-digit year ("janvier", "premier semestre", "15/10/19"); a year
 * outside 1900..2200; a period that ends before it starts; words after the date
 * without a separator; and a recurrence ("1x/an": « ceci est une récurrence, pas
 * une échéance », see recur.h).
 *
 * On -1 every field but reason is zero.  out may not be NULL; text may.
 */
int jl_deadline_parse(const char *text, jl_deadline *out);

#endif
