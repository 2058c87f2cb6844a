#!/usr/bin/env node
'use strict';
// The pre-commit hook's `ws-lint` (language: node): pre-commit installs this repository's root
// package.json globally and links only its own bins, so this one runs the launcher of the
// `ws-lint` package it depends on (which runs the prebuilt binary for this platform).
require('ws-lint/bin/ws-lint.js');
