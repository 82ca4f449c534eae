#!/usr/bin/env python3
"""ShellCheck findings of hadolint and of `dockward scan --shellcheck` on the same Dockerfiles.

Takes a deterministic sample of the corpus's Dockerfiles (every k-th file of the sorted
list), runs both tools once over it (one process each, timed), and compares the SC findings
as (file, line, code): hadolint reports every ShellCheck comment at the first line of its
RUN instruction, dockward at the exact place, so each dockward finding is moved to the
first line of the instruction that holds it (the nearest `RUN`/`ONBUILD` line above) first.

    python3 bench/compat_shellcheck.py --hadolint PATH --dockward PATH \\
        --root CORPUS/dockerfiles [--sample 200] [--examples 3]

Prints the wall times and a markdown table per code: both, hadolint only, dockward only.
"""

import argparse
import json
import os
import re
import subprocess
import time
from collections import defaultdict

DOCKERFILE = re.compile(r"(^|\.)[Dd]ockerfile(\..*)?$|^Dockerfile")
INSTRUCTION = re.compile(r"^\s*(RUN|ONBUILD)\b", re.IGNORECASE)


def sample(root, n):
    files = []
    for dirpath, _, names in os.walk(root):
        for name in names:
            if DOCKERFILE.search(name):
                files.append(os.path.join(dirpath, name))
    files.sort()
    step = max(1, len(files) // n)
    return files[::step][:n]


def instruction_line(lines, line):
    """The 1-based line of the RUN/ONBUILD at or above `line`."""
    for i in range(min(line, len(lines)), 0, -1):
        if INSTRUCTION.match(lines[i - 1]):
            return i
    return line


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hadolint", required=True)
    ap.add_argument("--dockward", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--examples", type=int, default=0)
    a = ap.parse_args()
    files = sample(a.root, a.sample)

    t = time.monotonic()
    h = subprocess.run([a.hadolint, "--no-fail", "-f", "json", *files], capture_output=True)
    h_wall = time.monotonic() - t
    t = time.monotonic()
    d = subprocess.run(
        [a.dockward, "scan", "--isolated", "--shellcheck", "--select", "SC", "--format", "json",
         "--exit-zero", "--type", "dockerfile", *files],
        capture_output=True,
    )
    d_wall = time.monotonic() - t

    hadolint = set()
    for f in json.loads(h.stdout or b"[]"):
        if f["code"].startswith("SC"):
            hadolint.add((os.path.normpath(f["file"]), f["line"], f["code"]))
    dw = json.loads(d.stdout)
    dockward = set()
    texts = {}
    for f in dw["findings"]:
        path = os.path.normpath(f["path"])
        if path not in texts:
            with open(path, encoding="utf-8", errors="replace") as fh:
                texts[path] = fh.read().split("\n")
        dockward.add((path, instruction_line(texts[path], f["line"]), f["code"]))

    print(f"{len(files)} files; wall time, one run each: hadolint {h_wall:.2f} s, "
          f"dockward --shellcheck {d_wall:.2f} s")
    print(f"dockward errors: {len(dw['errors'])}")
    per = defaultdict(lambda: [0, 0, 0])
    for key in hadolint | dockward:
        row = per[key[2]]
        row[0 if key in hadolint and key in dockward else 1 if key in hadolint else 2] += 1
    total = [sum(r[i] for r in per.values()) for i in range(3)]
    print(f"\n(file, line, code) pairs: both {total[0]}, hadolint only {total[1]}, "
          f"dockward only {total[2]}\n")
    print("| code | both | hadolint only | dockward only |")
    print("|---|---:|---:|---:|")
    for code, row in sorted(per.items(), key=lambda kv: -sum(kv[1])):
        print(f"| {code} | {row[0]} | {row[1]} | {row[2]} |")
    # hadolint keeps at most one ShellCheck finding per instruction line (its failures are
    # deduplicated by line), so a dockward-only pair on a line where hadolint reported
    # another SC code is that, not a disagreement.
    h_lines = {(k[0], k[1]) for k in hadolint}
    d_only = dockward - hadolint
    shadowed = [k for k in d_only if (k[0], k[1]) in h_lines]
    alone = sorted(k for k in d_only if (k[0], k[1]) not in h_lines)
    print(f"\ndockward-only pairs on a line where hadolint reported another SC code: {len(shadowed)}")
    print(f"dockward-only pairs on a RUN where hadolint reported no SC code: {len(alone)}")
    counts = defaultdict(int)
    for k in alone:
        counts[k[2]] += 1
    print("  by code: " + ", ".join(f"{c} {n}" for c, n in sorted(counts.items(), key=lambda kv: -kv[1])))
    h_multi = defaultdict(int)
    for k in hadolint:
        h_multi[(k[0], k[1])] += 1
    print(f"hadolint lines with more than one SC code: {sum(1 for v in h_multi.values() if v > 1)} "
          f"of {len(h_multi)}")
    if a.examples:
        print("\ndockward only, RUN without hadolint SC finding:")
        for key in alone[: a.examples * 5]:
            print("  ", key)
        for label, diff in (("hadolint only", hadolint - dockward), ("dockward only", dockward - hadolint)):
            print(f"\n{label}:")
            for key in sorted(diff)[: a.examples * 5]:
                print("  ", key)


if __name__ == "__main__":
    main()
