//! Rename a function: its key and every use of it as an authorizer name.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert::Converter;
use super::documents::Snapshot;
use super::references::{function_at, inner_range, references};

/// What the framework accepts as an authorizer's function name.
fn function_name_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[a-zA-Z0-9-_]+$").expect("static regex"))
}

pub fn prepare(
    snapshot: &Snapshot,
    converter: &Converter,
    offset: usize,
) -> Option<lsp::PrepareRenameResponse> {
    let name = function_at(snapshot, offset)?;
    let yaml = &snapshot.analysis.yaml;
    let node = snapshot
        .analysis
        .service
        .functions
        .iter()
        .map(|f| f.key)
        .chain(
            super::references::authorizer_names(snapshot)
                .into_iter()
                .map(|(_, n)| n),
        )
        .find(|n| yaml.range(*n).touches(offset) && yaml.str(*n) == Some(name.as_str()))?;
    Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
        range: converter.range(inner_range(yaml, node)),
        placeholder: name,
    })
}

pub fn rename(
    uri: &Uri,
    snapshot: &Snapshot,
    converter: &Converter,
    offset: usize,
    new_name: &str,
) -> Result<Option<lsp::WorkspaceEdit>> {
    if !function_name_regex().is_match(new_name) {
        return Err(Error::invalid_params(format!(
            "`{new_name}` is not a valid function name (letters, digits, `-` and `_`)"
        )));
    }
    let Some(locations) = references(uri, snapshot, converter, offset, true) else {
        return Ok(None);
    };
    if snapshot.analysis.service.function(new_name).is_some() {
        return Err(Error::invalid_params(format!(
            "a function named `{new_name}` already exists"
        )));
    }
    let edits: Vec<lsp::TextEdit> = locations
        .into_iter()
        .map(|l| lsp::TextEdit {
            range: l.range,
            new_text: new_name.to_string(),
        })
        .collect();
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), edits);
    Ok(Some(lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }))
}
