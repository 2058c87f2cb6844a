#!/usr/bin/env node
// Packages the extension. Two forms, both run from editors/vscode (relative paths in the
// arguments are taken from where npm was invoked):
//
//   npm run package
//       the universal ws-lint.vsix, without a server: it finds `ws-lint` through the setting or PATH.
//   npm run package:platform -- --target linux-x64 --server PATH/TO/ws-lint --out FILE.vsix
//       a platform-specific .vsix with the server at server/ws-lint (server/ws-lint.exe for
//       win32-*), the layout the extension looks for first when no setting is given.
//
// The server is copied into editors/vscode/server/ (ignored by git) only for the platform
// package and removed afterwards, so a universal package never carries a stale binary.
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const serverDir = path.join(root, "server");
const invokedFrom = process.env.INIT_CWD || process.cwd();
// vsce's platform names (https://code.visualstudio.com/api/working-with-extensions/publishing-extension#platformspecific-extensions).
const TARGETS = [
  "win32-x64",
  "win32-arm64",
  "linux-x64",
  "linux-arm64",
  "linux-armhf",
  "darwin-x64",
  "darwin-arm64",
  "alpine-x64",
  "alpine-arm64",
];

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (!["--target", "--server", "--out"].includes(key)) fail(`unknown argument ${key}`);
    const value = argv[++i];
    if (value === undefined) fail(`${key} needs a value`);
    args[key.slice(2)] = value;
  }
  return args;
}

function run(command, args) {
  const bin = path.join(root, "node_modules", ".bin", process.platform === "win32" ? `${command}.cmd` : command);
  const result = spawnSync(bin, args, { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  if (result.error) fail(`${command}: ${result.error.message} (run npm ci in editors/vscode)`);
  if (result.status !== 0) fail(`${command} ${args.join(" ")} exited with ${result.status}`);
}

function build() {
  run("tsc", ["--noEmit", "-p", "."]);
  run("esbuild", [
    "src/extension.ts",
    "--bundle",
    "--platform=node",
    "--format=cjs",
    "--target=node18",
    "--external:vscode",
    "--outfile=dist/extension.js",
    "--minify",
  ]);
}

const args = parseArgs(process.argv.slice(2));
const platform = args.target !== undefined || args.server !== undefined;

if (!platform) {
  if (fs.existsSync(serverDir)) {
    fail(`${serverDir} exists: the universal package must not carry a server; remove it first`);
  }
  build();
  const out = args.out ? path.resolve(invokedFrom, args.out) : path.join(root, "ws-lint.vsix");
  run("vsce", ["package", "--no-dependencies", "--out", out]);
  process.exit(0);
}

if (!args.target || !args.server || !args.out) fail("a platform package needs --target, --server and --out");
if (!TARGETS.includes(args.target)) fail(`unknown target ${args.target} (one of ${TARGETS.join(", ")})`);
const source = path.resolve(invokedFrom, args.server);
if (!fs.statSync(source, { throwIfNoEntry: false })?.isFile()) fail(`no server binary at ${source}`);
const out = path.resolve(invokedFrom, args.out);
const name = args.target.startsWith("win32-") ? "ws-lint.exe" : "ws-lint";

build();
fs.rmSync(serverDir, { recursive: true, force: true });
try {
  fs.mkdirSync(serverDir);
  fs.copyFileSync(source, path.join(serverDir, name));
  // vsce keeps the mode bits it reads: the bundled server must be executable once unpacked.
  fs.chmodSync(path.join(serverDir, name), 0o755);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  run("vsce", ["package", "--target", args.target, "--no-dependencies", "--out", out]);
} finally {
  fs.rmSync(serverDir, { recursive: true, force: true });
}
