//! The CloudFormation logical IDs the framework generates for the websocket parts of a service
//! (`lib/plugins/aws/lib/naming.js` in serverless@3.40.0), each with what generates it, and the
//! references to names of that namespace written in the configuration (`Ref`, `Fn::GetAtt`,
//! `DependsOn`, `${Name}` in `Fn::Sub`). WS704 and the editor features (hover, go to
//! definition, completion) all read them from here.

use rustc_hash::FxHashMap;

use super::{ApiOwner, AuthorizerForm, Service};
use crate::span::TextRange;
use crate::variables;
use crate::yaml::{NodeId, NodeKind, ScalarValue, Yaml};

/// What kind of resource a generated logical ID names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneratedKind {
    Api,
    Stage,
    LogGroup,
    Route,
    RouteResponse,
    Integration,
    Permission,
    Authorizer,
}

impl GeneratedKind {
    /// The CloudFormation resource type, for hover.
    pub fn resource_type(self) -> &'static str {
        match self {
            GeneratedKind::Api => "AWS::ApiGatewayV2::Api",
            GeneratedKind::Stage => "AWS::ApiGatewayV2::Stage",
            GeneratedKind::LogGroup => "AWS::Logs::LogGroup",
            GeneratedKind::Route => "AWS::ApiGatewayV2::Route",
            GeneratedKind::RouteResponse => "AWS::ApiGatewayV2::RouteResponse",
            GeneratedKind::Integration => "AWS::ApiGatewayV2::Integration",
            GeneratedKind::Permission => "AWS::Lambda::Permission",
            GeneratedKind::Authorizer => "AWS::ApiGatewayV2::Authorizer",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedId {
    pub id: String,
    pub kind: GeneratedKind,
    /// What makes the framework generate it: the event's route, the function's key, the
    /// authorizer's key, `logs.websocket`, or the first websocket event for the API itself.
    pub origin: NodeId,
}

/// The generated IDs, and where they cannot all be known from the file.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    pub ids: Vec<GeneratedId>,
    /// Some route, function, authorizer or the API's owner is known only at deploy time: names
    /// of that part of the namespace may exist without being listed.
    pub unknown_routes: bool,
    pub unknown_functions: bool,
    pub unknown_authorizers: bool,
    pub unknown_api: bool,
    /// `WebsocketsDeployment<hash>`: generated whenever there are websocket events.
    pub has_deployment: bool,
    /// Position in `ids` by name: a service may have a quarter of a million of them.
    index: FxHashMap<String, usize>,
}

/// `normalizedFn`: `-` → `Dash`, `_` → `Underscore`, then the first letter upper-cased.
pub fn normalized_function(name: &str) -> String {
    let replaced = name.replace('-', "Dash").replace('_', "Underscore");
    let mut chars = replaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `getNormalizedWebsocketsRouteKey`: `$ / - _ .` spelled out, the case kept.
pub fn normalized_route(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        match c {
            '$' => out.push('S'),
            '/' => out.push_str("Slash"),
            '-' => out.push_str("Dash"),
            '_' => out.push_str("Underscore"),
            '.' => out.push_str("Period"),
            other => out.push(other),
        }
    }
    out
}

/// True for a logical ID in the framework's websocket namespace.
pub fn in_websocket_namespace(name: &str) -> bool {
    matches!(
        name,
        "WebsocketsApi" | "WebsocketsDeploymentStage" | "WebsocketsLogGroup"
    ) || name.starts_with("WebsocketsDeployment")
        || [
            "WebsocketsRoute",
            "WebsocketsRouteResponse",
            "WebsocketsIntegration",
            "WebsocketsAuthorizer",
            "LambdaPermissionWebsockets",
        ]
        .iter()
        .any(|suffix| name.len() > suffix.len() && name.ends_with(suffix))
}

impl Generated {
    pub fn find(&self, id: &str) -> Option<&GeneratedId> {
        self.index.get(id).and_then(|&i| self.ids.get(i))
    }

    /// Whether `name` (in the websocket namespace) may exist although it is not listed: the
    /// part of the namespace it belongs to is not known from the file.
    pub fn may_exist(&self, name: &str) -> bool {
        if self.find(name).is_some() {
            return true;
        }
        match name {
            "WebsocketsApi" | "WebsocketsDeploymentStage" | "WebsocketsLogGroup" => {
                self.unknown_api || self.unknown_functions
            }
            _ if name.starts_with("WebsocketsDeployment") => {
                self.has_deployment || self.unknown_functions
            }
            _ if name.ends_with("WebsocketsRoute") || name.ends_with("WebsocketsRouteResponse") => {
                self.unknown_routes || self.unknown_functions
            }
            _ if name.ends_with("WebsocketsAuthorizer") => {
                self.unknown_authorizers || self.unknown_functions
            }
            _ if name.ends_with("LambdaPermissionWebsockets") => {
                self.unknown_authorizers || self.unknown_functions
            }
            _ => self.unknown_functions,
        }
    }

    /// The generated IDs for which `origin` (a route, function key, authorizer key...) is
    /// responsible.
    pub fn from_origin(&self, origin: NodeId) -> impl Iterator<Item = &GeneratedId> {
        self.ids.iter().filter(move |g| g.origin == origin)
    }
}

fn push(out: &mut Generated, id: String, kind: GeneratedKind, origin: NodeId) {
    if out.index.contains_key(&id) {
        return;
    }
    out.index.insert(id.clone(), out.ids.len());
    out.ids.push(GeneratedId { id, kind, origin });
}

/// A scalar's text when it is known (no variable, not null).
fn known(yaml: &Yaml, node: NodeId) -> Option<&str> {
    match yaml.scalar_value(node)? {
        ScalarValue::Null | ScalarValue::Tagged => None,
        _ => yaml.str(node).filter(|t| !variables::has_variable(t)),
    }
}

/// False when some function or its events may come from elsewhere (an unresolved include).
fn functions_known(yaml: &Yaml, service: &Service) -> bool {
    let Some(root) = service.root else {
        return true;
    };
    let Some(functions) = yaml.get_value(root, "functions") else {
        return true;
    };
    if yaml.is_null(functions) {
        return true;
    }
    let mappings: Vec<NodeId> = match yaml.items(functions) {
        Some(items) => items.to_vec(),
        None => vec![functions],
    };
    if !mappings.iter().all(|&m| yaml.is_mapping(m)) {
        return false;
    }
    service.functions.iter().all(|f| {
        if !yaml.is_mapping(f.node) {
            return yaml.is_null(f.node);
        }
        match yaml.get_value(f.node, "events") {
            None => true,
            Some(events) if yaml.is_null(events) => true,
            Some(events) => yaml
                .items(events)
                .is_some_and(|items| items.iter().all(|&i| yaml.is_mapping(i))),
        }
    })
}

pub(super) fn lower(yaml: &Yaml, service: &Service) -> Generated {
    let mut out = Generated {
        unknown_functions: !functions_known(yaml, service),
        ..Generated::default()
    };
    // The framework skips an event whose `websocket` is null or empty.
    let compiled: Vec<_> = service
        .events
        .iter()
        .filter(|e| !yaml.is_null(e.value) && yaml.str(e.value) != Some(""))
        .collect();
    let Some(first) = compiled.first() else {
        return out;
    };
    out.has_deployment = true;
    match service.api {
        ApiOwner::Service => {
            push(
                &mut out,
                "WebsocketsApi".into(),
                GeneratedKind::Api,
                first.key,
            );
            push(
                &mut out,
                "WebsocketsDeploymentStage".into(),
                GeneratedKind::Stage,
                first.key,
            );
            if let Some(logs) = service.provider_entry(yaml, &["logs", "websocket"]) {
                match yaml.scalar_value(logs.value) {
                    Some(ScalarValue::Null) | Some(ScalarValue::Bool(false)) => {}
                    Some(ScalarValue::Str) if yaml.str(logs.value) == Some("") => {}
                    Some(ScalarValue::Str)
                        if yaml.str(logs.value).is_some_and(variables::has_variable) =>
                    {
                        out.unknown_api = true;
                    }
                    _ => push(
                        &mut out,
                        "WebsocketsLogGroup".into(),
                        GeneratedKind::LogGroup,
                        logs.key,
                    ),
                }
            }
        }
        ApiOwner::Open(_) => out.unknown_api = true,
        ApiOwner::External(_) => {}
    }
    for event in &compiled {
        match &event.route {
            Some(route) if route.known => {
                let normalized = normalized_route(&route.key);
                push(
                    &mut out,
                    format!("{normalized}WebsocketsRoute"),
                    GeneratedKind::Route,
                    route.node,
                );
                let responds = event
                    .route_response
                    .is_some_and(|e| !yaml.is_null(e.value) && yaml.str(e.value) != Some(""));
                if responds {
                    push(
                        &mut out,
                        format!("{normalized}WebsocketsRouteResponse"),
                        GeneratedKind::RouteResponse,
                        route.node,
                    );
                }
            }
            _ => out.unknown_routes = true,
        }
        let function = &service.functions[event.function];
        let normalized = normalized_function(&function.name);
        push(
            &mut out,
            format!("{normalized}WebsocketsIntegration"),
            GeneratedKind::Integration,
            function.key,
        );
        push(
            &mut out,
            format!("{normalized}LambdaPermissionWebsockets"),
            GeneratedKind::Permission,
            function.key,
        );
        if let Some(authorizer) = &event.authorizer {
            match authorizer_name(yaml, authorizer) {
                Some(name) if !name.is_empty() => {
                    let normalized = normalized_function(&name);
                    push(
                        &mut out,
                        format!("{normalized}WebsocketsAuthorizer"),
                        GeneratedKind::Authorizer,
                        authorizer.key,
                    );
                    push(
                        &mut out,
                        format!("{normalized}LambdaPermissionWebsockets"),
                        GeneratedKind::Permission,
                        authorizer.key,
                    );
                }
                _ => out.unknown_authorizers = true,
            }
        }
    }
    out
}

/// The authorizer's name as `validate.js` derives it: the last `:` segment of a string ARN,
/// else `name` (or the string form itself).
fn authorizer_name(yaml: &Yaml, authorizer: &super::Authorizer) -> Option<String> {
    let from_arn = |text: &str| text.rsplit(':').next().map(str::to_string);
    match &authorizer.form {
        AuthorizerForm::String => {
            let text = known(yaml, authorizer.value)?;
            if text.contains(':') {
                from_arn(text)
            } else {
                Some(text.to_string())
            }
        }
        AuthorizerForm::Object { name, arn, .. } => {
            if let Some(arn) = arn.filter(|a| !yaml.is_null(a.value)) {
                let value = yaml.resolve(arn.value);
                let is_function =
                    yaml.is_mapping(value) || yaml.scalar_value(value) == Some(ScalarValue::Tagged);
                if !is_function {
                    let text = yaml.str(value)?;
                    if !text.is_empty() {
                        if variables::has_variable(text) {
                            return None;
                        }
                        return from_arn(text);
                    }
                }
            }
            known(yaml, name.as_ref()?.value).map(str::to_string)
        }
        AuthorizerForm::Other => None,
    }
}

/// A reference to a logical ID in the websocket namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    /// The scalar holding it.
    pub node: NodeId,
    /// Where the name is inside the scalar's value (all of it, or `Name` in a `${Name.Attr}`
    /// of `Fn::Sub`).
    pub span: TextRange,
}

/// Every reference in the configuration to a name of the websocket namespace: `Ref`,
/// `Fn::GetAtt` (list or `A.B` string), `DependsOn` (string or list), and `${Name}` /
/// `${Name.Attr}` in `Fn::Sub` (string, or the first item of the list form, whose variable map
/// shadows the names it defines); long and short (`!Ref`, `!GetAtt`, `!Sub`) forms.
pub fn references(yaml: &Yaml) -> Vec<Reference> {
    let mut out = Vec::new();
    for (id, node) in yaml.nodes() {
        match &node.kind {
            NodeKind::Mapping { entries, .. } => {
                for entry in entries {
                    match yaml.key_text(entry.key) {
                        Some("Ref") => whole(yaml, entry.value, &mut out),
                        Some("DependsOn") => {
                            whole(yaml, entry.value, &mut out);
                            for &item in yaml.items(entry.value).unwrap_or_default() {
                                whole(yaml, item, &mut out);
                            }
                        }
                        Some("Fn::GetAtt") => get_att(yaml, entry.value, &mut out),
                        Some("Fn::Sub") => sub(yaml, entry.value, &mut out),
                        _ => {}
                    }
                }
            }
            NodeKind::Scalar(_) | NodeKind::Sequence { .. } => match yaml.tag(id) {
                Some("!Ref") => whole(yaml, id, &mut out),
                Some("!GetAtt") => get_att(yaml, id, &mut out),
                Some("!Sub") => sub(yaml, id, &mut out),
                _ => {}
            },
            NodeKind::Alias { .. } => {}
        }
    }
    out
}

fn whole(yaml: &Yaml, node: NodeId, out: &mut Vec<Reference>) {
    let NodeKind::Scalar(scalar) = &yaml.node(node).kind else {
        return;
    };
    let name = scalar.value.trim();
    if in_websocket_namespace(name) && name.chars().all(|c| c.is_ascii_alphanumeric()) {
        let start = scalar.value.find(name).unwrap_or(0);
        out.push(Reference {
            name: name.to_string(),
            node,
            span: TextRange::new(start, start + name.len()),
        });
    }
}

fn get_att(yaml: &Yaml, node: NodeId, out: &mut Vec<Reference>) {
    if let Some(&first) = yaml.items(node).and_then(|items| items.first()) {
        whole(yaml, first, out);
        return;
    }
    let NodeKind::Scalar(scalar) = &yaml.node(node).kind else {
        return;
    };
    let name = scalar.value.split('.').next().unwrap_or("");
    if in_websocket_namespace(name) && name.chars().all(|c| c.is_ascii_alphanumeric()) {
        out.push(Reference {
            name: name.to_string(),
            node,
            span: TextRange::new(0, name.len()),
        });
    }
}

fn sub(yaml: &Yaml, node: NodeId, out: &mut Vec<Reference>) {
    let (template, shadowed): (NodeId, Vec<String>) = match yaml.items(node) {
        Some([template, map, ..]) => (
            *template,
            yaml.entries(*map)
                .iter()
                .filter_map(|e| yaml.key_text(e.key).map(str::to_string))
                .collect(),
        ),
        Some([template]) => (*template, Vec::new()),
        Some(_) => return,
        None => (node, Vec::new()),
    };
    let NodeKind::Scalar(scalar) = &yaml.node(template).kind else {
        return;
    };
    let text = &*scalar.value;
    let mut search = 0;
    while let Some(found) = text[search..].find("${") {
        let start = search + found + 2;
        search = start;
        let Some(length) = text[start..].find('}') else {
            break;
        };
        let inner = &text[start..start + length];
        let name = inner.split('.').next().unwrap_or("");
        if in_websocket_namespace(name)
            && name.chars().all(|c| c.is_ascii_alphanumeric())
            && !shadowed.iter().any(|s| s == inner || s == name)
        {
            out.push(Reference {
                name: name.to_string(),
                node: template,
                span: TextRange::new(start, start + name.len()),
            });
        }
    }
}
