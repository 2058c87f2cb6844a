use super::shorten;
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::rules::{declare_rule, Context};
use crate::variables;
use crate::yaml::{NodeId, NodeKind};

declare_rule! {
    /// ## What it does
    /// Reports a variable written with a space after `${`, such as `${ self:custom.table }`.
    ///
    /// ## Why is this bad?
    /// The two major versions of the framework read it differently. v3 recognises a variable
    /// only when a lowercase letter follows `${` right away, so it leaves
    /// `${ self:custom.table }` as literal text: the value deployed is those characters. v4
    /// trims the source and resolves it like `${self:custom.table}`. The same file therefore
    /// means two things, and a service moving from one version to the other changes silently.
    /// Where `frameworkVersion` names one major version the message says which reading
    /// applies; without the space both versions agree. The other rules read the value the same
    /// way: under v4 it is resolved and checked like any value, under v3 it is that text, and
    /// where no single version is named it is unknown.
    ///
    /// The fix removes the spaces inside `${...}`. It keeps the meaning only under v4, so it is
    /// offered as safe where `frameworkVersion` names v4.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   environment:
    ///     TABLE: ${ self:custom.table }
    /// custom:
    ///   table: connections
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
    ///   environment:
    ///     TABLE: ${self:custom.table}
    /// custom:
    ///   table: connections
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS606",
        name: "spaced-variable",
        severity: Some(Severity::Hint),
        fix: Always,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let yaml = ctx.yaml;
    // Values only: the entries' values and the items of sequences (keys are never resolved).
    for (_, node) in yaml.nodes() {
        match &node.kind {
            NodeKind::Mapping { entries, .. } => {
                for entry in entries {
                    report(ctx, entry.value, out);
                }
            }
            NodeKind::Sequence { items, .. } => {
                for &item in items {
                    report(ctx, item, out);
                }
            }
            _ => {}
        }
    }
}

fn report(ctx: &Context, node: NodeId, out: &mut Vec<Diagnostic>) {
    let NodeKind::Scalar(scalar) = &ctx.yaml.node(node).kind else {
        return;
    };
    if !scalar.value.contains("${") {
        return;
    }
    for span in variables::spaced_variables(&scalar.value) {
        let Some(written) = scalar.value.get(span.as_range()) else {
            continue;
        };
        let Some(inner) = written
            .get(2..written.len().saturating_sub(1))
            .map(str::trim)
        else {
            continue;
        };
        let canonical = format!("${{{inner}}}");
        let shown = shorten(written);
        let canonical_shown = shorten(&canonical);
        let meaning = match ctx.service.framework_major {
            Some(3) => format!(
                "`frameworkVersion` names v3, which leaves it as literal text (v4 would resolve it like `{canonical_shown}`)"
            ),
            Some(4) => format!(
                "`frameworkVersion` names v4, which resolves it like `{canonical_shown}` (v3 would leave it as literal text)"
            ),
            _ => format!(
                "v3 leaves it as literal text, v4 resolves it like `{canonical_shown}`: its meaning depends on the framework version"
            ),
        };
        let range = variables::source_range(ctx.text, ctx.yaml, node, span);
        let mut diagnostic = Diagnostic::new(
            &RULE,
            range,
            format!("`{shown}` has a space after `${{`: {meaning}"),
        );
        // Only where the text maps one to one onto the value can it be rewritten in place.
        if variables::exact_source_range(ctx.text, ctx.yaml, node, span).is_some()
            && ctx.text.get(range.as_range()) == Some(written)
        {
            let edit = Edit::replace(range, canonical.clone());
            let message = format!("write `{canonical_shown}`");
            diagnostic = diagnostic.with_fix(if ctx.service.framework_major == Some(4) {
                Fix::safe(message, vec![edit])
            } else {
                Fix::unsafe_(message, vec![edit])
            });
        }
        out.push(diagnostic);
    }
}
