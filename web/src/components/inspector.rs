//! The inspector: the component or edge under review, over the graph's corner, with what it means
//! now and what the export said, and the choices that change its meaning. Each choice writes the
//! overlay (a [`Refine`] the reducer turns into overlay lines) and the analysis reruns.
//!
//! An edge: requires / start order only / soft (degrades) / telemetry / drop. A component:
//! critical, entry point or not a target, placement (zone, region, host), need k of n, and each
//! of its dependencies' meaning (a replicated workload's are on its replicas, written once on it).

use blastmap_core::format::RefField;
use blastmap_core::model::Origin;
use blastmap_core::NodeId;
use yew::prelude::*;

use super::Ptr;
use crate::overlay_text::{self, Key, Scalar};
use crate::review::{self, meaning_name, Context, Refine, MARKS};
use crate::state::{Analysis, Selection};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub analysis: Ptr<Analysis>,
    pub overlay: Ptr<str>,
    pub selected: Selection,
    pub on_refine: Callback<Refine>,
    pub on_select: Callback<Option<Selection>>,
    /// Fail or restore a component.
    pub on_toggle: Callback<String>,
    /// Show this line of the overlay.
    pub on_jump: Callback<u32>,
}

/// The choices of an edge's meaning: value for `data-meaning`, and the meaning.
const CHOICES: [(&str, Option<RefField>); 5] = [
    ("requires", Some(RefField::Requires)),
    ("requires_at_start", Some(RefField::RequiresAtStart)),
    ("degrades_without", Some(RefField::DegradesWithout)),
    ("monitored_by", Some(RefField::MonitoredBy)),
    ("drop", None),
];

/// What each choice means, for its tooltip.
fn explain(m: Option<RefField>) -> &'static str {
    match m {
        Some(RefField::Requires) => "It is down when this is down (a runtime dependency)",
        Some(RefField::RequiresAtStart) => "It needs this only to start (compose's depends_on is often this)",
        Some(RefField::DegradesWithout) => "It keeps running, degraded, without this",
        Some(RefField::MonitoredBy) => "This watches it (telemetry): not a dependency",
        _ => "There is no such edge (the export is wrong about it)",
    }
}

/// One dependency of a component: where it points, its meaning, and on how many replicas it is.
struct Dep {
    to: String,
    meaning: RefField,
    replicas: usize,
}

/// The dependencies of `v` with one of the four meanings (for a replica group: its replicas'
/// too, once), in list order; replica edges of the group itself left out.
fn dependencies(a: &Analysis, id: &str) -> Vec<Dep> {
    let model = &a.model;
    let Some(v) = model.lookup(id) else { return Vec::new() };
    let replicas = review::replicas(model, id);
    let of = |v: NodeId| {
        [
            (RefField::Requires, model.requires(v)),
            (RefField::RequiresAtStart, model.start(v)),
            (RefField::DegradesWithout, model.degrades(v)),
            (RefField::MonitoredBy, model.monitors(v)),
        ]
        .into_iter()
        .flat_map(|(f, list)| list.iter().map(move |&t| (f, t)))
        .collect::<Vec<_>>()
    };
    let mut out: Vec<Dep> = of(v)
        .into_iter()
        .filter(|(_, t)| !replicas.iter().any(|r| r == model.name(*t)))
        .map(|(meaning, t)| Dep { to: model.name(t).to_string(), meaning, replicas: 0 })
        .collect();
    if let Some(first) = replicas.first().and_then(|r| model.lookup(r)) {
        for (meaning, t) in of(first) {
            if !out.iter().any(|d| d.to == model.name(t)) {
                out.push(Dep { to: model.name(t).to_string(), meaning, replicas: replicas.len() });
            }
        }
    }
    out
}

/// The chips of an edge's marks.
fn mark_chips(marks: u8) -> Html {
    MARKS
        .iter()
        .filter(|(bit, _, _)| marks & bit != 0)
        .map(|(_, name, text)| html! { <span class={classes!("mark-chip", format!("prov-{name}"))}>{ *text }</span> })
        .collect()
}

/// The line of the overlay entry for `id`, if the overlay has one.
fn entry_line(overlay: &str, id: &str) -> Option<u32> {
    let doc = overlay_text::read(overlay)?;
    let i = doc.topology.components.iter().position(|c| c.id == id)?;
    doc.spans.get(i).and_then(|s| s.id.or(s.at)).map(|p| p.line)
}

fn edge_view(p: &Props, from: &str, to: &str) -> Html {
    let a = &p.analysis;
    let model = &a.model;
    let holder = review::group_of(model, from).unwrap_or_else(|| from.to_string());
    let is_placement = model.lookup(to).is_some_and(|t| model.node(t).is_placement());
    let credential = model.lookup(from).zip(model.lookup(to)).is_some_and(|(f, t)| model.credentials(f).contains(&t));
    let doc = overlay_text::read(&p.overlay);
    let ctx = Context { model, baseline: &a.baseline, overlay: doc.as_ref() };
    let now = review::meaning_in(model, from, to)
        .or_else(|| review::replicas(model, from).iter().find_map(|r| review::meaning_in(model, r, to)));
    let export = ctx.export_meaning(&holder, to);
    let marks = a.marks.get(from, to);
    let choices = CHOICES.iter().map(|&(value, meaning)| {
        let on = now == meaning && (meaning.is_some() || now.is_none());
        let refine = Refine::Edge { from: from.to_string(), to: to.to_string(), meaning, explicit: false };
        html! {
            <button class={classes!("choice", on.then_some("on"))} data-meaning={value} aria-pressed={on.to_string()}
                    title={explain(meaning)} onclick={p.on_refine.reform(move |_| refine.clone())}>
                { meaning_name(meaning).replace("dropped", "drop") }
            </button>
        }
    });
    let select = |id: &str| {
        let id = id.to_string();
        p.on_select.reform(move |_| Some(Selection::Component(id.clone())))
    };
    let line = entry_line(&p.overlay, &holder);
    html! { <>
        <div class="insp-title">
            <span class="insp-kind">{ "Edge" }</span>
            <button class="link ident" onclick={select(from)}>{ from.to_string() }</button>
            <span aria-hidden="true">{ " → " }</span>
            <button class="link ident" onclick={select(to)}>{ to.to_string() }</button>
        </div>
        if is_placement {
            <p class="insp-note">{ format!("`{from}` runs on {to}: change its placement on the component.") }</p>
        } else if credential && now.is_none() {
            <p class="insp-note">{ "Holds credentials for it: a trust edge, not a failure dependency. Write it in the overlay by hand." }</p>
        } else {
            <p class="insp-now">
                { "Now: " }<strong id="edge-meaning">{ meaning_name(now) }</strong>
                if export != now {
                    <span class="muted">{ format!(" · the export says {}", meaning_name(export)) }</span>
                }
            </p>
            if marks != 0 { <p class="insp-marks">{ mark_chips(marks) }</p> }
            <div class="choices" role="group" aria-label="What this edge means">{ for choices }</div>
            if holder != from {
                <p class="insp-note">{ format!("Written on `{holder}`, for every replica of it.") }</p>
            }
        }
        if let Some(l) = line {
            <p class="insp-note"><button class="link" onclick={p.on_jump.reform(move |_| l)}>{ format!("`{holder}` in the overlay, line {l}") }</button></p>
        }
    </> }
}

fn component_view(p: &Props, id: &str) -> Html {
    let a = &p.analysis;
    let model = &a.model;
    let Some(v) = model.lookup(id) else {
        return html! { <p class="insp-note">{ format!("`{id}` is not in the topology now.") }</p> };
    };
    let node = model.node(v);
    let toggle = {
        let id = id.to_string();
        p.on_toggle.reform(move |_| id.clone())
    };
    if let Origin::Placement(attr) = node.origin {
        return html! { <>
            <div class="insp-title"><span class="insp-kind">{ attr }</span><span class="ident">{ id.to_string() }</span></div>
            <p class="insp-note">{ "A placement value: what runs here is set on each component (its placement below)." }</p>
            <button class="btn small" onclick={toggle}>{ "Fail or restore it" }</button>
        </> };
    }
    let scalar = |key: Key, value: Option<Scalar>| {
        let refine = Refine::Scalar { id: id.to_string(), key, value, explicit: false };
        p.on_refine.reform(move |_| refine.clone())
    };
    let is_target = model.targets().contains(&v);
    let target_now = match (node.target, node.critical, is_target) {
        (Some(false), _, _) => "not a target (marked)",
        (Some(true), _, _) => "an entry point (a target)",
        (None, true, _) => "a target (critical)",
        (None, false, true) => "a target (nothing depends on it)",
        (None, false, false) => "not a target",
    };
    let entry = node.target == Some(true);
    let not_target = node.target == Some(false);
    let place = |attr: &'static str, key: Key| {
        let now = review::placement_of(model, id, attr).unwrap_or_default();
        let id = id.to_string();
        let on_refine = p.on_refine.clone();
        let onchange = Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let value = input.value().trim().to_string();
            let value = (!value.is_empty()).then_some(Scalar::Text(value));
            on_refine.emit(Refine::Scalar { id: id.clone(), key, value, explicit: false });
        });
        html! {
            <label class="place">
                <span>{ attr }</span>
                <input id={format!("place-{attr}")} value={now} placeholder="—" spellcheck="false" {onchange}
                       title={format!("Where it runs ({attr}); Enter writes it into the overlay, empty takes the overlay's word back")} />
            </label>
        }
    };
    let deps = dependencies(a, id);
    let n = model.requires(v).len() as u32;
    let need = model.need(v);
    let on_need = {
        let (id, on_refine) = (id.to_string(), p.on_refine.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            if let Ok(k) = input.value().trim().parse::<u32>() {
                let k = k.clamp(1, n.max(1));
                on_refine.emit(Refine::Scalar {
                    id: id.clone(),
                    key: Key::Need,
                    value: Some(Scalar::Int(k)),
                    explicit: false,
                });
            }
        })
    };
    let group = review::group_of(model, id);
    let rows = deps.iter().map(|d| {
        let (from, to) = (id.to_string(), d.to.clone());
        let on_refine = p.on_refine.clone();
        let onchange = Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            let value = select.value();
            if let Some(&(_, meaning)) = CHOICES.iter().find(|(v, _)| *v == value) {
                on_refine.emit(Refine::Edge { from: from.clone(), to: to.clone(), meaning, explicit: false });
            }
        });
        let pick = {
            let (from, to) = (id.to_string(), d.to.clone());
            p.on_select.reform(move |_| Some(Selection::Edge { from: from.clone(), to: to.clone() }))
        };
        let marks = a.marks.get(id, &d.to);
        html! {
            <li class="dep" data-to={d.to.clone()}>
                <button class="link ident" title="Show this edge" onclick={pick}>{ d.to.clone() }</button>
                if marks != 0 { <span class="dep-marks">{ mark_chips(marks) }</span> }
                if d.replicas > 0 { <span class="muted small" title="On each replica">{ format!("×{}", d.replicas) }</span> }
                <select class="meaning" aria-label={format!("What {} → {} means", id, d.to)} {onchange}>
                    { for CHOICES.iter().map(|&(value, meaning)| html! {
                        <option value={value} selected={meaning == Some(d.meaning)}>{ meaning_name(meaning).replace("dropped", "drop") }</option>
                    }) }
                </select>
            </li>
        }
    });
    let line = entry_line(&p.overlay, group.as_deref().unwrap_or(id));
    // The high-availability subnet routes this router is the primary of.
    let primary_of: Vec<String> = a
        .mesh
        .iter()
        .flat_map(|m| &m.routes)
        .filter(|r| r.failover.is_some() && a.model.lookup(id) == Some(r.primary))
        .map(|r| r.route.clone())
        .collect();
    html! { <>
        <div class="insp-title">
            <span class="insp-kind">{ node.kind.clone().unwrap_or_else(|| "component".into()) }</span>
            <span class="ident">{ id.to_string() }</span>
            if !primary_of.is_empty() { <span class="chip primary-router" id="primary-router">{ "primary router" }</span> }
        </div>
        if !primary_of.is_empty() {
            <p class="insp-note">{ format!(
                "The primary router of {}: it keeps serving while the shard is down, but failing over to a standby router needs the shard.",
                primary_of.join(", ")
            ) }</p>
        }
        if let Some(g) = &group {
            <p class="insp-note">{ format!("A replica of `{g}`: its dependencies are written on `{g}`, for every replica.") }</p>
        }
        <div class="insp-row">
            <button class={classes!("choice", node.critical.then_some("on"))} id="critical-toggle" aria-pressed={node.critical.to_string()}
                    title="What the business cares about: a target of every analysis"
                    onclick={scalar(Key::Critical, Some(Scalar::Bool(!node.critical)))}>{ "critical" }</button>
            <button class={classes!("choice", entry.then_some("on"))} id="target-entry" aria-pressed={entry.to_string()}
                    title="An entry point: a target (target: true); again to take it back"
                    onclick={scalar(Key::Target, (!entry).then_some(Scalar::Bool(true)))}>{ "entry point" }</button>
            <button class={classes!("choice", not_target.then_some("on"))} id="target-none" aria-pressed={not_target.to_string()}
                    title="Never a target (target: false): a load generator, a test client; again to take it back"
                    onclick={scalar(Key::Target, (!not_target).then_some(Scalar::Bool(false)))}>{ "not a target" }</button>
        </div>
        <p class="insp-now">{ "Now " }<strong id="target-now">{ target_now }</strong></p>
        <div class="insp-places">
            { place("zone", Key::Zone) }
            { place("region", Key::Region) }
            { place("host", Key::Host) }
        </div>
        if n > 1 {
            <label class="insp-need">
                { "need " }
                <input type="number" id="need-input" min="1" max={n.to_string()} value={need.to_string()} onchange={on_need}
                       title="How many of its dependencies it needs (k of n)" />
                { format!(" of {n}") }
            </label>
        }
        <h4>{ format!("Dependencies ({})", deps.len()) }</h4>
        if deps.is_empty() {
            <p class="muted small">{ "None." }</p>
        } else {
            <ul class="deps">{ for rows }</ul>
        }
        <div class="insp-foot">
            <button class="btn small" id="inspector-fail" onclick={toggle}>{ "Fail or restore it" }</button>
            if let Some(l) = line {
                <button class="link" onclick={p.on_jump.reform(move |_| l)}>{ format!("in the overlay, line {l}") }</button>
            }
        </div>
    </> }
}

/// The inspector card.
#[component]
pub fn Inspector(p: &Props) -> Html {
    let body = match &p.selected {
        Selection::Component(id) => component_view(p, id),
        Selection::Edge { from, to } => edge_view(p, from, to),
    };
    html! {
        <aside class="inspector" id="inspector" aria-label="Review">
            <button class="insp-close" title="Close" aria-label="Close" onclick={p.on_select.reform(|_| None)}>{ "×" }</button>
            { body }
        </aside>
    }
}
