#!/usr/bin/env python3
"""`dockward image` benchmark: layer reading throughput against `gzip -dc` / `zstd -dc` of
the same layer, peak memory as images grow, and wall time against `trivy image --input`
on the same archive, in one run.

    bench/image_bench.py --rootfs ROOTFS.tar [--save SAVE.tar] [--dockward target/release/dockward]
                         [--trivy PATH] [--runs 5] [--trivy-runs 1] [--out bench/out/image]

ROOTFS.tar is an uncompressed root filesystem (e.g. `tar -C rootfs -c .` of a
`debootstrap --variant=minbase bookworm` tree). The script writes OCI layouts (real sha256
digests) with the tree as one gzip layer, one zstd layer, and four gzip layers (four times
the bytes, the same files), plus a tar of the gzip layout; then times each tool with
medians of --runs runs, alternating tools within a round, and reads peak memory from GNU
time. SAVE.tar, a `docker save` of the same tree (`docker import ROOTFS.tar x && docker save
x`), is what trivy reads (`trivy image --input`; the trivy that cdxgen ships rejects OCI
tars silently), and dockward is timed on it too. trivy's secret scanner reads every file,
so it runs --trivy-runs times only. Nothing here is committed output: results go to --out.
"""

import argparse
import gzip
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def add_blob(layout, path_or_bytes):
    blobs = os.path.join(layout, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    if isinstance(path_or_bytes, bytes):
        digest = "sha256:" + hashlib.sha256(path_or_bytes).hexdigest()
        with open(os.path.join(blobs, digest[7:]), "wb") as f:
            f.write(path_or_bytes)
        return digest, len(path_or_bytes)
    digest = sha256_file(path_or_bytes)
    dest = os.path.join(blobs, digest[7:])
    if not os.path.exists(dest):
        os.link(path_or_bytes, dest) if os.stat(path_or_bytes).st_dev == os.stat(blobs).st_dev else shutil.copy(path_or_bytes, dest)
    return digest, os.path.getsize(dest)


def write_layout(layout, layers, diff_id, media_type):
    """An OCI layout whose layers are the given compressed files (all of one tree)."""
    shutil.rmtree(layout, ignore_errors=True)
    os.makedirs(layout)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    descs = []
    for layer in layers:
        digest, size = add_blob(layout, layer)
        descs.append({"mediaType": media_type, "digest": digest, "size": size})
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {"Cmd": ["/bin/bash"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id] * len(layers)},
        "history": [{"created_by": "ADD rootfs.tar / # bench"} for _ in layers],
    }
    cdigest, csize = add_blob(layout, json.dumps(config).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdigest, "size": csize},
        "layers": descs,
    }
    mdigest, msize = add_blob(layout, json.dumps(manifest).encode())
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": mdigest,
            "size": msize,
            "annotations": {"org.opencontainers.image.ref.name": "bench", "io.containerd.image.name": "bench/debian:12"},
        }],
    }
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(index, f)


def run_timed(cmd, stdout=subprocess.DEVNULL):
    """Wall seconds and peak RSS (KiB) of one run, through GNU time when present."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    rss_file = cmd_rss = None
    if os.path.exists(gnu_time):
        rss_file = "/tmp/dwimg-bench-rss"
        cmd_rss = [gnu_time, "-f", "%M", "-o", rss_file] + cmd
    start = time.perf_counter()
    proc = subprocess.run(cmd_rss or cmd, stdout=stdout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    ok = (0,) if "trivy" in os.path.basename(cmd[0]) else (0, 1)
    if proc.returncode not in ok:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    rss = None
    if rss_file and os.path.exists(rss_file):
        with open(rss_file) as f:
            lines = [l for l in f.read().split() if l.isdigit()]
            rss = int(lines[-1]) if lines else None
    return wall, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rootfs", required=True)
    ap.add_argument("--dockward", default="target/release/dockward")
    ap.add_argument("--trivy")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--trivy-runs", type=int, default=1)
    ap.add_argument("--save")
    ap.add_argument("--out", default="bench/out/image")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    out = os.path.abspath(args.out)
    rootfs = os.path.abspath(args.rootfs)
    size = os.path.getsize(rootfs)
    diff_id = sha256_file(rootfs)
    with tarfile.open(rootfs) as t:
        entries = sum(1 for _ in t)

    gz = os.path.join(out, "layer.tar.gz")
    zst = os.path.join(out, "layer.tar.zst")
    if not os.path.exists(gz):
        subprocess.run(["sh", "-c", f"gzip -6 -c '{rootfs}' > '{gz}'"], check=True)
    have_zstd = shutil.which("zstd") is not None
    if have_zstd and not os.path.exists(zst):
        subprocess.run(["zstd", "-q", "-3", "-f", rootfs, "-o", zst], check=True)
    gz_type = "application/vnd.oci.image.layer.v1.tar+gzip"
    write_layout(os.path.join(out, "layout-gz"), [gz], diff_id, gz_type)
    if have_zstd:
        write_layout(os.path.join(out, "layout-zstd"), [zst], diff_id, "application/vnd.oci.image.layer.v1.tar+zstd")
    # Four copies of the layer: four times the bytes, the same files. The copies must be
    # distinct blobs, so each gets a different gzip member appended (same content).
    quad = []
    for i in range(4):
        p = os.path.join(out, f"layer{i}.tar.gz")
        if not os.path.exists(p):
            shutil.copy(gz, p)
            with open(p, "ab") as f:
                f.write(gzip.compress(b"", mtime=i))
        quad.append(p)
    write_layout(os.path.join(out, "layout-gz-x4"), quad, diff_id, gz_type)
    archive = os.path.join(out, "layout-gz.tar")
    if not os.path.exists(archive):
        subprocess.run(["tar", "-C", os.path.join(out, "layout-gz"), "-cf", archive, "."], check=True)

    dw = [os.path.abspath(args.dockward), "image", "--isolated", "--exit-zero", "--format", "json", "-o", "/dev/null"]
    tools = {
        "gzip -dc": ["sh", "-c", f"gzip -dc '{gz}' > /dev/null"],
        "dockward (gzip layer)": dw + [os.path.join(out, "layout-gz")],
        "dockward (gzip, tar)": dw + [archive],
        "dockward (4 gzip layers)": dw + [os.path.join(out, "layout-gz-x4")],
    }
    if have_zstd:
        tools["zstd -dc"] = ["sh", "-c", f"zstd -dc '{zst}' > /dev/null"]
        tools["dockward (zstd layer)"] = dw + [os.path.join(out, "layout-zstd")]
    if args.save:
        tools["dockward (docker save)"] = dw + [os.path.abspath(args.save)]
    if args.trivy and args.save:
        cache = os.path.join(out, "trivy-cache")
        tools["trivy image --input (docker save)"] = [
            args.trivy, "image", "--input", os.path.abspath(args.save), "--cache-dir", cache,
            "--scanners", "secret", "--image-config-scanners", "config,secret", "--offline-scan",
            "--skip-db-update", "--skip-java-db-update", "--skip-policy-update", "--quiet",
            "--format", "json", "--output", os.path.join(out, "trivy.json"),
        ]
    # Warm-up: the page cache (trivy's is its first timed run, with its cache emptied).
    for name, cmd in tools.items():
        if not name.startswith("trivy"):
            run_timed(cmd)
    samples = {name: [] for name in tools}
    rss = {name: 0 for name in tools}
    names = list(tools)
    for r in range(args.runs):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            if name.startswith("trivy") and r >= args.trivy_runs:
                continue
            if name.startswith("trivy"):
                shutil.rmtree(os.path.join(out, "trivy-cache", "fanal"), ignore_errors=True)
            wall, peak = run_timed(tools[name])
            samples[name].append(wall)
            rss[name] = max(rss[name], peak or 0)
    med = {n: statistics.median(s) for n, s in samples.items()}
    lines = [
        f"rootfs: {size / 1e6:.1f} MB uncompressed, {entries} entries; gzip layer {os.path.getsize(gz) / 1e6:.1f} MB"
        + (f", zstd layer {os.path.getsize(zst) / 1e6:.1f} MB" if have_zstd else ""),
        f"runs: {args.runs} per tool, medians; peak RSS from GNU time",
        "",
        f"{'tool':42} {'median s':>9} {'min s':>7} {'max s':>7} {'MB/s':>7} {'peak RSS MB':>12}",
    ]
    for n in names:
        mbps = (size * (4 if "4 gzip" in n else 1)) / med[n] / 1e6
        lines.append(f"{n:42} {med[n]:9.3f} {min(samples[n]):7.3f} {max(samples[n]):7.3f} {mbps:7.0f} {rss[n] / 1024:12.1f}")
    lines.append("")
    lines.append(f"throughput ratio dockward/gzip -dc (gzip layer): {med['gzip -dc'] / med['dockward (gzip layer)']:.2f} (goal >= 0.8)")
    if have_zstd:
        lines.append(f"throughput ratio dockward/zstd -dc (zstd layer): {med['zstd -dc'] / med['dockward (zstd layer)']:.2f}")
    lines.append(
        f"peak memory, 4x the layer bytes vs 1x: {rss['dockward (4 gzip layers)'] / max(rss['dockward (gzip layer)'], 1):.2f}x"
    )
    t = [n for n in names if n.startswith("trivy")]
    if t:
        lines.append(f"wall time trivy / dockward on the same docker save: {med[t[0]] / med['dockward (docker save)']:.1f}x")
    report = "\n".join(lines)
    print(report)
    with open(os.path.join(out, "results.txt"), "w") as f:
        f.write(report + "\n")
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"samples": samples, "peak_rss_kib": rss, "bytes": size, "entries": entries}, f, indent=1)


if __name__ == "__main__":
    main()
