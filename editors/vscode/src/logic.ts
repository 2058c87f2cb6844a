// The extension's own logic, kept free of the `vscode` module so that it runs under
// `node --test` without an editor: where the server binary is, how settings become the
// server's initializationOptions and configuration, which documents the client handles.

import * as path from "node:path";

/** The serverless files the server always handles. */
export const SERVERLESS_PATTERN = "**/serverless.{yml,yaml,json}";

/** Rule severities accepted in `wsLint.rules`, as in ws-lint.toml's `[rules]`. */
export const SEVERITIES = ["error", "warning", "info", "hint", "off"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What the extension reads from `wsLint.*`. */
export interface Settings {
  serverPath: string;
  extraArgs: string[];
  trace: "off" | "messages" | "verbose";
  rules: Record<string, Severity>;
  includeFiles: string[];
}

/** The file system and environment lookups path resolution needs (injected for tests). */
export interface Host {
  platform: NodeJS.Platform;
  /** PATH as in the environment. */
  envPath: string | undefined;
  /** Windows' PATHEXT. */
  envPathExt?: string | undefined;
  /** The home directory, for a leading `~/` in wsLint.server.path. */
  home?: string;
  /** True when `file` exists and is an executable file. */
  isExecutable(file: string): boolean;
  /** Runs `file --version` (bounded in time); its exit status (null when it did not exit) and output. */
  runVersion(file: string): { status: number | null; output: string };
}

/** A server binary that was found but not used, and why. */
export interface Refusal {
  command: string;
  reason: string;
}

export type Resolution =
  | { kind: "setting" | "bundled" | "path"; command: string; version: string; refused: Refusal[] }
  | { kind: "missing"; message: string; refused: Refusal[] };

/** The binary's file name on this platform. */
export function binaryName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "ws-lint.exe" : "ws-lint";
}

/**
 * Looks `name` up on PATH like a shell would; undefined when not found. Relative PATH entries
 * (`.`, `bin`) are skipped: they would resolve against whatever folder is current, which may be
 * the opened repository.
 */
export function which(name: string, host: Host): string | undefined {
  const sep = host.platform === "win32" ? ";" : ":";
  const flavour = host.platform === "win32" ? path.win32 : path.posix;
  const dirs = (host.envPath ?? "").split(sep).filter((d) => d.length > 0 && flavour.isAbsolute(d));
  const exts =
    host.platform === "win32" && path.extname(name) === ""
      ? (host.envPathExt ?? ".EXE;.CMD;.BAT;.COM").split(";").filter((e) => e.length > 0)
      : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = flavour.join(dir, name + ext);
      if (host.isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/**
 * Output of another program shown in a message: control characters replaced (they could
 * rewrite a terminal or a log line) and cut to a readable length.
 */
export function printable(output: string, limit = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = output.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  if (clean.length === 0) return "nothing";
  return clean.length > limit ? `${clean.slice(0, limit)}…` : clean;
}

/**
 * Checks a candidate with `--version`: it must exit 0 and name itself `ws-lint`. Anything else
 * (another program, a broken download, a binary for another platform) is refused.
 */
export function checkVersion(command: string, host: Host): { version: string } | { refusal: Refusal } {
  const { status, output } = host.runVersion(command);
  const firstLine = output.trim().split(/\r?\n/, 1)[0] ?? "";
  if (status === 0 && /^ws-lint \d/.test(firstLine)) {
    return { version: firstLine };
  }
  const how = status === null ? "did not finish" : `exited with ${status}`;
  return { refusal: { command, reason: `\`${command} --version\` ${how} and printed: ${printable(output)}` } };
}

/**
 * Where the server binary is, in order:
 * 1. `wsLint.server.path`, only in a trusted workspace (a bare name is looked up on PATH, a
 *    relative path is taken from the first workspace folder, `~/` from home). In an untrusted
 *    workspace the setting is ignored: a repository's .vscode/settings.json must not choose a
 *    program for the editor to run.
 * 2. `server/ws-lint[.exe]` inside the extension (the platform-specific .vsix ships it).
 * 3. `ws-lint[.exe]` on PATH.
 * Each candidate must pass `ws-lint --version`; one that does not is refused (reported in
 * `refused`) and the next one tried.
 */
export function resolveServer(
  settingPath: string,
  extensionPath: string,
  workspaceFolder: string | undefined,
  trusted: boolean,
  host: Host,
): Resolution {
  const flavour = host.platform === "win32" ? path.win32 : path.posix;
  const refused: Refusal[] = [];
  const candidates: { kind: "setting" | "bundled" | "path"; command: string }[] = [];
  const configured = settingPath.trim();
  if (configured.length > 0 && !trusted) {
    refused.push({
      command: configured,
      reason: `wsLint.server.path (\`${printable(configured)}\`) is ignored because this workspace is not trusted`,
    });
  } else if (configured.length > 0) {
    const expanded = expandHome(configured, host);
    const isBareName = !expanded.includes("/") && !(host.platform === "win32" && expanded.includes("\\"));
    if (isBareName) {
      const found = which(expanded, host);
      if (found) candidates.push({ kind: "setting", command: found });
      else refused.push({ command: configured, reason: `wsLint.server.path: \`${configured}\` is not on PATH` });
    } else {
      const base = workspaceFolder ?? extensionPath;
      const absolute = flavour.isAbsolute(expanded) ? expanded : flavour.resolve(base, expanded);
      if (host.isExecutable(absolute)) candidates.push({ kind: "setting", command: absolute });
      else refused.push({ command: absolute, reason: `wsLint.server.path: ${absolute} is not an executable file` });
    }
  }
  const name = binaryName(host.platform);
  const bundled = flavour.join(extensionPath, "server", name);
  if (host.isExecutable(bundled)) candidates.push({ kind: "bundled", command: bundled });
  const onPath = which(name, host);
  if (onPath) candidates.push({ kind: "path", command: onPath });

  for (const candidate of candidates) {
    const checked = checkVersion(candidate.command, host);
    if ("version" in checked) {
      return { ...candidate, version: checked.version, refused };
    }
    refused.push(checked.refusal);
  }
  return {
    kind: "missing",
    message:
      "ws-lint was not found: install the platform-specific extension (it bundles the server), " +
      "put `ws-lint` on PATH (`npm i -g ws-lint`), or set wsLint.server.path",
    refused,
  };
}

function expandHome(p: string, host: Host): string {
  if (p === "~" || p.startsWith("~/")) {
    const home = host.home ?? "";
    return home + p.slice(1);
  }
  return p;
}

/** The server's arguments: `lsp` then the user's extra arguments. */
export function serverArgs(extraArgs: readonly string[]): string[] {
  return ["lsp", ...extraArgs.filter((a) => typeof a === "string" && a.length > 0)];
}

/**
 * Keeps the entries of `wsLint.rules` that are a known severity (case-insensitive) and
 * drops the rest, reporting them so the extension can warn. Rule names are passed as
 * written: the server knows codes and names.
 */
export function normalizeRules(raw: unknown): { rules: Record<string, Severity>; invalid: string[] } {
  const rules: Record<string, Severity> = {};
  const invalid: string[] = [];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { rules, invalid: raw === undefined || raw === null ? [] : ["wsLint.rules is not an object"] };
  }
  for (const [rule, value] of Object.entries(raw as Record<string, unknown>)) {
    const level = typeof value === "string" ? value.trim().toLowerCase() : undefined;
    if (rule.trim().length > 0 && level !== undefined && (SEVERITIES as readonly string[]).includes(level)) {
      rules[rule.trim()] = level as Severity;
    } else {
      invalid.push(`${rule}: ${JSON.stringify(value)}`);
    }
  }
  return { rules, invalid };
}

/** `initializationOptions` sent with `initialize`. */
export function initializationOptions(settings: Pick<Settings, "rules">): { rules: Record<string, Severity> } {
  return { rules: { ...settings.rules } };
}

/**
 * The `settings` of `workspace/didChangeConfiguration`, sent when `wsLint.*` changes:
 * `{"settings": {"wsLint": {"rules": {...}}}}` (the params object is built by the caller).
 */
export function didChangeConfigurationSettings(settings: Pick<Settings, "rules">): {
  wsLint: { rules: Record<string, Severity> };
} {
  return { wsLint: { rules: { ...settings.rules } } };
}

export interface DocumentFilter {
  scheme: string;
  language?: string;
  pattern: string;
}

/**
 * Serverless files by pattern (whatever language VS Code gave them), plus yaml/json
 * documents matching the user's `wsLint.includeFiles` globs.
 */
export function documentSelector(includeFiles: readonly string[]): DocumentFilter[] {
  const selector: DocumentFilter[] = [
    { scheme: "file", pattern: SERVERLESS_PATTERN },
    { scheme: "untitled", pattern: SERVERLESS_PATTERN },
  ];
  for (const glob of includeFiles) {
    if (typeof glob !== "string" || glob.trim().length === 0) continue;
    for (const language of ["yaml", "json"]) {
      selector.push({ scheme: "file", language, pattern: glob.trim() });
    }
  }
  return selector;
}

/** Reads the raw `wsLint` configuration section into Settings, with defaults. */
export function readSettings(get: <T>(key: string) => T | undefined): { settings: Settings; problems: string[] } {
  const trace = get<string>("trace.server");
  const { rules, invalid } = normalizeRules(get<unknown>("rules"));
  const extra = get<unknown>("server.extraArgs");
  const include = get<unknown>("includeFiles");
  const settings: Settings = {
    serverPath: typeof get<unknown>("server.path") === "string" ? (get<string>("server.path") as string) : "",
    extraArgs: Array.isArray(extra) ? extra.filter((a): a is string => typeof a === "string") : [],
    trace: trace === "messages" || trace === "verbose" ? trace : "off",
    rules,
    includeFiles: Array.isArray(include) ? include.filter((a): a is string => typeof a === "string") : [],
  };
  const problems = invalid.map((i) => `wsLint.rules: ignored ${i} (use one of ${SEVERITIES.join(", ")})`);
  return { settings, problems };
}

/** True when a change to these settings needs a new server process rather than a notification. */
export function needsRestart(before: Settings, after: Settings): boolean {
  return (
    before.serverPath !== after.serverPath ||
    JSON.stringify(before.extraArgs) !== JSON.stringify(after.extraArgs) ||
    JSON.stringify(before.includeFiles) !== JSON.stringify(after.includeFiles)
  );
}

/** The status bar text for a client state. */
export function statusText(state: "starting" | "running" | "stopped" | "missing"): string {
  switch (state) {
    case "starting":
      return "$(sync~spin) ws-lint";
    case "running":
      return "$(check) ws-lint";
    case "stopped":
      return "$(error) ws-lint";
    case "missing":
      return "$(warning) ws-lint";
  }
}
