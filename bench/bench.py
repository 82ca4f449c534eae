#!/usr/bin/env python3
"""dockward vs hadolint and checkov, in one run. Started by bench/run.sh (which installs
the peers and builds dockward); see the usage there and docs/benchmarks.md.

Standard library only. Timing: hyperfine (`-N`, no shell) when present, else a Python
loop (wall clock around fork/exec/wait4, so it includes Python's spawn cost). Peak memory:
`/usr/bin/time -v` (its "Maximum resident set size"), one extra run per tool and input,
which also warms the page cache and counts the files each tool analysed.
"""

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {
    "hadolint_ratio": 300.0,
    "checkov_ratio": 100.0,
    "version_ms": 5.0,
    "small_file_ms": 10.0,
    "rss_mb": 200.0,
    "linear_tolerance": 1.25,
}

LOG = None


def say(*parts):
    line = " ".join(str(p) for p in parts)
    print(line, flush=True)
    if LOG:
        LOG.write(line + "\n")
        LOG.flush()


# ---------------------------------------------------------------- measuring


class Timer:
    """Runs a command `runs` times (after `warmup` unmeasured runs) and returns samples:
    wall seconds per run, and mean user/system CPU seconds."""

    def __init__(self, use_hyperfine: bool, workdir: Path):
        self.hyperfine = shutil.which("hyperfine") if use_hyperfine else None
        self.workdir = workdir

    def describe(self):
        if self.hyperfine:
            v = subprocess.run([self.hyperfine, "--version"], capture_output=True, text=True).stdout.strip()
            return f"{v} (-N: no intermediate shell; output to /dev/null)"
        return "Python loop (perf_counter around fork/exec/wait4; output to /dev/null)"

    def run(self, cmd, runs, warmup=0, cwd=None):
        if self.hyperfine:
            return self._hyperfine(cmd, runs, warmup, cwd)
        return self._loop(cmd, runs, warmup, cwd)

    def _hyperfine(self, cmd, runs, warmup, cwd):
        fd, out = tempfile.mkstemp(suffix=".json", dir=self.workdir)
        os.close(fd)
        args = [self.hyperfine, "-N", "-i", "--style", "none", "--runs", str(runs), "--export-json", out]
        if warmup:
            args += ["--warmup", str(warmup)]
        args.append(shlex.join(cmd))
        # hyperfine's warnings (outliers, ignored exit codes) are noise here; show them
        # only when it fails.
        r = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(f"bench: hyperfine failed on {shlex.join(cmd)}:\n{r.stderr}")
        result = json.loads(Path(out).read_text())["results"][0]
        os.unlink(out)
        bad = [c for c in result.get("exit_codes", []) if c not in (0, 1)]
        if bad:
            sys.exit(f"bench: exit code {bad[0]} from {shlex.join(cmd)}")
        return {"wall": result["times"], "user": result["user"], "sys": result["system"]}

    def _loop(self, cmd, runs, warmup, cwd):
        walls, users, syss = [], [], []
        for i in range(warmup + runs):
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode not in (0, 1):
                sys.exit(f"bench: exit code {proc.returncode} from {shlex.join(cmd)}")
            if i >= warmup:
                walls.append(wall)
                users.append(usage.ru_utime)
                syss.append(usage.ru_stime)
        return {"wall": walls, "user": statistics.fmean(users), "sys": statistics.fmean(syss)}


def peak_rss(cmd, workdir, cwd=None, stdout_path=None):
    """One run under /usr/bin/time -v: (max RSS in kB, wall seconds, exit code). The
    command's stdout goes to `stdout_path` (kept, to count files) or /dev/null."""
    fd, report = tempfile.mkstemp(suffix=".time", dir=workdir)
    os.close(fd)
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", report] + cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
    finally:
        if stdout_path:
            out.close()
    text = Path(report).read_text(errors="replace")
    os.unlink(report)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return (int(m.group(1)) if m else None), wall, proc.returncode


def check_exit(name, cmd, code):
    """Findings make dockward and checkov exit 1; anything else means the run is not a
    measurement of the tool doing its job."""
    if code not in (0, 1):
        sys.exit(f"bench: {name} exited with {code}: {shlex.join(cmd)}")


def instructions(cmd, cwd=None):
    """Instructions executed (valgrind cachegrind, no cache simulation), one thread."""
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    r = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"] + cmd,
                       cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"I\s+refs:\s+([\d,]+)", r.stderr)
    return int(m.group(1).replace(",", "")) if m else None


def stats(walls):
    s = sorted(walls)
    out = {"n": len(s), "median": statistics.median(s), "min": s[0], "max": s[-1]}
    if len(s) >= 4:
        q = statistics.quantiles(s, n=4, method="inclusive")
        out["q1"], out["q3"] = q[0], q[2]
    return out


def fmt_t(sec):
    if sec >= 10:
        return f"{sec:.1f} s"
    if sec >= 1:
        return f"{sec:.2f} s"
    if sec >= 0.01:
        return f"{sec * 1000:.0f} ms"
    return f"{sec * 1000:.2f} ms"


def fmt_stats(st):
    spread = f"min {fmt_t(st['min'])}, max {fmt_t(st['max'])}"
    if "q1" in st:
        spread += f", IQR {fmt_t(st['q1'])}–{fmt_t(st['q3'])}"
    return f"median {fmt_t(st['median'])} ({spread}; n={st['n']})"


def verdict(ok):
    return "PASS" if ok else "FAIL"


# ---------------------------------------------------------------- the machine


def machine():
    info = {"nproc": os.cpu_count(), "uname": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def load():
    try:
        return Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return ["?"]


def version_of(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return (r.stdout.strip() or r.stderr.strip()).splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


# ---------------------------------------------------------------- counting files


def dockward_files(json_path):
    try:
        return json.loads(Path(json_path).read_text())["files_scanned"]
    except (OSError, ValueError, KeyError):
        return None


def checkov_files(json_path):
    """`resource_count` of the dockerfile report: checkov counts one resource per file
    it parsed as a Dockerfile."""
    try:
        data = json.loads(Path(json_path).read_text())
    except (OSError, ValueError):
        return None
    reports = data if isinstance(data, list) else [data]
    total = 0
    for report in reports:
        if report.get("check_type", "dockerfile") == "dockerfile":
            total += report.get("summary", {}).get("resource_count", 0)
    return total


# ---------------------------------------------------------------- sections


def corpus_dockerfiles(a, timer, work, results):
    corpus = a.corpus
    ddir = corpus / "dockerfiles"
    files = sorted(
        str(p.relative_to(corpus)) for p in ddir.rglob("*") if p.is_file() and p.name not in ("SOURCES.md", "FORMAT.md")
    )
    nbytes = sum((corpus / f).stat().st_size for f in files)
    listfile = work / "hadolint-files.txt"
    listfile.write_bytes(b"\0".join(f.encode() for f in files) + b"\0")
    say(f"\n== 1. Dockerfile corpus: {ddir} ({len(files)} files, {nbytes / 1e6:.2f} MB)")

    # hadolint takes many files per process: all of them, in as few processes as xargs
    # allows (-s at the system maximum: usually one process).
    xargs = ["xargs", "-0", "-a", str(listfile), "-s", "2000000"]
    batches = subprocess.run(
        xargs + ["sh", "-c", "echo x", "sh"], cwd=corpus, capture_output=True, text=True
    ).stdout.count("x")
    tools = {
        "dockward": [str(a.dockward), "scan", "--format", "json", "dockerfiles"],
        "hadolint": xargs + [str(a.hadolint), "--no-fail", "-f", "json"],
        "checkov": [
            str(a.checkov), "-d", "dockerfiles", "--framework", "dockerfile",
            "--quiet", "--compact", "-o", "json", "--skip-download",
        ],
    }
    if a.skip_peers:
        tools = {"dockward": tools["dockward"]}
    for name, cmd in tools.items():
        say(f"  {name:9s} $ (cd {corpus} && {shlex.join(cmd)})")
    say(f"  hadolint runs as {batches} process(es) over the {len(files)} files")

    # Peak memory + file counts + page-cache warm-up: one run each under /usr/bin/time -v.
    counts, rss = {}, {}
    for name, cmd in tools.items():
        out = work / f"corpus-{name}.out"
        kb, wall, code = peak_rss(cmd, work, cwd=corpus, stdout_path=out)
        check_exit(name, cmd, code)
        rss[name] = kb
        if name == "dockward":
            counts[name] = dockward_files(out)
        elif name == "hadolint":
            counts[name] = len(files)
        else:
            counts[name] = checkov_files(out)
        say(f"  {name:9s} warm-up/RSS run: {fmt_t(wall)}, exit {code}, peak RSS {kb / 1024:.1f} MB, files analysed {counts[name]}")

    # Timed rounds, the tools alternating (order rotated each round).
    samples = {name: [] for name in tools}
    cpu = {name: [] for name in tools}
    names = list(tools)
    for r in range(a.rounds):
        order = names[r % len(names):] + names[: r % len(names)]
        say(f"  round {r + 1}/{a.rounds} ({', '.join(order)}; load {' '.join(load())})")
        for name in order:
            runs = a.dockward_runs if name == "dockward" else a.peer_runs
            res = timer.run(tools[name], runs=runs, warmup=2 if name == "dockward" else 0, cwd=corpus)
            samples[name] += res["wall"]
            cpu[name].append(res["user"] + res["sys"])

    out = {"files": len(files), "bytes": nbytes, "hadolint_processes": batches, "tools": {}}
    for name in tools:
        st = stats(samples[name])
        st["cpu_mean"] = statistics.fmean(cpu[name])
        st["rss_kb"] = rss[name]
        st["files_analysed"] = counts[name]
        st["command"] = f"cd {corpus} && {shlex.join(tools[name])}"
        out["tools"][name] = st
        say(f"  {name:9s} {fmt_stats(st)}; CPU (user+sys) {fmt_t(st['cpu_mean'])}; peak RSS {rss[name] / 1024:.1f} MB")
    if "hadolint" in out["tools"]:
        h = out["tools"]["hadolint"]
        out["hadolint_per_file_ms"] = h["median"] / len(files) * 1000
        say(f"  hadolint per file (batched): {out['hadolint_per_file_ms']:.1f} ms")
    d = out["tools"]["dockward"]
    say(f"  dockward per file: {d['median'] / max(d['files_analysed'] or 1, 1) * 1e6:.1f} µs; "
        f"{(d['files_analysed'] or 0) / d['median']:.0f} files/s, {nbytes / d['median'] / 1e6:.1f} MB/s (2 threads, whole process)")
    for peer in ("hadolint", "checkov"):
        if peer in out["tools"]:
            p = out["tools"][peer]
            out[f"ratio_{peer}"] = p["median"] / d["median"]
            out[f"cpu_ratio_{peer}"] = p["cpu_mean"] / d["cpu_mean"]
            out[f"min_ratio_{peer}"] = p["min"] / d["min"]
            say(f"  dockward vs {peer}: {out[f'ratio_{peer}']:.0f}x faster (wall, medians; "
                f"{out[f'min_ratio_{peer}']:.0f}x on minimums); {out[f'cpu_ratio_{peer}']:.0f}x less CPU time (user+sys)")
    results["corpus"] = out


def corpus_compose(a, timer, work, results):
    cdir = a.corpus / "compose"
    files = [p for p in cdir.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml")]
    nbytes = sum(p.stat().st_size for p in files)
    cmd = [str(a.dockward), "scan", "--format", "json", "compose"]
    say(f"\n== 2. Compose corpus (dockward alone): {cdir} ({len(files)} YAML files, {nbytes / 1e6:.2f} MB)")
    say(f"  $ (cd {a.corpus} && {shlex.join(cmd)})")
    out_json = work / "compose-dockward.out"
    kb, _, code = peak_rss(cmd, work, cwd=a.corpus, stdout_path=out_json)
    check_exit("dockward", cmd, code)
    scanned = dockward_files(out_json)
    res = timer.run(cmd, runs=a.dockward_runs * a.rounds, warmup=2, cwd=a.corpus)
    st = stats(res["wall"])
    st.update({"rss_kb": kb, "files_analysed": scanned, "yaml_files": len(files), "bytes": nbytes,
               "command": f"cd {a.corpus} && {shlex.join(cmd)}"})
    say(f"  {fmt_stats(st)}; exit {code}; peak RSS {kb / 1024:.1f} MB; files_scanned {scanned}")
    if scanned:
        say(f"  throughput: {scanned / st['median']:.0f} files/s, {nbytes / st['median'] / 1e6:.1f} MB/s")
    else:
        say("  NOTE: dockward scanned no Compose file (this build does not discover Compose files yet);"
            " the time above is discovery alone")
    results["compose"] = st


def monorepo(a, timer, work, results):
    parent = Path(a.tmpdir) if a.tmpdir else None
    root = Path(tempfile.mkdtemp(prefix="dockward-monorepo-", dir=parent))
    say(f"\n== 3. Generated monorepo: {a.mono_dockerfiles} Dockerfiles + {a.mono_compose} Compose files in {root}")
    gen = [sys.executable, str(Path(__file__).with_name("gen_monorepo.py")), "--out", str(root),
           "--dockerfiles", str(a.mono_dockerfiles), "--compose", str(a.mono_compose), "--shards", "4",
           "--corpus", str(a.corpus)]
    say(f"  $ {shlex.join(gen[1:])}")
    start = time.perf_counter()
    manifest = json.loads(subprocess.run(gen, check=True, capture_output=True, text=True).stdout)
    say(f"  generated in {time.perf_counter() - start:.1f} s, {manifest['bytes'] / 1e6:.1f} MB")
    shards = manifest["shards"]
    sizes = [("1/4", shards[:1]), ("1/2", shards[:2]), ("full", shards)]
    rows = []
    try:
        for label, part in sizes:
            paths = [str(root / s["dir"]) for s in part]
            n_files = sum(s["dockerfiles"] + s["compose"] for s in part)
            n_bytes = sum(s["dockerfile_bytes"] + s["compose_bytes"] for s in part)
            cmd = [str(a.dockward), "scan", "--format", "json"] + paths
            out_json = work / f"mono-{label.replace('/', '_')}.out"
            kb, _, code = peak_rss(cmd, work, stdout_path=out_json)
            check_exit("dockward", cmd, code)
            scanned = dockward_files(out_json)
            res = timer.run(cmd, runs=a.mono_runs, warmup=1)
            st = stats(res["wall"])
            st.update({"label": label, "files": n_files, "bytes": n_bytes, "files_analysed": scanned,
                       "rss_kb": kb, "cpu_mean": res["user"] + res["sys"], "exit": code,
                       "command": shlex.join(cmd).replace(str(root), "$MONO")})
            if a.instructions:
                st["instructions"] = instructions(cmd)
            rows.append(st)
            say(f"  {label:4s} {n_files:6d} files ({n_bytes / 1e6:6.1f} MB): {fmt_stats(st)}; "
                f"files_scanned {scanned}; peak RSS {kb / 1024:.1f} MB; "
                f"{n_bytes / st['median'] / 1e6:.0f} MB/s; {st['median'] / n_files * 1e6:.1f} µs/file")
            if "instructions" in st:
                say(f"       {st['instructions']:,} instructions (valgrind, 1 thread)")
            say(f"       $ {st['command']}")
    finally:
        if a.keep_monorepo:
            say(f"  kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    # Linearity is judged on CPU time (user+sys): on a shared machine the wall time of a
    # multi-second run depends on what else runs; the work done does not. Wall is shown too.
    cpu_base = rows[0]["cpu_mean"] / rows[0]["bytes"]
    wall_base = rows[0]["median"] / rows[0]["bytes"]
    worst = max(r["cpu_mean"] / r["bytes"] / cpu_base for r in rows)
    worst_wall = max(r["median"] / r["bytes"] / wall_base for r in rows)
    results["monorepo"] = {"rows": rows, "manifest": manifest, "cpu_per_byte_worst_vs_quarter": worst,
                           "wall_per_byte_worst_vs_quarter": worst_wall}
    if all(r.get("instructions") for r in rows):
        ins_base = rows[0]["instructions"] / rows[0]["bytes"]
        results["monorepo"]["instructions_per_byte_worst_vs_quarter"] = max(
            r["instructions"] / r["bytes"] / ins_base for r in rows)
        say("  instructions per byte relative to the 1/4 tree: "
            + ", ".join(f"{r['label']} {r['instructions'] / r['bytes'] / ins_base:.3f}" for r in rows))
    say("  CPU time (user+sys): " + ", ".join(f"{r['label']} {fmt_t(r['cpu_mean'])}" for r in rows))
    say("  CPU cost per byte relative to the 1/4 tree: "
        + ", ".join(f"{r['label']} {r['cpu_mean'] / r['bytes'] / cpu_base:.2f}" for r in rows)
        + "; wall: " + ", ".join(f"{r['label']} {r['median'] / r['bytes'] / wall_base:.2f}" for r in rows))


def startup(a, timer, work, results):
    small = a.small_file
    say(f"\n== 4. Start-up (small file: {small}, {small.stat().st_size} bytes)")
    cmds = {
        "dockward --version": [str(a.dockward), "--version"],
        "dockward scan (1 small file)": [str(a.dockward), "scan", "--format", "json", str(small)],
    }
    if not a.skip_peers:
        cmds["hadolint (1 small file)"] = [str(a.hadolint), "--no-fail", "-f", "json", str(small)]
    out = {}
    for name, cmd in cmds.items():
        runs = a.startup_runs if name.startswith("dockward") else max(10, a.startup_runs // 5)
        res = timer.run(cmd, runs=runs, warmup=5)
        st = stats(res["wall"])
        st["command"] = shlex.join(cmd)
        out[name] = st
        say(f"  {name:30s} {fmt_stats(st)}")
        say(f"       $ {st['command']}")
    results["startup"] = out


# ---------------------------------------------------------------- main


def main():
    global LOG
    ap = argparse.ArgumentParser(description="dockward vs hadolint and checkov (see bench/run.sh)")
    ap.add_argument("--dockward", type=Path, required=True)
    ap.add_argument("--hadolint", type=Path)
    ap.add_argument("--checkov", type=Path)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True, help="folder for results.json, the log and scratch files")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds over the corpus (default 3)")
    ap.add_argument("--peer-runs", type=int, default=1, help="runs of each peer per round (default 1)")
    ap.add_argument("--dockward-runs", type=int, default=10, help="runs of dockward per round (default 10)")
    ap.add_argument("--mono-dockerfiles", type=int, default=50_000)
    ap.add_argument("--mono-compose", type=int, default=10_000)
    ap.add_argument("--mono-runs", type=int, default=5)
    ap.add_argument("--startup-runs", type=int, default=100)
    ap.add_argument("--small-file", type=Path)
    ap.add_argument("--tmpdir", help="where to generate the monorepo (default: the system temp dir)")
    ap.add_argument("--keep-monorepo", action="store_true")
    ap.add_argument("--skip-peers", action="store_true", help="dockward alone (no hadolint/checkov)")
    ap.add_argument("--skip-monorepo", action="store_true")
    ap.add_argument("--no-hyperfine", action="store_true", help="use the Python timing loop")
    ap.add_argument("--instructions", action="store_true",
                    help="also count the monorepo scans' instructions with valgrind (one thread; ~10 extra "
                         "minutes at full size) and judge linearity on them instead of CPU time")
    a = ap.parse_args()
    if not a.skip_peers and not (a.hadolint and a.checkov):
        ap.error("--hadolint and --checkov are required unless --skip-peers")
    # Absolute (not resolved: a venv's entry points must keep their own paths).
    for name in ("dockward", "hadolint", "checkov", "out"):
        if getattr(a, name) is not None:
            setattr(a, name, Path(os.path.abspath(getattr(a, name))))
    for name in ("dockward",) + (() if a.skip_peers else ("hadolint", "checkov")):
        if not os.access(getattr(a, name), os.X_OK):
            sys.exit(f"bench: {name} not found at {getattr(a, name)}")
    a.corpus = a.corpus.resolve()
    if not (a.corpus / "dockerfiles").is_dir():
        sys.exit(f"bench: no corpus at {a.corpus} (set DOCKWARD_CORPUS)")
    if a.small_file is None:
        a.small_file = a.corpus / "dockerfiles/GoogleCloudPlatform__microservices-demo/src/currencyservice/Dockerfile"
    a.small_file = a.small_file.resolve()
    a.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="scratch-", dir=a.out))
    LOG = open(a.out / "bench.log", "w")

    timer = Timer(not a.no_hyperfine, work)
    results = {"machine": machine(), "load_start": load(), "timer": timer.describe(), "targets": TARGETS}
    m = results["machine"]
    versions = {"dockward": version_of([str(a.dockward), "--version"])}
    if not a.skip_peers:
        versions["hadolint"] = version_of([str(a.hadolint), "--version"])
        versions["checkov"] = "checkov " + version_of([str(a.checkov), "--version"])
    results["versions"] = versions
    say(f"machine: {m.get('cpu', '?')}, {m['nproc']} CPUs, {m.get('ram_gb', '?')} GB RAM; {m['uname']}")
    say(f"load average at start: {' '.join(results['load_start'])}")
    say(f"timer: {results['timer']}")
    for k, v in versions.items():
        say(f"{k}: {v}")

    corpus_dockerfiles(a, timer, work, results)
    corpus_compose(a, timer, work, results)
    if not a.skip_monorepo:
        monorepo(a, timer, work, results)
    startup(a, timer, work, results)
    results["load_end"] = load()
    shutil.rmtree(work, ignore_errors=True)

    # ------------------------------------------------------------ verdicts (last lines)
    say(f"\nresults: {a.out / 'results.json'}, log: {a.out / 'bench.log'}")
    say(f"load average at end: {' '.join(results['load_end'])} (2-core machines are noisy: compare ratios)")
    verdicts = []
    c = results["corpus"]
    d = c["tools"]["dockward"]
    for peer, target in (("hadolint", TARGETS["hadolint_ratio"]), ("checkov", TARGETS["checkov_ratio"])):
        if peer not in c["tools"]:
            continue
        p = c["tools"][peer]
        ok_files = (d["files_analysed"] or 0) >= (p["files_analysed"] or 0)
        verdicts.append(ok_files)
        say(f"files analysed: dockward {d['files_analysed']} vs {peer} {p['files_analysed']}  "
            f"[dockward >= {peer}] {verdict(ok_files)}")
    for peer, target in (("hadolint", TARGETS["hadolint_ratio"]), ("checkov", TARGETS["checkov_ratio"])):
        if peer not in c["tools"]:
            continue
        ratio = c[f"ratio_{peer}"]
        ok = ratio >= target
        verdicts.append(ok)
        say(f"RATIO dockward vs {peer} (Dockerfile corpus, wall): {ratio:.0f}x faster "
            f"({fmt_t(c['tools'][peer]['median'])} vs {fmt_t(d['median'])})  [target >= {target:.0f}x] {verdict(ok)}")
    s = results["startup"]
    v = s["dockward --version"]["median"] * 1000
    one = s["dockward scan (1 small file)"]["median"] * 1000
    verdicts += [v < TARGETS["version_ms"], one < TARGETS["small_file_ms"]]
    say(f"START-UP dockward --version: {v:.2f} ms  [target < {TARGETS['version_ms']:.0f} ms] {verdict(v < TARGETS['version_ms'])}")
    extra = ""
    if "hadolint (1 small file)" in s:
        h = s["hadolint (1 small file)"]["median"] * 1000
        extra = f" (hadolint: {h:.1f} ms, {h / one:.0f}x)"
    say(f"START-UP dockward on one small Dockerfile: {one:.2f} ms{extra}  "
        f"[target < {TARGETS['small_file_ms']:.0f} ms] {verdict(one < TARGETS['small_file_ms'])}")
    if "monorepo" in results:
        mono = results["monorepo"]
        full = mono["rows"][-1]
        mb = full["rss_kb"] / 1024
        verdicts.append(mb < TARGETS["rss_mb"])
        say(f"MONOREPO peak RSS at {a.mono_dockerfiles}+{a.mono_compose} files: {mb:.0f} MB "
            f"(scan {fmt_t(full['median'])})  [target < {TARGETS['rss_mb']:.0f} MB] {verdict(mb < TARGETS['rss_mb'])}")
        cpu_worst = mono["cpu_per_byte_worst_vs_quarter"]
        worst, measure = cpu_worst, "CPU"
        ins = ""
        if "instructions_per_byte_worst_vs_quarter" in mono:
            worst, measure = mono["instructions_per_byte_worst_vs_quarter"], "instructions"
            ins = f", instructions {worst:.3f}"
        ok = worst <= TARGETS["linear_tolerance"]
        verdicts.append(ok)
        say("MONOREPO time linear in size: CPU "
            + ", ".join(f"{r['label']} {fmt_t(r['cpu_mean'])}" for r in mono["rows"])
            + "; wall " + ", ".join(f"{r['label']} {fmt_t(r['median'])}" for r in mono["rows"])
            + f"; worst cost/byte vs 1/4: CPU {cpu_worst:.2f}, wall {mono['wall_per_byte_worst_vs_quarter']:.2f}{ins}"
            + f" (judged on {measure})  [target <= {TARGETS['linear_tolerance']}] {verdict(ok)}")
    results["verdicts_passed"] = f"{sum(verdicts)}/{len(verdicts)}"
    (a.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    say(f"OVERALL: {sum(verdicts)}/{len(verdicts)} checks pass")


if __name__ == "__main__":
    main()
