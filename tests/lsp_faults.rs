//! The real `ws-lint lsp` binary over stdio, with raw `Content-Length` framing, fed protocol
//! faults: malformed JSON, bodies that are not JSON-RPC, unknown methods, unknown documents,
//! out-of-range positions, edits to unopened documents and past the end, bad headers, a client
//! that goes away. After each fault the server must still answer hover and completion correctly,
//! and every wait has a deadline so a hang fails instead of stalling the suite.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(15);
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

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Option<Value>>,
    next_id: i64,
}

impl Server {
    /// Starts the binary, initializes it and opens [`TEXT`] at [`URI`].
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn ws-lint lsp");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let message = read_message(&mut reader);
                let end = message.is_none();
                if tx.send(message).is_err() || end {
                    return;
                }
            }
        });
        let mut server = Server {
            stdin: child.stdin.take(),
            child,
            messages,
            next_id: 1,
        };
        let init = server.request("initialize", json!({"capabilities": {}}));
        assert_eq!(init["result"]["serverInfo"]["name"], "ws-lint", "{init}");
        server.notify("initialized", json!({}));
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": TEXT}}),
        );
        server
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, message: Value) {
        self.send_raw(&frame(&message.to_string()));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns the whole response message (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The next message matching `wanted`; answers the server's own requests on the way.
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.messages.recv_timeout(left) {
                Ok(Some(message)) => message,
                Ok(None) => panic!("the server closed its output"),
                Err(_) => panic!("no answer within {TIMEOUT:?}"),
            };
            if wanted(&message) {
                return message;
            }
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
        }
    }

    /// The server still works: hover and completion on the open document give the right
    /// answers.
    fn assert_serving(&mut self) {
        let hover = self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": after(TEXT, "route: $con")}),
        );
        let value = hover["result"]["contents"]["value"].as_str().unwrap_or("");
        assert!(value.contains("opens a connection"), "{hover}");
        let completion = self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": after(TEXT, "authorizer: ")}),
        );
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

    /// Closes stdin without `shutdown`/`exit`: the process must exit soon.
    fn hang_up(mut self) -> i32 {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit after its client went away");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// One framed message, or `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length:") {
            length = n.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
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

#[test]
fn the_server_answers_normally_when_nothing_is_wrong() {
    let mut server = Server::start();
    server.assert_serving();
    let code = server.hang_up();
    assert_eq!(code, 1, "exit without shutdown is 1");
}

#[test]
fn malformed_json_is_a_parse_error_and_the_server_keeps_serving() {
    let mut server = Server::start();
    server.send_raw(&frame("{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": "));
    let error = server.wait_for(|m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32700, "{error}");
    server.assert_serving();
    // Not JSON at all, and invalid UTF-8.
    server.send_raw(&frame("hello, server"));
    server.send_raw(b"Content-Length: 4\r\n\r\n\xff\xfe\x00\x01");
    server.assert_serving();
}

/// A request whose strings cannot be decoded (a lone surrogate escape, invalid UTF-8) is
/// answered with its own id, so the client stops waiting; a `didOpen` that cannot be decoded is
/// logged.
#[test]
fn undecodable_strings_get_a_parse_error_with_the_request_id() {
    let mut server = Server::start();
    server.send_raw(&frame(
        r#"{"jsonrpc":"2.0","id":41,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/ws-lint-faults/serverless.yml\ud800"},"position":{"line":0,"character":0}}}"#,
    ));
    let error = server.wait_for(|m| m.get("error").is_some());
    assert_eq!(error["id"], 41, "{error}");
    assert_eq!(error["error"]["code"], -32700, "{error}");
    let mut body = br#"{"jsonrpc":"2.0","id":42,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/"#.to_vec();
    body.extend_from_slice(b"\xff");
    body.extend_from_slice(br#".yml"},"position":{"line":0,"character":0}}}"#);
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(&body);
    server.send_raw(&framed);
    let error = server.wait_for(|m| m.get("error").is_some() && m["id"] == 42);
    assert_eq!(error["error"]["code"], -32700, "{error}");
    server.send_raw(&frame(
        r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/ws-lint-faults/other.yml","languageId":"yaml","version":1,"text":"a: \udc00"}}}"#,
    ));
    let log = server.wait_for(|m| m["method"] == "window/logMessage");
    let message = log["params"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("file:///tmp/ws-lint-faults/other.yml"),
        "{log}"
    );
    server.assert_serving();
}

#[test]
fn bodies_that_are_not_json_rpc_do_not_stop_the_server() {
    let mut server = Server::start();
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
        server.send_raw(&frame(body));
        server.assert_serving();
    }
    // Wrong params for a known request: InvalidParams, answered.
    let answer = server.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    server.assert_serving();
}

#[test]
fn unknown_methods_are_method_not_found_and_unknown_notifications_are_ignored() {
    let mut server = Server::start();
    let answer = server.request("workspace/noSuchThing", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    let answer = server.request("$/noSuchThing", json!(null));
    assert!(answer.get("error").is_some(), "{answer}");
    server.notify("$/noSuchNotification", json!({"x": 1}));
    server.notify("noSuchNotification", json!([1, 2]));
    server.assert_serving();
}

#[test]
fn requests_for_unknown_documents_are_answered() {
    let mut server = Server::start();
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
        let answer = server.request(method, params);
        assert!(
            answer.get("result").is_some() || answer.get("error").is_some(),
            "{method}: {answer}"
        );
    }
    server.assert_serving();
}

#[test]
fn out_of_range_positions_are_answered() {
    let mut server = Server::start();
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
            let answer = server.request(method, params);
            assert!(
                answer.get("result").is_some() || answer.get("error").is_some(),
                "{method} at {line}:{character}: {answer}"
            );
            assert_ne!(answer["error"]["code"], -32603, "{method}: {answer}");
        }
    }
    server.assert_serving();
}

#[test]
fn changes_to_unopened_documents_and_past_the_end_are_harmless() {
    let mut server = Server::start();
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///tmp/ws-lint-faults/never-opened.yml", "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]}),
    );
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "file:///tmp/ws-lint-faults/never-opened.yml"}}),
    );
    server.assert_serving();
    // A range past the end of the text: clamped to the end, i.e. an append.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 1_000_000, "character": 5}, "end": {"line": 2_000_000, "character": 1_000_000}}, "text": "# end\n"}]}),
    );
    // A backwards range (end before start) deletes nothing.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 0, "character": 0}}, "text": ""}]}),
    );
    let text = server.request("ws-lint/documentText", json!({"uri": URI}));
    assert_eq!(text["result"], format!("{TEXT}# end\n"), "{text}");
    server.assert_serving();
}

#[test]
fn a_bad_content_length_does_not_kill_the_server() {
    let mut server = Server::start();
    // Not a number, then a header the server does not know, then a header line without a colon.
    server.send_raw(b"Content-Length: many\r\n\r\n");
    server.send_raw(b"X-Whatever: 1\r\nContent-Length: 2\r\n\r\n{}");
    server.send_raw(b"garbage line\r\n\r\n");
    server.assert_serving();
    // A length shorter than the body: the rest of the body is garbage the server must skip.
    let body = json!({"jsonrpc": "2.0", "method": "$/noSuch", "params": {}}).to_string();
    server.send_raw(format!("Content-Length: 10\r\n\r\n{body}").as_bytes());
    server.assert_serving();
    // A length longer than what follows: the client then hangs up; the process must exit.
    server.send_raw(b"Content-Length: 100000\r\n\r\n{\"jsonrpc\":");
    let code = server.hang_up();
    assert_ne!(code, 0);
}

#[test]
fn the_client_going_away_without_shutdown_ends_the_process() {
    let mut server = Server::start();
    server.assert_serving();
    // Mid-message, too.
    server.send_raw(b"Content-Length: 50\r\n\r\n{\"jsonrpc\"");
    assert_eq!(server.hang_up(), 1);
}

#[test]
fn a_panic_in_a_handler_is_an_error_answer_and_the_server_keeps_serving() {
    let mut server = Server::start();
    let answer = server.request("ws-lint/panic", json!(null));
    assert_eq!(answer["error"]["code"], -32603, "{answer}");
    server.assert_serving();
}
