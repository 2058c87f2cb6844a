//! The rule catalog: one file per rule, grouped by the catalog's sections. A rule's doc comment
//! is its documentation (`ws-lint explain`, `docs/rules.md`), and its examples are linted by the
//! test suite, so the docs cannot drift from the behaviour.
//!
//! Registering a rule: write `src/rules/<group>/<rule_name>.rs` with `declare_rule!`, then add it
//! to the group's `RULES` list.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Severity};
use crate::files::ProjectFiles;
use crate::model::{FileFormat, Service};
use crate::resolve::{MissingInclude, OverBudget};
use crate::yaml::Yaml;

mod authorizers;
mod document;
pub(crate) mod edits;
mod events;
mod functions;
mod logs;
mod provider;
mod routes;
pub(crate) mod suppressions;
mod tags;
mod variables;

/// Whether a rule can offer a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

pub struct Rule {
    /// `WS201`: stable forever.
    pub code: &'static str,
    /// `authorizer-not-on-connect`: kebab-case, also accepted wherever a code is.
    pub name: &'static str,
    /// `None`: off unless the configuration turns it on.
    pub default_severity: Option<Severity>,
    pub fix: FixAvailability,
    /// Markdown: What it does / Why is this bad? / Example / Use instead.
    pub doc: &'static str,
    /// `None` for the rules whose diagnostics come from elsewhere (suppression comments are
    /// matched with the findings of all the others, after they ran).
    pub check: Option<fn(&Context, &mut Vec<Diagnostic>)>,
}

impl Rule {
    /// The doc comment without rustdoc's leading space on each line.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    /// The first sentence of "What it does", for short descriptions (SARIF, `ws-lint rules`).
    pub fn summary(&self) -> String {
        let docs = self.documentation();
        let body = docs
            .split("## What it does")
            .nth(1)
            .unwrap_or(&docs)
            .split("\n## ")
            .next()
            .unwrap_or("");
        let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
        match flat.find(". ") {
            Some(end) => flat[..=end].to_string(),
            None => flat,
        }
    }

    pub fn fixable(&self) -> bool {
        self.fix != FixAvailability::None
    }
}

impl crate::diagnostics::RuleIdentity for Rule {
    fn code(&self) -> &'static str {
        self.code
    }
    fn name(&self) -> &'static str {
        self.name
    }
    fn default_severity(&self) -> Option<Severity> {
        self.default_severity
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code, self.name)
    }
}

/// Declares a rule and captures its doc comment as its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:expr,
            fix: $fix:ident,
            check: $check:expr $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            name: $name,
            default_severity: $severity,
            fix: $crate::rules::FixAvailability::$fix,
            doc: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}
pub(crate) use declare_rule;

/// What a rule sees: the text, its tree, the service model, what resolving the variables found
/// and, when a whole service is linted, its files (read only inside the project).
pub struct Context<'a> {
    pub text: &'a str,
    pub yaml: &'a Yaml,
    pub service: &'a Service,
    pub format: FileFormat,
    /// Extra variable sources the configuration file names (`[variables] sources`).
    pub variable_sources: &'a [String],
    /// The service's files when the whole service is linted (the command line, an editor with
    /// the folder open); `None` for a text linted on its own, which sees no other file.
    pub files: Option<&'a ProjectFiles<'a>>,
    /// The service folder: where handlers and `${file(...)}` paths are looked up.
    pub dir: &'a Path,
    /// `${file(...)}` includes that resolution found missing or outside the project.
    pub missing_includes: &'a [MissingInclude],
    /// Values resolution stopped building because they grew past the size budget.
    pub over_budget: &'a [OverBudget],
    /// What several rules derive from the same tree, computed by the first that asks.
    pub(crate) shared: Shared<'a>,
}

impl<'a> Context<'a> {
    pub fn new(
        text: &'a str,
        yaml: &'a Yaml,
        service: &'a Service,
        format: FileFormat,
        variable_sources: &'a [String],
    ) -> Context<'a> {
        Context {
            text,
            yaml,
            service,
            format,
            variable_sources,
            files: None,
            dir: Path::new(""),
            missing_includes: &[],
            over_budget: &[],
            shared: Shared::default(),
        }
    }

    /// The context of a whole service: its folder and its files.
    pub fn with_files(self, files: Option<&'a ProjectFiles<'a>>, dir: &'a Path) -> Context<'a> {
        Context { files, dir, ..self }
    }

    /// What resolving the variables found that rules report (WS604, WS605).
    pub fn with_resolution(
        self,
        missing_includes: &'a [MissingInclude],
        over_budget: &'a [OverBudget],
    ) -> Context<'a> {
        Context {
            missing_includes,
            over_budget,
            ..self
        }
    }
}

/// Facts shared by a group of rules: each is a walk over the whole service, so it is done once
/// per analysis rather than once per rule (the three shape rules, the eight route rules and the
/// three variable rules would otherwise walk a 200,000-line file fourteen times).
#[derive(Default)]
pub(crate) struct Shared<'a> {
    pub(crate) routes: std::sync::OnceLock<Vec<routes::RouteUse<'a>>>,
    /// Whether some websocket route cannot be known from this file (`routes::has_unknown_route`).
    pub(crate) unknown_route: std::sync::OnceLock<bool>,
    pub(crate) shape: std::sync::OnceLock<Vec<Diagnostic>>,
    variables: std::sync::OnceLock<Vec<crate::variables::ValueVariables>>,
}

impl<'a> Context<'a> {
    /// Hands the rules a variable scan made already (by the resolver).
    pub(crate) fn with_variable_values(
        self,
        values: Vec<crate::variables::ValueVariables>,
    ) -> Context<'a> {
        // A fresh context's cell is empty, so this cannot fail.
        let _ = self.shared.variables.set(values);
        self
    }

    /// Computes the shared facts, side by side: rules running in parallel then find them
    /// ready instead of waiting for the one that got there first.
    pub(crate) fn prepare_shared(&self) {
        rayon::join(
            || document::shape::prepare(self),
            || {
                routes::routes(self);
                routes::has_unknown_route(self);
                self.variable_values();
            },
        );
    }

    /// Every string value holding a variable (`crate::variables::scan`), scanned once.
    pub(crate) fn variable_values(&self) -> &[crate::variables::ValueVariables] {
        self.shared
            .variables
            .get_or_init(|| crate::variables::scan(self.yaml, self.service.framework_major))
    }
}

/// Whether a rule looks at other files than the linted one (WS604, WS702): for a text linted
/// on its own, it has nothing to say either way.
pub fn reads_service_files(rule: &Rule) -> bool {
    [
        &functions::handler_file_missing::RULE,
        &variables::include_not_found::RULE,
    ]
    .iter()
    .any(|r| std::ptr::eq(*r, rule))
}

/// Every rule, in catalog order.
pub fn all() -> &'static [&'static Rule] {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut rules: Vec<&'static Rule> = [
            document::RULES,
            events::RULES,
            routes::RULES,
            authorizers::RULES,
            provider::RULES,
            logs::RULES,
            tags::RULES,
            variables::RULES,
            functions::RULES,
            suppressions::RULES,
        ]
        .concat();
        rules.sort_by_key(|r| r.code);
        rules
    })
}

/// A rule by code (`WS201`, any case) or name (`authorizer-not-on-connect`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    let wanted = code_or_name.trim();
    all()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(wanted) || r.name == wanted)
}

/// The nearest of `candidates` to `value` by edit distance, when it is close enough to be what
/// the user meant. Ties are broken by order.
pub fn suggest<'c>(value: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let value_lower = value.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&value_lower, &candidate.to_ascii_lowercase());
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.filter(|(score, _)| *score >= 0.8).map(|(_, c)| c)
}

/// `docs/rules.md`: the catalog generated from the rules' own documentation.
pub fn markdown() -> String {
    let mut out = String::from(
        "# ws-lint rules\n\n<!-- Generated from the rule docs in src/rules/ by \
         `WS_LINT_UPDATE_DOCS=1 cargo test --test docs`. Do not edit by hand. -->\n\n\
         | code | name | default | fix |\n|---|---|---|---|\n",
    );
    for rule in all() {
        out.push_str(&format!(
            "| [{code}](#{anchor}) | {name} | {severity} | {fix} |\n",
            code = rule.code,
            anchor = format!("{}-{}", rule.code, rule.name).to_lowercase(),
            name = rule.name,
            severity = rule.default_severity.map_or("off", Severity::as_str),
            fix = match rule.fix {
                FixAvailability::None => "",
                FixAvailability::Sometimes => "sometimes",
                FixAvailability::Always => "yes",
            }
        ));
    }
    for rule in all() {
        let body = rule.documentation().replace("\n## ", "\n### ");
        let body = body
            .strip_prefix("## ")
            .map_or(body.clone(), |b| format!("### {b}"));
        out.push_str(&format!(
            "\n## {} {}\n\nDefault severity: {}.\n\n{}\n",
            rule.code,
            rule.name,
            rule.default_severity
                .map_or("off (opt-in)", Severity::as_str),
            body
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let rules = all();
        let name_re = regex::Regex::new(r"^[a-z]+(-[a-z]+)*$").unwrap();
        let code_re = regex::Regex::new(r"^WS[0-9]{3}$").unwrap();
        for (i, rule) in rules.iter().enumerate() {
            assert!(code_re.is_match(rule.code), "{rule:?}");
            assert!(name_re.is_match(rule.name), "{rule:?}");
            for other in &rules[i + 1..] {
                assert_ne!(rule.code, other.code);
                assert_ne!(rule.name, other.name);
            }
            let doc = rule.documentation();
            assert!(doc.contains("## What it does"), "{rule:?} has no doc");
            assert!(doc.contains("## Why is this bad?"), "{rule:?} has no why");
        }
    }

    #[test]
    fn finds_rules_by_code_or_name() {
        assert_eq!(find("ws001").map(|r| r.name), Some("yaml-syntax"));
        assert_eq!(find("duplicate-key").map(|r| r.code), Some("WS002"));
        assert!(find("WS999").is_none());
    }

    #[test]
    fn suggests_only_close_candidates() {
        let candidates = ["$connect", "$disconnect", "$default"];
        assert_eq!(suggest("$conect", candidates), Some("$connect"));
        assert_eq!(suggest("$Connect", candidates), Some("$connect"));
        assert_eq!(suggest("$getauthorized", candidates), None);
    }
}
