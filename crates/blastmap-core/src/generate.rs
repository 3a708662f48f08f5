//! A seeded generator of realistic topologies for benchmarks and scale tests: regions > zones >
//! hosts carrying service replicas in dependency layers; 1-of-3 replica groups and 2-of-3
//! quorums; hub services (DNS, auth, discovery, config) with heavy fan-in; monitors; a few
//! runtime cycles and start-time dependencies.
//!
//! Shape, per service `sL-i` (layer L, index i): a group `sL-i` needing 1 (or 2 for the quorum
//! stores of layer 0) of three replicas `sL-i-r0..r2`, each on its own host in its own zone of
//! one region. Each replica requires two to four services of lower layers chosen near its own
//! index (domains call their neighbours, as real estates do), its region's DNS, discovery and
//! (above layer 2) auth; it needs config to start and is monitored by its region's metrics.

use std::collections::BTreeMap;

use crate::spec::{Component, Topology};

/// Parameters of [`generate`].
#[derive(Clone, Copy, Debug)]
pub struct Params {
    pub seed: u64,
    /// Number of services (each becomes a group of three replicas).
    pub services: usize,
    pub layers: usize,
    pub regions: usize,
    /// Runtime cycles to add between top-layer services.
    pub cycles: usize,
}

impl Params {
    /// Parameters for roughly `edges` dependency edges.
    pub fn for_edges(edges: usize, seed: u64) -> Self {
        Params { seed, services: (edges / 36).max(8), layers: 22, regions: 3, cycles: 3 }
    }
}

/// A small, fast, seeded generator (SplitMix64); enough for reproducible benchmarks.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn group(id: String, kind: &str, need: u32, members: Vec<String>) -> Component {
    Component { id, kind: Some(kind.into()), need: Some(need), requires: members, ..Component::default() }
}

/// Generates a topology; the same parameters always give the same topology.
///
/// ```
/// use blastmap_core::generate::{generate, Params};
/// let t = generate(&Params::for_edges(2_000, 7));
/// assert!(t.components.len() > 100);
/// ```
pub fn generate(p: &Params) -> Topology {
    let mut rng = Rng(p.seed);
    let mut out: Vec<Component> = Vec::new();
    let regions: Vec<String> = (0..p.regions.max(1)).map(|r| format!("r{r}")).collect();
    let zones_of = |r: &str| -> [String; 3] { [format!("{r}-a"), format!("{r}-b"), format!("{r}-c")] };
    let mut host_counter = 0usize;
    let mut host_in = |zone: &str, rng: &mut Rng| {
        // About four replicas per host: reuse a recent host in the zone now and then.
        if host_counter > 8 && rng.below(4) != 0 {
            let back = rng.below(8);
            format!("{zone}-h{}", (host_counter - back) / 3)
        } else {
            host_counter += 1;
            format!("{zone}-h{}", host_counter / 3)
        }
    };
    let replicas = |out: &mut Vec<Component>,
                    base: &str,
                    kind: &str,
                    region: &str,
                    requires: &[String],
                    rng: &mut Rng,
                    host_in: &mut dyn FnMut(&str, &mut Rng) -> String| {
        let zones = zones_of(region);
        (0..3)
            .map(|k| {
                let id = format!("{base}-r{k}");
                let zone = &zones[k];
                out.push(Component {
                    id: id.clone(),
                    kind: Some(kind.into()),
                    requires: requires.to_vec(),
                    region: Some(region.to_string()),
                    zone: Some(zone.clone()),
                    host: Some(host_in(zone, rng)),
                    ..Component::default()
                });
                id
            })
            .collect::<Vec<_>>()
    };
    // Hubs per region: DNS, discovery, metrics; global auth and config live in the first region.
    for r in &regions {
        for hub in ["dns", "discovery", "metrics"] {
            let base = format!("{hub}-{r}");
            let members = replicas(&mut out, &base, "hub", r, &[], &mut rng, &mut host_in);
            out.push(group(base, "group", 1, members));
        }
    }
    let home = regions[0].clone();
    let auth_store = replicas(&mut out, "auth-db", "database", &home, &[], &mut rng, &mut host_in);
    out.push(group("auth-db".into(), "quorum", 2, auth_store));
    let auth =
        replicas(&mut out, "auth", "hub", &home, &["auth-db".into(), format!("dns-{home}")], &mut rng, &mut host_in);
    out.push(group("auth".into(), "group", 1, auth));
    let config = replicas(&mut out, "config", "hub", &home, &[format!("dns-{home}")], &mut rng, &mut host_in);
    out.push(group("config".into(), "group", 1, config));

    let layers = p.layers.max(1);
    let per_layer = (p.services / layers).max(1);
    let name = |l: usize, i: usize| format!("s{l}-{i}");
    for l in 0..layers {
        for i in 0..per_layer {
            let region = &regions[(i * regions.len()) / per_layer.max(1)];
            let mut requires = vec![format!("dns-{region}"), format!("discovery-{region}")];
            if l > 2 {
                requires.push("auth".into());
            }
            if l > 0 {
                let calls = 2 + rng.below(3);
                let mut picked = Vec::new();
                for _ in 0..calls {
                    let dl = l - 1 - rng.below(l.min(3));
                    let window = 6usize;
                    let lo = i.saturating_sub(window);
                    let hi = (i + window).min(per_layer - 1);
                    let di = lo + rng.below(hi - lo + 1);
                    let dep = name(dl, di);
                    if !picked.contains(&dep) {
                        picked.push(dep);
                    }
                }
                requires.extend(picked);
            }
            let base = name(l, i);
            let kind = if l == 0 { "database" } else { "service" };
            let members = replicas(&mut out, &base, kind, region, &requires, &mut rng, &mut host_in);
            let start = out.len() - 3;
            for c in &mut out[start..] {
                c.requires_at_start = vec!["config".into()];
                c.monitored_by = vec![format!("metrics-{region}")];
            }
            let mut g = group(base, if l == 0 { "quorum" } else { "group" }, if l == 0 { 2 } else { 1 }, members);
            g.monitored_by = vec![format!("metrics-{region}")];
            out.push(g);
        }
    }
    // A few runtime cycles between top-layer services (each side needs the other).
    let top = layers - 1;
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for (i, c) in out.iter().enumerate() {
        by_id.insert(c.id.clone(), i);
    }
    for k in 0..p.cycles.min(per_layer / 2) {
        let (a, b) = (name(top, 2 * k), name(top, 2 * k + 1));
        for (from, to) in [(&a, &b), (&b, &a)] {
            for r in 0..3 {
                if let Some(&i) = by_id.get(&format!("{from}-r{r}")) {
                    if !out[i].requires.contains(to) {
                        out[i].requires.push(to.clone());
                    }
                }
            }
        }
    }
    Topology {
        name: Some(format!("generated-{}-services-seed-{}", p.services, p.seed)),
        description: Some("Generated by blastmap_core::generate for benchmarks.".into()),
        components: out,
        ..Topology::default()
    }
}

/// A `requires` chain of `n` components, dependents first as exports list them: `c{i}` requires
/// `c{i+1}`, so `c0` depends on every other (the deepest dependency path a topology can have;
/// benchmarks and scale tests).
///
/// ```
/// use blastmap_core::generate::chain;
/// assert_eq!(chain(3).components[1].requires, ["c2"]);
/// ```
pub fn chain(n: usize) -> Topology {
    let components = linked("c", n, |c, below| c.requires = vec![below]);
    Topology { name: Some(format!("chain-{n}")), components, ..Topology::default() }
}

/// A `requires_at_start` chain of `n` components: `c{i}` needs `c{i+1}` to start, so a cold
/// start takes `n` waves, `c{n-1}` first.
pub fn start_chain(n: usize) -> Topology {
    let components = linked("c", n, |c, below| c.requires_at_start = vec![below]);
    Topology { name: Some(format!("start-chain-{n}")), components, ..Topology::default() }
}

/// A `requires` spine `s0 → s1 → … → s{depth-1}` (`s0` on top) under `leaves` leaves `l{j}`,
/// declared after it, each requiring `s0`: every spine node takes down every leaf.
pub fn spine(depth: usize, leaves: usize) -> Topology {
    let mut components = linked("s", depth, |c, below| c.requires = vec![below]);
    let top: Vec<String> = if depth > 0 { vec!["s0".to_string()] } else { Vec::new() };
    components.extend((0..leaves).map(|j| Component { requires: top.clone(), ..Component::new(format!("l{j}")) }));
    Topology { name: Some(format!("spine-{depth}-{leaves}")), components, ..Topology::default() }
}

/// `n` components `{prefix}0..`, each linked to the one after it by `link`.
fn linked(prefix: &str, n: usize, link: impl Fn(&mut Component, String)) -> Vec<Component> {
    (0..n)
        .map(|i| {
            let mut c = Component::new(format!("{prefix}{i}"));
            if i + 1 < n {
                link(&mut c, format!("{prefix}{}", i + 1));
            }
            c
        })
        .collect()
}
