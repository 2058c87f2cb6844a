//! The documents an editor holds open, as a file source: a service reads an included file's
//! unsaved text rather than what is on disk. Layered over the disk with
//! [`LayeredFiles`](super::LayeredFiles).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{normalize, FileError, FileSource};

/// Whoever holds the open documents (the language server), seen as files.
pub trait OpenDocuments: Sync {
    /// The paths of the open documents that are files on disk.
    fn open_paths(&self) -> Vec<PathBuf>;
    /// The editor's text of the open document at `path` (a path [`open_paths`] gave).
    ///
    /// [`open_paths`]: OpenDocuments::open_paths
    fn open_text(&self, path: &Path) -> Option<String>;
}

/// The open documents that are files, as a file source: nothing else is a file here, and
/// nothing is a folder (the disk below answers for those).
pub struct OpenFiles<'a>(pub &'a dyn OpenDocuments);

impl OpenFiles<'_> {
    /// The open document's own spelling of `path`, compared after normalizing both.
    fn find(&self, path: &Path) -> Option<PathBuf> {
        let path = normalize(path);
        self.0
            .open_paths()
            .into_iter()
            .find(|open| normalize(open) == path)
    }
}

impl FileSource for OpenFiles<'_> {
    fn read(&self, path: &Path) -> Result<String, FileError> {
        self.find(path)
            .and_then(|open| self.0.open_text(&open))
            .ok_or(FileError::NotFound)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.find(path).is_some()
    }

    fn is_dir(&self, _: &Path) -> bool {
        false
    }

    fn file_names(&self, dir: &Path) -> Option<HashSet<String>> {
        let dir = normalize(dir);
        Some(
            self.0
                .open_paths()
                .iter()
                .map(|p| normalize(p))
                .filter(|p| p.parent() == Some(dir.as_path()))
                .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::{LayeredFiles, MemoryFiles};

    struct Editor(Vec<(PathBuf, String)>);

    impl OpenDocuments for Editor {
        fn open_paths(&self) -> Vec<PathBuf> {
            self.0.iter().map(|(p, _)| p.clone()).collect()
        }
        fn open_text(&self, path: &Path) -> Option<String> {
            self.0
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, t)| t.clone())
        }
    }

    #[test]
    fn open_documents_win_over_the_files_below() {
        let editor = Editor(vec![(PathBuf::from("/s/./a.yml"), "open: 1\n".into())]);
        let open = OpenFiles(&editor);
        let disk = MemoryFiles::new()
            .with("/s/a.yml", "saved: 1\n")
            .with("/s/b.yml", "b: 1\n");
        let files = LayeredFiles {
            top: &open,
            bottom: &disk,
        };
        assert_eq!(
            files.read(Path::new("/s/a.yml")).ok().as_deref(),
            Some("open: 1\n")
        );
        assert_eq!(
            files.read(Path::new("/s/x/../b.yml")).ok().as_deref(),
            Some("b: 1\n")
        );
        assert!(!open.is_file(Path::new("/s/b.yml")));
        let names = open.file_names(Path::new("/s")).unwrap_or_default();
        assert_eq!(names, HashSet::from(["a.yml".to_string()]));
    }
}
