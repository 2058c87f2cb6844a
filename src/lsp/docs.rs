//! Documentation of the WebSocket keys and values of a Serverless service: one table, read by
//! hover and completion. Paths are key paths from the document root; `*` matches any one key (a
//! function name) and `-` stands for a list item.

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
    pub doc: &'static str,
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
        doc: "Name of the WebSocket API. Default: `${stage}-${service}-websockets`.",
        values: &[],
    },
    KeyDoc {
        path: &["provider", "websocketsApiRouteSelectionExpression"],
        kind: Kind::String,
        doc: "How API Gateway picks a route for an incoming message. Default: \
              `$request.body.action` (the `action` field of a JSON message). Messages that match \
              no route go to `$default`.",
        values: &[(
            "$request.body.action",
            "The `action` field of a JSON message (the default).",
        )],
    },
    KeyDoc {
        path: &["provider", "websocketsDescription"],
        kind: Kind::String,
        doc: "Description of the WebSocket API, its deployment and its stage. Default: \
              `Serverless Websockets`.",
        values: &[],
    },
    KeyDoc {
        path: &["provider", "websocket"],
        kind: Kind::Object,
        doc: "Settings of the WebSocket API. Its only key is `useProviderTags`.",
        values: &[],
    },
    KeyDoc {
        path: &["provider", "websocket", "useProviderTags"],
        kind: Kind::Bool,
        doc: "Copy `provider.tags` to the WebSocket API. Default: `false` (the API gets no tags).",
        values: &[],
    },
    KeyDoc {
        path: &["provider", "apiGateway", "websocketApiId"],
        kind: Kind::String,
        doc: "Use an existing WebSocket API instead of creating one. No stage, log group or log \
              settings are created then: `provider.logs.websocket` is ignored.",
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket"],
        kind: Kind::BoolOrObject,
        doc: "Logging of the WebSocket stage. `true` or an object turns it on, with defaults: \
              access logging on, execution logging on, full execution data on, level `INFO`. \
              Needs the account-level CloudWatch role.",
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "level"],
        kind: Kind::String,
        doc: "Execution log level: `INFO` (default) or `ERROR`, upper case. Ignored when \
              `executionLogging` is `false`.",
        values: LOG_LEVELS,
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "accessLogging"],
        kind: Kind::Bool,
        doc: "Write access logs (one line per request, in `format`). Default: `true`.",
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "executionLogging"],
        kind: Kind::Bool,
        doc: "Write execution logs. Default: `true`; `false` sets the logging level to `OFF`.",
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "fullExecutionData"],
        kind: Kind::Bool,
        doc: "Log full requests and responses (message bodies included). Default: `true`.",
        values: &[],
    },
    KeyDoc {
        path: &["provider", "logs", "websocket", "format"],
        kind: Kind::String,
        doc: "Access log line format, with `$context.` variables. Must include \
              `$context.requestId`.",
        values: &[],
    },
    KeyDoc {
        path: &["functions", "*", "events", "-", "websocket"],
        kind: Kind::StringOrObject,
        doc: "A WebSocket route handled by this function: a route key (`websocket: $connect`), \
              or an object with `route`, and optionally `routeResponseSelectionExpression` and \
              `authorizer`.",
        values: ROUTE_VALUES,
    },
    KeyDoc {
        path: &["functions", "*", "events", "-", "websocket", "route"],
        kind: Kind::String,
        doc: "The route key: `$connect`, `$disconnect`, `$default`, or a custom key matched \
              against the route selection expression (by default the `action` field of a JSON \
              message). Custom keys must not start with `$`.",
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
        doc: "Send the function's return value back to the client. The only accepted value is \
              `$default`.",
        values: &[("$default", "Send the function's response to the client.")],
    },
    KeyDoc {
        path: &["functions", "*", "events", "-", "websocket", "authorizer"],
        kind: Kind::StringOrObject,
        doc: "A Lambda authorizer: a function name of this service, an ARN, or an object with \
              `name` or `arn` and `identitySource`. API Gateway runs authorizers on `$connect` \
              only.",
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
        doc: "The authorizer function, by its key under `functions`.",
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
        doc: "The authorizer function's ARN (a function outside this service).",
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
        doc: "Where the identity comes from: a list like `route.request.header.Auth` or \
              `route.request.querystring.token`. Default: `route.request.header.Auth`. If a \
              listed source is missing, API Gateway answers 401 without calling the authorizer. \
              (`$request.header.X` is the HTTP API form, not this one.)",
        values: IDENTITY_SOURCES,
    },
];

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
}
