//! The page's state and its reducer: plain Rust, no DOM, tested natively.
//!
//! Large data (the model, the report, the scene, the what-if) lives behind `Rc` and is never
//! cloned per action; every action returns a new `State` that shares it.
//!
//! Two texts are analysed together: the export and the overlay that refines it. Review actions
//! ([`Action::Refine`]: an edge's meaning, a component's criticality, target, placement or need;
//! accepting or flipping an inference) write into the overlay's text ([`crate::overlay_text`]),
//! which is then analysed again like any edit. Nothing the user typed is lost: opening another
//! export sets the overlay aside (it refined the one before), where it can be applied again.

use std::collections::BTreeMap;
use std::rc::Rc;

use blastmap_core::algo::{what_if_from, Dependents, WhatIf};
use blastmap_core::mesh::Mesh;
use blastmap_core::report::Report;
use blastmap_core::Model;
use blastmap_layout::{Key, RollUp, RollUpBy};
use yew::Reducible;

use crate::load::Problem;
use crate::overlay_text;
use crate::protocol::{ReachView, Response, Totals};
use crate::review::{self, Baseline, Context, Marks, Refine};
use crate::scene::Scene;
use crate::wire::Packed;

/// A loaded and analysed topology.
#[derive(Debug)]
pub struct Analysis {
    pub model: Model,
    /// The mesh vocabulary's reading of the model, for meshes.
    pub mesh: Option<Mesh>,
    /// The report as the page gets it (see [`crate::protocol::trim`]).
    pub report: Report,
    /// How many findings of each kind (and in each fold) the full report has.
    pub totals: Totals,
    pub scene: Scene,
    /// The reverse edges a click's what-if walks ([`what_if_from`]).
    pub dependents: Dependents,
    /// The format the importer detected.
    pub format: String,
    /// Milliseconds the worker spent parsing and analysing.
    pub parse_ms: f64,
    pub analyze_ms: f64,
    /// What the export said before the overlay, of the components the notes are about.
    pub baseline: BTreeMap<String, Baseline>,
    /// The edges the notes mark (inferred, changed by the overlay, observed or not).
    pub marks: Marks,
}

/// The page's copy of the model the worker built, with its scene: made while the worker analyses it.
#[derive(Debug)]
pub struct Parsed {
    pub model: Model,
    pub mesh: Option<Mesh>,
    pub scene: Scene,
    pub dependents: Dependents,
    pub format: String,
    pub warnings: Vec<Problem>,
    pub baseline: BTreeMap<String, Baseline>,
    pub parse_ms: f64,
}

impl Parsed {
    /// Unpacks the model the worker built and validated ([`crate::wire`]; nothing is parsed or
    /// validated again) and builds its scene and the reverse edges a what-if walks.
    ///
    /// # Errors
    /// A problem saying the model did not arrive whole (the buffers do not read as one: never
    /// from a worker of the same build).
    ///
    /// # Complexity
    /// O(|V| + |E|): [`Packed::unpack`], [`Scene::new`], [`Dependents::new`] and one what-if
    /// ([`warm_what_if`]).
    pub fn new(
        packed: &Packed,
        format: String,
        warnings: Vec<Problem>,
        baseline: BTreeMap<String, Baseline>,
        parse_ms: f64,
    ) -> Result<Parsed, Vec<Problem>> {
        let Some((model, mesh)) = packed.unpack() else {
            return Err(vec![Problem {
                input: 0,
                line: None,
                column: None,
                message: "the analysis worker's model did not arrive whole; edit the text to analyse it again".into(),
                error: true,
                info: false,
            }]);
        };
        let scene = Scene::new(&model, mesh.as_ref());
        let dependents = Dependents::new(&model);
        warm_what_if(&model, &dependents);
        Ok(Parsed { model, mesh, scene, dependents, format, warnings, baseline, parse_ms })
    }
}

/// Answers one what-if and throws it away, when the model arrives (the page waits for the
/// analysis then): the one that fails every component with no runtime dependency, the bottom
/// of the stack, so that most of the model goes down. A browser first runs WebAssembly from a
/// quick baseline compile and optimises a function only once it has run a while, and grows
/// the memory the first time it is asked for: the first click's what-if on a million-node
/// chain took twice as long as the next clicks' (44 against ~20 ms, profiled). Now the first
/// click finds the what-if's code optimised and its memory there.
///
/// # Complexity
/// O(|V| + |E|), once per model.
fn warm_what_if(model: &Model, dependents: &Dependents) {
    let bottom: Vec<_> =
        model.ids().filter(|&v| model.requires(v).is_empty() && model.placement(v).is_empty()).collect();
    std::hint::black_box(what_if_from(model, dependents, &bottom));
}

impl Analysis {
    /// The parsed topology with its (trimmed) report.
    pub fn new(parsed: Parsed, report: Report, totals: Totals, analyze_ms: f64) -> Analysis {
        let Parsed { model, mesh, scene, dependents, format, parse_ms, baseline, .. } = parsed;
        let marks = Marks::of(&report.notes);
        Analysis { model, mesh, report, totals, scene, dependents, format, parse_ms, analyze_ms, baseline, marks }
    }

    /// Findings in the full report.
    pub fn total_findings(&self) -> usize {
        self.totals.per_kind.values().sum()
    }
}

/// A short message at the bottom of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The message; parts between backticks are component names.
    pub text: String,
    /// A URL shown with it, to copy (the share link).
    pub url: Option<String>,
    /// A warning stays until it is closed or replaced; other notices go by themselves.
    pub warning: bool,
}

impl Notice {
    /// A notice that goes by itself.
    pub fn info(text: impl Into<String>) -> Notice {
        Notice { text: text.into(), url: None, warning: false }
    }

    /// A notice that stays until it is closed.
    pub fn warning(text: impl Into<String>) -> Notice {
        Notice { text: text.into(), url: None, warning: true }
    }
}

/// The analysis worker failed (its script or WebAssembly did not load, or it panicked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crash {
    /// What happened.
    pub message: String,
    /// It was restarted (and sent the current text again); false when it failed again after a
    /// restart and was left stopped.
    pub restarted: bool,
}

/// Most failed ids a notice names; it counts the rest.
const NAMED: usize = 8;

/// `` `a`, `b` `` and, past [`NAMED`], how many more.
fn named(ids: &[String]) -> String {
    let shown: Vec<String> = ids.iter().take(NAMED).map(|id| format!("`{id}`")).collect();
    match ids.len().saturating_sub(NAMED) {
        0 => shown.join(", "),
        more => format!("{} and {} more", shown.join(", "), blastmap_core::finding::thousands(more)),
    }
}

/// The notice for failed ids a loaded topology lacks (`from_link`: they came with a share link).
fn missing_notice(missing: &[String], from_link: bool) -> Notice {
    let n = missing.len();
    let (noun, verb) = if n == 1 { ("component", "is") } else { ("components", "are") };
    let names = named(missing);
    Notice::warning(if from_link {
        format!("{n} failed {noun} in this link {verb} not in the topology: {names}")
    } else {
        format!("{n} failed {noun} {verb} no longer in the topology, so the failed set drops {names}")
    })
}

/// Show only the neighbourhood of some components.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Focus {
    pub seeds: Vec<String>,
    pub hops: u32,
}

/// The editor's tabs: the export, and the overlay that refines it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Export,
    Overlay,
}

impl Tab {
    /// The input a tab's problems belong to.
    pub fn input(self) -> u32 {
        match self {
            Tab::Export => 0,
            Tab::Overlay => 1,
        }
    }
}

/// Files read beside the export: (name, text).
pub type Beside = Rc<[(String, String)]>;

/// A policy principal picked for the reach view, and the policy file whose section lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    pub file: String,
    pub principal: String,
}

/// A line for the editor to show: in `tab`, 1-based; `seq` tells asks for the same line apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jump {
    pub tab: Tab,
    pub line: u32,
    pub seq: u64,
}

/// What a click on a component does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClickMode {
    /// Fail it, or restore it (the what-if).
    #[default]
    Fail,
    /// Select it, to review its meaning.
    Review,
}

/// The component or edge whose meaning is under review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    Component(String),
    Edge { from: String, to: String },
}

/// The right-hand panel's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Side {
    #[default]
    Findings,
    /// What the importer inferred and what the overlay changed.
    Summary,
}

/// Everything the page shows.
#[derive(Debug, Default)]
pub struct State {
    /// The editor's text: the export (or any topology).
    pub text: Rc<str>,
    /// The overlay tab's text: refines the export by id.
    pub overlay: Rc<str>,
    /// The policy principal whose reach is shown ([`Action::ShowReach`]): policy file and
    /// principal.
    pub reach: Option<Reach>,
    /// Everything it may reach, as the worker answered ([`Response::Reach`]): the graph colours
    /// it like a blast radius.
    pub reach_view: Option<Rc<ReachView>>,
    /// Files opened together with the export (more `tailscale status --json` files, a tailnet
    /// policy file), analysed with it, by name. Opening one file alone clears them.
    pub beside: Beside,
    /// An overlay set aside when another export was opened (it refined the one before); kept
    /// until it is applied again or discarded.
    pub aside: Option<Rc<str>>,
    /// The editor tab shown.
    pub tab: Tab,
    /// A line the editor is asked to show.
    pub jump: Option<Jump>,
    /// What a click on a component does.
    pub click: ClickMode,
    /// The component or edge under review.
    pub selected: Option<Selection>,
    /// The right-hand panel's tab.
    pub side: Side,
    /// Draw edges of this mark ([`crate::review::MARKS`]) and dim the others.
    pub edge_filter: Option<u8>,
    /// The note whose component or edge is shown.
    pub note: Option<usize>,
    /// Bumped on every new text; the worker's answers carry it.
    pub revision: u64,
    /// The analysis in flight: step and fraction.
    pub progress: Option<(String, f32)>,
    /// The revision whose analysis the user cancelled (a new text is a new revision).
    pub cancelled: Option<u64>,
    /// Errors (or warnings) of the current text.
    pub problems: Vec<Problem>,
    /// The last topology that loaded; kept while the text has errors.
    pub analysis: Option<Rc<Analysis>>,
    /// Failed components and placement values, in the order they were failed.
    pub failed: Vec<String>,
    /// Earlier failed sets, for undo.
    pub history: Vec<Vec<String>>,
    pub what_if: Option<Rc<WhatIf>>,
    pub focus: Option<Focus>,
    /// Components drawn as evidence (of the selected finding).
    pub evidence: Vec<String>,
    /// The finding whose evidence is shown.
    pub finding: Option<usize>,
    pub roll_up: RollUp,
    /// True until the user picks a roll-up: large topologies then open rolled up.
    pub roll_up_chosen: bool,
    /// A short message (link copied, damaged link, nothing to export).
    pub notice: Option<Notice>,
    /// The failed set came with the text (a share link): the first topology that loads says
    /// which of it it lacks.
    pub failed_from_link: bool,
    /// The analysis worker failed; shown until the next text.
    pub crash: Option<Crash>,
    /// The design-diff panel (a comparison or a split), shown instead of the findings.
    pub diff: Option<Rc<crate::protocol::DiffView>>,
}

/// Everything that changes the state.
#[derive(Clone, Debug)]
pub enum Action {
    /// The user edited the text.
    Edit(String),
    /// Open a text (example, file, share link) with this failed set; clears focus and history.
    /// A share link brings its overlay; without one, an overlay the user wrote is set aside (it
    /// refined the export before).
    Open {
        text: String,
        overlay: Option<String>,
        failed: Vec<String>,
    },
    /// Several files opened at once (name, text): the first is the export, the others are read
    /// beside it.
    OpenMany(Vec<(String, String)>),
    /// A share link: its text, overlay, failed set and the files read beside the export.
    OpenShared(crate::share::Shared),
    /// Stop reading the files opened beside the export.
    DropBeside,
    /// Show what a policy principal may reach (a principal of the report's policy section of
    /// that file); the page asks the worker for the whole set ([`crate::protocol::Request::Reach`]).
    ShowReach(Reach),
    /// Stop showing a principal's reach.
    ClearReach,
    /// The user edited the overlay.
    EditOverlay(String),
    /// What the page kept across reloads: the overlay and an overlay set aside. Not a new text:
    /// the text that follows (`Open`) is analysed with it.
    Restore {
        overlay: String,
        aside: Option<String>,
    },
    /// Put the overlay set aside back (the current one, if any, goes aside in its place).
    ApplyAside,
    /// Forget the overlay set aside.
    DiscardAside,
    ShowTab(Tab),
    /// Show this line of a tab.
    JumpTo(Tab, u32),
    SetClick(ClickMode),
    Select(Option<Selection>),
    ShowSide(Side),
    /// Dim the edges without this mark (`None`: show all alike).
    FilterEdges(Option<u8>),
    /// Write a review action into the overlay.
    Refine(Refine),
    /// Show a note's component or edge on the graph.
    ShowNote(usize),
    /// An answer of the worker.
    Worker(Rc<Response>),
    /// The page built the analysis of the worker's `Done` answer, with the importer's warnings.
    Loaded {
        revision: u64,
        analysis: Rc<Analysis>,
        warnings: Vec<Problem>,
    },
    /// Fail it if it is up, restore it if failed.
    Toggle(String),
    /// Fail these as well.
    Fail(Vec<String>),
    Undo,
    /// Restore everything.
    Reset,
    /// Show only this neighbourhood.
    Focus(Focus),
    ClearFocus,
    /// Draw a finding's evidence and focus on it.
    ShowFinding(usize),
    ClearFinding,
    SetRollUp(Vec<RollUpBy>),
    /// Expand or collapse an aggregate or a band by key.
    Expand(Key),
    Collapse(Key),
    Notice(Option<Notice>),
    /// Close the design-diff panel.
    CloseDiff,
    /// The analysis worker failed.
    WorkerFailed(Crash),
    /// Hide the note about a failed worker.
    DismissCrash,
    /// The user stopped the analysis in flight (the page replaced the worker); the text stays.
    Cancelled,
}

impl State {
    /// True when the text is blank (the empty state shows).
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The current text's analysis was cancelled (and nothing has analysed it since).
    pub fn is_cancelled(&self) -> bool {
        self.cancelled == Some(self.revision) && self.progress.is_none()
    }

    /// True while the text has errors (the graph shows the last good topology).
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.error)
    }

    /// `(targets down, targets)` under the current failures.
    pub fn targets_down(&self) -> Option<(usize, usize)> {
        let a = self.analysis.as_ref()?;
        let total = a.model.targets().len();
        let down = self.what_if.as_ref().map_or(0, |w| w.targets_down(&a.model).len());
        Some((down, total))
    }

    fn with_failed(&mut self, failed: Vec<String>) {
        if failed != self.failed {
            self.history.push(std::mem::replace(&mut self.failed, failed));
        }
        self.recompute();
    }

    /// Recomputes the what-if on the main thread, dropping ids the model lacks: O(V) to clear
    /// its arrays plus the edges into and out of what goes down ([`what_if_from`]).
    fn recompute(&mut self) {
        let Some(a) = &self.analysis else {
            self.what_if = None;
            return;
        };
        let ids: Vec<_> = self.failed.iter().filter_map(|id| a.model.lookup(id)).collect();
        self.what_if = (!ids.is_empty()).then(|| Rc::new(what_if_from(&a.model, &a.dependents, &ids)));
    }

    fn new_text(&mut self, text: String) {
        self.text = text.into();
        self.new_revision();
    }

    /// The inputs changed (the export or the overlay): analyse again.
    fn new_revision(&mut self) {
        self.revision += 1;
        self.progress = None;
        self.diff = None;
        self.crash = None;
    }

    /// Problems of one tab.
    pub fn problems_of(&self, tab: Tab) -> Vec<Problem> {
        self.problems.iter().filter(|p| p.input == tab.input()).cloned().collect()
    }

    /// Writes review action `r` into the overlay (it is analysed again, and the overlay tab
    /// shows the line), or says why it wrote nothing.
    fn refine(&mut self, r: &Refine) {
        let Some(a) = self.analysis.clone() else { return };
        let doc = overlay_text::read(&self.overlay);
        let ctx = Context { model: &a.model, baseline: &a.baseline, overlay: doc.as_ref() };
        let edited =
            ctx.plan(r).and_then(|plan| overlay_text::edit(&self.overlay, &plan.id, &plan.change).map(|e| (plan, e)));
        match edited {
            Ok((plan, e)) if e.changed => {
                self.overlay = e.text.into();
                self.new_revision();
                self.tab = Tab::Overlay;
                self.jump_to(Tab::Overlay, e.line);
                self.notice = Some(Notice::info(format!("Overlay: {} (line {}).", plan.what, e.line)));
            }
            Ok((plan, _)) => self.notice = Some(Notice::info(format!("Already so: {}.", plan.what))),
            Err(why) => self.notice = Some(Notice::warning(format!("The overlay was not changed: {why}."))),
        }
    }

    fn jump_to(&mut self, tab: Tab, line: u32) {
        let seq = self.jump.map_or(0, |j| j.seq + 1);
        self.jump = Some(Jump { tab, line, seq });
    }

    /// Sets the overlay aside (when it holds anything), saying so.
    fn set_aside(&mut self) {
        if self.overlay.trim().is_empty() {
            return;
        }
        let replaced = self.aside.as_ref().is_some_and(|a| !a.trim().is_empty() && **a != *self.overlay);
        self.aside = Some(std::mem::take(&mut self.overlay));
        self.notice = Some(Notice::warning(if replaced {
            "Your overlay is set aside: it refined the export before. Apply it again from the Overlay tab; the one set aside before it is gone."
        } else {
            "Your overlay is set aside: it refined the export before. Apply it again from the Overlay tab."
        }));
    }
}

fn copy(s: &State) -> State {
    State {
        text: s.text.clone(),
        overlay: s.overlay.clone(),
        beside: s.beside.clone(),
        reach: s.reach.clone(),
        reach_view: s.reach_view.clone(),
        aside: s.aside.clone(),
        tab: s.tab,
        jump: s.jump,
        click: s.click,
        selected: s.selected.clone(),
        side: s.side,
        edge_filter: s.edge_filter,
        note: s.note,
        revision: s.revision,
        progress: s.progress.clone(),
        cancelled: s.cancelled,
        problems: s.problems.clone(),
        analysis: s.analysis.clone(),
        failed: s.failed.clone(),
        history: s.history.clone(),
        what_if: s.what_if.clone(),
        focus: s.focus.clone(),
        evidence: s.evidence.clone(),
        finding: s.finding,
        roll_up: s.roll_up.clone(),
        roll_up_chosen: s.roll_up_chosen,
        notice: s.notice.clone(),
        failed_from_link: s.failed_from_link,
        crash: s.crash.clone(),
        diff: s.diff.clone(),
    }
}

/// Most undo steps kept.
const HISTORY: usize = 100;

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = copy(&self);
        match action {
            Action::Edit(text) => {
                if *text == *s.text {
                    return self;
                }
                s.new_text(text);
            }
            Action::OpenMany(files) => {
                let mut files = files.into_iter();
                let Some((_, text)) = files.next() else { return self };
                let beside: Vec<(String, String)> = files.collect();
                let s2 = self.reduce(Action::Open { text, overlay: None, failed: Vec::new() });
                let mut s2 = copy(&s2);
                s2.beside = beside.into();
                return Rc::new(s2);
            }
            Action::OpenShared(shared) => {
                let crate::share::Shared { text, overlay, failed, beside } = shared;
                let s2 = self.reduce(Action::Open { text, overlay: Some(overlay), failed });
                let mut s2 = copy(&s2);
                s2.beside = beside.into();
                return Rc::new(s2);
            }
            Action::DropBeside => {
                if s.beside.is_empty() {
                    return self;
                }
                s.beside = Rc::from(Vec::new());
                s.reach = None;
                s.reach_view = None;
                s.new_revision();
            }
            Action::Open { text, overlay, failed } => {
                s.beside = Rc::from(Vec::new());
                s.reach = None;
                s.reach_view = None;
                match overlay {
                    Some(o) if *o == *s.overlay => {}
                    Some(o) => {
                        s.set_aside();
                        s.overlay = o.into();
                    }
                    None => s.set_aside(),
                }
                s.tab = Tab::Export;
                s.selected = None;
                s.note = None;
                s.edge_filter = None;
                s.new_text(text);
                s.history.clear();
                s.failed_from_link = !failed.is_empty();
                s.failed = failed;
                s.focus = None;
                s.evidence.clear();
                s.finding = None;
                s.roll_up_chosen = false;
                s.roll_up.expanded.clear();
            }
            Action::EditOverlay(text) => {
                if *text == *s.overlay {
                    return self;
                }
                s.overlay = text.into();
                s.new_revision();
            }
            Action::Restore { overlay, aside } => {
                s.overlay = overlay.into();
                s.aside = aside.filter(|a| !a.trim().is_empty()).map(Into::into);
            }
            Action::ApplyAside => {
                let Some(aside) = s.aside.take() else { return self };
                let current = std::mem::replace(&mut s.overlay, aside);
                s.aside = (!current.trim().is_empty()).then_some(current);
                s.tab = Tab::Overlay;
                s.new_revision();
            }
            Action::DiscardAside => s.aside = None,
            Action::ShowTab(tab) => s.tab = tab,
            Action::JumpTo(tab, line) => {
                s.tab = tab;
                s.jump_to(tab, line);
            }
            Action::SetClick(mode) => {
                s.click = mode;
                if mode == ClickMode::Fail {
                    s.selected = None;
                }
            }
            Action::Select(selection) => s.selected = selection,
            Action::ShowSide(side) => s.side = side,
            Action::FilterEdges(mark) => s.edge_filter = mark,
            Action::Refine(r) => s.refine(&r),
            Action::ShowNote(i) => {
                let Some(n) = s.analysis.as_ref().and_then(|a| a.report.notes.get(i)) else { return self };
                let ids: Vec<String> = match &n.edge {
                    Some(e) => vec![e.from.clone(), e.to.clone()],
                    None => vec![n.subject.clone()],
                };
                let a = s.analysis.clone();
                let shown: Vec<String> = ids
                    .iter()
                    .flat_map(|id| {
                        // A group's edge stands on its replicas: show them too.
                        let reps = a.as_ref().map(|a| review::replicas(&a.model, id)).unwrap_or_default();
                        std::iter::once(id.clone()).chain(reps)
                    })
                    .collect();
                s.evidence = shown.clone();
                s.note = Some(i);
                s.finding = None;
                s.focus = Some(Focus { seeds: shown, hops: 1 });
                s.selected = match &n.edge {
                    Some(e) if n.edge.as_ref().is_some_and(|e| e.field.is_some()) => {
                        Some(Selection::Edge { from: e.from.clone(), to: e.to.clone() })
                    }
                    _ => Some(Selection::Component(n.subject.clone())),
                };
            }
            Action::Worker(response) => {
                match &*response {
                    Response::Diff(view) => {
                        s.diff = Some(Rc::new((**view).clone()));
                        return Rc::new(s);
                    }
                    Response::DiffFailed { message } => {
                        s.notice = Some(Notice::warning(format!("Cannot compare: {message}.")));
                        return Rc::new(s);
                    }
                    Response::ExportFailed { message } => {
                        s.notice = Some(Notice::warning(format!("Nothing exported: {message}.")));
                        return Rc::new(s);
                    }
                    // Reach answers go with the principal picked, not with a revision: the page
                    // asks again after each analysis, and the worker answers in order.
                    Response::Reach { view, .. } => {
                        let picked = Reach { file: view.file.clone(), principal: view.principal.clone() };
                        if s.reach.as_ref() != Some(&picked) {
                            return self;
                        }
                        s.reach_view = Some(Rc::new((**view).clone()));
                        return Rc::new(s);
                    }
                    Response::ReachFailed { principal, message, .. } => {
                        if s.reach.as_ref().is_none_or(|r| r.principal != *principal) {
                            return self;
                        }
                        s.reach = None;
                        s.reach_view = None;
                        s.notice = Some(Notice::warning(format!("No reach to show: {message}.")));
                        return Rc::new(s);
                    }
                    _ => {}
                }
                if response.id() != s.revision {
                    return self;
                }
                match &*response {
                    Response::Ready
                    | Response::Export { .. }
                    | Response::ExportFailed { .. }
                    | Response::Panicked { .. }
                    | Response::Diff(_)
                    | Response::DiffFailed { .. }
                    | Response::Reach { .. }
                    | Response::ReachFailed { .. } => return self,
                    Response::Progress { step, fraction, .. } => s.progress = Some((step.clone(), *fraction)),
                    Response::Failed { problems, .. } => {
                        s.progress = None;
                        s.problems = problems.clone();
                    }
                    Response::Parsed { .. } | Response::Done { .. } => {}
                }
            }
            Action::Loaded { revision, analysis, warnings } => {
                if revision != s.revision {
                    return self;
                }
                s.progress = None;
                s.problems = warnings;
                let before = s.analysis.as_ref().map(|a| &a.scene.opens_with);
                let now = &analysis.scene.opens_with;
                // A new size class (or shape) brings its roll-up, unless the user chose one.
                if !s.roll_up_chosen && before.is_none_or(|b| b.by != now.by) {
                    s.roll_up = now.clone();
                }
                let (kept, missing): (Vec<String>, Vec<String>) =
                    s.failed.drain(..).partition(|id| analysis.model.lookup(id).is_some());
                s.failed = kept;
                if !missing.is_empty() {
                    s.notice = Some(missing_notice(&missing, s.failed_from_link));
                }
                s.failed_from_link = false;
                if let Some(f) = &mut s.focus {
                    f.seeds.retain(|id| analysis.model.lookup(id).is_some());
                    if f.seeds.is_empty() {
                        s.focus = None;
                    }
                }
                if s.finding.is_some_and(|i| i >= analysis.report.findings.len()) {
                    s.finding = None;
                    s.evidence.clear();
                }
                if s.note.is_some_and(|i| i >= analysis.report.notes.len()) {
                    s.note = None;
                }
                let exists = |id: &str| analysis.model.lookup(id).is_some();
                let keep = match &s.selected {
                    Some(Selection::Component(id)) => exists(id),
                    Some(Selection::Edge { from, to }) => exists(from) && exists(to),
                    None => true,
                };
                if !keep {
                    s.selected = None;
                }
                s.analysis = Some(analysis);
                s.recompute();
            }
            Action::Toggle(id) => {
                // The graph shows one colouring at a time: failing something ends the reach view.
                s.reach = None;
                s.reach_view = None;
                let mut failed = s.failed.clone();
                match failed.iter().position(|f| *f == id) {
                    Some(i) => {
                        failed.remove(i);
                    }
                    None => failed.push(id),
                }
                s.with_failed(failed);
            }
            Action::Fail(ids) => {
                s.reach = None;
                s.reach_view = None;
                let mut failed = s.failed.clone();
                for id in ids {
                    if !failed.contains(&id) {
                        failed.push(id);
                    }
                }
                s.with_failed(failed);
            }
            Action::Undo => {
                let Some(previous) = s.history.pop() else { return self };
                s.failed = previous;
                s.recompute();
            }
            Action::Reset => s.with_failed(Vec::new()),
            Action::Focus(focus) => s.focus = (!focus.seeds.is_empty()).then_some(focus),
            Action::ClearFocus => {
                s.focus = None;
                s.evidence.clear();
                s.finding = None;
                s.note = None;
            }
            Action::ShowFinding(i) => {
                let Some(f) = s.analysis.as_ref().and_then(|a| a.report.findings.get(i)) else { return self };
                s.evidence = f.evidence.iter().map(|n| n.to_string()).collect();
                s.finding = Some(i);
                s.reach = None;
                s.reach_view = None;
                s.note = None;
                s.focus = Some(Focus { seeds: s.evidence.clone(), hops: 1 });
            }
            Action::ClearFinding => {
                s.evidence.clear();
                s.finding = None;
                s.reach = None;
                s.reach_view = None;
            }
            Action::ShowReach(picked) => {
                let listed = s.analysis.as_ref().is_some_and(|a| {
                    a.report.policy.iter().any(|p| p.file == picked.file && p.principal(&picked.principal).is_some())
                });
                if !listed || s.reach.as_ref() == Some(&picked) {
                    return self;
                }
                // The whole graph, coloured by what the worker answers: nothing else marked.
                s.evidence.clear();
                s.finding = None;
                s.note = None;
                s.focus = None;
                s.reach = Some(picked);
                s.reach_view = None;
            }
            Action::ClearReach => {
                if s.reach.is_none() {
                    return self;
                }
                s.reach = None;
                s.reach_view = None;
            }
            Action::SetRollUp(by) => {
                s.roll_up = RollUp::by(&by);
                s.roll_up_chosen = true;
            }
            Action::Expand(key) => {
                s.roll_up.expanded.insert(key);
            }
            Action::Collapse(key) => {
                s.roll_up.expanded.remove(&key);
            }
            Action::Notice(n) => s.notice = n,
            Action::CloseDiff => s.diff = None,
            Action::WorkerFailed(crash) => {
                s.progress = None;
                s.crash = Some(crash);
            }
            Action::DismissCrash => s.crash = None,
            Action::Cancelled => {
                s.progress = None;
                s.cancelled = Some(s.revision);
                s.notice = Some(Notice::warning(
                    "Analysis cancelled. The text is kept: edit it, or open it again, to analyse it.",
                ));
            }
        }
        if s.history.len() > HISTORY {
            let extra = s.history.len() - HISTORY;
            s.history.drain(..extra);
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Input;
    use crate::scene::DEFAULT_ROLL_UP;
    use blastmap_core::format::RefField;
    use blastmap_core::report::Options;

    const YAML: &str = "components:
- {id: web, requires: [api], critical: true}
- {id: admin, requires: [db], critical: true}
- {id: api, requires: [db], region: east}
- {id: db, region: west}
";

    fn loaded(text: &str) -> Rc<State> {
        let s = Rc::new(State::default()).reduce(Action::Edit(text.into()));
        let r = s.revision;
        let l = crate::load::load(text).unwrap();
        let report = blastmap_core::analyze(&l.compiled, &Options::default());
        let (report, totals) = crate::protocol::trim(&report);
        let packed = Packed::of(&l.compiled.model, l.compiled.mesh.as_ref());
        let parsed = Parsed::new(&packed, "native".into(), Vec::new(), BTreeMap::new(), 0.0).unwrap();
        let analysis = Analysis::new(parsed, report, totals, 0.0);
        s.reduce(Action::Loaded { revision: r, analysis: Rc::new(analysis), warnings: Vec::new() })
    }

    #[test]
    fn failing_and_restoring_with_undo_and_reset() {
        let s = loaded(YAML);
        assert_eq!(s.targets_down(), Some((0, 2)));
        let s = s.reduce(Action::Toggle("api".into()));
        assert_eq!(s.failed, ["api"]);
        assert_eq!(s.targets_down(), Some((1, 2)));
        let s = s.reduce(Action::Fail(vec!["region:west".into(), "api".into()]));
        assert_eq!(s.failed, ["api", "region:west"]);
        assert_eq!(s.targets_down(), Some((2, 2)));
        let s = s.reduce(Action::Toggle("api".into()));
        assert_eq!(s.failed, ["region:west"]);
        let s = s.reduce(Action::Undo);
        assert_eq!(s.failed, ["api", "region:west"]);
        let s = s.reduce(Action::Reset);
        assert!(s.failed.is_empty() && s.what_if.is_none());
        assert_eq!(s.targets_down(), Some((0, 2)));
        let s = s.reduce(Action::Undo).reduce(Action::Undo).reduce(Action::Undo);
        assert_eq!(s.failed, Vec::<String>::new(), "undo goes back to the start and stops");
        let again = s.clone().reduce(Action::Undo);
        assert!(Rc::ptr_eq(&s, &again));
    }

    #[test]
    fn a_design_diff_opens_closes_and_goes_with_a_new_text() {
        let before = "components:\n- {id: app, requires: [db]}\n- {id: db}\n";
        let after = "components:\n- {id: app, need: 1, requires: [db, db2]}\n- {id: db}\n- {id: db2}\n";
        let view = match crate::worker::compare(&[Input::export(before)], Some(after), None) {
            Response::Diff(v) => v,
            other => panic!("{other:?}"),
        };
        assert_eq!(view.diff.lost.iter().map(|f| f.subject.as_str()).collect::<Vec<_>>(), ["db"]);
        let s = loaded(YAML).reduce(Action::Worker(Rc::new(Response::Diff(view))));
        assert!(s.diff.is_some(), "diff answers are not tied to a revision");
        assert!(s.clone().reduce(Action::CloseDiff).diff.is_none());
        assert!(s.reduce(Action::Edit("components: []".into())).diff.is_none());
        let failed = crate::worker::compare(&[Input::export(before)], None, Some("region"));
        assert!(
            matches!(failed, Response::DiffFailed { ref message } if message.contains("nothing to split")),
            "{failed:?}"
        );
        let s = loaded(YAML).reduce(Action::Worker(Rc::new(failed)));
        assert!(s.notice.as_ref().is_some_and(|n| n.text.starts_with("Cannot compare") && n.warning));
    }

    #[test]
    fn errors_keep_the_last_good_topology_and_stale_answers_are_ignored() {
        let s = loaded(YAML).reduce(Action::Toggle("db".into()));
        let good = s.analysis.clone().unwrap();
        let s = s.reduce(Action::Edit("components: [".into()));
        let stale = Response::Progress { id: s.revision - 1, step: "x".into(), fraction: 0.5 };
        let same = s.clone().reduce(Action::Worker(Rc::new(stale)));
        assert!(Rc::ptr_eq(&s, &same));
        let problem =
            Problem { input: 0, line: Some(1), column: Some(13), message: "bad".into(), error: true, info: false };
        let id = s.revision;
        let s = s.reduce(Action::Worker(Rc::new(Response::Failed { id, problems: vec![problem] })));
        assert!(s.has_errors());
        assert!(Rc::ptr_eq(s.analysis.as_ref().unwrap(), &good));
        assert_eq!(s.targets_down(), Some((2, 2)), "the failure state still applies");
    }

    #[test]
    fn a_new_topology_keeps_only_failures_it_still_has() {
        let s = loaded(YAML).reduce(Action::Fail(vec!["api".into(), "db".into()]));
        let text = YAML
            .replace("- {id: api, requires: [db], region: east}\n", "")
            .replace("requires: [api]", "requires: [db]");
        let s2 = loaded(&text);
        let s = s.reduce(Action::Edit(text)).reduce(Action::Loaded {
            revision: s2.revision + 1,
            analysis: s2.analysis.clone().unwrap(),
            warnings: Vec::new(),
        });
        assert_eq!(s.failed, ["db"]);
        assert_eq!(s.targets_down(), Some((2, 2)));
        let notice = s.notice.as_ref().map(|n| n.text.as_str());
        assert_eq!(notice, Some("1 failed component is no longer in the topology, so the failed set drops `api`"));
    }

    #[test]
    fn a_share_link_says_which_of_its_failures_the_topology_lacks() {
        let failed: Vec<String> = ["db", "gone", "region:nowhere"].map(String::from).into();
        let s = Rc::new(State::default()).reduce(Action::Open { text: YAML.into(), overlay: None, failed });
        let revision = s.revision;
        let s = s.reduce(Action::Loaded {
            revision,
            analysis: loaded(YAML).analysis.clone().unwrap(),
            warnings: Vec::new(),
        });
        assert_eq!(s.failed, ["db"]);
        let notice = s.notice.clone().unwrap();
        assert_eq!(notice.text, "2 failed components in this link are not in the topology: `gone`, `region:nowhere`");
        assert!(notice.warning);
        // A link whose failures all exist says nothing.
        let s = Rc::new(State::default()).reduce(Action::Open {
            text: YAML.into(),
            overlay: None,
            failed: vec!["api".into()],
        });
        let revision = s.revision;
        let s = s.reduce(Action::Loaded {
            revision,
            analysis: loaded(YAML).analysis.clone().unwrap(),
            warnings: Vec::new(),
        });
        assert!(s.notice.is_none() && s.failed == ["api"]);
        // Long lists are counted past the first few.
        let many: Vec<String> = (0..12).map(|i| format!("x{i}")).collect();
        assert_eq!(
            missing_notice(&many, true).text,
            "12 failed components in this link are not in the topology: `x0`, `x1`, `x2`, `x3`, `x4`, `x5`, `x6`, `x7` and 4 more"
        );
    }

    #[test]
    fn a_failed_worker_stops_the_progress_until_the_next_text() {
        let s = Rc::new(State::default()).reduce(Action::Edit(YAML.into()));
        let id = s.revision;
        let s = s.reduce(Action::Worker(Rc::new(Response::Progress { id, step: "parsing".into(), fraction: 0.0 })));
        assert!(s.progress.is_some());
        let crash = Crash { message: "it panicked: boom".into(), restarted: true };
        let s = s.reduce(Action::WorkerFailed(crash.clone()));
        assert!(s.progress.is_none());
        assert_eq!(s.crash, Some(crash));
        assert!(s.clone().reduce(Action::DismissCrash).crash.is_none());
        assert!(s.reduce(Action::Edit("components: []".into())).crash.is_none());
    }

    #[test]
    fn cancelling_stops_the_progress_and_keeps_the_text() {
        let s = loaded(YAML).reduce(Action::Edit(format!("{YAML}- {{id: extra}}\n")));
        let id = s.revision;
        let s = s.reduce(Action::Worker(Rc::new(Response::Progress { id, step: "cycles".into(), fraction: 0.7 })));
        let s = s.reduce(Action::Cancelled);
        assert!(s.progress.is_none());
        assert!(s.text.ends_with("- {id: extra}\n"));
        assert_eq!(s.revision, id);
        assert!(s.notice.as_ref().unwrap().text.starts_with("Analysis cancelled. The text is kept"));
        assert!(s.is_cancelled(), "the page says the text is not analysed");
        assert!(!s.clone().reduce(Action::Edit(YAML.into())).is_cancelled(), "a new text is analysed");
        // The last analysis stays shown.
        assert!(s.analysis.is_some());
    }

    #[test]
    fn findings_focus_on_their_evidence() {
        let s = loaded(YAML);
        let spof = s.analysis.as_ref().unwrap().report.findings.iter().position(|f| f.subject == "db").unwrap();
        let s = s.reduce(Action::ShowFinding(spof));
        assert_eq!(s.finding, Some(spof));
        assert!(s.evidence.contains(&"db".to_string()));
        assert_eq!(s.focus.as_ref().map(|f| f.hops), Some(1));
        let s = s.reduce(Action::ClearFocus);
        assert!(s.focus.is_none() && s.evidence.is_empty());
        let same = s.clone().reduce(Action::ShowFinding(999));
        assert!(Rc::ptr_eq(&s, &same));
    }

    #[test]
    fn large_topologies_open_rolled_up_until_the_user_chooses() {
        let big: String = std::iter::once("components:\n".to_string())
            .chain((0..400).map(|i| format!("- {{id: s{i}, region: r{}}}\n", i % 3)))
            .collect();
        let s = loaded(&big);
        assert_eq!(s.roll_up.by, DEFAULT_ROLL_UP);
        let r1 = RollUp::key(RollUpBy::Region, "r1");
        let s = s.reduce(Action::Expand(r1.clone()));
        assert!(s.roll_up.expanded.contains(&r1));
        let s = s.reduce(Action::Collapse(r1));
        assert!(s.roll_up.expanded.is_empty());
        let s = s.reduce(Action::SetRollUp(vec![]));
        assert!(s.roll_up.by.is_empty() && s.roll_up_chosen);
        assert!(loaded(YAML).roll_up.by.is_empty());
        // Mid-sized ones open with their replica sets as one node each.
        let mid: String = std::iter::once("components:\n".to_string())
            .chain((0..50).map(|i| format!("- {{id: s{i}, need: 2, requires: [s{i}-a, s{i}-b, s{i}-c]}}\n")))
            .chain((0..50).flat_map(|i| ["a", "b", "c"].map(|r| format!("- {{id: s{i}-{r}}}\n"))))
            .collect();
        assert_eq!(loaded(&mid).roll_up.by, [RollUpBy::Group]);
    }

    #[test]
    fn opening_a_text_replaces_failures_and_focus() {
        let s = loaded(YAML)
            .reduce(Action::Toggle("api".into()))
            .reduce(Action::Focus(Focus { seeds: vec!["api".into()], hops: 2 }));
        let s = s.reduce(Action::Open { text: "components: []".into(), overlay: None, failed: vec!["db".into()] });
        assert_eq!(s.failed, ["db"]);
        assert!(s.focus.is_none() && s.history.is_empty());
        assert!(!s.is_empty());
        let s = s.reduce(Action::Edit("  \n".into()));
        assert!(s.is_empty());
    }

    const COMPOSE: &str = include_str!("../../crates/blastmap-import/tests/fixtures/overlay/shop-compose.yml");

    #[test]
    fn several_files_open_as_an_export_with_files_beside_it_and_a_principal_shows_its_reach() {
        let fixture = |f: &str| {
            let path = format!("{}/../crates/blastmap-import/tests/fixtures/tailnet/{f}", env!("CARGO_MANIFEST_DIR"));
            (f.to_string(), std::fs::read_to_string(path).unwrap())
        };
        let files: Vec<(String, String)> =
            ["laptop.json", "router-b.json", "db-1.json", "acme.com.hujson"].into_iter().map(fixture).collect();
        let opened = Rc::new(State::default()).reduce(Action::OpenMany(files.clone()));
        assert_eq!(*opened.text, *files[0].1);
        assert_eq!(
            opened.beside.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["router-b.json", "db-1.json", "acme.com.hujson"]
        );
        let inputs = Input::with(opened.text.clone(), &opened.beside, opened.overlay.clone());
        let loaded = crate::load::load_inputs(&inputs).unwrap();
        let problems = crate::load::warnings(&loaded, &inputs);
        // Files beside the export have no editor: their warnings are listed with the export's,
        // naming their file (none lands on the overlay tab).
        assert!(problems.iter().all(|p| p.input == 0), "{problems:#?}");
        assert!(
            problems.iter().any(|p| p.message.starts_with("acme.com.hujson: the estate has tailnets")
                || p.message.starts_with("router-b.json:3:11: status of `router-b`")),
            "{problems:#?}"
        );
        let s = analysed(opened);
        let section = s.analysis.as_ref().unwrap().report.policy[0].clone();
        assert_eq!(section.tailnet, "acme.com");
        let eng = Reach { file: section.file.clone(), principal: "group:eng".into() };
        let s = s.reduce(Action::ShowFinding(0)).reduce(Action::ShowReach(eng.clone()));
        assert_eq!(s.reach.as_ref(), Some(&eng));
        assert!(s.evidence.is_empty() && s.finding.is_none() && s.focus.is_none() && s.reach_view.is_none());
        // The worker's answer for the principal picked is the view; one for another is not.
        let ask = |p: &Reach| crate::protocol::Request::Reach { file: p.file.clone(), principal: p.principal.clone() };
        let answer = |p: &Reach| {
            let mut out = Vec::new();
            crate::worker::handle(ask(p), &|| 0.0, &mut |r| out.push(r));
            Rc::new(out.pop().unwrap())
        };
        let db = Reach { file: section.file.clone(), principal: "tag:db".into() };
        let same = s.clone().reduce(Action::Worker(answer(&db)));
        assert!(Rc::ptr_eq(&same, &s), "an answer for another principal");
        let s = s.reduce(Action::Worker(answer(&eng)));
        let view = s.reach_view.clone().unwrap();
        assert_eq!(view.reached.len(), section.principal("group:eng").unwrap().reaches_count);
        assert_eq!(view.origin, ["laptop"]);
        // A name the policy section does not have changes nothing; clearing the picker clears it.
        let same = s.clone().reduce(Action::ShowReach(Reach { principal: "nobody@acme.com".into(), ..eng.clone() }));
        assert!(Rc::ptr_eq(&same, &s));
        let cleared = s.clone().reduce(Action::ClearReach);
        assert!(cleared.reach.is_none() && cleared.reach_view.is_none());
        // Failing a component shows the what-if instead.
        let failing = s.clone().reduce(Action::Toggle("db-1".into()));
        assert!(failing.reach.is_none() && failing.reach_view.is_none() && failing.failed == ["db-1"]);
        // A principal the worker does not know (the text changed under it) is cleared, said.
        let failed = Response::ReachFailed { id: 0, principal: "group:eng".into(), message: "gone".into() };
        let gone = s.clone().reduce(Action::Worker(Rc::new(failed)));
        assert!(gone.reach.is_none() && gone.reach_view.is_none() && gone.notice.is_some());
        // Dropping the files beside re-analyses the export alone; opening one file clears them.
        let revision = s.revision;
        let s = s.reduce(Action::DropBeside);
        assert!(s.beside.is_empty() && s.revision > revision && s.reach_view.is_none());
        let s = analysed(s);
        assert!(s.analysis.as_ref().unwrap().report.policy.is_empty());
        let s = Rc::new(State::default()).reduce(Action::OpenMany(files)).reduce(Action::Open {
            text: "components: []".into(),
            overlay: None,
            failed: Vec::new(),
        });
        assert!(s.beside.is_empty() && s.reach.is_none());
    }

    #[test]
    fn a_share_link_opens_with_its_overlay_failures_and_files_beside_in_one_revision() {
        let shared = crate::share::Shared {
            text: YAML.into(),
            overlay: "overlay: true\n".into(),
            failed: vec!["db".into()],
            beside: vec![("acme.com.hujson".into(), "{}".into())],
        };
        let s = Rc::new(State::default()).reduce(Action::OpenShared(shared));
        assert_eq!(
            (s.revision, &*s.text, &*s.overlay, s.failed.as_slice()),
            (1, YAML, "overlay: true\n", &["db".to_string()][..])
        );
        assert_eq!(&*s.beside, &[("acme.com.hujson".to_string(), "{}".to_string())][..]);
    }

    /// `s` after the worker answered for its export and overlay, as the page builds it.
    fn analysed(s: Rc<State>) -> Rc<State> {
        let inputs = Input::with(s.text.clone(), &s.beside, s.overlay.clone());
        let mut out = Vec::new();
        crate::worker::analyze(s.revision, &inputs, &|| 0.0, &mut |r| out.push(r));
        let mut parsed = None;
        for r in out {
            match r {
                Response::Parsed { model, format, warnings, baseline, .. } => {
                    parsed = Some(Parsed::new(&model, format, warnings, baseline, 0.0).unwrap());
                }
                Response::Done { id, report, totals, .. } => {
                    let parsed = parsed.take().unwrap();
                    let warnings = parsed.warnings.clone();
                    let analysis = Rc::new(Analysis::new(parsed, *report, totals, 0.0));
                    return s.reduce(Action::Loaded { revision: id, analysis, warnings });
                }
                Response::Failed { .. } => return s.reduce(Action::Worker(Rc::new(r))),
                _ => {}
            }
        }
        panic!("no answer")
    }

    fn titles(s: &State) -> Vec<String> {
        s.analysis.as_ref().unwrap().report.findings.iter().map(|f| f.title.clone()).collect()
    }

    #[test]
    fn an_edges_meaning_by_click_writes_the_overlay_and_the_findings_follow() {
        let s = analysed(Rc::new(State::default()).reduce(Action::Open {
            text: COMPOSE.into(),
            overlay: None,
            failed: vec![],
        }));
        let spof = "single point of failure: `config` takes down `frontend`".to_string();
        assert!(titles(&s).contains(&spof));
        let s = s.reduce(Action::SetClick(ClickMode::Review));
        let s = s.reduce(Action::Select(Some(Selection::Edge { from: "frontend".into(), to: "config".into() })));
        let revision = s.revision;
        let start = Refine::Edge {
            from: "frontend".into(),
            to: "config".into(),
            meaning: Some(RefField::RequiresAtStart),
            explicit: false,
        };
        let s = s.reduce(Action::Refine(start));
        assert_eq!(&*s.overlay, "overlay: true\ncomponents:\n  - id: frontend\n    requires_at_start: [config]\n");
        assert_eq!((s.revision, s.tab), (revision + 1, Tab::Overlay));
        assert_eq!(s.jump.map(|j| (j.tab, j.line)), Some((Tab::Overlay, 3)));
        assert_eq!(s.notice.as_ref().unwrap().text, "Overlay: `frontend` → `config`: start order only (line 3).");
        let s = analysed(s);
        assert!(!titles(&s).contains(&spof), "{:?}", titles(&s));
        assert_eq!(s.analysis.as_ref().unwrap().report.notes.len(), 1);
        assert!(s.selected.is_some(), "the edge stays selected");
        // Back to what the export says: the overlay is empty of it again, and the finding is back.
        let back = Refine::Edge {
            from: "frontend".into(),
            to: "config".into(),
            meaning: Some(RefField::Requires),
            explicit: false,
        };
        let s = analysed(s.reduce(Action::Refine(back.clone())));
        assert_eq!(&*s.overlay, "overlay: true\ncomponents:\n");
        assert!(titles(&s).contains(&spof));
        // Once more is nothing to write, and says so.
        let same = s.clone().reduce(Action::Refine(back));
        assert_eq!(same.revision, s.revision);
        assert!(same.notice.as_ref().unwrap().text.starts_with("Already so:"));
    }

    #[test]
    fn a_component_review_writes_its_entry_and_a_broken_overlay_is_left_alone() {
        let s = Rc::new(State::default()).reduce(Action::Open { text: COMPOSE.into(), overlay: None, failed: vec![] });
        let s = analysed(s);
        let zone = Refine::Scalar {
            id: "db".into(),
            key: crate::overlay_text::Key::Zone,
            value: Some(crate::overlay_text::Scalar::Text("eu-west-1a".into())),
            explicit: false,
        };
        let s = analysed(s.reduce(Action::Refine(zone.clone())));
        assert!(s.overlay.contains("  - id: db\n    zone: eu-west-1a\n"), "{}", s.overlay);
        assert_eq!(
            crate::review::placement_of(&s.analysis.as_ref().unwrap().model, "db", "zone").as_deref(),
            Some("eu-west-1a")
        );
        // The user's text that does not read is never overwritten.
        let s = s.reduce(Action::EditOverlay("components: [\n".into()));
        let before = s.overlay.clone();
        let s = s.reduce(Action::Refine(zone));
        assert_eq!(s.overlay, before);
        let notice = s.notice.as_ref().unwrap();
        assert!(
            notice.warning && notice.text.starts_with("The overlay was not changed: the overlay does not read"),
            "{}",
            notice.text
        );
    }

    #[test]
    fn overlay_errors_are_the_overlay_tabs_and_keep_the_last_good_topology() {
        let s = analysed(Rc::new(State::default()).reduce(Action::Open {
            text: COMPOSE.into(),
            overlay: None,
            failed: vec![],
        }));
        let good = s.analysis.clone().unwrap();
        let s = analysed(
            s.reduce(Action::EditOverlay("overlay: true\ncomponents:\n  - id: frontnd\n    critical: true\n".into())),
        );
        assert!(s.has_errors());
        assert!(s.problems_of(Tab::Export).is_empty());
        let p = s.problems_of(Tab::Overlay);
        assert_eq!(p[0].line, Some(3));
        assert!(p[0].message.contains("did you mean `frontend`"), "{}", p[0].message);
        assert!(Rc::ptr_eq(s.analysis.as_ref().unwrap(), &good));
    }

    #[test]
    fn opening_another_export_sets_the_overlay_aside_and_it_comes_back() {
        let mine = "overlay: true\ncomponents:\n  - id: frontend\n    critical: true\n";
        let s = Rc::new(State::default()).reduce(Action::Restore { overlay: mine.into(), aside: None });
        assert_eq!((s.revision, &*s.overlay), (0, mine), "restoring is not a new text");
        let s = s.reduce(Action::Open { text: COMPOSE.into(), overlay: None, failed: vec![] });
        assert!(s.overlay.is_empty());
        assert_eq!(s.aside.as_deref(), Some(mine));
        assert!(s.notice.as_ref().unwrap().text.starts_with("Your overlay is set aside"));
        let s = s.reduce(Action::EditOverlay("overlay: true\n# new\n".into()));
        let s = s.reduce(Action::ApplyAside);
        assert_eq!(&*s.overlay, mine);
        assert_eq!(s.aside.as_deref(), Some("overlay: true\n# new\n"), "swapped, nothing lost");
        assert_eq!(s.tab, Tab::Overlay);
        // A share link brings its own overlay; the one the user had is set aside.
        let s =
            s.reduce(Action::Open { text: COMPOSE.into(), overlay: Some("overlay: true\n".into()), failed: vec![] });
        assert_eq!((&*s.overlay, s.aside.as_deref()), ("overlay: true\n", Some(mine)));
        assert!(s.notice.as_ref().unwrap().text.ends_with("the one set aside before it is gone."));
        // The same overlay again is not set aside.
        let s =
            s.reduce(Action::Open { text: COMPOSE.into(), overlay: Some("overlay: true\n".into()), failed: vec![] });
        assert_eq!(s.aside.as_deref(), Some(mine));
        assert!(s.reduce(Action::DiscardAside).aside.is_none());
    }

    #[test]
    fn a_note_shows_its_edge_on_the_graph() {
        let overlay =
            "overlay: true\ncomponents:\n  - id: catalog\n    monitored_by: [collector]\n  - id: db\n    zone: z\n";
        let s = Rc::new(State::default()).reduce(Action::Restore { overlay: overlay.into(), aside: None });
        let s =
            analysed(s.reduce(Action::Open { text: COMPOSE.into(), overlay: Some(overlay.into()), failed: vec![] }));
        let notes = s.analysis.as_ref().unwrap().report.notes.clone();
        let edge = notes.iter().position(|n| n.edge.is_some()).unwrap();
        let s = s.reduce(Action::ShowNote(edge));
        assert_eq!(s.evidence, ["catalog", "catalog#1", "catalog#2", "collector"]);
        assert_eq!(s.selected, Some(Selection::Edge { from: "catalog".into(), to: "collector".into() }));
        assert_eq!((s.note, s.finding), (Some(edge), None));
        let zone = notes.iter().position(|n| n.rule == "overlay.zone").unwrap();
        let s = s.reduce(Action::ShowNote(zone));
        assert_eq!(s.selected, Some(Selection::Component("db".into())));
        let s = s.reduce(Action::ShowFinding(0));
        assert_eq!(s.note, None);
        let a = s.analysis.as_ref().unwrap();
        assert_eq!(a.marks.get("catalog#1", "collector"), crate::review::OVERLAY);
    }
}
