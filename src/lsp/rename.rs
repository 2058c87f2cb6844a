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

/// Why `name` cannot be a function's name, written where a reference to the function goes
/// (`authorizer: NAME`); `None` when it can. The framework takes only names of letters,
/// digits, `-` and `_`, and a name YAML reads as something other than a string would change
/// what the file means: `authorizer: null` removes the authorizer, `true` and `0x1F` are no
/// function names, `-` starts a list.
pub fn refusal(name: &str) -> Option<String> {
    let shown = crate::diagnostics::quote(name);
    if !function_name_regex().is_match(name) {
        return Some(format!(
            "{shown} is not a valid function name (letters, digits, `-` and `_`)"
        ));
    }
    let read_as = crate::yaml::resolve_plain(name);
    if name == "-" || read_as != crate::yaml::ScalarValue::Str {
        let what = if name == "-" {
            "the start of a list"
        } else {
            read_as.type_name()
        };
        return Some(format!(
            "{shown} cannot name a function: YAML reads it as {} {what}, not a name",
            if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            }
        ));
    }
    None
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
    if let Some(problem) = refusal(new_name) {
        return Err(Error::invalid_params(problem));
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

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn refuses_names_the_framework_or_yaml_would_read_otherwise() {
        for name in [
            "null", "Null", "~", "-", "0x1F", "true", "FALSE", "123", "1.5", "1e3", "", "a b",
            "a:b",
        ] {
            assert!(refusal(name).is_some(), "{name:?} accepted");
        }
        for name in ["auth", "auth-2", "my_fn", "yes", "on", "-auth", "x1"] {
            assert_eq!(refusal(name), None, "{name:?} refused");
        }
        assert!(refusal("null").is_some_and(|m| m.contains("a null")));
    }
}
