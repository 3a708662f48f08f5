//! False redundancy: for every k-of-n gate, declared tolerance (n − k) against actual tolerance
//! (the size of the smallest failure set that takes it down, minus one), with one smallest set.

use crate::algo::cone::{next_combination, ConeSearch};
use crate::algo::single::Killers;
use crate::finding::{join, Context, Finding, FindingKind, Severity};
use crate::model::{Model, NodeId};

/// How many failure sets one gate's search may try before it settles for a bound.
pub const DEFAULT_BUDGET: u64 = 200_000;

/// The tolerance of one k-of-n gate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redundancy {
    pub component: NodeId,
    pub need: u32,
    pub of: u32,
    /// n − need.
    pub declared: u32,
    /// Smallest failure set size minus one (an upper bound when `exact` is false).
    pub actual: u32,
    /// A failure set of size `actual + 1` that takes the component down (the component itself
    /// excluded).
    pub minimal_failure: Vec<NodeId>,
    /// False when the search budget ran out: then `actual` is an upper bound and `at_least` a
    /// lower bound.
    pub exact: bool,
    pub at_least: u32,
}

impl Redundancy {
    /// True when the gate tolerates fewer failures than it declares.
    pub fn is_false(&self) -> bool {
        self.actual < self.declared
    }
}

/// Tolerance of every gate whose `need` is below its number of `requires`.
///
/// The smallest set is found by size: a single failure comes straight from K(v) (the most
/// specific one: the killer that takes down the fewest nodes); larger sets are searched
/// exhaustively, smallest size first, over the nodes `v` depends on, propagating each candidate
/// set inside that cone only. Failing `n − need + 1` of the `requires` always works, which bounds
/// the search.
///
/// ```
/// use blastmap_core::{algo::{redundancy, single_failures}, load};
/// let yaml = "components:\n- {id: store, need: 2, requires: [a, b, c]}\n- {id: a, network: nyc}\n- {id: b, network: nyc}\n- {id: c, network: chi}\n";
/// let m = load(yaml).unwrap().model;
/// let k = single_failures(&m);
/// let r = &redundancy(&m, &k, &k.down_counts(), 10_000)[0];
/// assert_eq!((r.declared, r.actual), (1, 0));
/// assert_eq!(m.name(r.minimal_failure[0]), "network:nyc");
/// ```
///
/// # Complexity
/// O(|own(v)| + |own(next(v))|) for a gate with a single point of failure (see
/// [`Killers::most_specific`]). Otherwise, per gate with a cone of c
/// nodes and e edges, O(C(c, s) · e) for the smallest killing size s, capped by `budget` set
/// evaluations (then the result is a bound).
pub fn redundancy(model: &Model, killers: &Killers, down_counts: &[u32], budget: u64) -> Vec<Redundancy> {
    let mut search = ConeSearch::new(model.len());
    model
        .ids()
        .filter(|&v| model.is_redundant(v))
        .map(|v| {
            let need = model.need(v);
            let of = model.requires(v).len() as u32;
            let declared = of - need;
            let single = killers.most_specific(v, down_counts);
            let base = Redundancy {
                component: v,
                need,
                of,
                declared,
                actual: declared,
                minimal_failure: Vec::new(),
                exact: true,
                at_least: 0,
            };
            if let Some(x) = single {
                return Redundancy { actual: 0, minimal_failure: vec![x], ..base };
            }
            let trivial: Vec<NodeId> = model.requires(v).iter().copied().take(declared as usize + 1).collect();
            match smallest(&mut search, model, v, declared, budget) {
                Found::Set(set) => {
                    Redundancy { actual: set.len() as u32 - 1, minimal_failure: set, at_least: 0, ..base }
                }
                Found::None => Redundancy { minimal_failure: trivial, ..base },
                Found::OutOfBudget { at_least } => {
                    Redundancy { minimal_failure: trivial, exact: false, at_least, ..base }
                }
            }
        })
        .map(|mut r| {
            if r.exact {
                r.at_least = r.actual;
            }
            r
        })
        .collect()
}

enum Found {
    /// A killing set smaller than declared + 1.
    Set(Vec<NodeId>),
    /// No killing set of size 2..=max_size exists.
    None,
    /// The budget ran out; no killing set is smaller than `at_least + 1`.
    OutOfBudget { at_least: u32 },
}

/// Smallest killing set of `v` of size 2..=max_size, by exhaustive search in its cone.
fn smallest(search: &mut ConeSearch, model: &Model, v: NodeId, max_size: u32, budget: u64) -> Found {
    let cone = search.cone(model, v);
    let mut spent = 0u64;
    for size in 2..=max_size as usize {
        if size > cone.len() {
            break;
        }
        let mut idx: Vec<usize> = (0..size).collect();
        let mut set = vec![0; size];
        loop {
            for (slot, &i) in set.iter_mut().zip(&idx) {
                *slot = cone[i];
            }
            spent += 1;
            if spent > budget {
                return Found::OutOfBudget { at_least: size as u32 - 1 };
            }
            if search.kills(model, &set, v) {
                return Found::Set(set);
            }
            if !next_combination(&mut idx, cone.len()) {
                break;
            }
        }
    }
    Found::None
}

/// One finding per gate that tolerates fewer failures than it declares, naming a smallest
/// failure set that takes it down.
pub fn findings(gates: &[Redundancy], cx: &Context) -> Vec<Finding> {
    gates
        .iter()
        .filter(|r| r.is_false())
        .map(|r| {
            let failing = join(&cx.names(&r.minimal_failure));
            let name = cx.model.name(r.component);
            let title = if r.actual == 0 {
                format!(
                    "false redundancy: `{name}` declares {}-of-{} (tolerates {}) but {failing} alone takes it down",
                    r.need, r.of, r.declared
                )
            } else {
                format!(
                    "false redundancy: `{name}` declares tolerance {} but tolerates {}: {failing} together take it down",
                    r.declared, r.actual
                )
            };
            let mut evidence = vec![cx.name(r.component)];
            evidence.extend(cx.names(&r.minimal_failure));
            Finding::new(FindingKind::FalseRedundancy, Severity::High, cx.name(r.component), title, evidence)
                .critical(cx.touches(r.component))
        })
        .collect()
}
