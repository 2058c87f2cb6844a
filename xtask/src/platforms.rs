//! The platforms ws-lint ships prebuilt binaries for: one npm package and one .vsix each.
//! npm/ws-lint/lib/binary.js resolves the same package names at run time (a unit test
//! checks that the two lists agree).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform {
    /// npm's `os` (`process.platform`).
    pub os: &'static str,
    /// npm's `cpu` (`process.arch`).
    pub cpu: &'static str,
    /// The Rust target the release workflow builds for it.
    pub rust_target: &'static str,
}

pub const PLATFORMS: [Platform; 6] = [
    // Static musl binaries on Linux: one package serves glibc and musl systems (Alpine), so the
    // packages declare no `libc`.
    Platform {
        os: "linux",
        cpu: "x64",
        rust_target: "x86_64-unknown-linux-musl",
    },
    Platform {
        os: "linux",
        cpu: "arm64",
        rust_target: "aarch64-unknown-linux-musl",
    },
    Platform {
        os: "darwin",
        cpu: "x64",
        rust_target: "x86_64-apple-darwin",
    },
    Platform {
        os: "darwin",
        cpu: "arm64",
        rust_target: "aarch64-apple-darwin",
    },
    Platform {
        os: "win32",
        cpu: "x64",
        rust_target: "x86_64-pc-windows-msvc",
    },
    Platform {
        os: "win32",
        cpu: "arm64",
        rust_target: "aarch64-pc-windows-msvc",
    },
];

impl Platform {
    /// `linux-x64`: also the `vsce package --target` name.
    pub fn name(&self) -> String {
        format!("{}-{}", self.os, self.cpu)
    }

    /// `@ws-lint/cli-linux-x64`.
    pub fn npm_package(&self) -> String {
        format!("@ws-lint/cli-{}", self.name())
    }

    /// The binary's file name on this platform.
    pub fn binary_name(&self) -> &'static str {
        if self.os == "win32" {
            "ws-lint.exe"
        } else {
            "ws-lint"
        }
    }

    pub fn by_name(name: &str) -> Option<Platform> {
        PLATFORMS.iter().copied().find(|p| p.name() == name)
    }

    /// The platform this xtask runs on, when ws-lint ships for it.
    pub fn host() -> Option<Platform> {
        let os = match std::env::consts::OS {
            "macos" => "darwin",
            "windows" => "win32",
            other => other,
        };
        let cpu = match std::env::consts::ARCH {
            "x86_64" => "x64",
            "aarch64" => "arm64",
            other => other,
        };
        Platform::by_name(&format!("{os}-{cpu}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for platform in PLATFORMS {
            assert_eq!(Platform::by_name(&platform.name()), Some(platform));
        }
        let mut names: Vec<String> = PLATFORMS.iter().map(Platform::name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), PLATFORMS.len());
    }

    #[test]
    fn windows_binaries_end_in_exe() {
        assert_eq!(
            Platform::by_name("win32-arm64").unwrap().binary_name(),
            "ws-lint.exe"
        );
        assert_eq!(
            Platform::by_name("darwin-arm64").unwrap().binary_name(),
            "ws-lint"
        );
    }
}
