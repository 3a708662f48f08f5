//! Design diff: two topologies (before / after, say a region split) compared by their findings,
//! the single points of failure of each target, and the blast radius of each placement value.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::algo::{self, Killers};
use crate::model::{Model, NodeId};
use crate::name::Name;
use crate::report::{DoublePointEntry, Finding, FindingKind, Incomplete, Report};

/// A placement value's blast radius in one design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blast {
    pub targets_down: u32,
    pub components_down: u32,
}

/// One placement value before and after (`None` where the design does not have it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementBlast {
    pub placement: String,
    pub before: Option<Blast>,
    pub after: Option<Blast>,
}

/// The same finding in both designs, worded differently because what it covers changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangedFinding {
    pub before: Finding,
    pub after: Finding,
}

/// A finding one design's report has and the other's may have left out: the analysis that would
/// find it there was cut by a budget or a top-N limit, so its absence proves nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UncertainFinding {
    pub finding: Finding,
    /// Why the other report may have left it out (its incomplete entry's reason).
    pub reason: String,
}

/// A target whose set of single points of failure changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpofChange {
    pub target: String,
    pub gained: Vec<String>,
    pub lost: Vec<String>,
}

/// Everything that changed between two designs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffReport {
    pub before: String,
    pub after: String,
    /// Findings only the after design has, where the before report is complete for them.
    pub gained: Vec<Finding>,
    /// Findings only the before design has, where the after report is complete for them.
    pub lost: Vec<Finding>,
    /// Findings only the before design's report has, where a budget or a top-N cut may have
    /// left them out of the after report: not fixed, unknown.
    #[serde(default)]
    pub lost_uncertain: Vec<UncertainFinding>,
    /// Findings only the after design's report has, where a cut may have left them out of the
    /// before report: not new, unknown.
    #[serde(default)]
    pub gained_uncertain: Vec<UncertainFinding>,
    /// Findings in both whose substance changed (say, a SPOF that now takes down fewer targets).
    pub changed: Vec<ChangedFinding>,
    /// Targets present in both whose SPOF set changed.
    pub spof_changes: Vec<SpofChange>,
    /// Targets only in one design.
    pub targets_added: Vec<String>,
    pub targets_removed: Vec<String>,
    /// Every placement value of either design, in name order.
    pub placement_blast: Vec<PlacementBlast>,
}

/// Identity of a finding across designs: kind and subject, or kind and members for findings
/// about a set (cycles, deadlocks, double points). A double point that stands for equivalent sets
/// is known by the first of them in name order (whichever the report shows), with its targets.
fn key(report: &Report, f: &Finding) -> (FindingKind, String) {
    match f.kind {
        FindingKind::DoublePoint if double_point_entry(report, f).is_some() => {
            let Some(d) = double_point_entry(report, f) else { return (f.kind, String::new()) };
            let sorted = |s: &Vec<Name>| {
                let mut s = s.clone();
                s.sort();
                s
            };
            let first = std::iter::once(&d.components).chain(&d.equivalent).map(sorted).min().unwrap_or_default();
            let mut targets = d.takes_down.clone();
            targets.sort();
            (f.kind, format!("{}|{}", first.join(","), targets.join(",")))
        }
        FindingKind::Cycle | FindingKind::Deadlock | FindingKind::DoublePoint => {
            let mut members = f.evidence.clone();
            members.sort();
            (f.kind, members.join(","))
        }
        _ => (f.kind, f.subject.to_string()),
    }
}

/// The report entry of a double-point finding (its evidence is the set, then what it takes down).
fn double_point_entry<'a>(report: &'a Report, f: &Finding) -> Option<&'a DoublePointEntry> {
    report.double_points.iter().find(|d| {
        f.evidence.starts_with(&d.components)
            && f.evidence.get(d.components.len()..).is_some_and(|rest| d.takes_down.starts_with(rest))
    })
}

/// The entry of `other`'s incomplete list that may have left `f` (found by `own`) out of it.
/// A finding about components `other_model` does not have is surely not there.
fn cut_in<'a>(other: &'a Report, other_model: &Model, own: &Report, f: &Finding) -> Option<&'a Incomplete> {
    let entry = (f.kind == FindingKind::DoublePoint).then(|| double_point_entry(own, f)).flatten();
    let members: Vec<&str> = match entry {
        Some(d) => d.components.iter().map(Name::as_str).collect(),
        None => vec![f.subject.as_str()],
    };
    if members.iter().any(|m| other_model.lookup(m).is_none()) {
        return None;
    }
    other.incomplete.iter().find(|i| {
        i.analysis == f.kind
            && match (&i.subject, i.targets.is_empty(), entry) {
                (Some(subject), _, _) => *subject == f.subject,
                // A top-N cut may have left out any finding of its kind.
                (None, true, _) => true,
                (None, false, Some(d)) => d.takes_down.iter().any(|t| i.targets.contains(t)),
                (None, false, None) => true,
            }
    })
}

/// Splits `only` (findings of `own` missing from `other`) into those `other` is complete for and
/// those a cut in `other` may have left out.
fn split_uncertain(
    only: Vec<Finding>,
    own: &Report,
    other: (&Model, &Report),
) -> (Vec<Finding>, Vec<UncertainFinding>) {
    let mut sure = Vec::new();
    let mut uncertain = Vec::new();
    for f in only {
        match cut_in(other.1, other.0, own, &f) {
            Some(i) => uncertain.push(UncertainFinding { finding: f, reason: i.reason.clone() }),
            None => sure.push(f),
        }
    }
    (sure, uncertain)
}

/// Every target's single points of failure, from the model (a report's lists may be cut), by
/// name, each target's sorted. Names are borrowed from the model: at a million edges the pairs
/// number millions, and copying each name into ordered sets was most of a diff's time.
fn spofs_by_target<'m>(model: &'m Model, killers: &Killers) -> BTreeMap<&'m str, Vec<&'m str>> {
    let targets = model.targets();
    let mut of: Vec<Vec<&str>> = vec![Vec::new(); targets.len()];
    for s in algo::spofs(model, killers, usize::MAX) {
        for t in &s.takes_down {
            if let Ok(i) = targets.binary_search(t) {
                of[i].push(model.name(s.component));
            }
        }
    }
    targets
        .iter()
        .zip(of)
        .map(|(&t, mut spofs)| {
            spofs.sort_unstable();
            spofs.dedup();
            (model.name(t), spofs)
        })
        .collect()
}

/// The names of sorted `a` that sorted `b` lacks, in order.
fn minus(a: &[&str], b: &[&str]) -> Vec<String> {
    let mut rest = b.iter().peekable();
    let mut out = Vec::new();
    for &x in a {
        while rest.next_if(|&&y| y < x).is_some() {}
        if rest.peek().is_none_or(|&&y| y != x) {
            out.push(x.to_string());
        }
    }
    out
}

fn placement_blast(model: &Model, killers: &Killers) -> BTreeMap<String, Blast> {
    let counts = killers.down_counts();
    let targets_down: BTreeMap<NodeId, u32> =
        algo::criticality(model, killers, &counts).iter().map(|c| (c.component, c.targets_down)).collect();
    model
        .ids()
        .filter(|&v| model.node(v).is_placement())
        .map(|v| {
            let blast = Blast {
                targets_down: targets_down.get(&v).copied().unwrap_or(0),
                components_down: counts[v as usize].saturating_sub(1),
            };
            (model.name(v).to_string(), blast)
        })
        .collect()
}

/// Compares two analysed designs.
///
/// ```
/// use blastmap_core::{analyze, diff::diff, load, report::Options};
/// let a = load("components:\n- {id: app, region: east, requires: [db]}\n- {id: db, region: east}\n").unwrap();
/// let b = load("components:\n- {id: app, region: east, requires: [db]}\n- {id: db, need: 1, requires: [db-e, db-w]}\n- {id: db-e, region: east}\n- {id: db-w, region: west}\n").unwrap();
/// let d = diff((&a.model, &analyze(&a, &Options::default())), (&b.model, &analyze(&b, &Options::default())));
/// assert!(d.spof_changes.is_empty() || d.spof_changes[0].target == "app");
/// ```
///
/// A finding missing from one report is "lost" (or "gained") only when that report is complete
/// for it; when a budget or a top-N cut made the analysis that would find it incomplete there
/// (for a gate: that gate's search; for a double point: the search of a target it takes down,
/// or the top-N cut), it goes to `lost_uncertain` (`gained_uncertain`) with the cut's reason,
/// unless that design lacks the components it is about.
///
/// # Complexity
/// Two single-failure passes (see [`algo::single_failures`]), O(F log F) over the findings,
/// O(F · (I + D)) to match the findings of one report against the other's I incomplete
/// entries and D double points, and the single points of failure of every target in full:
/// O(Σ_targets |K(t)|).
pub fn diff(before: (&Model, &Report), after: (&Model, &Report)) -> DiffReport {
    let (bm, br) = before;
    let (am, ar) = after;
    let bkeys: BTreeSet<(FindingKind, String)> = br.findings.iter().map(|f| key(br, f)).collect();
    let akeys: BTreeSet<(FindingKind, String)> = ar.findings.iter().map(|f| key(ar, f)).collect();
    let gained = ar.findings.iter().filter(|f| !bkeys.contains(&key(ar, f))).cloned().collect();
    let lost = br.findings.iter().filter(|f| !akeys.contains(&key(br, f))).cloned().collect();
    let (gained, gained_uncertain) = split_uncertain(gained, ar, (bm, br));
    let (lost, lost_uncertain) = split_uncertain(lost, br, (am, ar));
    let before_by_key: BTreeMap<(FindingKind, String), &Finding> =
        br.findings.iter().map(|f| (key(br, f), f)).collect();
    let changed = ar
        .findings
        .iter()
        .filter_map(|f| {
            let b = before_by_key.get(&key(ar, f))?;
            (b.title != f.title || b.evidence != f.evidence)
                .then(|| ChangedFinding { before: (*b).clone(), after: f.clone() })
        })
        .collect();
    let (bk, ak) = (algo::single_failures(bm), algo::single_failures(am));
    let bs = spofs_by_target(bm, &bk);
    let as_ = spofs_by_target(am, &ak);
    let spof_changes = bs
        .iter()
        .filter_map(|(&t, b)| {
            let a = as_.get(t)?;
            let (gained, lost) = (minus(a, b), minus(b, a));
            (!gained.is_empty() || !lost.is_empty()).then(|| SpofChange { target: t.to_string(), gained, lost })
        })
        .collect();
    let targets_added = as_.keys().filter(|t| !bs.contains_key(*t)).map(|t| t.to_string()).collect();
    let targets_removed = bs.keys().filter(|t| !as_.contains_key(*t)).map(|t| t.to_string()).collect();
    let bb = placement_blast(bm, &bk);
    let ab = placement_blast(am, &ak);
    let names: BTreeSet<&String> = bb.keys().chain(ab.keys()).collect();
    let placement_blast = names
        .into_iter()
        .map(|p| PlacementBlast { placement: p.clone(), before: bb.get(p).copied(), after: ab.get(p).copied() })
        .collect();
    DiffReport {
        before: br.name.clone().unwrap_or_else(|| "before".into()),
        after: ar.name.clone().unwrap_or_else(|| "after".into()),
        gained,
        lost,
        lost_uncertain,
        gained_uncertain,
        changed,
        spof_changes,
        targets_added,
        targets_removed,
        placement_blast,
    }
}
