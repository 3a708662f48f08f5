//! Fuzz target: the compose importer never panics, whatever the bytes.
#![no_main]

use blastmap_import::{load, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = load(text, Some(Format::Compose));
    }
});
