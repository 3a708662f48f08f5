//! The findings panel: the report's findings, most severe first and grouped by kind, hidden
//! ones first (the obvious single points of failure of each target folded into one line that
//! opens), each with its details and a click away from its evidence on the graph; then
//! cold-start waves and the criticality ranking.

use std::collections::BTreeSet;

use blastmap_core::finding::thousands;
use blastmap_core::render::{counted, fold_words, lines, rank_note, Line, NamedAbove, TakenDown};
use blastmap_core::report::{Finding, FindingKind, Report, Severity};
use yew::prelude::*;

use super::crash_note::CrashNote;
use super::{title_html, Ptr};
use crate::protocol::ReachView;
use crate::state::{Analysis, Crash, Reach};

/// Findings shown per group before "show all".
const SHOWN: usize = 25;
/// Rows of the availability and criticality tables; the exported report holds them all.
const AVAILABILITY_ROWS: usize = 12;
const CRITICALITY_ROWS: usize = 10;

/// The line under a table cut at `rows` rows of `total` (nothing when it is whole).
fn rows_left(total: usize, rows: usize, what: &str) -> Html {
    if total <= rows {
        return Html::default();
    }
    html! { <p class="muted small">{ format!("… and {} more{what} in the exported report", thousands(total - rows)) }</p> }
}

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
    /// A policy principal picked (node id, `tag:T`, `group:G`, login) in a policy file's section:
    /// show what it may reach; `None` when the picker is cleared.
    #[prop_or_default]
    pub on_reach: Callback<Option<Reach>>,
    /// The principal whose reach is shown.
    #[prop_or_default]
    pub reach: Option<Reach>,
    /// Everything it may reach, once the worker answered.
    #[prop_or_default]
    pub reach_view: Option<Ptr<ReachView>>,
}

/// Names of a principal's reach listed in the panel (the graph shows them all).
const REACH_LISTED: usize = 20;

/// The reach view of each policy file: pick a node, tag, group or user and the graph colours
/// everything it may open connections to, like a blast radius (the worker sends the whole set;
/// the report keeps the first names, listed here beside the count).
fn policy_reach(p: &Props, r: &blastmap_core::report::Report) -> Html {
    let sections = r.policy.iter().map(|section| {
        let on_reach = p.on_reach.clone();
        let file = section.file.clone();
        let onchange = Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            let v = select.value();
            on_reach.emit((!v.is_empty()).then(|| Reach { file: file.clone(), principal: v }));
        });
        let on_clear = p.on_reach.reform(|_: MouseEvent| None);
        let shown = p.reach.as_ref().filter(|r| r.file == section.file).and_then(|r| section.principal(&r.principal));
        let (picks, left_out) = pickable(section);
        let view = p.reach_view.as_ref().filter(|v| shown.is_some_and(|x| x.principal == v.principal && v.file == section.file));
        html! {
            <section class="group policy-reach" id="policy-reach">
                <h3>{ format!("Policy reach · {}", section.tailnet) }<span class="count">{ counted(section.nodes, "node") }</span></h3>
                <p class="muted small">{ format!("{} — pick a node, tag, group or user: the graph colours everything it may reach, like a blast radius.", section.file) }</p>
                <div class="reach-pick">
                    <select class="btn" id="reach-principal" {onchange}>
                        <option value="" selected={shown.is_none()}>{ "Who may reach what…" }</option>
                        { for picks.iter().map(|x| {
                            let on = shown.is_some_and(|s| s.principal == x.principal);
                            html! { <option value={x.principal.clone()} selected={on}>{ format!("{} — {}", x.principal, counted(x.reaches_count, "node")) }</option> }
                        }) }
                    </select>
                    if shown.is_some() {
                        <button class="btn small" id="reach-clear" onclick={on_clear} title="Stop showing this reach">{ "Clear" }</button>
                    }
                </div>
                if left_out > 0 {
                    <p class="muted small">{ format!(
                        "every tag and group, and the {PICKED_WIDEST} widest users and nodes: {left_out} narrower left out of the list (the exported report has them all)"
                    ) }</p>
                }
                if let Some(x) = shown {
                    <p class="reach-line" id="reach-line">{ match view {
                        Some(v) => v.sentence(),
                        None => format!("{} may reach {} of {} (colouring the graph…)", x.principal, x.reaches_count, counted(section.nodes, "node")),
                    } }</p>
                    if x.reaches_count > 0 {
                        <p class="muted small reach-names" id="reach-names">{ reach_names(x) }</p>
                    }
                }
                { for section.relays.iter().map(|v| html! { <p class="muted small">{ v.sentence.replace('`', "") }</p> }) }
            </section>
        }
    });
    html! { <>{ for sections }</> }
}

/// Users and nodes the picker lists (the widest); every tag and group is listed.
const PICKED_WIDEST: usize = 500;

/// The principals the picker lists, widest first (every tag and group, the [`PICKED_WIDEST`]
/// widest users and nodes), and how many it leaves out.
fn pickable(
    section: &blastmap_core::policy_report::PolicySection,
) -> (Vec<&blastmap_core::policy_report::PrincipalReach>, usize) {
    use blastmap_core::policy::Principal;
    let mut others = 0;
    let picks: Vec<_> = section
        .principals
        .iter()
        .filter(|x| {
            matches!(x.kind, Principal::Tag | Principal::Group) || {
                others += 1;
                others <= PICKED_WIDEST
            }
        })
        .collect();
    let left_out = section.principals.len() - picks.len();
    (picks, left_out)
}

/// The first [`REACH_LISTED`] names a principal reaches (the report keeps no more), and how many
/// more there are: the graph colours them all.
fn reach_names(x: &blastmap_core::policy_report::PrincipalReach) -> String {
    let listed: Vec<&str> = x.reaches.iter().take(REACH_LISTED).map(String::as_str).collect();
    let more = x.reaches_count.saturating_sub(listed.len());
    let mut s = listed.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {} more, all coloured on the graph", thousands(more)));
    }
    s
}

/// A severity's CSS class and its label.
pub(crate) fn severity(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::Critical => ("critical", "Critical"),
        Severity::High => ("high", "High"),
        Severity::Medium => ("medium", "Medium"),
        Severity::Low => ("low", "Low"),
    }
}

fn list<S: AsRef<str>>(items: &[S], max: usize) -> String {
    list_of(items, items.len(), max)
}

/// [`list`] of a report list that may have been cut: `total` is its full count.
fn list_of<S: AsRef<str>>(items: &[S], total: usize, max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(AsRef::as_ref).collect();
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
    let down = TakenDown::of(r);
    let groups = kinds.into_iter().map(|(_, kind)| {
        let items: Vec<(usize, &Finding)> = r.findings.iter().enumerate().filter(|(_, f)| f.kind == kind).collect();
        let total = a.totals.of_kind(kind, items.len());
        let lines = lines(items.iter().copied(), &down);
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
                    on_fail.emit(subject.to_string());
                })
            };
            let note = rank_note(f);
            html! {
                <li class={classes!("finding", sev_class, selected.then_some("selected"), f.rank.is_hidden().then_some("hidden-finding"))}
                    data-subject={f.subject.to_string()} tabindex="0" onclick={Callback::from(move |_| on_select.emit(i))}>
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
        let mut above = NamedAbove::new(&lines);
        let shown: Vec<Html> = lines
            .iter()
            .take(if all { usize::MAX } else { SHOWN })
            .map(|line| match line {
                Line::One(i, f) => {
                    above.add(f);
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
                    let in_all = a.totals.of_fold(target, members.len());
                    let words = fold_words(target, members, in_all, above.names(target), 6, &down);
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
                <h3>{ blastmap_core::render::section_title(kind) }<span class="count">{ thousands(total) }</span></h3>
                <ol>{ for shown }</ol>
                if more > 0 {
                    <button class="link more" onclick={toggle}>{ if all { "show fewer".to_string() } else { format!("show {} more", thousands(more)) } }</button>
                }
                if (all || more == 0) && total > items.len() {
                    <p class="muted small">{ format!("{} more in the exported report", thousands(total - items.len())) }</p>
                }
            </section>
        }
    });
    let cold = &r.cold_start;
    let waves = cold.waves.iter().enumerate().take(12).map(|(i, w)| {
        html! { <li><span class="wave-n">{ i + 1 }</span>{ list(w, 6) }</li> }
    });
    let on_focus = p.on_focus.clone();
    let ranking = r.criticality.iter().take(CRITICALITY_ROWS).map(|c| {
        let (on_focus, id) = (on_focus.clone(), c.component.clone());
        html! {
            <tr onclick={Callback::from(move |_| on_focus.emit(id.to_string()))} title="Focus the graph on it">
                <td class="name">{ c.component.to_string() }</td><td class="num">{ c.targets_down }</td><td class="num">{ c.components_down }</td>
            </tr>
        }
    });
    let availability = r.availability.iter().take(AVAILABILITY_ROWS).map(|a| {
        let dominated: Vec<String> =
            a.dominated_by.iter().take(3).map(|i| format!("{} ({:.0}%)", i.component, i.fussell_vesely * 100.0)).collect();
        html! {
            <tr title={if dominated.is_empty() { String::new() } else { format!("dominated by {}", dominated.join(", ")) }}>
                <td class="name">{ a.target.to_string() }</td>
                <td class="num">{ blastmap_core::render::availability_text(a) }</td>
                <td class="dominated">{ dominated.join(", ") }</td>
            </tr>
        }
    });
    let s = &r.summary;
    html! {
        <aside class="findings" id="findings">
            <header class="panel-head">
                <h2>{ "Findings" }<span class="count">{ thousands(a.total_findings()) }</span></h2>
                <p class="muted">{ format!("{} · {} · {} · {}", counted(s.components, "component"), counted(s.placement_values, "placement value"), counted(s.edges, "edge"), counted(r.targets.len(), "target")) }</p>
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
                <h3>{ "Cold start" }<span class="count">{ counted(cold.waves.len(), "wave") }</span></h3>
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
                    { rows_left(r.availability.len(), AVAILABILITY_ROWS, " targets") }
                </section>
            }
            if !r.criticality.is_empty() {
                <section class="group ranking">
                    <h3>{ "Criticality" }<span class="count">{ "what each failure takes down" }</span></h3>
                    <table>
                        <thead><tr><th>{ "component" }</th><th class="num">{ "targets" }</th><th class="num">{ "all" }</th></tr></thead>
                        <tbody>{ for ranking }</tbody>
                    </table>
                    { rows_left(r.criticality.len(), CRITICALITY_ROWS, "") }
                </section>
            }
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use blastmap_core::policy::Principal;
    use blastmap_core::policy_report::{PolicySection, PrincipalReach};

    #[test]
    fn the_picker_lists_every_tag_and_group_and_the_widest_users_and_nodes() {
        let one = |principal: String, kind| PrincipalReach {
            principal,
            kind,
            reaches_count: 1,
            reaches: Vec::new(),
            routes: Vec::new(),
            internet: false,
            rules: Vec::new(),
        };
        // Widest first, as the report sorts them: nodes before the narrow tag.
        let mut principals: Vec<_> =
            (0..super::PICKED_WIDEST + 10).map(|i| one(format!("n{i}"), Principal::Node)).collect();
        principals.push(one("tag:ci".into(), Principal::Tag));
        principals.push(one("group:eng".into(), Principal::Group));
        let section = PolicySection {
            file: "p.hujson".into(),
            tailnet: "t".into(),
            nodes: 0,
            principals,
            findings: Vec::new(),
            relays: Vec::new(),
            unevaluated: Vec::new(),
        };
        let (picks, left_out) = super::pickable(&section);
        assert_eq!(left_out, 10);
        assert_eq!(picks.len(), super::PICKED_WIDEST + 2);
        assert!(picks.iter().any(|x| x.principal == "tag:ci") && picks.iter().any(|x| x.principal == "group:eng"));
    }
}
