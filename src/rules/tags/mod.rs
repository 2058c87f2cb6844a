//! WS5xx: tags on the WebSocket API.

use super::Rule;

mod provider_tags_not_applied;
mod use_provider_tags_without_tags;

pub(super) static RULES: &[&Rule] = &[
    &provider_tags_not_applied::RULE,
    &use_provider_tags_without_tags::RULE,
];
