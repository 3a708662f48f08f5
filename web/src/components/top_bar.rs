//! The top bar: examples, open a file, share the state as a link, export the report and graph.

use yew::prelude::*;

use crate::examples::EXAMPLES;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Whether a topology has loaded (there is a design to compare). Exports are always
    /// offered: without a report they say why there is nothing to export.
    pub can_compare: bool,
    /// The status line: format, size, timings.
    pub status: AttrValue,
    pub on_example: Callback<&'static str>,
    /// A file's text.
    pub on_open: Callback<String>,
    pub on_share: Callback<()>,
    /// `markdown`, `json` or `svg`.
    pub on_export: Callback<&'static str>,
    /// Compare the current design with an example (by name).
    pub on_compare: Callback<&'static str>,
    /// Split the current design's tailnets by region.
    pub on_split: Callback<()>,
    pub can_split: bool,
}

/// A menu of examples: emits the picked example's name and resets the menu.
fn pick_example(cb: Callback<&'static str>) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
        let name = select.value();
        select.set_value("");
        if let Some(ex) = EXAMPLES.iter().find(|x| x.name == name) {
            cb.emit(ex.name);
        }
    })
}

/// The bar across the top.
#[component]
pub fn TopBar(p: &Props) -> Html {
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let on_example = pick_example(p.on_example.clone());
    let on_file = {
        let (cb, reader) = (p.on_open.clone(), reader.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let cb = cb.clone();
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |r| {
                if let Ok(text) = r {
                    cb.emit(text);
                }
            }));
        })
    };
    let export = |kind: &'static str| p.on_export.reform(move |_: MouseEvent| kind);
    let on_compare = pick_example(p.on_compare.clone());
    html! {
        <header class="top-bar">
            <div class="brand">
                <svg class="logo" width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">
                    <circle cx="11" cy="11" r="3.2" class="logo-core" />
                    <circle cx="11" cy="11" r="6.6" class="logo-ring" />
                    <circle cx="11" cy="11" r="10" class="logo-ring outer" />
                </svg>
                <span class="name">{ "Blastmap" }</span>
            </div>
            <select class="btn" id="examples" onchange={on_example} title="Open an example topology">
                <option value="" selected=true>{ "Examples…" }</option>
                { for EXAMPLES.iter().map(|e| html! { <option value={e.name} title={e.summary()}>{ e.name }</option> }) }
            </select>
            <label class="btn" title="Open a topology file (it stays on this machine)">
                { "Open…" }
                <input type="file" id="open-file" class="hidden" accept=".yaml,.yml,.json,.dot,.gv,.txt" onchange={on_file} />
            </label>
            <select class="btn" id="compare" onchange={on_compare} disabled={!p.can_compare}
                title="Compare this design (before) with another (after): findings gained and lost, blast radius per placement value">
                <option value="" selected=true>{ "Compare with…" }</option>
                { for EXAMPLES.iter().map(|e| html! { <option value={e.name}>{ e.name }</option> }) }
            </select>
            <button class="btn" id="split" disabled={!p.can_split} onclick={p.on_split.reform(|_| ())}
                title="Propose one tailnet per region for tailnets that span regions, and compare before with after">{ "Split by region" }</button>
            <button class="btn" id="share" onclick={p.on_share.reform(|_| ())} title="Copy a link that holds the whole state (nothing is uploaded)">{ "Share" }</button>
            <span class="btn-group" role="group" aria-label="Export">
                <span class="group-label">{ "Export" }</span>
                <button class="btn" id="export-md" onclick={export("markdown")} title="Report as Markdown">{ "Markdown" }</button>
                <button class="btn" id="export-json" onclick={export("json")} title="Report as JSON">{ "JSON" }</button>
                <button class="btn" id="export-svg" onclick={export("svg")} title="The graph as it is drawn now">{ "SVG" }</button>
            </span>
            <span class="status" id="status">{ p.status.clone() }</span>
            <span class="private" title="Nothing you paste leaves this page: no server, no requests">{ "● local only" }</span>
        </header>
    }
}
