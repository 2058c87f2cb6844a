'use strict';
// The plugin's pure half: settings, the ws-lint command line, and how a report is split and
// printed. The framework runs are in tests/serverless_plugin.rs.
const test = require('node:test');
const assert = require('node:assert');
const report = require('../lib/report');
const { toJson } = require('..');

const finding = (severity, extra = {}) => ({
  path: 'serverless.yml',
  code: 'WS201',
  name: 'authorizer-not-on-connect',
  severity,
  message: 'authorizer on route `send`',
  start: { line: 28, column: 11 },
  ...extra,
});

test('settings default to failOn error and refuse unknown values', () => {
  assert.deepStrictEqual(report.readSettings(undefined), {
    enabled: true,
    failOn: 'error',
    rules: {},
    config: undefined,
  });
  assert.throws(() => report.readSettings({ wsLint: { failOn: 'loud' } }), /failOn/);
  assert.throws(() => report.readSettings({ wsLint: { rules: { WS201: 'red' } } }), /WS201/);
  assert.strictEqual(report.readSettings({ wsLint: { enabled: false } }).enabled, false);
});

test('rules and config become ws-lint options; the resolved configuration comes on stdin', () => {
  const settings = report.readSettings({ wsLint: { rules: { WS405: 'off', WS201: 'warning' } } });
  const args = report.commandLine({ configurationFile: 'serverless.ts', settings, configPath: '/s/ws-lint.toml' });
  assert.deepStrictEqual(args, [
    '--format', 'json', '--color', 'never', '--fail-on', 'never', '--resolved', '-',
    '--config', '/s/ws-lint.toml', '--rule', 'WS405=off', '--rule', 'WS201=warning', 'serverless.ts',
  ]);
});

test('findings at or above failOn fail, the rest are printed', () => {
  const found = { diagnostics: [finding('error'), finding('warning'), finding('info')] };
  const byWarning = report.classify(found, 'warning');
  assert.deepStrictEqual(byWarning.failing.map((d) => d.severity), ['error', 'warning']);
  assert.deepStrictEqual(byWarning.rest.map((d) => d.severity), ['info']);
  assert.strictEqual(report.classify(found, 'never').failing.length, 0);
  const message = report.failureMessage(byWarning.failing, 'warning');
  assert.match(message, /1 error, 1 warning/);
  assert.match(message, /serverless\.yml:28:11 {2}error WS201/);
});

test('a finding without a position names its configuration path', () => {
  const alone = finding('error', {
    path: 'serverless.js',
    start: null,
    configPath: 'functions.send.events[0].websocket.authorizer',
  });
  assert.strictEqual(report.location(alone), 'serverless.js: functions.send.events[0].websocket.authorizer');
});

test('the resolved configuration survives cycles and functions', () => {
  const config = { service: 'chat', custom: { handler: () => 1, big: 10n } };
  config.custom.self = config;
  assert.deepStrictEqual(JSON.parse(toJson(config)), { service: 'chat', custom: { big: '10' } });
  const shared = { a: 1 };
  assert.deepStrictEqual(JSON.parse(toJson({ x: shared, y: shared })), { x: { a: 1 }, y: { a: 1 } });
});
