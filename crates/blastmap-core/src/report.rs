//! The report: every analysis's result as plain data with component ids, plus one flat list of
//! findings, most severe first, each naming the components that are its evidence.

use serde::{Deserialize, Serialize};

use crate::algo::{self, CycleKind, Status};
use crate::model::{Model, NodeId};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

/// The kinds of finding, as named by `check --deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    Deadlock,
    Spof,
    FalseRedundancy,
    BlindSpot,
    Cycle,
    RestartHazard,
    DoublePoint,
    CredentialReach,
    MeshOutage,
}

impl FindingKind {
    pub const ALL: [FindingKind; 9] = [
        FindingKind::Deadlock,
        FindingKind::Spof,
        FindingKind::FalseRedundancy,
        FindingKind::BlindSpot,
        FindingKind::Cycle,
        FindingKind::RestartHazard,
        FindingKind::DoublePoint,
        FindingKind::CredentialReach,
        FindingKind::MeshOutage,
    ];

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Deadlock => "deadlock",
            FindingKind::Spof => "spof",
            FindingKind::FalseRedundancy => "false-redundancy",
            FindingKind::BlindSpot => "blind-spot",
            FindingKind::Cycle => "cycle",
            FindingKind::RestartHazard => "restart-hazard",
            FindingKind::DoublePoint => "double-point",
            FindingKind::CredentialReach => "credential-reach",
            FindingKind::MeshOutage => "mesh-outage",
        }
    }

    /// Parses a command-line name.
    pub fn parse(name: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One finding: what is wrong, about which component, and the evidence to draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// The component the finding is about.
    pub subject: String,
    /// One line a person reads.
    pub title: String,
    /// The components to highlight as evidence (the subject first).
    pub evidence: Vec<String>,
    /// True when the finding touches a critical component (a critical target taken down, or a
    /// critical component as its subject); `check --deny KIND:critical` keys on it.
    #[serde(default)]
    pub critical: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpofEntry {
    pub component: String,
    pub takes_down: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RedundancyEntry {
    pub component: String,
    pub need: u32,
    pub of: u32,
    pub declared_tolerance: u32,
    pub actual_tolerance: u32,
    pub minimal_failure: Vec<String>,
    /// False when the search was bounded: `actual_tolerance` is then an upper bound and
    /// `at_least` a lower one.
    pub exact: bool,
    pub at_least: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CycleEntry {
    pub kind: CycleKind,
    pub components: Vec<String>,
    /// One closed walk through the cycle: each requires the next.
    pub path: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlindSpotEntry {
    pub component: String,
    pub monitors: Vec<String>,
    pub failures: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ColdStartEntry {
    pub waves: Vec<Vec<String>>,
    pub deadlocked: Vec<String>,
    /// The cycles among deadlocked components that block all the others.
    pub blocking_cycles: Vec<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RestartEntry {
    pub failure: String,
    pub cannot_restart: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriticalityEntry {
    pub component: String,
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
    pub targets: Vec<String>,
    pub findings: Vec<Finding>,
    pub spofs: Vec<SpofEntry>,
    pub redundancy: Vec<RedundancyEntry>,
    pub cycles: Vec<CycleEntry>,
    pub blind_spots: Vec<BlindSpotEntry>,
    pub cold_start: ColdStartEntry,
    pub restart_hazards: Vec<RestartEntry>,
    /// The most critical components first (at most [`Options::criticality_limit`]).
    pub criticality: Vec<CriticalityEntry>,
    /// Minimal failure sets of two or three components that take targets down, most damaging first.
    pub double_points: Vec<DoublePointEntry>,
    /// False when a search budget cut the cut-set search: `double_points` is then partial.
    pub double_points_complete: bool,
    /// Per target, with `availability`/`mtbf` figures on components (empty without any).
    pub availability: Vec<AvailabilityEntry>,
    /// What each credential holder's compromise reaches, widest first.
    pub credential_reach: Vec<ReachEntry>,
    /// For meshes: each shard's and relay's outage in the mesh's own terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mesh: Vec<MeshOutageEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeshOutageEntry {
    pub failure: String,
    pub sentence: String,
    pub tailnets: Vec<crate::mesh::TailnetImpact>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DoublePointEntry {
    pub components: Vec<String>,
    /// Targets this set takes down and for which it is minimal.
    pub takes_down: Vec<String>,
    /// Everything it takes down, itself excluded.
    pub components_down: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportanceEntry {
    pub component: String,
    pub birnbaum: f64,
    pub fussell_vesely: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityEntry {
    pub target: String,
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
    pub component: String,
    pub direct: Vec<String>,
    pub reaches: Vec<String>,
}

impl Report {
    /// Findings of the given kinds.
    pub fn findings_of(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}

/// Knobs of [`analyze`].
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Failure sets one gate's redundancy search may try before reporting a bound.
    pub redundancy_budget: u64,
    /// How many entries the criticality ranking keeps.
    pub criticality_limit: usize,
    /// Candidate sets the double-point search may try over all targets.
    pub cut_budget: u64,
    /// Largest cut set order searched (2 or 3).
    pub cut_order: usize,
    /// How many double points the report keeps.
    pub double_point_limit: usize,
    /// Seed of the Monte Carlo availability fallback.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            redundancy_budget: algo::DEFAULT_BUDGET,
            criticality_limit: 50,
            cut_budget: algo::DEFAULT_CUT_BUDGET,
            cut_order: 3,
            double_point_limit: 50,
            seed: 1,
        }
    }
}

/// Runs every analysis and assembles the report.
///
/// ```
/// use blastmap_core::{analyze, format::load, report::Options};
/// let (_, m) = load("components:\n- {id: web, requires: [consul]}\n- {id: consul}\n").unwrap();
/// let r = analyze(&m, &Options::default());
/// assert_eq!(r.spofs[0].component, "consul");
/// ```
///
/// # Complexity
/// Dominated by [`algo::single_failures`] and, for gates without a single point of failure, the
/// bounded search of [`algo::redundancy`]; everything else is linear in the model and in the K sets.
pub fn analyze(model: &Model, options: &Options) -> Report {
    analyze_with_progress(model, options, &mut |_, _| {})
}

/// [`analyze`], calling `progress(step, total)` between steps (for progress bars and workers).
pub fn analyze_with_progress(model: &Model, options: &Options, progress: &mut dyn FnMut(&str, f32)) -> Report {
    let names = |ids: &[NodeId]| model.names(ids);
    let name = |v: NodeId| model.name(v).to_string();
    progress("single failures", 0.0);
    let killers = algo::single_failures(model);
    let down_counts = killers.down_counts();
    progress("single points of failure", 0.35);
    let spofs = algo::spofs(model, &killers);
    let criticality = algo::criticality(model, &killers, &down_counts);
    progress("redundancy", 0.45);
    let redundancy = algo::redundancy(model, &killers, &down_counts, options.redundancy_budget);
    progress("cycles", 0.7);
    let cycles = algo::cycles(model);
    progress("blind spots", 0.8);
    let blind = algo::blind_spots(model, &killers);
    progress("cold start", 0.85);
    let cold = algo::cold_start(model);
    progress("restart hazards", 0.92);
    let restart = algo::restart_hazards(model, &killers);
    progress("double points of failure", 0.93);
    let cuts = algo::cut_sets(model, &killers, options.cut_order, options.cut_budget);
    progress("availability", 0.95);
    let avail = algo::availability(model, options.seed);
    let reach = algo::credential_reach(model);
    progress("report", 0.97);
    let critical_targets = model.targets().iter().any(|&t| model.node(t).critical);
    let is_critical = |v: NodeId| model.node(v).critical;
    let in_critical_cone = critical_cone(model);
    let touches = |v: NodeId| in_critical_cone[v as usize];
    let mut findings = Vec::new();
    for c in &cold.cycles {
        let blocked = cold.deadlocked.iter().filter(|v| c.binary_search(v).is_err()).count();
        findings.push(Finding {
            kind: FindingKind::Deadlock,
            severity: Severity::Critical,
            subject: name(c[0]),
            title: format!(
                "cold start deadlocks: {} wait for each other{}",
                join(&names(c)),
                if blocked > 0 { format!(", blocking {blocked} more") } else { String::new() }
            ),
            evidence: names(c),
            critical: cold.deadlocked.iter().any(|&v| touches(v)),
        });
    }
    let mut spof_findings: Vec<(usize, Finding)> = spofs
        .iter()
        .map(|s| {
            let n = s.takes_down.len();
            let severity = if critical_targets { Severity::Critical } else { Severity::High };
            let what = if n <= 3 { join(&names(&s.takes_down)) } else { format!("{n} targets") };
            let evidence = evidence(model, &[s.component], &s.takes_down);
            let title = format!("single point of failure: `{}` takes down {what}", model.name(s.component));
            let critical = s.takes_down.iter().any(|&t| is_critical(t));
            (n, Finding { kind: FindingKind::Spof, severity, subject: name(s.component), title, evidence, critical })
        })
        .collect();
    spof_findings.sort_by_key(|f| std::cmp::Reverse(f.0));
    findings.extend(spof_findings.into_iter().map(|(_, f)| f));
    for r in redundancy.iter().filter(|r| r.is_false()) {
        let failing = join(&names(&r.minimal_failure));
        let title = if r.actual == 0 {
            format!(
                "false redundancy: `{}` declares {}-of-{} (tolerates {}) but {} alone takes it down",
                model.name(r.component),
                r.need,
                r.of,
                r.declared,
                failing
            )
        } else {
            format!(
                "false redundancy: `{}` declares tolerance {} but tolerates {}: {} together take it down",
                model.name(r.component),
                r.declared,
                r.actual,
                failing
            )
        };
        let mut evidence = vec![name(r.component)];
        evidence.extend(names(&r.minimal_failure));
        let critical = touches(r.component);
        findings.push(Finding {
            kind: FindingKind::FalseRedundancy,
            severity: Severity::High,
            subject: name(r.component),
            title,
            evidence,
            critical,
        });
    }
    for b in &blind {
        let title = format!(
            "monitoring blind spot: `{}` and all its monitors ({}) go down together when {} fails",
            model.name(b.component),
            join(&names(&b.monitors)),
            first_and_more(&names(&b.failures))
        );
        let mut head = vec![b.component];
        head.extend_from_slice(&b.monitors);
        let evidence = evidence(model, &head, &b.failures);
        let critical = touches(b.component);
        findings.push(Finding {
            kind: FindingKind::BlindSpot,
            severity: Severity::High,
            subject: name(b.component),
            title,
            evidence,
            critical,
        });
    }
    let cycle_entries: Vec<CycleEntry> = cycles
        .iter()
        .map(|c| {
            let path = match c.kind {
                CycleKind::Runtime => algo::cycle_path(&c.members, |v| model.runtime_deps(v).collect::<Vec<_>>()),
                CycleKind::Start => algo::cycle_path(&c.members, |v| {
                    model.runtime_deps(v).chain(model.start(v).iter().copied()).collect::<Vec<_>>()
                }),
            };
            CycleEntry { kind: c.kind, components: names(&c.members), path: names(&path) }
        })
        .collect();
    for c in &cycle_entries {
        let what = match c.kind {
            CycleKind::Runtime => "runtime dependency cycle",
            CycleKind::Start => "start-time dependency cycle",
        };
        findings.push(Finding {
            kind: FindingKind::Cycle,
            severity: Severity::Medium,
            subject: c.components[0].clone(),
            title: format!("{what}: {}", c.path.join(" → ")),
            evidence: c.components.clone(),
            critical: c.components.iter().filter_map(|id| model.lookup(id)).any(touches),
        });
    }
    let mut restart_sorted: Vec<&algo::RestartHazard> = restart.iter().collect();
    restart_sorted.sort_by(|a, b| b.cannot_restart.len().cmp(&a.cannot_restart.len()).then(a.failure.cmp(&b.failure)));
    for h in restart_sorted {
        let n = h.cannot_restart.len();
        let title = format!(
            "restart hazard: while `{}` is down, {} but could not start again",
            model.name(h.failure),
            if n == 1 {
                format!("`{}` stays up", model.name(h.cannot_restart[0]))
            } else {
                format!("{n} components stay up")
            }
        );
        let evidence = evidence(model, &[h.failure], &h.cannot_restart);
        let critical = h.cannot_restart.iter().any(|&v| touches(v));
        findings.push(Finding {
            kind: FindingKind::RestartHazard,
            severity: Severity::Medium,
            subject: name(h.failure),
            title,
            evidence,
            critical,
        });
    }

    let mut doubles: Vec<(Vec<NodeId>, Vec<NodeId>)> = cuts.by_set().into_iter().collect();
    doubles.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.len().cmp(&b.0.len())).then(a.0.cmp(&b.0)));
    doubles.truncate(options.double_point_limit);
    let double_points: Vec<DoublePointEntry> = doubles
        .iter()
        .map(|(set, targets)| DoublePointEntry {
            components: names(set),
            takes_down: names(targets),
            components_down: (algo::steady_state(model, set).order.len() - set.len()) as u32,
        })
        .collect();
    for (d, (_, targets)) in double_points.iter().zip(&doubles) {
        let what =
            if d.takes_down.len() <= 3 { join(&d.takes_down) } else { format!("{} targets", d.takes_down.len()) };
        let mut evidence = d.components.clone();
        evidence.extend(d.takes_down.iter().cloned());
        findings.push(Finding {
            kind: FindingKind::DoublePoint,
            severity: Severity::Medium,
            subject: d.components[0].clone(),
            title: format!(
                "{} point of failure: {} together take down {what} ({} components)",
                if d.components.len() == 2 { "double" } else { "triple" },
                join(&d.components),
                d.components_down
            ),
            evidence,
            critical: targets.iter().any(|&t| is_critical(t)),
        });
    }
    for r in &reach {
        if r.reaches.len() < 2 {
            continue;
        }
        let severity = if r.reaches.len() >= algo::LEAST_PRIVILEGE { Severity::High } else { Severity::Medium };
        let evidence = evidence(model, &[r.component], &r.reaches);
        findings.push(Finding {
            kind: FindingKind::CredentialReach,
            severity,
            subject: name(r.component),
            title: format!(
                "credential reach: compromise of `{}` reaches {} components ({} through its own credentials){}",
                model.name(r.component),
                r.reaches.len(),
                r.direct.len(),
                if severity == Severity::High { ": least privilege" } else { "" }
            ),
            evidence,
            critical: r.reaches.iter().any(|&v| is_critical(v)),
        });
    }

    let mut mesh_entries = Vec::new();
    if let Some(mesh) = &model.mesh {
        for (x, impacts) in crate::mesh::outages(model, mesh) {
            let sentence = crate::mesh::sentence(model.name(x), &impacts);
            let touched: Vec<&crate::mesh::TailnetImpact> = impacts
                .iter()
                .filter(|i| {
                    i.admin_blocked || !i.drop_if_restarted.is_empty() || !i.nodes_down.is_empty() || i.pairs_cut > 0
                })
                .collect();
            if !touched.is_empty() {
                let severity = if touched.iter().any(|i| i.pairs_cut > 0 || !i.nodes_down.is_empty()) {
                    Severity::High
                } else {
                    Severity::Medium
                };
                let mut evidence = vec![name(x)];
                for i in &touched {
                    evidence.extend(i.drop_if_restarted.iter().cloned());
                    evidence.extend(i.unreachable.iter().cloned());
                }
                findings.push(Finding {
                    kind: FindingKind::MeshOutage,
                    severity,
                    subject: name(x),
                    title: sentence.clone(),
                    evidence,
                    critical: false,
                });
            }
            mesh_entries.push(MeshOutageEntry { failure: name(x), sentence, tailnets: impacts });
        }
    }
    findings.sort_by_key(|f| f.severity);

    let placement_values = model.ids().filter(|&v| model.node(v).is_placement()).count();
    let report = Report {
        name: model.name.clone(),
        summary: Summary { components: model.len() - placement_values, placement_values, edges: model.edge_count() },
        targets: names(model.targets()),
        findings,
        spofs: spofs
            .iter()
            .map(|s| SpofEntry { component: name(s.component), takes_down: names(&s.takes_down) })
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
        cycles: cycle_entries,
        blind_spots: blind
            .iter()
            .map(|b| BlindSpotEntry {
                component: name(b.component),
                monitors: names(&b.monitors),
                failures: names(&b.failures),
            })
            .collect(),
        cold_start: ColdStartEntry {
            waves: cold.waves.iter().map(|w| names(w)).collect(),
            deadlocked: names(&cold.deadlocked),
            blocking_cycles: cold.cycles.iter().map(|c| names(c)).collect(),
        },
        restart_hazards: restart
            .iter()
            .map(|h| RestartEntry { failure: name(h.failure), cannot_restart: names(&h.cannot_restart) })
            .collect(),
        double_points,
        double_points_complete: cuts.complete,
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
            .map(|r| ReachEntry { component: name(r.component), direct: names(&r.direct), reaches: names(&r.reaches) })
            .collect(),
        mesh: mesh_entries,
        criticality: criticality
            .iter()
            .take(options.criticality_limit)
            .map(|c| CriticalityEntry {
                component: name(c.component),
                targets_down: c.targets_down,
                components_down: c.components_down,
            })
            .collect(),
    };
    progress("done", 1.0);
    report
}

/// Evidence drawn for one finding is capped: the full lists are in the report's sections.
pub const EVIDENCE_LIMIT: usize = 64;

/// The names of `head` then `rest`, at most [`EVIDENCE_LIMIT`] in all.
fn evidence(model: &Model, head: &[NodeId], rest: &[NodeId]) -> Vec<String> {
    head.iter().chain(rest).take(EVIDENCE_LIMIT.max(head.len())).map(|&v| model.name(v).to_string()).collect()
}

/// `cone[v]`: a critical component is `v` or depends on it at runtime.
fn critical_cone(model: &Model) -> Vec<bool> {
    let mut cone = vec![false; model.len()];
    let mut stack: Vec<NodeId> = model.ids().filter(|&v| model.node(v).critical).collect();
    for &v in &stack {
        cone[v as usize] = true;
    }
    while let Some(v) = stack.pop() {
        for u in model.runtime_deps(v) {
            if !cone[u as usize] {
                cone[u as usize] = true;
                stack.push(u);
            }
        }
    }
    cone
}

fn join(items: &[String]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`", "`a`, `b`, `c` or 4 more".
fn first_and_more(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().take(3).map(|s| format!("`{s}`")).collect();
    match (quoted.as_slice(), items.len()) {
        ([], _) => String::new(),
        ([one], 1) => one.clone(),
        (shown, n) if n <= 3 => match shown.split_last() {
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        },
        (shown, n) => format!("{} or {} more", shown.join(", "), n - 3),
    }
}

/// One component's state in a what-if, for reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AffectedEntry {
    pub component: String,
    pub status: Status,
    pub cannot_restart: bool,
    pub unmonitored: bool,
    /// From a failed component to this one: each step depends on the one before.
    pub path: Vec<String>,
}

/// A what-if as plain data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WhatIfReport {
    pub failed: Vec<String>,
    pub targets_down: Vec<String>,
    pub targets_total: usize,
    /// Every component not simply up, in node order.
    pub affected: Vec<AffectedEntry>,
    /// For meshes: what happens to each tailnet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tailnets: Vec<crate::mesh::TailnetImpact>,
}

impl WhatIfReport {
    /// Builds the report of a what-if.
    pub fn new(model: &Model, w: &algo::WhatIf) -> Self {
        WhatIfReport {
            failed: model.names(&w.failed),
            targets_down: model.names(&w.targets_down(model)),
            targets_total: model.targets().len(),
            affected: model
                .ids()
                .filter(|&v| w.affected(v))
                .map(|v| AffectedEntry {
                    component: model.name(v).to_string(),
                    status: w.status[v as usize],
                    cannot_restart: w.cannot_restart[v as usize],
                    unmonitored: w.unmonitored[v as usize],
                    path: model.names(&w.explain(model, v)),
                })
                .collect(),
            tailnets: model.mesh.as_ref().map(|m| crate::mesh::impact(model, m, w)).unwrap_or_default(),
        }
    }
}
