use crate::diagnostics::{Diagnostic, Severity};
use crate::model::AuthorizerForm;
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports `identitySource: []` in an authorizer.
    ///
    /// ## Why is this bad?
    /// An empty list is valid and the framework passes it on as it is (it does not fall back
    /// to `route.request.header.Auth`). API Gateway then requires no identity before calling
    /// the authorizer: it runs on every connection attempt, credentials or not, and must turn
    /// away anonymous clients itself. That is sometimes the intent (a token that may arrive in
    /// several places), but it also means every unauthenticated attempt costs a Lambda call.
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
    ///             identitySource: []
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
        code: "WS210",
        name: "empty-identity-source",
        severity: Some(Severity::Info),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for (_, authorizer) in ctx.service.authorizers() {
        let AuthorizerForm::Object {
            identity_source: Some(entry),
            ..
        } = &authorizer.form
        else {
            continue;
        };
        if !yaml
            .items(entry.value)
            .is_some_and(|items| items.is_empty())
        {
            continue;
        }
        out.push(Diagnostic::new(
            &RULE,
            yaml.range(entry.value),
            "empty `identitySource`: API Gateway requires no identity before calling the authorizer, so it runs on every connection attempt",
        ));
    }
}
