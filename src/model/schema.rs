//! The keys the framework's schema gives the websocket parts of a service (facts §1, §2), and
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
