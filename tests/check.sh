# SPDX-License-Identifier: MIT
# Sourced by the end-to-end test scripts: one check at a time, a tally at the end.
#   check DESCRIPTION COMMAND…   counts a pass when COMMAND succeeds, else prints ÉCHEC
#   check_summary                prints "N passed, M failed"; false when any failed
PASS=0
FAIL=0
check() {
	desc=$1
	shift
	if "$@"; then PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); echo "ÉCHEC : $desc" >&2; fi
}
check_summary() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
