#!/bin/sh
# SPDX-License-Identifier: MIT
# The default workflow (scripts/workflow.lua) end to end on the Erezée PST, through the
# `jalon` command: transitions, roles, required fields, actions on transition, and
# a vetoed change leaving store and history unchanged.
#
#   tests/scripts/test_workflow.sh PATH/TO/jalon SOURCE_DIR
set -eu
JALON=$1
SRC=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/jalon-workflow.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export TZ=UTC LC_ALL=C.UTF-8
S=$TMP/store
# shellcheck source=../check.sh
. "$(dirname "$0")/../check.sh"
AGENT="Jean Martin <jean.martin@cpas-erezee.be>"
DG="Anne Dupont <dg@cpas-erezee.be>"
j() { "$JALON" --store "$S" "$@"; }
RC=0
as() { who=$1; shift; RC=0; "$JALON" --store "$S" --as "$who" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?; }
commits() { git --git-dir="$S/history.git" rev-list --count main; }
field() { j show "$1" --json | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin).get('$2'))"; }

export JALON_AUTHOR="$DG"
j init >/dev/null
j import -q "$SRC/examples/erezee/pst-erezee-2019-2024.md" 2>/dev/null
j add person DG email=dg@cpas-erezee.be type=rôle >/dev/null
mkdir "$S/scripts"
cp "$SRC/scripts/workflow.lua" "$S/scripts/"
unset JALON_AUTHOR
TODAY=$(date +%Y-%m-%d)

C=$(commits)
as "$AGENT" set "Action 4" statut=terminé
check "à lancer → terminé : refusé (code 5)" [ "$RC" -eq 5 ]
check "le message dit les transitions possibles" \
	grep -q "passer de « à lancer » à « terminé » n'est pas prévu (possible : en cours, reporté, abandonné)" "$TMP/err"
check "refusé : aucun commit" [ "$(commits)" -eq "$C" ]

as "$AGENT" set "Action 4" "statut=en cours"
check "à lancer → en cours" [ "$RC" -eq 0 ]
check "en cours : début effectif noté" [ "$(field "Action 4" actual_start)" = "$TODAY" ]
check "un commit : la transition et sa date" [ "$(commits)" -eq $((C + 1)) ]
check "le commit est de l'agent" [ "$(git --git-dir="$S/history.git" log -1 --format=%ae main)" = "jean.martin@cpas-erezee.be" ]
check "le message dit la transition et la date" \
	git --git-dir="$S/history.git" log -1 --format=%s main | grep -q "statut « à lancer » → « en cours »"

as "$AGENT" set "Action 4" statut=terminé
check "terminé sans note : refusé" [ "$RC" -eq 5 ]
check "le message dit ce qu'il faut" grep -q "il faut une note d'évaluation" "$TMP/err"
as "$AGENT" set "Action 4" "note=Fait : 3 ateliers, 40 participants" statut=terminé
check "terminé avec une note" [ "$RC" -eq 0 ]
check "terminé : fin effective notée" [ "$(field "Action 4" actual_end)" = "$TODAY" ]
check "terminé : un seul commit" [ "$(commits)" -eq $((C + 2)) ]
git --git-dir="$S/history.git" show --format= main -- > "$TMP/diff"
check "ce commit porte le statut et la fin effective" \
	sh -c "grep -q '\"status\": \"terminé\"' '$TMP/diff' && grep -q '\"actual_end\": \"$TODAY\"' '$TMP/diff'"
as "$AGENT" set "Action 4" "statut=en cours"
check "rouvrir : la date de début déjà écrite est gardée" [ "$(field "Action 4" actual_start)" = "$TODAY" ]
as "$AGENT" set "Action 4" "fin effective=2020-01-31" "note=Terminé pour de bon" statut=terminé
check "une fin effective écrite n'est pas remplacée" [ "$(field "Action 4" actual_end)" = "2020-01-31" ]

as "$AGENT" set "Action 5" statut=abandonné
check "abandonné par un agent : refusé" [ "$RC" -eq 5 ]
check "le message nomme le rôle" grep -q "seul DG peut passer une action à « abandonné »" "$TMP/err"
as "$DG" set "Action 5" statut=abandonné
check "abandonné par le DG" [ "$RC" -eq 0 ]

as "$AGENT" set os-1 "titre=Un autre objectif"
check "un OS changé par un agent : refusé" [ "$RC" -eq 5 ]
as "$DG" set os-1 "titre=Être un CPAS efficace et efficient"
check "un OS changé par le DG" [ "$RC" -eq 0 ]

as "$AGENT" add action --parent OO1 "Nouvelle action" "statut=en cours"
check "une action créée en cours : pas une transition" [ "$RC" -eq 0 ]

RC=0
j fsck >/dev/null || RC=$?
check "fsck propre" [ "$RC" -eq 0 ]

check_summary
