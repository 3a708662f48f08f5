//! Fuzz target: detection plus whichever importer it picks, and the merge of two halves (the
//! second also as an overlay of the first).
#![no_main]

use blastmap_import::{detect, load, load_many, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = detect(&text);
    if let Ok(loaded) = load(&text, None) {
        let _ = blastmap_import::to_native(&loaded);
    }
    let mid = text
        .char_indices()
        .map(|(i, _)| i)
        .nth(text.chars().count() / 2)
        .unwrap_or(0);
    let (a, b) = text.split_at(mid);
    let _ = load_many(&[Input::new("a.yaml", a), Input::new("b.yaml", b)], None);
    let _ = load_many(&[Input::new("a.yaml", a), Input::overlay("b.yaml", b)], None);
});
