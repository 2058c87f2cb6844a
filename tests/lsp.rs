//! End-to-end tests of `ws-lint lsp`: the server as the binary serves it (`transport.rs`, then
//! tower-lsp-server's `Server` with its concurrent handling of notifications) over in-memory
//! pipes, driven by the tests' LSP client. Every wait has a timeout.

mod support;

use std::time::Duration;

use serde_json::{json, Value};

use support::lsp::{LspClient, TIMEOUT};
use ws_lint::span::{ColumnEncoding, LineIndex};

/// What the CLI reports for `text`, as LSP would carry it: (code, message, range, severity).
fn cli_diagnostics(path: &str, text: &str, encoding: ColumnEncoding) -> Vec<Value> {
    let settings = support::settings_for_fixture(text);
    let analysis = ws_lint::analyze(text, path, &settings);
    let index = LineIndex::new(text);
    let pos = |offset| {
        let (line, character) = index.position(text, offset, encoding);
        json!({"line": line, "character": character})
    };
    analysis
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "code": d.code,
                "message": d.message,
                "range": {"start": pos(d.range.start), "end": pos(d.range.end)},
                "severity": match d.severity {
                    ws_lint::diagnostics::Severity::Error => 1,
                    ws_lint::diagnostics::Severity::Warning => 2,
                    ws_lint::diagnostics::Severity::Info => 3,
                    ws_lint::diagnostics::Severity::Hint => 4,
                },
            })
        })
        .collect()
}

fn essentials(diagnostics: &[Value]) -> Vec<Value> {
    diagnostics
        .iter()
        .map(|d| {
            json!({"code": d["code"], "message": d["message"], "range": d["range"], "severity": d["severity"]})
        })
        .collect()
}

fn uri(name: &str) -> String {
    format!("file:///nonexistent-ws-lint-test/{name}")
}

const SERVICE: &str = "service: chat
provider:
  name: aws
functions:
  auth:
    handler: handler.auth
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $connect
          authorizer: auth
  message:
    handler: handler.message
    events:
      - websocket:
          route: sendMessage
          authorizer: auth
      - websocket: $default
";

#[tokio::test]
async fn negotiates_utf8_when_offered_else_utf16() {
    let (client, caps) = LspClient::start(
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
        Value::Null,
    )
    .await;
    assert_eq!(caps["capabilities"]["positionEncoding"], "utf-8");
    client.shutdown().await;
    let (client, caps) = LspClient::start(json!({}), Value::Null).await;
    assert_eq!(caps["capabilities"]["positionEncoding"], "utf-16");
    client.shutdown().await;
}

#[tokio::test]
async fn diagnostics_equal_the_cli_on_fixtures() {
    for encoding in [ColumnEncoding::Utf16, ColumnEncoding::Utf8] {
        let caps = match encoding {
            ColumnEncoding::Utf8 => json!({"general": {"positionEncodings": ["utf-8"]}}),
            _ => json!({}),
        };
        let (mut client, _) = LspClient::start(caps, Value::Null).await;
        let dir = support::repo_root().join("tests/fixtures/rules");
        for path in support::files_in(&dir, &["yml", "yaml", "json"]) {
            let text = support::read(&path);
            if text.starts_with("# ws-lint-test:") {
                continue;
            }
            let name = path.file_name().unwrap().to_str().unwrap();
            let uri = uri(name);
            let got = client.open(&uri, &text).await;
            assert_eq!(
                essentials(&got),
                cli_diagnostics(name, &text, encoding),
                "{name}"
            );
            for d in &got {
                assert_eq!(d["source"], "ws-lint");
            }
            // Pull diagnostics say the same.
            let pulled = client
                .request(
                    "textDocument/diagnostic",
                    json!({"textDocument": {"uri": uri}}),
                )
                .await;
            assert_eq!(pulled["kind"], "full");
            assert_eq!(pulled["items"].as_array().unwrap(), &got, "{name}");
        }
        client.shutdown().await;
    }
}

#[tokio::test]
async fn non_ascii_and_crlf_positions_match_the_cli() {
    let text = "# 😀 中文 ✓\r\nservice: chat # 🚀🚀\r\nfunctions:\r\n  auth:\r\n    handler: h.auth # 認証\r\n  connect:\r\n    handler: h.c\r\n    events:\r\n      - websocket: {route: sendMessage, authorizer: auth} # 😀\r\n      - websocket: {route: sendMessage, description: \"é\"}\r\n";
    for (caps, encoding) in [
        (json!({}), ColumnEncoding::Utf16),
        (
            json!({"general": {"positionEncodings": ["utf-8"]}}),
            ColumnEncoding::Utf8,
        ),
    ] {
        let (mut client, _) = LspClient::start(caps, Value::Null).await;
        let uri = uri("serverless.yml");
        let got = client.open(&uri, text).await;
        let expected = cli_diagnostics("serverless.yml", text, encoding);
        assert!(!expected.is_empty());
        assert_eq!(essentials(&got), expected);
        client.shutdown().await;
    }
}

#[tokio::test]
async fn a_thousand_edits_in_a_row_arrive_in_order() {
    for (caps, encoding) in [
        (json!({}), "utf-16"),
        (
            json!({"general": {"positionEncodings": ["utf-8"]}}),
            "utf-8",
        ),
    ] {
        let (mut client, _) = LspClient::start(caps, Value::Null).await;
        let uri = uri("serverless.yml");
        let mut text =
            String::from("service: chat # 😀\r\nfunctions:\r\n  a:\r\n    handler: 中.x\r\n");
        client.open(&uri, &text).await;
        // Insert or delete at pseudo-random places; send everything without waiting.
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let inserts = ["x", "😀", "中", "\n", "é", "\r\n", "ab"];
        for version in 2..1002 {
            let index = LineIndex::new(&text);
            // Pick a char boundary.
            let chars: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let start = chars[next() % chars.len()];
            // Never split a CRLF.
            let start = if start > 0
                && text.as_bytes()[start - 1] == b'\r'
                && text.as_bytes().get(start) == Some(&b'\n')
            {
                start - 1
            } else {
                start
            };
            let (end, insert) = if next() % 3 == 0 && start < text.len() {
                let len = text[start..].chars().next().unwrap().len_utf8();
                let mut end = start + len;
                if text[start..].starts_with("\r\n") {
                    end = start + 2;
                }
                (end, "")
            } else {
                (start, inserts[next() % inserts.len()])
            };
            let enc = if encoding == "utf-8" {
                ColumnEncoding::Utf8
            } else {
                ColumnEncoding::Utf16
            };
            let (l1, c1) = index.position(&text, start, enc);
            let (l2, c2) = index.position(&text, end, enc);
            text.replace_range(start..end, insert);
            client
                .notify(
                    "textDocument/didChange",
                    json!({
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [{"range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}, "text": insert}],
                    }),
                )
                .await;
        }
        let server_text = client.text(&uri).await;
        assert_eq!(server_text, text, "{encoding}");
        // The newest version is published.
        let got = client.diagnostics(&uri, Some(1001)).await;
        assert_eq!(
            essentials(&got),
            cli_diagnostics(
                "serverless.yml",
                &text,
                if encoding == "utf-8" {
                    ColumnEncoding::Utf8
                } else {
                    ColumnEncoding::Utf16
                }
            )
        );
        client.shutdown().await;
    }
}

#[tokio::test]
async fn edits_update_and_close_clears_diagnostics() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let got = client.open(&uri, SERVICE).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["code"], "WS201");
    // Delete the offending authorizer line (0-based line 17).
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 17, "character": 0}, "end": {"line": 18, "character": 0}}, "text": ""}]}),
        )
        .await;
    assert_eq!(client.diagnostics(&uri, Some(2)).await, Vec::<Value>::new());
    // Break the YAML: WS001 appears.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": "a: \"unclosed\nb: 1\n"}]}),
        )
        .await;
    let got = client.diagnostics(&uri, Some(3)).await;
    assert_eq!(got[0]["code"], "WS001");
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let message = client
        .wait_for("cleared diagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["diagnostics"] == json!([])
        })
        .await;
    assert_eq!(message["params"]["uri"], uri.as_str());
    client.shutdown().await;
}

#[tokio::test]
async fn rule_levels_come_from_the_client_and_from_ws_lint_toml() {
    // initializationOptions turn WS201 into an info.
    let (mut client, _) = LspClient::start(json!({}), json!({"rules": {"WS201": "info"}})).await;
    let uri = uri("serverless.yml");
    let got = client.open(&uri, SERVICE).await;
    assert_eq!(got[0]["severity"], 3);
    // didChangeConfiguration turns it off and republishes.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"ws-lint": {"rules": {"WS201": "off"}}}}),
        )
        .await;
    assert_eq!(client.diagnostics(&uri, Some(1)).await, Vec::<Value>::new());
    // An unknown rule is reported as a message, not a crash.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"rules": {"WS999": "off"}}}),
        )
        .await;
    let message = client
        .wait_for("showMessage", |m| m["method"] == "window/showMessage")
        .await;
    assert!(message["params"]["message"]
        .as_str()
        .unwrap()
        .contains("WS999"));
    assert_eq!(client.diagnostics(&uri, Some(1)).await.len(), 1);
    client.shutdown().await;

    // A ws-lint.toml beside the file (in a folder with .git so the search stops there).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("ws-lint.toml"),
        "[rules]\nWS201 = \"off\"\n",
    )
    .unwrap();
    let file = dir.path().join("serverless.yml");
    let file_uri = tower_lsp_server::ls_types::Uri::from_file_path(&file).unwrap();
    let file_uri = file_uri.as_str().to_string();
    let (mut client, _) = LspClient::start(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        Value::Null,
    )
    .await;
    assert_eq!(client.open(&file_uri, SERVICE).await, Vec::<Value>::new());
    // The file changes: the client tells us, diagnostics are republished.
    std::fs::write(
        dir.path().join("ws-lint.toml"),
        "[rules]\nWS201 = \"info\"\n",
    )
    .unwrap();
    let toml_uri =
        tower_lsp_server::ls_types::Uri::from_file_path(dir.path().join("ws-lint.toml")).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": toml_uri.as_str(), "type": 2}]}),
        )
        .await;
    let got = client.diagnostics(&file_uri, Some(1)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["severity"], 3);
    client.shutdown().await;

    // A broken one: a message, and the defaults.
    std::fs::write(
        dir.path().join("ws-lint.toml"),
        "[rules]\nWS201 = \"loud\"\n",
    )
    .unwrap();
    let mut client = LspClient::default().await;
    assert_eq!(client.open(&file_uri, SERVICE).await.len(), 1);
    let message = client
        .wait_for("showMessage", |m| m["method"] == "window/showMessage")
        .await;
    assert!(
        message["params"]["message"]
            .as_str()
            .unwrap()
            .contains("loud"),
        "{message}"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn a_panicking_request_is_answered_with_an_error_and_the_server_lives_on() {
    let mut client = LspClient::default().await;
    let response = client.raw_request("ws-lint/panic", Value::Null).await;
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .contains("internal error"));
    let uri = uri("serverless.yml");
    assert_eq!(client.open(&uri, SERVICE).await.len(), 1);
    client.shutdown().await;
}

/// Applies LSP text edits (UTF-16 positions) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let index = LineIndex::new(text);
    let offset = |p: &Value| {
        index.offset(
            text,
            p["line"].as_u64().unwrap() as u32,
            p["character"].as_u64().unwrap() as u32,
            ColumnEncoding::Utf16,
        )
    };
    let mut ranged: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    ranged.sort_by_key(|(s, _, _)| std::cmp::Reverse(*s));
    let mut out = text.to_string();
    for (start, end, new) in ranged {
        out.replace_range(start..end, &new);
    }
    out
}

fn action_edits(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn whole(text: &str) -> Value {
    let index = LineIndex::new(text);
    let (line, character) = index.position(text, text.len(), ColumnEncoding::Utf16);
    json!({"start": {"line": 0, "character": 0}, "end": {"line": line, "character": character}})
}

#[tokio::test]
async fn code_actions_fix_suppress_and_fix_all() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let diagnostics = client.open(&uri, SERVICE).await;
    let range = diagnostics[0]["range"].clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": diagnostics}}),
        )
        .await;
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["remove the authorizer", "suppress WS201 on this line"]
    );
    // The removal may change meaning: offered, not preferred.
    assert_eq!(actions[0]["kind"], "quickfix");
    assert!(actions[0].get("isPreferred").is_none());
    let fixed = apply(SERVICE, &action_edits(&actions[0], &uri));
    assert!(
        !fixed.contains("route: sendMessage\n          authorizer"),
        "{fixed}"
    );
    let suppressed = apply(SERVICE, &action_edits(&actions[1], &uri));
    assert!(
        suppressed.contains("          authorizer: auth # ws-lint: ignore[WS201]\n"),
        "{suppressed}"
    );
    assert!(support::reported("serverless.yml", &suppressed, &Default::default()).is_empty());

    // An existing list is extended; the now unused WS002 in it is fixable by fix-all.
    let text = SERVICE.replace(
        "          route: sendMessage\n          authorizer: auth\n",
        "          route: sendMessage\n          authorizer: auth # ws-lint: ignore[WS002]\n",
    );
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
        )
        .await;
    let diagnostics = client.diagnostics(&uri, Some(2)).await;
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["WS201", "WS901"]);
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": []}}),
        )
        .await;
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "suppress WS201 on this line")
        .unwrap();
    let suppressed = apply(&text, &action_edits(suppress, &uri));
    assert!(
        suppressed.contains("# ws-lint: ignore[WS002, WS201]\n"),
        "{suppressed}"
    );

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": whole(&text), "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        )
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.ws-lint");
    let fixed = apply(&text, &action_edits(&actions[0], &uri));
    // What `ws-lint --fix` would make of it.
    let expected = ws_lint::fix(&text, "serverless.yml", &Default::default(), false).text;
    assert_ne!(expected, text);
    assert_eq!(fixed, expected);
    client.shutdown().await;
}

/// The LSP position (UTF-16) of the end of the first occurrence of `marker` in `text`.
fn position_after(text: &str, marker: &str) -> Value {
    let offset = text.find(marker).unwrap_or_else(|| panic!("{marker}")) + marker.len();
    let index = LineIndex::new(text);
    let (line, character) = index.position(text, offset, ColumnEncoding::Utf16);
    json!({"line": line, "character": character})
}

fn labels(items: &Value) -> Vec<String> {
    let list = items.get("items").unwrap_or(items);
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

async fn complete(client: &mut LspClient, uri: &str, text: &str, marker: &str) -> Value {
    client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position_after(text, marker)}),
        )
        .await
}

/// The answer to `textDocument/definition` at `position`.
async fn definition(client: &mut LspClient, uri: &str, position: Value) -> Value {
    client
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": position}),
        )
        .await
}

async fn hover_text(client: &mut LspClient, uri: &str, text: &str, marker: &str) -> String {
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position_after(text, marker)}),
        )
        .await;
    hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

const RICH: &str = "service: chat # 😀 中文
provider:
  name: aws
  websocketsApiRouteSelectionExpression: $request.body.action
  logs:
    websocket:
      level: INFO
functions:
  auth:
    handler: handler.auth # 認証
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $connect
          authorizer: auth
  message:
    handler: handler.message
    events:
      - websocket: sendMessage
      - websocket:
          route: joinRoom
";

#[tokio::test]
async fn hover_explains_keys_values_rules_and_authorizers() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    client.open(&uri, RICH).await;
    let text = hover_text(&mut client, &uri, RICH, "rout").await;
    assert!(text.contains("route key"), "{text}");
    let text = hover_text(&mut client, &uri, RICH, "route: $con").await;
    assert!(text.contains("opens a connection"), "{text}");
    let text = hover_text(&mut client, &uri, RICH, "level: IN").await;
    assert!(text.contains("Log every request"), "{text}");
    let text = hover_text(&mut client, &uri, RICH, "authorizer: au").await;
    assert!(
        text.contains("function `auth` (line 9)") && text.contains("handler.auth"),
        "{text}"
    );
    let text = hover_text(&mut client, &uri, RICH, "    webso").await;
    assert!(text.contains("Logging of the WebSocket stage"), "{text}");
    // A rule's documentation on its diagnostic.
    client.open(&uri, SERVICE).await;
    let text = hover_text(&mut client, &uri, SERVICE, "sendMessage\n          autho").await;
    assert!(
        text.contains("WS201") && text.contains("## What it does"),
        "{text}"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn completion_offers_routes_keys_values_and_authorizers() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let text = RICH.replace(
        "          route: joinRoom\n",
        "          route: $\n          authorizer: \n          \n",
    );
    let text = text.replace("      level: INFO\n", "      level: \n      \n");
    client.open(&uri, &text).await;
    let items = complete(&mut client, &uri, &text, "route: $").await;
    let got = labels(&items);
    for want in ["$connect", "$disconnect", "$default", "sendMessage"] {
        assert!(got.contains(&want.to_string()), "{want} in {got:?}");
    }
    // The `$` typed so far is replaced, not doubled.
    let item = &items.as_array().unwrap()[0];
    assert_eq!(
        item["textEdit"]["range"]["start"],
        position_after(&text, "route: ")
    );
    let got = labels(&complete(&mut client, &uri, &text, "route: $\n          authorizer: ").await);
    assert_eq!(got, ["auth", "connect", "message"]);
    // `route` and `authorizer` are there already.
    let got = labels(&complete(&mut client, &uri, &text, "authorizer: \n          ").await);
    assert_eq!(got, ["routeResponseSelectionExpression"]);
    let got = labels(&complete(&mut client, &uri, &text, "level: ").await);
    assert_eq!(got, ["INFO", "ERROR"]);
    let got = labels(&complete(&mut client, &uri, &text, "level: \n      ").await);
    assert!(got.contains(&"fullExecutionData".to_string()), "{got:?}");
    // A new events item: the snippet.
    let text2 = text.replace(
        "      - websocket: sendMessage\n",
        "      - websocket: sendMessage\n      - \n",
    );
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text2}]}),
        )
        .await;
    let items = complete(&mut client, &uri, &text2, "sendMessage\n      - ").await;
    let snippet = &items.as_array().unwrap()[0];
    assert_eq!(snippet["label"], "websocket event");
    assert_eq!(
        snippet["textEdit"]["newText"],
        "websocket:\n          route: ${1:\\$connect}$0"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn completion_of_a_large_service_is_capped_and_marked_incomplete() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let mut text = String::from("service: big\nprovider:\n  name: aws\nfunctions:\n");
    for i in 0..450 {
        text.push_str(&format!(
            "  f{i}:\n    handler: h.f{i}\n    events:\n      - websocket: route{i}\n"
        ));
    }
    text.push_str(
        "  last:\n    handler: h.last\n    events:\n      - websocket:\n          route: rte4\n",
    );
    client.open(&uri, &text).await;

    // Nothing typed: the first 200 of 450 routes, and the editor is told to ask again.
    let reply = complete(&mut client, &uri, &text, "          route: ").await;
    assert_eq!(reply["isIncomplete"], true, "{reply}");
    let got = labels(&reply);
    assert_eq!(got.len(), 200);
    // `rte4` typed: only routes with those letters in order (route4, route40..., route104...).
    let reply = complete(&mut client, &uri, &text, "          route: rte4").await;
    let got = labels(&reply);
    assert!(got.contains(&"route4".to_string()), "{got:?}");
    assert!(got.contains(&"route449".to_string()), "{got:?}");
    assert!(!got.contains(&"route5".to_string()), "{got:?}");
    assert!(
        got.iter().all(|l| l.contains('4')),
        "every label matches what is typed: {got:?}"
    );
    assert!(got.len() < 200, "{}", got.len());
    // The authorizer names (451 functions) are capped the same way.
    let with_authorizer = text.replace(
        "          route: rte4\n",
        "          route: $connect\n          authorizer: f44\n",
    );
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": with_authorizer}]}),
        )
        .await;
    client.diagnostics(&uri, Some(2)).await;
    let reply = complete(&mut client, &uri, &with_authorizer, "authorizer: f44").await;
    let got = labels(&reply);
    assert!(
        got.contains(&"f44".to_string()) && got.contains(&"f144".to_string()),
        "{got:?}"
    );
    assert!(got.iter().all(|l| l.contains('4')), "{got:?}");
    client.shutdown().await;
}

#[tokio::test]
async fn completion_works_in_a_broken_document() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    client.open(&uri, RICH).await;
    // Mid-typing: an unclosed quote above the cursor, and a half-typed route.
    let broken = RICH
        .replace("handler: handler.message", "handler: \"handler.mess")
        .replace("route: joinRoom", "route: $d\n          authorizer: ");
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}),
        )
        .await;
    let diagnostics = client.diagnostics(&uri, Some(2)).await;
    assert_eq!(diagnostics[0]["code"], "WS001");
    let got = labels(&complete(&mut client, &uri, &broken, "route: $d").await);
    assert!(got.contains(&"$disconnect".to_string()), "{got:?}");
    // Function names from the last analysis that parsed.
    let got = labels(&complete(&mut client, &uri, &broken, "$d\n          authorizer: ").await);
    assert_eq!(got, ["auth", "connect", "message"]);
    client.shutdown().await;
}

/// Sends one ranged edit: `inserted` at the end of the first `marker` in `text`.
async fn type_after(
    client: &mut LspClient,
    uri: &str,
    text: &mut String,
    marker: &str,
    inserted: &str,
    version: i64,
) {
    let at = text.find(marker).unwrap() + marker.len();
    let position = position_after(text, marker);
    text.insert_str(at, inserted);
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": {"start": position, "end": position}, "text": inserted}]}),
        )
        .await;
}

#[tokio::test]
async fn typing_keeps_the_last_analysis_that_parsed_for_completion() {
    // One keystroke at a time, each re-parsed incrementally from the analysis before it (the
    // server takes that tree apart), then one that breaks the file.
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let mut text = RICH.to_string();
    client.open(&uri, &text).await;
    for (marker, inserted, version) in [
        ("handler: handler.mess", "x", 2),
        ("route: joinRoom", "s\n          authorizer: ", 3),
    ] {
        type_after(&mut client, &uri, &mut text, marker, inserted, version).await;
        assert_eq!(
            essentials(&client.diagnostics(&uri, Some(version)).await),
            cli_diagnostics("serverless.yml", &text, ColumnEncoding::Utf16)
        );
    }
    type_after(&mut client, &uri, &mut text, "handler: ", "\"", 4).await;
    let diagnostics = client.diagnostics(&uri, Some(4)).await;
    assert_eq!(diagnostics[0]["code"], "WS001");
    assert_eq!(client.text(&uri).await, text);
    // Function names from the last analysis that parsed (version 3).
    let got = labels(
        &complete(
            &mut client,
            &uri,
            &text,
            "joinRooms\n          authorizer: ",
        )
        .await,
    );
    assert_eq!(got, ["auth", "connect", "message"]);
    client.shutdown().await;
}

fn at(text: &str, marker: &str) -> Value {
    position_after(text, marker)
}

#[tokio::test]
async fn navigation_definition_references_rename_symbols_hints() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let text = format!(
        "{RICH}  other:\n    handler: h.other\n    events:\n      - websocket:\n          route: $connect\n          authorizer:\n            name: \"auth\"\n"
    );
    client.open(&uri, &text).await;
    // Definition: authorizer name → the function's key (line 8, `auth`).
    let def = definition(&mut client, &uri, at(&text, "authorizer: au")).await;
    assert_eq!(def["range"]["start"], json!({"line": 8, "character": 2}));
    assert_eq!(def["range"]["end"], json!({"line": 8, "character": 6}));
    // References of `auth` from its key: both authorizer uses, the quoted one without quotes.
    let refs = client
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": uri}, "position": at(&text, "  au"), "context": {"includeDeclaration": false}}),
        )
        .await;
    let refs = refs.as_array().unwrap();
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert_eq!(refs[1]["range"]["start"]["character"], 19);
    // Rename updates the key and both uses.
    let edit = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri}, "position": at(&text, "authorizer: au"), "newName": "checkToken"}),
        )
        .await;
    let renamed = apply(&text, edit["changes"][&uri].as_array().unwrap());
    assert_eq!(renamed.matches("checkToken").count(), 3, "{renamed}");
    assert!(renamed.contains("  checkToken:\n") && renamed.contains("name: \"checkToken\""));
    let bad = client
        .raw_request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri}, "position": at(&text, "authorizer: au"), "newName": "no spaces"}),
        )
        .await;
    assert!(bad.get("error").is_some());
    // Symbols: provider settings, then functions with their routes.
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let symbols = symbols.as_array().unwrap();
    let names: Vec<&str> = symbols
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["provider", "auth", "connect", "message", "other"]);
    let provider: Vec<&str> = symbols[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        provider,
        ["websocketsApiRouteSelectionExpression", "logs.websocket"]
    );
    let routes: Vec<&str> = symbols[3]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(routes, ["sendMessage", "joinRoom"]);
    // Inlay hints: identitySource defaults for both authorizers (level INFO is set explicitly;
    // the expression too).
    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": whole(&text)}),
        )
        .await;
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["default: identitySource: route.request.header.Auth"; 2]
    );
    let minimal = "provider:\n  name: aws\n  logs:\n    websocket: true\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - websocket: $default\n";
    client
        .notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": minimal}]}))
        .await;
    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": whole(minimal)}),
        )
        .await;
    let hints = hints.as_array().unwrap();
    let labels: Vec<&str> = hints.iter().map(|h| h["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        [
            "default: websocketsApiRouteSelectionExpression: $request.body.action",
            "default: level: INFO"
        ]
    );
    assert_eq!(hints[0]["position"], json!({"line": 0, "character": 9}));
    // AJV turns the string 'true' into true: logs are on, at the default level.
    let quoted = minimal.replace("websocket: true", "websocket: 'true'");
    client
        .notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": quoted}]}))
        .await;
    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": whole(&quoted)}),
        )
        .await;
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"default: level: INFO"), "{labels:?}");
    client.shutdown().await;
}

/// Rename refuses names that YAML or the framework would read as something else, with an error
/// the editor shows.
#[tokio::test]
async fn rename_refuses_names_yaml_reads_as_non_strings() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    client.open(&uri, SERVICE).await;
    let position = at(SERVICE, "authorizer: au");
    for name in ["null", "-", "0x1F", "true", "~", "42", "1e3", "a b"] {
        let answer = client
            .raw_request(
                "textDocument/rename",
                json!({"textDocument": {"uri": uri}, "position": position, "newName": name}),
            )
            .await;
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        let refused = message.contains("not a valid function name")
            || message.contains("cannot name a function");
        assert!(refused, "{name}: {answer}");
    }
    let answer = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri}, "position": position, "newName": "auth-2"}),
        )
        .await;
    let renamed = apply(SERVICE, answer["changes"][&uri].as_array().unwrap());
    assert_eq!(renamed.matches("auth-2").count(), 3, "{renamed}");
    client.shutdown().await;
}

/// "Suppress WSnnn on this line" only where a `#` comment can go: never in JSON, never inside
/// a quoted value that merely looks like a suppression comment.
#[tokio::test]
async fn suppress_is_offered_only_where_a_comment_can_go() {
    let mut client = LspClient::default().await;
    let json_uri = uri("serverless.json");
    let json_text = r#"{"service": "chat", "provider": {"name": "aws"}, "functions": {"auth": {"handler": "handler.auth"}, "message": {"handler": "handler.message", "events": [{"websocket": {"route": "sendMessage", "authorizer": "auth"}}]}}}"#;
    let diagnostics = client.open(&json_uri, json_text).await;
    assert!(
        codes(&json!(diagnostics)).contains(&"WS201".to_string()),
        "{diagnostics:?}"
    );
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": json_uri}, "range": whole(json_text), "context": {"diagnostics": diagnostics}}),
        )
        .await;
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        !titles.iter().any(|t| t.starts_with("suppress")),
        "{titles:?}"
    );

    let uri = uri("serverless.yml");
    client.open(&uri, SERVICE).await;
    // A quoted route that contains what looks like a suppression list: the edit must not go
    // into the value; the comment goes after it.
    let text = SERVICE.replace(
        "          route: sendMessage\n          authorizer: auth\n",
        "          authorizer: auth\n          route: \"x # ws-lint: ignore[WS002]\"\n",
    );
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
        )
        .await;
    let diagnostics = client.diagnostics(&uri, Some(2)).await;
    let on_route: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["range"]["start"]["line"] == 17)
        .collect();
    assert!(!on_route.is_empty(), "{diagnostics:?}");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": on_route[0]["range"], "context": {"diagnostics": []}}),
        )
        .await;
    for action in actions.as_array().unwrap() {
        if action["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("suppress"))
        {
            let edited = apply(&text, &action_edits(action, &uri));
            assert!(
                edited.contains("route: \"x # ws-lint: ignore[WS002]\" # ws-lint: ignore["),
                "{edited}"
            );
        }
    }
    client.shutdown().await;
}

/// A diagnostic on the last line of a block scalar: a `#` there would be part of the value.
#[tokio::test]
async fn suppress_is_not_offered_inside_a_block_scalar() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let text = "service: chat\nprovider:\n  name: aws\n  logs:\n    websocket:\n      format: |\n        $context.requestId\n        $context.httpMethod\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - websocket: $default\n";
    let diagnostics = client.open(&uri, text).await;
    let inside: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["range"]["start"]["line"] == 7)
        .collect();
    assert!(!inside.is_empty(), "{diagnostics:?}");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": inside[0]["range"], "context": {"diagnostics": []}}),
        )
        .await;
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        !titles.iter().any(|t| t.starts_with("suppress")),
        "{titles:?}"
    );
    client.shutdown().await;
}

/// Completion leaves out the keys the mapping already has.
#[tokio::test]
async fn completion_leaves_out_keys_already_present() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let text = SERVICE.replace(
        "          route: sendMessage\n          authorizer: auth\n",
        "          route: sendMessage\n          \n          authorizer: auth\n",
    );
    client.open(&uri, &text).await;
    let items = complete(&mut client, &uri, &text, "route: sendMessage\n          ").await;
    let labels = labels(&items);
    assert!(!labels.is_empty(), "{items}");
    assert!(!labels.contains(&"route".to_string()), "{labels:?}");
    assert!(!labels.contains(&"authorizer".to_string()), "{labels:?}");
    assert!(
        labels.contains(&"routeResponseSelectionExpression".to_string()),
        "{labels:?}"
    );
    client.shutdown().await;
}

/// Document symbols never have an empty name (LSP forbids it; VS Code drops the outline).
#[tokio::test]
async fn symbols_of_blank_names_are_shown_quoted() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let text = "service: chat\nprovider:\n  name: aws\nfunctions:\n  \"\":\n    handler: h.a\n    events:\n      - websocket: \" \"\n  \" \":\n    handler: h.b\n";
    client.open(&uri, text).await;
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let mut names = Vec::new();
    for symbol in symbols.as_array().unwrap() {
        names.push(symbol["name"].as_str().unwrap().to_string());
        for child in symbol["children"].as_array().into_iter().flatten() {
            names.push(child["name"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(names, ["\"\"", "\" \"", "\" \""], "{symbols}");
    client.shutdown().await;
}

/// The real binary over stdio: answers, exits 0 after shutdown + exit, and exits (1) when the
/// client goes away without shutdown.
#[test]
fn the_binary_serves_stdio_and_exits_when_the_client_goes_away() {
    use std::io::{BufRead, Read, Write};
    use std::process::{Command, Stdio};

    fn frame(message: Value) -> Vec<u8> {
        let body = message.to_string();
        format!("Content-Length: {}\r\n\r\n{}", body.len(), body).into_bytes()
    }
    fn wait(child: &mut std::process::Child) -> i32 {
        let deadline = std::time::Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not exit"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_ws-lint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let initialize =
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}});

    let mut child = spawn();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&frame(initialize.clone())).unwrap();
    stdin.flush().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    // Reads messages until the response with this id.
    let mut response = |id: i64| loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            if let Some(n) = line.trim().strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        stdout.read_exact(&mut body).unwrap();
        let message: Value = serde_json::from_slice(&body).unwrap();
        if message["id"] == id {
            return message;
        }
    };
    assert_eq!(response(1)["result"]["serverInfo"]["name"], "ws-lint");
    for message in [
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    ] {
        stdin.write_all(&frame(message)).unwrap();
    }
    stdin.flush().unwrap();
    assert_eq!(response(2)["result"], Value::Null);
    stdin
        .write_all(&frame(json!({"jsonrpc": "2.0", "method": "exit"})))
        .unwrap();
    stdin.flush().unwrap();
    assert_eq!(wait(&mut child), 0);

    // The client dies: stdin closes without shutdown.
    let mut child = spawn();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&frame(initialize)).unwrap();
    drop(stdin);
    assert_eq!(wait(&mut child), 1);
}

#[tokio::test]
async fn navigation_and_hover_with_non_ascii_before_the_cursor() {
    let text = "service: chat # 聊天 😀\nfunctions:\n  auth:\n    handler: h.auth\n  connect:\n    handler: h.c\n    events:\n      - websocket: {route: $connect, description: \"😀中\", authorizer: auth}\n      - websocket:\n          route: \"$conn\"\n";
    for (caps, encoding) in [
        (json!({}), ColumnEncoding::Utf16),
        (
            json!({"general": {"positionEncodings": ["utf-8"]}}),
            ColumnEncoding::Utf8,
        ),
    ] {
        let (mut client, _) = LspClient::start(caps, Value::Null).await;
        let uri = uri("serverless.yml");
        client.open(&uri, text).await;
        let index = LineIndex::new(text);
        let pos = |offset: usize| {
            let (line, character) = index.position(text, offset, encoding);
            json!({"line": line, "character": character})
        };
        let use_at = text.find("authorizer: auth}").unwrap() + "authorizer: ".len();
        let def = definition(&mut client, &uri, pos(use_at + 2)).await;
        let key = text.find("  auth:").unwrap() + 2;
        assert_eq!(def["range"]["start"], pos(key));
        let refs = client
            .request(
                "textDocument/references",
                json!({"textDocument": {"uri": uri}, "position": pos(key), "context": {"includeDeclaration": true}}),
            )
            .await;
        let starts: Vec<Value> = refs
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["range"]["start"].clone())
            .collect();
        assert_eq!(starts, [pos(key), pos(use_at)]);
        let prepared = client
            .request(
                "textDocument/prepareRename",
                json!({"textDocument": {"uri": uri}, "position": pos(use_at)}),
            )
            .await;
        assert_eq!(prepared["placeholder"], "auth");
        assert_eq!(prepared["range"]["end"], pos(use_at + 4));
        // Completion inside a quoted value: replaces from after the quote.
        let at = text.find("\"$conn").unwrap() + 1;
        let items = client
            .request(
                "textDocument/completion",
                json!({"textDocument": {"uri": uri}, "position": pos(at + 5)}),
            )
            .await;
        let first = &items.as_array().unwrap()[0];
        assert_eq!(first["textEdit"]["range"]["start"], pos(at));
        assert_eq!(first["textEdit"]["range"]["end"], pos(at + 5));
        client.shutdown().await;
    }
}

#[tokio::test]
async fn completion_of_variables_and_access_log_variables() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let text = "service: chat\ncustom:\n  routes:\n    main: sendMessage\n    other: x\nprovider:\n  name: aws\n  logs:\n    websocket:\n      format: '$context.requestId $context.ro'\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - websocket:\n          route: ${self:custom.routes.m}\n          authorizer: ${\n";
    client.open(&uri, text).await;
    let items = complete(&mut client, &uri, text, "$context.ro").await;
    let got = labels(&items);
    assert!(got.contains(&"$context.routeKey".to_string()), "{got:?}");
    // Only the `$context.ro` token is replaced.
    assert_eq!(
        items[0]["textEdit"]["range"]["start"],
        position_after(text, "$context.requestId ")
    );
    let items = complete(&mut client, &uri, text, "${self:custom.routes.m").await;
    assert_eq!(labels(&items), ["main", "other"]);
    assert_eq!(
        items[0]["textEdit"]["range"]["start"],
        position_after(text, "${self:custom.routes.")
    );
    let got = labels(&complete(&mut client, &uri, text, "authorizer: ${").await);
    assert!(
        got.contains(&"self:".to_string()) && got.contains(&"opt:".to_string()),
        "{got:?}"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn variables_resolve_in_hover_definition_and_hints_and_handlers_open_their_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/chat.ts"),
        "export const connect = 1;\n",
    )
    .unwrap();
    let file_uri =
        tower_lsp_server::ls_types::Uri::from_file_path(dir.path().join("serverless.yml")).unwrap();
    let uri = file_uri.as_str().to_string();
    let text = "service: chat\ncustom:\n  route: sendMessage # 😀\nprovider:\n  name: aws\n  websocketsApiRouteSelectionExpression: $request.body.type\nfunctions:\n  f:\n    handler: src/chat.connect\n    events:\n      - websocket: ${self:custom.route}\n      - websocket: $default\n";
    let mut client = LspClient::default().await;
    client.open(&uri, text).await;
    let hover = hover_text(&mut client, &uri, text, "${self:cus").await;
    assert_eq!(hover, "`${self:custom.route}` = `sendMessage`");
    let def = definition(&mut client, &uri, position_after(text, "${self:cus")).await;
    assert_eq!(def["range"]["start"], json!({"line": 2, "character": 2}));
    let def = definition(&mut client, &uri, position_after(text, "handler: src/ch")).await;
    assert!(
        def["uri"].as_str().unwrap().ends_with("/src/chat.ts"),
        "{def}"
    );
    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": whole(text)}),
        )
        .await;
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["= sendMessage"]);
    client.shutdown().await;
}

#[tokio::test]
async fn crlf_documents_complete_and_hover_like_lf_ones() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let text = RICH
        .replace(
            "          route: joinRoom\n",
            "          route: $d\n          \n",
        )
        .replace('\n', "\r\n");
    let diagnostics = client.open(&uri, &text).await;
    assert_eq!(
        essentials(&diagnostics),
        cli_diagnostics("serverless.yml", &text, ColumnEncoding::Utf16)
    );
    let got = labels(&complete(&mut client, &uri, &text, "route: $d").await);
    assert!(got.contains(&"$disconnect".to_string()), "{got:?}");
    let got = labels(&complete(&mut client, &uri, &text, "route: $d\r\n          ").await);
    assert_eq!(got, ["routeResponseSelectionExpression", "authorizer"]);
    let text_hover = hover_text(&mut client, &uri, &text, "level: IN").await;
    assert!(text_hover.contains("Log every request"), "{text_hover}");
    client.shutdown().await;
}

/// LSP diagnostics equal the engine's (what the CLI prints) on every file of the real corpus,
/// in both position encodings. Another folder: `WS_LINT_CORPUS=/path/to/dir cargo test --test
/// lsp corpus`.
#[tokio::test]
async fn diagnostics_equal_the_cli_on_a_corpus() {
    let dir = std::env::var_os("WS_LINT_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| support::repo_root().join("fuzz/corpus/analyze"));
    for (caps, encoding) in [
        (json!({}), ColumnEncoding::Utf16),
        (
            json!({"general": {"positionEncodings": ["utf-8"]}}),
            ColumnEncoding::Utf8,
        ),
    ] {
        let (mut client, _) = LspClient::start(caps, Value::Null).await;
        let files = support::files_in(&dir, &["yml", "yaml", "json"]);
        assert!(!files.is_empty());
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let uri = uri(&name);
            let got = client.open(&uri, &text).await;
            let settings = ws_lint::config::Settings::default();
            let analysis = ws_lint::analyze(&text, &name, &settings);
            let index = LineIndex::new(&text);
            let expected: Vec<Value> = analysis
                .diagnostics
                .iter()
                .map(|d| {
                    let (l1, c1) = index.position(&text, d.range.start, encoding);
                    let (l2, c2) = index.position(&text, d.range.end, encoding);
                    json!({"code": d.code, "message": d.message, "range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}})
                })
                .collect();
            let got: Vec<Value> = got
                .iter()
                .map(|d| json!({"code": d["code"], "message": d["message"], "range": d["range"]}))
                .collect();
            assert_eq!(got, expected, "{name}");
            client
                .notify(
                    "textDocument/didClose",
                    json!({"textDocument": {"uri": uri}}),
                )
                .await;
        }
        client.shutdown().await;
    }
}

/// Diagnostics reach a client one way only: pulled when it can pull (Neovim 0.11 and VS Code
/// would otherwise show each one twice), pushed otherwise.
#[tokio::test]
async fn diagnostics_are_pulled_or_pushed_never_both() {
    let pull_caps = json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    let (mut client, caps) = LspClient::start(pull_caps, Value::Null).await;
    assert_eq!(
        caps["capabilities"]["diagnosticProvider"]["identifier"],
        "ws-lint"
    );
    let uri = uri("serverless.yml");
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": SERVICE}}),
        )
        .await;
    let report = client
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let items = report["items"].as_array().cloned().unwrap_or_default();
    assert!(items.iter().any(|d| d["code"] == "WS201"), "{report}");
    // The pull was answered after didOpen was handled: had a push been sent, it would be here.
    let received = client.received_so_far();
    assert!(
        !received
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "pushed as well as pulled: {received:?}"
    );
    client.shutdown().await;

    let (mut client, caps) = LspClient::start(json!({}), Value::Null).await;
    assert!(
        caps["capabilities"].get("diagnosticProvider").is_none(),
        "{caps}"
    );
    let pushed = client.open(&uri, SERVICE).await;
    assert!(pushed.iter().any(|d| d["code"] == "WS201"));
    client.shutdown().await;
}

/// Edits at seeded pseudo-random places of a realistic service (inside functions, across
/// lines, multi-byte text, sometimes two changes in one notification): after every version the
/// pushed diagnostics equal the CLI's for the client's text. The server re-parses incrementally.
#[tokio::test]
async fn incremental_edits_keep_diagnostics_equal_to_the_cli() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    let mut text = ws_lint::synthetic::service(300);
    client.open(&uri, &text).await;
    let mut seed = 987654321u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let inserts = [
        "x",
        "é",
        "😀",
        " ",
        "  ",
        "\n",
        "\n  ",
        ":",
        "-",
        "$conect",
        "$connect",
        "'",
        "\"",
        "      route: a\n",
        "  extra:\n    handler: h.x\n",
    ];
    let encoding = ColumnEncoding::Utf16;
    for version in 2..122 {
        let mut changes = Vec::new();
        for _ in 0..1 + next() % 2 {
            let index = LineIndex::new(&text);
            let chars: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let start = chars[next() % chars.len()];
            let mut end = start;
            if next() % 3 == 0 {
                for _ in 0..1 + next() % 4 {
                    if let Some(c) = text[end..].chars().next() {
                        end += c.len_utf8();
                    }
                }
            }
            let insert = if end > start && next() % 2 == 0 {
                ""
            } else {
                inserts[next() % inserts.len()]
            };
            let (l1, c1) = index.position(&text, start, encoding);
            let (l2, c2) = index.position(&text, end, encoding);
            text.replace_range(start..end, insert);
            changes.push(json!({"range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}, "text": insert}));
        }
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
            )
            .await;
        let got = client.diagnostics(&uri, Some(version)).await;
        assert_eq!(
            essentials(&got),
            cli_diagnostics("serverless.yml", &text, encoding),
            "version {version}"
        );
    }
    assert_eq!(client.text(&uri).await, text);
    client.shutdown().await;
}

fn file_uri(path: &std::path::Path) -> String {
    tower_lsp_server::ls_types::Uri::from_file_path(path)
        .unwrap()
        .as_str()
        .to_string()
}

fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Waits for diagnostics pushed to `uri` with `version` and these codes.
async fn pushed(client: &mut LspClient, uri: &str, version: Value, expected: &[&str]) -> Value {
    let message = client
        .wait_for(&format!("{uri} {version} {expected:?}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"].get("version").cloned().unwrap_or(Value::Null) == version
                && codes(&m["params"]["diagnostics"]) == expected
        })
        .await;
    message["params"]["diagnostics"].clone()
}

#[tokio::test]
async fn a_service_publishes_into_its_included_files() {
    let dir = tempfile::tempdir().unwrap();
    let main = "service: chat\nprovider:\n  name: aws\nfunctions: ${file(functions.yml)}\n";
    let functions = "connect:\n  handler: handler.connect\n  events:\n    - websocket:\n        route: $conect\n";
    std::fs::write(dir.path().join("serverless.yml"), main).unwrap();
    std::fs::write(dir.path().join("functions.yml"), functions).unwrap();
    std::fs::write(dir.path().join("handler.js"), "").unwrap();
    let main_uri = file_uri(&dir.path().join("serverless.yml"));
    let functions_uri = file_uri(&dir.path().join("functions.yml"));
    let mut client = LspClient::default().await;

    // Opening the service: the typo in the included file is pushed to that file.
    assert_eq!(client.open(&main_uri, main).await, Vec::<Value>::new());
    let got = pushed(&mut client, &functions_uri, Value::Null, &["WS101"]).await;
    assert_eq!(
        got[0]["range"]["start"],
        json!({"line": 4, "character": 15})
    );

    // Opening the included file: its diagnostics in the context of its service (on its own,
    // `connect:` is no service and nothing would be reported), with its version.
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": functions_uri, "languageId": "yaml", "version": 1, "text": functions}}),
        )
        .await;
    pushed(&mut client, &functions_uri, json!(1), &["WS101"]).await;

    // Editing it re-analyses the service with the editor's text, not the disk's.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": functions_uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 4, "character": 19}, "end": {"line": 4, "character": 19}}, "text": "n"}]}),
        )
        .await;
    pushed(&mut client, &functions_uri, json!(2), &[]).await;

    // Closing it: cleared, then the service reads the disk again and reports the typo there.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": functions_uri}}),
        )
        .await;
    pushed(&mut client, &functions_uri, Value::Null, &[]).await;
    pushed(&mut client, &functions_uri, Value::Null, &["WS101"]).await;

    // The service stops including it: its diagnostics are cleared.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": main_uri, "version": 2}, "contentChanges": [{"text": "service: chat\nprovider:\n  name: aws\n"}]}),
        )
        .await;
    pushed(&mut client, &main_uri, json!(2), &[]).await;
    pushed(&mut client, &functions_uri, Value::Null, &[]).await;

    // Closing the service clears what it published.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": main_uri, "version": 3}, "contentChanges": [{"text": main}]}),
        )
        .await;
    pushed(&mut client, &functions_uri, Value::Null, &["WS101"]).await;
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": main_uri}}),
        )
        .await;
    pushed(&mut client, &main_uri, Value::Null, &[]).await;
    pushed(&mut client, &functions_uri, Value::Null, &[]).await;
    client.shutdown().await;
}

const GENERATED: &str = "service: chat
provider:
  name: aws
  environment:
    API_ID:
      Ref: WebsocketsApi
    ROUTE:
      Fn::Sub: \"${sendMessageWebsocketsRoute}\"
    NEXT:
      Ref: 
functions:
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $connect
  sendMessage:
    handler: handler.sendMessage
    events:
      - websocket: sendMessage
";

#[tokio::test]
async fn generated_logical_ids_in_hover_definition_and_completion() {
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    client.open(&uri, GENERATED).await;
    // Hover on a route: the IDs generated for the route and its function.
    let text = hover_text(&mut client, &uri, GENERATED, "websocket: sendMe").await;
    assert!(
        text.contains("`sendMessageWebsocketsRoute`")
            && text.contains("`SendMessageWebsocketsIntegration`")
            && text.contains("`SendMessageLambdaPermissionWebsockets`"),
        "{text}"
    );
    // Definition: the route ID inside `Fn::Sub` → the route (line 19, `sendMessage`).
    let def = definition(&mut client, &uri, at(GENERATED, "${sendMess")).await;
    assert_eq!(def["range"]["start"], json!({"line": 19, "character": 19}));
    // `WebsocketsApi` → the first websocket event, which makes the framework create the API.
    let def = definition(&mut client, &uri, at(GENERATED, "Ref: Websock")).await;
    assert_eq!(def["range"]["start"], json!({"line": 14, "character": 8}));
    // Completion after `Ref: ` offers the generated IDs.
    let items = complete(&mut client, &uri, GENERATED, "NEXT:\n      Ref: ").await;
    let labels = labels(&items);
    for id in [
        "WebsocketsApi",
        "SconnectWebsocketsRoute",
        "ConnectWebsocketsIntegration",
        "sendMessageWebsocketsRoute",
    ] {
        assert!(labels.iter().any(|l| l == id), "{id}: {labels:?}");
    }
    client.shutdown().await;
}

const GENERATED_TAGS: &str = "service: chat
provider:
  name: aws
  environment:
    API_ID: !Ref WebsocketsApi
    ROUTE_ID: !GetAtt sendMessageWebsocketsRoute.RouteId
    URL: !Sub \"wss://${WebsocketsApi}.execute-api.${AWS::Region}.amazonaws.com\"
    NEXT_REF: !Ref 
    NEXT_ATT: !GetAtt Send
    NEXT_SUB: !Sub \"wss://${Web\"
    NEXT_LONG_SUB:
      Fn::Sub: \"arn:aws:execute-api:${AWS::Region}:${se\"
    PLAIN: \"${\"
functions:
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $connect
  sendMessage:
    handler: handler.sendMessage
    events:
      - websocket: sendMessage
resources:
  Resources:
    Topic:
      Type: AWS::SNS::Topic
      DependsOn:
        - WebsocketsApi
        - Sen
";

/// `!Ref`, `!GetAtt` and `!Sub` (and a `${` in `Fn::Sub`, an item of a `DependsOn` list) get
/// the same generated names as `Ref:`: completion, hover and go to definition.
#[tokio::test]
async fn generated_logical_ids_in_tag_forms_and_sub_templates() {
    let text = GENERATED_TAGS;
    let mut client = LspClient::default().await;
    let uri = uri("serverless.yml");
    client.open(&uri, text).await;
    let has = |labels: &[String], id: &str| labels.iter().any(|l| l == id);
    // After `!Ref ` and `!GetAtt `: every generated name, replacing what is typed of it.
    let items = complete(&mut client, &uri, text, "NEXT_REF: !Ref ").await;
    let ref_labels = labels(&items);
    for id in [
        "WebsocketsApi",
        "SconnectWebsocketsRoute",
        "SendMessageWebsocketsIntegration",
    ] {
        assert!(has(&ref_labels, id), "{id}: {ref_labels:?}");
    }
    let items = complete(&mut client, &uri, text, "NEXT_ATT: !GetAtt Send").await;
    let list = items.get("items").unwrap_or(&items).as_array().unwrap();
    let integration = list
        .iter()
        .find(|i| i["label"] == "SendMessageWebsocketsIntegration")
        .unwrap_or_else(|| panic!("{list:?}"));
    assert_eq!(
        integration["textEdit"]["range"]["start"],
        at(text, "NEXT_ATT: !GetAtt "),
        "the edit replaces the name typed, not the tag"
    );
    // An item of a `DependsOn` list.
    let items = complete(&mut client, &uri, text, "        - Sen").await;
    let list = items.get("items").unwrap_or(&items).as_array().unwrap();
    let integration = list
        .iter()
        .find(|i| i["label"] == "SendMessageWebsocketsIntegration")
        .unwrap_or_else(|| panic!("{list:?}"));
    assert_eq!(
        integration["textEdit"]["range"]["start"],
        at(text, "- WebsocketsApi\n        - ")
    );
    // The attribute after the name's `.` is not a logical ID.
    let items = complete(&mut client, &uri, text, "sendMessageWebsocketsRoute.").await;
    assert!(!has(&labels(&items), "WebsocketsApi"), "{items}");
    // After `${` in `!Sub` and `Fn::Sub`: the generated names and the variable sources.
    let items = complete(&mut client, &uri, text, "NEXT_SUB: !Sub \"wss://${Web").await;
    let sub_labels = labels(&items);
    assert!(has(&sub_labels, "WebsocketsApi"), "{sub_labels:?}");
    assert!(has(&sub_labels, "self:"), "{sub_labels:?}");
    let list = items.get("items").unwrap_or(&items).as_array().unwrap();
    let api = list.iter().find(|i| i["label"] == "WebsocketsApi").unwrap();
    assert_eq!(
        api["textEdit"]["range"]["start"],
        at(text, "NEXT_SUB: !Sub \"wss://${")
    );
    let items = complete(&mut client, &uri, text, "${AWS::Region}:${se").await;
    let long_labels = labels(&items);
    assert!(
        has(&long_labels, "sendMessageWebsocketsRoute"),
        "{long_labels:?}"
    );
    // Outside `Fn::Sub`, `${` starts a Serverless variable only.
    let items = complete(&mut client, &uri, text, "PLAIN: \"${").await;
    let plain_labels = labels(&items);
    assert!(
        has(&plain_labels, "self:") && !has(&plain_labels, "WebsocketsApi"),
        "{plain_labels:?}"
    );
    // Hover on a name in `!Ref` and in `!Sub`: the resource it names.
    let hover = hover_text(&mut client, &uri, text, "API_ID: !Ref Websock").await;
    assert!(
        hover.contains("`WebsocketsApi`: AWS::ApiGatewayV2::Api"),
        "{hover}"
    );
    let hover = hover_text(&mut client, &uri, text, "URL: !Sub \"wss://${Websock").await;
    assert!(
        hover.contains("`WebsocketsApi`: AWS::ApiGatewayV2::Api"),
        "{hover}"
    );
    let hover = hover_text(&mut client, &uri, text, "!GetAtt sendMess").await;
    assert!(
        hover.contains("`sendMessageWebsocketsRoute`: AWS::ApiGatewayV2::Route")
            && hover.contains("`sendMessage`"),
        "{hover}"
    );
    // Definition from `!GetAtt Name.Attr` → the route; from `!Sub` → the first event.
    let def = definition(&mut client, &uri, at(text, "!GetAtt sendMess")).await;
    assert_eq!(
        def["range"]["start"],
        at(text, "      - websocket: "),
        "{def}"
    );
    let def = definition(&mut client, &uri, at(text, "URL: !Sub \"wss://${Websock")).await;
    assert_eq!(
        def["range"]["start"],
        at(text, "    events:\n      - "),
        "{def}"
    );
    client.shutdown().await;
}

/// In pull mode, the files an open service includes that are not open themselves get their
/// diagnostics through `workspace/diagnostic`.
#[tokio::test]
async fn pulled_diagnostics_reach_included_files_that_are_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let main = "service: chat\nprovider:\n  name: aws\nfunctions: ${file(functions.yml)}\n";
    let functions = "connect:\n  handler: handler.connect\n  events:\n    - websocket:\n        route: $conect\n";
    std::fs::write(dir.path().join("serverless.yml"), main).unwrap();
    std::fs::write(dir.path().join("functions.yml"), functions).unwrap();
    std::fs::write(dir.path().join("handler.js"), "").unwrap();
    let main_uri = file_uri(&dir.path().join("serverless.yml"));
    let functions_uri = file_uri(&dir.path().join("functions.yml"));
    let (mut client, init) =
        LspClient::start(json!({"textDocument": {"diagnostic": {}}}), Value::Null).await;
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["workspaceDiagnostics"],
        true
    );
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": main_uri, "languageId": "yaml", "version": 1, "text": main}}),
        )
        .await;
    let report = client
        .request("workspace/diagnostic", json!({"previousResultIds": []}))
        .await;
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{report}");
    assert_eq!(items[0]["uri"], functions_uri.as_str());
    assert_eq!(items[0]["kind"], "full");
    assert_eq!(codes(&items[0]["items"]), ["WS101"]);
    // Once open, the file is pulled on its own and leaves the workspace report.
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": functions_uri, "languageId": "yaml", "version": 1, "text": functions}}),
        )
        .await;
    let report = client
        .request("workspace/diagnostic", json!({"previousResultIds": []}))
        .await;
    assert_eq!(report["items"], json!([]));
    client.shutdown().await;
}

/// WS704 in an included `resources:` file that is not open reaches the client through
/// `workspace/diagnostic`, on the included file's line.
#[tokio::test]
async fn pulled_diagnostics_report_unknown_generated_names_in_included_resources() {
    let dir = tempfile::tempdir().unwrap();
    let main = "service: chat\nprovider:\n  name: aws\nfunctions:\n  connect:\n    handler: handler.connect\n    events:\n      - websocket: $connect\nresources: ${file(./resources.yml)}\n";
    let resources = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    DependsOn: SconnectWebsocketsRoute\n    Properties:\n      TopicName: !Ref SConnectWebsocketsRoute\n";
    std::fs::write(dir.path().join("serverless.yml"), main).unwrap();
    std::fs::write(dir.path().join("resources.yml"), resources).unwrap();
    std::fs::write(dir.path().join("handler.js"), "").unwrap();
    let main_uri = file_uri(&dir.path().join("serverless.yml"));
    let resources_uri = file_uri(&dir.path().join("resources.yml"));
    let (mut client, _) =
        LspClient::start(json!({"textDocument": {"diagnostic": {}}}), Value::Null).await;
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": main_uri, "languageId": "yaml", "version": 1, "text": main}}),
        )
        .await;
    let report = client
        .request("workspace/diagnostic", json!({"previousResultIds": []}))
        .await;
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{report}");
    assert_eq!(items[0]["uri"], resources_uri.as_str());
    assert_eq!(codes(&items[0]["items"]), ["WS704"]);
    // The name after `!Ref` on line 6 (0-based 5); the correct `DependsOn` above is silent.
    assert_eq!(
        items[0]["items"][0]["range"]["start"],
        json!({"line": 5, "character": 22})
    );
    client.shutdown().await;
}

/// A service whose handler file is missing (WS702), then created on disk.
fn handler_service(dir: &std::path::Path) -> (String, String) {
    let text = "service: chat\nprovider:\n  name: aws\nfunctions:\n  connect:\n    handler: handler.connect\n    events:\n      - websocket: $connect\n";
    std::fs::write(dir.join("serverless.yml"), text).unwrap();
    (file_uri(&dir.join("serverless.yml")), text.to_string())
}

async fn type_space(client: &mut LspClient, uri: &str, version: i64) {
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": {"start": {"line": 0, "character": 13}, "end": {"line": 0, "character": 13}}, "text": " "}]}),
        )
        .await;
}

/// Handler folders are listed once and kept: a keystroke does not list them again. A client
/// that watches files for the server is asked to report created and deleted files, and such a
/// report brings the listing up to date.
#[tokio::test]
async fn folder_listings_are_cached_until_the_watcher_reports_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let (uri, text) = handler_service(dir.path());
    let (mut client, _) = LspClient::start(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        Value::Null,
    )
    .await;
    let registration = client
        .wait_for("registerCapability", |m| {
            m["method"] == "client/registerCapability"
        })
        .await;
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(
        watchers
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["globPattern"] == "**/*" && w["kind"] == 5),
        "{registration}"
    );
    assert_eq!(codes(&json!(client.open(&uri, &text).await)), ["WS702"]);
    std::fs::write(dir.path().join("handler.js"), "").unwrap();
    type_space(&mut client, &uri, 2).await;
    assert_eq!(
        codes(&json!(client.diagnostics(&uri, Some(2)).await)),
        ["WS702"]
    );
    // Saving does not re-list: the watcher reports changes.
    client
        .notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let handler_uri = file_uri(&dir.path().join("handler.js"));
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": handler_uri, "type": 1}]}),
        )
        .await;
    let after = client.diagnostics(&uri, Some(2)).await;
    assert_eq!(codes(&json!(after)), Vec::<String>::new());
    client.shutdown().await;
}

/// Without file watching, listings are kept between keystrokes and read again on save.
#[tokio::test]
async fn folder_listings_are_read_again_on_save_without_a_watcher() {
    let dir = tempfile::tempdir().unwrap();
    let (uri, text) = handler_service(dir.path());
    let mut client = LspClient::default().await;
    assert_eq!(codes(&json!(client.open(&uri, &text).await)), ["WS702"]);
    std::fs::write(dir.path().join("handler.js"), "").unwrap();
    type_space(&mut client, &uri, 2).await;
    assert_eq!(
        codes(&json!(client.diagnostics(&uri, Some(2)).await)),
        ["WS702"]
    );
    client
        .notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let after = client.diagnostics(&uri, Some(2)).await;
    assert_eq!(codes(&json!(after)), Vec::<String>::new());
    client.shutdown().await;
}
