use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::rules::edits::known_str;
use crate::rules::{declare_rule, suggest, Context};
use crate::span::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a `$context.NAME` in the access log `format` of `provider.logs.websocket` that is
    /// not one of the variables API Gateway offers for WebSocket access logs, and suggests the
    /// nearest one. Any `$context.authorizer.NAME` is accepted, since a Lambda authorizer can
    /// return its own context properties.
    ///
    /// ## Why is this bad?
    /// Many variables of REST and HTTP APIs (`$context.httpMethod`, `$context.path`,
    /// `$context.responseLatency`...) do not exist for WebSocket APIs, and a misspelt one
    /// (`$context.identity.sourceIP`) does not either: the log field does not hold what its name
    /// promises. The framework passes the format on without looking at it.
    ///
    /// WebSocket variables include `connectionId`, `connectedAt`, `eventType`, `messageId`,
    /// `routeKey`, `requestId`, `extendedRequestId`, `status`, `requestTime`,
    /// `integrationLatency`, `identity.sourceIp`, `error.message` and `authorizer.principalId`.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   logs:
    ///     websocket:
    ///       fullExecutionData: false
    ///       format: '$context.requestId $context.httpMethod $context.routeKey'
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   logs:
    ///     websocket:
    ///       fullExecutionData: false
    ///       format: '$context.requestId $context.eventType $context.routeKey'
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS404",
        name: "unknown-context-variable",
        severity: Some(Severity::Info),
        fix: Sometimes,
        check: Some(check),
    };
}

/// The `$context` variables of WebSocket access logs (AWS's websocket-api-logging page, the
/// archived list plus the newer authorize, authorizer, authenticate and integration ones).
/// `authorizer.*` is open: custom authorizer context properties.
const WEBSOCKET_VARIABLES: &[&str] = &[
    "apiId",
    "authenticate.error",
    "authenticate.latency",
    "authenticate.status",
    "authorize.error",
    "authorize.latency",
    "authorize.status",
    "authorizer.error",
    "authorizer.integrationLatency",
    "authorizer.integrationStatus",
    "authorizer.latency",
    "authorizer.principalId",
    "authorizer.requestId",
    "authorizer.status",
    "connectedAt",
    "connectionId",
    "domainName",
    "error.message",
    "error.messageString",
    "error.responseType",
    "error.validationErrorString",
    "eventType",
    "extendedRequestId",
    "identity.accountId",
    "identity.apiKey",
    "identity.apiKeyId",
    "identity.caller",
    "identity.cognitoAuthenticationProvider",
    "identity.cognitoAuthenticationType",
    "identity.cognitoIdentityId",
    "identity.cognitoIdentityPoolId",
    "identity.principalOrgId",
    "identity.sourceIp",
    "identity.user",
    "identity.userAgent",
    "identity.userArn",
    "integration.error",
    "integration.integrationStatus",
    "integration.latency",
    "integration.requestId",
    "integration.status",
    "integrationLatency",
    "integrationStatus",
    "messageId",
    "requestId",
    "requestTime",
    "requestTimeEpoch",
    "routeKey",
    "stage",
    "status",
];

/// Variables of REST or HTTP API access logs that WebSocket APIs do not have: no suggestion for
/// them, a word on where they come from instead.
const OTHER_API_VARIABLES: &[&str] = &[
    "accountId",
    "awsEndpointRequestId",
    "customDomain.basePathMatched",
    "deploymentId",
    "domainPrefix",
    "httpMethod",
    "identity.accessKey",
    "identity.vpcId",
    "identity.vpceId",
    "isCanaryRequest",
    "path",
    "protocol",
    "resourceId",
    "resourcePath",
    "responseLatency",
    "responseLength",
    "wafResponseCode",
    "webaclArn",
    "xrayTraceId",
];

const OTHER_API_PREFIXES: &[&str] = &[
    "identity.clientCert.",
    "requestOverride.",
    "responseOverride.",
    "waf.",
    "customDomain.",
];

/// Every `$context.NAME` in `text`: the offset of its `$` and the name (`identity.sourceIp`).
pub(crate) fn context_variables(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.match_indices("$context.")
        .filter_map(move |(at, prefix)| {
            let start = at + prefix.len();
            let rest = &text[start..];
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let name = rest[..len].trim_end_matches('.');
            (!name.is_empty()).then_some((at, name))
        })
}

fn is_websocket_variable(name: &str) -> bool {
    WEBSOCKET_VARIABLES.contains(&name)
        || name
            .strip_prefix("authorizer.")
            .is_some_and(|p| !p.is_empty())
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(logs) = ctx.service.websocket_logs.as_ref() else {
        return;
    };
    let Some(entry) = logs.used_format(ctx.yaml, ctx.service.external_api().is_some()) else {
        return;
    };
    if known_str(ctx, entry.value).is_none() {
        return;
    }
    // Positions come from the text as written (quotes, escapes and folding never split a name).
    let node = ctx.yaml.resolve(entry.value);
    let range = ctx.yaml.range(node);
    let Some(written) = ctx.text.get(range.as_range()) else {
        return;
    };
    for (at, name) in context_variables(written) {
        if is_websocket_variable(name) {
            continue;
        }
        let start = range.start + at;
        let var_range = TextRange::new(start, start + "$context.".len() + name.len());
        let other_api = OTHER_API_VARIABLES.contains(&name)
            || OTHER_API_PREFIXES.iter().any(|p| name.starts_with(p));
        let group = format!("{name}.");
        if let Some(member) = WEBSOCKET_VARIABLES.iter().find(|v| v.starts_with(&group)) {
            out.push(Diagnostic::new(
                &RULE,
                var_range,
                format!("`$context.{name}` is a group of variables, not one: name a value in it, like `$context.{member}`"),
            ));
            continue;
        }
        let mut diagnostic = if other_api {
            Diagnostic::new(
                &RULE,
                var_range,
                format!("`$context.{name}` is a REST or HTTP API variable: WebSocket access logs do not have it"),
            )
        } else {
            Diagnostic::new(
                &RULE,
                var_range,
                format!("`$context.{name}` is not a WebSocket access log variable"),
            )
        };
        let suggestion = if other_api {
            None
        } else {
            suggest(name, WEBSOCKET_VARIABLES.iter().copied())
        };
        if let Some(suggestion) = suggestion {
            let edit = Edit::replace(var_range, format!("$context.{suggestion}"));
            let message = format!("replace with `$context.{suggestion}`");
            diagnostic = diagnostic.with_fix(if suggestion.eq_ignore_ascii_case(name) {
                Fix::safe(message, vec![edit])
            } else {
                Fix::unsafe_(message, vec![edit])
            });
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names() {
        let found: Vec<_> = context_variables(
            r#"{"id":"$context.requestId","ip":"$context.identity.sourceIp"} $context.status."#,
        )
        .map(|(_, n)| n)
        .collect();
        assert_eq!(found, ["requestId", "identity.sourceIp", "status"]);
        assert!(is_websocket_variable("authorizer.tenant"));
        assert!(!is_websocket_variable("authorizer"));
        assert!(!is_websocket_variable("httpMethod"));
        assert!(!is_websocket_variable("identity"));
    }

    #[test]
    fn suggests_near_names() {
        let names = || WEBSOCKET_VARIABLES.iter().copied();
        assert_eq!(
            suggest("identity.sourceIP", names()),
            Some("identity.sourceIp")
        );
        assert_eq!(suggest("conectionId", names()), Some("connectionId"));
        assert_eq!(suggest("requestid", names()), Some("requestId"));
    }
}
