//! `ws-lint lsp`: the language server, over stdio, on tower-lsp-server.
//!
//! LSP types live only in this module. The server keeps open documents in ropes
//! ([`documents`]), analyses them with the same [`crate::analyze`] the CLI uses, and answers each
//! feature from one handler file. Requests compute synchronously on a snapshot inside
//! `catch_unwind`: a panic becomes an error answer, never a dead server.

mod code_action;
mod completion;
mod convert;
mod definition;
mod diagnostics;
mod docs;
mod documents;
mod hover;
mod inlay_hints;
mod query;
mod references;
mod rename;
mod settings;
mod symbols;
mod transport;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};
use tower_lsp_server::{Client, LanguageServer, LspService, Server as Transport};

use crate::files::FileSource;
use crate::span::ColumnEncoding;
use documents::{Document, Included, Snapshot};
use settings::SettingsState;

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
    let code = runtime.block_on(async {
        let (service, socket) = service();
        let state = service.inner().state.clone();
        // The client's messages pass through `transport`, which answers the faulty ones itself
        // (tower-lsp-server would stop reading after the first).
        let (to_server, server_input) = tokio::io::duplex(1 << 16);
        let (server_output, from_server) = tokio::io::duplex(1 << 16);
        let (out_tx, out_rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(transport::read_client(
            tokio::io::stdin(),
            to_server,
            out_tx.clone(),
        ));
        let reader = tokio::spawn(transport::read_server(from_server, out_tx));
        let writer = tokio::spawn(transport::write_client(out_rx, tokio::io::stdout()));
        Transport::new(server_input, server_output, socket)
            .serve(service)
            .await;
        let _ = reader.await;
        let _ = writer.await;
        if *lock(&state.shut_down) {
            0
        } else {
            1
        }
    });
    // A read of stdin may still be blocked (after `exit` with stdin open): do not wait for it.
    runtime.shutdown_background();
    code
}

/// The service, for the stdio transport and for tests that drive it in process.
pub fn service() -> (LspService<Backend>, tower_lsp_server::ClientSocket) {
    LspService::build(Backend::new)
        .custom_method("ws-lint/documentText", Backend::document_text)
        .custom_method("ws-lint/panic", Backend::panic_request)
        .finish()
}

/// Locks a mutex, recovering the data when a panic poisoned it (the data is still consistent:
/// every critical section either finishes its update or makes none).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) struct State {
    pub encoding: Mutex<ColumnEncoding>,
    pub documents: Mutex<HashMap<Uri, Document>>,
    pub settings: Mutex<SettingsState>,
    pub shut_down: Mutex<bool>,
    /// The client can watch files for us (`ws-lint.toml` changes, files created and deleted).
    pub watch_config: Mutex<bool>,
    /// Folder listings read from disk (the handler check lists handler folders on every
    /// analysis). Invalidated by the client's file events when it watches files for us, else
    /// on every open, save and close.
    pub listings: Mutex<Listings>,
    /// How diagnostics reach the client: pulled (`textDocument/diagnostic`) when it supports
    /// that, pushed otherwise, never both (clients such as Neovim would show them twice).
    pub diagnostics: Mutex<DiagnosticMode>,
    /// Configuration problems: shown once each, not on every keystroke.
    pub messages: Mutex<Messages>,
    /// For each document analysed as a service, the files its newest analysis included.
    pub includes: Mutex<HashMap<Uri, Vec<Uri>>>,
    /// For each document, the other files it last pushed diagnostics to (its included files),
    /// so they are cleared when they are no longer included.
    pub published: Mutex<HashMap<Uri, Vec<Uri>>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum DiagnosticMode {
    #[default]
    Push,
    /// `refresh`: the client accepts `workspace/diagnostic/refresh` when settings change.
    Pull { refresh: bool },
}

/// Listings by folder; `None`: the folder could not be listed.
pub(crate) type Listings = HashMap<PathBuf, Option<crate::files::Listing>>;

#[derive(Default)]
pub(crate) struct Messages {
    pub pending: Vec<String>,
    pub shown: std::collections::HashSet<String>,
}

pub struct Backend {
    client: Client,
    pub(crate) state: Arc<State>,
}

#[derive(serde::Deserialize)]
struct DocumentTextParams {
    uri: Uri,
}

impl Backend {
    fn new(client: Client) -> Self {
        Backend {
            client,
            state: Arc::new(State {
                encoding: Mutex::new(ColumnEncoding::Utf16),
                documents: Mutex::new(HashMap::new()),
                settings: Mutex::new(SettingsState::default()),
                shut_down: Mutex::new(false),
                watch_config: Mutex::new(false),
                listings: Mutex::new(HashMap::new()),
                diagnostics: Mutex::new(DiagnosticMode::Push),
                messages: Mutex::new(Messages::default()),
                includes: Mutex::new(HashMap::new()),
                published: Mutex::new(HashMap::new()),
            }),
        }
    }

    fn encoding(&self) -> ColumnEncoding {
        *lock(&self.state.encoding)
    }

    /// `ws-lint/documentText`: the server's copy of a document (for tests and debugging).
    async fn document_text(&self, params: DocumentTextParams) -> Result<Option<String>> {
        Ok(lock(&self.state.documents)
            .get(&params.uri)
            .map(Document::text))
    }

    /// `ws-lint/panic`: panics inside a request, to check that the server survives it.
    async fn panic_request(&self) -> Result<()> {
        self.guarded("ws-lint/panic", || -> Result<()> {
            panic!("ws-lint/panic was requested")
        })
        .await
    }

    /// Runs a request's computation, turning a panic into an error answer and a log message.
    async fn guarded<T>(&self, what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(result) => result,
            Err(panic) => Err(self.internal_error(what, &panic_message(&panic)).await),
        }
    }

    /// An analysis of the document's current text and settings (computed now if needed).
    /// `Err` carries a panic message when the engine panicked on this text.
    fn snapshot(&self, uri: &Uri) -> std::result::Result<Option<Arc<Snapshot>>, String> {
        let generation = lock(&self.state.settings).generation;
        let (text, yaml, version, path, on_disk) = {
            let mut documents = lock(&self.state.documents);
            let Some(doc) = documents.get_mut(uri) else {
                return Ok(None);
            };
            if let Some(fresh) = doc.fresh(generation) {
                return Ok(Some(fresh));
            }
            let tree = catch_unwind(AssertUnwindSafe(|| doc.tree()));
            let (text, yaml) = tree.map_err(|panic| panic_message(&panic))?;
            (text, yaml, doc.version, doc.path.clone(), doc.on_disk)
        };
        let file_path = uri.to_file_path().map(|p| p.into_owned());
        let (settings, config_error) =
            lock(&self.state.settings).settings_for(file_path.as_deref());
        if let Some(error) = config_error {
            self.report_config_problem(error);
        }
        let (analysis, included) = catch_unwind(AssertUnwindSafe(|| {
            if !on_disk {
                return (
                    crate::analyze_parsed(&text, &path, &settings, yaml),
                    Vec::new(),
                );
            }
            let open = OpenFiles(&self.state.documents);
            let disk = CachedDisk(&self.state.listings);
            let files = crate::files::LayeredFiles {
                top: &open,
                bottom: &disk,
            };
            // The file's own path (not its display): a folder name need not be UTF-8.
            let location = file_path.as_deref().unwrap_or(std::path::Path::new(&path));
            let service = crate::analyze_service_parsed(&text, location, &settings, &files, yaml);
            let included: Vec<Included> = service
                .included
                .into_iter()
                .filter_map(|file| {
                    Some(Included {
                        uri: Uri::from_file_path(&file.path)?,
                        text: file.text,
                        line_index: file.line_index,
                        diagnostics: file.diagnostics,
                    })
                })
                .collect();
            if included.is_empty() {
                return (service.main, included);
            }
            // The service's tree holds the included files' nodes past this text: editor
            // features read a tree of this file alone, with the service's diagnostics.
            let mut alone = crate::analyze(&text, &path, &settings);
            alone.diagnostics = service.main.diagnostics;
            (alone, included)
        }))
        .map_err(|panic| panic_message(&panic))?;
        lock(&self.state.includes).insert(
            uri.clone(),
            included.iter().map(|i| i.uri.clone()).collect(),
        );
        let snapshot = Arc::new(Snapshot {
            version,
            generation,
            text,
            analysis,
            included,
        });
        let mut documents = lock(&self.state.documents);
        if let Some(doc) = documents.get_mut(uri) {
            doc.adopt(&snapshot);
            if doc.version == version {
                doc.current = Some(snapshot.clone());
                if snapshot.parsed() {
                    doc.last_good = Some(snapshot.clone());
                }
            }
        }
        Ok(Some(snapshot))
    }

    /// The open document whose service includes `uri` (its diagnostics come from there).
    fn owner_of(&self, uri: &Uri) -> Option<Uri> {
        let documents = lock(&self.state.documents);
        lock(&self.state.includes)
            .iter()
            .filter(|(root, _)| *root != uri && documents.contains_key(*root))
            .find(|(_, included)| included.contains(uri))
            .map(|(root, _)| root.clone())
    }

    /// Forgets the analyses of the services that include `uri` (its text changed).
    fn invalidate_owners(&self, uri: &Uri) -> Vec<Uri> {
        let owners: Vec<Uri> = lock(&self.state.includes)
            .iter()
            .filter(|(root, included)| *root != uri && included.contains(uri))
            .map(|(root, _)| root.clone())
            .collect();
        let mut documents = lock(&self.state.documents);
        for owner in &owners {
            if let Some(doc) = documents.get_mut(owner) {
                doc.current = None;
            }
        }
        owners
    }

    /// The analysis to read the service model from: the current one when it parsed, else the
    /// newest one that did (the user is mid-typing).
    fn model(&self, uri: &Uri, current: &Arc<Snapshot>) -> Option<Arc<Snapshot>> {
        if current.parsed() {
            return Some(current.clone());
        }
        lock(&self.state.documents)
            .get(uri)
            .and_then(|d| d.last_good.clone())
    }

    /// Queues a problem with the configuration to be shown once.
    fn report_config_problem(&self, problem: String) {
        let mut messages = lock(&self.state.messages);
        if messages.shown.insert(problem.clone()) {
            messages.pending.push(problem);
        }
    }

    /// Shows the configuration problems queued since the last call.
    async fn show_config_errors(&self) {
        let pending = std::mem::take(&mut lock(&self.state.messages).pending);
        for error in pending {
            self.client
                .show_message(
                    lsp::MessageType::ERROR,
                    format!("ws-lint: configuration problem, ignored: {error}"),
                )
                .await;
        }
    }

    /// Analyses a document and publishes its diagnostics with its version. A document that an
    /// open service includes is published as part of that service.
    async fn publish(&self, uri: Uri) {
        let mode = *lock(&self.state.diagnostics);
        if mode != DiagnosticMode::Push {
            self.show_config_errors().await;
            return;
        }
        let mut queue = vec![uri];
        let mut done = std::collections::HashSet::new();
        while let Some(uri) = queue.pop() {
            if !done.insert(uri.clone()) {
                continue;
            }
            match self.owner_of(&uri).filter(|owner| !done.contains(owner)) {
                Some(owner) => queue.push(owner),
                None => self.publish_one(uri, &mut queue).await,
            }
        }
    }

    /// Publishes one document's service: its own diagnostics and its included files'. Open
    /// documents it no longer includes are queued to be published on their own.
    async fn publish_one(&self, uri: Uri, queue: &mut Vec<Uri>) {
        let encoding = self.encoding();
        let result = self.snapshot(&uri);
        self.show_config_errors().await;
        match result {
            Ok(Some(snapshot)) => {
                let items = diagnostics::convert_all(&uri, &snapshot, encoding);
                let now: Vec<Uri> = snapshot.included.iter().map(|i| i.uri.clone()).collect();
                let before = lock(&self.state.published)
                    .insert(uri.clone(), now.clone())
                    .unwrap_or_default();
                self.client
                    .publish_diagnostics(uri.clone(), items, Some(snapshot.version))
                    .await;
                for included in &snapshot.included {
                    let items = diagnostics::convert_included(&included.uri, included, encoding);
                    let version = lock(&self.state.documents)
                        .get(&included.uri)
                        .map(|d| d.version);
                    self.client
                        .publish_diagnostics(included.uri.clone(), items, version)
                        .await;
                }
                for gone in before.into_iter().filter(|u| !now.contains(u)) {
                    self.clear_or_requeue(gone, queue).await;
                }
            }
            Ok(None) => {}
            Err(panic) => {
                self.client
                    .log_message(
                        lsp::MessageType::ERROR,
                        format!(
                            "ws-lint: internal error analysing {}: {panic}",
                            uri.as_str()
                        ),
                    )
                    .await;
            }
        }
    }

    /// A file that a service no longer publishes to: an open document gets its own
    /// diagnostics, any other file none.
    async fn clear_or_requeue(&self, uri: Uri, queue: &mut Vec<Uri>) {
        if lock(&self.state.documents).contains_key(&uri) {
            queue.push(uri);
        } else {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    /// Logs an internal error (a caught panic) and turns it into the request's answer: the
    /// server keeps serving.
    async fn internal_error(&self, what: &str, problem: &str) -> Error {
        let text = format!("ws-lint: internal error in {what}: {problem}");
        self.client
            .log_message(lsp::MessageType::ERROR, &text)
            .await;
        Error {
            code: ErrorCode::InternalError,
            message: text.into(),
            data: None,
        }
    }

    async fn publish_all(&self) {
        let mode = *lock(&self.state.diagnostics);
        if let DiagnosticMode::Pull { refresh } = mode {
            // The client pulls: ask it to pull again, since the settings changed.
            if refresh {
                let _ = self.client.workspace_diagnostic_refresh().await;
            }
            return;
        }
        let uris: Vec<Uri> = lock(&self.state.documents).keys().cloned().collect();
        for uri in uris {
            self.publish(uri).await;
        }
    }

    /// The current analysis for a request, or the error to answer with.
    async fn request_snapshot(
        &self,
        uri: &Uri,
        what: &str,
    ) -> Result<(Arc<Snapshot>, ColumnEncoding)> {
        let encoding = self.encoding();
        match self.snapshot(uri) {
            Ok(Some(snapshot)) => Ok((snapshot, encoding)),
            Ok(None) => Err(not_found(what)),
            Err(panic) => Err(self.internal_error(what, &panic).await),
        }
    }

    /// Runs a navigation feature on the current analysis when the text parses (positions from
    /// an older analysis would point at the wrong places); `None` while it is broken.
    async fn with_parsed<T>(
        &self,
        uri: &Uri,
        what: &str,
        f: impl FnOnce(&Snapshot, &convert::Converter) -> Result<Option<T>>,
    ) -> Result<Option<T>> {
        let (snapshot, encoding) = self.request_snapshot(uri, what).await?;
        if !snapshot.parsed() {
            return Ok(None);
        }
        self.guarded(what, || {
            let converter =
                convert::Converter::new(&snapshot.text, &snapshot.analysis.line_index, encoding);
            f(&snapshot, &converter)
        })
        .await
    }

    /// Forgets the folder listings when the client does not tell us about created and deleted
    /// files (then an open, save or close is when they are read again). True when it did.
    fn forget_listings_unwatched(&self) -> bool {
        if *lock(&self.state.watch_config) {
            return false;
        }
        lock(&self.state.listings).clear();
        self.forget_analyses();
        true
    }

    /// Makes every document analysed again (what it reads from disk may have changed).
    fn forget_analyses(&self) {
        for doc in lock(&self.state.documents).values_mut() {
            doc.current = None;
        }
    }

    fn settings_for(&self, uri: &Uri) -> crate::config::Settings {
        let file_path = uri.to_file_path().map(|p| p.into_owned());
        lock(&self.state.settings)
            .settings_for(file_path.as_deref())
            .0
    }

    fn document_path(uri: &Uri) -> String {
        match uri.to_file_path() {
            Some(path) => path.display().to_string(),
            None => uri.path().to_string(),
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

fn not_found(what: &str) -> Error {
    Error::invalid_params(format!("{what}: document is not open"))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = convert::negotiate_encoding(&params);
        *lock(&self.state.encoding) = encoding;
        *lock(&self.state.watch_config) = params
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
        *lock(&self.state.diagnostics) = mode;
        if let Some(options) = &params.initialization_options {
            let problems = lock(&self.state.settings).set_client_settings(options);
            for problem in problems {
                self.report_config_problem(problem);
            }
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

    async fn initialized(&self, _: lsp::InitializedParams) {
        if *lock(&self.state.watch_config) {
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
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                self.client
                    .log_message(
                        lsp::MessageType::WARNING,
                        format!("ws-lint: cannot watch files: {e}"),
                    )
                    .await;
            }
        }
        self.show_config_errors().await;
    }

    async fn shutdown(&self) -> Result<()> {
        *lock(&self.state.shut_down) = true;
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let lsp::TextDocumentItem {
            uri, version, text, ..
        } = params.text_document;
        let path = Self::document_path(&uri);
        let on_disk = uri
            .to_file_path()
            .is_some_and(|p| crate::files::DiskFiles.is_file(&p));
        let document = Document::new(&text, version, path, on_disk);
        // The rope has it now: the client's copy is not kept through the first analysis.
        drop(text);
        self.forget_listings_unwatched();
        lock(&self.state.documents).insert(uri.clone(), document);
        self.invalidate_owners(&uri);
        self.publish(uri).await;
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        // Applied before the first `.await`: edits land in the order they were sent.
        let encoding = self.encoding();
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        {
            let mut documents = lock(&self.state.documents);
            let Some(doc) = documents.get_mut(&uri) else {
                return;
            };
            for change in &params.content_changes {
                doc.apply(change, encoding);
            }
            doc.version = version;
        }
        self.invalidate_owners(&uri);
        // Let edits queued behind this one land first; only the newest publishes.
        tokio::task::yield_now().await;
        let newest = lock(&self.state.documents)
            .get(&uri)
            .is_some_and(|d| d.version == version);
        if newest {
            self.publish(uri).await;
        }
    }

    async fn did_save(&self, _: lsp::DidSaveTextDocumentParams) {
        if self.forget_listings_unwatched() {
            self.publish_all().await;
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        self.forget_listings_unwatched();
        let uri = params.text_document.uri;
        lock(&self.state.documents).remove(&uri);
        lock(&self.state.includes).remove(&uri);
        let published = lock(&self.state.published).remove(&uri).unwrap_or_default();
        let owners = self.invalidate_owners(&uri);
        self.client
            .publish_diagnostics(uri.clone(), Vec::new(), None)
            .await;
        // Files only this document's service published to; its owners read it from disk now.
        let mut queue = Vec::new();
        for other in published {
            self.clear_or_requeue(other, &mut queue).await;
        }
        for uri in queue.into_iter().chain(owners) {
            self.publish(uri).await;
        }
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        let problems = lock(&self.state.settings).set_client_settings(&params.settings);
        for problem in problems {
            self.report_config_problem(problem);
        }
        self.publish_all().await;
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let mut config = false;
        {
            let mut listings = lock(&self.state.listings);
            for change in &params.changes {
                let Some(path) = change.uri.to_file_path() else {
                    continue;
                };
                config |= path.file_name().is_some_and(|n| n == "ws-lint.toml");
                // The folder holding it, and the folder itself when a folder came or went.
                let path = crate::files::normalize(&path);
                if let Some(parent) = path.parent() {
                    listings.remove(parent);
                }
                listings.remove(&path);
            }
        }
        self.forget_analyses();
        if config || params.changes.is_empty() {
            lock(&self.state.settings).invalidate();
            lock(&self.state.messages).shown.clear();
        }
        self.publish_all().await;
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        let position = params.text_document_position_params.position;
        let (snapshot, encoding) = self.request_snapshot(&uri, "textDocument/hover").await?;
        let model = self.model(&uri, &snapshot);
        self.guarded("textDocument/hover", || {
            let converter =
                convert::Converter::new(&snapshot.text, &snapshot.analysis.line_index, encoding);
            let offset = converter.offset(position);
            Ok(hover::hover(
                &snapshot,
                model.as_deref(),
                &converter,
                offset,
            ))
        })
        .await
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri.clone();
        let position = params.text_document_position.position;
        let (snapshot, encoding) = self
            .request_snapshot(&uri, "textDocument/completion")
            .await?;
        let model = self.model(&uri, &snapshot);
        self.guarded("textDocument/completion", || {
            let converter =
                convert::Converter::new(&snapshot.text, &snapshot.analysis.line_index, encoding);
            let offset = converter.offset(position);
            Ok(Some(completion::completion(
                &snapshot.text,
                &converter,
                model.as_deref(),
                offset,
            )))
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri.clone();
        self.with_parsed(&uri, "textDocument/definition", |snapshot, converter| {
            let offset = converter.offset(at.position);
            Ok(definition::definition(&uri, snapshot, converter, offset))
        })
        .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.clone();
        let include = params.context.include_declaration;
        self.with_parsed(&uri, "textDocument/references", |snapshot, converter| {
            let offset = converter.offset(at.position);
            Ok(references::references(
                &uri, snapshot, converter, offset, include,
            ))
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        self.with_parsed(&uri, "textDocument/prepareRename", |snapshot, converter| {
            let offset = converter.offset(params.position);
            Ok(rename::prepare(snapshot, converter, offset))
        })
        .await
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.clone();
        self.with_parsed(&uri, "textDocument/rename", |snapshot, converter| {
            let offset = converter.offset(at.position);
            rename::rename(&uri, snapshot, converter, offset, &params.new_name)
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        self.with_parsed(
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

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        let uri = params.text_document.uri;
        self.with_parsed(&uri, "textDocument/inlayHint", |snapshot, converter| {
            let range = converter.text_range(params.range);
            Ok(Some(inlay_hints::inlay_hints(snapshot, converter, range)))
        })
        .await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let (snapshot, encoding) = self
            .request_snapshot(&uri, "textDocument/codeAction")
            .await?;
        let path = Self::document_path(&uri);
        let settings = self.settings_for(&uri);
        self.guarded("textDocument/codeAction", || {
            Ok(Some(code_action::code_actions(
                &uri, &snapshot, &params, encoding, &settings, &path,
            )))
        })
        .await
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let encoding = self.encoding();
        if let Some(owner) = self.owner_of(&uri) {
            let service = self.snapshot(&owner);
            self.show_config_errors().await;
            if let Ok(Some(service)) = service {
                if let Some(included) = service.included.iter().find(|i| i.uri == uri) {
                    let version = lock(&self.state.documents).get(&uri).map(|d| d.version);
                    return self
                        .guarded("textDocument/diagnostic", || {
                            Ok(diagnostics::report_included(
                                included,
                                version,
                                service.version,
                                encoding,
                            ))
                        })
                        .await;
                }
            }
        }
        let snapshot = self.snapshot(&uri);
        self.show_config_errors().await;
        self.guarded("textDocument/diagnostic", || {
            let snapshot = snapshot
                .map_err(|panic| Error {
                    code: ErrorCode::InternalError,
                    message: format!("ws-lint: internal error: {panic}").into(),
                    data: None,
                })?
                .ok_or_else(|| not_found("textDocument/diagnostic"))?;
            Ok(diagnostics::report(&uri, &snapshot, encoding))
        })
        .await
    }

    async fn workspace_diagnostic(
        &self,
        _: lsp::WorkspaceDiagnosticParams,
    ) -> Result<lsp::WorkspaceDiagnosticReportResult> {
        let items = self.included_not_open().await;
        Ok(lsp::WorkspaceDiagnosticReportResult::Report(
            lsp::WorkspaceDiagnosticReport { items },
        ))
    }
}

impl Backend {
    /// The diagnostics of the files open services include that are not open themselves: a
    /// client that pulls diagnostics pulls them for open documents only, and would never see
    /// what a service reports in an included file the user has not opened.
    async fn included_not_open(&self) -> Vec<lsp::WorkspaceDocumentDiagnosticReport> {
        let encoding = self.encoding();
        let roots: Vec<Uri> = lock(&self.state.documents)
            .iter()
            .filter(|(_, d)| d.on_disk)
            .map(|(uri, _)| uri.clone())
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut reports = Vec::new();
        for root in roots {
            let Ok(Some(snapshot)) = self.snapshot(&root) else {
                continue;
            };
            for included in &snapshot.included {
                let open = lock(&self.state.documents).contains_key(&included.uri);
                if open || !seen.insert(included.uri.clone()) {
                    continue;
                }
                reports.push(lsp::WorkspaceDocumentDiagnosticReport::Full(
                    lsp::WorkspaceFullDocumentDiagnosticReport {
                        uri: included.uri.clone(),
                        version: None,
                        full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                            result_id: Some(format!(
                                "service:{}:{}",
                                snapshot.version, snapshot.generation
                            )),
                            items: diagnostics::convert_included(&included.uri, included, encoding),
                        },
                    },
                ));
            }
        }
        self.show_config_errors().await;
        reports
    }
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

/// The open documents that are files, as a file source layered over the disk.
struct OpenFiles<'a>(&'a Mutex<HashMap<Uri, Document>>);

impl OpenFiles<'_> {
    fn find<T>(&self, path: &std::path::Path, f: impl FnOnce(&Document) -> T) -> Option<T> {
        let path = crate::files::normalize(path);
        let documents = lock(self.0);
        documents
            .iter()
            .find(|(uri, doc)| {
                doc.on_disk
                    && uri
                        .to_file_path()
                        .is_some_and(|p| crate::files::normalize(&p) == path)
            })
            .map(|(_, doc)| f(doc))
    }
}

impl FileSource for OpenFiles<'_> {
    fn read(&self, path: &std::path::Path) -> std::result::Result<String, crate::files::FileError> {
        self.find(path, Document::text)
            .ok_or(crate::files::FileError::NotFound)
    }

    fn is_file(&self, path: &std::path::Path) -> bool {
        self.find(path, |_| ()).is_some()
    }

    fn is_dir(&self, _: &std::path::Path) -> bool {
        false
    }

    fn file_names(&self, dir: &std::path::Path) -> Option<std::collections::HashSet<String>> {
        let dir = crate::files::normalize(dir);
        let documents = lock(self.0);
        Some(
            documents
                .iter()
                .filter(|(_, doc)| doc.on_disk)
                .filter_map(|(uri, _)| uri.to_file_path())
                .map(|p| crate::files::normalize(&p))
                .filter(|p| p.parent() == Some(dir.as_path()))
                .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
                .collect(),
        )
    }
}

/// The disk, with folder listings kept in the server's cache (see [`State::listings`]).
struct CachedDisk<'a>(&'a Mutex<Listings>);

impl FileSource for CachedDisk<'_> {
    fn read(&self, path: &std::path::Path) -> std::result::Result<String, crate::files::FileError> {
        crate::files::DiskFiles.read(path)
    }

    fn is_file(&self, path: &std::path::Path) -> bool {
        crate::files::DiskFiles.is_file(path)
    }

    fn is_dir(&self, path: &std::path::Path) -> bool {
        crate::files::DiskFiles.is_dir(path)
    }

    fn file_names(&self, dir: &std::path::Path) -> Option<std::collections::HashSet<String>> {
        self.listing(dir).map(|listing| listing.names)
    }

    fn listing(&self, dir: &std::path::Path) -> Option<crate::files::Listing> {
        let key = crate::files::normalize(dir);
        if let Some(listing) = lock(self.0).get(&key) {
            return listing.clone();
        }
        // Listed outside the lock: a slow folder does not hold up other requests.
        let listing = crate::files::DiskFiles.listing(dir);
        lock(self.0).insert(key, listing.clone());
        listing
    }

    /// The project boundary resolves links through the disk (never through the cache).
    fn canonical(&self, path: &std::path::Path) -> PathBuf {
        crate::files::DiskFiles.canonical(path)
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
