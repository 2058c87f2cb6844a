use super::{arn_is_truthy, functions_complete, is_function_name, known_string, string_arn};
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Fix, Severity};
use crate::model::AuthorizerForm;
use crate::rules::edits::replace_scalar;
use crate::rules::{declare_rule, suggest, Context};
use crate::yaml::NodeId;

declare_rule! {
    /// ## What it does
    /// Reports an authorizer that names a function (`authorizer: auth`, or `authorizer:` with
    /// `name: auth` and no `arn:`) when the service has no function by that name, and suggests
    /// the nearest one.
    ///
    /// ## Why is this bad?
    /// The framework looks the name up among the keys under `functions` and stops packaging
    /// with `Function "auth" doesn't exist in this Service`. The name must be the function's
    /// key in this file, not its deployed name (`chat-dev-auth`) nor its `name:` property. An
    /// authorizer deployed by another service is referenced by its ARN instead (`arn:`).
    ///
    /// The string form that holds a `:` is read as an ARN, so this rule does not apply to it.
    /// The fix replaces the name with the suggestion; it is safe only when one function is
    /// clearly meant (it differs in case only, or is the single close match).
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   authorizer:
    ///     handler: handler.authorizer
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///           authorizer: authoriser
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   authorizer:
    ///     handler: handler.authorizer
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///           authorizer: authorizer
    /// ```
    pub static RULE = {
        code: "WS202",
        name: "authorizer-function-missing",
        severity: Some(Severity::Error),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if !functions_complete(ctx) {
        return;
    }
    for (_, authorizer) in ctx.service.authorizers() {
        let node = match &authorizer.form {
            AuthorizerForm::String if string_arn(ctx, authorizer).is_none() => authorizer.value,
            AuthorizerForm::Object {
                name: Some(name),
                arn,
                ..
            } if arn_is_truthy(ctx, *arn) == Some(false) => name.value,
            _ => continue,
        };
        // Other shapes are WS209's (invalid-authorizer-reference).
        let Some(value) = known_string(ctx, node).filter(|v| is_function_name(v)) else {
            continue;
        };
        if ctx.service.function(value).is_some() {
            continue;
        }
        out.push(diagnostic(ctx, node, value));
    }
}

fn diagnostic(ctx: &Context, node: NodeId, value: &str) -> Diagnostic {
    let functions: Vec<&str> = ctx
        .service
        .functions
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let mut diagnostic = Diagnostic::new(
        &RULE,
        ctx.yaml.range(node),
        format!(
            "authorizer `{value}` is not a function of this service: the framework fails with `Function \"{value}\" doesn't exist in this Service`",
            value = shown(value)
        ),
    );
    // A function deployed under that name (`name: auth`) is clearly the one meant.
    let by_deployed_name = ctx.service.functions.iter().find(|f| {
        ctx.yaml
            .get_value(f.node, "name")
            .and_then(|n| known_string(ctx, n))
            == Some(value)
    });
    let (suggestion, safe) = match by_deployed_name {
        Some(function) => {
            diagnostic = diagnostic.with_related(
                ctx.yaml.range(function.key),
                "the function deployed as this name",
            );
            (Some(function.name.as_str()), true)
        }
        None => match suggest(value, functions.iter().copied()) {
            Some(s) => (Some(s), clearly_meant(value, s, &functions)),
            None => (None, false),
        },
    };
    match suggestion {
        Some(suggestion) => {
            if let Some(edit) = replace_scalar(ctx, node, suggestion) {
                let message = format!("replace with `{suggestion}`");
                let fix = if safe {
                    Fix::safe(message, vec![edit])
                } else {
                    Fix::unsafe_(message, vec![edit])
                };
                diagnostic = diagnostic.with_fix(fix);
            } else {
                diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
            }
        }
        None => {
            diagnostic = diagnostic.with_help(
                "name a function under `functions` (its key), or give an authorizer deployed elsewhere as `arn:`",
            );
        }
    }
    diagnostic
}

/// The suggestion differs in case only, or it is a small edit away and no other function is.
fn clearly_meant(value: &str, suggestion: &str, functions: &[&str]) -> bool {
    if value.eq_ignore_ascii_case(suggestion) {
        return true;
    }
    let value = value.to_ascii_lowercase();
    let distance = |c: &str| strsim::osa_distance(&value, &c.to_ascii_lowercase());
    value.chars().count() >= 5
        && distance(suggestion) <= 2
        && functions
            .iter()
            .filter(|f| **f != suggestion)
            .all(|f| distance(f) > 3)
}
