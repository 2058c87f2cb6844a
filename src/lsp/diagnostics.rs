//! Diagnostics, pushed (`textDocument/publishDiagnostics`) and pulled (`textDocument/diagnostic`):
//! exactly the engine's, converted with the negotiated encoding.

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert::Converter;
use super::documents::Snapshot;
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
