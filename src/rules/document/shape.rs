//! The walk over the websocket parts of a service against the framework's schema (the table in
//! `model::schema`; the fixes it offers are built in `rules::edits`), done once for the three
//! shape rules: unknown keys (WS003), values of a type the framework cannot take
//! even after AJV's `coerceTypes: 'array'` (WS004), and values it takes only through that
//! coercion (WS005). Each rule runs the walk and keeps its own findings.
//!
//! What AJV does with `coerceTypes: 'array'` (checked with ajv 8 and the framework's schema):
//! - to a string: numbers and booleans become their JavaScript text (`123` → `"123"`);
//! - to a boolean: `"true"`/`"false"` and `1`/`0` only (`"yes"`, `"TRUE"`, `2` are rejected);
//! - to an array: a scalar becomes a one-item list;
//! - to a scalar: a one-item list is unwrapped when its item then fits. Where the schema has an
//!   `anyOf` whose first branch is a scalar type (the `websocket` value, `authorizer`,
//!   `arn`, `logs.websocket`), a one-item list holding a mapping passes validation (AJV
//!   unwraps it into a local variable and the object branch checks that) while the data itself
//!   stays a list: the compiler then reads the list and finds no `route`, `name` or settings.
//! - nothing for `enum` (`level`) and `const` (`routeResponseSelectionExpression`), and nothing
//!   to an object.
//!
//! Null values are removed before validation, so they are "missing", never a wrong type.

use crate::diagnostics::shown;
use rustc_hash::FxHashSet;

use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::model::coerce;
use crate::model::schema::{self, SchemaKey, ValueType, HTTP_EVENT_KEYS};
use crate::rules::edits::{quote_scalar, rename_key, unwrap_one_item_list, wrap_in_list};
use crate::rules::{suggest, Context, Rule};
use crate::span::TextRange;
use crate::variables::has_variable_for;
use crate::yaml::{Entry, NodeId, NodeKind, ScalarStyle, ScalarValue, YamlErrorKind};

use super::{coerced_type, unknown_key, wrong_type};

/// What a value is to the framework once js-yaml has loaded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Number,
    Str,
    /// Holds a Serverless variable, or a tag we cannot judge (`!!binary`): stay silent.
    Unknown,
    Mapping,
    Sequence,
    /// `!Ref x`, `!GetAtt a.b`...: the framework's loader turns it into a one-key mapping.
    CfFunction,
}

pub(crate) fn kind(ctx: &Context, node: NodeId) -> Kind {
    let yaml = ctx.yaml;
    let id = yaml.resolve(node);
    let n = yaml.node(id);
    if let Some(tag) = yaml.tag(id) {
        if tag == "!!str" {
            return match yaml.str(id) {
                Some(s) if !has_variable_for(s, ctx.service.framework_major) => Kind::Str,
                _ => Kind::Unknown,
            };
        }
        if tag.starts_with('!') && !tag.starts_with("!!") && !tag.starts_with("!<") {
            return Kind::CfFunction;
        }
        return Kind::Unknown;
    }
    match &n.kind {
        NodeKind::Mapping { .. } => Kind::Mapping,
        NodeKind::Sequence { .. } => Kind::Sequence,
        NodeKind::Alias { .. } => Kind::Unknown,
        NodeKind::Scalar(scalar) => match yaml.scalar_value(id) {
            Some(ScalarValue::Null) => Kind::Null,
            Some(ScalarValue::Bool(b)) => Kind::Bool(b),
            Some(ScalarValue::Int | ScalarValue::Float) => Kind::Number,
            Some(ScalarValue::Str)
                if !has_variable_for(&scalar.value, ctx.service.framework_major) =>
            {
                Kind::Str
            }
            _ => Kind::Unknown,
        },
    }
}

/// How a value of this kind is named in messages.
fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Null => "null",
        Kind::Bool(_) => "a boolean",
        Kind::Number => "a number",
        Kind::Str => "a string",
        Kind::Unknown => "a value",
        Kind::Mapping => "a mapping",
        Kind::Sequence => "a list",
        Kind::CfFunction => "a CloudFormation function",
    }
}

/// The string AJV makes of a number or boolean (JavaScript's `"" + value`).
pub(crate) fn js_string(ctx: &Context, node: NodeId) -> Option<String> {
    match kind(ctx, node) {
        Kind::Bool(_) | Kind::Number => {
            coerce::to_string(ctx.yaml, node, ctx.service.framework_major)
        }
        _ => None,
    }
}

/// The value a number or string takes as a boolean under AJV coercion.
fn as_coerced_bool(ctx: &Context, node: NodeId) -> Option<bool> {
    match kind(ctx, node) {
        Kind::Str | Kind::Number => coerce::to_bool(ctx.yaml, node, ctx.service.framework_major),
        _ => None,
    }
}

/// What a position in the schema accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// `{type: string}` (route, authorizer name, access-log format).
    String,
    /// `{type: boolean}`.
    Boolean,
    /// `{type: array, items: {type: string}}` (identitySource).
    StringList,
    /// `{enum: [...]}` or `{const: ...}`: no coercion; scalar values are other rules' business.
    ScalarOnly(ValueType),
    /// `authorizer.arn`: an ARN string or one of the CloudFormation functions below.
    Arn,
    /// The value of `websocket:` in an event.
    Event,
    /// The value of `authorizer:` in an event.
    Authorizer,
    /// `provider.websocket`.
    ProviderWebsocket,
    /// `provider.logs.websocket`.
    LogsWebsocket,
}

impl Expect {
    /// What the walker checks for a key of the schema table; `None` for kinds it does not walk
    /// into (`websocketApiId`, the legacy plugin's keys).
    fn of(key: &SchemaKey) -> Option<Expect> {
        let object = || Object::ALL.into_iter().find(|o| o.path() == key.path);
        Some(match key.value {
            ValueType::String => Expect::String,
            ValueType::Boolean => Expect::Boolean,
            ValueType::StringList => Expect::StringList,
            ValueType::OneOf(_) | ValueType::Const(_) => Expect::ScalarOnly(key.value),
            ValueType::Arn => Expect::Arn,
            ValueType::StringOrCfFunction => return None,
            ValueType::StringOrObject | ValueType::BooleanOrObject | ValueType::Object => {
                match object()? {
                    Object::Event => Expect::Event,
                    Object::Authorizer => Expect::Authorizer,
                    Object::ProviderWebsocket => Expect::ProviderWebsocket,
                    Object::LogsWebsocket => Expect::LogsWebsocket,
                }
            }
        })
    }
}

/// How messages name the values an `enum` or `const` allows: "`INFO` or `ERROR`".
fn allowed_values(value: ValueType) -> String {
    match value {
        ValueType::Const(only) => format!("the string `{only}`"),
        ValueType::OneOf(values) => values
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "another value".to_string(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Object {
    Event,
    Authorizer,
    ProviderWebsocket,
    LogsWebsocket,
}

impl Object {
    const ALL: [Object; 4] = [
        Object::Event,
        Object::Authorizer,
        Object::ProviderWebsocket,
        Object::LogsWebsocket,
    ];

    /// Where the object is in the schema table ([`schema::KEYS`]).
    fn path(self) -> &'static [&'static str] {
        match self {
            Object::Event => &["functions", "*", "events", "-", "websocket"],
            Object::Authorizer => &["functions", "*", "events", "-", "websocket", "authorizer"],
            Object::ProviderWebsocket => &["provider", "websocket"],
            Object::LogsWebsocket => &["provider", "logs", "websocket"],
        }
    }

    /// The object's keys and what each expects, from the schema table, in its order.
    fn keys(self) -> Vec<(&'static str, Expect)> {
        schema::children(self.path())
            .filter_map(|key| Some((key.name(), Expect::of(key)?)))
            .collect()
    }

    /// "in a websocket event", for messages.
    fn place(self) -> &'static str {
        match self {
            Object::Event => "a websocket event",
            Object::Authorizer => "a websocket authorizer",
            Object::ProviderWebsocket => "`provider.websocket`",
            Object::LogsWebsocket => "`provider.logs.websocket`",
        }
    }
}

/// Settings of REST / HTTP API authorizers that websocket authorizers do not have.
const HTTP_AUTHORIZER_KEYS: &[&str] = &[
    "type",
    "resultTtlInSeconds",
    "identityValidationExpression",
    "managedExternally",
    "scopes",
    "claims",
    "enableSimpleResponses",
    "payloadVersion",
];

/// Other names for valid keys, seen in the wild or in neighbouring settings: the rename is
/// certain.
const ALIASES: &[(Object, &str, &str)] = &[
    (Object::Authorizer, "functionName", "name"),
    (Object::Authorizer, "function", "name"),
    (Object::Authorizer, "functionArn", "arn"),
    (Object::Authorizer, "identitySources", "identitySource"),
    (Object::LogsWebsocket, "dataTrace", "fullExecutionData"),
    (
        Object::LogsWebsocket,
        "dataTraceEnabled",
        "fullExecutionData",
    ),
    (Object::LogsWebsocket, "loggingLevel", "level"),
    (Object::LogsWebsocket, "logLevel", "level"),
    (Object::LogsWebsocket, "accessLogs", "accessLogging"),
    (Object::LogsWebsocket, "accessLog", "accessLogging"),
    (Object::LogsWebsocket, "executionLogs", "executionLogging"),
    (Object::LogsWebsocket, "accessLogFormat", "format"),
];

/// The CloudFormation functions the framework's `awsCfFunction` definition accepts.
const CF_FUNCTIONS: &[&str] = &[
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::GetAtt",
    "Ref",
    "Fn::Sub",
    "Fn::Base64",
    "Fn::ToJsonString",
];

/// The diagnostics of `rule` from the walk, which runs once per analysis for all three rules.
pub(crate) fn findings(ctx: &Context, rule: &Rule) -> Vec<Diagnostic> {
    ctx.shared
        .shape
        .get_or_init(|| walk(ctx))
        .iter()
        .filter(|d| d.code == rule.code)
        .cloned()
        .collect()
}

/// Runs the walk now (see `Context::prepare_shared`).
pub(crate) fn prepare(ctx: &Context) {
    ctx.shared.shape.get_or_init(|| walk(ctx));
}

/// Every shape finding, sorted and deduplicated.
fn walk(ctx: &Context) -> Vec<Diagnostic> {
    // On a file that does not parse the tree is partial: say nothing rather than guess.
    if ctx
        .yaml
        .errors()
        .iter()
        .any(|e| e.kind == YamlErrorKind::Syntax)
    {
        return Vec::new();
    }
    let mut walker = Walker {
        ctx,
        out: Vec::new(),
        seen: FxHashSet::default(),
    };
    walker.walk();
    let mut out = walker.out;
    crate::diagnostics::sort_and_dedup(&mut out);
    out
}

struct Walker<'c, 'a> {
    ctx: &'c Context<'a>,
    out: Vec<Diagnostic>,
    /// Places already checked (a list of events may be shared by several functions).
    seen: FxHashSet<(NodeId, u8)>,
}

impl Walker<'_, '_> {
    fn walk(&mut self) {
        let ctx = self.ctx;
        for event in &ctx.service.events {
            self.value(
                event.key,
                event.value,
                Expect::Event,
                "the `websocket` event",
            );
        }
        if let Some(entry) = ctx.service.provider_entry(ctx.yaml, &["websocket"]) {
            self.value(
                entry.key,
                entry.value,
                Expect::ProviderWebsocket,
                "`provider.websocket`",
            );
        }
        if let Some(entry) = ctx.service.provider_entry(ctx.yaml, &["logs", "websocket"]) {
            self.value(
                entry.key,
                entry.value,
                Expect::LogsWebsocket,
                "`provider.logs.websocket`",
            );
        }
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.out.push(diagnostic);
    }

    fn range(&self, node: NodeId) -> TextRange {
        self.ctx.yaml.range(node)
    }

    /// Checks the value under `key` against what the schema expects there.
    fn value(&mut self, key: NodeId, node: NodeId, expect: Expect, place: &str) {
        // Each place is checked once. An alias is a place of its own (a scalar alias is
        // reported where it is used); the keys of an aliased mapping are reported at its
        // definition, and the repeats removed below.
        let tag = match expect {
            Expect::Event => 1,
            Expect::Authorizer => 2,
            _ => 3,
        };
        if !self.seen.insert((node, tag)) {
            return;
        }
        let kind = kind(self.ctx, node);
        if matches!(kind, Kind::Null | Kind::Unknown) {
            return;
        }
        match expect {
            Expect::String => self.string(key, node, kind, place),
            Expect::Boolean => self.boolean(key, node, kind, place),
            Expect::StringList => self.string_list(node, kind, place),
            Expect::ScalarOnly(allowed) => {
                let expected = allowed_values(allowed);
                if matches!(kind, Kind::Mapping | Kind::Sequence | Kind::CfFunction) {
                    let message = format!(
                        "{place} is {}: expected {expected}; the framework's schema rejects it",
                        kind_name(kind)
                    );
                    let single = self
                        .ctx
                        .yaml
                        .items(node)
                        .and_then(|items| match items {
                            [item] => self.ctx.yaml.str(*item),
                            _ => None,
                        })
                        .map(str::to_string);
                    match single {
                        Some(item) => self.wrong_with_help(
                            node,
                            message,
                            &format!("write the value without the list: `{item}` (the framework unwraps one-item lists only where it expects a string)"),
                        ),
                        None => self.wrong(node, message),
                    }
                }
            }
            Expect::Arn => self.arn(key, node, kind),
            Expect::Event => self.event(key, node, kind),
            Expect::Authorizer => self.authorizer(key, node, kind),
            Expect::ProviderWebsocket => match kind {
                Kind::Mapping => self.object(node, Object::ProviderWebsocket),
                _ => self.wrong(
                    node,
                    format!(
                        "`provider.websocket` is {}: expected a mapping such as `useProviderTags: true`; the framework's schema rejects it",
                        kind_name(kind)
                    ),
                ),
            },
            Expect::LogsWebsocket => self.logs_websocket(key, node, kind),
        }
    }

    fn wrong(&mut self, node: NodeId, message: String) {
        let diagnostic = Diagnostic::new(&wrong_type::RULE, self.range(node), message);
        self.push(diagnostic);
    }

    fn wrong_with_help(&mut self, node: NodeId, message: String, help: &str) {
        let diagnostic =
            Diagnostic::new(&wrong_type::RULE, self.range(node), message).with_help(help);
        self.push(diagnostic);
    }

    /// `{type: string}`.
    fn string(&mut self, key: NodeId, node: NodeId, kind: Kind, place: &str) {
        match kind {
            Kind::Str | Kind::Null | Kind::Unknown => {}
            Kind::Number | Kind::Bool(_) => self.scalar_to_string(node, kind, place),
            Kind::Sequence => self.one_item_list(key, node, place, Target::String, None),
            Kind::Mapping => self.wrong(
                node,
                format!("{place} is a mapping: expected a string; the framework's schema rejects it"),
            ),
            Kind::CfFunction => self.wrong(
                node,
                format!("{place} is a CloudFormation function: expected a plain string; the framework's schema rejects it"),
            ),
        }
    }

    /// A number or boolean where a string is expected: AJV turns it into its text.
    fn scalar_to_string(&mut self, node: NodeId, kind: Kind, place: &str) {
        let written = shown(self.ctx.yaml.str(node).unwrap_or_default()).into_owned();
        let coerced = js_string(self.ctx, node);
        let message = match &coerced {
            Some(text) => format!(
                "{place} is {} (`{written}`): the framework accepts it only by turning it into the string `{text}`",
                kind_name(kind)
            ),
            None => format!(
                "{place} is {} (`{written}`): the framework accepts it only by turning it into a string",
                kind_name(kind)
            ),
        };
        let mut diagnostic = Diagnostic::new(&coerced_type::RULE, self.range(node), message);
        // Quoting keeps what is deployed; offered only where that is also what is written
        // (`route: 1.50` deploys `1.5`, and quoting `'1.5'` may not be what was meant).
        if let Some(text) = coerced.filter(|text| *text == written) {
            if let Some(edit) = quote_scalar(self.ctx, node, &text) {
                diagnostic = diagnostic.with_fix(Fix::safe(
                    format!("write it as a string: {}", edit.text),
                    vec![edit],
                ));
            }
        }
        self.push(diagnostic);
    }

    /// `{type: boolean}`.
    fn boolean(&mut self, key: NodeId, node: NodeId, kind: Kind, place: &str) {
        match kind {
            Kind::Bool(_) | Kind::Null | Kind::Unknown => {}
            Kind::Str | Kind::Number => self.scalar_to_bool(node, kind, place, "`true` or `false`"),
            Kind::Sequence => self.one_item_list(key, node, place, Target::Boolean, None),
            Kind::Mapping | Kind::CfFunction => self.wrong(
                node,
                format!(
                    "{place} is {}: expected `true` or `false`; the framework's schema rejects it",
                    kind_name(kind)
                ),
            ),
        }
    }

    /// A string or number where a boolean is expected.
    fn scalar_to_bool(&mut self, node: NodeId, kind: Kind, place: &str, expected: &str) {
        let written = shown(self.ctx.yaml.str(node).unwrap_or_default()).into_owned();
        match as_coerced_bool(self.ctx, node) {
            Some(value) => {
                let message = format!(
                    "{place} is {} (`{written}`): the framework accepts it only by turning it into the boolean `{value}`",
                    kind_name(kind)
                );
                let mut diagnostic =
                    Diagnostic::new(&coerced_type::RULE, self.range(node), message);
                if !self.ctx.yaml.is_alias(node) {
                    let edit = Edit::replace(self.range(node), value.to_string());
                    diagnostic = diagnostic.with_fix(Fix::safe(
                        format!("write the boolean `{value}`"),
                        vec![edit],
                    ));
                }
                self.push(diagnostic);
            }
            None => {
                let lower = written.to_ascii_lowercase();
                // The compiler tests these values for truth, except `fullExecutionData`, which
                // it copies into the stage's `DataTraceEnabled` as it is.
                let effect = if place == "`fullExecutionData`" {
                    format!(
                        "the framework copies it as it is: the stage deploys `DataTraceEnabled: {}`",
                        if kind == Kind::Str {
                            format!("\"{written}\"")
                        } else {
                            written.clone()
                        }
                    )
                } else {
                    // Any non-empty string, any number but 0, is true.
                    let truth = if kind == Kind::Str && written.is_empty() {
                        "false"
                    } else {
                        "true"
                    };
                    let mut effect = format!("the framework treats it as {truth}");
                    if truth == "true" && place == "`provider.logs.websocket`" {
                        effect.push_str(": logging is on, with every default");
                    }
                    effect
                };
                let mut diagnostic = Diagnostic::new(
                    &wrong_type::RULE,
                    self.range(node),
                    format!(
                        "{place} is {} (`{written}`): expected {expected}; the framework's schema rejects it, and {effect}",
                        kind_name(kind)
                    ),
                );
                let meant = match lower.as_str() {
                    "yes" | "on" | "y" | "true" => Some(true),
                    "no" | "off" | "n" | "false" => Some(false),
                    _ => None,
                };
                let help = if matches!(lower.as_str(), "true" | "false") {
                    meant.map(|value| {
                        format!(
                            "only the exact strings \"true\" and \"false\" are converted to booleans: write `{value}`"
                        )
                    })
                } else if let Some(value) = meant {
                    Some(format!(
                        "the framework's YAML loader reads `{written}` as a string, not a boolean: write `{value}`"
                    ))
                } else {
                    Some("write `true` or `false`".to_string())
                };
                if let Some(help) = help {
                    diagnostic = diagnostic.with_help(help);
                }
                self.push(diagnostic);
            }
        }
    }

    /// A list where a scalar is expected. AJV unwraps a one-item list when the item fits.
    /// `object_quirk`: the message for a one-item list holding a mapping, at positions where
    /// AJV lets it through but the compiler then reads the list (None: a plain wrong type).
    fn one_item_list(
        &mut self,
        key: NodeId,
        node: NodeId,
        place: &str,
        target: Target,
        object_quirk: Option<&str>,
    ) {
        let yaml = self.ctx.yaml;
        let items = yaml.items(node).unwrap_or_default().to_vec();
        let expected = target.expected();
        let [item] = items.as_slice() else {
            let size = match items.len() {
                0 => "an empty list".to_string(),
                n => format!("a list of {n} items"),
            };
            let message = format!(
                "{place} is {size}: expected {expected}; the framework's schema rejects it"
            );
            if place == "`route`" || place == "the `websocket` event" {
                self.wrong_with_help(
                    node,
                    message,
                    "one event has one route: write a `- websocket:` item for each route",
                );
            } else {
                self.wrong(node, message);
            }
            return;
        };
        let item = *item;
        let item_kind = kind(self.ctx, item);
        let fits = if target.is_string() {
            matches!(item_kind, Kind::Str | Kind::Number | Kind::Bool(_))
        } else {
            matches!(item_kind, Kind::Bool(_)) || as_coerced_bool(self.ctx, item).is_some()
        };
        if item_kind == Kind::Unknown || item_kind == Kind::Null {
            return;
        }
        if fits {
            let exact = if target.is_string() {
                item_kind == Kind::Str
            } else {
                matches!(item_kind, Kind::Bool(_))
            };
            let mut diagnostic = Diagnostic::new(
                &coerced_type::RULE,
                self.range(node),
                format!(
                    "{place} is a one-item list: the framework accepts it only by unwrapping it"
                ),
            );
            if exact {
                if let Some(edit) = unwrap_one_item_list(self.ctx, key, node, item) {
                    diagnostic = diagnostic.with_fix(Fix::safe(
                        format!(
                            "write the item without the list: {}",
                            edit.text.trim_start_matches(": ")
                        ),
                        vec![edit],
                    ));
                }
            }
            self.push(diagnostic);
            return;
        }
        match (item_kind, object_quirk) {
            (Kind::Mapping, Some(quirk)) => self.wrong_with_help(
                node,
                format!("{place} is a list holding a mapping: packaging crashes; expected the mapping itself"),
                quirk,
            ),
            _ => self.wrong(
                node,
                format!(
                    "{place} is a list holding {}: expected {expected}; the framework's schema rejects it",
                    kind_name(item_kind)
                ),
            ),
        }
    }

    /// `{type: array, items: {type: string}}`.
    fn string_list(&mut self, node: NodeId, kind: Kind, place: &str) {
        match kind {
            Kind::Null | Kind::Unknown => {}
            Kind::Sequence => {
                let items = self.ctx.yaml.items(node).unwrap_or_default().to_vec();
                for item in items {
                    let item_kind = kind_of(self.ctx, item);
                    match item_kind {
                        Kind::Str | Kind::Null | Kind::Unknown => {}
                        Kind::Number | Kind::Bool(_) => {
                            self.scalar_to_string(item, item_kind, "an identity source")
                        }
                        Kind::Sequence => {
                            let inner = self.ctx.yaml.items(item).unwrap_or_default().to_vec();
                            let fits = inner.len() == 1
                                && inner
                                    .first()
                                    .is_some_and(|i| kind_of(self.ctx, *i) == Kind::Str);
                            if fits {
                                let diagnostic = Diagnostic::new(
                                    &coerced_type::RULE,
                                    self.range(item),
                                    "an identity source is a one-item list: the framework accepts it only by unwrapping it".to_string(),
                                );
                                self.push(diagnostic);
                            } else {
                                self.wrong(
                                    item,
                                    "an identity source is a list: expected a string such as `route.request.header.Auth`; the framework's schema rejects it".to_string(),
                                );
                            }
                        }
                        Kind::Mapping | Kind::CfFunction => self.wrong(
                            item,
                            format!(
                                "an identity source is {}: expected a string such as `route.request.header.Auth`; the framework's schema rejects it",
                                kind_name(item_kind)
                            ),
                        ),
                    }
                }
            }
            Kind::Str | Kind::Number | Kind::Bool(_) => {
                let written = shown(self.ctx.yaml.str(node).unwrap_or_default()).into_owned();
                let mut diagnostic = Diagnostic::new(
                    &coerced_type::RULE,
                    self.range(node),
                    format!(
                        "{place} is {} (`{written}`): the framework accepts it only by wrapping it in a list",
                        kind_name(kind)
                    ),
                );
                if kind == Kind::Str {
                    if let Some(edit) = wrap_in_list(self.ctx, node) {
                        diagnostic = diagnostic.with_fix(Fix::safe(
                            format!("write a list: {}", edit.text),
                            vec![edit],
                        ));
                    }
                }
                self.push(diagnostic);
            }
            Kind::Mapping | Kind::CfFunction => self.wrong(
                node,
                format!(
                    "{place} is {}: expected a list of strings such as `[route.request.header.Auth]`; the framework's schema rejects it",
                    kind_name(kind)
                ),
            ),
        }
    }

    /// `authorizer.arn`: `anyOf[awsArnString, awsCfFunction]`.
    fn arn(&mut self, key: NodeId, node: NodeId, kind: Kind) {
        match kind {
            Kind::Sequence => self.one_item_list(
                key,
                node,
                "`authorizer.arn`",
                Target::Arn,
                Some("the framework's schema lets a one-item list holding a mapping through, but the list itself then goes into the authorizer's URI and the deployment fails"),
            ),
            Kind::Mapping => {
                let entries = self.ctx.yaml.entries(node);
                let names: Vec<&str> = entries
                    .iter()
                    .filter_map(|e| self.ctx.yaml.key_text(e.key))
                    .collect();
                if let [name] = names.as_slice() {
                    if CF_FUNCTIONS.contains(name) {
                        return;
                    }
                }
                let shown = names.first().copied().unwrap_or("");
                self.wrong_with_help(
                    node,
                    format!("`authorizer.arn` is a mapping (`{shown}`) that is not a CloudFormation function the framework accepts; its schema rejects it"),
                    "the framework accepts an ARN string or one of `Ref`, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Join`, `Fn::Sub`, `Fn::Base64`, `Fn::ToJsonString`",
                );
            }
            Kind::CfFunction => {
                let tag = self.ctx.yaml.tag(self.ctx.yaml.resolve(node)).unwrap_or_default();
                let name = tag.trim_start_matches('!');
                let function = if name == "Ref" {
                    "Ref".to_string()
                } else {
                    format!("Fn::{name}")
                };
                if !CF_FUNCTIONS.contains(&function.as_str()) {
                    self.wrong_with_help(
                        node,
                        format!("`authorizer.arn` is `{tag}`: the framework's schema does not accept `{function}` here"),
                        "the framework accepts an ARN string or one of `Ref`, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Join`, `Fn::Sub`, `Fn::Base64`, `Fn::ToJsonString`",
                    );
                }
            }
            // Numbers and booleans fail the `^arn:` pattern after coercion: not a type matter.
            _ => {}
        }
    }

    /// The value of `websocket:`: a string (the route) or an event object.
    fn event(&mut self, key: NodeId, node: NodeId, kind: Kind) {
        match kind {
            Kind::Str | Kind::Null | Kind::Unknown => {}
            Kind::Number | Kind::Bool(_) => {
                self.scalar_to_string(node, kind, "the `websocket` route");
            }
            Kind::Sequence => self.one_item_list(
                key,
                node,
                "the `websocket` event",
                Target::Event,
                Some("the framework's schema lets a one-item list holding a mapping through, but its compiler then finds no `route` in the list and packaging crashes with `TypeError: Cannot read properties of undefined (reading 'replace')`: remove the `-`"),
            ),
            Kind::Mapping => self.object(node, Object::Event),
            Kind::CfFunction => self.wrong(
                node,
                "the `websocket` event is a CloudFormation function: expected a route string or a mapping with `route`; the framework's schema rejects it".to_string(),
            ),
        }
    }

    /// `authorizer:`: a function name or ARN string, or an object.
    fn authorizer(&mut self, key: NodeId, node: NodeId, kind: Kind) {
        match kind {
            Kind::Str | Kind::Null | Kind::Unknown => {}
            Kind::Number | Kind::Bool(_) => self.scalar_to_string(node, kind, "`authorizer`"),
            Kind::Sequence => self.one_item_list(
                key,
                node,
                "`authorizer`",
                Target::Authorizer,
                Some("the framework's schema lets a one-item list holding a mapping through, but its compiler then reads neither `name` nor `arn` from the list and packaging crashes with `TypeError: Cannot read properties of undefined (reading 'replace')`: remove the `-`"),
            ),
            Kind::Mapping => self.object(node, Object::Authorizer),
            Kind::CfFunction => self.wrong_with_help(
                node,
                "`authorizer` is a CloudFormation function: expected a function name, an ARN string or a mapping with `name`/`arn`; the framework's schema rejects it".to_string(),
                "put the function under `arn:` and give the authorizer a `name:`",
            ),
        }
    }

    /// `provider.logs.websocket`: `anyOf[boolean, object]`.
    fn logs_websocket(&mut self, key: NodeId, node: NodeId, kind: Kind) {
        let place = "`provider.logs.websocket`";
        match kind {
            Kind::Bool(_) | Kind::Null | Kind::Unknown => {}
            Kind::Str | Kind::Number => {
                self.scalar_to_bool(node, kind, place, "`true`, `false` or a mapping of settings")
            }
            Kind::Sequence => {
                let items = self.ctx.yaml.items(node).unwrap_or_default().to_vec();
                let holds_mapping =
                    matches!(items.as_slice(), [item] if kind_of(self.ctx, *item) == Kind::Mapping);
                if holds_mapping {
                    self.wrong_with_help(
                        node,
                        format!("{place} is a list holding a mapping: the framework ignores the settings in it and deploys the defaults (level `INFO`, full execution data, access logs on)"),
                        "the framework's schema lets a one-item list holding a mapping through, but the compiler then reads no setting from the list: remove the `-`",
                    );
                } else {
                    self.one_item_list(key, node, place, Target::Boolean, None);
                }
            }
            Kind::Mapping => self.object(node, Object::LogsWebsocket),
            Kind::CfFunction => self.wrong(
                node,
                format!("{place} is a CloudFormation function: expected `true`, `false` or a mapping of settings; the framework's schema rejects it"),
            ),
        }
    }

    /// The keys of an object and their values.
    fn object(&mut self, map: NodeId, object: Object) {
        let yaml = self.ctx.yaml;
        let own: Vec<Entry> = yaml.own_entries(map).unwrap_or_default().to_vec();
        let merge_key = own
            .iter()
            .find(|e| is_merge_key(self.ctx, e.key))
            .map(|e| e.key);
        let has = |name: &str| yaml.get(map, name).is_some();
        for entry in yaml.entries(map) {
            let Some(name) = yaml.key_text(entry.key) else {
                continue;
            };
            if let Some((_, expect)) = object.keys().iter().find(|(k, _)| *k == name) {
                let place = match object {
                    Object::Authorizer => format!("`authorizer.{name}`"),
                    _ => format!("`{name}`"),
                };
                self.value(entry.key, entry.value, *expect, &place);
                continue;
            }
            // The old plugin's `routeKey` is WS302's; `identitySource` beside `authorizer` is WS208's.
            if object == Object::Event
                && (name == "routeKey" || (name == "identitySource" && has("authorizer")))
            {
                continue;
            }
            let merged = !own.contains(&entry);
            self.unknown_key(map, entry, object, merged.then_some(merge_key).flatten());
        }
    }

    fn unknown_key(
        &mut self,
        map: NodeId,
        entry: Entry,
        object: Object,
        merged_at: Option<NodeId>,
    ) {
        let yaml = self.ctx.yaml;
        let Some(name) = yaml.key_text(entry.key) else {
            return;
        };
        // Shown in messages only: the edits are made at the key's range.
        let name = shown(name).into_owned();
        let valid: Vec<&'static str> = object.keys().iter().map(|(k, _)| *k).collect();
        let expected = valid
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let range = merged_at.map_or(self.range(entry.key), |k| self.range(k));
        let merged_note = if merged_at.is_some() {
            " (merged in by `<<`)"
        } else {
            ""
        };
        let (message, help) = special_key(object, &name, merged_note).unwrap_or_else(|| {
            (
                format!(
                    "unknown key `{name}`{merged_note} in {}: the framework's schema rejects it (unrecognized property '{name}')",
                    object.place()
                ),
                Some(format!("{} accepts {expected}", capitalize(object.place()))),
            )
        });
        let mut diagnostic = Diagnostic::new(&unknown_key::RULE, range, message);
        // A merged entry is normally a copy placed at the `<<` (the pipeline then relates the
        // anchor); only one left at the anchor has a definition elsewhere to show.
        if merged_at.is_some() && self.range(entry.key) != range {
            diagnostic =
                diagnostic.with_related(self.range(entry.key), format!("`{name}` is defined here"));
        }
        let alias = ALIASES
            .iter()
            .find(|(o, alias, _)| *o == object && alias.eq_ignore_ascii_case(&name))
            .map(|(_, _, target)| *target);
        let suggestion = if alias.is_some()
            || HTTP_EVENT_KEYS.contains(&name.as_str())
            || HTTP_AUTHORIZER_KEYS.contains(&name.as_str())
        {
            alias
        } else {
            suggest(&name, valid.iter().copied())
        };
        match suggestion {
            Some(suggestion) => {
                let exists = yaml.get(map, suggestion).is_some();
                let edit = (merged_at.is_none() && !exists && !yaml.is_alias(entry.key))
                    .then(|| rename_key(self.ctx, entry.key, suggestion))
                    .flatten();
                match edit {
                    Some(edit) => {
                        let message = format!("rename `{name}` to `{suggestion}`");
                        let fix = if alias.is_some() || clearly_meant(&name, suggestion, &valid) {
                            Fix::safe(message, vec![edit])
                        } else {
                            Fix::unsafe_(message, vec![edit])
                        };
                        diagnostic = diagnostic.with_fix(fix);
                    }
                    None => {
                        diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                    }
                }
            }
            None => {
                if let Some(help) = help {
                    diagnostic = diagnostic.with_help(help);
                }
            }
        }
        self.push(diagnostic);
    }
}

/// What a one-item list is unwrapped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    String,
    /// The value of `websocket:` (a route string, or an object).
    Event,
    /// The value of `authorizer:` (a name or ARN string, or an object).
    Authorizer,
    /// `authorizer.arn` (an ARN string or a CloudFormation function).
    Arn,
    Boolean,
}

impl Target {
    fn expected(self) -> &'static str {
        match self {
            Target::String => "a string",
            Target::Event => "a route string or a mapping with `route`",
            Target::Authorizer => "a function name, an ARN or a mapping with `name` or `arn`",
            Target::Arn => "an ARN string or a CloudFormation function",
            Target::Boolean => "`true` or `false`",
        }
    }

    fn is_string(self) -> bool {
        self != Target::Boolean
    }
}

fn kind_of(ctx: &Context, node: NodeId) -> Kind {
    kind(ctx, node)
}

fn is_merge_key(ctx: &Context, key: NodeId) -> bool {
    ctx.yaml
        .scalar(key)
        .is_some_and(|s| &*s.value == "<<" && s.style == ScalarStyle::Plain)
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A rename is certainly what was meant when the key differs from the suggestion only by case,
/// `_`/`-`, or one or two typed characters, and from no other valid key by as little.
fn clearly_meant(name: &str, suggestion: &str, valid: &[&str]) -> bool {
    let normal = |s: &str| {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let n = normal(name);
    let distance = |candidate: &str| strsim::damerau_levenshtein(&n, &normal(candidate));
    let best = distance(suggestion);
    let close = best == 0 || (best == 1 && n.len() >= 3) || (best == 2 && n.len() >= 6);
    close
        && valid
            .iter()
            .filter(|v| **v != suggestion)
            .all(|v| distance(v) > best + 1)
}

/// Messages for keys we know the story of.
fn special_key(object: Object, name: &str, merged_note: &str) -> Option<(String, Option<String>)> {
    match object {
        Object::Event if HTTP_EVENT_KEYS.contains(&name) => {
            let help = if name == "cors" {
                "API Gateway WebSocket APIs have no CORS settings: remove `cors`".to_string()
            } else {
                format!("remove `{name}`, or move it to an `http` event if it was meant for one")
            };
            let origin = match name {
                "reqValidatorName" => " (read by serverless-reqvalidator-plugin)",
                "documentation" => " (read by documentation plugins)",
                "caching" => " (read by serverless-api-gateway-caching)",
                "throttling" => " (read by serverless-api-gateway-throttling)",
                _ => "",
            };
            Some((
                format!(
                    "`{name}`{merged_note} is a setting of `http` events{origin}: it has no effect on websocket events, and the framework's schema rejects it (unrecognized property '{name}')"
                ),
                Some(help),
            ))
        }
        Object::Event if name == "identitySource" => Some((
            format!(
                "`identitySource`{merged_note} is not a websocket event setting: the framework's schema rejects it (unrecognized property 'identitySource')"
            ),
            Some("identity sources belong inside the authorizer object: `authorizer: {name: ..., identitySource: [...]}`".to_string()),
        )),
        Object::Authorizer if HTTP_AUTHORIZER_KEYS.contains(&name) => {
            let help = match name {
                "resultTtlInSeconds" => "the framework creates websocket authorizers without result caching; remove the key",
                "managedExternally" => "the framework always adds a Lambda permission for a websocket authorizer; `managedExternally` is not supported (only proposed)",
                _ => "websocket authorizers are Lambda REQUEST authorizers configured by `name` or `arn` and `identitySource` only",
            };
            Some((
                format!(
                    "`{name}`{merged_note} is a setting of REST or HTTP API authorizers: the framework's schema rejects it in a websocket authorizer (unrecognized property '{name}')"
                ),
                Some(help.to_string()),
            ))
        }
        Object::LogsWebsocket if name == "logGroup" => Some((
            format!(
                "`logGroup`{merged_note} is not supported in `provider.logs.websocket`: the framework's schema rejects it (unrecognized property 'logGroup')"
            ),
            Some("the framework always writes websocket logs to the log group `/aws/websocket/<service>-<stage>`".to_string()),
        )),
        Object::LogsWebsocket if name == "role" || name == "roleManagedExternally" => Some((
            format!(
                "`{name}`{merged_note} is not a websocket log setting: the framework's schema rejects it (unrecognized property '{name}')"
            ),
            Some(format!(
                "the framework reads the CloudWatch role from `provider.logs.restApi.{name}`, also for websocket logs: move it there"
            )),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::apply_edits;
    use crate::model::{FileFormat, Service};
    use crate::yaml::Yaml;

    /// `(code, text at the range, fix edits applied to the text)` for each finding.
    fn run(text: &str, format: FileFormat) -> Vec<(String, String, Option<String>)> {
        let yaml = Yaml::parse(text);
        let service = Service::lower(&yaml);
        let ctx = Context::new(text, &yaml, &service, format, &[]);
        let mut out = Vec::new();
        for rule in [&unknown_key::RULE, &wrong_type::RULE, &coerced_type::RULE] {
            for d in findings(&ctx, rule) {
                let fixed = d.fix.as_ref().and_then(|f| apply_edits(text, &f.edits));
                out.push((
                    d.code.to_string(),
                    text[d.range.as_range()].to_string(),
                    fixed,
                ));
            }
        }
        out
    }

    fn codes(text: &str) -> Vec<(String, String)> {
        run(text, FileFormat::Yaml)
            .into_iter()
            .map(|(c, t, _)| (c, t))
            .collect()
    }

    fn event(body: &str) -> String {
        format!("functions:\n  f:\n    handler: h.f\n    events:\n      - websocket:\n{body}")
    }

    #[test]
    fn leaves_the_other_rules_keys_alone() {
        // `routeKey` is WS302's; `identitySource` beside `authorizer` is WS208's.
        let text = event("          routeKey: $connect\n          authorizer: auth\n          identitySource: [route.request.header.Auth]\n");
        assert_eq!(codes(&text), []);
        let text = event("          route: $connect\n          identitySource: [x]\n");
        assert_eq!(codes(&text), [("WS003".into(), "identitySource".into())]);
    }

    #[test]
    fn valid_config_is_silent() {
        let text = "provider:\n  websocket:\n    useProviderTags: true\n  logs:\n    websocket:\n      accessLogging: false\n      executionLogging: true\n      format: '$context.requestId'\n      fullExecutionData: false\n      level: INFO\n"
            .to_string()
            + &event("          route: $connect\n          routeResponseSelectionExpression: $default\n          authorizer:\n            name: auth\n            arn: !GetAtt [Auth, Arn]\n            identitySource: []\n");
        assert_eq!(codes(&text), []);
        assert_eq!(codes("provider:\n  logs:\n    websocket: true\n"), []);
        assert_eq!(
            codes(&event(
                "          route: ${opt:route}\n          authorizer: ${self:custom.auth}\n"
            )),
            []
        );
    }

    #[test]
    fn aliases_are_reported_once_at_the_definition() {
        let text = "custom:\n  ws: &ws\n    route: $connect\n    cors: true\nfunctions:\n  a:\n    handler: h.a\n    events:\n      - websocket: *ws\n  b:\n    handler: h.b\n    events:\n      - websocket: *ws\n";
        assert_eq!(codes(text), [("WS003".into(), "cors".into())]);
    }

    #[test]
    fn a_scalar_alias_is_reported_where_it_is_used() {
        let text = "custom:\n  r: &r 42\nfunctions:\n  a:\n    handler: h.a\n    events:\n      - websocket:\n          route: *r\n      - websocket: *r\n";
        let found = run(text, FileFormat::Yaml);
        let places: Vec<&str> = found.iter().map(|(_, t, _)| t.as_str()).collect();
        assert_eq!(places, ["*r", "*r"]);
        assert!(found.iter().all(|(_, _, fix)| fix.is_none()));
    }

    #[test]
    fn says_nothing_on_a_file_that_does_not_parse() {
        assert_eq!(codes(&(event("          rout: x\n") + "  bad: [\n")), []);
    }

    #[test]
    fn fixes_keep_the_json_syntax() {
        let text = r#"{"functions": {"f": {"handler": "h.f", "events": [
  {"websocket": {"route": 12, "authorizer": {"name": "auth", "identitysource": "x"}}},
  {"websocket": ["$default"]}
]}}, "provider": {"websocket": {"useProviderTags": "true"}}}"#;
        let found = run(text, FileFormat::Json);
        let fixed: Vec<String> = found.iter().filter_map(|(_, _, f)| f.clone()).collect();
        assert_eq!(fixed.len(), 4, "{found:?}");
        for text in fixed {
            assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn quotes_only_numbers_that_read_back_the_same() {
        let found = run(&event("          route: 007\n"), FileFormat::Yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2, None);
        let found = run(&event("          route: True\n"), FileFormat::Yaml);
        assert_eq!(
            found[0].2, None,
            "True becomes `true`: quoting 'True' would change it"
        );
        let found = run(&event("          route: -12\n"), FileFormat::Yaml);
        assert!(found[0]
            .2
            .as_deref()
            .is_some_and(|t| t.contains("route: '-12'")));
    }

    #[test]
    fn wraps_an_identity_source_without_changing_it() {
        let fixed = |value: &str| {
            let text = event(&format!(
                "          route: $connect\n          authorizer:\n            name: auth\n            identitySource: {value}\n"
            ));
            run(&text, FileFormat::Yaml)
                .into_iter()
                .find_map(|(_, _, f)| f)
                .map(|t| Yaml::parse(&t).errors().is_empty().then_some(t))
        };
        let text = fixed("route.request.header.Auth")
            .flatten()
            .unwrap_or_default();
        assert!(text.contains("identitySource: [route.request.header.Auth]"));
        let text = fixed("'a, b'").flatten().unwrap_or_default();
        assert!(text.contains("identitySource: ['a, b']"));
        let text = fixed("x,y").flatten().unwrap_or_default();
        assert!(text.contains("identitySource: ['x,y']"));
    }

    #[test]
    fn renames_only_when_the_target_key_is_free() {
        let text = event("          route: $connect\n          Route: $default\n");
        let found = run(&text, FileFormat::Yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2, None, "renaming would duplicate `route`");
    }

    #[test]
    fn one_item_lists_holding_a_mapping() {
        let text = "provider:\n  logs:\n    websocket:\n      - level: INFO\n";
        assert_eq!(codes(text), [("WS004".into(), "- level: INFO".into())]);
        let text =
            event("          route: $connect\n          authorizer:\n            - name: auth\n");
        assert_eq!(codes(&text), [("WS004".into(), "- name: auth".into())]);
    }
}
