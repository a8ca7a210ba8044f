//! The layers of `src/` point one way: a module uses only modules of its own
//! layer or of the layers before it, and the top-level modules form no
//! cycle. Read from the source, so that a stray `use` fails here, not in
//! review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, first to last (see "Architecture" in the crate docs).
const LAYERS: &[&[&str]] = &[
    &["model", "clock", "test_support"],
    &["lifecycle"],
    &["agreement"],
    &["document"],
    &["tracker"],
    &["typed"],
    &["testing"],
    &["error"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The names `lib.rs` re-exports at the root, with the module each comes
/// from: a use of `crate::Agreement` is a use of `agreement`.
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let mut rest = lib;
    while let Some(at) = rest.find("pub use ") {
        rest = &rest[at + "pub use ".len()..];
        let end = rest.find(';').unwrap();
        let statement = &rest[..end];
        rest = &rest[end..];
        let Some((module, tail)) = statement.split_once("::") else {
            continue;
        };
        let tail = tail.trim().trim_start_matches('{').trim_end_matches('}');
        for name in tail.split(',') {
            let name = name.trim();
            if !name.is_empty() {
                names.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    names
}

/// The top-level names a file reaches through `crate::`, without comments
/// and unit tests.
fn uses(text: &str) -> BTreeSet<String> {
    let code: String = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or_default()
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

fn module_of(src: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap();
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// Every edge between top-level modules: (from, to, file).
fn edges() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let roots = root_names(&lib);
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut edges = Vec::new();
    for file in files {
        if file.ends_with("lib.rs") {
            continue;
        }
        let me = module_of(&src, &file);
        let text = std::fs::read_to_string(&file).unwrap();
        for name in uses(&text) {
            let target = if layer(&name).is_some() {
                name
            } else if let Some(module) = roots.get(&name) {
                module.clone()
            } else {
                continue;
            };
            if target != me {
                edges.push((me.clone(), target, file.display().to_string()));
            }
        }
    }
    edges
}

#[test]
fn every_module_belongs_to_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    for file in files {
        if file.ends_with("lib.rs") {
            continue;
        }
        let module = module_of(&src, &file);
        assert!(
            layer(&module).is_some(),
            "{} is in no layer",
            file.display()
        );
    }
}

#[test]
fn modules_use_only_their_own_layer_and_those_before_it() {
    let edges = edges();
    assert!(!edges.is_empty(), "no use between modules was found");
    for (from, to, file) in &edges {
        assert!(
            layer(to) <= layer(from),
            "{file}: {from} uses {to}, a later layer"
        );
    }
}

#[test]
fn top_level_modules_form_no_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to, _) in edges() {
        graph.entry(from).or_default().insert(to);
    }
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("cycle: {} -> {node}", path[at..].join(" -> "));
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_check_sees_a_later_layer_when_one_is_used() {
    // The parser the checks rely on, on a file that breaks the rule.
    let found = uses(
        "use crate::tracker::Tracker;\nuse crate::{Agreement, model::Stage};\n// crate::error\n",
    );
    assert_eq!(
        found,
        ["Agreement", "model", "tracker"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    assert!(layer("tracker") > layer("model"));
}
