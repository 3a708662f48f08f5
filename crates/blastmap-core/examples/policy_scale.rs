//! Times the policy reach analysis on a generated tailnet:
//! `cargo run --release -p blastmap-core --example policy_scale -- NODES RULES`.

use std::time::Instant;

use blastmap_core::policy::{reach, Estate, Policy, PolicyNode, Rule, RuleKind, TagOwners, Target};

fn main() {
    let mut args = std::env::args().skip(1);
    let nodes: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let rules: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let tags = 50;
    let users = 500;
    let estate = Estate {
        nodes: (0..nodes)
            .map(|i| PolicyNode {
                id: format!("n{i}"),
                tags: if i.is_multiple_of(3) { vec![format!("tag:t{}", i % tags)] } else { Vec::new() },
                user: Some(format!("u{}@x", i % users)),
                ips: vec![format!("100.{}.{}.{}", 64 + i / 65536 % 64, i / 256 % 256, i % 256)],
                routes: if i.is_multiple_of(97) { vec![format!("10.{}.0.0/16", i % 256)] } else { Vec::new() },
                exit_node: i.is_multiple_of(500),
                shared: false,
            })
            .collect(),
        relay_uses: Vec::new(),
    };
    let mut policy = Policy::default();
    for g in 0..20 {
        policy.groups.insert(format!("group:g{g}"), (0..25).map(|k| format!("u{}@x", g * 25 + k)).collect());
    }
    for t in 0..tags {
        policy.tag_owners.push(TagOwners {
            tag: format!("tag:t{t}"),
            owners: vec![format!("group:g{}", t % 20)],
            pos: None,
        });
    }
    let pick = |k: usize| -> String {
        match k % 5 {
            0 => format!("tag:t{}", k % tags),
            1 => format!("group:g{}", k % 20),
            2 => format!("u{}@x", k % users),
            3 => format!("100.64.{}.0/24", k % 20),
            _ => "autogroup:member".to_string(),
        }
    };
    for r in 0..rules {
        policy.rules.push(Rule {
            kind: if r.is_multiple_of(2) { RuleKind::Acl } else { RuleKind::Grant },
            index: r,
            pos: None,
            src: (0..3).map(|k| Target::new(pick(r * 7 + k), vec![], None)).collect(),
            dst: (0..3).map(|k| Target::new(pick(r * 11 + k + 1), vec!["443".into()], None)).collect(),
            network: true,
            app: Vec::new(),
            via: Vec::new(),
        });
    }
    let t = Instant::now();
    let r = reach(&policy, &estate);
    let reached: usize = r.nodes.iter().map(|n| n.reaches.len()).sum();
    println!(
        "reach: {nodes} nodes, {rules} rules, {} principals: {:?} ({} node pairs reachable, {} findings)",
        r.nodes.len() + r.tags.len() + r.groups.len() + r.users.len(),
        t.elapsed(),
        reached,
        r.findings.len()
    );
}
