//! The import summary: what the importer inferred, what the overlay changed, and (when traces
//! were compared) what was declared and observed, the report's notes grouped by kind, each with
//! its rule and message. An inference can be accepted (written into the overlay as it is, so the
//! review records it) or flipped (the opposite written); an overlay change can be reverted and
//! its line shown. A click on a note shows its component or edge on the graph.

use std::collections::BTreeSet;

use blastmap_core::finding::thousands;
use blastmap_core::note::{Note, NoteKind};
use yew::prelude::*;

use super::{title_html, Ptr};
use crate::overlay_text;
use crate::protocol::OVERLAY;
use crate::review::{self, Context, Refine, Verdict};
use crate::state::Analysis;

/// Notes shown per group before "show all".
const SHOWN: usize = 40;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub analysis: Option<Ptr<Analysis>>,
    pub overlay: Ptr<str>,
    /// The note shown on the graph.
    pub selected: Option<usize>,
    /// The analysis shown is the last good one (the texts have errors now).
    pub stale: bool,
    /// The errors that keep it stale are in the overlay.
    pub stale_in_overlay: bool,
    pub on_show: Callback<usize>,
    pub on_refine: Callback<Refine>,
    /// Show this line of the overlay.
    pub on_jump: Callback<u32>,
}

const GROUPS: [(NoteKind, &str, &str, &str); 4] = [
    (
        NoteKind::Inferred,
        "inferred",
        "Inferred by the importer",
        "Read from the export, not written in it: accept each to record it in the overlay, or flip it.",
    ),
    (NoteKind::Overlay, "overlay", "Changed by the overlay", "Each change the overlay makes to the export."),
    (NoteKind::Observed, "observed", "Declared and observed", "The design compared with what traces saw."),
    (
        NoteKind::Policy,
        "policy",
        "Applied from the policy",
        "What the tailnet policy changed: relays it makes no path.",
    ),
];

fn verdict_chip(v: Verdict) -> Html {
    match v {
        Verdict::Open => html! { <span class="verdict open">{ "to review" }</span> },
        Verdict::Accepted => html! { <span class="verdict accepted">{ "✓ accepted" }</span> },
        Verdict::Flipped => html! { <span class="verdict flipped">{ "⇄ flipped" }</span> },
    }
}

/// The panel.
#[component]
pub fn Summary(p: &Props) -> Html {
    let expanded = use_state(BTreeSet::<&'static str>::new);
    let Some(a) = &p.analysis else {
        return html! {
            <aside class="summary-panel" id="summary">
                <p class="muted pad">{ "The import summary appears here once a topology loads." }</p>
            </aside>
        };
    };
    let notes = &a.report.notes;
    let doc = overlay_text::read(&p.overlay);
    let ctx = Context { model: &a.model, baseline: &a.baseline, overlay: doc.as_ref() };
    let groups = GROUPS.iter().filter_map(|&(kind, class, title, about)| {
        let items: Vec<(usize, &Note)> = notes.iter().enumerate().filter(|(_, n)| n.kind == kind).collect();
        if items.is_empty() {
            return None;
        }
        let all = expanded.contains(class);
        let more = items.len().saturating_sub(SHOWN);
        let toggle = {
            let expanded = expanded.clone();
            Callback::from(move |_: MouseEvent| {
                let mut set = (*expanded).clone();
                if !set.remove(class) {
                    set.insert(class);
                }
                expanded.set(set);
            })
        };
        let rows = items.iter().take(if all { usize::MAX } else { SHOWN }).map(|&(i, n)| {
            let offers = review::offers(&ctx, n);
            let button = |label: &'static str, id: &'static str, r: Option<Refine>, title: String| {
                r.map(|r| {
                    let on_refine = p.on_refine.clone();
                    let onclick = Callback::from(move |e: MouseEvent| {
                        e.stop_propagation();
                        on_refine.emit(r.clone());
                    });
                    html! { <button class={classes!("btn", "small", id)} {title} {onclick}>{ label }</button> }
                })
            };
            let accept = button(
                "accept",
                "accept",
                offers.accept.clone(),
                "Write this inference into the overlay as it is: the review records it".into(),
            );
            let flip = button(
                "flip",
                "flip",
                offers.flip.clone(),
                "Write the opposite into the overlay (the importer read this wrong)".into(),
            );
            let revert = offers.revert.clone().map(|r| {
                let on_refine = p.on_refine.clone();
                let onclick = Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    on_refine.emit(r.clone());
                });
                html! { <button class="link revert" title="Take this change out of the overlay" {onclick}>{ "revert" }</button> }
            });
            let line = n.pos.filter(|pos| n.kind == NoteKind::Overlay && pos.input > 0).map(|pos| pos.line);
            let jump = line.map(|l| {
                let on_jump = p.on_jump.clone();
                let onclick = Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    on_jump.emit(l);
                });
                html! { <button class="link where" title="Show it in the overlay" {onclick}>{ format!("{OVERLAY} line {l}") }</button> }
            });
            let on_show = p.on_show.clone();
            let selected = p.selected == Some(i);
            // The message without its trailing position (the line link says it).
            let message = match n.message.rfind(" (") {
                Some(cut) if line.is_some() && n.message.ends_with(')') => n.message[..cut].to_string(),
                _ => n.message.clone(),
            };
            html! {
                <li class={classes!("note", class, selected.then_some("selected"))} data-rule={n.rule.clone()}
                    data-subject={n.subject.clone()} tabindex="0" title="Show it on the graph"
                    onclick={Callback::from(move |_| on_show.emit(i))}>
                    <div class="note-head">
                        <code class="rule">{ n.rule.clone() }</code>
                        if let Some(v) = offers.verdict { { verdict_chip(v) } }
                        <span class="note-links">{ for jump }{ for revert }</span>
                    </div>
                    <p class="note-text">{ title_html(&message) }</p>
                    if accept.is_some() || flip.is_some() {
                        <div class="note-actions">{ for accept }{ for flip }</div>
                    }
                </li>
            }
        });
        let open = items
            .iter()
            .filter(|(_, n)| review::offers(&ctx, n).verdict == Some(Verdict::Open))
            .count();
        Some(html! {
            <section class={classes!("group", "notes", class)} data-kind={class}>
                <h3>
                    { title }<span class="count">{ thousands(items.len()) }</span>
                    if kind == NoteKind::Inferred && open > 0 { <span class="count open">{ format!("{open} to review") }</span> }
                </h3>
                <p class="muted small">{ about }</p>
                <ol>{ for rows }</ol>
                if more > 0 {
                    <button class="link more" onclick={toggle}>{ if all { "show fewer".to_string() } else { format!("show {} more", thousands(more)) } }</button>
                }
            </section>
        })
    });
    let groups: Vec<Html> = groups.collect();
    html! {
        <aside class="summary-panel" id="summary">
            <header class="panel-head">
                <h2>{ "Import summary" }<span class="count">{ thousands(notes.len()) }</span></h2>
                <p class="muted">{ "What the topology holds that the export did not plainly say." }</p>
            </header>
            if p.stale {
                <p class="stale">{ if p.stale_in_overlay {
                    "Showing the last topology that loaded; fix the errors in the Overlay tab to update."
                } else {
                    "Showing the last topology that loaded; fix the errors in the editor to update."
                } }</p>
            }
            if groups.is_empty() {
                <div class="pad empty-notes">
                    <p>{ "Nothing inferred, nothing changed by an overlay." }</p>
                    <p class="muted">{ "Write an overlay in the editor's Overlay tab, or switch the graph to Review and click an edge or a component: each change shows here, with a way back." }</p>
                </div>
            }
            { for groups }
        </aside>
    }
}
