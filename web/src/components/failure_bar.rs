//! The failure state: what is failed, how many targets are down, a placement picker, undo and
//! reset.

use yew::prelude::*;

use super::placement_picker::PlacementPicker;
use super::Ptr;
use crate::state::Analysis;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub analysis: Ptr<Analysis>,
    pub failed: Vec<String>,
    /// `(down, total)` targets.
    pub targets: (usize, usize),
    pub can_undo: bool,
    pub on_toggle: Callback<String>,
    pub on_undo: Callback<()>,
    pub on_reset: Callback<()>,
}

/// The bar above the graph.
#[component]
pub fn FailureBar(p: &Props) -> Html {
    let (down, total) = p.targets;
    let summary_class = classes!("summary", if down > 0 { "bad" } else { "ok" });
    html! {
        // The row is what a click changes: positioned out of flow (`.bar-row` in style.css), it
        // is re-laid out alone when a chip comes or goes, not the whole page.
        <div class="failure-bar"><div class="bar-row">
            <span class={summary_class} id="targets-down" data-down={down.to_string()} data-total={total.to_string()}>
                <strong>{ format!("{down} of {total}") }</strong>{ " targets down" }
            </span>
            <span class="failed-list">
                if p.failed.is_empty() {
                    <span class="hint">{ "Click a component to fail it" }</span>
                }
                { for p.failed.iter().map(|id| {
                    let on_toggle = p.on_toggle.clone();
                    let id2 = id.clone();
                    html! {
                        <button class="chip failed-chip" title={format!("Restore {id}")} onclick={Callback::from(move |_| on_toggle.emit(id2.clone()))}>
                            { id.clone() }<span class="x" aria-hidden="true">{ "×" }</span>
                        </button>
                    }
                }) }
            </span>
            <PlacementPicker analysis={p.analysis.clone()} on_pick={p.on_toggle.clone()} />
            <button class="btn small" id="undo" disabled={!p.can_undo} onclick={p.on_undo.reform(|_| ())}>{ "Undo" }</button>
            <button class="btn small" id="reset" disabled={p.failed.is_empty()} onclick={p.on_reset.reform(|_| ())}>{ "Reset" }</button>
        </div></div>
    }
}
