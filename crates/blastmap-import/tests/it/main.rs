//! Integration tests of the importers: `ok/` and `err/` fixtures per format (written for these
//! tests, in the repository), merging, overlays, mutations that must never panic, replica groups
//! over the cap, the warning of every drop, input nested far past the limits, and the real
//! exports of the shared corpus with their exact components and edges (skipped, with a note,
//! when the corpus is not beside the repository).

mod corpus;
mod deep;
mod drops;
mod fixtures;
mod infer;
mod merge;
mod mutate;
mod observed;
mod overlay;
mod replicas;
mod tailnet;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use blastmap_import::{Format, Loaded};

/// The shared corpus of real exports, `../shared/corpus/` beside the repository (read in place,
/// never copied into it). `None` when this clone stands alone: the tests that need it then
/// return early, after one line on standard error that says so (written past the test
/// harness's capture, so it shows).
pub fn corpus() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        if dir.is_dir() {
            Some(dir)
        } else {
            let _ = writeln!(
                std::io::stderr(),
                "corpus tests skipped: ../shared/corpus not found (looked in {})",
                dir.display()
            );
            None
        }
    })
    .as_deref()
}

/// A file of the shared corpus, or `None` (the corpus is absent: [`corpus`] said so).
pub fn corpus_opt(name: &str) -> Option<String> {
    corpus().map(|dir| read(dir, name))
}

/// A file of the corpus, by name.
pub fn read(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// All corpus files but the README, by name.
pub fn corpus_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    names
}

/// A fixture of this crate, `tests/fixtures/{path}` (always present: written for the tests).
pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Every fixture file under `kind` (`ok` or `err`), as `format/file`, with the format its
/// directory names.
pub fn fixtures(kind: &str) -> Vec<(String, Format)> {
    let root = format!("{}/tests/fixtures/{kind}", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for d in std::fs::read_dir(&root).unwrap() {
        let d = d.unwrap();
        let dir = d.file_name().to_string_lossy().into_owned();
        let format = Format::parse(&dir).unwrap_or_else(|| panic!("{root}/{dir}: not a format name"));
        for f in std::fs::read_dir(d.path()).unwrap() {
            out.push((format!("{dir}/{}", f.unwrap().file_name().to_string_lossy()), format));
        }
    }
    out.sort();
    out
}

/// One line per component, sorted by id:
/// `id (kind): req a b | start c | soft d | monitored e | creds f | need k | zone=z | label=v`.
/// A topology in the mesh vocabulary is shown expanded (shards, relays, paths, routes).
pub fn render(loaded: &Loaded) -> String {
    let topology = &loaded.compiled.expanded().topology;
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
    loaded.compiled.written.topology.components.iter().map(|c| c.requires.len()).sum()
}

/// The component `id`.
pub fn component<'a>(loaded: &'a Loaded, id: &str) -> &'a blastmap_core::Component {
    loaded
        .compiled
        .written
        .topology
        .components
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no component `{id}`"))
}
