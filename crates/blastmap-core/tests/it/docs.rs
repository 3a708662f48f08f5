//! The examples of `docs/semantics.md` keep saying what the code does: every YAML block is
//! analysed, and every line of the output block after it must be in what the CLI would print
//! (`render::text`, `what_if_text`, `diff_text`). An output block either belongs to the topology
//! just above it or starts with the commands it shows (`$ blastmap analyze NAME.yaml`,
//! `analyze NAME.yaml --observed TRACES.yaml`, `what-if NAME.yaml --fail ID`, `diff A.yaml
//! B.yaml`), naming topologies by their first line (`# NAME.yaml`).

use std::collections::BTreeMap;

use blastmap_core::algo::what_if;
use blastmap_core::observed::{Limits, Observation};
use blastmap_core::report::{analyze, Options, WhatIfReport};
use blastmap_core::{diff, load, render, Model, Report};

fn analysed(yaml: &str) -> (Model, Report) {
    let compiled = load(yaml).unwrap_or_else(|e| panic!("a docs example does not load: {e}\n{yaml}"));
    let report = analyze(&compiled, &Options::default());
    (compiled.model, report)
}

/// What `blastmap ARGS` prints, for the named topologies.
fn run(args: &[&str], named: &BTreeMap<String, String>) -> String {
    let topology = |name: &str| named.get(name).unwrap_or_else(|| panic!("no example named `{name}`"));
    match args {
        ["analyze", name] => render::text(&analysed(topology(name)).1, false),
        ["analyze", name, "--observed", traces] => {
            let compiled = load(topology(name)).expect("a docs design loads");
            let mut report = analyze(&compiled, &Options::default());
            let doc = blastmap_core::format::parse(topology(traces)).expect("docs traces parse");
            report.observe(&compiled, &Observation::from_document(&doc), &Limits::default());
            render::text(&report, false)
        }
        ["what-if", name, "--fail", id] => {
            let (model, _) = analysed(topology(name));
            let failed = model.lookup_all([*id]).expect("a known id");
            render::what_if_text(&WhatIfReport::new(&model, None, &what_if(&model, &failed)), false)
        }
        ["diff", a, b] => {
            let (before, after) = (analysed(topology(a)), analysed(topology(b)));
            render::diff_text(&diff::diff((&before.0, &before.1), (&after.0, &after.1)), false)
        }
        _ => panic!("a command the docs test does not know: {args:?}"),
    }
}

/// Every expected line (blank lines and `...` skipped) must be in `out`.
fn check(expected: &str, out: &str, what: &str) {
    for line in expected.lines().filter(|l| !l.trim().is_empty() && l.trim() != "...") {
        assert!(out.lines().any(|o| o == line), "{what}: the docs show\n{line}\nbut the output is\n{out}");
    }
}

#[test]
fn the_semantics_examples_print_what_the_docs_show() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/semantics.md"))
        .expect("docs/semantics.md");
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    let mut last: Option<String> = None;
    let (mut topologies, mut outputs) = (0, 0);
    let mut blocks = text.split("```").skip(1).step_by(2);
    for block in blocks.by_ref() {
        let (lang, body) = block.split_once('\n').unwrap_or((block, ""));
        match lang {
            "yaml" => {
                if let Some(name) = body.lines().next().and_then(|l| l.strip_prefix("# ")) {
                    named.insert(name.to_string(), body.to_string());
                }
                analysed(body);
                last = Some(body.to_string());
                topologies += 1;
            }
            "" if body.starts_with("$ blastmap ") => {
                for part in body.split("$ blastmap ").skip(1) {
                    let (command, expected) = part.split_once('\n').unwrap_or((part, ""));
                    let args: Vec<&str> = command.split_whitespace().collect();
                    check(expected, &run(&args, &named), command);
                }
                outputs += 1;
            }
            "" => {
                let yaml = last.as_deref().expect("an output block after a topology");
                check(body, &render::text(&analysed(yaml).1, false), "the topology above");
                outputs += 1;
            }
            other => panic!("a code block in `{other}`: expected yaml or output"),
        }
    }
    // Every example is there: a document edited down to nothing would pass otherwise.
    assert!(topologies >= 12 && outputs >= 14, "{topologies} topologies, {outputs} outputs");
}
