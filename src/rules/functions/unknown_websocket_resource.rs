use crate::diagnostics::{shown, Diagnostic, Edit, Fix, Severity};
use crate::model::generated::{references, Reference};
use crate::model::ApiOwner;
use crate::rules::{declare_rule, Context};
use crate::variables;
use crate::yaml::NodeId;

declare_rule! {
    /// ## What it does
    /// Reports a CloudFormation reference (`Ref`, `Fn::GetAtt`, `DependsOn`, or `${Name}` inside
    /// `Fn::Sub`, long or short form) to a name of the framework's websocket namespace
    /// (`WebsocketsApi`, `WebsocketsDeploymentStage`, `WebsocketsLogGroup`, `<x>WebsocketsRoute`,
    /// `<x>WebsocketsIntegration`, `<x>WebsocketsAuthorizer`, `<x>WebsocketsRouteResponse`,
    /// `<x>LambdaPermissionWebsockets`) that this service does not generate and
    /// `resources.Resources` does not define. Suggests the generated name when one is close.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the whole template: `Template format error: Unresolved resource
    /// dependencies [Name] in the Resources block of the template`. The usual causes: the
    /// service has no websocket events (so nothing of the namespace exists), the API is
    /// external (`provider.apiGateway.websocketApiId`: no `WebsocketsApi`, stage or log group),
    /// or the name is normalised the wrong way. Route IDs keep the route's case
    /// (`sendMessageWebsocketsRoute` for route `sendMessage`, `$` spelled `S`), while function
    /// and authorizer IDs start upper-case (`SendMessageWebsocketsIntegration`). Names outside
    /// this namespace are left alone: other plugins generate their own.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   environment:
    ///     ROUTE_ID:
    ///       Ref: SendMessageWebsocketsRoute
    /// functions:
    ///   sendMessage:
    ///     handler: handler.sendMessage
    ///     events:
    ///       - websocket: sendMessage
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   environment:
    ///     ROUTE_ID:
    ///       Ref: sendMessageWebsocketsRoute
    /// functions:
    ///   sendMessage:
    ///     handler: handler.sendMessage
    ///     events:
    ///       - websocket: sendMessage
    /// ```
    pub static RULE = {
        code: "WS704",
        name: "unknown-websocket-resource",
        severity: Some(Severity::Error),
        fix: Sometimes,
        check: Some(check),
    };
}

/// The keys of `resources.Resources`; `None` when they cannot all be known here.
fn defined_resources<'a>(ctx: &'a Context) -> Option<Vec<&'a str>> {
    let yaml = ctx.yaml;
    let root = ctx.service.root?;
    let Some(resources) = yaml.get_value(root, "resources") else {
        return Some(Vec::new());
    };
    if yaml.is_null(resources) {
        return Some(Vec::new());
    }
    // `resources` is a mapping, or a list of them that the framework merges.
    let parts: Vec<NodeId> = match yaml.items(resources) {
        Some(items) => items.to_vec(),
        None => vec![resources],
    };
    let mut names = Vec::new();
    for part in parts {
        if !yaml.is_mapping(part) {
            return None;
        }
        let Some(defined) = yaml.get_value(part, "Resources") else {
            continue;
        };
        if yaml.is_null(defined) {
            continue;
        }
        if !yaml.is_mapping(defined) {
            return None;
        }
        for entry in yaml.entries(defined) {
            names.push(yaml.key_text(entry.key)?);
        }
        // A `<<` whose value is not a mapping here may bring more.
        if yaml
            .own_entries(defined)
            .unwrap_or_default()
            .iter()
            .any(|e| yaml.key_text(e.key) == Some("<<") && !yaml.is_mapping(e.value))
        {
            return None;
        }
    }
    Some(names)
}

/// The kinds of generated names, by the suffix that ends them (longest first).
const SUFFIXES: &[&str] = &[
    "WebsocketsRouteResponse",
    "WebsocketsRoute",
    "WebsocketsIntegration",
    "WebsocketsAuthorizer",
    "LambdaPermissionWebsockets",
];

/// The generated names `name` is probably a misspelling of: the same kind, and a prefix that
/// differs only in case, or else by one character (`SdisconnectWebsocketsRoute` for
/// `DisconnectWebsocketsRoute`). A name equal but for case wins over the others.
fn close_names<'g>(name: &str, generated: impl Iterator<Item = &'g str>) -> Vec<&'g str> {
    let split = |id: &'g str| -> (&'g str, &'static str) {
        SUFFIXES
            .iter()
            .find_map(|suffix| id.strip_suffix(suffix).map(|prefix| (prefix, *suffix)))
            .unwrap_or((id, ""))
    };
    let split_name = |id: &str| -> (String, &'static str) {
        SUFFIXES
            .iter()
            .find_map(|suffix| {
                id.strip_suffix(suffix)
                    .map(|prefix| (prefix.to_ascii_lowercase(), *suffix))
            })
            .unwrap_or((id.to_ascii_lowercase(), ""))
    };
    let (prefix, suffix) = split_name(name);
    let mut same_case = Vec::new();
    let mut near = Vec::new();
    for id in generated {
        let (their_prefix, their_suffix) = split(id);
        if their_suffix != suffix || id == name {
            continue;
        }
        let theirs = their_prefix.to_ascii_lowercase();
        if theirs == prefix {
            same_case.push(id);
        } else if strsim::levenshtein(&theirs, &prefix) <= 1 {
            near.push(id);
        }
    }
    if same_case.is_empty() {
        near
    } else {
        same_case
    }
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // The old serverless-websockets-plugin builds the API with names of its own.
    if ctx.service.uses_legacy_plugin(ctx.yaml) {
        return;
    }
    let found = references(ctx.yaml);
    if found.is_empty() {
        return;
    }
    let Some(defined) = defined_resources(ctx) else {
        return;
    };
    let generated = &ctx.service.generated;
    for reference in found {
        // A copy placed at a `<<` (`Yaml::place_merges_at_use`): its anchor is reported itself.
        if ctx.text.get(ctx.yaml.range(reference.node).as_range()) == Some("<<") {
            continue;
        }
        if defined.contains(&reference.name.as_str()) || generated.may_exist(&reference.name) {
            continue;
        }
        out.push(diagnostic(ctx, &reference));
    }
}

fn diagnostic(ctx: &Context, reference: &Reference) -> Diagnostic {
    let yaml = ctx.yaml;
    let name = &reference.name;
    let generated = &ctx.service.generated;
    let compiles_events = generated.has_deployment;
    let api_level = matches!(
        name.as_str(),
        "WebsocketsApi" | "WebsocketsDeploymentStage" | "WebsocketsLogGroup"
    );
    let reason = if !compiles_events {
        "the service has no websocket events, so the framework generates no websocket resources"
            .to_string()
    } else if api_level && matches!(ctx.service.api, ApiOwner::External(_)) {
        "with an external API (`provider.apiGateway.websocketApiId`) the framework creates no API, stage or log group".to_string()
    } else if name == "WebsocketsLogGroup" {
        "the framework creates `WebsocketsLogGroup` only when `provider.logs.websocket` is on"
            .to_string()
    } else {
        "the framework generates no resource of that name, and `resources.Resources` does not define it".to_string()
    };
    let range = variables::source_range(ctx.text, yaml, reference.node, reference.span);
    let name_shown = shown(name);
    let mut diagnostic = Diagnostic::new(
        &RULE,
        range,
        format!(
            "`{name_shown}` is not in the template: {reason}; CloudFormation rejects it with `Template format error: Unresolved resource dependencies [{name_shown}] in the Resources block of the template`"
        ),
    );
    let close = close_names(name, generated.ids.iter().map(|g| g.id.as_str()));
    if let [best] = close.as_slice() {
        let best = *best;
        if let Some(origin) = generated.find(best) {
            diagnostic = diagnostic.with_related(
                yaml.range(origin.origin),
                format!("`{best}` is generated for this"),
            );
        }
        let same_but_case = best.eq_ignore_ascii_case(name);
        let hint = if same_but_case {
            " (route IDs keep the route's case; function and authorizer IDs start upper-case)"
        } else {
            ""
        };
        diagnostic = diagnostic.with_help(format!("did you mean `{best}`?{hint}"));
        let exact = variables::exact_source_range(ctx.text, yaml, reference.node, reference.span);
        if exact.is_some() && ctx.text.get(range.as_range()) == Some(name.as_str()) {
            // Only a difference of case is certainly the same name.
            let message = format!("replace with `{best}`");
            let edits = vec![Edit::replace(range, best)];
            diagnostic = diagnostic.with_fix(if same_but_case {
                Fix::safe(message, edits)
            } else {
                Fix::unsafe_(message, edits)
            });
        }
    }
    diagnostic
}
