//! The npm packages as a Node developer without Rust gets them: `cargo xtask dist`'s tarballs
//! published to a private registry (tests/registry.sh, shared with the other install tests),
//! installed into an empty project with `npm install` on a PATH without cargo or rustc.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::registry::{registry_url, user_command};

/// An authorizer on a custom route: WS201, an error.
const BAD: &str = support::AUTHORIZER_ON_CUSTOM_ROUTE;

const GOOD: &str = "\
service: chat
provider:
  name: aws
functions:
  connect:
    handler: handler.connect
    events:
      - websocket: $connect
";

/// `process.platform-process.arch` of this machine, as npm names it.
fn host_platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    };
    let cpu = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}-{cpu}")
}

fn empty_project(home: &Path) -> std::path::PathBuf {
    let project = home.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("package.json"),
        r#"{ "name": "chat-service", "version": "1.0.0", "private": true }"#,
    )
    .unwrap();
    project
}

/// Runs a user's command in `project`; returns (exit code, stdout + stderr).
fn user(
    program: &str,
    args: &[&str],
    registry: &str,
    home: &Path,
    project: &Path,
) -> (i32, String) {
    let mut cmd = user_command(program, registry, home);
    cmd.args(args).current_dir(project);
    let (status, out, err) = support::run(&mut cmd, Duration::from_secs(600));
    let status = status.unwrap_or_else(|| panic!("{program} {args:?} timed out\n{out}\n{err}"));
    (status.code().unwrap_or(-1), format!("{out}{err}"))
}

/// The installed packages: `name` or `@scope/name`, sorted.
fn installed(project: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let Ok(entries) = std::fs::read_dir(project.join("node_modules")) else {
        return names;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if name.starts_with('@') {
            for inner in std::fs::read_dir(entry.path()).unwrap().flatten() {
                names.push(format!("{name}/{}", inner.file_name().to_string_lossy()));
            }
        } else {
            names.push(name);
        }
    }
    names.sort();
    names
}

fn install(registry: &str, home: &Path, project: &Path, extra: &[&str]) -> Duration {
    let mut args = vec!["install", "ws-lint", "--loglevel=error"];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let (code, out) = user("npm", &args, registry, home, project);
    let took = started.elapsed();
    assert_eq!(code, 0, "npm {args:?} failed:\n{out}");
    println!("npm {} took {took:.1?}", args.join(" "));
    took
}

#[test]
fn npm_install_gets_this_platforms_binary_and_npx_runs_it() {
    let Some(registry) = registry_url() else {
        return;
    };
    if support::on_path("npm").is_none() {
        support::missing("npm is not on PATH");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let project = empty_project(home.path());
    install(&registry, home.path(), &project, &[]);

    let platform_package = format!("@ws-lint/cli-{}", host_platform());
    assert_eq!(
        installed(&project),
        [platform_package.clone(), "ws-lint".to_string()],
        "npm install ws-lint must add the launcher and this platform's package, nothing else"
    );
    let binary = project
        .join("node_modules")
        .join(&platform_package)
        .join("bin/ws-lint");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&binary).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o111,
            0o111,
            "{} is not executable",
            binary.display()
        );
    }
    let lock: Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("package-lock.json")).unwrap())
            .unwrap();
    let launcher = &lock["packages"]["node_modules/ws-lint"];
    assert_eq!(
        launcher["optionalDependencies"]
            .as_object()
            .map(|o| o.len()),
        Some(6),
        "{launcher}"
    );

    // The version of this checkout.
    let (code, out) = user(
        "npx",
        &["ws-lint", "--version"],
        &registry,
        home.path(),
        &project,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(env!("CARGO_PKG_VERSION")), "{out}");

    // Lints: 1 on an error, 0 on a good file.
    for (dir, text) in [("bad", BAD), ("good", GOOD)] {
        std::fs::create_dir_all(project.join(dir)).unwrap();
        std::fs::write(project.join(dir).join("serverless.yml"), text).unwrap();
        std::fs::write(
            project.join(dir).join("handler.js"),
            "module.exports = {};\n",
        )
        .unwrap();
    }
    let (code, out) = user(
        "npx",
        &["ws-lint", "bad/serverless.yml"],
        &registry,
        home.path(),
        &project,
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("WS201") && out.contains("bad/serverless.yml"),
        "{out}"
    );
    let (code, out) = user(
        "npx",
        &["ws-lint", "good/serverless.yml"],
        &registry,
        home.path(),
        &project,
    );
    assert_eq!(code, 0, "{out}");

    // `npx ws-lint lsp` is a language server through npx and the launcher.
    lsp_initialize(&registry, home.path(), &project);
}

fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn lsp_initialize(registry: &str, home: &Path, project: &Path) {
    let mut cmd = user_command("npx", registry, home);
    let mut child = cmd
        .args(["ws-lint", "lsp"])
        .current_dir(project)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("npx ws-lint lsp");
    let stdout = child.stdout.take().unwrap();
    let (sender, messages) = mpsc::channel::<Value>();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(value) = line.strip_prefix("Content-Length:") {
                    length = value.trim().parse::<usize>().ok();
                }
            }
            let Some(length) = length else { return };
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            if let Ok(message) = serde_json::from_slice(&body) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        }
    });
    let root_uri = format!("file://{}", project.display());
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(&frame(&serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "rootUri": root_uri, "capabilities": {}}
        })))
        .unwrap();
    stdin.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let response = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = messages.recv_timeout(left).unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("no answer to initialize from `npx ws-lint lsp`")
        });
        if message["id"] == 1 {
            break message;
        }
    };
    assert!(
        response["result"]["capabilities"].is_object(),
        "initialize answered {response}"
    );
    assert_eq!(
        response["result"]["serverInfo"]["name"], "ws-lint",
        "{response}"
    );
    let mut send = |message: serde_json::Value| {
        stdin.write_all(&frame(&message)).unwrap();
        stdin.flush().unwrap();
    };
    send(serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    // `exit` only after the answer to `shutdown`, or it is an exit without shutdown (code 1).
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match messages.recv_timeout(left) {
            Ok(message) if message["id"] == 2 => break,
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                panic!("no answer to shutdown from `npx ws-lint lsp`");
            }
        }
    }
    send(serde_json::json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let status = support::wait_timeout(&mut child, Duration::from_secs(30))
        .expect("`npx ws-lint lsp` did not exit after exit");
    assert!(status.success(), "`npx ws-lint lsp` exited with {status}");
}

#[test]
fn npm_install_for_another_platform_picks_that_platforms_package() {
    let Some(registry) = registry_url() else {
        return;
    };
    if support::on_path("npm").is_none() {
        support::missing("npm is not on PATH");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let project = empty_project(home.path());
    install(
        &registry,
        home.path(),
        &project,
        &["--os", "darwin", "--cpu", "arm64"],
    );
    assert_eq!(
        installed(&project),
        ["@ws-lint/cli-darwin-arm64", "ws-lint"],
        "npm install --os darwin --cpu arm64 ws-lint must pick the darwin-arm64 package only"
    );
    // The stub tests/registry.sh published for it (this machine cannot build that binary).
    let stub =
        std::fs::read_to_string(project.join("node_modules/@ws-lint/cli-darwin-arm64/bin/ws-lint"))
            .unwrap();
    assert!(stub.contains("ws-lint stub"), "{stub}");
}
