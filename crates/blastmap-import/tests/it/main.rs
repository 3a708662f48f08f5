//! Integration tests of the importers: real exports from the shared corpus with their exact
//! components and edges, `ok/` and `err/` fixtures per format, merging, and mutations that must
//! never panic.

mod corpus;
mod fixtures;
mod merge;
mod mutate;
mod tailnet;

use blastmap_import::Loaded;

/// A file of the shared corpus (read in place, never copied into the repository).
pub fn corpus(name: &str) -> String {
    let path = format!("{}/../../../shared/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A file of the shared corpus, or `None` (with a note) when the corpus is not there.
pub fn corpus_opt(name: &str) -> Option<String> {
    let path = format!("{}/../../../shared/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            println!("note: {path} not read ({e}): test skipped");
            None
        }
    }
}

/// All corpus files but the README.
pub fn corpus_files() -> Vec<String> {
    let dir = format!("{}/../../../shared/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    names
}

/// One line per component, sorted by id:
/// `id (kind): req a b | start c | soft d | monitored e | creds f | need k | zone=z | label=v`.
/// A topology in the mesh vocabulary is shown expanded (shards, relays, paths, routes).
pub fn render(loaded: &Loaded) -> String {
    let expanded;
    let topology = if blastmap_core::mesh::uses_mesh(&loaded.document.topology) {
        expanded = blastmap_core::mesh::expand(&loaded.document).unwrap().topology;
        &expanded
    } else {
        &loaded.document.topology
    };
    let mut lines: Vec<String> = topology
        .components
        .iter()
        .map(|c| {
            let mut s = format!("{} ({})", c.id, c.kind.as_deref().unwrap_or("-"));
            for (name, list) in [
                ("req", &c.requires),
                ("start", &c.requires_at_start),
                ("soft", &c.degrades_without),
                ("monitored", &c.monitored_by),
                ("creds", &c.holds_credentials_for),
            ] {
                if !list.is_empty() {
                    s.push_str(&format!(" | {name} {}", list.join(" ")));
                }
            }
            if let Some(k) = c.need {
                s.push_str(&format!(" | need {k}"));
            }
            for (a, v) in c.placement() {
                s.push_str(&format!(" | {a}={v}"));
            }
            s
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

/// Number of runtime (`requires`) edges.
pub fn requires_edges(loaded: &Loaded) -> usize {
    loaded.document.topology.components.iter().map(|c| c.requires.len()).sum()
}

/// The component `id`.
pub fn component<'a>(loaded: &'a Loaded, id: &str) -> &'a blastmap_core::Component {
    loaded.document.topology.components.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no component `{id}`"))
}
