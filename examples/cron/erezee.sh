#!/bin/sh
# SPDX-License-Identifier: MIT
# The Erezée PST ready for reminders: imported into a new store, with the people and
# roles its « Qui ? » names and the configuration of examples/cron/jalon.conf, except
# that messages go to standard output.
#
#   sh examples/cron/erezee.sh STORE [JALON]
#   jalon --store STORE remind --date 2019-12-20 --dry-run
#
# JALON is the jalon command to use (default: jalon on the PATH).
set -eu
store=$1
jalon=${2:-jalon}
here=$(cd "$(dirname "$0")" && pwd)
JALON_AUTHOR=${JALON_AUTHOR:-"Service informatique <informatique@cpas-erezee.be>"}
export JALON_AUTHOR

"$jalon" --store "$store" init >/dev/null
# The import lists « bi-mensuel » among the texts to confirm: read as twice a month.
"$jalon" --store "$store" import -q "$here/../erezee/pst-erezee-2019-2024.md" 2>/dev/null

# The roles and services the plan names. The service administratif has no address of
# its own: its reminders go to the fallback, the DG, with the reason.
while IFS=';' read -r name email type; do
	"$jalon" --store "$store" add person "$name" "email=$email" "type=$type" >/dev/null
done <<'PEOPLE'
DG;dg@cpas-erezee.be;rôle
Président;president@cpas-erezee.be;rôle
responsable social;social@cpas-erezee.be;rôle
équipe sociale;equipe.sociale@cpas-erezee.be;service
équipe administrative;administration@cpas-erezee.be;service
service administratif;;service
PEOPLE

cp "$here/jalon.conf" "$store/jalon.conf"
"$jalon" --store "$store" config remind.notifier stdout
