//! The language server, served as the binary serves stdio (through `transport.rs`), fed
//! protocol faults: malformed JSON, bodies that are not JSON-RPC, unknown methods, unknown
//! documents, out-of-range positions, edits to unopened documents and past the end, bad
//! headers, a client that goes away. After each fault the server must still answer hover and
//! completion correctly, and every wait has a deadline so a hang fails instead of stalling the
//! suite. Raw bytes go through the client's raw writer; `tests/lsp.rs` checks the binary itself.

mod support;

use serde_json::{json, Value};

use support::lsp::LspClient;

const URI: &str = "file:///tmp/ws-lint-faults/serverless.yml";
const TEXT: &str = "service: chat # 😀 中文
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
";

/// Starts a server, initializes it and opens [`TEXT`] at [`URI`].
async fn start() -> LspClient {
    let (client, init) = LspClient::start(json!({}), Value::Null).await;
    assert_eq!(init["serverInfo"]["name"], "ws-lint", "{init}");
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": TEXT}}),
        )
        .await;
    client
}

fn frame(body: &str) -> Vec<u8> {
    support::lsp::frame(body.as_bytes())
}

/// The server still works: hover and completion on the open document give the right answers.
async fn assert_serving(server: &mut LspClient) {
    let hover = server
        .raw_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": after(TEXT, "route: $con")}),
        )
        .await;
    let value = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(value.contains("opens a connection"), "{hover}");
    let completion = server
        .raw_request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": after(TEXT, "authorizer: ")}),
        )
        .await;
    let result = &completion["result"];
    let items = result.get("items").unwrap_or(result);
    let labels: Vec<&str> = items
        .as_array()
        .unwrap_or_else(|| panic!("{completion}"))
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"auth"), "{labels:?}");
}

/// The UTF-16 position just after the first `marker` in `text`.
fn after(text: &str, marker: &str) -> Value {
    let offset = text.find(marker).expect("marker") + marker.len();
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

#[tokio::test]
async fn the_server_answers_normally_when_nothing_is_wrong() {
    let mut server = start().await;
    assert_serving(&mut server).await;
    let code = server.hang_up().await;
    assert_eq!(code, 1, "exit without shutdown is 1");
}

#[tokio::test]
async fn malformed_json_is_a_parse_error_and_the_server_keeps_serving() {
    let mut server = start().await;
    server
        .send_raw(&frame("{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": "))
        .await;
    let error = server
        .wait_for("an error answer", |m| m.get("error").is_some())
        .await;
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert_serving(&mut server).await;
    // Not JSON at all, and invalid UTF-8.
    server.send_raw(&frame("hello, server")).await;
    server
        .send_raw(b"Content-Length: 4\r\n\r\n\xff\xfe\x00\x01")
        .await;
    assert_serving(&mut server).await;
}

/// A request whose strings cannot be decoded (a lone surrogate escape, invalid UTF-8) is
/// answered with its own id, so the client stops waiting; a `didOpen` that cannot be decoded is
/// logged.
#[tokio::test]
async fn undecodable_strings_get_a_parse_error_with_the_request_id() {
    let mut server = start().await;
    server.send_raw(&frame(
        r#"{"jsonrpc":"2.0","id":41,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/ws-lint-faults/serverless.yml\ud800"},"position":{"line":0,"character":0}}}"#,
    )).await;
    let error = server
        .wait_for("an error answer", |m| m.get("error").is_some())
        .await;
    assert_eq!(error["id"], 41, "{error}");
    assert_eq!(error["error"]["code"], -32700, "{error}");
    let mut body = br#"{"jsonrpc":"2.0","id":42,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/"#.to_vec();
    body.extend_from_slice(b"\xff");
    body.extend_from_slice(br#".yml"},"position":{"line":0,"character":0}}}"#);
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(&body);
    server.send_raw(&framed).await;
    let error = server
        .wait_for("an error answer", |m| {
            m.get("error").is_some() && m["id"] == 42
        })
        .await;
    assert_eq!(error["error"]["code"], -32700, "{error}");
    server.send_raw(&frame(
        r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/ws-lint-faults/other.yml","languageId":"yaml","version":1,"text":"a: \udc00"}}}"#,
    )).await;
    let log = server
        .wait_for("a log message", |m| m["method"] == "window/logMessage")
        .await;
    let message = log["params"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("file:///tmp/ws-lint-faults/other.yml"),
        "{log}"
    );
    assert_serving(&mut server).await;
}

#[tokio::test]
async fn bodies_that_are_not_json_rpc_do_not_stop_the_server() {
    let mut server = start().await;
    for body in [
        "[]",
        "[1, 2, 3]",
        "42",
        "null",
        "\"text\"",
        "{}",
        "{\"jsonrpc\": \"2.0\"}",
        "{\"jsonrpc\": \"1.0\", \"id\": 5, \"method\": \"textDocument/hover\"}",
        "{\"jsonrpc\": \"2.0\", \"id\": {\"x\": 1}, \"method\": \"textDocument/hover\"}",
        "{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": 12}",
        "{\"jsonrpc\": \"2.0\", \"id\": 8, \"method\": \"textDocument/hover\", \"params\": 3}",
        "{\"jsonrpc\": \"2.0\", \"method\": \"textDocument/didOpen\", \"params\": {\"x\": 1}}",
        "{\"jsonrpc\": \"2.0\", \"method\": \"textDocument/didChange\", \"params\": null}",
        "{\"jsonrpc\": \"2.0\", \"id\": 9, \"result\": {\"unexpected\": true}}",
    ] {
        server.send_raw(&frame(body)).await;
        assert_serving(&mut server).await;
    }
    // Wrong params for a known request: InvalidParams, answered.
    let answer = server
        .raw_request("textDocument/hover", json!({"nonsense": true}))
        .await;
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    assert_serving(&mut server).await;
}

#[tokio::test]
async fn unknown_methods_are_method_not_found_and_unknown_notifications_are_ignored() {
    let mut server = start().await;
    let answer = server.raw_request("workspace/noSuchThing", json!({})).await;
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    let answer = server.raw_request("$/noSuchThing", json!(null)).await;
    assert!(answer.get("error").is_some(), "{answer}");
    server.notify("$/noSuchNotification", json!({"x": 1})).await;
    server.notify("noSuchNotification", json!([1, 2])).await;
    assert_serving(&mut server).await;
}

#[tokio::test]
async fn requests_for_unknown_documents_are_answered() {
    let mut server = start().await;
    let other = json!({"uri": "file:///tmp/ws-lint-faults/never-opened.yml"});
    let position = json!({"line": 0, "character": 0});
    let range = json!({"start": position, "end": position});
    for (method, params) in [
        (
            "textDocument/hover",
            json!({"textDocument": other, "position": position}),
        ),
        (
            "textDocument/completion",
            json!({"textDocument": other, "position": position}),
        ),
        (
            "textDocument/definition",
            json!({"textDocument": other, "position": position}),
        ),
        (
            "textDocument/references",
            json!({"textDocument": other, "position": position, "context": {"includeDeclaration": true}}),
        ),
        (
            "textDocument/rename",
            json!({"textDocument": other, "position": position, "newName": "x"}),
        ),
        (
            "textDocument/prepareRename",
            json!({"textDocument": other, "position": position}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": other, "range": range, "context": {"diagnostics": []}}),
        ),
        (
            "textDocument/documentSymbol",
            json!({"textDocument": other}),
        ),
        (
            "textDocument/inlayHint",
            json!({"textDocument": other, "range": range}),
        ),
        ("textDocument/diagnostic", json!({"textDocument": other})),
    ] {
        let answer = server.raw_request(method, params).await;
        assert!(
            answer.get("result").is_some() || answer.get("error").is_some(),
            "{method}: {answer}"
        );
    }
    assert_serving(&mut server).await;
}

#[tokio::test]
async fn out_of_range_positions_are_answered() {
    let mut server = start().await;
    let doc = json!({"uri": URI});
    for (line, character) in [
        (1_000_000u32, 1_000_000u32),
        (0, 1_000_000),
        (1_000_000, 0),
        (u32::MAX, u32::MAX),
        (11, 99),
    ] {
        let position = json!({"line": line, "character": character});
        let backwards = json!({"start": position, "end": {"line": 0, "character": 0}});
        let range = json!({"start": {"line": 0, "character": 0}, "end": position});
        for (method, params) in [
            (
                "textDocument/hover",
                json!({"textDocument": doc, "position": position}),
            ),
            (
                "textDocument/completion",
                json!({"textDocument": doc, "position": position}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": doc, "position": position}),
            ),
            (
                "textDocument/references",
                json!({"textDocument": doc, "position": position, "context": {"includeDeclaration": true}}),
            ),
            (
                "textDocument/prepareRename",
                json!({"textDocument": doc, "position": position}),
            ),
            (
                "textDocument/rename",
                json!({"textDocument": doc, "position": position, "newName": "x"}),
            ),
            (
                "textDocument/codeAction",
                json!({"textDocument": doc, "range": range, "context": {"diagnostics": []}}),
            ),
            (
                "textDocument/codeAction",
                json!({"textDocument": doc, "range": backwards, "context": {"diagnostics": []}}),
            ),
            (
                "textDocument/inlayHint",
                json!({"textDocument": doc, "range": range}),
            ),
            (
                "textDocument/inlayHint",
                json!({"textDocument": doc, "range": backwards}),
            ),
        ] {
            let answer = server.raw_request(method, params).await;
            assert!(
                answer.get("result").is_some() || answer.get("error").is_some(),
                "{method} at {line}:{character}: {answer}"
            );
            assert_ne!(answer["error"]["code"], -32603, "{method}: {answer}");
        }
    }
    assert_serving(&mut server).await;
}

#[tokio::test]
async fn changes_to_unopened_documents_and_past_the_end_are_harmless() {
    let mut server = start().await;
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///tmp/ws-lint-faults/never-opened.yml", "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]}),
    ).await;
    server
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": "file:///tmp/ws-lint-faults/never-opened.yml"}}),
        )
        .await;
    assert_serving(&mut server).await;
    // A range past the end of the text: clamped to the end, i.e. an append.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 1_000_000, "character": 5}, "end": {"line": 2_000_000, "character": 1_000_000}}, "text": "# end\n"}]}),
    ).await;
    // A backwards range (end before start) deletes nothing.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 0, "character": 0}}, "text": ""}]}),
    ).await;
    let text = server
        .raw_request("ws-lint/documentText", json!({"uri": URI}))
        .await;
    assert_eq!(text["result"], format!("{TEXT}# end\n"), "{text}");
    assert_serving(&mut server).await;
}

#[tokio::test]
async fn a_bad_content_length_does_not_kill_the_server() {
    let mut server = start().await;
    // Not a number, then a header the server does not know, then a header line without a colon.
    server.send_raw(b"Content-Length: many\r\n\r\n").await;
    server
        .send_raw(b"X-Whatever: 1\r\nContent-Length: 2\r\n\r\n{}")
        .await;
    server.send_raw(b"garbage line\r\n\r\n").await;
    assert_serving(&mut server).await;
    // A length shorter than the body: the rest of the body is garbage the server must skip.
    let body = json!({"jsonrpc": "2.0", "method": "$/noSuch", "params": {}}).to_string();
    server
        .send_raw(format!("Content-Length: 10\r\n\r\n{body}").as_bytes())
        .await;
    assert_serving(&mut server).await;
    // A length longer than what follows: the client then hangs up; the server must finish.
    server
        .send_raw(b"Content-Length: 100000\r\n\r\n{\"jsonrpc\":")
        .await;
    let code = server.hang_up().await;
    assert_ne!(code, 0);
}

#[tokio::test]
async fn the_client_going_away_without_shutdown_ends_the_server() {
    let mut server = start().await;
    assert_serving(&mut server).await;
    // Mid-message, too.
    server
        .send_raw(b"Content-Length: 50\r\n\r\n{\"jsonrpc\"")
        .await;
    assert_eq!(server.hang_up().await, 1);
}

#[tokio::test]
async fn a_panic_in_a_handler_is_an_error_answer_and_the_server_keeps_serving() {
    let mut server = start().await;
    let answer = server.raw_request("ws-lint/panic", json!(null)).await;
    assert_eq!(answer["error"]["code"], -32603, "{answer}");
    assert_serving(&mut server).await;
}
