//! The graph: the laid-out view with region/zone boxes, pan (drag), zoom (wheel) and fit.
//! Edges are painted on a canvas under an SVG of the bands and nodes ([`super::edges`]), with
//! halos for the edges notes mark; nodes are SVG markup the page keeps itself ([`nodes`]); events are delegated to the `<svg>`
//! and find their node through `data-v` (or their edge by position). Large views draw only the
//! nodes on screen, and when zoomed out so far that thousands would be, paint them as plain
//! boxes on the canvas and find clicks by position.
//!
//! By concern: [`viewport`] (pan, zoom, fit, size), [`pointer`] (drag, clicks, hover),
//! [`draw`] (culling, node and edge states, the canvas), [`nodes`] (the SVG nodes), [`bands`] (region and zone boxes),
//! [`export`] (the SVG file).

pub mod ahead;
pub mod bands;
pub mod draw;
pub mod export;
pub mod nodes;
pub mod pointer;
pub mod viewport;

use std::rc::Rc;

use blastmap_core::algo::WhatIf;
use blastmap_core::finding::thousands;
use blastmap_layout::{Key, RollUp};
use yew::prelude::*;

use super::edges::EdgeOverlay;
use super::Ptr;
use crate::protocol::ReachView;
use crate::scene::Drawing;
use crate::state::{Analysis, ClickMode, Focus, Selection};
pub use export::Exporter;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub analysis: Ptr<Analysis>,
    pub what_if: Option<Ptr<WhatIf>>,
    pub failed: Vec<String>,
    pub focus: Option<Focus>,
    pub roll_up: RollUp,
    pub evidence: Vec<String>,
    /// Fail or restore a component or placement value.
    pub on_toggle: Callback<String>,
    /// Expand an aggregate by key.
    pub on_expand: Callback<Key>,
    /// Focus on a component.
    pub on_focus: Callback<String>,
    /// What a click on a component does.
    pub click: ClickMode,
    /// The component or edge under review.
    pub selected: Option<Selection>,
    /// Select a component (review mode) or an edge (any mode).
    pub on_select: Callback<Selection>,
    /// Dim the edges without this mark.
    pub edge_filter: Option<u8>,
    /// Filled with a function that draws the whole view as SVG, for the SVG export.
    pub exporter: Ptr<std::cell::RefCell<Option<Exporter>>>,
    /// A policy principal's reach, coloured like a blast radius in place of the what-if.
    #[prop_or_default]
    pub reach: Option<Ptr<ReachView>>,
}

/// Runs `draw` in the render itself, and after it only if the render could not (`draw` returns
/// false: its element is not there yet, on the first render). What the graph draws outside Yew
/// (the nodes, the canvas) must change in the same task as the rest of the view: once a run of
/// renders has taken 16 ms, Yew 0.23 lets the browser paint before it runs the effects, and an
/// effect's drawing showed one drawing's nodes or edges over another's view for that frame.
#[hook]
fn use_drawn_in_render(draw: impl Fn() -> bool + 'static) {
    let done = draw();
    use_effect(move || {
        if !done {
            draw();
        }
    });
}

/// The markers and patterns the edges and nodes use (also copied into SVG exports).
fn defs() -> Html {
    html! {
        <defs id="graph-defs">
            <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <line x1="0" y1="0" x2="0" y2="6" class="hatch-line" />
            </pattern>
            { for ["runtime", "start", "soft", "monitor", "credential", "hot", "selected"].iter().map(|k| html! {
                <marker id={format!("arrow-{k}")} class={classes!("arrow", *k)} viewBox="0 0 8 8" refX="7" refY="4"
                        markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0 0 L8 4 L0 8 z" />
                </marker>
            }) }
        </defs>
    }
}

/// What a drawing is made for: the analysis, the focus and the roll-up.
pub type DrawingDeps = (Ptr<Analysis>, Option<Focus>, RollUp);

/// The drawing for `deps`: one of the `recent` drawings made for the same (an aggregate
/// collapsed asks for the one from before it was opened), or the one made ahead for it, else
/// the last one with one aggregate opened (the roll-up one key more expanded, nothing else
/// changed: [`Drawing::opened`] updates its view instead of making it from every node and
/// edge), else one made anew. It then joins the last [`KEPT`] in `recent`, which keeps only
/// drawings of its analysis (an older one would keep that analysis in memory).
fn drawing_for(
    deps: &DrawingDeps,
    recent: &mut Vec<(DrawingDeps, Rc<Drawing>)>,
    made_ahead: &ahead::Ahead,
) -> Rc<Drawing> {
    let (a, focus, roll) = deps;
    recent.retain(|((ra, ..), _)| ra == a);
    let kept = recent.iter().position(|(for_deps, _)| for_deps == deps).map(|i| recent.remove(i).1);
    let ready = made_ahead.borrow_mut().take().filter(|(for_deps, _)| for_deps == deps).map(|(_, d)| d);
    let d = match (kept, ready) {
        (Some(d), _) => {
            crate::browser::mark("blastmap:kept");
            d
        }
        (None, Some(d)) => {
            crate::browser::mark("blastmap:from-ahead");
            d
        }
        (None, None) => {
            let opened = recent.last().and_then(|((la, lf, lr), d)| {
                let mut added = roll.expanded.difference(&lr.expanded);
                let key = added.next().filter(|_| added.next().is_none())?;
                let same = la == a && lf == focus && lr.by == roll.by && lr.expanded.is_subset(&roll.expanded);
                same.then(|| d.opened(&a.scene, roll, key)).flatten()
            });
            Rc::new(opened.unwrap_or_else(|| {
                Drawing::new(&a.model, &a.scene, focus.as_ref().map(|f| (f.seeds.as_slice(), f.hops)), roll)
            }))
        }
    };
    recent.push((deps.clone(), d.clone()));
    if recent.len() > KEPT {
        recent.remove(0);
    }
    d
}

/// How many of the last drawings the graph keeps (a million-edge estate's with a region
/// opened: ~9,300 aggregates, a few MB).
const KEPT: usize = 3;

/// The interactive graph.
#[component]
pub fn GraphView(p: &Props) -> Html {
    let a = &p.analysis;
    let recent = use_mut_ref(Vec::<(DrawingDeps, Rc<Drawing>)>::new);
    let made_ahead: ahead::Ahead = use_mut_ref(|| None);
    let deps: DrawingDeps = (p.analysis.clone(), p.focus.clone(), p.roll_up.clone());
    let drawing = {
        let (recent, made_ahead) = (recent.clone(), made_ahead.clone());
        use_memo(deps.clone(), move |deps| {
            crate::browser::mark("blastmap:drawing");
            let d = drawing_for(deps, &mut recent.borrow_mut(), &made_ahead);
            crate::browser::mark("blastmap:drawn");
            d
        })
    };
    ahead::use_ahead(deps, Rc::clone(&*drawing), made_ahead);
    let drawing = Ptr(Rc::clone(&*drawing));
    let svg_ref = use_node_ref();
    let canvas_ref = use_node_ref();
    let hovered = use_state(|| None::<usize>);
    let pan = viewport::use_pan(svg_ref.clone(), drawing.clone(), p.roll_up.expanded.clone());
    let v = pan.view.get();
    let canvas_viewport = viewport::canvas_viewport(v, *pan.size);

    // What is on screen, and the state of everything drawn.
    let culled = draw::cull(&drawing, canvas_viewport);
    let w = p.what_if.as_deref();
    let primaries = use_memo(p.analysis.clone(), |a| draw::primaries(a));
    let marked = draw::Marked {
        evidence: &p.evidence,
        hovered: *hovered,
        selected: p.selected.as_ref(),
        reach: p.reach.as_deref(),
        primaries: &primaries,
    };
    let states = draw::states(a, &drawing, w, &marked, &culled);
    let marks = {
        let deps = (p.analysis.clone(), drawing.clone());
        Ptr(use_memo(deps, |(a, d)| super::edges::edge_marks(d, &a.marks)))
    };
    let nodes_ref = use_node_ref();
    nodes::use_nodes(nodes_ref.clone(), drawing.clone(), states.nodes.clone());
    draw::use_canvas(
        canvas_ref.clone(),
        svg_ref.clone(),
        drawing.clone(),
        &states,
        marks.clone(),
        p.edge_filter,
        canvas_viewport,
        &culled,
    );

    let model = &a.model;
    {
        // Drawn when asked for: only the bands' statuses are taken now.
        let statuses = drawing.layout.bands.iter().map(|b| bands::status(model, w, b).1).collect();
        let (d, edges, nodes) = (drawing.clone(), states.edges.clone(), states.nodes.clone());
        export::install(&p.exporter, d, edges, marks.clone(), nodes, statuses);
    }
    let band_views = drawing.layout.bands.iter().map(|b| bands::view(model, w, b));

    let actions = pointer::Actions {
        on_toggle: p.on_toggle.clone(),
        on_expand: p.on_expand.clone(),
        on_focus: p.on_focus.clone(),
        on_select: p.on_select.clone(),
        review: p.click == ClickMode::Review,
        edges_shown: !culled.edges_left_out,
    };
    let pointer::Handlers { onpointerdown, onpointermove, onpointerup, onclick, onwheel, onmouseover, onmouseleave } =
        pointer::use_pointer(
            svg_ref.clone(),
            drawing.clone(),
            pan.view.clone(),
            culled.boxes,
            hovered.clone(),
            actions,
        );
    let zoom = |factor: f64| pointer::zoom_button(&pan.view, &svg_ref, factor);

    let n = drawing.view.nodes.len();
    let hover_text = (*hovered).and_then(|h| {
        let ids: Vec<&str> =
            states.path.iter().filter_map(|&v| drawing.ids.get(v as usize).map(String::as_str)).collect();
        (ids.len() > 1).then(|| format!("{}  ·  {}", drawing.ids.get(h).map_or("", String::as_str), ids.join(" → ")))
    });
    let rolled = drawing.aggregate.iter().filter(|&&x| x).count();
    // The side of the graph away from what is under review: the inspector stands there.
    let free = {
        let at = |id: &str| {
            let n = a.model.lookup(id).and_then(|m| drawing.shown_node(&a.scene, m))?;
            let node = drawing.layout.nodes.get(n as usize)?;
            Some(f64::from(node.x + node.w / 2.0) * v.k + v.x)
        };
        let x = match &p.selected {
            Some(Selection::Component(id)) => at(id),
            Some(Selection::Edge { from, to }) => at(from).zip(at(to)).map(|(a, b)| (a + b) / 2.0),
            None => None,
        };
        match (x, canvas_viewport) {
            (Some(x), Some(vp)) if x < vp.w / 2.0 => "right",
            _ => "left",
        }
    };
    html! {
        <div class="graph-wrap graph" data-free={free}>
            <canvas ref={canvas_ref.clone()} class="graph-canvas" aria-hidden="true"></canvas>
            <svg ref={svg_ref.clone()} class={classes!("graph", (p.click == ClickMode::Review).then_some("reviewing"))} id="graph"
                 xmlns="http://www.w3.org/2000/svg" data-nodes={if culled.boxes { "canvas" } else { "svg" }}
                 {onpointerdown} {onpointermove} {onpointerup} {onclick} {onwheel} {onmouseover} {onmouseleave}>
                { defs() }
                <g id="graph-scene" data-width={format!("{:.0}", drawing.layout.width)} data-height={format!("{:.0}", drawing.layout.height)}
                   transform={format!("translate({:.2},{:.2}) scale({:.4})", v.x, v.y, v.k)}>
                    <g class="bands">{ for band_views }</g>
                    <EdgeOverlay drawing={drawing.clone()} states={states.edges.clone()} />
                    <g class="nodes" ref={nodes_ref}></g>
                </g>
            </svg>
            <div class="graph-tools">
                <button class="icon-btn" title="Zoom in" onclick={zoom(1.3)}>{ "+" }</button>
                <button class="icon-btn" title="Zoom out" onclick={zoom(1.0 / 1.3)}>{ "−" }</button>
                <button class="btn small" id="fit" title="Fit the graph to the screen" onclick={pan.fit.reform(|_: MouseEvent| false)}>{ "Fit" }</button>
            </div>
            <div class="graph-info">
                <span class="shown">{ format!("{} shown{}", thousands(n), if rolled > 0 { format!(" · {} rolled up: click one to open it", thousands(rolled)) } else { String::new() }) }</span>
                if culled.edges_left_out { <span class="shown" id="edges-left-out">{ "edges left out at this zoom: zoom in to see them" }</span> }
                if let Some(t) = hover_text { <span class="hover-path">{ t }</span> }
            </div>
        </div>
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::scene::{Drawing, Scene};
    use blastmap_layout::RollUp;

    pub fn drawing(text: &str, roll: &RollUp) -> Drawing {
        let l = crate::load::load(text).unwrap();
        let scene = Scene::new(&l.compiled.model, l.compiled.mesh.as_ref());
        Drawing::new(&l.compiled.model, &scene, None, roll)
    }

    /// A `requires` chain `c0 → c1 → … → c{n}` as YAML.
    pub fn chain_text(n: usize) -> String {
        let mut text = String::from("components:\n");
        for i in 0..n {
            text.push_str(&format!("- {{id: c{i}, requires: [c{}]}}\n", i + 1));
        }
        text.push_str(&format!("- {{id: c{n}}}\n"));
        text
    }

    pub const TEXT: &str = "components:
- {id: web, requires: [api], region: east}
- {id: api, requires: [db], region: east}
- {id: db, region: west}
";
}
