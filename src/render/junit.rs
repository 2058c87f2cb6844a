use super::{clean, FileReport};

/// JUnit XML: one `<testsuite>` named `ws-lint`, one `<testcase>` per linted file (named by its
/// path), one `<failure>` per diagnostic. A file without diagnostics is a passing test case.
/// `tests` counts the files and `failures` the files with at least one diagnostic, as JUnit
/// readers expect (`failures` never exceeds `tests`).
pub fn junit(files: &[FileReport]) -> String {
    let tests = files.len();
    let failures = files.iter().filter(|f| !f.diagnostics.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"ws-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"ws-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n"
    ));
    for file in files {
        let path = escape(&clean(&file.path));
        if file.diagnostics.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"{path}\" classname=\"ws-lint\" file=\"{path}\"/>\n"
            ));
            continue;
        }
        out.push_str(&format!(
            "    <testcase name=\"{path}\" classname=\"ws-lint\" file=\"{path}\">\n"
        ));
        for d in &file.diagnostics {
            let at = file.line_col(d.range.start);
            out.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}:{} {} {}</failure>\n",
                escape(&clean(&d.message)),
                d.severity,
                at.line,
                at.column,
                d.code,
                escape(&clean(&d.message)),
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Escapes text for XML 1.0 attribute values and element content. Characters XML 1.0 cannot
/// hold at all (most C0 controls) become U+FFFD; line breaks and tabs become character
/// references so that attribute values keep them.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape("a<b>&\"c\" 'd'\n\u{1}é"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#10;\u{fffd}é"
        );
    }
}
