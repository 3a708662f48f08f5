//! The findings panel: the report's findings, most severe first and grouped by kind, hidden
//! ones first (the obvious single points of failure of each target folded into one line that
//! opens), each with its details and a click away from its evidence on the graph; then
//! cold-start waves and the criticality ranking.

use std::collections::BTreeSet;

use blastmap_core::render::{fold_words, lines, rank_note, Line};
use blastmap_core::report::{Finding, FindingKind, Report, Severity};
use yew::prelude::*;

use super::crash_note::CrashNote;
use super::{title_html, Ptr};
use crate::state::{Analysis, Crash};

/// Findings shown per group before "show all".
const SHOWN: usize = 25;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub analysis: Option<Ptr<Analysis>>,
    pub selected: Option<usize>,
    /// The analysis in flight: step and fraction.
    pub progress: Option<(String, f32)>,
    /// Stops the analysis in flight (a Cancel button beside the progress).
    #[prop_or_default]
    pub on_cancel: Option<Callback<()>>,
    pub stale: bool,
    /// The errors that keep the analysis stale are in the overlay.
    #[prop_or_default]
    pub stale_in_overlay: bool,
    /// The analysis worker failed, and whether there is a text it was analysing.
    pub crash: Option<(Crash, bool)>,
    pub on_dismiss_crash: Callback<()>,
    pub on_select: Callback<usize>,
    pub on_fail: Callback<String>,
    pub on_focus: Callback<String>,
    /// A policy principal picked (node id, `tag:T`, `group:G`, login): show what it may reach.
    #[prop_or_default]
    pub on_reach: Callback<String>,
    /// The principal whose reach is shown.
    #[prop_or_default]
    pub reach: Option<String>,
}

/// The reach view of each policy file: pick a node, tag, group or user and the graph marks every
/// node it may open connections to (the list the report keeps: its first names, beside the count).
fn policy_reach(p: &Props, r: &blastmap_core::report::Report) -> Html {
    let sections = r.policy.iter().map(|section| {
        let on_reach = p.on_reach.clone();
        let onchange = Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            let v = select.value();
            if !v.is_empty() {
                on_reach.emit(v);
            }
        });
        let shown = p.reach.as_deref().and_then(|name| section.principal(name));
        html! {
            <section class="group policy-reach" id="policy-reach">
                <h3>{ format!("Policy reach · {}", section.tailnet) }<span class="count">{ format!("{} nodes", section.nodes) }</span></h3>
                <p class="muted small">{ format!("{} — pick a node, tag, group or user to mark what it may reach.", section.file) }</p>
                <select class="btn" id="reach-principal" {onchange}>
                    <option value="" selected={shown.is_none()}>{ "Who may reach what…" }</option>
                    { for section.principals.iter().take(500).map(|x| {
                        let on = shown.is_some_and(|s| s.principal == x.principal);
                        html! { <option value={x.principal.clone()} selected={on}>{ format!("{} — {} nodes", x.principal, x.reaches_count) }</option> }
                    }) }
                </select>
                if section.principals.len() > 500 {
                    <p class="muted small">{ format!("the 500 widest of {} principals (the exported report has them all)", section.principals.len()) }</p>
                }
                if let Some(x) = shown {
                    <p class="reach-line" id="reach-line">{ format!(
                        "{} reaches {} nodes{}{}{}",
                        x.principal,
                        x.reaches_count,
                        if x.reaches_count > x.reaches.len() { format!(" (the first {} marked)", x.reaches.len()) } else { String::new() },
                        if x.routes.is_empty() { String::new() } else { format!(", routes {}", x.routes.join(", ")) },
                        if x.internet { ", the internet through exit nodes" } else { "" }
                    ) }</p>
                }
                { for section.relays.iter().map(|v| html! { <p class="muted small">{ v.sentence.replace('`', "") }</p> }) }
            </section>
        }
    });
    html! { <>{ for sections }</> }
}

fn severity(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::Critical => ("critical", "Critical"),
        Severity::High => ("high", "High"),
        Severity::Medium => ("medium", "Medium"),
        Severity::Low => ("low", "Low"),
    }
}

fn list(items: &[String], max: usize) -> String {
    list_of(items, items.len(), max)
}

/// [`list`] of a report list that may have been cut: `total` is its full count.
fn list_of(items: &[String], total: usize, max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    let more = total.max(items.len()).saturating_sub(shown.len());
    if more > 0 {
        format!("{} … +{more}", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The structured details of a finding, from the report's per-analysis entries.
fn details(report: &Report, f: &Finding) -> Vec<(&'static str, String)> {
    match f.kind {
        FindingKind::Spof => report
            .spofs
            .iter()
            .find(|s| s.component == f.subject)
            .map(|s| {
                let targets = list_of(&s.takes_down, s.takes_down_count, 8);
                vec![("blast radius", format!("{} target(s): {targets}", s.takes_down_count))]
            })
            .unwrap_or_default(),
        FindingKind::FalseRedundancy => report
            .redundancy
            .iter()
            .find(|r| r.component == f.subject)
            .map(|r| {
                let actual = if r.exact {
                    r.actual_tolerance.to_string()
                } else {
                    format!("{}–{}", r.at_least, r.actual_tolerance)
                };
                vec![
                    (
                        "tolerance",
                        format!("declared {} ({}-of-{}), actual {actual}", r.declared_tolerance, r.need, r.of),
                    ),
                    ("minimal failure set", list(&r.minimal_failure, 8)),
                ]
            })
            .unwrap_or_default(),
        FindingKind::BlindSpot => report
            .blind_spots
            .iter()
            .find(|b| b.component == f.subject)
            .map(|b| {
                vec![
                    ("monitors", list(&b.monitors, 6)),
                    ("failures that blind them", list_of(&b.failures, b.failures_count, 6)),
                ]
            })
            .unwrap_or_default(),
        FindingKind::Blinding => report
            .blindings
            .iter()
            .find(|b| b.failure == f.subject)
            .map(|b| {
                vec![(
                    "running unobserved",
                    format!("{}: {}", b.blinded_count, list_of(&b.blinded, b.blinded_count, 8)),
                )]
            })
            .unwrap_or_default(),
        FindingKind::RestartHazard => report
            .restart_hazards
            .iter()
            .find(|h| h.failure == f.subject)
            .map(|h| vec![("cannot restart", list_of(&h.cannot_restart, h.cannot_restart_count, 8))])
            .unwrap_or_default(),
        FindingKind::CredentialReach => report
            .credential_reach
            .iter()
            .find(|r| r.component == f.subject)
            .map(|r| {
                vec![
                    ("holds credentials for", list(&r.direct, 8)),
                    ("reaches", format!("{}: {}", r.reaches.len(), list(&r.reaches, 8))),
                ]
            })
            .unwrap_or_default(),
        FindingKind::DoublePoint => report
            .double_points
            .iter()
            .find(|d| {
                f.evidence.starts_with(&d.components)
                    && f.evidence.get(d.components.len()..).is_some_and(|rest| d.takes_down.starts_with(rest))
            })
            .map(|d| {
                vec![
                    ("failing together", list(&d.components, 3)),
                    ("blast radius", format!("{} target(s): {}", d.takes_down.len(), list(&d.takes_down, 8))),
                ]
            })
            .unwrap_or_else(|| vec![("evidence", list(&f.evidence, 10))]),
        FindingKind::MeshOutage => report
            .mesh
            .iter()
            .find(|m| m.failure == f.subject)
            .map(|m| vec![("in mesh terms", m.sentence.clone())])
            .unwrap_or_default(),
        FindingKind::Cycle | FindingKind::Deadlock => vec![("members", list(&f.evidence, 10))],
        // Traces are compared by the CLI for now; the page's view of them is another change.
        FindingKind::HiddenDependency | FindingKind::UnobservedDependency => vec![("evidence", list(&f.evidence, 10))],
        FindingKind::PolicyAllowsAll
        | FindingKind::PolicyBlastRadius
        | FindingKind::RouteTakeover
        | FindingKind::ForbiddenRelay => vec![("nodes", list(&f.evidence, 10))],
    }
}

/// The right-hand panel.
#[component]
pub fn Findings(p: &Props) -> Html {
    let expanded = use_state(BTreeSet::<FindingKind>::new);
    // The fold lines opened, by target.
    let opened = use_state(BTreeSet::<String>::new);
    let progress = p.progress.as_ref().map(|(step, fraction)| {
        html! {
            <div class="progress" id="progress" role="progressbar" aria-valuenow={format!("{:.0}", fraction * 100.0)}>
                <div class="progress-label">{ format!("Analysing: {step}…") }
                    if let Some(cancel) = p.on_cancel.clone() {
                        <button class="btn small" id="cancel-analysis" onclick={move |_| cancel.emit(())}>{ "Cancel" }</button>
                    }
                </div>
                <div class="progress-track"><div class="progress-fill" style={format!("width:{:.0}%", (fraction * 100.0).max(3.0))} /></div>
            </div>
        }
    });
    let crash = p.crash.clone().map(|(crash, has_text)| {
        html! { <CrashNote {crash} {has_text} on_dismiss={p.on_dismiss_crash.clone()} /> }
    });
    let Some(a) = &p.analysis else {
        return html! {
            <aside class="findings" id="findings">
                <header class="panel-head"><h2>{ "Findings" }</h2></header>
                { for crash }
                { for progress }
                if p.stale_in_overlay {
                    <p class="stale">{ "Nothing analysed yet: fix the errors in the Overlay tab to analyse the export with it." }</p>
                } else if p.progress.is_none() && p.crash.is_none() {
                    <p class="muted pad">{ "Findings appear here once a topology loads." }</p>
                }
            </aside>
        };
    };
    let r = &a.report;
    let mut kinds: Vec<(Severity, FindingKind)> = FindingKind::ALL
        .into_iter()
        .filter_map(|k| r.findings_of(k).map(|f| f.severity).min().map(|s| (s, k)))
        .collect();
    kinds.sort();
    let groups = kinds.into_iter().map(|(_, kind)| {
        let items: Vec<(usize, &Finding)> = r.findings.iter().enumerate().filter(|(_, f)| f.kind == kind).collect();
        let total = a.totals.get(&kind).copied().unwrap_or(items.len());
        let lines = lines(items.iter().copied());
        let all = expanded.contains(&kind);
        let more = lines.len().saturating_sub(SHOWN);
        let toggle = {
            let expanded = expanded.clone();
            Callback::from(move |_: MouseEvent| {
                let mut set = (*expanded).clone();
                if !set.remove(&kind) {
                    set.insert(kind);
                }
                expanded.set(set);
            })
        };
        let one = |i: usize, f: &Finding| {
            let (sev_class, sev_text) = severity(f.severity);
            let selected = p.selected == Some(i);
            let on_select = p.on_select.clone();
            let fail = {
                let (on_fail, subject) = (p.on_fail.clone(), f.subject.clone());
                Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    on_fail.emit(subject.clone());
                })
            };
            let note = rank_note(f);
            html! {
                <li class={classes!("finding", sev_class, selected.then_some("selected"), f.rank.is_hidden().then_some("hidden-finding"))}
                    data-subject={f.subject.clone()} tabindex="0" onclick={Callback::from(move |_| on_select.emit(i))}>
                    <div class="finding-head">
                        <span class={classes!("sev", sev_class)}>{ sev_text }</span>
                        if matches!(f.kind, FindingKind::Spof | FindingKind::RestartHazard) {
                            <button class="link fail-it" title={format!("Fail {} and watch the blast radius", f.subject)} onclick={fail}>{ "fail it" }</button>
                        }
                    </div>
                    <p class="finding-title">{ title_html(&f.title) }</p>
                    if let Some(note) = note {
                        <p class="finding-rank">{ title_html(&note) }</p>
                    }
                    if selected {
                        <dl class="details">
                            { for details(r, f).into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
                        </dl>
                    }
                </li>
            }
        };
        let mut hidden_before = false;
        let shown: Vec<Html> = lines
            .iter()
            .take(if all { usize::MAX } else { SHOWN })
            .map(|line| match line {
                Line::One(i, f) => {
                    hidden_before = true;
                    one(*i, f)
                }
                Line::Folded { target, severity: sev, members } => {
                    let (sev_class, sev_text) = severity(*sev);
                    let open = opened.contains(*target);
                    let flip = {
                        let (opened, target) = (opened.clone(), target.to_string());
                        Callback::from(move |_: MouseEvent| {
                            let mut set = (*opened).clone();
                            if !set.remove(&target) {
                                set.insert(target.clone());
                            }
                            opened.set(set);
                        })
                    };
                    let words = fold_words(target, members, hidden_before, 6);
                    html! {
                        <li class={classes!("fold", sev_class, open.then_some("open"))} data-target={target.to_string()}>
                            <button class="fold-head" aria-expanded={open.to_string()} onclick={flip}>
                                <span class={classes!("sev", sev_class)}>{ sev_text }</span>
                                <span class="fold-title">{ title_html(&words) }</span>
                            </button>
                            if open {
                                <ol class="fold-members">{ for members.iter().map(|&(i, f)| one(i, f)) }</ol>
                            }
                        </li>
                    }
                }
            })
            .collect();
        html! {
            <section class="group" data-kind={kind.name()}>
                <h3>{ blastmap_core::render::section_title(kind) }<span class="count">{ total }</span></h3>
                <ol>{ for shown }</ol>
                if more > 0 {
                    <button class="link more" onclick={toggle}>{ if all { "show fewer".to_string() } else { format!("show {more} more") } }</button>
                }
                if all && total > items.len() {
                    <p class="muted small">{ format!("{} more in the exported report", total - items.len()) }</p>
                }
            </section>
        }
    });
    let cold = &r.cold_start;
    let waves = cold.waves.iter().enumerate().take(12).map(|(i, w)| {
        html! { <li><span class="wave-n">{ i + 1 }</span>{ list(w, 6) }</li> }
    });
    let on_focus = p.on_focus.clone();
    let ranking = r.criticality.iter().take(10).map(|c| {
        let (on_focus, id) = (on_focus.clone(), c.component.clone());
        html! {
            <tr onclick={Callback::from(move |_| on_focus.emit(id.clone()))} title="Focus the graph on it">
                <td class="name">{ c.component.clone() }</td><td class="num">{ c.targets_down }</td><td class="num">{ c.components_down }</td>
            </tr>
        }
    });
    let availability = r.availability.iter().take(12).map(|a| {
        let dominated: Vec<String> =
            a.dominated_by.iter().take(3).map(|i| format!("{} ({:.0}%)", i.component, i.fussell_vesely * 100.0)).collect();
        html! {
            <tr title={if dominated.is_empty() { String::new() } else { format!("dominated by {}", dominated.join(", ")) }}>
                <td class="name">{ a.target.clone() }</td>
                <td class="num">{ blastmap_core::render::availability_text(a) }</td>
                <td class="dominated">{ dominated.join(", ") }</td>
            </tr>
        }
    });
    let s = &r.summary;
    html! {
        <aside class="findings" id="findings">
            <header class="panel-head">
                <h2>{ "Findings" }<span class="count">{ a.total_findings() }</span></h2>
                <p class="muted">{ format!("{} components · {} placement values · {} edges · {} targets", s.components, s.placement_values, s.edges, r.targets.len()) }</p>
            </header>
            { for crash }
            { for progress }
            if p.stale {
                <p class="stale">{ if p.stale_in_overlay {
                    "Showing the last topology that loaded; fix the errors in the Overlay tab to update."
                } else {
                    "Showing the last topology that loaded; fix the errors in the editor to update."
                } }</p>
            }
            if r.findings.is_empty() {
                <p class="all-clear">{ "No single points of failure, false redundancy, blind spots, cycles or restart hazards." }</p>
            }
            { policy_reach(p, r) }
            { for groups }
            <section class="group cold">
                <h3>{ "Cold start" }<span class="count">{ format!("{} waves", cold.waves.len()) }</span></h3>
                if !cold.deadlocked.is_empty() {
                    <p class="deadlocked"><strong>{ format!("{} never come up: ", cold.deadlocked.len()) }</strong>{ list(&cold.deadlocked, 10) }</p>
                }
                <ol class="waves">{ for waves }</ol>
                if cold.waves.len() > 12 { <p class="muted">{ format!("… and {} more waves", cold.waves.len() - 12) }</p> }
            </section>
            if !r.availability.is_empty() {
                <section class="group availability" id="availability">
                    <h3>{ "Availability" }<span class="count">{ "independent failures" }</span></h3>
                    <table>
                        <thead><tr><th>{ "target" }</th><th class="num">{ "availability" }</th><th>{ "dominated by (Fussell–Vesely)" }</th></tr></thead>
                        <tbody>{ for availability }</tbody>
                    </table>
                </section>
            }
            if !r.criticality.is_empty() {
                <section class="group ranking">
                    <h3>{ "Criticality" }<span class="count">{ "what each failure takes down" }</span></h3>
                    <table>
                        <thead><tr><th>{ "component" }</th><th class="num">{ "targets" }</th><th class="num">{ "all" }</th></tr></thead>
                        <tbody>{ for ranking }</tbody>
                    </table>
                </section>
            }
        </aside>
    }
}
