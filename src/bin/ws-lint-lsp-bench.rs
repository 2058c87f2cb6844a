//! The language server's round trips, measured through the real binary over stdio:
//! `cargo run --release --features bench-tools --bin ws-lint-lsp-bench [-- LINES...]` (default 2000 and 200000).
//!
//! For each size it writes a synthetic service (`ws_lint::synthetic::service`) to a temporary
//! folder as `serverless.yml`, starts `ws-lint lsp` (the binary beside this one; build it with
//! `cargo build --release`), and, as a client without pull diagnostics (the server pushes):
//! open → diagnostics; 100 single-character edits inside a function in the middle, each waiting
//! for its diagnostics; 100 such edits in the provider (a tag's value); 50 completions and 50
//! hovers in that function; then the server's peak RSS (`VmHWM`). Then the batch linter on the
//! same file (`ws-lint FILE`, output discarded), median wall time of 5 runs. Prints a table of
//! p50/p95 in milliseconds.
//!
//! `--extra-files N` puts N other files beside the handlers (in `src/`), as a project with many
//! sources has: the handler check lists that folder, and the server keeps the listing between
//! keystrokes.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let binary = ws_lint_binary();
        let mut child = Command::new(&binary)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {} ({e}); run `cargo build --release` first",
                    binary.display()
                )
            });
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().expect("length");
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(message) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).expect("json");
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Reads messages until `pred` holds for one, answering the server's requests.
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.messages.recv_timeout(left).expect("server answers");
            if pred(&message) {
                return message;
            }
            if message.get("method").is_some() {
                if let Some(id) = message.get("id").cloned() {
                    self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
                }
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let answer = self.wait(|m| m.get("method").is_none() && m["id"] == id);
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    fn diagnostics(&mut self, uri: &str, version: i64) -> usize {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"]
            .as_array()
            .map_or(0, Vec::len)
    }

    fn peak_rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

/// The `ws-lint` binary beside this one.
fn ws_lint_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.with_file_name(format!("ws-lint{}", std::env::consts::EXE_SUFFIX))
}

/// LSP line and UTF-16 column of byte `at` (the synthetic service is ASCII).
fn line_and_column(text: &str, at: usize) -> (u32, u32) {
    let line = text[..at].matches('\n').count() as u32;
    let column = (at - text[..at].rfind('\n').map_or(0, |i| i + 1)) as u32;
    (line, column)
}

/// 100 edits at `(line, column)`: type a character, then delete it, and so on, each timed
/// until the diagnostics of its version arrive.
fn type_and_delete(
    server: &mut Server,
    uri: &str,
    version: &mut i64,
    (line, column): (u32, u32),
) -> Vec<Duration> {
    let mut edits = Vec::new();
    for i in 0..100 {
        *version += 1;
        let change = if i % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column + 1}}, "text": ""})
        };
        let start = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": *version}, "contentChanges": [change]}),
        );
        server.diagnostics(uri, *version);
        edits.push(start.elapsed());
    }
    edits
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    ms(samples[i])
}

struct Row {
    lines: usize,
    bytes: usize,
    diagnostics: usize,
    open: Duration,
    edits: Vec<Duration>,
    provider_edits: Vec<Duration>,
    cli: Vec<Duration>,
    completions: Vec<Duration>,
    hovers: Vec<Duration>,
    rss_kb: Option<u64>,
}

fn run(lines: usize, extra_files: usize) -> Row {
    let text = ws_lint::synthetic::service(lines);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("serverless.yml");
    std::fs::write(&path, &text).expect("write service");
    // Its handler sources, as a real service has them.
    for module in ws_lint::synthetic::HANDLER_MODULES {
        let source = dir.path().join(format!("{module}.js"));
        std::fs::create_dir_all(source.parent().expect("folder")).expect("create folder");
        std::fs::write(&source, "module.exports = {};\n").expect("write handler");
    }
    for i in 0..extra_files {
        let other = dir.path().join(format!("src/other{i}.js"));
        std::fs::write(&other, "").expect("write other file");
    }
    let uri = format!("file://{}", path.display());

    let mut server = Server::start();
    server.request(
        "initialize",
        json!({"processId": std::process::id(), "rootUri": null, "capabilities": {}}),
    );
    server.notify("initialized", json!({}));

    let start = Instant::now();
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let diagnostics = server.diagnostics(&uri, 1);
    let open = start.elapsed();

    // A function in the middle: the end of its route; and the end of a provider tag's value.
    let route_end = ws_lint::synthetic::route_end_near_middle(&text).expect("a middle function");
    let (line, column) = line_and_column(&text, route_end);
    let tag_end = ws_lint::synthetic::provider_tag_end(&text).expect("a provider tag");
    let mut version = 1;
    let edits = type_and_delete(&mut server, &uri, &mut version, (line, column));
    let provider_edits = type_and_delete(
        &mut server,
        &uri,
        &mut version,
        line_and_column(&text, tag_end),
    );

    // Completion of a value after `route: `, hover on the `route` key.
    let mut completions = Vec::new();
    let mut hovers = Vec::new();
    for _ in 0..50 {
        let start = Instant::now();
        let result = server.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 17}}),
        );
        completions.push(start.elapsed());
        assert!(!result.is_null(), "completion answers");
        let start = Instant::now();
        let result = server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 12}}),
        );
        hovers.push(start.elapsed());
        assert!(!result.is_null(), "hover answers");
    }
    let rss_kb = server.peak_rss_kb();
    server.stop();

    let cli = (0..5)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(ws_lint_binary())
                .arg(&path)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run ws-lint");
            // 0 or 1 (findings: the synthetic service has some); anything else is a failure.
            assert!(
                matches!(status.code(), Some(0 | 1)),
                "ws-lint FILE: {status}"
            );
            start.elapsed()
        })
        .collect();
    Row {
        lines,
        bytes: text.len(),
        diagnostics,
        open,
        edits,
        provider_edits,
        cli,
        completions,
        hovers,
        rss_kb,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut extra_files = 0;
    let mut sizes: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--extra-files" {
            extra_files = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(0);
            i += 2;
            continue;
        }
        sizes.extend(args[i].parse::<usize>().ok());
        i += 1;
    }
    let sizes = if sizes.is_empty() {
        vec![2_000, 200_000]
    } else {
        sizes
    };
    println!(
        "| lines | size | diagnostics | open→diag | edit→diag p50 / p95 (function) | edit→diag p50 / p95 (provider) | completion p50 / p95 | hover p50 / p95 | peak RSS | `ws-lint FILE` median of 5 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for lines in sizes {
        let mut row = run(lines, extra_files);
        println!(
            "| {} | {:.2} MB | {} | {:.1} ms | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {} | {:.1} ms |",
            row.lines,
            row.bytes as f64 / 1e6,
            row.diagnostics,
            ms(row.open),
            percentile(&mut row.edits, 0.5),
            percentile(&mut row.edits, 0.95),
            percentile(&mut row.provider_edits, 0.5),
            percentile(&mut row.provider_edits, 0.95),
            percentile(&mut row.completions, 0.5),
            percentile(&mut row.completions, 0.95),
            percentile(&mut row.hovers, 0.5),
            percentile(&mut row.hovers, 0.95),
            row.rss_kb
                .map_or("?".to_string(), |kb| format!("{:.1} MB", kb as f64 / 1024.0)),
            percentile(&mut row.cli, 0.5),
        );
    }
}
