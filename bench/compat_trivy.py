#!/usr/bin/env python3
"""Agreement between `trivy config` and dockward on a folder of Dockerfiles.

For every trivy Dockerfile check (DS-xxxx) that a dockward rule references, counts per file
whether each tool reports it: both, trivy only, dockward only. Files trivy does not
recognise as Dockerfiles (it goes by name) are left out.

    trivy config --skip-policy-update --format json -o trivy.json CORPUS/dockerfiles
    dockward scan --isolated --select DW --format json --exit-zero CORPUS/dockerfiles > dw.json
    python3 bench/compat_trivy.py --trivy trivy.json --dockward dw.json --rules rules.json \\
        --root CORPUS/dockerfiles [--examples 3]

(`rules.json` is `dockward rules --format json`.) Prints a markdown table and, with
--examples, a few files of each disagreement to read.
"""

import argparse
import json
import os
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trivy", required=True)
    ap.add_argument("--dockward", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--root", required=True, help="the folder both tools scanned")
    ap.add_argument("--examples", type=int, default=0)
    a = ap.parse_args()

    rules = json.load(open(a.rules))
    codes_of = defaultdict(set)  # DS-0002 -> {DW101}
    for r in rules:
        for ref in r["references"]:
            if ref.startswith("trivy:"):
                codes_of[ref.split(":", 1)[1]].add(r["code"])

    trivy = json.load(open(a.trivy))
    files = set()
    t_fail = defaultdict(set)  # DS-0002 -> {file}
    titles = {}
    for res in trivy.get("Results", []):
        if res.get("Type") != "dockerfile":
            continue
        path = os.path.normpath(res["Target"])
        files.add(path)
        for m in res.get("Misconfigurations", []) or []:
            if m.get("Status", "FAIL") != "FAIL":
                continue
            ds = m["AVDID"].replace("AVD-", "")
            t_fail[ds].add(path)
            titles[ds] = m["Title"]

    dw = json.load(open(a.dockward))
    d_fail = defaultdict(set)  # DW101 -> {file}
    for f in dw["findings"]:
        path = os.path.normpath(os.path.relpath(f["path"], a.root)) if "path" in f else None
        if path in files:
            d_fail[f["code"]].add(path)

    print(f"files both tools read as Dockerfiles: {len(files)}\n")
    print("| trivy check | dockward | both | trivy only | dockward only | agreement |")
    print("|---|---|---|---|---|---|")
    rows = []
    for ds in sorted(set(codes_of) | set(t_fail)):
        if ds not in codes_of:
            continue
        theirs = t_fail.get(ds, set())
        ours = set().union(*(d_fail.get(c, set()) for c in codes_of[ds]))
        both = len(theirs & ours)
        agree = (len(files) - len(theirs ^ ours)) / len(files) * 100
        rows.append((ds, theirs, ours))
        print(f"| {ds} {titles.get(ds, '')} | {', '.join(sorted(codes_of[ds]))} | {both} | "
              f"{len(theirs - ours)} | {len(ours - theirs)} | {agree:.1f}% |")
    unmapped = sorted(ds for ds in t_fail if ds not in codes_of)
    if unmapped:
        print("\ntrivy checks with no dockward equivalent: " + ", ".join(
            f"{ds} ({titles.get(ds, '')}, {len(t_fail[ds])} files)" for ds in unmapped))
    if a.examples:
        for ds, theirs, ours in rows:
            for label, diff in (("trivy only", theirs - ours), ("dockward only", ours - theirs)):
                if diff:
                    print(f"\n{ds} {label}: " + ", ".join(sorted(diff)[: a.examples]))


if __name__ == "__main__":
    main()
