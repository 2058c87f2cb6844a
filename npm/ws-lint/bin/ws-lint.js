#!/usr/bin/env node
'use strict';
// Runs the native ws-lint with this process's arguments and stdio (so `ws-lint lsp` works
// through it) and ends as it ended: its exit code, or the same signal. Signals sent to this
// launcher alone (an editor stopping the server, a CI timeout) are passed on to the binary, so
// it is never left running without its parent.
const { spawn } = require('child_process');
const os = require('os');
const { binaryPath } = require('../lib/binary.js');

let binary;
try {
  binary = binaryPath();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
const forward = (signal) => {
  // A terminal's Ctrl-C reaches the whole process group: the binary has it already.
  if (!child.killed && child.exitCode === null) child.kill(signal);
};
if (process.platform !== 'win32') {
  for (const signal of FORWARDED) process.on(signal, forward);
}

child.on('error', (error) => {
  const hint =
    error.code === 'EACCES'
      ? ' (the file is not executable: reinstall the package, or chmod +x it)'
      : '';
  process.stderr.write(`ws-lint: cannot run ${binary}: ${error.message}${hint}\n`);
  process.exit(2);
});

child.on('exit', (code, signal) => {
  if (signal) {
    // End the same way, so a shell or a parent process sees the signal; if it is one this
    // process cannot die of, the shell convention 128 + its number.
    for (const name of FORWARDED) process.removeListener(name, forward);
    try {
      process.kill(process.pid, signal);
    } catch {
      // fall through to the exit code
    }
    setTimeout(() => process.exit(128 + (os.constants.signals[signal] || 0)), 100);
    return;
  }
  process.exit(code === null ? 2 : code);
});
