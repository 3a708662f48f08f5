//! A memoized slice of the graph's edges, drawn as curves from a dependent's bottom to its
//! dependency's top, styled by kind.

use yew::prelude::*;

use super::Ptr;
use crate::scene::Drawing;

/// Edge state bits.
pub const PATH: u8 = 1;
pub const EVIDENCE: u8 = 2;
/// Both ends are down: the failure travelled along it.
pub const DOWN: u8 = 4;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub drawing: Ptr<Drawing>,
    pub start: usize,
    /// Bits per edge (`PATH | EVIDENCE | DOWN`), `states[i]` for edge `start + i`.
    pub states: Vec<u8>,
}

/// The SVG path of edge `e` in `d`.
pub fn edge_path(d: &Drawing, e: usize) -> Option<String> {
    let edge = d.view.edges.get(e)?;
    let (a, b) = (d.layout.nodes.get(edge.from as usize)?, d.layout.nodes.get(edge.to as usize)?);
    let ((x1, y1), (x2, y2)) = if a.y < b.y {
        (a.bottom(), b.top())
    } else if a.y > b.y {
        (a.top(), b.bottom())
    } else {
        // Same layer: leave from the bottom and arc under.
        let (p, q) = (a.bottom(), b.bottom());
        let dip = 26.0 + (q.0 - p.0).abs() * 0.08;
        return Some(format!(
            "M{:.1} {:.1} C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
            p.0,
            p.1,
            p.0,
            p.1 + dip,
            q.0,
            q.1 + dip,
            q.0,
            q.1
        ));
    };
    let bend = ((y2 - y1).abs() * 0.5).max(20.0) * if y2 > y1 { 1.0 } else { -1.0 };
    Some(format!("M{x1:.1} {y1:.1} C{x1:.1} {:.1} {x2:.1} {:.1} {x2:.1} {y2:.1}", y1 + bend, y2 - bend))
}

/// One chunk of edges.
#[component]
pub fn EdgeChunk(p: &Props) -> Html {
    let d = &p.drawing;
    let edges = p.states.iter().enumerate().map(|(i, &bits)| {
        let e = p.start + i;
        let (Some(edge), Some(path)) = (d.view.edges.get(e), edge_path(d, e)) else { return html! {} };
        let class = classes!(
            "edge",
            edge.kind.name(),
            (bits & PATH != 0).then_some("path"),
            (bits & EVIDENCE != 0).then_some("evidence"),
            (bits & DOWN != 0).then_some("down"),
            (edge.count > 1).then_some("bundle"),
        );
        let width = (edge.count > 1).then(|| format!("{:.1}", (1.0 + (edge.count as f32).ln()).min(6.0)));
        html! { <path class={class} d={path} stroke-width={width} /> }
    });
    html! { <g class="chunk">{ for edges }</g> }
}
