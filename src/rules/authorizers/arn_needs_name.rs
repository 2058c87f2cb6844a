use super::{describe_object, is_object_value};
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::AuthorizerForm;
use crate::rules::{declare_rule, Context};
use crate::yaml::ScalarValue;

declare_rule! {
    /// ## What it does
    /// Reports an authorizer whose `arn:` is a CloudFormation function (`Fn::ImportValue`,
    /// `Ref`, `Fn::GetAtt`, `Fn::Sub`, `!ImportValue`...) and that has no `name:`.
    ///
    /// ## Why is this bad?
    /// The framework names the authorizer resource after the last `:` segment of a string ARN.
    /// It cannot do that with a CloudFormation function, whose value is only known at deploy
    /// time, so it stops packaging with `Websocket Authorizer: Non-string "arn" needs to be
    /// accompanied with "name"`. Add `name:` (letters, digits, `-` and `_`).
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
    ///             arn:
    ///               Fn::ImportValue: auth-service-AuthorizerArn
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
    ///             name: sharedAuthorizer
    ///             arn:
    ///               Fn::ImportValue: auth-service-AuthorizerArn
    /// ```
    pub static RULE = {
        code: "WS203",
        name: "authorizer-arn-needs-name",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for (_, authorizer) in ctx.service.authorizers() {
        let AuthorizerForm::Object {
            name,
            arn: Some(arn),
            ..
        } = &authorizer.form
        else {
            continue;
        };
        if !is_object_value(yaml, arn.value) {
            continue;
        }
        // `name` counts when it is truthy; one holding a variable may be.
        let has_name = name.is_some_and(|n| match yaml.scalar_value(n.value) {
            Some(ScalarValue::Null) => false,
            Some(ScalarValue::Str) => yaml.str(n.value).is_some_and(|s| !s.is_empty()),
            _ => true,
        });
        if has_name {
            continue;
        }
        let what = match describe_object(yaml, arn.value) {
            Some(function) => format!("a CloudFormation function (`{function}`)"),
            None => "not a string".to_string(),
        };
        out.push(
            Diagnostic::new(
                &RULE,
                yaml.range(authorizer.key),
                format!(
                    "the authorizer's `arn` is {what} and there is no `name`: the framework fails with `Websocket Authorizer: Non-string \"arn\" needs to be accompanied with \"name\"`"
                ),
            )
            .with_related(yaml.range(arn.value), "the ARN, known only at deploy time")
            .with_help("add `name:` with a name for the authorizer (letters, digits, `-` and `_`)"),
        );
    }
}
