//! The npm packages: the `ws-lint` launcher (npm/ws-lint), one `@ws-lint/cli-<os>-<cpu>`
//! package per platform holding only the binary, and the Serverless plugin
//! (npm/serverless-ws-lint) when the repository has it. All pinned to the crate's version.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::platforms::{Platform, PLATFORMS};
use crate::util::{copy_tree, read_json, run, write_json, Result};

pub const REPOSITORY: &str = "https://github.com/ws-lint/ws-lint";

/// package.json of a platform package: `os`/`cpu` so npm installs only the matching one,
/// `files` so the tarball holds only the binary and the README.
pub fn platform_manifest(platform: Platform, version: &str) -> Value {
    json!({
        "name": platform.npm_package(),
        "version": version,
        "description": format!("The ws-lint binary for {}", platform.name()),
        "license": "MIT OR Apache-2.0",
        "repository": { "type": "git", "url": format!("git+{REPOSITORY}.git") },
        "os": [platform.os],
        "cpu": [platform.cpu],
        "files": ["bin"],
        // Yarn PnP: the binary must be on disk to be executed.
        "preferUnplugged": true,
    })
}

/// Writes the folder of a platform package: package.json, README.md and
/// `bin/<binary>` with the executable bit (which `npm pack` keeps only when the file has it).
pub fn write_platform_package(
    platform: Platform,
    binary: &Path,
    version: &str,
    dir: &Path,
) -> Result<()> {
    let bin_dir = dir.join("bin");
    std::fs::create_dir_all(&bin_dir).map_err(|e| format!("{}: {e}", bin_dir.display()))?;
    let target = bin_dir.join(platform.binary_name());
    std::fs::copy(binary, &target)
        .map_err(|e| format!("copy {} to {}: {e}", binary.display(), target.display()))?;
    set_executable(&target)?;
    write_json(
        &dir.join("package.json"),
        &platform_manifest(platform, version),
    )?;
    let readme = format!(
        "# {}\n\nThe prebuilt `ws-lint` binary for {}. Install [`ws-lint`](https://www.npmjs.com/package/ws-lint) \
         instead: it depends on this package and runs the binary.\n",
        platform.npm_package(),
        platform.name()
    );
    std::fs::write(dir.join("README.md"), readme).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(())
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("chmod {}: {e}", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_path: &Path) -> Result<()> {
    Ok(())
}

/// The launcher's package.json at `version`, with every platform package as an optional
/// dependency pinned to the same version (npm installs the one whose os/cpu match).
pub fn launcher_manifest(source: &Value, version: &str) -> Result<Value> {
    let mut manifest = source
        .as_object()
        .cloned()
        .ok_or("npm/ws-lint/package.json is not an object")?;
    manifest.insert("version".into(), json!(version));
    let optional: Map<String, Value> = PLATFORMS
        .iter()
        .map(|p| (p.npm_package(), json!(version)))
        .collect();
    manifest.insert("optionalDependencies".into(), Value::Object(optional));
    Ok(Value::Object(manifest))
}

/// The Serverless plugin's package.json at `version`, depending on `ws-lint` at exactly the
/// same version (so the plugin runs the binary it was released with).
pub fn plugin_manifest(source: &Value, version: &str) -> Result<Value> {
    let mut manifest = source
        .as_object()
        .cloned()
        .ok_or("npm/serverless-ws-lint/package.json is not an object")?;
    manifest.insert("version".into(), json!(version));
    let deps = manifest
        .entry("dependencies")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or("dependencies is not an object")?;
    deps.insert("ws-lint".into(), json!(version));
    Ok(Value::Object(manifest))
}

/// Copies the package folder `source` to `stage`, rewrites its package.json with `edit`.
pub fn stage_package(
    source: &Path,
    stage: &Path,
    edit: impl Fn(&Value) -> Result<Value>,
) -> Result<()> {
    copy_tree(source, stage, &|name| name != "node_modules")?;
    let manifest_path = stage.join("package.json");
    let manifest = edit(&read_json(&manifest_path)?)?;
    write_json(&manifest_path, &manifest)
}

/// `npm pack` of the folder `dir` into `dest`; returns the tarball's path.
pub fn pack(dir: &Path, dest: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let dest = std::fs::canonicalize(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let out = run(std::process::Command::new("npm")
        .args(["pack", "--json", "--loglevel=error", "--pack-destination"])
        .arg(&dest)
        .current_dir(dir))?;
    let listing: Value =
        serde_json::from_str(&out).map_err(|e| format!("npm pack --json: {e}\n{out}"))?;
    let file = listing[0]["filename"]
        .as_str()
        .ok_or_else(|| format!("npm pack printed no filename:\n{out}"))?;
    Ok(dest.join(file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::repo_root;

    fn stub_binary(dir: &Path) -> PathBuf {
        let stub = dir.join("stub");
        std::fs::write(&stub, "#!/bin/sh\necho stub\n").unwrap();
        stub
    }

    #[test]
    fn every_platform_package_has_its_binary_and_metadata() {
        let temp = tempfile::tempdir().unwrap();
        let stub = stub_binary(temp.path());
        for platform in PLATFORMS {
            let dir = temp.path().join(platform.name());
            write_platform_package(platform, &stub, "1.2.3", &dir).unwrap();
            let manifest = read_json(&dir.join("package.json")).unwrap();
            assert_eq!(
                manifest["name"],
                format!("@ws-lint/cli-{}", platform.name())
            );
            assert_eq!(manifest["version"], "1.2.3");
            assert_eq!(manifest["os"], json!([platform.os]));
            assert_eq!(manifest["cpu"], json!([platform.cpu]));
            assert_eq!(manifest["files"], json!(["bin"]));
            assert!(manifest.get("scripts").is_none(), "no install scripts");
            let binary = dir.join("bin").join(platform.binary_name());
            assert_eq!(
                std::fs::read_to_string(&binary).unwrap(),
                "#!/bin/sh\necho stub\n"
            );
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&binary).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o755, "{}", binary.display());
            }
        }
        assert!(temp.path().join("win32-x64/bin/ws-lint.exe").is_file());
        assert!(temp.path().join("darwin-arm64/bin/ws-lint").is_file());
    }

    /// What `npm pack` would put in the tarball: the binary, executable, and nothing else
    /// but the manifest and README.
    #[test]
    fn npm_packs_the_binary_with_its_executable_bit() {
        let temp = tempfile::tempdir().unwrap();
        let stub = stub_binary(temp.path());
        let platform = Platform::by_name("darwin-arm64").unwrap();
        let dir = temp.path().join("pkg");
        write_platform_package(platform, &stub, "1.2.3", &dir).unwrap();
        let out = match run(std::process::Command::new("npm")
            .args(["pack", "--dry-run", "--json", "--loglevel=error"])
            .current_dir(&dir))
        {
            Ok(out) => out,
            Err(e) if std::env::var("WS_LINT_REQUIRE_TOOLS").as_deref() != Ok("1") => {
                println!("SKIPPED: npm pack --dry-run: {e}");
                return;
            }
            Err(e) => panic!("npm pack --dry-run (WS_LINT_REQUIRE_TOOLS=1): {e}"),
        };
        let listing: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(listing[0]["name"], "@ws-lint/cli-darwin-arm64");
        assert_eq!(listing[0]["filename"], "ws-lint-cli-darwin-arm64-1.2.3.tgz");
        let mut files: Vec<(String, u64)> = listing[0]["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["mode"].as_u64().unwrap(),
                )
            })
            .collect();
        files.sort();
        assert_eq!(
            files,
            [
                ("README.md".to_string(), 0o644),
                ("bin/ws-lint".to_string(), 0o755),
                ("package.json".to_string(), 0o644)
            ]
        );
    }

    #[test]
    fn the_launcher_pins_all_six_platform_packages() {
        let source = read_json(&repo_root().join("npm/ws-lint/package.json")).unwrap();
        let manifest = launcher_manifest(&source, "2.0.0").unwrap();
        assert_eq!(manifest["version"], "2.0.0");
        assert_eq!(manifest["bin"]["ws-lint"], "bin/ws-lint.js");
        let optional = manifest["optionalDependencies"].as_object().unwrap();
        let names: Vec<&str> = optional.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "@ws-lint/cli-linux-x64",
                "@ws-lint/cli-linux-arm64",
                "@ws-lint/cli-darwin-x64",
                "@ws-lint/cli-darwin-arm64",
                "@ws-lint/cli-win32-x64",
                "@ws-lint/cli-win32-arm64"
            ]
        );
        assert!(optional.values().all(|v| v == "2.0.0"));
        // No install script: pnpm 10 and --ignore-scripts must work.
        let scripts = manifest.get("scripts").cloned().unwrap_or(json!({}));
        for hook in ["preinstall", "install", "postinstall"] {
            assert!(scripts.get(hook).is_none(), "{hook} script");
        }
    }

    /// The launcher looks up the same package names as the ones built here.
    #[test]
    fn the_launcher_resolves_the_packages_built_here() {
        let js = std::fs::read_to_string(repo_root().join("npm/ws-lint/lib/binary.js")).unwrap();
        for platform in PLATFORMS {
            let entry = format!("'{}': '{}'", platform.name(), platform.npm_package());
            assert!(js.contains(&entry), "lib/binary.js lacks {entry}");
        }
    }

    #[test]
    fn the_plugin_depends_on_the_same_ws_lint_version() {
        let source = json!({"name": "serverless-ws-lint", "version": "0.0.0",
            "dependencies": {"ws-lint": "^0.1.0", "other": "1"}});
        let manifest = plugin_manifest(&source, "0.3.0").unwrap();
        assert_eq!(manifest["version"], "0.3.0");
        assert_eq!(manifest["dependencies"]["ws-lint"], "0.3.0");
        assert_eq!(manifest["dependencies"]["other"], "1");
        let bare = plugin_manifest(&json!({"name": "serverless-ws-lint"}), "0.3.0").unwrap();
        assert_eq!(bare["dependencies"]["ws-lint"], "0.3.0");
    }
}
