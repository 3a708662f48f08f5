//! One editor (the export's, or the overlay's): a textarea with a line-number gutter that marks
//! error lines, file drop, and the importer's messages below, each jumping to its line.

use std::collections::BTreeSet;

use yew::prelude::*;

use super::Ptr;
use crate::load::Problem;
use crate::state::{Jump, Tab};

/// Texts longer than this are shown as a read-only preview of their start: a browser lays out
/// every character of a text box (over a second for ten megabytes, again at each resize), and
/// nobody edits a generated export of that size by hand. "Edit the whole text" lifts it.
const PREVIEW_ABOVE: usize = 1 << 20;
const PREVIEW_BYTES: usize = 64 << 10;
/// Problems listed under the text before a "list all" (thousands of warnings laid out at
/// once would slow every edit; the line says how many are left).
const PROBLEMS_LISTED: usize = 50;

/// The first [`PREVIEW_BYTES`] of `text` (whole lines), with a note of what follows.
fn preview(text: &str) -> String {
    let mut end = PREVIEW_BYTES.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text[..end].rfind('\n').map_or(end, |i| i + 1);
    format!(
        "{}\n… {:.1} MB more, not shown: the whole text is analysed.\n",
        &text[..cut],
        (text.len() - cut) as f64 / 1e6
    )
}

/// Lines of `text` as the editor numbers them: one more than its newlines (what
/// `split('\n').count()` gives), counted eight bytes at a time: WebAssembly has no vector
/// search, and a split stops at each of a large text's million lines.
fn line_count(text: &str) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let (newlines, low, high) = (ONES * u64::from(b'\n'), ONES * 0x7f, ONES * 0x80);
    let chunks = text.as_bytes().chunks_exact(8);
    let tail = chunks.remainder().iter().filter(|&&b| b == b'\n').count();
    let whole: usize = chunks
        .map(|c| {
            // Zero bytes where the newlines are; then the high bit of each byte that is not zero.
            let x = u64::from_le_bytes(<[u8; 8]>::try_from(c).unwrap_or_default()) ^ newlines;
            let nonzero = ((x & low) + low) | x;
            (!nonzero & high).count_ones() as usize
        })
        .sum();
    whole + tail + 1
}

/// `text` with UTF-16 range `from..to` (a textarea's selection) replaced by `with`; `with`
/// itself when that is all of `text` (a paste into an empty box: no copy of its megabytes).
fn splice_utf16(text: &str, from: u32, to: u32, with: String) -> String {
    let byte = |at: u32| {
        let mut units = 0u32;
        for (i, c) in text.char_indices() {
            if units >= at {
                return i;
            }
            units += c.len_utf16() as u32;
        }
        text.len()
    };
    let (a, b) = (byte(from.min(to)), byte(from.max(to)));
    if a == 0 && b == text.len() {
        return with;
    }
    let mut out = String::with_capacity(text.len() - (b - a) + with.len());
    out.push_str(&text[..a]);
    out.push_str(&with);
    out.push_str(&text[b..]);
    out
}

/// Must match `--line` in style.css.
const LINE_PX: f64 = 18.0;
/// The textarea's top padding in style.css.
const PAD_PX: f64 = 8.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Which text this is: its element ids (`source`, `overlay-source`, ...) follow.
    pub tab: Tab,
    /// Shown (the other tab's editor stays mounted, hidden, keeping its undo and scroll).
    pub shown: bool,
    pub text: Ptr<str>,
    pub problems: Vec<Problem>,
    /// The detected format, once a text loaded.
    pub format: Option<AttrValue>,
    pub on_edit: Callback<String>,
    /// A dropped file's text.
    pub on_open: Callback<String>,
    /// Several files dropped at once (name, text), when this editor takes them.
    #[prop_or_default]
    pub on_open_many: Option<Callback<Vec<(String, String)>>>,
    /// A line to show (when it is this tab's).
    pub jump: Option<Jump>,
    pub placeholder: AttrValue,
    /// More in the head row (the overlay's buttons).
    #[prop_or_default]
    pub tools: Html,
    /// Above the text (the overlay set aside).
    #[prop_or_default]
    pub banner: Html,
}

/// The id of element `name` of `tab`'s editor (`source`, `overlay-source`).
fn id_of(tab: Tab, name: &str) -> String {
    match tab {
        Tab::Export => name.to_string(),
        Tab::Overlay => format!("overlay-{name}"),
    }
}

/// Puts the cursor at the start of 1-based `line` of `text` in `area` and scrolls it into view
/// (a few lines below the top); returns the new scroll top.
fn show_line(t: &web_sys::HtmlTextAreaElement, text: &str, line: u32) -> f64 {
    let at = line_start_utf16(text, line);
    let _ = t.focus();
    let _ = t.set_selection_range(at, at);
    let top = ((f64::from(line) - 4.0) * LINE_PX).max(0.0);
    t.set_scroll_top(top as i32);
    top
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
    let edit_all = use_state(|| false);
    let all_problems = use_state(|| false);
    let large = p.text.len() > PREVIEW_ABOVE;
    let previewing = large && !*edit_all;
    let lines = use_memo(p.text.clone(), |t| line_count(t));
    let shown = use_memo((p.text.clone(), previewing), |(t, previewing)| previewing.then(|| preview(t)));
    let gutter_lines = shown.as_ref().as_ref().map_or(*lines, |s| line_count(s));
    let bad: BTreeSet<u32> = p.problems.iter().filter(|q| q.error).filter_map(|q| q.line).collect();
    let warn: BTreeSet<u32> = p.problems.iter().filter(|q| !q.error && !q.info).filter_map(|q| q.line).collect();

    {
        // The textarea is not bound to `value`: typing already put the text there, and setting
        // megabytes again would cost a second of layout. Texts from elsewhere are written here.
        // A large text is replaced by its preview before the browser lays it out.
        let (area, shown) = (area.clone(), shown.clone());
        use_effect_with((p.text.clone(), previewing), move |(text, _)| {
            if let Some(t) = area.cast::<web_sys::HtmlTextAreaElement>() {
                let want: &str = shown.as_ref().as_deref().unwrap_or(text);
                if *t.value() != *want {
                    t.set_value(want);
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
    let onpaste = {
        // Pasting megabytes: take them from the clipboard event instead of letting the browser
        // lay them out in the text box first.
        let on_edit = p.on_edit.clone();
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast as _;
            let Some(ce) = e.dyn_ref::<web_sys::ClipboardEvent>() else { return };
            // `getData` called from here, not through web-sys: its `String` would be copied in
            // character by character (`crate::wire::string_of` says why).
            let Some(data) = ce.clipboard_data() else { return };
            let get =
                js_sys::Reflect::get(&data, &"getData".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
            let Some(pasted) =
                get.and_then(|f| f.call1(&data, &"text/plain".into()).ok()).and_then(|v| crate::wire::string_of(&v))
            else {
                return;
            };
            let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() else { return };
            if pasted.len() <= PREVIEW_ABOVE {
                return;
            }
            e.prevent_default();
            let (from, to) =
                (t.selection_start().ok().flatten().unwrap_or(0), t.selection_end().ok().flatten().unwrap_or(0));
            on_edit.emit(splice_utf16(&t.value(), from, to, pasted));
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
        let (edit_all, gutter_lines) = (edit_all.clone(), gutter_lines);
        Callback::from(move |line: u32| {
            if previewing && line as usize >= gutter_lines {
                // Past the preview: show the whole text (the next click jumps).
                return edit_all.set(true);
            }
            let Some(t) = area.cast::<web_sys::HtmlTextAreaElement>() else { return };
            let top = show_line(&t, &text, line);
            scroll.set((top, f64::from(t.client_height())));
        })
    };
    {
        // A line asked for from elsewhere (a review action wrote it, a note points at it). Runs
        // after the text effect above, so the line is in the text box.
        let jump = jump.clone();
        let mine = p.jump.filter(|j| j.tab == p.tab && p.shown);
        use_effect_with(mine, move |j| {
            if let Some(j) = j {
                jump.emit(j.line);
            }
        });
    }
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
    let readers = use_mut_ref(Vec::<gloo::file::callbacks::FileReader>::new);
    let ondrop = {
        let (dragging, on_open, reader) = (dragging.clone(), p.on_open.clone(), reader.clone());
        let (many, readers) = (p.on_open_many.clone(), readers.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let Some(list) = e.data_transfer().and_then(|d| d.files()) else { return };
            if let Some(many) = many.clone().filter(|_| list.length() > 1) {
                let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
                return super::top_bar::read_all(files, &readers, on_open.clone(), many);
            }
            let Some(file) = list.get(0) else { return };
            let on_open = on_open.clone();
            let file = gloo::file::File::from(file);
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_bytes(&file, move |r| {
                if let Ok(bytes) = r {
                    on_open.emit(crate::wire::file_text(bytes));
                }
            }));
        })
    };

    let (top, height) = *scroll;
    let first = ((top - PAD_PX) / LINE_PX).floor().max(0.0) as usize;
    let count = (height / LINE_PX).ceil() as usize + 3;
    let last = (first + count).min(gutter_lines);
    let offset = PAD_PX + first as f64 * LINE_PX - top;
    let gutter = (first..last).map(|i| {
        let n = i as u32 + 1;
        let class = classes!("ln", bad.contains(&n).then_some("err"), warn.contains(&n).then_some("warn"));
        html! { <div class={class} data-line={n.to_string()}>{ n }</div> }
    });
    let listed = if *all_problems { p.problems.len() } else { PROBLEMS_LISTED };
    let unlisted = p.problems.len().saturating_sub(listed);
    let problems = p.problems.iter().take(listed).map(|q| {
        let jump = jump.clone();
        let line = q.line;
        html! {
            <li>
                <button class={classes!("problem", if q.error { "error" } else if q.info { "info" } else { "warning" })}
                        onclick={Callback::from(move |_| if let Some(l) = line { jump.emit(l) })}>
                    <span class="where">{ match (q.line, q.column) { (Some(l), Some(c)) => format!("{l}:{c}"), (Some(l), None) => l.to_string(), _ => "–".into() } }</span>
                    <span class="msg">{ q.message.clone() }</span>
                </button>
            </li>
        }
    });
    let errors = p.problems.iter().filter(|q| q.error).count();
    let id = |name: &str| id_of(p.tab, name);
    let label = match p.tab {
        Tab::Export => "Topology source",
        Tab::Overlay => "Overlay source",
    };
    html! {
        <section class={classes!("editor", (*dragging).then_some("dragging"))} id={id("editor-pane")} hidden={!p.shown}
                 role="tabpanel" {ondragover} {ondragleave} {ondrop}>
            <header class="editor-info">
                <span class="muted">{ format!("{} line{}", blastmap_core::finding::thousands(*lines), if *lines == 1 { "" } else { "s" }) }</span>
                if large { <span class="muted">{ format!("{:.1} MB", p.text.len() as f64 / 1e6) }</span> }
                if let Some(f) = &p.format { <span class="tag" title="Detected format">{ f.clone() }</span> }
                if errors > 0 { <span class="tag bad" id={id("error-count")}>{ format!("{errors} error{}", if errors == 1 { "" } else { "s" }) }</span> }
                <span class="editor-tools">{ p.tools.clone() }</span>
            </header>
            { p.banner.clone() }
            if previewing {
                <div class="preview-note" id="preview-note">
                    <span>{ "Large text: a read-only preview of its start is shown; all of it is analysed." }</span>
                    <button class="link" id="edit-all" onclick={{ let e = edit_all.clone(); Callback::from(move |_| e.set(true)) }}>{ "Edit the whole text" }</button>
                    <button class="link" id="clear-text" onclick={{ let on_edit = p.on_edit.clone(); Callback::from(move |_| on_edit.emit(String::new())) }}>{ "Clear" }</button>
                </div>
            }
            <div class="code">
                <div class="gutter" aria-hidden="true"><div class="gutter-inner" style={format!("margin-top:{offset:.1}px")}>{ for gutter }</div></div>
                <textarea ref={area} id={id("source")} spellcheck="false" wrap="off" autocomplete="off" autocapitalize="off"
                    placeholder={p.placeholder.clone()}
                    readonly={previewing} {oninput} {onpaste} {onscroll} aria-label={label} />
            </div>
            if !p.problems.is_empty() {
                <ul class="problems" id={id("problems")}>
                    { for problems }
                    if unlisted > 0 {
                        <li><button class="link problems-more" id={id("all-problems")}
                                    onclick={{ let all = all_problems.clone(); Callback::from(move |_| all.set(true)) }}>
                            { format!("… and {unlisted} more: list all {}", p.problems.len()) }
                        </button></li>
                    }
                </ul>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_ends_on_a_whole_line_and_says_what_is_left() {
        let line = "- {id: a-component-with-a-long-name, requires: [another-one]}\n";
        let text = line.repeat(PREVIEW_ABOVE / line.len() + 10);
        let p = preview(&text);
        let shown = p.split("\n… ").next().unwrap();
        assert!(shown.len() <= PREVIEW_BYTES && text.starts_with(shown) && shown.ends_with('\n'));
        assert!(p.contains("MB more, not shown"));
        // Never inside a character.
        let wide = "é".repeat(PREVIEW_BYTES);
        assert!(preview(&wide).starts_with('é'));
    }

    #[test]
    fn pasting_replaces_the_selection_counted_in_utf_16() {
        assert_eq!(splice_utf16("ab😀cd", 2, 4, "X".into()), "abXcd");
        assert_eq!(splice_utf16("abc", 3, 3, "d".into()), "abcd");
        assert_eq!(splice_utf16("abc", 0, 3, "new".into()), "new");
        assert_eq!(splice_utf16("abc", 2, 1, "-".into()), "a-c");
        assert_eq!(splice_utf16("", 0, 0, "pasted".into()), "pasted");
        assert_eq!(splice_utf16("", 0, 5, "pasted".into()), "pasted");
        assert_eq!(splice_utf16("abc", 0, 0, "new ".into()), "new abc");
    }

    #[test]
    fn lines_are_counted_as_a_split_on_newlines_counts_them() {
        let mut texts: Vec<String> = ["", "\n", "a", "a\n", "\n\n\n", "é\n日本\n🚀", "\r\n\r\n", "\n\u{8a}\n\u{10a}"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        // Every length and position around the eight-byte chunks, and every byte value beside
        // the newlines (0x0a with its high bit set, 0x8a, included as part of 'Ċ').
        for n in 0..40 {
            for at in 0..n {
                let mut t: Vec<char> = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
                t[at] = '\n';
                if at + 1 < n {
                    t[at + 1] = 'Ċ';
                }
                texts.push(t.into_iter().collect());
            }
        }
        texts.push((0..=255u8).map(char::from).collect());
        texts.push("x\n".repeat(1_000));
        for t in &texts {
            assert_eq!(line_count(t), t.split('\n').count(), "{t:?}");
        }
    }
}
