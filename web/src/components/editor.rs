//! The editor: a textarea with a line-number gutter that marks error lines, file drop, and
//! the importer's messages below, each jumping to its line.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::load::Problem;

/// Must match `--line` in style.css.
const LINE_PX: f64 = 18.0;
/// The textarea's top padding in style.css.
const PAD_PX: f64 = 8.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub text: Rc<str>,
    pub problems: Vec<Problem>,
    /// The detected format, once a text loaded.
    pub format: Option<AttrValue>,
    pub on_edit: Callback<String>,
    /// A dropped file's text.
    pub on_open: Callback<String>,
}

/// Byte offset of the start of 1-based `line` in `text`, as a UTF-16 index for the textarea.
fn line_start_utf16(text: &str, line: u32) -> u32 {
    let mut at = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 >= line as usize {
            break;
        }
        at += l.len();
    }
    text.get(..at).map_or(0, |s| s.encode_utf16().count() as u32)
}

/// The editor pane.
#[component]
pub fn Editor(p: &Props) -> Html {
    let area = use_node_ref();
    let scroll = use_state(|| {
        (0.0f64, web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(1200.0))
    });
    let dragging = use_state(|| false);
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let lines = use_memo(p.text.clone(), |t| t.split('\n').count().max(1));
    let bad: BTreeSet<u32> = p.problems.iter().filter(|q| q.error).filter_map(|q| q.line).collect();
    let warn: BTreeSet<u32> = p.problems.iter().filter(|q| !q.error).filter_map(|q| q.line).collect();

    {
        // The textarea is not bound to `value`: typing already put the text there, and setting
        // megabytes again would cost a second of layout. Texts from elsewhere are written here.
        let area = area.clone();
        use_effect_with(p.text.clone(), move |text| {
            if let Some(t) = area.cast::<web_sys::HtmlTextAreaElement>() {
                if *t.value() != **text {
                    t.set_value(text);
                }
            }
        });
    }
    let oninput = {
        let on_edit = p.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                on_edit.emit(t.value());
            }
        })
    };
    let onscroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| {
            if let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                scroll.set((f64::from(t.scroll_top()), f64::from(t.client_height())));
            }
        })
    };
    let jump = {
        let (area, text, scroll) = (area.clone(), p.text.clone(), scroll.clone());
        Callback::from(move |line: u32| {
            let Some(t) = area.cast::<web_sys::HtmlTextAreaElement>() else { return };
            let at = line_start_utf16(&text, line);
            let _ = t.focus();
            let _ = t.set_selection_range(at, at);
            let top = ((f64::from(line) - 4.0) * LINE_PX).max(0.0);
            t.set_scroll_top(top as i32);
            scroll.set((top, f64::from(t.client_height())));
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let (dragging, on_open, reader) = (dragging.clone(), p.on_open.clone(), reader.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let Some(file) = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) else { return };
            let on_open = on_open.clone();
            let file = gloo::file::File::from(file);
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(&file, move |r| {
                if let Ok(text) = r {
                    on_open.emit(text);
                }
            }));
        })
    };

    let (top, height) = *scroll;
    let first = ((top - PAD_PX) / LINE_PX).floor().max(0.0) as usize;
    let count = (height / LINE_PX).ceil() as usize + 3;
    let last = (first + count).min(*lines);
    let offset = PAD_PX + first as f64 * LINE_PX - top;
    let gutter = (first..last).map(|i| {
        let n = i as u32 + 1;
        let class = classes!("ln", bad.contains(&n).then_some("err"), warn.contains(&n).then_some("warn"));
        html! { <div class={class} data-line={n.to_string()}>{ n }</div> }
    });
    let problems = p.problems.iter().take(50).map(|q| {
        let jump = jump.clone();
        let line = q.line;
        html! {
            <li>
                <button class={classes!("problem", if q.error { "error" } else { "warning" })}
                        onclick={Callback::from(move |_| if let Some(l) = line { jump.emit(l) })}>
                    <span class="where">{ match (q.line, q.column) { (Some(l), Some(c)) => format!("{l}:{c}"), (Some(l), None) => l.to_string(), _ => "–".into() } }</span>
                    <span class="msg">{ q.message.clone() }</span>
                </button>
            </li>
        }
    });
    let errors = p.problems.iter().filter(|q| q.error).count();
    html! {
        <section class={classes!("editor", (*dragging).then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
            <header class="panel-head row">
                <h2>{ "Topology" }</h2>
                <span class="muted">{ format!("{} line{}", *lines, if *lines == 1 { "" } else { "s" }) }</span>
                if let Some(f) = &p.format { <span class="tag" title="Detected format">{ f.clone() }</span> }
                if errors > 0 { <span class="tag bad" id="error-count">{ format!("{errors} error{}", if errors == 1 { "" } else { "s" }) }</span> }
            </header>
            <div class="code">
                <div class="gutter" aria-hidden="true"><div class="gutter-inner" style={format!("margin-top:{offset:.1}px")}>{ for gutter }</div></div>
                <textarea ref={area} id="source" spellcheck="false" wrap="off" autocomplete="off" autocapitalize="off"
                    placeholder="Paste a topology (YAML or JSON), drop a file here, or pick an example."
                    {oninput} {onscroll} aria-label="Topology source" />
            </div>
            if !p.problems.is_empty() {
                <ul class="problems" id="problems">{ for problems }</ul>
            }
        </section>
    }
}
