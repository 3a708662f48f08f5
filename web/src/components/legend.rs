//! The legend: what each status and edge style means, each status with its colour and icon;
//! when notes mark edges, what each halo means (inferred, changed by the overlay, declared and
//! observed or not), with a filter that dims every edge but one kind's. With a policy
//! principal's reach shown, its line comes first ("tag:ci may reach 212 of 240 nodes") with the
//! colours it is drawn in; in a mesh with high-availability subnet routes, the primary router's
//! ring.

use yew::prelude::*;

use super::status_icon::StatusIcon;
use super::Ptr;
use crate::protocol::ReachView;
use crate::review::MARKS;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The marks some edge of the topology has.
    pub marks: u8,
    pub filter: Option<u8>,
    pub on_filter: Callback<Option<u8>>,
    /// A policy principal's reach, shown on the graph.
    #[prop_or_default]
    pub reach: Option<Ptr<ReachView>>,
    /// The graph marks primary routers of high-availability subnet routes.
    #[prop_or_default]
    pub primary: bool,
}

/// A node swatch of class `class`.
fn swatch(class: &'static str) -> Html {
    html! {
        <svg class="graph swatch" width="30" height="16" viewBox="0 0 30 16">
            <g class={classes!("node", class)}><rect class="box" x="1" y="1" width="28" height="14" rx="4" /></g>
        </svg>
    }
}

const STATUSES: [(&str, &str); 5] = [
    ("failed", "failed (by you)"),
    ("down", "down"),
    ("degraded", "degraded"),
    ("cannot-restart", "cannot restart"),
    ("unmonitored", "unmonitored"),
];

const EDGES: [(&str, &str); 5] = [
    ("runtime", "requires"),
    ("start", "needed to start"),
    ("soft", "degrades without"),
    ("monitor", "monitored by"),
    ("credential", "holds credentials"),
];

/// The graph's legend.
#[component]
pub fn Legend(p: &Props) -> Html {
    let on_filter = {
        let cb = p.on_filter.clone();
        Callback::from(move |e: Event| {
            let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            cb.emit(s.value().parse::<u8>().ok().filter(|&m| m != 0));
        })
    };
    let present: Vec<_> = MARKS.iter().filter(|(bit, _, _)| p.marks & bit != 0).collect();
    let reach = p.reach.as_ref().map(|r| {
        html! {
            <div class="legend-reach" id="reach-legend">
                <strong class="reach-sentence">{ r.sentence() }</strong>
                <span class="legend-item">{ swatch("reach-origin") }{ match r.origin.len() {
                    0 => "the principal (no node of the estate is it)".to_string(),
                    1 => "the principal".to_string(),
                    n => format!("the principal ({n} nodes)"),
                } }</span>
                <span class="legend-item">{ swatch("reach-hit") }{ "may reach" }</span>
                <span class="legend-item">{ swatch("reach-dim") }{ "out of its reach, and the edges to it" }</span>
            </div>
        }
    });
    html! {
        <div class={classes!("legend", p.reach.is_some().then_some("with-reach"))} aria-label="Legend">
            <svg class="graph legend-svg" width="0" height="0" aria-hidden="true"></svg>
            { for reach }
            { for STATUSES.iter().map(|(class, text)| html! {
                <span class="legend-item">
                    <svg class="graph swatch" width="30" height="16" viewBox="0 0 30 16">
                        <g class={classes!("node", *class)}>
                            <rect class="box" x="1" y="1" width="28" height="14" rx="4" />
                            if *class == "down" || *class == "failed" { <rect class="hatch" x="1" y="1" width="28" height="14" rx="4" /> }
                            <StatusIcon status={*class} x={16.0} y={2.0} />
                        </g>
                    </svg>
                    { *text }
                </span>
            }) }
            <span class="legend-sep" />
            { for EDGES.iter().map(|(class, text)| html! {
                <span class="legend-item">
                    <svg class="graph swatch" width="30" height="10" viewBox="0 0 30 10">
                        <path class={classes!("edge", *class, "legend-edge")} d="M2 5 H28" />
                    </svg>
                    { *text }
                </span>
            }) }
            <span class="legend-item gate-hint"><span class="need-chip">{ "need k/n" }</span>{ "redundancy gate" }</span>
            if p.primary {
                <span class="legend-item" id="primary-legend" title="It keeps serving its high-availability subnet route while the coordination shard is down; failing over to a standby router needs the shard">
                    <svg class="graph swatch" width="34" height="20" viewBox="0 0 34 20">
                        <g class="node primary-router">
                            <rect class="primary-ring" x="1.5" y="1.5" width="31" height="17" rx="6" />
                            <rect class="box" x="5" y="5" width="24" height="10" rx="3" />
                        </g>
                    </svg>
                    { "primary router (fails over only while its shard is up)" }
                </span>
            }
            if !present.is_empty() {
                <span class="legend-sep" />
                { for present.iter().map(|(_, name, text)| html! {
                    <span class="legend-item" data-mark={*name}>
                        <svg class="graph swatch" width="30" height="12" viewBox="0 0 30 12">
                            <path class={classes!("halo", format!("prov-{name}"))} d="M3 6 H27" />
                            <path class="edge runtime legend-edge" d="M2 6 H28" />
                        </svg>
                        { *text }
                    </span>
                }) }
                <label class="field legend-filter">{ "Show " }
                    <select id="edge-filter" onchange={on_filter} title="Dim every edge but those of one kind">
                        <option value="0" selected={p.filter.is_none()}>{ "all edges" }</option>
                        { for present.iter().map(|(bit, _, text)| html! {
                            <option value={bit.to_string()} selected={p.filter == Some(*bit)}>{ format!("only: {text}") }</option>
                        }) }
                    </select>
                </label>
            }
        </div>
    }
}
