//! The graph's edges. Thousands of `<path>`s made every repaint of the SVG slow (each click
//! re-laid out and re-rasterized all of them), so the edges are painted on a `<canvas>` under
//! the nodes, in one stroke per style; only the few highlighted ones (the hovered node's path,
//! the selected finding's evidence, the edge under review) are SVG, drawn over the nodes' layer.
//! Exports get every edge as SVG ([`markup`]).
//!
//! Edges an inference or the overlay changed, and (when traces were compared) edges declared and
//! observed, observed only or declared only, get a halo under them: a wide band whose dash
//! pattern says which (dots, solid, long or short dashes), so the meaning does not rest on
//! colour. A filter dims every edge without one mark, and the reach view every edge that does
//! not join two nodes in the principal's reach ([`DIM`]). Clicks find the edge under them
//! ([`nearest`]).

use std::fmt::Write as _;

use blastmap_layout::{EdgeKind, Key};
use wasm_bindgen::{JsCast as _, JsValue};
use yew::prelude::*;

use super::Ptr;
use crate::review::{self, MARKS};
use crate::scene::Drawing;

/// Edge state bits.
pub const PATH: u8 = 1;
pub const EVIDENCE: u8 = 2;
/// Both ends are down: the failure travelled along it.
pub const DOWN: u8 = 4;
/// The edge under review.
pub const SELECTED: u8 = 8;
/// Out of the picture: a policy principal's reach is shown and the edge does not join two of
/// the nodes it starts from or may reach. Drawn faint, as the edge filter draws what it
/// leaves out.
pub const DIM: u8 = 16;

/// Drawn in SVG over the canvas.
const HIGHLIGHT: u8 = PATH | EVIDENCE | SELECTED;

/// The halo of an edge's marks: the first of [`MARKS`] it has (class name, width, dash pattern,
/// colour variable, fallback colour), as `graph.css` draws `.halo.prov-*`.
pub fn halo(marks: u8) -> Option<(&'static str, f64, &'static [f64], &'static str, &'static str)> {
    let (bit, name, _) = MARKS.iter().find(|(bit, _, _)| marks & bit != 0)?;
    Some(match *bit {
        review::OVERLAY => (*name, 6.0, &[], "--g-prov-overlay", "#0072b2"),
        // Dots: round caps on near-zero dashes.
        review::INFERRED => (*name, 7.0, &[0.1, 12.0], "--g-prov-inferred", "#cc79a7"),
        review::DECLARED_ONLY => (*name, 7.0, &[12.0, 6.0], "--g-prov-declared", "#e69f00"),
        review::OBSERVED_ONLY => (*name, 7.0, &[4.0, 4.0], "--g-prov-observed", "#009e73"),
        _ => (*name, 4.0, &[], "--g-prov-both", "#9aa3b2"),
    })
}

/// The marks of each edge of `d` (its ends' ids looked up in `marks`; edges of aggregates have
/// none). Empty when nothing is marked.
///
/// # Complexity
/// O(E log M) for E edges and M marked edges; nothing when M is 0.
pub fn edge_marks(d: &Drawing, marks: &review::Marks) -> Vec<u8> {
    if marks.is_empty() {
        return Vec::new();
    }
    let id = |v: u32| d.view.nodes.get(v as usize).and_then(|n| n.key.id());
    d.view
        .edges
        .iter()
        .map(|e| match (id(e.from), id(e.to)) {
            (Some(a), Some(b)) => marks.get(a, b),
            _ => 0,
        })
        .collect()
}

/// The edge of `d` nearest to scene point (`x`, `y`) within `within` scene units, if any (on
/// each curve, the nearest of 24 points along it).
///
/// # Complexity
/// O(E): 24 points per edge.
pub fn nearest(d: &Drawing, x: f32, y: f32, within: f32) -> Option<usize> {
    let mut best: Option<(f32, usize)> = None;
    for e in 0..d.view.edges.len() {
        let Some([p, c1, c2, q]) = curve(d, e) else { continue };
        let (x0, x1) = [p, c1, c2, q].iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
        let (y0, y1) = [p, c1, c2, q].iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
        if x < x0 - within || x > x1 + within || y < y0 - within || y > y1 + within {
            continue;
        }
        for i in 0..=24 {
            let t = i as f32 / 24.0;
            let u = 1.0 - t;
            let (a, b, c, dd) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            let px = a * p.0 + b * c1.0 + c * c2.0 + dd * q.0;
            let py = a * p.1 + b * c1.1 + c * c2.1 + dd * q.1;
            let dist = (px - x).hypot(py - y);
            if dist <= within && best.is_none_or(|(bd, _)| dist < bd) {
                best = Some((dist, e));
            }
        }
    }
    best.map(|(_, e)| e)
}

/// A point in scene coordinates.
type Point = (f32, f32);

/// How many times [`clip`] halves a curve at most: a curve 2^12 times the width of the screen
/// still ends in pieces narrower than it.
const CLIP_DEPTH: u32 = 12;

/// The pieces of cubic `c` that may show in `rect` ([left, top, right, bottom]), appended to
/// `out` in order along the curve. Each is a half of a half… of `c` (de Casteljau at t = ½:
/// exactly the same curve); a piece whose control points all lie outside `rect` on one side
/// is dropped, as the curve lies within the box of its control points, and one whose box is
/// no larger than `rect` is not halved further. Consecutive pieces share their end point
/// exactly, so a caller can draw them as one stroke (and a dash pattern runs on unbroken). An
/// edge from a node on screen to one far off is a curve thousands of pixels long: the canvas
/// dashed and rasterized every pixel of it (half of its ~20 ms flush after an aggregate at a
/// million edges opened).
fn clip(c: [Point; 4], rect: [f32; 4], out: &mut Vec<Piece>) {
    clip_at(Piece { from: 0.0, to: 1.0, c }, rect, CLIP_DEPTH, out);
}

/// The part of a curve between parameters `from` and `to`, a cubic of its own.
#[derive(Clone, Copy, Debug)]
struct Piece {
    from: f32,
    to: f32,
    c: [Point; 4],
}

fn clip_at(piece: Piece, [l, t, r, b]: [f32; 4], depth: u32, out: &mut Vec<Piece>) {
    let c = piece.c;
    let (x0, x1) = c.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    let (y0, y1) = c.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    if x1 < l || x0 > r || y1 < t || y0 > b {
        return;
    }
    // Inside, or no larger than the rectangle: kept whole (what it strokes outside is at most
    // the rectangle's size again, and each halving costs a call to the canvas).
    if depth == 0 || (x0 >= l && x1 <= r && y0 >= t && y1 <= b) || (x1 - x0 <= r - l && y1 - y0 <= b - t) {
        out.push(piece);
        return;
    }
    let mid = |p: Point, q: Point| ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0);
    let [p0, p1, p2, p3] = c;
    let (a, bb, cc) = (mid(p0, p1), mid(p1, p2), mid(p2, p3));
    let (d, e) = (mid(a, bb), mid(bb, cc));
    let m = mid(d, e);
    let half = (piece.from + piece.to) / 2.0;
    clip_at(Piece { from: piece.from, to: half, c: [p0, a, d, m] }, [l, t, r, b], depth - 1, out);
    clip_at(Piece { from: half, to: piece.to, c: [m, e, cc, p3] }, [l, t, r, b], depth - 1, out);
}

/// Adds the pieces of `c` within `rect` to the context's path (`scratch` holds them).
fn trace(ctx: &web_sys::CanvasRenderingContext2d, c: [Point; 4], rect: [f32; 4], scratch: &mut Vec<Piece>) {
    scratch.clear();
    clip(c, rect, scratch);
    let mut end = None;
    for &Piece { c: [p, c1, c2, q], .. } in scratch.iter() {
        if end != Some(p) {
            ctx.move_to(f64::from(p.0), f64::from(p.1));
        }
        ctx.bezier_curve_to(
            f64::from(c1.0),
            f64::from(c1.1),
            f64::from(c2.0),
            f64::from(c2.1),
            f64::from(q.0),
            f64::from(q.1),
        );
        end = Some(q);
    }
}

/// The cubic curve of edge `e`: from a dependent's bottom to its dependency's top, or, within
/// a layer, from bottom to bottom arcing under; between two bands of depth side by side (a
/// grid of bands, read left to right), straight from the dependent's right side to the
/// dependency's left.
pub fn curve(d: &Drawing, e: usize) -> Option<[Point; 4]> {
    let edge = d.view.edges.get(e)?;
    let (a, b) = (d.layout.nodes.get(edge.from as usize)?, d.layout.nodes.get(edge.to as usize)?);
    let band = |v: u32| d.view.nodes.get(v as usize).is_some_and(|n| matches!(n.key, Key::Band(..)));
    if a.y == b.y && a.x + a.w <= b.x && band(edge.from) && band(edge.to) {
        let (p, q) = ((a.x + a.w, a.y + a.h / 2.0), (b.x, b.y + b.h / 2.0));
        let third = (q.0 - p.0) / 3.0;
        return Some([p, (p.0 + third, p.1), (q.0 - third, q.1), q]);
    }
    let ((x1, y1), (x2, y2)) = if a.y < b.y {
        (a.bottom(), b.top())
    } else if a.y > b.y {
        (a.top(), b.bottom())
    } else {
        let (p, q) = (a.bottom(), b.bottom());
        let dip = 26.0 + (q.0 - p.0).abs() * 0.08;
        return Some([p, (p.0, p.1 + dip), (q.0, q.1 + dip), q]);
    };
    let bend = ((y2 - y1).abs() * 0.5).max(20.0) * if y2 > y1 { 1.0 } else { -1.0 };
    Some([(x1, y1), (x1, y1 + bend), (x2, y2 - bend), (x2, y2)])
}

/// The SVG path data of edge `e`.
pub fn edge_path(d: &Drawing, e: usize) -> Option<String> {
    let [p, c1, c2, q] = curve(d, e)?;
    Some(format!("M{:.1} {:.1} C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}", p.0, p.1, c1.0, c1.1, c2.0, c2.1, q.0, q.1))
}

/// Strokes at most this many device pixels wide are drawn one device pixel wide: the canvas
/// rasterizes such hairlines several times faster than wider strokes (with ~2,700 edges on
/// screen, 150 ms of the repaint against ~10), and at that width the difference is hardly seen.
const HAIRLINE: f64 = 2.0;

/// The line width, in scene units, a stroke `width` scene units wide is drawn at when one scene
/// unit is `device` device pixels: a hairline (one device pixel) when it would be thin anyway.
/// Thinner strokes stay as they are: the canvas draws those as hairlines already, fainter.
fn drawn_width(width: f64, device: f64) -> f64 {
    if width * device > 1.0 && width * device <= HAIRLINE {
        1.0 / device
    } else {
        width
    }
}

/// A bundle of `count` edges is drawn thicker.
fn bundle_width(count: u32) -> Option<f32> {
    (count > 1).then(|| (1.0 + (count as f32).ln()).min(6.0))
}

fn class(kind: EdgeKind, bits: u8, count: u32) -> String {
    let mut class = format!("edge {}", kind.name());
    for (bit, name) in
        [(PATH, " path"), (EVIDENCE, " evidence"), (DOWN, " down"), (SELECTED, " selected"), (DIM, " dim")]
    {
        if bits & bit != 0 {
            class.push_str(name);
        }
    }
    if count > 1 {
        class.push_str(" bundle");
    }
    class
}

/// Every edge as SVG `<path>`s (for the SVG export), in the classes `graph.css` styles; marked
/// edges with their halo under them.
pub fn markup(d: &Drawing, states: &[u8], marks: &[u8]) -> String {
    let mut out = String::with_capacity(d.view.edges.len() * 96);
    for (e, m) in marks.iter().enumerate() {
        let (Some((name, ..)), Some(path)) = (halo(*m), edge_path(d, e)) else { continue };
        let _ = write!(out, "<path class=\"halo prov-{name}\" d=\"{path}\"/>");
    }
    for (e, edge) in d.view.edges.iter().enumerate() {
        let Some(path) = edge_path(d, e) else { continue };
        let bits = states.get(e).copied().unwrap_or(0);
        let _ = write!(out, "<path class=\"{}\" d=\"{path}\"", class(edge.kind, bits, edge.count));
        if let Some(w) = bundle_width(edge.count) {
            let _ = write!(out, " stroke-width=\"{w:.1}\"");
        }
        out.push_str("/>");
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct OverlayProps {
    pub drawing: Ptr<Drawing>,
    pub states: Ptr<Vec<u8>>,
}

/// The highlighted edges, as SVG.
#[component]
pub fn EdgeOverlay(p: &OverlayProps) -> Html {
    let d = &p.drawing;
    let edges = p.states.iter().enumerate().filter(|(_, &bits)| bits & HIGHLIGHT != 0).filter_map(|(e, &bits)| {
        let edge = d.view.edges.get(e)?;
        let path = edge_path(d, e)?;
        let width = bundle_width(edge.count).map(|w| format!("{w:.1}"));
        Some(html! { <path class={class(edge.kind, bits, edge.count)} d={path} stroke-width={width} /> })
    });
    html! { <g class="edges">{ for edges }</g> }
}

/// Where the scene is on screen: screen = scene · k + (x, y), in a `w`×`h` CSS-pixel viewport
/// of `ratio` device pixels per CSS pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub k: f64,
    pub w: f64,
    pub h: f64,
    pub ratio: f64,
}

impl Viewport {
    /// The visible part of the scene, grown by `margin` scene units: (left, top, right, bottom).
    pub fn visible(&self, margin: f32) -> [f32; 4] {
        let k = self.k.max(1e-6);
        [
            (-self.x / k) as f32 - margin,
            (-self.y / k) as f32 - margin,
            ((self.w - self.x) / k) as f32 + margin,
            ((self.h - self.y) / k) as f32 + margin,
        ]
    }
}

/// The canvas's 2D context.
pub fn context_2d(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok())
}

/// The graph's colours, as an element resolves its CSS variables (light or dark theme).
pub struct Palette(Option<web_sys::CssStyleDeclaration>);

impl Palette {
    pub fn of(el: &web_sys::Element) -> Palette {
        Palette(web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten()))
    }

    /// The colour of CSS variable `var`, or `fallback` when it is unset.
    pub fn get(&self, var: &str, fallback: &str) -> String {
        self.0
            .as_ref()
            .and_then(|s| s.get_property_value(var).ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| fallback.to_string())
    }
}

/// How one group of edges is stroked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Style {
    /// Left out by the filter: drawn faint.
    dim: bool,
    kind: u8,
    down: bool,
    /// Stroke width in tenths.
    width: u8,
}

fn kind_index(kind: EdgeKind) -> u8 {
    match kind {
        EdgeKind::Runtime => 0,
        EdgeKind::Start => 1,
        EdgeKind::Soft => 2,
        EdgeKind::Monitor => 3,
        EdgeKind::Credential => 4,
    }
}

/// Stroke width, dash pattern and colour variable of a kind (as `graph.css` draws them).
fn kind_style(kind: u8) -> (f32, &'static [f64], &'static str) {
    match kind {
        1 => (1.3, &[6.0, 4.0], "--g-edge"),
        2 => (1.6, &[1.5, 3.5], "--g-edge"),
        3 => (0.8, &[], "--g-monitor"),
        4 => (1.3, &[8.0, 3.0, 2.0, 3.0], "--g-credential"),
        _ => (1.3, &[], "--g-edge"),
    }
}

/// What the canvas paints of the edges: their states and marks, and the mark the filter keeps.
pub struct Painted<'a> {
    pub states: &'a [u8],
    /// Per edge, its marks (empty: none marked).
    pub marks: &'a [u8],
    /// Only edges with this mark are drawn plainly; the others are faint.
    pub filter: Option<u8>,
}

/// Clears `canvas` (sized to the viewport) and paints the edges of `d` that are not
/// highlighted, in the colours of `style_of`'s CSS variables, marked ones over their halo; with
/// `ends`, only the edges with an end among them.
///
/// # Complexity
/// O(edges): a bounds test each; the visible ones are added to one path per style.
pub fn paint(
    canvas: &web_sys::HtmlCanvasElement,
    style_of: &web_sys::Element,
    d: Option<&Drawing>,
    painted: &Painted<'_>,
    ends: Option<&[bool]>,
    vp: Viewport,
) {
    let Painted { states, marks, filter } = *painted;
    let (pw, ph) = ((vp.w * vp.ratio).round().max(1.0) as u32, (vp.h * vp.ratio).round().max(1.0) as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let Some(ctx) = context_2d(canvas) else { return };
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, f64::from(pw), f64::from(ph));
    let (r, k) = (vp.ratio, vp.k);
    // The scene's transform, also for whatever is painted after the edges.
    let _ = ctx.set_transform(r * k, 0.0, 0.0, r * k, r * vp.x, r * vp.y);
    let Some(d) = d else { return };
    let palette = Palette::of(style_of);
    let colour = |var: &str, fallback: &str| palette.get(var, fallback);

    // Visible, unhighlighted edges by style.
    let view = vp.visible(40.0);
    let [left, top, right, bottom] = view;
    let inside = |p: Point, [l, t, r, b]: [f32; 4]| p.0 >= l && p.0 <= r && p.1 >= t && p.1 <= b;
    let mut scratch: Vec<Piece> = Vec::new();
    let shown = |v: u32| ends.is_none_or(|s| s.get(v as usize).copied().unwrap_or(false));
    let mut edges: Vec<(Style, [Point; 4])> = Vec::new();
    let mut halos: Vec<(u8, [Point; 4])> = Vec::new();
    for (e, edge) in d.view.edges.iter().enumerate() {
        let bits = states.get(e).copied().unwrap_or(0);
        let mark = marks.get(e).copied().unwrap_or(0);
        let dim = bits & DIM != 0 || filter.is_some_and(|f| mark & f == 0);
        if !shown(edge.from) && !shown(edge.to) {
            continue;
        }
        let Some(c) = curve(d, e) else { continue };
        let (x0, x1) = c.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
        let (y0, y1) = c.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
        if x1 < left || x0 > right || y1 < top || y0 > bottom {
            continue;
        }
        if mark != 0 && !dim {
            halos.push((mark, c));
        }
        if bits & HIGHLIGHT != 0 {
            continue;
        }
        let kind = kind_index(edge.kind);
        let base = bundle_width(edge.count).unwrap_or(kind_style(kind).0);
        let down = bits & DOWN != 0 && edge.kind.is_dependency();
        edges.push((Style { dim, kind, down, width: (base * 10.0) as u8 }, c));
    }
    edges.sort_unstable_by_key(|(s, _)| *s);

    // Halos first, under the edges: one stroke per mark.
    halos.sort_unstable_by_key(|(m, _)| halo(*m).map(|h| h.0));
    for group in halos.chunk_by(|a, b| halo(a.0).map(|h| h.0) == halo(b.0).map(|h| h.0)) {
        let Some((name, width, dash, var, fallback)) = group.first().and_then(|(m, _)| halo(*m)) else { continue };
        ctx.set_global_alpha(0.42);
        ctx.set_stroke_style_str(&colour(var, fallback));
        ctx.set_line_width(width);
        ctx.set_line_cap(if name == "inferred" { "round" } else { "butt" });
        let pattern: js_sys::Array = dash.iter().map(|&x| JsValue::from_f64(x)).collect();
        let _ = ctx.set_line_dash(&pattern);
        ctx.begin_path();
        for &(_, c) in group {
            trace(&ctx, c, view, &mut scratch);
        }
        ctx.stroke();
    }

    let down = colour("--g-down-stroke", "#d55e00");
    for group in edges.chunk_by(|a, b| a.0 == b.0) {
        let style = group[0].0;
        let (_, dash, var) = kind_style(style.kind);
        let stroke = if style.down { down.clone() } else { colour(var, "#7d8799") };
        let width = f64::from(style.width) / 10.0;
        ctx.set_global_alpha(match (style.dim, style.down) {
            (true, _) => 0.15,
            (false, true) => 0.9,
            (false, false) => 0.8,
        });
        ctx.set_stroke_style_str(&stroke);
        ctx.set_fill_style_str(&stroke);
        ctx.set_line_width(drawn_width(width, r * k));
        ctx.set_line_cap(if style.kind == 2 { "round" } else { "butt" });
        let pattern: js_sys::Array = dash.iter().map(|&x| JsValue::from_f64(x)).collect();
        let _ = ctx.set_line_dash(&pattern);
        ctx.begin_path();
        for &(_, c) in group {
            trace(&ctx, c, view, &mut scratch);
        }
        ctx.stroke();
        // Arrowheads at the dependency's end, along the curve's last tangent; sized with the
        // stroke like SVG markers, but never larger than a thin bundle's.
        let len = 7.0 * width.min(1.8);
        if len * k < 2.0 {
            // Specks at this zoom.
            continue;
        }
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        ctx.begin_path();
        // Only those on screen: the margin of `view` is wider than an arrowhead.
        for (_, [_, _, c2, q]) in group.iter().filter(|(_, c)| inside(c[3], view)) {
            let (dx, dy) = (f64::from(q.0 - c2.0), f64::from(q.1 - c2.1));
            let n = dx.hypot(dy).max(1e-6);
            let (ux, uy) = (dx / n, dy / n);
            let (tx, ty) = (f64::from(q.0), f64::from(q.1));
            let (bx, by) = (tx - ux * len, ty - uy * len);
            ctx.move_to(tx, ty);
            ctx.line_to(bx - uy * len * 0.5, by + ux * len * 0.5);
            // No closePath: fill closes each triangle itself, and Chromium's closePath grows
            // slower with every subpath (1.7 s for 36,000 arrowheads).
            ctx.line_to(bx + uy * len * 0.5, by - ux * len * 0.5);
        }
        ctx.fill();
    }
    ctx.set_global_alpha(1.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Scene;
    use blastmap_layout::RollUp;

    /// The point at `t` of cubic `c`.
    fn at([p0, p1, p2, p3]: [Point; 4], t: f32) -> Point {
        let u = 1.0 - t;
        let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        (a * p0.0 + b * p1.0 + c * p2.0 + d * p3.0, a * p0.1 + b * p1.1 + c * p2.1 + d * p3.1)
    }

    /// Clipped to a rectangle, a curve keeps every point inside it, on the same curve, in
    /// pieces in order that share their ends exactly where they meet; what it drops lies
    /// outside. Random curves (some thousands of units long, as an edge to a node far off
    /// screen is) against random rectangles.
    #[test]
    fn a_curve_clipped_to_the_screen_keeps_all_of_it_that_shows() {
        let mut seed = 0x9e37_79b9_u32;
        let mut rnd = |lo: f32, hi: f32| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            lo + (hi - lo) * (seed as f32 / u32::MAX as f32)
        };
        let mut pieces = Vec::new();
        let (mut cut, mut inside_total) = (0usize, 0usize);
        for _ in 0..2_000 {
            let span = if rnd(0.0, 1.0) < 0.5 { 400.0 } else { 40_000.0 };
            let c = [(); 4].map(|_| (rnd(-span, span), rnd(-span, span)));
            let (x, y) = (rnd(-300.0, 300.0), rnd(-300.0, 300.0));
            let rect = [x, y, x + rnd(50.0, 1_500.0), y + rnd(50.0, 1_000.0)];
            pieces.clear();
            clip(c, rect, &mut pieces);
            if pieces.iter().map(|q| q.to - q.from).sum::<f32>() < 1.0 {
                cut += 1;
            }
            for q in &pieces {
                // Each piece meets the rectangle; one that reaches outside is no larger than it.
                let (x0, x1) = q.c.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
                let (y0, y1) = q.c.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
                let [l, tp, r, b] = rect;
                assert!(x1 >= l && x0 <= r && y1 >= tp && y0 <= b, "{q:?} misses {rect:?}");
                let inside = x0 >= l && x1 <= r && y0 >= tp && y1 <= b;
                assert!(inside || (x1 - x0 <= r - l && y1 - y0 <= b - tp) || q.to - q.from < 1e-3, "{q:?} {rect:?}");
            }
            assert!(pieces.len() <= 4 * CLIP_DEPTH as usize + 2, "{} pieces", pieces.len());
            for w in pieces.windows(2) {
                assert!(w[0].to <= w[1].from, "out of order: {w:?}");
                if w[0].to == w[1].from {
                    assert_eq!(w[0].c[3], w[1].c[0], "pieces that meet share their end");
                }
            }
            let scale = c.iter().fold(1.0f32, |m, p| m.max(p.0.abs()).max(p.1.abs()));
            for i in 0..=400 {
                let t = i as f32 / 400.0;
                let p = at(c, t);
                let [l, tp, r, b] = rect;
                let held = pieces.iter().find(|q| q.from <= t && t <= q.to);
                if p.0 >= l && p.0 <= r && p.1 >= tp && p.1 <= b {
                    inside_total += 1;
                    let q = held.unwrap_or_else(|| panic!("point {p:?} at t = {t} of {c:?} dropped (in {rect:?})"));
                    let local = at(q.c, (t - q.from) / (q.to - q.from));
                    let off = (local.0 - p.0).abs().max((local.1 - p.1).abs());
                    assert!(off <= scale * 1e-4, "piece {q:?} is off the curve by {off} at t = {t}");
                }
            }
        }
        // Not vacuous: curves crossed the rectangles, and were cut.
        assert!(inside_total > 10_000 && cut > 500, "{inside_total} points inside, {cut} curves cut");
    }

    #[test]
    fn strokes_between_one_and_two_device_pixels_are_drawn_as_hairlines() {
        // At one device pixel per scene unit: 1.3 and 1.6 wide → one device pixel.
        assert_eq!(drawn_width(1.3, 1.0), 1.0);
        assert_eq!(drawn_width(1.6, 1.0), 1.0);
        // Zoomed out: 1.3 units are 0.65 device pixels, a hairline already; left alone.
        assert_eq!(drawn_width(1.3, 0.5), 1.3);
        // On a 2x display or zoomed in, a stroke over two device pixels keeps its width, as
        // does a thick bundle.
        assert_eq!(drawn_width(1.3, 2.0), 1.3);
        assert_eq!(drawn_width(3.0, 1.0), 3.0);
        // Exactly two device pixels: the hairline, half a unit at four device pixels per unit.
        assert_eq!(drawn_width(0.5, 4.0), 0.25);
    }

    #[test]
    fn edges_between_bands_side_by_side_run_from_right_to_left() {
        use crate::components::graph_view::tests::{chain_text, drawing};
        let d = drawing(&chain_text(3_000), &RollUp::by(&[blastmap_layout::RollUpBy::Depth]));
        let (mut across, mut down) = (0, 0);
        for (e, edge) in d.view.edges.iter().enumerate() {
            let [p, _, _, q] = curve(&d, e).unwrap();
            let (a, b) = (d.layout.nodes[edge.from as usize], d.layout.nodes[edge.to as usize]);
            if a.y == b.y {
                // In a row: from the dependent's right side to the dependency's left.
                assert_eq!((p, q), ((a.x + a.w, a.y + a.h / 2.0), (b.x, b.y + b.h / 2.0)));
                across += 1;
            } else {
                // From a row's end to the next row's start: bottom to top, as in a column.
                assert_eq!((p, q), (a.bottom(), b.top()));
                down += 1;
            }
        }
        assert!(across > 0 && down > 0, "{across} {down}");
    }

    #[test]
    fn every_edge_is_exported_with_its_kind_and_state() {
        let text = "components:
- {id: web, requires: [api], requires_at_start: [db], monitored_by: [mon]}
- {id: api}
- {id: db}
- {id: mon}
";
        let l = crate::load::load(text).unwrap();
        let scene = Scene::new(&l.compiled.model, l.compiled.mesh.as_ref());
        let d = Drawing::new(&l.compiled.model, &scene, None, &RollUp::none());
        let mut states = vec![0; d.view.edges.len()];
        states[0] = DOWN | PATH;
        let svg = markup(&d, &states, &[]);
        assert_eq!(svg.matches("<path ").count(), d.view.edges.len());
        for kind in ["runtime", "start", "monitor"] {
            assert!(svg.contains(&format!("class=\"edge {kind}")), "{kind}: {svg}");
        }
        assert!(svg.contains(" path down\""), "{svg}");
        // Curves run from the dependent's bottom to the dependency's top.
        for e in 0..d.view.edges.len() {
            let [p, _, _, q] = curve(&d, e).unwrap();
            let (a, b) = (d.layout.nodes[d.view.edges[e].from as usize], d.layout.nodes[d.view.edges[e].to as usize]);
            assert!(p == a.bottom() || p == a.top());
            assert!(q == b.top() || q == b.bottom());
        }
    }

    #[test]
    fn a_click_finds_the_edge_under_it_and_marked_edges_get_their_halo() {
        let text = "components:
- {id: web, requires: [api, db]}
- {id: api, requires: [db]}
- {id: db}
";
        let l = crate::load::load(text).unwrap();
        let scene = Scene::new(&l.compiled.model, l.compiled.mesh.as_ref());
        let d = Drawing::new(&l.compiled.model, &scene, None, &RollUp::none());
        for e in 0..d.view.edges.len() {
            // The middle of each curve finds it; far away finds nothing.
            let [p, c1, c2, q] = curve(&d, e).unwrap();
            let (x, y) = ((p.0 + 3.0 * c1.0 + 3.0 * c2.0 + q.0) / 8.0, (p.1 + 3.0 * c1.1 + 3.0 * c2.1 + q.1) / 8.0);
            assert_eq!(nearest(&d, x + 1.0, y, 5.0), Some(e), "edge {e}");
        }
        assert_eq!(nearest(&d, -500.0, -500.0, 5.0), None);
        let note = blastmap_core::note::Note {
            kind: blastmap_core::note::NoteKind::Overlay,
            rule: "overlay.monitored_by".into(),
            subject: "web".into(),
            edge: Some(blastmap_core::note::EdgeRef {
                from: "web".into(),
                to: "db".into(),
                field: Some(blastmap_core::format::RefField::Requires),
                was: None,
            }),
            pos: None,
            message: String::new(),
        };
        let marks = edge_marks(&d, &review::Marks::of(&[note]));
        assert_eq!(marks.iter().filter(|&&m| m == review::OVERLAY).count(), 1);
        let svg = markup(&d, &vec![0; d.view.edges.len()], &marks);
        assert_eq!(svg.matches("<path class=\"halo prov-overlay\"").count(), 1);
        assert!(edge_marks(&d, &review::Marks::default()).is_empty());
    }
}
