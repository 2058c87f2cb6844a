//! Documentation of the WebSocket keys and values of a Serverless service, read by hover and
//! completion. The keys' descriptions come from `schemas/serverless-websocket.schema.json` (the
//! schema users of other YAML tools get too); this table adds what a schema cannot say: the
//! kind of value completion offers and the documented values. Paths are key paths from the
//! document root; `*` matches any one key (a function name) and `-` stands for a list item.

use std::sync::OnceLock;

use serde_json::Value;

use crate::model::schema::{self, ValueType};

/// The JSON Schema of the WebSocket parts of a service (draft-07).
pub const SCHEMA: &str = include_str!("../../schemas/serverless-websocket.schema.json");

fn schema() -> &'static Value {
    static SCHEMA_VALUE: OnceLock<Value> = OnceLock::new();
    SCHEMA_VALUE.get_or_init(|| serde_json::from_str(SCHEMA).unwrap_or(Value::Null))
}

/// Follows a local `$ref` (`#/definitions/x`).
fn resolve(node: &'static Value) -> &'static Value {
    let mut current = node;
    for _ in 0..16 {
        let Some(target) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
            .and_then(|name| schema().get("definitions")?.get(name))
        else {
            break;
        };
        current = target;
    }
    current
}

/// The schema of `segment` inside `node` (a key, `*` for any key, `-` for a list item),
/// looking through `anyOf` branches.
fn child(node: &'static Value, segment: &str, depth: usize) -> Option<&'static Value> {
    if depth > 8 {
        return None;
    }
    let node = resolve(node);
    let direct = match segment {
        "-" => node.get("items").filter(|i| i.is_object()),
        "*" => node
            .get("patternProperties")
            .and_then(|p| p.as_object()?.values().next())
            .or_else(|| node.get("additionalProperties").filter(|a| a.is_object())),
        key => node.get("properties").and_then(|p| p.get(key)),
    };
    direct.or_else(|| {
        node.get("anyOf")?
            .as_array()?
            .iter()
            .find_map(|branch| child(branch, segment, depth + 1))
    })
}

/// The schema's description of the key at `path` (a normalized path).
pub fn description(path: &[&str]) -> Option<&'static str> {
    let mut node = schema();
    for segment in path {
        node = child(node, segment, 0)?;
    }
    node.get("description")
        .or_else(|| resolve(node).get("description"))
        .and_then(Value::as_str)
}

/// What a key's value is, for completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Bool,
    Object,
    List,
    /// A string, or an object (the long form).
    StringOrObject,
    /// `true`/`false`, or an object.
    BoolOrObject,
}

/// A key of the schema table ([`crate::model::schema::KEYS`]) with what the editor adds.
pub struct KeyDoc {
    pub path: &'static [&'static str],
    /// Documented values: (value, explanation).
    pub values: &'static [(&'static str, &'static str)],
}

const ROUTE_VALUES: &[(&str, &str)] = &[
    (
        "$connect",
        "Runs when a client opens a connection. The only route where an authorizer runs; \
         returning a non-2xx status rejects the connection.",
    ),
    (
        "$disconnect",
        "Runs after a connection closed (best effort: not guaranteed to run). The connection \
         can no longer receive messages.",
    ),
    (
        "$default",
        "Runs for messages whose route selection expression matches no other route (and when \
         it evaluates to nothing).",
    ),
];

const IDENTITY_SOURCES: &[(&str, &str)] = &[
    (
        "route.request.header.Auth",
        "The `Auth` request header (the framework's default identity source).",
    ),
    (
        "route.request.querystring.token",
        "A query string parameter of the connect request (browsers cannot set headers on a \
         WebSocket).",
    ),
    ("stageVariables.name", "A stage variable."),
    ("context.name", "A context parameter."),
];

const LOG_LEVELS: &[(&str, &str)] = &[
    ("INFO", "Log every request's execution (the default)."),
    ("ERROR", "Log only requests that fail."),
];

pub const KEYS: &[KeyDoc] = &[
    KeyDoc {
        path: &["provider", "websocketsApiName"],
        values: &[],
    },
    KeyDoc {
        path: &["provider", "websocketsApiRouteSelectionExpression"],
        values: &[(
            "$request.body.action",
            "The `action` field of a JSON message (the default).",
        )],
    },
    KeyDoc {
        path: &["provider", "websocketsDescription"],
        values: &[],
    },
    KeyDoc {
        path: &["provider", "websocket"],
        values: &[],
    },
    KeyDoc {
        path: &["provider", "websocket", "useProviderTags"],
        values: &[],
    },
    KeyDoc {
        path: &["provider", "apiGateway", "websocketApiId"],
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket"],
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "level"],
        values: LOG_LEVELS,
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "accessLogging"],
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "executionLogging"],
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "fullExecutionData"],
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "format"],
        values: &[],
    },
    KeyDoc {
        path: &["functions", "*", "events", "-", "websocket"],
        values: ROUTE_VALUES,
    },
    KeyDoc {
        path: &["functions", "*", "events", "-", "websocket", "route"],
        values: ROUTE_VALUES,
    },
    KeyDoc {
        path: &[
            "functions",
            "*",
            "events",
            "-",
            "websocket",
            "routeResponseSelectionExpression",
        ],
        values: &[("$default", "Send the function's response to the client.")],
    },
    KeyDoc {
        path: &["functions", "*", "events", "-", "websocket", "authorizer"],
        values: &[],
    },
    KeyDoc {
        path: &[
            "functions",
            "*",
            "events",
            "-",
            "websocket",
            "authorizer",
            "name",
        ],
        values: &[],
    },
    KeyDoc {
        path: &[
            "functions",
            "*",
            "events",
            "-",
            "websocket",
            "authorizer",
            "arn",
        ],
        values: &[],
    },
    KeyDoc {
        path: &[
            "functions",
            "*",
            "events",
            "-",
            "websocket",
            "authorizer",
            "identitySource",
        ],
        values: IDENTITY_SOURCES,
    },
];

impl KeyDoc {
    /// The key's description, from the schema.
    /// What completion offers for the value, from the key's type in the schema table.
    pub fn kind(&self) -> Kind {
        match schema::get(self.path).map(|key| key.value) {
            Some(ValueType::Boolean) => Kind::Bool,
            Some(ValueType::StringList) => Kind::List,
            Some(ValueType::StringOrObject) => Kind::StringOrObject,
            Some(ValueType::BooleanOrObject) => Kind::BoolOrObject,
            Some(ValueType::Object) => Kind::Object,
            Some(
                ValueType::String
                | ValueType::OneOf(_)
                | ValueType::Const(_)
                | ValueType::Arn
                | ValueType::StringOrCfFunction,
            )
            | None => Kind::String,
        }
    }

    pub fn doc(&self) -> &'static str {
        description(self.path).unwrap_or("")
    }
}

/// Drops the `-` of the list form of `functions` (`functions: [{a: ...}]`), so one pattern
/// serves both forms.
pub fn normalize(path: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = path.iter().map(String::as_str).collect();
    if out.len() >= 2 && out[0] == "functions" && out[1] == "-" {
        out.remove(1);
    }
    out
}

fn matches(pattern: &[&str], path: &[&str]) -> bool {
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(path)
            .all(|(p, k)| *p == "*" && *k != "-" || p == k)
}

/// The documentation of the key at `path` (a normalized path).
pub fn key(path: &[&str]) -> Option<&'static KeyDoc> {
    KEYS.iter().find(|k| matches(k.path, path))
}

/// The documented keys directly inside the mapping at `path`.
pub fn children<'a>(path: &'a [&'a str]) -> impl Iterator<Item = &'static KeyDoc> + 'a {
    KEYS.iter().filter(move |k| {
        k.path
            .split_last()
            .is_some_and(|(_, parent)| matches(parent, path))
    })
}

/// The name of a key doc (its last path segment).
pub fn name(doc: &KeyDoc) -> &'static str {
    doc.path.last().copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a schema node accepts, through `anyOf` and `$ref`: its `type`s, `enum:`/`const:`
    /// values, and `cf` for a CloudFormation function. The editor schema's `variable`
    /// alternative (a `${...}` string anywhere) is left out: it says nothing about the type.
    fn accepted(node: &'static Value, out: &mut std::collections::BTreeSet<String>) {
        match node.get("$ref").and_then(Value::as_str) {
            Some("#/definitions/variable") => return,
            Some("#/definitions/awsCfFunction") => {
                out.insert("cf".to_string());
                return;
            }
            Some(_) => return accepted(resolve(node), out),
            None => {}
        }
        match node.get("type") {
            Some(Value::String(t)) => {
                out.insert(t.clone());
            }
            Some(Value::Array(types)) => {
                out.extend(types.iter().filter_map(Value::as_str).map(str::to_string))
            }
            _ => {}
        }
        for value in node
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.insert(format!("enum:{}", value.as_str().unwrap_or("?")));
        }
        if let Some(value) = node.get("const").and_then(Value::as_str) {
            out.insert(format!("const:{value}"));
        }
        for branch in node
            .get("anyOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            accepted(branch, out);
        }
    }

    /// The property names an object schema node allows, through `anyOf` and `$ref`.
    fn properties(node: &'static Value, out: &mut Vec<String>) {
        // A CloudFormation function's keys (`Ref`, `Fn::GetAtt`...) are not settings.
        if node.get("$ref").and_then(Value::as_str) == Some("#/definitions/awsCfFunction") {
            return;
        }
        let node = resolve(node);
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            out.extend(props.keys().cloned());
        }
        for branch in node
            .get("anyOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            properties(branch, out);
        }
    }

    #[test]
    fn the_json_schema_agrees_with_the_model_key_by_key_and_type_by_type() {
        use crate::model::schema::{self, ValueType};
        for key in schema::KEYS {
            let mut node = schema();
            for segment in key.path {
                node = child(node, segment, 0)
                    .unwrap_or_else(|| panic!("{:?} is not in the JSON schema", key.path));
            }
            let mut found = std::collections::BTreeSet::new();
            accepted(node, &mut found);
            // The editor schema also takes numbers and booleans where a string is expected,
            // and the strings "true"/"false" where a boolean is: AJV's coercion.
            let coerced_string = ["boolean", "number", "string"];
            let expected: Vec<String> = match key.value {
                ValueType::String => coerced_string.iter().map(|t| t.to_string()).collect(),
                ValueType::Boolean => ["boolean", "enum:false", "enum:true", "string"]
                    .iter()
                    .map(|t| t.to_string())
                    .collect(),
                // A scalar becomes a one-item list.
                ValueType::StringList => coerced_string
                    .iter()
                    .chain(&["array"])
                    .map(|t| t.to_string())
                    .collect(),
                ValueType::OneOf(values) => values.iter().map(|v| format!("enum:{v}")).collect(),
                ValueType::Const(value) => vec![format!("const:{value}")],
                ValueType::Arn => vec!["cf".into(), "string".into()],
                ValueType::StringOrCfFunction => vec!["cf".into(), "string".into()],
                ValueType::StringOrObject => coerced_string
                    .iter()
                    .chain(&["object"])
                    .map(|t| t.to_string())
                    .collect(),
                ValueType::BooleanOrObject => {
                    ["boolean", "enum:false", "enum:true", "object", "string"]
                        .iter()
                        .map(|t| t.to_string())
                        .collect()
                }
                ValueType::Object => vec!["object".into()],
            };
            let expected: std::collections::BTreeSet<String> = expected.into_iter().collect();
            assert_eq!(found, expected, "{:?}", key.path);
            let mut names = Vec::new();
            properties(node, &mut names);
            let mut model: Vec<String> = schema::children(key.path)
                .map(|k| k.name().to_string())
                .collect();
            names.sort();
            model.sort();
            assert_eq!(names, model, "the keys under {:?}", key.path);
        }
    }

    #[test]
    fn documents_exactly_the_keys_of_the_schema_table() {
        let mut documented: Vec<_> = KEYS.iter().map(|k| k.path).collect();
        let mut table: Vec<_> = schema::KEYS.iter().map(|k| k.path).collect();
        documented.sort();
        table.sort();
        assert_eq!(documented, table);
    }

    #[test]
    fn documents_every_reserved_route() {
        let documented: Vec<_> = ROUTE_VALUES.iter().map(|(route, _)| *route).collect();
        assert_eq!(documented, crate::model::RESERVED_ROUTES);
    }

    #[test]
    fn finds_keys_and_children_in_both_function_forms() {
        let path: Vec<String> = ["functions", "-", "f", "events", "-", "websocket"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let path = normalize(&path);
        assert!(key(&path).is_some());
        let names: Vec<_> = children(&path).map(name).collect();
        assert_eq!(
            names,
            ["route", "routeResponseSelectionExpression", "authorizer"]
        );
    }

    #[test]
    fn every_documented_key_has_a_description_in_the_schema() {
        assert!(schema().is_object(), "the schema does not parse");
        for key in KEYS {
            assert!(!key.doc().is_empty(), "{:?} has no description", key.path);
        }
    }
}
