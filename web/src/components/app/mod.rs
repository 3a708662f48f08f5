//! The page: top bar; editor on the left; graph with its failure state and legend in the
//! middle; findings on the right. Owns the reducer, wires the hooks, and lays out the panels.
//!
//! By concern: [`requests`] (exports, comparisons and splits: the worker's side of the top bar),
//! [`share`] (the text kept across reloads, the share link).

pub mod requests;
pub mod share;

use yew::prelude::*;

use super::diff_view::DiffPanel;
use super::editor::Editor;
use super::empty_state::EmptyState;
use super::failure_bar::FailureBar;
use super::findings::Findings;
use super::graph_view::{Exporter, GraphView};
use super::legend::Legend;
use super::notice::Notices;
use super::top_bar::TopBar;
use super::view_bar::ViewBar;
use super::Ptr;
use crate::examples;
use crate::hooks::use_analysis::use_analysis;
use crate::hooks::use_initial_text::use_initial_text;
use crate::state::{Action, Focus, State};

/// The whole page.
#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    let dispatch = state.dispatcher();
    use_initial_text(dispatch.clone());
    let send = use_analysis(state.text.clone(), state.revision, dispatch.clone());
    let exporter = use_mut_ref(|| None::<Exporter>);
    share::use_kept_text(state.text.clone(), state.revision, dispatch.clone());

    // Callbacks that only dispatch are made once (`use_callback` on the stable dispatcher), so
    // the panels they go to re-render only when their data changes.
    let on_edit = use_callback(dispatch.clone(), |t: String, d| d.dispatch(Action::Edit(t)));
    let on_open =
        use_callback(dispatch.clone(), |text: String, d| d.dispatch(Action::Open { text, failed: Vec::new() }));
    let on_example = use_callback(dispatch.clone(), |name: &'static str, d| {
        if let Some(e) = examples::find(name) {
            d.dispatch(Action::Open { text: e.text.to_string(), failed: Vec::new() });
        }
    });
    let on_share = share::on_share(state.text.clone(), state.failed.clone(), dispatch.clone());
    let on_export = requests::on_export(state.analysis.clone(), send.clone(), exporter.clone(), dispatch.clone());
    let on_compare = requests::on_compare(send.clone());
    let on_split = requests::on_split(send);
    let on_dismiss_crash = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::DismissCrash));
    let on_close_diff = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::CloseDiff));
    let on_close_notice = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::Notice(None)));
    let can_split = state.analysis.as_ref().and_then(|a| a.mesh.as_ref()).is_some_and(|m| !m.tailnets.is_empty());
    let on_toggle = use_callback(dispatch.clone(), |id: String, d| d.dispatch(Action::Toggle(id)));
    let on_fail = use_callback(dispatch.clone(), |id: String, d| d.dispatch(Action::Fail(vec![id])));
    let on_expand = use_callback(dispatch.clone(), |key: String, d| d.dispatch(Action::Expand(key)));
    let on_collapse = use_callback(dispatch.clone(), |key: String, d| d.dispatch(Action::Collapse(key)));
    let on_roll_up = use_callback(dispatch.clone(), |by, d| d.dispatch(Action::SetRollUp(by)));
    let on_set_focus = use_callback(dispatch.clone(), |focus, d| d.dispatch(Action::Focus(focus)));
    let on_clear_focus = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::ClearFocus));
    let on_undo = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Undo));
    let on_reset = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Reset));
    let on_select = use_callback(dispatch.clone(), |i: usize, d| d.dispatch(Action::ShowFinding(i)));
    let hops = state.focus.as_ref().map_or(1, |f| f.hops);
    let on_focus = use_callback((dispatch.clone(), hops), |id: String, (d, hops)| {
        d.dispatch(Action::Focus(Focus { seeds: vec![id], hops: (*hops).max(1) }))
    });

    // The note about a failed worker, in whichever panel is on the right.
    let crash = state.crash.clone().map(|c| (c, !state.is_empty()));
    let status = match (&state.analysis, &state.progress) {
        (_, Some((step, _))) => format!("analysing: {step}…"),
        (Some(a), None) => format!(
            "{} · {} components · parsed in {:.0} ms · analysed in {:.0} ms",
            a.format, a.report.summary.components, a.parse_ms, a.analyze_ms
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
                } else {
                    <p class="muted">{ "Analysing…" }</p>
                }
            </div>
        },
        (Some(a), false) => html! { <>
            <FailureBar analysis={Ptr(a.clone())} failed={state.failed.clone()} targets={state.targets_down().unwrap_or((0, 0))}
                can_undo={!state.history.is_empty()} on_toggle={on_toggle.clone()}
                on_undo={on_undo} on_reset={on_reset} />
            <ViewBar roll_up={state.roll_up.clone()} focus={state.focus.clone()} {on_roll_up} {on_collapse}
                on_focus={on_set_focus} {on_clear_focus} />
            <GraphView analysis={Ptr(a.clone())} what_if={state.what_if.clone().map(Ptr)} failed={state.failed.clone()}
                focus={state.focus.clone()} roll_up={state.roll_up.clone()} evidence={state.evidence.clone()}
                on_toggle={on_toggle.clone()} on_expand={on_expand} on_focus={on_focus.clone()}
                exporter={Ptr(exporter.clone())} />
            <Legend />
        </> },
    };
    html! {
        <div class="app">
            <TopBar can_compare={state.analysis.is_some()} status={status} on_example={on_example}
                on_open={on_open.clone()} on_share={on_share} on_export={on_export}
                on_compare={on_compare} on_split={on_split} can_split={can_split} />
            <main class="panes">
                <Editor text={Ptr(state.text.clone())} problems={state.problems.clone()}
                    format={state.analysis.as_ref().map(|a| AttrValue::from(a.format.clone()))} on_edit={on_edit} on_open={on_open.clone()} />
                <section class="middle">{ middle }</section>
                if let Some(view) = state.diff.clone() {
                    <DiffPanel {view} on_close={on_close_diff} on_open={on_open.clone()} {crash} {on_dismiss_crash} />
                } else {
                    <Findings analysis={state.analysis.clone().map(Ptr)} selected={state.finding} progress={state.progress.clone()}
                        stale={state.has_errors() && state.analysis.is_some()} {crash} {on_dismiss_crash} on_select={on_select} on_fail={on_fail} on_focus={on_focus} />
                }
            </main>
            <Notices notice={state.notice.clone()} on_close={on_close_notice} />
        </div>
    }
}
