//! `ws-lint lsp`: the language server, over stdio, on tower-lsp-server.
//!
//! LSP types live only in this module. The server keeps open documents in ropes
//! ([`documents`]) in one locked state ([`state`]), analyses them with the same engine the CLI
//! uses ([`analysis`]), publishes diagnostics to every file a service includes ([`publish`]),
//! and answers each feature from one handler file. [`server`] is the protocol glue;
//! [`handlers`] run each request on a snapshot inside `catch_unwind`: a panic becomes an error
//! answer, never a dead server.

mod analysis;
mod code_action;
mod completion;
mod convert;
mod definition;
mod diagnostics;
mod docs;
mod documents;
mod handlers;
mod hover;
mod inlay_hints;
mod publish;
mod query;
mod references;
mod rename;
mod server;
mod settings;
mod state;
mod symbols;
#[cfg(test)]
mod tests;
mod transport;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::Server as Transport;

use crate::span::ColumnEncoding;
use documents::Document;
pub use server::{service, Backend};

/// Runs the server on stdin/stdout until the client exits or goes away. Returns the exit code:
/// 0 after `shutdown` then `exit`, 1 otherwise (as the LSP spec asks).
pub fn run_stdio() -> i32 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("ws-lint: cannot start the language server runtime: {e}");
            return 2;
        }
    };
    let code = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // A read of stdin may still be blocked (after `exit` with stdin open): do not wait for it.
    runtime.shutdown_background();
    code
}

/// Serves one client on a byte stream pair, the way [`run_stdio`] serves stdio (tests drive it
/// in process). Returns the exit code once the server has finished: 0 after `shutdown` then
/// `exit`, 1 otherwise.
pub async fn serve(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl AsyncWrite + Unpin + Send + 'static,
) -> i32 {
    let (service, socket) = service();
    let state = service.inner().state.clone();
    // The client's messages pass through `transport`, which answers the faulty ones itself
    // (tower-lsp-server would stop reading after the first).
    let (to_server, server_input) = tokio::io::duplex(1 << 16);
    let (server_output, from_server) = tokio::io::duplex(1 << 16);
    let (out_tx, out_rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(transport::read_client(input, to_server, out_tx.clone()));
    let reader = tokio::spawn(transport::read_server(from_server, out_tx));
    let writer = tokio::spawn(transport::write_client(out_rx, output));
    Transport::new(server_input, server_output, socket)
        .serve(service)
        .await;
    let _ = reader.await;
    let _ = writer.await;
    if state.lock().shut_down {
        0
    } else {
        1
    }
}

/// `(start line, start character, end line, end character)` of a content change.
pub type ChangeRange = (u32, u32, u32, u32);

/// `text` after the server applies `didChange` content changes to it, in order, the way it does
/// for an open document: each change is a range `(start line, start character, end line, end
/// character)` in `encoding` (none: the whole text) and its new text. For the document-model
/// fuzz target and tests.
#[doc(hidden)]
pub fn apply_changes(
    text: &str,
    changes: &[(Option<ChangeRange>, &str)],
    encoding: ColumnEncoding,
) -> String {
    let mut doc = Document::new(text, 0, String::new(), false);
    for (range, new_text) in changes {
        let change = lsp::TextDocumentContentChangeEvent {
            range: range.map(|(l1, c1, l2, c2)| lsp::Range {
                start: lsp::Position::new(l1, c1),
                end: lsp::Position::new(l2, c2),
            }),
            range_length: None,
            text: new_text.to_string(),
        };
        doc.apply(&change, encoding);
    }
    doc.text()
}
