//! The left pane: two tabs, the export ("Topology") and the overlay that refines it, each its own
//! editor with its own problems at their lines. Both stay mounted (the hidden one keeps its undo
//! history and scroll). The overlay tab opens and downloads its file, and offers back an overlay
//! set aside when another export was opened.

use yew::prelude::*;

use super::editor::Editor;
use super::Ptr;
use crate::load::Problem;
use crate::state::{Jump, Tab};

/// What the overlay's empty editor shows: the shape of an overlay and how to get one by clicking.
const OVERLAY_PLACEHOLDER: &str = "overlay: true
components:
  - id: frontend
    critical: true                  # what matters
    requires_at_start: [config]     # start order only
    monitored_by: [otel-collector]  # telemetry, not a dependency
  - id: db
    zone: eu-west-1a

Refines the export by id, and is analysed with it.
Or switch the graph to Review and click an edge
or a component: the page writes the lines here.";

const EXPORT_PLACEHOLDER: &str =
    "Paste a topology (YAML or JSON), drop a file here (or several: status exports and their tailnet policy), or pick an example.";

#[derive(Properties, PartialEq)]
pub struct Props {
    pub tab: Tab,
    pub text: Ptr<str>,
    pub overlay: Ptr<str>,
    /// An overlay set aside (it refined the export before).
    pub aside: Option<Ptr<str>>,
    /// Every problem; each tab shows its input's.
    pub problems: Vec<Problem>,
    pub format: Option<AttrValue>,
    pub jump: Option<Jump>,
    /// Notes the overlay made (shown on its tab).
    pub overlay_notes: usize,
    pub on_tab: Callback<Tab>,
    pub on_edit: Callback<String>,
    pub on_edit_overlay: Callback<String>,
    /// A file for the export.
    pub on_open: Callback<String>,
    /// Several files dropped on the export at once (name, text).
    pub on_open_many: Callback<Vec<(String, String)>>,
    pub on_download_overlay: Callback<()>,
    pub on_apply_aside: Callback<()>,
    pub on_discard_aside: Callback<()>,
    pub on_download_aside: Callback<()>,
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The editors and their tabs.
#[component]
pub fn Editors(p: &Props) -> Html {
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let of = |tab: Tab| p.problems.iter().filter(|q| q.input == tab.input()).cloned().collect::<Vec<_>>();
    let (export_problems, overlay_problems) = (of(Tab::Export), of(Tab::Overlay));
    let errors = |ps: &[Problem]| ps.iter().filter(|q| q.error).count();
    let warnings = |ps: &[Problem]| ps.iter().filter(|q| !q.error && !q.info).count();
    let tab_button = |tab: Tab, title: &'static str, id: &'static str, badge: Html| {
        let on = p.tab == tab;
        html! {
            <button role="tab" id={id} class={classes!("tab", on.then_some("on"))} aria-selected={on.to_string()}
                    onclick={p.on_tab.reform(move |_| tab)}>
                { title }{ badge }
            </button>
        }
    };
    let export_badge = match errors(&export_problems) {
        0 => html! {},
        n => html! { <span class="tab-badge bad" title={count(n, "error", "errors")}>{ n }</span> },
    };
    let overlay_badge = match (errors(&overlay_problems), warnings(&overlay_problems), p.overlay_notes) {
        (e, _, _) if e > 0 => {
            html! { <span class="tab-badge bad" id="overlay-tab-errors" title={count(e, "error", "errors")}>{ e }</span> }
        }
        (_, w, _) if w > 0 => {
            html! { <span class="tab-badge warn" title={count(w, "warning", "warnings")}>{ w }</span> }
        }
        (_, _, n) if n > 0 => {
            html! { <span class="tab-badge" title={format!("{} from the overlay", count(n, "change", "changes"))}>{ n }</span> }
        }
        _ if p.overlay.trim().is_empty() => html! { <span class="tab-hint">{ "empty" }</span> },
        _ => html! {},
    };
    let on_file = {
        let (cb, reader) = (p.on_edit_overlay.clone(), reader.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let cb = cb.clone();
            *reader.borrow_mut() =
                Some(gloo::file::callbacks::read_as_bytes(&gloo::file::File::from(file), move |r| {
                    if let Ok(bytes) = r {
                        cb.emit(crate::wire::file_text(bytes));
                    }
                }));
        })
    };
    let overlay_tools = html! { <>
        <label class="btn small" title="Open an overlay file (it stays on this machine)">
            { "Open…" }
            <input type="file" id="open-overlay" class="hidden" accept=".yaml,.yml,.json,.txt" onchange={on_file} />
        </label>
        <button class="btn small" id="download-overlay" disabled={p.overlay.trim().is_empty()}
                title="Download the overlay, to keep it beside the export in version control"
                onclick={p.on_download_overlay.reform(|_| ())}>{ "Download" }</button>
    </> };
    let banner = match &p.aside {
        Some(aside) => {
            let lines = aside.lines().count();
            html! {
                <div class="aside-note" id="overlay-aside">
                    <span>{ format!("An overlay you wrote for the export before is set aside ({}).", count(lines, "line", "lines")) }</span>
                    <span class="aside-actions">
                        <button class="link" id="apply-aside" onclick={p.on_apply_aside.reform(|_| ())}
                                title="Put it back (the overlay here, if any, is set aside in its place)">{ "Apply it here" }</button>
                        <button class="link" id="download-aside" onclick={p.on_download_aside.reform(|_| ())}>{ "Download" }</button>
                        <button class="link" id="discard-aside" onclick={p.on_discard_aside.reform(|_| ())}>{ "Discard" }</button>
                    </span>
                </div>
            }
        }
        None => html! {},
    };
    html! {
        <section class="editors">
            <nav class="editor-tabs" role="tablist" aria-label="Texts">
                { tab_button(Tab::Export, "Topology", "tab-export", export_badge) }
                { tab_button(Tab::Overlay, "Overlay", "tab-overlay", overlay_badge) }
            </nav>
            <Editor tab={Tab::Export} shown={p.tab == Tab::Export} text={p.text.clone()} problems={export_problems}
                format={p.format.clone()} on_edit={p.on_edit.clone()} on_open={p.on_open.clone()}
                on_open_many={Some(p.on_open_many.clone())} jump={p.jump} placeholder={EXPORT_PLACEHOLDER} />
            <Editor tab={Tab::Overlay} shown={p.tab == Tab::Overlay} text={p.overlay.clone()} problems={overlay_problems}
                format={None::<AttrValue>} on_edit={p.on_edit_overlay.clone()} on_open={p.on_edit_overlay.clone()} jump={p.jump}
                placeholder={OVERLAY_PLACEHOLDER} tools={overlay_tools} {banner} />
        </section>
    }
}
