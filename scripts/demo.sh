#!/bin/sh
# SPDX-License-Identifier: MIT
# The main job on the bundled example: installs what is missing, builds, imports the
# PST of the CPAS of Erezée into a store in a scratch directory, then shows it, changes
# it, shows its history, its progress, the tableau de bord and the evaluation report.
# Usage: scripts/demo.sh [EXAMPLE.md]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
example=${1:-examples/erezee/pst-erezee-2019-2024.md}

sh scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

store=$(mktemp -d)/store
jalon() { "$top/build/jalon" --store "$store" "$@"; }
step() { printf '\n\033[1m$ jalon %s\033[0m\n' "$*"; }

export JALON_AUTHOR="Directrice générale <dg@cpas.example>"
export JALON_REPORTS_PATH="$top/scripts/reports"   # the built-in reports, uninstalled
step init; jalon init
step import "$example"; jalon import "$example"
step list --all; jalon list --all
step show "Action 1"; jalon show "Action 1"
step list --flagged; jalon list --flagged
step tag pst-adopte -m "PST adopté par le Conseil de l'action sociale"
jalon tag pst-adopte -m "PST adopté par le Conseil de l'action sociale"
step set "Action 1" statut="en cours" avancement=40 santé="risque : accord des Arches attendu"
JALON_AUTHOR="Président du CPAS <president@cpas.example>" \
    jalon set "Action 1" statut="en cours" avancement=40 santé="risque : accord des Arches attendu"
step log "Action 1"; jalon log "Action 1"
step blame "Action 1"; jalon blame "Action 1"
step diff --since pst-adopte; jalon diff --since pst-adopte
step list --overdue 2020-03-01; jalon list --overdue 2020-03-01
step export ics --person "équipe sociale"
jalon export ics --person "équipe sociale" | head -n 24
step progress --date 2020-06-30; jalon progress --date 2020-06-30
step report dashboard --date 2020-06-30 -o "$store/tableau-de-bord.html"
jalon report dashboard --date 2020-06-30 -o "$store/tableau-de-bord.html"
echo "→ $store/tableau-de-bord.html (à ouvrir dans un navigateur)"
step report evaluation --since pst-adopte
jalon report evaluation --since pst-adopte | head -n 30
step fsck; jalon fsck
printf '\n\033[1m$ git --git-dir %s/history.git log --format="%%h %%an : %%s" \033[0m\n' "$store"
git --git-dir "$store/history.git" log --format='%h %an : %s'
printf '\nLe registre reste dans %s\n' "$store"
