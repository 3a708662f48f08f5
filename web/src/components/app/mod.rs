//! The page: top bar; the editors (export and overlay) on the left; graph with its failure
//! state, the inspector of what is under review, and the legend in the middle; findings or the
//! import summary on the right. Owns the reducer, wires the hooks, and lays out the panels.
//!
//! By concern: [`requests`] (exports, comparisons and splits: the worker's side of the top bar),
//! [`share`] (the texts kept across reloads, the share link).

pub mod requests;
pub mod share;

use blastmap_layout::Key;
use yew::prelude::*;

use super::diff_view::DiffPanel;
use super::editors::Editors;
use super::empty_state::EmptyState;
use super::failure_bar::FailureBar;
use super::findings::Findings;
use super::graph_view::{Exporter, GraphView};
use super::inspector::Inspector;
use super::legend::Legend;
use super::notice::Notices;
use super::summary::Summary;
use super::top_bar::TopBar;
use super::view_bar::ViewBar;
use super::Ptr;
use crate::browser;
use crate::examples;
use crate::hooks::use_analysis::use_analysis;
use crate::hooks::use_initial_text::use_initial_text;
use crate::load::Problem;
use crate::overlay_text;
use crate::review::{confirmations, note_counts, Context};
use crate::state::{Action, Focus, Reach, Selection, Side, State, Tab};
use blastmap_core::note::NoteKind;

/// The whole page.
#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    let dispatch = state.dispatcher();
    use_initial_text(dispatch.clone());
    let send =
        use_analysis(state.text.clone(), state.overlay.clone(), state.beside.clone(), state.revision, dispatch.clone());
    let exporter = use_mut_ref(|| None::<Exporter>);
    share::use_kept_text(
        state.text.clone(),
        state.overlay.clone(),
        state.aside.clone(),
        state.revision,
        dispatch.clone(),
    );

    // Callbacks that only dispatch are made once (`use_callback` on the stable dispatcher), so
    // the panels they go to re-render only when their data changes.
    let on_edit = use_callback(dispatch.clone(), |t: String, d| d.dispatch(Action::Edit(t)));
    let on_open = use_callback(dispatch.clone(), |text: String, d| {
        d.dispatch(Action::Open { text, overlay: None, failed: Vec::new() })
    });
    let on_open_many =
        use_callback(dispatch.clone(), |files: Vec<(String, String)>, d| d.dispatch(Action::OpenMany(files)));
    let on_drop_beside = use_callback(dispatch.clone(), |_: MouseEvent, d| d.dispatch(Action::DropBeside));
    let on_example = use_callback(dispatch.clone(), |name: &'static str, d| {
        if let Some(e) = examples::find(name) {
            d.dispatch(Action::Open { text: e.text.to_string(), overlay: None, failed: Vec::new() });
        }
    });
    let on_share = share::on_share(
        state.text.clone(),
        state.overlay.clone(),
        state.failed.clone(),
        state.beside.clone(),
        dispatch.clone(),
    );
    let on_edit_overlay = use_callback(dispatch.clone(), |t: String, d| d.dispatch(Action::EditOverlay(t)));
    let on_tab = use_callback(dispatch.clone(), |tab: Tab, d| d.dispatch(Action::ShowTab(tab)));
    let on_apply_aside = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::ApplyAside));
    let on_discard_aside = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::DiscardAside));
    let stem = state.analysis.as_ref().and_then(|a| a.report.name.clone()).unwrap_or_else(|| "topology".into());
    let on_download_overlay = {
        let (overlay, stem) = (state.overlay.clone(), stem.clone());
        Callback::from(move |()| browser::download(&format!("{stem}.overlay.yaml"), "application/yaml", &overlay))
    };
    let on_download_aside = {
        let aside = state.aside.clone();
        Callback::from(move |()| {
            if let Some(a) = &aside {
                browser::download("set-aside.overlay.yaml", "application/yaml", a);
            }
        })
    };
    let on_refine = use_callback(dispatch.clone(), |r, d| d.dispatch(Action::Refine(r)));
    let on_select = use_callback(dispatch.clone(), |s: Selection, d| d.dispatch(Action::Select(Some(s))));
    let on_pick = use_callback(dispatch.clone(), |s: Option<Selection>, d| d.dispatch(Action::Select(s)));
    let on_click_mode = use_callback(dispatch.clone(), |m, d| d.dispatch(Action::SetClick(m)));
    let on_filter = use_callback(dispatch.clone(), |m, d| d.dispatch(Action::FilterEdges(m)));
    let on_show_note = use_callback(dispatch.clone(), |i: usize, d| d.dispatch(Action::ShowNote(i)));
    let on_jump = use_callback(dispatch.clone(), |line: u32, d| d.dispatch(Action::JumpTo(Tab::Overlay, line)));
    let on_side = |side: Side| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::ShowSide(side)))
    };
    let on_export = requests::on_export(state.analysis.clone(), send.clone(), exporter.clone(), dispatch.clone());
    let on_compare = requests::on_compare(send.clone());
    // The hook's `send` does the same on every render: the first one serves.
    let on_cancel = use_callback(send.clone(), |(), send| send.emit(crate::protocol::Request::Cancel));
    let on_split = requests::on_split(send.clone());
    requests::use_reach(state.reach.clone(), state.analysis.clone(), send);
    let on_dismiss_crash = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::DismissCrash));
    let on_close_diff = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::CloseDiff));
    let on_close_notice = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::Notice(None)));
    let can_split = state.analysis.as_ref().and_then(|a| a.mesh.as_ref()).is_some_and(|m| !m.tailnets.is_empty());
    let on_toggle = use_callback(dispatch.clone(), |id: String, d| d.dispatch(Action::Toggle(id)));
    let on_fail = use_callback(dispatch.clone(), |id: String, d| d.dispatch(Action::Fail(vec![id])));
    let on_expand = use_callback(dispatch.clone(), |key: Key, d| d.dispatch(Action::Expand(key)));
    let on_collapse = use_callback(dispatch.clone(), |key: Key, d| d.dispatch(Action::Collapse(key)));
    let on_roll_up = use_callback(dispatch.clone(), |by, d| d.dispatch(Action::SetRollUp(by)));
    let on_set_focus = use_callback(dispatch.clone(), |focus, d| d.dispatch(Action::Focus(focus)));
    let on_clear_focus = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::ClearFocus));
    let on_undo = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Undo));
    let on_reset = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Reset));
    let on_select_finding = use_callback(dispatch.clone(), |i: usize, d| d.dispatch(Action::ShowFinding(i)));
    let on_reach = use_callback(dispatch.clone(), |picked: Option<Reach>, d| {
        d.dispatch(picked.map_or(Action::ClearReach, Action::ShowReach))
    });
    let hops = state.focus.as_ref().map_or(1, |f| f.hops);
    let on_focus = use_callback((dispatch.clone(), hops), |id: String, (d, hops)| {
        d.dispatch(Action::Focus(Focus { seeds: vec![id], hops: (*hops).max(1) }))
    });

    // The note about a failed worker, in whichever panel is on the right.
    let crash = state.crash.clone().map(|c| (c, !state.is_empty()));
    let status = match (&state.analysis, &state.progress) {
        (_, Some((step, _))) => format!("analysing: {step}…"),
        (Some(a), None) => format!(
            "{} · {} · parsed in {:.0} ms · analysed in {:.0} ms",
            a.format,
            blastmap_core::render::counted(a.report.summary.components, "component"),
            a.parse_ms,
            a.analyze_ms
        ),
        (None, None) => String::new(),
    };

    let middle = match (&state.analysis, state.is_empty()) {
        (_, true) => html! { <EmptyState on_example={on_example.clone()} /> },
        (None, false) => html! {
            <div class="empty">
                if state.has_errors() {
                    <h2>{ "The topology has errors" }</h2>
                    <p class="muted">{ "Fix them in the editor: each message names its line." }</p>
                } else if let Some(crash) = state.crash.as_ref().filter(|c| !c.restarted) {
                    <h2 id="analysis-stopped">{ "The analysis stopped" }</h2>
                    <p class="muted">{ format!("Its worker failed, and failed again after a restart: {}.", crash.message) }</p>
                    <p class="muted">{ "Your text is kept; edit it (or reload the page) to try again." }</p>
                } else if state.is_cancelled() {
                    <h2 id="analysis-cancelled">{ "Not analysed" }</h2>
                    <p class="muted">{ "You cancelled its analysis. The text is kept: edit it, or open it again, to analyse it." }</p>
                } else {
                    <p class="muted">{ "Analysing…" }</p>
                }
            </div>
        },
        (Some(a), false) => html! { <>
            if !state.beside.is_empty() {
                <div class="beside-bar" id="beside">
                    <span class="muted">{ "Read with the export: " }</span>
                    { for state.beside.iter().map(|(name, _)| html! { <span class="chip">{ name.clone() }</span> }) }
                    <button class="btn small" id="drop-beside" onclick={on_drop_beside.clone()} title="Analyse the export alone">{ "✕" }</button>
                </div>
            }
            <FailureBar analysis={Ptr(a.clone())} failed={state.failed.clone()} targets={state.targets_down().unwrap_or((0, 0))}
                can_undo={!state.history.is_empty()} on_toggle={on_toggle.clone()}
                on_undo={on_undo} on_reset={on_reset} />
            <ViewBar roll_up={state.roll_up.clone()} focus={state.focus.clone()} {on_roll_up} {on_collapse}
                on_focus={on_set_focus} {on_clear_focus} click={state.click} {on_click_mode} />
            <div class="graph-area">
                <GraphView analysis={Ptr(a.clone())} what_if={state.what_if.clone().map(Ptr)} failed={state.failed.clone()}
                    focus={state.focus.clone()} roll_up={state.roll_up.clone()} evidence={state.evidence.clone()}
                    on_toggle={on_toggle.clone()} on_expand={on_expand} on_focus={on_focus.clone()}
                    click={state.click} selected={state.selected.clone()} {on_select} edge_filter={state.edge_filter}
                    exporter={Ptr(exporter.clone())} reach={state.reach_view.clone().map(Ptr)} />
                if let Some(selected) = state.selected.clone() {
                    <Inspector analysis={Ptr(a.clone())} overlay={Ptr(state.overlay.clone())} {selected}
                        on_refine={on_refine.clone()} on_select={on_pick} on_toggle={on_toggle.clone()} on_jump={on_jump.clone()} />
                }
            </div>
            <Legend marks={a.marks.present()} filter={state.edge_filter} {on_filter} reach={state.reach_view.clone().map(Ptr)}
                primary={a.mesh.as_ref().is_some_and(|m| m.routes.iter().any(|r| r.failover.is_some()))} />
        </> },
    };
    let overlay_notes = state.analysis.as_ref().map_or(0, |a| note_counts(&a.report.notes).1);
    // The overlay's "changes nothing" warnings on lines that accept an inference are
    // confirmations, said as such.
    let problems = use_memo(
        (state.analysis.clone().map(Ptr), Ptr(state.overlay.clone()), state.problems.clone()),
        |(a, overlay, problems)| {
            let Some(a) = a.as_ref().filter(|a| a.report.notes.iter().any(|n| n.kind == NoteKind::Inferred)) else {
                return problems.clone();
            };
            let doc = overlay_text::read(overlay);
            let ctx = Context { model: &a.model, baseline: &a.baseline, overlay: doc.as_ref() };
            let confirmed = confirmations(&ctx, &a.report.notes);
            problems
                .iter()
                .map(|q| match q.line.and_then(|l| confirmed.get(&l)) {
                    Some(rule) if !q.error && q.input == Tab::Overlay.input() => Problem {
                        message: format!("confirms the importer's inference `{rule}` (the review records it)"),
                        info: true,
                        ..q.clone()
                    },
                    _ => q.clone(),
                })
                .collect::<Vec<_>>()
        },
    );
    let stale = state.has_errors() && state.analysis.is_some();
    let stale_in_overlay = state.problems.iter().any(|q| q.error && q.input == Tab::Overlay.input());
    let side = if let Some(view) = state.diff.clone() {
        html! { <DiffPanel {view} on_close={on_close_diff} on_open={on_open.clone()} crash={crash.clone()} on_dismiss_crash={on_dismiss_crash.clone()} /> }
    } else {
        let findings = state.analysis.as_ref().map(|a| a.total_findings());
        let (inferred, changed, observed) = state.analysis.as_ref().map_or((0, 0, 0), |a| note_counts(&a.report.notes));
        let notes = inferred + changed + observed;
        let tab = |side: Side, id: &'static str, title: &'static str, count: Option<usize>| {
            let on = state.side == side;
            html! {
                <button role="tab" {id} class={classes!("tab", on.then_some("on"))} aria-selected={on.to_string()} onclick={on_side(side)}>
                    { title }
                    if let Some(n) = count { <span class="tab-badge plain">{ blastmap_core::finding::thousands(n) }</span> }
                </button>
            }
        };
        html! {
            <div class="side">
                <nav class="side-tabs" role="tablist" aria-label="Results">
                    { tab(Side::Findings, "side-findings", "Findings", findings) }
                    { tab(Side::Summary, "side-summary", "Import summary", state.analysis.as_ref().map(|_| notes)) }
                </nav>
                // A failed worker is said in the findings panel.
                if state.side == Side::Summary && state.crash.is_none() {
                    <Summary analysis={state.analysis.clone().map(Ptr)} overlay={Ptr(state.overlay.clone())} selected={state.note}
                        {stale} {stale_in_overlay} on_show={on_show_note} on_refine={on_refine.clone()} on_jump={on_jump.clone()} />
                } else {
                    <Findings analysis={state.analysis.clone().map(Ptr)} selected={state.finding} progress={state.progress.clone()} on_cancel={Some(on_cancel)}
                        {stale} {stale_in_overlay} crash={crash.clone()} on_dismiss_crash={on_dismiss_crash.clone()} on_select={on_select_finding} on_fail={on_fail} on_focus={on_focus} {on_reach} reach={state.reach.clone()} reach_view={state.reach_view.clone().map(Ptr)} />
                }
            </div>
        }
    };
    html! {
        <div class="app">
            <TopBar can_compare={state.analysis.is_some()} status={status} on_example={on_example}
                on_open={on_open.clone()} on_open_many={on_open_many.clone()} on_share={on_share} on_export={on_export}
                on_compare={on_compare} on_split={on_split} can_split={can_split} />
            <main class="panes">
                <Editors tab={state.tab} text={Ptr(state.text.clone())} overlay={Ptr(state.overlay.clone())}
                    aside={state.aside.clone().map(Ptr)} problems={(*problems).clone()}
                    format={state.analysis.as_ref().map(|a| AttrValue::from(a.format.clone()))} jump={state.jump}
                    {overlay_notes} {on_tab} {on_edit} {on_edit_overlay} on_open={on_open.clone()} on_open_many={on_open_many.clone()} {on_download_overlay}
                    {on_apply_aside} {on_discard_aside} {on_download_aside} />
                <section class="middle">{ middle }</section>
                { side }
            </main>
            <Notices notice={state.notice.clone()} on_close={on_close_notice} />
        </div>
    }
}
