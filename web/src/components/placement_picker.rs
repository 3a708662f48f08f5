//! The placement picker: fail every component placed in a region, zone, host, power feed, …
//! Its own component so that its (possibly thousands of) options render once per topology.

use yew::prelude::*;

use super::Ptr;
use crate::state::Analysis;

/// Values listed per attribute; beyond this, the rest are named by count (click them on the
/// graph, or focus, instead).
const PER_ATTRIBUTE: usize = 300;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub analysis: Ptr<Analysis>,
    /// Fail or restore a placement value.
    pub on_pick: Callback<String>,
}

/// A `<select>` of placement values, grouped by attribute.
#[component]
pub fn PlacementPicker(p: &Props) -> Html {
    let model = &p.analysis.model;
    let values = model.placement_values();
    let onchange = {
        let on_pick = p.on_pick.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            let value = select.value();
            select.set_value("");
            if !value.is_empty() {
                on_pick.emit(value);
            }
        })
    };
    html! {
        <select class="picker" id="placement-picker" {onchange} title="Fail or restore everything placed in a region, zone, host, …" disabled={values.is_empty()}>
            <option value="" selected=true>{ if values.is_empty() { "no placement values" } else { "Fail a placement…" } }</option>
            { for values.iter().map(|(attr, ids)| html! {
                <optgroup label={*attr}>
                    { for ids.iter().take(PER_ATTRIBUTE).map(|&v| {
                        let id = model.name(v).to_string();
                        html! { <option value={id.clone()}>{ id }</option> }
                    }) }
                    if ids.len() > PER_ATTRIBUTE {
                        <option value="" disabled=true>{ format!("… {} more {attr} value{}", ids.len() - PER_ATTRIBUTE, if ids.len() - PER_ATTRIBUTE == 1 { "" } else { "s" }) }</option>
                    }
                </optgroup>
            }) }
        </select>
    }
}
