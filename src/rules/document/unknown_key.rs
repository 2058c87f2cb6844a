use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

use super::shape;

declare_rule! {
    /// ## What it does
    /// Reports a key that the framework's schema does not accept inside a websocket event
    /// object, a websocket authorizer object, `provider.websocket` or `provider.logs.websocket`,
    /// and suggests the nearest valid key.
    ///
    /// The valid keys are: `route`, `routeResponseSelectionExpression` and `authorizer` in an
    /// event; `name`, `arn` and `identitySource` in an authorizer; `useProviderTags` in
    /// `provider.websocket`; `accessLogging`, `executionLogging`, `format`, `fullExecutionData`
    /// and `level` in `provider.logs.websocket`. The old plugin's `routeKey` is reported by
    /// `legacy-key` (WS302), and `identitySource` beside `authorizer` by
    /// `identity-source-misplaced` (WS208).
    ///
    /// ## Why is this bad?
    /// The framework ignores the key: a misspelled `rout:` or `useProviderTag:` does nothing,
    /// and settings copied from `http` events (`cors`, `request`...) or from REST authorizers
    /// (`resultTtlInSeconds`, `type`...) have no effect on a WebSocket API. Its schema only
    /// warns about it by default ("unrecognized property"), so the mistake is easy to miss; with
    /// `configValidationMode: error` the deploy stops.
    ///
    /// The fix renames the key to the suggestion; it is marked safe only when the key differs
    /// from it by case or a typo of one or two characters.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   websocket:
    ///     useProviderTag: true
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///           cors: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   websocket:
    ///     useProviderTags: true
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    /// ```
    pub static RULE = {
        code: "WS003",
        name: "unknown-key",
        severity: Some(Severity::Warning),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    out.extend(shape::findings(ctx, &RULE));
}
