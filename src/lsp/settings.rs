//! Settings for a document: the nearest `ws-lint.toml` ([`crate::config::find_nearest`], as the
//! CLI finds it) plus rule levels from the client (initializationOptions
//! and `workspace/didChangeConfiguration`), the client's words winning.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, RuleLevel, Settings};
use crate::rules;

/// A `ws-lint.toml` found for a folder: its path and what parsing it gave.
pub type Found = Option<(PathBuf, Result<Config, String>)>;

#[derive(Default)]
pub struct SettingsState {
    /// Rule levels from the client.
    pub overrides: HashMap<&'static str, RuleLevel>,
    /// Bumped on every settings change; analyses made with an older one are stale.
    pub generation: u64,
    /// Per folder: the config found for it (its path and the parse result), if any.
    cache: HashMap<PathBuf, Found>,
}

impl SettingsState {
    /// Replaces the client's rule levels from a settings object. Accepts `{"rules": {...}}`,
    /// also nested under `ws-lint` or `wsLint`. Returns the problems found (unknown rules or
    /// levels), which are skipped.
    pub fn set_client_settings(&mut self, value: &serde_json::Value) -> Vec<String> {
        let value = value
            .get("ws-lint")
            .or_else(|| value.get("wsLint"))
            .unwrap_or(value);
        let mut problems = Vec::new();
        let mut overrides = HashMap::new();
        if let Some(rules_map) = value.get("rules").and_then(|r| r.as_object()) {
            for (code, level) in rules_map {
                let Some(rule) = rules::find(code) else {
                    problems.push(format!("unknown rule `{code}` in the editor settings"));
                    continue;
                };
                match level.as_str().and_then(RuleLevel::parse) {
                    Some(level) => {
                        overrides.insert(rule.code, level);
                    }
                    None => problems.push(format!(
                        "invalid level `{level}` for `{code}` in the editor settings: expected one of error, warning, info, hint, off"
                    )),
                }
            }
        }
        self.overrides = overrides;
        self.invalidate();
        problems
    }

    /// Forgets cached configuration files and makes every analysis stale.
    pub fn invalidate(&mut self) {
        self.cache.clear();
        self.generation += 1;
    }

    /// The settings for a document at `path` (a file path; `None` for documents not on disk),
    /// and the error of a broken `ws-lint.toml`, if any (its settings are then left out).
    pub fn settings_for(&mut self, path: Option<&Path>) -> (Settings, Option<String>) {
        let mut settings = Settings::default();
        let mut error = None;
        if let Some(dir) = path.and_then(Path::parent) {
            match self.find(dir) {
                Some((_, Ok(config))) => settings = config.settings,
                Some((_, Err(message))) => error = Some(message),
                None => {}
            }
        }
        for (code, level) in &self.overrides {
            settings.levels.insert(code, *level);
        }
        (settings, error)
    }

    /// True when the configuration for `dir` is known (no disk access needed).
    pub fn knows(&self, dir: &Path) -> bool {
        self.cache.contains_key(dir)
    }

    /// Keeps what [`search`] found for `dir`.
    pub fn remember(&mut self, dir: &Path, found: Found) {
        self.cache.insert(dir.to_path_buf(), found);
    }

    fn find(&mut self, dir: &Path) -> Found {
        if let Some(found) = self.cache.get(dir) {
            return found.clone();
        }
        let found = search(dir);
        self.cache.insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// The nearest `ws-lint.toml` from `dir` up ([`crate::config::find_nearest`], as the CLI finds
/// it), read from disk: the server calls it outside its lock, so a slow disk never holds up edits.
pub fn search(dir: &Path) -> Found {
    crate::config::find_nearest(dir).map(|file| {
        let config = Config::load(&file);
        (file, config)
    })
}
