use super::{authorizer_name, normalized_name};
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

/// AWS's default quota of Lambda authorizers per WebSocket API (raisable per API).
const LIMIT: usize = 10;

declare_rule! {
    /// ## What it does
    /// Reports the authorizer that brings the service above 10 distinct authorizers, AWS's
    /// default quota for one WebSocket API.
    ///
    /// ## Why is this bad?
    /// API Gateway allows 10 Lambda authorizers per WebSocket API by default, so unless that
    /// quota was raised for the API (through AWS Support) the deploy fails when the stack
    /// creates the eleventh. The framework creates one authorizer resource per
    /// distinct name (the function name, or the last `:` segment of an ARN), on whatever route
    /// it is attached to. Since only `$connect` runs an authorizer, one is normally enough.
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
    ///       - websocket:
    ///           route: $connect
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth1
    ///       - websocket:
    ///           route: a2
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth2
    ///       - websocket:
    ///           route: a3
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth3
    ///       - websocket:
    ///           route: a4
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth4
    ///       - websocket:
    ///           route: a5
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth5
    ///       - websocket:
    ///           route: a6
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth6
    ///       - websocket:
    ///           route: a7
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth7
    ///       - websocket:
    ///           route: a8
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth8
    ///       - websocket:
    ///           route: a9
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth9
    ///       - websocket:
    ///           route: a10
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth10
    ///       - websocket:
    ///           route: a11
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth11
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
    ///       - websocket:
    ///           route: $connect
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth
    ///       - websocket:
    ///           route: a2
    /// ```
    pub static RULE = {
        code: "WS211",
        name: "authorizer-count-limit",
        severity: Some(Severity::Info),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<String> = Vec::new();
    for (_, authorizer) in ctx.service.authorizers() {
        let Some(name) = authorizer_name(ctx, authorizer) else {
            continue;
        };
        let id = normalized_name(&name);
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        if seen.len() == LIMIT + 1 {
            out.push(Diagnostic::new(
                &RULE,
                ctx.yaml.range(authorizer.key),
                format!(
                    "authorizer `{name}` is the {}th distinct authorizer of this API: AWS's default quota is {LIMIT} per WebSocket API (raisable per API through AWS Support); without a raise the deploy fails",
                    LIMIT + 1
                ),
            ));
            return;
        }
    }
}
