use super::{each_source, shorten};
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, suggest, Context};

use crate::variables::{self, Source};

declare_rule! {
    /// ## What it does
    /// Reports a variable source that neither the framework, nor the plugins the service lists,
    /// nor the configuration knows: `${slef:custom.table}`, the v2-era `${cf.us-east-1:...}`.
    ///
    /// ## Why is this bad?
    /// v3 stops with `Unrecognized configuration variable sources: "<names>"`, v4 fails to
    /// find a resolver of that name. The sources the framework knows are `self`, `opt`,
    /// `env`, `file`, `strToBool`, `sls`, `aws`, `cf`, `s3`, `ssm`, `param`, `output`, and in
    /// v4 `git`, `terraform`, `vault`, `doppler` and the resolvers declared under
    /// `stages.<stage>.resolvers`. Plugins add their own (bref's `bref`, Lift's `construct`);
    /// where the service lists a plugin ws-lint does not know, only a source that looks like a
    /// misspelt built-in one is reported. Sources of your own plugins go in `ws-lint.toml`:
    /// `[variables] sources = ["mySource"]`.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   environment:
    ///     TABLE: ${slef:custom.table}
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
        code: "WS603",
        name: "unknown-variable-source",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

/// Sources of v3 and v4 themselves.
const BUILT_IN: &[&str] = &[
    "self",
    "opt",
    "env",
    "file",
    "strToBool",
    "sls",
    "aws",
    "cf",
    "s3",
    "ssm",
    "param",
    "output",
    "git",
    "terraform",
    "vault",
    "doppler",
];

/// Plugins known to add variable sources (`configurationVariablesSources`), by the last part
/// of the name they are listed under.
const PLUGIN_SOURCES: &[(&str, &[&str])] = &[
    ("bref/bref", &["bref"]),
    ("bref", &["bref"]),
    ("bref/extra-php-extensions", &["bref-extra"]),
    ("serverless-lift", &["construct"]),
    ("serverless-plugin-git-variables", &["git"]),
];

/// Widely used plugins that add no variable source.
const PLUGINS_WITHOUT_SOURCES: &[&str] = &[
    "serverless-offline",
    "serverless-webpack",
    "serverless-esbuild",
    "serverless-bundle",
    "serverless-plugin-typescript",
    "serverless-python-requirements",
    "serverless-dotenv-plugin",
    "serverless-iam-roles-per-function",
    "serverless-dynamodb-local",
    "serverless-dynamodb",
    "serverless-websockets-plugin",
    "serverless-prune-plugin",
    "serverless-plugin-offline-dynamodb-stream",
    "serverless-reqvalidator-plugin",
    "serverless-aws-documentation",
    "serverless-pseudo-parameters",
    "serverless-cloudformation-sub-variables",
    "serverless-plugin-tracing",
    "serverless-plugin-common-excludes",
    "serverless-plugin-include-dependencies",
    "serverless-plugin-custom-roles",
    "serverless-localstack",
    "serverless-api-gateway-throttling",
    "serverless-api-gateway-caching",
    "serverless-functions-base-path",
    "serverless-plugin-resource-tagging",
    "serverless-stack-output",
    "@anttiviljami/serverless-stack-output",
    "serverless-jest-plugin",
    "serverless-plugin-existing-s3",
    "serverless-domain-manager",
    "serverless-plugin-canary-deployments",
    "serverless-step-functions",
    "serverless-appsync-plugin",
    "serverless-plugin-warmup",
    "serverless-s3-sync",
    "serverless-deployment-bucket",
    "serverless-plugin-split-stacks",
    "serverless-plugin-log-retention",
    "serverless-stage-manager",
    "serverless-plugin-aws-alerts",
    "serverless-offline-sqs",
    "serverless-offline-sns",
    "serverless-offline-ssm",
    "serverless-plugin-datadog",
    "serverless-associate-waf",
    "serverless-plugin-optimize",
    "serverless-jetpack",
    "serverless-layers",
    "serverless-plugin-monorepo",
    "serverless-export-env",
    "serverless-plugin-scripts",
    "serverless-scriptable-plugin",
    "serverless-apigw-binary",
    "serverless-add-api-key",
    "serverless-openapi-documentation",
    "serverless-plugin-ifelse",
    "serverless-wsgi",
    "serverless-prune-versions",
    "serverless-create-global-dynamodb-table",
    "serverless-s3-local",
];

struct Known<'a> {
    names: Vec<&'a str>,
    /// A listed plugin we know nothing about may add any source.
    unknown_plugins: bool,
}

impl<'a> Known<'a> {
    fn new(ctx: &'a Context) -> Known<'a> {
        let yaml = ctx.yaml;
        let mut names: Vec<&str> = BUILT_IN.to_vec();
        names.extend(ctx.variable_sources.iter().map(String::as_str));
        // v4: `stages.<stage>.resolvers.<name>`.
        if let Some(stages) = ctx.service.root.and_then(|r| yaml.get_value(r, "stages")) {
            for stage in yaml.entries(stages) {
                if let Some(resolvers) = yaml.get_value(stage.value, "resolvers") {
                    names.extend(
                        yaml.entries(resolvers)
                            .iter()
                            .filter_map(|e| yaml.str(e.key)),
                    );
                }
            }
        }
        let mut unknown_plugins = false;
        for (plugin, _) in &ctx.service.plugins {
            let plugin = plugin.trim_end_matches('/');
            let sources = PLUGIN_SOURCES
                .iter()
                .find(|(name, _)| plugin == *name || plugin.ends_with(&format!("/{name}")));
            if let Some((_, sources)) = sources {
                names.extend(sources.iter().copied());
            } else if !PLUGINS_WITHOUT_SOURCES.contains(&plugin) {
                unknown_plugins = true;
            }
        }
        Known {
            names,
            unknown_plugins,
        }
    }
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let found = ctx.variable_values();
    if found.is_empty() {
        return;
    }
    let known = Known::new(ctx);
    for value in found {
        if value.parsed.error.is_some() {
            continue;
        }
        let Some(text) = ctx.yaml.str(value.node) else {
            continue;
        };
        for variable in value.parsed.variables() {
            each_source(variable, false, &mut |used| {
                let Source::Variable { kind, .. } = used.source else {
                    return;
                };
                if known.names.contains(&kind.as_str()) {
                    return;
                }
                let near = near_built_in(kind);
                if known.unknown_plugins && near.is_none() {
                    return;
                }
                let written = shorten(text.get(used.span.as_range()).unwrap_or(text));
                let range = variables::source_range(ctx.text, ctx.yaml, value.node, used.span);
                let mut diagnostic = Diagnostic::new(
                    &RULE,
                    range,
                    match ctx.service.framework_major {
                        Some(4) => format!(
                            "unknown variable source `{kind}` in `{written}`: v4 has no resolver of that name and stops"
                        ),
                        _ => format!(
                            "unknown variable source `{kind}` in `{written}`: v3 stops with `Unrecognized configuration variable sources: \"{kind}\"`"
                        ),
                    },
                );
                let legacy_region = kind
                    .split_once('.')
                    .filter(|(base, _)| matches!(*base, "cf" | "ssm" | "s3"));
                diagnostic = match (legacy_region, near) {
                    (Some((base, region)), _) => diagnostic.with_help(format!(
                        "the `{base}.REGION:` form of v2 is gone since v3: write `{base}({region}):`"
                    )),
                    (None, near) => match near {
                    Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
                    None => diagnostic.with_help(
                        "a plugin's source? list it in ws-lint.toml: `[variables] sources = [\"…\"]`",
                    ),
                    },
                };
                out.push(diagnostic);
            });
        }
    }
}

/// The built-in source `kind` is probably a misspelling of: one edit away (a swap of two
/// neighbours counts as one) for short names, or close by Jaro-Winkler.
fn near_built_in(kind: &str) -> Option<&'static str> {
    let lower = kind.to_ascii_lowercase();
    let by_edits = BUILT_IN
        .iter()
        .map(|b| (strsim::osa_distance(&lower, &b.to_ascii_lowercase()), *b))
        .filter(|(d, b)| *d <= if b.len() <= 4 { 1 } else { 2 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, b)| b);
    by_edits.or_else(|| suggest(kind, BUILT_IN.iter().copied()))
}
