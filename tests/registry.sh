#!/usr/bin/env bash
# One private npm registry (verdaccio, on 127.0.0.1) holding this checkout's release packages,
# shared by every test that installs them:
#
#   tests/registry.sh start   start it if it is not running, build the artifacts with
#                             `cargo xtask dist`, publish them; prints the URL (idempotent)
#   tests/registry.sh url     prints the URL of the running registry, or fails
#   tests/registry.sh stop    stops it
#
# .ci/run starts it before `cargo test` and stops it after; a test finding none starts it
# itself (tests/support/registry.rs). The URL is in target/registry/url (or
# $WS_LINT_REGISTRY_DIR/url), written once everything is published.
#
# Published: every tarball of `cargo xtask dist` (the launcher, this machine's platform
# package, the Serverless plugin when there is one) and, for the five other platforms, a
# platform package around a stub binary (so `npm install --os darwin --cpu arm64 ws-lint`
# installs as it would from the real registry). Our package names are never proxied; anything
# else comes from the public registry through verdaccio's uplink.
#
# The server stops by itself after WS_LINT_REGISTRY_LIFETIME seconds (default 3600), so a
# local `cargo test` leaves nothing running for long.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
state="${WS_LINT_REGISTRY_DIR:-$root/target/registry}"
verdaccio="$here/tools/node_modules/verdaccio/bin/verdaccio"

ping() {
  local url="$1"
  curl --silent --fail --max-time 5 "$url/-/ping" >/dev/null 2>&1
}

running_url() {
  [ -f "$state/url" ] && [ -f "$state/pid" ] || return 1
  kill -0 "$(cat "$state/pid")" 2>/dev/null || return 1
  local url
  url="$(cat "$state/url")"
  ping "$url" || return 1
  echo "$url"
}

stop() {
  rm -f "$state/url"
  if [ -f "$state/pid" ]; then
    local pid
    pid="$(cat "$state/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$state/pid"
  fi
}

start() {
  if running_url; then
    return 0
  fi
  stop
  if [ ! -f "$verdaccio" ]; then
    echo "registry.sh: verdaccio is not installed; run tests/setup-tools.sh" >&2
    exit 1
  fi
  local started=$SECONDS
  rm -rf "$state/storage" "$state/dist" "$state/stub"
  mkdir -p "$state/storage" "$state/dist" "$state/stub"
  local port="${WS_LINT_REGISTRY_PORT:-}"
  if [ -z "$port" ]; then
    port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
  fi
  local upstream
  upstream="$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)"
  cat >"$state/config.yaml" <<YAML
storage: ./storage
uplinks:
  public:
    url: $upstream
packages:
  'ws-lint':
    access: \$all
    publish: \$anonymous
  'serverless-ws-lint':
    access: \$all
    publish: \$anonymous
  '@ws-lint/*':
    access: \$all
    publish: \$anonymous
  '**':
    access: \$all
    proxy: public
max_body_size: 100mb
log: { type: stdout, format: pretty, level: warn }
YAML
  # setsid: its own session, so the end of the test or shell that started it does not end it;
  # without the start lock (fd 9), which the next start would otherwise wait for.
  setsid timeout "${WS_LINT_REGISTRY_LIFETIME:-3600}" node "$verdaccio" \
    --config "$state/config.yaml" --listen "127.0.0.1:$port" >"$state/log" 2>&1 </dev/null 9>&- &
  echo $! >"$state/pid"
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    ping "$url" && break
    sleep 0.5
  done
  if ! ping "$url"; then
    echo "registry.sh: verdaccio did not answer on $url" >&2
    cat "$state/log" >&2
    stop
    exit 1
  fi

  # A file of its own in the output folder: `cargo xtask dist` must leave it (tests/packaging.rs).
  echo "cargo xtask dist output for the test registry; made by tests/registry.sh" >"$state/dist/NOTE.txt"
  if [ -n "${WS_LINT_DIST_DIR:-}" ]; then
    cp -r "$WS_LINT_DIST_DIR/." "$state/dist/"
  else
    (cd "$root" && cargo xtask dist "$state/dist") >&2
  fi
  printf '#!/bin/sh\necho "ws-lint stub for a platform this machine does not build"\n' >"$state/stub/ws-lint"
  local host
  host="$(node -p 'process.platform + "-" + process.arch')"
  for platform in linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64 win32-arm64; do
    [ "$platform" = "$host" ] && continue
    (cd "$root" && cargo xtask npm-platform "$platform" "$state/stub/ws-lint" "$state/stub") >&2
  done

  local auth="--//127.0.0.1:$port/:_authToken=anonymous"
  # Platform packages first, so the launcher's optional dependencies exist when it appears.
  local tarball
  for tarball in "$state"/stub/*.tgz "$state"/dist/npm/ws-lint-cli-*.tgz "$state"/dist/npm/ws-lint-[0-9]*.tgz "$state"/dist/npm/serverless-ws-lint-*.tgz; do
    [ -f "$tarball" ] || continue
    npm publish "$tarball" --registry "$url" "$auth" --loglevel=error --no-audit >&2
  done
  echo "$url" >"$state/url.tmp"
  mv "$state/url.tmp" "$state/url"
  echo "registry.sh: $url ready in $((SECONDS - started)) s" >&2
  echo "$url"
}

mkdir -p "$state"
case "${1:-}" in
  start)
    # One start at a time: tests running in parallel share the registry the first one starts.
    exec 9>"$state/lock"
    flock --timeout 1800 9
    start
    ;;
  stop) stop ;;
  url) running_url ;;
  *)
    echo "usage: tests/registry.sh start|url|stop" >&2
    exit 2
    ;;
esac
