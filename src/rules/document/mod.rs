//! WS0xx: the document and the shape of its websocket parts.

use super::Rule;

mod duplicate_key;
mod yaml_syntax;

pub(super) static RULES: &[&Rule] = &[&yaml_syntax::RULE, &duplicate_key::RULE];
