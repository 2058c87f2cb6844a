//! Publishing diagnostics, and the include graph that decides where they go: a document that
//! an open service includes gets its diagnostics from that service, so a change to it
//! republishes the service, and a service publishes into every file it includes.

use std::collections::HashSet;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::analysis::snapshot;
use super::diagnostics;
use super::server::Backend;
use super::state::{DiagnosticMode, Shared};

/// The open document whose service includes `uri` (its diagnostics come from there).
pub(crate) fn owner_of(state: &Shared, uri: &Uri) -> Option<Uri> {
    let state = state.lock();
    state
        .includes
        .iter()
        .filter(|(root, _)| *root != uri && state.documents.contains_key(*root))
        .find(|(_, included)| included.contains(uri))
        .map(|(root, _)| root.clone())
}

/// Forgets the analyses of the services that include `uri` (its text changed); returns them.
pub(crate) fn invalidate_owners(state: &Shared, uri: &Uri) -> Vec<Uri> {
    let mut state = state.lock();
    let owners: Vec<Uri> = state
        .includes
        .iter()
        .filter(|(root, included)| *root != uri && included.contains(uri))
        .map(|(root, _)| root.clone())
        .collect();
    for owner in &owners {
        if let Some(doc) = state.documents.get_mut(owner) {
            doc.current = None;
        }
    }
    owners
}

impl Backend {
    /// Analyses a document and publishes its diagnostics with its version. A document that an
    /// open service includes is published as part of that service.
    pub(crate) async fn publish(&self, uri: Uri) {
        let mode = self.state.lock().diagnostics;
        if mode != DiagnosticMode::Push {
            self.show_config_errors().await;
            return;
        }
        let mut queue = vec![uri];
        let mut done = HashSet::new();
        while let Some(uri) = queue.pop() {
            if !done.insert(uri.clone()) {
                continue;
            }
            match owner_of(&self.state, &uri).filter(|owner| !done.contains(owner)) {
                Some(owner) => queue.push(owner),
                None => self.publish_one(uri, &mut queue).await,
            }
        }
    }

    /// Publishes one document's service: its own diagnostics and its included files'. Open
    /// documents it no longer includes are queued to be published on their own.
    async fn publish_one(&self, uri: Uri, queue: &mut Vec<Uri>) {
        let encoding = self.state.encoding();
        let result = snapshot(&self.state, &uri);
        self.show_config_errors().await;
        match result {
            Ok(Some(snapshot)) => {
                let items = diagnostics::convert_all(&uri, &snapshot, encoding);
                let now: Vec<Uri> = snapshot.included.iter().map(|i| i.uri.clone()).collect();
                let before = self
                    .state
                    .lock()
                    .published
                    .insert(uri.clone(), now.clone())
                    .unwrap_or_default();
                self.client
                    .publish_diagnostics(uri.clone(), items, Some(snapshot.version))
                    .await;
                for included in &snapshot.included {
                    let items = diagnostics::convert_included(&included.uri, included, encoding);
                    let version = self
                        .state
                        .lock()
                        .documents
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
    pub(crate) async fn clear_or_requeue(&self, uri: Uri, queue: &mut Vec<Uri>) {
        let open = self.state.lock().documents.contains_key(&uri);
        if open {
            queue.push(uri);
        } else {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    /// Every open document again (the settings or the files around changed): pushed, or the
    /// client asked to pull again.
    pub(crate) async fn publish_all(&self) {
        let mode = self.state.lock().diagnostics;
        if let DiagnosticMode::Pull { refresh } = mode {
            if refresh {
                let _ = self.client.workspace_diagnostic_refresh().await;
            }
            return;
        }
        let uris: Vec<Uri> = self.state.lock().documents.keys().cloned().collect();
        for uri in uris {
            self.publish(uri).await;
        }
    }

    /// `textDocument/diagnostic`: a document's diagnostics, from the service that includes it
    /// when there is one.
    pub(crate) async fn pull(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let encoding = self.state.encoding();
        if let Some(owner) = owner_of(&self.state, &uri) {
            let service = snapshot(&self.state, &owner);
            self.show_config_errors().await;
            if let Ok(Some(service)) = service {
                if let Some(included) = service.included.iter().find(|i| i.uri == uri) {
                    let version = self.state.lock().documents.get(&uri).map(|d| d.version);
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
        let snapshot = snapshot(&self.state, &uri);
        self.show_config_errors().await;
        self.guarded("textDocument/diagnostic", || {
            let snapshot = snapshot
                .map_err(|panic| Error {
                    code: ErrorCode::InternalError,
                    message: format!("ws-lint: internal error: {panic}").into(),
                    data: None,
                })?
                .ok_or_else(|| super::handlers::not_found("textDocument/diagnostic"))?;
            Ok(diagnostics::report(&uri, &snapshot, encoding))
        })
        .await
    }

    /// `workspace/diagnostic`: the diagnostics of the files open services include that are not
    /// open themselves. A client that pulls diagnostics pulls them for open documents only, and
    /// would never see what a service reports in an included file the user has not opened.
    pub(crate) async fn pull_workspace(&self) -> lsp::WorkspaceDiagnosticReportResult {
        let encoding = self.state.encoding();
        let roots: Vec<Uri> = self
            .state
            .lock()
            .documents
            .iter()
            .filter(|(_, d)| d.on_disk)
            .map(|(uri, _)| uri.clone())
            .collect();
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        for root in roots {
            let Ok(Some(snapshot)) = snapshot(&self.state, &root) else {
                continue;
            };
            for included in &snapshot.included {
                let open = self.state.lock().documents.contains_key(&included.uri);
                if open || !seen.insert(included.uri.clone()) {
                    continue;
                }
                items.push(lsp::WorkspaceDocumentDiagnosticReport::Full(
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
        lsp::WorkspaceDiagnosticReportResult::Report(lsp::WorkspaceDiagnosticReport { items })
    }
}
