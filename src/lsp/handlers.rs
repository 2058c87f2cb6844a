//! What the server does for each request and notification. The feature computations live in
//! their own files (hover, completion, ...); these functions fetch the analysis they read,
//! convert positions and guard against panics.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::analysis::snapshot;
use super::documents::{Document, Snapshot};
use super::publish::invalidate_owners;
use super::server::Backend;
use super::state::DiagnosticMode;
use super::{
    code_action, completion, convert, definition, hover, inlay_hints, references, rename, symbols,
};
use crate::files::FileSource;
use crate::span::ColumnEncoding;

pub(crate) fn not_found(what: &str) -> Error {
    Error::invalid_params(format!("{what}: document is not open"))
}

/// What the engine is told a document is called.
fn document_path(uri: &Uri) -> String {
    match uri.to_file_path() {
        Some(path) => path.display().to_string(),
        None => uri.path().to_string(),
    }
}

/// The current analysis for a request, or the error to answer with.
async fn request_snapshot(
    backend: &Backend,
    uri: &Uri,
    what: &str,
) -> Result<(Arc<Snapshot>, ColumnEncoding)> {
    let encoding = backend.state.encoding();
    match snapshot(&backend.state, uri) {
        Ok(Some(snapshot)) => Ok((snapshot, encoding)),
        Ok(None) => Err(not_found(what)),
        Err(panic) => Err(backend.internal_error(what, &panic).await),
    }
}

/// Runs a navigation feature on the current analysis when the text parses (positions from an
/// older analysis would point at the wrong places); `None` while it is broken.
async fn with_parsed<T>(
    backend: &Backend,
    uri: &Uri,
    what: &str,
    f: impl FnOnce(&Snapshot, &convert::Converter) -> Result<Option<T>>,
) -> Result<Option<T>> {
    let (snapshot, encoding) = request_snapshot(backend, uri, what).await?;
    if !snapshot.parsed() {
        return Ok(None);
    }
    backend
        .guarded(what, || {
            let converter =
                convert::Converter::new(&snapshot.text, &snapshot.analysis.line_index, encoding);
            f(&snapshot, &converter)
        })
        .await
}

/// The analysis to read the service model from: the current one when it parsed, else the
/// newest one that did (the user is mid-typing).
fn model(backend: &Backend, uri: &Uri, current: &Arc<Snapshot>) -> Option<Arc<Snapshot>> {
    if current.parsed() {
        return Some(current.clone());
    }
    backend
        .state
        .lock()
        .documents
        .get(uri)
        .and_then(|d| d.last_good.clone())
}

pub(crate) fn initialize(
    backend: &Backend,
    params: lsp::InitializeParams,
) -> Result<lsp::InitializeResult> {
    let encoding = convert::negotiate_encoding(&params);
    let watch_config = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let pull = params
        .capabilities
        .text_document
        .as_ref()
        .is_some_and(|t| t.diagnostic.is_some());
    let refresh = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.diagnostics.as_ref())
        .and_then(|d| d.refresh_support)
        .unwrap_or(false);
    let mode = if pull {
        DiagnosticMode::Pull { refresh }
    } else {
        DiagnosticMode::Push
    };
    let problems = {
        let mut state = backend.state.lock();
        state.encoding = encoding;
        state.watch_config = watch_config;
        state.diagnostics = mode;
        match &params.initialization_options {
            Some(options) => state.settings.set_client_settings(options),
            None => Vec::new(),
        }
    };
    for problem in problems {
        backend.state.report_config_problem(problem);
    }
    Ok(lsp::InitializeResult {
        server_info: Some(lsp::ServerInfo {
            name: "ws-lint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        capabilities: capabilities(encoding, mode),
        offset_encoding: None,
    })
}

pub(crate) async fn initialized(backend: &Backend) {
    let watch_config = backend.state.lock().watch_config;
    if watch_config {
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String("**/ws-lint.toml".to_string()),
                    kind: None,
                },
                // Files created and deleted change the folder listings.
                lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String("**/*".to_string()),
                    kind: Some(lsp::WatchKind::Create | lsp::WatchKind::Delete),
                },
            ],
        };
        let registration = lsp::Registration {
            id: "ws-lint.toml".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(e) = backend.client.register_capability(vec![registration]).await {
            backend
                .client
                .log_message(
                    lsp::MessageType::WARNING,
                    format!("ws-lint: cannot watch files: {e}"),
                )
                .await;
        }
    }
    backend.show_config_errors().await;
}

pub(crate) fn shutdown(backend: &Backend) -> Result<()> {
    backend.state.lock().shut_down = true;
    Ok(())
}

pub(crate) async fn did_open(backend: &Backend, params: lsp::DidOpenTextDocumentParams) {
    let lsp::TextDocumentItem {
        uri, version, text, ..
    } = params.text_document;
    let path = document_path(&uri);
    let on_disk = uri
        .to_file_path()
        .is_some_and(|p| crate::files::DiskFiles.is_file(&p));
    let document = Document::new(&text, version, path, on_disk);
    // The rope has it now: the client's copy is not kept through the first analysis.
    drop(text);
    backend.state.forget_listings_unwatched();
    backend.state.lock().documents.insert(uri.clone(), document);
    invalidate_owners(&backend.state, &uri);
    backend.publish(uri).await;
}

pub(crate) async fn did_change(backend: &Backend, params: lsp::DidChangeTextDocumentParams) {
    // Applied before the first `.await`: edits land in the order they were sent.
    let uri = params.text_document.uri;
    let version = params.text_document.version;
    {
        let mut state = backend.state.lock();
        let encoding = state.encoding;
        let Some(doc) = state.documents.get_mut(&uri) else {
            return;
        };
        for change in &params.content_changes {
            doc.apply(change, encoding);
        }
        doc.version = version;
    }
    invalidate_owners(&backend.state, &uri);
    // Let edits queued behind this one land first; only the newest publishes.
    tokio::task::yield_now().await;
    let newest = backend
        .state
        .lock()
        .documents
        .get(&uri)
        .is_some_and(|d| d.version == version);
    if newest {
        backend.publish(uri).await;
    }
}

pub(crate) async fn did_save(backend: &Backend) {
    if backend.state.forget_listings_unwatched() {
        backend.publish_all().await;
    }
}

pub(crate) async fn did_close(backend: &Backend, params: lsp::DidCloseTextDocumentParams) {
    backend.state.forget_listings_unwatched();
    let uri = params.text_document.uri;
    let published = {
        let mut state = backend.state.lock();
        state.documents.remove(&uri);
        state.includes.remove(&uri);
        state.published.remove(&uri).unwrap_or_default()
    };
    let owners = invalidate_owners(&backend.state, &uri);
    backend
        .client
        .publish_diagnostics(uri.clone(), Vec::new(), None)
        .await;
    // Files only this document's service published to; its owners read it from disk now.
    let mut queue = Vec::new();
    for other in published {
        backend.clear_or_requeue(other, &mut queue).await;
    }
    for uri in queue.into_iter().chain(owners) {
        backend.publish(uri).await;
    }
}

pub(crate) async fn did_change_configuration(
    backend: &Backend,
    params: lsp::DidChangeConfigurationParams,
) {
    let problems = backend
        .state
        .lock()
        .settings
        .set_client_settings(&params.settings);
    for problem in problems {
        backend.state.report_config_problem(problem);
    }
    backend.publish_all().await;
}

pub(crate) async fn did_change_watched_files(
    backend: &Backend,
    params: lsp::DidChangeWatchedFilesParams,
) {
    let mut config = false;
    {
        let mut state = backend.state.lock();
        for change in &params.changes {
            let Some(path) = change.uri.to_file_path() else {
                continue;
            };
            config |= path.file_name().is_some_and(|n| n == "ws-lint.toml");
            // The folder holding it, and the folder itself when a folder came or went.
            let path = crate::files::normalize(&path);
            if let Some(parent) = path.parent() {
                state.listings.remove(parent);
            }
            state.listings.remove(&path);
        }
    }
    backend.state.forget_analyses();
    if config || params.changes.is_empty() {
        let mut state = backend.state.lock();
        state.settings.invalidate();
        state.messages.shown.clear();
    }
    backend.publish_all().await;
}

pub(crate) async fn hover(
    backend: &Backend,
    params: lsp::HoverParams,
) -> Result<Option<lsp::Hover>> {
    let at = params.text_document_position_params;
    let uri = at.text_document.uri;
    let (snapshot, encoding) = request_snapshot(backend, &uri, "textDocument/hover").await?;
    let model = model(backend, &uri, &snapshot);
    backend
        .guarded("textDocument/hover", || {
            let converter =
                convert::Converter::new(&snapshot.text, &snapshot.analysis.line_index, encoding);
            let offset = converter.offset(at.position);
            Ok(hover::hover(
                &snapshot,
                model.as_deref(),
                &converter,
                offset,
            ))
        })
        .await
}

pub(crate) async fn completion(
    backend: &Backend,
    params: lsp::CompletionParams,
) -> Result<Option<lsp::CompletionResponse>> {
    let at = params.text_document_position;
    let uri = at.text_document.uri;
    let (snapshot, encoding) = request_snapshot(backend, &uri, "textDocument/completion").await?;
    let model = model(backend, &uri, &snapshot);
    backend
        .guarded("textDocument/completion", || {
            let converter =
                convert::Converter::new(&snapshot.text, &snapshot.analysis.line_index, encoding);
            let offset = converter.offset(at.position);
            Ok(Some(completion::completion(
                &snapshot.text,
                &converter,
                model.as_deref(),
                offset,
            )))
        })
        .await
}

pub(crate) async fn goto_definition(
    backend: &Backend,
    params: lsp::GotoDefinitionParams,
) -> Result<Option<lsp::GotoDefinitionResponse>> {
    let at = params.text_document_position_params;
    let uri = at.text_document.uri.clone();
    with_parsed(
        backend,
        &uri,
        "textDocument/definition",
        |snapshot, converter| {
            let offset = converter.offset(at.position);
            Ok(definition::definition(&uri, snapshot, converter, offset))
        },
    )
    .await
}

pub(crate) async fn references(
    backend: &Backend,
    params: lsp::ReferenceParams,
) -> Result<Option<Vec<lsp::Location>>> {
    let at = params.text_document_position;
    let uri = at.text_document.uri.clone();
    let include = params.context.include_declaration;
    with_parsed(
        backend,
        &uri,
        "textDocument/references",
        |snapshot, converter| {
            let offset = converter.offset(at.position);
            Ok(references::references(
                &uri, snapshot, converter, offset, include,
            ))
        },
    )
    .await
}

pub(crate) async fn prepare_rename(
    backend: &Backend,
    params: lsp::TextDocumentPositionParams,
) -> Result<Option<lsp::PrepareRenameResponse>> {
    let uri = params.text_document.uri.clone();
    with_parsed(
        backend,
        &uri,
        "textDocument/prepareRename",
        |snapshot, converter| {
            let offset = converter.offset(params.position);
            Ok(rename::prepare(snapshot, converter, offset))
        },
    )
    .await
}

pub(crate) async fn rename(
    backend: &Backend,
    params: lsp::RenameParams,
) -> Result<Option<lsp::WorkspaceEdit>> {
    let at = params.text_document_position;
    let uri = at.text_document.uri.clone();
    with_parsed(
        backend,
        &uri,
        "textDocument/rename",
        |snapshot, converter| {
            let offset = converter.offset(at.position);
            rename::rename(&uri, snapshot, converter, offset, &params.new_name)
        },
    )
    .await
}

pub(crate) async fn document_symbol(
    backend: &Backend,
    params: lsp::DocumentSymbolParams,
) -> Result<Option<lsp::DocumentSymbolResponse>> {
    let uri = params.text_document.uri;
    with_parsed(
        backend,
        &uri,
        "textDocument/documentSymbol",
        |snapshot, converter| {
            Ok(Some(lsp::DocumentSymbolResponse::Nested(symbols::symbols(
                snapshot, converter,
            ))))
        },
    )
    .await
}

pub(crate) async fn inlay_hint(
    backend: &Backend,
    params: lsp::InlayHintParams,
) -> Result<Option<Vec<lsp::InlayHint>>> {
    let uri = params.text_document.uri;
    with_parsed(
        backend,
        &uri,
        "textDocument/inlayHint",
        |snapshot, converter| {
            let range = converter.text_range(params.range);
            Ok(Some(inlay_hints::inlay_hints(snapshot, converter, range)))
        },
    )
    .await
}

pub(crate) async fn code_action(
    backend: &Backend,
    params: lsp::CodeActionParams,
) -> Result<Option<lsp::CodeActionResponse>> {
    let uri = params.text_document.uri.clone();
    let (snapshot, encoding) = request_snapshot(backend, &uri, "textDocument/codeAction").await?;
    let path = document_path(&uri);
    let settings = backend.state.settings_for(&uri).0;
    backend
        .guarded("textDocument/codeAction", || {
            Ok(Some(code_action::code_actions(
                &uri, &snapshot, &params, encoding, &settings, &path,
            )))
        })
        .await
}

fn capabilities(encoding: ColumnEncoding, mode: DiagnosticMode) -> lsp::ServerCapabilities {
    let pull = matches!(mode, DiagnosticMode::Pull { .. });
    lsp::ServerCapabilities {
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec!["$".into(), ":".into(), " ".into(), "-".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::new(code_action::FIX_ALL),
                ]),
                ..Default::default()
            },
        )),
        position_encoding: Some(convert::encoding_kind(encoding)),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                // A save re-reads folder listings when the client does not watch files.
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        diagnostic_provider: pull.then(|| {
            lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                identifier: Some("ws-lint".to_string()),
                // A service's diagnostics land in the files it includes.
                inter_file_dependencies: true,
                // Included files that are not open get theirs through `workspace/diagnostic`.
                workspace_diagnostics: true,
                work_done_progress_options: Default::default(),
            })
        }),
        ..Default::default()
    }
}
