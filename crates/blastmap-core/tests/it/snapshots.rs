//! Snapshots of the reports a person reads (text, Markdown) and of the JSON report, for every
//! topology under `tests/fixtures/ok/`. Review changes with `cargo insta review`.

use blastmap_core::algo::what_if;
use blastmap_core::load;
use blastmap_core::render;
use blastmap_core::report::{analyze, Options, WhatIfReport};

#[test]
fn reports() {
    insta::glob!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ok"), "*.*", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let compiled = load(&text).expect("valid fixture");
        let report = analyze(&compiled, &Options::default());
        insta::assert_snapshot!("text", render::text(&report, false));
        insta::assert_snapshot!("markdown", render::markdown(&report));
        insta::assert_json_snapshot!("json", report);
    });
}

#[test]
fn what_if_of_a_placement_value() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ok/two-of-three-across-zones.yaml"
    ))
    .expect("fixture");
    let m = load(&text).expect("valid").model;
    let failed = m.lookup_all(["zone:a", "power:feed-1"]).expect("known");
    let w = WhatIfReport::new(&m, None, &what_if(&m, &failed));
    insta::assert_snapshot!(render::what_if_text(&w, false));
    insta::assert_json_snapshot!(w);
}
