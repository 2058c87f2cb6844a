//! Resolution inside a service: `${self:...}`, `${file(...)}` (YAML and JSON files relative to
//! the service folder), `${sls:stage}` and `${opt:stage}`.
//!
//! A service is a set of documents laid end to end in one text (the main file at offset 0, each
//! included file after a `\n`, at its `base`) and one node arena: an included file is parsed on
//! its own and appended with its ranges moved by its base, so a `NodeId` names a node in any
//! file and a byte offset names the file it lies in. A value whose variables resolve is made to
//! stand for what it names ([`Yaml::substitute`]): the included file's root, the node a
//! `self:` address leads to, or a new string node for a resolved concatenation. Every rule then
//! sees the value as if it were written there, while the value keeps its own range, so its
//! diagnostics stay where the variable is used.
//!
//! Nothing is executed (`${file(x.js)}` stays unknown), files are read through
//! [`ProjectFiles`] (nothing outside the project), cycles are refused, and variables resolving
//! to variables stop at the framework's depth of 10.
//!
//! Work is bounded by a budget: a value whose text would grow past [`MAX_VALUE_BYTES`], or
//! that would take the resolved text of the whole analysis past [`MAX_TOTAL_BYTES`], stays
//! unknown (`${self:a}${self:a}` twenty levels deep would be a megabyte per use, and a few
//! dozen uses a gigabyte).

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};

use crate::files::{normalize, FileError, FileSource, ProjectFiles};
use crate::span::TextRange;
use crate::variables::{
    self, lookup_path, lookup_self, parse, ArgValue, Literal, Parsed, Segment, SelfLookup, Source,
    Variable,
};
use crate::yaml::{NodeId, NodeKind, ScalarValue, Yaml, YamlErrorKind, MAX_TEXT_BYTES};

/// The framework's nesting limit, for variables and for files including files.
const MAX_DEPTH: usize = 10;
/// Included files per service, at most.
const MAX_DOCUMENTS: usize = 100;
/// The longest text one value may resolve to. Real values (names, ARNs, stages) are far
/// shorter; a policy or template built from variables stays well under.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;
/// All the text one analysis may build while resolving values (what was built for values
/// that ended over a budget counts too). A 200,000-line service resolves well under a
/// megabyte of it.
pub const MAX_TOTAL_BYTES: usize = 8 * 1024 * 1024;

/// One file of a service.
#[derive(Debug)]
pub struct Document {
    /// The main file's path as given, or an included file's path: the service folder joined
    /// with the path as written, normalized (`svc/functions.yml`).
    pub path: String,
    pub text: String,
    /// Where the text starts in the service's combined text (0 for the main file).
    pub base: usize,
    /// The file parsed on its own (positions in its own text).
    pub yaml: Yaml,
    /// Its root in the service's arena.
    pub root: Option<NodeId>,
    /// How many includes deep (0 for the main file).
    pub depth: usize,
}

/// A value that resolved: `node` now stands for `target`.
#[derive(Clone, Debug)]
pub struct Resolution {
    pub node: NodeId,
    pub target: NodeId,
    /// Where the value was read from (for "defined here"), when it was read from the service.
    pub definition: Option<NodeId>,
}

/// `${file(PATH)}` naming no file, or one outside the project (WS604).
#[derive(Clone, Debug)]
pub struct MissingInclude {
    pub node: NodeId,
    /// The `${...}` inside the value's text (combined offsets).
    pub range: TextRange,
    pub path: String,
    /// The file is outside the project and was not read (it may well exist).
    pub outside: bool,
}

/// Which budget a value went over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// [`MAX_VALUE_BYTES`]
    Value,
    /// [`MAX_TOTAL_BYTES`]
    Total,
}

/// A value left unknown because resolving it went over a budget (WS605).
#[derive(Clone, Debug)]
pub struct OverBudget {
    pub node: NodeId,
    /// The `${...}` whose value crossed the budget (combined offsets).
    pub range: TextRange,
    pub budget: Budget,
}

#[derive(Default, Debug)]
pub struct Outcome {
    /// The main file first; included files follow in the order they were met.
    pub documents: Vec<Document>,
    pub resolutions: Vec<Resolution>,
    pub missing: Vec<MissingInclude>,
    /// Values left unknown by the budget: each one over [`MAX_VALUE_BYTES`] and the first
    /// one past [`MAX_TOTAL_BYTES`] (the values built from them are unknown as a consequence
    /// and not reported).
    pub over_budget: Vec<OverBudget>,
    /// Values that resolved (the corpus statistics).
    pub resolved_values: usize,
    /// The main text followed by the included ones (each after a `\n`); `None` when nothing
    /// was included, the main text alone being the whole service.
    pub combined: Option<String>,
    /// Every value holding a variable, as `variables::scan` finds them in the resolved arena
    /// (the resolver scans anyway; the rules reuse its scan).
    pub variables: Vec<variables::ValueVariables>,
}

#[derive(Clone, Copy)]
enum Load {
    Loaded(NodeId),
    Missing,
    Unknown,
}

/// A value's own variable that went over a budget: where (in the value's text) and which.
#[derive(Clone, Copy)]
struct Overrun {
    span: Option<TextRange>,
    budget: Budget,
}

enum Target {
    Node(NodeId),
    Str(String),
}

struct Resolver<'a> {
    yaml: &'a mut Yaml,
    /// The main file's text, and the included texts after it (see [`resolve`]).
    main: &'a str,
    appended: String,
    files: Option<(&'a ProjectFiles<'a>, PathBuf)>,
    documents: Vec<Document>,
    loads: FxHashMap<PathBuf, Load>,
    reverse: FxHashMap<NodeId, Vec<NodeId>>,
    resolutions: Vec<Resolution>,
    stage: Option<String>,
    /// The major version `frameworkVersion` names, if it names one ([`variables::parse_for`]).
    framework_major: Option<u64>,
    /// Definitions met while resolving the current value.
    definitions: Vec<NodeId>,
    /// Include depth of the document holding the current value.
    depth: usize,
    /// Bytes of text built so far (see [`MAX_TOTAL_BYTES`]).
    spent: usize,
    /// Set while resolving a value when a budget stopped it.
    overrun: Option<Overrun>,
    /// The values stopped that are reported, with the `${...}` inside each (value text
    /// offsets).
    over_budget: Vec<(NodeId, Overrun)>,
    /// Every value a budget stopped: not tried again in a later round.
    stopped: FxHashSet<NodeId>,
}

/// Resolves what can be resolved in `yaml` (parsed from `text`, the main file at `path`),
/// loading included files through `files` when given. Included texts follow the main one,
/// each after a `\n`, in one offset space (`Outcome::combined`).
pub fn resolve<'a>(
    yaml: &mut Yaml,
    text: &str,
    path: &Path,
    files: Option<&'a ProjectFiles<'a>>,
) -> Outcome {
    let main = Document {
        path: path.to_string_lossy().into_owned(),
        text: String::new(),
        base: 0,
        yaml: Yaml::default(),
        root: yaml.root(),
        depth: 0,
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let stage = stage_of(yaml);
    // Read here, before anything resolves, because it decides what is a variable: v4 resolves
    // `${ self:x }`, v3 leaves it as text. A `frameworkVersion` that is itself a variable
    // names no version.
    let framework_major = yaml
        .root()
        .and_then(|root| yaml.get_value(root, "frameworkVersion"))
        .and_then(|node| yaml.str(node))
        .and_then(crate::model::framework_major);
    let mut resolver = Resolver {
        yaml,
        main: text,
        appended: String::new(),
        files: files.map(|f| (f, dir)),
        documents: vec![main],
        loads: FxHashMap::default(),
        reverse: FxHashMap::default(),
        resolutions: Vec::new(),
        stage,
        framework_major,
        definitions: Vec::new(),
        depth: 0,
        spent: 0,
        overrun: None,
        over_budget: Vec::new(),
        stopped: FxHashSet::default(),
    };
    let mut pending: Vec<(NodeId, std::sync::Arc<Parsed>)> = Vec::new();
    let mut seen: FxHashSet<NodeId> = FxHashSet::default();
    let mut done: FxHashSet<NodeId> = FxHashSet::default();
    let mut scanned_documents = 0;
    let mut scanned_nodes = 0;
    for _ in 0..=MAX_DEPTH * 2 {
        let mut progress = false;
        if scanned_documents < resolver.documents.len() {
            scanned_documents = resolver.documents.len();
            let found = variables::scan_from(resolver.yaml, scanned_nodes, framework_major);
            scanned_nodes = resolver.yaml.len();
            for value in found {
                if seen.insert(value.node) {
                    pending.push((value.node, value.parsed));
                }
            }
        }
        for (node, parsed) in &pending {
            if done.contains(node)
                || parsed.error.is_some()
                || parsed.too_deep
                || resolver.stopped.contains(node)
            {
                continue;
            }
            if resolver.resolve_node(*node, parsed) {
                done.insert(*node);
                progress = true;
            }
        }
        if !progress && scanned_documents == resolver.documents.len() {
            break;
        }
    }
    // Built once, and only when something was included.
    let combined = (!resolver.appended.is_empty()).then(|| format!("{text}{}", resolver.appended));
    let all_text = combined.as_deref().unwrap_or(text);
    let missing = resolver.missing_includes(all_text, &pending);
    let over_budget = resolver
        .over_budget
        .iter()
        .map(|&(node, overrun)| OverBudget {
            node,
            range: match overrun.span {
                Some(span) => variables::source_range(all_text, resolver.yaml, node, span),
                None => resolver.yaml.range(node),
            },
            budget: overrun.budget,
        })
        .collect();
    // Resolving adds nodes (resolved strings) after the last scan.
    let mut variables: Vec<variables::ValueVariables> = pending
        .into_iter()
        .map(|(node, parsed)| variables::ValueVariables { node, parsed })
        .chain(variables::scan_from(
            resolver.yaml,
            scanned_nodes,
            framework_major,
        ))
        .collect();
    variables.sort_by_key(|v| v.node);
    Outcome {
        combined,
        variables,
        resolved_values: done.len(),
        documents: std::mem::take(&mut resolver.documents),
        resolutions: std::mem::take(&mut resolver.resolutions),
        missing,
        over_budget,
    }
}

/// The stage when no `--stage` is given: `provider.stage` (its default when it is a variable
/// with a literal fallback) or `dev`. `None` when the file sets it to something unknown.
fn stage_of(yaml: &Yaml) -> Option<String> {
    let root = yaml.root()?;
    let Some(node) = yaml.path(root, &["provider", "stage"]) else {
        return Some("dev".to_string());
    };
    let text = yaml.str(node)?;
    if yaml.is_null(node) {
        return Some("dev".to_string());
    }
    if !variables::has_variable(text) {
        return Some(text.to_string());
    }
    // `${opt:stage, 'prod'}` and the like: the literal default.
    let parsed = parse(text);
    let [Segment::Variable(variable)] = parsed.segments.as_slice() else {
        return None;
    };
    let (last, before) = variable.sources.split_last()?;
    let stage_only = before
        .iter()
        .all(|s| matches!(s, Source::Variable { kind, .. } if kind == "opt" || kind == "sls"));
    match last {
        Source::Literal {
            value: Literal::Str(s),
            ..
        } if stage_only => Some(s.clone()),
        _ => None,
    }
}

fn literal_string(value: &Literal) -> Option<String> {
    match value {
        Literal::Str(s) => Some(s.clone()),
        Literal::Bool(b) => Some(b.to_string()),
        Literal::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
        Literal::Number(_) | Literal::Null => None,
    }
}

impl Resolver<'_> {
    /// Tries to resolve one value; true when it now stands for its value.
    fn resolve_node(&mut self, node: NodeId, parsed: &Parsed) -> bool {
        self.definitions.clear();
        let start = self.yaml.range(node).start;
        self.depth = self
            .documents
            .iter()
            .rev()
            .find(|d| d.base <= start)
            .map_or(0, |d| d.depth);
        self.overrun = None;
        let target = match parsed.segments.as_slice() {
            [Segment::Variable(variable)] => {
                let target = self.variable_target(variable, 0);
                if let Some(overrun) = &mut self.overrun {
                    overrun.span.get_or_insert(variable.span);
                }
                target
            }
            segments => {
                let Some(text) = self.yaml.scalar(node).map(|s| s.value.clone()) else {
                    return false;
                };
                self.concatenation(&text, segments, 0).map(Target::Str)
            }
        };
        let Some(target) = target else {
            if let Some(overrun) = self.overrun.take() {
                self.stopped.insert(node);
                // Each value over its own budget is reported (what is built from it is unknown
                // because of it, and says nothing); the total budget once, where it ran out.
                if overrun.budget == Budget::Value
                    || !self
                        .over_budget
                        .iter()
                        .any(|(_, o)| o.budget == Budget::Total)
                {
                    self.over_budget.push((node, overrun));
                }
            }
            return false;
        };
        let definition = self.definitions.first().copied();
        let target = match target {
            Target::Node(target) => {
                if self.creates_cycle(node, target) {
                    return false;
                }
                target
            }
            Target::Str(value) => {
                let range = self.yaml.range(node);
                let parent = self.yaml.node(node).parent();
                self.yaml.push_string(value, range, parent)
            }
        };
        self.yaml.substitute(node, target);
        self.reverse.entry(target).or_default().push(node);
        if self.yaml.node(target).parent().is_none() {
            // An included file's root: its paths continue from where it is included.
            self.yaml.set_parent(target, Some(node));
        }
        self.resolutions.push(Resolution {
            node,
            target,
            definition,
        });
        true
    }

    /// Text with variables, as a string (each variable must give a string, number or boolean).
    /// `None` too when the text would go over a budget (`self.overrun` says which).
    fn concatenation(&mut self, text: &str, segments: &[Segment], depth: usize) -> Option<String> {
        let mut out = String::new();
        for segment in segments {
            match segment {
                Segment::Text(range) => {
                    let piece = text.get(range.as_range())?;
                    // Foreign forms v4 may resolve, and escapes, are left to the framework.
                    if piece.contains("${") || piece.contains('\\') {
                        return None;
                    }
                    self.grow(&mut out, piece)?;
                }
                Segment::Variable(variable) => {
                    let value = match self.variable_target(variable, depth) {
                        Some(Target::Str(s)) => Some(s),
                        Some(Target::Node(node)) => self.scalar_string(node),
                        None => None,
                    };
                    let grown = value.and_then(|value| self.grow(&mut out, &value));
                    if grown.is_none() {
                        // The outermost value names the `${...}` that crossed the budget.
                        if let (0, Some(overrun)) = (depth, &mut self.overrun) {
                            overrun.span.get_or_insert(variable.span);
                        }
                        return None;
                    }
                }
            }
        }
        Some(out)
    }

    /// Appends `piece` to a value being built, within the budgets.
    fn grow(&mut self, out: &mut String, piece: &str) -> Option<()> {
        let budget = if out.len() + piece.len() > MAX_VALUE_BYTES {
            Budget::Value
        } else if self.spent + piece.len() > MAX_TOTAL_BYTES {
            Budget::Total
        } else {
            self.spent += piece.len();
            out.push_str(piece);
            return Some(());
        };
        self.overrun.get_or_insert(Overrun { span: None, budget });
        None
    }

    /// A scalar as JavaScript would print it into a string, when certain.
    fn scalar_string(&self, node: NodeId) -> Option<String> {
        let text = self.yaml.str(node)?;
        if variables::has_variable(text) {
            return None;
        }
        match self.yaml.scalar_value(node)? {
            ScalarValue::Str => Some(text.to_string()),
            ScalarValue::Bool(b) => Some(b.to_string()),
            ScalarValue::Int
                if text.bytes().all(|c| c.is_ascii_digit())
                    && !(text.len() > 1 && text.starts_with('0')) =>
            {
                Some(text.to_string())
            }
            _ => None,
        }
    }

    /// A parameter or address as a string: literal, or text whose variables resolve.
    fn arg_string(&mut self, value: &ArgValue, depth: usize) -> Option<String> {
        match value {
            ArgValue::Literal(literal) => literal_string(literal),
            ArgValue::Template { text, .. } => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                let parsed = variables::parse_for(text, self.framework_major);
                if parsed.error.is_some() || parsed.too_deep {
                    return None;
                }
                self.concatenation(text, &parsed.segments, depth + 1)
            }
        }
    }

    /// The first source of a variable that gives a value.
    fn variable_target(&mut self, variable: &Variable, depth: usize) -> Option<Target> {
        if depth > MAX_DEPTH {
            return None;
        }
        let count = variable.sources.len();
        for (index, source) in variable.sources.iter().enumerate() {
            let last = index + 1 == count;
            let (kind, params, address) = match source {
                Source::Literal { value, .. } => return literal_string(value).map(Target::Str),
                Source::Variable {
                    kind,
                    params,
                    address,
                    ..
                } => (kind.as_str(), params.as_deref(), address.as_ref()),
            };
            match kind {
                "self" if params.is_none() => {
                    let address = match address {
                        Some(arg) => self.arg_string(&arg.value, depth)?,
                        None => String::new(),
                    };
                    if address == "provider.stage" {
                        return self.stage.clone().map(Target::Str);
                    }
                    if variables::self_path_filled_by_framework(&address) {
                        return None;
                    }
                    match lookup_self(self.yaml, &address) {
                        SelfLookup::Found(node) if !self.yaml.is_null(node) => {
                            self.definitions.push(node);
                            return Some(Target::Node(node));
                        }
                        SelfLookup::Found(_) | SelfLookup::Missing { .. } => continue,
                        SelfLookup::Unknown => return None,
                    }
                }
                "file" => {
                    let path = self.arg_string(&params?.first()?.value, depth)?;
                    let root = match self.load(&path) {
                        Load::Loaded(root) => root,
                        Load::Missing => continue,
                        Load::Unknown => return None,
                    };
                    let address = match address {
                        Some(arg) => self.arg_string(&arg.value, depth)?,
                        None => {
                            self.definitions.push(root);
                            return Some(Target::Node(root));
                        }
                    };
                    match lookup_path(self.yaml, Some(root), &address) {
                        SelfLookup::Found(node) if !self.yaml.is_null(node) => {
                            self.definitions.push(node);
                            return Some(Target::Node(node));
                        }
                        SelfLookup::Found(_) | SelfLookup::Missing { .. } => continue,
                        SelfLookup::Unknown => return None,
                    }
                }
                "opt" | "sls"
                    if params.is_none()
                        && address.is_some_and(|a| {
                            a.value == ArgValue::Literal(Literal::Str("stage".to_string()))
                        }) =>
                {
                    // Without `--stage`, `opt:stage` gives nothing: its default follows.
                    if kind == "opt" && !last {
                        continue;
                    }
                    return self.stage.clone().map(Target::Str);
                }
                _ => return None,
            }
        }
        None
    }

    /// Loads an included file once; `Unknown` for what cannot be known without running
    /// anything (JavaScript), what cannot be read, what does not parse, and beyond the limits.
    fn load(&mut self, path: &str) -> Load {
        let Some((files, dir)) = &self.files else {
            return Load::Unknown;
        };
        let lower = path.to_ascii_lowercase();
        if ![".yml", ".yaml", ".json"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            return Load::Unknown;
        }
        let full = normalize(&dir.join(path));
        if let Some(load) = self.loads.get(&full) {
            return *load;
        }
        if self.documents.len() > MAX_DOCUMENTS || self.depth >= MAX_DEPTH {
            return Load::Unknown;
        }
        let load = match files.read(&full) {
            // Nodes keep `u32` offsets into the texts laid end to end: a file that would end
            // past that (only after a main text of nearly 4 GiB) is not followed.
            Ok(text) if self.main.len() + self.appended.len() + 1 + text.len() > MAX_TEXT_BYTES => {
                Load::Unknown
            }
            Ok(text) => {
                let mut own = Yaml::parse(&text);
                if lower.ends_with(".json") {
                    own.replace_syntax_errors(None);
                }
                let parses = !own.errors().iter().any(|e| e.kind == YamlErrorKind::Syntax);
                self.appended.push('\n');
                let base = self.main.len() + self.appended.len();
                self.appended.push_str(&text);
                let root = self.yaml.append(own.clone(), base);
                self.documents.push(Document {
                    path: full.to_string_lossy().into_owned(),
                    text,
                    base,
                    yaml: own,
                    root,
                    depth: self.depth + 1,
                });
                match root {
                    Some(root) if parses => Load::Loaded(root),
                    _ => Load::Unknown,
                }
            }
            Err(FileError::NotFound) => Load::Missing,
            // Outside the project (never opened), or unreadable: no value, and no guess.
            Err(_) => Load::Unknown,
        };
        self.loads.insert(full, load);
        load
    }

    /// True when `node` standing for `target` would put a node inside itself: `target` (or
    /// what it stands for) is `node` or one of its ancestors, through parents and values
    /// standing for them.
    fn creates_cycle(&self, node: NodeId, target: NodeId) -> bool {
        // Both walks are a handful of nodes for nearly every value (16,000 values at 200,000
        // lines): small sets searched in place, a hash set only if one grows.
        let mut targets = NodeSet::default();
        let mut current = target;
        for _ in 0..64 {
            if !targets.insert(current) {
                break;
            }
            current = match (
                self.yaml.substitute_of(current),
                &self.yaml.node(current).kind,
            ) {
                (Some(next), _) => next,
                (None, NodeKind::Alias { target: Some(next) }) => *next,
                _ => break,
            };
        }
        let mut stack = vec![node];
        let mut visited = NodeSet::default();
        while let Some(current) = stack.pop() {
            if targets.contains(current) {
                return true;
            }
            if !visited.insert(current) {
                continue;
            }
            if let Some(parent) = self.yaml.node(current).parent() {
                stack.push(parent);
            }
            if let Some(users) = self.reverse.get(&current) {
                stack.extend(users.iter().copied());
            }
        }
        false
    }

    /// `${file(PATH)}` with a literal PATH outside the project (wherever it appears: it was
    /// not read), or naming no file where no fallback follows. `text`: the service's
    /// combined text.
    fn missing_includes(
        &self,
        text: &str,
        pending: &[(NodeId, std::sync::Arc<Parsed>)],
    ) -> Vec<MissingInclude> {
        let Some((files, dir)) = &self.files else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (node, parsed) in pending {
            for variable in parsed.variables() {
                let count = variable.sources.len();
                for (index, source) in variable.sources.iter().enumerate() {
                    let Source::Variable {
                        kind,
                        params: Some(params),
                        ..
                    } = source
                    else {
                        continue;
                    };
                    if kind != "file" {
                        continue;
                    }
                    let Some(ArgValue::Literal(Literal::Str(path))) =
                        params.first().map(|a| &a.value)
                    else {
                        continue;
                    };
                    if path.is_empty() {
                        continue;
                    }
                    let full = normalize(&dir.join(path));
                    let outside = !files.contains(&full);
                    if !outside && (index + 1 < count || files.exists(&full)) {
                        continue;
                    }
                    out.push(MissingInclude {
                        node: *node,
                        range: variables::source_range(text, self.yaml, *node, variable.span),
                        path: path.clone(),
                        outside,
                    });
                }
            }
        }
        out
    }
}

/// A set of nodes that is a short list until it holds more than a few.
#[derive(Default)]
enum NodeSet {
    #[default]
    Empty,
    Few(Vec<NodeId>),
    Many(FxHashSet<NodeId>),
}

impl NodeSet {
    const FEW: usize = 16;

    /// False when `node` was there already.
    fn insert(&mut self, node: NodeId) -> bool {
        match self {
            NodeSet::Empty => {
                *self = NodeSet::Few(vec![node]);
                true
            }
            NodeSet::Few(nodes) if nodes.contains(&node) => false,
            NodeSet::Few(nodes) if nodes.len() < Self::FEW => {
                nodes.push(node);
                true
            }
            NodeSet::Few(nodes) => {
                let mut set: FxHashSet<NodeId> = nodes.drain(..).collect();
                set.insert(node);
                *self = NodeSet::Many(set);
                true
            }
            NodeSet::Many(set) => set.insert(node),
        }
    }

    fn contains(&self, node: NodeId) -> bool {
        match self {
            NodeSet::Empty => false,
            NodeSet::Few(nodes) => nodes.contains(&node),
            NodeSet::Many(set) => set.contains(&node),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::MemoryFiles;

    /// The rules take the resolver's scan instead of scanning again: it must be the scan of
    /// the arena as resolving left it (included files and resolved strings too).
    #[test]
    fn outcome_variables_equal_a_fresh_scan_of_the_resolved_tree() {
        let text = "service: s\n\
                    custom:\n  a: ${self:custom.b}-x\n  b: ${file(inc.yml):name}\n  \
                    c: ${self:custom.a}\n  bad: x${self:custom.a\n\
                    provider:\n  stage: ${opt:stage, 'dev'}\n\
                    resources: ${file(functions.yml)}\n";
        let files = MemoryFiles::new()
            .with(
                "svc/inc.yml",
                "name: ${self:custom.c}z\nother: ${sls:stage}\n",
            )
            .with(
                "svc/functions.yml",
                "f:\n  handler: h.${self:provider.stage}\n",
            );
        let mut yaml = Yaml::parse(text);
        let project = ProjectFiles::new(&files, Path::new("svc"), &[]);
        let outcome = resolve(
            &mut yaml,
            text,
            Path::new("svc/serverless.yml"),
            Some(&project),
        );
        let paths: Vec<&str> = outcome.documents.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths.len(), 3, "both included files load: {paths:?}");
        let fresh = variables::scan(&yaml, None);
        let nodes = |values: &[variables::ValueVariables]| {
            values.iter().map(|v| v.node).collect::<Vec<_>>()
        };
        assert_eq!(nodes(&outcome.variables), nodes(&fresh));
        assert!(fresh.len() >= 7, "{}", fresh.len());
    }

    /// v4 trims the source of a `${...}`, v3 reads `${ self:x }` as text: `frameworkVersion`
    /// decides, and without it (or with a range that allows both) nothing is resolved.
    #[test]
    fn a_space_after_the_dollar_brace_resolves_only_under_v4() {
        for (version, resolves) in [
            ("4", true),
            ("^4", true),
            ("'>=4.0.0'", true),
            ("'4.1.2'", true),
            ("3", false),
            ("^3.38.0", false),
            ("'>=3'", false),
            ("${env:SLS_VERSION}", false),
        ] {
            let text = format!(
                "frameworkVersion: {version}\n\
                 custom:\n  route: sendMessage\n  leaf: route\n\
                 route: ${{ self:custom.route }}\n\
                 nested: ${{self:custom.${{ self:custom.leaf }}}}\n"
            );
            let mut yaml = Yaml::parse(&text);
            resolve(&mut yaml, &text, Path::new("serverless.yml"), None);
            let root = yaml.root().unwrap();
            let route = yaml.get_value(root, "route").and_then(|n| yaml.str(n));
            let expected = if resolves {
                "sendMessage"
            } else {
                "${ self:custom.route }"
            };
            assert_eq!(route, Some(expected), "frameworkVersion: {version}");
            let nested = yaml.get_value(root, "nested").and_then(|n| yaml.str(n));
            assert_eq!(
                nested == Some("sendMessage"),
                resolves,
                "frameworkVersion: {version}: {nested:?}"
            );
        }
        let text = "custom:\n  route: sendMessage\nroute: ${ self:custom.route }\n";
        let mut yaml = Yaml::parse(text);
        resolve(&mut yaml, text, Path::new("serverless.yml"), None);
        let root = yaml.root().unwrap();
        let route = yaml.get_value(root, "route").and_then(|n| yaml.str(n));
        assert_eq!(route, Some("${ self:custom.route }"), "no frameworkVersion");
    }

    #[test]
    fn node_sets_answer_the_same_small_and_large() {
        let mut set = NodeSet::default();
        for n in 0..40 {
            assert!(set.insert(n * 3), "{n}");
            assert!(!set.insert(n * 3), "{n}");
            assert!((0..=n).all(|m| set.contains(m * 3)) && !set.contains(n * 3 + 1));
        }
        assert!(matches!(set, NodeSet::Many(_)));
    }

    /// A value standing for an ancestor of itself is left alone (it would nest in itself).
    #[test]
    fn a_value_naming_its_own_ancestor_is_not_resolved() {
        let text = "custom:\n  a:\n    b: ${self:custom.a}\n    c: ${self:custom.d}\n  d: x\n";
        let mut yaml = Yaml::parse(text);
        let outcome = resolve(&mut yaml, text, Path::new("serverless.yml"), None);
        let root = yaml.root().unwrap();
        let a = yaml.path(root, &["custom", "a"]).unwrap();
        let b = yaml.get_value(a, "b").unwrap();
        assert_eq!(yaml.substitute_of(b), None);
        assert_eq!(yaml.str(yaml.get_value(a, "c").unwrap()), Some("x"));
        assert_eq!(outcome.resolved_values, 1);
    }
}
