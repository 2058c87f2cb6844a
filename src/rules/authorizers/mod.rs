//! WS2xx: authorizers.

use super::Rule;

mod authorizer_not_on_connect;

pub(super) static RULES: &[&Rule] = &[&authorizer_not_on_connect::RULE];
