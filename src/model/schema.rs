//! The keys the framework's schema gives the websocket parts of a service (the `websocket` event's in `compile/events/websockets/index.js`, the provider's in `lib/plugins/aws/provider.js`), and
//! the neighbouring keys people write there by mistake.

/// Settings of `http` events (the framework's and common plugins'), seen on websocket events.
pub const HTTP_EVENT_KEYS: &[&str] = &[
    "path",
    "method",
    "cors",
    "private",
    "async",
    "request",
    "response",
    "integration",
    "operationId",
    "connectionType",
    "connectionId",
    "documentation",
    "reqValidatorName",
    "caching",
    "throttling",
];

/// What the framework's schema accepts for a key before AJV's coercion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// `{type: string}`.
    String,
    /// `{type: boolean}`.
    Boolean,
    /// `{type: array, items: {type: string}}`.
    StringList,
    /// `{enum: [...]}`: no `type`, so no coercion.
    OneOf(&'static [&'static str]),
    /// `{const: ...}`: no coercion either.
    Const(&'static str),
    /// `awsArn`: a string matching `^arn:`, or a CloudFormation function.
    Arn,
    /// A string, or a CloudFormation function (`websocketApiId`).
    StringOrCfFunction,
    /// A string shorthand, or an object of the keys below it.
    StringOrObject,
    /// `true`/`false`, or an object of the keys below it.
    BooleanOrObject,
    /// An object of the keys below it.
    Object,
}

/// One key: its path from the document root (`*` for any function name, `-` for a list item)
/// and what its value may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchemaKey {
    pub path: &'static [&'static str],
    pub value: ValueType,
}

impl SchemaKey {
    pub fn name(&self) -> &'static str {
        self.path.last().copied().unwrap_or("")
    }
}

const EVENT: &[&str] = &["functions", "*", "events", "-", "websocket"];

/// Every websocket key of a service, children in the order messages list them. The shape rules
/// (WS003–WS005) and the editor's documentation read it; a test holds
/// `schemas/serverless-websocket.schema.json` to it key by key.
pub const KEYS: &[SchemaKey] = &[
    key(&["provider", "websocketsApiName"], ValueType::String),
    key(
        &["provider", "websocketsApiRouteSelectionExpression"],
        ValueType::String,
    ),
    key(&["provider", "websocketsDescription"], ValueType::String),
    key(&["provider", "websocket"], ValueType::Object),
    key(
        &["provider", "websocket", "useProviderTags"],
        ValueType::Boolean,
    ),
    key(
        &["provider", "apiGateway", "websocketApiId"],
        ValueType::StringOrCfFunction,
    ),
    key(
        &["provider", "logs", "websocket"],
        ValueType::BooleanOrObject,
    ),
    key(
        &["provider", "logs", "websocket", "accessLogging"],
        ValueType::Boolean,
    ),
    key(
        &["provider", "logs", "websocket", "executionLogging"],
        ValueType::Boolean,
    ),
    key(
        &["provider", "logs", "websocket", "format"],
        ValueType::String,
    ),
    key(
        &["provider", "logs", "websocket", "fullExecutionData"],
        ValueType::Boolean,
    ),
    key(
        &["provider", "logs", "websocket", "level"],
        ValueType::OneOf(&["INFO", "ERROR"]),
    ),
    key(EVENT, ValueType::StringOrObject),
    key(
        &["functions", "*", "events", "-", "websocket", "route"],
        ValueType::String,
    ),
    key(
        &[
            "functions",
            "*",
            "events",
            "-",
            "websocket",
            "routeResponseSelectionExpression",
        ],
        ValueType::Const("$default"),
    ),
    key(
        &["functions", "*", "events", "-", "websocket", "authorizer"],
        ValueType::StringOrObject,
    ),
    key(
        &[
            "functions",
            "*",
            "events",
            "-",
            "websocket",
            "authorizer",
            "name",
        ],
        ValueType::String,
    ),
    key(
        &[
            "functions",
            "*",
            "events",
            "-",
            "websocket",
            "authorizer",
            "arn",
        ],
        ValueType::Arn,
    ),
    key(
        &[
            "functions",
            "*",
            "events",
            "-",
            "websocket",
            "authorizer",
            "identitySource",
        ],
        ValueType::StringList,
    ),
];

const fn key(path: &'static [&'static str], value: ValueType) -> SchemaKey {
    SchemaKey { path, value }
}

/// The key at `path`.
pub fn get(path: &[&str]) -> Option<&'static SchemaKey> {
    KEYS.iter().find(|k| k.path == path)
}

/// The keys directly below `parent`, in the table's order.
pub fn children<'a>(parent: &'a [&'a str]) -> impl Iterator<Item = &'static SchemaKey> + 'a {
    KEYS.iter()
        .filter(move |k| k.path.len() == parent.len() + 1 && k.path.starts_with(parent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_its_parent_and_objects_have_children() {
        for key in KEYS {
            if let Some((_, parent)) = key.path.split_last() {
                let nested = parent.len() > 1 && parent != ["provider", "apiGateway"];
                let nested = nested && parent != ["provider", "logs"] && parent != &EVENT[..4];
                if nested {
                    assert!(get(parent).is_some(), "{:?} has no parent", key.path);
                }
            }
            let has_children = children(key.path).next().is_some();
            let object = matches!(
                key.value,
                ValueType::Object | ValueType::StringOrObject | ValueType::BooleanOrObject
            );
            assert_eq!(has_children, object, "{:?}", key.path);
        }
    }
}
