//! Repository tasks, run as `cargo xtask TASK` (the alias is in .cargo/config.toml):
//!
//! ```text
//! cargo xtask dist OUT_DIR [--binary PLATFORM=PATH]... [--no-vsix]
//! cargo xtask npm-platform PLATFORM BINARY OUT_DIR
//! ```
//!
//! `dist` writes the npm packages and the .vsix files of a release (see dist.rs). Without
//! `--binary` it builds the binary for this machine; the release workflow passes the six
//! binaries its build jobs made. `npm-platform` packs one platform package around any binary
//! (a stub, in the registry test, for a platform this machine cannot build).

mod dist;
mod npm;
mod platforms;
mod util;

use std::path::PathBuf;
use std::process::ExitCode;

use platforms::{Platform, PLATFORMS};

const USAGE: &str = "usage:
  cargo xtask dist OUT_DIR [--binary PLATFORM=PATH]... [--no-vsix]
  cargo xtask npm-platform PLATFORM BINARY OUT_DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn platform(name: &str) -> util::Result<Platform> {
    Platform::by_name(name).ok_or_else(|| {
        let known: Vec<String> = PLATFORMS.iter().map(Platform::name).collect();
        format!("unknown platform {name:?} (one of {})", known.join(", "))
    })
}

fn run(args: &[String]) -> util::Result<()> {
    match args.first().map(String::as_str) {
        Some("dist") => {
            let mut out = None;
            let mut binaries = Vec::new();
            let mut vsix = true;
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--no-vsix" => vsix = false,
                    "--binary" => {
                        let value = rest.next().ok_or("--binary needs PLATFORM=PATH")?;
                        let (name, path) = value
                            .split_once('=')
                            .ok_or("--binary needs PLATFORM=PATH")?;
                        binaries.push((platform(name)?, PathBuf::from(path)));
                    }
                    other if other.starts_with('-') => {
                        return Err(format!("unknown option {other}\n{USAGE}"))
                    }
                    other if out.is_none() => out = Some(PathBuf::from(other)),
                    other => return Err(format!("unexpected argument {other}\n{USAGE}")),
                }
            }
            let out = out.ok_or(USAGE)?;
            dist::dist(dist::Options {
                out,
                binaries,
                vsix,
            })
        }
        Some("npm-platform") => {
            let [_, name, binary, out] = args else {
                return Err(USAGE.to_string());
            };
            let platform = platform(name)?;
            let version = util::crate_version()?;
            let stage = util::target_dir()
                .join("xtask-npm-platform")
                .join(platform.name());
            util::fresh_dir(&stage)?;
            npm::write_platform_package(platform, &PathBuf::from(binary), &version, &stage)?;
            let tarball = npm::pack(&stage, &PathBuf::from(out))?;
            println!("{}", tarball.display());
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}
