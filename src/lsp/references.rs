//! References: a function's uses as an authorizer (and, with the declaration, its key). Also
//! the shared lookup of "which function is meant at this offset" for definition and rename.

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert::Converter;
use super::documents::Snapshot;
use crate::model::AuthorizerForm;
use crate::span::TextRange;
use crate::yaml::{NodeId, Yaml};

/// Every node naming a function as an authorizer (`authorizer: fn`, `authorizer: {name: fn}`),
/// with the name. ARNs and variables are not names.
pub fn authorizer_names(snapshot: &Snapshot) -> Vec<(String, NodeId)> {
    let yaml = &snapshot.analysis.yaml;
    let mut out = Vec::new();
    for event in &snapshot.analysis.service.events {
        let Some(authorizer) = &event.authorizer else {
            continue;
        };
        let node = match &authorizer.form {
            AuthorizerForm::String => Some(authorizer.value),
            AuthorizerForm::Object { name, .. } => name.map(|e| e.value),
            AuthorizerForm::Other => None,
        };
        let Some(node) = node.filter(|n| !yaml.is_alias(*n)) else {
            continue;
        };
        if let Some(name) = yaml.str(node) {
            if !name.starts_with("arn:") && !crate::variables::has_variable(name) {
                out.push((name.to_string(), node));
            }
        }
    }
    out
}

/// The function name at `offset`: on a function's key or on an authorizer name.
pub fn function_at(snapshot: &Snapshot, offset: usize) -> Option<String> {
    let yaml = &snapshot.analysis.yaml;
    if let Some(function) = snapshot
        .analysis
        .service
        .functions
        .iter()
        .find(|f| yaml.range(f.key).touches(offset))
    {
        return Some(function.name.clone());
    }
    authorizer_names(snapshot)
        .into_iter()
        .find(|(_, node)| yaml.range(*node).touches(offset))
        .map(|(name, _)| name)
}

/// A scalar's text without its quotes (what a rename replaces).
pub fn inner_range(yaml: &Yaml, node: NodeId) -> TextRange {
    let range = yaml.range(node);
    match yaml.scalar(node) {
        Some(scalar) if scalar.style.is_quoted() && range.len() >= 2 => {
            TextRange::new(range.start + 1, range.end - 1)
        }
        _ => range,
    }
}

pub fn references(
    uri: &Uri,
    snapshot: &Snapshot,
    converter: &Converter,
    offset: usize,
    include_declaration: bool,
) -> Option<Vec<lsp::Location>> {
    let name = function_at(snapshot, offset)?;
    let yaml = &snapshot.analysis.yaml;
    let mut locations = Vec::new();
    if include_declaration {
        if let Some(function) = snapshot.analysis.service.function(&name) {
            locations.push(lsp::Location {
                uri: uri.clone(),
                range: converter.range(inner_range(yaml, function.key)),
            });
        }
    }
    for (used, node) in authorizer_names(snapshot) {
        if used == name {
            locations.push(lsp::Location {
                uri: uri.clone(),
                range: converter.range(inner_range(yaml, node)),
            });
        }
    }
    Some(locations)
}
