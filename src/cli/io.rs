//! The CLI's reads and writes: files named on the command line, `--resolved`, fixes written
//! back, stdout.

use std::io::{Read, Write};
use std::path::Path;

use crate::resolved::ResolvedConfig;

/// The largest file linted (a generated configuration of this size is already absurd).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a file named on the command line: a regular file up to [`MAX_INPUT_BYTES`], or a pipe
/// (`ws-lint <(generate)`) up to the same size; a device or socket is refused unread, so
/// `/dev/zero` cannot eat the memory.
pub(super) fn read_named_file(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    #[cfg(unix)]
    let is_pipe = std::os::unix::fs::FileTypeExt::is_fifo(&metadata.file_type());
    #[cfg(not(unix))]
    let is_pipe = false;
    if !metadata.is_file() && !is_pipe {
        return Err("cannot read: not a regular file".to_string());
    }
    let too_large = |size: u64| {
        format!("too large ({size} bytes; files over {MAX_INPUT_BYTES} bytes are not linted)")
    };
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(too_large(metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    // Sized up front: growing by doubling copies a large file several times.
    let mut bytes = Vec::with_capacity(metadata.len().min(MAX_INPUT_BYTES) as usize + 1);
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads `--resolved` (a file, or `-` for stdin).
pub(super) fn read_resolved(path: &Path) -> Result<ResolvedConfig, String> {
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("--resolved: cannot read stdin: {e}"))?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err("--resolved: stdin is too large".to_string());
        }
        bytes
    } else {
        read_named_file(path).map_err(|e| format!("{}: {e}", path.display()))?
    };
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
    ResolvedConfig::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename, keeping
/// the file's permissions (not its owner, nor hard links to it). Refuses when the file changed
/// on disk since it was read.
pub(super) fn write_atomically(path: &Path, read: &[u8], text: &str) -> std::io::Result<()> {
    // Through a symbolic link, replace the file it points to, not the link.
    let path = &path.canonicalize()?;
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        // A pipe (`ws-lint --fix <(...)`) or device: nothing to write back to.
        return Err(std::io::Error::other("not a regular file; not overwritten"));
    }
    let now = std::fs::read(path)?;
    if now != read {
        return Err(std::io::Error::other(
            "the file changed on disk while it was linted; not overwritten",
        ));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), metadata.permissions())?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of the whole change, as `git diff` would print it.
pub(super) fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Drops `value` on a thread of its own (started once), or here if none can be started.
pub(super) fn drop_in_background<T: Send + 'static>(value: T) {
    use std::sync::mpsc::{channel, Sender};
    use std::sync::OnceLock;
    type Garbage = Box<dyn Send>;
    static DROPPER: OnceLock<Option<Sender<Garbage>>> = OnceLock::new();
    let dropper = DROPPER.get_or_init(|| {
        let (sender, garbage) = channel::<Garbage>();
        std::thread::Builder::new()
            .name("ws-lint-drop".into())
            .spawn(move || garbage.into_iter().for_each(drop))
            .ok()
            .map(|_| sender)
    });
    if let Some(sender) = dropper {
        // A failed send hands the value back, and it is dropped here.
        let _ = sender.send(Box::new(value));
    }
}

pub(super) fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`ws-lint | head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_on_disk_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("serverless.yml");
        std::fs::write(&path, "service: a\n").expect("write");
        // Read as "service: a", then an editor saved "service: b" before the fix was written.
        std::fs::write(&path, "service: b\n").expect("write");
        let error = write_atomically(&path, b"service: a\n", "service: fixed\n").unwrap_err();
        assert!(error.to_string().contains("changed on disk"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "service: b\n");
        // Unchanged since read: written.
        write_atomically(&path, b"service: b\n", "service: fixed\n").expect("written");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "service: fixed\n");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_never_written_and_devices_never_read() {
        let error = write_atomically(Path::new("/dev/null"), b"", "x").unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
        let error = read_named_file(Path::new("/dev/zero")).unwrap_err();
        assert!(error.contains("not a regular file"), "{error}");
        let dir = tempfile::tempdir().expect("tempdir");
        let big = dir.path().join("serverless.yml");
        let file = std::fs::File::create(&big).expect("create");
        file.set_len(MAX_INPUT_BYTES + 1).expect("sparse file");
        let error = read_named_file(&big).unwrap_err();
        assert!(error.contains("too large"), "{error}");
    }
}
