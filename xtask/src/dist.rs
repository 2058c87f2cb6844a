//! `cargo xtask dist OUT_DIR`: every artifact of a release for the given binaries (by default
//! the one built here for this machine's platform):
//! - `npm/ws-lint-V.tgz`, the launcher, with the six platform packages as optional dependencies;
//! - `npm/ws-lint-cli-<platform>-V.tgz`, one per binary;
//! - `npm/serverless-ws-lint-V.tgz` when npm/serverless-ws-lint exists;
//! - `ws-lint-<platform>-V.vsix` (the extension with the binary as `server/ws-lint`), one per
//!   binary, and `ws-lint-V.vsix`, the universal extension without a server.
//!
//! Packages are assembled in `<target>/xtask-dist` (recreated each run); OUT_DIR keeps the
//! files it already holds except the ones written here.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::npm;
use crate::platforms::Platform;
use crate::util::{
    copy_tree, crate_version, fresh_dir, repo_root, run, run_shown, target_dir, Result,
};

/// npm serves bigger packages, but a linter that adds megabytes to every `npm install` is one
/// that gets removed: the build fails rather than ship a bloated binary.
pub const MAX_PLATFORM_PACKAGE_BYTES: u64 = 6 * 1024 * 1024;

pub struct Options {
    pub out: PathBuf,
    /// Prebuilt binaries (the release workflow's); empty: build one for this machine.
    pub binaries: Vec<(Platform, PathBuf)>,
    pub vsix: bool,
}

pub fn dist(options: Options) -> Result<()> {
    let started = Instant::now();
    let root = repo_root();
    let version = crate_version()?;
    std::fs::create_dir_all(options.out.join("npm"))
        .map_err(|e| format!("{}: {e}", options.out.display()))?;
    let out = std::fs::canonicalize(&options.out)
        .map_err(|e| format!("{}: {e}", options.out.display()))?;
    let stage = target_dir().join("xtask-dist");
    fresh_dir(&stage)?;

    let binaries = if options.binaries.is_empty() {
        let host = Platform::host().ok_or("ws-lint ships no binary for this machine's platform")?;
        vec![(host, build_binary()?)]
    } else {
        options.binaries
    };
    if let Some(host) = Platform::host() {
        for (platform, binary) in &binaries {
            if *platform == host {
                check_version(binary, &version)?;
            }
        }
    }

    let mut written = Vec::new();
    npm::stage_package(&root.join("npm/ws-lint"), &stage.join("npm/ws-lint"), |m| {
        npm::launcher_manifest(m, &version)
    })?;
    written.push(npm::pack(&stage.join("npm/ws-lint"), &out.join("npm"))?);

    for (platform, binary) in &binaries {
        let dir = stage.join(format!("npm/cli-{}", platform.name()));
        npm::write_platform_package(*platform, binary, &version, &dir)?;
        let tarball = npm::pack(&dir, &out.join("npm"))?;
        let size = file_size(&tarball)?;
        if size > MAX_PLATFORM_PACKAGE_BYTES {
            return Err(format!(
                "{} is {size} bytes, over the {MAX_PLATFORM_PACKAGE_BYTES} allowed",
                tarball.display()
            ));
        }
        written.push(tarball);
    }

    let plugin = root.join("npm/serverless-ws-lint");
    if plugin.join("package.json").is_file() {
        npm::stage_package(&plugin, &stage.join("npm/serverless-ws-lint"), |m| {
            npm::plugin_manifest(m, &version)
        })?;
        written.push(npm::pack(
            &stage.join("npm/serverless-ws-lint"),
            &out.join("npm"),
        )?);
    }

    if options.vsix {
        build_extension(&root)?;
        for (platform, binary) in &binaries {
            let file = out.join(format!("ws-lint-{}-{version}.vsix", platform.name()));
            package_vsix(&stage, &version, Some((*platform, binary)), &file)?;
            written.push(file);
        }
        let file = out.join(format!("ws-lint-{version}.vsix"));
        package_vsix(&stage, &version, None, &file)?;
        written.push(file);
    }

    println!(
        "ws-lint {version}: {} artifacts in {}",
        written.len(),
        out.display()
    );
    for file in &written {
        let size = file_size(file)?;
        let name = file.strip_prefix(&out).unwrap_or(file);
        println!("  {:>10} bytes  {}", size, name.display());
    }
    println!("in {:.1?}", started.elapsed());
    Ok(())
}

fn file_size(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The binary for this machine, built with the `dist` profile (release, no debug info,
/// stripped).
fn build_binary() -> Result<PathBuf> {
    let target = target_dir();
    run_shown(
        cargo()
            .args(["build", "--profile", "dist", "--bin", "ws-lint", "--locked"])
            .arg("--target-dir")
            .arg(&target)
            .current_dir(repo_root()),
    )?;
    let binary = target
        .join("dist")
        .join(format!("ws-lint{}", std::env::consts::EXE_SUFFIX));
    if !binary.is_file() {
        return Err(format!("cargo built no {}", binary.display()));
    }
    Ok(binary)
}

/// A binary that runs here must say it is this version (a stale binary is a wrong release).
fn check_version(binary: &Path, version: &str) -> Result<()> {
    let out = run(Command::new(binary).arg("--version"))?;
    if !out.contains(version) {
        return Err(format!(
            "{} --version says {:?}, not {version}",
            binary.display(),
            out.trim()
        ));
    }
    Ok(())
}

/// `npm ci` when editors/vscode/node_modules does not match its lockfile (the marker is the
/// one tests/setup-tools.sh writes), then the extension's own typecheck and bundle scripts.
fn build_extension(root: &Path) -> Result<()> {
    let extension = root.join("editors/vscode");
    let lock = extension.join("package-lock.json");
    let marker = extension.join("node_modules/.package-lock.json.ci");
    let installed = std::fs::read(&marker).ok();
    let wanted = std::fs::read(&lock).map_err(|e| format!("{}: {e}", lock.display()))?;
    if installed.as_deref() != Some(wanted.as_slice()) {
        run_shown(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&extension),
        )?;
        std::fs::copy(&lock, &marker).map_err(|e| format!("{}: {e}", marker.display()))?;
    }
    for script in ["typecheck", "bundle"] {
        run_shown(
            Command::new("npm")
                .args(["run", "--silent", script])
                .current_dir(&extension),
        )?;
    }
    Ok(())
}

/// One .vsix from a copy of editors/vscode: with `server/<binary>` and `--target` for a
/// platform, else the universal one.
fn package_vsix(
    stage: &Path,
    version: &str,
    server: Option<(Platform, &PathBuf)>,
    file: &Path,
) -> Result<()> {
    let extension = repo_root().join("editors/vscode");
    let name = server.map_or("universal".to_string(), |(p, _)| p.name());
    let dir = stage.join(format!("vscode-{name}"));
    fresh_dir(&dir)?;
    copy_tree(&extension, &dir, &|entry| {
        !matches!(entry, "node_modules" | "out" | "server") && !entry.ends_with(".vsix")
    })?;
    // vsce runs the manifest's `vscode:prepublish` script if it has one, which needs the tools.
    #[cfg(unix)]
    std::os::unix::fs::symlink(extension.join("node_modules"), dir.join("node_modules"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let manifest_path = dir.join("package.json");
    let mut manifest = crate::util::read_json(&manifest_path)?;
    manifest["version"] = serde_json::json!(version);
    crate::util::write_json(&manifest_path, &manifest)?;

    let vsce = extension.join("node_modules/.bin/vsce");
    let mut cmd = Command::new(&vsce);
    cmd.args(["package", "--no-dependencies", "--out"])
        .arg(file)
        .current_dir(&dir);
    if let Some((platform, binary)) = server {
        let server_dir = dir.join("server");
        std::fs::create_dir_all(&server_dir)
            .map_err(|e| format!("{}: {e}", server_dir.display()))?;
        let target = server_dir.join(platform.binary_name());
        std::fs::copy(binary, &target)
            .map_err(|e| format!("copy {} to {}: {e}", binary.display(), target.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| format!("chmod {}: {e}", target.display()))?;
        }
        cmd.args(["--target", &platform.name()]);
    }
    run_shown(&mut cmd)
}
