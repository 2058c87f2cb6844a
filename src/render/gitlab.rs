use std::collections::HashMap;

use serde_json::{json, Value};

use super::{clean, FileReport};
use crate::diagnostics::Severity;

/// GitLab's Code Quality report: a JSON list of issues with `description`, `check_name`,
/// `fingerprint`, `severity` and `location` (`path`, `lines.begin`).
///
/// The fingerprint identifies an issue across pipelines so that GitLab can tell new issues from
/// old ones: it hashes the path, the code, the message and the text of the line the diagnostic
/// starts on (not its number, so that issues survive lines being added above them). Identical
/// issues in one file get an occurrence number mixed in, because GitLab merges equal
/// fingerprints.
pub fn gitlab(files: &[FileReport]) -> String {
    let mut issues = Vec::new();
    let mut seen: HashMap<u128, usize> = HashMap::new();
    for file in files {
        let path = report_path(&file.path);
        for d in &file.diagnostics {
            let start = file.line_col(d.range.start);
            let line_text = line_text(file, d.range.start);
            let base = fingerprint(&[&path, d.code, &d.message, line_text.trim()]);
            let occurrence = seen.entry(base).or_insert(0);
            let hash = if *occurrence == 0 {
                base
            } else {
                fingerprint(&[
                    &path,
                    d.code,
                    &d.message,
                    line_text.trim(),
                    &occurrence.to_string(),
                ])
            };
            *occurrence += 1;
            issues.push(json!({
                "description": format!("{} {}: {}", d.code, d.name, clean(&d.message)),
                "check_name": d.code,
                "fingerprint": format!("{hash:032x}"),
                "severity": severity(d.severity),
                "location": {
                    "path": path,
                    "lines": {"begin": start.line},
                },
            }));
        }
    }
    let mut text = serde_json::to_string_pretty(&Value::Array(issues)).unwrap_or_default();
    text.push('\n');
    text
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Hint => "info",
        Severity::Info => "minor",
        Severity::Warning => "major",
        Severity::Error => "critical",
    }
}

/// GitLab wants paths relative to the repository root with forward slashes.
fn report_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.strip_prefix("./").unwrap_or(&path).to_string()
}

fn line_text(file: &FileReport, offset: usize) -> &str {
    let line = file.line_index.line_of(offset.min(file.text.len()));
    let range = file.line_index.line_range(&file.text, line);
    file.text.get(range.as_range()).unwrap_or("")
}

/// FNV-1a, 128 bits, over the parts separated by a byte that cannot occur in them. Defined by
/// its algorithm (unlike std's `DefaultHasher`), so fingerprints stay equal across ws-lint builds.
fn fingerprint(parts: &[&str]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    let mut hash = OFFSET;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hash ^= 0xff;
            hash = hash.wrapping_mul(PRIME);
        }
        for byte in part.bytes() {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_fnv1a_128_and_separates_parts() {
        // Published FNV-1a 128 test vector for "a".
        assert_eq!(fingerprint(&["a"]), 0xd228cb696f1a8caf78912b704e4a8964);
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }
}
