//! What the graph draws and where: which nodes are on screen (large views cull the rest), the
//! state of every node and edge, the canvas (edges, and nodes as boxes when zoomed far out), and
//! which nodes are drawn in SVG.

use std::collections::HashSet;
use std::rc::Rc;

use blastmap_core::algo::WhatIf;
use yew::prelude::*;

use super::super::edges::{self, Painted, Palette, Viewport, DIM, DOWN, EVIDENCE, PATH, SELECTED};
use super::super::graph_node::{NodeState, ReachMark};
use super::super::Ptr;
use crate::protocol::ReachView;
use crate::review;
use crate::scene::{look, Drawing};
use crate::state::{Analysis, Selection};

/// Views with more nodes draw only those on screen (and a margin around it, in scene units: a
/// pan or zoom renders again with every move, so nothing further out is needed ahead). The
/// same bound as the roll-up's (`scene::ROLL_UP_ABOVE`): at 600, a region of a 50k-edge estate
/// opened into 474 nodes all made in SVG, most off screen (185-208 ms to repaint, 75-84 culled).
const CULL_ABOVE: usize = crate::scene::ROLL_UP_ABOVE;
const CULL_MARGIN: f32 = 40.0;

/// Views of bands of depth with more nodes than this cull too: a chain opened down to its
/// components is a column hundreds of nodes tall, a screenful of it on screen, and a click
/// that takes the chain down changes every node of it (redrawing ~360 nodes in SVG was most
/// of a click at a million components).
const CULL_BANDS_ABOVE: usize = 100;

/// Whether `d` draws only the nodes on screen.
fn culls(d: &Drawing) -> bool {
    let n = d.view.nodes.len();
    n > CULL_ABOVE || (n > CULL_BANDS_ABOVE && d.view.nodes.iter().any(|v| v.depths.is_some()))
}

/// Large views paint the nodes on screen as boxes on the canvas instead of SVG when there are
/// more than this many, or when zoomed out below `BOXES_BELOW` (labels would be specks).
const BOXES_ABOVE: usize = 1_500;
const BOXES_BELOW: f64 = 0.3;

/// Zoomed out to boxes, a view with more edges than this leaves them out: tens of thousands of
/// curves over each other rasterize for seconds and show only a grey mass.
const BOX_EDGES_UP_TO: usize = 20_000;

/// Which nodes a view draws, and how.
pub struct Culled {
    /// Per node, on screen (with a margin); `None` for small views, which draw everything.
    pub on_screen: Option<Vec<bool>>,
    /// Nodes are painted as boxes on the canvas, not drawn in SVG.
    pub boxes: bool,
    /// Boxes over so many edges that the edges are left out (a hint says so).
    pub edges_left_out: bool,
}

/// What `d` draws through `viewport`. Before the first measure the viewport is unknown: a small
/// view draws everything, a large one nothing until it is measured (a frame later) — drawing a
/// 100,000-node view in SVG once, to cull it the next frame, froze the page for minutes.
pub fn cull(d: &Drawing, viewport: Option<Viewport>) -> Culled {
    let on_screen: Option<Vec<bool>> = match viewport {
        None if culls(d) => Some(vec![false; d.layout.nodes.len()]),
        Some(vp) if culls(d) => {
            let [l, t, r, b] = vp.visible(CULL_MARGIN);
            Some(
                d.layout
                    .nodes
                    .iter()
                    .map(|at| at.x + at.w >= l && at.x <= r && at.y + at.h >= t && at.y <= b)
                    .collect(),
            )
        }
        _ => None,
    };
    let boxes = on_screen
        .as_ref()
        .zip(viewport)
        .is_some_and(|(s, vp)| vp.k < BOXES_BELOW || s.iter().filter(|&&x| x).count() > BOXES_ABOVE);
    let edges_left_out = boxes && d.view.edges.len() > BOX_EDGES_UP_TO;
    Culled { on_screen, boxes, edges_left_out }
}

/// The state of every node and edge of a drawing.
pub struct States {
    pub nodes: Rc<Vec<NodeState>>,
    /// Edge state bits ([`PATH`], [`EVIDENCE`], [`DOWN`], [`SELECTED`], [`DIM`]) per edge.
    pub edges: Ptr<Vec<u8>>,
    /// The hovered node's explaining path (shown nodes, the hovered one first).
    pub path: Vec<u32>,
}

/// What is marked on the graph besides the what-if: a finding's or note's evidence (component
/// ids), the hovered node, the component or edge under review, a policy principal's reach
/// (coloured in place of the what-if), and the primary routers of high-availability routes.
pub struct Marked<'a> {
    pub evidence: &'a [String],
    pub hovered: Option<usize>,
    pub selected: Option<&'a Selection>,
    pub reach: Option<&'a ReachView>,
    /// Model nodes.
    pub primaries: &'a [blastmap_core::NodeId],
}

/// The primary routers of the high-availability subnet routes (those that fail over through the
/// control plane) of `a`'s mesh, as model nodes, sorted.
pub fn primaries(a: &Analysis) -> Vec<blastmap_core::NodeId> {
    let mut out: Vec<_> =
        a.mesh.iter().flat_map(|m| &m.routes).filter(|r| r.failover.is_some()).map(|r| r.primary).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Each shown node's part in `reach` (all [`ReachMark::Off`] without one).
fn reach_marks(a: &Analysis, d: &Drawing, reach: Option<&ReachView>) -> Vec<ReachMark> {
    let n = d.view.nodes.len();
    let Some(r) = reach else { return vec![ReachMark::Off; n] };
    let shown = |id: &String| a.model.lookup(id).and_then(|v| d.shown_node(&a.scene, v));
    let mut marks = vec![ReachMark::Dimmed; n];
    for v in r.origin.iter().filter_map(shown) {
        if let Some(m) = marks.get_mut(v as usize) {
            *m = ReachMark::Origin(0);
        }
    }
    // Rolled up, an aggregate counts the members reached (also the one holding the principal).
    for v in r.reached.iter().filter_map(shown) {
        if let Some(m) = marks.get_mut(v as usize) {
            *m = match *m {
                ReachMark::Origin(k) => ReachMark::Origin(k + 1),
                ReachMark::Reached(k) => ReachMark::Reached(k + 1),
                _ => ReachMark::Reached(1),
            };
        }
    }
    marks
}

/// The states of `d`'s nodes and edges under `what_if`, with `marked`'s evidence and selection
/// marked and the path that explains the hovered node's status highlighted. With a reach
/// shown, the edges that do not join two nodes in it (the principal's own, or what it may
/// reach; an aggregate with any such member) are dimmed, as its other nodes are.
pub fn states(a: &Analysis, d: &Drawing, what_if: Option<&WhatIf>, marked: &Marked<'_>, culled: &Culled) -> States {
    let Marked { evidence, hovered, selected, reach, primaries } = *marked;
    let reach = reach_marks(a, d, reach);
    let primary: HashSet<u32> = primaries.iter().filter_map(|&v| d.shown_node(&a.scene, v)).collect();
    let model = &a.model;
    let shown = |id: &str| model.lookup(id).and_then(|v| d.shown_node(&a.scene, v));
    let evidence: HashSet<u32> = evidence.iter().filter_map(|id| shown(id)).collect();
    // The selection: a component, or an edge (a group's edge stands on its replicas).
    let (chosen, chosen_edge): (Option<u32>, Option<(HashSet<u32>, u32)>) = match selected {
        Some(Selection::Component(id)) => (shown(id), None),
        Some(Selection::Edge { from, to }) => {
            let froms: HashSet<u32> = std::iter::once(from.clone())
                .chain(review::replicas(model, from))
                .filter_map(|id| shown(&id))
                .collect();
            (None, shown(to).map(|t| (froms, t)))
        }
        None => (None, None),
    };
    let path: Vec<u32> = match (hovered, what_if) {
        (Some(h), Some(w)) if !d.aggregate.get(h).copied().unwrap_or(true) => d
            .ids
            .get(h)
            .and_then(|id| model.lookup(id))
            .map(|v| w.explain(model, v).into_iter().filter_map(|u| d.shown_node(&a.scene, u)).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let on_path: HashSet<u32> = path.iter().copied().collect();
    let nodes: Vec<NodeState> = (0..d.view.nodes.len())
        .map(|v| NodeState {
            look: look(&a.scene, &d.view.nodes[v], what_if),
            evidence: evidence.contains(&(v as u32)),
            path: on_path.contains(&(v as u32)),
            hovered: hovered == Some(v),
            selected: chosen == Some(v as u32),
            drawn: !culled.boxes && culled.on_screen.as_ref().is_none_or(|s| s[v]),
            reach: reach.get(v).copied().unwrap_or_default(),
            primary: primary.contains(&(v as u32)),
        })
        .collect();
    let path_edges: HashSet<(u32, u32)> = path.windows(2).map(|s| (s[1], s[0])).collect();
    let is_down = |v: u32| nodes.get(v as usize).is_some_and(|s| matches!(s.look.class(), "down" | "failed"));
    let reached = |v: u32| matches!(reach.get(v as usize), Some(ReachMark::Origin(_) | ReachMark::Reached(_)));
    let reach_shown = reach.iter().any(|&m| m != ReachMark::Off);
    let edges: Vec<u8> = d
        .view
        .edges
        .iter()
        .map(|e| {
            let mut bits = 0;
            if path_edges.contains(&(e.from, e.to)) {
                bits |= PATH;
            }
            if evidence.contains(&e.from) && evidence.contains(&e.to) {
                bits |= EVIDENCE;
            }
            if e.kind.is_dependency() && is_down(e.from) && is_down(e.to) {
                bits |= DOWN;
            }
            if chosen_edge.as_ref().is_some_and(|(froms, to)| froms.contains(&e.from) && e.to == *to) {
                bits |= SELECTED;
            }
            if reach_shown && !(reached(e.from) && reached(e.to)) {
                bits |= DIM;
            }
            bits
        })
        .collect();
    States { nodes: Rc::new(nodes), edges: Ptr(Rc::new(edges)), path }
}

/// Paints nodes as boxes in their status colours (far zoomed-out views of thousands of nodes).
fn paint_boxes(canvas: &web_sys::HtmlCanvasElement, style_of: &web_sys::Element, d: &Drawing, states: &[NodeState]) {
    let Some(ctx) = edges::context_2d(canvas) else { return };
    let palette = Palette::of(style_of);
    // The reach view's colours are the blast radius's: the principal as failed, what it may
    // reach as down, the rest faint.
    let looks = [
        ("up", "--g-node", "--g-node-stroke"),
        ("failed", "--g-failed", "--g-failed-stroke"),
        ("down", "--g-down", "--g-down-stroke"),
        ("degraded", "--g-degraded", "--g-degraded-stroke"),
        ("cannot-restart", "--g-restart", "--g-restart-stroke"),
        ("unmonitored", "--g-unmon", "--g-unmon-stroke"),
        ("reach-origin", "--g-failed", "--g-failed-stroke"),
        ("reach-hit", "--g-down", "--g-down-stroke"),
        ("reach-dim", "--g-node", "--g-node-stroke"),
    ];
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.set_line_width(2.0);
    for (class, fill, stroke) in looks {
        ctx.begin_path();
        let mut any = false;
        for (v, at) in d.layout.nodes.iter().enumerate() {
            if states.get(v).is_some_and(|s| s.reach.class().unwrap_or(s.look.class()) == class) {
                ctx.rect(f64::from(at.x), f64::from(at.y), f64::from(at.w), f64::from(at.h));
                any = true;
            }
        }
        if any {
            ctx.set_global_alpha(if class == "reach-dim" { 0.3 } else { 1.0 });
            ctx.set_fill_style_str(&palette.get(fill, "#ffffff"));
            ctx.fill();
            ctx.set_stroke_style_str(&palette.get(stroke, "#9aa3b2"));
            ctx.stroke();
        }
    }
    ctx.set_global_alpha(1.0);
    // Primary routers: a ring around the box.
    ctx.begin_path();
    let mut any = false;
    for (v, at) in d.layout.nodes.iter().enumerate() {
        if states.get(v).is_some_and(|s| s.primary) {
            ctx.rect(f64::from(at.x) - 4.0, f64::from(at.y) - 4.0, f64::from(at.w) + 8.0, f64::from(at.h) + 8.0);
            any = true;
        }
    }
    if any {
        ctx.set_line_width(3.0);
        ctx.set_stroke_style_str(&palette.get("--g-primary", "#7b3fe4"));
        ctx.stroke();
    }
}

/// What the canvas shows: the drawing, its edges' states, their marks, the mark filter, the
/// viewport, the nodes painted as boxes (if they are), the nodes whose edges are painted (large
/// views), and whether edges are left out.
type Canvas = (
    Ptr<Drawing>,
    Vec<u8>,
    Ptr<Vec<u8>>,
    Option<u8>,
    Option<Viewport>,
    Option<Rc<Vec<NodeState>>>,
    Option<Vec<bool>>,
    bool,
);

/// Paints the canvas behind `canvas_ref` (sized and styled after the `<svg>` behind `svg_ref`)
/// whenever what it shows changes: the edges (of the nodes on screen, in large views) with the
/// halos of their `marks` (all alike, or those without `filter`'s mark faint), and the nodes as
/// boxes when `culled` says so. In the render itself, as the nodes are
/// ([`super::use_drawn_in_render`]).
#[hook]
#[allow(clippy::too_many_arguments)]
pub fn use_canvas(
    canvas_ref: NodeRef,
    svg_ref: NodeRef,
    drawing: Ptr<Drawing>,
    states: &States,
    marks: Ptr<Vec<u8>>,
    filter: Option<u8>,
    viewport: Option<Viewport>,
    culled: &Culled,
) {
    let painted_boxes = culled.boxes.then(|| states.nodes.clone());
    // Large views paint the edges of the nodes on screen, not every edge crossing it.
    let ends = if culled.boxes { None } else { culled.on_screen.clone() };
    let shows: Canvas =
        (drawing, (*states.edges.0).clone(), marks, filter, viewport, painted_boxes, ends, culled.edges_left_out);
    let shown = use_mut_ref(|| None::<Canvas>);
    super::use_drawn_in_render(move || {
        if shown.borrow().as_ref() == Some(&shows) {
            return true;
        }
        let painted = paint_canvas(&canvas_ref, &svg_ref, &shows);
        if painted {
            *shown.borrow_mut() = Some(shows.clone());
        }
        painted
    });
}

/// Paints `shows` on the canvas behind `canvas_ref`; false if there is no canvas yet, or no
/// viewport measured.
fn paint_canvas(canvas_ref: &NodeRef, svg_ref: &NodeRef, shows: &Canvas) -> bool {
    let (d, states, marks, filter, vp, boxes, ends, left_out) = shows;
    let (Some(canvas), Some(svg), Some(vp)) =
        (canvas_ref.cast::<web_sys::HtmlCanvasElement>(), svg_ref.cast::<web_sys::Element>(), *vp)
    else {
        return false;
    };
    let none: Vec<u8> = Vec::new();
    let states = if *left_out { &none } else { states };
    let drawing = if *left_out { None } else { Some(&**d) };
    let painted = Painted { states, marks: marks.as_slice(), filter: *filter };
    edges::paint(&canvas, &svg, drawing, &painted, ends.as_deref(), vp);
    if let Some(b) = boxes {
        paint_boxes(&canvas, &svg, d, b);
    }
    true
}

#[cfg(test)]
mod tests {
    use blastmap_core::format::Document;
    use blastmap_core::generate::chain;
    use blastmap_layout::RollUp;

    use super::*;
    use crate::scene::Scene;

    fn drawing(n: usize) -> Drawing {
        let model = blastmap_core::compile(Document::from_topology(chain(n))).unwrap().model;
        let scene = Scene::new(&model, None);
        Drawing::new(&model, &scene, None, &RollUp::none())
    }

    #[test]
    fn before_the_first_measure_a_large_view_draws_nothing_and_a_small_one_everything() {
        let large = cull(&drawing(CULL_ABOVE + 1), None);
        assert_eq!(large.on_screen.as_ref().map(|s| s.iter().filter(|&&x| x).count()), Some(0));
        assert!(!large.boxes);
        assert!(cull(&drawing(10), None).on_screen.is_none());
    }

    #[test]
    fn a_chain_opened_down_to_its_components_draws_what_is_on_screen() {
        let model = blastmap_core::compile(Document::from_topology(chain(3_000))).unwrap().model;
        let scene = Scene::new(&model, None);
        let mut roll = RollUp::by(&[blastmap_layout::RollUpBy::Depth]);
        let bands = Drawing::new(&model, &scene, None, &roll);
        assert!(cull(&bands, None).on_screen.is_none(), "15 bands: all drawn");
        roll.expanded.insert(blastmap_layout::Key::Band(0, 199));
        let opened = Drawing::new(&model, &scene, None, &roll);
        assert_eq!(opened.view.nodes.len(), 14 + 200);
        let vp = Viewport { x: 0.0, y: 0.0, k: 1.0, w: 800.0, h: 600.0, ratio: 1.0 };
        let drawn = cull(&opened, Some(vp)).on_screen.unwrap().iter().filter(|&&x| x).count();
        assert!(drawn > 0 && drawn < 100, "{drawn} of {} drawn", opened.view.nodes.len());
        // A view of as many components without bands draws them all, as before.
        assert!(cull(&drawing(214), Some(vp)).on_screen.is_none());
    }

    #[test]
    fn a_reach_dims_every_edge_that_does_not_join_two_nodes_in_it() {
        let text = "components:
- {id: laptop, requires: [api]}
- {id: api, requires: [db, cache]}
- {id: db, kind: store}
- {id: cache, kind: store}
";
        let l = crate::load::load(text).unwrap();
        let report = blastmap_core::analyze(&l.compiled, &blastmap_core::report::Options::default());
        let (report, totals) = crate::protocol::trim(&report);
        let packed = crate::wire::Packed::of(&l.compiled.model, l.compiled.mesh.as_ref());
        let parsed = crate::state::Parsed::new(&packed, "native".into(), Vec::new(), Default::default(), 0.0).unwrap();
        let a = Analysis::new(parsed, report, totals, 0.0);
        let reach = ReachView {
            file: "acme.hujson".into(),
            tailnet: "acme".into(),
            principal: "laptop".into(),
            kind: blastmap_core::policy::Principal::Node,
            origin: vec!["laptop".into()],
            reached: vec!["api".into(), "db".into()],
            nodes: 4,
            routes: Vec::new(),
            internet: false,
        };
        // The dimmed edges of `d` (by their ends' ids), and the SVG export's count of them.
        let dimmed = |d: &Drawing, reach: Option<&ReachView>| -> (Vec<(String, String)>, usize) {
            let marked = Marked { evidence: &[], hovered: None, selected: None, reach, primaries: &[] };
            let s = states(&a, d, None, &marked, &cull(d, None));
            let mut out: Vec<(String, String)> = d
                .view
                .edges
                .iter()
                .zip(s.edges.iter())
                .filter(|(_, &bits)| bits & DIM != 0)
                .map(|(e, _)| (d.ids[e.from as usize].clone(), d.ids[e.to as usize].clone()))
                .collect();
            out.sort();
            let svg = edges::markup(d, &s.edges, &[]);
            (out, svg.matches(" dim\"").count())
        };
        let all = Drawing::new(&a.model, &a.scene, None, &RollUp::none());
        // laptop → api → db stay; api → cache leaves the reach.
        assert_eq!(dimmed(&all, Some(&reach)), (vec![("api".to_string(), "cache".to_string())], 1));
        assert_eq!(dimmed(&all, None), (Vec::new(), 0), "without a reach no edge is dimmed");
        // Rolled up, an aggregate with a member in reach is in it.
        let rolled = Drawing::new(&a.model, &a.scene, None, &RollUp::by(&[blastmap_layout::RollUpBy::Kind]));
        assert!(rolled.ids.contains(&"kind:store".to_string()), "{:?}", rolled.ids);
        assert_eq!(dimmed(&rolled, Some(&reach)), (Vec::new(), 0));
    }
}
