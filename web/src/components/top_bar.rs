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
    /// Several files opened at once: (name, text), in the order picked.
    pub on_open_many: Callback<Vec<(String, String)>>,
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

/// Reads `files` (the texts stay on this machine): one file is opened with `one`; several with
/// `many` once all are read (name and text, in the order given; a file that cannot be read holds
/// the set back, so nothing is analysed without it).
pub fn read_all(
    files: Vec<web_sys::File>,
    readers: &std::rc::Rc<std::cell::RefCell<Vec<gloo::file::callbacks::FileReader>>>,
    one: Callback<String>,
    many: Callback<Vec<(String, String)>>,
) {
    use std::cell::RefCell;
    use std::rc::Rc;
    let n = files.len();
    type Slots = Rc<RefCell<Vec<Option<(String, String)>>>>;
    let texts: Slots = Rc::new(RefCell::new(vec![None; n]));
    let mut pending = Vec::with_capacity(n);
    for (i, file) in files.into_iter().enumerate() {
        let file = gloo::file::File::from(file);
        let name = file.name();
        let (texts, one, many) = (texts.clone(), one.clone(), many.clone());
        pending.push(gloo::file::callbacks::read_as_bytes(&file, move |r| {
            let Ok(text) = r.map(crate::wire::file_text) else { return };
            if n == 1 {
                return one.emit(text);
            }
            let mut all = texts.borrow_mut();
            if let Some(slot) = all.get_mut(i) {
                *slot = Some((name, text));
            }
            if all.iter().all(Option::is_some) {
                many.emit(all.iter_mut().filter_map(Option::take).collect());
            }
        }));
    }
    *readers.borrow_mut() = pending;
}

/// The bar across the top.
#[component]
pub fn TopBar(p: &Props) -> Html {
    let readers = use_mut_ref(Vec::<gloo::file::callbacks::FileReader>::new);
    let on_example = pick_example(p.on_example.clone());
    let on_file = {
        let (one, many, readers) = (p.on_open.clone(), p.on_open_many.clone(), readers.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let Some(list) = input.files() else { return };
            let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
            input.set_value("");
            read_all(files, &readers, one.clone(), many.clone());
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
                <input type="file" id="open-file" class="hidden" multiple=true accept=".yaml,.yml,.json,.hujson,.dot,.gv,.txt" onchange={on_file} />
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
            <span class="status" id="status" title={p.status.clone()}>{ p.status.clone() }</span>
            <span class="private" title="Nothing you paste leaves this page: no server, no requests">{ "● local only" }</span>
        </header>
    }
}
