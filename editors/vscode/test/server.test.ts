// The settings contract between the extension and the real server, over stdio with
// vscode-languageserver-protocol (the library VS Code's client is built on): the rules the
// extension sends as initializationOptions and as workspace/didChangeConfiguration change the
// diagnostics. Runs when WS_LINT_SERVER names a ws-lint binary with a language server
// (tests/vscode.rs sets it); skipped otherwise.

import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import {
  createProtocolConnection,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import { didChangeConfigurationSettings, initializationOptions, serverArgs } from "../src/logic";

const server = process.env.WS_LINT_SERVER;

const TEXT = `service: chat
provider:
  name: aws
functions:
  auth:
    handler: handler.auth
  message:
    handler: handler.message
    events:
      - websocket:
          route: sendMessage
          authorizer: auth
`;

describe("settings reach the real server", { skip: server ? false : "WS_LINT_SERVER not set" }, () => {
  let connection: ProtocolConnection;
  let child: ReturnType<typeof spawn>;
  let dir: string;
  let uri: string;
  const published: PublishDiagnosticsParams[] = [];
  const waiters: Array<() => void> = [];

  function nextPublish(timeoutMs = 10000): Promise<Diagnostic[]> {
    const seen = published.length;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no publishDiagnostics")), timeoutMs);
      const check = () => {
        const hit = published.slice(seen).find((p) => p.uri === uri);
        if (hit) {
          clearTimeout(timer);
          resolve(hit.diagnostics);
        } else {
          waiters.push(check);
        }
      };
      check();
    });
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ws-lint-vscode-"));
    const file = path.join(dir, "serverless.yml");
    fs.writeFileSync(file, TEXT);
    uri = pathToFileURL(file).toString();
    child = spawn(server as string, serverArgs([]), { stdio: ["pipe", "pipe", "inherit"] });
    connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      published.push(params);
      for (const w of waiters.splice(0)) w();
    });
    connection.listen();
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(dir).toString(),
      workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: "w" }],
      capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } } },
      // As the extension sends it with wsLint.rules = {"WS201": "warning"}.
      initializationOptions: initializationOptions({ rules: { WS201: "warning" } }),
    });
    assert.ok(result.capabilities);
    await connection.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    if (connection) {
      await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
      await connection.sendNotification(ExitNotification.type).catch(() => undefined);
      connection.dispose();
    }
    child?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("applies initializationOptions rules, then didChangeConfiguration rules", async () => {
    const first = nextPublish();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "yaml", version: 1, text: TEXT },
    });
    const diagnostics = await first;
    const ws201 = diagnostics.filter((d) => d.code === "WS201");
    assert.equal(ws201.length, 1, JSON.stringify(diagnostics));
    assert.equal(ws201[0].severity, 2, "WS201 as a warning, from initializationOptions");
    assert.equal(ws201[0].source, "ws-lint");

    const second = nextPublish();
    // As the extension sends it when wsLint.rules changes to {"WS201": "off"}.
    await connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: didChangeConfigurationSettings({ rules: { WS201: "off" } }),
    });
    const after = await second;
    assert.equal(after.filter((d) => d.code === "WS201").length, 0, JSON.stringify(after));
  });
});
