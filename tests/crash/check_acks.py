# SPDX-License-Identifier: MIT
"""Checks that every change a writer acknowledged is in a JSON export of the store.

usage: check_acks.py EXPORT.json ACKS...
"""
import json
import sys

doc = json.load(open(sys.argv[1], encoding="utf-8"))
items = {i["id"]: i for i in doc["items"]}
titles = {}
for i in doc["items"]:
    titles.setdefault(i["title"], []).append(i["id"])
adds = sets = missing = 0
for path in sys.argv[2:]:
    last_progress = {}
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if len(parts) != 3:
            continue  # a line cut by the kill: not acknowledged
        if parts[0] == "add":
            adds += 1
            if parts[2] not in items or items[parts[2]]["title"] != parts[1]:
                print(f"perdu : {parts[1]} ({parts[2]})")
                missing += 1
        elif parts[0] == "set":
            sets += 1
            last_progress[parts[1]] = int(parts[2])
    for ident, progress in last_progress.items():
        got = items.get(ident, {}).get("progress")
        # A later change may have been committed but killed before its acknowledgement.
        if got is None:
            print(f"avancement perdu : {ident} attendu {progress}, trouvé {got}")
            missing += 1
print(f"{adds} ajouts et {sets} modifications confirmés, {missing} perdus")
sys.exit(1 if missing else 0)
