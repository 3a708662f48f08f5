//! The report: every analysis's result as plain data with component ids, plus one flat list of
//! findings, most severe first, each naming the components that are its evidence.

use serde::{Deserialize, Serialize};

use crate::algo::{self, CycleKind, Status};
use crate::compile::Compiled;
use crate::finding::Context;
use crate::model::{Model, NodeId};
use crate::name::Name;
use crate::note::Note;
use crate::observed::{Limits, Observation, ObservedReport};

pub use crate::finding::{Finding, FindingKind, Severity, EVIDENCE_LIMIT};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpofEntry {
    pub component: Name,
    /// The targets it takes down, in node order: the first [`Options::list_limit`] when
    /// `takes_down_count` is larger.
    pub takes_down: Vec<Name>,
    /// How many targets it takes down in all.
    pub takes_down_count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RedundancyEntry {
    pub component: Name,
    pub need: u32,
    pub of: u32,
    pub declared_tolerance: u32,
    pub actual_tolerance: u32,
    pub minimal_failure: Vec<Name>,
    /// False when the search was bounded: `actual_tolerance` is then an upper bound and
    /// `at_least` a lower one.
    pub exact: bool,
    pub at_least: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CycleEntry {
    pub kind: CycleKind,
    pub components: Vec<Name>,
    /// One closed walk through the cycle: each requires the next.
    pub path: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlindSpotEntry {
    pub component: Name,
    pub monitors: Vec<Name>,
    /// The single failures that blind it, in node order; when `failures_count` is larger, the
    /// [`Options::list_limit`] met first walking from the component towards its root causes.
    pub failures: Vec<Name>,
    /// How many single failures blind it in all.
    pub failures_count: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ColdStartEntry {
    pub waves: Vec<Vec<Name>>,
    pub deadlocked: Vec<Name>,
    /// The cycles among deadlocked components that block all the others.
    pub blocking_cycles: Vec<Vec<Name>>,
}

/// A single failure that leaves components running unobserved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlindingEntry {
    pub failure: Name,
    /// In node order: the first [`Options::list_limit`] when `blinded_count` is larger.
    pub blinded: Vec<Name>,
    /// How many components it leaves running unobserved in all.
    pub blinded_count: usize,
}

/// An analysis that could not complete: its answer is a bound or a partial list, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incomplete {
    /// The kind of finding the cut analysis produces.
    pub analysis: FindingKind,
    /// The component it could not finish for, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Name>,
    /// What was cut and why, and how to get the full answer.
    pub reason: String,
    /// What was cut may hold findings that touch a critical component (`check --deny
    /// KIND:critical` fails closed on these only).
    #[serde(default)]
    pub critical: bool,
    /// The targets whose search the cut left partial or undone, when it is about targets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RestartEntry {
    pub failure: Name,
    /// In node order: the first [`Options::list_limit`] when `cannot_restart_count` is larger.
    pub cannot_restart: Vec<Name>,
    /// How many components could not restart in all.
    pub cannot_restart_count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriticalityEntry {
    pub component: Name,
    pub targets_down: u32,
    pub components_down: u32,
}

/// Sizes of the analysed topology.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub components: usize,
    pub placement_values: usize,
    pub edges: usize,
}

/// The whole analysis of one topology.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub summary: Summary,
    pub targets: Vec<Name>,
    pub findings: Vec<Finding>,
    pub spofs: Vec<SpofEntry>,
    pub redundancy: Vec<RedundancyEntry>,
    pub cycles: Vec<CycleEntry>,
    pub blind_spots: Vec<BlindSpotEntry>,
    /// Single failures that leave components running unobserved, widest first.
    #[serde(default)]
    pub blindings: Vec<BlindingEntry>,
    pub cold_start: ColdStartEntry,
    pub restart_hazards: Vec<RestartEntry>,
    /// The most critical components first (at most [`Options::criticality_limit`]).
    pub criticality: Vec<CriticalityEntry>,
    /// Minimal failure sets of two or three components that take targets down, most damaging first.
    pub double_points: Vec<DoublePointEntry>,
    /// False when a search budget cut the cut-set search: `double_points` is then partial.
    pub double_points_complete: bool,
    /// How many distinct double and triple points were found (`double_points` keeps the most
    /// damaging [`Options::double_point_limit`]).
    #[serde(default)]
    pub double_points_total: usize,
    /// Per target, with `availability`/`mtbf` figures on components (empty without any).
    pub availability: Vec<AvailabilityEntry>,
    /// What each credential holder's compromise reaches, widest first.
    pub credential_reach: Vec<ReachEntry>,
    /// For meshes: each shard's and relay's outage in the mesh's own terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mesh: Vec<MeshOutageEntry>,
    /// Analyses that could not complete (a budget ran out, or the report keeps only the most
    /// damaging double points): their answers are bounds or partial lists; each says why and
    /// what settles it. `check` fails on these for the kinds it denies, unless told
    /// `--allow-partial`; `diff` does not call a finding they may have left out fixed.
    #[serde(default)]
    pub incomplete: Vec<Incomplete>,
    /// What the topology holds that its inputs did not plainly declare: importers' inferences,
    /// overlay refinements, observations.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// The design compared with what traces observed ([`Report::observe`]), when they were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<ObservedReport>,
    /// Each tailnet policy file checked against the estate ([`Report::police`]), when some were
    /// given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy: Vec<crate::policy_report::PolicySection>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeshOutageEntry {
    pub failure: Name,
    pub sentence: String,
    pub tailnets: Vec<crate::mesh::TailnetImpact>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DoublePointEntry {
    pub components: Vec<Name>,
    /// Targets this set takes down and for which it is minimal.
    pub takes_down: Vec<Name>,
    /// Everything it takes down, itself excluded.
    pub components_down: u32,
    /// The same failure under other names: sets of as many members, each pairwise equivalent
    /// to one of `components`, taking down the same targets and exactly the same components
    /// outside the two sets (a data center and the only region it stands in).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equivalent: Vec<Vec<Name>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportanceEntry {
    pub component: Name,
    pub birnbaum: f64,
    pub fussell_vesely: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityEntry {
    pub target: Name,
    pub availability: f64,
    /// "exact" or "monte_carlo".
    pub method: String,
    /// 95% interval; equal bounds for exact results.
    pub interval: [f64; 2],
    /// The components that dominate its unavailability (Fussell–Vesely), at most five.
    pub dominated_by: Vec<ImportanceEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReachEntry {
    pub component: Name,
    pub direct: Vec<Name>,
    pub reaches: Vec<Name>,
}

impl Report {
    /// Findings of the given kinds.
    pub fn findings_of(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }

    /// Adds the comparison of the design (`compiled`, the one this report analysed) with what
    /// traces observed: the `observed` section, its findings (hidden and unobserved
    /// dependencies, in severity order with the others) and what its budget cut.
    ///
    /// # Complexity
    /// That of [`crate::observed::compare`].
    pub fn observe(&mut self, compiled: &Compiled, observation: &Observation, limits: &Limits) {
        let comparison = crate::observed::compare(compiled, observation, limits);
        self.findings.extend(comparison.findings);
        crate::finding::sort(&mut self.findings);
        self.incomplete.extend(comparison.incomplete.into_iter().map(|reason| Incomplete {
            analysis: FindingKind::HiddenDependency,
            subject: None,
            reason,
            // A coarse weighing may misjudge what a hidden call touches: counted as critical.
            critical: true,
            targets: Vec::new(),
        }));
        self.observed = Some(comparison.report);
    }

    /// Adds a policy file's section (checked against the estate of `model`, the one this report
    /// analysed) and its findings ([`crate::policy_report::finding`]), keeping the findings most
    /// severe first.
    pub fn police(&mut self, model: &Model, section: crate::policy_report::PolicySection) {
        self.findings.extend(section.findings.iter().map(|f| crate::policy_report::finding(model, f)));
        self.findings.sort_by_key(|f| f.severity);
        self.policy.push(section);
    }
}

/// Knobs of [`analyze`]. Every cut they cause is said in [`Report::incomplete`].
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Failure sets one gate's redundancy search may try before reporting bounds (and a greedy
    /// witness).
    pub redundancy_budget: u64,
    /// How many entries the criticality ranking keeps.
    pub criticality_limit: usize,
    /// Candidate sets the double-point search may try over all targets (spread over them: see
    /// [`algo::cut_sets`]).
    pub cut_budget: u64,
    /// Largest cut set order searched (2 or 3).
    pub cut_order: usize,
    /// How many double points the report keeps (the most damaging; the others are counted in
    /// [`Report::double_points_total`] and said in [`Report::incomplete`]).
    pub double_point_limit: usize,
    /// Seed of the Monte Carlo availability fallback.
    pub seed: u64,
    /// How many names each entry's list keeps (the targets of a single point of failure, the
    /// failures of a blind spot, what a failure blinds or leaves unable to restart); each entry
    /// carries its full count beside, and text and Markdown say when a list was cut. At least
    /// 3 are kept.
    pub list_limit: usize,
}

/// The default [`Options::list_limit`]: on a 1,000-deep spine under 100,000 leaves every spine
/// node takes down every leaf, and listing them all would be 10^8 names.
pub const LIST_LIMIT: usize = 1_000;

/// The most targets the single points of failure's lists hold together: each list keeps the
/// largest number up to [`Options::list_limit`] that keeps them within it (at least 3). In a
/// cycle of 20,000 Kubernetes Deployments calling each other, 38,956 equivalent single points
/// of failure each took down the same ~1,000 targets: 37.5 million names, 1 GB.
pub const LISTED_TOTAL: usize = 2_000_000;

impl Default for Options {
    fn default() -> Self {
        Options {
            redundancy_budget: algo::DEFAULT_BUDGET,
            criticality_limit: 50,
            cut_budget: algo::DEFAULT_CUT_BUDGET,
            cut_order: 3,
            double_point_limit: 50,
            seed: 1,
            list_limit: LIST_LIMIT,
        }
    }
}

/// Runs every analysis and assembles the report.
///
/// ```
/// use blastmap_core::{analyze, load, report::Options};
/// let c = load("components:\n- {id: web, requires: [consul]}\n- {id: consul}\n").unwrap();
/// let r = analyze(&c, &Options::default());
/// assert_eq!(r.spofs[0].component, "consul");
/// ```
///
/// # Complexity
/// Dominated by [`algo::single_failures`] and, for gates without a single point of failure, the
/// bounded search of [`algo::redundancy`]; everything else is near-linear in the model and in
/// the forest that stores the K sets, and the report's lists are cut at
/// [`Options::list_limit`] names each.
pub fn analyze(compiled: &Compiled, options: &Options) -> Report {
    analyze_with_progress(compiled, options, &mut |_, _| {})
}

/// [`analyze`], calling `progress(step, fraction)` between steps (for progress bars and workers).
pub fn analyze_with_progress(compiled: &Compiled, options: &Options, progress: &mut dyn FnMut(&str, f32)) -> Report {
    analyze_on(compiled, options, progress, &Sequential)
}

/// [`analyze_with_progress`], running what does not depend on each other through `pool`: what
/// does not need the single failures beside them, then the double point search beside the
/// other analyses, then the findings beside the ranking of double points and the report's
/// lists (each side about as long, at scale). `progress` is called from the calling thread
/// only.
pub fn analyze_on(
    compiled: &Compiled,
    options: &Options,
    progress: &mut dyn FnMut(&str, f32),
    pool: &impl Join,
) -> Report {
    let model = &compiled.model;
    let generated: Vec<bool> = model.ids().map(|v| compiled.source(v).is_some_and(|s| s.generated.is_some())).collect();
    let cx = Context::new(model).with_generated(generated);
    let names = |ids: &[NodeId]| model.names(ids);
    let name = |v: NodeId| model.shared_name(v);
    let limit = options.list_limit.max(3);
    let cut = |ids: &[NodeId]| model.names(ids.get(..limit).unwrap_or(ids));
    progress("single failures", 0.0);
    let (killers, (cold, cycles, avail, reach, outages)) = pool.join(
        || algo::single_failures(model),
        || {
            let cold = algo::cold_start(model);
            let cycles = algo::cycles(model);
            let avail = algo::availability(model, options.seed);
            let reach = algo::credential_reach(model);
            let outages = compiled.mesh.as_ref().map(|mesh| crate::mesh::outages(model, mesh)).unwrap_or_default();
            (cold, cycles, avail, reach, outages)
        },
    );
    let down_counts = killers.down_counts();
    progress("single points of failure, redundancy, double points of failure", 0.4);
    let prefer = |v: NodeId| (cx.is_generated(v), model.node(v).is_placement(), v);
    // The double point search beside the rest, with the blind spots, blindings and restart
    // hazards on its side (at 1M edges the sides take ~125 ms each; the search alone ~105
    // against ~150). The classes go first on the other side, since the ranking of double
    // points needs them (it runs beside the findings below).
    let ((equivalence, spofs, criticality, redundancy), (cuts, blind, blindings, restart)) = pool.join(
        || {
            let equivalence = algo::Equivalence::new(model, &killers);
            let spofs = algo::spofs_within(model, &killers, limit, LISTED_TOTAL);
            let criticality = algo::criticality(model, &killers, &down_counts);
            let redundancy = algo::redundancy(model, &killers, &down_counts, options.redundancy_budget);
            (equivalence, spofs, criticality, redundancy)
        },
        || {
            let cuts = algo::cut_sets(model, &killers, options.cut_order, options.cut_budget);
            let blind = algo::blind_spots(model, &killers, limit);
            let blindings = algo::blindings(model, &killers);
            let restart = algo::restart_hazards(model, &killers);
            (cuts, blind, blindings, restart)
        },
    );
    progress("report", 0.8);

    let lists = |ranked: &algo::Ranked| {
        let (doubles, double_points_total) = (&ranked.kept, ranked.total);
        let placement_values = model.ids().filter(|&v| model.node(v).is_placement()).count();
        Report {
            name: model.name.clone(),
            summary: Summary {
                components: model.len() - placement_values,
                placement_values,
                edges: model.edge_count(),
            },
            targets: names(model.targets()),
            findings: Vec::new(),
            spofs: spofs
                .iter()
                .map(|s| SpofEntry {
                    component: name(s.component),
                    takes_down: names(&s.takes_down),
                    takes_down_count: s.takes_down_count as usize,
                })
                .collect(),
            redundancy: redundancy
                .iter()
                .map(|r| RedundancyEntry {
                    component: name(r.component),
                    need: r.need,
                    of: r.of,
                    declared_tolerance: r.declared,
                    actual_tolerance: r.actual,
                    minimal_failure: names(&r.minimal_failure),
                    exact: r.exact,
                    at_least: r.at_least,
                })
                .collect(),
            cycles: cycles
                .iter()
                .map(|c| CycleEntry { kind: c.kind, components: names(&c.members), path: names(&c.path) })
                .collect(),
            blind_spots: blind
                .iter()
                .map(|b| BlindSpotEntry {
                    component: name(b.component),
                    monitors: names(&b.monitors),
                    failures: names(&b.failures),
                    failures_count: b.failures_count as usize,
                })
                .collect(),
            blindings: {
                let mut entries: Vec<&algo::Blinding> = blindings.iter().collect();
                entries.sort_by(|a, b| b.blinded.len().cmp(&a.blinded.len()).then(a.failure.cmp(&b.failure)));
                entries
                    .into_iter()
                    .map(|b| BlindingEntry {
                        failure: name(b.failure),
                        blinded: cut(&b.blinded),
                        blinded_count: b.blinded.len(),
                    })
                    .collect()
            },
            cold_start: ColdStartEntry {
                waves: cold.waves.iter().map(|w| names(w)).collect(),
                deadlocked: names(&cold.deadlocked),
                blocking_cycles: cold.cycles.iter().map(|c| names(c)).collect(),
            },
            restart_hazards: restart
                .iter()
                .map(|h| RestartEntry {
                    failure: name(h.failure),
                    cannot_restart: cut(&h.cannot_restart),
                    cannot_restart_count: h.cannot_restart.len(),
                })
                .collect(),
            double_points: doubles
                .iter()
                .map(|d| DoublePointEntry {
                    components: names(&d.set),
                    takes_down: names(&d.takes_down),
                    components_down: d.components_down,
                    equivalent: d.equivalent.iter().map(|s| names(s)).collect(),
                })
                .collect(),
            double_points_complete: cuts.complete,
            double_points_total,
            availability: avail
                .iter()
                .map(|a| AvailabilityEntry {
                    target: name(a.target),
                    availability: a.availability,
                    method: match a.method {
                        algo::Method::Exact => "exact".into(),
                        algo::Method::MonteCarlo => "monte_carlo".into(),
                    },
                    interval: [a.interval.0, a.interval.1],
                    dominated_by: a
                        .importance
                        .iter()
                        .take(5)
                        .map(|i| ImportanceEntry {
                            component: name(i.component),
                            birnbaum: i.birnbaum,
                            fussell_vesely: i.fussell_vesely,
                        })
                        .collect(),
                })
                .collect(),
            credential_reach: reach
                .iter()
                .map(|r| ReachEntry {
                    component: name(r.component),
                    direct: names(&r.direct),
                    reaches: names(&r.reaches),
                })
                .collect(),
            mesh: outages
                .iter()
                .map(|o| MeshOutageEntry {
                    failure: name(o.failure),
                    sentence: o.sentence.clone(),
                    tailnets: o.tailnets.clone(),
                })
                .collect(),
            criticality: criticality
                .iter()
                .take(options.criticality_limit)
                .map(|c| CriticalityEntry {
                    component: name(c.component),
                    targets_down: c.targets_down,
                    components_down: c.components_down,
                })
                .collect(),
            incomplete: Vec::new(),
            notes: compiled.expanded().notes.clone(),
            observed: None,
            policy: Vec::new(),
        }
    };
    // The findings beside the ranking of double points and the report's lists (they read the
    // same results); the blind spots, as many as the components, are shared between the two.
    let (blind_early, blind_late) = blind.split_at(blind.len() * 3 / 5);
    let ((first, blind_early), (ranked, mut report, blind_late)) = pool.join(
        || {
            let mut findings = algo::cold_start::findings(&cold, &cx);
            findings.extend(algo::spof::findings(&spofs, &cx, &equivalence, &down_counts));
            findings.extend(algo::redundancy::findings(&redundancy, &cx));
            (findings, algo::blind_spots::findings(blind_early, &cx))
        },
        || {
            let ranked = cuts.ranked(model, &killers, &equivalence, &prefer, options.double_point_limit);
            let report = lists(&ranked);
            (ranked, report, algo::blind_spots::findings(blind_late, &cx))
        },
    );
    let mut findings = first;
    findings.extend(blind_early);
    findings.extend(blind_late);
    findings.extend(algo::blinding::findings(&blindings, &cx));
    findings.extend(algo::cycles::findings(&cycles, &cx));
    findings.extend(algo::restart::findings(&restart, &cx));
    findings.extend(algo::cut_sets::findings(&ranked.kept, &cx));
    findings.extend(algo::security::findings(&reach, &cx));
    findings.extend(crate::mesh::findings(&outages, &cx));
    crate::finding::sort(&mut findings);

    let mut incomplete: Vec<Incomplete> = redundancy
        .iter()
        .filter(|r| !r.exact)
        .map(|r| Incomplete {
            analysis: FindingKind::FalseRedundancy,
            subject: Some(name(r.component)),
            reason: redundancy_cut(model, r),
            critical: cx.touches(r.component),
            targets: Vec::new(),
        })
        .collect();
    if !cuts.complete {
        incomplete.push(cut_search_cut(model, &cuts));
    }
    if ranked.total > ranked.kept_sets {
        let kept = if ranked.kept_sets > ranked.kept.len() {
            format!("{} most damaging entries ({} sets with their equivalents)", ranked.kept.len(), ranked.kept_sets)
        } else {
            format!("{} most damaging", ranked.kept.len())
        };
        incomplete.push(Incomplete {
            analysis: FindingKind::DoublePoint,
            subject: None,
            reason: format!(
                "the report keeps the {kept} of {} double and triple points; the other {} are left out",
                ranked.total,
                ranked.total - ranked.kept_sets
            ),
            critical: ranked.left_out_critical,
            targets: Vec::new(),
        });
    }
    report.findings = findings;
    report.incomplete = incomplete;
    progress("done", 1.0);
    report
}

/// How [`analyze_on`] runs two independent parts of the analysis: the core has no threads of
/// its own (it runs in the browser's worker, where wasm32 has none), so a caller that has them
/// says how to use them. Either way the report is the same: each part is pure and returns its
/// own result.
pub trait Join {
    /// `a()` and `b()`, in any order or at the same time.
    fn join<A: Send, B: Send>(&self, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B);
}

/// One part after the other, on the calling thread.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sequential;

impl Join for Sequential {
    fn join<A: Send, B: Send>(&self, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
        (a(), b())
    }
}

/// Why a gate's tolerance is a bound, and how to settle it.
fn redundancy_cut(model: &Model, r: &algo::Redundancy) -> String {
    let gate = model.name(r.component);
    let searched = if r.at_least <= 1 {
        "the search ran out of budget among the pairs (no single failure takes it down)".to_string()
    } else {
        format!("the search ran out of budget after every set of up to {} failures", r.at_least)
    };
    let settle = |what: &str| match r.budget_to_settle {
        Some(n) => format!("`--budget {n}` {what}"),
        None => format!("no budget {what} (more than 2^64 sets)"),
    };
    if r.is_false() {
        format!(
            "`{gate}`: {searched}; a greedy search found {} failures that take it down: it tolerates between {} and {} (declared {}), so its redundancy is false either way; {}",
            r.actual + 1,
            r.at_least,
            r.actual,
            r.declared,
            settle("settles the exact tolerance")
        )
    } else {
        format!(
            "`{gate}`: undecided: {searched}, and no greedy witness beats the declaration: it tolerates between {} and {} failures (declared {}), so its redundancy may be false; {}",
            r.at_least,
            r.actual,
            r.declared,
            settle("decides it")
        )
    }
}

/// Which targets the double/triple point search left partial or undone, and the budget that
/// finishes it.
fn cut_search_cut(model: &Model, cuts: &algo::CutSets) -> Incomplete {
    let listed = |pick: &dyn Fn(&algo::TargetSearch) -> Option<String>| -> (usize, String) {
        let items: Vec<String> = cuts.searches.iter().filter_map(pick).collect();
        let shown: Vec<String> = items.iter().take(5).cloned().collect();
        let more = if items.len() > 5 {
            format!("; and {} more", crate::finding::thousands(items.len() - 5))
        } else {
            String::new()
        };
        (items.len(), format!("{}{more}", shown.join("; ")))
    };
    let complete = cuts.searches.iter().filter(|s| s.coverage == algo::Coverage::Complete).count();
    let (partly, partly_names) = listed(&|s| match s.coverage {
        algo::Coverage::Partial { through } => {
            Some(format!("`{}`: {}", model.name(s.target), if through >= 2 { "pairs only" } else { "pairs cut short" }))
        }
        _ => None,
    });
    let (undone, undone_names) =
        listed(&|s| (s.coverage == algo::Coverage::NotSearched).then(|| format!("`{}`", model.name(s.target))));
    let n = crate::finding::thousands;
    let mut parts = vec![format!("{} of {} targets searched completely", n(complete), n(cuts.searches.len()))];
    if partly > 0 {
        parts.push(format!("{} partly ({partly_names})", n(partly)));
    }
    if undone > 0 {
        parts.push(format!("{} not at all ({undone_names})", n(undone)));
    }
    let cut: Vec<&algo::TargetSearch> =
        cuts.searches.iter().filter(|s| s.coverage != algo::Coverage::Complete).collect();
    let finish = match cuts.budget_to_finish() {
        Some(u64::MAX) => "no budget finishes it (more than 2^64 sets)".to_string(),
        Some(n) => format!("`--cut-budget {n}` finishes it"),
        None => "raise --cut-budget (the targets not reached were not sized)".to_string(),
    };
    Incomplete {
        analysis: FindingKind::DoublePoint,
        subject: None,
        reason: format!(
            "the double/triple point search ran out of budget after {} {}: {}; {finish}",
            usize::try_from(cuts.tried).map_or_else(|_| cuts.tried.to_string(), n),
            if cuts.tried == 1 { "set" } else { "sets" },
            parts.join(", ")
        ),
        critical: cut.iter().any(|s| model.node(s.target).critical),
        targets: cut.iter().map(|s| model.shared_name(s.target)).collect(),
    }
}

/// One component's state in a what-if, for reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AffectedEntry {
    pub component: Name,
    pub status: Status,
    pub cannot_restart: bool,
    pub unmonitored: bool,
    /// From a failed component to this one: each step depends on the one before.
    pub path: Vec<Name>,
}

/// A what-if as plain data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WhatIfReport {
    pub failed: Vec<Name>,
    pub targets_down: Vec<Name>,
    pub targets_total: usize,
    /// Every component not simply up, in node order.
    pub affected: Vec<AffectedEntry>,
    /// For meshes: what happens to each tailnet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tailnets: Vec<crate::mesh::TailnetImpact>,
}

impl WhatIfReport {
    /// Builds the report of a what-if (`mesh` adds what happens to each tailnet).
    pub fn new(model: &Model, mesh: Option<&crate::mesh::Mesh>, w: &algo::WhatIf) -> Self {
        WhatIfReport {
            failed: model.names(&w.failed),
            targets_down: model.names(&w.targets_down(model)),
            targets_total: model.targets().len(),
            affected: model
                .ids()
                .filter(|&v| w.affected(v))
                .map(|v| AffectedEntry {
                    component: model.shared_name(v),
                    status: w.status[v as usize],
                    cannot_restart: w.cannot_restart[v as usize],
                    unmonitored: w.unmonitored[v as usize],
                    path: model.names(&w.explain(model, v)),
                })
                .collect(),
            tailnets: mesh.map(|m| crate::mesh::impact(model, m, w)).unwrap_or_default(),
        }
    }
}
