//! The `ws-lint` binary as users and CI run it: every output format (snapshots), exit codes,
//! stdin, `--fix`/`--diff`, configuration discovery, suppressions, folder discovery, bad input,
//! the `rules`/`explain` subcommands, and a real SARIF validator on the SARIF output.
//!
//! Inputs are built on `tests/fixtures/ok/minimal.yml` (clean under every rule) plus the one
//! mistake a test is about, so that rules added later do not change what these tests see.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const CLEAN: &str = include_str!("fixtures/ok/minimal.yml");
/// The format fixture (several diagnostics, a safe and an unsafe fix, related locations,
/// non-ASCII text before the columns) and a clean file next to it.
const FORMAT_FILES: [&str; 2] = [
    "tests/fixtures/cli/formats/serverless.yml",
    "tests/fixtures/ok/minimal.yml",
];

/// An authorizer on a route other than `$connect`: WS201 (error, unsafe fix) on line 32.
fn with_ws201() -> String {
    format!(
        "{CLEAN}  message:\n    handler: handler.message\n    events:\n      - websocket:\n          route: sendMessage\n          authorizer: auth\n"
    )
}
const WS201_LINE: u64 = 32;

/// A suppression comment that suppresses nothing: WS901 (warning, safe fix) on line 1.
fn with_unused_suppression() -> String {
    CLEAN.replacen(
        "service: chat\n",
        "service: chat # ws-lint: ignore[WS201]\n",
        1,
    )
}

/// A suppression comment naming no rule: WS902 (warning, no fix) on line 1.
fn with_invalid_suppression() -> String {
    CLEAN.replacen(
        "service: chat\n",
        "service: chat # ws-lint: ignore[WS999]\n",
        1,
    )
}

/// Not YAML: WS001.
const SYNTAX_ERROR: &str = "service: [chat\nprovider:\n  name: aws\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// `(path, code, line)` of every diagnostic, from `--format json` output.
    fn found(&self) -> Vec<(String, String, u64)> {
        let json = self.json();
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["path"].as_str().unwrap_or_default().to_string(),
                    d["code"].as_str().unwrap_or_default().to_string(),
                    d["start"]["line"].as_u64().unwrap_or_default(),
                )
            })
            .collect()
    }

    fn codes(&self) -> Vec<String> {
        self.found().into_iter().map(|(_, code, _)| code).collect()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ws-lint"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn finish(mut command: Command, stdin: Option<&str>) -> Run {
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut child = command.spawn().expect("ws-lint runs");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        // A usage error ends ws-lint before it reads stdin: a closed pipe is then expected.
        if let Err(e) = pipe.write_all(input.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    let output = child.wait_with_output().expect("ws-lint finishes");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn ws_lint(dir: &Path, args: &[&str]) -> Run {
    finish(command(dir, args), None)
}

fn ws_lint_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    finish(command(dir, args), Some(input))
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary project folder. It holds `.git` so that configuration discovery stops there and
/// never sees a `ws-lint.toml` above the temporary folder.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    dir
}

fn write(dir: &Path, relative: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("folders");
    }
    std::fs::write(&path, text).expect("write");
    // Services have their handlers beside them (WS702 looks for them).
    if relative
        .rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with("serverless."))
    {
        if let Some(parent) = path.parent() {
            std::fs::write(parent.join("handler.js"), "module.exports = {};\n").expect("write");
        }
    }
    path
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

/// Says loudly that a test did not run. Written to the process's stderr directly: the test
/// harness captures `eprintln!` and would show it only on failure.
fn skipped(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "\nSKIPPED: {test}: {why}\n");
}

// ---------------------------------------------------------------------------------------------
// Formats

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "snapshots/cli", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

fn format_run(format: &str) -> Run {
    let mut args = vec!["--isolated", "--format", format];
    args.extend(FORMAT_FILES);
    let run = ws_lint(&repo_root(), &args);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
    run
}

#[test]
fn format_human() {
    snapshot("human", &format_run("human").stdout);
}

#[test]
fn format_concise() {
    snapshot("concise", &format_run("concise").stdout);
}

#[test]
fn format_json() {
    let run = format_run("json");
    let json = run.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["files"], 2);
    snapshot("json", &run.stdout);
}

#[test]
fn format_github() {
    snapshot("github", &format_run("github").stdout);
}

#[test]
fn format_gitlab() {
    let run = format_run("gitlab");
    let issues = run.json();
    let issues = issues.as_array().expect("a list");
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().expect("fingerprint"))
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");
    // Stable across runs.
    assert_eq!(format_run("gitlab").stdout, run.stdout);
    snapshot("gitlab", &run.stdout);
}

#[test]
fn format_junit() {
    let run = format_run("junit");
    assert!(run
        .stdout
        .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    snapshot("junit", &run.stdout);
}

/// The SARIF snapshot keeps only the rules the results use, and no `ruleIndex` or version: the
/// catalog grows, and the snapshot should not change with it. What is left out is checked here.
#[test]
fn format_sarif() {
    let run = format_run("sarif");
    let mut sarif = run.json();
    let catalog = ws_lint::rules::all();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .clone();
    assert_eq!(rules.len(), catalog.len(), "every rule of the catalog");
    for (rule, expected) in rules.iter().zip(catalog) {
        assert_eq!(rule["id"], expected.code);
        assert_eq!(rule["name"], expected.name);
        assert_eq!(rule["shortDescription"]["text"], expected.summary());
        assert_eq!(rule["help"]["markdown"], expected.documentation());
        let level = &rule["defaultConfiguration"]["level"];
        match expected.default_severity {
            None => {
                assert_eq!(level, "none");
                assert_eq!(rule["defaultConfiguration"]["enabled"], false);
            }
            Some(_) => assert_ne!(level, "none"),
        }
    }
    let mut used = Vec::new();
    for result in sarif["runs"][0]["results"].as_array_mut().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        used.push(result["ruleId"].clone());
        result.as_object_mut().expect("object").remove("ruleIndex");
    }
    let driver = &mut sarif["runs"][0]["tool"]["driver"];
    driver["rules"] = Value::Array(
        rules
            .into_iter()
            .filter(|r| used.contains(&r["id"]))
            .collect(),
    );
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    snapshot(
        "sarif",
        &serde_json::to_string_pretty(&sarif).expect("json"),
    );
}

#[test]
fn github_escapes_paths_and_messages() {
    let dir = project();
    write(dir.path(), "a,b:c%/serverless.yml", with_ws201());
    let run = ws_lint(dir.path(), &["--format", "github", "a,b:c%"]);
    assert_eq!(run.code, 1, "{run:?}");
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("WS201"))
        .expect("a WS201 line");
    assert!(
        line.starts_with(&format!(
            "::error file=a%2Cb%3Ac%25/serverless.yml,line={WS201_LINE},col=11,endLine={WS201_LINE},endColumn=21,title=WS201 authorizer-not-on-connect::authorizer on route `sendMessage`: "
        )),
        "{line}"
    );
}

/// Validates SARIF with Microsoft's SARIF Multitool (`npm ci --prefix tests/tools`). The tool
/// exits 0 whatever it finds, so the error-level results of its own SARIF output are counted.
#[test]
fn sarif_passes_the_sarif_multitool_validator() {
    let tool = repo_root().join("tests/tools/node_modules/.bin/sarif-multitool");
    if !tool.exists() {
        let message = format!(
            "{} is not installed: run `npm ci --prefix tests/tools`",
            tool.display()
        );
        if std::env::var("WS_LINT_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("{message} (WS_LINT_REQUIRE_TOOLS=1)");
        }
        skipped("sarif_passes_the_sarif_multitool_validator", &message);
        return;
    }
    let dir = project();
    // The check itself: a log with a region ending before it starts must count as an error.
    let broken = ws_lint(
        &repo_root(),
        &["--isolated", "--format", "sarif", FORMAT_FILES[0]],
    );
    let mut broken: Value = broken.json();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        1000.into();
    let errors = sarif_validation_errors(&tool, dir.path(), "self-check", &broken.to_string());
    assert!(
        errors.iter().any(|e| e.contains("SARIF1007")),
        "the validator did not catch a broken region: {errors:?}"
    );

    write(dir.path(), "broken/serverless.yml", SYNTAX_ERROR);
    write(dir.path(), "a b/é/serverless.yml", with_ws201());
    write(
        dir.path(),
        "suppressed/serverless.yml",
        with_unused_suppression(),
    );
    let mut logs = vec![];
    // The format fixture (repository paths) and the temporary project (odd paths, syntax error).
    let mut args = vec!["--isolated", "--format", "sarif"];
    args.extend(FORMAT_FILES);
    logs.push(ws_lint(&repo_root(), &args).stdout);
    let absolute = dir.path().display().to_string();
    let run = ws_lint(dir.path(), &["--format", "sarif", ".", &absolute]);
    logs.push(run.stdout);
    logs.push(ws_lint_stdin(dir.path(), &["--format", "sarif", "-"], CLEAN).stdout);
    for (i, log) in logs.iter().enumerate() {
        let errors = sarif_validation_errors(&tool, dir.path(), &format!("log{i}"), log);
        assert!(
            errors.is_empty(),
            "SARIF validation errors in log{i}:\n{}\n{log}",
            errors.join("\n")
        );
    }
}

/// Runs `sarif-multitool validate` on `log` and returns its error-level findings; the others
/// are printed.
fn sarif_validation_errors(tool: &Path, dir: &Path, name: &str, log: &str) -> Vec<String> {
    let input = dir.join(format!("{name}.sarif"));
    let output = dir.join(format!("{name}.validation.sarif"));
    std::fs::write(&input, log).expect("write sarif");
    let status = Command::new(tool)
        .arg("validate")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("sarif-multitool runs");
    assert!(
        status.status.success(),
        "sarif-multitool failed:\n{}\n{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    let validation: Value =
        serde_json::from_str(&read(&output)).expect("validator output is SARIF");
    let run = &validation["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut errors = Vec::new();
    for result in run["results"].as_array().into_iter().flatten() {
        // A result's level defaults to its rule's default level, and that to `warning`.
        let rule_level = result["ruleIndex"]
            .as_u64()
            .and_then(|i| rules.get(i as usize))
            .and_then(|r| r["defaultConfiguration"]["level"].as_str());
        let level = result["level"].as_str().or(rule_level).unwrap_or("warning");
        let described = format!("{level} {}: {}", result["ruleId"], result["message"]);
        if level == "error" {
            errors.push(described);
        } else {
            eprintln!("sarif-multitool on {name}: {described}");
        }
    }
    errors
}

// ---------------------------------------------------------------------------------------------
// Exit codes

#[test]
fn exit_codes_follow_fail_on() {
    let dir = project();
    let clean = write(dir.path(), "clean/serverless.yml", CLEAN);
    let warning = write(
        dir.path(),
        "warning/serverless.yml",
        with_unused_suppression(),
    );
    let error = write(dir.path(), "error/serverless.yml", with_ws201());
    let info_config = write(dir.path(), "info.toml", "[rules]\nWS901 = \"info\"\n");
    let path = |p: &PathBuf| p.display().to_string();
    let cases: &[(&PathBuf, &[&str], i32)] = &[
        (&clean, &[], 0),
        (&clean, &["--fail-on", "info"], 0),
        (&warning, &[], 0),
        (&warning, &["--fail-on", "warning"], 1),
        (&warning, &["--fail-on", "info"], 1),
        (&error, &[], 1),
        (&error, &["--fail-on", "error"], 1),
        (&error, &["--fail-on", "never"], 0),
    ];
    for (file, extra, expected) in cases {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        let file = path(file);
        args.push(&file);
        let run = ws_lint(dir.path(), &args);
        assert_eq!(run.code, *expected, "{args:?}: {run:?}");
    }
    // An info (configured) does not fail at `warning`, and does at `info`.
    let config = path(&info_config);
    let warning = path(&warning);
    let run = ws_lint(
        dir.path(),
        &["--config", &config, "--fail-on", "warning", &warning],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let run = ws_lint(
        dir.path(),
        &["--config", &config, "--fail-on", "info", &warning],
    );
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn usage_errors_exit_2() {
    let dir = project();
    write(dir.path(), "serverless.yml", CLEAN);
    for args in [
        &["--format", "xml"][..],
        &["--fail-on", "sometimes"],
        &["--select", "WS999"],
        &["--ignore", "no-such-rule"],
        &["--no-such-flag"],
        &["--fix", "--diff"],
        &["--config", "missing.toml"],
    ] {
        let run = ws_lint(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(!run.stderr.is_empty(), "{args:?}: {run:?}");
    }
}

#[test]
fn nonexistent_path_exits_2_and_the_rest_is_still_linted() {
    let dir = project();
    write(dir.path(), "serverless.yml", with_ws201());
    let run = ws_lint(
        dir.path(),
        &["--format", "json", "nope.yml", "serverless.yml"],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("nope.yml"), "{run:?}");
    assert!(run.codes().contains(&"WS201".to_string()), "{run:?}");
}

#[cfg(unix)]
#[test]
fn devices_and_huge_files_named_on_the_command_line_are_refused_unread() {
    let dir = project();
    write(dir.path(), "serverless.yml", with_ws201());
    let huge = dir.path().join("big/serverless.yml");
    std::fs::create_dir_all(huge.parent().unwrap()).expect("mkdir");
    // Sparse: 4 GiB on paper, nothing on disk.
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(4 << 30))
        .expect("sparse file");
    let started = std::time::Instant::now();
    let run = ws_lint(
        dir.path(),
        &[
            "--format",
            "json",
            "/dev/zero",
            "big/serverless.yml",
            "serverless.yml",
        ],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("/dev/zero: cannot read: not a regular file"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("big/serverless.yml: too large"),
        "{run:?}"
    );
    assert!(run.codes().contains(&"WS201".to_string()), "{run:?}");
    // --fix writes nothing to a file it could not read.
    let run = ws_lint(dir.path(), &["--fix", "big/serverless.yml"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(std::fs::metadata(&huge).expect("stat").len(), 4 << 30);
}

#[test]
fn non_utf8_file_exits_2_names_it_and_the_rest_is_still_linted() {
    let dir = project();
    write(dir.path(), "good/serverless.yml", with_ws201());
    write(
        dir.path(),
        "latin1/serverless.yml",
        b"service: caf\xe9\nprovider:\n  name: aws\n",
    );
    let run = ws_lint(dir.path(), &["--format", "json", "."]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("latin1/serverless.yml"), "{run:?}");
    assert!(run.stderr.contains("UTF-8"), "{run:?}");
    let found = run.found();
    assert!(
        found.contains(&("good/serverless.yml".into(), "WS201".into(), WS201_LINE)),
        "{run:?}"
    );
    assert!(found
        .iter()
        .all(|(path, _, _)| path == "good/serverless.yml"));
    // The human format too: the report of the good file, the reason on stderr.
    let run = ws_lint(dir.path(), &["."]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("WS201"), "{run:?}");
}

// ---------------------------------------------------------------------------------------------
// stdin

#[test]
fn stdin_is_named_by_stdin_filename() {
    let dir = project();
    let run = ws_lint_stdin(dir.path(), &["--format", "json", "-"], &with_ws201());
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.found(),
        [("<stdin>".to_string(), "WS201".to_string(), WS201_LINE)]
    );
    let run = ws_lint_stdin(
        dir.path(),
        &[
            "--format",
            "concise",
            "--stdin-filename",
            "api/serverless.yml",
            "-",
        ],
        &with_ws201(),
    );
    assert!(
        run.stdout.starts_with(&format!(
            "api/serverless.yml:{WS201_LINE}:11: error[WS201] "
        )),
        "{run:?}"
    );
    // The name decides JSON or YAML: a trailing comma is fine in YAML, not in JSON.
    let json = "{\"service\": \"chat\", \"provider\": {\"name\": \"aws\"},}";
    let run = ws_lint_stdin(
        dir.path(),
        &[
            "--format",
            "json",
            "--stdin-filename",
            "serverless.json",
            "-",
        ],
        json,
    );
    assert_eq!(run.codes(), ["WS001"], "{run:?}");
    let run = ws_lint_stdin(dir.path(), &["--format", "json", "-"], SYNTAX_ERROR);
    assert_eq!(run.codes(), ["WS001"], "{run:?}");
}

#[test]
fn stdin_finds_the_configuration_of_stdin_filename() {
    let dir = project();
    write(dir.path(), "ws-lint.toml", "[rules]\nWS901 = \"off\"\n");
    std::fs::create_dir_all(dir.path().join("api")).expect("mkdir");
    let input = with_unused_suppression();
    // From a subfolder, with a bare file name: the search walks up from the working folder.
    let api = dir.path().join("api");
    let args = [
        "--format",
        "json",
        "--stdin-filename",
        "serverless.yml",
        "-",
    ];
    assert_eq!(
        ws_lint_stdin(&api, &args, &input).codes(),
        Vec::<String>::new()
    );
    let args = [
        "--format",
        "json",
        "--stdin-filename",
        "api/serverless.yml",
        "-",
    ];
    assert_eq!(
        ws_lint_stdin(dir.path(), &args, &input).codes(),
        Vec::<String>::new()
    );
    let args = [
        "--format",
        "json",
        "--isolated",
        "--stdin-filename",
        "serverless.yml",
        "-",
    ];
    assert_eq!(ws_lint_stdin(&api, &args, &input).codes(), ["WS901"]);
}

#[test]
fn stdin_fix_prints_the_fixed_text_and_reports_on_stderr() {
    let dir = project();
    let run = ws_lint_stdin(dir.path(), &["--fix", "-"], &with_unused_suppression());
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, CLEAN);
    assert!(run.stderr.contains("Fixed 1 problem."), "{run:?}");
    // Nothing to fix: the text comes back unchanged.
    let run = ws_lint_stdin(dir.path(), &["--fix", "-"], &with_ws201());
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, with_ws201());
    assert!(run.stderr.contains("WS201"), "{run:?}");
}

// ---------------------------------------------------------------------------------------------
// --fix and --diff

#[test]
fn fix_applies_safe_fixes_atomically_and_keeps_permissions() {
    let dir = project();
    let file = write(dir.path(), "serverless.yml", with_unused_suppression());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    }
    let run = ws_lint(dir.path(), &["--fix", "serverless.yml"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Fixed 1 problem."), "{run:?}");
    assert!(run.stdout.contains("All checks passed"), "{run:?}");
    assert_eq!(read(&file), CLEAN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary file left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}"); // .git, serverless.yml, handler.js
                                             // The re-run no longer reports what was fixed.
    let run = ws_lint(dir.path(), &["--format", "json", "serverless.yml"]);
    assert_eq!(run.codes(), Vec::<String>::new(), "{run:?}");
}

#[test]
fn fix_does_not_write_when_nothing_changes() {
    let dir = project();
    // WS201's fix is unsafe: `--fix` leaves it, so the file must not be touched.
    let file = write(dir.path(), "serverless.yml", with_ws201());
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_modified(old))
        .expect("set mtime");
    let run = ws_lint(dir.path(), &["--fix", "--format", "json", "serverless.yml"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.codes().contains(&"WS201".to_string()), "{run:?}");
    assert_eq!(read(&file), with_ws201());
    let modified = std::fs::metadata(&file)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(modified, old, "the file was rewritten");
    // With --unsafe-fixes it goes, and with it the diagnostic.
    let run = ws_lint(dir.path(), &["--fix", "--unsafe-fixes", "serverless.yml"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !read(&file).contains("authorizer: auth\n"),
        "{}",
        read(&file)
    );
    let run = ws_lint(dir.path(), &["--format", "json", "serverless.yml"]);
    assert!(!run.codes().contains(&"WS201".to_string()), "{run:?}");
}

#[cfg(unix)]
#[test]
fn fix_through_a_symlink_writes_the_target() {
    let dir = project();
    let target = write(dir.path(), "real/serverless.yml", with_unused_suppression());
    let link = dir.path().join("serverless.yml");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let run = ws_lint(dir.path(), &["--fix", "serverless.yml"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(std::fs::symlink_metadata(&link)
        .expect("lstat")
        .file_type()
        .is_symlink());
    assert_eq!(read(&target), CLEAN);
}

#[test]
fn diff_prints_the_change_and_writes_nothing() {
    let dir = project();
    let file = write(dir.path(), "serverless.yml", with_unused_suppression());
    let run = ws_lint(dir.path(), &["--diff", "serverless.yml"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .starts_with("--- a/serverless.yml\n+++ b/serverless.yml\n"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("\n-service: chat # ws-lint: ignore[WS201]\n+service: chat\n"),
        "{run:?}"
    );
    assert_eq!(read(&file), with_unused_suppression());
    // Nothing to change: no diff, exit 0.
    write(dir.path(), "serverless.yml", CLEAN);
    let run = ws_lint(dir.path(), &["--diff", "serverless.yml"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{run:?}");
}

// ---------------------------------------------------------------------------------------------
// Configuration

#[test]
fn config_is_found_walking_up_and_the_search_stops_at_git() {
    let dir = project();
    write(
        dir.path(),
        "ws-lint.toml",
        "[rules]\nunused-suppression = \"off\"\n",
    );
    write(dir.path(), "a/b/serverless.yml", with_unused_suppression());
    // A nested repository: the search stops at its `.git` and never sees the outer config.
    write(dir.path(), "nested/.git/HEAD", "ref: refs/heads/main\n");
    write(
        dir.path(),
        "nested/api/serverless.yml",
        with_unused_suppression(),
    );

    let run = ws_lint(dir.path(), &["--format", "json", "."]);
    assert_eq!(
        run.found(),
        [("nested/api/serverless.yml".into(), "WS901".into(), 1)],
        "{run:?}"
    );
    // The same from inside the folder, naming the file bare.
    let run = ws_lint(
        &dir.path().join("a/b"),
        &["--format", "json", "serverless.yml"],
    );
    assert_eq!(run.codes(), Vec::<String>::new(), "{run:?}");
    // --isolated ignores it.
    let run = ws_lint(dir.path(), &["--format", "json", "--isolated", "a/b"]);
    assert_eq!(run.codes(), ["WS901"], "{run:?}");
}

#[test]
fn config_flag_overrides_discovery() {
    let dir = project();
    write(dir.path(), "ws-lint.toml", "[rules]\nWS901 = \"off\"\n");
    write(dir.path(), "other.toml", "[rules]\nWS901 = \"error\"\n");
    write(dir.path(), "serverless.yml", with_unused_suppression());
    let run = ws_lint(
        dir.path(),
        &["--format", "json", "--config", "other.toml", "."],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json = run.json();
    assert_eq!(json["diagnostics"][0]["code"], "WS901");
    assert_eq!(json["diagnostics"][0]["severity"], "error");
}

#[test]
fn bad_config_exits_2_naming_file_and_line() {
    let dir = project();
    write(
        dir.path(),
        "ws-lint.toml",
        "[rules]\nWS902 = \"off\"\nWS999 = \"off\"\n",
    );
    write(dir.path(), "a/serverless.yml", CLEAN);
    write(dir.path(), "b/serverless.yml", CLEAN);
    let run = ws_lint(dir.path(), &["."]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("ws-lint.toml:3:"), "{run:?}");
    assert!(run.stderr.contains("WS999"), "{run:?}");
    assert_eq!(run.stderr.matches("WS999").count(), 1, "said once: {run:?}");
    assert!(!run.stdout.contains("All checks passed"), "{run:?}");
    // And through --config, with a bad value.
    write(dir.path(), "bad.toml", "[rules]\nWS901 = \"loud\"\n");
    let run = ws_lint(dir.path(), &["--config", "bad.toml", "a"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("bad.toml:2:"), "{run:?}");
    // --isolated does not read it at all.
    let run = ws_lint(dir.path(), &["--isolated", "."]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn config_exclude_globs_are_relative_to_the_config() {
    let dir = project();
    write(
        dir.path(),
        "ws-lint.toml",
        "[files]\nexclude = [\"examples/*\", \"old\"]\n",
    );
    write(dir.path(), "examples/a/serverless.yml", SYNTAX_ERROR);
    write(dir.path(), "old/x/serverless.yml", SYNTAX_ERROR);
    write(dir.path(), "api/examples/serverless.yml", SYNTAX_ERROR);
    write(dir.path(), "serverless.yml", CLEAN);
    let run = ws_lint(dir.path(), &["--format", "json", "."]);
    let paths: Vec<String> = run.found().into_iter().map(|(p, _, _)| p).collect();
    assert_eq!(paths, ["api/examples/serverless.yml"], "{run:?}");
    assert_eq!(run.json()["summary"]["files"], 2, "{run:?}");
    // Linting from elsewhere: the globs still count from the config's folder.
    let run = ws_lint(&dir.path().join("examples"), &["--format", "json", "."]);
    assert_eq!(run.json()["summary"]["files"], 0, "{run:?}");
}

#[test]
fn select_and_ignore_take_codes_and_names() {
    let dir = project();
    let text = with_invalid_suppression() + &with_ws201()[CLEAN.len()..];
    write(dir.path(), "serverless.yml", text);
    let codes = |args: &[&str]| {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let mut codes = ws_lint(dir.path(), &all).codes();
        codes.retain(|c| c == "WS201" || c == "WS902");
        codes
    };
    assert_eq!(codes(&[]), ["WS902", "WS201"]);
    assert_eq!(codes(&["--select", "WS201"]), ["WS201"]);
    assert_eq!(codes(&["--select", "authorizer-not-on-connect"]), ["WS201"]);
    assert_eq!(
        codes(&["--select", "ws201, invalid-suppression"]),
        ["WS902", "WS201"]
    );
    assert_eq!(codes(&["--ignore", "WS201"]), ["WS902"]);
    assert_eq!(
        codes(&["--ignore", "invalid-suppression,WS201"]),
        Vec::<String>::new()
    );
}

#[test]
fn suppression_comments_work_end_to_end() {
    let dir = project();
    let base = with_ws201();
    let variants = [
        base.replace(
            "authorizer: auth\n",
            "authorizer: auth # ws-lint: ignore[WS201]\n",
        ),
        base.replace(
            "authorizer: auth\n",
            "authorizer: auth # ws-lint: ignore[authorizer-not-on-connect]\n",
        ),
        base.replace("authorizer: auth\n", "authorizer: auth # ws-lint: ignore\n"),
        base.replace(
            "          authorizer: auth\n",
            "          # ws-lint: ignore-next-line[WS201]\n\n          authorizer: auth\n",
        ),
        format!("# ws-lint: ignore-file[WS201]\n{base}"),
    ];
    for text in &variants {
        write(dir.path(), "serverless.yml", text);
        let run = ws_lint(dir.path(), &["--format", "json", "serverless.yml"]);
        assert_eq!(run.code, 0, "{text}\n{run:?}");
        assert_eq!(run.codes(), Vec::<String>::new(), "{text}\n{run:?}");
    }
    // A suppression on the wrong line suppresses nothing, and says so.
    let text = base.replace(
        "route: sendMessage\n",
        "route: sendMessage # ws-lint: ignore[WS201]\n",
    );
    write(dir.path(), "serverless.yml", &text);
    let run = ws_lint(dir.path(), &["--format", "json", "serverless.yml"]);
    assert_eq!(
        run.found(),
        [
            ("serverless.yml".into(), "WS901".into(), WS201_LINE - 1),
            ("serverless.yml".into(), "WS201".into(), WS201_LINE),
        ],
        "{run:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Folders

#[test]
fn folders_are_searched_honouring_gitignore() {
    let dir = project();
    for path in [
        "serverless.yml",
        "services/chat/serverless.yaml",
        "services/api/serverless.json",
        "node_modules/pkg/serverless.yml",
        "services/chat/node_modules/pkg/serverless.yml",
        ".serverless/serverless.yml",
        "generated/serverless.yml",
        "services/ignored.yml",
        "services/api/serverless.yml.bak",
    ] {
        let text = if path.ends_with(".json") {
            "{\"service\": \"api\", \"provider\": {\"name\": \"aws\"},}".to_string()
        } else {
            SYNTAX_ERROR.to_string()
        };
        write(dir.path(), path, text);
    }
    write(dir.path(), ".gitignore", "generated/\n");
    let run = ws_lint(dir.path(), &["--format", "json"]);
    let mut paths: Vec<String> = run.found().into_iter().map(|(p, _, _)| p).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "serverless.yml",
            "services/api/serverless.json",
            "services/chat/serverless.yaml"
        ],
        "{run:?}"
    );
    assert_eq!(run.json()["summary"]["files"], 3);
    // A folder given by name keeps its prefix in the paths.
    let run = ws_lint(dir.path(), &["--format", "json", "services"]);
    let mut paths: Vec<String> = run.found().into_iter().map(|(p, _, _)| p).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "services/api/serverless.json",
            "services/chat/serverless.yaml"
        ]
    );
    // A file given by name is linted whatever its name, and only once.
    let run = ws_lint(
        dir.path(),
        &[
            "--format",
            "json",
            "services/ignored.yml",
            "./services/ignored.yml",
        ],
    );
    assert_eq!(run.json()["summary"]["files"], 1, "{run:?}");
}

#[test]
fn an_empty_folder_warns_and_passes() {
    let dir = project();
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let run = ws_lint(dir.path(), &["empty"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("no serverless.yml"), "{run:?}");
}

// ---------------------------------------------------------------------------------------------
// Subcommands

#[test]
fn rules_lists_every_rule() {
    let dir = project();
    let run = ws_lint(dir.path(), &["rules"]);
    assert_eq!(run.code, 0, "{run:?}");
    for rule in ws_lint::rules::all() {
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(rule.code))
            .unwrap_or_else(|| panic!("{} missing:\n{}", rule.code, run.stdout));
        assert!(line.contains(rule.name), "{line}");
    }
    let ws201 = run
        .stdout
        .lines()
        .find(|l| l.starts_with("WS201"))
        .expect("WS201");
    assert!(ws201.contains("error") && ws201.contains("yes"), "{ws201}");
    let run = ws_lint(dir.path(), &["rules", "--json"]);
    let list = run.json();
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(ws_lint::rules::all().len())
    );
    assert!(list
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["code"] == "WS901" && r["fixable"] == true && r["severity"] == "warning"));
}

#[test]
fn explain_prints_the_documentation_by_code_or_name() {
    let dir = project();
    let by_code = ws_lint(dir.path(), &["explain", "WS201"]);
    assert_eq!(by_code.code, 0, "{by_code:?}");
    assert!(
        by_code
            .stdout
            .starts_with("# WS201 authorizer-not-on-connect\n"),
        "{by_code:?}"
    );
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
    ] {
        assert!(by_code.stdout.contains(section), "{section}: {by_code:?}");
    }
    let by_name = ws_lint(dir.path(), &["explain", "authorizer-not-on-connect"]);
    assert_eq!(by_name.stdout, by_code.stdout);
    let lower = ws_lint(dir.path(), &["explain", "ws201"]);
    assert_eq!(lower.stdout, by_code.stdout);
    let unknown = ws_lint(dir.path(), &["explain", "WS999"]);
    assert_eq!(unknown.code, 2, "{unknown:?}");
    assert!(unknown.stderr.contains("WS999"), "{unknown:?}");
}

// ---------------------------------------------------------------------------------------------
// Output options

#[test]
fn statistics_and_quiet() {
    let dir = project();
    write(dir.path(), "a/serverless.yml", with_ws201());
    write(dir.path(), "b/serverless.yml", with_ws201());
    let run = ws_lint(dir.path(), &["--statistics", "."]);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["2", "WS201", "authorizer-not-on-connect"]),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("Found 2 errors (2 files linted)."),
        "{run:?}"
    );
    // JSON stays parseable: statistics go to stderr.
    let run = ws_lint(dir.path(), &["--statistics", "--format", "json", "."]);
    assert_eq!(run.json()["summary"]["error"], 2);
    assert!(run.stderr.contains("WS201"), "{run:?}");
    // --quiet: diagnostics only.
    let run = ws_lint(dir.path(), &["--quiet", "."]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("WS201"), "{run:?}");
    assert!(!run.stdout.contains("Found"), "{run:?}");
    let clean = project();
    write(clean.path(), "serverless.yml", CLEAN);
    let run = ws_lint(clean.path(), &["--quiet"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{run:?}");
    let run = ws_lint(clean.path(), &[]);
    assert_eq!(
        run.stdout, "All checks passed (1 file linted).\n",
        "{run:?}"
    );
}

#[test]
fn colour_follows_color_and_no_color() {
    let dir = project();
    write(dir.path(), "serverless.yml", with_ws201());
    let ansi = |run: &Run| run.stdout.contains("\u{1b}[");
    // Not a terminal: no colour unless asked for.
    assert!(!ansi(&ws_lint(dir.path(), &[])));
    assert!(ansi(&ws_lint(dir.path(), &["--color", "always"])));
    assert!(!ansi(&ws_lint(dir.path(), &["--color", "never"])));
    let mut with_no_color = command(dir.path(), &["--color", "auto"]);
    with_no_color.env("NO_COLOR", "1");
    assert!(!ansi(&finish(with_no_color, None)));
    // An explicit --color always wins over NO_COLOR.
    let mut forced = command(dir.path(), &["--color", "always"]);
    forced.env("NO_COLOR", "1");
    assert!(ansi(&finish(forced, None)));
    // Machine formats never carry colour.
    assert!(!ansi(&ws_lint(
        dir.path(),
        &["--color", "always", "--format", "concise"]
    )));
}

/// `--color auto` on a real terminal (a pseudo-terminal from util-linux `script`): colour,
/// unless `NO_COLOR` is set.
#[cfg(unix)]
#[test]
fn colour_on_a_terminal_unless_no_color() {
    let dir = project();
    write(dir.path(), "serverless.yml", with_ws201());
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        skipped(
            "colour_on_a_terminal_unless_no_color",
            "no `script` to make a terminal",
        );
        return;
    }
    let binary = env!("CARGO_BIN_EXE_ws-lint").replace('\'', r"'\''");
    let on_terminal = |no_color: Option<&str>| {
        let mut command = Command::new("script");
        command
            .current_dir(dir.path())
            .args(["-qec", &format!("'{binary}' serverless.yml"), "/dev/null"])
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        let output = command.output().expect("script runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let plain = on_terminal(Some("1"));
    assert!(plain.contains("WS201"), "{plain}");
    assert!(!plain.contains('\u{1b}'), "{plain}");
    let coloured = on_terminal(None);
    assert!(coloured.contains("\u{1b}["), "{coloured}");
    // An empty NO_COLOR does not count (no-color.org).
    assert!(on_terminal(Some("")).contains("\u{1b}["));
}
