#!/bin/sh
# SPDX-License-Identifier: MIT
# `jalon remind` end to end on the Erezée PST, delivering through a real SMTP server on
# loopback (aiosmtpd, tests/smtp/smtpd.py) with STARTTLS and authentication:
#
#   tests/remind/test_remind.sh PATH/TO/jalon EXAMPLES_DIR
#
# Checks what 20 December 2019 sends and that the messages parse (Python's email package)
# with their calendar attachment; that a second run delivers nothing; that with the
# server stopped the run exits 75 and the next run delivers everything once; that two
# runs at once deliver each message once; exit codes 78 and 75 (lock held).
# Prints "N passed, M failed" last.
# shellcheck disable=SC2016  # eval of single-quoted checks
set -eu

JALON=$1
EXAMPLES=$2
HERE=$(cd "$(dirname "$0")" && pwd)
SMTPD=$HERE/../smtp/smtpd.py
PY=/usr/bin/python3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/jalon-remind.XXXXXX")
SERVER=""
cleanup() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
export TZ=UTC LC_ALL=C.UTF-8 JALON_AUTHOR="Test <test@example.org>"
# shellcheck source=../check.sh
. "$HERE/../check.sh"

# ------------------------------------------------------------------ the SMTP server

openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
	-keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
PORT=""
start_server() {
	rm -f "$TMP/port"
	"$PY" "$SMTPD" --port-file "$TMP/port" --maildir "$TMP/received" \
		--tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" --auth "pst:s3cret" \
		${PORT:+--port "$PORT"} 2>"$TMP/smtpd.err" &
	SERVER=$!
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	PORT=$(cat "$TMP/port")
}
stop_server() {
	kill "$SERVER"
	wait "$SERVER" 2>/dev/null || true
	SERVER=""
}
received() { find "$TMP/received/new" -type f 2>/dev/null | wc -l; }

# ------------------------------------------------------------------ the store

# The Erezée example (examples/cron/erezee.sh), delivering to the test server.
new_store() {
	sh "$EXAMPLES/cron/erezee.sh" "$1" "$JALON"
	printf 's3cret\n' >"$1/smtp-password"
	for setting in "remind.notifier smtp" "smtp.url smtp://127.0.0.1:$PORT" "smtp.user pst" \
		"smtp.password-file smtp-password" "smtp.insecure true" "smtp.timeout 10"; do
		# shellcheck disable=SC2086  # key and value
		"$JALON" --store "$1" config $setting
	done
}

start_server
S=$TMP/erezee
new_store "$S"

# ------------------------------------------------------------------ 20 December 2019

RC=0
"$JALON" --store "$S" remind --date 2019-12-20 -v >"$TMP/out" 2>"$TMP/err" || RC=$?
check "remind : code 0" [ "$RC" -eq 0 ]
check "remind -v : une ligne de bilan" [ "$(wc -l <"$TMP/err")" -eq 1 ]
check "remind : rien sur la sortie standard" [ ! -s "$TMP/out" ]
FIRST=$(received)
check "remind : des messages reçus" [ "$FIRST" -ge 4 ]
check "remind : le bilan compte les messages reçus" \
	grep -q "2019-12-20 : $FIRST messages envoyés" "$TMP/err"

# Every message parses; one per recipient; the DG's says what a DG needs.
"$PY" - "$TMP/received" >"$TMP/parsed" <<'EOF' || true  # a failure shows in the check below
import email, email.policy, mailbox, sys
seen = {}
for key, raw in mailbox.Maildir(sys.argv[1], factory=None, create=False).items():
    m = email.message_from_bytes(raw.as_bytes(), policy=email.policy.default)
    to = m["X-Envelope-To"] or m["To"]
    assert to not in seen, "deux messages pour " + to
    body = m.get_body(preferencelist=("plain",)).get_content()
    ics = [p for p in m.iter_attachments() if p.get_content_type() == "text/calendar"]
    seen[to] = (m["Subject"], m["From"], m["Message-ID"], body, ics)
dg = [v for k, v in seen.items() if "dg@cpas-erezee.be" in k][0]
subject, sender, mid, body, ics = dg
assert sender == "PST – CPAS d’Erezée <pst@cpas-erezee.be>", sender
assert len(seen) == 4, sorted(seen)
assert subject.startswith("PST : ") and "au vendredi 20 décembre 2019" in subject, subject
for part in ["ÉCHÉANCES PROCHES", "mardi 31 décembre 2019 (dans 11 jours)",
             "Écrit dans le plan : « fin 2019 »", "RÉUNIONS ET TÂCHES RÉCURRENTES",
             "mercredi 1er janvier 2020 (dans 12 jours ; Nouvel An)",
             "Écrit dans le plan : « 1x/an »", "Aussi responsables : Président",
             "Transmis à vous : « service administratif » n’a pas d’adresse e-mail."]:
    assert part in body, part + " absent de :\n" + body
assert len(ics) == 1 and ics[0].get_filename() == "rappels.ics"
cal = ics[0].get_content()
assert cal.startswith("BEGIN:VCALENDAR") and "RRULE:FREQ=YEARLY" in cal, cal[:200]
print(len(seen))
EOF
check "remind : un message par destinataire, lisibles" [ "$(cat "$TMP/parsed")" = "$FIRST" ]

# ------------------------------------------------------------------ idempotence

RC=0
"$JALON" --store "$S" remind --date 2019-12-20 --json >"$TMP/out" 2>"$TMP/err" || RC=$?
check "remind deux fois : code 0" [ "$RC" -eq 0 ]
check "remind deux fois : aucun nouveau message" [ "$(received)" -eq "$FIRST" ]
check "remind --json : 0 message" \
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["messages"] != 0)' \
	"$TMP/out"

# --dry-run: shows, sends nothing, records nothing.
"$JALON" --store "$S" remind --date 2019-12-30 --dry-run >"$TMP/dry" 2>&1
check "remind --dry-run : montre les messages" grep -q "^À : " "$TMP/dry"
check "remind --dry-run : n’envoie rien" [ "$(received)" -eq "$FIRST" ]

# ------------------------------------------------------------------ server down, then back

stop_server
RC=0
"$JALON" --store "$S" remind --date 2019-12-30 >"$TMP/out" 2>"$TMP/err" || RC=$?
check "serveur arrêté : code 75" [ "$RC" -eq 75 ]
check "serveur arrêté : une ligne d’erreur" [ "$(wc -l <"$TMP/err")" -eq 1 ]
check "serveur arrêté : l’erreur dit pourquoi" grep -q "non remis" "$TMP/err"
start_server
"$JALON" --store "$S" remind --date 2019-12-31 --dry-run >"$TMP/dry" 2>&1
RC=0
"$JALON" --store "$S" remind --date 2019-12-31 -v >"$TMP/out" 2>"$TMP/err" || RC=$?
check "serveur revenu : code 0" [ "$RC" -eq 0 ]
LATER=$(received)
check "serveur revenu : les rappels manqués arrivent" [ "$LATER" -gt "$FIRST" ]
check "serveur revenu : comptés comme réessayés" grep -q "réessayé" "$TMP/err"
"$JALON" --store "$S" remind --date 2019-12-31 >/dev/null 2>&1
check "serveur revenu : une seule fois" [ "$(received)" -eq "$LATER" ]
# The dry run of that day showed exactly the messages it delivered.
check "dry-run = ce qui est parti" [ "$(grep -c '^À : ' "$TMP/dry")" -eq $((LATER - FIRST)) ]

# ------------------------------------------------------------------ two runs at once

C=$TMP/concurrent
new_store "$C"
BEFORE=$(received)
"$JALON" --store "$C" remind --date 2019-12-20 >"$TMP/a.out" 2>"$TMP/a.err" &
A=$!
"$JALON" --store "$C" remind --date 2019-12-20 >"$TMP/b.out" 2>"$TMP/b.err" &
B=$!
RA=0; RB=0
wait $A || RA=$?
wait $B || RB=$?
check "deux exécutions : chacune réussit ou attend son tour (0 ou 75)" \
	eval '{ [ $RA -eq 0 ] || [ $RA -eq 75 ]; } && { [ $RB -eq 0 ] || [ $RB -eq 75 ]; }'
"$JALON" --store "$C" remind --date 2019-12-20 >/dev/null 2>&1
check "deux exécutions : chaque message une fois" [ $(($(received) - BEFORE)) -eq "$FIRST" ]

# ------------------------------------------------------------------ exit codes

flock "$C/remind.lock" sleep 2 &
HOLDER=$!
sleep 0.5
RC=0
"$JALON" --store "$C" remind --date 2019-12-21 2>"$TMP/err" || RC=$?
check "verrou tenu : code 75" [ "$RC" -eq 75 ]
check "verrou tenu : le message le dit" grep -q "une autre exécution est en cours" "$TMP/err"
wait "$HOLDER"
"$JALON" --store "$C" config remind.notifier pigeon
RC=0
"$JALON" --store "$C" remind --date 2019-12-21 2>"$TMP/err" || RC=$?
check "configuration fausse : code 78" [ "$RC" -eq 78 ]
check "configuration fausse : la clé nommée" grep -q "remind.notifier : « pigeon »" "$TMP/err"
printf '[remind\n' >>"$C/jalon.conf"
RC=0
"$JALON" --store "$C" remind --date 2019-12-21 2>"$TMP/err" || RC=$?
check "jalon.conf illisible : code 78 et la ligne" \
	eval '[ $RC -eq 78 ] && grep -q "jalon.conf:[0-9]" "$TMP/err"'

check_summary
