use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::rules::edits::entry_lines;
use crate::rules::{declare_rule, Context};
use crate::yaml::Entry;

use super::is_local_entry;

declare_rule! {
    /// ## What it does
    /// Reports an `authorizer` on any websocket route other than `$connect`.
    ///
    /// ## Why is this bad?
    /// API Gateway runs Lambda authorizers for the `$connect` route only ("You can only use a
    /// Lambda authorizer function for the `$connect` route"). Once a connection is open, every
    /// message on it is already authorized, so an authorizer on `sendMessage` or `$default`
    /// never runs: the route looks protected and is not. The framework deploys it anyway.
    ///
    /// The fix removes the authorizer; where the service's `$connect` route has no authorizer,
    /// moving it there (by hand) is usually what was meant.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   auth:
    ///     handler: handler.auth
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket:
    ///           route: sendMessage
    ///           authorizer: auth
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
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket:
    ///           route: sendMessage
    /// ```
    pub static RULE = {
        code: "WS201",
        name: "authorizer-not-on-connect",
        severity: Some(Severity::Error),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    let connect_has_authorizer =
        ctx.service.events.iter().any(|e| {
            e.authorizer.is_some() && e.route.as_ref().is_some_and(|r| r.key == "$connect")
        });
    for event in &ctx.service.events {
        let (Some(route), Some(authorizer)) = (&event.route, &event.authorizer) else {
            continue;
        };
        if !route.known || route.key == "$connect" {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &RULE,
            yaml.range(authorizer.key),
            format!(
                "authorizer on route `{}`: API Gateway runs authorizers on `$connect` only, so this one never runs",
                shown(&route.key)
            ),
        )
        .with_related(yaml.range(route.node), "the route");
        // Removing the line is safe only when the entry is written here (not merged from an
        // anchor) in block style, where it occupies whole lines.
        let local = is_local_entry(
            yaml,
            event.value,
            Entry {
                key: authorizer.key,
                value: authorizer.value,
            },
        );
        if let Some(removal) = entry_lines(ctx, authorizer.key, authorizer.value).filter(|_| local)
        {
            diagnostic = diagnostic.with_fix(Fix::unsafe_(
                "remove the authorizer",
                vec![Edit::delete(removal)],
            ));
        }
        if !connect_has_authorizer {
            diagnostic = diagnostic.with_help(
                "the `$connect` route has no authorizer: move this one there to check clients when they connect",
            );
        }
        out.push(diagnostic);
    }
}
