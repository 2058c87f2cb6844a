use super::{arn_segments, classify_arn, normalized_name, string_arn, ArnKind};
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports an authorizer ARN, given as a string, that ends in a Lambda alias or version
    /// (`arn:aws:lambda:...:function:auth:prod`, `...:function:auth:3`). `$LATEST` is reported
    /// as an error.
    ///
    /// ## Why is this bad?
    /// The framework names the authorizer after the ARN's last `:` segment, so this authorizer
    /// is called `prod` (or `3`), not `auth`: its resource is `ProdWebsocketsAuthorizer`, and
    /// two services' functions with the same alias end up as one authorizer resource. With
    /// `$LATEST` the logical id is `$LATESTWebsocketsAuthorizer`, which CloudFormation refuses
    /// (logical ids are alphanumeric).
    ///
    /// To call an alias and still choose the name, give `arn` as a CloudFormation function
    /// (`!Sub arn:aws:lambda:...:function:auth:prod`) together with `name: auth`: the framework
    /// takes `name` as given then.
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
    ///           authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth:prod
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
    ///             name: auth
    ///             arn: !Sub arn:aws:lambda:us-east-1:123456789012:function:auth:prod
    /// ```
    pub static RULE = {
        code: "WS205",
        name: "authorizer-arn-qualifier",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for (_, authorizer) in ctx.service.authorizers() {
        let Some((node, arn)) = string_arn(ctx, authorizer) else {
            continue;
        };
        let ArnKind::LambdaFunction {
            qualifier: Some(qualifier),
        } = classify_arn(arn)
        else {
            continue;
        };
        let range = ctx.yaml.range(node);
        let help = "to call the alias and still choose the name, give `arn` as a CloudFormation function (`!Sub ...`) with `name:`";
        let diagnostic = if qualifier == "$LATEST" {
            Diagnostic::new(
                &RULE,
                range,
                format!(
                    "the ARN ends in `$LATEST`: the framework names the authorizer `$LATEST`, after the ARN's last `:` segment, and its logical id `{}WebsocketsAuthorizer` is not valid in CloudFormation",
                    normalized_name(qualifier)
                ),
            )
            .with_severity(Severity::Error)
            .with_help("drop `:$LATEST`: the unqualified ARN already calls the latest version")
        } else {
            let what = if qualifier.chars().all(|c| c.is_ascii_digit()) {
                "version"
            } else {
                "alias"
            };
            // The function's own name, when it is plain text.
            let function = arn_segments(arn)
                .get(6)
                .filter(|s| !s.variable)
                .map_or(String::new(), |s| format!(" `{}`", s.text));
            Diagnostic::new(
                &RULE,
                range,
                format!(
                    "the ARN ends in the {what} `{qualifier}`: the framework names the authorizer `{qualifier}`, after the ARN's last `:` segment, not after the function{function}"
                ),
            )
            .with_help(help)
        };
        out.push(diagnostic);
    }
}
