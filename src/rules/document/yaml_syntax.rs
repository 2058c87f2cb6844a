use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};
use crate::yaml::YamlErrorKind;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid YAML (or, for `serverless.json`, not valid JSON), with the
    /// parser's message at the position where it gave up.
    ///
    /// ## Why is this bad?
    /// The framework loads the file with js-yaml and stops with a syntax error before it looks at
    /// anything else: nothing deploys. While the file does not parse, ws-lint reports only this
    /// (and duplicate keys), since every other finding would be guesswork.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///      events:
    ///       - websocket: $connect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS001",
        name: "yaml-syntax",
        severity: Some(Severity::Error),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for error in ctx.yaml.errors() {
        if error.kind == YamlErrorKind::Syntax {
            let language = match ctx.format {
                crate::model::FileFormat::Yaml => "YAML",
                crate::model::FileFormat::Json => "JSON",
            };
            out.push(Diagnostic::new(
                &RULE,
                error.range,
                format!("invalid {language}: {}", error.message),
            ));
        }
    }
}
