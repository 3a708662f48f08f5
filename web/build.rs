//! Embeds every topology in `../examples/` (`*.yaml`, `*.yml`, `*.json`; sorted by file name)
//! into the page, so the examples menu lists new ones without code changes.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    // Where cargo runs this script from, not where it was compiled: a build script compiled in
    // one checkout is reused by another that shares the target directory (the same source, the
    // same fingerprint), and `env!` would keep the first checkout's path (an empty menu once it
    // was gone).
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("../examples");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> =
        fs::read_dir(&dir).map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")));
    files.sort();
    let mut out =
        String::from("/// Every example topology, sorted by file name.\npub const EXAMPLES: &[Example] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let name = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default();
        let abs = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            out,
            "    Example {{ name: {name:?}, file: {file:?}, text: include_str!({:?}) }},",
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap_or_default()).join("examples.rs");
    if let Err(e) = fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
    }
}
