#!/usr/bin/env python3
"""Compare dockward with hadolint on the same Dockerfiles, rule by rule.

For every hadolint code that a dockward rule names in its `references`, count per
*instruction* where both tools report, where only hadolint does and where only dockward
does, and print a table plus samples of each disagreement for review. Usage:

    scripts/compare_hadolint.py [--hadolint PATH] [--dockward PATH] [--samples N]
                                [--json OUT] DIR

Unit of comparison: one Dockerfile instruction. hadolint reports the first line of the
instruction; dockward reports the span of the offending word, which for a multi-line RUN
is often a later line (`apt-get install` on line 36 of a RUN that starts on line 31). Both
are mapped to the instruction that contains the line (a small splitter below: parser
directives, `\\`/`` ` `` continuations, comment and empty lines inside continuations,
BuildKit heredocs), and several findings of one code in one instruction count once.

Codes are compared in groups: dockward rules that name several hadolint codes (DW102 →
DL3006 + DL3007, DW204 → DL3005 + DL3035, DW268 → DL3051-DL3053) form one row, so a
DW102 finding on `FROM x:latest` is not counted as "only dockward" for DL3006.

hadolint runs once per file (it stops at the first file it cannot parse otherwise); files
it cannot parse are listed separately, with its message, and left out of the counts.
Rules hadolint switches off by default but dockward has (DL3057, DL3049 and the label
format checks DL3051-DL3053, which need a label schema) are switched on with
`--warning DL3057` and `--require-label`; DL3049 is kept only for the three labels DW267
asks for. DL3026/DW106 only run with a list of trusted registries: both tools get the same
list (`--trusted-registry`, default `docker.io`; dockward through a temporary configuration
file instead of `--isolated`). dockward runs once over the folder with every rule selected
(opt-in rules too), JSON output. Both tools honour inline `# hadolint ignore=` pragmas.
"""
import argparse, bisect, collections, json, os, re, subprocess, sys, tempfile

# Labels handed to hadolint as a label schema, so that DL3049/DL3051-DL3053 run at all.
LABEL_SCHEMA = [
    "org.opencontainers.image.source:url",
    "org.opencontainers.image.version:text",
    "org.opencontainers.image.licenses:text",
    "org.opencontainers.image.url:url",
    "org.opencontainers.image.documentation:url",
    "org.opencontainers.image.created:rfc3339",
    "org.label-schema.url:url",
    "org.label-schema.vcs-url:url",
    "org.label-schema.build-date:rfc3339",
    # DL3056/DL3058 (DW276) check only labels the schema types as semver/email; dockward
    # gets the same two entries through its configuration's `[image] label-schema`.
    "version:semver",
    "maintainer:email",
]
# DW267 asks for these three; DL3049 findings about other schema labels are dropped.
DW267_LABELS = ("org.opencontainers.image.source", "org.opencontainers.image.version",
                "org.opencontainers.image.licenses")
# A heredoc is a whole word `<<WORD`, `<<-WORD`, `<<"WORD"` (BuildKit: `^(\d*)<<(-?)([^<]*)$`).
HEREDOC = re.compile(r"(?:^|[ \t])\d*<<(-?)([\"']?)([^\s<\"']+)\2(?=[ \t]|$)")
DIRECTIVE = re.compile(r"^\s*#\s*([A-Za-z]+)\s*=\s*(\S*)\s*$")


def instruction_spans(text):
    """(first line, last line), 1-based, of every instruction of a Dockerfile."""
    lines = text.replace("\r\n", "\n").split("\n")
    escape = "\\"
    for line in lines:
        m = DIRECTIVE.match(line)
        if not m:
            break
        if m.group(1).lower() == "escape" and m.group(2):
            escape = m.group(2)[0]

    # BuildKit: the escape token ends a line (before spaces/tabs) and is not itself escaped.
    e = re.escape(escape)
    continuation = re.compile(f"([^{e}]){e}[ \t]*$|^{e}[ \t]*$")

    def continues(line):
        return continuation.search(line.rstrip("\r")) is not None

    spans, i, n = [], 0, len(lines)
    while i < n:
        s = lines[i].strip()
        if not s or s.startswith("#"):
            i += 1
            continue
        start, logical, cont = i, s, continues(lines[i])
        while cont and i + 1 < n:
            i += 1
            st = lines[i].strip()
            if not st or st.startswith("#"):
                continue
            logical += " " + st
            cont = continues(lines[i])
        words = logical.split()
        kw = words[0].upper() if words else ""
        if kw == "ONBUILD" and len(words) > 1:
            kw = words[1].upper()
        rest = logical.split(None, 2 if words and words[0].upper() == "ONBUILD" else 1)[-1]
        if kw in ("RUN", "COPY", "ADD") and not re.sub(r"^(--\S+\s+)*", "", rest).startswith("["):
            for m in HEREDOC.finditer(logical):
                strip_tabs, word = m.group(1) == "-", m.group(3)
                while i + 1 < n:
                    i += 1
                    body = lines[i].lstrip("\t") if strip_tabs else lines[i]
                    if body.rstrip("\r") == word:
                        break
        spans.append((start + 1, i + 1))
        i += 1
    return spans


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--hadolint", default="hadolint")
    ap.add_argument("--dockward", default="target/release/dockward")
    ap.add_argument("--samples", type=int, default=5)
    ap.add_argument("--json", help="write the raw comparison (all disagreements) here")
    ap.add_argument("--trusted-registry", action="append",
                    help="trusted registry for DL3026/DW106, repeatable (default: docker.io)")
    args = ap.parse_args()

    rules = json.loads(subprocess.run([args.dockward, "rules", "--format", "json"],
                                      capture_output=True, check=True).stdout)
    dl_to_dw = collections.defaultdict(set)
    for r in rules:
        for ref in r["references"]:
            if ref.startswith("hadolint:"):
                dl_to_dw[ref.split(":", 1)[1]].add(r["code"])
    # Connected groups of hadolint and dockward codes.
    groups = []  # [(sorted DL codes, sorted DW codes)]
    seen = set()
    for dl in sorted(dl_to_dw):
        if dl in seen:
            continue
        dls, dws, todo = {dl}, set(), [dl]
        while todo:
            d = todo.pop()
            for w in dl_to_dw[d]:
                if w not in dws:
                    dws.add(w)
                    for d2, ws in dl_to_dw.items():
                        if w in ws and d2 not in dls:
                            dls.add(d2)
                            todo.append(d2)
        seen |= dls
        groups.append((sorted(dls), sorted(dws)))

    trusted = args.trusted_registry or ["docker.io"]
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as cfg:
        cfg.write("[image]\ntrusted-registries = [%s]\n" % ", ".join(json.dumps(t) for t in trusted))
        typed = [l.rsplit(":", 1) for l in LABEL_SCHEMA if l.endswith((":semver", ":email"))]
        cfg.write("label-schema = { %s }\n" % ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in typed))
    try:
        report = json.loads(subprocess.run(
            [args.dockward, "scan", "--config", cfg.name, "--select", "ALL", "--format", "json",
             "--fail-on", "critical", args.dir], capture_output=True).stdout)
    finally:
        os.unlink(cfg.name)
    dw_lines = collections.defaultdict(set)  # (path, DW code) -> {first line}
    dw001 = set()
    for f in report["findings"]:
        path = os.path.normpath(f["path"])
        dw_lines[(path, f["code"])].add(f["line"])
        if f["code"] == "DW001":
            dw001.add(path)

    files = []
    for root, _, names in os.walk(args.dir):
        files += [os.path.normpath(os.path.join(root, n)) for n in names if n != "SOURCES.md"]
    files.sort()

    hl_extra = ["--warning", "DL3057"]
    for t in trusted:
        hl_extra += ["--trusted-registry", t]
    for label in LABEL_SCHEMA:
        hl_extra += ["--require-label", label]
    hl_lines = collections.defaultdict(set)  # (path, DL code) -> lines
    hl_failed = {}  # path -> message
    spans = {}
    for path in files:
        p = subprocess.run([args.hadolint, "--no-fail", "--no-color", "-f", "json", *hl_extra, path],
                           capture_output=True, text=True)
        try:
            out = json.loads(p.stdout or "[]")
        except json.JSONDecodeError:
            out = []
        if any(o.get("code") == "DL1000" for o in out) or (p.returncode not in (0, 1) and not out):
            msg = next((o["message"] for o in out if o.get("code") == "DL1000"), p.stderr.strip())
            hl_failed[path] = " ".join(msg.split())[:300]
            continue
        for o in out:
            if o["code"] == "DL3049" and not any(f"`{l}`" in o["message"] for l in DW267_LABELS):
                continue
            hl_lines[(path, o["code"])].add(o["line"])
        with open(path, encoding="utf-8", errors="replace") as fh:
            spans[path] = instruction_spans(fh.read())

    def unit(path, line):
        """The instruction (first line) that contains `line`, else the line itself."""
        sp = spans[path]
        k = bisect.bisect_right([a for a, _ in sp], line) - 1
        if k >= 0 and sp[k][0] <= line <= sp[k][1]:
            return sp[k][0]
        return line

    rows, samples, breakdown = [], {}, {}
    for dls, dws in groups:
        name = ", ".join(dls)
        both = only_hl = only_dw = 0
        s_hl, s_dw = [], []
        per_dl = {d: [0, 0] for d in dls}  # both, only hadolint
        for path in files:
            if path in hl_failed:
                continue
            d_units = {unit(path, l) for w in dws for l in dw_lines.get((path, w), ())}
            h_by_dl = {d: {unit(path, l) for l in hl_lines.get((path, d), ())} for d in dls}
            h_units = set().union(*h_by_dl.values())
            for u in sorted(h_units):
                if u in d_units:
                    both += 1
                else:
                    only_hl += 1
                    codes = "+".join(d for d in dls if u in h_by_dl[d])
                    s_hl.append(f"{path}:{u}" + (f" ({codes})" if len(dls) > 1 else ""))
            for d in dls:
                for u in h_by_dl[d]:
                    per_dl[d][0 if u in d_units else 1] += 1
            for u in sorted(d_units - h_units):
                only_dw += 1
                s_dw.append(f"{path}:{u}")
        rows.append((name, ",".join(dws), both, only_hl, only_dw))
        samples[name] = (s_hl, s_dw)
        if len(dls) > 1:
            breakdown[name] = per_dl

    hl_version = subprocess.run([args.hadolint, "--version"], capture_output=True, text=True).stdout.strip()
    dw_version = subprocess.run([args.dockward, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{hl_version}; {dw_version}; trusted registries: {', '.join(trusted)}")
    print(f"files: {len(files)}; hadolint could not parse: {len(hl_failed)}; "
          f"dockward DW001 (syntax error): {len(dw001)}")
    print(f"{'hadolint':<22} {'dockward':<14} {'both':>6} {'only-hl':>8} {'only-dw':>8}")
    for name, codes, b, h, d in rows:
        print(f"{name:<22} {codes:<14} {b:>6} {h:>8} {d:>8}")
    for name, per_dl in breakdown.items():
        print(f"  {name}: " + "; ".join(f"{d} both {b}, only hadolint {h}" for d, (b, h) in per_dl.items()))
    for name, (sh, sd) in samples.items():
        if sh or sd:
            print(f"\n{name}: only hadolint ({len(sh)}): {sh[: args.samples]}")
            print(f"{name}: only dockward ({len(sd)}): {sd[: args.samples]}")
    print("\nhadolint could not parse:")
    for path, msg in sorted(hl_failed.items()):
        print(f"  {path}: {msg[:160]}")
    print("dockward DW001:", sorted(dw001))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rows": rows, "breakdown": breakdown, "hadolint_failed": hl_failed,
                       "dockward_dw001": sorted(dw001), "samples": samples}, fh, indent=1)


if __name__ == "__main__":
    sys.exit(main())
