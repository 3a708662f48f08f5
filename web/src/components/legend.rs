//! The legend: what each status and edge style means, each status with its colour and icon.

use yew::prelude::*;

use super::status_icon::StatusIcon;

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
pub fn Legend() -> Html {
    html! {
        <div class="legend" aria-label="Legend">
            <svg class="graph legend-svg" width="0" height="0" aria-hidden="true"></svg>
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
        </div>
    }
}
