//! The dependency rule of `docs/architecture.md`, checked on the source: every `crate::` and
//! `super::` path in `src/` (outside `#[cfg(test)]` modules) must point down the layer list,
//! `web` and `api` never reach into each other, and no set of modules imports itself round in
//! a cycle. A failure names the file, the path it imports and the rule it breaks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules, lowest layer first. A module may use modules of a lower rank and of its
/// own top-level module; at the same rank only the support modules (rank 3) use each other.
const LAYERS: &[(&str, u8)] = &[
    ("domain", 0),
    ("analysis", 1),
    ("config", 1),
    ("error", 1),
    ("cache", 1),
    ("db", 2),
    ("assets", 3),
    ("auth", 3),
    ("email", 3),
    ("i18n", 3),
    ("rate_limit", 3),
    ("telemetry", 3),
    ("templates", 3),
    ("services", 4),
    ("http", 5),
    ("dev", 5),
    ("web", 6),
    ("api", 6),
    ("startup", 7),
    ("cli", 8),
];

/// The rank whose modules may use each other (small helpers that serve the layers above db).
const PEER_RANK: u8 = 3;

/// Imports that break the rule on purpose, each with its reason. Keep it empty or short.
const EXCEPTIONS: &[(&str, &str, &str)] = &[];

fn rank(top: &str) -> Option<u8> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == top)
        .map(|(_, r)| *r)
}

/// A source file's module path (`web::drafting::answers`), from its path under `src/`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments, string literals and `#[cfg(test)]` items (a test module may
/// build its fixtures from any layer).
fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == 'r' && matches!(next, Some('#' | '"')) {
            // Raw strings: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') || (i > 0 && is_ident(chars[i - 1])) {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c == '\'' && next.is_some_and(|n| n != '\\') && chars.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    strip_test_items(&out)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Removes every item that follows `#[cfg(test)]` (a module, a function, a `use`).
fn strip_test_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        // The item ends at `;` before any `{`, or at the `}` closing its first `{`.
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, ch) in after.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Every path the code names from `crate::` or `super::`, expanded through `{…}` groups.
fn named_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !is_ident(chars[i - 1]) && chars[i - 1] != ':';
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        let (base, skip) = if starts_word && rest.starts_with("crate::") {
            (Vec::new(), 7)
        } else if starts_word && rest.starts_with("super::") {
            let mut base = module.to_vec();
            let mut j = i;
            while chars[j..].iter().take(7).collect::<String>() == "super::" {
                base.pop();
                j += 7;
            }
            (base, j - i)
        } else {
            i += 1;
            continue;
        };
        let (paths, used) = parse_tree(&chars[i + skip..]);
        for p in paths {
            let mut full = base.clone();
            full.extend(p);
            found.push(full);
        }
        i += skip + used.max(1);
    }
    found
}

/// Parses `a::b::{c, d::e}` into its paths; returns them and the characters consumed.
fn parse_tree(chars: &[char]) -> (Vec<Vec<String>>, usize) {
    let mut i = 0;
    let mut prefix = Vec::new();
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i < chars.len() && chars[i] == '{' {
            i += 1;
            let mut paths = Vec::new();
            loop {
                while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                    i += 1;
                }
                if i >= chars.len() || chars[i] == '}' {
                    i += 1;
                    break;
                }
                let (inner, used) = parse_tree(&chars[i..]);
                i += used.max(1);
                for p in inner {
                    let mut full = prefix.clone();
                    full.extend(p.into_iter().filter(|s| s != "self"));
                    paths.push(full);
                }
            }
            return (paths, i);
        }
        let start = i;
        while i < chars.len() && is_ident(chars[i]) {
            i += 1;
        }
        if start == i {
            return (vec![prefix], i);
        }
        prefix.push(chars[start..i].iter().collect());
        if chars[i..].starts_with(&[':', ':']) {
            i += 2;
        } else {
            return (vec![prefix], i);
        }
    }
}

struct Graph {
    /// Module path → the modules it uses, with one example path for the message.
    edges: BTreeMap<String, BTreeMap<String, String>>,
    files: BTreeMap<String, String>,
}

fn build_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules: BTreeMap<Vec<String>, PathBuf> = BTreeMap::new();
    for file in &files {
        let module = module_of(&src, file);
        if module == ["lib"] || module == ["main"] {
            continue;
        }
        modules.insert(module, file.clone());
    }
    let known: BTreeSet<Vec<String>> = modules.keys().cloned().collect();
    let mut graph = Graph {
        edges: BTreeMap::new(),
        files: BTreeMap::new(),
    };
    for (module, file) in &modules {
        let name = module.join("::");
        let display = file
            .strip_prefix(src.parent().expect("project root"))
            .unwrap_or(file)
            .display()
            .to_string();
        graph.files.insert(name.clone(), display);
        let code = code_only(&std::fs::read_to_string(file).expect("read source"));
        let targets = graph.edges.entry(name.clone()).or_default();
        for path in named_paths(&code, module) {
            // The longest known module the path starts with.
            let Some(target) = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| known.contains(p))
            else {
                continue;
            };
            // A module's own items, and its ancestors' (`mod.rs` re-exports), are not edges.
            if module.starts_with(&target) {
                continue;
            }
            targets
                .entry(target.join("::"))
                .or_insert_with(|| path.join("::"));
        }
    }
    graph
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn every_import_points_down_the_layer_list() {
    let graph = build_graph();
    let mut broken = Vec::new();
    for (from, targets) in &graph.edges {
        let Some(from_rank) = rank(top(from)) else {
            broken.push(format!(
                "{}: module `{}` is in no layer; add it to LAYERS in tests/suite/layers.rs and to docs/architecture.md",
                graph.files[from],
                top(from)
            ));
            continue;
        };
        for (to, example) in targets {
            if top(to) == top(from) {
                continue;
            }
            let Some(to_rank) = rank(top(to)) else {
                continue;
            };
            let allowed = to_rank < from_rank || (to_rank == from_rank && from_rank == PEER_RANK);
            let excepted = EXCEPTIONS
                .iter()
                .any(|(f, t, _)| from.starts_with(f) && to.starts_with(t));
            if !allowed && !excepted {
                let rule = if to_rank == from_rank {
                    format!(
                        "`{}` and `{}` are on the same layer and do not use each other",
                        top(from),
                        top(to)
                    )
                } else {
                    format!("`{}` is above `{}`", top(to), top(from))
                };
                broken.push(format!(
                    "{}: uses crate::{example}, but {rule}",
                    graph.files[from]
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the layer rule (docs/architecture.md, \"Dependencies\"):\n{}",
        broken.join("\n")
    );
}

/// The graph between sibling modules: `web::drafting::answers` using `web::consultations`
/// makes `web::drafting` use `web::consultations`. A cycle there means two features use each
/// other, even when no two files do.
fn sibling_graph(graph: &Graph) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut siblings: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (from, targets) in &graph.edges {
        let from_parts: Vec<&str> = from.split("::").collect();
        for (to, example) in targets {
            let to_parts: Vec<&str> = to.split("::").collect();
            let shared = from_parts
                .iter()
                .zip(&to_parts)
                .take_while(|(a, b)| a == b)
                .count();
            // One contains the other (a parent and its child): not siblings.
            if shared == from_parts.len() || shared == to_parts.len() {
                continue;
            }
            let a = from_parts[..=shared].join("::");
            let b = to_parts[..=shared].join("::");
            if a != b {
                siblings
                    .entry(a)
                    .or_default()
                    .entry(b)
                    .or_insert_with(|| example.clone());
            }
        }
    }
    siblings
}

/// Layers whose files never name the database layer or diesel: handlers and middleware call
/// services, which own every query.
const NO_SQL: &[&str] = &["http", "web", "api"];

#[test]
fn handlers_and_middleware_run_no_queries() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut broken = Vec::new();
    for file in files {
        let module = module_of(&src, &file);
        if !module
            .first()
            .is_some_and(|top| NO_SQL.contains(&top.as_str()))
        {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&file).expect("read source"));
        for (n, line) in code.lines().enumerate() {
            if line.contains("diesel::") || named_paths(line, &module).iter().any(|p| p[0] == "db")
            {
                broken.push(format!(
                    "{}:{}: `{}` names the database; move the query into a service",
                    file.display(),
                    n + 1,
                    module[0]
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn no_modules_import_each_other_in_a_cycle() {
    let mut graph = build_graph();
    let mut cycles = strongly_connected(&graph.edges);
    let siblings = sibling_graph(&graph);
    for cycle in strongly_connected(&siblings) {
        if !cycles.contains(&cycle) {
            cycles.push(cycle);
        }
    }
    // Sibling modules with children have no file of their own to name.
    for (module, targets) in siblings {
        graph
            .files
            .entry(module.clone())
            .or_insert_with(|| format!("src/{}/", module.replace("::", "/")));
        let edges = graph.edges.entry(module).or_default();
        for (to, example) in targets {
            edges.entry(to).or_insert(example);
        }
    }
    let described: Vec<String> = cycles
        .iter()
        .map(|cycle| {
            let members: Vec<String> = cycle
                .iter()
                .map(|m| {
                    let uses: Vec<&str> = graph.edges[m]
                        .keys()
                        .filter(|t| cycle.contains(*t))
                        .map(String::as_str)
                        .collect();
                    format!("  {} uses {}", graph.files[m], uses.join(", "))
                })
                .collect();
            format!(
                "a cycle of {} modules:\n{}",
                cycle.len(),
                members.join("\n")
            )
        })
        .collect();
    assert!(
        described.is_empty(),
        "modules that import each other round in a cycle; move what they share into a lower \
         module, or assemble the page in a composer module:\n{}",
        described.join("\n")
    );
}

/// Tarjan's algorithm: the sets of two or more modules that reach each other.
fn strongly_connected(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeMap<String, String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let targets: Vec<&'a str> = s
            .edges
            .get(v)
            .map(|t| t.keys().map(String::as_str).collect())
            .unwrap_or_default();
        for w in targets {
            if !s.edges.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn the_checker_sees_grouped_relative_and_nested_paths() {
    let module = vec![
        "web".to_owned(),
        "drafting".to_owned(),
        "answers".to_owned(),
    ];
    let code = code_only(
        "use crate::{db::models::{ideas, tags::{self, Tag}}, services};\n\
         use super::super::page::Page; // crate::api::hidden\n\
         let s = \"crate::api::in_a_string\";\n\
         fn f() { crate::domain::policy::can_vote(); }\n\
         #[cfg(test)]\nmod tests { use crate::cli::main; }\n",
    );
    let paths: Vec<String> = named_paths(&code, &module)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(
        paths,
        [
            "db::models::ideas",
            "db::models::tags",
            "db::models::tags::Tag",
            "services",
            "web::page::Page",
            "domain::policy::can_vote",
        ]
    );
}
