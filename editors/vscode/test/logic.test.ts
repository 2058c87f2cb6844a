import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  Host,
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

function fakeHost(executables: string[], envPath: string, platform: NodeJS.Platform = "linux"): Host {
  const set = new Set(executables);
  return { platform, envPath, home: "/home/u", isExecutable: (f) => set.has(f) };
}

describe("server path resolution", () => {
  it("prefers ws-lint on PATH over the bundled binary", () => {
    const host = fakeHost(["/usr/local/bin/ws-lint", "/ext/server/ws-lint"], "/usr/bin:/usr/local/bin");
    assert.deepEqual(resolveServer("", "/ext", "/ws", host), { kind: "path", command: "/usr/local/bin/ws-lint" });
  });

  it("takes the first PATH entry that has it", () => {
    const host = fakeHost(["/a/ws-lint", "/b/ws-lint"], "/b:/a");
    assert.equal(which("ws-lint", host), "/b/ws-lint");
  });

  it("falls back to the binary bundled under server/", () => {
    const host = fakeHost(["/ext/server/ws-lint"], "/usr/bin");
    assert.deepEqual(resolveServer("", "/ext", "/ws", host), { kind: "bundled", command: "/ext/server/ws-lint" });
  });

  it("reports a missing server with a hint", () => {
    const r = resolveServer("", "/ext", "/ws", fakeHost([], "/usr/bin"));
    assert.equal(r.kind, "missing");
    assert.match((r as { message: string }).message, /wsLint\.server\.path/);
  });

  it("uses an absolute setting as is, and refuses one that is not executable", () => {
    const host = fakeHost(["/opt/ws-lint"], "");
    assert.deepEqual(resolveServer("/opt/ws-lint", "/ext", "/ws", host), { kind: "setting", command: "/opt/ws-lint" });
    assert.equal(resolveServer("/opt/nope", "/ext", "/ws", host).kind, "missing");
  });

  it("resolves a relative setting against the workspace folder, and ~ against home", () => {
    const host = fakeHost(["/ws/target/debug/ws-lint", "/home/u/.cargo/bin/ws-lint"], "");
    assert.deepEqual(resolveServer("target/debug/ws-lint", "/ext", "/ws", host), {
      kind: "setting",
      command: "/ws/target/debug/ws-lint",
    });
    assert.deepEqual(resolveServer("~/.cargo/bin/ws-lint", "/ext", "/ws", host), {
      kind: "setting",
      command: "/home/u/.cargo/bin/ws-lint",
    });
  });

  it("looks a bare name in the setting up on PATH, and fails when it is not there", () => {
    const host = fakeHost(["/usr/bin/ws-lint-nightly", "/usr/bin/ws-lint"], "/usr/bin");
    assert.deepEqual(resolveServer("ws-lint-nightly", "/ext", "/ws", host), {
      kind: "setting",
      command: "/usr/bin/ws-lint-nightly",
    });
    assert.equal(resolveServer("missing-name", "/ext", "/ws", host).kind, "missing");
  });

  it("finds ws-lint.exe on Windows through PATHEXT and the bundled .exe", () => {
    const host: Host = {
      platform: "win32",
      envPath: "C:\\tools;C:\\cargo\\bin",
      envPathExt: ".COM;.EXE",
      isExecutable: (f) => f === "C:\\cargo\\bin\\ws-lint.exe" || f === "C:\\ext\\server\\ws-lint.exe",
    };
    assert.deepEqual(resolveServer("", "C:\\ext", undefined, host), { kind: "path", command: "C:\\cargo\\bin\\ws-lint.exe" });
    const noPath = { ...host, envPath: "" };
    assert.deepEqual(resolveServer("", "C:\\ext", undefined, noPath), {
      kind: "bundled",
      command: "C:\\ext\\server\\ws-lint.exe",
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
