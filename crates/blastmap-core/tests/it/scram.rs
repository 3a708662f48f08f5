//! Cross-check against scram, a reference fault-tree analyzer (Debian package `scram`, installed
//! by scripts/setup.sh): export random acyclic topologies as Open-PSA fault trees and compare
//! scram's minimal cut sets (up to order 3) and exact top-event probabilities with ours.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use blastmap_core::algo::{self, CycleKind};
use blastmap_core::export::open_psa;
use blastmap_core::format::Document;
use blastmap_core::Model;

use crate::props::random_topology;

/// Runs scram on `xml` with `args`; returns its report.
fn scram(xml: &str, args: &[&str], dir: &std::path::Path, tag: &str) -> String {
    let input = dir.join(format!("{tag}.xml"));
    let output = dir.join(format!("{tag}-report.xml"));
    std::fs::write(&input, xml).expect("write model");
    let status = Command::new("scram")
        .args(args)
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .status()
        .expect("scram must be installed (scripts/setup.sh installs the Debian package)");
    assert!(status.success(), "scram failed on {}", input.display());
    std::fs::read_to_string(&output).expect("scram report")
}

/// Products per top gate: `top_I` → set of sorted node index lists.
fn products(report: &str) -> BTreeMap<u32, BTreeSet<Vec<u32>>> {
    let mut out: BTreeMap<u32, BTreeSet<Vec<u32>>> = BTreeMap::new();
    let mut current: Option<u32> = None;
    let mut product: Option<Vec<u32>> = None;
    for line in report.lines().map(str::trim) {
        if line.starts_with("<sum-of-products ") {
            // Gates that no target uses are top events for scram too: skip their products.
            current = line
                .strip_prefix("<sum-of-products name=\"top_")
                .and_then(|r| r.split('"').next())
                .and_then(|n| n.parse().ok());
            if let Some(t) = current {
                out.entry(t).or_default();
            }
        } else if line.starts_with("<product ") {
            product = Some(Vec::new());
        } else if let Some(rest) = line.strip_prefix("<basic-event name=\"e") {
            if let (Some(p), Some(n)) = (product.as_mut(), rest.split('"').next().and_then(|n| n.parse().ok())) {
                p.push(n);
            }
        } else if line.starts_with("</product>") {
            if let (Some(t), Some(mut p)) = (current, product.take()) {
                p.sort_unstable();
                out.entry(t).or_default().insert(p);
            }
        }
    }
    out
}

fn probability(report: &str, target: u32) -> f64 {
    let key = format!("<sum-of-products name=\"top_{target}\"");
    let line = report.lines().find(|l| l.trim_start().starts_with(&key)).expect("target in report");
    let value = line.split("probability=\"").nth(1).and_then(|r| r.split('"').next()).expect("probability");
    value.parse().expect("number")
}

#[test]
fn cut_sets_and_probabilities_agree_with_scram() {
    let dir = std::env::temp_dir().join(format!("blastmap-scram-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut compared = 0;
    for seed in 0..250u64 {
        let t = random_topology(seed);
        let m = Model::build(&Document::from_topology(t)).expect("valid");
        if algo::cycles(&m).iter().any(|c| c.kind == CycleKind::Runtime) || m.targets().is_empty() {
            assert!(open_psa(&m).is_err() || m.targets().is_empty());
            continue;
        }
        let xml = open_psa(&m).expect("acyclic");
        let theirs = products(&scram(&xml, &["--mocus", "-l", "3"], &dir, &format!("mcs-{seed}")));
        let k = algo::single_failures(&m);
        let cuts = algo::cut_sets(&m, &k, 3, u64::MAX);
        for (t, sets) in &cuts.per_target {
            let mut ours: BTreeSet<Vec<u32>> = k.of(*t).iter().map(|&x| vec![x]).collect();
            ours.extend(sets.iter().cloned());
            assert_eq!(theirs.get(t), Some(&ours), "seed {seed}: cut sets of {}", m.name(*t));
        }
        let avail = algo::availability(&m, 1);
        if !avail.is_empty() {
            let report = scram(&xml, &["--bdd", "--probability", "1"], &dir, &format!("p-{seed}"));
            for a in &avail {
                let q = probability(&report, a.target);
                // scram prints six significant digits.
                assert!(
                    ((1.0 - a.availability) - q).abs() <= 1e-5 * q.max(1e-3),
                    "seed {seed}: unavailability of {}: ours {} scram {q}",
                    m.name(a.target),
                    1.0 - a.availability
                );
            }
        }
        compared += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(compared > 60, "only {compared} acyclic topologies compared");
}
