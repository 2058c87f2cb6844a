//! WS2xx: authorizers.
//!
//! The helpers below read an authorizer the way the framework's `websockets/lib/validate.js`
//! does: the string form is an ARN when it holds `:` and a function name otherwise; in the
//! object form a truthy `arn` wins over `name`, a non-string `arn` needs `name`, and a string
//! `arn` names the authorizer after its last `:` segment.

use super::Rule;
use crate::model::{Authorizer, AuthorizerForm};
use crate::rules::edits::known_str as known_string;
use crate::rules::Context;
use crate::variables;
use crate::yaml::{Entry, NodeId, ScalarValue, Yaml};

mod arn_needs_name;
mod arn_qualifier;
mod authorizer_count_limit;
mod authorizer_function_missing;
mod authorizer_not_lambda;
mod authorizer_not_on_connect;
mod authorizer_without_function;
mod empty_identity_source;
mod header_identity_source;
mod identity_source_misplaced;
mod invalid_authorizer_reference;
mod invalid_identity_source;
mod name_ignored;

pub(super) static RULES: &[&Rule] = &[
    &authorizer_not_on_connect::RULE,
    &authorizer_function_missing::RULE,
    &arn_needs_name::RULE,
    &name_ignored::RULE,
    &arn_qualifier::RULE,
    &authorizer_not_lambda::RULE,
    &invalid_identity_source::RULE,
    &identity_source_misplaced::RULE,
    &invalid_authorizer_reference::RULE,
    &empty_identity_source::RULE,
    &authorizer_count_limit::RULE,
    &header_identity_source::RULE,
    &authorizer_without_function::RULE,
];

/// The identity source the framework uses when none is given (and always for the string form).
const DEFAULT_IDENTITY_SOURCE: &str = "route.request.header.Auth";

/// Like [`known_string`], but variables are allowed inside the text. `None` when the value is
/// exactly one variable, which may resolve to anything, even a mapping.
fn plain_string<'a>(ctx: &'a Context, node: NodeId) -> Option<&'a str> {
    match ctx.yaml.scalar_value(node)? {
        ScalarValue::Str | ScalarValue::Int | ScalarValue::Float | ScalarValue::Bool(_) => {}
        ScalarValue::Null | ScalarValue::Tagged | ScalarValue::Timestamp => return None,
    }
    let text = ctx.yaml.str(node)?;
    if is_single_variable(text) {
        return None;
    }
    Some(text)
}

/// `${...}` and nothing else.
fn is_single_variable(text: &str) -> bool {
    text.starts_with("${")
        && text.ends_with('}')
        && variables::has_variable(text)
        && atomic_end(text, 0) == Some(text.len())
}

/// The functionName pattern of the framework's schema, `^[a-zA-Z0-9-_]+$`.
fn is_function_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// False when some functions may come from elsewhere (`functions: ${file(fns.yml)}`, or a list
/// item that is not a mapping): then "no such function" cannot be told.
fn functions_complete(ctx: &Context) -> bool {
    let yaml = ctx.yaml;
    let Some(root) = ctx.service.root else {
        return false;
    };
    let Some(functions) = yaml.get_value(root, "functions") else {
        return false;
    };
    let mappings: Vec<NodeId> = match yaml.items(functions) {
        Some(items) => items.to_vec(),
        None => vec![functions],
    };
    mappings
        .iter()
        .all(|&m| yaml.is_mapping(m) && merges_resolve(yaml, m, 0))
}

/// Every `<<` of the mapping (and of what it merges) points at mappings we can read.
fn merges_resolve(yaml: &Yaml, map: NodeId, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let Some(own) = yaml.own_entries(map) else {
        return false;
    };
    own.iter()
        .filter(|e| {
            yaml.key_text(e.key) == Some("<<")
                && yaml.tag(e.key).is_none()
                && yaml.scalar(e.key).is_some_and(|s| !s.style.is_quoted())
        })
        .all(|e| {
            let targets: Vec<NodeId> = match yaml.items(e.value) {
                Some(items) => items.to_vec(),
                None => vec![e.value],
            };
            targets
                .iter()
                .all(|&t| yaml.is_mapping(t) && merges_resolve(yaml, yaml.resolve(t), depth + 1))
        })
}

/// What the framework's YAML loader makes an object (`_.isObject`): a mapping, a sequence, or a
/// CloudFormation short form (`!ImportValue x`, `!GetAtt a.b`), which its CloudFormation schema
/// turns into `{"Fn::ImportValue": "x"}`.
fn is_object_value(yaml: &Yaml, node: NodeId) -> bool {
    let resolved = yaml.resolve(node);
    if yaml.is_mapping(resolved) || yaml.is_sequence(resolved) {
        return true;
    }
    yaml.scalar_value(resolved) == Some(ScalarValue::Tagged)
}

/// `Fn::ImportValue`, `!Ref`...: how the user wrote a CloudFormation function, for messages.
fn describe_object(yaml: &Yaml, node: NodeId) -> Option<String> {
    let resolved = yaml.resolve(node);
    if let Some(tag) = yaml.tag(resolved) {
        if !tag.starts_with("!!") {
            return Some(tag.to_string());
        }
    }
    let own = yaml.own_entries(resolved)?;
    let [entry] = own else {
        return None;
    };
    let key = yaml.key_text(entry.key)?;
    (key == "Ref" || key.starts_with("Fn::")).then(|| key.to_string())
}

/// An entry written in `map` itself (not merged in from an anchor, and `map` not an alias), so
/// that editing its lines changes this authorizer only.
fn is_local_entry(yaml: &Yaml, map: NodeId, entry: Entry) -> bool {
    !yaml.is_alias(map)
        && yaml
            .own_entries(map)
            .is_some_and(|own| own.contains(&entry))
}

/// One `:`-separated segment of an ARN. `${...}` and `#{...}` are kept whole, so
/// `#{AWS::AccountId}` is one segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment<'a> {
    text: &'a str,
    /// Holds a Serverless variable: unknown until deploy time.
    variable: bool,
}

fn arn_segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        match bytes[i] {
            b'$' | b'#' if bytes.get(i + 1) == Some(&b'{') => {
                i = atomic_end(text, i).unwrap_or(bytes.len());
                continue;
            }
            b':' => {
                out.push(segment(&text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(segment(&text[start..]));
    out
}

fn segment(text: &str) -> Segment<'_> {
    Segment {
        text,
        // CloudFormation's `${AWS::Region}` and the pseudo-parameters plugin's
        // `#{AWS::AccountId}` are plain text to the framework, but their value is not known here.
        variable: variables::has_variable(text) || text.contains("${") || text.contains("#{"),
    }
}

/// A whole `${...}` or `#{...}`.
fn is_single_placeholder(text: &str) -> bool {
    (text.starts_with("${") || text.starts_with("#{")) && atomic_end(text, 0) == Some(text.len())
}

/// The end (exclusive) of the `${...}`/`#{...}` starting at `start`, braces balanced.
fn atomic_end(text: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.get(start..)?.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(start + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// What an `arn:` string names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ArnKind<'a> {
    /// `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`; the
    /// qualifier when there is one and it is known.
    LambdaFunction { qualifier: Option<&'a str> },
    /// Another service (`cognito-idp`...).
    OtherService { service: &'a str },
    /// A Lambda ARN that names no function (a layer, or too few or too many segments).
    NotAFunction,
    /// Not an ARN at all (does not start with `arn:`).
    NotArn,
    /// Variables hide the parts that matter.
    Unknown,
}

/// Classifies an ARN. Placeholders (`${aws:region}`, `#{AWS::AccountId}`) may stand for any
/// text, `:` included, so they are used only to confirm a Lambda function ARN, never to condemn
/// one: a placeholder that makes up the whole region or account segment is taken as that
/// segment when the rest fits the layout. Only a partition placeholder counts as the partition
/// when judging the service.
fn classify_arn(text: &str) -> ArnKind<'_> {
    let segments = arn_segments(text);
    let is_partition = |s: &Segment| {
        is_single_placeholder(s.text) && s.text.to_ascii_lowercase().contains("partition")
    };
    // Plain text, or a placeholder standing for exactly the segment at `i`.
    let plain = |i: usize| {
        segments
            .get(i)
            .is_some_and(|s| !s.variable || (i == 1 && is_partition(s)))
    };
    let assumed = |i: usize| {
        segments
            .get(i)
            .is_some_and(|s| plain(i) || (matches!(i, 3 | 4) && is_single_placeholder(s.text)))
    };
    let Some(first) = segments.first() else {
        return ArnKind::Unknown;
    };
    if !plain(0) {
        return ArnKind::Unknown;
    }
    if first.text != "arn" {
        return ArnKind::NotArn;
    }
    let all_plain = (0..segments.len()).all(plain);
    let Some(service) = segments.get(2) else {
        return if all_plain {
            ArnKind::NotAFunction
        } else {
            ArnKind::Unknown
        };
    };
    if !(plain(1) && plain(2)) {
        return ArnKind::Unknown;
    }
    if service.text != "lambda" {
        return ArnKind::OtherService {
            service: service.text,
        };
    }
    let fits = (0..segments.len()).all(assumed)
        && segments.get(5).map(|s| s.text) == Some("function")
        && matches!(segments.len(), 7 | 8);
    if fits {
        return ArnKind::LambdaFunction {
            qualifier: segments.get(7).map(|s| s.text),
        };
    }
    if all_plain {
        ArnKind::NotAFunction
    } else {
        ArnKind::Unknown
    }
}

/// The name the framework takes from a string ARN: its last `:` segment, when known.
fn name_from_arn(text: &str) -> Option<&str> {
    let last = arn_segments(text).pop()?;
    if last.variable || last.text.contains(':') || last.text.is_empty() {
        return None;
    }
    Some(last.text)
}

/// The ARN of an authorizer given as a string: the string form holding `:`, or a non-empty
/// string `arn:` (whatever it holds: the framework uses it as an ARN). Returns the node and its
/// text, which may hold variables in some segments.
fn string_arn<'a>(ctx: &'a Context, authorizer: &Authorizer) -> Option<(NodeId, &'a str)> {
    match &authorizer.form {
        AuthorizerForm::String => {
            let text = plain_string(ctx, authorizer.value)?;
            // The string form is an ARN when it holds `:`; a variable may hide one.
            let is_arn =
                text.starts_with("arn:") || (!variables::has_variable(text) && text.contains(':'));
            is_arn.then_some((authorizer.value, text))
        }
        AuthorizerForm::Object { arn: Some(arn), .. } => {
            let text = plain_string(ctx, arn.value)?;
            (!text.is_empty()).then_some((arn.value, text))
        }
        _ => None,
    }
}

/// True when the object form's `arn` is truthy: the framework then ignores `name` (string ARN)
/// or uses it as given (non-string ARN), and never looks a function up. `None`: unknown.
fn arn_is_truthy(ctx: &Context, arn: Option<Entry>) -> Option<bool> {
    let Some(arn) = arn else {
        return Some(false);
    };
    let yaml = ctx.yaml;
    if is_object_value(yaml, arn.value) {
        return Some(true);
    }
    match yaml.scalar_value(arn.value)? {
        ScalarValue::Null => Some(false),
        ScalarValue::Bool(b) => Some(b),
        _ => {
            let text = yaml.str(arn.value)?;
            if variables::has_variable(text) {
                None
            } else {
                Some(!text.is_empty())
            }
        }
    }
}

/// The name the framework gives an authorizer, when it is known.
fn authorizer_name(ctx: &Context, authorizer: &Authorizer) -> Option<String> {
    if let Some((_, arn)) = string_arn(ctx, authorizer) {
        return name_from_arn(arn).map(str::to_string);
    }
    let name = match &authorizer.form {
        AuthorizerForm::String => authorizer.value,
        AuthorizerForm::Object { name, arn, .. } => {
            match arn_is_truthy(ctx, *arn) {
                Some(false) => {}
                // A non-string `arn` takes `name` as given.
                Some(true) if arn.is_some_and(|a| is_object_value(ctx.yaml, a.value)) => {}
                _ => return None,
            }
            name.as_ref()?.value
        }
        AuthorizerForm::Other => return None,
    };
    known_string(ctx, name)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// The framework's `normalizedFn`: the part of the logical id that tells authorizers apart.
fn normalized_name(name: &str) -> String {
    crate::model::generated::normalized_function(name)
}

/// The identity sources of an authorizer object: the items of a list, or a single scalar that
/// the framework's schema coerces into a list. Each with its known text (`None`: a variable).
fn identity_sources<'a>(ctx: &'a Context, value: NodeId) -> Vec<(NodeId, Option<&'a str>)> {
    let yaml = ctx.yaml;
    let nodes: Vec<NodeId> = match yaml.items(value) {
        Some(items) => items.to_vec(),
        None => vec![value],
    };
    nodes
        .into_iter()
        .filter(|&n| {
            matches!(
                yaml.scalar_value(n),
                Some(
                    ScalarValue::Str | ScalarValue::Int | ScalarValue::Float | ScalarValue::Bool(_)
                )
            )
        })
        .map(|n| (n, known_string(ctx, n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_arns() {
        use ArnKind::*;
        let lambda = "arn:aws:lambda:us-east-1:123456789012:function:auth";
        assert_eq!(classify_arn(lambda), LambdaFunction { qualifier: None });
        assert_eq!(
            classify_arn(&format!("{lambda}:prod")),
            LambdaFunction {
                qualifier: Some("prod")
            }
        );
        assert_eq!(
            classify_arn("arn:aws:lambda:#{AWS::Region}:#{AWS::AccountId}:function:auth"),
            LambdaFunction { qualifier: None }
        );
        assert_eq!(
            classify_arn(
                "arn:${aws:partition}:lambda:${aws:region}:${aws:accountId}:function:auth:live"
            ),
            LambdaFunction {
                qualifier: Some("live")
            }
        );
        assert_eq!(
            classify_arn("arn:aws:lambda:${self:custom.where}:function:auth"),
            Unknown
        );
        assert_eq!(
            classify_arn("arn:aws:lambda:us-east-1:1:function:${self:custom.fn}"),
            Unknown
        );
        assert_eq!(
            classify_arn("arn:aws:cognito-idp:us-east-1:1:userpool/us-east-1_abc"),
            OtherService {
                service: "cognito-idp"
            }
        );
        assert_eq!(
            classify_arn("arn:aws:${self:custom.service}:us-east-1:1:function:x"),
            Unknown
        );
        assert_eq!(
            classify_arn("arn:aws:lambda:us-east-1:1:layer:x:3"),
            NotAFunction
        );
        assert_eq!(
            classify_arn("arn:aws:lambda:${aws:region}:1:layer:x:3"),
            Unknown
        );
        assert_eq!(
            classify_arn("arn:${self:custom.prefix}:cognito-idp:r:1:userpool/x"),
            Unknown
        );
        assert_eq!(
            classify_arn("arn:${aws:partition}:cognito-idp:r:1:userpool/x"),
            OtherService {
                service: "cognito-idp"
            }
        );
        assert_eq!(
            classify_arn("arn:aws:lambda:us-east-1:1:auth"),
            NotAFunction
        );
        assert_eq!(classify_arn("my-function"), NotArn);
        assert_eq!(classify_arn("${self:custom.authArn}"), Unknown);
    }

    #[test]
    fn names_come_from_the_last_segment() {
        assert_eq!(
            name_from_arn("arn:aws:lambda:r:1:function:auth:prod"),
            Some("prod")
        );
        assert_eq!(
            name_from_arn("arn:aws:lambda:r:1:function:${sls:stage}"),
            None
        );
        assert_eq!(normalized_name("my-auth_fn"), "MyDashauthUnderscorefn");
    }

    #[test]
    fn function_name_pattern() {
        assert!(is_function_name("auth-Fn_2"));
        assert!(!is_function_name("my.auth"));
        assert!(!is_function_name(""));
    }

    use crate::config::{RuleLevel, Settings};
    use crate::diagnostics::{apply_fixes, Diagnostic, Severity};

    fn settings() -> Settings {
        let mut settings = Settings::default();
        settings
            .levels
            .insert("WS212", RuleLevel::On(Severity::Warning));
        settings
    }

    fn lint(text: &str, code: &str) -> Vec<Diagnostic> {
        crate::analyze(text, "serverless.yml", &settings())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == code)
            .collect()
    }

    /// `(text under the range, message)` of each diagnostic of `code`.
    fn found(text: &str, code: &str) -> Vec<(String, String)> {
        lint(text, code)
            .into_iter()
            .map(|d| (text[d.range.as_range()].to_string(), d.message))
            .collect()
    }

    fn fixed(text: &str, code: &str, include_unsafe: bool) -> String {
        apply_fixes(text, &lint(text, code), include_unsafe).text
    }

    const HEAD: &str = "service: chat\nprovider:\n  name: aws\n";

    #[test]
    fn no_missing_function_when_functions_come_from_elsewhere() {
        let text = format!(
            "{HEAD}functions:\n  - ${{file(./more.yml):functions}}\n  - connect:\n      handler: h.connect\n      events:\n        - websocket:\n            route: $connect\n            authorizer: auth\n"
        );
        assert!(found(&text, "WS202").is_empty());
    }

    #[test]
    fn a_single_identity_source_string_is_checked() {
        let text = format!(
            "{HEAD}functions:\n  auth:\n    handler: h.auth\n  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer:\n            name: auth\n            identitySource: $request.querystring.token\n"
        );
        let hits = found(&text, "WS207");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].0, "$request.querystring.token");
        assert!(fixed(&text, "WS207", false)
            .contains("identitySource: route.request.querystring.token\n"));
        let valid = text.replace("$request", "route.request");
        assert!(found(&valid, "WS207").is_empty());
        assert!(found(&valid, "WS212").is_empty());
    }

    #[test]
    fn the_default_identity_source_is_a_header() {
        let text = format!(
            "{HEAD}functions:\n  auth:\n    handler: h.auth\n  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer:\n            name: auth\n"
        );
        assert_eq!(found(&text, "WS212")[0].0, "authorizer");
        let empty = text.replace(
            "name: auth\n",
            "name: auth\n            identitySource: []\n",
        );
        assert!(found(&empty, "WS212").is_empty());
        assert_eq!(found(&empty, "WS210")[0].0, "[]");
    }

    #[test]
    fn anchors_and_merge_keys_are_followed() {
        let text = format!(
            "{HEAD}custom:\n  auth: &auth\n    name: verifyToken\n  external: &external\n    arn: !ImportValue shared-AuthorizerArn\nfunctions:\n  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer: *auth\n      - websocket:\n          route: $default\n          authorizer: *auth\n      - websocket:\n          route: join\n          authorizer:\n            <<: *external\n"
        );
        let missing = found(&text, "WS202");
        assert_eq!(
            missing.len(),
            1,
            "reported once, at the anchor: {missing:?}"
        );
        assert_eq!(missing[0].0, "verifyToken");
        assert_eq!(found(&text, "WS203")[0].0, "authorizer");
    }

    #[test]
    fn moves_a_misplaced_identity_source_into_the_authorizer() {
        let text = format!(
            "{HEAD}functions:\n  auth:\n    handler: h.auth\n  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          identitySource:\n            - route.request.querystring.token\n          authorizer: auth # the authorizer\n"
        );
        let want = format!(
            "{HEAD}functions:\n  auth:\n    handler: h.auth\n  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer:\n            name: auth # the authorizer\n            identitySource:\n              - route.request.querystring.token\n"
        );
        assert_eq!(fixed(&text, "WS208", false), text, "the fix is unsafe");
        assert_eq!(fixed(&text, "WS208", true), want);
        // An ARN goes under `arn`.
        let arn = text.replace(
            "authorizer: auth",
            "authorizer: arn:aws:lambda:us-east-1:1:function:auth",
        );
        assert!(fixed(&arn, "WS208", true).contains(
            "            arn: arn:aws:lambda:us-east-1:1:function:auth # the authorizer\n"
        ));
        // The object form: the list goes in after its last entry.
        let object = format!(
            "{HEAD}functions:\n  auth:\n    handler: h.auth\n  connect:\n    handler: h.connect\n    events:\n    - websocket:\n        route: $connect\n        authorizer:\n            name: auth\n        identitySource: [route.request.querystring.token, 'route.request.header.X']\n"
        );
        let want = format!(
            "{HEAD}functions:\n  auth:\n    handler: h.auth\n  connect:\n    handler: h.connect\n    events:\n    - websocket:\n        route: $connect\n        authorizer:\n            name: auth\n            identitySource:\n                - route.request.querystring.token\n                - 'route.request.header.X'\n"
        );
        assert_eq!(fixed(&object, "WS208", true), want);
        // A comment inside the list would be lost: no fix.
        let commented = text.replace(
            "            - route.request.querystring.token\n",
            "            # clients send it here\n            - route.request.querystring.token\n",
        );
        assert!(lint(&commented, "WS208")[0].fix.is_none());
        // Comments at the end of the moved lines travel with them.
        let trailing = text
            .replace(
                "identitySource:\n",
                "identitySource: # where clients put it\n",
            )
            .replace("querystring.token\n", "querystring.token # the JWT\n");
        assert!(fixed(&trailing, "WS208", true).ends_with(
            "            name: auth # the authorizer\n            identitySource: # where clients put it\n              - route.request.querystring.token # the JWT\n"
        ));
        // Flow style and anchors are left alone.
        let flow = object.replace(
            "        authorizer:\n            name: auth\n",
            "        authorizer: {name: auth}\n",
        );
        assert!(lint(&flow, "WS208")[0].fix.is_none());
    }

    #[test]
    fn renames_an_arn_under_name() {
        let text = format!(
            "{HEAD}functions:\n  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer:\n            name: arn:aws:lambda:us-east-1:1:function:auth\n"
        );
        assert!(fixed(&text, "WS209", false)
            .contains("            arn: arn:aws:lambda:us-east-1:1:function:auth\n"));
        assert!(found(&text, "WS202").is_empty());
    }

    #[test]
    fn removes_an_ignored_name() {
        let text = format!(
            "{HEAD}functions:\n  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer:\n            name: shared # ignored\n            arn: arn:aws:lambda:us-east-1:1:function:auth\n"
        );
        let want = text.replace("            name: shared # ignored\n", "");
        assert_eq!(fixed(&text, "WS204", false), want);
    }

    #[test]
    fn suggestions_are_safe_only_when_clearly_meant() {
        let text = format!(
            "{HEAD}functions:\n  authorizer:\n    handler: h.auth\n  authorize:\n    handler: h.auth\n  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer: authorizr\n"
        );
        let diagnostics = lint(&text, "WS202");
        let fix = diagnostics[0].fix.as_ref().expect("a suggestion");
        assert!(!fix.safe, "two functions are close: {fix:?}");
        let case = text.replace("authorizer: authorizr", "authorizer: Authorize");
        let diagnostics = lint(&case, "WS202");
        assert!(diagnostics[0].fix.as_ref().is_some_and(|f| f.safe));
    }

    #[test]
    fn latest_is_an_error_unless_configured() {
        let text = format!(
            "{HEAD}functions:\n  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer: arn:aws:lambda:us-east-1:1:function:auth:$LATEST\n"
        );
        assert_eq!(lint(&text, "WS205")[0].severity, Severity::Error);
        let mut configured = settings();
        configured
            .levels
            .insert("WS205", RuleLevel::On(Severity::Warning));
        let analysis = crate::analyze(&text, "serverless.yml", &configured);
        let d = analysis.diagnostics.iter().find(|d| d.code == "WS205");
        assert_eq!(d.map(|d| d.severity), Some(Severity::Warning));
    }
}
