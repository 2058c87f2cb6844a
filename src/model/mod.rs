//! The service model: the parts of a `serverless.yml` that matter for WebSocket APIs, lowered
//! from the YAML tree. Every piece keeps the node it came from, so rules can point at it, and
//! nothing is copied out of the tree but names and route keys.
//!
//! Lowering never fails and never reports: anything of an unexpected shape is left out here and
//! reported by the shape rules (WS003–WS005, WS010–WS013), which look at the same nodes.

pub mod coerce;
pub mod generated;
mod logs;
pub mod schema;

pub use logs::WebsocketLogs;

use crate::variables;
use crate::yaml::{Entry, NodeId, ScalarValue, Yaml};

/// The framework reads `serverless.json` with `JSON.parse`, the others with js-yaml.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Yaml,
    Json,
}

impl FileFormat {
    pub fn from_path(path: &str) -> FileFormat {
        if path.to_ascii_lowercase().ends_with(".json") {
            FileFormat::Json
        } else {
            FileFormat::Yaml
        }
    }
}

/// The routes API Gateway predefines.
pub const RESERVED_ROUTES: [&str; 3] = ["$connect", "$disconnect", "$default"];

/// The old plugin whose keys (`websocketApiName`, `routeKey`...) are valid where it is listed.
pub const LEGACY_PLUGIN: &str = "serverless-websockets-plugin";

#[derive(Clone, Debug, Default)]
pub struct Service {
    pub root: Option<NodeId>,
    /// The `provider` mapping.
    pub provider: Option<NodeId>,
    /// Plugin names as listed under `plugins` (or `plugins.modules`).
    pub plugins: Vec<(String, NodeId)>,
    pub functions: Vec<Function>,
    /// Every websocket event of every function, in the framework's processing order.
    pub events: Vec<WebsocketEvent>,
    /// Whether the framework creates the WebSocket API or reuses one: every rule that cares
    /// asks this, so they all agree.
    pub api: ApiOwner,
    /// The framework's major version when `frameworkVersion` names exactly one (`"3"`,
    /// `^3.38.0`, `>=4.0.0 <5.0.0`): the variable resolvers of v3 and v4 differ.
    pub framework_major: Option<u64>,
    /// `provider.logs.websocket`, when it is written.
    pub websocket_logs: Option<WebsocketLogs>,
    /// The logical IDs the framework generates for the websocket parts (`naming.js`).
    pub generated: generated::Generated,
}

/// Who owns the WebSocket API, from `provider.apiGateway.websocketApiId` (when it is set, the
/// framework's compileApi returns early).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApiOwner {
    /// No `websocketApiId` (or an empty one): the framework creates `WebsocketsApi`, its stage,
    /// log group and tags.
    #[default]
    Service,
    /// An existing API: a non-empty id, a CloudFormation function, or a variable that cannot
    /// be resolved before deploy (`${cf:...}`, `${ssm:...}`, `${param:...}`), which either gives
    /// an id or fails the deploy.
    External(Entry),
    /// A variable whose last fallback is empty or null (`${opt:api, ''}`): either may happen.
    Open(Entry),
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    /// The function's key under `functions`.
    pub key: NodeId,
    /// Its value (normally a mapping).
    pub node: NodeId,
}

#[derive(Clone, Debug)]
pub struct WebsocketEvent {
    /// Index into [`Service::functions`].
    pub function: usize,
    /// The item of the `events` list (a mapping holding `websocket`).
    pub item: NodeId,
    /// The `websocket` key.
    pub key: NodeId,
    /// Its value: a string (the route), an object, or something else.
    pub value: NodeId,
    /// The route, from the string form or from `route:`.
    pub route: Option<Route>,
    pub authorizer: Option<Authorizer>,
    /// The `routeResponseSelectionExpression` entry.
    pub route_response: Option<Entry>,
}

#[derive(Clone, Debug)]
pub struct Route {
    pub node: NodeId,
    /// The route key as the framework sees it after type coercion (`route: 0x1F` is `"31"`,
    /// see [`coerce::to_string`]); the written text when it is not known.
    pub key: String,
    /// False when the value holds a Serverless variable (or is a date): it is unknown until
    /// deploy time.
    pub known: bool,
}

#[derive(Clone, Debug)]
pub struct Authorizer {
    /// The `authorizer` key.
    pub key: NodeId,
    pub value: NodeId,
    pub form: AuthorizerForm,
}

#[derive(Clone, Debug)]
pub enum AuthorizerForm {
    /// `authorizer: fnName` or `authorizer: arn:...`.
    String,
    /// `authorizer: {name, arn, identitySource}`.
    Object {
        name: Option<Entry>,
        arn: Option<Entry>,
        identity_source: Option<Entry>,
    },
    /// Anything else (a list, a number...): the shape rules report it.
    Other,
}

impl Service {
    pub fn lower(yaml: &Yaml) -> Service {
        let mut service = Service {
            root: yaml.root().filter(|r| yaml.is_mapping(*r)),
            ..Service::default()
        };
        let Some(root) = service.root else {
            return service;
        };
        service.provider = yaml
            .get_value(root, "provider")
            .filter(|p| yaml.is_mapping(*p));
        service.plugins = lower_plugins(yaml, root);
        service.framework_major = yaml
            .get_value(root, "frameworkVersion")
            .and_then(|node| yaml.str(node))
            .and_then(framework_major);
        service.api = service
            .provider_entry(yaml, &["apiGateway", "websocketApiId"])
            .map_or(ApiOwner::Service, |entry| lower_api_owner(yaml, entry));
        service.websocket_logs = service
            .provider_entry(yaml, &["logs", "websocket"])
            .map(|entry| WebsocketLogs::lower(yaml, entry, service.framework_major));
        if let Some(functions) = yaml.get_value(root, "functions") {
            service.functions = lower_functions(yaml, functions);
        }
        for (index, function) in service.functions.iter().enumerate() {
            let Some(events) = yaml.get_value(function.node, "events") else {
                continue;
            };
            let Some(items) = yaml.items(events) else {
                continue;
            };
            for &item in items {
                if let Some(entry) = yaml.get(item, "websocket") {
                    let major = service.framework_major;
                    service
                        .events
                        .push(lower_event(yaml, index, item, entry, major));
                }
            }
        }
        service.generated = generated::lower(yaml, &service);
        service
    }

    /// `provider.apiGateway.websocketApiId` when the API is certainly another stack's.
    pub fn external_api(&self) -> Option<Entry> {
        match self.api {
            ApiOwner::External(entry) => Some(entry),
            ApiOwner::Service | ApiOwner::Open(_) => None,
        }
    }

    /// A value under `provider` by path, e.g. `["logs", "websocket"]`.
    pub fn provider_value(&self, yaml: &Yaml, path: &[&str]) -> Option<NodeId> {
        yaml.path(self.provider?, path)
    }

    /// The entry (key and value) at a path under `provider`.
    pub fn provider_entry(&self, yaml: &Yaml, path: &[&str]) -> Option<Entry> {
        let (last, parents) = path.split_last()?;
        let parent = yaml.path(self.provider?, parents)?;
        yaml.get(parent, last)
    }

    /// True when some function has a websocket event the framework compiles (`websocket:` with
    /// a value: a null one is skipped).
    pub fn has_websocket_events(&self, yaml: &Yaml) -> bool {
        self.events.iter().any(|e| !yaml.is_null(e.value))
    }

    /// True when the old `serverless-websockets-plugin` builds the API: `plugins` lists it and
    /// some event uses its `routeKey` (or there are no websocket events to tell). Where every
    /// event is written in the framework's own syntax, the plugin has nothing to deploy and the
    /// framework builds the API.
    pub fn uses_legacy_plugin(&self, yaml: &Yaml) -> bool {
        self.has_plugin(LEGACY_PLUGIN)
            && (self.events.is_empty()
                || self
                    .events
                    .iter()
                    .any(|e| yaml.get(e.value, "routeKey").is_some()))
    }

    pub fn has_plugin(&self, name: &str) -> bool {
        self.plugins.iter().any(|(plugin, _)| plugin == name)
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// Every event that has an authorizer, with it.
    pub fn authorizers(&self) -> impl Iterator<Item = (&WebsocketEvent, &Authorizer)> {
        self.events
            .iter()
            .filter_map(|e| e.authorizer.as_ref().map(|a| (e, a)))
    }

    /// Events whose route key is known, with that key.
    pub fn known_routes(&self) -> impl Iterator<Item = (&WebsocketEvent, &Route)> {
        self.events
            .iter()
            .filter_map(|e| e.route.as_ref().filter(|r| r.known).map(|r| (e, r)))
    }
}

/// The one major version a semver range allows, if it allows exactly one (an open range from
/// the newest major version counts as that one).
pub fn framework_major(range: &str) -> Option<u64> {
    if range.contains("||") || variables::has_variable(range) {
        return None;
    }
    let (mut lowest, mut highest): (Option<u64>, Option<u64>) = (None, None);
    for comparator in range.split_whitespace() {
        let operator_end = comparator
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(comparator.len());
        let (operator, version) = comparator.split_at(operator_end);
        let mut parts = version.split('.');
        let major: u64 = parts.next()?.parse().ok()?;
        let rest_is_zero = parts.all(|p| p.chars().all(|c| c == '0' || c == 'x' || c == '*'));
        match operator.trim_start_matches('v') {
            "" | "=" | "^" | "~" => {
                lowest = Some(lowest.map_or(major, |l| l.max(major)));
                highest = Some(highest.map_or(major, |h| h.min(major)));
            }
            ">=" | ">" => lowest = Some(lowest.map_or(major, |l| l.max(major))),
            "<" if rest_is_zero => {
                let below = major.checked_sub(1)?;
                highest = Some(highest.map_or(below, |h| h.min(below)));
            }
            "<" | "<=" => highest = Some(highest.map_or(major, |h| h.min(major))),
            _ => return None,
        }
    }
    match (lowest, highest) {
        (Some(low), Some(high)) if low == high => Some(low),
        // `>=4.0.0`: only v4 satisfies it until another major version ships.
        (Some(LATEST_MAJOR), None) => Some(LATEST_MAJOR),
        _ => None,
    }
}

/// The framework's newest major version.
const LATEST_MAJOR: u64 = 4;

fn lower_api_owner(yaml: &Yaml, entry: Entry) -> ApiOwner {
    let value = yaml.resolve(entry.value);
    if yaml.is_mapping(value) || yaml.is_sequence(value) {
        let set = !yaml.entries(value).is_empty() || yaml.tag(value).is_some();
        return if set {
            ApiOwner::External(entry)
        } else {
            ApiOwner::Service
        };
    }
    match yaml.scalar_value(value) {
        Some(ScalarValue::Tagged) => ApiOwner::External(entry),
        Some(ScalarValue::Str) => {
            let text = yaml.str(value).unwrap_or_default();
            if text.is_empty() {
                ApiOwner::Service
            } else if variables::has_variable(text) {
                variable_api_owner(text, entry)
            } else {
                ApiOwner::External(entry)
            }
        }
        // The schema's `type: string` turns numbers and booleans into non-empty text.
        Some(
            ScalarValue::Int | ScalarValue::Float | ScalarValue::Bool(_) | ScalarValue::Timestamp,
        ) => ApiOwner::External(entry),
        Some(ScalarValue::Null) | None => ApiOwner::Service,
    }
}

/// A `websocketApiId` holding a variable the resolver could not resolve: it gives an id or
/// fails the deploy, unless its last fallback is empty or null.
fn variable_api_owner(text: &str, entry: Entry) -> ApiOwner {
    let parsed = variables::parse(text);
    if parsed.error.is_some() || parsed.too_deep {
        return ApiOwner::Open(entry);
    }
    match parsed.segments.as_slice() {
        [variables::Segment::Variable(variable)] => match variable.sources.last() {
            Some(variables::Source::Literal {
                value: variables::Literal::Null,
                ..
            }) => ApiOwner::Open(entry),
            Some(variables::Source::Literal {
                value: variables::Literal::Str(s),
                ..
            }) if s.trim().is_empty() => ApiOwner::Open(entry),
            _ => ApiOwner::External(entry),
        },
        // Text around the variable: the id is never empty.
        segments
            if segments
                .iter()
                .any(|s| matches!(s, variables::Segment::Variable(_))) =>
        {
            ApiOwner::External(entry)
        }
        // Only forms v4 alone resolves (`${ self:x }`): unknown.
        _ => ApiOwner::Open(entry),
    }
}

fn lower_plugins(yaml: &Yaml, root: NodeId) -> Vec<(String, NodeId)> {
    let Some(plugins) = yaml.get_value(root, "plugins") else {
        return Vec::new();
    };
    // `plugins: [a, b]` or `plugins: {localPath: ..., modules: [a, b]}`.
    let list = yaml.get_value(plugins, "modules").unwrap_or(plugins);
    yaml.items(list)
        .unwrap_or_default()
        .iter()
        .filter_map(|&item| yaml.str(item).map(|name| (name.to_string(), item)))
        .collect()
}

fn lower_functions(yaml: &Yaml, functions: NodeId) -> Vec<Function> {
    // The mapping form, or a list of mappings that the framework merges.
    let mappings: Vec<NodeId> = match yaml.items(functions) {
        Some(items) => items.to_vec(),
        None => vec![functions],
    };
    let mut out = Vec::new();
    for mapping in mappings {
        for entry in yaml.entries(mapping) {
            let Some(name) = yaml.str(entry.key) else {
                continue;
            };
            out.push(Function {
                name: name.to_string(),
                key: entry.key,
                node: entry.value,
            });
        }
    }
    out
}

fn lower_event(
    yaml: &Yaml,
    function: usize,
    item: NodeId,
    entry: Entry,
    major: Option<u64>,
) -> WebsocketEvent {
    let value = entry.value;
    let mut event = WebsocketEvent {
        function,
        item,
        key: entry.key,
        value,
        route: None,
        authorizer: None,
        route_response: None,
    };
    if yaml.is_mapping(value) {
        event.route = yaml
            .get_value(value, "route")
            .and_then(|node| lower_route(yaml, node, major));
        event.route_response = yaml.get(value, "routeResponseSelectionExpression");
        event.authorizer = yaml.get(value, "authorizer").map(|entry| Authorizer {
            key: entry.key,
            value: entry.value,
            form: lower_authorizer_form(yaml, entry.value),
        });
    } else {
        event.route = lower_route(yaml, value, major);
    }
    event
}

/// A route key from a scalar: strings, and numbers or booleans that the framework coerces to
/// strings. Null, lists and mappings give no route (the shape rules report them).
fn lower_route(yaml: &Yaml, node: NodeId, major: Option<u64>) -> Option<Route> {
    let value = yaml.scalar_value(node)?;
    if matches!(value, ScalarValue::Null | ScalarValue::Tagged) {
        return None;
    }
    let written = yaml.str(node)?;
    Some(match coerce::to_string(yaml, node, major) {
        Some(key) => Route {
            node,
            key,
            known: true,
        },
        // A variable (or a date, which AJV does not turn into a string): unknown until deploy.
        None => Route {
            node,
            key: written.to_string(),
            known: false,
        },
    })
}

fn lower_authorizer_form(yaml: &Yaml, value: NodeId) -> AuthorizerForm {
    if yaml.is_mapping(value) {
        AuthorizerForm::Object {
            name: yaml.get(value, "name"),
            arn: yaml.get(value, "arn"),
            identity_source: yaml.get(value, "identitySource"),
        }
    } else if matches!(
        yaml.scalar_value(value),
        Some(ScalarValue::Str | ScalarValue::Int | ScalarValue::Float | ScalarValue::Bool(_))
    ) {
        AuthorizerForm::String
    } else {
        AuthorizerForm::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_major_version_a_range_allows() {
        for (range, major) in [
            ("3", Some(3)),
            ("^3.38.0", Some(3)),
            ("~4.2", Some(4)),
            (">=3.0.0 <4.0.0", Some(3)),
            (">=4 <=4.9", Some(4)),
            ("3.x", Some(3)),
            (">=3", None),
            (">=4.0.0", Some(4)),
            ("4.1.2", Some(4)),
            (">=5", None),
            ("3 || 4", None),
            (">=3.0.0 <5.0.0", None),
            ("${env:VERSION}", None),
            ("latest", None),
        ] {
            assert_eq!(framework_major(range), major, "{range}");
        }
    }

    #[test]
    fn lowers_both_event_forms_and_function_lists() {
        let text = r#"
functions:
  - connect:
      handler: h.connect
      events:
        - websocket:
            route: $connect
            authorizer: auth
  - auth:
      handler: h.auth
    msg:
      handler: h.msg
      events:
        - websocket: sendMessage
        - websocket:
            route: ${self:custom.route}
        - http: GET /
"#;
        let yaml = Yaml::parse(text);
        let service = Service::lower(&yaml);
        let names: Vec<_> = service.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["connect", "auth", "msg"]);
        let routes: Vec<_> = service
            .events
            .iter()
            .map(|e| e.route.as_ref().map(|r| (r.key.as_str(), r.known)))
            .collect();
        assert_eq!(
            routes,
            [
                Some(("$connect", true)),
                Some(("sendMessage", true)),
                Some(("${self:custom.route}", false))
            ]
        );
        assert!(matches!(
            service.events[0].authorizer.as_ref().map(|a| &a.form),
            Some(AuthorizerForm::String)
        ));
    }
}
