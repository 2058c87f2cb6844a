//! Hostile input: whatever the bytes, analysis finishes quickly, in little memory, without a
//! panic, and reports what is wrong in words a user can act on.

mod support;

use std::time::{Duration, Instant};

use ws_lint::config::Settings;

fn lint(text: &str) -> Vec<(&'static str, String)> {
    ws_lint::analyze(text, "serverless.yml", &Settings::default())
        .diagnostics
        .into_iter()
        .map(|d| (d.code, d.message))
        .collect()
}

/// Runs `f` on a thread with a deadline, so a hang fails the test instead of stalling the suite.
/// (Generous: this guards against hangs and blow-ups, it is not a benchmark.)
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

#[test]
fn alias_bomb_is_analysed_by_reference() {
    let mut text = String::from(
        "service: bomb\nprovider:\n  name: aws\ncustom:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n",
    );
    for level in 1..=12 {
        let prev = level - 1;
        let refs = vec![format!("*a{prev}"); 9].join(", ");
        text.push_str(&format!("  a{level}: &a{level} [{refs}]\n"));
    }
    text.push_str("functions:\n  f:\n    handler: h.f\n    events:\n      - websocket: $default\n    environment:\n      BOMB: *a12\n");
    let started = Instant::now();
    let diagnostics = within(Duration::from_secs(10), move || lint(&text));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        diagnostics.iter().all(|(code, _)| *code != "WS001"),
        "{diagnostics:?}"
    );
}

#[test]
fn deep_block_and_flow_nesting_is_an_error_not_a_crash() {
    let flow = within(Duration::from_secs(20), || {
        lint(&("a: ".to_string() + &"[".repeat(100_000) + &"]".repeat(100_000)))
    });
    assert!(
        flow.iter()
            .any(|(c, m)| *c == "WS001" && m.contains("nesting")),
        "{flow:?}"
    );
    let flow_maps = within(Duration::from_secs(20), || {
        lint(&("a: ".to_string() + &"{a: ".repeat(100_000) + &"}".repeat(100_000)))
    });
    assert!(
        flow_maps.iter().any(|(c, _)| *c == "WS001"),
        "{flow_maps:?}"
    );
    // Compact nested sequences: 100,000 levels of block nesting in 200 KB.
    let block = within(Duration::from_secs(20), || {
        lint(&("- ".repeat(100_000) + "x\n"))
    });
    assert!(
        block.iter().any(|(c, _)| *c == "WS001"),
        "{:?}",
        &block[..block.len().min(3)]
    );
    let block_maps = within(Duration::from_secs(20), || {
        let text: String = (0..3000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        lint(&text)
    });
    assert!(
        block_maps
            .iter()
            .any(|(c, m)| *c == "WS001" && m.contains("nesting")),
        "{block_maps:?}"
    );
}

#[test]
fn a_five_megabyte_line_and_a_twenty_megabyte_file_are_handled() {
    let long_line = within(Duration::from_secs(30), || {
        lint(&format!(
            "service: x\ncustom:\n  blob: {}\n",
            "a".repeat(5 * 1024 * 1024)
        ))
    });
    assert!(
        long_line.iter().all(|(c, _)| *c != "WS001"),
        "{long_line:?}"
    );
    let big = within(Duration::from_secs(60), || {
        let mut text = String::from("service: big\nprovider:\n  name: aws\nfunctions:\n");
        let mut i = 0;
        while text.len() < 20 * 1024 * 1024 {
            text.push_str(&format!(
                "  f{i}:\n    handler: h.f{i}\n    events:\n      - websocket:\n          route: route{i}\n"
            ));
            i += 1;
        }
        lint(&text)
    });
    assert!(big.iter().all(|(c, _)| *c != "WS001"));
}

#[test]
fn binary_nul_and_control_characters_are_reported() {
    let nul = lint("service: x\nprovider:\n  name: \"a\0b\"\n");
    assert!(
        nul.iter()
            .any(|(c, m)| *c == "WS001" && m.contains("non-printable")),
        "{nul:?}"
    );
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..512)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = lint(&text);
    }
}

#[test]
fn bom_crlf_and_empty_files() {
    let lf = "service: x\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - websocket:\n          route: msg\n          authorizer: f\n";
    let crlf = lf.replace('\n', "\r\n");
    let bom = format!("\u{feff}{lf}");
    let positions = |text: &str| -> Vec<(String, usize, usize)> {
        let analysis = ws_lint::analyze(text, "serverless.yml", &Settings::default());
        analysis
            .diagnostics
            .iter()
            .map(|d| {
                let at = analysis.line_index.line_col(text, d.range.start);
                (d.code.to_string(), at.line, at.column)
            })
            .collect()
    };
    let expected = positions(lf);
    assert!(
        expected.iter().any(|(c, _, _)| c == "WS201"),
        "{expected:?}"
    );
    assert_eq!(positions(&crlf), expected);
    let with_bom = positions(&bom);
    assert_eq!(with_bom.len(), expected.len());
    assert!(lint("").is_empty());
    assert!(lint("\n\n# only a comment\n").is_empty());
}

#[test]
fn several_documents_are_refused_like_the_framework_does() {
    let diagnostics = lint("service: a\n---\nservice: b\n");
    assert!(
        diagnostics
            .iter()
            .any(|(c, m)| *c == "WS001" && m.contains("single document")),
        "{diagnostics:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// `${file(...)}` naming what must never be read: a FIFO, a device, a huge file; include cycles.

const INCLUDING: &str = "service: chat
provider:
  name: aws
custom: ${file(./TARGET)}
functions:
  connect:
    handler: handler.connect
    events:
      - websocket: $connect
";

/// A service folder whose `serverless.yml` includes `target` (a path relative to it).
fn service_including(target: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("serverless.yml"),
        INCLUDING.replace("./TARGET", target),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("handler.js"),
        "exports.connect = () => {};\n",
    )
    .expect("write");
    dir
}

/// Through the library with the real disk: (code, message) of the main file and the included
/// ones.
fn lint_service(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    let path = dir.join("serverless.yml");
    let text = std::fs::read_to_string(&path).expect("read");
    let path = path.display().to_string();
    within(Duration::from_secs(10), move || {
        let service = ws_lint::analyze_service(
            &text,
            &path,
            &Settings::default(),
            &ws_lint::files::DiskFiles,
        );
        service
            .main
            .diagnostics
            .into_iter()
            .chain(service.included.into_iter().flat_map(|f| f.diagnostics))
            .map(|d| (d.code, d.message))
            .collect()
    })
}

/// Through the binary, with a deadline: (exit code, stdout).
fn lint_cli(dir: &std::path::Path) -> (i32, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .args(["--isolated", "--format", "json", "serverless.yml"])
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ws-lint did not finish within 10s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// Finishes quickly through both paths, without a syntax error or an internal error.
fn finishes(dir: &std::path::Path) {
    let found = lint_service(dir);
    assert!(found.iter().all(|(c, _)| *c != "WS001"), "{found:?}");
    let (code, stdout) = lint_cli(dir);
    assert!(code == 0 || code == 1, "exit {code}: {stdout}");
    assert!(!stdout.contains("WS001"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn an_included_fifo_is_never_opened() {
    let dir = service_including("./pipe.yml");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.yml"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo unavailable");
        return;
    }
    finishes(dir.path());
}

#[cfg(unix)]
#[test]
fn included_devices_are_never_read() {
    for device in ["/dev/zero", "/dev/urandom"] {
        if !std::path::Path::new(device).exists() {
            continue;
        }
        // By absolute path, and through a symbolic link that looks like a YAML file.
        finishes(service_including(device).path());
        let dir = service_including("./custom.yml");
        std::os::unix::fs::symlink(device, dir.path().join("custom.yml")).expect("symlink");
        finishes(dir.path());
    }
}

#[test]
fn an_included_huge_file_is_never_read() {
    let dir = service_including("./huge.yml");
    // Sparse: 4 GiB on paper, nothing on disk; reading it would take minutes and the memory.
    let file = std::fs::File::create(dir.path().join("huge.yml")).expect("create");
    file.set_len(4 << 30).expect("set_len");
    finishes(dir.path());
}

#[test]
fn include_cycles_end() {
    // The file includes itself.
    let dir = service_including("./serverless.yml");
    finishes(dir.path());
    // Two files including each other, and a chain back to the start.
    let dir = service_including("./a.yml");
    std::fs::write(dir.path().join("a.yml"), "x: ${file(./b.yml)}\n").expect("write");
    std::fs::write(
        dir.path().join("b.yml"),
        "y: ${file(./a.yml)}\nz: ${file(./serverless.yml)}\n",
    )
    .expect("write");
    finishes(dir.path());
    // A value including its own key's file path through a self reference.
    let dir = service_including("./c.yml");
    std::fs::write(
        dir.path().join("c.yml"),
        "k: ${file(./c.yml):k}\nl: ${self:custom.l}\n",
    )
    .expect("write");
    finishes(dir.path());
}

// A repository under review decides what its configuration says, not what ws-lint may read:
// nothing outside the project is opened, and nothing of it reaches any output.

const SECRET: &str = "SUPERSECRET-abc123";

/// `root/outside/` holds secrets; `root/svc/` is a service (with its own `.git`, so that the
/// folders above the temporary folder never count) that includes them by a relative path, an
/// absolute path, a link to a file and a link to a folder.
fn service_reaching_out() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("tempdir");
    let at = |p: &str| root.path().join(p);
    for folder in ["outside/lib", "svc/.git", "svc/src"] {
        std::fs::create_dir_all(at(folder)).expect("mkdir");
    }
    std::fs::write(
        at("outside/creds.json"),
        format!("{{\"token\": \"{SECRET}\"}}\n"),
    )
    .expect("write");
    std::fs::write(at("outside/route.yml"), format!("route: {SECRET}-link\n")).expect("write");
    std::fs::write(at("outside/lib/h.js"), "").expect("write");
    std::fs::write(at("svc/src/h.js"), "").expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(at("outside/route.yml"), at("svc/linked.yml")).expect("link");
        std::os::unix::fs::symlink(at("outside"), at("svc/conf")).expect("link");
    }
    let absolute = at("outside/creds.json").display().to_string();
    std::fs::write(
        at("svc/serverless.yml"),
        format!(
            "service: s
provider:
  name: aws
functions:
  a:
    handler: src/h.a
    events:
      - websocket: ${{file(../outside/creds.json):token}}
      - websocket: ${{file({absolute}):token}}
      - websocket: ${{file(./linked.yml):route}}
      - websocket: ${{file(./conf/creds.json):token}}
  b:
    handler: conf/lib/h.b
    events:
      - websocket: $default
"
        ),
    )
    .expect("write");
    root
}

fn run_cli(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs")
}

#[cfg(unix)]
#[test]
fn includes_outside_the_project_are_not_read_nor_printed_by_the_cli() {
    let root = service_reaching_out();
    for format in [
        "json", "human", "concise", "github", "sarif", "gitlab", "junit",
    ] {
        let output = run_cli(
            root.path(),
            &["--isolated", "--format", format, "svc/serverless.yml"],
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stdout.contains("SUPERSECRET") && !stderr.contains("SUPERSECRET"),
            "{format}: {stdout}{stderr}"
        );
        if format == "json" {
            let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
            let outside: Vec<_> = report["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .filter(|d| {
                    d["code"] == "WS604"
                        && d["message"]
                            .as_str()
                            .is_some_and(|m| m.contains("outside the project and was not read"))
                })
                .map(|d| d["start"]["line"].as_u64().unwrap_or(0))
                .collect();
            assert_eq!(outside, [8, 9, 10, 11], "{stdout}");
            // A handler behind a link leading out is not looked at, so not reported either.
            assert!(!stdout.contains("WS702"), "{stdout}");
        }
    }
    // `[files] include-roots` lets the project read a folder beside it: the values are then
    // read and checked (here: the same route four times).
    std::fs::write(
        root.path().join("svc/ws-lint.toml"),
        "[files]\ninclude-roots = [\"../outside\"]\n",
    )
    .expect("write");
    let output = run_cli(root.path(), &["--format", "json", "svc/serverless.yml"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("WS103"), "{stdout}");
    assert!(!stdout.contains("outside the project"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn includes_outside_the_project_are_not_read_by_the_library_nor_the_editor() {
    use ws_lint::files::{DiskFiles, LayeredFiles, MemoryFiles};
    let root = service_reaching_out();
    let path = root.path().join("svc/serverless.yml");
    let text = std::fs::read_to_string(&path).expect("read");
    // The editor's view: open documents over the disk; the secret file is open too.
    let open = MemoryFiles::new().with(&path, text.clone()).with(
        root.path().join("outside/creds.json"),
        format!("{{\"token\": \"{SECRET}2\"}}"),
    );
    let layered = LayeredFiles {
        top: &open,
        bottom: &DiskFiles,
    };
    for files in [&DiskFiles as &dyn ws_lint::files::FileSource, &layered] {
        let service = ws_lint::analyze_service(&text, &path, &Settings::default(), files);
        assert!(service.included.is_empty(), "{:?}", service.included);
        let everything = format!("{:?}", service.main.diagnostics);
        assert!(!everything.contains("SUPERSECRET"), "{everything}");
        let outside = service
            .main
            .diagnostics
            .iter()
            .filter(|d| d.code == "WS604" && d.message.contains("outside the project"))
            .count();
        assert_eq!(outside, 4, "{everything}");
    }
}

/// `a0: ${self:custom.a1}${self:custom.a1}` twenty levels deep, used by 50 routes: a megabyte
/// per use if every value were built.
fn doubling_values(levels: usize, uses: usize) -> String {
    let mut text = String::from("service: bomb\nprovider:\n  name: aws\ncustom:\n");
    for level in 0..levels {
        let next = level + 1;
        text.push_str(&format!(
            "  a{level}: ${{self:custom.a{next}}}${{self:custom.a{next}}}\n"
        ));
    }
    text.push_str(&format!("  a{levels}: x\nfunctions:\n"));
    for f in 0..uses {
        text.push_str(&format!(
            "  f{f}:\n    handler: handler.f{f}\n    events:\n      - websocket: ${{self:custom.a0}}\n"
        ));
    }
    text
}

#[test]
fn values_doubling_at_each_level_stop_at_the_budget_with_one_warning() {
    let text = doubling_values(20, 50);
    let files = ws_lint::files::MemoryFiles::new().with("svc/handler.js", "");
    // The command line's path (a service with its files) and the editor's (a text on its own,
    // and a service): the same budget.
    let check = |diagnostics: Vec<ws_lint::diagnostics::Diagnostic>| {
        let budget: Vec<_> = diagnostics.iter().filter(|d| d.code == "WS605").collect();
        assert_eq!(budget.len(), 1, "{budget:?}");
        assert!(
            budget[0].message.contains("64 KiB"),
            "{}",
            budget[0].message
        );
        let longest = diagnostics.iter().map(|d| d.message.len()).max();
        assert!(longest < Some(400), "a message of {longest:?} bytes");
        // a3 is the first value over 64 KiB (a4 is 65,536 bytes): reported at its second use
        // of `${self:custom.a4}`.
        let line = text[..budget[0].range.start].lines().count();
        assert_eq!(line, 8);
        assert_eq!(
            &text[budget[0].range.as_range()],
            "${self:custom.a4}",
            "{budget:?}"
        );
    };
    let settings = Settings::default();
    let started = Instant::now();
    check(ws_lint::analyze(&text, "svc/serverless.yml", &settings).diagnostics);
    check(
        ws_lint::analyze_service(&text, "svc/serverless.yml", &settings, &files)
            .main
            .diagnostics,
    );
    let parsed = ws_lint::yaml::Yaml::parse(&text);
    check(ws_lint::analyze_parsed(&text, "svc/serverless.yml", &settings, parsed).diagnostics);
    // Generous (a debug build on a shared machine): it took seconds before the budget.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn many_values_under_the_value_budget_stop_at_the_total_budget() {
    // 400 values of 60,000 bytes each: 24 MB if all were built.
    let mut text = format!(
        "service: s\nprovider:\n  name: aws\ncustom:\n  big: {}\n  values:\n",
        "x".repeat(30_000)
    );
    for n in 0..400 {
        text.push_str(&format!(
            "    v{n}: ${{self:custom.big}}${{self:custom.big}}\n"
        ));
    }
    let diagnostics = ws_lint::analyze(&text, "serverless.yml", &Settings::default()).diagnostics;
    let budget: Vec<_> = diagnostics.iter().filter(|d| d.code == "WS605").collect();
    assert_eq!(budget.len(), 1, "{budget:?}");
    assert!(
        budget[0].message.contains("together"),
        "{}",
        budget[0].message
    );
}

/// A folder whose name is not UTF-8 is still a folder: its includes and handlers are found.
#[cfg(target_os = "linux")]
#[test]
fn a_service_in_a_folder_named_in_latin1_finds_its_includes_and_handlers() {
    use std::os::unix::ffi::OsStrExt;
    let root = tempfile::tempdir().expect("tempdir");
    let folder = root.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(
        folder.join("serverless.yml"),
        "service: s\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: h.a\n    events:\n      - websocket: ${file(inc.yml):route}\n  b:\n    handler: gone.b\n    events:\n      - websocket: $default\n",
    )
    .expect("write");
    std::fs::write(folder.join("inc.yml"), "route: $conect\n").expect("write");
    std::fs::write(folder.join("h.js"), "").expect("write");
    let codes = |stdout: &[u8]| -> Vec<String> {
        let report: serde_json::Value = serde_json::from_slice(stdout).expect("json");
        let mut codes: Vec<String> = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect();
        codes.sort();
        codes
    };
    // Named on the command line, and found by searching the folder above.
    let mut args: Vec<std::ffi::OsString> = ["--isolated", "--format", "json"]
        .iter()
        .map(Into::into)
        .collect();
    args.push(folder.join("serverless.yml").into_os_string());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .args(&args)
        .output()
        .expect("runs");
    assert_eq!(codes(&output.stdout), ["WS101", "WS702"], "{output:?}");
    let output = run_cli(root.path(), &["--isolated", "--format", "json", "."]);
    assert_eq!(codes(&output.stdout), ["WS101", "WS702"], "{output:?}");
    // The library takes the path as a path.
    let path = folder.join("serverless.yml");
    let text = std::fs::read_to_string(&path).expect("read");
    let service = ws_lint::analyze_service(
        &text,
        &path,
        &Settings::default(),
        &ws_lint::files::DiskFiles,
    );
    let mut codes: Vec<&str> = service.main.diagnostics.iter().map(|d| d.code).collect();
    codes.sort();
    assert_eq!(codes, ["WS101", "WS702"]);
}

#[test]
fn an_empty_select_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("serverless.yml"), "service: s\n").expect("write");
    for select in ["", " , "] {
        let output = run_cli(
            dir.path(),
            &["--isolated", "--select", select, "serverless.yml"],
        );
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--select names no rule"), "{stderr}");
    }
}

#[test]
fn unsafe_fixes_without_fix_or_diff_says_it_does_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("serverless.yml"), "service: s\n").expect("write");
    let output = run_cli(
        dir.path(),
        &["--isolated", "--unsafe-fixes", "serverless.yml"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: --unsafe-fixes has no effect without --fix or --diff"),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let output = run_cli(
        dir.path(),
        &["--isolated", "--unsafe-fixes", "--diff", "serverless.yml"],
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("no effect"));
}

/// The language server, as an editor drives it: it reads through its open documents and the
/// disk, inside the same project boundary and with the same budget.
#[cfg(unix)]
#[tokio::test]
async fn the_language_server_reads_inside_the_project_only_and_within_the_budget() {
    use serde_json::json;
    use support::lsp::LspClient;

    let root = service_reaching_out();
    let bomb = root.path().join("svc/bomb/serverless.yml");
    std::fs::create_dir_all(bomb.parent().expect("folder")).expect("mkdir");
    std::fs::write(&bomb, doubling_values(20, 50)).expect("write");
    std::fs::write(root.path().join("svc/bomb/handler.js"), "").expect("write");
    let uri = |path: &std::path::Path| format!("file://{}", path.display());
    // Everything the server says until the diagnostics of `target` arrive.
    async fn diagnostics_of(client: &mut LspClient, target: &str) -> (serde_json::Value, String) {
        let mut seen = String::new();
        loop {
            let message = client
                .next_message(&format!("diagnostics of {target}"))
                .await;
            seen.push_str(&message.to_string());
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == target
            {
                return (message["params"]["diagnostics"].clone(), seen);
            }
        }
    }
    let mut client = LspClient::default().await;
    // The outside file is open in the editor too: an open document outside is not read either.
    let outside = root.path().join("outside/creds.json");
    let main = root.path().join("svc/serverless.yml");
    for (path, language) in [(&outside, "json"), (&main, "yaml"), (&bomb, "yaml")] {
        client
            .notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri(path), "languageId": language, "version": 1,
                    "text": std::fs::read_to_string(path).expect("read")}}),
            )
            .await;
    }
    let (found, seen) = diagnostics_of(&mut client, &uri(&main)).await;
    assert!(!seen.contains("SUPERSECRET"), "{seen}");
    let outside_reports = found
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            d["code"] == "WS604"
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("outside the project"))
        })
        .count();
    assert_eq!(outside_reports, 4, "{found}");
    let started = Instant::now();
    let (found, seen) = diagnostics_of(&mut client, &uri(&bomb)).await;
    let elapsed = started.elapsed();
    let codes: Vec<&str> = found
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["WS605"], "{found}");
    assert!(seen.len() < 100_000, "{} bytes of messages", seen.len());
    // Generous (a debug build on a shared machine): seconds per keystroke before the budget.
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // Go to definition on a handler: inside the project it finds the file; behind a link
    // leading out it does not look.
    let definition = |line: u32| json!({"textDocument": {"uri": uri(&main)}, "position": {"line": line, "character": 15}});
    let inside = client
        .request("textDocument/definition", definition(5))
        .await;
    assert!(inside.to_string().contains("svc/src/h.js"), "{inside}");
    let outside = client
        .request("textDocument/definition", definition(12))
        .await;
    assert!(outside.is_null(), "{outside}");
    client.shutdown().await;
}
