//! The server's state: one struct behind one lock.
//!
//! Every critical section is short (a lookup, an insert, applying an edit to a rope): analyses,
//! folder listings and `ws-lint.toml` searches run outside the lock, with what they need copied
//! out first, so an edit never waits for them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tower_lsp_server::ls_types::Uri;

use super::documents::Document;
use super::settings::{self, SettingsState};
use crate::config::Settings;
use crate::files::{FileError, FileSource, Listing, OpenDocuments};
use crate::span::ColumnEncoding;

pub(crate) struct State {
    pub encoding: ColumnEncoding,
    pub documents: HashMap<Uri, Document>,
    pub settings: SettingsState,
    pub shut_down: bool,
    /// The client can watch files for us (`ws-lint.toml` changes, files created and deleted).
    pub watch_config: bool,
    /// Folder listings read from disk (the handler check lists handler folders on every
    /// analysis). Invalidated by the client's file events when it watches files for us, else
    /// on every open, save and close.
    pub listings: Listings,
    /// How diagnostics reach the client: pulled (`textDocument/diagnostic`) when it supports
    /// that, pushed otherwise, never both (clients such as Neovim would show them twice).
    pub diagnostics: DiagnosticMode,
    /// Configuration problems: shown once each, not on every keystroke.
    pub messages: Messages,
    /// The include graph: for each document analysed as a service, the files its newest
    /// analysis included.
    pub includes: HashMap<Uri, Vec<Uri>>,
    /// For each document, the other files it last pushed diagnostics to (its included files),
    /// so they are cleared when they are no longer included.
    pub published: HashMap<Uri, Vec<Uri>>,
}

impl Default for State {
    fn default() -> Self {
        State {
            // Until `initialize` negotiates another: the LSP's default.
            encoding: ColumnEncoding::Utf16,
            documents: HashMap::new(),
            settings: SettingsState::default(),
            shut_down: false,
            watch_config: false,
            listings: Listings::new(),
            diagnostics: DiagnosticMode::Push,
            messages: Messages::default(),
            includes: HashMap::new(),
            published: HashMap::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum DiagnosticMode {
    #[default]
    Push,
    /// `refresh`: the client accepts `workspace/diagnostic/refresh` when settings change.
    Pull { refresh: bool },
}

/// Listings by folder; `None`: the folder could not be listed.
pub(crate) type Listings = HashMap<PathBuf, Option<Listing>>;

#[derive(Default)]
pub(crate) struct Messages {
    pub pending: Vec<String>,
    pub shown: HashSet<String>,
}

/// The state, shared by the handlers.
#[derive(Default)]
pub(crate) struct Shared(Mutex<State>);

impl Shared {
    /// Locks the state, recovering it when a panic poisoned the lock (the state is still
    /// consistent: every critical section either finishes its update or makes none). Never
    /// call while holding the guard: the lock is not reentrant.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn encoding(&self) -> ColumnEncoding {
        self.lock().encoding
    }

    /// The settings for a document, and the problem with its `ws-lint.toml` if any. The
    /// search for the file runs outside the lock.
    pub fn settings_for(&self, uri: &Uri) -> (Settings, Option<String>) {
        let path = uri.to_file_path().map(|p| p.into_owned());
        if let Some(dir) = path.as_deref().and_then(Path::parent) {
            if !self.lock().settings.knows(dir) {
                let found = settings::search(dir);
                self.lock().settings.remember(dir, found);
            }
        }
        self.lock().settings.settings_for(path.as_deref())
    }

    /// Queues a problem with the configuration to be shown once.
    pub fn report_config_problem(&self, problem: String) {
        let mut state = self.lock();
        if state.messages.shown.insert(problem.clone()) {
            state.messages.pending.push(problem);
        }
    }

    /// Makes every document analysed again (what it reads from disk may have changed).
    pub fn forget_analyses(&self) {
        for doc in self.lock().documents.values_mut() {
            doc.current = None;
        }
    }

    /// Forgets the folder listings when the client does not tell us about created and deleted
    /// files (then an open, save or close is when they are read again). True when it did.
    pub fn forget_listings_unwatched(&self) -> bool {
        {
            let mut state = self.lock();
            if state.watch_config {
                return false;
            }
            state.listings.clear();
        }
        self.forget_analyses();
        true
    }
}

/// The open documents that are files, for [`crate::files::OpenFiles`].
impl OpenDocuments for Shared {
    fn open_paths(&self) -> Vec<PathBuf> {
        self.lock()
            .documents
            .iter()
            .filter(|(_, doc)| doc.on_disk)
            .filter_map(|(uri, _)| uri.to_file_path().map(|p| p.into_owned()))
            .collect()
    }

    fn open_text(&self, path: &Path) -> Option<String> {
        self.lock()
            .documents
            .iter()
            .find(|(uri, doc)| doc.on_disk && uri.to_file_path().is_some_and(|p| p == path))
            .map(|(_, doc)| doc.text())
    }
}

/// The disk, with folder listings kept in the server's cache (see [`State::listings`]).
pub(crate) struct CachedDisk<'a>(pub &'a Shared);

impl FileSource for CachedDisk<'_> {
    fn read(&self, path: &Path) -> Result<String, FileError> {
        crate::files::DiskFiles.read(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        crate::files::DiskFiles.is_file(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        crate::files::DiskFiles.is_dir(path)
    }

    fn file_names(&self, dir: &Path) -> Option<HashSet<String>> {
        self.listing(dir).map(|listing| listing.names)
    }

    fn listing(&self, dir: &Path) -> Option<Listing> {
        let key = crate::files::normalize(dir);
        if let Some(listing) = self.0.lock().listings.get(&key) {
            return listing.clone();
        }
        // Listed outside the lock: a slow folder does not hold up other requests.
        let listing = crate::files::DiskFiles.listing(dir);
        self.0.lock().listings.insert(key, listing.clone());
        listing
    }

    /// The project boundary resolves links through the disk (never through the cache).
    fn canonical(&self, path: &Path) -> PathBuf {
        crate::files::DiskFiles.canonical(path)
    }
}
