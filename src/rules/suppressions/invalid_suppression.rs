use crate::diagnostics::Severity;
use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a code or name in a suppression comment that is no ws-lint rule.
    ///
    /// ## Why is this bad?
    /// A misspelt code suppresses nothing, so the diagnostic it was meant to silence still shows,
    /// or, worse, the comment looks like it protects a line it does not.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect # ws-lint: ignore-file[WS2O1]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS902",
        name: "invalid-suppression",
        severity: Some(Severity::Warning),
        fix: None,
        check: None,
    };
}
