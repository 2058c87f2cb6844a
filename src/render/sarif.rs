use serde_json::{json, Map, Value};

use super::FileReport;
use crate::diagnostics::Severity;
use crate::rules::{self, Rule};
use crate::span::{LineCol, TextRange};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF 2.1.0 (GitHub code scanning, Azure DevOps, IDE viewers): one run whose driver lists
/// every rule of the catalog, and one result per diagnostic with its region, related locations
/// and fix. Columns count Unicode code points (`columnKind: unicodeCodePoints`); end positions
/// are exclusive, as SARIF defines them.
pub fn sarif(files: &[FileReport]) -> String {
    let catalog = rules::all();
    let rules: Vec<Value> = catalog.iter().map(|r| rule(r)).collect();
    let mut results = Vec::new();
    for file in files {
        let uri = artifact_uri(&file.path);
        for d in &file.diagnostics {
            let mut result = Map::new();
            result.insert("ruleId".into(), json!(d.code));
            if let Some(index) = catalog.iter().position(|r| r.code == d.code) {
                result.insert("ruleIndex".into(), json!(index));
            }
            result.insert("level".into(), json!(level(d.severity)));
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            result.insert("message".into(), json!({ "text": text }));
            result.insert(
                "locations".into(),
                json!([{ "physicalLocation": physical(&uri, file, d.range) }]),
            );
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let location = match &r.path {
                            None => physical(&uri, file, r.range),
                            // The range belongs to a file whose text this report does not hold:
                            // name the file, claim no region.
                            Some(path) => {
                                json!({ "artifactLocation": { "uri": artifact_uri(path) } })
                            }
                        };
                        json!({
                            "id": i,
                            "physicalLocation": location,
                            "message": { "text": r.message },
                        })
                    })
                    .collect();
                result.insert("relatedLocations".into(), Value::Array(related));
            }
            if let Some(fix) = &d.fix {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        json!({
                            "deletedRegion": region(file, e.range),
                            "insertedContent": { "text": e.text },
                        })
                    })
                    .collect();
                let safety = if fix.safe { "safe" } else { "unsafe" };
                result.insert(
                    "fixes".into(),
                    json!([{
                        "description": { "text": fix.message },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": uri },
                            "replacements": replacements,
                        }],
                        "properties": { "safety": safety },
                    }]),
                );
            }
            results.push(Value::Object(result));
        }
    }
    let mut driver = json!({
        "name": "ws-lint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    // The crate has no public home yet; SARIF's informationUri is optional, so leave it out
    // rather than point at a made-up address.
    let repository = env!("CARGO_PKG_REPOSITORY");
    if !repository.is_empty() {
        driver["informationUri"] = json!(repository);
    }
    let document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": driver
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn rule(rule: &Rule) -> Value {
    let documentation = rule.documentation();
    let configuration = match rule.default_severity {
        Some(severity) => json!({ "level": level(severity) }),
        None => json!({ "level": "none", "enabled": false }),
    };
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": full_description(&documentation) },
        "help": { "text": documentation, "markdown": documentation },
        "defaultConfiguration": configuration,
        "properties": { "fixable": rule.fixable() },
    })
}

/// "What it does" and "Why is this bad?" of a rule's documentation, without the headings and
/// examples, and with the source's hard line breaks inside paragraphs undone (viewers show
/// this as plain text).
fn full_description(documentation: &str) -> String {
    let mut parts = Vec::new();
    for section in documentation.split("\n## ") {
        let section = section.trim_start_matches("## ");
        let (heading, body) = section.split_once('\n').unwrap_or((section, ""));
        if matches!(heading.trim(), "What it does" | "Why is this bad?") {
            parts.extend(body.trim().split("\n\n").map(unwrap_paragraph));
        }
    }
    if parts.is_empty() {
        documentation.trim().to_string()
    } else {
        parts.join("\n\n")
    }
}

fn unwrap_paragraph(paragraph: &str) -> String {
    let structured = paragraph.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("```") || line.starts_with("- ") || line.starts_with("* ")
    });
    if structured {
        paragraph.trim().to_string()
    } else {
        paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

fn physical(uri: &str, file: &FileReport, range: TextRange) -> Value {
    json!({
        "artifactLocation": { "uri": uri },
        "region": region(file, range),
    })
}

fn region(file: &FileReport, range: TextRange) -> Value {
    let (start, end): (LineCol, LineCol) = file.span(range);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// A path as a URI reference: relative paths stay relative (forward slashes, `./` dropped),
/// absolute ones become `file:` URIs, and anything outside RFC 3986's unreserved characters and
/// `/` is percent-encoded byte by byte.
fn artifact_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let bytes = path.as_bytes();
    let windows_drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if windows_drive {
        // `C:/x` -> `file:///C:/x`; the colon after a drive letter may stay.
        format!("file:///{}:{}", &path[..1], encode(&path[2..]))
    } else if path.starts_with('/') {
        format!("file://{}", encode(path))
    } else {
        encode(path)
    }
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(artifact_uri("./a/serverless.yml"), "a/serverless.yml");
        assert_eq!(artifact_uri("a b/é.yml"), "a%20b/%C3%A9.yml");
        assert_eq!(artifact_uri("/tmp/x.yml"), "file:///tmp/x.yml");
        assert_eq!(artifact_uri("C:\\x\\s.yml"), "file:///C:/x/s.yml");
        assert_eq!(artifact_uri("<stdin>"), "%3Cstdin%3E");
    }
}
