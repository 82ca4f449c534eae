#!/usr/bin/env bash
# Fuzz one target with libFuzzer (cargo-fuzz, nightly), seeded from the shared corpus.
#
#   scripts/fuzz.sh TARGET [SECONDS]      # e.g. scripts/fuzz.sh compose_project 300
#   scripts/fuzz.sh list
#
# Targets: dockerfile shell docker_argv yaml compose_project daemon_json scripts report
# guard_request vuln image.
# Needs `rustup toolchain install nightly` and `cargo install cargo-fuzz`. Seeds are copied
# from ../shared/corpus (or $DOCKWARD_CORPUS) into fuzz/corpus/TARGET (not committed). A
# crash, timeout or out-of-memory input lands in fuzz/artifacts/TARGET/: once fixed, copy
# it to fuzz/regressions/TARGET/, where `cargo test -p dockward_fuzz_targets` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS] | list}
seconds=${2:-60}
if [ "$target" = list ]; then
  cargo +nightly fuzz list --fuzz-dir fuzz
  exit 0
fi
corpus=${DOCKWARD_CORPUS:-../shared/corpus}
seeds=fuzz/corpus/$target
mkdir -p "$seeds"
case "$target" in
  dockerfile | shell | docker_argv | report) src=("$corpus/dockerfiles" "$corpus/buildkit-parser") ;;
  yaml | compose_project | scripts) src=("$corpus/compose") ;;
  daemon_json) src=(crates/dockward_rules/tests/fixtures/daemon) ;;
  guard_request) src=(crates/dockward_guard/tests/fixtures fuzz/regressions/guard_request) ;;
  vuln) src=("$corpus/osv" "$corpus/versions" fuzz/regressions/vuln) ;;
  image) src=(fuzz/regressions/image) ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
find "${src[@]}" -type f -size -64k 2>/dev/null | head -2000 | while read -r f; do
  cp -n "$f" "$seeds/$(printf '%s' "$f" | sha1sum | cut -c1-16)" 2>/dev/null || true
done
cp -n fuzz/regressions/"$target"/* "$seeds"/ 2>/dev/null || true
# Bounded: total time, per-input time, memory; inputs up to 64 KiB.
exec cargo +nightly fuzz run --fuzz-dir fuzz "$target" "$seeds" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
