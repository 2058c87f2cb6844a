use crate::diagnostics::{Diagnostic, Severity};
use crate::resolve::MissingInclude;
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports a `${file(PATH)}` whose PATH names no file relative to the service folder,
    /// or names one outside the project. Only paths without variables are checked, and a
    /// missing file only where no fallback follows. The rule runs when a whole service is
    /// linted (the command line, or an editor with the folder open): linting a text on its
    /// own sees no other files.
    ///
    /// ws-lint reads files only inside the project: the folder holding the nearest `.git`
    /// above the service folder (the service folder when there is none), plus the folders
    /// `[files] include-roots` names in `ws-lint.toml`. Symbolic links are resolved first.
    /// A file outside (`../../secrets.json`, `/etc/passwd`, a link leading out) is never
    /// opened: the rule says so, and nothing of the file appears in any output.
    ///
    /// ## Why is this bad?
    /// The framework reads `${file(...)}` paths relative to the service folder. A file that
    /// is not there gives no value, and a variable without a value stops the deploy
    /// (`Cannot resolve variable` in v4, `MISSING_VARIABLE_RESULT` in v3), or, worse, leaves
    /// the setting out when a fallback takes over silently. A file outside the project is
    /// left unchecked: in CI on a pull request, reading it could print a file of the runner
    /// (a token, a key) into the pull request's annotations.
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
        check: Some(check),
    };
}

/// Reports the includes resolution found missing or outside the project (it reads the
/// files, rules do not). Nothing of an outside file is in the message: it was never read.
fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // A text linted on its own includes nothing: there is nothing to say about its includes.
    if ctx.files.is_none() {
        return;
    }
    report(ctx.missing_includes, out);
}

fn report(missing: &[MissingInclude], out: &mut Vec<Diagnostic>) {
    for include in missing {
        let diagnostic = if include.outside {
            Diagnostic::new(
                &RULE,
                include.range,
                format!(
                    "`{}` is outside the project and was not read: ws-lint reads only files under the project root, so this value is not checked",
                    include.path
                ),
            )
            .with_help("the project root is the folder holding `.git` (else the service folder); `[files] include-roots` in ws-lint.toml adds folders")
        } else {
            Diagnostic::new(
                &RULE,
                include.range,
                format!(
                    "`{}` names no file in the service folder: the framework finds no value for this variable",
                    include.path
                ),
            )
            .with_help("paths in `${file(...)}` are relative to the folder of serverless.yml")
        };
        out.push(diagnostic);
    }
}
