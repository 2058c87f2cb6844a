use serde_json::{json, Value};

use super::{FileReport, Summary};
use crate::span::LineCol;

fn position(at: LineCol) -> Value {
    json!({"line": at.line, "column": at.column})
}

/// The stable JSON format scripts rely on (`"version": 1`).
pub fn json(files: &[FileReport]) -> String {
    let mut diagnostics = Vec::new();
    for file in files {
        for d in &file.diagnostics {
            let (start, end) = file.span(d.range);
            let related: Vec<Value> = d
                .related
                .iter()
                .map(|r| {
                    // Related locations in other files carry their own path; their positions
                    // are in that file's text, when it is one of the reports (an included
                    // file of the same service), else unknown.
                    let there = match &r.path {
                        None => Some(file),
                        Some(path) => files.iter().find(|f| &f.path == path),
                    };
                    let (start, end) = match there {
                        Some(there) if !there.resolved_only => {
                            let (start, end) = there.span(r.range);
                            (position(start), position(end))
                        }
                        _ => (Value::Null, Value::Null),
                    };
                    json!({
                        "path": r.path.clone().unwrap_or_else(|| file.path.clone()),
                        "start": start,
                        "end": end,
                        "message": r.message,
                    })
                })
                .collect();
            let fix = d.fix.as_ref().map(|fix| {
                let edits: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        let (start, end) = file.span(e.range);
                        json!({"start": position(start), "end": position(end), "text": e.text})
                    })
                    .collect();
                json!({"message": fix.message, "safe": fix.safe, "edits": edits})
            });
            let (start, end) = if file.resolved_only {
                (Value::Null, Value::Null)
            } else {
                (position(start), position(end))
            };
            let mut diagnostic = json!({
                "path": file.path,
                "code": d.code,
                "name": d.name,
                "severity": d.severity.as_str(),
                "message": d.message,
                "start": start,
                "end": end,
                "related": related,
                "fix": fix,
            });
            // Only findings in a resolved configuration have one: other output stays as it was.
            if let (Some(at), Some(object)) = (&d.config_path, diagnostic.as_object_mut()) {
                object.insert("configPath".to_string(), json!(at));
            }
            diagnostics.push(diagnostic);
        }
    }
    let summary = Summary::of(files);
    let document = json!({
        "version": 1,
        "diagnostics": diagnostics,
        "summary": {
            "files": summary.files,
            "error": summary.error,
            "warning": summary.warning,
            "info": summary.info,
            "hint": summary.hint,
        }
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
