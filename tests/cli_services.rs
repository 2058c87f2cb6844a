//! A service split over several files, linted through the binary: from its folder and from its
//! `serverless.yml`, each diagnostic reported in the file it points into, at the right place.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

const SERVICE: &str = "tests/fixtures/services/chat";

fn lint(path: &str) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .args(["--isolated", "--format", "json", path])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("json")
}

/// (file relative to the service, line, column, code)
fn found(report: &Value) -> BTreeSet<(String, u64, u64, String)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap_or_default();
            (
                path.strip_prefix(&format!("{SERVICE}/"))
                    .unwrap_or(path)
                    .to_string(),
                d["start"]["line"].as_u64().unwrap_or(0),
                d["start"]["column"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn expected() -> BTreeSet<(String, u64, u64, String)> {
    [
        // Two events on `sendMessage`: one written here, one through a variable in an
        // included file.
        ("serverless.yml", 15, 20, "WS103"),
        ("functions/messages.yml", 6, 18, "WS103"),
        // An include naming no file.
        ("serverless.yml", 18, 15, "WS604"),
        // `${self:custom.routes.connect}` is `$conect` (from config/custom.yml): reported where
        // the variable is used, and the authorizer on it too.
        ("functions/connect.yml", 5, 16, "WS101"),
        ("functions/connect.yml", 6, 9, "WS201"),
        // No src/gone.* beside the config.
        ("functions/connect.yml", 8, 12, "WS702"),
    ]
    .into_iter()
    .map(|(p, l, c, code)| (p.to_string(), l, c, code.to_string()))
    .collect()
}

#[test]
fn a_service_folder_is_linted_as_one() {
    let report = lint(&format!("{SERVICE}/"));
    assert_eq!(found(&report), expected());
    // The authorizer `auth` is defined in the main file: no WS202 in connect.yml. The
    // fallback route `$default` comes from config/custom.yml: no WS107.
}

#[test]
fn the_main_file_brings_its_includes() {
    let report = lint(&format!("{SERVICE}/serverless.yml"));
    assert_eq!(found(&report), expected());
}

#[test]
fn related_locations_point_into_their_own_files() {
    let report = lint(SERVICE);
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let ws101 = diagnostics
        .iter()
        .find(|d| d["code"] == "WS101")
        .expect("WS101");
    let related = &ws101["related"][0];
    assert_eq!(
        related["path"],
        format!("{SERVICE}/config/custom.yml").as_str()
    );
    assert_eq!(related["start"]["line"], 2);
    assert_eq!(related["start"]["column"], 12);
    // The value comes through a variable: no fix may overwrite it.
    assert!(ws101["fix"].is_null());
    let ws103 = diagnostics
        .iter()
        .find(|d| d["code"] == "WS103" && d["start"]["line"] == 15)
        .expect("WS103");
    assert_eq!(
        ws103["related"][0]["path"],
        format!("{SERVICE}/functions/messages.yml").as_str()
    );
    assert_eq!(ws103["related"][0]["start"]["line"], 6);
}

/// Every folder under tests/fixtures/services/ named after a rule (`WS604_...`): the (file,
/// line, code) set reported over the service, with `analyze_service` on the disk, equals its
/// `# expect: WSnnn` markers in all its files.
#[test]
fn service_fixtures_report_exactly_what_they_expect() {
    use ws_lint::config::Settings;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/services");
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).expect("services") {
        let dir = entry.expect("entry").path();
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if !name.starts_with("WS") {
            continue;
        }
        checked += 1;
        let main = dir.join("serverless.yml");
        let text = std::fs::read_to_string(&main).expect("serverless.yml");
        let path = main.to_string_lossy().to_string();
        let analysis = ws_lint::analyze_service(
            &text,
            &path,
            &Settings::default(),
            &ws_lint::files::DiskFiles,
        );
        let mut reported = BTreeSet::new();
        let mut wanted = BTreeSet::new();
        let mut files = vec![(path.clone(), text.clone(), analysis.main.diagnostics)];
        files.extend(
            analysis
                .included
                .into_iter()
                .map(|f| (f.path, f.text, f.diagnostics)),
        );
        for (file, text, diagnostics) in files {
            let index = ws_lint::span::LineIndex::new(&text);
            for d in &diagnostics {
                let line = index.line_col(&text, d.range.start).line;
                reported.insert((file.clone(), line as u64, d.code.to_string()));
            }
            for (i, line) in text.lines().enumerate() {
                if let Some((_, codes)) = line.split_once("# expect: ") {
                    for code in codes.split(',') {
                        wanted.insert((file.clone(), i as u64 + 1, code.trim().to_string()));
                    }
                }
            }
        }
        if reported != wanted {
            failures.push(format!(
                "{name}:\n  expected {wanted:?}\n  reported {reported:?}"
            ));
        }
    }
    assert!(checked >= 3, "no service fixtures found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// WS704 in a file included under `resources:`: reported in that file at the name itself, with
/// the event that generates the name it should be in the main file; `--fix` edits only the
/// file it is given, so the included file's finding carries no fix.
#[test]
fn unknown_generated_names_are_reported_in_the_included_resources_file() {
    const DIR: &str = "tests/fixtures/services/WS704_included_resources";
    let report = lint(&format!("{DIR}/serverless.yml"));
    let ws704: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "WS704")
        .collect();
    let at: Vec<(String, u64, u64, u64)> = ws704
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["start"]["line"].as_u64().unwrap_or(0),
                d["start"]["column"].as_u64().unwrap_or(0),
                d["end"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let resources = format!("{DIR}/resources.yml");
    assert_eq!(
        at,
        [
            // `Ref: SendMessageWebsocketsRoute`: route IDs keep the route's case.
            (resources.clone(), 9, 14, 40),
            // `${sendMessageLambdaPermissionWebsockets}` inside `!Sub`.
            (resources, 10, 48, 85),
        ]
    );
    let related = &ws704[0]["related"][0];
    assert_eq!(related["path"], format!("{DIR}/serverless.yml").as_str());
    assert_eq!(related["start"]["line"], 11);
    assert!(
        related["message"]
            .as_str()
            .is_some_and(|m| m.contains("`sendMessageWebsocketsRoute`")),
        "{related}"
    );
    assert!(ws704.iter().all(|d| d["fix"].is_null()));
}
