//! WS3xx: the WebSocket API itself (provider level).

use super::Rule;

mod external_api_reserved_route;
mod ignored_with_external_api;
mod legacy_key;
mod route_selection_expression;

pub(super) static RULES: &[&Rule] = &[
    &route_selection_expression::RULE,
    &legacy_key::RULE,
    &ignored_with_external_api::RULE,
    &external_api_reserved_route::RULE,
];
