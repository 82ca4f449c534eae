#!/usr/bin/env bash
# The whole test suite, runnable on a fresh machine with a Rust toolchain.
#
# Installs what the tests need from Debian (Debian's docker-compose, used to compare our
# Compose loader with `docker-compose config`), then runs every test of the
# workspace. The shared corpus is found through DOCKWARD_CORPUS (default ../shared/corpus);
# under CI=true a missing corpus fails the tests instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
if ((${#need_apt[@]})) && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Under CI the Compose comparison must run, not skip: its binary was installed above.
if [ "${CI:-}" = true ]; then export DOCKWARD_REQUIRE_COMPOSE=1; fi

cargo test --workspace --locked "$@"
