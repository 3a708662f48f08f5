//! Region and zone boxes: failed or down when their placement value is; a click on a label
//! fails or restores everything placed there.

use blastmap_core::algo::WhatIf;
use blastmap_core::Model;
use blastmap_layout::{Band, BandKind};
use yew::prelude::*;

/// A band's class, label and label baseline.
pub fn text(b: &Band) -> (&'static str, String, f32) {
    match b.kind {
        BandKind::Region => ("region", format!("region {}", b.label), b.y + 16.0),
        BandKind::Zone => ("zone", b.label.clone(), b.y + 15.0),
    }
}

/// A band's placement value (`region:east`) and status (`up`, `down` or `failed`).
pub fn status(model: &Model, what_if: Option<&WhatIf>, b: &Band) -> (String, &'static str) {
    let id = format!("{}:{}", if b.kind == BandKind::Region { "region" } else { "zone" }, b.label);
    let status = match (model.lookup(&id), what_if) {
        (Some(v), Some(w)) if w.steady.failed[v as usize] => "failed",
        (Some(v), Some(w)) if w.steady.is_down(v) => "down",
        _ => "up",
    };
    (id, status)
}

/// One band as the page draws it; its label is clickable when the value can fail.
pub fn view(model: &Model, what_if: Option<&WhatIf>, b: &Band) -> Html {
    let (id, status) = status(model, what_if, b);
    let (kind, label, label_y) = text(b);
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
}
