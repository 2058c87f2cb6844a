use super::{classify_arn, string_arn, ArnKind};
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{Authorizer, AuthorizerForm};
use crate::rules::{declare_rule, Context};
use crate::variables;
use crate::yaml::{NodeId, ScalarValue};

declare_rule! {
    /// ## What it does
    /// Reports an authorizer ARN that is not a Lambda function ARN
    /// (`arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`), for example a Cognito user pool,
    /// and an `arn:` that holds no ARN at all.
    ///
    /// ## Why is this bad?
    /// WebSocket APIs take only Lambda `REQUEST` authorizers. The framework wraps whatever ARN
    /// it is given into a Lambda invocation URI (`...:lambda:path/2015-03-31/functions/<ARN>/invocations`)
    /// and grants it `lambda:InvokeFunction`, so a user pool, a layer or a plain name gives an
    /// authorizer that cannot work, and the deploy fails or every connection is refused. To use
    /// Cognito, verify its tokens inside a Lambda authorizer function.
    ///
    /// Only the parts of the ARN that are known are judged: a Serverless variable or a
    /// `#{AWS::AccountId}` placeholder in the region or account is fine.
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
    ///             arn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   auth:
    ///     handler: handler.verifyCognitoToken
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
        code: "WS206",
        name: "authorizer-not-lambda",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for (_, authorizer) in ctx.service.authorizers() {
        let Some((node, arn)) = arn_text(ctx, authorizer) else {
            continue;
        };
        let range = ctx.yaml.range(node);
        let shown = shorten(arn);
        let diagnostic = match classify_arn(arn) {
            ArnKind::OtherService { service } => {
                let diagnostic = Diagnostic::new(
                    &RULE,
                    range,
                    format!(
                        "`{shown}` is not a Lambda function ARN (its service is `{service}`): WebSocket APIs take only Lambda authorizers"
                    ),
                );
                if service == "cognito-idp" {
                    diagnostic.with_help(
                        "verify the Cognito token inside a Lambda authorizer function, and give that function here",
                    )
                } else {
                    diagnostic
                }
            }
            ArnKind::NotAFunction => Diagnostic::new(
                &RULE,
                range,
                format!(
                    "`{shown}` is not a Lambda function ARN: expected `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`"
                ),
            ),
            // The string form without `arn:` is WS209's (invalid-authorizer-reference).
            ArnKind::NotArn if !matches!(authorizer.form, AuthorizerForm::String) => {
                let diagnostic = Diagnostic::new(
                    &RULE,
                    range,
                    format!(
                        "`{shown}` under `arn` is not an ARN: expected `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`"
                    ),
                );
                if ctx.service.function(arn).is_some() {
                    diagnostic.with_help(format!(
                        "`{arn}` is a function of this service: give it as `name: {arn}` instead",
                        arn = crate::diagnostics::shown(arn)
                    ))
                } else {
                    diagnostic
                }
            }
            _ => continue,
        };
        out.push(diagnostic);
    }
}

/// The ARN as text: a string ARN, or the template of `Fn::Sub`/`!Sub` when it starts with
/// `arn:` (its `${...}` are CloudFormation's and count as unknown).
fn arn_text<'a>(ctx: &'a Context, authorizer: &Authorizer) -> Option<(NodeId, &'a str)> {
    if let Some(found) = string_arn(ctx, authorizer) {
        return Some(found);
    }
    let AuthorizerForm::Object { arn: Some(arn), .. } = &authorizer.form else {
        return None;
    };
    let yaml = ctx.yaml;
    let value = yaml.resolve(arn.value);
    let template = if yaml.tag(value) == Some("!Sub") {
        value
    } else {
        yaml.get_value(value, "Fn::Sub")
            .filter(|_| yaml.own_entries(value).is_some_and(|own| own.len() == 1))?
    };
    // `Fn::Sub: [template, {vars}]`.
    let template = yaml
        .items(template)
        .and_then(|items| items.first().copied())
        .unwrap_or(template);
    if !matches!(
        yaml.scalar_value(template),
        Some(ScalarValue::Str | ScalarValue::Tagged)
    ) {
        return None;
    }
    let text = yaml.str(template)?;
    (text.starts_with("arn:") && !variables::has_variable(text)).then_some((template, text))
}

/// Long ARNs are cut in the middle of the message; the range shows the whole.
fn shorten(arn: &str) -> String {
    if arn.chars().count() <= 80 {
        return shown(arn).into_owned();
    }
    let head: String = arn.chars().take(60).collect();
    format!("{}...", shown(&head))
}
