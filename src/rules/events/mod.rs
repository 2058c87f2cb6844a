//! WS01x: websocket events.

use super::{Context, Rule};
use crate::model::WebsocketEvent;
use crate::variables::has_variable;
use crate::yaml::{Entry, ScalarValue};

mod empty_route;
mod empty_websocket_event;
mod event_extra_key;
mod missing_route;

pub(super) static RULES: &[&Rule] = &[
    &empty_websocket_event::RULE,
    &event_extra_key::RULE,
    &missing_route::RULE,
    &empty_route::RULE,
];

/// The settings of a websocket event object: where they sit beside an empty `websocket:` in
/// the same list item, they were meant to be under it.
const EVENT_SETTINGS: &[&str] = &["route", "authorizer", "routeResponseSelectionExpression"];

/// `websocket:` with a value the framework treats as "no event": null or the empty string.
/// (`false` and `0` are turned into the strings "false" and "0" by the schema validator first.)
fn is_empty_event(ctx: &Context, event: &WebsocketEvent) -> bool {
    let yaml = ctx.yaml;
    match yaml.scalar_value(event.value) {
        Some(ScalarValue::Null) => true,
        Some(ScalarValue::Str) => yaml
            .str(event.value)
            .is_some_and(|s| s.is_empty() && !has_variable(s)),
        _ => false,
    }
}

/// Event settings written beside an empty `websocket:` in the same list item.
fn slipped_keys(ctx: &Context, event: &WebsocketEvent) -> Vec<Entry> {
    if !is_empty_event(ctx, event) {
        return Vec::new();
    }
    ctx.yaml
        .entries(event.item)
        .into_iter()
        .filter(|e| {
            ctx.yaml
                .key_text(e.key)
                .is_some_and(|k| EVENT_SETTINGS.contains(&k))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{apply_edits, Diagnostic};
    use crate::model::{FileFormat, Service};
    use crate::rules::{Context, Rule};
    use crate::yaml::Yaml;

    fn run(rule: &Rule, text: &str) -> Vec<Diagnostic> {
        let yaml = Yaml::parse(text);
        let service = Service::lower(&yaml);
        let ctx = Context::new(text, &yaml, &service, FileFormat::Yaml, &[]);
        let mut out = Vec::new();
        if let Some(check) = rule.check {
            check(&ctx, &mut out);
        }
        out
    }

    fn events(items: &str) -> String {
        format!("functions:\n  f:\n    handler: h.f\n    events:\n{items}")
    }

    #[test]
    fn route_key_without_the_plugin_is_a_missing_route() {
        let text = events("      - websocket:\n          routeKey: $connect\n");
        let found = run(&super::missing_route::RULE, &text);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("routeKey"),
            "{}",
            found[0].message
        );
        let with_plugin = format!("plugins:\n  - serverless-websockets-plugin\n{text}");
        assert!(run(&super::missing_route::RULE, &with_plugin).is_empty());
        let modules = format!("plugins:\n  modules:\n    - serverless-websockets-plugin\n{text}");
        assert!(run(&super::missing_route::RULE, &modules).is_empty());
    }

    #[test]
    fn no_missing_route_for_other_shapes() {
        for value in ["$connect", "[{route: x}]", "!Ref Route", "[x]", "''"] {
            let text = events(&format!("      - websocket: {value}\n"));
            assert!(
                run(&super::missing_route::RULE, &text).is_empty(),
                "{value}"
            );
        }
    }

    #[test]
    fn the_indentation_fix_is_offered_only_where_it_is_certain() {
        let fix = |items: &str| {
            let text = events(items);
            let found = run(&super::empty_websocket_event::RULE, &text);
            assert_eq!(found.len(), 1, "{items}");
            found[0]
                .fix
                .as_ref()
                .and_then(|f| apply_edits(&text, &f.edits))
        };
        let fixed = fix("      - websocket:\n        route: $connect\n        authorizer:\n          name: auth\n");
        let fixed = fixed.unwrap_or_default();
        let yaml = Yaml::parse(&fixed);
        let service = Service::lower(&yaml);
        assert!(service.events[0].authorizer.is_some(), "{fixed}");
        assert_eq!(
            service.events[0].route.as_ref().map(|r| r.key.as_str()),
            Some("$connect")
        );
        // Another key in the item, a key before `websocket`, an explicit null, flow style.
        assert_eq!(
            fix("      - websocket:\n        route: $connect\n        cors: true\n"),
            None
        );
        assert_eq!(fix("      - route: $connect\n        websocket:\n"), None);
        assert_eq!(
            fix("      - websocket: null\n        route: $connect\n"),
            None
        );
        assert_eq!(fix("      - {websocket: , route: $connect}\n"), None);
    }

    #[test]
    fn false_and_zero_are_routes_not_empty_events() {
        for value in ["false", "0", "' '"] {
            let text = events(&format!("      - websocket: {value}\n"));
            assert!(
                run(&super::empty_websocket_event::RULE, &text).is_empty(),
                "{value}"
            );
        }
    }

    #[test]
    fn empty_route_skips_variables_and_the_empty_shorthand() {
        let text = events(
            "      - websocket: ''\n      - websocket:\n          route: ${self:custom.empty}\n",
        );
        assert!(run(&super::empty_route::RULE, &text).is_empty());
    }

    #[test]
    fn extra_keys_beside_an_empty_event_are_left_to_ws010_only_when_they_are_event_settings() {
        let text = events("      - websocket:\n        route: $connect\n        cors: true\n");
        let found = run(&super::event_extra_key::RULE, &text);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("`cors`"));
    }
}
