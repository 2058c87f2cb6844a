//! Documentation of the WebSocket keys and values of a Serverless service, read by hover and
//! completion. The keys' descriptions come from `schemas/serverless-websocket.schema.json` (the
//! schema users of other YAML tools get too); this table adds what a schema cannot say: the
//! kind of value completion offers and the documented values. Paths are key paths from the
//! document root; `*` matches any one key (a function name) and `-` stands for a list item.

use std::sync::OnceLock;

use serde_json::Value;

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

pub struct KeyDoc {
    pub path: &'static [&'static str],
    pub kind: Kind,
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
        kind: Kind::String,
        values: &[],
    },
    KeyDoc {
        path: &["provider", "websocketsApiRouteSelectionExpression"],
        kind: Kind::String,
        values: &[(
            "$request.body.action",
            "The `action` field of a JSON message (the default).",
        )],
    },
    KeyDoc {
        path: &["provider", "websocketsDescription"],
        kind: Kind::String,
        values: &[],
    },
    KeyDoc {
        path: &["provider", "websocket"],
        kind: Kind::Object,
        values: &[],
    },
    KeyDoc {
        path: &["provider", "websocket", "useProviderTags"],
        kind: Kind::Bool,
        values: &[],
    },
    KeyDoc {
        path: &["provider", "apiGateway", "websocketApiId"],
        kind: Kind::String,
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket"],
        kind: Kind::BoolOrObject,
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "level"],
        kind: Kind::String,
        values: LOG_LEVELS,
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "accessLogging"],
        kind: Kind::Bool,
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "executionLogging"],
        kind: Kind::Bool,
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "fullExecutionData"],
        kind: Kind::Bool,
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "format"],
        kind: Kind::String,
        values: &[],
    },
    KeyDoc {
        path: &["functions", "*", "events", "-", "websocket"],
        kind: Kind::StringOrObject,
        values: ROUTE_VALUES,
    },
    KeyDoc {
        path: &["functions", "*", "events", "-", "websocket", "route"],
        kind: Kind::String,
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
        kind: Kind::String,
        values: &[("$default", "Send the function's response to the client.")],
    },
    KeyDoc {
        path: &["functions", "*", "events", "-", "websocket", "authorizer"],
        kind: Kind::StringOrObject,
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
        kind: Kind::String,
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
        kind: Kind::String,
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
        kind: Kind::List,
        values: IDENTITY_SOURCES,
    },
];

impl KeyDoc {
    /// The key's description, from the schema.
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
