use super::{
    arn_is_truthy, classify_arn, functions_complete, is_function_name, is_local_entry,
    is_object_value, known_string, string_arn, ArnKind,
};
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::model::AuthorizerForm;
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports an authorizer string, or an authorizer `name:`, that is neither an ARN
    /// (`arn:...`) nor a function name (letters, digits, `-` and `_`). The usual case is an ARN
    /// written under `name:`.
    ///
    /// ## Why is this bad?
    /// The framework's schema accepts only those two shapes and warns about anything else.
    /// What happens next depends on the value: a `name:` (or a string without `:`) is looked up
    /// as a function of this service, so an ARN there stops packaging with
    /// `Function "arn:aws:lambda:..." doesn't exist in this Service`; a string with a `:` is used
    /// as an ARN whatever it holds.
    ///
    /// The fix renames `name:` to `arn:` when its value is an ARN and the object has no `arn:`.
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
    ///           authorizer:
    ///             name: arn:aws:lambda:us-east-1:123456789012:function:auth
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
    ///           authorizer:
    ///             arn: arn:aws:lambda:us-east-1:123456789012:function:auth
    /// ```
    pub static RULE = {
        code: "WS209",
        name: "invalid-authorizer-reference",
        severity: Some(Severity::Error),
        fix: Sometimes,
        check: Some(check),
    };
}

const SHAPES: &str = "an ARN (`arn:...`) or a function name (letters, digits, `-` and `_`)";
const NEITHER: &str =
    "neither an ARN (`arn:...`) nor a function name (letters, digits, `-` and `_`)";

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    // "and no function has that name" only when every function is in this file.
    let complete = functions_complete(ctx);
    for (_, authorizer) in ctx.service.authorizers() {
        match &authorizer.form {
            AuthorizerForm::String => {
                let Some(value) = known_string(ctx, authorizer.value) else {
                    continue;
                };
                if value.starts_with("arn:") || is_function_name(value) {
                    continue;
                }
                let range = yaml.range(authorizer.value);
                let message = if value.is_empty() {
                    format!("the authorizer is an empty string: expected {SHAPES}")
                } else if value.contains(':') {
                    format!(
                        "authorizer `{value}` is {NEITHER}: the framework's schema rejects it, and because it holds `:` the framework uses it as an ARN",
                        value = shown(value)
                    )
                } else if complete && ctx.service.function(value).is_none() {
                    format!(
                        "authorizer `{value}` is {NEITHER}: the framework's schema rejects it, and no function has that name (`Function \"{value}\" doesn't exist in this Service`)",
                        value = shown(value)
                    )
                } else {
                    format!(
                        "authorizer `{value}` is {NEITHER}: the framework's schema rejects it",
                        value = shown(value)
                    )
                };
                out.push(Diagnostic::new(&RULE, range, message));
            }
            AuthorizerForm::Object {
                name: Some(name),
                arn,
                ..
            } => {
                // Beside a string `arn`, `name` is ignored (WS204 says so).
                if string_arn(ctx, authorizer).is_some() {
                    continue;
                }
                let Some(value) = known_string(ctx, name.value) else {
                    continue;
                };
                if is_function_name(value) {
                    continue;
                }
                let range = yaml.range(name.value);
                let looked_up = arn_is_truthy(ctx, *arn) == Some(false);
                if value.starts_with("arn:") {
                    let consequence = if looked_up {
                        format!(
                            "the framework looks for a function of that name and fails with `Function \"{value}\" doesn't exist in this Service`",
                            value = shown(value)
                        )
                    } else if arn.is_some_and(|a| is_object_value(yaml, a.value)) {
                        // Beside a non-string `arn`, `name` names the authorizer resource.
                        "the framework's schema rejects it, and the authorizer's logical id made from it is not valid in CloudFormation".to_string()
                    } else {
                        "the framework's schema rejects it".to_string()
                    };
                    let mut diagnostic = Diagnostic::new(
                        &RULE,
                        range,
                        format!("authorizer name `{value}` is an ARN: {consequence}; ARNs go under `arn`", value = shown(value)),
                    );
                    if !looked_up {
                        diagnostic = diagnostic.with_help(
                            "`arn` is already set: give the authorizer a plain name here (letters, digits, `-` and `_`)",
                        );
                    }
                    if arn.is_none() && is_local_entry(yaml, authorizer.value, *name) {
                        let key_text = yaml.key_text(name.key).unwrap_or_default();
                        let key_range = yaml.range(name.key);
                        // Only a plain `name` key is renamed in place.
                        if key_text == "name" && ctx.text.get(key_range.as_range()) == Some("name")
                        {
                            let edit = Edit::replace(key_range, "arn");
                            let message = "rename `name` to `arn`";
                            let is_lambda =
                                matches!(classify_arn(value), ArnKind::LambdaFunction { .. });
                            diagnostic = diagnostic.with_fix(if is_lambda {
                                Fix::safe(message, vec![edit])
                            } else {
                                Fix::unsafe_(message, vec![edit])
                            });
                        }
                    }
                    out.push(diagnostic);
                    continue;
                }
                let message = if value.is_empty() {
                    format!("the authorizer `name` is empty: expected {SHAPES}")
                } else {
                    format!(
                        "authorizer name `{value}` is not a function name (letters, digits, `-` and `_`): the framework's schema rejects it",
                        value = shown(value)
                    )
                };
                let mut diagnostic = Diagnostic::new(&RULE, range, message);
                if looked_up
                    && !value.is_empty()
                    && complete
                    && ctx.service.function(value).is_none()
                {
                    diagnostic = diagnostic.with_help(format!(
                        "no function has that name either: the framework fails with `Function \"{value}\" doesn't exist in this Service`",
                        value = shown(value)
                    ));
                }
                out.push(diagnostic);
            }
            _ => {}
        }
    }
}
