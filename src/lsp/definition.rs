//! Go to definition: an authorizer name to the function it names, `${self:a.b}` to `a.b`, and a
//! handler to its source file.

use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::files::{DiskFiles, FileSource, ProjectFiles};

use super::convert::Converter;
use super::documents::Snapshot;
use super::query;
use super::references::{authorizer_names, inner_range};

/// Source file extensions tried for a handler `dir/file.export`, in order.
const HANDLER_EXTENSIONS: [&str; 9] = ["js", "mjs", "cjs", "ts", "mts", "py", "rb", "go", "java"];

/// A function's `handler: path/file.export` under the cursor → the file, when it exists next to
/// the document.
fn handler_file(uri: &Uri, snapshot: &Snapshot, offset: usize) -> Option<lsp::Location> {
    let yaml = &snapshot.analysis.yaml;
    let handler = snapshot
        .analysis
        .service
        .functions
        .iter()
        .filter_map(|f| yaml.get_value(f.node, "handler"))
        .find(|h| yaml.range(*h).touches(offset))?;
    let text = yaml.str(handler)?;
    let (module, _) = text.rsplit_once('.')?;
    let folder = uri.to_file_path()?.parent()?.to_path_buf();
    // Only inside the project, like every other look at the disk.
    let project = ProjectFiles::new(&DiskFiles, &folder, &[]);
    let file = HANDLER_EXTENSIONS
        .iter()
        .map(|ext| folder.join(format!("{module}.{ext}")))
        .find(|p| project.is_file(p))?;
    Some(lsp::Location {
        uri: Uri::from_file_path(file)?,
        range: lsp::Range::default(),
    })
}

/// A reference to a generated logical ID (`Ref: WebsocketsApi`, `${sendMessageWebsocketsRoute}`
/// in a `Fn::Sub`...) under the cursor → what makes the framework generate it.
fn generated_origin(snapshot: &Snapshot, offset: usize) -> Option<crate::span::TextRange> {
    let analysis = &snapshot.analysis;
    let yaml = &analysis.yaml;
    let reference = crate::model::generated::references(yaml)
        .into_iter()
        .find(|r| {
            crate::variables::source_range(&snapshot.text, yaml, r.node, r.span).touches(offset)
        })?;
    let generated = analysis.service.generated.find(&reference.name)?;
    Some(inner_range(yaml, generated.origin))
}

pub fn definition(
    uri: &Uri,
    snapshot: &Snapshot,
    converter: &Converter,
    offset: usize,
) -> Option<lsp::GotoDefinitionResponse> {
    let yaml = &snapshot.analysis.yaml;
    let index = &snapshot.analysis.line_index;
    let line = index.line_range(&snapshot.text, index.line_of(offset));
    if let Some(reference) = query::self_references(&snapshot.text, line)
        .into_iter()
        .find(|r| r.range.touches(offset))
    {
        let (key, value) = query::resolve_self(yaml, &reference.path)?;
        let target = key.map_or_else(|| yaml.range(value), |k| inner_range(yaml, k));
        return Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location {
            uri: uri.clone(),
            range: converter.range(target),
        }));
    }
    if let Some(location) = handler_file(uri, snapshot, offset) {
        return Some(lsp::GotoDefinitionResponse::Scalar(location));
    }
    if let Some(target) = generated_origin(snapshot, offset) {
        return Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location {
            uri: uri.clone(),
            range: converter.range(target),
        }));
    }
    let (name, _) = authorizer_names(snapshot)
        .into_iter()
        .find(|(_, node)| yaml.range(*node).touches(offset))?;
    let function = snapshot.analysis.service.function(&name)?;
    Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location {
        uri: uri.clone(),
        range: converter.range(inner_range(yaml, function.key)),
    }))
}
