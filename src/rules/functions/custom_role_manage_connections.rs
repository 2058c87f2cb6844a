use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::edits::key_of;
use crate::rules::{declare_rule, Context};
use crate::yaml::{Entry, NodeId, NodeKind, ScalarValue};

declare_rule! {
    /// ## What it does
    /// Reports a custom role for the service's functions (`provider.iam.role`, or the older
    /// `provider.role`, naming a role: an ARN, a resource of the stack, or a CloudFormation
    /// function such as `Fn::GetAtt`) in a service with websocket events, where the file does
    /// not mention `execute-api:ManageConnections` anywhere. A role of the stack is judged only
    /// when its resource is written in this file.
    ///
    /// ## Why is this bad?
    /// A function replies to a WebSocket client through the `@connections` API
    /// (`postToConnection`), which needs the `execute-api:ManageConnections` permission. The
    /// framework adds that permission to its own default role, but with a custom role it
    /// adds nothing: replies then fail with an authorization error until the role grants it.
    ///
    /// `provider.iam.role` as a mapping (`statements`, `managedPolicies`...) customises the
    /// default role and is not reported. A role defined elsewhere may well grant the
    /// permission already: this is a reminder, not a finding.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   iam:
    ///     role: arn:aws:iam::123456789012:role/chat-lambda
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket: $default
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   iam:
    ///     role:
    ///       statements:
    ///         - Effect: Allow
    ///           Action: dynamodb:PutItem
    ///           Resource: '*'
    /// functions:
    ///   message:
    ///     handler: handler.message
    ///     events:
    ///       - websocket: $default
    /// ```
    pub static RULE = {
        code: "WS703",
        name: "custom-role-manage-connections",
        severity: Some(Severity::Info),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // With the old plugin, nothing adds the permission to any role: this rule's advice would be
    // wrong.
    if !ctx.service.has_websocket_events(ctx.yaml) || ctx.service.uses_legacy_plugin(ctx.yaml) {
        return;
    }
    let role = ctx
        .service
        .provider_entry(ctx.yaml, &["iam", "role"])
        .or_else(|| ctx.service.provider_entry(ctx.yaml, &["role"]));
    let Some(role) = role else {
        return;
    };
    let Some(role_ref) = custom_role(ctx, role) else {
        return;
    };
    let mut related = None;
    let shown = match role_ref {
        RoleRef::External(shown) => shown,
        // A role of this stack: judged only when its definition is in this file (it may come
        // from an included file).
        RoleRef::Resource(id) => {
            let Some(resource) = find_resource(ctx, &id) else {
                return;
            };
            related = key_of(ctx, resource).map(|k| ctx.yaml.range(k));
            format!("`{id}`")
        }
    };
    if mentions_manage_connections(ctx) {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        &RULE,
        ctx.yaml.range(role.key),
        format!(
            "custom role {shown}: the framework adds `execute-api:ManageConnections` only to its default role, so replying with `postToConnection` needs it in this role"
        ),
    )
    .with_help("grant `execute-api:ManageConnections` on `arn:aws:execute-api:*:*:*/@connections/*` in the role");
    if let Some(range) = related {
        diagnostic = diagnostic.with_related(range, "the role, which does not grant it");
    }
    out.push(diagnostic);
}

/// What a custom role refers to.
enum RoleRef {
    /// A role outside this stack: an ARN, `Fn::ImportValue`, `Fn::Sub`...
    External(String),
    /// A resource of this stack, by logical id (a plain name, `Ref`, `Fn::GetAtt`).
    Resource(String),
}

/// What `role` refers to, when it names a custom role. `None` for the default role's settings
/// (a mapping of `statements`...) and for unknown values.
fn custom_role(ctx: &Context, role: Entry) -> Option<RoleRef> {
    let yaml = ctx.yaml;
    let value = yaml.resolve(role.value);
    let node = yaml.node(value);
    if yaml.is_null(value) {
        return None;
    }
    if let Some(tag) = yaml.tag(value).filter(|t| !t.starts_with("!!")) {
        let shown = format!("`{tag} ...`");
        return match tag {
            "!GetAtt" | "!Ref" => {
                let id = match yaml.items(value) {
                    Some(items) => yaml.str(*items.first()?)?.to_string(),
                    None => yaml.str(value)?.split('.').next()?.to_string(),
                };
                Some(RoleRef::Resource(id))
            }
            "!ImportValue" | "!Sub" | "!Join" => Some(RoleRef::External(shown)),
            _ => None,
        };
    }
    match &node.kind {
        NodeKind::Mapping { .. } => {
            let entries = yaml.entries(value);
            let [only] = entries.as_slice() else {
                return None;
            };
            let function = yaml.str(only.key)?;
            let shown = format!("`{function}: ...`");
            match function {
                "Ref" => Some(RoleRef::Resource(yaml.str(only.value)?.to_string())),
                "Fn::GetAtt" => {
                    let id = match yaml.items(only.value) {
                        Some(items) => yaml.str(*items.first()?)?.to_string(),
                        None => yaml.str(only.value)?.split('.').next()?.to_string(),
                    };
                    Some(RoleRef::Resource(id))
                }
                "Fn::ImportValue" | "Fn::Sub" | "Fn::Join" => Some(RoleRef::External(shown)),
                _ => None,
            }
        }
        NodeKind::Scalar(scalar) => {
            if yaml.scalar_value(value) != Some(ScalarValue::Str) {
                return None;
            }
            let text = scalar.value.trim();
            // A value that is one variable may resolve to the default role's mapping.
            if text.is_empty() || is_single_variable(text) {
                return None;
            }
            let shown = format!("`{text}`");
            // The framework takes a string that is no ARN as a logical id in the stack.
            if text.starts_with("arn:") {
                Some(RoleRef::External(shown))
            } else if crate::variables::has_variable(text) {
                None
            } else {
                Some(RoleRef::Resource(text.to_string()))
            }
        }
        _ => None,
    }
}

/// The resource `resources.Resources.<id>` written in this file (`resources` may be a list of
/// such mappings).
fn find_resource(ctx: &Context, id: &str) -> Option<NodeId> {
    let yaml = ctx.yaml;
    let resources = yaml.get_value(ctx.service.root?, "resources")?;
    let parts: Vec<NodeId> = match yaml.items(resources) {
        Some(items) => items.to_vec(),
        None => vec![resources],
    };
    parts
        .into_iter()
        .filter_map(|part| yaml.get_value(part, "Resources"))
        .find_map(|map| yaml.get_value(map, id))
}

/// One `${...}` variable and nothing else: it may resolve to any type.
fn is_single_variable(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("${") else {
        return false;
    };
    let mut depth = 1;
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1 == rest.len() && crate::variables::has_variable(text);
                }
            }
            _ => {}
        }
    }
    false
}

/// True when something in the file grants the permission: an action
/// `execute-api:ManageConnections`, `execute-api:*`, `execute-api:Manage*` or `*`, or a managed
/// policy that includes it. The role most likely has it then.
fn mentions_manage_connections(ctx: &Context) -> bool {
    let yaml = ctx.yaml;
    yaml.nodes().any(|(id, node)| {
        let NodeKind::Scalar(scalar) = &node.kind else {
            return false;
        };
        let value = scalar.value.trim();
        let lower = value.to_ascii_lowercase();
        matches!(
            lower.as_str(),
            "execute-api:manageconnections" | "execute-api:*" | "execute-api:manage*"
        ) || [
            "AmazonAPIGatewayInvokeFullAccess",
            "AdministratorAccess",
            "PowerUserAccess",
        ]
        .iter()
        .any(|policy| value.ends_with(&format!("policy/{policy}")))
            || value == "*" && is_action(ctx, id)
    })
}

/// True when `node` is the value of an `Action` key, or an item of one.
fn is_action(ctx: &Context, node: NodeId) -> bool {
    let yaml = ctx.yaml;
    let holder = match yaml.node(node).parent() {
        Some(parent) if yaml.is_sequence(parent) => parent,
        _ => node,
    };
    key_of(ctx, holder).and_then(|k| yaml.str(k)) == Some("Action")
}
