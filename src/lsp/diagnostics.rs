//! Diagnostics, pushed (`textDocument/publishDiagnostics`) and pulled (`textDocument/diagnostic`):
//! exactly the engine's, converted with the negotiated encoding.

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert::Converter;
use super::documents::{Included, Snapshot};
use crate::span::ColumnEncoding;

pub fn convert_all(
    uri: &Uri,
    snapshot: &Snapshot,
    encoding: ColumnEncoding,
) -> Vec<lsp::Diagnostic> {
    let converter = Converter::new(&snapshot.text, &snapshot.analysis.line_index, encoding);
    snapshot
        .analysis
        .diagnostics
        .iter()
        .map(|d| converter.diagnostic(uri, d))
        .collect()
}

pub fn report(
    uri: &Uri,
    snapshot: &Snapshot,
    encoding: ColumnEncoding,
) -> lsp::DocumentDiagnosticReportResult {
    lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
        lsp::RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                result_id: Some(format!("{}:{}", snapshot.version, snapshot.generation)),
                items: convert_all(uri, snapshot, encoding),
            },
        },
    ))
}

/// The diagnostics a service found in one of its included files.
pub fn convert_included(
    uri: &Uri,
    included: &Included,
    encoding: ColumnEncoding,
) -> Vec<lsp::Diagnostic> {
    let converter = Converter::new(&included.text, &included.line_index, encoding);
    included
        .diagnostics
        .iter()
        .map(|d| converter.diagnostic(uri, d))
        .collect()
}

/// A pulled report for a file that an open service includes.
pub fn report_included(
    included: &Included,
    version: Option<i32>,
    service_version: i32,
    encoding: ColumnEncoding,
) -> lsp::DocumentDiagnosticReportResult {
    lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
        lsp::RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                result_id: Some(format!(
                    "{}:service:{service_version}",
                    version.unwrap_or_default()
                )),
                items: convert_included(&included.uri, included, encoding),
            },
        },
    ))
}
