//! How the core reads files other than the one it lints: through [`FileSource`], so that the
//! CLI gives it the disk ([`DiskFiles`]), tests an in-memory map ([`MemoryFiles`]) and the
//! language server its open documents ([`OpenFiles`]) over the disk ([`LayeredFiles`]).
//!
//! Paths are compared lexically: `a/./b/../c.yml` is `a/c.yml` ([`normalize`]), as the
//! framework joins them. Only the project boundary ([`ProjectFiles`]) asks a source to resolve
//! symbolic links ([`FileSource::canonical`]), so that a link cannot lead a read outside.
//!
//! Paths stay `Path`s (`OsStr` underneath) from the command line to the system call: a folder
//! whose name is not UTF-8 is still a folder.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

mod open;
pub use open::{OpenDocuments, OpenFiles};

/// Files larger than this are not read (real configuration files are a few KB).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    NotFound,
    /// A folder, FIFO, device or socket: never opened.
    NotAFile,
    TooLarge(u64),
    NotUtf8,
    /// Outside the project (see [`ProjectFiles`]): never opened.
    OutsideProject,
    Io(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::NotFound => f.write_str("no such file"),
            FileError::NotAFile => f.write_str("not a regular file"),
            FileError::TooLarge(size) => write!(f, "too large ({size} bytes)"),
            FileError::NotUtf8 => f.write_str("not UTF-8"),
            FileError::OutsideProject => f.write_str("outside the project; not read"),
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
    /// [`file_names`](Self::file_names), telling which of them are symbolic links (the
    /// project boundary must resolve those, and only those).
    fn listing(&self, dir: &Path) -> Option<Listing> {
        self.file_names(dir).map(|names| Listing {
            names,
            links: HashSet::new(),
        })
    }
    /// `path` with symbolic links resolved, as far as this source knows them (the disk
    /// resolves the part that exists and appends the rest); lexically normalized otherwise.
    fn canonical(&self, path: &Path) -> PathBuf {
        normalize(path)
    }
}

/// The regular files of a folder, by name.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub names: HashSet<String>,
    /// Those of `names` that are symbolic links.
    pub links: HashSet<String>,
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

/// The disk: regular files only, at most [`MAX_FILE_BYTES`]. A FIFO or device is never read:
/// the file is opened without blocking and its type checked on the open handle, so one swapped
/// in after a look at the path cannot block either.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskFiles;

/// Opens `path` for reading without waiting for a writer (a FIFO would block `open` itself),
/// and keeps it only when the handle is a regular file.
pub fn open_regular_file(path: &Path) -> Result<std::fs::File, FileError> {
    // A look first: a device is not even opened (opening some has effects of its own).
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FileError::NotFound,
        _ => FileError::Io(e.to_string()),
    })?;
    if !metadata.is_file() {
        return Err(FileError::NotAFile);
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FileError::NotFound,
        _ => FileError::Io(e.to_string()),
    })?;
    // The handle's own type: what the path named a moment ago does not count.
    let metadata = file.metadata().map_err(|e| FileError::Io(e.to_string()))?;
    if !metadata.is_file() {
        return Err(FileError::NotAFile);
    }
    Ok(file)
}

impl FileSource for DiskFiles {
    fn read(&self, path: &Path) -> Result<String, FileError> {
        let file = open_regular_file(path)?;
        let size = file.metadata().map_or(0, |m| m.len());
        if size > MAX_FILE_BYTES {
            return Err(FileError::TooLarge(size));
        }
        // The file may grow while it is read: read no more than the cap either way.
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
        self.listing(dir).map(|listing| listing.names)
    }

    fn listing(&self, dir: &Path) -> Option<Listing> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let entries = std::fs::read_dir(dir).ok()?;
        let mut listing = Listing::default();
        for entry in entries.filter_map(Result::ok) {
            // The listing's own file type costs no system call (a `stat` per entry adds up
            // in a folder of thousands of handlers); a symbolic link is followed, as
            // `is_file` does.
            let (is_file, is_link) = match entry.file_type() {
                Ok(kind) if kind.is_symlink() => (
                    std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()),
                    true,
                ),
                Ok(kind) => (kind.is_file(), false),
                Err(_) => (
                    std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()),
                    false,
                ),
            };
            if !is_file {
                continue;
            }
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if is_link {
                listing.links.insert(name.clone());
            }
            listing.names.insert(name);
        }
        Some(listing)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        canonical_on_disk(path)
    }
}

/// `path` with the part that exists resolved by the system (symbolic links, `..` after them)
/// and the rest appended lexically; relative paths become absolute. Lexical when even the
/// current folder cannot be resolved.
fn canonical_on_disk(path: &Path) -> PathBuf {
    let mut existing = if path.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        path.to_path_buf()
    };
    let mut rest: Vec<OsString> = Vec::new();
    // One component is set aside per turn: bounded by the path's length.
    for _ in 0..=path.components().count() + 1 {
        if let Ok(real) = std::fs::canonicalize(&existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return normalize(&out);
        }
        let Some(last) = existing.components().next_back() else {
            break;
        };
        if matches!(
            last,
            Component::RootDir | Component::Prefix(_) | Component::CurDir
        ) {
            break;
        }
        rest.push(last.as_os_str().to_owned());
        existing.pop();
        if existing.as_os_str().is_empty() {
            existing = PathBuf::from(".");
        }
    }
    normalize(path)
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
        self.listing(dir).map(|listing| listing.names)
    }

    fn listing(&self, dir: &Path) -> Option<Listing> {
        let mut listing = self.bottom.listing(dir)?;
        let top = self.top.listing(dir)?;
        // An open document stands for the file at its path, link or not.
        listing.names.extend(top.names);
        listing.links.extend(top.links);
        Some(listing)
    }

    /// Open documents are files of the disk below: the disk says where links lead.
    fn canonical(&self, path: &Path) -> PathBuf {
        self.bottom.canonical(path)
    }
}

/// The folder a service's project is in: the nearest folder holding `.git` from the service
/// folder up (symbolic links resolved first), else the service folder itself.
pub fn project_root(files: &dyn FileSource, service_dir: &Path) -> PathBuf {
    let dir = files.canonical(service_dir);
    dir.ancestors()
        .find(|folder| files.exists(&folder.join(".git")))
        .map_or_else(|| dir.clone(), Path::to_path_buf)
}

/// True when `path` is `root` or under it (both normalized).
fn within(path: &Path, root: &Path) -> bool {
    path.strip_prefix(root)
        .is_ok_and(|rest| !rest.components().any(|c| c == Component::ParentDir))
}

/// A file source that reads only inside the project: the folder holding the nearest `.git`
/// above the service folder (else the service folder), and the folders `[files] include-roots`
/// adds. Paths are compared with their symbolic links resolved, so `../outside/x.yml`, an
/// absolute path and a link leading out are all refused alike ([`FileError::OutsideProject`]):
/// never opened, never listed. A repository under review cannot make ws-lint print a file of
/// the machine that reviews it.
pub struct ProjectFiles<'a> {
    inner: &'a dyn FileSource,
    roots: Vec<PathBuf>,
}

impl<'a> ProjectFiles<'a> {
    /// The project around `service_dir`, with `include_roots` (already relative to where the
    /// caller runs, or absolute) added.
    pub fn new(inner: &'a dyn FileSource, service_dir: &Path, include_roots: &[PathBuf]) -> Self {
        let mut roots = vec![project_root(inner, service_dir)];
        roots.extend(include_roots.iter().map(|root| inner.canonical(root)));
        Self { inner, roots }
    }

    /// The folders reads are allowed under (canonical).
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// True when `path`, its links resolved, lies inside one of the roots.
    pub fn contains(&self, path: &Path) -> bool {
        let real = self.inner.canonical(path);
        self.roots.iter().any(|root| within(&real, root))
    }
}

impl FileSource for ProjectFiles<'_> {
    fn read(&self, path: &Path) -> Result<String, FileError> {
        if !self.contains(path) {
            return Err(FileError::OutsideProject);
        }
        self.inner.read(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.contains(path) && self.inner.is_file(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.contains(path) && self.inner.is_dir(path)
    }

    fn file_names(&self, dir: &Path) -> Option<HashSet<String>> {
        self.listing(dir).map(|listing| listing.names)
    }

    fn listing(&self, dir: &Path) -> Option<Listing> {
        if !self.contains(dir) {
            return Some(Listing::default());
        }
        let mut listing = self.inner.listing(dir)?;
        // Only links can lead out of a folder that is inside: each is resolved.
        let outside: Vec<String> = listing
            .links
            .iter()
            .filter(|name| !self.contains(&dir.join(name)))
            .cloned()
            .collect();
        for name in outside {
            listing.names.remove(&name);
            listing.links.remove(&name);
        }
        Some(listing)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        self.inner.canonical(path)
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

    #[test]
    fn project_files_refuse_what_lies_outside_the_project() {
        let files = MemoryFiles::new()
            .with("repo/.git/HEAD", "")
            .with("repo/svc/serverless.yml", "")
            .with("repo/svc/inc.yml", "a: 1")
            .with("repo/common-config/common.yml", "b: 2")
            .with("secrets/creds.json", "{}")
            .with("/etc/creds.json", "{}");
        let project = ProjectFiles::new(&files, Path::new("repo/svc"), &[]);
        assert_eq!(project.roots(), [PathBuf::from("repo")]);
        assert_eq!(
            project.read(Path::new("repo/svc/inc.yml")).as_deref(),
            Ok("a: 1")
        );
        // Beside the service, still under `.git`'s folder.
        assert!(project
            .read(Path::new("repo/svc/../common-config/common.yml"))
            .is_ok());
        for outside in [
            "repo/svc/../../secrets/creds.json",
            "/etc/creds.json",
            "secrets",
        ] {
            assert_eq!(
                project.read(Path::new(outside)),
                Err(FileError::OutsideProject),
                "{outside}"
            );
            assert!(!project.exists(Path::new(outside)), "{outside}");
        }
        assert_eq!(
            project.file_names(Path::new("secrets")),
            Some(HashSet::new())
        );
        // Without `.git` the service folder is the project; `include-roots` widens it.
        let alone = MemoryFiles::new()
            .with("svc/serverless.yml", "")
            .with("lib/b.yml", "");
        let project = ProjectFiles::new(&alone, Path::new("svc"), &[]);
        assert!(!project.is_file(Path::new("svc/../lib/b.yml")));
        let project = ProjectFiles::new(&alone, Path::new("svc"), &[PathBuf::from("lib")]);
        assert!(project.is_file(Path::new("svc/../lib/b.yml")));
    }

    #[cfg(unix)]
    #[test]
    fn project_files_resolve_links_before_comparing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let at = |name: &str| dir.path().join(name);
        for folder in ["outside", "svc/lib"] {
            std::fs::create_dir_all(at(folder)).expect("folder");
        }
        std::fs::write(at("outside/creds.yml"), "token: SECRET\n").expect("write");
        std::fs::write(at("svc/inc.yml"), "a: 1\n").expect("write");
        std::fs::write(at("svc/lib/h.js"), "").expect("write");
        std::os::unix::fs::symlink(at("outside/creds.yml"), at("svc/linked.yml")).expect("link");
        std::os::unix::fs::symlink(at("outside"), at("svc/lib/out")).expect("link");
        std::os::unix::fs::symlink(at("outside/creds.yml"), at("svc/lib/creds.js")).expect("link");
        std::os::unix::fs::symlink(at("svc/inc.yml"), at("svc/lib/inc.js")).expect("link");
        let project = ProjectFiles::new(&DiskFiles, &at("svc"), &[]);
        assert_eq!(project.roots(), [at("svc").canonicalize().unwrap()]);
        assert_eq!(project.read(&at("svc/inc.yml")).as_deref(), Ok("a: 1\n"));
        assert_eq!(
            project.read(&at("svc/linked.yml")),
            Err(FileError::OutsideProject)
        );
        assert_eq!(
            project.read(&at("svc/lib/out/creds.yml")),
            Err(FileError::OutsideProject)
        );
        assert!(!project.is_dir(&at("svc/lib/out")));
        // A link inside that stays inside is listed; one leading out is not.
        let mut names: Vec<String> = project
            .file_names(&at("svc/lib"))
            .expect("a listing")
            .into_iter()
            .collect();
        names.sort();
        assert_eq!(names, ["h.js", "inc.js"]);
        // A file that does not exist yet is placed by the folders that do.
        assert!(project.contains(&at("svc/new/deeper/x.yml")));
        assert!(!project.contains(&at("svc/lib/out/new.yml")));
        // The disk itself still reads it: the boundary is the project's, not the source's.
        assert!(DiskFiles.read(&at("svc/linked.yml")).is_ok());
    }

    /// `open` of a FIFO blocks until a writer comes; one swapped in after the path was looked
    /// at must not hang the linter. Another thread exchanges a regular file and a FIFO under
    /// the read path as fast as it can (`renameat2(RENAME_EXCHANGE)`), while this one reads.
    #[cfg(target_os = "linux")]
    #[test]
    fn disk_read_never_blocks_on_a_fifo_swapped_in() {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::OpenOptionsExt;
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("inc.yml");
        let fifo = dir.path().join("fifo");
        std::fs::write(&path, "a: 1\n").expect("write");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success()));
        let c_path = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).expect("no NUL");
        let (a, b) = (c_path(&path), c_path(&fifo));
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let swapper = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut swaps = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    // SAFETY: two valid NUL-terminated paths; the call only renames.
                    let done = unsafe {
                        libc::renameat2(
                            libc::AT_FDCWD,
                            a.as_ptr(),
                            libc::AT_FDCWD,
                            b.as_ptr(),
                            libc::RENAME_EXCHANGE,
                        )
                    };
                    if done != 0 {
                        break;
                    }
                    swaps += 1;
                }
                swaps
            })
        };
        let (done, finished) = std::sync::mpsc::channel();
        {
            let path = path.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut outcomes = [0usize; 3];
                let started = std::time::Instant::now();
                while started.elapsed() < std::time::Duration::from_millis(500) {
                    match DiskFiles.read(&path) {
                        Ok(_) => outcomes[0] += 1,
                        Err(FileError::NotAFile) => outcomes[1] += 1,
                        Err(_) => outcomes[2] += 1,
                    }
                }
                stop.store(true, Ordering::Relaxed);
                let _ = done.send(outcomes);
            });
        }
        let outcome = finished.recv_timeout(std::time::Duration::from_secs(10));
        stop.store(true, Ordering::Relaxed);
        let swaps = swapper.join().expect("swapper");
        let Ok(outcomes) = outcome else {
            // Let the reader stuck in `open` go before failing.
            for candidate in [&path, &fifo] {
                let _ = std::fs::OpenOptions::new()
                    .write(true)
                    .custom_flags(libc::O_NONBLOCK)
                    .open(candidate);
            }
            panic!("reading blocked on a FIFO swapped in after the look at the path");
        };
        eprintln!("{swaps} swaps; read, refused, other: {outcomes:?}");
        assert!(
            swaps > 100 && outcomes[0] > 0 && outcomes[1] > 0,
            "{swaps} {outcomes:?}"
        );
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
