//! Applying fixes to text. Edits are applied back to front; a fix whose edits overlap an edit
//! already taken in this round waits for the next round (after a re-lint), so overlapping fixes
//! never corrupt each other.

use super::{Diagnostic, Edit};

/// Applies non-overlapping edits. Returns `None` when two edits overlap or one is out of bounds
/// or splits a character.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in sorted {
        if edit.range.start < at
            || edit.range.end > text.len()
            || !text.is_char_boundary(edit.range.start)
            || !text.is_char_boundary(edit.range.end)
        {
            return None;
        }
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

pub struct FixOutcome {
    pub text: String,
    /// How many fixes went in.
    pub applied: usize,
}

/// Applies the fixes of one round: every fix with `safe` (or all, with `include_unsafe`) whose
/// edits touch none taken before it, in source order.
pub fn apply_fixes(text: &str, diagnostics: &[Diagnostic], include_unsafe: bool) -> FixOutcome {
    let mut fixes: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.safe || include_unsafe)
        .filter(|f| !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| f.edits.iter().map(|e| e.range.start).min());
    let mut taken: Vec<Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let overlaps = fix.edits.iter().any(|edit| {
            taken.iter().any(|t| {
                edit.range.start < t.range.end && t.range.start < edit.range.end
                    || edit.range.start == t.range.start
            })
        });
        if overlaps {
            continue;
        }
        let mut candidate = taken.clone();
        candidate.extend(fix.edits.iter().cloned());
        if apply_edits(text, &candidate).is_some() {
            taken = candidate;
            applied += 1;
        }
    }
    match apply_edits(text, &taken) {
        Some(new_text) => FixOutcome {
            text: new_text,
            applied,
        },
        None => FixOutcome {
            text: text.to_string(),
            applied: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::TextRange;

    #[test]
    fn applies_edits_back_to_front_and_refuses_overlaps() {
        let text = "abcdef";
        let edits = [
            Edit::replace(TextRange::new(4, 5), "E"),
            Edit::insert(0, ">"),
        ];
        assert_eq!(apply_edits(text, &edits).as_deref(), Some(">abcdEf"));
        let overlapping = [
            Edit::replace(TextRange::new(1, 3), "x"),
            Edit::replace(TextRange::new(2, 4), "y"),
        ];
        assert_eq!(apply_edits(text, &overlapping), None);
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        struct Rule;
        impl crate::diagnostics::RuleIdentity for Rule {
            fn code(&self) -> &'static str {
                "WS000"
            }
            fn name(&self) -> &'static str {
                "test-rule"
            }
            fn default_severity(&self) -> Option<crate::diagnostics::Severity> {
                None
            }
        }
        let rule = &Rule;
        let text = "abcdef";
        let fix = |range: TextRange, new: &str| {
            Diagnostic::new(rule, range, "x").with_fix(crate::diagnostics::Fix::safe(
                "fix",
                vec![Edit::replace(range, new)],
            ))
        };
        let diagnostics = [
            fix(TextRange::new(1, 3), "X"),
            fix(TextRange::new(2, 4), "Y"),
            fix(TextRange::new(5, 6), "Z"),
        ];
        // Round one: the first and the third; the second overlaps the first and waits.
        let outcome = apply_fixes(text, &diagnostics, false);
        assert_eq!(outcome.text, "aXdeZ");
        assert_eq!(outcome.applied, 2);
        // Two insertions at the same place: one per round, in a defined order.
        let same_start = [
            fix(TextRange::new(1, 1), "1"),
            fix(TextRange::new(1, 1), "2"),
        ];
        let outcome = apply_fixes(text, &same_start, false);
        assert_eq!((outcome.text.as_str(), outcome.applied), ("a1bcdef", 1));
    }
}
