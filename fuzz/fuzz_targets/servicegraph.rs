//! Fuzz target: the service-graph importer (Prometheus text and OTLP JSON) never panics, and
//! neither does reading its input as observed beside a design, whatever the bytes.
#![no_main]

use blastmap_import::{load, load_many, Format, Input, Role};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = load(text, Some(Format::ServiceGraph));
        let design = "components:\n  - id: web\n    requires: [db]\n  - id: db\n";
        let _ = load_many(&[Input::new("design.yaml", design), Input::new("traces", text).with_role(Role::Observed)], None);
    }
});
