// The VS Code side of ws-lint: starts `ws-lint lsp` over stdio for serverless files and
// passes the rule settings on. All decisions live in ./logic.ts (tested without VS Code).

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import {
  Host,
  Settings,
  didChangeConfigurationSettings,
  documentSelector,
  initializationOptions,
  needsRestart,
  readSettings,
  resolveServer,
  serverArgs,
  statusText,
} from "./logic";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let traceOutput: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let current: Settings | undefined;

const host: Host = {
  platform: process.platform,
  envPath: process.env.PATH,
  envPathExt: process.env.PATHEXT,
  home: os.homedir(),
  isExecutable(file: string): boolean {
    try {
      if (!fs.statSync(file).isFile()) return false;
      if (process.platform !== "win32") fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  runVersion(file: string): { status: number | null; output: string } {
    // Run outside the workspace, bounded: a hung or hostile binary must not stall activation.
    const result = spawnSync(file, ["--version"], {
      cwd: os.tmpdir(),
      encoding: "utf8",
      timeout: 5000,
      windowsHide: true,
      maxBuffer: 64 * 1024,
    });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`;
    return { status: result.status, output };
  },
};

function loadSettings(): Settings {
  const config = vscode.workspace.getConfiguration("wsLint");
  const { settings, problems } = readSettings((key) => config.get(key));
  for (const problem of problems) output.appendLine(problem);
  if (problems.length > 0) {
    void vscode.window.showWarningMessage(`ws-lint: ${problems[0]}`);
  }
  return settings;
}

function setStatus(state: "starting" | "running" | "stopped" | "missing", detail: string): void {
  status.text = statusText(state);
  status.tooltip = `ws-lint language server: ${detail}`;
  status.show();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const settings = loadSettings();
  current = settings;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const trusted = vscode.workspace.isTrusted;
  const resolution = resolveServer(settings.serverPath, context.extensionPath, folder, trusted, host);
  for (const refusal of resolution.refused) {
    output.appendLine(refusal.reason);
    void vscode.window.showErrorMessage(`ws-lint: ${refusal.reason}`, "Show Output").then((choice) => {
      if (choice) output.show(true);
    });
  }
  if (resolution.kind === "missing") {
    output.appendLine(resolution.message);
    setStatus("missing", resolution.message);
    void vscode.window.showErrorMessage(resolution.message, "Show Output").then((choice) => {
      if (choice) output.show(true);
    });
    return;
  }
  output.appendLine(
    `starting ${resolution.command} ${serverArgs(settings.extraArgs).join(" ")} (${resolution.kind}, ${resolution.version})`,
  );

  const run = { command: resolution.command, args: serverArgs(settings.extraArgs), transport: TransportKind.stdio };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(settings.includeFiles),
    initializationOptions: initializationOptions(settings),
    outputChannel: output,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  const next = new LanguageClient("wsLint", "ws-lint", serverOptions, clientOptions);
  next.onDidChangeState((event) => {
    switch (event.newState) {
      case State.Starting:
        setStatus("starting", "starting");
        break;
      case State.Running:
        setStatus("running", `running (${resolution.command})`);
        break;
      case State.Stopped:
        setStatus("stopped", "stopped (see ws-lint: Show Output)");
        break;
    }
  });
  client = next;
  setStatus("starting", "starting");
  try {
    await next.start();
  } catch (error) {
    output.appendLine(`ws-lint failed to start: ${String(error)}`);
    setStatus("stopped", `failed to start: ${String(error)}`);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      output.appendLine(`stopping ws-lint: ${String(error)}`);
    }
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("ws-lint", { log: true });
  traceOutput = vscode.window.createOutputChannel("ws-lint (trace)", { log: true });
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.command = "wsLint.showOutput";
  context.subscriptions.push(output, traceOutput, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("wsLint.restartServer", async () => {
      await stop();
      await start(context);
    }),
    vscode.commands.registerCommand("wsLint.showOutput", () => output.show(true)),
    // Trusting the folder makes wsLint.server.path (and the workspace's restricted settings) count.
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("wsLint")) return;
      const before = current;
      const after = loadSettings();
      if (!client || !before || needsRestart(before, after)) {
        await stop();
        await start(context);
        return;
      }
      current = after;
      // The trace level is read by the client itself from wsLint.trace.server.
      if (client.state === State.Running) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: didChangeConfigurationSettings(after),
        });
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}
