#!/bin/sh
# SPDX-License-Identifier: MIT
# Jalon finds its data wherever it is: the build tree's `jalon`, and an installed one
# moved to another prefix, both produce the dashboard without JALON_REPORTS_PATH and
# list the built-in reports in `jalon help report`; a CMake project links the installed
# static library (jalon::jalon_static) and runs.
#
#   tests/install/test_install.sh CMAKE BUILD_DIR SOURCE_DIR
# shellcheck disable=SC1112  # French apostrophes
set -eu
if [ $# -ne 3 ]; then
	echo "usage : $0 CMAKE BUILD_DIR SOURCE_DIR" >&2
	exit 64
fi
CMAKE=$1
BUILD=$2
SRC=$3
unset JALON_REPORTS_PATH
TMP=$(mktemp -d "${TMPDIR:-/tmp}/jalon-install.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
export JALON_AUTHOR="Test <test@example.org>"
passed=0
failed=0
ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "ÉCHEC : $*" >&2; }

# A store, made by the build tree's jalon.
"$BUILD/jalon" --store "$TMP/store" init >/dev/null
"$BUILD/jalon" --store "$TMP/store" import "$SRC/examples/erezee/pst-erezee-2019-2024.md" \
	>/dev/null 2>&1

dashboard() { # JALON OUTPUT
	if "$1" --store "$TMP/store" report dashboard -o "$2" 2>"$TMP/err" &&
		grep -q "Tableau de bord" "$2"; then ok; else ko "$1 report dashboard : $(cat "$TMP/err")"; fi
}
lists_builtins() { # JALON
	help=$("$1" help report)
	for r in dashboard evaluation fiche tableur; do
		if printf '%s\n' "$help" | grep -q "^  $r "; then ok; else ko "$1 help report : $r manque"; fi
	done
}

dashboard "$BUILD/jalon" "$TMP/build.html"
lists_builtins "$BUILD/jalon"

# Installed, then moved: the program finds its library and the library its reports.
"$CMAKE" --install "$BUILD" --prefix "$TMP/first" >/dev/null
mv "$TMP/first" "$TMP/moved"
dashboard "$TMP/moved/bin/jalon" "$TMP/moved.html"
lists_builtins "$TMP/moved/bin/jalon"
if "$TMP/moved/bin/jalon" --store "$TMP/store" report absent 2>"$TMP/err"; then
	ko "un rapport inconnu est accepté"
elif grep -q "$TMP/moved/share/jalon/reports" "$TMP/err"; then ok
else ko "le message ne nomme pas le dossier cherché : $(cat "$TMP/err")"; fi

# The static library through find_package(jalon).
if "$CMAKE" -S "$SRC/examples/host" -B "$TMP/host" -DCMAKE_PREFIX_PATH="$TMP/moved" \
	-DJALON_HOST_STATIC=ON >"$TMP/log" 2>&1 && "$CMAKE" --build "$TMP/host" >>"$TMP/log" 2>&1 &&
	"$TMP/host/host" "$TMP/store" 2021-01-01 >/dev/null 2>&1; then ok
else ko "hôte lié à jalon::jalon_static : $(tail -5 "$TMP/log")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
