use super::{each_source, shorten};
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, suggest, Context};
use crate::variables::{self, ArgValue, Literal, SelfLookup, Source};
use crate::yaml::{NodeId, NodeKind, Yaml};

declare_rule! {
    /// ## What it does
    /// Reports a `${self:path}` whose path leads nowhere in the configuration (anchors, aliases
    /// and merge keys followed) and that has no fallback.
    ///
    /// ## Why is this bad?
    /// The framework cannot resolve it and stops: v4 says "No value is available for this
    /// variable, and no default value was provided". Usually a key was renamed or misspelt
    /// (`custom.tabelName`), or lives at another level.
    ///
    /// Paths the framework fills in itself are not reported: `provider.stage` (default `dev`),
    /// `provider.region` (default `us-east-1`), `provider.name`, `service`, `org`, `app`,
    /// a function's `name`. A path through
    /// a value that is itself a variable (`custom: ${file(./custom.yml)}`) is unknown here and
    /// not reported either, nor is one with a fallback (`${self:custom.x, 'default'}`).
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   environment:
    ///     TABLE: ${self:custom.tableName}
    /// custom:
    ///   table: connections
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   environment:
    ///     TABLE: ${self:custom.table}
    /// custom:
    ///   table: connections
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS602",
        name: "unresolved-self-reference",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for value in ctx.variable_values() {
        if value.parsed.error.is_some() {
            continue;
        }
        let Some(text) = yaml.str(value.node) else {
            continue;
        };
        for variable in value.parsed.variables() {
            each_source(variable, false, &mut |used| {
                if used.covered {
                    return;
                }
                let Source::Variable {
                    kind,
                    address: Some(address),
                    ..
                } = used.source
                else {
                    return;
                };
                let ArgValue::Literal(Literal::Str(path)) = &address.value else {
                    return;
                };
                if kind != "self" || variables::self_path_filled_by_framework(path) {
                    return;
                }
                let SelfLookup::Missing { parent, missing } = variables::lookup_self(yaml, path)
                else {
                    return;
                };
                let segments: Vec<&str> = path.split('.').collect();
                let found = segments.get(..missing).unwrap_or(&[]).join(".");
                let name = segments.get(missing).copied().unwrap_or("");
                let written = shorten(text.get(used.span.as_range()).unwrap_or(text));
                let place = if found.is_empty() {
                    "the configuration has no top-level key".to_string()
                } else if yaml.is_mapping(parent) {
                    format!("`{found}` has no key")
                } else if yaml.is_sequence(parent) {
                    format!("`{found}` has no item")
                } else {
                    format!("`{found}` is a plain value, it has no")
                };
                let range = variables::source_range(ctx.text, yaml, value.node, used.span);
                let mut diagnostic = Diagnostic::new(
                    &RULE,
                    range,
                    format!(
                        "`{written}` leads nowhere: {place} `{name}`; the framework stops with \"No value is available for this variable, and no default value was provided\""
                    ),
                );
                if !found.is_empty() {
                    if let Some(key) = key_of(yaml, parent) {
                        diagnostic = diagnostic.with_related(yaml.range(key), format!("`{found}`"));
                    }
                }
                if yaml.is_mapping(parent) {
                    let entries = yaml.entries(parent);
                    let keys = entries.iter().filter_map(|e| yaml.str(e.key));
                    if let Some(near) = suggest(name, keys).filter(|near| plausible(name, near)) {
                        let prefix = if found.is_empty() {
                            String::new()
                        } else {
                            format!("{found}.")
                        };
                        diagnostic =
                            diagnostic.with_help(format!("did you mean `self:{prefix}{near}`?"));
                    }
                }
                out.push(diagnostic);
            });
        }
    }
}

/// The key a node is the value of, when it has one.
fn key_of(yaml: &Yaml, node: NodeId) -> Option<NodeId> {
    let parent = yaml.node(node).parent()?;
    match &yaml.node(parent).kind {
        NodeKind::Mapping { entries, .. } => {
            entries.iter().find(|e| e.value == node).map(|e| e.key)
        }
        _ => None,
    }
}

/// A suggestion worth showing: a prefix of the other, or few edits apart.
fn plausible(written: &str, candidate: &str) -> bool {
    let (a, b) = (written.to_ascii_lowercase(), candidate.to_ascii_lowercase());
    a.starts_with(&b)
        || b.starts_with(&a)
        || strsim::osa_distance(&a, &b) <= (a.len().max(b.len()) / 3).max(1)
}
