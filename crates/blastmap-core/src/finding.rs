//! Findings: what a report says is wrong, one line each, with the components that are its
//! evidence. Every analysis builds its own findings (the `findings` function beside it, under
//! `algo/`); this module holds their shared types and the wording helpers.

use serde::{Deserialize, Serialize};

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

impl Finding {
    pub fn new(kind: FindingKind, severity: Severity, subject: String, title: String, evidence: Vec<String>) -> Self {
        Finding { kind, severity, subject, title, evidence, critical: false }
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
        Context { model, cone, critical_targets }
    }

    pub fn name(&self, v: NodeId) -> String {
        self.model.name(v).to_string()
    }

    pub fn names(&self, ids: &[NodeId]) -> Vec<String> {
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
    pub fn evidence(&self, head: &[NodeId], rest: &[NodeId]) -> Vec<String> {
        head.iter().chain(rest).take(EVIDENCE_LIMIT.max(head.len())).map(|&v| self.name(v)).collect()
    }
}

/// "`a`, `b`, `c`".
pub fn join(items: &[String]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`", "`a`, `b`, `c` or 4 more".
pub fn first_and_more(items: &[String]) -> String {
    first_and_more_of(items, items.len())
}

/// [`first_and_more`] of a list that may have been cut: `total` is how many there are in all
/// (only the first three of `items` are read).
pub fn first_and_more_of(items: &[String], total: usize) -> String {
    let quoted: Vec<String> = items.iter().take(3).map(|s| format!("`{s}`")).collect();
    match (quoted.as_slice(), total.max(items.len())) {
        ([], _) => String::new(),
        ([one], 1) => one.clone(),
        (shown, n) if n <= 3 => match shown.split_last() {
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        },
        (shown, n) => format!("{} or {} more", shown.join(", "), n - 3),
    }
}

/// "`a`, `b`" for up to three, else "N targets" (`what` names the things counted).
pub fn few_or_count(items: &[String], what: &str) -> String {
    few_or_total(items, items.len(), what)
}

/// [`few_or_count`] of a list that may have been cut: `total` is how many there are in all
/// (only the first three of `items` are read).
pub fn few_or_total(items: &[String], total: usize, what: &str) -> String {
    if total <= 3 {
        join(first(items))
    } else {
        format!("{total} {what}")
    }
}

/// The first three of a list: all that the wording helpers read of it.
pub fn first<T>(items: &[T]) -> &[T] {
    items.get(..3).unwrap_or(items)
}
