//! The language server's analysis path: from an open document to a [`Snapshot`], the one place
//! the server calls the engine. The text and its tree are taken under the state's lock; the
//! analysis itself runs outside it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::ls_types::Uri;

use super::documents::{Included, Snapshot};
use super::state::{CachedDisk, Shared};
use crate::config::Settings;
use crate::files::{LayeredFiles, OpenFiles};
use crate::yaml::Yaml;
use crate::Analysis;

/// An analysis of the document's current text and settings (computed now if needed), kept as
/// the document's current one. `Err` carries a panic message when the engine panicked on this
/// text.
pub(crate) fn snapshot(state: &Shared, uri: &Uri) -> Result<Option<Arc<Snapshot>>, String> {
    let generation = state.lock().settings.generation;
    let (text, yaml, version, path, on_disk) = {
        let mut guard = state.lock();
        let Some(doc) = guard.documents.get_mut(uri) else {
            return Ok(None);
        };
        if let Some(fresh) = doc.fresh(generation) {
            return Ok(Some(fresh));
        }
        let tree = catch_unwind(AssertUnwindSafe(|| doc.tree()));
        let (text, yaml) = tree.map_err(|panic| panic_message(&panic))?;
        (text, yaml, doc.version, doc.path.clone(), doc.on_disk)
    };
    let (settings, config_error) = state.settings_for(uri);
    if let Some(error) = config_error {
        state.report_config_problem(error);
    }
    let document = Parsed {
        uri,
        text: &text,
        path: &path,
        on_disk,
        yaml,
    };
    let (analysis, included) = catch_unwind(AssertUnwindSafe(|| {
        analyse_document(state, document, &settings)
    }))
    .map_err(|panic| panic_message(&panic))?;
    let snapshot = Arc::new(Snapshot {
        version,
        generation,
        text,
        analysis,
        included,
    });
    let mut guard = state.lock();
    let included = snapshot.included.iter().map(|i| i.uri.clone()).collect();
    guard.includes.insert(uri.clone(), included);
    if let Some(doc) = guard.documents.get_mut(uri) {
        doc.adopt(&snapshot);
        if doc.version == version {
            doc.current = Some(snapshot.clone());
            if snapshot.parsed() {
                doc.last_good = Some(snapshot.clone());
            }
        }
    }
    Ok(Some(snapshot))
}

/// One version of a document, parsed, ready to analyse.
struct Parsed<'a> {
    uri: &'a Uri,
    text: &'a str,
    /// What the engine is told the file is called (decides JSON or YAML).
    path: &'a str,
    /// A file on disk is analysed as a service, with the files it includes.
    on_disk: bool,
    yaml: Yaml,
}

/// Analyses one document: alone when it is not a file, else as a service that reads its
/// included files from the open documents first and the disk second. Runs outside the lock.
fn analyse_document(
    state: &Shared,
    document: Parsed<'_>,
    settings: &Settings,
) -> (Analysis, Vec<Included>) {
    let Parsed {
        uri,
        text,
        path,
        on_disk,
        yaml,
    } = document;
    if !on_disk {
        return (
            crate::analyze_parsed(text, path, settings, yaml),
            Vec::new(),
        );
    }
    let open = OpenFiles(state);
    let disk = CachedDisk(state);
    let files = LayeredFiles {
        top: &open,
        bottom: &disk,
    };
    // The file's own path (not its display): a folder name need not be UTF-8.
    let file_path = uri.to_file_path().map(|p| p.into_owned());
    let location = file_path.as_deref().unwrap_or(Path::new(path));
    let service = crate::analyze_service_parsed(text, location, settings, &files, yaml);
    let included: Vec<Included> = service
        .included
        .into_iter()
        .filter_map(|file| {
            Some(Included {
                uri: Uri::from_file_path(&file.path)?,
                text: file.text,
                line_index: file.line_index,
                diagnostics: file.diagnostics,
            })
        })
        .collect();
    if included.is_empty() {
        return (service.main, included);
    }
    // The service's tree holds the included files' nodes past this text: editor features read a
    // tree of this file alone, with the service's diagnostics.
    let mut alone = crate::analyze(text, path, settings);
    alone.diagnostics = service.main.diagnostics;
    (alone, included)
}

pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}
