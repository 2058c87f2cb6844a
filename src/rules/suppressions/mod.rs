//! WS9xx: suppression comments. The diagnostics come from `crate::suppression`; these files hold
//! the rules' identity and documentation.

use super::Rule;

pub(crate) mod invalid_suppression;
pub(crate) mod unused_suppression;

pub(super) static RULES: &[&Rule] = &[&unused_suppression::RULE, &invalid_suppression::RULE];
