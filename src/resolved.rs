//! The configuration the Serverless Framework resolved, as a second source of truth.
//!
//! ws-lint reads the configuration file itself, which gives every value its position; the
//! framework (through the `serverless-ws-lint` plugin, or `serverless print --format json`)
//! knows the values ws-lint cannot: `${env:...}`, `${ssm:...}`, `${cf:...}`, `${param:...}`,
//! `${opt:...}` without a default, JavaScript files. Two uses:
//!
//! - [`fill`]: after resolution inside the service ([`crate::resolve`]), a value that still
//!   holds a variable is taken from the resolved configuration at the same configuration path
//!   (`provider.logs.websocket.level`), and made to stand for it as a resolved `${self:...}`
//!   does. What the rules find in it is reported where the variable is written. A value the
//!   framework left unresolved (still a `${...}`), or a path it does not have, stays unknown.
//! - `analysis::analyze_alone`: a service with no YAML or JSON text (`serverless.ts`,
//!   `serverless.js`) is linted from the resolved configuration alone, and each finding names
//!   its configuration path (`functions.send.events[0].websocket.authorizer`) instead of a
//!   line ([`config_path`], [`node_covering`]).

use serde_json::Value;

use crate::resolve::{Outcome, Resolution};
use crate::span::TextRange;
use crate::variables;
use crate::yaml::{NodeId, NodeKind, Yaml};

/// Deeper than any configuration: a guard against a parent chain that loops.
const MAX_PATH_LENGTH: usize = 512;

/// The resolved configuration: one JSON object.
#[derive(Clone, Debug)]
pub struct ResolvedConfig {
    value: Value,
}

/// One step of a configuration path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl ResolvedConfig {
    /// Reads the JSON text of a resolved configuration; it must be an object.
    pub fn parse(text: &str) -> Result<ResolvedConfig, String> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| format!("not a resolved configuration (JSON): {e}"))?;
        if !value.is_object() {
            return Err("not a resolved configuration: the JSON is not an object".to_string());
        }
        Ok(ResolvedConfig { value })
    }

    /// The whole configuration.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The value at a configuration path.
    pub fn get(&self, path: &[PathSegment]) -> Option<&Value> {
        path.iter()
            .try_fold(&self.value, |value, segment| match segment {
                PathSegment::Key(key) => value.as_object()?.get(key),
                PathSegment::Index(index) => value.as_array()?.get(*index),
            })
    }
}

/// The configuration path of a node of the service (a key stands for its entry): keys and
/// sequence indexes from the main file's root, through the values included files stand for.
/// `None` for a node that does not hang from the main file's root.
pub fn config_path(yaml: &Yaml, node: NodeId) -> Option<Vec<PathSegment>> {
    let mut segments = Vec::new();
    let mut current = node;
    for _ in 0..MAX_PATH_LENGTH {
        let Some(parent) = yaml.node(current).parent() else {
            return (Some(current) == yaml.root()).then(|| {
                segments.reverse();
                segments
            });
        };
        match &yaml.node(parent).kind {
            NodeKind::Mapping { entries, .. } => {
                let entry = entries
                    .iter()
                    .find(|e| e.value == current || e.key == current)?;
                let key = yaml.key_text(entry.key)?;
                // Entries merged in by `<<` land in the mapping holding it.
                if key != "<<" {
                    segments.push(PathSegment::Key(key.to_string()));
                }
            }
            NodeKind::Sequence { items, .. } => {
                let index = items.iter().position(|&item| item == current)?;
                segments.push(PathSegment::Index(index));
            }
            // An included file's root hangs from the value that includes it: no step.
            NodeKind::Scalar(_) | NodeKind::Alias { .. } => {}
        }
        current = parent;
    }
    None
}

/// `functions.send.events[0].websocket.authorizer`; a key that is not a plain name is quoted
/// (`custom["my.key"]`).
pub fn display_path(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            PathSegment::Key(key) => {
                let plain = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$'));
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                } else {
                    out.push('[');
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(']');
                }
            }
            PathSegment::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Makes each value that resolution left holding a variable stand for the framework's value
/// at its configuration path. Returns how many values were filled.
pub fn fill(yaml: &mut Yaml, outcome: &mut Outcome, config: &ResolvedConfig) -> usize {
    let candidates: Vec<NodeId> = outcome
        .variables
        .iter()
        .filter(|v| v.parsed.error.is_none() && !v.parsed.too_deep)
        .map(|v| v.node)
        .collect();
    let mut filled = 0;
    for node in candidates {
        // Known already: resolved inside the service, or through a value filled before it.
        if !yaml.str(node).is_some_and(variables::has_variable) {
            continue;
        }
        let Some(path) = config_path(yaml, node) else {
            continue;
        };
        let Some(value) = config.get(&path) else {
            continue;
        };
        // The framework left it as it was: unknown to it too.
        if value.as_str().is_some_and(variables::has_variable) {
            continue;
        }
        let range = yaml.range(node);
        let Some(target) = append_value(yaml, value, range, Some(node)) else {
            continue;
        };
        yaml.substitute(node, target);
        // A resolution like any other: a fix that would overwrite the `${...}` is dropped.
        outcome.resolutions.push(Resolution {
            node,
            target,
            definition: None,
        });
        filled += 1;
    }
    outcome.resolved_values += filled;
    filled
}

/// Adds a JSON value to the arena, every node at `range`.
fn append_value(
    yaml: &mut Yaml,
    value: &Value,
    range: TextRange,
    parent: Option<NodeId>,
) -> Option<NodeId> {
    // JSON is YAML: the value's own text parses to the same types (strings quoted, numbers,
    // booleans and null plain).
    let text = serde_json::to_string(value).ok()?;
    yaml.append_at(Yaml::parse(&text), range, parent)
}

/// The smallest node whose range holds all of `range`.
pub fn node_covering(yaml: &Yaml, range: TextRange) -> Option<NodeId> {
    let mut node = yaml.node_at(range.start)?;
    for _ in 0..MAX_PATH_LENGTH {
        let own = yaml.range(node);
        if own.start <= range.start && range.end <= own.end {
            return Some(node);
        }
        node = yaml.node(node).parent()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(text: &str, keys: &[&str]) -> String {
        let yaml = Yaml::parse(text);
        let node = yaml.path(yaml.root().unwrap(), keys).unwrap();
        display_path(&config_path(&yaml, node).unwrap())
    }

    #[test]
    fn configuration_paths_name_keys_and_indexes() {
        let text = "functions:\n  send:\n    events:\n      - websocket:\n          route: a\n";
        let yaml = Yaml::parse(text);
        let events = yaml
            .path(yaml.root().unwrap(), &["functions", "send", "events"])
            .unwrap();
        let first = yaml.items(events).unwrap()[0];
        let route = yaml.path(first, &["websocket", "route"]).unwrap();
        assert_eq!(
            display_path(&config_path(&yaml, route).unwrap()),
            "functions.send.events[0].websocket.route"
        );
        assert_eq!(
            path_of("custom:\n  'my.key': 1\n", &["custom", "my.key"]),
            "custom[\"my.key\"]"
        );
    }

    #[test]
    fn values_the_framework_left_unresolved_stay_unknown() {
        let text = "a: ${env:A}\nb: ${env:B}\nc: ${env:C}\n";
        let mut yaml = Yaml::parse(text);
        let mut outcome = crate::resolve::resolve(
            &mut yaml,
            text,
            std::path::Path::new("serverless.yml"),
            None,
        );
        let config =
            ResolvedConfig::parse(r#"{"a": "x", "b": "${env:B}", "d": 1}"#).expect("object");
        assert_eq!(fill(&mut yaml, &mut outcome, &config), 1);
        let root = yaml.root().unwrap();
        let value = |key| yaml.str(yaml.get_value(root, key).unwrap());
        assert_eq!(value("a"), Some("x"));
        assert_eq!(value("b"), Some("${env:B}"));
        assert_eq!(value("c"), Some("${env:C}"));
        // The filled value keeps the variable's place.
        let a = yaml.get_value(root, "a").unwrap();
        assert_eq!(yaml.range(yaml.resolve(a)), yaml.range(a));
        assert!(ResolvedConfig::parse("[1]").is_err());
    }
}
