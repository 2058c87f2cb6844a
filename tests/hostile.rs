//! Hostile input: whatever the bytes, analysis finishes quickly, in little memory, without a
//! panic, and reports what is wrong in words a user can act on.

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
