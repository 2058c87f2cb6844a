//! How the core reads files other than the one it lints: through [`FileSource`], so that the
//! CLI gives it the disk ([`DiskFiles`]), tests an in-memory map ([`MemoryFiles`]) and the
//! language server its open documents first and the disk second ([`LayeredFiles`]).
//!
//! Paths are compared lexically: `a/./b/../c.yml` is `a/c.yml` ([`normalize`]); nothing is
//! canonicalized, so a source never has to touch the disk to name a file.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Files larger than this are not read (real configuration files are a few KB).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    NotFound,
    /// A folder, FIFO, device or socket: never opened.
    NotAFile,
    TooLarge(u64),
    NotUtf8,
    Io(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::NotFound => f.write_str("no such file"),
            FileError::NotAFile => f.write_str("not a regular file"),
            FileError::TooLarge(size) => write!(f, "too large ({size} bytes)"),
            FileError::NotUtf8 => f.write_str("not UTF-8"),
            FileError::Io(message) => f.write_str(message),
        }
    }
}

/// Read-only access to the files around a service.
pub trait FileSource: Sync {
    /// The text of a regular file.
    fn read(&self, path: &Path) -> Result<String, FileError>;
    /// True when `path` names a regular file.
    fn is_file(&self, path: &Path) -> bool;
    /// True when `path` names a folder.
    fn is_dir(&self, path: &Path) -> bool;
    /// True when something (file or folder) is there.
    fn exists(&self, path: &Path) -> bool {
        self.is_file(path) || self.is_dir(path)
    }
    /// The names of the regular files directly in a folder, when the source can list them
    /// (`None`: ask [`is_file`](Self::is_file) path by path). One listing instead of a probe
    /// per name keeps checks over thousands of handlers cheap.
    fn file_names(&self, dir: &Path) -> Option<HashSet<String>> {
        let _ = dir;
        None
    }
}

/// `a/./b/../c` is `a/c`; leading `..` stay.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                if matches!(last, Some(Component::Normal(_))) {
                    out.pop();
                } else if !matches!(last, Some(Component::RootDir | Component::Prefix(_))) {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The disk: regular files only (metadata is checked before anything is opened, so a FIFO or
/// device never blocks us), at most [`MAX_FILE_BYTES`].
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskFiles;

impl FileSource for DiskFiles {
    fn read(&self, path: &Path) -> Result<String, FileError> {
        let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => FileError::NotFound,
            _ => FileError::Io(e.to_string()),
        })?;
        if !metadata.is_file() {
            return Err(FileError::NotAFile);
        }
        if metadata.len() > MAX_FILE_BYTES {
            return Err(FileError::TooLarge(metadata.len()));
        }
        let file = std::fs::File::open(path).map_err(|e| FileError::Io(e.to_string()))?;
        // The file may have changed since: read no more than the cap either way.
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| FileError::Io(e.to_string()))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(FileError::TooLarge(bytes.len() as u64));
        }
        String::from_utf8(bytes).map_err(|_| FileError::NotUtf8)
    }

    fn is_file(&self, path: &Path) -> bool {
        std::fs::metadata(path).is_ok_and(|m| m.is_file())
    }

    fn is_dir(&self, path: &Path) -> bool {
        std::fs::metadata(path).is_ok_and(|m| m.is_dir())
    }

    fn file_names(&self, dir: &Path) -> Option<HashSet<String>> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let entries = std::fs::read_dir(dir).ok()?;
        Some(
            entries
                .filter_map(Result::ok)
                // The listing's own file type costs no system call; a symbolic link is
                // followed, as `is_file` does (a `stat` per entry took 10 ms for a folder of
                // 16,000 handlers).
                .filter(|e| match e.file_type() {
                    Ok(kind) if kind.is_symlink() => {
                        std::fs::metadata(e.path()).is_ok_and(|m| m.is_file())
                    }
                    Ok(kind) => kind.is_file(),
                    Err(_) => std::fs::metadata(e.path()).is_ok_and(|m| m.is_file()),
                })
                .filter_map(|e| e.file_name().into_string().ok())
                .collect(),
        )
    }
}

/// Files in memory, for tests and editors. Folders are implied by the files under them.
#[derive(Clone, Debug, Default)]
pub struct MemoryFiles {
    files: HashMap<PathBuf, String>,
}

impl MemoryFiles {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, path: impl AsRef<Path>, text: impl Into<String>) {
        self.files.insert(normalize(path.as_ref()), text.into());
    }

    pub fn with(mut self, path: impl AsRef<Path>, text: impl Into<String>) -> Self {
        self.insert(path, text);
        self
    }

    pub fn remove(&mut self, path: impl AsRef<Path>) {
        self.files.remove(&normalize(path.as_ref()));
    }
}

impl FileSource for MemoryFiles {
    fn read(&self, path: &Path) -> Result<String, FileError> {
        let path = normalize(path);
        if let Some(text) = self.files.get(&path) {
            if text.len() as u64 > MAX_FILE_BYTES {
                return Err(FileError::TooLarge(text.len() as u64));
            }
            return Ok(text.clone());
        }
        if self.is_dir(&path) {
            return Err(FileError::NotAFile);
        }
        Err(FileError::NotFound)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&normalize(path))
    }

    fn is_dir(&self, path: &Path) -> bool {
        let path = normalize(path);
        self.files
            .keys()
            .any(|file| file != &path && file.starts_with(&path))
    }

    fn file_names(&self, dir: &Path) -> Option<HashSet<String>> {
        let dir = normalize(dir);
        Some(
            self.files
                .keys()
                .filter(|file| file.parent() == Some(dir.as_path()))
                .filter_map(|file| file.file_name()?.to_str().map(str::to_string))
                .collect(),
        )
    }
}

/// One source over another: the language server's open documents over the disk. A file the
/// top layer has wins; everything else comes from the bottom one.
pub struct LayeredFiles<'a> {
    pub top: &'a dyn FileSource,
    pub bottom: &'a dyn FileSource,
}

impl FileSource for LayeredFiles<'_> {
    fn read(&self, path: &Path) -> Result<String, FileError> {
        if self.top.is_file(path) {
            return self.top.read(path);
        }
        self.bottom.read(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.top.is_file(path) || self.bottom.is_file(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.top.is_dir(path) || self.bottom.is_dir(path)
    }

    fn file_names(&self, dir: &Path) -> Option<HashSet<String>> {
        let mut names = self.bottom.file_names(dir)?;
        names.extend(self.top.file_names(dir)?);
        Some(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("a/./b/../c.yml")), Path::new("a/c.yml"));
        assert_eq!(normalize(Path::new("./x.yml")), Path::new("x.yml"));
        assert_eq!(normalize(Path::new("../x.yml")), Path::new("../x.yml"));
        assert_eq!(normalize(Path::new("/a/../../x")), Path::new("/x"));
    }

    #[test]
    fn memory_files_and_layers() {
        let bottom = MemoryFiles::new()
            .with("svc/a.yml", "a: 1")
            .with("svc/lib/h.js", "");
        let top = MemoryFiles::new().with("svc/a.yml", "a: 2");
        let layered = LayeredFiles {
            top: &top,
            bottom: &bottom,
        };
        assert_eq!(
            layered.read(Path::new("svc/./a.yml")).as_deref(),
            Ok("a: 2")
        );
        assert!(layered.is_file(Path::new("svc/lib/h.js")));
        assert!(layered.is_dir(Path::new("svc/lib")));
        assert!(!layered.exists(Path::new("svc/b.yml")));
        assert_eq!(bottom.read(Path::new("svc/lib")), Err(FileError::NotAFile));
    }

    #[cfg(unix)]
    #[test]
    fn disk_never_opens_a_fifo() {
        let dir = std::env::temp_dir().join(format!("ws-lint-fifo-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let fifo = dir.join("pipe.yml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(DiskFiles.read(&fifo), Err(FileError::NotAFile));
            assert!(!DiskFiles.is_file(&fifo));
        }
        assert_eq!(DiskFiles.read(&dir), Err(FileError::NotAFile));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn disk_listing_names_regular_files_and_links_to_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let at = |name: &str| dir.path().join(name);
        std::fs::write(at("handler.js"), "").expect("write");
        std::fs::create_dir(at("lib")).expect("folder");
        std::os::unix::fs::symlink(at("handler.js"), at("linked.js")).expect("symlink");
        std::os::unix::fs::symlink(at("lib"), at("linked-folder")).expect("symlink");
        std::os::unix::fs::symlink(at("missing.js"), at("dangling.js")).expect("symlink");
        let mut names: Vec<String> = DiskFiles
            .file_names(dir.path())
            .expect("a listing")
            .into_iter()
            .collect();
        names.sort();
        assert_eq!(names, ["handler.js", "linked.js"]);
        assert!(DiskFiles.file_names(&at("nowhere")).is_none());
    }
}
