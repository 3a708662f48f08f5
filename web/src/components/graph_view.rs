//! The graph: the laid-out view with region/zone boxes, pan (drag), zoom (wheel) and fit.
//! Edges are painted on a canvas under an SVG of the bands and nodes ([`super::edges`]); node
//! chunks are memoized; events are delegated to the `<svg>` and find their node through
//! `data-v`. Large views draw only the nodes on screen, and when zoomed out so far that
//! thousands would be, paint them as plain boxes on the canvas and find clicks by position.

use std::collections::HashSet;
use std::fmt::Write as _;

use blastmap_core::algo::WhatIf;
use blastmap_layout::{Band, BandKind, RollUp};
use wasm_bindgen::JsCast as _;
use yew::prelude::*;

use super::edges::{self, EdgeOverlay, Palette, Viewport, DOWN, EVIDENCE, PATH};
use super::node_chunk::{self, NodeChunk, NodeState};
use super::Ptr;
use crate::scene::{look, Drawing};
use crate::state::{Analysis, Focus};

/// Nodes per memoized chunk.
const CHUNK: usize = 64;

/// Views with more nodes draw only those on screen (and a margin around it, in scene units).
const CULL_ABOVE: usize = 600;
const CULL_MARGIN: f32 = 240.0;

/// Large views paint the nodes on screen as boxes on the canvas instead of SVG when there are
/// more than this many, or when zoomed out below `BOXES_BELOW` (labels would be specks).
const BOXES_ABOVE: usize = 1_500;
const BOXES_BELOW: f64 = 0.3;

/// Zoomed out to boxes, a view with more edges than this leaves them out: tens of thousands of
/// curves over each other rasterize for seconds and show only a grey mass.
const BOX_EDGES_UP_TO: usize = 20_000;

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
    pub on_expand: Callback<String>,
    /// Focus on a component.
    pub on_focus: Callback<String>,
    /// Filled with a function that draws the whole view as SVG, for the SVG export.
    pub exporter: Ptr<std::cell::RefCell<Option<Exporter>>>,
}

/// The whole view (bands, every edge, every node, whatever is on screen) as SVG markup, with
/// its width and height.
pub type Exporter = Box<dyn Fn() -> (f32, f32, String)>;

/// Pan and zoom: screen = scene · k + (x, y).
#[derive(Clone, Copy, Debug, PartialEq)]
struct View {
    x: f64,
    y: f64,
    k: f64,
}

struct Drag {
    start: (f64, f64),
    origin: View,
    /// Moved far enough to be a drag: the click that ends it does nothing.
    moved: bool,
    /// The button is still down.
    active: bool,
}

/// The whole drawing in a `w`×`h` viewport; with `readable`, never below the scale at which
/// labels stay legible (the top of the graph then shows, centred, and the rest is a drag away).
fn fitted(d: &Drawing, w: f64, h: f64, readable: bool) -> View {
    let (gw, gh) = (f64::from(d.layout.width).max(1.0), f64::from(d.layout.height).max(1.0));
    let fit = ((w - 32.0) / gw).min((h - 32.0) / gh).clamp(0.002, 1.25);
    let k = if readable && d.view.nodes.len() > 24 { fit.max(READABLE) } else { fit };
    let y = if gh * k <= h { (h - gh * k) / 2.0 } else { 16.0 };
    let x = if gw * k <= w {
        (w - gw * k) / 2.0
    } else {
        // Wider than the screen: centre the top node nearest the middle (the middle of a wide
        // top layer may hold only edges).
        let middle = gw as f32 / 2.0;
        let near = d.layout.nodes.iter().min_by(|a, b| {
            let key = |n: &blastmap_layout::Placed| (n.y, (n.x + n.w / 2.0 - middle).abs());
            key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal)
        });
        w / 2.0 - near.map_or(gw / 2.0, |n| f64::from(n.x + n.w / 2.0)) * k
    };
    View { x, y, k }
}

/// The smallest scale the first view of a graph uses.
const READABLE: f64 = 0.7;

/// The nodes of `new` that an aggregate of `old` keyed `key` opened into.
fn opened(old: &Drawing, new: &Drawing, key: &str) -> Vec<usize> {
    let Some(a) = old.ids.iter().position(|id| id == key) else { return Vec::new() };
    let members: HashSet<u32> = old.view.nodes[a].members.iter().copied().collect();
    (0..new.view.nodes.len()).filter(|&v| new.view.nodes[v].members.iter().any(|m| members.contains(m))).collect()
}

/// `nodes` of `d` centred in a `w`×`h` viewport, whole if they fit at a readable scale.
fn centred(d: &Drawing, nodes: &[usize], w: f64, h: f64) -> Option<View> {
    let boxes = nodes.iter().filter_map(|&v| d.layout.nodes.get(v));
    let (l, t, r, b) = boxes.fold((f32::MAX, f32::MAX, f32::MIN, f32::MIN), |(l, t, r, b), n| {
        (l.min(n.x), t.min(n.y), r.max(n.x + n.w), b.max(n.y + n.h))
    });
    if l > r {
        return None;
    }
    let (bw, bh) = (f64::from(r - l).max(1.0), f64::from(b - t).max(1.0));
    let fit = ((w - 64.0) / bw).min((h - 64.0) / bh);
    let k = fit.clamp(READABLE, 1.25);
    let (mut cx, mut cy) = (f64::from(l + r) / 2.0, f64::from(t + b) / 2.0);
    if fit < READABLE {
        // Too spread out to show whole and readable (a wrapped layout can put them far
        // apart): centre the one nearest the middle, so at least it is on screen.
        let centre = |v: usize| d.layout.nodes.get(v).map(|n| (f64::from(n.x + n.w / 2.0), f64::from(n.y + n.h / 2.0)));
        let near = nodes.iter().filter_map(|&v| centre(v)).min_by(|a, b| {
            let dist = |p: &(f64, f64)| (p.0 - cx).hypot(p.1 - cy);
            dist(a).total_cmp(&dist(b))
        });
        (cx, cy) = near.unwrap_or((cx, cy));
    }
    Some(View { x: w / 2.0 - cx * k, y: h / 2.0 - cy * k, k })
}

fn target_attr(e: &web_sys::Event, attr: &str) -> Option<String> {
    let el: web_sys::Element = e.target()?.dyn_into().ok()?;
    el.closest(&format!("[{attr}]")).ok()??.get_attribute(attr)
}

/// A band's class, label and label baseline.
fn band_text(b: &Band) -> (&'static str, String, f32) {
    match b.kind {
        BandKind::Region => ("region", format!("region {}", b.label), b.y + 16.0),
        BandKind::Zone => ("zone", b.label.clone(), b.y + 15.0),
    }
}

/// The node of `d` under scene point (`x`, `y`).
fn hit(d: &Drawing, x: f32, y: f32) -> Option<usize> {
    d.layout.nodes.iter().position(|n| x >= n.x && x <= n.x + n.w && y >= n.y && y <= n.y + n.h)
}

/// The viewport's size in CSS pixels and device pixels per CSS pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Size {
    w: f64,
    h: f64,
    ratio: f64,
}

fn measure(svg: &NodeRef) -> Option<Size> {
    let el = svg.cast::<web_sys::Element>()?;
    let r = el.get_bounding_client_rect();
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
    Some(Size { w: r.width(), h: r.height(), ratio })
}

/// Paints nodes as boxes in their status colours (far zoomed-out views of thousands of nodes).
fn paint_boxes(canvas: &web_sys::HtmlCanvasElement, style_of: &web_sys::Element, d: &Drawing, states: &[NodeState]) {
    let Some(ctx) = edges::context_2d(canvas) else { return };
    let palette = Palette::of(style_of);
    let looks = [
        ("up", "--g-node", "--g-node-stroke"),
        ("failed", "--g-failed", "--g-failed-stroke"),
        ("down", "--g-down", "--g-down-stroke"),
        ("degraded", "--g-degraded", "--g-degraded-stroke"),
        ("cannot-restart", "--g-restart", "--g-restart-stroke"),
        ("unmonitored", "--g-unmon", "--g-unmon-stroke"),
    ];
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.set_line_width(2.0);
    for (class, fill, stroke) in looks {
        ctx.begin_path();
        let mut any = false;
        for (v, at) in d.layout.nodes.iter().enumerate() {
            if states.get(v).is_some_and(|s| s.look.class() == class) {
                ctx.rect(f64::from(at.x), f64::from(at.y), f64::from(at.w), f64::from(at.h));
                any = true;
            }
        }
        if any {
            ctx.set_fill_style_str(&palette.get(fill, "#ffffff"));
            ctx.fill();
            ctx.set_stroke_style_str(&palette.get(stroke, "#9aa3b2"));
            ctx.stroke();
        }
    }
}

/// The interactive graph.
#[component]
pub fn GraphView(p: &Props) -> Html {
    let a = &p.analysis;
    let drawing = {
        let deps = (p.analysis.clone(), p.focus.clone(), p.roll_up.clone());
        use_memo(deps, |(a, focus, roll)| {
            Drawing::new(&a.model, &a.scene, focus.as_ref().map(|f| (f.seeds.as_slice(), f.hops)), roll)
        })
    };
    let drawing = Ptr(drawing);
    let svg_ref = use_node_ref();
    let canvas_ref = use_node_ref();
    let view = use_state(|| View { x: 0.0, y: 0.0, k: 1.0 });
    let size = use_state(|| None::<Size>);
    let drag = use_mut_ref(|| None::<Drag>);
    let hovered = use_state(|| None::<usize>);

    let fit = {
        let (view, svg_ref, drawing) = (view.clone(), svg_ref.clone(), drawing.clone());
        Callback::from(move |readable: bool| {
            if let Some(s) = measure(&svg_ref) {
                view.set(fitted(&drawing, s.w, s.h, readable));
            }
        })
    };
    {
        // A new drawing is fitted, except when it comes from opening an aggregate: then the
        // view centres on what it opened into, so the user stays where they clicked.
        let (fit, view, svg_ref) = (fit.clone(), view.clone(), svg_ref.clone());
        let previous = use_mut_ref(|| None::<(Ptr<Drawing>, std::collections::BTreeSet<String>)>);
        let expanded = p.roll_up.expanded.clone();
        use_effect_with(drawing.clone(), move |d| {
            let last = previous.borrow_mut().replace((d.clone(), expanded.clone()));
            let target = last.and_then(|(old, was)| {
                let mut new = expanded.difference(&was);
                let key = new.next().filter(|_| new.next().is_none())?;
                let s = measure(&svg_ref)?;
                centred(d, &opened(&old, d, key), s.w, s.h)
            });
            match target {
                Some(v) => view.set(v),
                None => fit.emit(true),
            }
        });
    }
    {
        // The canvas follows the viewport's size.
        let (svg_ref, size) = (svg_ref.clone(), size.clone());
        use_effect_with((), move |_| {
            let update = {
                let (svg_ref, size) = (svg_ref.clone(), size.clone());
                move || {
                    if let Some(s) = measure(&svg_ref) {
                        size.set(Some(s));
                    }
                }
            };
            update();
            let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(update);
            let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, svg_ref.cast::<web_sys::Element>()) {
                o.observe(&el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(callback);
            }
        });
    }

    // What is on screen: every node of small views; of large ones, those in the viewport.
    let n = drawing.view.nodes.len();
    let v = *view;
    let viewport = size.map(|s| Viewport { x: v.x, y: v.y, k: v.k, w: s.w, h: s.h, ratio: s.ratio });
    let on_screen: Option<Vec<bool>> = match viewport {
        Some(vp) if n > CULL_ABOVE => {
            let [l, t, r, b] = vp.visible(CULL_MARGIN);
            Some(
                drawing
                    .layout
                    .nodes
                    .iter()
                    .map(|at| at.x + at.w >= l && at.x <= r && at.y + at.h >= t && at.y <= b)
                    .collect(),
            )
        }
        _ => None,
    };
    let boxes = on_screen.as_ref().is_some_and(|s| v.k < BOXES_BELOW || s.iter().filter(|&&x| x).count() > BOXES_ABOVE);
    let edges_left_out = boxes && drawing.view.edges.len() > BOX_EDGES_UP_TO;

    // Node states.
    let model = &a.model;
    let w = p.what_if.as_deref();
    let evidence: HashSet<u32> =
        p.evidence.iter().filter_map(|id| model.lookup(id)).filter_map(|v| drawing.shown_node(&a.scene, v)).collect();
    let path: Vec<u32> = match (*hovered, w) {
        (Some(h), Some(w)) if !drawing.aggregate.get(h).copied().unwrap_or(true) => drawing
            .ids
            .get(h)
            .and_then(|id| model.lookup(id))
            .map(|v| w.explain(model, v).into_iter().filter_map(|u| drawing.shown_node(&a.scene, u)).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let on_path: HashSet<u32> = path.iter().copied().collect();
    let states: Vec<NodeState> = (0..n)
        .map(|v| NodeState {
            look: look(&a.scene, &drawing.view.nodes[v], w),
            evidence: evidence.contains(&(v as u32)),
            path: on_path.contains(&(v as u32)),
            hovered: *hovered == Some(v),
            drawn: !boxes && on_screen.as_ref().is_none_or(|s| s[v]),
        })
        .collect();
    let path_edges: HashSet<(u32, u32)> = path.windows(2).map(|s| (s[1], s[0])).collect();
    let is_down = |v: u32| states.get(v as usize).is_some_and(|s| matches!(s.look.class(), "down" | "failed"));
    let edge_states: Vec<u8> = drawing
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
            bits
        })
        .collect();
    let edge_states = Ptr(std::rc::Rc::new(edge_states));
    let states = std::rc::Rc::new(states);
    {
        let (canvas_ref, svg_ref) = (canvas_ref.clone(), svg_ref.clone());
        let painted_boxes = boxes.then(|| states.clone());
        // Large views paint the edges of the nodes on screen, not every edge crossing it.
        let ends = if boxes { None } else { on_screen.clone() };
        use_effect_with(
            (drawing.clone(), (*edge_states.0).clone(), viewport, painted_boxes, ends, edges_left_out),
            move |(d, states, vp, boxes, ends, left_out)| {
                let (Some(canvas), Some(svg), Some(vp)) =
                    (canvas_ref.cast::<web_sys::HtmlCanvasElement>(), svg_ref.cast::<web_sys::Element>(), *vp)
                else {
                    return;
                };
                let none: Vec<u8> = Vec::new();
                let states = if *left_out { &none } else { states };
                let drawing = if *left_out { None } else { Some(&**d) };
                edges::paint(&canvas, &svg, drawing, states, ends.as_deref(), vp);
                if let Some(b) = boxes {
                    paint_boxes(&canvas, &svg, d, b);
                }
            },
        );
    }

    // Region and zone boxes: failed or down when their placement value is.
    let band_class = |kind: BandKind, label: &str| {
        let id = format!("{}:{label}", if kind == BandKind::Region { "region" } else { "zone" });
        let status = match (model.lookup(&id), w) {
            (Some(v), Some(w)) if w.steady.failed[v as usize] => "failed",
            (Some(v), Some(w)) if w.steady.is_down(v) => "down",
            _ => "up",
        };
        (id, status)
    };
    {
        // Drawn when asked for: only the bands' statuses are taken now.
        let (d, edge_states, states) = (drawing.clone(), edge_states.clone(), states.clone());
        let statuses: Vec<&'static str> = drawing.layout.bands.iter().map(|b| band_class(b.kind, &b.label).1).collect();
        *p.exporter.borrow_mut() = Some(Box::new(move || {
            let mut inner = String::from("<g class=\"bands\">");
            for (b, status) in d.layout.bands.iter().zip(&statuses) {
                let (kind, label, label_y) = band_text(b);
                let _ = write!(
                    inner,
                    "<g class=\"band {kind} {status}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"10\"/>\
                     <text class=\"band-label\" x=\"{:.1}\" y=\"{label_y:.1}\">{}</text></g>",
                    b.x,
                    b.y,
                    b.w,
                    b.h,
                    b.x + 10.0,
                    node_chunk::escape(&label)
                );
            }
            let _ = write!(
                inner,
                "</g>\n<g class=\"edges\">{}</g>\n<g class=\"nodes\">{}</g>",
                edges::markup(&d, &edge_states),
                node_chunk::markup(&d, &states)
            );
            (d.layout.width, d.layout.height, inner)
        }));
    }
    let bands = drawing.layout.bands.iter().map(|b| {
        let (id, status) = band_class(b.kind, &b.label);
        let (kind, label, label_y) = band_text(b);
        let failable = model.lookup(&id).is_some();
        let title = if failable { format!("{id} — click to fail or restore everything placed here") } else { id.clone() };
        html! {
            <g class={classes!("band", kind, status)}>
                <rect x={format!("{:.1}", b.x)} y={format!("{:.1}", b.y)} width={format!("{:.1}", b.w)} height={format!("{:.1}", b.h)} rx="10" />
                <text class="band-label" x={format!("{:.1}", b.x + 10.0)} y={format!("{label_y:.1}")}
                      data-band={failable.then_some(id.clone())}>
                    <title>{ title }</title>
                    { label }
                </text>
            </g>
        }
    });

    let node_chunks = (0..n).step_by(CHUNK).map(|start| {
        let end = (start + CHUNK).min(n);
        html! { <NodeChunk key={start} drawing={drawing.clone()} start={start} states={states[start..end].to_vec()} /> }
    });

    let onpointerdown = {
        let (drag, view) = (drag.clone(), view.clone());
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            *drag.borrow_mut() = Some(Drag {
                start: (f64::from(e.client_x()), f64::from(e.client_y())),
                origin: *view,
                moved: false,
                active: true,
            });
        })
    };
    let onpointermove = {
        let (drag, view, svg_ref) = (drag.clone(), view.clone(), svg_ref.clone());
        Callback::from(move |e: PointerEvent| {
            let mut slot = drag.borrow_mut();
            let Some(d) = slot.as_mut().filter(|d| d.active) else { return };
            let (dx, dy) = (f64::from(e.client_x()) - d.start.0, f64::from(e.client_y()) - d.start.1);
            if !d.moved && dx.abs() + dy.abs() > 4.0 {
                d.moved = true;
                if let Some(el) = svg_ref.cast::<web_sys::Element>() {
                    let _ = el.set_pointer_capture(e.pointer_id());
                }
            }
            if d.moved {
                view.set(View { x: d.origin.x + dx, y: d.origin.y + dy, k: d.origin.k });
            }
        })
    };
    let onclick = {
        let drag = drag.clone();
        let (on_toggle, on_expand, on_focus) = (p.on_toggle.clone(), p.on_expand.clone(), p.on_focus.clone());
        let (drawing, svg_ref, here) = (drawing.clone(), svg_ref.clone(), v);
        Callback::from(move |e: MouseEvent| {
            let moved = drag.borrow_mut().take().is_some_and(|d| d.moved);
            if moved {
                return;
            }
            if let Some(band) = target_attr(&e, "data-band") {
                return on_toggle.emit(band);
            }
            // A node drawn in SVG names itself; one painted on the canvas is found by position.
            let painted = || {
                let r = svg_ref.cast::<web_sys::Element>()?.get_bounding_client_rect();
                let x = (f64::from(e.client_x()) - r.left() - here.x) / here.k;
                let y = (f64::from(e.client_y()) - r.top() - here.y) / here.k;
                hit(&drawing, x as f32, y as f32)
            };
            let v = target_attr(&e, "data-v").and_then(|v| v.parse::<usize>().ok());
            let Some(v) = v.or_else(|| if boxes { painted() } else { None }) else { return };
            let Some(id) = drawing.ids.get(v).cloned() else { return };
            if drawing.aggregate.get(v).copied().unwrap_or(false) {
                on_expand.emit(id);
            } else if e.alt_key() || e.shift_key() {
                on_focus.emit(id);
            } else {
                on_toggle.emit(id);
            }
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| {
            // The drag ends here; `onclick`, which follows, reads whether it moved.
            if let Some(d) = drag.borrow_mut().as_mut() {
                d.active = false;
            }
        })
    };
    let onwheel = {
        let (view, svg_ref) = (view.clone(), svg_ref.clone());
        Callback::from(move |e: WheelEvent| {
            let Some(el) = svg_ref.cast::<web_sys::Element>() else { return };
            let r = el.get_bounding_client_rect();
            let (mx, my) = (f64::from(e.client_x()) - r.left(), f64::from(e.client_y()) - r.top());
            let v = *view;
            let k = (v.k * (-e.delta_y() * 0.0015).exp()).clamp(0.002, 4.0);
            view.set(View { x: mx - (mx - v.x) * k / v.k, y: my - (my - v.y) * k / v.k, k });
        })
    };
    let onmouseover = {
        let hovered = hovered.clone();
        Callback::from(move |e: MouseEvent| {
            let v = target_attr(&e, "data-v").and_then(|v| v.parse::<usize>().ok());
            if *hovered != v {
                hovered.set(v);
            }
        })
    };
    let onmouseleave = {
        let hovered = hovered.clone();
        Callback::from(move |_: MouseEvent| hovered.set(None))
    };
    let zoom = |factor: f64| {
        let (view, svg_ref) = (view.clone(), svg_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(el) = svg_ref.cast::<web_sys::Element>() else { return };
            let r = el.get_bounding_client_rect();
            let (mx, my) = (r.width() / 2.0, r.height() / 2.0);
            let v = *view;
            let k = (v.k * factor).clamp(0.002, 4.0);
            view.set(View { x: mx - (mx - v.x) * k / v.k, y: my - (my - v.y) * k / v.k, k });
        })
    };
    let hover_text = (*hovered).and_then(|h| {
        let ids: Vec<&str> = path.iter().filter_map(|&v| drawing.ids.get(v as usize).map(String::as_str)).collect();
        (ids.len() > 1).then(|| format!("{}  ·  {}", drawing.ids.get(h).map_or("", String::as_str), ids.join(" → ")))
    });
    let rolled = drawing.aggregate.iter().filter(|&&x| x).count();
    html! {
        <div class="graph-wrap graph">
            <canvas ref={canvas_ref.clone()} class="graph-canvas" aria-hidden="true"></canvas>
            <svg ref={svg_ref.clone()} class="graph" id="graph" xmlns="http://www.w3.org/2000/svg" data-nodes={if boxes { "canvas" } else { "svg" }}
                 {onpointerdown} {onpointermove} {onpointerup} {onclick} {onwheel} {onmouseover} {onmouseleave}>
                <defs id="graph-defs">
                    <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <line x1="0" y1="0" x2="0" y2="6" class="hatch-line" />
                    </pattern>
                    { for ["runtime", "start", "soft", "monitor", "credential", "hot"].iter().map(|k| html! {
                        <marker id={format!("arrow-{k}")} class={classes!("arrow", *k)} viewBox="0 0 8 8" refX="7" refY="4"
                                markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M0 0 L8 4 L0 8 z" />
                        </marker>
                    }) }
                </defs>
                <g id="graph-scene" data-width={format!("{:.0}", drawing.layout.width)} data-height={format!("{:.0}", drawing.layout.height)}
                   transform={format!("translate({:.2},{:.2}) scale({:.4})", v.x, v.y, v.k)}>
                    <g class="bands">{ for bands }</g>
                    <EdgeOverlay drawing={drawing.clone()} states={edge_states.clone()} />
                    <g class="nodes">{ for node_chunks }</g>
                </g>
            </svg>
            <div class="graph-tools">
                <button class="icon-btn" title="Zoom in" onclick={zoom(1.3)}>{ "+" }</button>
                <button class="icon-btn" title="Zoom out" onclick={zoom(1.0 / 1.3)}>{ "−" }</button>
                <button class="btn small" id="fit" title="Fit the graph to the screen" onclick={fit.reform(|_: MouseEvent| false)}>{ "Fit" }</button>
            </div>
            <div class="graph-info">
                <span class="shown">{ format!("{n} shown{}", if rolled > 0 { format!(" · {rolled} rolled up: click one to open it") } else { String::new() }) }</span>
                if edges_left_out { <span class="shown" id="edges-left-out">{ "edges left out at this zoom: zoom in to see them" }</span> }
                if let Some(t) = hover_text { <span class="hover-path">{ t }</span> }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Scene;
    use blastmap_layout::RollUpBy;

    fn drawing(text: &str, roll: &RollUp) -> Drawing {
        let l = crate::load::load(text).unwrap();
        let scene = Scene::new(&l.model);
        Drawing::new(&l.model, &scene, None, roll)
    }

    const TEXT: &str = "components:
- {id: web, requires: [api], region: east}
- {id: api, requires: [db], region: east}
- {id: db, region: west}
";

    #[test]
    fn a_click_finds_the_node_under_it_and_nothing_between_nodes() {
        let d = drawing(TEXT, &RollUp::none());
        for (v, n) in d.layout.nodes.iter().enumerate() {
            assert_eq!(hit(&d, n.x + n.w / 2.0, n.y + n.h / 2.0), Some(v));
        }
        assert_eq!(hit(&d, -10.0, -10.0), None);
    }

    #[test]
    fn fitting_shows_the_whole_drawing_and_centring_shows_the_opened_nodes() {
        let d = drawing(TEXT, &RollUp::none());
        let v = fitted(&d, 800.0, 600.0, false);
        let (right, bottom) = (v.x + f64::from(d.layout.width) * v.k, v.y + f64::from(d.layout.height) * v.k);
        assert!(v.x >= 0.0 && v.y >= 0.0 && right <= 800.0 && bottom <= 600.0, "{v:?}");

        let rolled = drawing(TEXT, &RollUp::by(&[RollUpBy::Region]));
        let mut open = RollUp::by(&[RollUpBy::Region]);
        open.expanded.insert("region:east".into());
        let opened_d = drawing(TEXT, &open);
        let nodes = opened(&rolled, &opened_d, "region:east");
        let ids: Vec<&str> = nodes.iter().map(|&v| opened_d.ids[v].as_str()).collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&"web") && ids.contains(&"api"), "{ids:?}");
        let c = centred(&opened_d, &nodes, 800.0, 600.0).unwrap();
        for &n in &nodes {
            let at = opened_d.layout.nodes[n];
            let (x, y) = (f64::from(at.x) * c.k + c.x, f64::from(at.y) * c.k + c.y);
            assert!((0.0..800.0).contains(&x) && (0.0..600.0).contains(&y), "{x} {y}");
        }
        assert!(opened(&rolled, &opened_d, "region:nowhere").is_empty());
        // Too spread out for a readable scale: one of them is still on screen.
        let c = centred(&opened_d, &nodes, 60.0, 60.0).unwrap();
        assert!(nodes.iter().any(|&n| {
            let at = opened_d.layout.nodes[n];
            let (x, y) = (f64::from(at.x + at.w / 2.0) * c.k + c.x, f64::from(at.y + at.h / 2.0) * c.k + c.y);
            (0.0..60.0).contains(&x) && (0.0..60.0).contains(&y)
        }));
    }
}
