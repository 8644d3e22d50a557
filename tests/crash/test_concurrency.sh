#!/bin/sh
# SPDX-License-Identifier: MIT
# Four processes making 200 changes each at once: all 800 in SQLite and in the history.
#   test_concurrency.sh CRASH_WRITER JALON
set -eu
writer=$1
jalon=$2
here=$(cd "$(dirname "$0")" && pwd)
count=${JALON_CONCURRENCY_COUNT:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store=$work/store
export JALON_AUTHOR="Test <test@example.org>"
"$jalon" --store "$store" init
"$jalon" --store "$store" import "$here/plan.md" >/dev/null
before=$(git --git-dir="$store/history.git" rev-list --count main)

pids=""
for w in a b c d; do
    "$writer" "$store" "$w" 1 "$count" >"$work/acks.$w" 2>"$work/errors.$w" &
    pids="$pids $!"
done
status=0
for pid in $pids; do
    wait "$pid" || status=1
done
if [ "$status" -ne 0 ]; then
    cat "$work"/errors.*
    echo "0 passed, 1 failed"
    exit 1
fi

"$jalon" --store "$store" fsck
"$jalon" --store "$store" export --format json -o "$work/export.json"
python3 "$here/check_acks.py" "$work/export.json" "$work"/acks.*
after=$(git --git-dir="$store/history.git" rev-list --count main)
sets=$(cat "$work"/acks.* | grep -c '^set ' || true)
expected=$((before + 4 * count + sets))
echo "commits : $before avant, $after après, $expected attendus"
[ "$after" -eq "$expected" ] || { echo "0 passed, 1 failed"; exit 1; }
actions=$(python3 -c 'import json,sys; print(sum(1 for i in json.load(open(sys.argv[1]))["items"] if i["kind"] == "action"))' "$work/export.json")
[ "$actions" -eq $((4 * count)) ] || { echo "$actions actions au lieu de $((4 * count))"; echo "0 passed, 1 failed"; exit 1; }
for w in a b c d; do
    n=$(git --git-dir="$store/history.git" log --format='%an' main | grep -cx "$w" || true)
    [ "$n" -ge "$count" ] || { echo "auteur $w : $n commits"; echo "0 passed, 1 failed"; exit 1; }
done
echo "1 passed, 0 failed"
