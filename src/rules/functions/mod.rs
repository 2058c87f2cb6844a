//! WS7xx: functions and handlers.

use super::Rule;

mod custom_role_manage_connections;
pub(crate) mod handler_file_missing;
mod integration_timeout;
mod unknown_websocket_resource;

pub(super) static RULES: &[&Rule] = &[
    &integration_timeout::RULE,
    &handler_file_missing::RULE,
    &custom_role_manage_connections::RULE,
    &unknown_websocket_resource::RULE,
];
