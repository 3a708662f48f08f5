//! The second cue beside colour: a small shape per status, drawn in SVG so no font is needed.

use std::fmt::Write as _;

use yew::prelude::*;

/// Each status's shape: paths with their class (`i-stroke` or `i-fill`), in a 12×12 box.
const SHAPES: [(&str, &[(&str, &str)]); 5] = [
    ("failed", &[("i-stroke", "M2 2 L10 10 M10 2 L2 10")]),
    ("down", &[("i-fill", "M1 2 H11 L6 11 Z")]),
    (
        "degraded",
        &[
            ("i-stroke", "M1.5 6 A4.5 4.5 0 1 0 10.5 6 A4.5 4.5 0 1 0 1.5 6"),
            ("i-fill", "M6 1.5 A4.5 4.5 0 0 1 6 10.5 Z"),
        ],
    ),
    ("cannot-restart", &[("i-stroke", "M9.8 4 A4.3 4.3 0 1 0 10.2 7.5"), ("i-fill", "M7.5 1.5 L10.5 4.2 L7 5.2 Z")]),
    ("unmonitored", &[("i-stroke", "M0.8 6 Q6 0.5 11.2 6 Q6 11.5 0.8 6 Z"), ("i-stroke", "M1.5 11 L10.5 1")]),
];

fn shape(status: &str) -> &'static [(&'static str, &'static str)] {
    SHAPES.iter().find(|(s, _)| *s == status).map_or(&[], |(_, paths)| paths)
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `failed`, `down`, `degraded`, `cannot-restart` or `unmonitored`.
    pub status: AttrValue,
    /// Top-left corner, in the parent's coordinates; the icon is 12×12.
    #[prop_or_default]
    pub x: f32,
    #[prop_or_default]
    pub y: f32,
}

/// A 12×12 status icon for use inside an `<svg>`.
#[component]
pub fn StatusIcon(p: &Props) -> Html {
    let paths = shape(&p.status).iter().map(|(class, d)| html! { <path d={*d} class={*class} /> });
    html! { <g class={classes!("icon", p.status.to_string())} transform={format!("translate({:.1},{:.1})", p.x, p.y)}>{ for paths }</g> }
}

/// The same icon as SVG markup (for exports).
pub fn markup(out: &mut String, status: &str, x: f32, y: f32) {
    let _ = write!(out, "<g class=\"icon {status}\" transform=\"translate({x:.1},{y:.1})\">");
    for (class, d) in shape(status) {
        let _ = write!(out, "<path d=\"{d}\" class=\"{class}\"/>");
    }
    out.push_str("</g>");
}
