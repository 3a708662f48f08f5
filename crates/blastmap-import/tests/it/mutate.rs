//! Random byte and structure mutations of the fixtures (and of the corpus files, when the corpus
//! is beside the repository): the importers may refuse them, but never panic, and a syntax error
//! always has a position.

use blastmap_import::{detect, load, load_many, Format};
use proptest::prelude::*;

use super::*;

#[derive(Clone, Debug)]
enum Edit {
    /// Replace the byte at a position (of the file's length) with another.
    Byte(prop::sample::Index, u8),
    /// Delete a range of bytes.
    Delete(prop::sample::Index, usize),
    /// Insert a token that often matters to the parsers.
    Insert(prop::sample::Index, &'static str),
    /// Delete, duplicate or swap lines (structure for YAML, JSON and DOT alike).
    DeleteLine(prop::sample::Index),
    DuplicateLine(prop::sample::Index),
    SwapLines(prop::sample::Index, prop::sample::Index),
    /// Cut the file short.
    Truncate(prop::sample::Index),
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "'",
    "-",
    "- ",
    "\n",
    "\t",
    "  ",
    "---\n",
    "->",
    "--",
    "*a",
    "&a ",
    "<<: ",
    "null",
    "0",
    "-1",
    "99999999999999999999",
    "\u{e9}",
    "\u{1F600}",
    "/*",
    "#",
    "\\",
    "<",
    ">",
    "=",
    ";",
    "replicas: 100000",
    "need: 0",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Byte(i, b)),
        (any::<prop::sample::Index>(), 1usize..64).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<prop::sample::Index>(), prop::sample::select(TOKENS)).prop_map(|(i, t)| Edit::Insert(i, t)),
        any::<prop::sample::Index>().prop_map(Edit::DeleteLine),
        any::<prop::sample::Index>().prop_map(Edit::DuplicateLine),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        any::<prop::sample::Index>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for e in edits {
        let len = bytes.len().max(1);
        match e {
            Edit::Byte(i, b) => {
                if !bytes.is_empty() {
                    let at = i.index(len);
                    bytes[at] = *b;
                }
            }
            Edit::Delete(i, n) => {
                let at = i.index(len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Edit::Insert(i, t) => {
                let at = i.index(len + 1).min(bytes.len());
                bytes.splice(at..at, t.bytes());
            }
            Edit::DeleteLine(i) | Edit::DuplicateLine(i) | Edit::SwapLines(i, _) => {
                let s = String::from_utf8_lossy(&bytes).into_owned();
                let mut lines: Vec<&str> = s.split('\n').collect();
                let at = i.index(lines.len());
                match e {
                    Edit::DeleteLine(_) => {
                        lines.remove(at);
                    }
                    Edit::DuplicateLine(_) => lines.insert(at, lines[at]),
                    Edit::SwapLines(_, j) => {
                        let other = j.index(lines.len());
                        lines.swap(at, other);
                    }
                    _ => {}
                }
                bytes = lines.join("\n").into_bytes();
            }
            Edit::Truncate(i) => {
                let at = i.index(len);
                bytes.truncate(at);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn format_of(file: &str) -> Format {
    match file.split(['-', '.']).next() {
        Some("compose") => Format::Compose,
        Some("k8s") => Format::Kubernetes,
        Some("backstage") => Format::Backstage,
        Some("jaeger") => Format::Jaeger,
        Some("tailscale") => Format::Tailscale,
        Some("terraform") if file.ends_with(".dot") => Format::Dot,
        Some("terraform") => Format::Terraform,
        _ => Format::Native,
    }
}

/// One input to mutate: where it is, and the format it is written in.
#[derive(Clone, Debug)]
enum Input {
    /// `tests/fixtures/{path}`.
    Fixture(String, Format),
    /// A file of the shared corpus.
    Corpus(String),
}

impl Input {
    fn text(&self) -> String {
        match self {
            Input::Fixture(path, _) => fixture(path),
            Input::Corpus(name) => corpus().map(|dir| read(dir, name)).unwrap_or_default(),
        }
    }

    fn format(&self) -> Format {
        match self {
            Input::Fixture(_, f) => *f,
            Input::Corpus(name) => format_of(name),
        }
    }
}

/// Every ok and err fixture, the inference fixtures, then every corpus file when there is a
/// corpus.
fn inputs() -> Vec<Input> {
    let mut out: Vec<Input> = ["ok", "err"]
        .into_iter()
        .flat_map(|kind| fixtures(kind).into_iter().map(move |(path, f)| Input::Fixture(format!("{kind}/{path}"), f)))
        .collect();
    // The inference rules' fixtures: images, env values and ports mutated too.
    for (path, format) in [
        ("infer/shop-compose.yml", Format::Compose),
        ("infer/shop-k8s.yaml", Format::Kubernetes),
        ("infer/walkthrough-compose.yml", Format::Compose),
    ] {
        out.push(Input::Fixture(path.to_string(), format));
    }
    if let Some(dir) = corpus() {
        out.extend(corpus_files(dir).into_iter().map(Input::Corpus));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_never_panic(input in prop::sample::select(inputs()), edits in prop::collection::vec(edit(), 1..6)) {
        let original = input.text();
        let text = apply(&original, &edits);
        for from in [Some(input.format()), None] {
            if let Err(errors) = load(&text, from) {
                prop_assert!(errors.first().is_some());
                // Syntax errors point at a line (validation errors may concern the whole input).
                if let Some(e) = errors.0.iter().find(|e| e.kind == blastmap_core::ErrorKind::Syntax) {
                    prop_assert!(e.pos.is_some(), "{:?}: syntax error without a position: {}", input, e);
                }
            }
        }
        let _ = detect(&text);
        let _ = load_many(&[blastmap_import::Input::new("a", &text), blastmap_import::Input::new("b", &original)], None);
        // The mutated text as an overlay of the file it came from.
        let _ = load_many(&[blastmap_import::Input::new("b", &original), blastmap_import::Input::overlay("a", &text)], None);
    }

    #[test]
    fn every_importer_survives_every_other_format(input in prop::sample::select(inputs()), edits in prop::collection::vec(edit(), 0..3)) {
        let text = apply(&input.text(), &edits);
        for f in Format::ALL {
            let _ = load(&text, Some(f));
        }
    }
}
