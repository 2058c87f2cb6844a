//! Incremental re-parsing: after an edit, re-parse only the block it touches and reuse the rest
//! of the tree with shifted ranges.
//!
//! A `serverless.yml` is a tree of indented blocks. A block here is one entry of a block
//! mapping (a top-level key, or an entry of a top-level block mapping such as one function under
//! `functions:`), from its key's line to the next sibling key's line. When an edit stays inside
//! one block and the block's new text is still "one entry, indented deeper than its key", then
//! parsing that text alone gives the same events, shifted, as parsing the whole document, and
//! the block's nodes can be swapped in place. Everything else falls back to a full parse:
//! a previous parse with errors, anchors or aliases anywhere (an edit can change what an alias
//! elsewhere stands for), flow style around the block, tabs, document markers, a block whose
//! new text has a second sibling key or less-indented content, or a new duplicate key. The
//! result is always equal to `Yaml::parse(new_text)`; a property test checks that.

use super::{Entry, Node, NodeId, NodeKind, Yaml, MAX_TEXT_BYTES};
use crate::span::TextRange;

/// How many mapping levels an edit may be narrowed down through (top-level key, then one of
/// its entries). Deeper blocks are small; re-parsing their parent costs nothing worth the risk.
const MAX_LEVELS: usize = 2;

/// What a re-parse did, for benchmarks and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reparse {
    /// Only the block holding the edit was parsed again.
    Incremental,
    /// The whole text was parsed again.
    Full,
}

impl Yaml {
    /// The tree of `new_text`, which is `old_text` (the text of `self`) with `old_range`
    /// replaced by `new_text[old_range.start..old_range.start + inserted_len]`. Equal to
    /// `Yaml::parse(new_text)` in every case.
    pub fn reparse(
        &self,
        old_text: &str,
        new_text: &str,
        old_range: TextRange,
        inserted_len: usize,
    ) -> (Yaml, Reparse) {
        let grafted = self
            .plan_incremental(old_text, new_text, old_range, inserted_len)
            .and_then(|plan| self.graft(plan));
        match grafted {
            Some(yaml) => (yaml, Reparse::Incremental),
            None => (Yaml::parse(new_text), Reparse::Full),
        }
    }

    /// The incremental re-parse [`Yaml::reparse`] would make of this edit, if it can make one:
    /// hand it to [`Yaml::reparse_owned`].
    pub fn plan_reparse(
        &self,
        old_text: &str,
        new_text: &str,
        old_range: TextRange,
        inserted_len: usize,
    ) -> Option<ReparsePlan> {
        self.plan_incremental(old_text, new_text, old_range, inserted_len)
            .map(ReparsePlan)
    }

    /// [`Yaml::reparse`] that takes `self` apart, with a plan made on this tree: the nodes
    /// outside the edited block are moved, not copied, and shifted in place. `new_text` is for
    /// the full parse in the rare case the graft turns out impossible (a new duplicate key).
    pub fn reparse_owned(self, plan: ReparsePlan, new_text: &str) -> (Yaml, Reparse) {
        match self.graft_owned(plan.0) {
            Some(yaml) => (yaml, Reparse::Incremental),
            None => (Yaml::parse(new_text), Reparse::Full),
        }
    }

    /// The parser's own tree of this tree's text: what resolution appended left behind.
    /// `None` when that cannot be told apart (the parser reported errors, or another reader's
    /// verdict replaced its own); equal to `Yaml::parse` of the text otherwise.
    pub fn parser_tree(&self) -> Option<Yaml> {
        if !self.parser_clean || self.parser_nodes == 0 {
            return None;
        }
        let mut nodes = self.nodes.get(..self.parser_nodes)?.to_vec();
        // A parsed root has no parent (resolution gives parents only to included roots).
        if let Some(root) = self.root.and_then(|r| nodes.get_mut(r)) {
            root.set_parent(None);
        }
        let parsed_tags = self.tags.partition_point(|(id, _)| *id < self.parser_nodes);
        Some(Yaml {
            nodes,
            tags: self.tags[..parsed_tags].to_vec(),
            root: self.root,
            errors: Vec::new(),
            uses_anchors: self.uses_anchors,
            substitutes: Vec::new(),
            parser_nodes: self.parser_nodes,
            parser_clean: true,
        })
    }

    /// What an incremental re-parse would swap in, when it can be done.
    fn plan_incremental(
        &self,
        old_text: &str,
        new_text: &str,
        edit: TextRange,
        inserted_len: usize,
    ) -> Option<Graft> {
        // Only from the parser's tree without errors or anchors: a resolved tree qualifies, as
        // its first `parser_nodes` nodes are that tree (what resolution added is left behind).
        if !self.parser_clean
            || self.uses_anchors
            || self.parser_nodes == 0
            || edit.end > old_text.len()
            // `Yaml::parse` refuses such a text; so must the graft, whose ranges would not fit.
            || new_text.len() > MAX_TEXT_BYTES
            || old_text.starts_with('\u{feff}')
            || new_text.len() + edit.len() != old_text.len() + inserted_len
        {
            return None;
        }
        let root = self.root?;
        let (parent, entry_index, block) = self.block_for(old_text, root, edit)?;
        let delta = inserted_len as isize - edit.len() as isize;
        let new_block = TextRange::new(block.start, shift(block.end, delta));
        let block_text = new_text.get(new_block.as_range())?;
        let indent = self.column_of(old_text, self.entry_at(parent, entry_index)?.key);
        if !plausible_block(block_text, indent) {
            return None;
        }
        let piece = Yaml::parse(block_text);
        if !piece.errors.is_empty() || piece.uses_anchors {
            return None;
        }
        let piece_root = piece.root?;
        let NodeKind::Mapping {
            entries,
            flow: false,
        } = &piece.nodes[piece_root].kind
        else {
            return None;
        };
        let [new_entry] = entries.as_slice() else {
            return None;
        };
        // The key must sit where the old one did: at the block's indentation, on its first line.
        let key_start = piece.nodes[new_entry.key].range().start;
        if key_start != indent {
            return None;
        }
        let new_entry = *new_entry;
        let old_entry = self.entry_at(parent, entry_index)?;
        Some(Graft {
            parent,
            index: entry_index,
            first: old_entry.key,
            end: self.subtree_end(old_entry.value) + 1,
            piece,
            new_entry,
            offset: new_block.start,
            delta,
        })
    }

    /// The innermost block (entry of a block mapping, at most `MAX_LEVELS` deep) whose lines
    /// hold the whole edit, without touching the next sibling's key line.
    fn block_for(
        &self,
        text: &str,
        root: NodeId,
        edit: TextRange,
    ) -> Option<(NodeId, usize, TextRange)> {
        let mut found = None;
        let mut mapping = root;
        for _ in 0..MAX_LEVELS {
            let NodeKind::Mapping {
                entries,
                flow: false,
            } = &self.nodes[mapping].kind
            else {
                break;
            };
            let mut hit = None;
            let last_of_root =
                |index: usize| Some(mapping) == self.root && index + 1 == entries.len();
            for (index, entry) in entries.iter().enumerate() {
                let start = line_start(text, self.nodes[entry.key].range().start);
                let end = match entries.get(index + 1) {
                    Some(next) => line_start(text, self.nodes[next.key].range().start),
                    None => self.block_end_after_last(text, mapping),
                };
                // An edit may touch a block's end only at the end of the text: elsewhere the
                // end is the next key's line.
                let inside = edit.end < end || (last_of_root(index) && edit.end <= end);
                if start <= edit.start && inside {
                    hit = Some((index, TextRange::new(start, end), entry.value));
                    break;
                }
            }
            let Some((index, block, value)) = hit else {
                break;
            };
            found = Some((mapping, index, block));
            mapping = value;
        }
        found
    }

    /// Where the last entry's block ends: the end of the line holding the mapping's end, or the
    /// text's end for the root (trailing comments and blank lines belong to the last block).
    fn block_end_after_last(&self, text: &str, mapping: NodeId) -> usize {
        if Some(mapping) == self.root {
            return text.len();
        }
        let end = self.nodes[mapping].range().end;
        match text[end..].find('\n') {
            Some(i) => end + i + 1,
            None => text.len(),
        }
    }

    fn entry_at(&self, mapping: NodeId, index: usize) -> Option<Entry> {
        match &self.nodes[mapping].kind {
            NodeKind::Mapping { entries, .. } => entries.get(index).copied(),
            _ => None,
        }
    }

    fn column_of(&self, text: &str, node: NodeId) -> usize {
        let start = self.nodes[node].range().start;
        start - line_start(text, start)
    }

    /// The last node id of a subtree (nodes are stored in document order, a subtree
    /// contiguously after its root).
    fn subtree_end(&self, id: NodeId) -> NodeId {
        let mut last = id;
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            last = last.max(current);
            match &self.nodes[current].kind {
                NodeKind::Mapping { entries, .. } => {
                    stack.extend(entries.iter().flat_map(|e| [e.key, e.value]))
                }
                NodeKind::Sequence { items, .. } => stack.extend(items.iter().copied()),
                _ => {}
            }
        }
        last
    }

    /// Swaps the nodes of the planned entry for those of the piece, shifting what follows.
    fn graft(&self, plan: Graft) -> Option<Yaml> {
        let ids = plan.ids()?;
        let Graft {
            first, end, delta, ..
        } = plan;
        let mut nodes: Vec<Node> = Vec::with_capacity(self.parser_nodes + ids.piece_count);
        for node in &self.nodes[..first] {
            nodes.push(Node {
                kind: remap_kind(&node.kind, &|id| ids.old(id)),
                ..*node
            });
        }
        nodes.extend(plan.piece_nodes(&ids));
        for node in self.nodes.get(end..self.parser_nodes)? {
            let mut moved = Node {
                kind: remap_kind(&node.kind, &|id| ids.old(id)),
                ..*node
            };
            moved.set_range(shift_range(node.range(), delta));
            moved.set_parent(node.parent().map(|p| ids.old(p)));
            nodes.push(moved);
        }
        let tags = plan.graft_tags(self.tags.clone(), self.parser_nodes, &ids);
        finish_graft(nodes, tags, self.root, &plan, &ids)
    }

    /// [`Yaml::graft`] by moving: the nodes before the block stay where they are, the piece's
    /// replace the block's, and those after it are shifted in place (their ids only when the
    /// block's node count changed).
    fn graft_owned(self, plan: Graft) -> Option<Yaml> {
        let ids = plan.ids()?;
        let Graft {
            first, end, delta, ..
        } = plan;
        let root = self.root;
        let mut nodes = self.nodes;
        if end > self.parser_nodes || self.parser_nodes > nodes.len() {
            return None;
        }
        let tags = plan.graft_tags(self.tags, self.parser_nodes, &ids);
        // What resolution appended goes.
        nodes.truncate(self.parser_nodes);
        let renumber = ids.delta != 0;
        if renumber {
            for node in &mut nodes[..first] {
                remap_in_place(&mut node.kind, &|id| ids.old(id));
            }
        }
        for node in &mut nodes[end..] {
            if renumber {
                remap_in_place(&mut node.kind, &|id| ids.old(id));
                node.set_parent(node.parent().map(|p| ids.old(p)));
            }
            node.set_range(shift_range(node.range(), delta));
        }
        let piece: Vec<Node> = plan.piece_nodes(&ids).collect();
        nodes.splice(first..end, piece);
        finish_graft(nodes, tags, root, &plan, &ids)
    }
}

/// An incremental re-parse, planned: entry `index` of mapping `parent` (nodes `first..end`) is
/// to be replaced by the single entry of `piece`, parsed from the block's new text at `offset`;
/// what follows moves by `delta` bytes.
struct Graft {
    parent: NodeId,
    index: usize,
    first: NodeId,
    end: NodeId,
    piece: Yaml,
    new_entry: Entry,
    offset: usize,
    delta: isize,
}

/// How node ids move in a graft.
struct IdMap {
    parent: NodeId,
    first: NodeId,
    end: NodeId,
    piece_count: usize,
    delta: isize,
}

/// A planned incremental re-parse (see [`Yaml::plan_reparse`]).
pub struct ReparsePlan(Graft);

impl Graft {
    /// The piece's nodes but its root, renumbered into the tree and moved to the block's place
    /// (ids `first..first + piece_count`, in order).
    fn piece_nodes<'p>(&'p self, ids: &'p IdMap) -> impl Iterator<Item = Node> + 'p {
        self.piece.nodes.iter().skip(1).map(move |node| {
            let range = node.range();
            Node::new(
                remap_kind(&node.kind, &|id| ids.piece(id)),
                TextRange::new(range.start + self.offset, range.end + self.offset),
                node.parent().map(|p| ids.piece(p)),
            )
        })
    }

    /// The tag table after the graft, from the old tree's (`old`, sorted by id): the tags
    /// before the block keep their ids, the piece's replace the block's (its root's tag is not
    /// taken, as its root stands for `parent`, which keeps its own), those after the block
    /// move with their nodes, and what resolution appended (ids from `parser_nodes`) goes.
    /// Each part's ids are above the previous part's, so the table stays sorted.
    fn graft_tags(
        &self,
        old: Vec<(NodeId, Box<str>)>,
        parser_nodes: usize,
        ids: &IdMap,
    ) -> Vec<(NodeId, Box<str>)> {
        let mut old = old.into_iter().peekable();
        let mut tags = Vec::new();
        while let Some(tag) = old.next_if(|(id, _)| *id < ids.first) {
            tags.push(tag);
        }
        tags.extend(
            self.piece
                .tags
                .iter()
                .filter(|(id, _)| *id != 0)
                .map(|(id, tag)| (ids.piece(*id), tag.clone())),
        );
        tags.extend(
            old.filter(|(id, _)| (ids.end..parser_nodes).contains(id))
                .map(|(id, tag)| (ids.old(id), tag)),
        );
        tags
    }

    fn ids(&self) -> Option<IdMap> {
        // The piece's nodes minus its root mapping (node 0), which stands for `parent`.
        if self.piece.root? != 0 {
            return None;
        }
        let piece_count = self.piece.nodes.len() - 1;
        Some(IdMap {
            parent: self.parent,
            first: self.first,
            end: self.end,
            piece_count,
            delta: piece_count as isize - (self.end - self.first) as isize,
        })
    }
}

impl IdMap {
    /// An id of the old tree (outside the replaced block).
    fn old(&self, id: NodeId) -> NodeId {
        if id >= self.end {
            shift(id, self.delta)
        } else {
            id
        }
    }

    /// An id of the piece: its root stands for `parent`, the others follow `first` in order.
    fn piece(&self, id: NodeId) -> NodeId {
        if id == 0 {
            self.parent
        } else {
            self.first + id - 1
        }
    }
}

fn remap_kind(kind: &NodeKind, map: &dyn Fn(NodeId) -> NodeId) -> NodeKind {
    match kind {
        NodeKind::Mapping { entries, flow } => NodeKind::Mapping {
            entries: entries
                .iter()
                .map(|e| Entry {
                    key: map(e.key),
                    value: map(e.value),
                })
                .collect(),
            flow: *flow,
        },
        NodeKind::Sequence { items, flow } => NodeKind::Sequence {
            items: items.iter().map(|i| map(*i)).collect(),
            flow: *flow,
        },
        other => other.clone(),
    }
}

fn remap_in_place(kind: &mut NodeKind, map: &dyn Fn(NodeId) -> NodeId) {
    match kind {
        NodeKind::Mapping { entries, .. } => {
            for entry in entries {
                entry.key = map(entry.key);
                entry.value = map(entry.value);
            }
        }
        NodeKind::Sequence { items, .. } => {
            for item in items {
                *item = map(*item);
            }
        }
        NodeKind::Scalar(_) | NodeKind::Alias { .. } => {}
    }
}

/// Points the parent's entry at the new key and value and checks what a graft cannot know
/// without looking at the whole mapping (a new duplicate key); ends the ancestors where their
/// last child now ends.
fn finish_graft(
    mut nodes: Vec<Node>,
    tags: Vec<(NodeId, Box<str>)>,
    root: Option<NodeId>,
    plan: &Graft,
    ids: &IdMap,
) -> Option<Yaml> {
    let (parent, index, new_entry) = (plan.parent, plan.index, plan.new_entry);
    let map_piece = |id| ids.piece(id);
    // The parent's entry now names the new key and value.
    if let NodeKind::Mapping { entries, .. } = &mut nodes[parent].kind {
        *entries.get_mut(index)? = Entry {
            key: map_piece(new_entry.key),
            value: map_piece(new_entry.value),
        };
    }
    // A parsed root has no parent (resolution gives parents only to included roots).
    if let Some(root) = root.and_then(|r| nodes.get_mut(r)) {
        root.set_parent(None);
    }
    let mut yaml = Yaml {
        parser_nodes: nodes.len(),
        nodes,
        tags,
        root,
        errors: Vec::new(),
        uses_anchors: false,
        substitutes: Vec::new(),
        parser_clean: true,
    };
    // A new key may now repeat a sibling's: leave duplicate reporting to a full parse.
    let new_key = super::plain_key_text(&yaml.nodes[map_piece(new_entry.key)])?.into_owned();
    if let NodeKind::Mapping { entries, .. } = &yaml.nodes[parent].kind {
        let same = entries
            .iter()
            .filter(|e| super::plain_key_text(&yaml.nodes[e.key]).as_deref() == Some(&*new_key))
            .count();
        if same > 1 {
            return None;
        }
    }
    // The parent and its ancestors end where their last child ends, as the builder does
    // for block collections (their start event spans nothing).
    let mut ancestor = Some(parent);
    while let Some(id) = ancestor {
        let mut end = yaml.nodes[id].range().start;
        if let NodeKind::Mapping { entries, .. } = &yaml.nodes[id].kind {
            for e in entries {
                end = end
                    .max(yaml.nodes[e.key].range().end)
                    .max(yaml.nodes[e.value].range().end);
            }
        }
        yaml.nodes[id].set_end(end);
        ancestor = yaml.nodes[id].parent();
    }
    Some(yaml)
}

/// The block's new text is one entry whose key starts the first line at `indent`, and whose
/// other lines are blank, comments, or indented deeper: nothing can attach elsewhere.
fn plausible_block(text: &str, indent: usize) -> bool {
    // A byte order mark starting the block would be taken for the text's own, which the full
    // text reads as content.
    if text.contains(['\t', '\r', '\u{feff}']) {
        return false;
    }
    let mut lines = text.split('\n');
    let Some(first) = lines.next() else {
        return false;
    };
    let first_indent = first.len() - first.trim_start_matches(' ').len();
    if first_indent != indent || first.trim().is_empty() || first.trim_start().starts_with('#') {
        return false;
    }
    for line in lines {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() {
            continue;
        }
        let depth = line.len() - trimmed.len();
        if depth <= indent && !trimmed.starts_with('#') {
            return false;
        }
        if depth == 0 && (trimmed.starts_with("---") || trimmed.starts_with("...")) {
            return false;
        }
    }
    true
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

fn shift(value: usize, delta: isize) -> usize {
    (value as isize + delta).max(0) as usize
}

fn shift_range(range: TextRange, delta: isize) -> TextRange {
    TextRange::new(shift(range.start, delta), shift(range.end, delta))
}
