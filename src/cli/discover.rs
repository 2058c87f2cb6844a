//! What to lint: the paths of the command line turned into inputs, folders searched for
//! configuration files, and each input's settings from its `ws-lint.toml`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::{self, Config, Settings};

/// The file names a folder is searched for.
pub const CONFIG_FILE_NAMES: [&str; 3] = ["serverless.yml", "serverless.yaml", "serverless.json"];

/// One file to lint: where it is, what to call it in the output, and its settings.
pub(super) struct Input {
    pub(super) display: String,
    pub(super) source: Source,
    /// The settings it is linted with (the command line's over its `ws-lint.toml`), or why its
    /// configuration could not be read.
    pub(super) settings: Result<Settings, String>,
}

pub(super) enum Source {
    Stdin,
    File(PathBuf),
    /// A serverless.ts or serverless.js, not read: linted from `--resolved` alone.
    ResolvedOnly(PathBuf),
}

/// The inputs of a run and what went wrong finding them.
#[derive(Default)]
pub(super) struct Discovery {
    pub(super) inputs: Vec<Input>,
    /// Folders that could not be searched, configurations that could not be read: exit code 2,
    /// the rest is still linted.
    pub(super) problems: Vec<String>,
    /// Said on stderr as soon as they are known, in the order met.
    pub(super) notices: Vec<String>,
    /// A path named on the command line does not exist (exit code 2).
    pub(super) missing: bool,
}

/// What the command line says about the inputs, beyond their paths.
pub(super) struct InputOptions<'a> {
    pub(super) stdin_filename: Option<&'a str>,
    /// `--resolved` was given: a serverless.ts or serverless.js is linted from it, unread.
    pub(super) resolved: bool,
}

/// Turns the paths of the command line into inputs, in the order given; files found in a
/// folder come sorted. A file named twice is linted once. `settings` adds the command line's
/// rule choices to a file's configuration.
pub(super) fn inputs(
    paths: &[PathBuf],
    options: &InputOptions<'_>,
    configs: &mut Configs,
    settings: &dyn Fn(Settings) -> Settings,
) -> Discovery {
    let mut found = Discovery::default();
    let settings_for = |configs: &mut Configs, dir: &Path| configs.settings_for(dir).map(settings);
    for path in paths {
        if path.as_os_str() == "-" {
            let base = options
                .stdin_filename
                .map_or_else(|| PathBuf::from("."), |name| dir_of(Path::new(name)));
            found.inputs.push(Input {
                display: options.stdin_filename.unwrap_or("<stdin>").to_string(),
                source: Source::Stdin,
                settings: settings_for(configs, &base),
            });
        } else if options.resolved && !path.is_dir() && !has_readable_text(path) {
            found.inputs.push(Input {
                display: path.display().to_string(),
                source: Source::ResolvedOnly(path.clone()),
                settings: settings_for(configs, &dir_of(path)),
            });
        } else if path.is_dir() {
            let before = found.problems.len();
            let files = search_folder(path, configs, &mut found.problems);
            if files.is_empty() && found.problems.len() == before {
                found.notices.push(format!(
                    "warning: no serverless.yml, serverless.yaml or serverless.json under {}",
                    path.display()
                ));
            }
            found
                .inputs
                .extend(files.into_iter().map(|(display, path)| Input {
                    display,
                    settings: settings_for(configs, &dir_of(&path)),
                    source: Source::File(path),
                }));
        } else if path.exists() {
            found.inputs.push(Input {
                display: path.display().to_string(),
                source: Source::File(path.clone()),
                settings: settings_for(configs, &dir_of(path)),
            });
        } else {
            found
                .notices
                .push(format!("{}: no such file or folder", path.display()));
            found.missing = true;
        }
    }
    dedup_inputs(&mut found.inputs);
    found
}

/// Whether ws-lint reads this configuration file itself (YAML or JSON), rather than only the
/// configuration the framework resolved from it.
fn has_readable_text(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["yml", "yaml", "json"].contains(&e.to_ascii_lowercase().as_str()))
}

/// The folder a file is in; `.` for a bare file name (whose `parent()` is the empty path, from
/// which configuration discovery could not walk up).
pub(super) fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Drops a file named twice (`ws-lint a/serverless.yml a`, or `-` twice): linting it twice
/// would report everything twice, and with `--fix` two writers would race.
fn dedup_inputs(inputs: &mut Vec<Input>) {
    let mut seen = HashSet::new();
    inputs.retain(|input| {
        let key = match &input.source {
            Source::Stdin => None,
            Source::File(path) | Source::ResolvedOnly(path) => {
                Some(path.canonicalize().unwrap_or_else(|_| path.clone()))
            }
        };
        seen.insert(key)
    });
}

/// Serverless configuration files under a folder (display name and path, sorted by name),
/// honouring `.gitignore`, skipping `node_modules` and `.serverless`, and the `[files] exclude`
/// globs of the configuration. Problems (an unreadable folder, a bad configuration) go to
/// `problems`; the rest of the folder is still searched.
fn search_folder(
    root: &Path,
    configs: &mut Configs,
    problems: &mut Vec<String>,
) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|entry| {
            let name = entry.file_name();
            !(entry.depth() > 0
                && entry.file_type().is_some_and(|t| t.is_dir())
                && (name == "node_modules" || name == ".serverless" || name == ".git"))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(format!("{}: {e}", root.display()));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if !CONFIG_FILE_NAMES.contains(&name.as_ref()) {
            continue;
        }
        let path = entry.path().to_path_buf();
        match configs.is_excluded(&path) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(message) => {
                problems.push(message);
                continue;
            }
        }
        let display = path
            .strip_prefix("./")
            .unwrap_or(&path)
            .display()
            .to_string();
        found.push((display, path));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// Where each file's `ws-lint.toml` comes from. Each one is read, parsed and its `[files]
/// exclude` globs compiled once per run, however many files it covers.
pub(super) struct Configs {
    mode: Mode,
}

enum Mode {
    /// `--isolated`: no configuration file at all.
    Isolated,
    /// `--config PATH`: this one for every file.
    Fixed(Rc<Loaded>),
    /// The nearest `ws-lint.toml` of each file's folder.
    Discover {
        nearest: HashMap<PathBuf, Option<PathBuf>>,
        loaded: HashMap<PathBuf, Rc<Loaded>>,
    },
}

/// A configuration file as read: its settings (or why it could not be read) and its
/// exclusions.
struct Loaded {
    config: Result<Config, String>,
    /// `None` when nothing is excluded.
    exclude: Result<Option<Exclusion>, String>,
}

impl Loaded {
    /// `folder`: the configuration file's folder, which its exclusion globs are relative to.
    fn new(config: Result<Config, String>, folder: &Path) -> Loaded {
        let exclude = match &config {
            Ok(config) => Exclusion::compile(&config.exclude, folder),
            Err(_) => Ok(None),
        };
        Loaded { config, exclude }
    }
}

/// `[files] exclude`: globs relative to the configuration file's folder. `*` stays within one
/// path segment, `**` crosses them.
struct Exclusion {
    /// The configuration file's folder, symbolic links resolved.
    base: PathBuf,
    globs: GlobSet,
}

impl Exclusion {
    fn compile(globs: &[String], folder: &Path) -> Result<Option<Exclusion>, String> {
        if globs.is_empty() {
            return Ok(None);
        }
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            let glob = glob.strip_prefix("./").unwrap_or(glob);
            // A glob that does not compile was refused when the configuration was parsed.
            if let Ok(glob) = GlobBuilder::new(glob).literal_separator(true).build() {
                builder.add(glob);
            }
        }
        let globs = builder.build().map_err(|e| e.to_string())?;
        let base = folder
            .canonicalize()
            .unwrap_or_else(|_| folder.to_path_buf());
        Ok(Some(Exclusion { base, globs }))
    }

    /// Whether the globs match the file or one of the folders it is in.
    fn matches(&self, path: &Path) -> bool {
        let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let Ok(relative) = absolute.strip_prefix(&self.base) else {
            // Outside the configuration's folder: its globs do not reach it.
            return false;
        };
        relative
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|p| self.globs.is_match(p))
    }
}

impl Configs {
    pub(super) fn isolated() -> Configs {
        Configs {
            mode: Mode::Isolated,
        }
    }

    pub(super) fn discover() -> Configs {
        Configs {
            mode: Mode::Discover {
                nearest: HashMap::new(),
                loaded: HashMap::new(),
            },
        }
    }

    /// `--config PATH`; the error says why it cannot be read.
    pub(super) fn fixed(path: &Path) -> Result<Configs, String> {
        let config = Config::load(path)?;
        Ok(Configs {
            mode: Mode::Fixed(Rc::new(Loaded::new(Ok(config), &dir_of(path)))),
        })
    }

    /// The configuration for files in `dir`, if any.
    fn for_dir(&mut self, dir: &Path) -> Option<Rc<Loaded>> {
        match &mut self.mode {
            Mode::Isolated => None,
            Mode::Fixed(loaded) => Some(Rc::clone(loaded)),
            Mode::Discover { nearest, loaded } => {
                let file = nearest
                    .entry(dir.to_path_buf())
                    .or_insert_with(|| config::find_nearest(dir))
                    .as_ref()?;
                let found = loaded.entry(file.clone()).or_insert_with(|| {
                    let folder = file.parent().unwrap_or(Path::new("."));
                    Rc::new(Loaded::new(Config::load(file), folder))
                });
                Some(Rc::clone(found))
            }
        }
    }

    /// The settings for files in `dir`, or why its configuration cannot be read.
    pub(super) fn settings_for(&mut self, dir: &Path) -> Result<Settings, String> {
        match self.for_dir(dir) {
            None => Ok(Settings::default()),
            Some(loaded) => match &loaded.config {
                Ok(config) => Ok(config.settings.clone()),
                Err(message) => Err(message.clone()),
            },
        }
    }

    /// Whether `[files] exclude` of the file's configuration leaves it out.
    fn is_excluded(&mut self, path: &Path) -> Result<bool, String> {
        let Some(loaded) = self.for_dir(&dir_of(path)) else {
            return Ok(false);
        };
        if let Err(message) = &loaded.config {
            return Err(message.clone());
        }
        match &loaded.exclude {
            Ok(None) => Ok(false),
            Ok(Some(exclusion)) => Ok(exclusion.matches(path)),
            Err(message) => Err(message.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn each_configuration_is_read_once_for_all_the_folders_under_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, ".git/HEAD", "");
        write(root, "ws-lint.toml", "[files]\nexclude = [\"old/**\"]\n");
        let mut configs = Configs::discover();
        let a = configs.for_dir(&root.join("a")).expect("found");
        let b = configs.for_dir(&root.join("b/c")).expect("found");
        assert!(Rc::ptr_eq(&a, &b), "one ws-lint.toml, loaded once");
        assert!(configs
            .is_excluded(&root.join("old/svc/serverless.yml"))
            .unwrap());
        assert!(!configs
            .is_excluded(&root.join("new/serverless.yml"))
            .unwrap());
        // Read once: a change on disk during the run is not seen.
        write(root, "ws-lint.toml", "[rules]\nWS999 = \"off\"\n");
        assert!(configs.settings_for(&root.join("d")).is_ok());
        assert!(Configs::discover().settings_for(&root.join("d")).is_err());
    }

    #[test]
    fn a_broken_configuration_is_an_error_for_every_file_under_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, ".git/HEAD", "");
        write(root, "ws-lint.toml", "[rules]\nWS201 = \"loud\"\n");
        let mut configs = Configs::discover();
        let error = configs.settings_for(&root.join("svc")).unwrap_err();
        assert!(error.contains("loud"), "{error}");
        let excluded = configs.is_excluded(&root.join("svc/serverless.yml"));
        assert_eq!(excluded, Err(error));
        // Ignored alike with --isolated.
        assert!(Configs::isolated().settings_for(&root.join("svc")).is_ok());
    }
}
