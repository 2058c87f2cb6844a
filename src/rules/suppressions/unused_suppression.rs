use crate::diagnostics::Severity;
use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a suppression comment (`# ws-lint: ignore[...]`, `ignore-next-line`, `ignore-file`)
    /// that suppresses nothing, or a code in its list that suppresses nothing. Codes of rules
    /// that are turned off are not reported.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real problem on that line without anyone noticing, and
    /// tells readers about a problem that is no longer there.
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
    ///       - websocket: $connect # ws-lint: ignore[WS201]
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
        code: "WS901",
        name: "unused-suppression",
        severity: Some(Severity::Warning),
        fix: Always,
        check: None,
    };
}
