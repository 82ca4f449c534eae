#!/usr/bin/env python3
"""Generate a synthetic monorepo of Dockerfiles and Compose files for bench/run.sh.

Copies real files of the shared corpus into varied, nested paths (services/<team>/<svc>/
Dockerfile, apps/<app>/docker-compose.yml, .devcontainer/ folders, Containerfiles,
*.Dockerfile variants, …). Deterministic: the same seed, sizes and corpus give the same
tree, byte for byte.

The tree is split into SHARDS top-level folders (d0, d1, …) of equal size, so that
scanning d0 is 1/SHARDS of the repo, d0+d1 is 2/SHARDS, and so on: one generation serves
the "time is linear in size" measurement.

    python3 bench/gen_monorepo.py --out /tmp/mono [--dockerfiles 50000] [--compose 10000]
        [--shards 4] [--seed 5] [--corpus ../shared/corpus]

Prints a JSON manifest (counts and bytes per shard) and writes it to OUT/manifest.json.
"""

import argparse
import json
import os
import random
import sys
from pathlib import Path

TEAMS = [
    "payments", "identity", "search", "platform", "data", "ml", "growth", "infra",
    "checkout", "catalog", "mobile", "web", "billing", "ads", "security", "observability",
]
WORDS = [
    "api", "worker", "gateway", "auth", "cart", "ledger", "indexer", "notifier", "scheduler",
    "ingest", "export", "render", "proxy", "cache", "queue", "reports", "admin", "sync",
    "webhooks", "media", "pricing", "inventory", "profile", "feed", "audit", "mailer",
]


def corpus_files(corpus: Path):
    """The corpus Dockerfiles and Compose files, sorted (so the choice is reproducible).

    Compose files that pull in other files (`include:`, `extends:`) are left out: copied
    alone they would point at files that are not there.
    """
    docker_dir = corpus / "dockerfiles"
    compose_dir = corpus / "compose"
    dockerfiles = sorted(
        p for p in docker_dir.rglob("*") if p.is_file() and p.name not in ("SOURCES.md", "FORMAT.md")
    )
    composes = []
    for p in sorted(compose_dir.rglob("*")):
        if not p.is_file() or p.suffix not in (".yml", ".yaml"):
            continue
        text = p.read_bytes()
        if b"\ninclude:" in text or text.startswith(b"include:") or b"extends:" in text:
            continue
        composes.append(p)
    if not dockerfiles or not composes:
        sys.exit(f"gen_monorepo: no corpus files under {corpus}")
    return [p.read_bytes() for p in dockerfiles], [p.read_bytes() for p in composes]


def dockerfile_path(rng: random.Random, i: int) -> str:
    team = rng.choice(TEAMS)
    svc = f"{rng.choice(WORDS)}-{i}"
    r = rng.random()
    if r < 0.55:
        return f"services/{team}/{svc}/Dockerfile"
    if r < 0.65:
        return f"services/{team}/{svc}/docker/Dockerfile.{rng.choice(['dev', 'prod', 'ci', 'test'])}"
    if r < 0.72:
        return f"apps/{svc}/{rng.choice(['build', 'deploy', 'ops'])}/{rng.choice(['prod', 'debug', 'base'])}.Dockerfile"
    if r < 0.78:
        return f"apps/{svc}/Containerfile"
    if r < 0.86:
        return f"{rng.choice(['apps', 'services/' + team, 'tools'])}/{svc}/.devcontainer/Dockerfile"
    if r < 0.93:
        return f"libs/{team}/{svc}/images/{rng.choice(WORDS)}/Dockerfile"
    return f"tools/{svc}/Dockerfile"


def compose_path(rng: random.Random, i: int) -> str:
    team = rng.choice(TEAMS)
    svc = f"{rng.choice(WORDS)}-{i}"
    r = rng.random()
    if r < 0.45:
        return f"apps/{svc}/docker-compose.yml"
    if r < 0.70:
        return f"services/{team}/{svc}/compose.yaml"
    if r < 0.82:
        return f"{rng.choice(['apps', 'tools'])}/{svc}/.devcontainer/docker-compose.yml"
    if r < 0.92:
        return f"deploy/{team}/{svc}/compose.yml"
    return f"examples/{svc}/docker-compose.yaml"


def main():
    here = Path(__file__).resolve().parent
    default_corpus = Path(os.environ.get("DOCKWARD_CORPUS", here.parent.parent / "shared" / "corpus"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path, help="folder to create (must not exist or be empty)")
    ap.add_argument("--dockerfiles", type=int, default=50_000)
    ap.add_argument("--compose", type=int, default=10_000)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--corpus", type=Path, default=default_corpus)
    args = ap.parse_args()

    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"gen_monorepo: {args.out} is not empty")
    dockerfiles, composes = corpus_files(args.corpus)
    rng = random.Random(args.seed)

    shards = [
        {"dir": f"d{s}", "dockerfiles": 0, "compose": 0, "dockerfile_bytes": 0, "compose_bytes": 0}
        for s in range(args.shards)
    ]
    made_dirs = set()

    def write(shard: int, rel: str, data: bytes):
        path = args.out / shards[shard]["dir"] / rel
        parent = path.parent
        if parent not in made_dirs:
            parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(parent)
        path.write_bytes(data)

    # File i goes to shard i % shards: every shard gets the same mix of sources and paths.
    for i in range(args.dockerfiles):
        data = rng.choice(dockerfiles)
        s = i % args.shards
        write(s, dockerfile_path(rng, i), data)
        shards[s]["dockerfiles"] += 1
        shards[s]["dockerfile_bytes"] += len(data)
    for i in range(args.compose):
        data = rng.choice(composes)
        s = i % args.shards
        write(s, compose_path(rng, i), data)
        shards[s]["compose"] += 1
        shards[s]["compose_bytes"] += len(data)

    manifest = {
        "seed": args.seed,
        "corpus": str(args.corpus),
        "dockerfiles": args.dockerfiles,
        "compose": args.compose,
        "bytes": sum(s["dockerfile_bytes"] + s["compose_bytes"] for s in shards),
        "shards": shards,
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
