use super::{is_local_entry, known_string, name_from_arn, string_arn};
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::model::{AuthorizerForm, FileFormat};
use crate::rules::edits::entry_lines;
use crate::rules::{declare_rule, Context};

declare_rule! {
    /// ## What it does
    /// Reports `name:` in an authorizer whose `arn:` is a string.
    ///
    /// ## Why is this bad?
    /// With a string `arn`, the framework always names the authorizer after the ARN's last `:`
    /// segment (`arn:...:function:auth` gives `auth`, `arn:...:function:auth:prod` gives `prod`)
    /// and silently ignores `name`, even though its own documentation shows both together. The
    /// name you chose appears nowhere in the deployed API.
    ///
    /// The fix removes `name:`, which changes nothing in the deployment. To choose the name,
    /// give `arn` as a CloudFormation function (for example `!Sub`), which takes `name` as given.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///           authorizer:
    ///             name: sharedAuthorizer
    ///             arn: arn:aws:lambda:us-east-1:123456789012:function:auth
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket:
    ///           route: $connect
    ///           authorizer:
    ///             arn: arn:aws:lambda:us-east-1:123456789012:function:auth
    /// ```
    pub static RULE = {
        code: "WS204",
        name: "authorizer-name-ignored",
        severity: Some(Severity::Warning),
        fix: Sometimes,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    for (_, authorizer) in ctx.service.authorizers() {
        let AuthorizerForm::Object {
            name: Some(name), ..
        } = &authorizer.form
        else {
            continue;
        };
        let Some((arn_node, arn)) = string_arn(ctx, authorizer) else {
            continue;
        };
        let derived = name_from_arn(arn);
        let message = match derived {
            Some(derived) => format!(
                "`name` is ignored when `arn` is a string: the framework names the authorizer `{derived}`, after the ARN's last `:` segment"
            ),
            None => "`name` is ignored when `arn` is a string: the framework names the authorizer after the ARN's last `:` segment".to_string(),
        };
        let mut diagnostic = Diagnostic::new(&RULE, yaml.range(name.key), message)
            .with_related(yaml.range(arn_node), "the string ARN");
        if let (Some(derived), Some(given)) = (derived, known_string(ctx, name.value)) {
            if derived != given {
                diagnostic = diagnostic.with_help(format!(
                    "the authorizer is named `{derived}`, not `{given}`; to choose the name, give `arn` as a CloudFormation function (`!Sub`), which takes `name` as given"
                ));
            }
        }
        // Removing a line of JSON may leave a dangling comma.
        if ctx.format == FileFormat::Yaml && is_local_entry(yaml, authorizer.value, *name) {
            if let Some(lines) = entry_lines(ctx, name.key, name.value) {
                diagnostic = diagnostic.with_fix(Fix::safe(
                    "remove `name`, which has no effect",
                    vec![Edit::delete(lines)],
                ));
            }
        }
        out.push(diagnostic);
    }
}
