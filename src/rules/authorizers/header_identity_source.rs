use super::{identity_sources, DEFAULT_IDENTITY_SOURCE};
use crate::diagnostics::Diagnostic;
use crate::model::AuthorizerForm;
use crate::rules::{declare_rule, Context};
use crate::yaml::ScalarValue;

declare_rule! {
    /// ## What it does
    /// Reports an authorizer identity source in a request header (`route.request.header.NAME`),
    /// including the framework's default, `route.request.header.Auth`, which applies to the
    /// string form of `authorizer` and to an object without `identitySource` (reported on the
    /// `authorizer` key). Opt-in: turn it on for APIs that browsers connect to.
    ///
    /// ## Why is this bad?
    /// The browser `WebSocket` API cannot set request headers on the handshake. A browser client
    /// can never send the header, so API Gateway answers `401 Unauthorized` before the
    /// authorizer runs. Browser clients usually pass the token in the query string
    /// (`route.request.querystring.token`).
    ///
    /// Headers the browser itself sends are not reported: `Cookie`, `Origin`, `Host`,
    /// `User-Agent`, `Sec-WebSocket-Protocol` (settable through the subprotocols argument) and
    /// the other `Sec-WebSocket-*` headers, and the `X-Forwarded-*` headers that API Gateway adds.
    /// Authorizers on routes other than `$connect` never run and are left to WS201.
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
    ///           authorizer:
    ///             name: auth
    ///             identitySource:
    ///               - route.request.header.Authorization
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
    ///           authorizer:
    ///             name: auth
    ///             identitySource:
    ///               - route.request.querystring.token
    /// ```
    pub static RULE = {
        code: "WS212",
        name: "header-identity-source",
        severity: None,
        fix: None,
        check: Some(check),
    };
}

const HEADER_PREFIX: &str = "route.request.header.";

/// Headers a browser sends on the handshake by itself, or that API Gateway adds.
const BROWSER_SET: &[&str] = &[
    "cookie",
    "origin",
    "host",
    "user-agent",
    "accept-language",
    "accept-encoding",
    "cache-control",
    "pragma",
    "connection",
    "upgrade",
    "sec-websocket-protocol",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-extensions",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-amzn-trace-id",
];

const HELP: &str = "browser clients usually send the token in the query string (`route.request.querystring.token`)";

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for (event, authorizer) in ctx.service.authorizers() {
        // Elsewhere the authorizer never runs (WS201).
        if event
            .route
            .as_ref()
            .is_some_and(|r| !r.known || r.key != "$connect")
        {
            continue;
        }
        let explicit = match &authorizer.form {
            AuthorizerForm::String => None,
            AuthorizerForm::Object {
                identity_source, ..
            } => identity_source
                .filter(|e| !matches!(yaml.scalar_value(e.value), Some(ScalarValue::Null)))
                .map(|e| e.value),
            AuthorizerForm::Other => continue,
        };
        let Some(list) = explicit else {
            out.push(
                Diagnostic::new(
                    &RULE,
                    yaml.range(authorizer.key),
                    format!(
                        "the authorizer reads the default identity source `{DEFAULT_IDENTITY_SOURCE}`, a header: browsers cannot set headers on a WebSocket handshake"
                    ),
                )
                .with_help(HELP),
            );
            continue;
        };
        for (node, text) in identity_sources(ctx, list) {
            let Some(header) = text.and_then(|t| t.strip_prefix(HEADER_PREFIX)) else {
                continue;
            };
            if BROWSER_SET.iter().any(|h| h.eq_ignore_ascii_case(header)) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    yaml.range(node),
                    format!(
                        "identity source `{HEADER_PREFIX}{header}` is a header: browsers cannot set headers on a WebSocket handshake"
                    ),
                )
                .with_help(HELP),
            );
        }
    }
}
