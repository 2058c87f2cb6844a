//! WS7xx: functions and handlers.

use super::Rule;

mod custom_role_manage_connections;
mod integration_timeout;

pub(super) static RULES: &[&Rule] = &[
    &integration_timeout::RULE,
    &custom_role_manage_connections::RULE,
];
