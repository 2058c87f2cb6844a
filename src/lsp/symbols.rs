//! Document symbols: the provider's WebSocket settings, and the functions with their routes.

use tower_lsp_server::ls_types as lsp;

use super::convert::Converter;
use super::documents::Snapshot;
use crate::span::TextRange;
use crate::yaml::NodeId;

const PROVIDER_KEYS: [&[&str]; 6] = [
    &["websocketsApiName"],
    &["websocketsApiRouteSelectionExpression"],
    &["websocketsDescription"],
    &["websocket"],
    &["logs", "websocket"],
    &["apiGateway", "websocketApiId"],
];

#[allow(deprecated)]
fn symbol(
    name: String,
    detail: Option<String>,
    kind: lsp::SymbolKind,
    range: lsp::Range,
    selection: lsp::Range,
    children: Vec<lsp::DocumentSymbol>,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!children.is_empty()).then_some(children),
    }
}

/// A symbol's name as the outline shows it: LSP forbids empty names (VS Code drops the whole
/// outline for one), so an empty or blank key is shown quoted.
fn visible_name(name: &str) -> String {
    if name.trim().is_empty() {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

pub fn symbols(snapshot: &Snapshot, converter: &Converter) -> Vec<lsp::DocumentSymbol> {
    let yaml = &snapshot.analysis.yaml;
    let service = &snapshot.analysis.service;
    let entry_range = |key: NodeId, value: NodeId| {
        let key_range = yaml.range(key);
        (
            converter.range(key_range.cover(yaml.range(value))),
            converter.range(key_range),
        )
    };
    let scalar_detail = |node: NodeId| yaml.str(node).map(str::to_string);
    let mut out = Vec::new();
    if let Some(provider) = service.provider {
        let mut children = Vec::new();
        for path in PROVIDER_KEYS {
            if let Some(entry) = service.provider_entry(yaml, path) {
                let (range, selection) = entry_range(entry.key, entry.value);
                children.push(symbol(
                    path.join("."),
                    scalar_detail(entry.value),
                    lsp::SymbolKind::PROPERTY,
                    range,
                    selection,
                    Vec::new(),
                ));
            }
        }
        if !children.is_empty() {
            let key = yaml
                .node(provider)
                .parent()
                .and_then(|root| yaml.get(root, "provider"))
                .map(|e| e.key);
            let full = yaml.range(provider);
            let (range, selection) = match key {
                Some(key) => entry_range(key, provider),
                None => (
                    converter.range(full),
                    converter.range(TextRange::empty(full.start)),
                ),
            };
            out.push(symbol(
                "provider".to_string(),
                Some("WebSocket settings".to_string()),
                lsp::SymbolKind::NAMESPACE,
                range,
                selection,
                children,
            ));
        }
    }
    for (index, function) in service.functions.iter().enumerate() {
        let routes: Vec<lsp::DocumentSymbol> = service
            .events
            .iter()
            .filter(|e| e.function == index)
            .filter_map(|e| {
                let route = e.route.as_ref()?;
                let (range, _) = entry_range(e.key, e.value);
                Some(symbol(
                    visible_name(&route.key),
                    Some("websocket route".to_string()),
                    lsp::SymbolKind::EVENT,
                    range,
                    converter.range(yaml.range(route.node)),
                    Vec::new(),
                ))
            })
            .collect();
        let (range, selection) = entry_range(function.key, function.node);
        let handler = yaml
            .get_value(function.node, "handler")
            .and_then(|h| yaml.str(h))
            .map(str::to_string);
        out.push(symbol(
            visible_name(&function.name),
            handler,
            lsp::SymbolKind::FUNCTION,
            range,
            selection,
            routes,
        ));
    }
    out
}
