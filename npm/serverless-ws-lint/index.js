'use strict';
// serverless-ws-lint: runs ws-lint on what the Serverless Framework is about to package or
// deploy. ws-lint reads the configuration file itself (positions) and gets the configuration
// the framework resolved on stdin (values: `${env:...}`, `${ssm:...}`, JavaScript files, whole
// serverless.js/serverless.ts services). Written to the plugin API v3, osls and v4 share:
// the constructor's `log`, `serverless.classes.Error`, `configSchemaHandler`, hooks, commands.

const path = require('path');
const { spawn } = require('child_process');
const report = require('./lib/report');

class ServerlessWsLint {
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.options = options || {};
    this.log = (utils && utils.log) || fallbackLog(serverless);

    const schema = serverless.configSchemaHandler;
    if (schema && typeof schema.defineCustomProperties === 'function') {
      schema.defineCustomProperties(report.SETTINGS_SCHEMA);
    }

    this.commands = {
      'ws-lint': {
        usage: 'Lint the WebSocket configuration with ws-lint (without packaging)',
        lifecycleEvents: ['lint'],
      },
    };
    this.hooks = {
      // `package` and `deploy` (which packages first).
      'before:package:initialize': () => this.lint(),
      'ws-lint:lint': () => this.lint({ command: true }),
    };
  }

  async lint({ command = false } = {}) {
    const started = process.hrtime.bigint();
    const { serverless, log } = this;
    let settings;
    try {
      settings = report.readSettings(this.custom());
    } catch (error) {
      throw this.error(`ws-lint: ${error.message}`, 'WS_LINT_SETTINGS');
    }
    if (!settings.enabled && !command) {
      log.info('ws-lint: skipped (custom.wsLint.enabled is false)');
      return;
    }
    const serviceDir = serverless.serviceDir || process.cwd();
    const configurationFile = serverless.configurationFilename || 'serverless.yml';
    const args = report.commandLine({
      configurationFile,
      settings,
      configPath: settings.config && path.resolve(serviceDir, settings.config),
    });
    const resolved = toJson(serverless.configurationInput || {});
    const found = await this.run(args, serviceDir, resolved);
    const { failing, rest } = report.classify(found, settings.failOn);

    for (const diagnostic of rest) {
      const text = `ws-lint: ${report.line(diagnostic)}`;
      if (diagnostic.severity === 'error' || diagnostic.severity === 'warning') log.warning(text);
      else log.notice(text);
    }
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    log.info(`ws-lint: ${configurationFile} checked in ${Math.round(elapsed)} ms`);
    if (failing.length > 0) {
      throw this.error(report.failureMessage(failing, settings.failOn), 'WS_LINT_FINDINGS');
    }
    if (command) {
      const all = (found && found.diagnostics) || [];
      if (all.length === 0) log.notice(`ws-lint: no problems in ${configurationFile}`);
      else log.notice(`ws-lint: ${report.count(all)} in ${configurationFile}`);
    }
  }

  custom() {
    const service = this.serverless.service || {};
    if (service.custom) return service.custom;
    const input = this.serverless.configurationInput || {};
    return input.custom || {};
  }

  // Runs the native binary (not the ws-lint launcher: one process less), the resolved
  // configuration on stdin, so nothing is written into the service folder.
  run(args, cwd, input) {
    let binary;
    try {
      binary = require('ws-lint').binaryPath();
    } catch (error) {
      return Promise.reject(this.error(error.message, 'WS_LINT_BINARY'));
    }
    return new Promise((resolve, reject) => {
      const child = spawn(binary, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      const stdout = [];
      const stderr = [];
      child.stdout.on('data', (chunk) => stdout.push(chunk));
      child.stderr.on('data', (chunk) => stderr.push(chunk));
      child.on('error', (error) =>
        reject(this.error(`ws-lint: cannot run ${binary}: ${error.message}`, 'WS_LINT_BINARY'))
      );
      child.stdin.on('error', () => {}); // An early exit is reported through its status.
      child.stdin.end(input);
      child.on('close', (status, signal) => {
        const out = Buffer.concat(stdout).toString('utf8');
        const err = Buffer.concat(stderr).toString('utf8').trim();
        // With `--fail-on never` a report exits 0; 2 is a usage or input problem.
        if (status !== 0) {
          const why = signal ? `was killed by ${signal}` : `exited with ${status}`;
          reject(this.error(`ws-lint ${why}${err ? `:\n${err}` : ''}`, 'WS_LINT_FAILED'));
          return;
        }
        try {
          resolve(JSON.parse(out));
        } catch (error) {
          reject(this.error(`ws-lint: unreadable report (${error.message})`, 'WS_LINT_FAILED'));
        }
      });
    });
  }

  error(message, code) {
    const ServerlessError = (this.serverless.classes && this.serverless.classes.Error) || Error;
    return new ServerlessError(message, code);
  }
}

// The resolved configuration as JSON. It is plain data once the framework resolved it;
// anything else (a function, a cycle, a bigint from a JavaScript service) is left out rather
// than breaking the run.
function toJson(value) {
  const ancestors = [];
  return JSON.stringify(value, function replacer(key, current) {
    if (typeof current === 'bigint') return current.toString();
    if (typeof current === 'function' || typeof current === 'symbol') return undefined;
    if (current === null || typeof current !== 'object') return current;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(current)) return undefined;
    ancestors.push(current);
    return current;
  });
}

// Before v3's logger (v2): the framework's own `cli.log`.
function fallbackLog(serverless) {
  const print = (text) =>
    serverless && serverless.cli && typeof serverless.cli.log === 'function'
      ? serverless.cli.log(text)
      : process.stderr.write(`${text}\n`);
  const log = (text) => print(text);
  log.warning = (text) => print(`Warning: ${text}`);
  log.notice = (text) => print(text);
  log.notice.success = (text) => print(text);
  log.info = () => {};
  return log;
}

module.exports = ServerlessWsLint;
module.exports.toJson = toJson;
