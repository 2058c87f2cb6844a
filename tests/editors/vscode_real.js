// Drives a real VS Code (code-server 4.139.1 = Code 1.139.1, started by tests/vscode_real.rs)
// through Debian's Chromium with playwright-core, as a user would: open serverless.yml, see the
// squiggles and the Problems entries, hover, apply a quick fix with Ctrl+., accept a route
// completion and save. tests/vscode_real.rs then checks the file on disk.
//
// The selectors belong to Code 1.139 (the version is pinned in tests/tools/vscode-e2e/package.json).
//
// Environment:
//   WS_LINT_SCENARIO        `edit` (every step) or `untrusted` (the folder is in Restricted Mode:
//                           open the file and see the squiggles only)
//   WS_LINT_CODE_URL        the code-server URL with ?folder=...
//   WS_LINT_PLAYWRIGHT      the playwright-core package folder
//   WS_LINT_CHROMIUM        the Chromium executable
//   WS_LINT_SCREENSHOTS     folder for a screenshot of the page when a step fails
// Prints one JSON line per step (`{"step", "ms", ...observed}`); exits 1 naming the failed step.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`vscode_real.js: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const scenario = env("WS_LINT_SCENARIO");
const url = env("WS_LINT_CODE_URL");
const { chromium } = require(env("WS_LINT_PLAYWRIGHT"));
const chromiumPath = env("WS_LINT_CHROMIUM");
const screenshots = env("WS_LINT_SCREENSHOTS");

const STEP_TIMEOUT = 60_000;

let page;
let currentStep = "launch";

async function step(name, timeoutMs, body) {
  currentStep = name;
  const started = Date.now();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const observed = (await Promise.race([body(), timeout])) || {};
    console.log(JSON.stringify({ step: name, ms: Date.now() - started, ...observed }));
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `selector` matches a visible element whose text passes `test`; returns that text. */
async function waitText(selector, test, what, timeoutMs = STEP_TIMEOUT) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await page
      .locator(selector)
      .evaluateAll((nodes) => nodes.filter((n) => n.offsetParent !== null).map((n) => n.innerText || n.textContent || ""))
      .catch(() => []);
    const hit = seen.find(test);
    if (hit !== undefined) return hit;
    await page.waitForTimeout(250);
  }
  throw new Error(`${what}: nothing matching in ${selector} within ${timeoutMs / 1000} s; saw ${JSON.stringify(seen).slice(0, 800)}`);
}

/** The editor's text as rendered (Monaco renders the lines it shows; the file is short). */
async function editorText() {
  return page
    .locator(".monaco-editor .view-lines")
    .first()
    .evaluate((n) => n.innerText.replace(/\u00a0/g, " "));
}

async function goTo(line, column) {
  await page.keyboard.press("Control+g");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 10_000 });
  // Code moves the cursor once the widget closes.
  await page.waitForTimeout(300);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    timeout: 60_000,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();

    await step("workbench loads", 120_000, async () => {
      await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60_000 });
      await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: 90_000 });
      await waitText(".explorer-folders-view .monaco-list-row", (t) => t.includes("serverless.yml"), "the explorer lists serverless.yml", 90_000);
    });

    // Slow on a busy machine: the first Quick Open waits for the file search to start.
    await step("open serverless.yml with Quick Open", 120_000, async () => {
      // Focus the page (the empty editor area) so that key presses reach the workbench; a raw
      // mouse click, since the workbench never counts as "stable" for a locator click.
      await page.mouse.click(900, 500);
      const t0 = Date.now();
      await page.keyboard.press("Control+p");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor({ state: "visible", timeout: 40_000 });
      const inputMs = Date.now() - t0;
      await input.fill("serverless.yml");
      // Clicking the row: pressing Enter can come before the results are in.
      const row = page.locator(".quick-input-list .monaco-list-row", { hasText: "serverless.yml" }).first();
      await row.waitFor({ state: "visible", timeout: 60_000 });
      const rowMs = Date.now() - t0;
      await row.click();
      await page.locator(".monaco-editor .view-lines", { hasText: "service: chat" }).first().waitFor({ timeout: 30_000 });
      return { inputMs, rowMs };
    });

    if (scenario === "untrusted") {
      await step("the folder is in Restricted Mode", STEP_TIMEOUT, async () => {
        const status = await waitText(".part.statusbar", (t) => t.includes("Restricted Mode"), "the status bar shows Restricted Mode");
        return { status: status.split("\n").filter((l) => l.includes("Restricted")).join(" ") };
      });
    }

    await step("squiggles appear", 90_000, async () => {
      // The bundled server starts on activation; its first diagnostics draw the squiggles.
      await page.locator(".monaco-editor .squiggly-error").first().waitFor({ state: "attached", timeout: 85_000 });
      const errors = await page.locator(".monaco-editor .squiggly-error").count();
      return { errors };
    });

    if (scenario === "untrusted") return;

    await step("Problems panel lists the entries", STEP_TIMEOUT, async () => {
      await page.keyboard.press("Control+Shift+m");
      const panel = await waitText(".markers-panel", (t) => t.includes("WS201") && t.includes("WS401"), "Problems lists WS201 and WS401");
      if (!panel.includes("authorizer on route `sendMessage`")) {
        throw new Error(`the WS201 entry lacks its message: ${panel.slice(0, 800)}`);
      }
      return { problems: panel.split("\n").filter((l) => /WS\d{3}|authorizer|log level/.test(l)).slice(0, 8) };
    });

    await step("hover shows the rule text", STEP_TIMEOUT, async () => {
      await page.locator(".monaco-editor .view-lines").first().click();
      await goTo(22, 12);
      await page.keyboard.press("Control+k");
      await page.keyboard.press("Control+i");
      const hover = await waitText(
        ".monaco-hover",
        (t) => t.includes("API Gateway runs authorizers on `$connect` only") || t.includes("API Gateway runs authorizers on $connect only"),
        "the hover on `authorizer` shows WS201's text",
      );
      await page.keyboard.press("Escape");
      return { hover: hover.slice(0, 300) };
    });

    await step("quick fix with Ctrl+. turns `info` into `INFO`", STEP_TIMEOUT, async () => {
      await goTo(7, 15);
      await page.keyboard.press("Control+.");
      const label = await waitText(".action-widget .monaco-list-row", (t) => t.includes("INFO"), "the quick fix menu offers INFO");
      await page.locator(".action-widget .monaco-list-row", { hasText: "INFO" }).first().click();
      const deadline = Date.now() + 20_000;
      while (!(await editorText()).includes("level: INFO")) {
        if (Date.now() > deadline) throw new Error(`the editor does not show \`level: INFO\`:\n${await editorText()}`);
        await page.waitForTimeout(250);
      }
      return { action: label.trim() };
    });

    await step("route completion replaces `$disc` with `$disconnect`", STEP_TIMEOUT, async () => {
      await goTo(27, 23);
      await page.keyboard.press("Control+Space");
      const item = await waitText(
        ".suggest-widget.visible .monaco-list-row",
        (t) => t.includes("$disconnect"),
        "the suggest widget offers $disconnect",
      );
      await page.locator(".suggest-widget.visible .monaco-list-row", { hasText: "$disconnect" }).first().click();
      const deadline = Date.now() + 20_000;
      while (!(await editorText()).includes("route: $disconnect")) {
        if (Date.now() > deadline) throw new Error(`the editor does not show \`route: $disconnect\`:\n${await editorText()}`);
        await page.waitForTimeout(250);
      }
      return { item: item.split("\n")[0] };
    });

    await step("save", STEP_TIMEOUT, async () => {
      await page.keyboard.press("Control+s");
      // The tab loses its dirty mark once the file is written.
      const dirty = page.locator(".tabs-container .tab.dirty");
      await dirty.first().waitFor({ state: "detached", timeout: 20_000 });
    });
  } catch (error) {
    const shot = path.join(screenshots, `vscode-real-failure-${currentStep.replace(/[^a-zA-Z0-9]+/g, "-")}.png`);
    fs.mkdirSync(screenshots, { recursive: true });
    await page?.screenshot({ path: shot }).catch(() => {});
    const toasts = await page
      ?.locator(".notifications-toasts")
      .innerText()
      .catch(() => "");
    console.error(`step "${currentStep}" failed: ${error && error.message}`);
    if (toasts) console.error(`notifications: ${toasts}`);
    console.error(`screenshot: ${shot}`);
    process.exitCode = 1;
  } finally {
    await browser.close().catch(() => {});
  }
}

main().catch((error) => {
  console.error(`vscode_real.js: ${error && error.stack}`);
  process.exit(1);
});
