use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

use super::shape;

declare_rule! {
    /// ## What it does
    /// Reports a value the framework accepts only because its schema validator converts it
    /// (AJV with `coerceTypes: 'array'`): a number or boolean as a route (`route: 123`,
    /// `websocket: true`) or an authorizer name, the string `"true"` or the number `1` where a
    /// boolean is expected (`useProviderTags`, `accessLogging`, `logs.websocket`...), one string
    /// where a list of identity sources is expected, a one-item list where a single value is
    /// expected.
    ///
    /// ## Why is this bad?
    /// It works, but not always the way it reads: `route: 1.50` becomes the route key `"1.5"`,
    /// `websocket: false` becomes a route called `"false"` instead of turning the event off, and
    /// other tools that read the file (editors, schema checkers, scripts) see a number where a
    /// route is meant. The conversion is done by the validator, in place, before the compiler
    /// reads the values (also with `configValidationMode: off`, which only hides the messages).
    /// Writing the canonical form says what is deployed.
    ///
    /// The fix rewrites the value in its canonical form: the route quoted (`'123'`), the boolean
    /// unquoted, the identity source wrapped in a list, the list unwrapped. It is offered only
    /// where the converted value is certain.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   websocket:
    ///     useProviderTags: "true"
    ///   tags:
    ///     team: chat
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
    ///             identitySource: route.request.header.Auth
    ///   version:
    ///     handler: handler.version
    ///     events:
    ///       - websocket: 2024
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   websocket:
    ///     useProviderTags: true
    ///   tags:
    ///     team: chat
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
    ///             identitySource: [route.request.header.Auth]
    ///   version:
    ///     handler: handler.version
    ///     events:
    ///       - websocket: '2024'
    /// ```
    pub static RULE = {
        code: "WS005",
        name: "coerced-type",
        severity: Some(Severity::Hint),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    out.extend(shape::findings(ctx, &RULE));
}
