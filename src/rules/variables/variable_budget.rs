use crate::diagnostics::{Diagnostic, Severity};
use crate::resolve::{Budget, MAX_TOTAL_BYTES, MAX_VALUE_BYTES};
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports a `${...}` that ws-lint stopped resolving because its value grew past the
    /// size budget: 64 KiB for one value, or 8 MiB of resolved text for the whole service.
    /// The value is unknown from there on, so the rules say nothing about it (nor about the
    /// values built from it, which are not reported again). Once the service's budget is
    /// spent, the value where it ran out is reported and no further value is resolved.
    ///
    /// ## Why is this bad?
    /// A value that doubles at each level (`a0: ${self:custom.a1}${self:custom.a1}`, twenty
    /// levels deep) is a megabyte long, and every use of it another megabyte: a few kilobytes
    /// of configuration would cost seconds and gigabytes to check, in CI and on every
    /// keystroke in an editor. No real setting is that long; the framework would send it to
    /// CloudFormation, which refuses templates over 1 MB.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// custom:
    ///   a0: ${self:custom.a1}${self:custom.a1}
    ///   a1: ${self:custom.a2}${self:custom.a2}
    ///   a2: ${self:custom.a3}${self:custom.a3}
    ///   a3: ${self:custom.a4}${self:custom.a4}
    ///   a4: ${self:custom.a5}${self:custom.a5}
    ///   a5: ${self:custom.a6}${self:custom.a6}
    ///   a6: ${self:custom.a7}${self:custom.a7}
    ///   a7: ${self:custom.a8}${self:custom.a8}
    ///   a8: ${self:custom.a9}${self:custom.a9}
    ///   a9: ${self:custom.a10}${self:custom.a10}
    ///   a10: ${self:custom.a11}${self:custom.a11}
    ///   a11: ${self:custom.a12}${self:custom.a12}
    ///   a12: ${self:custom.a13}${self:custom.a13}
    ///   a13: ${self:custom.a14}${self:custom.a14}
    ///   a14: ${self:custom.a15}${self:custom.a15}
    ///   a15: ${self:custom.a16}${self:custom.a16}
    ///   a16: ${self:custom.a17}${self:custom.a17}
    ///   a17: abcd
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: ${self:custom.a0}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// custom:
    ///   route: $connect
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: ${self:custom.route}
    /// ```
    pub static RULE = {
        code: "WS605",
        name: "variable-budget",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

/// Reports the values resolution stopped (it builds the values, rules do not).
fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for value in ctx.over_budget {
        let (what, limit) = match value.budget {
            Budget::Value => ("this value would grow past", MAX_VALUE_BYTES),
            Budget::Total => (
                "the values of this service would together grow past",
                MAX_TOTAL_BYTES,
            ),
        };
        out.push(
            Diagnostic::new(
                &RULE,
                value.range,
                format!(
                    "not resolved: {what} {} KiB, so it is left unknown and not checked (nor the values that use it)",
                    limit / 1024
                ),
            )
            .with_help("a value that long is almost certainly a mistake: look for a variable used twice at each level"),
        );
    }
}
