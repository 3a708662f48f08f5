//! Integration tests of the importers: real exports from the shared corpus with their exact
//! components and edges (skipped, with a note, when the corpus is absent), `ok/` and `err/`
//! fixtures per format, merging, mutations that must never panic, replica groups over the cap,
//! the warning of every drop, and input nested far past the limits.

/// Skips the calling test, with a printed note, when the shared corpus is absent (it lives beside
/// the repository, not in it). `skip_without_corpus!(value)` returns `value` instead of `()`.
macro_rules! skip_without_corpus {
    () => {
        skip_without_corpus!(())
    };
    ($ret:expr) => {
        if !$crate::corpus_present() {
            eprintln!("note: ../shared/corpus is absent: {} skipped", module_path!());
            return $ret;
        }
    };
}

mod corpus;
mod deep;
mod drops;
mod fixtures;
mod merge;
mod mutate;
mod replicas;

use blastmap_import::Loaded;

fn corpus_dir() -> String {
    format!("{}/../../../shared/corpus", env!("CARGO_MANIFEST_DIR"))
}

/// Whether the shared corpus is there.
pub fn corpus_present() -> bool {
    std::path::Path::new(&corpus_dir()).is_dir()
}

/// A file of the shared corpus (read in place, never copied into the repository).
pub fn corpus(name: &str) -> String {
    let path = format!("{}/{name}", corpus_dir());
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// All corpus files but the README (one placeholder name when the corpus is absent, for the
/// property tests' strategies; their bodies skip).
pub fn corpus_files() -> Vec<String> {
    if !corpus_present() {
        return vec!["(absent)".into()];
    }
    let dir = corpus_dir();
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
pub fn render(loaded: &Loaded) -> String {
    let mut lines: Vec<String> = loaded
        .document
        .topology
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
