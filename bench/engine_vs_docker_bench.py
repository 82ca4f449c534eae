#!/usr/bin/env python3
"""`dockward engine` against docker-bench-security's daemon and container sections.

Starts a private dockerd (its own socket, data root and exec root, as the engine tests do),
imports a busybox image, starts 20 containers with a spread of settings, then in one run:

* times `dockward engine --format json` and `docker-bench-security.sh -c
  docker_daemon_configuration,container_runtime` alternately (wall time, median of N);
* compares their verdicts on every CIS check both make: per container for section 5, for
  the daemon for section 2. A dockward rule makes a check when its references name it
  (`cis-1.6:5.5`); docker-bench's JSON log lists the containers each check warns about.

docker-bench-security is not part of dockward: fetch it yourself and pass its folder
(`--docker-bench`). Run as root on a machine with Debian's docker.io and busybox-static.
Results go to OUT/engine-vs-docker-bench.{json,md}.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# name → docker run flags. Every container can start in a sandbox without privileges
# (docker-bench audits running containers only, so `--privileged`, which cannot start
# here, is left out of the comparison; `dockward engine` audits created ones too).
MATRIX = {
    "hardened": "--network none --read-only --cap-drop ALL --security-opt no-new-privileges "
    "--memory 64m --cpus 0.5 --pids-limit 64 --restart on-failure:3 --user 1000 "
    "--health-cmd '/bin/busybox true'",
    "sysadmin": "--network none --cap-add SYS_ADMIN",
    "netadmin": "--network none --cap-add NET_ADMIN --cap-add NET_RAW",
    "hostpid": "--network none --pid host",
    "hostipc": "--network none --ipc host",
    "hostuts": "--network none --uts host",
    "hostnet": "--network host",
    "socket": "--network none -v /var/run/docker.sock:/var/run/docker.sock",
    "etcmount": "--network none -v /etc:/host-etc",
    "seccomp": "--network none --security-opt seccomp=unconfined",
    "apparmor": "--network none --security-opt apparmor=unconfined",
    "allports": "--network benchnet -p 8081:80",
    "lowport": "--network benchnet -p 127.0.0.1:80:80",
    "localport": "--network benchnet -p 127.0.0.1:8082:80",
    "restart": "--network none --restart always",
    "ulimit": "--network none --ulimit nofile=1024:2048",
    "device": "--network none --device /dev/null:/dev/xnull",
    "shared": "--network none -v /tmp:/tmp-shared:rshared",
    "limits": "--network none --memory 32m --cpus 0.25 --pids-limit 32",
    "plain": "--network none",
}

DOCKERD_FLAGS = ["--bridge=none", "--iptables=false", "--ip-masq=false"]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


class PrivateDockerd:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="dwbench-"))
        self.sock = self.dir / "docker.sock"
        (self.dir / "daemon.json").write_text("{}\n")
        dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
        self.proc = subprocess.Popen(
            [dockerd, "-H", f"unix://{self.sock}", "--pidfile", str(self.dir / "docker.pid"),
             "--data-root", str(self.dir / "data"), "--exec-root", str(self.dir / "exec"),
             "--config-file", str(self.dir / "daemon.json"), *DOCKERD_FLAGS],
            stdout=open(self.dir / "dockerd.log", "w"), stderr=subprocess.STDOUT)
        self.host = f"unix://{self.sock}"
        for _ in range(150):
            if self.sock.exists() and subprocess.run(
                    ["docker", "-H", self.host, "info"], capture_output=True).returncode == 0:
                return
            time.sleep(0.2)
        raise SystemExit("dockerd did not come up: " + (self.dir / "dockerd.log").read_text()[-2000:])

    def docker(self, *args):
        return sh(["docker", "-H", self.host, *args])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        subprocess.run(["umount", "-R", str(self.dir / "exec")], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def populate(d):
    root = d.dir / "rootfs"
    (root / "bin").mkdir(parents=True)
    busybox = shutil.which("busybox") or "/bin/busybox"
    shutil.copy(busybox, root / "bin" / "busybox")
    tar = subprocess.Popen(["tar", "-C", str(root), "-c", "--owner=0", "--group=0", "."],
                           stdout=subprocess.PIPE)
    subprocess.run(["docker", "-H", d.host, "import", "-c", 'CMD ["/bin/busybox","sleep","100000"]',
                    "-", "bench/base:1"], stdin=tar.stdout, check=True, capture_output=True)
    tar.wait()
    d.docker("network", "create", "benchnet")
    running = []
    for name, flags in MATRIX.items():
        import shlex
        r = subprocess.run(["docker", "-H", d.host, "run", "-d", "--name", name, *shlex.split(flags),
                            "bench/base:1"], capture_output=True, text=True)
        if r.returncode == 0:
            running.append(name)
        else:
            print(f"  {name}: did not start: {r.stderr.strip()[:200]}", file=sys.stderr)
    return running


def time_runs(cmd, runs, env, cwd=None):
    walls = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
        walls.append(time.perf_counter() - t)
    return walls, out


# A rule that covers several CIS checks (one rule per concern: "host namespace shared"
# is 5.10, 5.16, 5.17, 5.21 and 5.31) is split back by what its finding points at.
CHECK_HINTS = {
    "5.10": ["NetworkMode"], "5.16": ["PidMode"], "5.17": ["IpcMode"], "5.21": ["UTSMode"],
    "5.31": ["UsernsMode"], "5.2": ["apparmor"], "5.3": ["label", "selinux"], "5.22": ["seccomp"],
}


def dockward_verdicts(report, rules):
    """{(object, cis id)} for every finding: object is a container name or 'daemon'."""
    # Only rules that read what the engine describes: a Dockerfile rule citing the same
    # check (sshd installed, 5.7) says nothing about a running container.
    cis_of = {r["code"]: [ref.split(":", 1)[1] for ref in r.get("references", []) if ref.startswith("cis-1.6:")]
              for r in rules if {"container", "daemon"} & set(r.get("models", []))}
    out = set()
    for f in report["findings"]:
        obj = f.get("object", "")
        name = obj.split(" ")[1] if obj.startswith("container ") else "daemon"
        ids = cis_of.get(f["code"], [])
        if len(ids) > 1:
            said = (f.get("pointer") or "") + " " + f["message"]
            hinted = [c for c in ids if any(h.lower() in said.lower() for h in CHECK_HINTS.get(c, []))]
            ids = hinted or [c for c in ids if c not in CHECK_HINTS]
        for cis in ids:
            out.add((name, cis))
    return out, cis_of


def bench_verdicts(log_json):
    """{check id: (result, [container names])} from docker-bench's JSON log."""
    doc = json.loads(log_json.read_text())
    out = {}
    for section in doc.get("tests", []):
        for r in section.get("results", []):
            # Items name the container, some with a detail: `etcmount:/etc`, `web:80`.
            items = [i.split(":", 1)[0] for i in r.get("items", [])]
            out[r["id"]] = (r.get("result"), items)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dockward", type=Path, required=True)
    ap.add_argument("--docker-bench", type=Path, required=True, help="a docker-bench-security checkout")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)

    d = PrivateDockerd()
    try:
        running = populate(d)
        env = dict(os.environ, DOCKER_HOST=d.host)
        env.pop("DOCKER_CONTEXT", None)
        rules = json.loads(sh([str(a.dockward), "rules", "--format", "json"]))
        dw_cmd = [str(a.dockward), "engine", "--isolated", "--format", "json", "--exit-zero"]
        log = a.out / "docker-bench.log"
        db_cmd = ["bash", "docker-bench-security.sh", "-b", "-l", str(log),
                  "-c", "docker_daemon_configuration,container_runtime"]
        dw_walls, db_walls = [], []
        for _ in range(a.runs):  # alternate, so both see the same machine load
            w, dw_out = time_runs(dw_cmd, 1, env)
            dw_walls += w
            w, db_out = time_runs(db_cmd, 1, env, cwd=a.docker_bench)
            db_walls += w
        report = json.loads(dw_out.stdout)
        dw, cis_of = dockward_verdicts(report, rules)
        db = bench_verdicts(Path(str(log) + ".json"))
        ours = {c for ids in cis_of.values() for c in ids}

        rows = []
        for check in sorted(db, key=lambda c: [int(x) for x in c.split(".")]):
            if check not in ours:
                continue
            result, items = db[check]
            if result not in ("PASS", "WARN"):
                # INFO and NOTE: a manual check docker-bench does not judge.
                rows.append({"check": check, "docker_bench": result, "agree": None, "of": None,
                             "only_docker_bench": [], "only_dockward": sorted(
                                 obj for (obj, c) in dw if c == check),
                             "codes": sorted(code for code, ids in cis_of.items() if check in ids)})
                continue
            if check.startswith("2."):
                theirs = {"daemon"} if result == "WARN" else set()
                scope = {"daemon"}
            else:
                theirs = set(items) if result == "WARN" else set()
                scope = set(running)
            mine = {obj for (obj, c) in dw if c == check and obj in scope}
            rows.append({"check": check, "docker_bench": result, "docker_bench_flags": sorted(theirs),
                         "dockward_flags": sorted(mine), "agree": len(scope) - len(theirs ^ mine),
                         "of": len(scope), "only_docker_bench": sorted(theirs - mine),
                         "only_dockward": sorted(mine - theirs),
                         "codes": sorted(code for code, ids in cis_of.items() if check in ids)})
        med = lambda xs: statistics.median(xs)
        judged = [r for r in rows if r["agree"] is not None]
        result = {
            "verdicts_compared": sum(r["of"] for r in judged),
            "verdicts_agreeing": sum(r["agree"] for r in judged),
            "containers_running": running,
            "dockward_wall_s": dw_walls, "docker_bench_wall_s": db_walls,
            "ratio_median": med(db_walls) / med(dw_walls),
            "rows": rows,
        }
        (a.out / "engine-vs-docker-bench.json").write_text(json.dumps(result, indent=2))
        lines = [f"containers running: {len(running)}; dockward median {med(dw_walls)*1000:.0f} ms, "
                 f"docker-bench median {med(db_walls):.1f} s, ratio {result['ratio_median']:.0f}x; "
                 f"verdicts agreeing {result['verdicts_agreeing']}/{result['verdicts_compared']}", "",
                 "| CIS | dockward rules | docker-bench | agree | only docker-bench | only dockward |",
                 "|---|---|---|---|---|---|"]
        for r in rows:
            agree = "not judged" if r["agree"] is None else f"{r['agree']}/{r['of']}"
            lines.append(f"| {r['check']} | {', '.join(r['codes'])} | {r['docker_bench']} | {agree} | "
                         f"{', '.join(r['only_docker_bench']) or '–'} | {', '.join(r['only_dockward']) or '–'} |")
        (a.out / "engine-vs-docker-bench.md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
    finally:
        d.stop()


if __name__ == "__main__":
    main()
