#!/bin/sh
# SPDX-License-Identifier: MIT
# Kills a writer at random points, at least 200 times, then checks that the store is
# consistent (jalon fsck, git fsck) and that no acknowledged change was lost.
#   test_crash.sh CRASH_WRITER JALON
set -eu
writer=$1
jalon=$2
here=$(cd "$(dirname "$0")" && pwd)
kills=${JALON_CRASH_KILLS:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store=$work/store
export JALON_AUTHOR="Test <test@example.org>"
"$jalon" --store "$store" init
"$jalon" --store "$store" import "$here/plan.md" >/dev/null

next=1
k=0
while [ "$k" -lt "$kills" ]; do
    "$writer" "$store" crash "$next" 1000000 >>"$work/acks" 2>>"$work/errors" &
    pid=$!
    # A pseudo-random delay from 0 to 150 ms, different at each round.
    delay=$(awk -v seed="$k$$" 'BEGIN { srand(seed); printf "%.3f", rand() * 0.15 }')
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    k=$((k + 1))
    last=$(awk '$1 == "add" && NF == 3 { sub(/^crash-/, "", $2); n = $2 } END { print n + 0 }' "$work/acks")
    next=$((last + 1))
done

# The next open repairs; then everything must agree.
"$jalon" --store "$store" fsck
git --git-dir="$store/history.git" fsck --no-dangling --no-progress
"$jalon" --store "$store" export --format json -o "$work/export.json"
python3 "$here/check_acks.py" "$work/export.json" "$work/acks"
commits=$(git --git-dir="$store/history.git" rev-list --count main)
echo "$kills arrêts brutaux, $commits commits dans l'historique"
echo "1 passed, 0 failed"
