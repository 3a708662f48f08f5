//! Fuzz target: the tailscale importer never panics, whatever the bytes: one status alone, and
//! the two halves of the input read as two statuses merged into one estate (with a shard option).
#![no_main]

use blastmap_import::{load, load_many_with, Format, Input, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = load(text, Some(Format::Tailscale));
    // Split at a NUL when there is one, else in the middle (on a character boundary).
    let mid = text.find('\0').unwrap_or_else(|| {
        text.char_indices().map(|(i, _)| i).nth(text.chars().count() / 2).unwrap_or(0)
    });
    let (a, b) = text.split_at(mid);
    let b = b.strip_prefix('\0').unwrap_or(b);
    let mut options = LoadOptions::default();
    let _ = options.add_shard("acme.com=shard-1");
    let _ = load_many_with(&[Input::new("a.json", a), Input::new("b.json", b)], Some(Format::Tailscale), &options);
});
