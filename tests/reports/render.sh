#!/bin/sh
# SPDX-License-Identifier: MIT
# Renders report files as a reader would see them, for the report tests:
#
#   render.sh html IN.html OUT.png [WIDTH HEIGHT]   screenshot in headless Chromium
#                                                   (window 1024x1400 by default)
#   render.sh pdf IN.html OUT.pdf                   print layout (A4 unless the page's
#                                                   @page says otherwise, no header/footer)
#   render.sh office IN.odt|IN.ods... OUTDIR        LibreOffice's PDF of each file, in
#                                                   OUTDIR/NAME.pdf
#
# html and pdf go through tests/reports/cdp.py (Chromium driven over the DevTools
# protocol): every console message, page error and failed or blocked load is written to
# stderr, and the status is 1 when any is an error or the render failed.  office runs
# LibreOffice with a fresh private profile (so that runs can overlap) and fails (1) when
# a PDF is missing.  Bad usage or a missing program: status 2.
# Environment: CHROMIUM (default /usr/bin/chromium), RENDER_TIMEOUT (seconds, default
# 60 for Chromium, 180 for LibreOffice).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

usage() {
	echo "usage :" >&2
	sed -n '4,9s/^# \{0,1\}//p' "$0" >&2
	exit 2
}
need() {
	command -v "$1" >/dev/null 2>&1 ||
		{ echo "render.sh : $1 absent (voir scripts/install-deps.sh)" >&2; exit 2; }
}

[ $# -ge 1 ] || usage
mode=$1
shift
case $mode in
html)
	[ $# -eq 2 ] || [ $# -eq 4 ] || usage
	need "${CHROMIUM:-/usr/bin/chromium}"
	exec "$PY" "$HERE/cdp.py" png "$@"
	;;
pdf)
	[ $# -eq 2 ] || usage
	need "${CHROMIUM:-/usr/bin/chromium}"
	exec "$PY" "$HERE/cdp.py" pdf "$@"
	;;
office)
	[ $# -ge 2 ] || usage
	need libreoffice
	# The last argument is OUTDIR; the others, rotated back into "$@", the inputs.
	n=$#
	for arg; do
		shift
		if [ "$n" -gt 1 ]; then set -- "$@" "$arg"; else outdir=$arg; fi
		n=$((n - 1))
	done
	mkdir -p "$outdir"
	for f; do
		[ -f "$f" ] || { echo "render.sh : $f introuvable" >&2; exit 2; }
		b=$(basename "$f")
		rm -f "$outdir/${b%.*}.pdf" # no stale PDF passing for a new one
	done
	profile=$(mktemp -d "${TMPDIR:-/tmp}/jalon-lo.XXXXXX")
	trap 'rm -rf "$profile"' EXIT
	# LibreOffice says 0 even when it cannot load a file: the PDFs are what tell.
	rc=0
	timeout "${RENDER_TIMEOUT:-180}" libreoffice -env:UserInstallation="file://$profile/user" \
		--headless --convert-to pdf --outdir "$outdir" "$@" >"$profile/log" 2>&1 || rc=$?
	status=0
	for f; do
		b=$(basename "$f")
		[ -s "$outdir/${b%.*}.pdf" ] && continue
		echo "render.sh : la conversion de $f en PDF n'a rien produit ($outdir/${b%.*}.pdf)" >&2
		status=1
	done
	if [ "$rc" -ne 0 ]; then
		echo "render.sh : libreoffice a fini avec le code $rc" >&2
		status=1
	fi
	[ "$status" -eq 0 ] || sed 's/^/  libreoffice : /' "$profile/log" >&2
	exit "$status"
	;;
*) usage ;;
esac
