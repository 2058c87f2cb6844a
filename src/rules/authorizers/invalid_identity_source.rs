use std::sync::OnceLock;

use crate::diagnostics::shown;
use regex::Regex;

use super::identity_sources;
use crate::diagnostics::{Diagnostic, Fix, Severity};
use crate::model::AuthorizerForm;
use crate::rules::edits::replace_scalar;
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports an authorizer identity source that is not one of `route.request.header.NAME`,
    /// `route.request.querystring.NAME`, `stageVariables.NAME` or `context.NAME` (NAME made of
    /// letters, digits, `.`, `_` and `-`), in the `identitySource` list or a single string.
    ///
    /// ## Why is this bad?
    /// The framework passes `identitySource` to API Gateway without looking at it, and API
    /// Gateway accepts only these forms for a WebSocket `REQUEST` authorizer. Two mix-ups are
    /// common: `$request.header.Auth` is the HTTP API form and `method.request.header.Auth` the
    /// REST API form; a WebSocket API spells both `route.request.header.Auth`.
    ///
    /// The fix rewrites those two forms (headers and query strings) to the WebSocket form.
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
    ///               - $request.header.Authorization
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
    ///               - route.request.header.Authorization
    /// ```
    pub static RULE = {
        code: "WS207",
        name: "invalid-identity-source",
        severity: Some(Severity::Error),
        fix: Sometimes,
        check: Some(check),
    };
}

const EXPECTED: &str = "`route.request.header.NAME`, `route.request.querystring.NAME`, `stageVariables.NAME` or `context.NAME`";

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for (_, authorizer) in ctx.service.authorizers() {
        let AuthorizerForm::Object {
            identity_source: Some(entry),
            ..
        } = &authorizer.form
        else {
            continue;
        };
        for (node, text) in identity_sources(ctx, entry.value) {
            let Some(text) = text else { continue };
            if is_valid(text) {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                &RULE,
                ctx.yaml.range(node),
                format!("identity source `{text}` is not valid for a WebSocket authorizer: expected {EXPECTED}", text = shown(text)),
            );
            if let Some(Rewrite {
                fixed,
                known_mix_up,
                origin,
            }) = rewrite(text)
            {
                if let Some(origin) = origin {
                    diagnostic = diagnostic.with_help(format!(
                        "`{text}` is the {origin} form; a WebSocket API writes it `{fixed}`",
                        text = shown(text),
                        fixed = shown(&fixed)
                    ));
                }
                if let Some(edit) = replace_scalar(ctx, node, &fixed) {
                    let message = format!("replace with `{}`", shown(&fixed));
                    diagnostic = diagnostic.with_fix(if known_mix_up {
                        Fix::safe(message, vec![edit])
                    } else {
                        Fix::unsafe_(message, vec![edit])
                    });
                } else if origin.is_none() {
                    diagnostic = diagnostic.with_help(format!("did you mean `{}`?", shown(&fixed)));
                }
            }
            out.push(diagnostic);
        }
    }
}

fn is_valid(text: &str) -> bool {
    static VALID: OnceLock<Regex> = OnceLock::new();
    VALID
        .get_or_init(|| {
            Regex::new(
                r"^(?:route\.request\.(?:header|querystring)|stageVariables|context)\.[A-Za-z0-9._-]+$",
            )
            .expect("static regex")
        })
        .is_match(text)
}

struct Rewrite {
    fixed: String,
    /// The HTTP API (`$request.`) or REST API (`method.request.`) form of a header or query
    /// string: the rewrite is certainly what was meant.
    known_mix_up: bool,
    /// "HTTP API" or "REST API", for the message.
    origin: Option<&'static str>,
}

/// The WebSocket form of a header or query-string source written another way.
fn rewrite(text: &str) -> Option<Rewrite> {
    static SOURCE: OnceLock<Regex> = OnceLock::new();
    let source = SOURCE.get_or_init(|| {
        Regex::new(
            r"(?i)^(\$|method\.|route\.)?request\.(header|headers|querystring|querystrings|query|querystringparameters?)\.([A-Za-z0-9._-]+)$",
        )
        .expect("static regex")
    });
    let captures = source.captures(text)?;
    let prefix = captures.get(1).map(|m| m.as_str());
    let kind = captures.get(2)?.as_str();
    let name = captures.get(3)?.as_str();
    let canonical_kind =
        if kind.eq_ignore_ascii_case("header") || kind.eq_ignore_ascii_case("headers") {
            "header"
        } else {
            "querystring"
        };
    let fixed = format!("route.request.{canonical_kind}.{name}");
    let exact_kind = kind == "header" || kind == "querystring";
    let origin = match prefix {
        Some("$") if exact_kind => Some("HTTP API"),
        Some("method.") if exact_kind => Some("REST API"),
        _ => None,
    };
    Some(Rewrite {
        fixed,
        known_mix_up: origin.is_some(),
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_websocket_forms() {
        assert!(is_valid("route.request.header.Auth"));
        assert!(is_valid("route.request.querystring.token"));
        assert!(is_valid("stageVariables.key"));
        assert!(is_valid("context.authorizer.principalId"));
        assert!(is_valid("route.request.header.X-Forwarded-Proto"));
        assert!(!is_valid("route.request.header."));
        assert!(!is_valid("$request.header.Auth"));
        assert!(!is_valid("Auth"));
    }

    #[test]
    fn rewrites_known_mix_ups() {
        let r = rewrite("$request.header.Authorization").unwrap();
        assert_eq!(r.fixed, "route.request.header.Authorization");
        assert!(r.known_mix_up);
        let r = rewrite("method.request.querystring.token").unwrap();
        assert_eq!(r.fixed, "route.request.querystring.token");
        assert!(r.known_mix_up);
        let r = rewrite("route.request.headers.Auth").unwrap();
        assert_eq!(r.fixed, "route.request.header.Auth");
        assert!(!r.known_mix_up);
        assert!(rewrite("Auth").is_none());
    }
}
