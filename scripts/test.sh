#!/usr/bin/env bash
# The whole test suite, runnable on a fresh machine with a Rust toolchain.
#
# Installs what the tests need from Debian (Debian's docker-compose, used to compare our
# Compose loader with `docker-compose config`; docker.io, busybox-static and openssl, with
# which the engine tests start their own private dockerd on a temporary socket and make
# TLS certificates), then runs every test of the workspace. No daemon is started here.
# The shared corpus is found through DOCKWARD_CORPUS (default ../shared/corpus); under
# CI=true a missing corpus fails the tests instead of skipping them, and so does a
# private dockerd that cannot be started.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
PATH="$PATH:/usr/sbin:/sbin" command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need_apt+=(busybox-static)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# Report tests: Chromium renders the HTML report; npm fetches the SARIF validator; pip and
# git run the pre-commit hook on a scratch repository.
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
python3 -m pip --version >/dev/null 2>&1 || need_apt+=(python3-pip)
command -v git >/dev/null 2>&1 || need_apt+=(git)
command -v shellcheck >/dev/null 2>&1 || need_apt+=(shellcheck)
# rpm database tests: rpm builds and installs packages, Berkeley DB's db5.3_load writes
# the Packages hash database.
command -v rpmbuild >/dev/null 2>&1 || need_apt+=(rpm)
command -v db5.3_load >/dev/null 2>&1 || need_apt+=(db5.3-util)
if ((${#need_apt[@]})) && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing: ${need_apt[*]}"
  # The engine tests start their own dockerd: keep the package from starting the
  # system's (policy-rc.d is Debian's switch for that), unless a policy is in place.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  if [ -n "$(trap -p EXIT)" ]; then rm -f "$policy"; trap - EXIT; fi
fi

# Microsoft's SARIF multitool (npm) and pre-commit (PyPI), installed into a cache folder
# the report tests look in (they would install them there themselves; done here once).
tools="${DOCKWARD_TOOLS:-$HOME/.cache/dockward-tools}"
if [ ! -f "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ] && command -v npm >/dev/null 2>&1; then
  echo "installing: @microsoft/sarif-multitool-linux (npm)"
  npm install --silent --no-audit --no-fund --prefix "$tools" @microsoft/sarif-multitool-linux >/dev/null
fi
if ! command -v pre-commit >/dev/null 2>&1 && [ ! -d "$tools/pre-commit/pre_commit" ] && python3 -m pip --version >/dev/null 2>&1; then
  echo "installing: pre-commit (PyPI)"
  python3 -m pip install --quiet --target "$tools/pre-commit" pre-commit
fi
export DOCKWARD_TOOLS="$tools"

# Under CI the Compose comparison must run, not skip: its binary was installed above.
if [ "${CI:-}" = true ]; then export DOCKWARD_REQUIRE_COMPOSE=1; fi

cargo test --workspace --locked "$@"
