//! The graph: an SVG of the laid-out view with region/zone boxes, pan (drag), zoom (wheel) and
//! fit. Node and edge chunks are memoized; events are delegated to the `<svg>` and find their
//! node through `data-v`.

use std::collections::HashSet;

use blastmap_core::algo::WhatIf;
use blastmap_layout::{BandKind, RollUp};
use wasm_bindgen::JsCast as _;
use yew::prelude::*;

use super::edge_chunk::{EdgeChunk, DOWN, EVIDENCE, PATH};
use super::node_chunk::{NodeChunk, NodeState};
use super::Ptr;
use crate::scene::{look, Drawing};
use crate::state::{Analysis, Focus};

/// Nodes (and edges) per memoized chunk.
const CHUNK: usize = 64;

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
}

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
    let fit = ((w - 32.0) / gw).min((h - 32.0) / gh).clamp(0.02, 1.25);
    let k = if readable && d.view.nodes.len() > 24 { fit.max(READABLE) } else { fit };
    let y = if gh * k <= h { (h - gh * k) / 2.0 } else { 16.0 };
    View { x: (w - gw * k) / 2.0, y, k }
}

/// The smallest scale the first view of a graph uses.
const READABLE: f64 = 0.7;

fn target_attr(e: &web_sys::Event, attr: &str) -> Option<String> {
    let el: web_sys::Element = e.target()?.dyn_into().ok()?;
    el.closest(&format!("[{attr}]")).ok()??.get_attribute(attr)
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
    let view = use_state(|| View { x: 0.0, y: 0.0, k: 1.0 });
    let drag = use_mut_ref(|| None::<Drag>);
    let hovered = use_state(|| None::<usize>);

    let fit = {
        let (view, svg_ref, drawing) = (view.clone(), svg_ref.clone(), drawing.clone());
        Callback::from(move |readable: bool| {
            if let Some(el) = svg_ref.cast::<web_sys::Element>() {
                let r = el.get_bounding_client_rect();
                view.set(fitted(&drawing, r.width(), r.height(), readable));
            }
        })
    };
    {
        let fit = fit.clone();
        use_effect_with(drawing.clone(), move |_| fit.emit(true));
    }

    // Node states.
    let model = &a.model;
    let w = p.what_if.as_deref();
    let n = drawing.view.nodes.len();
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
    let bands = drawing.layout.bands.iter().map(|b| {
        let (id, status) = band_class(b.kind, &b.label);
        let kind = if b.kind == BandKind::Region { "region" } else { "zone" };
        let failable = model.lookup(&id).is_some();
        let title = if failable { format!("{id} — click to fail or restore everything placed here") } else { id.clone() };
        html! {
            <g class={classes!("band", kind, status)}>
                <rect x={format!("{:.1}", b.x)} y={format!("{:.1}", b.y)} width={format!("{:.1}", b.w)} height={format!("{:.1}", b.h)} rx="10" />
                <text class="band-label" x={format!("{:.1}", b.x + 10.0)} y={format!("{:.1}", b.y + if b.kind == BandKind::Region { 16.0 } else { 15.0 })}
                      data-band={failable.then_some(id.clone())}>
                    <title>{ title }</title>
                    { if b.kind == BandKind::Region { format!("region {}", b.label) } else { b.label.clone() } }
                </text>
            </g>
        }
    });

    let node_chunks = (0..n).step_by(CHUNK).map(|start| {
        let end = (start + CHUNK).min(n);
        html! { <NodeChunk key={start} drawing={drawing.clone()} start={start} states={states[start..end].to_vec()} /> }
    });
    let m = edge_states.len();
    let edge_chunks = (0..m).step_by(CHUNK).map(|start| {
        let end = (start + CHUNK).min(m);
        html! { <EdgeChunk key={start} drawing={drawing.clone()} start={start} states={edge_states[start..end].to_vec()} /> }
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
        let drawing = drawing.clone();
        Callback::from(move |e: MouseEvent| {
            let moved = drag.borrow_mut().take().is_some_and(|d| d.moved);
            if moved {
                return;
            }
            if let Some(band) = target_attr(&e, "data-band") {
                return on_toggle.emit(band);
            }
            let Some(v) = target_attr(&e, "data-v").and_then(|v| v.parse::<usize>().ok()) else { return };
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
            let k = (v.k * (-e.delta_y() * 0.0015).exp()).clamp(0.02, 4.0);
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
            let k = (v.k * factor).clamp(0.02, 4.0);
            view.set(View { x: mx - (mx - v.x) * k / v.k, y: my - (my - v.y) * k / v.k, k });
        })
    };
    let hover_text = (*hovered).and_then(|h| {
        let ids: Vec<&str> = path.iter().filter_map(|&v| drawing.ids.get(v as usize).map(String::as_str)).collect();
        (ids.len() > 1).then(|| format!("{}  ·  {}", drawing.ids.get(h).map_or("", String::as_str), ids.join(" → ")))
    });
    let v = *view;
    let rolled = drawing.aggregate.iter().filter(|&&x| x).count();
    html! {
        <div class="graph-wrap">
            <svg ref={svg_ref.clone()} class="graph" id="graph" xmlns="http://www.w3.org/2000/svg"
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
                    <g class="edges">{ for edge_chunks }</g>
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
                if let Some(t) = hover_text { <span class="hover-path">{ t }</span> }
            </div>
        </div>
    }
}
