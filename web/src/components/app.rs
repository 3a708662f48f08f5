//! The page: top bar; editor on the left; graph with its failure state and legend in the
//! middle; findings on the right. Owns the reducer and wires the hooks.

use blastmap_layout::RollUpBy;
use yew::prelude::*;

use super::diff_view::DiffPanel;
use super::editor::Editor;
use super::empty_state::EmptyState;
use super::failure_bar::FailureBar;
use super::findings::Findings;
use super::graph_view::{Exporter, GraphView};
use super::legend::Legend;
use super::top_bar::TopBar;
use super::Ptr;
use crate::browser;
use crate::examples;
use crate::hooks::use_analysis::use_analysis;
use crate::hooks::use_initial_text::use_initial_text;
use crate::protocol::Request;
use crate::share::{self, Shared};
use crate::state::{Action, Focus, State};

/// The graph's stylesheet, also embedded in exported SVG files.
const GRAPH_CSS: &str = include_str!("../../graph.css");

/// Roll-up choices: value, label, attributes.
const ROLL_UPS: [(&str, &str, &[RollUpBy]); 7] = [
    ("none", "everything", &[]),
    ("auto", "region › group › kind", &[RollUpBy::Region, RollUpBy::Group, RollUpBy::Kind]),
    ("region", "region", &[RollUpBy::Region]),
    ("zone", "zone", &[RollUpBy::Zone]),
    ("group", "redundancy group", &[RollUpBy::Group]),
    ("kind", "kind", &[RollUpBy::Kind]),
    ("tailnet", "tailnet", &[RollUpBy::Tailnet]),
];

/// The graph as a standalone SVG file: the view `exporter` draws, with the page's markers,
/// patterns and graph stylesheet.
fn export_svg(exporter: &Exporter) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let defs = doc.get_element_by_id("graph-defs")?.outer_html();
    let (w, h, inner) = exporter();
    let (w, h) = (w.ceil(), h.ceil());
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph export\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n<style>{GRAPH_CSS}</style>\n{defs}\n<g>{inner}</g>\n</svg>\n"
    ))
}

/// The whole page.
#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    let dispatch = state.dispatcher();
    use_initial_text(dispatch.clone());
    let send = use_analysis(state.text.clone(), state.revision, dispatch.clone());
    let export_report = send.clone();
    let exporter = use_mut_ref(|| None::<Exporter>);
    {
        // Revision 0 is the blank start: it must not overwrite a stored text before it is
        // restored. Small texts are stored at once; larger ones once typing pauses; texts too
        // large for localStorage (about five million characters, and writing that many blocks
        // the page for seconds) are not kept.
        let d = dispatch.clone();
        // Keyed on the revision alone: comparing megabyte texts at every render costs.
        let text = state.text.clone();
        use_effect_with(state.revision, move |&revision| {
            let small = text.len() <= 200_000;
            let store = move || {
                if text.len() <= browser::MAX_STORED {
                    browser::store(browser::TEXT_KEY, &text);
                } else {
                    let mb = text.len() >> 20;
                    d.dispatch(Action::Notice(Some(format!(
                        "This text ({mb} MB) is too large to keep across reloads; keep your own copy."
                    ))));
                }
            };
            let timer = match revision {
                0 => None,
                _ if small => {
                    store();
                    None
                }
                _ => Some(gloo::timers::callback::Timeout::new(400, store)),
            };
            move || drop(timer)
        });
    }
    {
        let (notice, dispatch) = (state.notice.clone(), dispatch.clone());
        use_effect_with(notice, move |n| {
            let timer = n
                .is_some()
                .then(|| gloo::timers::callback::Timeout::new(4_000, move || dispatch.dispatch(Action::Notice(None))));
            move || drop(timer)
        });
    }

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
    let on_share = {
        let (text, failed, d) = (state.text.clone(), state.failed.clone(), dispatch.clone());
        Callback::from(move |_| {
            let url = format!(
                "{}#{}",
                browser::base_url(),
                share::encode(&Shared { text: text.to_string(), failed: failed.clone() })
            );
            browser::copy(&url);
            d.dispatch(Action::Notice(Some(format!(
                "Link copied ({} KB); it holds the whole state and nothing is uploaded.|{url}",
                url.len() / 1024
            ))));
        })
    };
    let on_export = {
        // The report exports come from the worker, which holds the full report.
        let (analysis, d, exporter) = (state.analysis.clone(), dispatch.clone(), exporter.clone());
        Callback::from(move |kind: &'static str| {
            let Some(a) = &analysis else { return };
            let stem = a.report.name.clone().unwrap_or_else(|| "topology".into());
            match kind {
                "markdown" | "json" => export_report.emit(Request::Export { format: kind.into() }),
                _ => match exporter.borrow().as_ref().and_then(export_svg) {
                    Some(svg) => browser::download(&format!("{stem}.svg"), "image/svg+xml", &svg),
                    None => d.dispatch(Action::Notice(Some("nothing drawn to export".into()))),
                },
            }
        })
    };
    let on_compare = {
        let send = send.clone();
        Callback::from(move |name: &'static str| {
            if let Some(ex) = examples::find(name) {
                send.emit(Request::Compare { against: ex.text.to_string() });
            }
        })
    };
    let on_split = {
        let send = send.clone();
        Callback::from(move |()| send.emit(Request::Split { by: "region".into() }))
    };
    let on_close_diff = use_callback(dispatch.clone(), |(), d| d.dispatch(Action::CloseDiff));
    let can_split = state.analysis.as_ref().and_then(|a| a.mesh.as_ref()).is_some_and(|m| !m.tailnets.is_empty());
    let on_toggle = use_callback(dispatch.clone(), |id: String, d| d.dispatch(Action::Toggle(id)));
    let on_fail = use_callback(dispatch.clone(), |id: String, d| d.dispatch(Action::Fail(vec![id])));
    let on_expand = use_callback(dispatch.clone(), |key: String, d| d.dispatch(Action::Expand(key)));
    let on_undo = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Undo));
    let on_reset = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Reset));
    let on_select = use_callback(dispatch.clone(), |i: usize, d| d.dispatch(Action::ShowFinding(i)));
    let hops = state.focus.as_ref().map_or(1, |f| f.hops);
    let on_focus = use_callback((dispatch.clone(), hops), |id: String, (d, hops)| {
        d.dispatch(Action::Focus(Focus { seeds: vec![id], hops: (*hops).max(1) }))
    });

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
                } else {
                    <p class="muted">{ "Analysing…" }</p>
                }
            </div>
        },
        (Some(a), false) => {
            let roll_value = ROLL_UPS.iter().find(|r| r.2 == state.roll_up.by.as_slice()).map_or("none", |r| r.0);
            let d = dispatch.clone();
            let on_roll = Callback::from(move |e: Event| {
                if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                    let v = s.value();
                    if let Some(r) = ROLL_UPS.iter().find(|r| r.0 == v) {
                        d.dispatch(Action::SetRollUp(r.2.to_vec()));
                    }
                }
            });
            let d = dispatch.clone();
            let clear_focus = Callback::from(move |_: MouseEvent| d.dispatch(Action::ClearFocus));
            let set_hops = |h: u32| {
                let (d, focus) = (dispatch.clone(), state.focus.clone());
                Callback::from(move |_: MouseEvent| {
                    if let Some(f) = &focus {
                        d.dispatch(Action::Focus(Focus { seeds: f.seeds.clone(), hops: h }));
                    }
                })
            };
            html! { <>
                <FailureBar analysis={Ptr(a.clone())} failed={state.failed.clone()} targets={state.targets_down().unwrap_or((0, 0))}
                    can_undo={!state.history.is_empty()} on_toggle={on_toggle.clone()}
                    on_undo={on_undo} on_reset={on_reset} />
                <div class="view-bar">
                    <label class="field">{ "Roll up by " }
                        <select id="roll-up" onchange={on_roll}>
                            { for ROLL_UPS.iter().map(|r| html! { <option value={r.0} selected={r.0 == roll_value}>{ r.1 }</option> }) }
                        </select>
                    </label>
                    { for state.roll_up.expanded.iter().map(|key| {
                        let (d, k) = (dispatch.clone(), key.clone());
                        html! { <button class="chip" title="Collapse again" onclick={Callback::from(move |_| d.dispatch(Action::Collapse(k.clone())))}>
                            { format!("expanded {key}") }<span class="x">{ "×" }</span></button> }
                    }) }
                    if let Some(f) = &state.focus {
                        <span class="focus-chip" id="focus">
                            { format!("Focus: {}", if f.seeds.len() == 1 { f.seeds[0].clone() } else { format!("{} components", f.seeds.len()) }) }
                            <span class="hops">{ for (1..=3).map(|h| html! {
                                <button class={classes!("hop", (f.hops == h).then_some("on"))} onclick={set_hops(h)} title={format!("{h} hop(s) up and down")}>{ h }</button>
                            }) }</span>
                            <button class="link" id="clear-focus" onclick={clear_focus}>{ "show all" }</button>
                        </span>
                    } else {
                        <span class="hint">{ "Alt+click a component to focus on its neighbourhood" }</span>
                    }
                </div>
                <GraphView analysis={Ptr(a.clone())} what_if={state.what_if.clone().map(Ptr)} failed={state.failed.clone()}
                    focus={state.focus.clone()} roll_up={state.roll_up.clone()} evidence={state.evidence.clone()}
                    on_toggle={on_toggle.clone()} on_expand={on_expand} on_focus={on_focus.clone()}
                    exporter={Ptr(exporter.clone())} />
                <Legend />
            </> }
        }
    };
    let notice = state.notice.as_ref().map(|n| {
        let (text, url) = match n.split_once('|') {
            Some((t, u)) => (t.to_string(), Some(u.to_string())),
            None => (n.clone(), None),
        };
        html! {
            <div class="notice" id="notice" role="status">
                <span>{ text }</span>
                if let Some(u) = url { <input class="share-url" id="share-url" readonly=true value={u} /> }
            </div>
        }
    });
    html! {
        <div class="app">
            <TopBar can_export={state.analysis.is_some()} status={status} on_example={on_example}
                on_open={on_open.clone()} on_share={on_share} on_export={on_export}
                on_compare={on_compare} on_split={on_split} can_split={can_split} />
            <main class="panes">
                <Editor text={Ptr(state.text.clone())} problems={state.problems.clone()}
                    format={state.analysis.as_ref().map(|a| AttrValue::from(a.format.clone()))} on_edit={on_edit} on_open={on_open.clone()} />
                <section class="middle">{ middle }</section>
                if let Some(view) = state.diff.clone() {
                    <DiffPanel {view} on_close={on_close_diff} on_open={on_open.clone()} />
                } else {
                    <Findings analysis={state.analysis.clone().map(Ptr)} selected={state.finding} progress={state.progress.clone()}
                        stale={state.has_errors() && state.analysis.is_some()} on_select={on_select} on_fail={on_fail} on_focus={on_focus} />
                }
            </main>
            <div class="notices">{ for notice }</div>
        </div>
    }
}
