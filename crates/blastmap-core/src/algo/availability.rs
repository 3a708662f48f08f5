//! Availability: with `availability` (or `mtbf`/`mttr`) on components, the probability that each
//! target is up, assuming independent failures, and the importance of each component to it.
//!
//! Exact by a binary decision diagram of each target's structure function (k-of-n gates as
//! threshold functions; cycles as the symbolic greatest fixed point); when the diagram grows past
//! a node limit, Monte Carlo over the steady state with a 95% Wilson interval.

use std::collections::HashMap;

use crate::algo::cycles::runtime_sccs;
use crate::algo::steady::steady_state;
use crate::model::{Model, NodeId};

/// Diagram size beyond which the exact method gives way to Monte Carlo.
pub const BDD_NODE_LIMIT: usize = 2_000_000;
/// Monte Carlo samples.
pub const SAMPLES: u32 = 20_000;

/// How a figure was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Exact,
    /// With the half-width of the 95% interval.
    MonteCarlo,
}

/// Importance of one component to one target.
#[derive(Clone, Debug, PartialEq)]
pub struct Importance {
    pub component: NodeId,
    /// A(t | x up) − A(t | x down).
    pub birnbaum: f64,
    /// Share of the target's unavailability removed if x never failed: (Q − Q|x up) / Q.
    pub fussell_vesely: f64,
}

/// Availability of one target.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetAvailability {
    pub target: NodeId,
    pub availability: f64,
    pub method: Method,
    /// 95% interval (equal to the value for exact results).
    pub interval: (f64, f64),
    /// Components by Fussell–Vesely importance, largest first (exact method only).
    pub importance: Vec<Importance>,
}

const FALSE: u32 = 0;
const TRUE: u32 = 1;

/// A reduced ordered BDD with an operation cache.
struct Bdd {
    /// (variable level, low, high); entries 0 and 1 are the terminals.
    nodes: Vec<(u32, u32, u32)>,
    unique: HashMap<(u32, u32, u32), u32>,
    cache: HashMap<(u32, u32, u32), u32>,
    limit: usize,
}

struct TooBig;

impl Bdd {
    fn new(limit: usize) -> Self {
        Bdd { nodes: vec![(u32::MAX, 0, 0), (u32::MAX, 1, 1)], unique: HashMap::new(), cache: HashMap::new(), limit }
    }

    fn level(&self, f: u32) -> u32 {
        self.nodes[f as usize].0
    }

    fn mk(&mut self, level: u32, lo: u32, hi: u32) -> Result<u32, TooBig> {
        if lo == hi {
            return Ok(lo);
        }
        if let Some(&n) = self.unique.get(&(level, lo, hi)) {
            return Ok(n);
        }
        if self.nodes.len() >= self.limit {
            return Err(TooBig);
        }
        let n = self.nodes.len() as u32;
        self.nodes.push((level, lo, hi));
        self.unique.insert((level, lo, hi), n);
        Ok(n)
    }

    fn var(&mut self, level: u32) -> Result<u32, TooBig> {
        self.mk(level, FALSE, TRUE)
    }

    fn cofactors(&self, f: u32, level: u32) -> (u32, u32) {
        let (l, lo, hi) = self.nodes[f as usize];
        if l == level {
            (lo, hi)
        } else {
            (f, f)
        }
    }

    /// The answer of `ite(f, g, h)` without recursing, if it is a terminal case or cached.
    fn ite_known(&self, f: u32, g: u32, h: u32) -> Option<u32> {
        match (f, g, h) {
            (TRUE, g, _) => Some(g),
            (FALSE, _, h) => Some(h),
            (f, TRUE, FALSE) => Some(f),
            (_, g, h) if g == h => Some(g),
            key => self.cache.get(&key).copied(),
        }
    }

    /// If-then-else: the diagram of (f ∧ g) ∨ (¬f ∧ h). Iterative (an explicit stack instead
    /// of recursion: a diagram can be as deep as there are variables, one per component).
    fn ite(&mut self, f: u32, g: u32, h: u32) -> Result<u32, TooBig> {
        enum Step {
            /// Compute ite of these and push the result.
            Call(u32, u32, u32),
            /// Pop hi then lo, make the node at this level, cache it under the key, push it.
            Make((u32, u32, u32), u32),
        }
        let mut steps = vec![Step::Call(f, g, h)];
        let mut results: Vec<u32> = Vec::new();
        while let Some(step) = steps.pop() {
            match step {
                Step::Call(f, g, h) => {
                    if let Some(r) = self.ite_known(f, g, h) {
                        results.push(r);
                        continue;
                    }
                    let top = self.level(f).min(self.level(g)).min(self.level(h));
                    let (f0, f1) = self.cofactors(f, top);
                    let (g0, g1) = self.cofactors(g, top);
                    let (h0, h1) = self.cofactors(h, top);
                    // The low branch is computed first, as the recursive definition reads.
                    steps.push(Step::Make((f, g, h), top));
                    steps.push(Step::Call(f1, g1, h1));
                    steps.push(Step::Call(f0, g0, h0));
                }
                Step::Make(key, top) => {
                    // Each Make follows its two calls, whose results are on top.
                    let (hi, lo) = (results.pop().unwrap_or(FALSE), results.pop().unwrap_or(FALSE));
                    let r = self.mk(top, lo, hi)?;
                    self.cache.insert(key, r);
                    results.push(r);
                }
            }
        }
        Ok(results.pop().unwrap_or(FALSE))
    }

    fn and(&mut self, f: u32, g: u32) -> Result<u32, TooBig> {
        self.ite(f, g, FALSE)
    }

    /// At least `k` of `fs` are true.
    fn at_least(&mut self, k: usize, fs: &[u32]) -> Result<u32, TooBig> {
        // table[j] = at least j of the functions seen so far (processed from the back).
        let mut table: Vec<u32> = vec![FALSE; k + 1];
        table[0] = TRUE;
        for &f in fs.iter().rev() {
            for j in (1..=k).rev() {
                table[j] = self.ite(f, table[j - 1], table[j])?;
            }
        }
        Ok(table[k])
    }

    /// P(f) given P(variable at each level is true). Iterative, children before parents.
    fn probability(&self, f: u32, p: &[f64], memo: &mut HashMap<u32, f64>) -> f64 {
        let known = |g: u32, memo: &HashMap<u32, f64>| match g {
            TRUE => Some(1.0),
            FALSE => Some(0.0),
            g => memo.get(&g).copied(),
        };
        let mut stack = vec![f];
        while let Some(&g) = stack.last() {
            if known(g, memo).is_some() {
                stack.pop();
                continue;
            }
            let (level, lo, hi) = self.nodes[g as usize];
            match (known(lo, memo), known(hi, memo)) {
                (Some(l), Some(h)) => {
                    let q = p[level as usize];
                    memo.insert(g, q * h + (1.0 - q) * l);
                    stack.pop();
                }
                (l, h) => {
                    if h.is_none() {
                        stack.push(hi);
                    }
                    if l.is_none() {
                        stack.push(lo);
                    }
                }
            }
        }
        known(f, memo).unwrap_or(0.0)
    }
}

/// Builds each node's "up" function; `levels[v]` is v's variable level, if it can fail.
fn structure(model: &Model, levels: &[Option<u32>], bdd: &mut Bdd) -> Result<Vec<u32>, TooBig> {
    let mut up = vec![TRUE; model.len()];
    let gate = |v: NodeId, up: &[u32], bdd: &mut Bdd| -> Result<u32, TooBig> {
        let mut f = match levels[v as usize] {
            Some(l) => bdd.var(l)?,
            None => TRUE,
        };
        for &u in model.placement(v) {
            f = bdd.and(f, up[u as usize])?;
        }
        let reqs: Vec<u32> = model.requires(v).iter().map(|&u| up[u as usize]).collect();
        let k = bdd.at_least(model.need(v) as usize, &reqs)?;
        bdd.and(f, k)
    };
    for comp in runtime_sccs(model) {
        // Greatest fixed point: start from "up" and tighten until nothing changes.
        loop {
            let mut changed = false;
            for &v in &comp {
                let f = gate(v, &up, bdd)?;
                if f != up[v as usize] {
                    up[v as usize] = f;
                    changed = true;
                }
            }
            if !changed || comp.len() == 1 {
                break;
            }
        }
    }
    Ok(up)
}

/// Availability of every target, exact where the diagram stays under [`BDD_NODE_LIMIT`].
/// Components without a figure never fail. Empty when no component has a figure.
///
/// ```
/// use blastmap_core::{algo::availability, load};
/// let yaml = "components:\n- {id: app, need: 1, requires: [a, b]}\n- {id: a, availability: 0.9}\n- {id: b, availability: 0.9}\n";
/// let m = load(yaml).unwrap().model;
/// let a = availability(&m, 1);
/// assert!((a[0].availability - 0.99).abs() < 1e-12);
/// ```
///
/// # Complexity
/// Exact: O(|V| · B) diagram operations for diagrams of B nodes, plus O(F · B) per target for the
/// importance of its F fallible components. Monte Carlo: O(S · (|V| + |E|)) for S samples.
pub fn availability(model: &Model, seed: u64) -> Vec<TargetAvailability> {
    availability_with_limit(model, seed, BDD_NODE_LIMIT)
}

/// [`availability`] with an explicit diagram size limit (tests force Monte Carlo with it).
pub fn availability_with_limit(model: &Model, seed: u64, limit: usize) -> Vec<TargetAvailability> {
    let fallible: Vec<NodeId> = model.ids().filter(|&v| model.node(v).availability.is_some_and(|a| a < 1.0)).collect();
    if model.ids().all(|v| model.node(v).availability.is_none()) {
        return Vec::new();
    }
    // Variable order: dependencies first (the condensation's order), which keeps shared
    // infrastructure near the top of the diagram.
    let mut levels: Vec<Option<u32>> = vec![None; model.len()];
    let mut p: Vec<f64> = Vec::new();
    for comp in runtime_sccs(model) {
        for v in comp {
            if let Some(a) = model.node(v).availability.filter(|&a| a < 1.0) {
                levels[v as usize] = Some(p.len() as u32);
                p.push(a);
            }
        }
    }
    let mut bdd = Bdd::new(limit);
    match structure(model, &levels, &mut bdd) {
        Ok(up) => model
            .targets()
            .iter()
            .map(|&t| {
                let f = up[t as usize];
                let a = bdd.probability(f, &p, &mut HashMap::new());
                let q = 1.0 - a;
                let mut importance: Vec<Importance> = fallible
                    .iter()
                    .filter_map(|&x| {
                        let l = levels[x as usize]? as usize;
                        let mut pp = p.clone();
                        pp[l] = 1.0;
                        let a_up = bdd.probability(f, &pp, &mut HashMap::new());
                        pp[l] = 0.0;
                        let a_down = bdd.probability(f, &pp, &mut HashMap::new());
                        let birnbaum = a_up - a_down;
                        let fussell_vesely = if q > 0.0 { ((q - (1.0 - a_up)) / q).max(0.0) } else { 0.0 };
                        (birnbaum > 0.0).then_some(Importance { component: x, birnbaum, fussell_vesely })
                    })
                    .collect();
                importance
                    .sort_by(|a, b| b.fussell_vesely.total_cmp(&a.fussell_vesely).then(a.component.cmp(&b.component)));
                TargetAvailability { target: t, availability: a, method: Method::Exact, interval: (a, a), importance }
            })
            .collect(),
        Err(TooBig) => monte_carlo(model, &fallible, seed, SAMPLES),
    }
}

/// Estimates every target's availability by sampling failures and propagating each sample.
fn monte_carlo(model: &Model, fallible: &[NodeId], seed: u64, samples: u32) -> Vec<TargetAvailability> {
    let mut state = seed | 1;
    let mut uniform = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let targets = model.targets();
    let mut up_count = vec![0u32; targets.len()];
    let mut failed = Vec::new();
    for _ in 0..samples {
        failed.clear();
        for &x in fallible {
            if uniform() >= model.node(x).availability.unwrap_or(1.0) {
                failed.push(x);
            }
        }
        let s = steady_state(model, &failed);
        for (i, &t) in targets.iter().enumerate() {
            if !s.is_down(t) {
                up_count[i] += 1;
            }
        }
    }
    let n = f64::from(samples);
    targets
        .iter()
        .zip(up_count)
        .map(|(&t, ups)| {
            let a = f64::from(ups) / n;
            TargetAvailability {
                target: t,
                availability: a,
                method: Method::MonteCarlo,
                interval: wilson(a, n),
                importance: Vec::new(),
            }
        })
        .collect()
}

/// 95% Wilson score interval for a proportion `p` over `n` trials.
fn wilson(p: f64, n: f64) -> (f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) / n) + z * z / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}
