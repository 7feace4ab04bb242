#!/usr/bin/env bash
# Puts the project's pinned Node and pnpm first on PATH, installing them when missing.
# Source it (`. scripts/bootstrap.sh`): the machine's own Node may be older than the
# project's, and Node is installed from the npm registry as a package because that is
# the one place every machine of ours can reach.
# Cache: $ORDER_PLATFORM_CACHE (default ~/.cache/order-platform), shared by every clone.

_bootstrap_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../infra/versions.env
. "$_bootstrap_repo/infra/versions.env"
export ORDER_PLATFORM_CACHE="${ORDER_PLATFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/order-platform}"

_bootstrap_fail() { echo "bootstrap: $*" >&2; return 1; }

_bootstrap_install() {
  local name="$1" version="$2" dir="$ORDER_PLATFORM_CACHE/$1-$2"
  if [ ! -x "$dir/node_modules/.bin/$name" ]; then
    command -v npm >/dev/null || { _bootstrap_fail "npm is needed once to install $name@$version"; return 1; }
    echo "bootstrap: installing $name@$version into $dir" >&2
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --loglevel=error "$name@$version" >&2 \
      || { _bootstrap_fail "npm could not install $name@$version"; return 1; }
  fi
  echo "$dir/node_modules/.bin"
}

_bootstrap_main() {
  local node_bin pnpm_bin
  node_bin="$(_bootstrap_install node "$NODE_VERSION")" || return 1
  [ "$("$node_bin/node" --version)" = "v$NODE_VERSION" ] \
    || { _bootstrap_fail "$node_bin/node is not v$NODE_VERSION"; return 1; }
  export PATH="$node_bin:$PATH"
  pnpm_bin="$(_bootstrap_install pnpm "$PNPM_VERSION")" || return 1
  export PATH="$pnpm_bin:$PATH"
  # pnpm keeps its store beside the other downloads so that fresh clones reuse it.
  export npm_config_store_dir="${npm_config_store_dir:-$ORDER_PLATFORM_CACHE/pnpm-store}"
}

_bootstrap_main
