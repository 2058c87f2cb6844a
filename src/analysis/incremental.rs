//! Diagnostics kept from one version of a file to the next: after an edit inside one function,
//! only that function is analysed again, and the findings elsewhere are kept, shifted by the
//! edit's change in length. Anything that could make the edit matter outside its function
//! falls back to the whole analysis, so the result is always what [`super::analyze_parsed`]
//! (or [`super::analyze_service_parsed`]) gives for the new text: `tests/incremental_analysis.rs`
//! checks that after thousands of random edits.
//!
//! How one function is analysed again: the text with every other function's entry cut out (the
//! provider, `custom` and the rest stay, so variables resolve as before) is analysed whole, and
//! the findings of the per-function rules ([`PER_FUNCTION_RULES`]) inside the function replace
//! the old ones there. The other rules (routes, authorizer references, counts, ...) read other
//! functions only through their `events`, `name`, `timeout` and `tags`: an edit that touches
//! none of these in the edited function leaves their findings as they were.
//!
//! The whole analysis runs instead when: there is no earlier analysis; the text does not parse;
//! the edit is outside the `functions` block, on a function's key, or touches one of the entries
//! above; the service includes other files, uses aliases, suppression comments or variables
//! that point into `functions`; the function holds merges, aliases or `${file(...)}`
//! ([`NOT_LOCAL_MARKERS`]); the edit touches or changes a line that rules about the whole
//! service read (references, IAM actions: [`WATCHED_MARKERS`]); or a kept finding's range
//! crosses the edit.

use std::hash::BuildHasher;
use std::path::Path;

use crate::config::Settings;
use crate::diagnostics::{sort_and_dedup, Diagnostic};
use crate::files::FileSource;
use crate::model::FileFormat;
use crate::span::TextRange;
use crate::yaml::{Entry, NodeId, NodeKind, Yaml, YamlErrorKind};

/// The rules whose findings inside a function depend only on that function and on what is
/// outside `functions` (the provider, `custom`, plugins): the document's shape, the variables,
/// the handler file.
pub const PER_FUNCTION_RULES: &[&str] = &[
    "WS002", "WS003", "WS004", "WS005", "WS601", "WS602", "WS603", "WS606", "WS702",
];

/// The entries of a function that rules about other functions read (routes and authorizers in
/// `events`, the deployed `name`, the `timeout` a provider default applies to, `tags`).
const READ_BY_OTHER_FUNCTIONS: &[&str] = &["events", "name", "timeout", "tags"];

/// Text that makes an edit matter beyond its function: suppression comments (file-wide ones
/// and unused ones depend on every finding), variables pointing into `functions` or built
/// from other variables, includes, merges.
const NOT_LOCAL_MARKERS: &[&str] = &[
    "ws-lint:",
    "self:functions",
    "self:${",
    "${self:}",
    "${file(",
    "<<",
];

/// Lines that rules about the whole service read inside a function: CloudFormation references
/// (WS704 checks those to the framework's websocket names against every function's generated
/// names) and IAM actions and policies (WS703 looks anywhere for a grant of
/// `execute-api:ManageConnections`). An edit may not touch them, and they must read the same
/// after it.
const WATCHED_MARKERS: &[&str] = &[
    "Websockets",
    "Ref",
    "GetAtt",
    "Sub",
    "DependsOn",
    "execute-api",
    "Action",
    "policy/",
    "'*'",
    "\"*\"",
];

/// How the last analysis was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    /// The whole text was analysed.
    Full,
    /// One function was analysed again.
    Function,
}

/// One function's place in the text and what other functions' findings read of it.
#[derive(Clone, Debug)]
struct FunctionBlock {
    /// From the start of the key's line to the start of the next function's key line (or the
    /// end of the functions block).
    region: TextRange,
    key: TextRange,
    /// The end of the key's line.
    key_line_end: usize,
    name: String,
    /// The entries of [`READ_BY_OTHER_FUNCTIONS`] it has (from the key's line to the end of
    /// the value), then the lines holding [`WATCHED_MARKERS`], each with a hash of its text (an
    /// edit elsewhere in the function may still change them, by indentation: then the hashes
    /// differ).
    read_by_others: Vec<(TextRange, u64)>,
    /// It holds something of [`NOT_LOCAL_MARKERS`] or an alias.
    not_local: bool,
}

impl FunctionBlock {
    /// Moves it by `delta` bytes (it is after the edit).
    fn shift(&mut self, delta: isize) -> Option<()> {
        let by = |r: TextRange| -> Option<TextRange> {
            Some(TextRange::new(
                r.start.checked_add_signed(delta)?,
                r.end.checked_add_signed(delta)?,
            ))
        };
        self.region = by(self.region)?;
        self.key = by(self.key)?;
        self.key_line_end = self.key_line_end.checked_add_signed(delta)?;
        for (range, _) in &mut self.read_by_others {
            *range = by(*range)?;
        }
        Some(())
    }
}

struct State {
    /// As the whole analysis gives them for the current text.
    diagnostics: Vec<Diagnostic>,
    functions: Vec<FunctionBlock>,
}

/// The analysis of one document kept between versions (the language server holds one per open
/// document).
pub struct IncrementalAnalysis {
    path: String,
    settings: Settings,
    state: Option<State>,
    last: Update,
}

impl IncrementalAnalysis {
    /// `path` decides the format, as for [`super::analyze`], and where the service's files are.
    pub fn new(path: impl Into<String>, settings: Settings) -> Self {
        IncrementalAnalysis {
            path: path.into(),
            settings,
            state: None,
            last: Update::Full,
        }
    }

    /// How the last call was answered.
    pub fn last_update(&self) -> Update {
        self.last
    }

    /// Analyses `text` whole (`yaml` is its tree) and keeps what the next edit needs.
    pub fn analyze(
        &mut self,
        text: &str,
        yaml: Yaml,
        files: Option<&dyn FileSource>,
    ) -> Vec<Diagnostic> {
        self.last = Update::Full;
        // Findings of a text that does not parse are the syntax errors alone: nothing to keep.
        let parses = !yaml
            .errors()
            .iter()
            .any(|e| e.kind == YamlErrorKind::Syntax);
        let functions = function_blocks(text, &yaml).filter(|_| {
            parses
                && FileFormat::from_path(&self.path) == FileFormat::Yaml
                && !whole_text_is_not_local(text)
        });
        let path = Path::new(&self.path);
        let analysis = super::run(text, path, &self.settings, files, None, yaml);
        let diagnostics = analysis.main.diagnostics;
        self.state = match functions {
            Some(functions) if analysis.included.is_empty() => Some(State {
                diagnostics: diagnostics.clone(),
                functions,
            }),
            _ => None,
        };
        diagnostics
    }

    /// The diagnostics of `text` after one edit: `edit` is the replaced range in the previous
    /// text, `inserted` the length of what replaced it, `yaml` the new text's tree. The tree
    /// comes back when only the edited function was analysed (the caller may keep it for the
    /// next re-parse; dropping a large tree costs more than the update itself).
    pub fn update(
        &mut self,
        text: &str,
        yaml: Yaml,
        edit: TextRange,
        inserted: usize,
        files: Option<&dyn FileSource>,
    ) -> (Vec<Diagnostic>, Option<Yaml>) {
        if let Some(diagnostics) = self.try_function(text, &yaml, edit, inserted, files) {
            self.last = Update::Function;
            return (diagnostics, Some(yaml));
        }
        (self.analyze(text, yaml, files), None)
    }

    fn try_function(
        &mut self,
        text: &str,
        yaml: &Yaml,
        edit: TextRange,
        inserted: usize,
        files: Option<&dyn FileSource>,
    ) -> Option<Vec<Diagnostic>> {
        let state = self.state.as_ref()?;
        if yaml
            .errors()
            .iter()
            .any(|e| e.kind == YamlErrorKind::Syntax)
        {
            return None;
        }
        let delta = inserted as isize - edit.len() as isize;
        let shift = |offset: usize| offset.checked_add_signed(delta);
        // The one function whose region holds the edit, not on its key's line, and not
        // touching what other functions' findings read of it.
        let index = state
            .functions
            .partition_point(|f| f.region.start <= edit.start)
            .checked_sub(1)?;
        let old = &state.functions[index];
        if old.not_local
            || edit.start <= old.key_line_end
            || edit.end >= old.region.end
            || old.read_by_others.iter().any(|(r, _)| touches(*r, edit))
        {
            return None;
        }
        // The new tree has the same functions, the others where they were (or shifted).
        let (entries, block_end) = function_entries(text, yaml)?;
        if entries.len() != state.functions.len() {
            return None;
        }
        for (i, (before, after)) in state.functions.iter().zip(entries).enumerate() {
            let expected = if i <= index {
                before.key.start
            } else {
                shift(before.key.start)?
            };
            if yaml.range(after.key).start != expected {
                return None;
            }
        }
        let new = function_block(text, yaml, entries, index, block_end)?;
        let edit_after = TextRange::new(edit.start, edit.start + inserted);
        if new.not_local
            || new.region.end != shift(old.region.end)?
            || new
                .read_by_others
                .iter()
                .any(|(r, _)| touches(*r, edit_after))
            || !new
                .read_by_others
                .iter()
                .map(|(_, hash)| hash)
                .eq(old.read_by_others.iter().map(|(_, hash)| hash))
        {
            return None;
        }
        // The findings kept: all but the per-function ones inside the edited function, shifted.
        let mut kept = Vec::with_capacity(state.diagnostics.len());
        for diagnostic in &state.diagnostics {
            let start = diagnostic.range.start;
            if PER_FUNCTION_RULES.contains(&diagnostic.code)
                && old.region.start <= start
                && start <= old.region.end
            {
                continue;
            }
            kept.push(shifted(diagnostic, edit, delta)?);
        }
        // The edited function alone, with everything outside `functions`.
        let first = if index == 0 {
            new.region.start
        } else {
            state.functions.first()?.region.start
        };
        let last = if index + 1 == state.functions.len() {
            new.region.end
        } else {
            shift(state.functions.last()?.region.end)?
        };
        let mut alone = String::with_capacity(first + new.region.len() + (text.len() - last));
        alone.push_str(text.get(..first)?);
        alone.push_str(text.get(new.region.as_range())?);
        alone.push_str(text.get(last..)?);
        let from_alone = Placement {
            prefix: first,
            function: new.region,
            tail_at: last,
        };
        let path = Path::new(&self.path);
        let analysis = super::run(
            &alone,
            path,
            &self.settings,
            files,
            None,
            Yaml::parse(&alone),
        );
        if !analysis.included.is_empty() {
            return None;
        }
        let inside = TextRange::new(first, first + new.region.len());
        for diagnostic in analysis.main.diagnostics {
            let start = diagnostic.range.start;
            if PER_FUNCTION_RULES.contains(&diagnostic.code)
                && inside.start <= start
                && start <= inside.end
            {
                kept.push(from_alone.place(diagnostic));
            }
        }
        sort_and_dedup(&mut kept);
        let state = self.state.as_mut()?;
        state.diagnostics = kept.clone();
        for block in &mut state.functions[index + 1..] {
            block.shift(delta)?;
        }
        state.functions[index] = new;
        Some(kept)
    }
}

/// Whether `range` overlaps or touches `edit` (text typed at either end of a value is part of
/// it).
fn touches(range: TextRange, edit: TextRange) -> bool {
    range.start <= edit.end && edit.start <= range.end
}

/// A range of the old text in the new one: before the edit it stays, after it moves by `delta`;
/// `None` when it overlaps or touches the edit.
fn shift_range(range: TextRange, edit: TextRange, delta: isize) -> Option<TextRange> {
    if range.end < edit.start {
        return Some(range);
    }
    if range.start > edit.end {
        return Some(TextRange::new(
            range.start.checked_add_signed(delta)?,
            range.end.checked_add_signed(delta)?,
        ));
    }
    None
}

fn shifted(diagnostic: &Diagnostic, edit: TextRange, delta: isize) -> Option<Diagnostic> {
    let mut out = diagnostic.clone();
    out.range = shift_range(out.range, edit, delta)?;
    for related in &mut out.related {
        if related.path.is_none() {
            related.range = shift_range(related.range, edit, delta)?;
        }
    }
    if let Some(fix) = &mut out.fix {
        for e in &mut fix.edits {
            e.range = shift_range(e.range, edit, delta)?;
        }
    }
    Some(out)
}

/// Where the pieces of the cut-down text are in the whole one: the part before the functions
/// (same offsets), the edited function's region, then the part after the functions.
struct Placement {
    prefix: usize,
    function: TextRange,
    tail_at: usize,
}

impl Placement {
    fn offset(&self, offset: usize, in_function: bool) -> usize {
        if offset < self.prefix && !in_function {
            offset
        } else if in_function {
            offset - self.prefix + self.function.start
        } else {
            offset - self.prefix - self.function.len() + self.tail_at
        }
    }

    fn range(&self, range: TextRange) -> TextRange {
        let end_of_function = self.prefix + self.function.len();
        let in_function = self.prefix <= range.start
            && (range.start < end_of_function
                || (range.start == end_of_function && range.end == end_of_function));
        TextRange::new(
            self.offset(range.start, in_function),
            self.offset(range.end, in_function),
        )
    }

    fn place(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        diagnostic.range = self.range(diagnostic.range);
        for related in &mut diagnostic.related {
            if related.path.is_none() {
                related.range = self.range(related.range);
            }
        }
        if let Some(fix) = &mut diagnostic.fix {
            for edit in &mut fix.edits {
                edit.range = self.range(edit.range);
            }
        }
        diagnostic
    }
}

/// Markers that make any edit's effect reach beyond its function, wherever they are.
fn whole_text_is_not_local(text: &str) -> bool {
    ["ws-lint:", "self:functions", "self:${", "${self:}"]
        .iter()
        .any(|marker| text.contains(marker))
}

/// The entries of a block-mapping `functions` at the top level, and where the block ends (the
/// start of the next top-level key's line, or the end of the text).
fn function_entries<'y>(text: &str, yaml: &'y Yaml) -> Option<(&'y [Entry], usize)> {
    let root = yaml.root()?;
    let root_entries = yaml.own_entries(root)?;
    let at = root_entries
        .iter()
        .position(|e| yaml.key_text(e.key) == Some("functions"))?;
    let NodeKind::Mapping { entries, flow } = &yaml.node(root_entries[at].value).kind else {
        return None;
    };
    if *flow || entries.is_empty() {
        return None;
    }
    let block_end = root_entries.get(at + 1).map_or(text.len(), |next| {
        line_start(text, yaml.range(next.key).start)
    });
    Some((entries, block_end))
}

/// Every function of the text, in order; `None` when `functions` is not a block mapping at the
/// top level, two functions share a name, or the tree holds an alias (which may repeat a
/// function's node elsewhere).
fn function_blocks(text: &str, yaml: &Yaml) -> Option<Vec<FunctionBlock>> {
    let (entries, block_end) = function_entries(text, yaml)?;
    let mut names = rustc_hash::FxHashSet::default();
    let mut blocks = Vec::with_capacity(entries.len());
    for i in 0..entries.len() {
        let block = function_block(text, yaml, entries, i, block_end)?;
        if !names.insert(block.name.clone()) {
            return None;
        }
        blocks.push(block);
    }
    if yaml.nodes().any(|(id, _)| yaml.is_alias(id)) {
        return None;
    }
    Some(blocks)
}

/// The `i`th function of `entries`.
fn function_block(
    text: &str,
    yaml: &Yaml,
    entries: &[Entry],
    i: usize,
    block_end: usize,
) -> Option<FunctionBlock> {
    let e = entries.get(i)?;
    let name = yaml.key_text(e.key)?.to_string();
    let key = yaml.range(e.key);
    let start = line_start(text, key.start);
    let end = entries.get(i + 1).map_or(block_end, |next| {
        line_start(text, yaml.range(next.key).start)
    });
    if end <= start {
        return None;
    }
    let key_line_end = text
        .get(key.end..)?
        .find('\n')
        .map_or(text.len(), |n| key.end + n);
    let mut read_by_others = Vec::new();
    if let NodeKind::Mapping { entries, .. } = &yaml.node(e.value).kind {
        for inner in entries {
            if yaml
                .key_text(inner.key)
                .is_some_and(|k| READ_BY_OTHER_FUNCTIONS.contains(&k))
            {
                let key = yaml.range(inner.key);
                let value = yaml.range(inner.value);
                let range = TextRange::new(line_start(text, key.start), value.end.max(key.end));
                let hash = rustc_hash::FxBuildHasher.hash_one(text.get(range.as_range())?);
                read_by_others.push((range, hash));
            }
        }
    }
    let region = TextRange::new(start, end);
    let body = text.get(region.as_range())?;
    let mut not_local = has_alias(yaml, e.value, 0);
    let mut last_line = None;
    for found in markers().find_iter(body) {
        if NOT_LOCAL_MARKERS.contains(&found.as_str()) {
            not_local = true;
            break;
        }
        // A watched line, once however many markers it holds.
        let line_start = body[..found.start()].rfind('\n').map_or(0, |n| n + 1);
        if last_line == Some(line_start) {
            continue;
        }
        last_line = Some(line_start);
        let line_end = body[found.end()..]
            .find('\n')
            .map_or(body.len(), |n| found.end() + n);
        let content = &body[line_start..line_end];
        let range = TextRange::new(start + line_start, start + line_end);
        read_by_others.push((range, rustc_hash::FxBuildHasher.hash_one(content)));
    }
    Some(FunctionBlock {
        region,
        key,
        key_line_end,
        name,
        read_by_others,
        not_local,
    })
}

/// Every marker of [`NOT_LOCAL_MARKERS`] and [`WATCHED_MARKERS`]: one pass over a function's
/// text finds them all (on a large service, one search per marker cost more than the analysis
/// of a function).
fn markers() -> &'static regex::Regex {
    static MARKERS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    MARKERS.get_or_init(|| {
        let alternatives: Vec<String> = NOT_LOCAL_MARKERS
            .iter()
            .chain(WATCHED_MARKERS)
            .map(|m| regex::escape(m))
            .collect();
        regex::Regex::new(&alternatives.join("|")).expect("escaped literals form a regex")
    })
}

/// Deeper than any configuration: nesting past it counts as an alias (the whole analysis runs).
const MAX_DEPTH: usize = 256;

fn has_alias(yaml: &Yaml, node: NodeId, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    match &yaml.node(node).kind {
        NodeKind::Alias { .. } => true,
        NodeKind::Scalar(_) => false,
        NodeKind::Mapping { entries, .. } => entries
            .iter()
            .any(|e| has_alias(yaml, e.key, depth + 1) || has_alias(yaml, e.value, depth + 1)),
        NodeKind::Sequence { items, .. } => items.iter().any(|&i| has_alias(yaml, i, depth + 1)),
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |n| n + 1)
}
