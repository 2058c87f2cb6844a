//! WS0xx: the document and the shape of its websocket parts.

use super::Rule;

mod coerced_type;
mod duplicate_key;
pub(crate) mod shape;
mod unknown_key;
mod wrong_type;
mod yaml_syntax;

pub(super) static RULES: &[&Rule] = &[
    &yaml_syntax::RULE,
    &duplicate_key::RULE,
    &unknown_key::RULE,
    &wrong_type::RULE,
    &coerced_type::RULE,
];
