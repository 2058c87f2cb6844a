//! `ws-lint.toml` and the settings every face of ws-lint hands to [`crate::analyze`].
//!
//! Parsing is pure (text in, settings or an error naming line and key out). Finding the file on
//! disk ([`find_nearest`]) and reading it ([`Config::load`]) are here too, so the CLI and the
//! language server search the same way.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::Severity;
use crate::rules::{self, Rule};
use crate::span::LineIndex;

/// A rule's level as configured: a severity, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

impl RuleLevel {
    pub fn parse(text: &str) -> Option<RuleLevel> {
        if text == "off" {
            Some(RuleLevel::Off)
        } else {
            Severity::parse(text).map(RuleLevel::On)
        }
    }
}

/// Everything that changes what `analyze` reports.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Per-rule levels, by code; rules not named keep their default.
    pub levels: HashMap<&'static str, RuleLevel>,
    /// `--select`: when set, only these rules run.
    pub select: Option<Vec<&'static str>>,
    /// `--ignore`: these rules never run.
    pub ignore: Vec<&'static str>,
    /// Extra variable sources (for WS603).
    pub variable_sources: Vec<String>,
    /// `[files] include-roots`: folders outside the project that `${file(...)}` may read,
    /// joined to the configuration file's folder.
    pub include_roots: Vec<PathBuf>,
}

impl Settings {
    /// The severity a rule reports at, or `None` when it does not run.
    pub fn level(&self, rule: &Rule) -> Option<Severity> {
        if self.ignore.contains(&rule.code) {
            return None;
        }
        if let Some(select) = &self.select {
            if !select.contains(&rule.code) {
                return None;
            }
        }
        match self.levels.get(rule.code) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(severity)) => Some(*severity),
            // A rule selected explicitly runs even when it is off by default.
            None if self.select.as_ref().is_some_and(|s| s.contains(&rule.code)) => {
                Some(rule.default_severity.unwrap_or(Severity::Warning))
            }
            None => rule.default_severity,
        }
    }

    pub fn is_enabled(&self, rule: &Rule) -> bool {
        self.level(rule).is_some()
    }
}

/// A parsed `ws-lint.toml`.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub settings: Settings,
    /// `[files] exclude`: globs relative to the config file's folder.
    pub exclude: Vec<String>,
}

/// A problem in a configuration file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    files: RawFiles,
    #[serde(default)]
    variables: RawVariables,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default, rename = "include-roots")]
    include_roots: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawVariables {
    #[serde(default)]
    sources: Vec<String>,
}

impl Config {
    /// Parses a `ws-lint.toml` at `path`: `path` names the file in errors, and
    /// `[files] include-roots` are relative to its folder.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        Self::parse_file(text, Path::new(path))
    }

    /// [`parse`](Self::parse) for a path that may not be UTF-8.
    pub fn parse_file(text: &str, file: &Path) -> Result<Config, ConfigError> {
        let display = file.display().to_string();
        let path = display.as_str();
        let index = LineIndex::new(text);
        let error_at = |offset: usize, message: String| {
            let at = index.line_col(text, offset);
            ConfigError {
                path: path.to_string(),
                line: at.line,
                column: at.column,
                message,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            error_at(offset, e.message().trim().to_string())
        })?;
        let mut settings = Settings::default();
        for (key, value) in &raw.rules {
            let Some(rule) = rules::find(key.get_ref()) else {
                return Err(error_at(
                    key.span().start,
                    format!(
                        "unknown rule `{}` in [rules]; `ws-lint rules` lists them",
                        key.get_ref()
                    ),
                ));
            };
            let Some(level) = RuleLevel::parse(value.get_ref()) else {
                return Err(error_at(
                    value.span().start,
                    format!(
                        "invalid level `{}` for `{}`: expected one of error, warning, info, hint, off",
                        value.get_ref(),
                        key.get_ref()
                    ),
                ));
            };
            settings.levels.insert(rule.code, level);
        }
        for glob in &raw.files.exclude {
            if let Err(e) = globset::Glob::new(glob) {
                let offset = text.find(glob.as_str()).unwrap_or(0);
                return Err(error_at(
                    offset,
                    format!("invalid glob `{glob}` in [files] exclude: {e}"),
                ));
            }
        }
        settings.variable_sources = raw.variables.sources;
        let base = file.parent().unwrap_or(Path::new(""));
        settings.include_roots = raw
            .files
            .include_roots
            .iter()
            .map(|root| crate::files::normalize(&base.join(root)))
            .collect();
        Ok(Config {
            settings,
            exclude: raw.files.exclude,
        })
    }
}

/// The name of ws-lint's configuration file.
pub const FILE_NAME: &str = "ws-lint.toml";

/// The nearest `ws-lint.toml` walking up from `dir`, symbolic links in `dir` resolved first (so a
/// linked service folder finds the configuration of the project it really is in). The search
/// stops at the folder holding `.git` (a `.git` file, as in a worktree, counts): a configuration
/// above the project root is never read. Without any `.git` the search goes up to the
/// filesystem root. Returns the file's path under the resolved folder.
pub fn find_nearest(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    for folder in dir.ancestors() {
        let candidate = folder.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if folder.join(".git").exists() {
            return None;
        }
    }
    None
}

impl Config {
    /// Reads and parses the configuration file at `path`; the error names the file (and the
    /// line and key when it could be read).
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read configuration: {e}", path.display()))?;
        Config::parse_file(&text, path).map_err(|e| e.to_string())
    }
}

/// Resolves a comma-separated list of rule codes or names (`--select`, `--ignore`).
pub fn parse_rule_list(list: &str) -> Result<Vec<&'static str>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            rules::find(item)
                .map(|r| r.code)
                .ok_or_else(|| format!("unknown rule `{item}`; `ws-lint rules` lists them"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_levels_by_code_or_name() {
        let config = Config::parse(
            "[rules]\nWS405 = \"off\"\nheader-identity-source = \"warning\"\n[files]\nexclude = [\"examples/**\"]\n[variables]\nsources = [\"mine\"]\n",
            "ws-lint.toml",
        )
        .unwrap();
        assert_eq!(config.settings.levels.get("WS405"), Some(&RuleLevel::Off));
        assert_eq!(
            config.settings.levels.get("WS212"),
            Some(&RuleLevel::On(Severity::Warning))
        );
        assert_eq!(config.exclude, ["examples/**"]);
        assert_eq!(config.settings.variable_sources, ["mine"]);
    }

    #[test]
    fn include_roots_are_relative_to_the_configuration_file() {
        let config = Config::parse(
            "[files]\ninclude-roots = [\"../common-config\", \"/opt/config\", \".\"]\n",
            "repo/svc/ws-lint.toml",
        )
        .unwrap();
        assert_eq!(
            config.settings.include_roots,
            [
                PathBuf::from("repo/common-config"),
                PathBuf::from("/opt/config"),
                PathBuf::from("repo/svc")
            ]
        );
        let error = Config::parse("[files]\ninclude-roots = \"x\"\n", "c.toml").unwrap_err();
        assert_eq!(error.line, 2, "{error}");
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let error = Config::parse("[rules]\n\nWS999 = \"off\"\n", "cfg.toml").unwrap_err();
        assert_eq!((error.line, error.column), (3, 1));
        assert!(error.message.contains("WS999"), "{error}");
        let error = Config::parse("[rules]\nWS405 = \"loud\"\n", "cfg.toml").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("loud"), "{error}");
        let error = Config::parse("[rulez]\n", "cfg.toml").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.to_string().starts_with("cfg.toml:1:"), "{error}");
    }

    /// A temporary folder with `files` (paths ending in `/` are folders), canonical so that
    /// results compare with what [`find_nearest`] returns.
    fn tree(files: &[&str]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        for file in files {
            let path = root.join(file);
            if file.ends_with('/') {
                std::fs::create_dir_all(&path).expect("mkdir");
            } else {
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(&path, "").expect("write");
            }
        }
        (dir, root)
    }

    #[test]
    fn the_nearest_configuration_wins() {
        let (_dir, root) = tree(&[
            "repo/.git/",
            "repo/ws-lint.toml",
            "repo/api/ws-lint.toml",
            "repo/api/chat/",
            "repo/web/chat/",
        ]);
        let found = |dir: &str| find_nearest(&root.join(dir));
        assert_eq!(
            found("repo/api/chat"),
            Some(root.join("repo/api/ws-lint.toml"))
        );
        assert_eq!(found("repo/api"), Some(root.join("repo/api/ws-lint.toml")));
        assert_eq!(found("repo/web/chat"), Some(root.join("repo/ws-lint.toml")));
        assert_eq!(found("repo"), Some(root.join("repo/ws-lint.toml")));
    }

    #[test]
    fn the_search_stops_at_the_project_root() {
        // The folder holding `.git` is searched; the one above it is not.
        let (_dir, root) = tree(&[
            "ws-lint.toml",
            "repo/.git/",
            "repo/svc/",
            "worktree/.git",
            "worktree/ws-lint.toml",
            "worktree/svc/",
        ]);
        assert_eq!(find_nearest(&root.join("repo/svc")), None);
        assert_eq!(find_nearest(&root.join("repo")), None);
        // A `.git` file (a worktree) is a project root too, and its own configuration counts.
        assert_eq!(
            find_nearest(&root.join("worktree/svc")),
            Some(root.join("worktree/ws-lint.toml"))
        );
        // Without `.git` anywhere the search goes on up.
        let (_dir, root) = tree(&["outer/ws-lint.toml", "outer/a/b/"]);
        assert_eq!(
            find_nearest(&root.join("outer/a/b")),
            Some(root.join("outer/ws-lint.toml"))
        );
        // A folder named ws-lint.toml is not a configuration.
        let (_dir, root) = tree(&[".git/", "ws-lint.toml/", "svc/"]);
        assert_eq!(find_nearest(&root.join("svc")), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_folder_finds_the_configuration_where_it_really_is() {
        let (_dir, root) = tree(&[
            "repo/.git/",
            "repo/ws-lint.toml",
            "repo/svc/",
            "elsewhere/.git/",
            "elsewhere/ws-lint.toml",
        ]);
        std::os::unix::fs::symlink(root.join("repo/svc"), root.join("elsewhere/svc"))
            .expect("symlink");
        assert_eq!(
            find_nearest(&root.join("elsewhere/svc")),
            Some(root.join("repo/ws-lint.toml"))
        );
        // And the other way round: a link into a project with no configuration of its own
        // does not pick up the one beside the link.
        std::fs::remove_file(root.join("repo/ws-lint.toml")).expect("rm");
        assert_eq!(find_nearest(&root.join("elsewhere/svc")), None);
    }

    #[test]
    fn loading_names_the_file_in_errors() {
        let (_dir, root) = tree(&["ws-lint.toml"]);
        let path = root.join("ws-lint.toml");
        std::fs::write(&path, "[rules]\nWS201 = \"loud\"\n").expect("write");
        let error = Config::load(&path).unwrap_err();
        assert!(
            error.starts_with(&format!("{}:2:", path.display())),
            "{error}"
        );
        let error = Config::load(&root.join("missing.toml")).unwrap_err();
        assert!(error.contains("cannot read configuration"), "{error}");
        std::fs::write(&path, "[rules]\nWS201 = \"off\"\n").expect("write");
        let config = Config::load(&path).expect("valid");
        assert_eq!(config.settings.levels.get("WS201"), Some(&RuleLevel::Off));
    }
}
