//! YAML with exact positions.
//!
//! Events come from saphyr-parser's pull iterator (its push API and loaders recurse and overflow
//! the stack on deep nesting); the tree is built here with an explicit stack and a depth cap.
//! Every node keeps a byte range with start and end and its scalar style; the few tags are kept
//! beside the nodes. Aliases are nodes that point at their anchor's node: nothing is ever
//! copied, so an alias bomb stays as small as its text. Merge keys (`<<`) are followed by the
//! lookup functions, also by reference.
//!
//! Parsing never fails: it returns whatever tree it could build plus a list of errors (syntax,
//! duplicate keys, more than one document, nesting too deep).

mod char_offsets;
mod incremental;
mod merges;
pub use incremental::{Reparse, ReparsePlan};
pub use merges::MergeSite;
mod saphyr;
mod scalar;

use rustc_hash::{FxHashMap, FxHashSet};

use saphyr::{Event, Parser, ScalarStyle as SaphyrStyle};

use crate::span::TextRange;
use char_offsets::CharOffsets;
pub use scalar::{resolve_plain, ScalarValue};

/// Deeper nesting than this is refused with an error: no real configuration comes close, and
/// every consumer of the tree may then recurse without fear.
pub const MAX_DEPTH: usize = 255;
/// How many aliases or merge keys may be followed in one lookup before we call it a cycle.
const MAX_ALIAS_HOPS: usize = 64;
/// In `Yaml::substitutes`: the node stands for itself.
const NO_SUBSTITUTE: u32 = u32::MAX;
/// In `Node::parent`: the node has no parent (a root).
const NO_PARENT: u32 = u32::MAX;
/// Nodes store byte offsets as `u32`, so longer texts are refused by [`Yaml::parse`]. Nothing
/// that reads files comes close (the CLI takes at most 64 MiB, included files 2 MiB); only the
/// language server's text, grown by edits, could.
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize;

pub type NodeId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl ScalarStyle {
    pub fn is_quoted(self) -> bool {
        matches!(self, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    /// The scalar's content after YAML unescaping and folding. A `Box<str>` rather than a
    /// `String`: a value never grows once parsed, and the 8 bytes of capacity saved bring
    /// `NodeKind` from 40 to 32 bytes (a 200,000-line file has 366,000 nodes).
    pub value: Box<str>,
    pub style: ScalarStyle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: NodeId,
    pub value: NodeId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Scalar(Scalar),
    Mapping {
        entries: Vec<Entry>,
        flow: bool,
    },
    Sequence {
        items: Vec<NodeId>,
        flow: bool,
    },
    /// `*name`: `target` is the anchored node, or `None` when the anchor is unknown.
    Alias {
        target: Option<NodeId>,
    },
}

/// One node of the arena. Kept small, as a large file has hundreds of thousands: offsets and
/// the parent are `u32` (a text is at most [`MAX_TEXT_BYTES`] long, and an arena never nears
/// four billion nodes), and the rare tag lives beside the arena ([`Yaml::tag`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// Start and end of the node's text, tag and anchor included (see [`Node::range`]).
    start: u32,
    end: u32,
    /// The parent's id, or `NO_PARENT` (see [`Node::parent`]).
    parent: u32,
}

impl Node {
    fn new(kind: NodeKind, range: TextRange, parent: Option<NodeId>) -> Node {
        let mut node = Node {
            kind,
            start: 0,
            end: 0,
            parent: NO_PARENT,
        };
        node.set_range(range);
        node.set_parent(parent);
        node
    }

    /// The node's text, tag and anchor included.
    pub fn range(&self) -> TextRange {
        TextRange::new(self.start as usize, self.end as usize)
    }

    pub fn parent(&self) -> Option<NodeId> {
        (self.parent != NO_PARENT).then_some(self.parent as NodeId)
    }

    fn set_range(&mut self, range: TextRange) {
        self.start = offset_u32(range.start);
        self.end = offset_u32(range.end);
    }

    fn set_end(&mut self, end: usize) {
        self.end = offset_u32(end);
    }

    /// An id past `u32::MAX - 1` cannot be stored and reads back as no parent; an arena that
    /// large (hundreds of gigabytes) is beyond any text this reads.
    fn set_parent(&mut self, parent: Option<NodeId>) {
        self.parent = parent
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(NO_PARENT);
    }
}

/// An offset as stored in a node. Parsed texts are at most [`MAX_TEXT_BYTES`] long, so this only
/// saturates for ranges moved past it (documents appended after a very long text): such a
/// range ends up at the end of the addressable text instead of wrapping around to its start.
fn offset_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// The text is not YAML (the parser's own message).
    Syntax,
    /// A key appears twice in one mapping; `first` is the earlier key.
    DuplicateKey { first: TextRange },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub range: TextRange,
}

/// A parsed document: an arena of nodes, the root, and what went wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Yaml {
    nodes: Vec<Node>,
    /// The tags (`!Ref`, `!GetAtt`, `!!str`... as written: handle and suffix) by node id, sorted
    /// by id. Few nodes have one, so they are kept here rather than in every node.
    tags: Vec<(NodeId, Box<str>)>,
    /// Whether any anchor or alias appears: incremental re-parsing then steps aside, since an
    /// edit in one block can change what an alias elsewhere means.
    uses_anchors: bool,
    root: Option<NodeId>,
    errors: Vec<YamlError>,
    /// Values that stand for another node: a `${self:...}` or `${file(...)}` value resolved to
    /// what it names (see `crate::resolve`). Empty for a document that was only parsed.
    /// `NO_SUBSTITUTE` where a node stands for itself (4 bytes a node: this table is as long as
    /// the arena once anything resolves).
    substitutes: Vec<u32>,
    /// How many nodes the parser made. Resolution only appends (included files, resolved
    /// strings) and records substitutes beside the nodes, so the first `parser_nodes` nodes
    /// stay the parser's tree of the text, which an incremental re-parse can start from.
    parser_nodes: usize,
    /// The parser reported nothing, and no other reader's verdict replaced its own.
    parser_clean: bool,
}

impl Yaml {
    /// Parses `text`; a text longer than [`MAX_TEXT_BYTES`] gives an empty tree and an error.
    pub fn parse(text: &str) -> Yaml {
        if text.len() > MAX_TEXT_BYTES {
            return Yaml::too_large(text);
        }
        Builder::new(text).run(true)
    }

    /// The tree of a text too long for a node's offsets: nothing, and an error saying why.
    fn too_large(text: &str) -> Yaml {
        Yaml {
            errors: vec![YamlError {
                kind: YamlErrorKind::Syntax,
                message: format!(
                    "the text is too large ({} bytes; at most {MAX_TEXT_BYTES} can be parsed)",
                    text.len()
                ),
                range: syntax_error_range(text, 0),
            }],
            ..Yaml::default()
        }
    }

    /// [`Yaml::parse`] on this thread alone, whatever the size (to test the pipelined path).
    #[cfg(test)]
    pub(crate) fn parse_on_one_thread(text: &str) -> Yaml {
        Builder::new(text).run(false)
    }

    /// Replaces the syntax errors with another reader's verdict on the same text (JSON for
    /// `serverless.json`); duplicate-key errors stay.
    pub fn replace_syntax_errors(&mut self, error: Option<YamlError>) {
        self.parser_clean = false;
        self.errors.retain(|e| e.kind != YamlErrorKind::Syntax);
        self.errors.extend(error);
    }

    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    pub fn errors(&self) -> &[YamlError] {
        &self.errors
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.nodes.iter().enumerate()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn range(&self, id: NodeId) -> TextRange {
        self.nodes[id].range()
    }

    /// The node's tag as written (`!Ref`, `!GetAtt`, `!!str`...: handle and suffix).
    pub fn tag(&self, id: NodeId) -> Option<&str> {
        self.tags
            .binary_search_by_key(&id, |(node, _)| *node)
            .ok()
            .map(|i| &*self.tags[i].1)
    }

    /// Follows aliases (and resolved variables) to the node they stand for (itself when it is
    /// neither).
    pub fn resolve(&self, id: NodeId) -> NodeId {
        let mut current = id;
        for _ in 0..MAX_ALIAS_HOPS {
            if let Some(target) = self.substitute_of(current) {
                current = target;
                continue;
            }
            match self.nodes[current].kind {
                NodeKind::Alias {
                    target: Some(target),
                } => current = target,
                _ => return current,
            }
        }
        current
    }

    /// Makes `node` (a value holding a variable) stand for `target` in every lookup: `resolve`,
    /// `str`, `items`, `entries`... see through it. `node` keeps its own kind and range, so
    /// diagnostics about the value still point where the variable is written.
    pub fn substitute(&mut self, node: NodeId, target: NodeId) {
        if node >= self.nodes.len() || target >= self.nodes.len() {
            return;
        }
        // Arenas past four billion nodes are beyond any text this reads; such a value simply
        // stays unresolved.
        let Ok(target) = u32::try_from(target) else {
            return;
        };
        if target == NO_SUBSTITUTE {
            return;
        }
        if self.substitutes.len() < self.nodes.len() {
            self.substitutes.resize(self.nodes.len(), NO_SUBSTITUTE);
        }
        self.substitutes[node] = target;
    }

    /// What a resolved variable value stands for.
    pub fn substitute_of(&self, node: NodeId) -> Option<NodeId> {
        self.substitutes
            .get(node)
            .copied()
            .filter(|&t| t != NO_SUBSTITUTE)
            .map(|t| t as NodeId)
    }

    /// Adds a string scalar that no text holds (a resolved value), with the range of the value
    /// it stands for.
    pub fn push_string(
        &mut self,
        value: String,
        range: TextRange,
        parent: Option<NodeId>,
    ) -> NodeId {
        self.nodes.push(Node::new(
            NodeKind::Scalar(Scalar {
                value: value.into_boxed_str(),
                style: ScalarStyle::SingleQuoted,
            }),
            range,
            parent,
        ));
        self.nodes.len() - 1
    }

    /// Appends another document's nodes to this arena, their ranges moved by `base` (the
    /// other text's place in a set of texts laid end to end), and returns its root. Its errors
    /// come along, moved too.
    pub fn append(&mut self, other: Yaml, base: usize) -> Option<NodeId> {
        let shift = self.nodes.len();
        let moved = |r: TextRange| TextRange::new(r.start + base, r.end + base);
        for mut node in other.nodes {
            node.set_range(moved(node.range()));
            node.set_parent(node.parent().map(|p| p + shift));
            match &mut node.kind {
                NodeKind::Scalar(_) => {}
                NodeKind::Mapping { entries, .. } => {
                    for entry in entries {
                        entry.key += shift;
                        entry.value += shift;
                    }
                }
                NodeKind::Sequence { items, .. } => {
                    for item in items {
                        *item += shift;
                    }
                }
                NodeKind::Alias { target } => *target = target.map(|t| t + shift),
            }
            self.nodes.push(node);
        }
        // Ids only grow: the table stays sorted.
        self.tags.extend(
            other
                .tags
                .into_iter()
                .map(|(node, tag)| (node + shift, tag)),
        );
        for mut error in other.errors {
            error.range = moved(error.range);
            if let YamlErrorKind::DuplicateKey { first } = &mut error.kind {
                *first = moved(*first);
            }
            self.errors.push(error);
        }
        other.root.map(|r| r + shift)
    }

    /// Appends a value that no text of the service holds (one the framework resolved, parsed
    /// from JSON): every node takes `range`, the place of the value it will stand for, so what
    /// is found inside it is shown where that value is written. Its parse errors are dropped
    /// (the text was written by a JSON serializer). Returns its root, child of `parent`.
    pub fn append_at(
        &mut self,
        mut other: Yaml,
        range: TextRange,
        parent: Option<NodeId>,
    ) -> Option<NodeId> {
        other.errors.clear();
        let first = self.nodes.len();
        let root = self.append(other, 0)?;
        for node in &mut self.nodes[first..] {
            node.set_range(range);
        }
        self.set_parent(root, parent);
        Some(root)
    }

    /// Sets the parent of an appended document's root (the value it is included at).
    pub fn set_parent(&mut self, node: NodeId, parent: Option<NodeId>) {
        if let Some(n) = self.nodes.get_mut(node) {
            n.set_parent(parent);
        }
    }

    pub fn is_alias(&self, id: NodeId) -> bool {
        matches!(self.nodes[id].kind, NodeKind::Alias { .. })
    }

    pub fn scalar(&self, id: NodeId) -> Option<&Scalar> {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The scalar's string content, whatever its type would resolve to.
    pub fn str(&self, id: NodeId) -> Option<&str> {
        self.scalar(id).map(|s| &*s.value)
    }

    /// What a YAML loader makes of the node when it is a scalar (js-yaml's default schema).
    pub fn scalar_value(&self, id: NodeId) -> Option<ScalarValue> {
        let resolved = self.resolve(id);
        let node = &self.nodes[resolved];
        let NodeKind::Scalar(scalar) = &node.kind else {
            return None;
        };
        Some(match self.tag(resolved) {
            // `!!int 1` and the like: what the core tag says (the loader refuses the file when
            // the text does not fit it, see `tag_error`).
            Some(tag) => match tag.strip_prefix(CORE_TAG_PREFIX) {
                Some("str") => ScalarValue::Str,
                Some("null") => ScalarValue::Null,
                Some("int") => ScalarValue::Int,
                Some("float") => ScalarValue::Float,
                Some("timestamp") => ScalarValue::Timestamp,
                Some("bool") => match resolve_plain(&scalar.value) {
                    ScalarValue::Bool(b) => ScalarValue::Bool(b),
                    _ => ScalarValue::Tagged,
                },
                _ => ScalarValue::Tagged,
            },
            None if scalar.style == ScalarStyle::Plain => resolve_plain(&scalar.value),
            None => ScalarValue::Str,
        })
    }

    /// True for an absent value (`key:`), `~` and `null`.
    pub fn is_null(&self, id: NodeId) -> bool {
        self.scalar_value(id) == Some(ScalarValue::Null)
    }

    pub fn is_mapping(&self, id: NodeId) -> bool {
        matches!(self.nodes[self.resolve(id)].kind, NodeKind::Mapping { .. })
    }

    pub fn is_sequence(&self, id: NodeId) -> bool {
        matches!(self.nodes[self.resolve(id)].kind, NodeKind::Sequence { .. })
    }

    /// The items of a sequence (after following an alias).
    pub fn items(&self, id: NodeId) -> Option<&[NodeId]> {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Sequence { items, .. } => Some(items),
            _ => None,
        }
    }

    /// The entries written in this mapping itself, `<<` entries included, in order.
    pub fn own_entries(&self, id: NodeId) -> Option<&[Entry]> {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Mapping { entries, .. } => Some(entries),
            _ => None,
        }
    }

    /// The mapping's effective entries: its own (merge keys left out), then those merged in by
    /// `<<` that it does not override, in YAML's precedence order. Merged entries keep the
    /// positions of their definition.
    pub fn entries(&self, id: NodeId) -> Vec<Entry> {
        let Some(own) = self.own_entries(id) else {
            return Vec::new();
        };
        // The common case: no merge key, the entries are the mapping's own.
        if !own.iter().any(|e| self.is_merge_key(e.key)) {
            return own.to_vec();
        }
        let mut out = Vec::new();
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        self.collect_entries(id, &mut out, &mut seen, &mut FxHashSet::default(), 0);
        out
    }

    fn collect_entries<'a>(
        &'a self,
        id: NodeId,
        out: &mut Vec<Entry>,
        seen: &mut FxHashSet<&'a str>,
        visited: &mut FxHashSet<NodeId>,
        depth: usize,
    ) {
        if depth > MAX_ALIAS_HOPS {
            return;
        }
        // A mapping merged in twice adds nothing the first time did not (the first key wins):
        // skipping it keeps a merge bomb (`<<: [*a, *a, ...]` nested) linear.
        let mapping = self.resolve(id);
        if !visited.insert(mapping) {
            return;
        }
        let Some(own) = self.own_entries(id) else {
            return;
        };
        let mut merges = Vec::new();
        for entry in own {
            if self.is_merge_key(entry.key) {
                merges.push(entry.value);
                continue;
            }
            if let Some(key) = self.key_text(entry.key) {
                if !seen.insert(key) {
                    continue;
                }
            }
            out.push(*entry);
        }
        for merge in merges {
            let resolved = self.resolve(merge);
            if let Some(items) = self.items(resolved) {
                for item in items {
                    self.collect_entries(*item, out, seen, visited, depth + 1);
                }
            } else {
                self.collect_entries(resolved, out, seen, visited, depth + 1);
            }
        }
    }

    fn is_merge_key(&self, key: NodeId) -> bool {
        let node = &self.nodes[key];
        matches!(&node.kind, NodeKind::Scalar(s) if &*s.value == "<<" && s.style == ScalarStyle::Plain)
    }

    /// The text of a scalar key (`None` for complex keys).
    pub fn key_text(&self, key: NodeId) -> Option<&str> {
        self.str(key)
    }

    /// Looks a key up in a mapping, merge keys included.
    pub fn get(&self, map: NodeId, key: &str) -> Option<Entry> {
        let own = self.own_entries(map)?;
        // One pass finds the key and notes whether merge keys could supply it instead.
        let mut merges = false;
        for entry in own {
            if self.is_merge_key(entry.key) {
                merges = true;
            } else if self.key_text(entry.key) == Some(key) {
                return Some(*entry);
            }
        }
        if merges {
            return self
                .entries(map)
                .into_iter()
                .find(|e| self.key_text(e.key) == Some(key));
        }
        None
    }

    /// The value under `key`, when there is one.
    pub fn get_value(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.get(map, key).map(|e| e.value)
    }

    /// Follows a path of keys from a mapping.
    pub fn path(&self, from: NodeId, keys: &[&str]) -> Option<NodeId> {
        let mut current = from;
        for key in keys {
            current = self.get_value(current, key)?;
        }
        Some(current)
    }

    /// The innermost node whose range contains `offset` (for cursor queries).
    pub fn node_at(&self, offset: usize) -> Option<NodeId> {
        let mut current = self.root?;
        if !self.nodes[current].range().touches(offset) {
            return None;
        }
        'descend: loop {
            let children: Vec<NodeId> = match &self.nodes[current].kind {
                NodeKind::Mapping { entries, .. } => {
                    entries.iter().flat_map(|e| [e.key, e.value]).collect()
                }
                NodeKind::Sequence { items, .. } => items.clone(),
                _ => return Some(current),
            };
            for child in children {
                if self.nodes[child].range().touches(offset) {
                    current = child;
                    continue 'descend;
                }
            }
            return Some(current);
        }
    }
}

struct Frame {
    node: NodeId,
    /// For mappings: a key waiting for its value.
    pending_key: Option<NodeId>,
    /// For mappings past `KEY_INDEX_FROM` entries: where each key was first seen, to report
    /// duplicates. Smaller mappings (nearly all) are searched in place, which spares a copy of
    /// every key.
    keys: Option<FxHashMap<String, TextRange>>,
}

/// From this many entries on, a mapping's keys are looked up in a hash map.
const KEY_INDEX_FROM: usize = 16;

/// What saphyr's parser yields: an event and its span, or the error that ends the stream.
type ParseItem<'t> = Result<(Event<'t>, saphyr::Span), saphyr::ScanError>;

/// From this size on, a text is scanned on a second thread while the tree is built. Below it a
/// thread's start and the hand-overs cost more than they save.
const PIPELINE_FROM: usize = 256 * 1024;
/// Events handed over at a time.
const BATCH: usize = 4096;

struct Builder<'t> {
    text: &'t str,
    offsets: CharOffsets<'t>,
    yaml: Yaml,
    stack: Vec<Frame>,
    anchors: FxHashMap<usize, NodeId>,
    /// While > 0 we are inside nesting beyond `MAX_DEPTH` and drop events.
    skipped_depth: usize,
    documents: usize,
    /// One non-printable character is reported; the loader stops at the first too.
    non_printable_reported: bool,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            offsets: CharOffsets::new(text),
            yaml: Yaml::default(),
            stack: Vec::new(),
            anchors: FxHashMap::default(),
            skipped_depth: 0,
            documents: 0,
            non_printable_reported: false,
        }
    }

    fn range(&self, span: &saphyr::Span) -> TextRange {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        TextRange::new(start, end)
    }

    /// `pipeline`: a large text may be scanned on a second thread.
    fn run(mut self, pipeline: bool) -> Yaml {
        let text = self.text;
        if let Some(at) = text.find('\0') {
            // js-yaml refuses a NUL anywhere before it parses anything; say so in its words.
            self.yaml.errors.push(YamlError {
                kind: YamlErrorKind::Syntax,
                message: "null byte is not allowed in input (a non-printable character, U+0000)"
                    .to_string(),
                range: syntax_error_range(text, at),
            });
        }
        if !pipeline || text.len() < PIPELINE_FROM || !self.run_pipelined() {
            let mut parser = Parser::new_from_str(text);
            while let Some(item) = parser.next_event() {
                if !self.consume(item) {
                    break;
                }
            }
        }
        // Close whatever a syntax error left open, so the partial tree is still usable.
        while let Some(frame) = self.stack.pop() {
            let end = self.yaml.nodes[frame.node].range().end;
            if let Some(key) = frame.pending_key {
                let key_end = self.yaml.nodes[key].range().end;
                let null = self.push_node(
                    NodeKind::Scalar(Scalar {
                        value: Box::default(),
                        style: ScalarStyle::Plain,
                    }),
                    TextRange::empty(key_end),
                    None,
                    Some(frame.node),
                );
                self.push_entry(frame.node, key, null);
            }
            self.finish_container(frame.node, end);
        }
        self.yaml.parser_nodes = self.yaml.nodes.len();
        self.yaml.parser_clean = self.yaml.errors.is_empty();
        self.yaml
    }

    /// Builds the tree while a second thread scans and parses (saphyr's part is about two
    /// thirds of the work). False when no thread could be started; nothing was read then.
    fn run_pipelined(&mut self) -> bool {
        let text = self.text;
        std::thread::scope(|scope| {
            let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<ParseItem<'t>>>(4);
            let producer = std::thread::Builder::new().spawn_scoped(scope, move || {
                let mut parser = Parser::new_from_str(text);
                let mut batch = Vec::with_capacity(BATCH);
                while let Some(mut item) = parser.next_event() {
                    let failed = item.is_err();
                    // Trim here what the builder would copy: the scanner's buffers are
                    // allocated and freed on this thread, not handed across.
                    if let Ok((Event::Scalar(std::borrow::Cow::Owned(owned), ..), _)) = &mut item {
                        *owned = String::from(owned.as_str());
                    }
                    batch.push(item);
                    if batch.len() == BATCH || failed {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        // The builder stopped reading: so does the parser.
                        if sender.send(full).is_err() || failed {
                            return;
                        }
                    }
                }
                let _ = sender.send(batch);
            });
            if producer.is_err() {
                return false;
            }
            'batches: for batch in batches {
                for item in batch {
                    if !self.consume(item) {
                        break 'batches;
                    }
                }
            }
            true
        })
    }

    /// Takes one of the parser's events or its error. Returns false to stop reading.
    fn consume(&mut self, item: ParseItem<'t>) -> bool {
        match item {
            Ok((event, span)) => {
                let range = self.range(&span);
                self.on_event(event, range)
            }
            Err(error) => {
                let at = self.offsets.byte(error.marker().index());
                let message = syntax_message(error.info());
                self.yaml.errors.push(YamlError {
                    kind: YamlErrorKind::Syntax,
                    message,
                    range: syntax_error_range(self.text, at),
                });
                false
            }
        }
    }

    /// Returns false to stop reading.
    fn on_event(&mut self, event: Event<'_>, range: TextRange) -> bool {
        if self.skipped_depth > 0 {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => self.skipped_depth += 1,
                Event::MappingEnd | Event::SequenceEnd => self.skipped_depth -= 1,
                _ => {}
            }
            return true;
        }
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    // js-yaml's `load`, which the framework uses, refuses a stream of documents.
                    self.yaml.errors.push(YamlError {
                        kind: YamlErrorKind::Syntax,
                        message: "expected a single document in the stream, but found more"
                            .to_string(),
                        range: syntax_error_range(self.text, range.start),
                    });
                    return false;
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    SaphyrStyle::Plain => ScalarStyle::Plain,
                    SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    SaphyrStyle::Literal => ScalarStyle::Literal,
                    SaphyrStyle::Folded => ScalarStyle::Folded,
                };
                let range = match style {
                    ScalarStyle::Literal | ScalarStyle::Folded => self.block_scalar_range(range),
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        self.quoted_scalar_range(range, style)
                    }
                    ScalarStyle::Plain => range,
                };
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix).into_boxed_str());
                self.check_printable(range, style);
                if let Some(tag) = &tag {
                    self.check_tag(tag, TagKind::Scalar(&value), range);
                }
                let parent = self.stack.last().map(|f| f.node);
                let id = self.push_node(
                    NodeKind::Scalar(Scalar {
                        // A copy of exactly its length: saphyr hands over its scanner's buffer,
                        // whose capacity is many times a typical short value's length, and a
                        // large file's scalars would otherwise hold several times its size.
                        value: match value {
                            std::borrow::Cow::Owned(owned) if owned.capacity() == owned.len() => {
                                owned.into_boxed_str()
                            }
                            value => Box::from(&*value),
                        },
                        style,
                    }),
                    range,
                    tag,
                    parent,
                );
                self.register_anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                self.yaml.uses_anchors = true;
                let target = self.anchors.get(&anchor).copied();
                let parent = self.stack.last().map(|f| f.node);
                let id = self.push_node(NodeKind::Alias { target }, range, None, parent);
                self.attach(id);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_mapping = matches!(event, Event::MappingStart(..));
                let (Event::MappingStart(anchor, tag) | Event::SequenceStart(anchor, tag)) = event
                else {
                    return true;
                };
                if self.stack.len() >= MAX_DEPTH {
                    self.yaml.errors.push(YamlError {
                        kind: YamlErrorKind::Syntax,
                        message: format!("nesting deeper than {MAX_DEPTH} levels is not supported"),
                        range: syntax_error_range(self.text, range.start),
                    });
                    self.skipped_depth = 1;
                    return true;
                }
                // A flow collection starts with its bracket; saphyr's span then covers just it.
                let flow = self
                    .text
                    .get(range.start..range.end)
                    .is_some_and(|s| s.starts_with('{') || s.starts_with('['));
                let kind = if is_mapping {
                    NodeKind::Mapping {
                        entries: Vec::new(),
                        flow,
                    }
                } else {
                    NodeKind::Sequence {
                        items: Vec::new(),
                        flow,
                    }
                };
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix).into_boxed_str());
                if let Some(tag) = &tag {
                    let kind = if is_mapping {
                        TagKind::Mapping
                    } else {
                        TagKind::Sequence
                    };
                    self.check_tag(tag, kind, range);
                }
                let parent = self.stack.last().map(|f| f.node);
                let id = self.push_node(kind, range, tag, parent);
                self.register_anchor(anchor, id);
                self.attach(id);
                self.stack.push(Frame {
                    node: id,
                    pending_key: None,
                    keys: None,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(frame) = self.stack.pop() {
                    let flow = match &self.yaml.nodes[frame.node].kind {
                        NodeKind::Mapping { flow, .. } | NodeKind::Sequence { flow, .. } => *flow,
                        _ => false,
                    };
                    // The end event's span runs on over spaces and comments after the bracket.
                    let end = if flow {
                        self.flow_end(range)
                    } else {
                        self.yaml.nodes[frame.node].range().end
                    };
                    self.finish_container(frame.node, end);
                }
            }
        }
        true
    }

    /// js-yaml refuses control characters inside scalars (and only there: comments may hold
    /// them): in plain and block scalars C0 and C1 controls other than tab and NEL, DEL,
    /// U+FFFE and U+FFFF; in quoted ones C0 controls other than tab (escapes are fine).
    fn check_printable(&mut self, range: TextRange, style: ScalarStyle) {
        if self.non_printable_reported {
            return;
        }
        let Some(source) = self.text.get(range.as_range()) else {
            return;
        };
        if source
            .bytes()
            .all(|b| matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r'))
        {
            return;
        }
        // A block scalar's header line (`|-  # comment`) is not content.
        let skip = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                source.find(['\n', '\r']).unwrap_or(source.len())
            }
            _ => 0,
        };
        let quoted = style.is_quoted();
        let found = source[skip..].char_indices().find(|&(_, c)| {
            if quoted {
                c < ' ' && !matches!(c, '\t' | '\n' | '\r')
            } else {
                is_non_printable(c)
            }
        });
        if let Some((at, ch)) = found {
            let at = range.start + skip + at;
            self.non_printable_reported = true;
            self.yaml.errors.push(YamlError {
                kind: YamlErrorKind::Syntax,
                message: format!(
                    "the stream contains non-printable characters (U+{:04X})",
                    ch as u32
                ),
                range: syntax_error_range(self.text, at),
            });
        }
    }

    /// The tags the framework's schema knows (js-yaml's default schema and the CloudFormation
    /// functions), on the kinds of node they take, with a value they accept.
    fn check_tag(&mut self, tag: &str, kind: TagKind, range: TextRange) {
        if let Some(message) = tag_error(tag, kind) {
            self.yaml.errors.push(YamlError {
                kind: YamlErrorKind::Syntax,
                message,
                range: syntax_error_range(self.text, range.start),
            });
        }
    }

    /// Quoted scalars: saphyr's span runs on over the spaces and comment after the closing
    /// quote. Stop right after that quote.
    fn quoted_scalar_range(&self, range: TextRange, style: ScalarStyle) -> TextRange {
        let quote = if style == ScalarStyle::DoubleQuoted {
            b'"'
        } else {
            b'\''
        };
        let bytes = self.text.as_bytes();
        let end = range.end.min(bytes.len());
        let Some(open) = bytes[range.start.min(end)..end]
            .iter()
            .position(|b| *b == quote)
            .map(|i| range.start + i)
        else {
            return range;
        };
        let mut i = open + 1;
        while i < end {
            match bytes[i] {
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == quote => return TextRange::new(range.start, i + 1),
                _ => i += 1,
            }
        }
        range
    }

    /// The end of a flow collection: right after its closing bracket, which the end event's
    /// span starts at (the span itself may run on over a trailing comment).
    fn flow_end(&self, range: TextRange) -> usize {
        match self.text.as_bytes().get(range.start) {
            Some(b']' | b'}') => range.start + 1,
            _ => range.end,
        }
    }

    /// Block scalars: saphyr's span starts at the content and runs into the blank lines after
    /// it. Start at the indicator (`|`, `>`) and stop at the last non-blank character instead.
    fn block_scalar_range(&self, range: TextRange) -> TextRange {
        let bytes = self.text.as_bytes();
        let mut end = range.end.min(bytes.len());
        while end > range.start && bytes[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        let mut start = range.start;
        if let Some(before) = self.text.get(..range.start) {
            if let Some(indicator) = before.rfind(['|', '>']) {
                start = indicator;
            }
        }
        TextRange::new(start, end.max(start))
    }

    fn push_node(
        &mut self,
        kind: NodeKind,
        range: TextRange,
        tag: Option<Box<str>>,
        parent: Option<NodeId>,
    ) -> NodeId {
        let id = self.yaml.nodes.len();
        self.yaml.nodes.push(Node::new(kind, range, parent));
        // Ids only grow: the table stays sorted.
        if let Some(tag) = tag {
            self.yaml.tags.push((id, tag));
        }
        id
    }

    fn register_anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor > 0 {
            self.yaml.uses_anchors = true;
            self.anchors.insert(anchor, id);
        }
    }

    /// A finished container ends where its last child ends (block) or at its bracket (flow).
    fn finish_container(&mut self, id: NodeId, end: usize) {
        let last_child_end = match &self.yaml.nodes[id].kind {
            NodeKind::Mapping { entries, .. } => entries.last().map(|e| {
                self.yaml.nodes[e.value]
                    .range()
                    .end
                    .max(self.yaml.nodes[e.key].range().end)
            }),
            NodeKind::Sequence { items, .. } => {
                items.last().map(|i| self.yaml.nodes[*i].range().end)
            }
            _ => None,
        };
        let node = &mut self.yaml.nodes[id];
        let mut new_end = node.range().end.max(end);
        if let Some(child_end) = last_child_end {
            new_end = new_end.max(child_end);
        }
        node.set_end(new_end);
        if let Some(parent) = node.parent() {
            let parent_node = &mut self.yaml.nodes[parent];
            parent_node.set_end(parent_node.range().end.max(new_end));
        }
    }

    /// Puts a finished node into its parent: an item, a key, or a key's value.
    fn attach(&mut self, id: NodeId) {
        let Some(frame) = self.stack.last_mut() else {
            if self.yaml.root.is_none() {
                self.yaml.root = Some(id);
            }
            return;
        };
        let parent = frame.node;
        match &mut self.yaml.nodes[parent].kind {
            NodeKind::Sequence { items, .. } => items.push(id),
            NodeKind::Mapping { .. } => match frame.pending_key.take() {
                None => frame.pending_key = Some(id),
                Some(key) => {
                    self.check_duplicate(key);
                    self.push_entry(parent, key, id);
                }
            },
            _ => {}
        }
    }

    fn push_entry(&mut self, map: NodeId, key: NodeId, value: NodeId) {
        if let NodeKind::Mapping { entries, .. } = &mut self.yaml.nodes[map].kind {
            entries.push(Entry { key, value });
        }
        let end = self.yaml.nodes[value].range().end;
        let node = &mut self.yaml.nodes[map];
        node.set_end(node.range().end.max(end));
    }

    fn check_duplicate(&mut self, key: NodeId) {
        let nodes = &self.yaml.nodes;
        let Some(text) = plain_key_text(&nodes[key]) else {
            return;
        };
        let text = text.as_ref();
        let range = nodes[key].range();
        let Some(frame) = self.stack.last_mut() else {
            return;
        };
        let NodeKind::Mapping { entries, .. } = &nodes[frame.node].kind else {
            return;
        };
        if frame.keys.is_none() && entries.len() >= KEY_INDEX_FROM {
            let mut keys = FxHashMap::default();
            for entry in entries {
                if let Some(earlier) = plain_key_text(&nodes[entry.key]) {
                    keys.entry(earlier.into_owned())
                        .or_insert(nodes[entry.key].range());
                }
            }
            frame.keys = Some(keys);
        }
        let first = match &mut frame.keys {
            Some(keys) => match keys.get(text) {
                Some(first) => Some(*first),
                None => {
                    keys.insert(text.to_string(), range);
                    None
                }
            },
            None => entries
                .iter()
                .find(|e| plain_key_text(&nodes[e.key]).as_deref() == Some(text))
                .map(|e| nodes[e.key].range()),
        };
        if let Some(first) = first {
            let written = match &nodes[key].kind {
                NodeKind::Scalar(scalar) => &*scalar.value,
                _ => text,
            };
            let message = format!("duplicate key `{written}`");
            self.yaml.errors.push(YamlError {
                kind: YamlErrorKind::DuplicateKey { first },
                message,
                range,
            });
        }
    }
}

/// A mapping key as js-yaml compares keys for duplicates: the JavaScript property name it
/// becomes (`~` and `null` are both `null`, `1`, `0x1` and `'1'` are all `1`). `None` for keys
/// that are not scalars and for the merge key, which may repeat (js-yaml merges each one).
fn plain_key_text(node: &Node) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    let NodeKind::Scalar(scalar) = &node.kind else {
        return None;
    };
    if scalar.style != ScalarStyle::Plain {
        return Some(Cow::Borrowed(&scalar.value));
    }
    if &*scalar.value == "<<" {
        return None;
    }
    Some(match scalar::js_property_name(&scalar.value) {
        Some(name) => Cow::Owned(name),
        None => Cow::Borrowed(&scalar.value),
    })
}

/// saphyr says "while parsing a block mapping, did not find expected key": libyaml's words, well
/// known and searchable, so they are kept.
fn syntax_message(info: &str) -> String {
    if info.contains("recursion limit exceeded") {
        // saphyr's own limit for flow collections; say it in the same words as ours.
        return format!("nesting deeper than {MAX_DEPTH} levels is not supported");
    }
    info.trim().to_string()
}

/// A character js-yaml refuses in a plain or block scalar (C0 and C1 controls other than tab,
/// line breaks and NEL, DEL, U+FFFE, U+FFFF).
fn is_non_printable(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// How saphyr spells `!!` (unless a `%TAG` directive changes it).
const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// The CloudFormation functions the framework's schema adds as `!Name` tags, on any kind of
/// node (`@serverless/utils/cloudformation-schema`).
const CLOUDFORMATION_TAGS: [&str; 17] = [
    "And",
    "Base64",
    "Cidr",
    "Condition",
    "Equals",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Not",
    "Or",
    "Ref",
    "Select",
    "Split",
    "Sub",
];

/// The node a tag is written on.
#[derive(Clone, Copy)]
enum TagKind<'v> {
    Scalar(&'v str),
    Sequence,
    Mapping,
}

/// Why js-yaml 4 with the framework's schema refuses `tag` on this node, if it does.
fn tag_error(tag: &str, kind: TagKind) -> Option<String> {
    // `!` alone only says "not a plain scalar's implicit type".
    if tag == "!" {
        return None;
    }
    if let Some(name) = tag.strip_prefix('!') {
        if CLOUDFORMATION_TAGS.contains(&name) {
            return None;
        }
    }
    let unknown = || Some(format!("unknown tag !<{tag}>"));
    let Some(core) = tag.strip_prefix(CORE_TAG_PREFIX) else {
        return unknown();
    };
    let fits = match (core, kind) {
        ("seq" | "omap" | "pairs", TagKind::Sequence) => true,
        ("map" | "set", TagKind::Mapping) => true,
        ("str", TagKind::Scalar(_)) => true,
        ("null", TagKind::Scalar(v)) => resolve_plain(v) == ScalarValue::Null,
        ("bool", TagKind::Scalar(v)) => matches!(resolve_plain(v), ScalarValue::Bool(_)),
        ("int", TagKind::Scalar(v)) => resolve_plain(v) == ScalarValue::Int,
        ("float", TagKind::Scalar(v)) => scalar::is_js_yaml_float(v),
        ("timestamp", TagKind::Scalar(v)) => resolve_plain(v) == ScalarValue::Timestamp,
        ("merge", TagKind::Scalar(v)) => v == "<<" || v.is_empty(),
        ("binary", TagKind::Scalar(v)) => is_base64(v),
        // Another kind of node, or no type of the schema.
        _ => return unknown(),
    };
    (!fits).then(|| format!("cannot resolve a node with !<{tag}> explicit tag"))
}

/// js-yaml's `resolveYamlBinary`: base64 letters (and `=`) make whole bytes; line breaks are
/// skipped.
fn is_base64(text: &str) -> bool {
    let mut bits = 0usize;
    for c in text.chars() {
        match c {
            '\n' | '\r' => {}
            'A'..='Z' | 'a'..='z' | '0'..='9' | '+' | '/' | '=' => bits += 6,
            _ => return false,
        }
    }
    bits % 8 == 0
}

/// A syntax error points at one character (or the end of the text).
fn syntax_error_range(text: &str, at: usize) -> TextRange {
    let at = crate::span::floor_char_boundary(text, at);
    let end = text[at..]
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(at, |c| at + c.len_utf8());
    TextRange::new(at, end)
}

#[cfg(test)]
mod tests;
