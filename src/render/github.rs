use super::{clean, FileReport};
use crate::diagnostics::Severity;

/// GitHub Actions workflow commands, one line per diagnostic:
/// `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE name::message`.
/// Errors are `error`, warnings `warning`, info and hints `notice`. GitHub turns them into
/// annotations on the pull request.
pub fn github(files: &[FileReport]) -> String {
    let mut out = String::new();
    for file in files {
        for d in &file.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            let (start, end) = file.span(d.range);
            out.push_str(&format!(
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&clean(&file.path)),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("{} {}", d.code, d.name)),
                escape_data(&clean(&d.message)),
            ));
        }
    }
    out
}

/// The message of a workflow command (`escapeData` in `@actions/core`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a workflow command (`escapeProperty` in `@actions/core`): also `:` and
/// `,`, which would otherwise end the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_actions_core() {
        assert_eq!(escape_data("100% a\r\nb: c,d"), "100%25 a%0D%0Ab: c,d");
        assert_eq!(
            escape_property("dir,x/a:b%\n.yml"),
            "dir%2Cx/a%3Ab%25%0A.yml"
        );
    }
}
