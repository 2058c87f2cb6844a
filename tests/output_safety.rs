//! File content cannot write into a terminal or a CI log: the built binary, every output
//! format, on values that carry escape sequences, GitHub workflow commands, C1 controls and a
//! runaway length.

use std::path::Path;
use std::process::Command;

/// A route with a terminal escape sequence (clear screen, set the window title, bell) and line
/// breaks followed by GitHub workflow commands; an identity source with the same; a comment
/// with a raw CSI (U+009B) in the source, which a code frame shows.
const HOSTILE: &str = concat!(
    "service: chat\n",
    "provider:\n",
    "  name: aws\n",
    "functions:\n",
    "  connect:\n",
    "    handler: handler.connect\n",
    "    events:\n",
    "      - websocket:\n",
    "          route: \"bad route\\e[2J\\e]0;pwned\\a\\n::error file=X::owned\\n::stop-commands::tok\\r::warning::cr\\u2028::notice::ls\"\n",
    "      - websocket:\n",
    "          route: $connect\n",
    "          authorizer:\n",
    "            name: connect\n",
    "            identitySource: \"route.request.header.Auth\\e[31m\\n::warning::x\"\n",
);

const FORMATS: [&str; 7] = [
    "human", "concise", "github", "gitlab", "junit", "json", "sarif",
];

fn lint(dir: &Path, format: &str, file: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .args(["--format", format, "--color", "always", file])
        .current_dir(dir)
        .output()
        .expect("run ws-lint");
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// No character that a terminal or a log reader acts on, other than the line breaks that end
/// lines and, with `--color always`, the renderer's own SGR colour sequences.
fn assert_inert(format: &str, out: &str) {
    let without_colours = strip_sgr(out);
    for c in without_colours.chars() {
        assert!(
            c == '\n' || !(c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')),
            "{format}: raw U+{:04X} in the output:\n{out}",
            c as u32
        );
    }
    for line in without_colours.lines() {
        let line = line.trim_start();
        if format == "github" {
            // One workflow command per diagnostic, none of them from the file.
            assert!(
                line.starts_with("::error file=serverless.yml,")
                    || line.starts_with("::warning file=serverless.yml,")
                    || line.starts_with("::notice file=serverless.yml,"),
                "{format}: a line that is not ws-lint's own command: {line}"
            );
        } else {
            assert!(
                !line.starts_with("::"),
                "{format}: a workflow command from the file: {line}"
            );
        }
    }
}

/// `text` without `ESC [ digits;... m` sequences (the colours `--color always` asks for).
fn strip_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            let mut sequence = String::new();
            chars.next();
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
                sequence.push(d);
            }
            if sequence.chars().all(|d| d.is_ascii_digit() || d == ';') {
                continue;
            }
            out.push_str("\u{1b}[");
            out.push_str(&sequence);
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn escape_sequences_and_workflow_commands_in_values_stay_inert_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("serverless.yml"), HOSTILE).expect("write");
    for format in FORMATS {
        let out = lint(dir.path(), format, "serverless.yml");
        assert!(out.contains("WS105"), "{format}: {out}");
        assert_inert(format, &out);
        match format {
            "json" | "sarif" | "gitlab" => {
                serde_json::from_str::<serde_json::Value>(&out)
                    .unwrap_or_else(|e| panic!("{format} is not JSON: {e}\n{out}"));
            }
            "human" | "concise" => {
                // The value is still recognisable, written the way YAML escapes it.
                assert!(
                    out.contains(r"bad route\e[2J\e]0;pwned\a\n::error file=X::owned\n::stop-commands::tok\r::warning::cr\L::notice::ls"),
                    "{format}: {out}"
                );
            }
            _ => {}
        }
    }
}

#[test]
fn control_characters_in_shown_source_lines_stay_inert() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A raw CSI and a raw ESC inside a value (js-yaml refuses them there: WS001 points at
    // the line, and the code frame shows it).
    let text = "service: chat \u{9b}2J\u{1b}]0;pwned\u{7}\nprovider:\n  name: aws\n";
    std::fs::write(dir.path().join("serverless.yml"), text).expect("write");
    let out = lint(dir.path(), "human", "serverless.yml");
    assert!(out.contains("WS001"), "{out}");
    assert!(out.contains("service: chat "), "{out}");
    assert_inert("human", &out);
}

#[test]
fn a_runaway_value_is_cut_in_messages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let route = format!("bad route {}", "x".repeat(200_000));
    let text = HOSTILE.replacen(
        "bad route\\e[2J\\e]0;pwned\\a\\n::error file=X::owned\\n::stop-commands::tok\\r::warning::cr\\u2028::notice::ls",
        &route,
        1,
    );
    std::fs::write(dir.path().join("serverless.yml"), text).expect("write");
    for format in ["concise", "github", "json"] {
        let out = lint(dir.path(), format, "serverless.yml");
        assert!(out.contains("WS105"), "{format}");
        assert!(
            out.len() < 10_000,
            "{format}: {} bytes of output for a few diagnostics",
            out.len()
        );
        assert!(out.contains("bad route xxxx"), "{format}");
        assert!(out.contains('…'), "{format}");
    }
}
