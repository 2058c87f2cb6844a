use super::{from_merged_functions, group_by, normalized_route, routes};
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};
use crate::span::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports two different route keys that the framework turns into the same CloudFormation
    /// logical id. It names a route's resources after its key with `$` spelled `S`, `/` spelled
    /// `Slash`, `-` `Dash`, `_` `Underscore` and `.` `Period`, so `a-b` and `aDashb`, `a.b` and
    /// `aPeriodb`, or `$connect` and `Sconnect` all end up as one resource. Every route
    /// involved is reported, each pointing at the others.
    ///
    /// ## Why is this bad?
    /// The framework merges resources with the same logical id without a word: the route it
    /// processes last replaces the other one. One of the two routes is never created, and
    /// messages meant for it get an error reply or land on `$default`.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket:
    ///           route: send-message
    ///       - websocket:
    ///           route: sendDashmessage
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket:
    ///           route: send-message
    ///       - websocket:
    ///           route: sendMessageDash
    /// ```
    pub static RULE = {
        code: "WS104",
        name: "route-id-collision",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for group in group_by(routes(ctx).iter(), |r| normalized_route(&r.key)) {
        let Some(last) = group.last() else {
            continue;
        };
        if group.iter().all(|r| r.key == last.key) {
            continue;
        }
        if group.iter().enumerate().any(|(i, a)| {
            group[i + 1..]
                .iter()
                .any(|b| a.key != b.key && from_merged_functions(ctx, a.event, b.event))
        }) {
            continue;
        }
        let logical_id = format!("{}WebsocketsRoute", normalized_route(&last.key));
        let mut reported: Vec<TextRange> = Vec::new();
        for route in &group {
            if reported.contains(&route.site) {
                continue;
            }
            reported.push(route.site);
            let others: Vec<&str> = distinct(
                group
                    .iter()
                    .filter(|o| o.key != route.key)
                    .map(|o| o.key.as_str()),
            );
            let mut diagnostic = Diagnostic::new(
                &RULE,
                route.site,
                format!(
                    "route `{}` gets the same CloudFormation logical id as {} (`{logical_id}`): the framework merges them and only `{}` is deployed",
                    shown(&route.key),
                    others
                        .iter()
                        .map(|k| format!("`{}`", shown(k)))
                        .collect::<Vec<_>>()
                        .join(" and "),
                    shown(&last.key),
                    logical_id = shown(&logical_id)
                ),
            );
            let mut related: Vec<TextRange> = Vec::new();
            for other in group.iter().filter(|o| o.key != route.key) {
                if related.contains(&other.site) {
                    continue;
                }
                related.push(other.site);
                diagnostic = diagnostic.with_related(
                    other.site,
                    format!(
                        "`{}` (function `{}`)",
                        shown(&other.key),
                        shown(other.function)
                    ),
                );
            }
            out.push(diagnostic);
        }
    }
}

fn distinct<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for key in keys {
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}
