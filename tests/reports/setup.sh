# SPDX-License-Identifier: MIT
# What every report test starts with, sourced after setting REPORT (its name):
#   JALON (the binary, $1), HERE, ROOT (the sources), EXAMPLES ($2, else ROOT/examples),
#   RENDER, PNG_CHECK, PY, a scratch TMP removed at exit (kept when KEEP is set), the
#   built-in reports of the sources, UTC and UTF-8, and tests/check.sh.
# shellcheck shell=sh disable=SC2034  # the variables are the tests'
JALON=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EXAMPLES=${2:-$ROOT/examples}
RENDER=$HERE/render.sh
PNG_CHECK=$HERE/png_check.py
PY=/usr/bin/python3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/jalon-$REPORT.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
export TZ=UTC LC_ALL=C.UTF-8 JALON_REPORTS_PATH="$ROOT/scripts/reports"
# shellcheck source=../check.sh
. "$HERE/../check.sh"
