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

mod support;

use std::fs;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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

#[test]
fn vscode_extension_in_a_real_vscode() {
    let root = support::repo_root();
    let node24 = root.join("tests/tools/node24/bin/node");
    let e2e = root.join("tests/tools/vscode-e2e/node_modules");
    let code_server = e2e.join("code-server/out/node/entry.js");
    let playwright = e2e.join("playwright-core");
    let chromium = std::env::var_os("WS_LINT_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let extension = root.join("editors/vscode");
    let needs = [
        (&node24, "Node 24 (tests/tools/node24)"),
        (&code_server, "code-server (tests/tools/vscode-e2e)"),
        (
            &playwright.join("package.json"),
            "playwright-core (tests/tools/vscode-e2e)",
        ),
        (&chromium, "Chromium (apt-get install chromium)"),
        (
            &extension.join("node_modules/.bin/vsce"),
            "editors/vscode/node_modules (npm ci)",
        ),
    ];
    for (path, what) in needs {
        if !path.exists() {
            support::missing(&format!("{what} not found at {}", path.display()));
            return;
        }
    }
    let Some(node) = support::on_path("node") else {
        support::missing("node not found on PATH");
        return;
    };
    let server = PathBuf::from(env!("CARGO_BIN_EXE_ws-lint"));
    if let Err(message) = support::probe_lsp(&server) {
        support::no_language_server(&message);
        return;
    }

    let out_dir = root.join("target/vscode-real");
    fs::create_dir_all(&out_dir).unwrap();
    for entry in fs::read_dir(&out_dir).unwrap().flatten() {
        if entry.file_name().to_string_lossy().ends_with(".png") {
            let _ = fs::remove_file(entry.path());
        }
    }

    // 1. The platform .vsix with this build's server inside, through the packaging interface.
    let vsix = out_dir.join("ws-lint-linux-x64.vsix");
    let _ = fs::remove_file(&vsix);
    let started = Instant::now();
    let (status, out, err) = support::run(
        Command::new(&node)
            .arg("scripts/package.js")
            .args(["--target", "linux-x64", "--server"])
            .arg(&server)
            .arg("--out")
            .arg(&vsix)
            .current_dir(&extension)
            .env_remove("INIT_CWD"),
        Duration::from_secs(600),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "packaging the platform .vsix failed:\n{out}\n{err}"
    );
    let size = fs::metadata(&vsix).map(|m| m.len()).unwrap_or(0);
    println!(
        "platform .vsix: {:.1} MB in {:.1?}",
        size as f64 / 1e6,
        started.elapsed()
    );
    let mut bytes = Vec::new();
    fs::File::open(&vsix)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .unwrap();
    let listing = String::from_utf8_lossy(&bytes);
    assert!(
        listing.contains("extension/server/ws-lint"),
        "the .vsix has no server/ws-lint"
    );
    assert!(
        !extension.join("server").exists(),
        "packaging left editors/vscode/server behind"
    );

    // 2. A fresh code-server profile, nothing from the home folder, no ws-lint on PATH.
    let temp = tempfile::tempdir().unwrap();
    let user_data = temp.path().join("user-data");
    let extensions = temp.path().join("extensions");
    let home = temp.path().join("home");
    let workspace = temp.path().join("chat");
    for dir in [&user_data.join("User"), &extensions, &home, &workspace] {
        fs::create_dir_all(dir).unwrap();
    }
    fs::write(workspace.join("serverless.yml"), SERVICE).unwrap();
    fs::write(workspace.join("handler.js"), HANDLER).unwrap();
    fs::write(
        user_data.join("User/settings.json"),
        r#"{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "editor.wordBasedSuggestions": "off",
  "editor.quickSuggestions": {"other": false, "comments": false, "strings": false},
  "editor.hover.delay": 200,
  "files.autoSave": "off",
  "chat.disableAIFeatures": true
}
"#,
    )
    .unwrap();
    let node24_bin = node24.parent().unwrap();
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
        let mut cmd = Command::new(&node24);
        cmd.arg(&code_server)
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

    // 3. code-server on a free port on 127.0.0.1, in its own process group.
    let port = free_port();
    let log_path = temp.path().join("code-server.log");
    let log = fs::File::create(&log_path).unwrap();
    let started = Instant::now();
    let child = code(&[
        "--auth".as_ref(),
        "none".as_ref(),
        "--bind-addr".as_ref(),
        format!("127.0.0.1:{port}").as_ref(),
        "--disable-workspace-trust".as_ref(),
        "--disable-telemetry".as_ref(),
        "--disable-update-check".as_ref(),
        "--disable-getting-started-override".as_ref(),
        workspace.as_os_str(),
    ])
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

    // 4. The user's steps, in Chromium.
    let url = format!(
        "http://127.0.0.1:{port}/?folder={}",
        workspace.to_string_lossy()
    );
    let started = Instant::now();
    let (status, out, err) = support::run(
        Command::new(&node)
            .arg(root.join("tests/editors/vscode_real.js"))
            .env("WS_LINT_CODE_URL", &url)
            .env("WS_LINT_PLAYWRIGHT", &playwright)
            .env("WS_LINT_CHROMIUM", &chromium)
            .env("WS_LINT_SCREENSHOTS", &out_dir)
            .env("HOME", &home),
        Duration::from_secs(480),
    );
    println!("{out}");
    println!("browser steps: {:.1?}", started.elapsed());
    assert!(
        status.is_some_and(|s| s.success()),
        "the VS Code steps failed (screenshots in {}):\n{out}\n{err}\ncode-server log:\n{}",
        out_dir.display(),
        tail(&log_path, 3000)
    );

    // 5. What the user saved: the quick fix and the completion, nothing else.
    let expected = SERVICE
        .replace("level: info", "level: INFO")
        .replace("route: $disc\n", "route: $disconnect\n");
    let saved = fs::read_to_string(workspace.join("serverless.yml")).unwrap();
    assert_eq!(saved, expected, "serverless.yml on disk");

    // The extension said which server it started: the bundled one, checked with --version.
    let logs = files_containing(&user_data.join("logs"), "(bundled, ws-lint ");
    assert!(
        !logs.is_empty(),
        "no extension log says the bundled server was started; code-server log:\n{}",
        tail(&log_path, 3000)
    );
    drop(code_server);
}
