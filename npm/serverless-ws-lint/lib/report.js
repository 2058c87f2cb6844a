'use strict';
// The pure half of the plugin: the ws-lint command line for a service, and what its JSON
// report becomes in the framework's output. No IO here, so it is easy to read and to test.

const SEVERITIES = ['hint', 'info', 'warning', 'error'];
const FAIL_ON = ['error', 'warning', 'info', 'never'];
const LEVELS = ['error', 'warning', 'info', 'hint', 'off'];

// `custom.wsLint`, as the framework's own schema check knows it.
const SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    wsLint: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        failOn: { enum: FAIL_ON },
        rules: { type: 'object', additionalProperties: { enum: LEVELS } },
        config: { type: 'string' },
      },
      additionalProperties: false,
    },
  },
};

// The settings with their defaults; a wrong value is an error message, not a guess.
function readSettings(custom) {
  const given = (custom && custom.wsLint) || {};
  const settings = {
    enabled: given.enabled !== false,
    failOn: given.failOn === undefined ? 'error' : given.failOn,
    rules: given.rules || {},
    config: given.config,
  };
  if (!FAIL_ON.includes(settings.failOn)) {
    throw new Error(
      `custom.wsLint.failOn is ${JSON.stringify(settings.failOn)}: use one of ${FAIL_ON.join(', ')}`
    );
  }
  for (const [rule, level] of Object.entries(settings.rules)) {
    if (!LEVELS.includes(level)) {
      throw new Error(
        `custom.wsLint.rules.${rule} is ${JSON.stringify(level)}: use one of ${LEVELS.join(', ')}`
      );
    }
  }
  return settings;
}

// ws-lint's arguments: JSON out, the resolved configuration on stdin, the service's own file
// (read for positions when it is YAML or JSON; only named when it is JavaScript or TypeScript).
function commandLine({ configurationFile, settings, configPath }) {
  const args = ['--format', 'json', '--color', 'never', '--fail-on', 'never', '--resolved', '-'];
  if (configPath) args.push('--config', configPath);
  for (const [rule, level] of Object.entries(settings.rules)) args.push('--rule', `${rule}=${level}`);
  args.push(configurationFile);
  return args;
}

// `serverless.yml:19:11`, or `serverless.js: functions.send.events[0].websocket.authorizer`
// when there is no text to point into.
function location(diagnostic) {
  if (diagnostic.start && diagnostic.start.line) {
    return `${diagnostic.path}:${diagnostic.start.line}:${diagnostic.start.column}`;
  }
  return diagnostic.configPath ? `${diagnostic.path}: ${diagnostic.configPath}` : diagnostic.path;
}

function line(diagnostic) {
  return `${location(diagnostic)}  ${diagnostic.severity} ${diagnostic.code} ${diagnostic.message} (${diagnostic.name})`;
}

function atOrAbove(severity, failOn) {
  if (failOn === 'never') return false;
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(failOn);
}

function count(diagnostics) {
  const counts = SEVERITIES.slice()
    .reverse()
    .map((severity) => [severity, diagnostics.filter((d) => d.severity === severity).length])
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${severity}${n === 1 || severity === 'info' ? '' : 's'}`);
  return counts.join(', ');
}

// Splits a ws-lint JSON report into what fails the command and what is only printed.
function classify(report, failOn) {
  const diagnostics = Array.isArray(report && report.diagnostics) ? report.diagnostics : [];
  return {
    failing: diagnostics.filter((d) => atOrAbove(d.severity, failOn)),
    rest: diagnostics.filter((d) => !atOrAbove(d.severity, failOn)),
  };
}

function failureMessage(failing, failOn) {
  return [
    `ws-lint found ${count(failing)} in the WebSocket configuration (custom.wsLint.failOn: ${failOn}):`,
    ...failing.map((d) => `  ${line(d)}`),
    'Run "ws-lint explain CODE" for what a rule checks and how to fix it.',
  ].join('\n');
}

module.exports = {
  SETTINGS_SCHEMA,
  readSettings,
  commandLine,
  classify,
  failureMessage,
  line,
  location,
  count,
};
