//! The VS Code extension in a real VS Code: code-server 4.139.1 (Code 1.139.1, its own
//! workbench and extension host) driven through Debian's Chromium with playwright-core.
//!
//! The platform-specific .vsix is built with this test run's ws-lint inside (`server/ws-lint`),
//! installed with `code-server --install-extension`, and used with no setting and no `ws-lint`
//! on PATH: the extension must find its bundled server. tests/editors/vscode_real.js then does
//! what a user does (squiggles, Problems, hover, a quick fix with Ctrl+., a route completion,
//! save) and this test checks the file on disk.
//!
//! Tools (tests/setup-tools.sh installs them): Node 24 in tests/tools/node24 (code-server's own
//! runtime), code-server and playwright-core in tests/tools/vscode-e2e, Chromium from apt
//! (`WS_LINT_CHROMIUM` overrides /usr/bin/chromium). A failing step leaves a screenshot in
//! target/vscode-real/.
//!
//! A second run opens an untrusted folder whose .vscode/settings.json points
//! `wsLint.server.path` at a script inside it: the script must never run, and the bundled
//! server must still lint. The two runs take turns (one code-server and one Chromium at a
//! time) and share one .vsix.

mod support;

use std::fs;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A service with three mistakes the test acts on: `level: info` (WS401, quick fix to `INFO`),
/// an authorizer on a custom route (WS201, hovered), and a route being typed (`$disc`, completed
/// to `$disconnect`). Line and column numbers in vscode_real.js point into this text.
const SERVICE: &str = "service: chat
provider:
  name: aws
  runtime: nodejs20.x
  logs:
    websocket:
      level: info
      fullExecutionData: false
functions:
  auth:
    handler: handler.auth
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $connect
  message:
    handler: handler.message
    events:
      - websocket:
          route: sendMessage
          authorizer: auth
  bye:
    handler: handler.connect
    events:
      - websocket:
          route: $disc
";

const HANDLER: &str = "exports.auth = async () => ({});
exports.connect = async () => ({});
exports.message = async () => ({});
";

/// code-server and whatever it started (extension host, ws-lint) share one process group,
/// ended when the test ends, passed or not.
struct CodeServer {
    child: Child,
}

impl Drop for CodeServer {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        if support::wait_timeout(&mut self.child, Duration::from_secs(5)).is_none() {
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        }
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port on 127.0.0.1")
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}

/// Files under `dir` (recursively) whose text contains `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if fs::read_to_string(&path).is_ok_and(|t| t.contains(needle)) {
            found.push(path);
        }
    }
    found
}

fn tail(path: &Path, bytes: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let start = text.len().saturating_sub(bytes);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    text[start..].to_string()
}

/// The outside tools, found where tests/setup-tools.sh installs them.
struct Tools {
    root: PathBuf,
    node: PathBuf,
    node24: PathBuf,
    code_server: PathBuf,
    playwright: PathBuf,
    chromium: PathBuf,
    extension: PathBuf,
    out_dir: PathBuf,
}

/// The tools, or None after reporting what is missing (a failure under WS_LINT_REQUIRE_TOOLS=1).
fn tools() -> Option<Tools> {
    let root = support::repo_root();
    let e2e = root.join("tests/tools/vscode-e2e/node_modules");
    let tools = Tools {
        node24: root.join("tests/tools/node24/bin/node"),
        code_server: e2e.join("code-server/out/node/entry.js"),
        playwright: e2e.join("playwright-core"),
        chromium: std::env::var_os("WS_LINT_CHROMIUM")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium")),
        extension: root.join("editors/vscode"),
        out_dir: root.join("target/vscode-real"),
        node: support::on_path("node").unwrap_or_default(),
        root,
    };
    let needs = [
        (&tools.node, "node on PATH"),
        (&tools.node24, "Node 24 (tests/tools/node24)"),
        (&tools.code_server, "code-server (tests/tools/vscode-e2e)"),
        (
            &tools.playwright.join("package.json"),
            "playwright-core (tests/tools/vscode-e2e)",
        ),
        (&tools.chromium, "Chromium (apt-get install chromium)"),
        (
            &tools.extension.join("node_modules/.bin/vsce"),
            "editors/vscode/node_modules (npm ci)",
        ),
    ];
    for (path, what) in needs {
        if !path.is_file() {
            support::missing(&format!("{what} not found at {}", path.display()));
            return None;
        }
    }
    if let Err(message) = support::probe_lsp(Path::new(env!("CARGO_BIN_EXE_ws-lint"))) {
        support::no_language_server(&message);
        return None;
    }
    fs::create_dir_all(&tools.out_dir).unwrap();
    Some(tools)
}

/// One code-server and one Chromium at a time: the machines have two cores.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The platform .vsix with this build's server inside, made once through the packaging
/// interface (`scripts/package.js --target`).
fn platform_vsix(tools: &Tools) -> PathBuf {
    static VSIX: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = VSIX.get_or_init(|| {
        let vsix = tools.out_dir.join("ws-lint-linux-x64.vsix");
        let _ = fs::remove_file(&vsix);
        let started = Instant::now();
        let (status, out, err) = support::run(
            Command::new(&tools.node)
                .arg("scripts/package.js")
                .args([
                    "--target",
                    "linux-x64",
                    "--server",
                    env!("CARGO_BIN_EXE_ws-lint"),
                ])
                .arg("--out")
                .arg(&vsix)
                .current_dir(&tools.extension)
                .env_remove("INIT_CWD"),
            Duration::from_secs(600),
        );
        if !status.is_some_and(|s| s.success()) {
            return Err(format!(
                "packaging the platform .vsix failed:\n{out}\n{err}"
            ));
        }
        let size = fs::metadata(&vsix).map(|m| m.len()).unwrap_or(0);
        println!(
            "platform .vsix: {:.1} MB in {:.1?}",
            size as f64 / 1e6,
            started.elapsed()
        );
        let mut bytes = Vec::new();
        fs::File::open(&vsix)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| e.to_string())?;
        // Zip entry names are stored uncompressed.
        if !String::from_utf8_lossy(&bytes).contains("extension/server/ws-lint") {
            return Err("the .vsix has no extension/server/ws-lint".into());
        }
        if tools.extension.join("server").exists() {
            return Err("packaging left editors/vscode/server behind".into());
        }
        Ok(vsix)
    });
    built.clone().unwrap_or_else(|e| panic!("{e}"))
}

/// A code-server with the extension installed in a throwaway profile, serving `workspace`.
struct Session {
    // Dropped first: code-server ends before its folders go.
    _code_server: CodeServer,
    port: u16,
    log_path: PathBuf,
    user_data: PathBuf,
    home: PathBuf,
    workspace: PathBuf,
    _temp: tempfile::TempDir,
}

const USER_SETTINGS: &str = r#"
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "editor.wordBasedSuggestions": "off",
  "editor.quickSuggestions": {"other": false, "comments": false, "strings": false},
  "editor.hover.delay": 200,
  "files.autoSave": "off",
  "chat.disableAIFeatures": true"#;

/// Starts code-server on `files` (written into a new folder). `trusted`: workspace trust off
/// (every folder trusted); otherwise trust is on and the folder opens in Restricted Mode.
fn start(tools: &Tools, files: &[(&str, &str)], trusted: bool) -> Session {
    let vsix = platform_vsix(tools);
    let temp = tempfile::tempdir().unwrap();
    let user_data = temp.path().join("user-data");
    let extensions = temp.path().join("extensions");
    let home = temp.path().join("home");
    let workspace = temp.path().join("chat");
    for dir in [&user_data.join("User"), &extensions, &home, &workspace] {
        fs::create_dir_all(dir).unwrap();
    }
    for (name, text) in files {
        let path = workspace.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
    }
    let trust = if trusted {
        r#""security.workspace.trust.enabled": false"#
    } else {
        // No prompt: the folder stays in Restricted Mode, as when a user picks "Don't Trust".
        r#""security.workspace.trust.enabled": true,
  "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.untrustedFiles": "open""#
    };
    fs::write(
        user_data.join("User/settings.json"),
        format!("{{\n  {trust},{USER_SETTINGS}\n}}\n"),
    )
    .unwrap();

    // Nothing called ws-lint on code-server's PATH: the extension must find its own server.
    let node24_bin = tools.node24.parent().unwrap();
    let path =
        std::env::join_paths([node24_bin, Path::new("/usr/bin"), Path::new("/bin")]).unwrap();
    for dir in std::env::split_paths(&path) {
        assert!(
            !dir.join("ws-lint").exists(),
            "{} has a ws-lint: the test must show the bundled server is found",
            dir.display()
        );
    }
    let code = |args: &[&std::ffi::OsStr]| {
        let mut cmd = Command::new(&tools.node24);
        cmd.arg(&tools.code_server)
            .args(args)
            .arg("--user-data-dir")
            .arg(&user_data)
            .arg("--extensions-dir")
            .arg(&extensions)
            .current_dir(temp.path())
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("LANG", "C.UTF-8");
        cmd
    };

    let started = Instant::now();
    let (status, out, err) = support::run(
        &mut code(&["--install-extension".as_ref(), vsix.as_os_str()]),
        Duration::from_secs(300),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "code-server --install-extension failed:\n{out}\n{err}"
    );
    // Installed as the platform build, with its server still executable after unpacking.
    let installed = fs::read_dir(&extensions)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("ws-lint.ws-lint-"))
        })
        .unwrap_or_else(|| panic!("no ws-lint.ws-lint-* in the extensions folder:\n{out}\n{err}"));
    let bundled = installed.join("server/ws-lint");
    let mode = fs::metadata(&bundled)
        .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()))
        .unwrap_or_else(|e| panic!("{}: {e}", bundled.display()));
    assert!(mode & 0o111 != 0, "{} is not executable", bundled.display());
    println!(
        "install-extension: {:.1?}, {:.1} MB unpacked",
        started.elapsed(),
        dir_size(&extensions) as f64 / 1e6
    );

    let port = free_port();
    let log_path = temp.path().join("code-server.log");
    let log = fs::File::create(&log_path).unwrap();
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "--auth".as_ref(),
        "none".as_ref(),
        "--disable-telemetry".as_ref(),
        "--disable-update-check".as_ref(),
        "--disable-getting-started-override".as_ref(),
    ];
    if trusted {
        args.push("--disable-workspace-trust".as_ref());
    }
    let bind = format!("127.0.0.1:{port}");
    args.extend(["--bind-addr".as_ref(), bind.as_ref(), workspace.as_os_str()]);
    let started = Instant::now();
    let child = code(&args)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("cannot start code-server");
    let mut code_server = CodeServer { child };
    let deadline = Instant::now() + Duration::from_secs(90);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = code_server.child.try_wait() {
            panic!(
                "code-server exited ({status}) before listening:\n{}",
                tail(&log_path, 4000)
            );
        }
        assert!(
            Instant::now() < deadline,
            "code-server did not listen on 127.0.0.1:{port} within 90 s:\n{}",
            tail(&log_path, 4000)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("code-server listening: {:.1?}", started.elapsed());
    Session {
        _code_server: code_server,
        port,
        log_path,
        user_data,
        home,
        workspace,
        _temp: temp,
    }
}

/// Runs tests/editors/vscode_real.js's `scenario` against the session; Err with its output, the
/// screenshot folder and code-server's log when a step fails.
fn browser_steps(tools: &Tools, session: &Session, scenario: &str) -> Result<String, String> {
    for entry in fs::read_dir(&tools.out_dir).unwrap().flatten() {
        if entry.file_name().to_string_lossy().ends_with(".png") {
            let _ = fs::remove_file(entry.path());
        }
    }
    let url = format!(
        "http://127.0.0.1:{}/?folder={}",
        session.port,
        session.workspace.to_string_lossy()
    );
    let started = Instant::now();
    let (status, out, err) = support::run(
        Command::new(&tools.node)
            .arg(tools.root.join("tests/editors/vscode_real.js"))
            .env("WS_LINT_SCENARIO", scenario)
            .env("WS_LINT_CODE_URL", &url)
            .env("WS_LINT_PLAYWRIGHT", &tools.playwright)
            .env("WS_LINT_CHROMIUM", &tools.chromium)
            .env("WS_LINT_SCREENSHOTS", &tools.out_dir)
            .env("HOME", &session.home),
        Duration::from_secs(480),
    );
    println!("{out}");
    println!("browser steps ({scenario}): {:.1?}", started.elapsed());
    if status.is_some_and(|s| s.success()) {
        return Ok(out);
    }
    Err(format!(
        "the VS Code steps failed (screenshots in {}):\n{out}\n{err}\ncode-server log:\n{}",
        tools.out_dir.display(),
        tail(&session.log_path, 3000)
    ))
}

/// The extension's own log lines (its "ws-lint" output channel, written under the profile).
fn extension_log(session: &Session) -> String {
    files_containing(&session.user_data.join("logs"), "ws-lint lsp")
        .iter()
        .filter_map(|p| fs::read_to_string(p).ok())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn vscode_extension_in_a_real_vscode() {
    let Some(tools) = tools() else { return };
    let _turn = serial();
    let session = start(
        &tools,
        &[("serverless.yml", SERVICE), ("handler.js", HANDLER)],
        true,
    );
    if let Err(failure) = browser_steps(&tools, &session, "edit") {
        panic!("{failure}");
    }

    // What the user saved: the quick fix and the completion, nothing else.
    let expected = SERVICE
        .replace("level: info", "level: INFO")
        .replace("route: $disc\n", "route: $disconnect\n");
    let saved = fs::read_to_string(session.workspace.join("serverless.yml")).unwrap();
    assert_eq!(saved, expected, "serverless.yml on disk");

    // The extension said which server it started: the bundled one, checked with --version.
    let log = extension_log(&session);
    assert!(
        log.contains("/server/ws-lint lsp (bundled, ws-lint "),
        "the extension log does not say the bundled server started:\n{log}\ncode-server log:\n{}",
        tail(&session.log_path, 3000)
    );
}

/// A repository's .vscode/settings.json names a program inside it as the server. In an untrusted
/// folder the extension must not run it (not even with --version) and lint with its own server.
#[test]
fn vscode_untrusted_workspace_cannot_choose_the_server() {
    let Some(tools) = tools() else { return };
    let _turn = serial();
    let trap = "#!/bin/sh\ntouch \"$(dirname \"$0\")/RAN\"\necho 'ws-lint 9.9.9'\n";
    let session = start(
        &tools,
        &[
            ("serverless.yml", SERVICE),
            ("handler.js", HANDLER),
            (
                ".vscode/settings.json",
                r#"{"wsLint.server.path": "./trap.sh"}"#,
            ),
            ("trap.sh", trap),
        ],
        false,
    );
    let trap_path = session.workspace.join("trap.sh");
    fs::set_permissions(
        &trap_path,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let steps = browser_steps(&tools, &session, "untrusted");

    // Checked first: when the trap ran, it is also why the squiggles never came.
    assert!(
        !session.workspace.join("RAN").exists(),
        "the workspace's wsLint.server.path ran in an untrusted folder; {}",
        steps.err().unwrap_or_default()
    );
    if let Err(failure) = steps {
        panic!("{failure}");
    }
    let log = extension_log(&session);
    assert!(
        log.contains("/server/ws-lint lsp (bundled, ws-lint "),
        "the extension log does not say the bundled server started:\n{log}"
    );
    drop(session);
}
