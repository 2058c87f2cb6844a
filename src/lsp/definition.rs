//! Go to definition: an authorizer name to the function it names.

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert::Converter;
use super::documents::Snapshot;
use super::references::{authorizer_names, inner_range};

pub fn definition(
    uri: &Uri,
    snapshot: &Snapshot,
    converter: &Converter,
    offset: usize,
) -> Option<lsp::GotoDefinitionResponse> {
    let yaml = &snapshot.analysis.yaml;
    let (name, _) = authorizer_names(snapshot)
        .into_iter()
        .find(|(_, node)| yaml.range(*node).touches(offset))?;
    let function = snapshot.analysis.service.function(&name)?;
    Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location {
        uri: uri.clone(),
        range: converter.range(inner_range(yaml, function.key)),
    }))
}
