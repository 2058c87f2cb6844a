//! WS4xx: `provider.logs.websocket`, the stage's execution and access logs.

use super::Rule;

mod access_log_format_shape;
mod access_log_missing_request_id;
mod execution_data_logged;
mod invalid_log_level;
mod log_level_ignored;
mod unknown_context_variable;

pub(super) static RULES: &[&Rule] = &[
    &invalid_log_level::RULE,
    &access_log_missing_request_id::RULE,
    &access_log_format_shape::RULE,
    &unknown_context_variable::RULE,
    &execution_data_logged::RULE,
    &log_level_ignored::RULE,
];
