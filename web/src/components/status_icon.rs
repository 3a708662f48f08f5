//! The second cue beside colour: a small shape per status, drawn in SVG so no font is needed.

use yew::prelude::*;

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
    let shape = match p.status.as_str() {
        "failed" => html! { <path d="M2 2 L10 10 M10 2 L2 10" class="i-stroke" /> },
        "down" => html! { <path d="M1 2 H11 L6 11 Z" class="i-fill" /> },
        "degraded" => html! { <>
            <circle cx="6" cy="6" r="4.5" class="i-stroke" />
            <path d="M6 1.5 A4.5 4.5 0 0 1 6 10.5 Z" class="i-fill" />
        </> },
        "cannot-restart" => html! { <>
            <path d="M9.8 4 A4.3 4.3 0 1 0 10.2 7.5" class="i-stroke" />
            <path d="M7.5 1.5 L10.5 4.2 L7 5.2 Z" class="i-fill" />
        </> },
        "unmonitored" => html! { <>
            <path d="M0.8 6 Q6 0.5 11.2 6 Q6 11.5 0.8 6 Z" class="i-stroke" />
            <path d="M1.5 11 L10.5 1" class="i-stroke" />
        </> },
        _ => html! {},
    };
    html! { <g class={classes!("icon", p.status.to_string())} transform={format!("translate({:.1},{:.1})", p.x, p.y)}>{ shape }</g> }
}
