#!/bin/sh
# SPDX-License-Identifier: MIT
# The reports `fiche` (the fiche-action, in Markdown, HTML and ODT) and `tableur` (the
# actions for a spreadsheet, in CSV and ODS) end to end, on the Erezée and Baelen PST
# with changes made here (statuses, people in roles, budget lines with amounts spent, an
# indicator with a measure, a hostile title, a draft):
#
#   tests/reports/test_fiche_tableur.sh PATH/TO/jalon [EXAMPLES_DIR]
#
# The HTML is rendered in Chromium (no console error, one fiche per printed page), the
# ODT and ODS are converted to PDF by LibreOffice (tests/reports/render.sh) and read back
# with pdftotext; the ODS's content.xml and the CSV are parsed with Python.
# Prints "N passed, M failed" last.
set -eu

REPORT=fiche
# shellcheck source=setup.sh
. "$(dirname "$0")/setup.sh"
export JALON_AUTHOR="Anne DG <dg@cpas.be>"

NBSP=$(printf '\302\240')    # « x », « Statut : »
NNBSP=$(printf '\342\200\257') # 12 500,00 €, 40 %
HOSTILE='<script>alert("x")</script> & R&D'
DAY=2021-01-01

has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
# report STORE ARGS… : the report's output in $TMP/out, its errors in $TMP/err, $RC
report() {
	store=$1
	shift
	RC=0
	"$JALON" --store "$store" report "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

# ------------------------------------------------------------------ the stores

E=$TMP/erezee
"$JALON" --store "$E" init -q
# The Erezée PST with a custom field of the CPAS declared in its front matter.
sed '2a champ: Code projet ; pour: action' "$EXAMPLES/erezee/pst-erezee-2019-2024.md" >"$TMP/erezee.md"
"$JALON" --store "$E" import "$TMP/erezee.md" -q 2>/dev/null
"$JALON" --store "$E" set "Action 1" statut="en cours" "porteur=Marie Dupont <marie@cpas.be>" \
	mandataire=Président "santé=risque : retard du fournisseur"
"$JALON" --store "$E" set "Action 1" 'budget=2020 ; 12 500 € ; 8451 ; Wallonie ; Formation ; 8 000 €' \
	'budget=2021 ; 2 500,50 € ; 8452 ; Commune ; Mobilier ; 1 000 €'
"$JALON" --store "$E" set "Action 1" \
	'indicateur=Personnes accompagnées ; unité: personnes ; base: 10 ; cible: 50 ; année: 2024'
"$JALON" --store "$E" set "Action 1" 'mesure=2020-12-31 ; 22'
"$JALON" --store "$E" set "Action 1" "titre=$HOSTILE" "échéance=mars 2021" fin=2021-03-31 \
	priorité=oui synergie=oui "note=Devis reçu le 12/01" "partenaires=AIS, CPAS de Hotton"
"$JALON" --store "$E" set task-3 statut=terminé
"$JALON" --store "$E" set "Action 2" "Code projet=P-17"

B=$TMP/baelen
"$JALON" --store "$B" init -q
"$JALON" --store "$B" import "$EXAMPLES/baelen/pst-baelen-2019-2024.md" -q 2>/dev/null
# action-2 « Regrouper les assistants sociaux dans un bureau. » (O.S.1 › O.O.1.3, interne)
"$JALON" --store "$B" set action-2 statut=terminé gestionnaire="Service social" \
	"responsable=Jean Martin <jean@cpas.be>" "fin effective=2020-06-30"
"$JALON" --store "$B" set action-2 'budget=2020 ; 12 500 € ; 8451 ; Wallonie ; Formation ; 8 000 €' \
	'budget=2021 ; 2 500,50 € ; 8452 ; Commune ; Mobilier ; 1 000 €'
# action-14 « Aménager un local adapté… » (O.S.3 › O.O.3.1, externe)
"$JALON" --store "$B" set action-14 "titre=$HOSTILE" avancement=40 début=2020-01-15 fin=2021-03-31 \
	"porteur=Marie Dupont <marie@cpas.be>" \
	'indicateur=Permanences tenues ; unité: permanences ; base: 0 ; cible: 40 ; année: 2024'
"$JALON" --store "$B" set action-14 'mesure=2020-12-31 ; 12'
DRAFT_TITLE=$("$JALON" --store "$B" show action-5 --json |
	"$PY" -c 'import json,sys; print(json.load(sys.stdin)["title"])')
"$JALON" --store "$B" set action-5 brouillon=oui

# Expected counts, from `jalon list --json` (drafts left out).
counts() {
	"$JALON" --store "$1" list --json | "$PY" -c '
import json, sys
items = [i for i in json.load(sys.stdin) if not i.get("draft")]
print(sum(1 for i in items if i["kind"] == "action"), len(items))'
}
# shellcheck disable=SC2046  # two numbers
set -- $(counts "$B")
B_ACTIONS=$1
B_ITEMS=$2
# shellcheck disable=SC2046
set -- $(counts "$E")
E_ACTIONS=$1

# ------------------------------------------------------------------ fiche, Markdown

report "$E" fiche "Action 1" --date $DAY
check "fiche : code 0" [ "$RC" -eq 0 ]
M=$TMP/e1.md
cp "$TMP/out" "$M"
check "fiche md : le titre échappé" has "$M" "# Action 1${NBSP}: \\<script\\>alert(\"x\")\\</script\\> & R&D"
check "fiche md : aucune balise brute" lacks "$M" "<script>"
check "fiche md : le chemin volet › OS › OO › action" \
	has "$M" "Volet externe › OS «${NBSP}Être un CPAS efficace et efficient dans…${NBSP}» › OO1 › Action 1"
check "fiche md : l'OO, numéro et titre" \
	has "$M" "**Objectif opérationnel**${NBSP}: OO1${NBSP}: Assurer un accompagnement des citoyens les plus démunis"
check "fiche md : le statut" has "$M" "**Statut**${NBSP}: en cours"
check "fiche md : l'avancement calculé (1 tâche sur 5)" has "$M" "**Avancement**${NBSP}: 20${NNBSP}%"
check "fiche md : la santé et son commentaire" has "$M" "**Santé**${NBSP}: risque — retard du fournisseur"
check "fiche md : le porteur, nom et adresse" \
	has "$M" "**Porteur**${NBSP}: Marie Dupont \<marie@cpas.be\>"
check "fiche md : le mandataire" has "$M" "**Mandataire**${NBSP}: Président"
check "fiche md : un rôle vide" has "$M" "**Responsable**${NBSP}: —"
check "fiche md : les partenaires" has "$M" "**Partenaires**${NBSP}: AIS, CPAS de Hotton"
check "fiche md : l'échéance telle qu'écrite" has "$M" "**Échéance**${NBSP}: «${NBSP}mars 2021${NBSP}»"
check "fiche md : l'échéance en dates" has "$M" "du 1er mars 2021 au 31 mars 2021"
check "fiche md : la fin prévue en français" has "$M" "**Fin prévue**${NBSP}: 31 mars 2021"
check "fiche md : prioritaire" has "$M" "**Prioritaire**${NBSP}: oui"
check "fiche md : synergie" has "$M" "**Synergie Ville/CPAS**${NBSP}: oui"
check "fiche md : une tâche, qui, échéance, statut" has "$M" \
	"| Etablir un rapport de faisabilité | responsable social des repas et DG ou service administratif | janvier 2020 -Rapport au Conseil<br>du 1er janvier 2020 au 31 janvier 2020 | terminé | 100${NNBSP}% |"
check "fiche md : les quatre autres tâches" [ "$(grep -c "| à lancer | 0${NNBSP}% |" "$M")" -eq 4 ]
check "fiche md : une ligne budgétaire" has "$M" \
	"| 2020 | 12${NNBSP}500,00${NNBSP}€ | 8451 | Wallonie | Formation | 8${NNBSP}000,00${NNBSP}€ |"
check "fiche md : le total du budget et du dépensé" has "$M" \
	"| **Total** | **15${NNBSP}000,50${NNBSP}€** |  |  |  | **9${NNBSP}000,00${NNBSP}€** |"
check "fiche md : l'indicateur et sa mesure" has "$M" \
	"| Personnes accompagnées | personnes | 10 | 50 | 2024 | 31/12/2020${NBSP}: 22 |"
check "fiche md : la note" has "$M" "- Devis reçu le 12/01"
check "fiche md : historique, le statut" has "$M" "statut${NBSP}: «${NBSP}à lancer${NBSP}» → «${NBSP}en cours${NBSP}»"
check "fiche md : historique, la personne par son nom" has "$M" "personnes${NBSP}: «${NBSP}porteur : Marie Dupont"
check "fiche md : historique, le titre échappé" has "$M" "→ «${NBSP}\<script\>alert"
check "fiche md : historique, l'import" has "$M" "| Anne DG | Import du plan (création de l’action) |"
check "fiche md : historique, six entrées" [ "$(grep -c " | Anne DG | " "$M")" -eq 6 ]

# Baelen: an action without label, in the volet interne.
report "$B" fiche action-2 --date $DAY
M=$TMP/b2.md
cp "$TMP/out" "$M"
check "fiche Baelen : code 0" [ "$RC" -eq 0 ]
check "fiche Baelen : le chemin" has "$M" "Volet interne › O.S.1 › O.O.1.3 › «${NBSP}Regrouper les assistants sociaux dans"
check "fiche Baelen : l'OS" \
	has "$M" "**Objectif stratégique**${NBSP}: O.S.1${NBSP}: Être un CPAS qui est attentif au bien-être de son personnel"
check "fiche Baelen : le gestionnaire" has "$M" "**Gestionnaire**${NBSP}: Service social"
check "fiche Baelen : le responsable" has "$M" "**Responsable**${NBSP}: Jean Martin \<jean@cpas.be\>"
check "fiche Baelen : la fin effective" has "$M" "**Fin effective**${NBSP}: 30 juin 2020"
check "fiche Baelen : terminé, 100 %" has "$M" "**Avancement**${NBSP}: 100${NNBSP}%"
check "fiche Baelen : pas de tâche" has "$M" "*Aucune tâche.*"
check "fiche Baelen : le total" has "$M" "**15${NNBSP}000,50${NNBSP}€**"

# Every action, one fiche each, in plan order.
report "$E" fiche --all --date $DAY
check "fiche --all : code 0" [ "$RC" -eq 0 ]
check "fiche --all : une fiche par action" [ "$(grep -c '^# ' "$TMP/out")" -eq "$E_ACTIONS" ]
check "fiche --all : séparées par un filet" [ "$(grep -c '^---$' "$TMP/out")" -eq $((E_ACTIONS - 1)) ]
check "fiche --all : dans l'ordre du plan" \
	[ "$(grep '^# ' "$TMP/out" | sed -n '2p')" = "# Action 2${NBSP}: Avoir une offre de logements accessibles et décents" ]

report "$E" fiche "Action 2" --date $DAY
check "fiche : les champs du CPAS" has "$TMP/out" "**Code projet**${NBSP}: P-17"

# ------------------------------------------------------------------ fiche, errors

report "$E" fiche "Action 99"
check "fiche inconnue : refusée" [ "$RC" -ne 0 ]
check "fiche inconnue : le message la nomme" has "$TMP/err" "« Action 99 » ne désigne aucune action du plan"
report "$E" fiche OO1
check "fiche d'un OO : refusée" [ "$RC" -ne 0 ]
check "fiche d'un OO : le message le dit" has "$TMP/err" "« OO1 » est un objectif opérationnel (oo-1), pas une action"
report "$E" fiche task-3
check "fiche d'une tâche : refusée" has "$TMP/err" "est une tâche (task-3), pas une action"
report "$E" fiche
check "fiche sans action : refusée" has "$TMP/err" "quelle action ?"
report "$E" fiche "Action 1" --format pdf
check "fiche --format pdf : refusé" has "$TMP/err" "--format attend html, md ou odt, pas « pdf »"
report "$E" fiche "Action 1" -o "$TMP/x.docx"
check "fiche -o .docx : refusé" has "$TMP/err" "la fiche s’écrit en .html, .md ou .odt"
report "$E" fiche "Action 1" --date 2021-02-30
check "fiche --date impossible : refusée" has "$TMP/err" "--date attend une date AAAA-MM-JJ, pas « 2021-02-30 »"

# ------------------------------------------------------------------ fiche, HTML

report "$E" fiche "Action 1" "Action 4" --date $DAY -o "$TMP/fiches.html"
H=$TMP/fiches.html
check "fiche html : code 0" [ "$RC" -eq 0 ]
check "fiche html : le titre échappé" has "$H" "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; R&amp;D"
check "fiche html : aucune balise script" lacks "$H" "<script"
check "fiche html : deux fiches" [ "$(grep -c '<section class="fiche">' "$H")" -eq 2 ]
check "fiche html : un saut de page après chaque fiche" has "$H" "page-break-after: always"
check "fiche html : le total" has "$H" "15${NNBSP}000,50${NNBSP}€"
check "fiche html : affichée sans erreur" sh "$RENDER" html "$H" "$TMP/fiches.png"
check "fiche html : imprimée" sh "$RENDER" pdf "$H" "$TMP/fiches.pdf"
pdftotext "$TMP/fiches.pdf" "$TMP/fiches.txt" 2>/dev/null || true
# Each fiche starts a page: its kicker is the first line of a page.
check "fiche html : une fiche par page imprimée" "$PY" - "$TMP/fiches.txt" <<'EOF'
import sys
pages = open(sys.argv[1], encoding="utf-8").read().replace("\u00a0", " ").split("\f")
firsts = [next((l for l in p.splitlines() if l.strip()), "") for p in pages]
starts = [i for i, f in enumerate(firsts) if f.upper().startswith("FICHE-ACTION")]
body = "\f".join(pages)
assert body.upper().count("FICHE-ACTION — CPAS") == 2, body.upper().count("FICHE-ACTION — CPAS")
assert len(starts) == 2 and starts[0] == 0, (starts, firsts)
page2 = pages[starts[1]]
assert "Action 4 : Former le citoyen" in page2, page2[:300]
assert "Action 1 :" not in page2
EOF

# ------------------------------------------------------------------ fiche, ODT

if [ -f "$JALON_REPORTS_PATH/lib/odt.lua" ]; then
	report "$E" fiche "Action 1" "Action 4" --date $DAY -o "$TMP/fiches.odt"
	check "fiche odt : code 0" [ "$RC" -eq 0 ]
	check "fiche odt : un paquet OpenDocument texte" "$PY" - "$TMP/fiches.odt" <<'EOF'
import sys, zipfile, xml.dom.minidom
z = zipfile.ZipFile(sys.argv[1])
assert z.namelist()[0] == "mimetype"
assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
xml.dom.minidom.parseString(z.read("content.xml"))
EOF
	check "fiche odt : convertie par LibreOffice" sh "$RENDER" office "$TMP/fiches.odt" "$TMP/odt"
	pdftotext -layout "$TMP/odt/fiches.pdf" "$TMP/odt.txt" 2>/dev/null || true
	check "fiche odt : le titre tel qu'écrit" has "$TMP/odt.txt" "$HOSTILE"
	check "fiche odt : le porteur" has "$TMP/odt.txt" "Marie Dupont <marie@cpas.be>"
	# (pdftotext turns the narrow no-break spaces into spaces)
	check "fiche odt : le total" grep -qE "^Total +15.000,50.€ +9.000,00.€" "$TMP/odt.txt"
	check "fiche odt : la seconde fiche sur une autre page" "$PY" - "$TMP/odt.txt" <<'EOF'
import sys
pages = open(sys.argv[1], encoding="utf-8").read().replace("\u00a0", " ").split("\f")
one = [i for i, p in enumerate(pages) if "Action 1 : <script>" in p]
four = [i for i, p in enumerate(pages) if "Action 4 : Former le citoyen" in p]
assert one and four and min(four) > max(one), (one, four)
EOF
else
	echo "(lib/odt.lua absent : fiche .odt non testée)"
fi

# ------------------------------------------------------------------ tableur, CSV

report "$B" tableur --date $DAY
check "tableur : code 0" [ "$RC" -eq 0 ]
C=$TMP/actions.csv
cp "$TMP/out" "$C"
check "tableur csv : UTF-8 avec BOM" [ "$(head -c 3 "$C" | od -An -tx1 | tr -d ' ')" = "efbbbf" ]
check "tableur csv : titre hostile entre guillemets doublés" has "$C" '"<script>alert(""x"")</script> & R&D"'
check "tableur csv : le brouillon absent" lacks "$C" "$DRAFT_TITLE"
check "tableur csv : lu par le module csv de Python" "$PY" - "$C" "$B_ACTIONS" "$HOSTILE" <<'EOF'
import csv, sys
path, n, hostile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
raw = open(path, "rb").read()
lines = raw.split(b"\r\n")
assert lines[-1] == b"" and all(b"\r" not in l for l in lines), "fins de ligne CRLF"
rows = list(csv.reader(open(path, encoding="utf-8-sig", newline=""), delimiter=";"))
head, rows = rows[0], rows[1:]
assert len(rows) == n, (len(rows), n)
assert all(len(r) == len(head) for r in rows)
for name in ["Volet", "OS", "OO", "Titre", "Statut", "Avancement (%)", "Qui ?", "Porteur",
             "Échéance", "Début prévu", "Fin effective", "Budget (€)", "Dépensé (€)",
             "Indicateurs", "Notes", "Période de priorité"]:
    assert name in head, name
col = {name: i for i, name in enumerate(head)}
by_id = {r[col["Id"]]: r for r in rows}
a2, a14 = by_id["action-2"], by_id["action-14"]
assert a2[col["Volet"]] == "interne"
assert a2[col["OS"]] == "O.S.1 : Être un CPAS qui est attentif au bien-être de son personnel"
assert a2[col["OO"]].startswith("O.O.1.3 : Repenser l’aménagement des bureaux")
assert a2[col["Statut"]] == "terminé" and a2[col["Avancement (%)"]] == "100"
assert a2[col["Gestionnaire"]] == "Service social"
assert a2[col["Responsable"]] == "Jean Martin"
assert a2[col["Fin effective"]] == "2020-06-30"
assert a2[col["Budget (€)"]] == "15000.50", a2[col["Budget (€)"]]
assert a2[col["Dépensé (€)"]] == "9000"
assert "Wallonie" in a2[col["Lignes budgétaires"]] and "\n" in a2[col["Lignes budgétaires"]]
assert a14[col["Titre"]] == hostile
assert a14[col["Volet"]] == "externe"
assert a14[col["Avancement saisi (%)"]] == "40" and a14[col["Avancement (%)"]] == "40"
assert a14[col["Début prévu"]] == "2020-01-15" and a14[col["Fin prévue"]] == "2021-03-31"
assert a14[col["Porteur"]] == "Marie Dupont"
assert "dernière mesure 12 permanences le 31/12/2020" in a14[col["Indicateurs"]]
volets = [r[col["Volet"]] for r in rows]
assert volets == sorted(volets, key=lambda v: v != "interne"), "ordre du plan"
EOF

# ------------------------------------------------------------------ tableur, ODS

report "$B" tableur --date $DAY -o "$TMP/actions.ods"
O=$TMP/actions.ods
check "tableur ods : code 0" [ "$RC" -eq 0 ]
check "tableur ods : content.xml" "$PY" - "$O" "$B_ACTIONS" "$B_ITEMS" "$HOSTILE" <<'EOF'
import sys, zipfile, xml.dom.minidom
path, n, items, hostile = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
z = zipfile.ZipFile(path)
assert z.namelist()[0] == "mimetype"
assert z.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
doc = xml.dom.minidom.parseString(z.read("content.xml"))
for part in ["styles.xml", "meta.xml", "settings.xml", "META-INF/manifest.xml"]:
    xml.dom.minidom.parseString(z.read(part))
tables = doc.getElementsByTagName("table:table")
names = [t.getAttribute("table:name") for t in tables]
assert names == ["Volet externe", "Volet interne", "État d'avancement"], names

def text(cell):
    return "\n".join("".join(n.data for n in p.childNodes if n.nodeType == n.TEXT_NODE)
                     for p in cell.getElementsByTagName("text:p"))

def cells(row):  # empty cells in a run are written once, « repeated »
    out = []
    for c in row.getElementsByTagName("table:table-cell"):
        out += [c] * int(c.getAttribute("table:number-columns-repeated") or 1)
    return out

def rows(table):
    out = [cells(row) for row in table.getElementsByTagName("table:table-row")]
    return out[0], out[1:]

total = 0
for t in tables[:2]:
    head, body = rows(t)
    assert text(head[0]) == "Id" and "Budget (€)" in [text(c) for c in head]
    total += len(body)
assert total == n, (total, n)

head, body = rows(tables[1])
col = {text(c): i for i, c in enumerate(head)}
a2 = [r for r in body if text(r[0]) == "action-2"][0]
budget = a2[col["Budget (€)"]]
assert budget.getAttribute("office:value-type") == "currency"
assert budget.getAttribute("office:currency") == "EUR"
assert float(budget.getAttribute("office:value")) == 15000.50
end = a2[col["Fin effective"]]
assert end.getAttribute("office:value-type") == "date"
assert end.getAttribute("office:date-value") == "2020-06-30"
assert a2[col["Avancement (%)"]].getAttribute("office:value-type") == "percentage"
assert float(a2[col["Avancement (%)"]].getAttribute("office:value")) == 1.0
assert a2[col["Poids"]].getAttribute("office:value-type") == "float"

head, body = rows(tables[0])
col = {text(c): i for i, c in enumerate(head)}
a14 = [r for r in body if text(r[0]) == "action-14"][0]
assert text(a14[col["Titre"]]) == hostile
assert a14[col["Début prévu"]].getAttribute("office:date-value") == "2020-01-15"

head, body = rows(tables[2])
assert [text(c) for c in head] == ["Type", "Numéro", "Titre", "État", "Mandataire",
    "Gestionnaire", "Porteur", "Échéance", "Progression", "Constat", "Santé", "Détail"]
assert len(body) == items, (len(body), items)
kinds = [text(r[0]) for r in body]
assert kinds[0] == "OS" and kinds[1] == "OO" and {"OS", "OO", "Action"} <= set(kinds), set(kinds)
assert set(kinds) <= {"OS", "OO", "Action", "Tâche"}, set(kinds)
row = [r for r in body if text(r[2]) == hostile][0]
assert row[8].getAttribute("office:value-type") == "percentage"
assert text(row[6]) == "Marie Dupont"
assert text(row[10]).startswith(("dans les temps", "à risque", "en retard")), text(row[10])
raw = z.read("content.xml").decode()
assert "<script>" not in raw and "&lt;script&gt;" in raw
EOF

# Erezée: tasks too in the follow-up sheet.
report "$E" tableur --date $DAY -o "$TMP/erezee.ods"
check "tableur ods Erezée : les tâches dans l'état d'avancement" "$PY" - "$TMP/erezee.ods" <<'EOF'
import sys, zipfile, xml.dom.minidom
doc = xml.dom.minidom.parseString(zipfile.ZipFile(sys.argv[1]).read("content.xml"))
state = doc.getElementsByTagName("table:table")[2]
def text(cell):
    return "".join(n.data for p in cell.getElementsByTagName("text:p") for n in p.childNodes
                   if n.nodeType == n.TEXT_NODE)
def cells(row):
    out = []
    for c in row.getElementsByTagName("table:table-cell"):
        out += [c] * int(c.getAttribute("table:number-columns-repeated") or 1)
    return out
rows = [cells(r) for r in state.getElementsByTagName("table:table-row")][1:]
tasks = [r for r in rows if text(r[0]) == "Tâche"]
assert len(tasks) == 15, len(tasks)
done = [r for r in tasks if text(r[2]) == "Etablir un rapport de faisabilité"][0]
assert text(done[3]) == "terminé" and float(done[8].getAttribute("office:value")) == 1.0
assert text(done[7]) == "janvier 2020 -Rapport au Conseil"
a1 = [r for r in rows if text(r[1]) == "Action 1"][0]
assert text(a1[9]) == "retard du fournisseur", text(a1[9])
assert "santé : risque" in text(a1[10]), text(a1[10])
assert text(a1[4]) == "Président" and text(a1[6]) == "Marie Dupont"
kinds = [text(r[0]) for r in rows]
assert kinds.index("Tâche") == kinds.index("Action") + 1, "les tâches sous leur action"
EOF

# LibreOffice reads it: accents, dates shown as dates, amounts as amounts. A copy whose
# typed cells say « XX » proves that what shows is the value, not the text written.
"$PY" - "$O" "$TMP/valeurs.ods" <<'EOF'
import re, sys, zipfile
src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w")
for info in src.infolist():
    data = src.read(info.filename)
    if info.filename == "content.xml":
        data = re.sub(rb'(office:value-type="(?:currency|date|percentage|float)"[^>]*>)'
                      rb'<text:p>.*?</text:p>', rb"\1<text:p>XX</text:p>", data)
    dst.writestr(info, data, compress_type=info.compress_type)
dst.close()
EOF
check "tableur ods : converti par LibreOffice" sh "$RENDER" office "$O" "$TMP/valeurs.ods" "$TMP/ods"
pdftotext -layout "$TMP/ods/actions.pdf" "$TMP/ods.txt" 2>/dev/null || true
pdftotext -layout "$TMP/ods/valeurs.pdf" "$TMP/valeurs.txt" 2>/dev/null || true
check "tableur ods : les accents" has "$TMP/ods.txt" "O.S.1 : Être un CPAS qui est"
check "tableur ods : les en-têtes accentués" grep -qE "Type +Numéro +Titre +État +Mandataire" "$TMP/ods.txt"
check "tableur ods : la feuille d'état" has "$TMP/ods.txt" "Regrouper les assistants sociaux"
check "tableur ods : le titre tel qu'écrit" has "$TMP/ods.txt" "$HOSTILE"
for f in "$TMP/ods.txt" "$TMP/valeurs.txt"; do
	check "tableur ods : valeurs affichées par LibreOffice ($(basename "$f"))" "$PY" - "$f" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
assert "XX" not in text, "un texte écrit au lieu de la valeur"
assert "30/06/2020" in text and "15/01/2020" in text, "dates"
assert re.search(r"15[.\u202f\u00a0 ]?000,50\s?€", text), "montant"
assert re.search(r"9[.\u202f\u00a0 ]?000,00\s?€", text), "dépensé"
assert re.search(r"\b40\s?%", text), "pourcentage"
EOF
done

# ------------------------------------------------------------------ tableur, choices

report "$B" tableur --date $DAY -o "$TMP/x.csv"
check "tableur -o .csv : du CSV" [ "$(head -c 3 "$TMP/x.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ]
report "$B" tableur --format ods --date $DAY
check "tableur --format ods : un paquet ODF" [ "$(head -c 2 "$TMP/out")" = "PK" ]
report "$E" tableur --date $DAY
check "tableur Erezée : une ligne par action" [ "$(grep -c '^externe;action-' "$TMP/out")" -eq "$E_ACTIONS" ]
check "tableur Erezée : le champ du CPAS en dernière colonne" \
	[ "$(head -1 "$TMP/out" | tr -d '\r' | awk -F';' '{print $NF}')" = "Code projet" ]
check "tableur Erezée : sa valeur" grep -q '^externe;action-2;.*;P-17.$' "$TMP/out"
report "$B" tableur --format xls
check "tableur --format xls : refusé" has "$TMP/err" "--format attend ods ou csv, pas « xls »"
report "$B" tableur --date hier
check "tableur --date hier : refusé" has "$TMP/err" "--date attend une date AAAA-MM-JJ, pas « hier »"
report "$B" tableur -o "$TMP/x.xlsx"
check "tableur -o .xlsx : refusé" has "$TMP/err" "le tableur s’écrit en .ods ou .csv"

check_summary
