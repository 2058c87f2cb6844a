//! `schemas/serverless-websocket.schema.json` checked with a real JSON Schema validator: it is
//! a valid draft-07 schema, accepts the good fixtures and what the framework accepts (type
//! coercion, shorthand forms, variables), and rejects what the framework rejects.

mod support;

use serde_json::{json, Map, Value};
use ws_lint::yaml::{NodeId, NodeKind, ScalarValue, Yaml};

fn schema() -> Value {
    let text =
        support::read(&support::repo_root().join("schemas/serverless-websocket.schema.json"));
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// A YAML node as the framework's loader sees it; CloudFormation tags become their object form.
fn to_json(yaml: &Yaml, id: NodeId) -> Value {
    let id = yaml.resolve(id);
    let node = yaml.node(id);
    let value = match &node.kind {
        NodeKind::Scalar(scalar) => match yaml.scalar_value(id) {
            Some(ScalarValue::Null) => Value::Null,
            Some(ScalarValue::Bool(b)) => Value::Bool(b),
            Some(ScalarValue::Int) => scalar
                .value
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(scalar.value.to_string())),
            Some(ScalarValue::Float) => scalar
                .value
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                .unwrap_or_else(|| Value::String(scalar.value.to_string())),
            _ => Value::String(scalar.value.to_string()),
        },
        NodeKind::Mapping { .. } => {
            let mut map = Map::new();
            for entry in yaml.entries(id) {
                let key = yaml.str(entry.key).unwrap_or("").to_string();
                map.insert(key, to_json(yaml, entry.value));
            }
            Value::Object(map)
        }
        NodeKind::Sequence { items, .. } => {
            Value::Array(items.iter().map(|&i| to_json(yaml, i)).collect())
        }
        NodeKind::Alias { .. } => Value::Null,
    };
    match yaml.tag(id) {
        Some("!Ref") => json!({ "Ref": value }),
        Some("!GetAtt") => match value {
            Value::String(s) => {
                let parts: Vec<&str> = s.splitn(2, '.').collect();
                json!({ "Fn::GetAtt": parts })
            }
            other => json!({ "Fn::GetAtt": other }),
        },
        Some(tag) if tag.starts_with('!') && !tag.starts_with("!!") => {
            json!({ format!("Fn::{}", &tag[1..]): value })
        }
        _ => value,
    }
}

fn load(text: &str) -> Value {
    let yaml = Yaml::parse(text);
    assert!(yaml.errors().is_empty(), "{text}: {:?}", yaml.errors());
    yaml.root().map_or(Value::Null, |root| to_json(&yaml, root))
}

fn validator() -> jsonschema::Validator {
    let schema = schema();
    assert!(
        jsonschema::draft7::meta::is_valid(&schema),
        "not a valid draft-07 schema"
    );
    jsonschema::draft7::new(&schema).expect("the schema compiles")
}

fn errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    let instance = load(text);
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// A service with one websocket event whose body is `event` (indented under `- websocket:`).
fn event(body: &str) -> String {
    format!(
        "service: chat\nprovider:\n  name: aws\nfunctions:\n  auth:\n    handler: h.auth\n  f:\n    handler: h.f\n    events:\n      - websocket:{body}\n"
    )
}

fn provider(body: &str) -> String {
    format!("service: chat\nprovider:\n  name: aws\n{body}\n")
}

#[test]
fn good_fixtures_are_valid() {
    let validator = validator();
    let dir = support::repo_root().join("tests/fixtures/ok");
    for path in support::files_in(&dir, &["yml", "yaml"]) {
        let text = support::read(&path);
        assert_eq!(
            errors(&validator, &text),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn accepts_what_the_framework_accepts() {
    let validator = validator();
    let valid = [
        event(" $connect"),
        event(" 123"),
        event(" true"),
        event("\n          route: 123"),
        event("\n          route: $connect\n          authorizer: auth"),
        event("\n          route: $connect\n          authorizer: 123"),
        // AJV turns `true` into "true", which is a valid function name.
        event("\n          route: $connect\n          authorizer: true"),
        event("\n          route: $connect\n          authorizer:\n            name: false"),
        event("\n          route: $connect\n          authorizer: arn:aws:lambda:us-east-1:1:function:a"),
        event("\n          route: $connect\n          authorizer:\n            name: auth\n            identitySource: route.request.header.Auth"),
        event("\n          route: $connect\n          authorizer:\n            name: auth\n            identitySource: [1]"),
        event("\n          route: $connect\n          authorizer:\n            name: auth\n            identitySource: []"),
        event("\n          route: $connect\n          authorizer:\n            name: auth\n            arn: arn:aws:lambda:us-east-1:1:function:a"),
        event("\n          route: $connect\n          authorizer:\n            arn: !GetAtt Auth.Arn"),
        event("\n          route: $connect\n          authorizer:\n            arn:\n              Fn::ImportValue: authArn"),
        event("\n          route: ${self:custom.route}\n          authorizer: ${self:custom.authorizer}"),
        event("\n          route: hello\n          routeResponseSelectionExpression: $default"),
        provider("  logs:\n    websocket: true"),
        provider("  logs:\n    websocket: 'true'"),
        provider("  logs:\n    websocket:\n      level: ERROR\n      accessLogging: 'false'\n      executionLogging: false\n      fullExecutionData: true\n      format: '$context.requestId'"),
        provider("  logs:\n    websocket:\n      level: ${param:level}"),
        provider("  websocket:\n    useProviderTags: 'true'"),
        provider("  websocketsApiName: chat-ws\n  websocketsApiRouteSelectionExpression: $request.body.type\n  websocketsDescription: Chat"),
        provider("  apiGateway:\n    websocketApiId: !Ref ExistingApi"),
        "functions:\n  - a:\n      handler: h.a\n      events:\n        - websocket: $default\n  - ${file(more.yml)}\n".to_string(),
    ];
    for text in &valid {
        assert_eq!(errors(&validator, text), Vec::<String>::new(), "{text}");
    }
}

#[test]
fn rejects_what_the_framework_rejects() {
    let validator = validator();
    let invalid = [
        event(""),
        event(" [a]"),
        event("\n          routeKey: $connect"),
        event("\n          route: $connect\n          cors: true"),
        event("\n          route: $connect\n          authorizer: auth\n          identitySource: [route.request.header.Auth]"),
        event("\n          route: $connect\n          authorizer: has space"),
        event("\n          route: $connect\n          authorizer:\n            name: arn:aws:lambda:us-east-1:1:function:a"),
        event("\n          route: $connect\n          authorizer:\n            identitySource: [route.request.header.Auth]"),
        event("\n          route: $connect\n          authorizer:\n            name: auth\n            type: request"),
        event("\n          route: $connect\n          authorizer:\n            arn: !If [c, a, b]"),
        event("\n          route: hello\n          routeResponseSelectionExpression: $request.body"),
        provider("  logs:\n    websocket:\n      level: info"),
        provider("  logs:\n    websocket:\n      logGroup: x"),
        provider("  logs:\n    websocket: yes please"),
        provider("  websocket:\n    useProviderTags: true\n    tags: {}"),
        "functions:\n  bad name:\n    handler: h\n".to_string(),
    ];
    for text in &invalid {
        assert!(!errors(&validator, text).is_empty(), "accepted:\n{text}");
    }
}
