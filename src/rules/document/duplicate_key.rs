use crate::diagnostics::{Diagnostic, Severity};
use crate::model::FileFormat;
use crate::rules::{declare_rule, Context};
use crate::yaml::YamlErrorKind;

declare_rule! {
    /// ## What it does
    /// Reports a key written twice in the same mapping, with the first one as a related location.
    ///
    /// ## Why is this bad?
    /// js-yaml, the framework's YAML loader, refuses the whole file ("duplicated mapping key").
    /// In `serverless.json`, `JSON.parse` keeps the last value without a word, so the first one
    /// silently does nothing.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///   connect:
    ///     handler: handler.other
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///   other:
    ///     handler: handler.other
    /// ```
    pub static RULE = {
        code: "WS002",
        name: "duplicate-key",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for error in ctx.yaml.errors() {
        let YamlErrorKind::DuplicateKey { first } = error.kind else {
            continue;
        };
        let key = crate::diagnostics::shown(&ctx.text[error.range.as_range()]);
        let message = match ctx.format {
            FileFormat::Yaml => {
                format!("duplicate key `{key}`: the framework's YAML loader refuses the file")
            }
            FileFormat::Json => {
                format!("duplicate key `{key}`: only the last one is used, the first is ignored")
            }
        };
        out.push(
            Diagnostic::new(&RULE, error.range, message)
                .with_related(first, format!("`{key}` first defined here")),
        );
    }
}
