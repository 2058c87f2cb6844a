use crate::diagnostics::{Diagnostic, Severity};
use crate::model::AuthorizerForm;
use crate::rules::{declare_rule, Context};
use crate::variables;
use crate::yaml::{Entry, ScalarValue, Yaml};

declare_rule! {
    /// ## What it does
    /// Reports an authorizer object that has neither `name:` nor `arn:` (only `identitySource`,
    /// say, or nothing at all), so nothing says which function authorizes the connection.
    ///
    /// ## Why is this bad?
    /// The framework's schema only warns about it ("unsupported configuration format"), and
    /// then packaging crashes while it names the authorizer resource:
    /// `TypeError: Cannot read properties of undefined (reading 'replace')`. A `name:` (a
    /// function of this service) or an `arn:` (a Lambda function elsewhere) is required.
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
    ///             identitySource:
    ///               - route.request.querystring.token
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
    ///               - route.request.querystring.token
    /// ```
    pub static RULE = {
        code: "WS213",
        name: "authorizer-without-function",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

/// `validate.js` tests `arn` and then `name` for truth: absent, `null` and `''` are false. A
/// value holding a variable may resolve to anything, so it counts as given.
fn is_given(yaml: &Yaml, entry: Option<Entry>) -> bool {
    let Some(entry) = entry else {
        return false;
    };
    match yaml.scalar_value(entry.value) {
        Some(ScalarValue::Null) => false,
        Some(ScalarValue::Str) => yaml
            .str(entry.value)
            .is_some_and(|s| !s.is_empty() || variables::has_variable(s)),
        _ => true,
    }
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for (_, authorizer) in ctx.service.authorizers() {
        let AuthorizerForm::Object { name, arn, .. } = &authorizer.form else {
            continue;
        };
        if is_given(yaml, *name) || is_given(yaml, *arn) {
            continue;
        }
        // A merge key whose value is not a mapping here (an include left unresolved) may
        // bring `name` or `arn`.
        let unknown_merge = yaml
            .own_entries(authorizer.value)
            .unwrap_or_default()
            .iter()
            .any(|e| {
                yaml.key_text(e.key) == Some("<<")
                    && !yaml.is_mapping(e.value)
                    && !yaml.is_sequence(e.value)
            });
        if unknown_merge {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                yaml.range(authorizer.key),
                "the authorizer has neither `name` nor `arn`: the framework's schema only warns, then packaging crashes with `TypeError: Cannot read properties of undefined (reading 'replace')`".to_string(),
            )
            .with_help("add `name:` with a function of this service, or `arn:` with a Lambda function ARN"),
        );
    }
}
