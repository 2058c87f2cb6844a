use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

use super::shape;

declare_rule! {
    /// ## What it does
    /// Reports a value in a websocket event, a websocket authorizer, `provider.websocket` or
    /// `provider.logs.websocket` whose type the framework cannot accept, even after the type
    /// conversion its schema validator applies: a list or mapping as `route`, a mapping as
    /// `level` or `identitySource`, `useProviderTags: yes`, a list as `provider.websocket`, an
    /// `arn:` given as a CloudFormation function the framework does not accept (`Fn::If`...).
    ///
    /// Values the framework converts (`route: 123`, `useProviderTags: "true"`) are reported by
    /// `coerced-type` (WS005); `null` values count as missing.
    ///
    /// ## Why is this bad?
    /// The framework's schema rejects the value (it only warns by default, and stops the deploy
    /// with `configValidationMode: error`), and the compiler then works with a value it does not
    /// understand: a list as `route` gives no route key, and `accessLogging: off` is a string,
    /// which the compiler takes as true: access logging stays on. A one-item list holding a
    /// mapping where the event, the authorizer or the log settings belong even slips through
    /// the schema, and the compiler then finds no `route`, `name` or settings in the list.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   logs:
    ///     websocket:
    ///       level:
    ///         - INFO
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket:
    ///           route:
    ///             - sendMessage
    ///             - sendImage
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   logs:
    ///     websocket:
    ///       level: INFO
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket:
    ///           route: sendMessage
    ///       - websocket:
    ///           route: sendImage
    /// ```
    pub static RULE = {
        code: "WS004",
        name: "wrong-type",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    out.extend(shape::findings(ctx, &RULE));
}
