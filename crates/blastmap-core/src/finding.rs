//! Findings: what a report says is wrong, one line each, with the components that are its
//! evidence. Every analysis builds its own findings (the `findings` function beside it, under
//! `algo/`); this module holds their shared types and the wording helpers.

use serde::{Deserialize, Serialize};

use crate::model::{Model, NodeId};
use crate::name::Name;

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
    Blinding,
    Cycle,
    RestartHazard,
    DoublePoint,
    CredentialReach,
    MeshOutage,
    /// A call the traces saw that the design does not declare (`observed`).
    HiddenDependency,
    /// A declared dependency the traces never show (`observed`).
    UnobservedDependency,
    /// A policy rule lets its sources reach every node on every port (`policy_report`).
    PolicyAllowsAll,
    /// What a compromised tag, group or node may reach under the policy (`policy_report`).
    PolicyBlastRadius,
    /// An account or tag that can get subnet routes or exit nodes approved without an admin.
    RouteTakeover,
    /// A peer relay the policy makes no path (`policy_report`).
    ForbiddenRelay,
}

impl FindingKind {
    pub const ALL: [FindingKind; 16] = [
        FindingKind::Deadlock,
        FindingKind::Spof,
        FindingKind::FalseRedundancy,
        FindingKind::BlindSpot,
        FindingKind::Blinding,
        FindingKind::Cycle,
        FindingKind::RestartHazard,
        FindingKind::DoublePoint,
        FindingKind::CredentialReach,
        FindingKind::MeshOutage,
        FindingKind::HiddenDependency,
        FindingKind::UnobservedDependency,
        FindingKind::PolicyAllowsAll,
        FindingKind::PolicyBlastRadius,
        FindingKind::RouteTakeover,
        FindingKind::ForbiddenRelay,
    ];

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Deadlock => "deadlock",
            FindingKind::Spof => "spof",
            FindingKind::FalseRedundancy => "false-redundancy",
            FindingKind::BlindSpot => "blind-spot",
            FindingKind::Blinding => "blinding",
            FindingKind::Cycle => "cycle",
            FindingKind::RestartHazard => "restart-hazard",
            FindingKind::DoublePoint => "double-point",
            FindingKind::CredentialReach => "credential-reach",
            FindingKind::MeshOutage => "mesh-outage",
            FindingKind::HiddenDependency => "hidden-dependency",
            FindingKind::UnobservedDependency => "unobserved-dependency",
            FindingKind::PolicyAllowsAll => "policy-allows-all",
            FindingKind::PolicyBlastRadius => "policy-blast-radius",
            FindingKind::RouteTakeover => "route-takeover",
            FindingKind::ForbiddenRelay => "forbidden-relay",
        }
    }

    /// The reason a finding of this kind is hidden whatever its subject (`None` for the kinds
    /// whose analyses rank each finding: single and double points of failure).
    pub fn inherent_reason(self) -> Option<Reason> {
        match self {
            FindingKind::Spof | FindingKind::DoublePoint => None,
            FindingKind::FalseRedundancy => Some(Reason::RedundancyGroup),
            FindingKind::Deadlock | FindingKind::Cycle => Some(Reason::Cycle),
            FindingKind::RestartHazard => Some(Reason::StartTime),
            FindingKind::BlindSpot | FindingKind::Blinding => Some(Reason::Monitoring),
            FindingKind::CredentialReach => Some(Reason::Credentials),
            FindingKind::MeshOutage => Some(Reason::Mesh),
            FindingKind::HiddenDependency | FindingKind::UnobservedDependency => Some(Reason::Traces),
            FindingKind::PolicyAllowsAll
            | FindingKind::PolicyBlastRadius
            | FindingKind::RouteTakeover
            | FindingKind::ForbiddenRelay => Some(Reason::Policy),
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
    pub subject: Name,
    /// One line a person reads.
    pub title: String,
    /// The components to highlight as evidence (the subject first).
    pub evidence: Vec<Name>,
    /// True when the finding touches a critical component (a critical target taken down, or a
    /// critical component as its subject); `check --deny KIND:critical` keys on it.
    #[serde(default)]
    pub critical: bool,
    /// How hidden it is, and why (`docs/semantics.md`, "Hidden first"): reports lead with the
    /// hidden findings and fold the obvious ones per target.
    #[serde(default)]
    pub rank: Rank,
}

/// Hidden or obvious: whether a reader of the diagram's plain `requires` arrows sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Something the plain arrows do not show (the reasons say what). Listed first. Also the
    /// class of a finding read from a report written before findings were ranked.
    #[default]
    Hidden,
    /// A target's own single-instance dependency, on a chain of plain `requires`, and nothing
    /// more. Folded into one line per target.
    Obvious,
}

/// Why a finding is hidden (`docs/semantics.md`, "Hidden first"), in the order reports list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The failure takes down a placement value (zone, region, host, ...) on its way to a target.
    Placement,
    /// The failure defeats a declared k-of-n gate on its way to a target (fewer failures than it
    /// is declared to tolerate take it down).
    RedundancyGroup,
    /// It acts through `requires_at_start` edges (cold start, restart).
    StartTime,
    /// It acts through `monitored_by` edges (what goes unobserved).
    Monitoring,
    /// Several targets share it, not all through one of them.
    SharedByTargets,
    /// A loop of dependencies.
    Cycle,
    /// It acts through `holds_credentials_for` edges.
    Credentials,
    /// Mesh control planes and relays, read in the mesh's own terms.
    Mesh,
    /// Ephemeral nodes (CI runners, autoscaled workers) drop during the outage: they look
    /// healthy in every diagram, restart while it lasts and cannot rejoin.
    Ephemeral,
    /// What traces observed and the design does not say (or the reverse).
    Traces,
    /// What the tailnet's access policy allows (reach, route approval, relays it forbids).
    Policy,
}

impl Reason {
    /// A few words for people.
    pub fn words(self) -> &'static str {
        match self {
            Reason::Placement => "through a placement value",
            Reason::RedundancyGroup => "defeats a redundancy group",
            Reason::StartTime => "through start-time dependencies",
            Reason::Monitoring => "through monitoring",
            Reason::SharedByTargets => "shared by several targets",
            Reason::Cycle => "a dependency loop",
            Reason::Credentials => "through credentials",
            Reason::Mesh => "in the mesh's control plane or relays",
            Reason::Ephemeral => "ephemeral nodes restart during the outage and cannot rejoin",
            Reason::Traces => "seen in traces, not in the design",
            Reason::Policy => "through the access policy",
        }
    }
}

/// A finding's rank: hidden (with its reasons) or obvious (with the target it belongs to), and
/// the failures equivalent to its subject.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rank {
    pub class: Class,
    /// Why it is hidden, sorted; empty exactly when it is obvious.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// An obvious single point of failure: the target on whose own `requires` chain it stands
    /// (every other target it takes down, it takes down through that one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Name>,
    /// Other single points of failure equivalent to the subject (failing any of them takes
    /// down exactly the same components, the equivalent ones aside), the first
    /// [`EVIDENCE_LIMIT`] by preference; reports show them on the subject's line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equivalent: Vec<Name>,
    /// How many there are in all (`equivalent` may be cut).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub equivalent_count: usize,
    /// The equivalent single point of failure this one is shown with (reports list this one
    /// on that one's line, not on its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as: Option<Name>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Rank {
    /// Hidden for these reasons (obvious when there are none; then see [`Rank::obvious`]).
    pub fn hidden(reasons: impl IntoIterator<Item = Reason>) -> Self {
        let mut reasons: Vec<Reason> = reasons.into_iter().collect();
        reasons.sort_unstable();
        reasons.dedup();
        let class = if reasons.is_empty() { Class::Obvious } else { Class::Hidden };
        Rank { class, reasons, ..Rank::default() }
    }

    /// Obvious: a plain single-instance dependency of `target`.
    pub fn obvious(target: Name) -> Self {
        Rank { class: Class::Obvious, target: Some(target), ..Rank::default() }
    }

    pub fn is_hidden(&self) -> bool {
        self.class == Class::Hidden
    }
}

/// Orders findings as reports list them: most severe first, then hidden before obvious, each
/// analysis's own order kept otherwise (a stable sort).
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by_key(|f| (f.severity, f.rank.class));
}

impl Finding {
    /// A finding about `subject`, hidden for its kind's inherent reason (if it has one) until
    /// [`Finding::ranked`].
    pub fn new<E: Into<Name>>(
        kind: FindingKind,
        severity: Severity,
        subject: impl Into<Name>,
        title: String,
        evidence: impl IntoIterator<Item = E>,
    ) -> Self {
        let rank = Rank::hidden(kind.inherent_reason());
        let (subject, evidence) = (subject.into(), evidence.into_iter().map(Into::into).collect());
        Finding { kind, severity, subject, title, evidence, critical: false, rank }
    }

    /// The same finding, ranked.
    pub fn ranked(mut self, rank: Rank) -> Self {
        self.rank = rank;
        self
    }

    /// The same finding, marked as touching a critical component or not.
    pub fn critical(mut self, critical: bool) -> Self {
        self.critical = critical;
        self
    }
}

/// Evidence drawn for one finding is capped: the full lists are in the report's sections.
pub const EVIDENCE_LIMIT: usize = 64;

/// What the findings of every analysis share: names, and which nodes touch a critical component.
pub struct Context<'a> {
    pub model: &'a Model,
    /// `cone[v]`: a critical component is `v` or depends on it at runtime.
    cone: Vec<bool>,
    /// Some target is critical (single points of failure are then critical findings).
    pub critical_targets: bool,
    /// `generated[v]`: v was generated by the mesh vocabulary's expansion (empty: none was).
    generated: Vec<bool>,
}

impl<'a> Context<'a> {
    /// # Complexity
    /// O(|V| + |E|) for the critical cone.
    pub fn new(model: &'a Model) -> Self {
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
        let critical_targets = model.targets().iter().any(|&t| model.node(t).critical);
        Context { model, cone, critical_targets, generated: Vec::new() }
    }

    /// The same context, knowing which nodes a mesh expansion generated (reports name a
    /// written component before a generated one that is the same failure).
    pub fn with_generated(mut self, generated: Vec<bool>) -> Self {
        self.generated = generated;
        self
    }

    /// `v` was generated by the mesh vocabulary's expansion.
    pub fn is_generated(&self, v: NodeId) -> bool {
        self.generated.get(v as usize).copied().unwrap_or(false)
    }

    pub fn name(&self, v: NodeId) -> Name {
        self.model.shared_name(v)
    }

    pub fn names(&self, ids: &[NodeId]) -> Vec<Name> {
        self.model.names(ids)
    }

    /// A critical component is `v` or depends on it at runtime.
    pub fn touches(&self, v: NodeId) -> bool {
        self.cone.get(v as usize).copied().unwrap_or(false)
    }

    /// `v` is marked critical.
    pub fn is_critical(&self, v: NodeId) -> bool {
        self.model.node(v).critical
    }

    /// The names of `head` then `rest`, at most [`EVIDENCE_LIMIT`] in all.
    pub fn evidence(&self, head: &[NodeId], rest: &[NodeId]) -> Vec<Name> {
        head.iter().chain(rest).take(EVIDENCE_LIMIT.max(head.len())).map(|&v| self.name(v)).collect()
    }
}

/// "`a`, `b`, `c`".
pub fn join<S: AsRef<str>>(items: &[S]) -> String {
    items.iter().map(|s| format!("`{}`", s.as_ref())).collect::<Vec<_>>().join(", ")
}

/// Members named in a title at most: a cycle of thousands names the first, and the report's
/// lists (and the finding's evidence) hold them all.
pub const TITLE_NAMES: usize = 12;

/// "`a`, `b`, `c`" for up to [`TITLE_NAMES`], else the first of them "and N more".
pub fn join_some<S: AsRef<str>>(items: &[S]) -> String {
    match items.len().checked_sub(TITLE_NAMES) {
        Some(more) if more > 0 => format!("{} and {} more", join(first_n(items, TITLE_NAMES)), thousands(more)),
        _ => join(items),
    }
}

/// A closed walk `a → b → … → a` for up to [`TITLE_NAMES`] steps, else its first steps, how
/// many more, and the way back: "a → b → … 7,990 more … → a".
pub fn walk_some<S: AsRef<str>>(path: &[S]) -> String {
    let words = |items: &[S]| items.iter().map(AsRef::as_ref).collect::<Vec<&str>>().join(" → ");
    match (path.len().checked_sub(TITLE_NAMES + 1), path.last()) {
        (Some(more), Some(last)) if more > 0 => {
            format!("{} → … {} more … → {}", words(first_n(path, TITLE_NAMES)), thousands(more), last.as_ref())
        }
        _ => words(path),
    }
}

fn first_n<T>(items: &[T], n: usize) -> &[T] {
    items.get(..n).unwrap_or(items)
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`", "`a`, `b`, `c` or 4 more".
pub fn first_and_more<S: AsRef<str>>(items: &[S]) -> String {
    first_and_more_of(items, items.len())
}

/// [`first_and_more`] of a list that may have been cut: `total` is how many there are in all
/// (only the first three of `items` are read).
pub fn first_and_more_of<S: AsRef<str>>(items: &[S], total: usize) -> String {
    let quoted: Vec<String> = items.iter().take(3).map(|s| format!("`{}`", s.as_ref())).collect();
    match (quoted.as_slice(), total.max(items.len())) {
        ([], _) => String::new(),
        ([one], 1) => one.clone(),
        (shown, n) if n <= 3 => match shown.split_last() {
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        },
        (shown, n) => format!("{} or {} more", shown.join(", "), thousands(n - 3)),
    }
}

/// `n` with its digits in groups of three, as a report writes counts.
///
/// ```
/// use blastmap_core::finding::thousands;
/// assert_eq!([thousands(0), thousands(999), thousands(1_000)], ["0", "999", "1,000"]);
/// assert_eq!(thousands(250_005_000), "250,005,000");
/// ```
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// ` and N more` (grouped by thousands) when a list of `total` was cut to `shown`, else nothing.
///
/// ```
/// use blastmap_core::finding::and_more;
/// assert_eq!([and_more(3, 3), and_more(1_203, 3)], ["", " and 1,200 more"]);
/// ```
pub fn and_more(total: usize, shown: usize) -> String {
    match total.saturating_sub(shown) {
        0 => String::new(),
        n => format!(" and {} more", thousands(n)),
    }
}

/// "`a`, `b`" for up to three, else "N targets" (`what` names the things counted).
pub fn few_or_count<S: AsRef<str>>(items: &[S], what: &str) -> String {
    few_or_total(items, items.len(), what)
}

/// [`few_or_count`] of a list that may have been cut: `total` is how many there are in all
/// (only the first three of `items` are read).
pub fn few_or_total<S: AsRef<str>>(items: &[S], total: usize, what: &str) -> String {
    if total <= 3 {
        join(first(items))
    } else {
        format!("{} {what}", thousands(total))
    }
}

/// The first three of a list: all that the wording helpers read of it.
pub fn first<T>(items: &[T]) -> &[T] {
    items.get(..3).unwrap_or(items)
}
