use crate::diagnostics::{Diagnostic, Severity};
use crate::resolve::MissingInclude;
use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `${file(PATH)}` whose PATH names no file relative to the service folder.
    /// Only paths without variables are checked, and only where no fallback follows. The
    /// rule runs when a whole service is linted (the command line, or an editor with the
    /// folder open): linting a text on its own sees no other files.
    ///
    /// ## Why is this bad?
    /// The framework reads `${file(...)}` paths relative to the service folder. A file that
    /// is not there gives no value, and a variable without a value stops the deploy
    /// (`Cannot resolve variable` in v4, `MISSING_VARIABLE_RESULT` in v3), or, worse, leaves
    /// the setting out when a fallback takes over silently.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// custom: ${file(./config/custom.yml)}
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// custom: ${file(./custom.yml)}
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS604",
        name: "include-not-found",
        severity: Some(Severity::Warning),
        fix: None,
        check: None,
    };
}

/// Reports the includes resolution found missing (it reads the files, rules do not).
pub(crate) fn report(missing: &[MissingInclude], out: &mut Vec<Diagnostic>) {
    for include in missing {
        out.push(
            Diagnostic::new(
                &RULE,
                include.range,
                format!(
                    "`{}` names no file in the service folder: the framework finds no value for this variable",
                    include.path
                ),
            )
            .with_help("paths in `${file(...)}` are relative to the folder of serverless.yml"),
        );
    }
}
