//! Messages between the page and the analysis worker: requests as plain text
//! ([`Request::encode`]; an analysis posted as its UTF-8 bytes), answers as JSON ([`Response`]), except the model, which crosses once,
//! built in the worker, as two transferable buffers beside the JSON of [`Response::Parsed`]
//! ([`crate::wire`]): the page never parses the topology nor builds its model again.
//!
//! The page gets a trimmed report ([`trim`]): at whole-estate scale the full one runs to tens of
//! megabytes (50,000 blind spots at 50,000 components), more than a panel can show and too much
//! to decode on the main thread. The worker keeps the full report for exports.

use std::collections::BTreeMap;
use std::rc::Rc;

use blastmap_core::report::{FindingKind, Report};
use blastmap_import::Role;
use serde::{Deserialize, Serialize};

use crate::load::Problem;
use crate::wire::Packed;

/// Findings of each kind the page receives; the rest stay in the worker (and in exports).
pub const FINDINGS_PER_KIND: usize = 200;

/// One input of an analysis: its name (messages and notes say it), its text and its role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    pub text: Text,
    pub role: Role,
}

/// An input's text: shared with the page's state where the page sends it from (a text of tens
/// of megabytes is not copied to be sent), owned where the worker receives it.
#[derive(Clone, Debug)]
pub enum Text {
    Owned(String),
    Shared(Rc<str>),
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Owned(s) => s,
            Text::Shared(s) => s,
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Text {}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::Owned(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Owned(s.to_string())
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::Owned(s.clone())
    }
}

impl From<Rc<str>> for Text {
    fn from(s: Rc<str>) -> Self {
        Text::Shared(s)
    }
}

impl Input {
    /// The export (or any topology) the page analyses: a design.
    pub fn export(text: impl Into<Text>) -> Input {
        Input { name: EXPORT.into(), text: text.into(), role: Role::Design }
    }

    /// The overlay tab's text: it refines the export by id.
    pub fn overlay(text: impl Into<Text>) -> Input {
        Input { name: OVERLAY.into(), text: text.into(), role: Role::Overlay }
    }

    /// The inputs the page analyses: the export, and the overlay when it holds anything but
    /// blank lines and comments.
    pub fn of(export: &str, overlay: &str) -> Vec<Input> {
        Input::with(export.into(), &[], overlay.into())
    }

    /// [`Input::of`], then the files opened beside the export (more status exports, a tailnet
    /// policy file), by name, their roles decided from the inputs. They come after the overlay,
    /// so the export and the overlay keep their indices (`Tab::input`); the overlay refines the
    /// export only.
    pub fn with(export: Rc<str>, beside: &[(String, String)], overlay: Rc<str>) -> Vec<Input> {
        let mut inputs = vec![Input::export(export)];
        if overlay.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')) {
            inputs.push(Input::overlay(overlay));
        }
        inputs.extend(beside.iter().map(|(name, text)| Input {
            name: name.clone(),
            text: text.into(),
            role: Role::Auto,
        }));
        inputs
    }
}

/// The names the page gives its inputs (notes and messages say `overlay:7:9`).
pub const EXPORT: &str = "export";
pub const OVERLAY: &str = "overlay";

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Design => "design",
        Role::Overlay => "overlay",
        Role::Observed => "observed",
        _ => "auto",
    }
}

fn role_of(name: &str) -> Option<Role> {
    Some(match name {
        "design" => Role::Design,
        "overlay" => Role::Overlay,
        "observed" => Role::Observed,
        "auto" => Role::Auto,
        _ => return None,
    })
}

/// Page → worker. Sent as plain text, not JSON ([`Request::encode`]): escaping and unescaping
/// a topology of ten megabytes would cost a quarter of a second.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Analyse these inputs together (an export, and the overlay that refines it). `id` ties
    /// the answers to the request.
    Analyze { id: u64, inputs: Vec<Input> },
    /// Render the last full report (`markdown` or `json`) for a download.
    Export { format: String },
    /// Compare the last analysed topology (before) with this text (after).
    Compare { against: String },
    /// Split the last analysed topology's tailnets by this placement attribute and compare.
    Split { by: String },
    /// Everything a policy principal (a node id, `tag:T`, `group:G` or a login) may reach under
    /// policy `file`, for the reach view: the worker holds the policy and the estate.
    Reach { file: String, principal: String },
    /// Stop the analysis in flight. Never sent: the page terminates the worker and starts a
    /// fresh one (`hooks/use_analysis.rs`), the text left as it is.
    Cancel,
    /// Panic on purpose: how the browser tests check that a panicking worker is reported and
    /// replaced. Only in builds with the `test-hooks` feature.
    #[cfg(feature = "test-hooks")]
    Panic,
    /// Add these notes to every report from now on, as an importer's inferences would be: how
    /// the browser tests check accepting and flipping inferences before importers make any.
    /// Only in builds with the `test-hooks` feature.
    #[cfg(feature = "test-hooks")]
    TestNotes(Vec<blastmap_core::note::Note>),
}

impl Request {
    /// The request's text and, for an analysis, its inputs' texts, which travel beside it as
    /// bytes of their own (joined to it, a text of tens of megabytes would be copied once more
    /// on each side). `analyze <id> <n>` then, per input, a line `<role> <bytes> <name>`;
    /// `export <format>`; `compare` and a text; `split <by>`; `reach <file>` and the principal.
    pub fn encode(&self) -> (String, Vec<&str>) {
        let text = match self {
            Request::Analyze { id, inputs } => {
                let mut out = format!("analyze {id} {}\n", inputs.len());
                for input in inputs {
                    // Names are one line: a newline in one would break the framing.
                    let name = input.name.replace(['\n', '\r'], " ");
                    out.push_str(&format!("{} {} {name}\n", role_name(input.role), input.text.len()));
                }
                return (out, inputs.iter().map(|i| &*i.text).collect());
            }
            Request::Export { format } => format!("export {format}"),
            Request::Compare { against } => format!("compare\n{against}"),
            Request::Split { by } => format!("split {by}"),
            Request::Reach { file, principal } => format!("reach {}\n{principal}", file.replace(['\n', '\r'], " ")),
            Request::Cancel => "cancel".into(),
            #[cfg(feature = "test-hooks")]
            Request::Panic => "panic".into(),
            #[cfg(feature = "test-hooks")]
            Request::TestNotes(notes) => format!("test-notes\n{}", serde_json::to_string(notes).unwrap_or_default()),
        };
        (text, Vec::new())
    }

    /// Reads [`Request::encode`]'s form: the text, and the inputs' texts of an analysis (each
    /// as long as its line says; none for other requests).
    pub fn decode(message: &str, texts: Vec<String>) -> Option<Request> {
        if let Some(rest) = message.strip_prefix("analyze ") {
            let (head, mut rest) = rest.split_once('\n')?;
            let (id, n) = head.split_once(' ')?;
            let n: usize = n.parse().ok()?;
            if texts.len() != n {
                return None;
            }
            let mut inputs = Vec::with_capacity(n);
            for text in texts {
                let (line, after) = rest.split_once('\n')?;
                let mut words = line.splitn(3, ' ');
                let role = role_of(words.next()?)?;
                let len: usize = words.next()?.parse().ok()?;
                let name = words.next().unwrap_or_default().to_string();
                if text.len() != len {
                    return None;
                }
                rest = after;
                inputs.push(Input { name, text: text.into(), role });
            }
            return rest.is_empty().then_some(Request::Analyze { id: id.parse().ok()?, inputs });
        }
        if !texts.is_empty() {
            return None;
        }
        if let Some(text) = message.strip_prefix("compare\n") {
            return Some(Request::Compare { against: text.to_string() });
        }
        if let Some(by) = message.strip_prefix("split ") {
            return Some(Request::Split { by: by.to_string() });
        }
        if let Some(rest) = message.strip_prefix("reach ") {
            let (file, principal) = rest.split_once('\n')?;
            return Some(Request::Reach { file: file.to_string(), principal: principal.to_string() });
        }
        #[cfg(feature = "test-hooks")]
        if message == "panic" {
            return Some(Request::Panic);
        }
        #[cfg(feature = "test-hooks")]
        if let Some(json) = message.strip_prefix("test-notes\n") {
            return serde_json::from_str(json).ok().map(Request::TestNotes);
        }
        message.strip_prefix("export ").map(|f| Request::Export { format: f.to_string() })
    }
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// The worker is listening (messages sent before this would be lost).
    Ready,
    /// The analysis is at `step`, `fraction` of the way through.
    Progress { id: u64, step: String, fraction: f32 },
    /// The text did not load.
    Failed { id: u64, problems: Vec<Problem> },
    /// Loaded: the worker's model and mesh, packed ([`crate::wire`]; they travel beside the
    /// JSON as transferable buffers, not in it), for the page to hold while the worker analyses
    /// it, and what the export said before the overlay of the components the notes are about.
    Parsed {
        id: u64,
        format: String,
        #[serde(skip)]
        model: Box<Packed>,
        warnings: Vec<Problem>,
        #[serde(default)]
        baseline: BTreeMap<String, crate::review::Baseline>,
        parse_ms: f64,
    },
    /// Analysed: the trimmed report with the full count of findings per kind.
    Done { id: u64, report: Box<Report>, totals: Totals, analyze_ms: f64 },
    /// An export, ready to download.
    Export { file_name: String, mime: String, content: String },
    /// No export: the worker holds no report, for the reason given.
    ExportFailed { message: String },
    /// The worker panicked (its panic hook sends this just before it dies).
    Panicked { message: String },
    /// Two designs compared (a comparison, or a split proposal against the current design).
    Diff(Box<DiffView>),
    /// A comparison or split could not be made.
    DiffFailed { message: String },
    /// What a principal may reach, from the analysis `id` (the one the worker holds).
    Reach { id: u64, view: Box<ReachView> },
    /// No reach to show for `principal` in the analysis `id`, for the reason given.
    ReachFailed { id: u64, principal: String, message: String },
}

/// Everything one policy principal may reach ([`Request::Reach`]): the whole set, not the
/// report's first names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReachView {
    /// The policy file and the tailnet it governs.
    pub file: String,
    pub tailnet: String,
    pub principal: String,
    pub kind: blastmap_core::policy::Principal,
    /// The estate's nodes that are the principal: the node itself, the nodes carrying the tag,
    /// the untagged nodes of the user or of the group's users. Where a compromise starts.
    pub origin: Vec<String>,
    /// Every node it may open connections to (itself excluded), in estate order.
    pub reached: Vec<String>,
    /// The nodes the policy governs (the tailnet's, and those shared into it).
    pub nodes: usize,
    /// Subnet routes it reaches.
    pub routes: Vec<String>,
    /// It may reach the internet through exit nodes.
    pub internet: bool,
}

impl ReachView {
    /// "tag:ci may reach 212 of 240 nodes", with routes and the internet when it reaches them.
    pub fn sentence(&self) -> String {
        let mut s = format!(
            "{} may reach {} of {}",
            self.principal,
            self.reached.len(),
            blastmap_core::render::counted(self.nodes, "node")
        );
        if !self.routes.is_empty() {
            s.push_str(&format!(", routes {}", self.routes.join(", ")));
        }
        if self.internet {
            s.push_str(", and the internet through exit nodes");
        }
        s
    }
}

/// What the design-diff panel shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffView {
    pub title: String,
    /// For a split: the proposal, one line each.
    pub proposal: Vec<String>,
    /// For a split: the proposed topology (native YAML), to open in the editor.
    pub after_text: Option<String>,
    /// Mesh outages before and after (one sentence each), for meshes.
    pub outages_before: Vec<String>,
    pub outages_after: Vec<String>,
    pub diff: blastmap_core::diff::DiffReport,
    /// For a split: how many tailnet policy files are among the inputs (none: the split is not
    /// checked against a policy).
    #[serde(default)]
    pub policy_files: usize,
    /// For a split: each policy checked against it, as `blastmap split` checks it
    /// (`blastmap_import::policy::check_split`).
    #[serde(default)]
    pub policy: Vec<blastmap_core::split::SplitPolicyCheck>,
    /// For a split: why a policy could not be checked against it.
    #[serde(default)]
    pub policy_warnings: Vec<String>,
}

impl Response {
    /// The analysis request this answers (for a reach, the analysis it was computed from; 0 for
    /// messages that answer none).
    pub fn id(&self) -> u64 {
        match self {
            Response::Ready
            | Response::Export { .. }
            | Response::ExportFailed { .. }
            | Response::Panicked { .. }
            | Response::Diff(_)
            | Response::DiffFailed { .. } => 0,
            Response::Progress { id, .. }
            | Response::Reach { id, .. }
            | Response::ReachFailed { id, .. }
            | Response::Failed { id, .. }
            | Response::Parsed { id, .. }
            | Response::Done { id, .. } => *id,
        }
    }
}

/// What [`trim`] counted in the full report, for the page to say how much it does not show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Findings of each kind.
    pub per_kind: BTreeMap<FindingKind, usize>,
    /// Per target, its obvious single points of failure (the members of its fold line): a
    /// fold of the trimmed report may hold only some of them.
    pub per_fold: BTreeMap<String, usize>,
}

impl Totals {
    /// Findings of `kind` in the full report (`shown` when not counted).
    pub fn of_kind(&self, kind: FindingKind, shown: usize) -> usize {
        self.per_kind.get(&kind).copied().unwrap_or(shown).max(shown)
    }

    /// Members of `target`'s fold in the full report (`shown` when not counted).
    pub fn of_fold(&self, target: &str, shown: usize) -> usize {
        self.per_fold.get(target).copied().unwrap_or(shown).max(shown)
    }
}

/// The report the page shows: at most [`FINDINGS_PER_KIND`] findings of each kind (the most
/// severe, in report order) and the per-analysis entries of those findings' subjects; waves,
/// cycles, criticality, availability, mesh outages and summary whole. Returns it with the full
/// counts per kind and per fold.
pub fn trim(report: &Report) -> (Report, Totals) {
    let mut totals = Totals::default();
    for f in &report.findings {
        if f.kind == FindingKind::Spof && f.rank.class == blastmap_core::finding::Class::Obvious {
            if let Some(target) = &f.rank.target {
                *totals.per_fold.entry(target.to_string()).or_default() += 1;
            }
        }
    }
    let findings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| {
            let n = totals.per_kind.entry(f.kind).or_default();
            *n += 1;
            *n <= FINDINGS_PER_KIND
        })
        .cloned()
        .collect();
    let subjects = |kind: FindingKind| -> std::collections::BTreeSet<&str> {
        findings.iter().filter(|f| f.kind == kind).map(|f| f.subject.as_str()).collect()
    };
    let (spof, red, blind, restart, reach, blinding) = (
        subjects(FindingKind::Spof),
        subjects(FindingKind::FalseRedundancy),
        subjects(FindingKind::BlindSpot),
        subjects(FindingKind::RestartHazard),
        subjects(FindingKind::CredentialReach),
        subjects(FindingKind::Blinding),
    );
    let trimmed = Report {
        name: report.name.clone(),
        summary: report.summary.clone(),
        targets: report.targets.clone(),
        spofs: report.spofs.iter().filter(|s| spof.contains(s.component.as_str())).cloned().collect(),
        redundancy: report.redundancy.iter().filter(|r| red.contains(r.component.as_str())).cloned().collect(),
        cycles: report.cycles.clone(),
        blind_spots: report.blind_spots.iter().filter(|b| blind.contains(b.component.as_str())).cloned().collect(),
        blindings: report.blindings.iter().filter(|b| blinding.contains(b.failure.as_str())).cloned().collect(),
        cold_start: report.cold_start.clone(),
        restart_hazards: report
            .restart_hazards
            .iter()
            .filter(|h| restart.contains(h.failure.as_str()))
            .cloned()
            .collect(),
        criticality: report.criticality.clone(),
        double_points: report.double_points.iter().take(FINDINGS_PER_KIND).cloned().collect(),
        double_points_complete: report.double_points_complete,
        double_points_total: report.double_points_total,
        availability: report.availability.clone(),
        credential_reach: report
            .credential_reach
            .iter()
            .filter(|r| reach.contains(r.component.as_str()))
            .cloned()
            .collect(),
        mesh: report.mesh.clone(),
        incomplete: report.incomplete.clone(),
        notes: report.notes.clone(),
        observed: report.observed.clone(),
        policy: report.policy.clone(),
        findings,
    };
    (trimmed, totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastmap_core::report::Options;

    #[test]
    fn requests_round_trip_as_plain_text() {
        let analyze = |inputs| Request::Analyze { id: 12, inputs };
        for r in [
            analyze(vec![Input::export("a: \"b\"\nc\n")]),
            analyze(vec![Input::export("services:\n  é: {}\n"), Input::overlay("overlay: true\n# ünïcode\n")]),
            analyze(vec![
                Input::export(""),
                Input { name: "two words".into(), text: "x".into(), role: Role::Observed },
            ]),
            Request::Export { format: "json".into() },
            Request::Compare { against: "components: []".into() },
            Request::Split { by: "region".into() },
            Request::Reach { file: "acme.com.hujson".into(), principal: "tag:ci".into() },
            Request::Reach { file: "two words.hujson".into(), principal: "alice smith@example.com".into() },
        ] {
            let (text, texts) = r.encode();
            let texts = texts.into_iter().map(String::from).collect();
            assert_eq!(Request::decode(&text, texts), Some(r));
        }
        let texts = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(Request::decode("analyze x 1\ndesign 1 e\n", texts(&["t"])), None);
        assert_eq!(Request::decode("analyze 1 1\ndesign 9 e\n", texts(&["short"])), None, "shorter than it says");
        assert_eq!(Request::decode("analyze 1 1\ndesign 1 e\n", texts(&["ab"])), None, "longer than it says");
        assert_eq!(Request::decode("analyze 1 1\ndesign 1 e\n", texts(&[])), None, "a text missing");
        assert_eq!(Request::decode("analyze 1 1\ndesign 1 e\n", texts(&["a", "b"])), None, "a text too many");
        assert_eq!(Request::decode("analyze 1 1\ndesign 1 e\nextra", texts(&["a"])), None, "more lines than inputs");
        assert_eq!(Request::decode("analyze 1 1\ndesign 1 e\n", texts(&["a"])).map(|r| r.encode().1.len()), Some(1));
        assert_eq!(Request::decode("split region", texts(&["a"])), None, "texts beside another request");
        assert_eq!(Request::decode("hello", Vec::new()), None);
        assert_eq!(
            Request::decode(&Request::Cancel.encode().0, Vec::new()),
            None,
            "the worker is never asked to cancel"
        );
        // Blank and comment-only overlays are not inputs.
        assert_eq!(Input::of("x", "  \n# later\n").len(), 1);
        assert_eq!(Input::of("x", "overlay: true\n").len(), 2);
    }

    #[test]
    fn the_panic_request_exists_only_with_the_test_hooks() {
        #[cfg(not(feature = "test-hooks"))]
        assert_eq!(Request::decode("panic", Vec::new()), None);
        #[cfg(feature = "test-hooks")]
        assert_eq!(Request::decode(&Request::Panic.encode().0, Vec::new()), Some(Request::Panic));
        #[cfg(not(feature = "test-hooks"))]
        assert_eq!(Request::decode("test-notes\n[]", Vec::new()), None);
    }

    #[test]
    fn responses_round_trip_as_json() {
        let r = Response::Failed {
            id: 4,
            problems: vec![Problem {
                input: 1,
                line: Some(2),
                column: Some(3),
                message: "bad".into(),
                error: true,
                info: false,
            }],
        };
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.contains("\"type\":\"failed\""));
        assert_eq!(serde_json::from_str::<Response>(&text).unwrap(), r);
        assert_eq!(r.id(), 4);
    }

    #[test]
    fn trimming_keeps_the_first_findings_of_each_kind_and_counts_all() {
        let text: String = std::iter::once("components:\n- {id: hub}\n".to_string())
            .chain(
                (0..FINDINGS_PER_KIND + 20)
                    .map(|i| format!("- {{id: app-{i}, requires: [dep-{i}]}}\n- {{id: dep-{i}}}\n")),
            )
            .collect();
        let loaded = crate::load::load(&text).unwrap();
        let full = blastmap_core::analyze(&loaded.compiled, &Options::default());
        let (page, totals) = trim(&full);
        let spofs = full.findings_of(FindingKind::Spof).count();
        assert!(spofs > FINDINGS_PER_KIND);
        assert_eq!(totals.per_kind[&FindingKind::Spof], spofs);
        assert_eq!(page.findings_of(FindingKind::Spof).count(), FINDINGS_PER_KIND);
        assert_eq!(page.findings[..10], full.findings[..10]);
        assert_eq!(page.spofs.len(), FINDINGS_PER_KIND);
        let (same, _) = trim(&page);
        assert_eq!(same, page, "a small report passes through whole");
    }

    #[test]
    fn a_fold_cut_by_trimming_keeps_its_full_count() {
        let n = FINDINGS_PER_KIND + 50;
        let text: String = (0..n)
            .map(|i| format!("- {{id: c{i}, requires: [c{}]}}\n", i + 1))
            .chain([format!("- {{id: c{n}}}\n")])
            .fold("components:\n".to_string(), |t, line| t + &line);
        let loaded = crate::load::load(&text).unwrap();
        let full = blastmap_core::analyze(&loaded.compiled, &Options::default());
        let (page, totals) = trim(&full);
        assert_eq!(totals.of_fold("c0", 0), n, "every link of the chain is c0's obvious dependency");
        assert_eq!(page.findings_of(FindingKind::Spof).count(), FINDINGS_PER_KIND);
        let members: Vec<(usize, &blastmap_core::finding::Finding)> =
            page.findings_of(FindingKind::Spof).enumerate().collect();
        let down = blastmap_core::render::TakenDown::of(&page);
        let words =
            blastmap_core::render::fold_words("c0", &members, totals.of_fold("c0", members.len()), false, 6, &down);
        assert!(words.starts_with(&format!("`c0`: {n} single-instance dependencies, direct or chained")), "{words}");
        assert!(words.ends_with(&format!(" … and {} more", n - 6)), "{words}");
    }
}
