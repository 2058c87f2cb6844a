use std::path::Path;

use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Severity};
use crate::files::{normalize, FileSource};
use crate::rules::edits::known_str;
use crate::rules::{declare_rule, Context};
use crate::yaml::Entry;

declare_rule! {
    /// ## What it does
    /// Reports the `handler` of a function with websocket events when no source file for it
    /// exists beside the configuration: for `handler: src/chat.connect`, none of
    /// `src/chat.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`, `.jsx`, `.tsx` or `.py`.
    ///
    /// Only Node.js and Python functions are checked, and only when the whole service is
    /// linted (the command line, or an editor with the folder open). Handlers holding
    /// variables, container images and prebuilt artifacts are left alone, and so are handlers
    /// that a bundler or TypeScript plugin (`serverless-esbuild`, `serverless-webpack`,
    /// `serverless-plugin-typescript`, `serverless-bundle`) may map to a source with that
    /// name under a usual source folder (`src/`, `lib/`...).
    ///
    /// ## Why is this bad?
    /// The framework packages the folder as it is: a handler path that names no file deploys
    /// fine and fails on the first connection, when Lambda cannot import the module
    /// (`Runtime.ImportModuleError: Cannot find module` in Node.js, `Unable to import module`
    /// in Python). For a `$connect` route every client is then refused.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   runtime: nodejs20.x
    /// functions:
    ///   connect:
    ///     handler: src/handlers/chat.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    ///   runtime: nodejs20.x
    /// functions:
    ///   connect:
    ///     handler: handler.connect
    ///     events:
    ///       - websocket: $connect
    /// ```
    pub static RULE = {
        code: "WS702",
        name: "handler-file-missing",
        severity: Some(Severity::Warning),
        fix: None,
        check: Some(check),
    };
}

const EXTENSIONS: &[&str] = &[
    ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx", ".py",
];

/// Plugins that build handlers from sources elsewhere.
const BUNDLERS: &[&str] = &[
    "serverless-esbuild",
    "serverless-webpack",
    "serverless-plugin-typescript",
    "serverless-bundle",
    "serverless-plugin-monorepo",
    "serverless-plugin-optimize",
];

const SOURCE_FOLDERS: &[&str] = &["src", "lib", "source", "app", "functions", "handlers"];

/// Runs with the service's files (`ctx.dir` is the service folder). Nothing outside the
/// project is looked at: a handler there is not reported either way.
fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(files) = ctx.files else {
        return;
    };
    let dir = ctx.dir;
    let yaml = ctx.yaml;
    // Nothing to compare with when the folder is not there (an unsaved editor buffer).
    if !files.is_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) {
        return;
    }
    let bundled = BUNDLERS.iter().any(|b| ctx.service.has_plugin(b));
    // Read once: every function without its own runtime has this one.
    let provider_runtime = ctx
        .service
        .provider_value(yaml, &["runtime"])
        .map(|node| known_str(ctx, node));
    let provider_artifact = ctx
        .service
        .provider_value(yaml, &["package", "artifact"])
        .is_some();
    let mut seen = rustc_hash::FxHashSet::default();
    let listings = std::cell::RefCell::new(Listings::new());
    // Whether a module path names a source file, by path: functions often share a file, and
    // each answer costs building paths and looking folders up.
    let known = std::cell::RefCell::new(rustc_hash::FxHashMap::<String, bool>::default());
    let exists = |path: &str| {
        if let Some(&exists) = known.borrow().get(path) {
            return exists;
        }
        let exists = EXTENSIONS.iter().any(|ext| {
            let file = normalize(&dir.join(format!("{path}{ext}")));
            listed(&mut listings.borrow_mut(), files, &file)
        });
        known.borrow_mut().insert(path.to_string(), exists);
        exists
    };
    for event in &ctx.service.events {
        if yaml.is_null(event.value) || !seen.insert(event.function) {
            continue;
        }
        let Some(function) = ctx.service.functions.get(event.function) else {
            continue;
        };
        if !yaml.is_mapping(function.node) || provider_artifact {
            continue;
        }
        // The four keys this needs, found in one pass over the function's entries (one lookup
        // each was a quarter of this rule's time on large services). The first of a repeated
        // key wins, as with `Yaml::get`.
        let (mut image, mut package, mut own_runtime, mut handler_entry) = (None, None, None, None);
        for entry in yaml.entries(function.node) {
            let slot = match yaml.key_text(entry.key) {
                Some("image") => &mut image,
                Some("package") => &mut package,
                Some("runtime") => &mut own_runtime,
                Some("handler") => &mut handler_entry,
                _ => continue,
            };
            slot.get_or_insert(entry);
        }
        if image.is_some()
            || package.is_some_and(|p: Entry| yaml.get(p.value, "artifact").is_some())
        {
            continue;
        }
        // The framework's default runtime is Node.js.
        let runtime = match own_runtime
            .map(|e: Entry| known_str(ctx, e.value))
            .or(provider_runtime)
        {
            Some(Some(runtime)) => runtime,
            // A runtime this file cannot know (a variable, say).
            Some(None) => continue,
            None => "nodejs",
        };
        let python = runtime.starts_with("python");
        if !(python || runtime.starts_with("nodejs")) {
            continue;
        }
        let Some(entry) = handler_entry else {
            continue;
        };
        // A value from a variable is someone else's to know.
        if yaml.substitute_of(entry.value).is_some() {
            continue;
        }
        let Some(handler) = known_str(ctx, entry.value) else {
            continue;
        };
        let Some((module, export)) = handler.trim().rsplit_once('.') else {
            continue;
        };
        if module.is_empty() || export.is_empty() {
            continue;
        }
        let mut modules = vec![module.to_string()];
        if python && module.contains('.') {
            // `package.module.function`: Python imports dotted module paths.
            modules.push(module.replace('.', "/"));
        }
        if modules.iter().any(|m| exists(m)) {
            continue;
        }
        if bundled && modules.iter().any(|m| bundler_source(m, &exists)) {
            continue;
        }
        // Not found because not looked for: outside the project (a link leading out, say).
        if modules
            .iter()
            .any(|m| !files.contains(&normalize(&dir.join(m))))
        {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                yaml.range(entry.value),
                format!(
                    "handler `{handler}` of function `{}` names no source file: none of `{module}.js`, `{module}.ts`, `{module}.py` (or the other source extensions) is in the service folder, so Lambda cannot load it",
                    shown(&function.name),
                    handler = shown(handler),
                    module = shown(module)
                ),
            )
            .with_help("handler paths are relative to the folder of serverless.yml: `path/to/file.exportedFunction`"),
        );
    }
}

/// Folder listings, read once each.
type Listings =
    std::collections::HashMap<std::path::PathBuf, Option<std::collections::HashSet<String>>>;

/// Whether `file` exists, from its folder's listing when the source can list it.
fn listed(listings: &mut Listings, files: &dyn FileSource, file: &Path) -> bool {
    let (Some(folder), Some(name)) = (file.parent(), file.file_name().and_then(|n| n.to_str()))
    else {
        return files.is_file(file);
    };
    // Looked up before inserting: the owned key is made once per folder, not once per handler.
    if !listings.contains_key(folder) {
        listings.insert(folder.to_path_buf(), files.file_names(folder));
    }
    match listings.get(folder).and_then(Option::as_ref) {
        Some(names) => names.contains(name),
        None => files.is_file(file),
    }
}

/// A source a bundler may build `module` from: the same path under a usual source folder, with
/// its first folder (`dist/`, `build/`) replaced, or the bare file name there.
fn bundler_source(module: &str, exists: &dyn Fn(&str) -> bool) -> bool {
    let rest = module.split_once('/').map(|(_, rest)| rest);
    let name = module.rsplit('/').next().unwrap_or(module);
    SOURCE_FOLDERS.iter().any(|folder| {
        exists(&format!("{folder}/{module}"))
            || rest.is_some_and(|rest| exists(&format!("{folder}/{rest}")))
            || exists(&format!("{folder}/{name}"))
    }) || rest.is_some_and(exists)
}
