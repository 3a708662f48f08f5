//! Pan and zoom: where the scene sits on screen, fitting a new drawing, centring on what an
//! aggregate opened into, zooming about a point, and following the viewport's size.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use blastmap_layout::Key;
use wasm_bindgen::JsCast as _;
use yew::prelude::*;

use super::super::edges;
use super::super::Ptr;
use crate::scene::Drawing;

/// Pan and zoom: screen = scene · k + (x, y).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub k: f64,
}

impl View {
    /// Zoomed by `factor` about screen point (`mx`, `my`), which stays where it is.
    pub fn zoomed(self, mx: f64, my: f64, factor: f64) -> View {
        let k = (self.k * factor).clamp(0.002, 4.0);
        View { x: mx - (mx - self.x) * k / self.k, y: my - (my - self.y) * k / self.k, k }
    }
}

/// The smallest scale the first view of a graph uses.
const READABLE: f64 = 0.7;

/// The margin a fitted view leaves on every side (CSS pixels).
const MARGIN: f64 = 16.0;

/// How far a fitted view stays from the graph's overlaid controls (CSS pixels).
const GAP: f64 = 8.0;

/// The room the graph's overlaid controls take, in CSS pixels from its top and bottom edges:
/// the zoom buttons and Fit at the top, the line that says what is shown at the bottom. A
/// fitted view keeps its drawing out of both strips (never less than [`MARGIN`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Controls {
    pub top: f64,
    pub bottom: f64,
}

/// The whole drawing in a `w`×`h` viewport, clear of the overlaid `controls`; with `readable`,
/// never below the scale at which labels stay legible (the top of the graph then shows,
/// centred, and the rest is a drag away) when it has more than a couple of dozen nodes or shows
/// bands of depth: a chain's first view is a column of up to 25 bands, which a whole fit shrank
/// to specks.
pub fn fitted(d: &Drawing, w: f64, h: f64, controls: Controls, readable: bool) -> View {
    let (gw, gh) = (f64::from(d.layout.width).max(1.0), f64::from(d.layout.height).max(1.0));
    let (top, bottom) = (controls.top.max(MARGIN), controls.bottom.max(MARGIN));
    let room = (h - top - bottom).max(1.0);
    let fit = ((w - 2.0 * MARGIN) / gw).min(room / gh).clamp(0.002, 1.25);
    let bands = || d.view.nodes.iter().any(|n| matches!(n.key, Key::Band(..)));
    let k = if readable && (d.view.nodes.len() > 24 || bands()) { fit.max(READABLE) } else { fit };
    let y = if gh * k <= room { top + (room - gh * k) / 2.0 } else { top };
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

/// The nodes of `new` that an aggregate of `old` keyed `key` opened into, ascending: where
/// `new` shows its members (one pass over them, not over every member of every new node).
pub fn opened(old: &Drawing, new: &Drawing, key: &Key) -> Vec<usize> {
    let Some(a) = old.view.nodes.iter().find(|n| n.key == *key) else { return Vec::new() };
    let mut hit = vec![false; new.view.nodes.len()];
    for &m in &a.members {
        if let Some(h) = new.view.of.get(m as usize).copied().flatten().and_then(|v| hit.get_mut(v as usize)) {
            *h = true;
        }
    }
    hit.iter().enumerate().filter(|&(_, &h)| h).map(|(v, _)| v).collect()
}

/// `nodes` of `d` centred in a `w`×`h` viewport, whole if they fit at a readable scale.
pub fn centred(d: &Drawing, nodes: &[usize], w: f64, h: f64) -> Option<View> {
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

/// The viewport's size in CSS pixels and device pixels per CSS pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Size {
    pub w: f64,
    pub h: f64,
    pub ratio: f64,
}

/// The room the overlaid controls beside the `<svg>` behind `svg` take (their CSS places
/// them); none when they are not there.
pub fn controls(svg: &NodeRef) -> Controls {
    let Some(el) = svg.cast::<web_sys::Element>() else { return Controls::default() };
    let r = el.get_bounding_client_rect();
    let rect = |selector: &str| Some(el.parent_element()?.query_selector(selector).ok()??.get_bounding_client_rect());
    Controls {
        top: rect(".graph-tools").map_or(0.0, |t| t.bottom() - r.top() + GAP),
        bottom: rect(".graph-info").map_or(0.0, |i| r.bottom() - i.top() + GAP),
    }
}

pub fn measure(svg: &NodeRef) -> Option<Size> {
    let el = svg.cast::<web_sys::Element>()?;
    let r = el.get_bounding_client_rect();
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
    Some(Size { w: r.width(), h: r.height(), ratio })
}

/// The canvas's viewport: the view at the measured size.
pub fn canvas_viewport(v: View, size: Option<Size>) -> Option<edges::Viewport> {
    size.map(|s| edges::Viewport { x: v.x, y: v.y, k: v.k, w: s.w, h: s.h, ratio: s.ratio })
}

/// The view: read by every render and by the pointer's handlers, set by them (a re-render
/// follows) or, for a new drawing, by the render itself (none follows: that render draws it).
#[derive(Clone)]
pub struct ViewHandle {
    view: Rc<Cell<View>>,
    update: UseForceUpdateHandle,
}

impl ViewHandle {
    pub fn get(&self) -> View {
        self.view.get()
    }

    /// Sets the view and re-renders the graph.
    pub fn set(&self, v: View) {
        self.view.set(v);
        self.update.force_update();
    }
}

impl PartialEq for ViewHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.view, &other.view)
    }
}

/// The view, the viewport's size, and a fit (`true`: at a readable scale).
pub struct Pan {
    pub view: ViewHandle,
    pub size: UseStateHandle<Option<Size>>,
    pub fit: Callback<bool>,
}

/// The drawing (and the opened keys) the view was last placed for.
type LastPlaced = RefCell<Option<(Ptr<Drawing>, BTreeSet<Key>)>>;

/// The view of `d` in the `<svg>` behind `svg_ref`, recorded in `placed`: centred on what one
/// newly opened aggregate (a key in `expanded` that the last placed drawing did not have)
/// opened into, else fitted at a readable scale. `None` (nothing recorded) before the `<svg>`
/// is there to measure.
fn place(placed: &LastPlaced, d: &Ptr<Drawing>, expanded: &BTreeSet<Key>, svg_ref: &NodeRef) -> Option<View> {
    let s = measure(svg_ref)?;
    let last = placed.borrow_mut().replace((d.clone(), expanded.clone()));
    let target = last.and_then(|(old, was)| {
        let mut new = expanded.difference(&was);
        let key = new.next().filter(|_| new.next().is_none())?;
        centred(d, &opened(&old, d, key), s.w, s.h)
    });
    Some(target.unwrap_or_else(|| fitted(d, s.w, s.h, controls(svg_ref), true)))
}

/// Keeps the view of `drawing` in the `<svg>` behind `svg_ref`: a new drawing is fitted, except
/// when it comes from opening one aggregate (a new key in `expanded`): then the view centres on
/// what it opened into, so the user stays where they clicked. The view of a new drawing is
/// placed in the render that first draws it (measuring the `<svg>` there), not in an effect
/// after it: an effect's view meant a second render, which culled and redrew the nodes on
/// screen again (a third of an expand click at a million edges). Only the first drawing, before
/// the `<svg>` exists, is placed by the effect. Follows the viewport's size.
#[hook]
pub fn use_pan(svg_ref: NodeRef, drawing: Ptr<Drawing>, expanded: BTreeSet<Key>) -> Pan {
    let view = ViewHandle {
        view: (*use_memo((), |_| Rc::new(Cell::new(View { x: 0.0, y: 0.0, k: 1.0 })))).clone(),
        update: use_force_update(),
    };
    let size = use_state(|| None::<Size>);
    let fit = {
        let (view, svg_ref, drawing) = (view.clone(), svg_ref.clone(), drawing.clone());
        Callback::from(move |readable: bool| {
            if let Some(s) = measure(&svg_ref) {
                view.set(fitted(&drawing, s.w, s.h, controls(&svg_ref), readable));
            }
        })
    };
    let placed = use_mut_ref(|| None::<(Ptr<Drawing>, BTreeSet<Key>)>);
    let new = |placed: &LastPlaced, d: &Ptr<Drawing>| placed.borrow().as_ref().is_none_or(|(old, _)| old != d);
    if new(&placed, &drawing) {
        if let Some(v) = place(&placed, &drawing, &expanded, &svg_ref) {
            view.view.set(v);
        }
    }
    {
        let (view, svg_ref) = (view.clone(), svg_ref.clone());
        use_effect_with(drawing, move |d| {
            if new(&placed, d) {
                if let Some(v) = place(&placed, d, &expanded, &svg_ref) {
                    view.set(v);
                }
            }
        });
    }
    {
        // The canvas follows the viewport's size.
        let size = size.clone();
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
    Pan { view, size, fit }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{chain_text, drawing, TEXT};
    use super::*;
    use blastmap_layout::{RollUp, RollUpBy};

    #[test]
    fn fitting_shows_the_whole_drawing_and_centring_shows_the_opened_nodes() {
        let d = drawing(TEXT, &RollUp::none());
        let v = fitted(&d, 800.0, 600.0, Controls::default(), false);
        let (right, bottom) = (v.x + f64::from(d.layout.width) * v.k, v.y + f64::from(d.layout.height) * v.k);
        assert!(v.x >= 0.0 && v.y >= 0.0 && right <= 800.0 && bottom <= 600.0, "{v:?}");

        let rolled = drawing(TEXT, &RollUp::by(&[RollUpBy::Region]));
        let mut open = RollUp::by(&[RollUpBy::Region]);
        let east = RollUp::key(RollUpBy::Region, "east");
        open.expanded.insert(east.clone());
        let opened_d = drawing(TEXT, &open);
        let nodes = opened(&rolled, &opened_d, &east);
        let ids: Vec<&str> = nodes.iter().map(|&v| opened_d.ids[v].as_str()).collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&"web") && ids.contains(&"api"), "{ids:?}");
        let c = centred(&opened_d, &nodes, 800.0, 600.0).unwrap();
        for &n in &nodes {
            let at = opened_d.layout.nodes[n];
            let (x, y) = (f64::from(at.x) * c.k + c.x, f64::from(at.y) * c.k + c.y);
            assert!((0.0..800.0).contains(&x) && (0.0..600.0).contains(&y), "{x} {y}");
        }
        assert!(opened(&rolled, &opened_d, &RollUp::key(RollUpBy::Region, "nowhere")).is_empty());
        // Too spread out for a readable scale: one of them is still on screen.
        let c = centred(&opened_d, &nodes, 60.0, 60.0).unwrap();
        assert!(nodes.iter().any(|&n| {
            let at = opened_d.layout.nodes[n];
            let (x, y) = (f64::from(at.x + at.w / 2.0) * c.k + c.x, f64::from(at.y + at.h / 2.0) * c.k + c.y);
            (0.0..60.0).contains(&x) && (0.0..60.0).contains(&y)
        }));
    }

    #[test]
    fn a_chain_of_depth_bands_opens_whole_and_readable() {
        let d = drawing(&chain_text(3_000), &RollUp::by(&[RollUpBy::Depth]));
        assert_eq!(d.view.nodes.len(), 16, "{:?}", d.ids);
        // The bands are laid out in rows (`blastmap_layout::layout`): the whole grid shows at a
        // readable scale in the graph of a 1600 × 900 page (about 750 × 640) and of a 1000 × 700
        // one (about 420 × 420), where one column of 16 did not.
        for (w, h) in [(750.0, 640.0), (420.0, 420.0)] {
            let v = fitted(&d, w, h, Controls::default(), true);
            assert!(v.k >= READABLE, "{v:?}");
            for n in &d.layout.nodes {
                let (x, y) = (f64::from(n.x) * v.k + v.x, f64::from(n.y) * v.k + v.y);
                let (r, b) = (x + f64::from(n.w) * v.k, y + f64::from(n.h) * v.k);
                assert!(x >= 0.0 && y >= 0.0 && r <= w && b <= h, "{w}×{h}: {x} {y} {r} {b}");
            }
        }
        // Clear of the overlaid controls (the zoom buttons above, the line of what is shown
        // below; as measured in the graph of a 1000 × 700 and a 1600 × 900 page): every band
        // between them, still at a readable scale.
        for (w, h) in [(420.0, 423.0), (752.0, 704.0)] {
            let controls = Controls { top: 44.0, bottom: 37.0 };
            let v = fitted(&d, w, h, controls, true);
            assert!(v.k >= READABLE, "{v:?}");
            for n in &d.layout.nodes {
                let (x, y) = (f64::from(n.x) * v.k + v.x, f64::from(n.y) * v.k + v.y);
                let (r, b) = (x + f64::from(n.w) * v.k, y + f64::from(n.h) * v.k);
                assert!(
                    x >= 0.0 && y >= controls.top && r <= w && b <= h - controls.bottom,
                    "{w}×{h}: {x} {y} {r} {b}"
                );
            }
        }
        // Too small a graph for it: the readable scale still holds, from the top.
        let v = fitted(&d, 300.0, 200.0, Controls::default(), true);
        assert!(v.k >= READABLE && f64::from(d.layout.height) * v.k > 200.0, "{v:?}");
        let top = d.layout.nodes.iter().min_by(|a, b| a.y.total_cmp(&b.y)).unwrap();
        assert!(f64::from(top.y) * v.k + v.y >= 0.0);
        // The Fit button shows it whole.
        let whole = fitted(&d, 300.0, 200.0, Controls::default(), false);
        assert!(f64::from(d.layout.height) * whole.k <= 200.0 && whole.k < READABLE, "{whole:?}");
    }

    #[test]
    fn zooming_keeps_the_point_under_the_cursor_and_stays_in_range() {
        let v = View { x: 10.0, y: -20.0, k: 0.5 };
        let z = v.zoomed(300.0, 200.0, 1.3);
        let scene = |v: View| ((300.0 - v.x) / v.k, (200.0 - v.y) / v.k);
        let (a, b) = (scene(v), scene(z));
        assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9, "{a:?} {b:?}");
        assert_eq!(v.zoomed(0.0, 0.0, 1e6).k, 4.0);
        assert_eq!(v.zoomed(0.0, 0.0, 1e-9).k, 0.002);
    }
}
