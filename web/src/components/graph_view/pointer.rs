//! Pointer input on the graph: drag to pan, wheel to zoom, hover, and clicks, which find their
//! node through `data-v` (SVG nodes) or by position (nodes painted on the canvas) and fail,
//! focus, open or (in review mode) select it; a click on no node selects the edge under it.

use blastmap_layout::Key;
use wasm_bindgen::JsCast as _;
use yew::prelude::*;

use super::super::edges;
use super::super::Ptr;
use super::viewport::{View, ViewHandle};
use crate::scene::Drawing;
use crate::state::Selection;

/// How far from an edge (in screen pixels) a click still finds it.
const EDGE_HIT_PX: f64 = 6.0;

/// A press on the graph, until the click that ends it.
struct Drag {
    start: (f64, f64),
    origin: View,
    /// Moved far enough to be a drag: the click that ends it does nothing.
    moved: bool,
    /// The button is still down.
    active: bool,
}

/// The value of `attr` on the event's target or its nearest ancestor that has it.
pub fn target_attr(e: &web_sys::Event, attr: &str) -> Option<String> {
    let el: web_sys::Element = e.target()?.dyn_into().ok()?;
    el.closest(&format!("[{attr}]")).ok()??.get_attribute(attr)
}

/// The node of `d` under scene point (`x`, `y`).
pub fn hit(d: &Drawing, x: f32, y: f32) -> Option<usize> {
    d.layout.nodes.iter().position(|n| x >= n.x && x <= n.x + n.w && y >= n.y && y <= n.y + n.h)
}

/// What a click on a node does (its id): fail or restore, focus (Alt or Shift), open (an
/// aggregate), or in review mode select it; and on an edge: select it.
#[derive(Clone, PartialEq)]
pub struct Actions {
    pub on_toggle: Callback<String>,
    pub on_expand: Callback<Key>,
    pub on_focus: Callback<String>,
    pub on_select: Callback<Selection>,
    /// Clicks on components select them instead of failing them.
    pub review: bool,
    /// Edges are painted (not left out at this zoom), so clicks can find them.
    pub edges_shown: bool,
}

/// The `<svg>`'s event handlers.
pub struct Handlers {
    pub onpointerdown: Callback<PointerEvent>,
    pub onpointermove: Callback<PointerEvent>,
    pub onpointerup: Callback<PointerEvent>,
    pub onclick: Callback<MouseEvent>,
    pub onwheel: Callback<WheelEvent>,
    pub onmouseover: Callback<MouseEvent>,
    pub onmouseleave: Callback<MouseEvent>,
}

/// The handlers of the `<svg>` behind `svg_ref` showing `drawing` at `view`; `boxes` says the
/// nodes are painted on the canvas (clicks are then found by position). Sets `hovered`.
#[hook]
pub fn use_pointer(
    svg_ref: NodeRef,
    drawing: Ptr<Drawing>,
    view: ViewHandle,
    boxes: bool,
    hovered: UseStateHandle<Option<usize>>,
    actions: Actions,
) -> Handlers {
    let drag = use_mut_ref(|| None::<Drag>);
    let onpointerdown = {
        let (drag, view) = (drag.clone(), view.clone());
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            *drag.borrow_mut() = Some(Drag {
                start: (f64::from(e.client_x()), f64::from(e.client_y())),
                origin: view.get(),
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
        let Actions { on_toggle, on_expand, on_focus, on_select, review, edges_shown } = actions;
        let (svg_ref, here) = (svg_ref.clone(), view.get());
        Callback::from(move |e: MouseEvent| {
            let moved = drag.borrow_mut().take().is_some_and(|d| d.moved);
            if moved {
                return;
            }
            if let Some(band) = target_attr(&e, "data-band") {
                return on_toggle.emit(band);
            }
            // Where the click is in the scene.
            let scene = || {
                let r = svg_ref.cast::<web_sys::Element>()?.get_bounding_client_rect();
                let x = (f64::from(e.client_x()) - r.left() - here.x) / here.k;
                let y = (f64::from(e.client_y()) - r.top() - here.y) / here.k;
                Some((x as f32, y as f32))
            };
            // A node drawn in SVG names itself; one painted on the canvas is found by position.
            let painted = || scene().and_then(|(x, y)| hit(&drawing, x, y));
            let v = target_attr(&e, "data-v").and_then(|v| v.parse::<usize>().ok());
            let Some(v) = v.or_else(|| if boxes { painted() } else { None }) else {
                // No node: the edge under the click, if edges are painted.
                let edge = scene()
                    .filter(|_| edges_shown)
                    .and_then(|(x, y)| edges::nearest(&drawing, x, y, (EDGE_HIT_PX / here.k.max(1e-6)) as f32))
                    .and_then(|i| drawing.view.edges.get(i))
                    .and_then(|ed| {
                        let id = |v: u32| drawing.view.nodes.get(v as usize).and_then(|n| n.key.id());
                        Some((id(ed.from)?, id(ed.to)?))
                    });
                if let Some((from, to)) = edge {
                    on_select.emit(Selection::Edge { from: from.to_string(), to: to.to_string() });
                }
                return;
            };
            let Some(id) = drawing.ids.get(v).cloned() else { return };
            if drawing.aggregate.get(v).copied().unwrap_or(false) {
                if let Some(node) = drawing.view.nodes.get(v) {
                    on_expand.emit(node.key.clone());
                }
            } else if e.alt_key() || e.shift_key() {
                on_focus.emit(id);
            } else if review {
                on_select.emit(Selection::Component(id));
            } else {
                // The what-if's share of a click, for the benchmarks (bench-helpers.mjs).
                crate::browser::mark("blastmap:fail-click");
                on_toggle.emit(id);
                crate::browser::mark("blastmap:what-if-done");
            }
        })
    };
    let onpointerup = Callback::from(move |_: PointerEvent| {
        // The drag ends here; `onclick`, which follows, reads whether it moved.
        if let Some(d) = drag.borrow_mut().as_mut() {
            d.active = false;
        }
    });
    let onwheel = Callback::from(move |e: WheelEvent| {
        let Some(el) = svg_ref.cast::<web_sys::Element>() else { return };
        let r = el.get_bounding_client_rect();
        let (mx, my) = (f64::from(e.client_x()) - r.left(), f64::from(e.client_y()) - r.top());
        view.set(view.get().zoomed(mx, my, (-e.delta_y() * 0.0015).exp()));
    });
    let onmouseover = {
        let hovered = hovered.clone();
        Callback::from(move |e: MouseEvent| {
            let v = target_attr(&e, "data-v").and_then(|v| v.parse::<usize>().ok());
            if *hovered != v {
                hovered.set(v);
            }
        })
    };
    let onmouseleave = Callback::from(move |_: MouseEvent| hovered.set(None));
    Handlers { onpointerdown, onpointermove, onpointerup, onclick, onwheel, onmouseover, onmouseleave }
}

/// A button's zoom by `factor` about the middle of the `<svg>` behind `svg_ref`.
pub fn zoom_button(view: &ViewHandle, svg_ref: &NodeRef, factor: f64) -> Callback<MouseEvent> {
    let (view, svg_ref) = (view.clone(), svg_ref.clone());
    Callback::from(move |_: MouseEvent| {
        let Some(el) = svg_ref.cast::<web_sys::Element>() else { return };
        let r = el.get_bounding_client_rect();
        view.set(view.get().zoomed(r.width() / 2.0, r.height() / 2.0, factor));
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{drawing, TEXT};
    use super::*;
    use blastmap_layout::RollUp;

    #[test]
    fn a_click_finds_the_node_under_it_and_nothing_between_nodes() {
        let d = drawing(TEXT, &RollUp::none());
        for (v, n) in d.layout.nodes.iter().enumerate() {
            assert_eq!(hit(&d, n.x + n.w / 2.0, n.y + n.h / 2.0), Some(v));
        }
        assert_eq!(hit(&d, -10.0, -10.0), None);
    }
}
