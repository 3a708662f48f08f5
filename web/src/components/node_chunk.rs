//! A memoized slice of the graph's nodes: a what-if repaints only the chunks whose nodes
//! changed (NOTES.md: ~3 ms to recolour 1,000 nodes this way against ~38 ms without).

use yew::prelude::*;

use super::status_icon::StatusIcon;
use super::Ptr;
use crate::scene::{Drawing, Look};

/// How one node is drawn now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeState {
    pub look: Look,
    /// Part of the selected finding's evidence.
    pub evidence: bool,
    /// On the path that explains the hovered node.
    pub path: bool,
    /// The hovered node itself.
    pub hovered: bool,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub drawing: Ptr<Drawing>,
    /// The first shown node of this chunk; `states[i]` is node `start + i`.
    pub start: usize,
    pub states: Vec<NodeState>,
}

fn fit(text: &str, width: f32, char_width: f32) -> String {
    let max = ((width - 34.0) / char_width).max(3.0) as usize;
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// One chunk of nodes (`<g>` per node, `data-v` its index for the view's delegated events).
#[component]
pub fn NodeChunk(p: &Props) -> Html {
    let d = &p.drawing;
    let nodes = p.states.iter().enumerate().map(|(i, st)| {
        let v = p.start + i;
        let (Some(at), Some(id)) = (d.layout.nodes.get(v), d.ids.get(v)) else { return html! {} };
        let aggregate = d.aggregate.get(v).copied().unwrap_or(false);
        let status = st.look.class();
        let class = classes!(
            "node",
            status,
            aggregate.then_some("aggregate"),
            st.evidence.then_some("evidence"),
            st.path.then_some("path"),
            st.hovered.then_some("hovered"),
            d.subtitles.get(v).is_some_and(|s| s.starts_with("need ")).then_some("gate"),
        );
        let label = fit(d.labels.get(v).map_or("", String::as_str), at.w, 7.4);
        let sub = match d.subtitles.get(v) {
            Some(_) if aggregate && st.look.down > 0 => format!("{} of {} down", st.look.down, st.look.total),
            Some(s) => s.clone(),
            None => String::new(),
        };
        let sub = fit(&sub, at.w, 6.0);
        let title = if aggregate {
            format!("{id}: {} components — click to expand", st.look.total)
        } else {
            format!("{id} — {status}{}{} · click to fail or restore, Alt+click to focus",
                if st.look.cannot_restart && status != "cannot-restart" { ", cannot restart" } else { "" },
                if st.look.unmonitored && status != "unmonitored" { ", unmonitored" } else { "" })
        };
        let icon_status = if status == "up" { None } else { Some(status) };
        html! {
            <g class={class} data-v={v.to_string()} data-id={id.clone()} data-status={status}
               transform={format!("translate({:.1},{:.1})", at.x, at.y)}>
                <title>{ title }</title>
                if aggregate {
                    <rect class="stack" x="4" y="-4" width={format!("{:.1}", at.w)} height={format!("{:.1}", at.h)} rx="6" />
                }
                <rect class="box" width={format!("{:.1}", at.w)} height={format!("{:.1}", at.h)} rx="6" />
                if status == "down" || status == "failed" {
                    <rect class="hatch" width={format!("{:.1}", at.w)} height={format!("{:.1}", at.h)} rx="6" />
                }
                <text class="label" x="9" y="15">{ label }</text>
                <text class="sub" x="9" y="28">{ sub }</text>
                if let Some(s) = icon_status {
                    <StatusIcon status={s} x={at.w - 17.0} y={4.0} />
                }
                if st.look.cannot_restart && status != "cannot-restart" {
                    <StatusIcon status="cannot-restart" x={at.w - 17.0} y={19.0} />
                } else if st.look.unmonitored && status != "unmonitored" {
                    <StatusIcon status="unmonitored" x={at.w - 17.0} y={19.0} />
                }
            </g>
        }
    });
    html! { <g class="chunk">{ for nodes }</g> }
}
