#!/usr/bin/env node
'use strict';
// Runs the native ws-lint with this process's arguments and stdio (so `ws-lint lsp` works through
// it), and exits as it did: its code, or 128 + the signal's number.
const { spawnSync } = require('child_process');
const os = require('os');
const { binaryPath } = require('../lib/binary.js');

let binary;
try {
  binary = binaryPath();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
if (result.error) {
  process.stderr.write(`ws-lint: cannot run ${binary}: ${result.error.message}\n`);
  process.exit(2);
}
if (result.signal) {
  process.exit(128 + (os.constants.signals[result.signal] || 0));
}
process.exit(result.status === null ? 2 : result.status);
