import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  Host,
  Resolution,
  didChangeConfigurationSettings,
  documentSelector,
  initializationOptions,
  needsRestart,
  normalizeRules,
  readSettings,
  resolveServer,
  serverArgs,
  which,
} from "../src/logic";

const GOOD = { status: 0, output: "ws-lint 0.1.0\n" };

function fakeHost(
  executables: string[],
  envPath: string,
  platform: NodeJS.Platform = "linux",
  versions: Record<string, { status: number | null; output: string }> = {},
): Host & { ran: string[] } {
  const set = new Set(executables);
  const ran: string[] = [];
  return {
    platform,
    envPath,
    home: "/home/u",
    isExecutable: (f) => set.has(f),
    runVersion: (f) => {
      ran.push(f);
      return versions[f] ?? GOOD;
    },
    ran,
  };
}

/** The resolution without its `version` and `refused`, for short assertions. */
function found(r: Resolution): { kind: string; command?: string } {
  return r.kind === "missing" ? { kind: r.kind } : { kind: r.kind, command: r.command };
}

describe("server path resolution", () => {
  it("prefers the setting, then the bundled server, then PATH", () => {
    const all = ["/opt/ws-lint", "/ext/server/ws-lint", "/usr/local/bin/ws-lint"];
    const host = fakeHost(all, "/usr/bin:/usr/local/bin");
    assert.deepEqual(found(resolveServer("/opt/ws-lint", "/ext", "/ws", true, host)), {
      kind: "setting",
      command: "/opt/ws-lint",
    });
    assert.deepEqual(found(resolveServer("", "/ext", "/ws", true, host)), {
      kind: "bundled",
      command: "/ext/server/ws-lint",
    });
    const noBundle = fakeHost(["/usr/local/bin/ws-lint"], "/usr/bin:/usr/local/bin");
    assert.deepEqual(resolveServer("", "/ext", "/ws", true, noBundle), {
      kind: "path",
      command: "/usr/local/bin/ws-lint",
      version: "ws-lint 0.1.0",
      refused: [],
    });
  });

  it("takes the first PATH entry that has it, and skips relative PATH entries", () => {
    const host = fakeHost(["/a/ws-lint", "/b/ws-lint", "bin/ws-lint"], "bin:/b:/a");
    assert.equal(which("ws-lint", host), "/b/ws-lint");
    assert.equal(which("ws-lint", fakeHost(["./ws-lint", "ws-lint"], ".::")), undefined);
  });

  it("finds the bundled server with no setting and nothing on PATH", () => {
    const host = fakeHost(["/ext/server/ws-lint"], "");
    assert.deepEqual(resolveServer("", "/ext", "/ws", true, host), {
      kind: "bundled",
      command: "/ext/server/ws-lint",
      version: "ws-lint 0.1.0",
      refused: [],
    });
    assert.deepEqual(host.ran, ["/ext/server/ws-lint"]);
  });

  it("reports a missing server with a hint", () => {
    const r = resolveServer("", "/ext", "/ws", true, fakeHost([], "/usr/bin"));
    assert.equal(r.kind, "missing");
    assert.match((r as { message: string }).message, /wsLint\.server\.path/);
  });

  it("uses an absolute setting as is, and refuses one that is not executable", () => {
    const host = fakeHost(["/opt/ws-lint"], "");
    assert.deepEqual(found(resolveServer("/opt/ws-lint", "/ext", "/ws", true, host)), {
      kind: "setting",
      command: "/opt/ws-lint",
    });
    const r = resolveServer("/opt/nope", "/ext", "/ws", true, host);
    assert.equal(r.kind, "missing");
    assert.deepEqual(
      r.refused.map((x) => x.reason),
      ["wsLint.server.path: /opt/nope is not an executable file"],
    );
  });

  it("resolves a relative setting against the workspace folder, and ~ against home", () => {
    const host = fakeHost(["/ws/target/debug/ws-lint", "/home/u/.cargo/bin/ws-lint"], "");
    assert.deepEqual(found(resolveServer("target/debug/ws-lint", "/ext", "/ws", true, host)), {
      kind: "setting",
      command: "/ws/target/debug/ws-lint",
    });
    assert.deepEqual(found(resolveServer("~/.cargo/bin/ws-lint", "/ext", "/ws", true, host)), {
      kind: "setting",
      command: "/home/u/.cargo/bin/ws-lint",
    });
  });

  it("ignores the setting in an untrusted workspace: nothing from the workspace runs, not even --version", () => {
    const host = fakeHost(["/ws/evil/ws-lint", "/opt/ws-lint", "/ext/server/ws-lint"], "");
    const relative = resolveServer("evil/ws-lint", "/ext", "/ws", false, host);
    assert.deepEqual(found(relative), { kind: "bundled", command: "/ext/server/ws-lint" });
    assert.equal(relative.refused.length, 1);
    assert.match(relative.refused[0].reason, /ignored because this workspace is not trusted/);
    const absolute = resolveServer("/opt/ws-lint", "/ext", "/ws", false, host);
    assert.deepEqual(found(absolute), { kind: "bundled", command: "/ext/server/ws-lint" });
    assert.deepEqual(host.ran, ["/ext/server/ws-lint", "/ext/server/ws-lint"]);
    const nothingElse = fakeHost(["/ws/evil/ws-lint"], "");
    assert.equal(resolveServer("evil/ws-lint", "/ext", "/ws", false, nothingElse).kind, "missing");
    assert.deepEqual(nothingElse.ran, []);
  });

  it("refuses a server that fails --version, says what it printed, and tries the next one", () => {
    const host = fakeHost(["/opt/ws-lint", "/ext/server/ws-lint", "/usr/bin/ws-lint"], "/usr/bin", "linux", {
      "/opt/ws-lint": { status: 127, output: "cannot execute binary file: Exec format error\n" },
      "/ext/server/ws-lint": { status: 0, output: "rustc 1.80.0\n" },
    });
    const r = resolveServer("/opt/ws-lint", "/ext", "/ws", true, host);
    assert.deepEqual(found(r), { kind: "path", command: "/usr/bin/ws-lint" });
    assert.deepEqual(
      r.refused.map((x) => x.command),
      ["/opt/ws-lint", "/ext/server/ws-lint"],
    );
    assert.equal(
      r.refused[0].reason,
      "`/opt/ws-lint --version` exited with 127 and printed: cannot execute binary file: Exec format error",
    );
    assert.equal(r.refused[1].reason, "`/ext/server/ws-lint --version` exited with 0 and printed: rustc 1.80.0");
    const hung = fakeHost(["/ext/server/ws-lint"], "", "linux", {
      "/ext/server/ws-lint": { status: null, output: "\u001b]0;pwned\u0007" + "x".repeat(500) },
    });
    const h = resolveServer("", "/ext", "/ws", true, hung);
    assert.equal(h.kind, "missing");
    assert.match(h.refused[0].reason, /did not finish and printed: \]0;pwned x{191}…$/);
    assert.doesNotMatch(h.refused[0].reason, /[\u0000-\u001f]/);
  });

  it("looks a bare name in the setting up on PATH, and fails when it is not there", () => {
    const host = fakeHost(["/usr/bin/ws-lint-nightly", "/usr/bin/ws-lint"], "/usr/bin");
    assert.deepEqual(found(resolveServer("ws-lint-nightly", "/ext", "/ws", true, host)), {
      kind: "setting",
      command: "/usr/bin/ws-lint-nightly",
    });
    const r = resolveServer("missing-name", "/ext", "/ws", true, host);
    assert.deepEqual(found(r), { kind: "path", command: "/usr/bin/ws-lint" });
    assert.equal(r.refused[0].reason, "wsLint.server.path: `missing-name` is not on PATH");
  });

  it("finds the bundled .exe on Windows before ws-lint.exe on PATH (through PATHEXT)", () => {
    const host: Host = {
      platform: "win32",
      envPath: "C:\\tools;C:\\cargo\\bin",
      envPathExt: ".COM;.EXE",
      isExecutable: (f) => f === "C:\\cargo\\bin\\ws-lint.exe" || f === "C:\\ext\\server\\ws-lint.exe",
      runVersion: () => GOOD,
    };
    assert.deepEqual(found(resolveServer("", "C:\\ext", undefined, true, host)), {
      kind: "bundled",
      command: "C:\\ext\\server\\ws-lint.exe",
    });
    const noBundle = { ...host, isExecutable: (f: string) => f === "C:\\cargo\\bin\\ws-lint.exe" };
    assert.deepEqual(found(resolveServer("", "C:\\ext", undefined, true, noBundle)), {
      kind: "path",
      command: "C:\\cargo\\bin\\ws-lint.exe",
    });
  });
});

describe("settings mapping", () => {
  it("starts the server as `ws-lint lsp` plus extra arguments", () => {
    assert.deepEqual(serverArgs([]), ["lsp"]);
    assert.deepEqual(serverArgs(["--config", "ci/ws-lint.toml", ""]), ["lsp", "--config", "ci/ws-lint.toml"]);
  });

  it("keeps known severities, case-insensitively, and reports the rest", () => {
    const { rules, invalid } = normalizeRules({ WS405: "off", "header-identity-source": "Warning", WS201: "loud", WS1: 3 });
    assert.deepEqual(rules, { WS405: "off", "header-identity-source": "warning" });
    assert.deepEqual(invalid, ['WS201: "loud"', "WS1: 3"]);
    assert.deepEqual(normalizeRules(undefined), { rules: {}, invalid: [] });
    assert.deepEqual(normalizeRules(["WS201"]).rules, {});
  });

  it("sends rules as initializationOptions {rules} and as didChangeConfiguration {wsLint: {rules}}", () => {
    const settings = { rules: { WS405: "off" as const } };
    assert.deepEqual(initializationOptions(settings), { rules: { WS405: "off" } });
    assert.deepEqual(
      { settings: didChangeConfigurationSettings(settings) },
      { settings: { wsLint: { rules: { WS405: "off" } } } },
    );
  });

  it("reads the configuration section with defaults", () => {
    const values: Record<string, unknown> = { "trace.server": "verbose", rules: { WS201: "hint" }, "server.extraArgs": ["-q", 1] };
    const { settings, problems } = readSettings(<T>(k: string) => values[k] as T | undefined);
    assert.deepEqual(settings, {
      serverPath: "",
      extraArgs: ["-q"],
      trace: "verbose",
      rules: { WS201: "hint" },
      includeFiles: [],
    });
    assert.deepEqual(problems, []);
    const bad = readSettings(<T>(k: string) => (k === "rules" ? ({ WS201: "nope" } as T) : undefined));
    assert.equal(bad.settings.trace, "off");
    assert.equal(bad.problems.length, 1);
  });

  it("restarts the server only for a new binary, arguments or file set", () => {
    const base = { serverPath: "", extraArgs: [], trace: "off" as const, rules: {}, includeFiles: [] };
    assert.equal(needsRestart(base, { ...base, rules: { WS405: "off" } }), false);
    assert.equal(needsRestart(base, { ...base, trace: "verbose" }), false);
    assert.equal(needsRestart(base, { ...base, serverPath: "/x" }), true);
    assert.equal(needsRestart(base, { ...base, extraArgs: ["-v"] }), true);
    assert.equal(needsRestart(base, { ...base, includeFiles: ["**/sls/*.yml"] }), true);
  });

  it("selects serverless files by pattern and included files by yaml/json language", () => {
    assert.deepEqual(documentSelector([]), [
      { scheme: "file", pattern: "**/serverless.{yml,yaml,json}" },
      { scheme: "untitled", pattern: "**/serverless.{yml,yaml,json}" },
    ]);
    const withIncludes = documentSelector(["**/sls/*.yml", " "]);
    assert.deepEqual(withIncludes.slice(2), [
      { scheme: "file", language: "yaml", pattern: "**/sls/*.yml" },
      { scheme: "file", language: "json", pattern: "**/sls/*.yml" },
    ]);
  });
});
