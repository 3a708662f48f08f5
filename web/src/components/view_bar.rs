//! The bar between the failure state and the graph: what a click on a component does (fail it,
//! or review its meaning), roll-up, the aggregates opened (a click closes one again), and the
//! focus with its hop count.

use blastmap_layout::{Key, RollUp, RollUpBy};
use yew::prelude::*;

use crate::scene::{DEFAULT_ROLL_UP, DEPTH_ROLL_UP, KIND_ROLL_UP};
use crate::state::{ClickMode, Focus};

/// Roll-up choices: value, label, attributes.
const ROLL_UPS: [(&str, &str, &[RollUpBy]); 10] = [
    ("none", "everything", &[]),
    ("auto", "region › group › kind", &DEFAULT_ROLL_UP),
    ("auto-depth", "region › group › kind › depth", &DEPTH_ROLL_UP),
    ("kind-first", "region › kind › group", &KIND_ROLL_UP),
    ("region", "region", &[RollUpBy::Region]),
    ("zone", "zone", &[RollUpBy::Zone]),
    ("group", "redundancy group", &[RollUpBy::Group]),
    ("kind", "kind", &[RollUpBy::Kind]),
    ("tailnet", "tailnet", &[RollUpBy::Tailnet]),
    ("depth", "dependency depth", &[RollUpBy::Depth]),
];

#[derive(Properties, PartialEq)]
pub struct Props {
    pub roll_up: RollUp,
    pub focus: Option<Focus>,
    /// Roll up by these attributes.
    pub on_roll_up: Callback<Vec<RollUpBy>>,
    /// Close an opened aggregate (by key).
    pub on_collapse: Callback<Key>,
    /// Focus on these seeds with this many hops.
    pub on_focus: Callback<Focus>,
    pub on_clear_focus: Callback<()>,
    pub click: ClickMode,
    pub on_click_mode: Callback<ClickMode>,
}

/// The view bar.
#[component]
pub fn ViewBar(p: &Props) -> Html {
    let roll_value = ROLL_UPS.iter().find(|r| r.2 == p.roll_up.by.as_slice()).map_or("none", |r| r.0);
    let on_roll = {
        let on_roll_up = p.on_roll_up.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let v = s.value();
                if let Some(r) = ROLL_UPS.iter().find(|r| r.0 == v) {
                    on_roll_up.emit(r.2.to_vec());
                }
            }
        })
    };
    let clear_focus = p.on_clear_focus.reform(|_: MouseEvent| ());
    let set_hops = |h: u32| {
        let (on_focus, focus) = (p.on_focus.clone(), p.focus.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(f) = &focus {
                on_focus.emit(Focus { seeds: f.seeds.clone(), hops: h });
            }
        })
    };
    let mode = |m: ClickMode, id: &'static str, label: &'static str, title: &'static str| {
        let on = p.click == m;
        html! {
            <button class={classes!("seg-btn", on.then_some("on"))} {id} aria-pressed={on.to_string()} {title}
                    onclick={p.on_click_mode.reform(move |_| m)}>{ label }</button>
        }
    };
    html! {
        <div class="view-bar">
            <span class="seg" role="group" aria-label="What a click on a component does">
                <span class="seg-label">{ "Click:" }</span>
                { mode(ClickMode::Fail, "mode-fail", "fail", "A click on a component fails or restores it (what-if)") }
                { mode(ClickMode::Review, "mode-review", "review", "A click on a component or an edge shows what it means, and changes it (written into the overlay)") }
            </span>
            <label class="field">{ "Roll up by " }
                <select id="roll-up" onchange={on_roll}>
                    { for ROLL_UPS.iter().map(|r| html! { <option value={r.0} selected={r.0 == roll_value}>{ r.1 }</option> }) }
                </select>
            </label>
            { for p.roll_up.expanded.iter().map(|key| {
                let k = key.clone();
                html! { <button class="chip" data-key={key.to_string()} title="Collapse again" onclick={p.on_collapse.reform(move |_| k.clone())}>
                    { format!("expanded {key}") }<span class="x">{ "×" }</span></button> }
            }) }
            if let Some(f) = &p.focus {
                <span class="focus-chip" id="focus">
                    { format!("Focus: {}", if f.seeds.len() == 1 { f.seeds[0].clone() } else { format!("{} components", f.seeds.len()) }) }
                    <span class="hops">{ for (1..=3).map(|h| html! {
                        <button class={classes!("hop", (f.hops == h).then_some("on"))} onclick={set_hops(h)} title={format!("{h} hop(s) up and down")}>{ h }</button>
                    }) }</span>
                    <button class="link" id="clear-focus" onclick={clear_focus}>{ "show all" }</button>
                </span>
            } else if p.click == ClickMode::Review {
                <span class="hint">{ "Click a component or an edge to review it" }</span>
            } else {
                <span class="hint">{ "Alt+click: focus on a neighbourhood · click an edge: review it" }</span>
            }
        </div>
    }
}
