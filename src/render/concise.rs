use super::{clean, FileReport};

/// `path:line:col: severity[CODE] message`, one line per diagnostic.
pub fn concise(files: &[FileReport]) -> String {
    let mut out = String::new();
    for file in files {
        for d in &file.diagnostics {
            if file.resolved_only {
                out.push_str(&format!(
                    "{}: {}[{}] {}\n",
                    file.location(d),
                    d.severity,
                    d.code,
                    d.message
                ));
                continue;
            }
            let at = file.line_col(d.range.start);
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                clean(&file.path),
                at.line,
                at.column,
                d.severity,
                d.code,
                clean(&d.message)
            ));
        }
    }
    out
}
