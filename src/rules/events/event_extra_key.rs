use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

use super::{slipped_keys, EVENT_SETTINGS};
use crate::model::schema::HTTP_EVENT_KEYS;

declare_rule! {
    /// ## What it does
    /// Reports a key written beside `websocket:` in the same item of a function's `events`
    /// list. Settings of the event (`route`, `authorizer`...) beside an empty `websocket:` are
    /// left to `empty-websocket-event` (WS010), which explains the indentation slip.
    ///
    /// ## Why is this bad?
    /// Each item of `events` is one event with exactly one key, its type. The framework's
    /// schema reports the other key (`unrecognized property '<key>'`, a warning by default) and
    /// still compiles the websocket event, reading only `websocket`: the other key is ignored. An `authorizer:` one
    /// level too far left protects nothing; an `http:` beside `websocket:` creates no HTTP
    /// endpoint.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   auth:
    ///     handler: handler.auth
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///         authorizer: auth
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   auth:
    ///     handler: handler.auth
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///           authorizer: auth
    /// ```
    pub static RULE = {
        code: "WS011",
        name: "event-extra-key",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

/// Function event types of the framework (v3 and v4).
const EVENT_TYPES: &[&str] = &[
    "http",
    "httpApi",
    "s3",
    "schedule",
    "sns",
    "sqs",
    "stream",
    "kafka",
    "msk",
    "activemq",
    "rabbitmq",
    "alexaSkill",
    "alexaSmartHome",
    "iot",
    "iotFleetProvisioning",
    "cloudwatchEvent",
    "cloudwatchLog",
    "cognitoUserPool",
    "alb",
    "eventBridge",
    "cloudFront",
];

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for event in &ctx.service.events {
        let slipped = slipped_keys(ctx, event);
        for entry in yaml.entries(event.item) {
            if entry.key == event.key || slipped.contains(&entry) {
                continue;
            }
            let Some(name) = yaml.key_text(entry.key) else {
                continue;
            };
            let message = format!(
                "`{name}` beside `websocket` in the same event item: the framework reports `unrecognized property '{name}'`, compiles the websocket event and ignores `{name}`"
            );
            let help = if EVENT_SETTINGS.contains(&name) || name == "identitySource" {
                if yaml.is_mapping(event.value) {
                    format!("`{name}` belongs to the websocket event: indent it under `websocket:`")
                } else {
                    format!(
                        "`{name}` belongs to the websocket event: write the event as a mapping, `websocket: {{route: ..., {name}: ...}}`"
                    )
                }
            } else if name == "routeKey" {
                "`routeKey` was the old serverless-websockets-plugin's name for `route`, and belongs under `websocket:`".to_string()
            } else if HTTP_EVENT_KEYS.contains(&name) {
                format!("`{name}` is a setting of `http` events and does nothing for a websocket event: remove it")
            } else if EVENT_TYPES.contains(&name) {
                format!(
                    "each item of `events` holds one event: put `{name}` in a list item of its own"
                )
            } else {
                format!("each item of `events` holds one event, with its type as the only key: remove `{name}`")
            };
            out.push(
                Diagnostic::new(&RULE, yaml.range(entry.key), message)
                    .with_help(help)
                    .with_related(yaml.range(event.key), "the event"),
            );
        }
    }
}
