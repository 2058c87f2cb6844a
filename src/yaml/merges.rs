//! Merge keys seen from where they are used. A mapping that takes entries through
//! `<<: *anchor` gets them as copies placed at its own `<<` key: every lookup (`get`,
//! `entries`, `path`) then finds the copies, so any finding about a merged value points at the
//! `<<` of the mapping that merged it, not at the anchor that every merging mapping shares
//! (a suppression there would hide them all, and the line to change is the `<<`).
//!
//! Like resolution, this only appends nodes and records substitutes (the `<<` value's alias
//! stands for the copy): the parser's own nodes are untouched.

use super::{Node, NodeId, NodeKind, Yaml, MAX_ALIAS_HOPS};
use crate::span::TextRange;

/// A `<<` entry whose merged mapping was copied to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergeSite {
    /// The `<<` key: where the merged values are reported.
    pub site: TextRange,
    /// The anchored mapping the values come from.
    pub anchor: TextRange,
}

impl Yaml {
    /// Copies what each `<<: *alias` (or `<<: [*a, *b]`) merges to its `<<` key, at most
    /// `budget` nodes in all (past that, merged values keep the anchor's positions). Values
    /// merged from an included file or written inline are left as they are.
    pub fn place_merges_at_use(&mut self, budget: usize) -> Vec<MergeSite> {
        if !self.uses_anchors {
            return Vec::new();
        }
        let mut sites = Vec::new();
        let mut budget = budget;
        let existing = self.nodes.len();
        for map in 0..existing {
            let NodeKind::Mapping { entries, .. } = &self.nodes[map].kind else {
                continue;
            };
            let merges: Vec<(NodeId, NodeId)> = entries
                .iter()
                .filter(|e| self.is_merge_key(e.key))
                .map(|e| (e.key, e.value))
                .collect();
            for (key, value) in merges {
                let aliases: Vec<NodeId> = match &self.nodes[value].kind {
                    NodeKind::Alias { .. } => vec![value],
                    NodeKind::Sequence { items, .. } => items
                        .iter()
                        .copied()
                        .filter(|&i| self.is_alias(i))
                        .collect(),
                    _ => Vec::new(),
                };
                let site = self.range(key);
                for alias in aliases {
                    let NodeKind::Alias {
                        target: Some(target),
                    } = self.nodes[alias].kind
                    else {
                        continue;
                    };
                    // An anchor around its own merge (`a: &a {<<: *a}`) has no copy to make.
                    let anchor = self.range(target);
                    if !matches!(self.nodes[target].kind, NodeKind::Mapping { .. })
                        || (anchor.start <= site.start && site.end <= anchor.end)
                    {
                        continue;
                    }
                    let Some(copy) = self.copy_at(target, site, Some(map), &mut budget, 0) else {
                        return sites;
                    };
                    self.substitute(alias, copy);
                    sites.push(MergeSite { site, anchor });
                }
            }
        }
        sites
    }

    /// A copy of `node` and what it holds, every node at `range`. Aliases are copied as
    /// aliases (nothing is expanded), except those a copied `<<` merges, whose mapping is
    /// copied too. `None` when the budget runs out.
    fn copy_at(
        &mut self,
        node: NodeId,
        range: TextRange,
        parent: Option<NodeId>,
        budget: &mut usize,
        depth: usize,
    ) -> Option<NodeId> {
        if *budget == 0 || depth > MAX_ALIAS_HOPS {
            return None;
        }
        *budget -= 1;
        let id = self.nodes.len();
        let kind = match &self.nodes[node].kind {
            NodeKind::Mapping { flow, .. } => NodeKind::Mapping {
                entries: Vec::new(),
                flow: *flow,
            },
            NodeKind::Sequence { flow, .. } => NodeKind::Sequence {
                items: Vec::new(),
                flow: *flow,
            },
            other => other.clone(),
        };
        self.nodes.push(Node::new(kind, range, parent));
        if let Some(tag) = self.tag(node).map(Box::from) {
            // Ids only grow: the table stays sorted.
            self.tags.push((id, tag));
        }
        if let Some(target) = self.substitute_of(node) {
            self.substitute(id, target);
        }
        match self.nodes[node].kind.clone() {
            NodeKind::Mapping { entries, .. } => {
                let mut copied = Vec::with_capacity(entries.len());
                for entry in entries {
                    let key = self.copy_at(entry.key, range, Some(id), budget, depth + 1)?;
                    let value = if self.is_merge_key(entry.key) {
                        self.copy_merged(entry.value, range, id, budget, depth + 1)?
                    } else {
                        self.copy_at(entry.value, range, Some(id), budget, depth + 1)?
                    };
                    copied.push(super::Entry { key, value });
                }
                if let NodeKind::Mapping { entries, .. } = &mut self.nodes[id].kind {
                    *entries = copied;
                }
            }
            NodeKind::Sequence { items, .. } => {
                let mut copied = Vec::with_capacity(items.len());
                for item in items {
                    copied.push(self.copy_at(item, range, Some(id), budget, depth + 1)?);
                }
                if let NodeKind::Sequence { items, .. } = &mut self.nodes[id].kind {
                    *items = copied;
                }
            }
            _ => {}
        }
        Some(id)
    }

    /// The value of a `<<` inside a copy: the mappings it merges are copied as well, so their
    /// values too are reported at the outer `<<`.
    fn copy_merged(
        &mut self,
        value: NodeId,
        range: TextRange,
        parent: NodeId,
        budget: &mut usize,
        depth: usize,
    ) -> Option<NodeId> {
        match &self.nodes[value].kind {
            NodeKind::Alias {
                target: Some(target),
            } => {
                let target = *target;
                self.copy_at(target, range, Some(parent), budget, depth)
            }
            NodeKind::Sequence { items, flow } => {
                let (items, flow) = (items.clone(), *flow);
                if *budget == 0 {
                    return None;
                }
                *budget -= 1;
                let id = self.nodes.len();
                self.nodes.push(Node::new(
                    NodeKind::Sequence {
                        items: Vec::new(),
                        flow,
                    },
                    range,
                    Some(parent),
                ));
                let mut copied = Vec::with_capacity(items.len());
                for item in items {
                    copied.push(self.copy_merged(item, range, id, budget, depth + 1)?);
                }
                if let NodeKind::Sequence { items, .. } = &mut self.nodes[id].kind {
                    *items = copied;
                }
                Some(id)
            }
            _ => self.copy_at(value, range, Some(parent), budget, depth),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_values_stand_at_the_merge_key() {
        let text = "x: &x\n  a: 1\nm:\n  b: 2\n  <<: *x\n";
        let mut yaml = Yaml::parse(text);
        let sites = yaml.place_merges_at_use(100);
        assert_eq!(sites.len(), 1);
        let root = yaml.root().unwrap();
        let m = yaml.get_value(root, "m").unwrap();
        let a = yaml.get(m, "a").unwrap();
        assert_eq!(&text[yaml.range(a.key).as_range()], "<<");
        assert_eq!(yaml.str(a.value), Some("1"));
        // The anchor itself is unchanged.
        let x = yaml.get_value(root, "x").unwrap();
        assert_eq!(
            &text[yaml.range(yaml.get(x, "a").unwrap().key).as_range()],
            "a"
        );
    }

    #[test]
    fn merge_bombs_and_self_merges_stay_within_the_budget() {
        let mut text = String::from("a0: &a0 {k: v}\n");
        for level in 1..20 {
            let previous = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} {{<<: [*a{previous}, *a{previous}, *a{previous}]}}\n"
            ));
        }
        text.push_str("loop: &loop {<<: *loop}\n");
        let mut yaml = Yaml::parse(&text);
        let before = yaml.len();
        yaml.place_merges_at_use(1_000);
        assert!(yaml.len() <= before + 1_000);
    }
}
