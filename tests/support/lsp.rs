//! An LSP client for the tests, in process: the server is [`ws_lint::lsp::serve`] (the same
//! path the binary serves stdio through, `transport.rs` included) over in-memory pipes. Every
//! wait has a deadline, so a hang fails the test instead of stalling the suite.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub const TIMEOUT: Duration = Duration::from_secs(20);

type Pending = Arc<Mutex<HashMap<i64, oneshot::Sender<Value>>>>;
type Writer = Arc<tokio::sync::Mutex<Option<DuplexStream>>>;

pub struct LspClient {
    writer: Writer,
    pending: Pending,
    /// Notifications, and the server's own requests (answered `null` by the reader).
    messages: mpsc::UnboundedReceiver<Value>,
    next_id: i64,
    /// Messages read while waiting for another one.
    backlog: Vec<Value>,
    server: JoinHandle<i32>,
}

/// `body` with its `Content-Length` header.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

async fn write_raw(writer: &Writer, bytes: &[u8]) {
    let mut writer = writer.lock().await;
    let stream = writer.as_mut().expect("the client has not hung up");
    stream.write_all(bytes).await.expect("the server reads");
    stream.flush().await.expect("the server reads");
}

/// One framed message from the server, or `None` at the end of its stream.
async fn read_message(reader: &mut BufReader<DuplexStream>) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
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
    reader.read_exact(&mut body).await.ok()?;
    Some(serde_json::from_slice(&body).expect("the server sends JSON"))
}

impl LspClient {
    /// Starts a server without initializing it.
    pub fn connect() -> LspClient {
        let (client_write, server_read) = tokio::io::duplex(1 << 16);
        let (server_write, client_read) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(ws_lint::lsp::serve(server_read, server_write));
        let writer: Writer = Arc::new(tokio::sync::Mutex::new(Some(client_write)));
        let pending: Pending = Arc::default();
        let (message_tx, messages) = mpsc::unbounded_channel();
        {
            let pending = pending.clone();
            let writer = writer.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(client_read);
                while let Some(message) = read_message(&mut reader).await {
                    let id = message.get("id").cloned();
                    if message.get("method").is_some() {
                        if let Some(id) = id {
                            // A request from the server: seen by the test, answered here.
                            let _ = message_tx.send(message);
                            let answer = json!({"jsonrpc": "2.0", "id": id, "result": null});
                            let mut writer = writer.lock().await;
                            // Unless the test hung up meanwhile.
                            if let Some(stream) = writer.as_mut() {
                                let _ = stream
                                    .write_all(&frame(answer.to_string().as_bytes()))
                                    .await;
                                let _ = stream.flush().await;
                            }
                        } else {
                            let _ = message_tx.send(message);
                        }
                    } else {
                        let waiting = id
                            .and_then(|i| i.as_i64())
                            .and_then(|id| pending.lock().unwrap().remove(&id));
                        match waiting {
                            Some(tx) => {
                                let _ = tx.send(message);
                            }
                            // An answer to no request of ours (to a raw message): seen by the test.
                            None => {
                                let _ = message_tx.send(message);
                            }
                        }
                    }
                }
            });
        }
        LspClient {
            writer,
            pending,
            messages,
            // Far from the ids tests write into raw messages, whose answers must not be taken
            // for the answer to one of ours.
            next_id: 1000,
            backlog: Vec::new(),
            server,
        }
    }

    /// Starts a server and sends `initialize` (with these capabilities and options) and
    /// `initialized`. Returns the client and the answer to `initialize`.
    pub async fn start(capabilities: Value, options: Value) -> (LspClient, Value) {
        let mut client = LspClient::connect();
        let result = client
            .request(
                "initialize",
                json!({"processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options}),
            )
            .await;
        client.notify("initialized", json!({})).await;
        (client, result)
    }

    /// A server initialized with no capabilities.
    pub async fn default() -> LspClient {
        LspClient::start(json!({}), Value::Null).await.0
    }

    /// Writes bytes as they are: for tests that send malformed messages on purpose.
    pub async fn send_raw(&self, bytes: &[u8]) {
        write_raw(&self.writer, bytes).await;
    }

    pub async fn send(&self, message: &Value) {
        self.send_raw(&frame(message.to_string().as_bytes())).await;
    }

    /// Sends a request; returns the whole response (`result` or `error`).
    pub async fn raw_request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let (tx, rx) = oneshot::channel();
        self.pending.lock().unwrap().insert(id, tx);
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        tokio::time::timeout(TIMEOUT, rx)
            .await
            .unwrap_or_else(|_| panic!("{method}: no answer within {TIMEOUT:?}"))
            .expect("the server answered")
    }

    /// Sends a request that must succeed; returns its `result`.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.raw_request(method, params).await;
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    pub async fn notify(&self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// The next message that is not an answer to one of our requests.
    pub async fn next_message(&mut self, what: &str) -> Value {
        if !self.backlog.is_empty() {
            return self.backlog.remove(0);
        }
        tokio::time::timeout(TIMEOUT, self.messages.recv())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
            .expect("the server went away")
    }

    /// Waits for a message (not an answer to one of our requests) matching `pred`; the others
    /// are kept for later waits.
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.messages.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("the server went away");
            if pred(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The messages (not answers to our requests) received and not yet waited for, without
    /// waiting for more.
    pub fn received_so_far(&mut self) -> &[Value] {
        while let Ok(message) = self.messages.try_recv() {
            self.backlog.push(message);
        }
        &self.backlog
    }

    /// Waits for diagnostics of `uri` at `version` (any version when `None`).
    pub async fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let uri = uri.to_string();
        let message = self
            .wait_for("publishDiagnostics", |m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri.as_str()
                    && version.is_none_or(|v| m["params"]["version"] == v)
            })
            .await;
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Opens a YAML document at version 1 and waits for its diagnostics.
    pub async fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        )
        .await;
        self.diagnostics(uri, Some(1)).await
    }

    /// The server's copy of a document.
    pub async fn text(&mut self, uri: &str) -> String {
        self.request("ws-lint/documentText", json!({"uri": uri}))
            .await
            .as_str()
            .expect("an open document")
            .to_string()
    }

    /// `shutdown` then `exit`; returns the server's exit code.
    pub async fn shutdown(mut self) -> i32 {
        let result = self.request("shutdown", Value::Null).await;
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null).await;
        self.finish().await
    }

    /// Closes the server's input without `shutdown`/`exit` (the editor went away); returns the
    /// server's exit code.
    pub async fn hang_up(self) -> i32 {
        self.writer.lock().await.take();
        self.finish().await
    }

    async fn finish(self) -> i32 {
        tokio::time::timeout(TIMEOUT, self.server)
            .await
            .unwrap_or_else(|_| panic!("the server did not finish within {TIMEOUT:?}"))
            .expect("the server did not panic")
    }
}
