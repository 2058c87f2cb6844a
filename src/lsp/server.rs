//! The protocol glue: tower-lsp-server's [`LanguageServer`], each method handed to its handler
//! in [`super::handlers`] (diagnostics in [`super::publish`]).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};
use tower_lsp_server::{Client, LanguageServer, LspService};

use super::analysis::panic_message;
use super::handlers;
use super::state::Shared;

/// The service, for the stdio transport and for tests that drive it in process.
pub fn service() -> (LspService<Backend>, tower_lsp_server::ClientSocket) {
    LspService::build(Backend::new)
        .custom_method("ws-lint/documentText", Backend::document_text)
        .custom_method("ws-lint/panic", Backend::panic_request)
        .finish()
}

pub struct Backend {
    pub(crate) client: Client,
    pub(crate) state: Arc<Shared>,
}

#[derive(serde::Deserialize)]
struct DocumentTextParams {
    uri: Uri,
}

impl Backend {
    fn new(client: Client) -> Self {
        Backend {
            client,
            state: Arc::default(),
        }
    }

    /// `ws-lint/documentText`: the server's copy of a document (for tests and debugging).
    async fn document_text(&self, params: DocumentTextParams) -> Result<Option<String>> {
        Ok(self
            .state
            .lock()
            .documents
            .get(&params.uri)
            .map(|doc| doc.text()))
    }

    /// `ws-lint/panic`: panics inside a request, to check that the server survives it.
    async fn panic_request(&self) -> Result<()> {
        self.guarded("ws-lint/panic", || -> Result<()> {
            panic!("ws-lint/panic was requested")
        })
        .await
    }

    /// Runs a request's computation, turning a panic into an error answer and a log message.
    pub(crate) async fn guarded<T>(&self, what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(result) => result,
            Err(panic) => Err(self.internal_error(what, &panic_message(&panic)).await),
        }
    }

    /// Logs an internal error (a caught panic) and turns it into the request's answer: the
    /// server keeps serving.
    pub(crate) async fn internal_error(&self, what: &str, problem: &str) -> Error {
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

    /// Shows the configuration problems queued since the last call.
    pub(crate) async fn show_config_errors(&self) {
        let pending = std::mem::take(&mut self.state.lock().messages.pending);
        for error in pending {
            self.client
                .show_message(
                    lsp::MessageType::ERROR,
                    format!("ws-lint: configuration problem, ignored: {error}"),
                )
                .await;
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        handlers::initialize(self, params)
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        handlers::initialized(self).await
    }

    async fn shutdown(&self) -> Result<()> {
        handlers::shutdown(self)
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        handlers::did_open(self, params).await
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        handlers::did_change(self, params).await
    }

    async fn did_save(&self, _: lsp::DidSaveTextDocumentParams) {
        handlers::did_save(self).await
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        handlers::did_close(self, params).await
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        handlers::did_change_configuration(self, params).await
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        handlers::did_change_watched_files(self, params).await
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        handlers::hover(self, params).await
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        handlers::completion(self, params).await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        handlers::goto_definition(self, params).await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        handlers::references(self, params).await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        handlers::prepare_rename(self, params).await
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        handlers::rename(self, params).await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        handlers::document_symbol(self, params).await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        handlers::inlay_hint(self, params).await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        handlers::code_action(self, params).await
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        self.pull(params).await
    }

    async fn workspace_diagnostic(
        &self,
        _: lsp::WorkspaceDiagnosticParams,
    ) -> Result<lsp::WorkspaceDiagnosticReportResult> {
        Ok(self.pull_workspace().await)
    }
}
