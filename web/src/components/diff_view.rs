//! The design-diff panel: two designs compared (a comparison with another topology, or a region
//! split against the current design), shown in place of the findings.

use std::rc::Rc;

use blastmap_core::diff::Blast;
use blastmap_core::report::Finding;
use yew::prelude::*;

use super::crash_note::CrashNote;
use super::findings::severity;
use crate::protocol::DiffView;
use crate::state::Crash;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Rc<DiffView>,
    pub on_close: Callback<()>,
    /// Opens a text in the editor (the split's proposed topology).
    pub on_open: Callback<String>,
    /// The analysis worker failed, and whether there is a text it was analysing.
    pub crash: Option<(Crash, bool)>,
    pub on_dismiss_crash: Callback<()>,
}

fn blast(b: Option<Blast>) -> String {
    match b {
        Some(b) => format!("{} / {}", b.targets_down, b.components_down),
        None => "—".into(),
    }
}

/// Findings listed per group of a comparison (`blastmap diff` lists them all).
const LISTED: usize = 100;

/// The line under a group cut at [`LISTED`] (nothing when it is whole).
fn more(total: usize) -> Html {
    if total <= LISTED {
        return Html::default();
    }
    html! { <p class="muted small">{ format!("… and {} more: `blastmap diff BEFORE AFTER` lists every one", total - LISTED) }</p> }
}

fn list(title: &str, class: &'static str, items: &[Finding]) -> Html {
    html! {
        <section class={classes!("diff-group", class)} data-diff={class}>
            <h3>{ format!("{title} ({})", items.len()) }</h3>
            <ul>{ for items.iter().take(LISTED).map(|f| html! { <li class={classes!("finding", "diff-item")}>{ f.title.replace('`', "") }</li> }) }</ul>
            { more(items.len()) }
        </section>
    }
}

/// A split checked against the policy files open beside the status exports, as `blastmap split`
/// checks it: shared nodes no longer reached by the same principals and paths the policy does not
/// open today, or that the reach is the same; or that no policy file is open.
fn policy(view: &DiffView) -> Html {
    let checks = view.policy.iter().map(|c| {
        html! {
            <div class="split-policy" data-file={c.file.clone()}>
                <h4>{ format!("{} applied to {} (was {})", c.file, c.after.join(", "), c.tailnet) }</h4>
                if c.findings.is_empty() {
                    <p class="split-policy-same">{ "the policy reaches the same nodes after the split" }</p>
                }
                <ul>{ for c.findings.iter().map(|f| {
                    let (class, text) = severity(f.severity);
                    html! {
                        <li class={classes!("diff-item", "split-policy-finding", class)}>
                            <span class={classes!("sev", class)}>{ text }</span>{ " " }{ f.title.replace('`', "") }
                        </li>
                    }
                }) }</ul>
            </div>
        }
    });
    html! {
        <section class="diff-group" data-diff="policy" id="split-policy">
            <h3>{ "Policy reach after the split" }</h3>
            if view.policy_files == 0 {
                <p class="muted" id="split-policy-none">{ "no policy file open: the split is not checked against a policy" }</p>
            }
            { for checks }
            { for view.policy_warnings.iter().map(|w| html! { <p class="muted small">{ w.clone() }</p> }) }
        </section>
    }
}

#[component]
pub fn DiffPanel(p: &Props) -> Html {
    let d = &p.view.diff;
    let open = p.view.after_text.clone().map(|text| {
        let cb = p.on_open.clone();
        html! { <button class="btn" id="open-proposal" onclick={Callback::from(move |_| cb.emit(text.clone()))}>{ "Open the proposal" }</button> }
    });
    let outages = (!p.view.outages_before.is_empty() || !p.view.outages_after.is_empty()).then(|| {
        html! {
            <section class="diff-group" data-diff="outages">
                <h3>{ "Shard and relay outages" }</h3>
                <div class="side-by-side">
                    <div><h4>{ "before" }</h4><ul>{ for p.view.outages_before.iter().map(|s| html! { <li>{ s }</li> }) }</ul></div>
                    <div><h4>{ "after" }</h4><ul>{ for p.view.outages_after.iter().map(|s| html! { <li>{ s }</li> }) }</ul></div>
                </div>
            </section>
        }
    });
    html! {
        <aside class="findings diff-panel" id="diff">
            <header class="panel-head">
                <h2>{ p.view.title.clone() }</h2>
                <span class="muted">{ format!("{} → {}", d.before, d.after) }</span>
                <button class="btn" id="close-diff" onclick={p.on_close.reform(|_| ())}>{ "Close" }</button>
            </header>
            <div class="panel-body">
                if let Some((crash, has_text)) = p.crash.clone() {
                    <CrashNote {crash} {has_text} on_dismiss={p.on_dismiss_crash.clone()} />
                }
                if !p.view.proposal.is_empty() {
                    <section class="diff-group" data-diff="proposal">
                        <h3>{ "Proposal" }</h3>
                        <ul>{ for p.view.proposal.iter().map(|l| html! { <li>{ l }</li> }) }</ul>
                        { for open }
                    </section>
                    { policy(&p.view) }
                }
                { for outages }
                { list("Findings gained", "gained", &d.gained) }
                { list("Findings lost", "lost", &d.lost) }
                <section class="diff-group" data-diff="changed">
                    <h3>{ format!("Findings changed ({})", d.changed.len()) }</h3>
                    <ul>{ for d.changed.iter().take(LISTED).map(|c| html! {
                        <li class="diff-item"><span class="before">{ c.before.title.replace('`', "") }</span>
                            <span class="after">{ format!("→ {}", c.after.title.replace('`', "")) }</span></li>
                    }) }</ul>
                    { more(d.changed.len()) }
                </section>
                if !d.spof_changes.is_empty() {
                    <section class="diff-group" data-diff="spofs">
                        <h3>{ "Targets whose single points of failure changed" }</h3>
                        <ul>{ for d.spof_changes.iter().map(|c| html! {
                            <li>{ format!("{}: +[{}] −[{}]", c.target, c.gained.join(", "), c.lost.join(", ")) }</li>
                        }) }</ul>
                    </section>
                }
                <section class="diff-group" data-diff="placement">
                    <h3>{ "Blast radius per placement value" }</h3>
                    <table class="blast">
                        <thead><tr><th>{ "placement" }</th><th>{ "before (targets / components)" }</th><th>{ "after" }</th></tr></thead>
                        <tbody>{ for d.placement_blast.iter().map(|b| html! {
                            <tr><td>{ b.placement.clone() }</td><td>{ blast(b.before) }</td><td>{ blast(b.after) }</td></tr>
                        }) }</tbody>
                    </table>
                </section>
            </div>
        </aside>
    }
}
