'use strict';
// The launcher as npm installs it: a copy of this package in node_modules/ws-lint beside a
// fake platform package (@ws-lint/cli-<platform>-<arch>/bin/ws-lint, a Node script that does
// what its arguments say). Run with `node --test npm/ws-lint/test/` (cargo test runs it from
// tests/npm_launcher.rs).
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const PACKAGE = path.resolve(__dirname, '..');
const POSIX = process.platform !== 'win32';

// The fake binary: `exit N`, `kill SIGNAL`, `echo-args`, `cat` (stdin to stdout),
// `wait-term` (prints "ready", then on SIGTERM prints "got SIGTERM" and exits 0).
const FAKE = `#!${process.execPath}
const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'exit') process.exit(Number(rest[0]));
if (cmd === 'kill') process.kill(process.pid, rest[0]);
if (cmd === 'echo-args') console.log(JSON.stringify(rest));
if (cmd === 'cat') process.stdin.pipe(process.stdout);
if (cmd === 'wait-term') {
  process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); });
  console.log('ready');
  setTimeout(() => process.exit(9), 20000);
}
if (cmd === 'sleep') setTimeout(() => {}, 20000);
`;

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name === 'test' || entry.name === 'node_modules') continue;
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyDir(source, path.join(to, entry.name));
    else fs.copyFileSync(source, path.join(to, entry.name));
  }
}

/** A project with ws-lint installed and, unless `withPlatform` is false, its platform package. */
function project({ withPlatform = true } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-lint-launcher-'));
  const launcher = path.join(dir, 'node_modules', 'ws-lint');
  copyDir(PACKAGE, launcher);
  const pkg = `@ws-lint/cli-${process.platform}-${process.arch}`;
  if (withPlatform) {
    const bin = path.join(dir, 'node_modules', pkg, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), JSON.stringify({ name: pkg, version: '0.0.0' }));
    const fake = path.join(bin, process.platform === 'win32' ? 'ws-lint.exe' : 'ws-lint');
    fs.writeFileSync(fake, FAKE, { mode: 0o755 });
  }
  return { dir, pkg, script: path.join(launcher, 'bin', 'ws-lint.js') };
}

function env(extra = {}) {
  const copy = { ...process.env, ...extra };
  if (!('WS_LINT_BINARY' in extra)) delete copy.WS_LINT_BINARY;
  return copy;
}

function launch(p, args, options = {}) {
  return spawnSync(process.execPath, [p.script, ...args], {
    encoding: 'utf8',
    env: env(options.env),
    input: options.input,
    timeout: 30000,
  });
}

test('binaryPath() finds the platform package npm installed', () => {
  const p = project();
  const { binaryPath } = require(path.join(p.dir, 'node_modules', 'ws-lint'));
  const found = binaryPath({ env: {} });
  assert.equal(
    fs.realpathSync(found),
    fs.realpathSync(path.join(p.dir, 'node_modules', p.pkg, 'bin', 'ws-lint'))
  );
});

test('WS_LINT_BINARY overrides the platform package', () => {
  const p = project({ withPlatform: false });
  const { binaryPath } = require(path.join(p.dir, 'node_modules', 'ws-lint'));
  assert.equal(binaryPath({ env: { WS_LINT_BINARY: 'rel/ws-lint' } }), path.resolve('rel/ws-lint'));
  const other = path.join(p.dir, 'other-ws-lint');
  fs.writeFileSync(other, FAKE, { mode: 0o755 });
  const run = launch(p, ['exit', '4'], { env: { WS_LINT_BINARY: other } });
  assert.equal(run.status, 4, run.stderr);
});

test('a missing platform package is named, with the fix', () => {
  const p = project({ withPlatform: false });
  const run = launch(p, ['--version']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, new RegExp(`the package ${p.pkg.replace('/', '\\/')} .* is not installed`));
  assert.match(run.stderr, /--omit=optional/);
  assert.match(run.stderr, /npm install --include=optional ws-lint/);
  assert.match(run.stderr, /WS_LINT_BINARY/);
});

test('a platform without a prebuilt binary says so', () => {
  const p = project({ withPlatform: false });
  const { binaryPath, platformPackage } = require(path.join(p.dir, 'node_modules', 'ws-lint'));
  assert.equal(platformPackage('sunos', 'x64'), undefined);
  assert.equal(platformPackage('darwin', 'arm64'), '@ws-lint/cli-darwin-arm64');
  assert.throws(
    () => binaryPath({ env: {}, platform: 'sunos', arch: 'x64' }),
    /no prebuilt binary for sunos-x64.*cargo install ws-lint/s
  );
});

test('exit codes pass through', () => {
  const p = project();
  for (const code of [0, 1, 2, 7]) {
    const run = launch(p, ['exit', String(code)]);
    assert.equal(run.status, code, run.stderr);
  }
});

test('arguments pass through unchanged', () => {
  const p = project();
  const args = ['a b', '--format=json', '', 'ünïcode', '$HOME', '*'];
  const run = launch(p, ['echo-args', ...args]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), args);
});

test('stdin and stdout are the binary\'s own (ws-lint lsp works through the launcher)', () => {
  const p = project();
  const message = 'Content-Length: 2\r\n\r\n{}';
  const run = launch(p, ['cat'], { input: message });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, message);
});

test('a binary that dies of a signal: the launcher dies of the same signal', { skip: !POSIX }, () => {
  const p = project();
  const run = launch(p, ['kill', 'SIGTERM']);
  assert.equal(run.signal, 'SIGTERM', `status ${run.status} ${run.stderr}`);
  const run2 = launch(p, ['kill', 'SIGKILL']);
  assert.equal(run2.signal, 'SIGKILL', `status ${run2.status} ${run2.stderr}`);
});

test('a signal sent to the launcher reaches the binary', { skip: !POSIX }, async () => {
  const p = project();
  const child = spawn(process.execPath, [p.script, 'wait-term'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no "ready" from the fake binary')), 20000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGTERM');
  const result = await exited;
  assert.match(out, /got SIGTERM/);
  assert.deepEqual(result, { code: 0, signal: null });
});

test('a binary that cannot be run is reported', { skip: !POSIX }, () => {
  const p = project({ withPlatform: false });
  const notExecutable = path.join(p.dir, 'ws-lint-no-x');
  fs.writeFileSync(notExecutable, FAKE, { mode: 0o644 });
  const run = launch(p, ['--version'], { env: { WS_LINT_BINARY: notExecutable } });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /cannot run .*ws-lint-no-x.*not executable/);
});
