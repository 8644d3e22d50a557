#!/bin/sh
# SPDX-License-Identifier: MIT
# `jalon report dashboard` end to end: the tableau de bord of the Baelen and Erezée PSTs,
# after changes made here (statuses, progress, échéances, budgets, indicators, a
# transversal action, a hostile title), checked in the HTML, rendered in Chromium at a
# desktop and a phone size, and printed to an A4 PDF:
#
#   tests/reports/test_dashboard.sh PATH/TO/jalon
#
# Needs python3, chromium, pdftotext and pdfinfo (tests/reports/render.sh).
# Prints "N passed, M failed" last.
# shellcheck disable=SC2016,SC1112  # $ in single-quoted sh -c; French apostrophes in text
set -eu

REPORT=dashboard
# shellcheck source=setup.sh
. "$(dirname "$0")/setup.sh"
export JALON_AUTHOR="Anne DG <dg@cpas-baelen.be>"

NNBSP=$(printf '\342\200\257') # narrow no-break space: 12 500,00 €, 40 %
NBSP=$(printf '\302\240')       # no-break space: « mars 2020 », Qui ?

# ------------------------------------------------------------------ helpers

# Facts read from the HTML by a real parser (html.parser), one query at a time:
#   os FILE                 "os-1 13" per OS block: its id and its bar's aria-valuenow
#   items FILE SECTION      the data-id of the items listed in <section id=SECTION>
#   text FILE ID            the text of the element with that id, spaces collapsed
#   bar FILE ID             aria-valuenow of the first progressbar inside element ID
#   budget FILE OS          "prévu | dépensé | taux" of that OS's budget row
#   unsafe FILE             the tags and attributes a self-contained page must not have
cat >"$TMP/facts.py" <<'EOF'
import html.parser, re, sys

class Page(html.parser.HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "source",
            "wbr", "line", "circle", "polyline", "rect", "path"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.elements, self.unsafe = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        el = {"tag": tag, "attrs": a, "text": [], "children": [],
              "parent": self.stack[-1] if self.stack else None}
        if el["parent"]:
            el["parent"]["children"].append(el)
        self.elements.append(el)
        if tag in ("script", "iframe", "object", "embed", "img", "link", "base", "form"):
            self.unsafe.append("<" + tag + ">")
        for k, v in a.items():
            if k.startswith("on") or (k in ("src", "href", "action") and v):
                self.unsafe.append(tag + "@" + k)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        while self.stack:
            el = self.stack.pop()
            if el["tag"] == tag:
                break

    def handle_data(self, data):
        for el in self.stack:
            el["text"].append(data)

def walk(el):
    yield el
    for c in el["children"]:
        yield from walk(c)

def bar(el):
    for e in walk(el):
        if e["attrs"].get("role") == "progressbar":
            return e["attrs"].get("aria-valuenow", "nil")
    return "none"

page = Page()
page.feed(open(sys.argv[2], encoding="utf-8").read())
what = sys.argv[1]
by_id = {e["attrs"]["id"]: e for e in page.elements if "id" in e["attrs"]}
if what == "os":
    for e in page.elements:
        if e["tag"] == "section" and "os" in e["attrs"].get("class", "").split():
            print(e["attrs"].get("id"), bar(e))
elif what == "items":
    sec = by_id[sys.argv[3]]
    for e in walk(sec):
        if e["tag"] == "ul" and "items" in e["attrs"].get("class", "").split():
            for li in e["children"]:
                print(li["attrs"].get("data-id"))
elif what == "text":
    # ASCII white space only: the no-break spaces of French typography are kept
    print(re.sub(r"[ \t\r\n]+", " ", "".join(by_id[sys.argv[3]]["text"])).strip())
elif what == "bar":
    print(bar(by_id[sys.argv[3]]))
elif what == "budget":
    for e in page.elements:
        if e["tag"] == "tr" and e["attrs"].get("data-os") == sys.argv[3]:
            cells = [c for c in e["children"] if c["tag"] == "td" and "num" in c["attrs"].get("class", "")]
            print(" | ".join("".join(c["text"]).strip() for c in cells))
elif what == "unsafe":
    print(" ".join(page.unsafe))
EOF
facts() { "$PY" "$TMP/facts.py" "$@"; }
has() { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qF -- "$2" "$1"; }
# The roll-up's own figure for an item on a day, to compare with the page's bars.
rollup() {
	"$JALON" --store "$1" progress "$2" --date "$3" --json |
		"$PY" -c 'import json,sys; p=json.load(sys.stdin).get("progress"); print("nil" if p is None else p)'
}
equals() { [ "$1" = "$2" ] || { echo "  attendu « $2 », obtenu « $1 »" >&2; false; }; }
# The PNG is that size and not blank (png_check.py's summary line kept quiet).
png_ok() { "$PY" "$PNG_CHECK" "$@" >/dev/null; }
# The first PDF page whose text holds a string.
page_of() { pdftotext "$1" - 2>/dev/null | awk -v s="$2" 'BEGIN { RS = "\f" } index($0, s) { print NR; exit }'; }
# How many pixels of a colour a PNG of that size holds (in a region: --region X Y W H).
colour_count() {
	f=$1 w=$2 h=$3 c=$4
	shift 4
	"$PY" "$PNG_CHECK" "$f" "$w" "$h" 1 --max-background 101 "$@" --count-colour "$c" |
		awk -v c="$c" '$1 == c { print $2 }'
}

# ------------------------------------------------------------------ Baelen

B=$TMP/baelen
"$JALON" --store "$B" init -q
"$JALON" --store "$B" import "$EXAMPLES/baelen/pst-baelen-2019-2024.md" -q
set_b() { "$JALON" --store "$B" set "$@" -q; }
DAY=2020-06-15
# O.S.1 (interne): the first action started, late, priority, with budget and indicator.
set_b action-1 statut="en cours" avancement=40 "échéance=mars 2020" "qui=DG + Présidente" \
	priorité=oui 'budget=2020 ; 12 500 € ; 8451 ; Wallonie ; Formation ; 8 000 €'
set_b action-1 'indicateur=Personnes accompagnées ; unité: personnes ; base: 10 ; cible: 50 ; année: 2024'
set_b action-1 'mesure=2019-12-31 ; 22'
set_b action-1 'mesure=2020-03-31 ; 30,5'
set_b action-1 'mesure=2020-04-30 ; beaucoup'
set_b action-1 'mesure=2021-12-31 ; 45'
set_b action-2 "échéance=juin 2020" porteur="Marie Dupont <marie@cpas-baelen.be>"
# O.S.1: a hostile title, and an unbroken word longer than a phone is wide in the plan's.
set_b "O.O.1.3" 'titre=<script>alert("x")</script> & R&D'
LONG=Anticonstitutionnellementdéraisonnablementinterminablementinsécablement
set_b plan "titre=Programme Stratégique Transversal du CPAS de Baelen $LONG"
# O.S.2 (interne): done and abandoned items are never late.
set_b action-4 statut=terminé "échéance=janvier 2020"
set_b action-5 statut=abandonné "échéance=janvier 2020" 'budget=2020 ; 300 € ; 8790 ; Commune'
set_b action-6 statut=reporté "échéance=fin 2019"
# O.S.3 (externe): budgets, one transversal action also under O.O.4.1 (O.S.4).
set_b action-14 'budget=2021 ; 1 250,50 € ; 8441 ; Commune'
set_b action-15 'budget=2020 ; 100 000 € ; 8441 ; Région ; Logement ; 25 000 €' \
	'répartition=O.O.3.2 = 60 ; O.O.4.1 = 40' priorité=oui statut="en cours"
set_b action-20 statut=terminé
set_b action-30 "échéance=1er juillet 2020" statut="en cours"
# O.S.4 (externe)
set_b action-53 avancement=75 statut="en cours" "échéance=2019-2021"

check "Baelen : le rapport tourne" "$JALON" --store "$B" report dashboard --date $DAY -o "$TMP/b.html"
H=$TMP/b.html
check "Baelen : le fichier est écrit" [ -s "$H" ]
check "Baelen : une page HTML complète" has "$H" '<!DOCTYPE html>'
check "Baelen : ni script, ni ressource externe, ni gestionnaire" equals "$(facts unsafe "$H")" ""
check "Baelen : la CSP interdit le réseau" has "$H" "default-src 'none'"
check "Baelen : CSS d’impression A4" has "$H" '@page { size: A4; margin: 15mm; }'
check "Baelen : pas de coupure dans un bloc d’OS" has "$H" 'page-break-inside: avoid'

# Header: organisation, title, period, day, plan and volets.
check "en-tête : organisation" has "$H" '<p class="org">CPAS de Baelen</p>'
check "en-tête : période" has "$H" 'Période 2019–2024'
check "en-tête : jour mesuré" has "$H" 'mesuré le 15 juin 2020'
check "en-tête : 56 actions, 0 tâche" has "$H" '56 actions, 0 tâche'
check "en-tête : barre du plan = jalon progress plan" \
	equals "$(facts bar "$H" plan)" "$(rollup "$B" plan $DAY)"
check "en-tête : volet externe = jalon progress externe" \
	equals "$(facts bar "$H" volet-externe)" "$(rollup "$B" externe $DAY)"
check "en-tête : volet interne = jalon progress interne" \
	equals "$(facts bar "$H" volet-interne)" "$(rollup "$B" interne $DAY)"

# Every OS, with its bar at the roll-up's figure; volets grouped.
facts os "$H" >"$TMP/os" || true
check "arbre : les 4 OS dans l’ordre" equals "$(cut -d' ' -f1 "$TMP/os" | tr '\n' ' ')" \
	"os-1 os-2 os-3 os-4 "
for n in 1 2 3 4; do
	check "arbre : O.S.$n a sa barre au chiffre du calcul" \
		equals "$(grep "^os-$n " "$TMP/os" | cut -d' ' -f2)" "$(rollup "$B" "O.S.$n" $DAY)"
	check "arbre : O.S.$n nommé" has "$H" "<span class=\"name\">O.S.$n</span>"
done
check "arbre : O.S.1 à 13 % (40 % sur 3 OO mesurables)" grep -q '^os-1 13$' "$TMP/os"
check "arbre : une barre complète (rôle, min, max, valeur)" has "$H" \
	'role="progressbar" aria-valuenow="13" aria-valuemin="0" aria-valuemax="100"'
check "arbre : pourcentage écrit" has "$H" "<span class=\"pct\">13${NNBSP}%</span>"
check "arbre : avancement attendu marqué" has "$H" '<span class="expected" style="left:100%"'
check "arbre : santé en mots" has "$H" '<span class="health late">en retard</span>'
check "arbre : rien à mesurer" has "$H" '<span class="pct">rien à mesurer</span>'
check "arbre : volets groupés (interne d’abord, comme le plan)" \
	grep -q '<div class="volet" data-volet="interne"><h3>Volet interne</h3>' "$H"
check "arbre : OO en lignes" [ "$(grep -c '<li class="oo" id="oo-' "$H")" -eq 29 ]
check "arbre : actions listées sous les OO (petit plan)" has "$H" '<li class="action" data-id="action-1">'
check "arbre : l’action transversale sous ses deux OO" \
	[ "$(grep -c '<li class="action" data-id="action-15">' "$H")" -eq 2 ]

# Counts: one transversal action counted once.
check "statuts : à lancer" has "$H" \
	'<tr data-status="à lancer"><th scope="row">à lancer</th><td class="num">48</td>'
check "statuts : en cours" has "$H" \
	'<tr data-status="en cours"><th scope="row">en cours</th><td class="num">4</td>'
check "statuts : terminé" has "$H" '<th scope="row">terminé</th><td class="num">2</td>'
check "statuts : reporté" has "$H" '<th scope="row">reporté</th><td class="num">1</td>'
check "statuts : abandonné" has "$H" '<th scope="row">abandonné</th><td class="num">1</td>'
check "statuts : total" has "$H" '<tfoot><tr><th scope="row">Total</th><td class="num">56</td>'
check "compte : en retard" equals "$(facts text "$H" count-overdue)" "2 en retard (échéance dépassée)"
check "compte : dans les 30 jours" equals "$(facts text "$H" count-soon)" \
	"2 échéance dans les 30 jours"
check "compte : prioritaires" equals "$(facts text "$H" count-priority)" "2 prioritaires"

# Lists: overdue (oldest first), due within 30 days, priority; Qui ? from the records.
check "retards : action-6 (fin 2019) puis action-1 (mars 2020)" \
	equals "$(facts items "$H" retards | tr '\n' ' ')" "action-6 action-1 "
check "retards : ni terminé, ni abandonné" equals "$(facts items "$H" retards | grep -c 'action-[45]$')" 0
check "retards : jours de retard" has "$H" '<dd>76 jours</dd>'
check "retards : Qui ?" has "$H" '<dd>DG + Présidente</dd>'
check "retards : échéance en toutes lettres et comme écrite" has "$H" \
	"31 mars 2020 (écrit «${NBSP}mars 2020${NBSP}»)"
check "bientôt : action-2 (30 juin), action-30 (1er juillet)" \
	equals "$(facts items "$H" bientot | tr '\n' ' ')" "action-2 action-30 "
check "bientôt : Qui ? d’après les personnes liées" has "$H" '<dd>Marie Dupont</dd>'
check "bientôt : dans 15 jours" has "$H" '<dd>15 jours</dd>'
check "prioritaires : action-1, action-15" \
	equals "$(facts items "$H" prioritaires | tr '\n' ' ')" "action-1 action-15 "
check "prioritaires : sans échéance, dit" has "$H" '<dt>Échéance</dt><dd>non précisée</dd>'
check "prioritaires : statut et avancement" has "$H" \
	'<dt>Statut</dt><dd>en cours</dd></div></dl><div class="measure"><div class="bar'

# Budget by OS, French amounts; the transversal action in both OS, once in the total.
check "budget : O.S.1 prévu, dépensé, taux" equals "$(facts budget "$H" os-1)" \
	"12${NNBSP}500,00${NNBSP}€ | 8${NNBSP}000,00${NNBSP}€ | 64${NNBSP}%"
check "budget : O.S.2, l’action abandonnée ne compte pas" equals "$(facts budget "$H" os-2)" \
	"0,00${NNBSP}€ | — | —"
check "budget : O.S.3 prévu, rien de dépensé connu sauf l’action transversale" \
	equals "$(facts budget "$H" os-3)" "101${NNBSP}250,50${NNBSP}€ | 25${NNBSP}000,00${NNBSP}€ | 25${NNBSP}%"
check "budget : O.S.4, l’action transversale" equals "$(facts budget "$H" os-4)" \
	"100${NNBSP}000,00${NNBSP}€ | 25${NNBSP}000,00${NNBSP}€ | 25${NNBSP}%"
check "budget : total prévu, l’action transversale une fois" \
	equals "$(facts text "$H" budget-total)" "113${NNBSP}750,50${NNBSP}€"
check "budget : total dépensé" equals "$(facts text "$H" spent-total)" "33${NNBSP}000,00${NNBSP}€"
check "budget : barres SVG" [ "$(grep -c '<svg class="budget"' "$H")" -eq 4 ]
check "budget : dit que l’action transversale compte dans chaque OS" has "$H" \
	'une action transversale compte dans chaque OS où elle figure, une seule fois dans le total'

# Indicators: baseline, measurements up to the day, target; a non-number said.
check "indicateur : un graphique" has "$H" '<figure class="indicator" data-id="action-1">'
check "indicateur : base, mesures, cible" has "$H" \
	"base 10 · 31/12/2019${NBSP}: 22 · 31/03/2020${NBSP}: 30,5 · cible 50 en 2024"
check "indicateur : 2 points de mesure" [ "$(grep -o '<circle class="measurement"' "$H" | wc -l)" -eq 2 ]
check "indicateur : ligne de cible" has "$H" '<line class="target"'
check "indicateur : pas un nombre, dit" has "$H" "mesure du 30/04/2020 «${NBSP}beaucoup${NBSP}»"
check "indicateur : mesure postérieure au jour, dite" has "$H" '1 mesure après le 15/06/2020'

# Escaping.
check "échappement : pas de <script>" hasnt "$H" '<script'
check "échappement : titre montré comme texte" has "$H" \
	'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; R&amp;D'

# Same day, same page; stdout as well as -o.
"$JALON" --store "$B" report dashboard --date $DAY >"$TMP/b2.html" || true
check "sortie standard : la même page" cmp -s "$H" "$TMP/b2.html"

# Arguments.
bad() {
	rc=0
	"$JALON" --store "$B" report dashboard "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" -ne 0 ] && [ ! -s "$TMP/out" ]
}
check "--format pdf : refusé" bad --format pdf
check "--format pdf : le message dit pourquoi" grep -q -- "--format attend html, pas « pdf »" "$TMP/err"
check "-o x.odt : refusé" bad -o "$TMP/x.odt"
check "-o x.odt : rien d’écrit" [ ! -e "$TMP/x.odt" ]
check "--date 2020-02-30 : refusé" bad --date 2020-02-30
check "--date : le message nomme l’option" grep -q -- "--date attend une date AAAA-MM-JJ, pas « 2020-02-30 »" "$TMP/err"
check "argument inconnu : refusé" bad --bientot
check "--format html : accepté" "$JALON" --store "$B" report dashboard --format=html --date $DAY -o "$TMP/b3.html"
check "--format html : la même page" cmp -s "$H" "$TMP/b3.html"

# Rendered: desktop and phone (no console error; not blank; the late red drawn; the
# right margin of the phone left empty: nothing overflows, long titles wrap).
check "rendu bureau (Chromium)" sh "$RENDER" html "$H" "$TMP/b.png" 1280 1400
check "rendu bureau : PNG 1280x1400 non vide" png_ok "$TMP/b.png" 1280 1400 50
check "rendu bureau : le rouge « en retard » des barres" \
	[ "$(colour_count "$TMP/b.png" 1280 1400 b3261e)" -gt 500 ]
check "rendu téléphone (390 de large)" sh "$RENDER" html "$H" "$TMP/p.png" 390 844
check "rendu téléphone : PNG 390x844 non vide" png_ok "$TMP/p.png" 390 844 30
check "rendu téléphone : marge droite vide (rien ne déborde, le mot long est coupé)" \
	[ "$(colour_count "$TMP/p.png" 390 844 ffffff --region 382 0 8 844)" -eq $((8 * 844)) ]

# Printed: A4, every OS title in the text, the hostile title as text.
check "impression PDF (Chromium)" sh "$RENDER" pdf "$H" "$TMP/b.pdf"
pdftotext "$TMP/b.pdf" - 2>/dev/null | tr -s ' \n' '  ' >"$TMP/b.txt" || true
check "PDF : A4 (595 x 842 pts)" sh -c 'pdfinfo "$1" | grep -Eq "^Page size: +59[45](\.[0-9]+)? x 84[12](\.[0-9]+)? pts"' \
	sh "$TMP/b.pdf"
for title in "Être un CPAS qui est attentif au bien-être de son personnel" \
	"Être un CPAS qui est en phase avec le développement durable" \
	"Être un CPAS qui a une gestion solidaire pour une société plus humaine, plus égalitaire et digne" \
	"Être un CPAS qui développe son accueil pour la petite enfance"; do
	check "PDF : « $title »" has "$TMP/b.txt" "$title"
done
same_page() {
	a=$(page_of "$1" "$2") b=$(page_of "$1" "$3")
	[ -n "$a" ] && [ "$a" = "$b" ] || { echo "  $2 page « $a », $3 page « $b »" >&2; false; }
}
check "PDF : O.S.1 sur une seule page (jusqu’à O.O.1.8)" same_page "$TMP/b.pdf" O.S.1 O.O.1.8
check "PDF : O.S.2 sur une seule page" same_page "$TMP/b.pdf" O.S.2 O.O.2.2
check "PDF : O.S.4 sur une seule page" same_page "$TMP/b.pdf" O.S.4 O.O.4.3
check "PDF : le titre hostile en texte" has "$TMP/b.txt" '<script>alert("x")</script> & R&D'
check "PDF : montants (pdftotext rend les espaces fines en espaces)" has "$TMP/b.txt" "113 750,50 €"

# ------------------------------------------------------------------ Erezée

E=$TMP/erezee
"$JALON" --store "$E" init -q
"$JALON" --store "$E" import "$EXAMPLES/erezee/pst-erezee-2019-2024.md" -q 2>"$TMP/import.err"
check "Erezée : le rapport tourne" "$JALON" --store "$E" report dashboard --date 2020-01-15 -o "$TMP/e.html"
H=$TMP/e.html
check "Erezée : écrit" [ -s "$H" ]
check "Erezée : organisation" has "$H" '<p class="org">CPAS d’Erezée</p>'
check "Erezée : un OS, sa barre au chiffre du calcul" \
	equals "$(facts os "$H")" "os-1 $(rollup "$E" os-1 2020-01-15)"
check "Erezée : OS sans numéro, nommé par son titre" has "$H" \
	'<span class="name">OS</span> Être un CPAS efficace et efficient'
check "Erezée : 5 OO" [ "$(grep -c '<li class="oo" id="oo-' "$H")" -eq 5 ]
check "Erezée : 12 actions, 15 tâches" has "$H" '12 actions, 15 tâches'
check "Erezée : tâches comptées par statut" has "$H" \
	'<tr data-status="à lancer"><th scope="row">à lancer</th><td class="num">12</td><td class="num">15</td>'
check "Erezée : en retard, la tâche « fin 2019 »" equals "$(facts items "$H" retards)" task-13
check "Erezée : la tâche dans son action" has "$H" \
	'<div class="context">dans Action 9 Proposer des formations'
check "Erezée : Qui ? de la tâche" has "$H" '<dd>DG</dd>'
check "Erezée : dans les 30 jours, les rapports de janvier 2020" \
	equals "$(facts items "$H" bientot | tr '\n' ' ')" "task-3 task-4 "
check "Erezée : aucune priorité" has "$H" 'Aucune action prioritaire.'
check "Erezée : aucun budget encodé" has "$H" 'Aucun budget encodé.'
check "Erezée : pas d’indicateurs, pas de section" hasnt "$H" 'id="indicateurs"'
check "Erezée : rendu sans erreur" sh "$RENDER" html "$H" "$TMP/e.png" 1024 1400
check "Erezée : PNG non vide" png_ok "$TMP/e.png" 1024 1400 30
check "Erezée : PDF" sh "$RENDER" pdf "$H" "$TMP/e.pdf"
check "Erezée : l’OS dans le PDF" sh -c 'pdftotext "$1" - | tr -s " \n" "  " |
	grep -qF "Être un CPAS efficace et efficient dans l’action sociale"' sh "$TMP/e.pdf"

# ------------------------------------------------------------------ a large plan

# 400 actions (the tree stops at the OO beyond 300) of which 320 overdue: lists capped.
G=$TMP/grand
awk 'BEGIN {
	print "---\norganisation: CPAS de Grand-Essai\ntitre: PST 2019-2024\npériode: 2019-2024\n---"
	for (i = 0; i < 400; i++) {
		if (i % 100 == 0) printf "# Volet %s\n## OS %d : Objectif %d\n", (i / 100) % 2 ? "interne" : "externe", i / 100 + 1, i / 100 + 1
		if (i % 20 == 0) printf "### OO %d : Levier %d\n", i / 20 + 1, i / 20 + 1
		printf "- Action %d : Mener l’action numéro %d\n  échéance: %s\n", i + 1, i + 1, i % 5 ? "mars 2020" : "2024"
	}
}' >"$TMP/grand.md"
"$JALON" --store "$G" init -q
"$JALON" --store "$G" import "$TMP/grand.md" -q
check "grand plan : le rapport tourne" "$JALON" --store "$G" report dashboard --date 2020-06-15 -o "$TMP/g.html"
H=$TMP/g.html
check "grand plan : 4 OS" [ "$(facts os "$H" | wc -l)" -eq 4 ]
check "grand plan : 20 OO" [ "$(grep -c '<li class="oo"' "$H")" -eq 20 ]
check "grand plan : pas d’actions dans l’arbre" hasnt "$H" '<li class="action"'
check "grand plan : l’arbre s’arrête aux OO, dit" has "$H" "400 actions${NBSP}: l’arbre s’arrête aux objectifs opérationnels."
check "grand plan : 320 en retard" equals "$(facts text "$H" count-overdue)" "320 en retard (échéance dépassée)"
check "grand plan : 30 listés" [ "$(facts items "$H" retards | wc -l)" -eq 30 ]
check "grand plan : … et 290 autres" has "$H" '<p class="more">… et 290 autres</p>'
check "grand plan : comptes des OO" has "$H" '20 actions · 0 terminée sur 20 · 16 en retard'

check_summary
