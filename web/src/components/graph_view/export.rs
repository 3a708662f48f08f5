//! The SVG export: the whole view (every band, edge and node, on screen or not) drawn from the
//! drawing as markup, in a standalone file with the page's markers, patterns and stylesheet.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use super::super::graph_node::{self, NodeState};
use super::super::{edges, Ptr};
use super::bands;
use crate::scene::Drawing;

/// The graph's stylesheet, embedded in exported SVG files.
const GRAPH_CSS: &str = include_str!("../../../graph.css");

/// The whole view (bands, every edge, every node, whatever is on screen) as SVG markup, with
/// its width and height.
pub type Exporter = Box<dyn Fn() -> (f32, f32, String)>;

/// Puts into `slot` an exporter of `d` with these node and edge states, edge marks and band
/// statuses. The markup is built only when asked for.
pub fn install(
    slot: &RefCell<Option<Exporter>>,
    d: Ptr<Drawing>,
    edge_states: Ptr<Vec<u8>>,
    marks: Ptr<Vec<u8>>,
    states: Rc<Vec<NodeState>>,
    statuses: Vec<&'static str>,
) {
    *slot.borrow_mut() = Some(Box::new(move || {
        let mut inner = String::from("<g class=\"bands\">");
        for (b, status) in d.layout.bands.iter().zip(&statuses) {
            let (kind, label, label_y) = bands::text(b);
            let _ = write!(
                inner,
                "<g class=\"band {kind} {status}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"10\"/>\
                 <text class=\"band-label\" x=\"{:.1}\" y=\"{label_y:.1}\">{}</text></g>",
                b.x,
                b.y,
                b.w,
                b.h,
                b.x + 10.0,
                graph_node::escape(&label)
            );
        }
        let _ = write!(
            inner,
            "</g>\n<g class=\"edges\">{}</g>\n<g class=\"nodes\">{}</g>",
            edges::markup(&d, &edge_states, &marks),
            graph_node::markup(&d, &states)
        );
        (d.layout.width, d.layout.height, inner)
    }));
}

/// The graph as a standalone SVG file: the view `exporter` draws, with the page's markers,
/// patterns (`#graph-defs`) and graph stylesheet.
pub fn svg_file(exporter: &Exporter) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let defs = doc.get_element_by_id("graph-defs")?.outer_html();
    let (w, h, inner) = exporter();
    let (w, h) = (w.ceil(), h.ceil());
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph export\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n<style>{GRAPH_CSS}</style>\n{defs}\n<g>{inner}</g>\n</svg>\n"
    ))
}
