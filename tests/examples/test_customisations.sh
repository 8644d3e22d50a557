#!/bin/sh
# SPDX-License-Identifier: MIT
# The per-CPAS customisations of examples/ end to end, as their READMEs run them:
# examples/grande-ville (Comité de direction approval, priority reminders, monthly
# report) and examples/erezee (quarterly meeting: reminders and agenda).
#
#   tests/examples/test_customisations.sh PATH/TO/jalon EXAMPLES_DIR
set -eu
JALON=$1
EXAMPLES=$(cd "$2" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/jalon-custom.XXXXXX")
trap '[ "${JALON_TEST_KEEP:-0}" = 1 ] || rm -rf "$TMP"' EXIT
export TZ=UTC LC_ALL=C.UTF-8
# shellcheck source=../check.sh
. "$(dirname "$0")/../check.sh"
RC=0
run() { RC=0; "$JALON" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?; }
has() { grep -qF -- "$1" "$TMP/out"; }
err_has() { grep -qF -- "$1" "$TMP/err"; }

# ------------------------------------------------------------------ a large CPAS

export JALON_STORE="$TMP/grande-ville" JALON_AUTHOR="Anne Dupont <dg@cpas-grandeville.be>"
"$JALON" init >/dev/null
"$JALON" import -q "$EXAMPLES/grande-ville/pst-grande-ville.md" 2>/dev/null
"$JALON" add person DG email=dg@cpas-grandeville.be type=rôle >/dev/null
"$JALON" add person "Comité de direction" email=codir@cpas-grandeville.be type=rôle >/dev/null
"$JALON" config remind.fallback "DG <dg@cpas-grandeville.be>"
"$JALON" config scripts.path "$EXAMPLES/grande-ville/scripts"
AGENT="Jean Martin <jean@cpas-grandeville.be>"
CODIR="Secrétariat CODIR <codir@cpas-grandeville.be>"

run remind --date 2020-10-06 --dry-run
check "priorités : le Président en copie 60 jours ouvrables avant" \
	has "À : Président du CPAS <president@cpas-grandeville.be>"
check "priorités : l’action (1) dans sa copie" has "Action (1) : Créer un guichet unique"
run remind --date 2020-10-05 --dry-run
check "priorités : pas la veille" eval '! has "Président du CPAS"'

run --as "$AGENT" set "(1)" "statut=en cours"
check "CODIR : en cours sans approbation" [ "$RC" -eq 0 ]
run --as "$AGENT" set "(1)" statut=terminé
check "CODIR : terminé sans approbation refusé (5)" [ "$RC" -eq 5 ]
check "CODIR : le message le dit" err_has "le Comité de direction doit l'approuver"
run --as "$AGENT" set "(1)" "Validation CODIR=approuvée"
check "CODIR : un agent n’approuve pas" [ "$RC" -eq 5 ]
run --as "$CODIR" set "(1)" "Validation CODIR=approuvée"
check "CODIR : le Comité de direction approuve" [ "$RC" -eq 0 ]
run --as "$AGENT" set "(1)" statut=terminé
check "CODIR : terminé une fois approuvée" [ "$RC" -eq 0 ]
run log "(1)" --oneline
check "CODIR : l’approbation dans l’historique, par son auteur" has "Secrétariat CODIR"
run --as "$AGENT" set "(2)" "Validation CODIR=à présenter"

run report rapport-mensuel 2020-09
check "rapport mensuel : produit" [ "$RC" -eq 0 ]
check "rapport mensuel : titre" has "# Rapport mensuel au DG — 2020-09"
check "rapport mensuel : échéances du mois" has "(81) Adopter un plan de formation pluriannuel"
check "rapport mensuel : prioritaires" has "## Actions prioritaires (2)"
check "rapport mensuel : en attente du CODIR" has "## À présenter au Comité de direction (1)"
run report rapport-mensuel septembre
check "rapport mensuel : mois mal écrit, code 5" \
	eval '[ "$RC" -eq 5 ] && err_has "mois attendu sous la forme AAAA-MM"'
run fsck
check "grande ville : fsck" [ "$RC" -eq 0 ]

# ------------------------------------------------------------------ a small CPAS

export JALON_STORE="$TMP/erezee" JALON_AUTHOR="Service informatique <informatique@cpas-erezee.be>"
"$JALON" init >/dev/null
"$JALON" import -q "$EXAMPLES/erezee/pst-erezee-2019-2024.md" 2>/dev/null
"$JALON" add person DG email=dg@cpas-erezee.be type=rôle >/dev/null
"$JALON" config remind.fallback "DG <dg@cpas-erezee.be>"
"$JALON" config scripts.path "$EXAMPLES/erezee/scripts"
run report ordre-du-jour 2019-12-20
check "ordre du jour : produit" [ "$RC" -eq 0 ]
check "ordre du jour : les objectifs" has "OO5 Favoriser la coopération avec la commune"
check "ordre du jour : les échéances à venir" has "Elaborer un plan de formation (fin 2019) — DG"
check "ordre du jour : les récurrences" has "(3x/an)"
# 14 working days before 1 January 2020 is 11 December 2019: the reminder goes then.
run remind --date 2019-12-10 --dry-run
check "réunions : rien 15 jours ouvrables avant" \
	eval '! has "Prochaine occurrence : mercredi 1er janvier 2020"'
run remind --date 2019-12-11 --dry-run
check "réunions : rappel 14 jours ouvrables avant" has "Prochaine occurrence : mercredi 1er janvier 2020"

check_summary
