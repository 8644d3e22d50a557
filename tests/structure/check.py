#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The frame of core/: its layers run one way (DESIGN.md §3).

    check.py CORE_DIR STATIC_LIB OBJECT…

Draws the structure of core/ twice — from the sources' #include lines and from the
compiled objects' symbols (who calls whom, whatever is declared where) — and fails
when an arrow runs up a layer, when a file outside core/ext/ includes Lua or the
extension layer's headers (but core/open.c, the entry that attaches it), when the store
handle names a type of the layers above, when the library exports a symbol without the
jalon_ or jl_ prefix, or when a source does not say its licence (SPDX). Prints the layers with their files, and the arrows it refused.
"""
import os
import re
import subprocess
import sys

# Bottom to top; the files directly in core/ are the library's entry, above them all.
LAYERS = ["model", "format", "store", "change", "jobs", "ext", "."]
LUA_HEADERS = {"lua.h", "lauxlib.h", "lualib.h"}
ENTRY = "open.c"


def layer_of(rel):
    folder = os.path.dirname(rel) or "."
    return LAYERS.index(folder) if folder in LAYERS else None


def sources(core):
    for folder, _, names in os.walk(core):
        for name in sorted(names):
            if name.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(folder, name), core)


def include_arrows(core, problems):
    arrows = set()
    for rel in sources(core):
        here = layer_of(rel)
        if here is None:
            problems.append(f"{rel}: dans aucun dossier de couche ({', '.join(LAYERS[:-1])})")
            continue
        with open(os.path.join(core, rel), encoding="utf-8") as f:
            text = f.read()
        for system in re.findall(r'#include <([^>]+)>', text):
            if system in LUA_HEADERS and not rel.startswith("ext/"):
                problems.append(f"{rel}: inclut <{system}> hors de core/ext/")
        for inc in re.findall(r'#include "([^"]+)"', text):
            if inc.startswith("jalon/") or inc == "jalon.h":
                continue  # the public headers, below everything
            if inc.startswith("ext/") and not rel.startswith("ext/") and rel != ENTRY:
                problems.append(f"{rel}: inclut {inc}, un en-tête de la couche des extensions")
            there = layer_of(inc)
            if there is None:
                problems.append(f"{rel}: inclut {inc}, hors des couches")
            elif there > here:
                problems.append(f"{rel} ({LAYERS[here]}) inclut {inc} ({LAYERS[there]}) : "
                                "une flèche qui remonte")
            if there is not None:
                arrows.add((rel, inc))
    return arrows


def symbols(obj):
    out = subprocess.run(["nm", "-g", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRC":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def object_source(obj, core):
    # CMake names an object after its source: …/jalon_objects.dir/core/store/store.c.o
    match = re.search(r"/core/(.+\.c)\.o$", obj)
    return match.group(1) if match else None


def call_arrows(core, objects, problems):
    defined_by, needs = {}, {}
    for obj in objects:
        src = object_source(obj, core)
        if not src:
            continue
        defined, undefined = symbols(obj)
        for name in defined:
            defined_by[name] = src
        needs[src] = undefined
    arrows = set()
    for src, undefined in needs.items():
        here = layer_of(src)
        for name in undefined:
            there_src = defined_by.get(name)
            if not there_src or there_src == src:
                continue
            there = layer_of(there_src)
            if here is not None and there is not None and there > here:
                problems.append(f"{src} ({LAYERS[here]}) appelle {name} de {there_src} "
                                f"({LAYERS[there]}) : une flèche qui remonte")
            arrows.add((src, there_src))
    return arrows


def check_store_handle(core, problems):
    with open(os.path.join(core, "store", "store.h"), encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"struct jalon_store \{(.*?)\};", text, re.S)
    if not match:
        problems.append("store/store.h: pas de définition de struct jalon_store")
        return
    body = re.sub(r"/\*.*?\*/", "", match.group(1), flags=re.S)
    for word in ("lua", "script", "plugin", "remind", "progress", "hook", "rule"):
        if re.search(word, body, re.I):
            problems.append(f"struct jalon_store nomme « {word} » : le store ne tient que la "
                            "base, l'historique, la personne qui agit et le registre")


def check_prefixes(lib, problems):
    defined, _ = symbols(lib)
    # "__…": what a sanitizer's instrumentation adds (__odr_asan.jl_…), not ours
    bare = sorted(n for n in defined if not n.startswith(("jalon_", "jl_", "__")))
    for name in bare:
        problems.append(f"{os.path.basename(lib)} exporte {name} sans préfixe jalon_ ni jl_")


def check_licence(core, problems):
    """Every source of the library, its headers, the command and the plug-ins says its
    licence (MIT) in an SPDX line: the library is embedded in software that is not."""
    root = os.path.dirname(os.path.abspath(core))
    for top in ("core", "include", "cli", "plugins", "scripts"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if not name.endswith((".c", ".h", ".lua", ".sh")):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    head = f.read(300)
                if "SPDX-License-Identifier: MIT" not in head:
                    problems.append(f"{os.path.relpath(path, root)}: pas de ligne "
                                    "SPDX-License-Identifier: MIT")


def cycles_between_layers(arrows):
    """Layer pairs joined both ways (impossible when no arrow runs up, kept as a check)."""
    pairs = {(layer_of(a), layer_of(b)) for a, b in arrows}
    return sorted({tuple(sorted(p)) for p in pairs if p[0] != p[1] and (p[1], p[0]) in pairs})


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 64
    core, lib, objects = sys.argv[1], sys.argv[2], sys.argv[3:]
    problems = []
    arrows = include_arrows(core, problems) | call_arrows(core, objects, problems)
    check_store_handle(core, problems)
    check_prefixes(lib, problems)
    check_licence(core, problems)
    for a, b in cycles_between_layers(arrows):
        problems.append(f"cycle entre les couches {LAYERS[a]} et {LAYERS[b]}")
    for i, name in enumerate(LAYERS):
        files = sorted(os.path.basename(r) for r in sources(core) if layer_of(r) == i)
        print(f"{i} {name if name != '.' else 'entrée'}: {' '.join(files)}")
    print(f"{len(arrows)} flèches (inclusions et appels), {len(problems)} problème(s)")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
