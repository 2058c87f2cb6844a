//! WS6xx: variables.

use super::Rule;
use crate::span::TextRange;
use crate::variables::{Source, Variable};

pub(crate) mod include_not_found;
mod spaced_variable;
mod unknown_variable_source;
mod unresolved_self_reference;
pub(crate) mod variable_budget;
mod variable_syntax;

pub(super) static RULES: &[&Rule] = &[
    &variable_syntax::RULE,
    &unresolved_self_reference::RULE,
    &unknown_variable_source::RULE,
    &include_not_found::RULE,
    &variable_budget::RULE,
    &spaced_variable::RULE,
];

/// One source of a variable, as the rules see it.
pub(super) struct SourceUse<'v> {
    pub source: &'v Source,
    /// The `${...}` for a first source, the source's own text for a fallback (`self:x` in
    /// `${opt:x, self:x}`): the narrowest text that names it. A span in the string value.
    pub span: TextRange,
    /// A later fallback (of this variable or of one it is nested in) takes over when this
    /// source has no value.
    pub covered: bool,
}

/// Every source of `variable`, then those of the variables nested in it, in order.
pub(super) fn each_source<'v>(
    variable: &'v Variable,
    covered: bool,
    f: &mut impl FnMut(SourceUse<'v>),
) {
    let count = variable.sources.len();
    for (index, source) in variable.sources.iter().enumerate() {
        let covered = covered || index + 1 < count;
        let span = if index == 0 {
            variable.span
        } else {
            source.span()
        };
        f(SourceUse {
            source,
            span,
            covered,
        });
        for nested in source.nested() {
            each_source(nested, covered, f);
        }
    }
}

/// `text` for a message, cut to a readable length.
pub(super) fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        return crate::diagnostics::shown(text).into_owned();
    }
    let cut: String = text.chars().take(MAX - 1).collect();
    format!("{}…", crate::diagnostics::shown(&cut))
}
