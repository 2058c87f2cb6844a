#!/usr/bin/env node
// The Serverless Framework's own YAML loader, as a reference for tests: js-yaml 4 with the
// framework's CloudFormation schema, exactly as `lib/configuration/read.js` of serverless@3.40.0
// loads `serverless.yml` (both modules are taken from the installed framework, not copied).
//
//   node framework-yaml.js FILE...      one JSON line per file: {"file", "ok", "error"?, "line"?}
//   node framework-yaml.js --stdin      JSON lines in ({"id", "text"}), JSON lines out ({"id", "ok", ...})
//
// Exit code 0 whenever every input was read (a document that fails to load is an answer, not a
// failure); 2 on a usage error or an unreadable file.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');

const frameworkDir = path.dirname(require.resolve('serverless/package.json', { paths: [__dirname] }));
const frameworkRequire = (id) => require(require.resolve(id, { paths: [frameworkDir] }));
const yaml = frameworkRequire('js-yaml');
const cloudformationSchema = frameworkRequire('@serverless/utils/cloudformation-schema');

function load(text, filename) {
  try {
    yaml.load(text, { filename, schema: cloudformationSchema });
    return { ok: true };
  } catch (error) {
    const answer = { ok: false, error: String(error && error.reason ? error.reason : error) };
    if (error && error.mark && typeof error.mark.line === 'number') answer.line = error.mark.line + 1;
    return answer;
  }
}

async function main(argv) {
  if (argv.length === 0) {
    process.stderr.write('usage: framework-yaml.js FILE... | --stdin\n');
    return 2;
  }
  if (argv[0] === '--stdin') {
    const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const { id, text } = JSON.parse(line);
      process.stdout.write(JSON.stringify({ id, ...load(text, 'serverless.yml') }) + '\n');
    }
    return 0;
  }
  let status = 0;
  for (const file of argv) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      process.stderr.write(`framework-yaml: cannot read ${file}: ${error.message}\n`);
      status = 2;
      continue;
    }
    process.stdout.write(JSON.stringify({ file, ...load(text, file) }) + '\n');
  }
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`framework-yaml: ${error.stack || error}\n`);
    process.exit(2);
  }
);
