//! Inlay hints: the defaults the framework applies where the user left a setting out (the
//! route selection expression, an authorizer's identity source, the log level), and the values
//! `${self:...}` variables resolve to.

use tower_lsp_server::ls_types as lsp;

use super::convert::Converter;
use super::documents::Snapshot;
use crate::model::AuthorizerForm;
use crate::span::TextRange;
use crate::yaml::NodeId;

pub const DEFAULT_ROUTE_SELECTION: &str = "$request.body.action";
pub const DEFAULT_IDENTITY_SOURCE: &str = "route.request.header.Auth";
pub const DEFAULT_LOG_LEVEL: &str = "INFO";

pub fn inlay_hints(
    snapshot: &Snapshot,
    converter: &Converter,
    requested: TextRange,
) -> Vec<lsp::InlayHint> {
    let yaml = &snapshot.analysis.yaml;
    let service = &snapshot.analysis.service;
    let text = snapshot.text.as_str();
    let index = &snapshot.analysis.line_index;
    // Hints go at the end of the line where `node` starts.
    let end_of_line = |node: NodeId| {
        index
            .line_range(text, index.line_of(yaml.range(node).start))
            .end
    };
    let mut hints: Vec<(usize, String)> = Vec::new();
    if !service.events.is_empty() {
        if let Some(root) = service.root {
            let has_expression = service
                .provider_entry(yaml, &["websocketsApiRouteSelectionExpression"])
                .is_some();
            if let (false, Some(provider)) = (has_expression, yaml.get(root, "provider")) {
                hints.push((
                    end_of_line(provider.key),
                    format!("websocketsApiRouteSelectionExpression: {DEFAULT_ROUTE_SELECTION}"),
                ));
            }
        }
    }
    for event in &service.events {
        let Some(authorizer) = &event.authorizer else {
            continue;
        };
        let missing = match &authorizer.form {
            AuthorizerForm::String => true,
            AuthorizerForm::Object {
                identity_source, ..
            } => identity_source.is_none(),
            AuthorizerForm::Other => false,
        };
        if missing {
            let at = match &authorizer.form {
                AuthorizerForm::String => end_of_line(authorizer.value),
                _ => end_of_line(authorizer.key),
            };
            hints.push((at, format!("identitySource: {DEFAULT_IDENTITY_SOURCE}")));
        }
    }
    // The stage's log level defaults to INFO where logs are on (the model's reading, after the
    // framework's coercion: `'true'` is on), no level is set, execution logging is not off and
    // the service owns the API (an external one gets no stage settings).
    if let Some(logs) = &service.websocket_logs {
        let level_set = logs.get(yaml, "level").is_some();
        if logs.enabled == Some(true)
            && !level_set
            && logs.execution_logging_off(yaml).is_none()
            && service.external_api().is_none()
        {
            hints.push((
                end_of_line(logs.entry.key),
                format!("level: {DEFAULT_LOG_LEVEL}"),
            ));
        }
    }
    // Resolved `${self:...}` values, right after each reference.
    let mut resolved: Vec<(usize, String)> = Vec::new();
    for reference in super::query::self_references(text, TextRange::new(0, text.len())) {
        if !requested.touches(reference.range.end) {
            continue;
        }
        if let Some((_, value)) = super::query::resolve_self(yaml, &reference.path) {
            if let Some(scalar) = yaml.scalar(value) {
                if scalar.value.chars().count() <= 60 && !scalar.value.contains('\n') {
                    resolved.push((reference.range.end, format!("= {}", scalar.value)));
                }
            }
        }
    }
    hints.sort();
    let defaults = hints
        .into_iter()
        .map(|(at, label)| (at, format!("default: {label}"), true));
    let values = resolved.into_iter().map(|(at, label)| (at, label, false));
    let mut all: Vec<(usize, String, bool)> = defaults.chain(values).collect();
    all.sort();
    all.into_iter()
        .filter(|(at, _, _)| requested.touches(*at))
        .map(|(at, label, is_default)| lsp::InlayHint {
            position: converter.position(at),
            label: lsp::InlayHintLabel::String(label),
            kind: Some(lsp::InlayHintKind::PARAMETER),
            text_edits: None,
            tooltip: Some(lsp::InlayHintTooltip::String(
                if is_default {
                    "the framework applies this default because the setting is left out"
                } else {
                    "the value this variable resolves to"
                }
                .to_string(),
            )),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect()
}
