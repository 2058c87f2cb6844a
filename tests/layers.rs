//! The top-level modules of `src/` form layers: no module uses, through any chain of
//! `crate::...` paths, a module that uses it back. A cycle means two modules can only be
//! understood (and changed) together; this test names the first one it finds, with where each
//! step of it is written.
//!
//! What counts as a use: a `crate::<module>` path (or `crate::{a, b}` group) in code, outside
//! comments and outside test code (`#[cfg(test)] mod ... { }` blocks and `tests.rs` files):
//! tests may drive the whole pipeline from anywhere. A path through one of the crate root's
//! re-exports (`crate::analyze`) counts as a use of the module it re-exports from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// module -> used module -> one place the use is written (`src/file.rs:line`).
type Graph = BTreeMap<String, BTreeMap<String, String>>;

#[test]
fn src_top_level_modules_have_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let lib = strip_comments(&lib);
    let modules = declared_modules(&lib);
    assert!(
        modules.contains("rules") && modules.contains("analysis"),
        "lib.rs declares {modules:?}"
    );
    let reexports = root_reexports(&lib, &modules);
    let mut graph = Graph::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).expect("under src");
        let Some(module) = top_level_module(relative) else {
            continue;
        };
        if !modules.contains(&module) || relative.file_name() == Some("tests.rs".as_ref()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let code = strip_test_modules(&strip_comments(&text));
        for (used, offset) in crate_paths(&code) {
            let target = if modules.contains(&used) {
                used
            } else if let Some(module) = reexports.get(&used) {
                module.clone()
            } else {
                continue;
            };
            if target != module {
                let line = code[..offset].matches('\n').count() + 1;
                graph
                    .entry(module.clone())
                    .or_default()
                    .entry(target)
                    .or_insert_with(|| format!("src/{}:{line}", relative.display()));
            }
        }
    }
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|pair| {
                format!(
                    "  {} -> {} ({})",
                    pair[0], pair[1], graph[&pair[0]][&pair[1]]
                )
            })
            .collect();
        panic!(
            "the top-level modules of src/ use each other in a cycle: {}\n{}",
            cycle.join(" -> "),
            steps.join("\n")
        );
    }
}

#[test]
fn the_cycle_finder_names_a_cycle_and_accepts_layers() {
    let edge = |graph: &mut Graph, from: &str, to: &str| {
        graph
            .entry(from.to_string())
            .or_default()
            .insert(to.to_string(), String::new());
    };
    let mut layers = Graph::new();
    edge(&mut layers, "analysis", "rules");
    edge(&mut layers, "analysis", "diagnostics");
    edge(&mut layers, "rules", "diagnostics");
    assert_eq!(find_cycle(&layers), None);
    edge(&mut layers, "diagnostics", "analysis");
    let cycle = find_cycle(&layers).expect("a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert!(cycle.len() >= 3, "{cycle:?}");

    let code = strip_test_modules(&strip_comments(
        "use crate::{rules::{self, Rule}, span};\n// crate::cli\nfn f() { crate::analyze(); }\n\
         #[cfg(test)]\nmod tests {\n    use crate::lsp;\n    fn g() { if true { } }\n}\n\
         /// [`crate::render`]\nconst URL: &str = \"x\";\nfn h() { $crate::yaml::f(); }\n",
    ));
    let used: Vec<String> = crate_paths(&code).into_iter().map(|(m, _)| m).collect();
    assert_eq!(used, ["rules", "span", "analyze", "yaml"]);
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension() == Some("rs".as_ref()) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `analysis/mod.rs` and `analysis.rs` are `analysis`; the crate root, `main.rs` and the
/// binaries are nobody's module.
fn top_level_module(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    if relative.components().count() == 1 {
        let stem = first.strip_suffix(".rs")?;
        return (!matches!(stem, "lib" | "main")).then(|| stem.to_string());
    }
    (first != "bin").then(|| first.to_string())
}

/// `mod x;` and `pub mod x;` (any visibility) in the crate root.
fn declared_modules(lib: &str) -> BTreeSet<String> {
    lib.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_suffix(';')?;
            let name = rest.rsplit_once("mod ")?.1.trim();
            let visibility = rest.rsplit_once("mod ")?.0.trim();
            (visibility.is_empty() || visibility.starts_with("pub")).then(|| name.to_string())
        })
        .collect()
}

/// The names the crate root re-exports (`pub use analysis::{analyze, fix};`), each with the
/// module it comes from.
fn root_reexports(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = lib;
    while let Some(at) = rest.find("pub use ") {
        rest = &rest[at + "pub use ".len()..];
        let statement = &rest[..rest.find(';').unwrap_or(rest.len())];
        let Some((module, names)) = statement.split_once("::") else {
            continue;
        };
        let module = module.trim();
        if !modules.contains(module) {
            continue;
        }
        for name in names
            .trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace())
            .split(',')
        {
            let name = name.trim();
            let name = name.rsplit_once(" as ").map_or(name, |(_, alias)| alias);
            let name = name.rsplit("::").next().unwrap_or(name).trim();
            if !name.is_empty() {
                out.insert(name.to_string(), module.to_string());
            }
        }
    }
    out
}

/// The text with `//` comments blanked (newlines kept, so line numbers hold), and string
/// literals blanked so that a `//` inside one is not taken for a comment.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    in_string = false;
                    out.push('"');
                }
                '\n' => out.push('\n'),
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push('"');
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            // A char literal holding a quote would otherwise open a string.
            '\'' if chars.peek() == Some(&'"') => {
                chars.next();
                out.push_str("' ");
            }
            _ => out.push(c),
        }
    }
    out
}

/// The text with each `#[cfg(test)] mod name { ... }` blanked (newlines kept).
fn strip_test_modules(code: &str) -> String {
    let mut out = code.to_string();
    let mut from = 0;
    while let Some(at) = out[from..].find("#[cfg(test)]").map(|i| i + from) {
        let after = &out[at + "#[cfg(test)]".len()..];
        let item = after.trim_start();
        let Some(open) = item
            .strip_prefix("mod ")
            .or_else(|| item.strip_prefix("pub(crate) mod "))
            .and_then(|_| item.find(['{', ';']))
        else {
            from = at + 1;
            continue;
        };
        let start = out.len() - item.len() + open;
        if out.as_bytes()[start] == b';' {
            from = start;
            continue;
        }
        let mut depth = 0usize;
        let mut end = out.len();
        for (i, c) in out[start..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        // Same length in bytes, so the offsets after it hold.
        let blank: String = out[at..end]
            .chars()
            .map(|c| match c {
                '\n' => "\n".to_string(),
                c => " ".repeat(c.len_utf8()),
            })
            .collect();
        out.replace_range(at..end, &blank);
        from = end;
    }
    out
}

/// The first name after each `crate::` (each name of a `crate::{...}` group), with its offset.
fn crate_paths(code: &str) -> Vec<(String, usize)> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[i..]);
                        if !name.is_empty() && name != "self" {
                            out.push((name, at));
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.push((name, at));
            }
        }
    }
    out
}

/// A cycle as the modules along it, the first repeated at the end; `None` for layers.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Visiting,
        Done,
    }
    fn visit(
        graph: &Graph,
        node: &str,
        states: &mut BTreeMap<String, State>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        states.insert(node.to_string(), State::Visiting);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(|edges| edges.keys()) {
            match states.get(next) {
                Some(State::Visiting) => {
                    let from = path.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = path[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(State::Done) => {}
                None => {
                    if let Some(cycle) = visit(graph, next, states, path) {
                        return Some(cycle);
                    }
                }
            }
        }
        path.pop();
        states.insert(node.to_string(), State::Done);
        None
    }
    let mut states = BTreeMap::new();
    for node in graph.keys() {
        if !states.contains_key(node) {
            if let Some(cycle) = visit(graph, node, &mut states, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
}
