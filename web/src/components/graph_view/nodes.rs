//! The nodes drawn in SVG, kept by the page itself rather than as Yew components: each node is
//! markup ([`graph_node::write`]); the new and moved ones of a render are parsed by the browser
//! in one `innerHTML`, those whose state alone changed are changed in place
//! ([`graph_node::patch`]), the others left as they are. Yew made each new node's elements and
//! attributes one call at a time (a region of a million-edge estate opened into ~180 new nodes:
//! ~30 ms of a click, most of it crossing into JavaScript).

use std::collections::HashMap;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::super::graph_node::{self, Drawn, NodeState, Patch};
use super::super::Ptr;
use crate::scene::Drawing;

const SVG: &str = "http://www.w3.org/2000/svg";

/// The nodes a `<g>` shows, in order, each with what it was drawn from.
#[derive(Default)]
struct Layer {
    /// The `<g>` they are in (another one starts afresh).
    into: Option<web_sys::Element>,
    shown: Vec<(String, Drawn, web_sys::Element)>,
}

/// Keeps the children of the `<g>` behind `nodes_ref` the nodes of `drawing` that `states` says
/// are drawn, in the render itself ([`super::use_drawn_in_render`]).
#[hook]
pub fn use_nodes(nodes_ref: NodeRef, drawing: Ptr<Drawing>, states: std::rc::Rc<Vec<NodeState>>) {
    let layer = use_mut_ref(Layer::default);
    super::use_drawn_in_render(move || match nodes_ref.cast::<web_sys::Element>() {
        Some(g) => {
            update(&mut layer.borrow_mut(), &g, &drawing, &states);
            true
        }
        None => false,
    });
}

/// Which nodes to show, in order: each with its key, what it is drawn from, and its element
/// (`E`) if it is shown already (as it would be drawn now, or once patched).
type Plan<E> = Vec<(String, Drawn, Option<E>)>;

/// The nodes of `d` drawn in `states`, against what `shown` holds: the elements of the nodes
/// drawn the same kept; those of nodes whose state alone changed kept too, with the change in
/// `patches` (by place in the plan); the markup of the others (new, or moved) in `fresh`, in
/// order; and the elements no longer wanted in `gone`.
fn plan<E>(shown: Vec<(String, Drawn, E)>, d: &Ptr<Drawing>, states: &[NodeState], out: &mut Planned<E>) -> Plan<E> {
    let mut old: HashMap<String, (Drawn, E)> = shown.into_iter().map(|(key, drawn, el)| (key, (drawn, el))).collect();
    let mut next = Vec::new();
    for (v, st) in states.iter().enumerate().filter(|(_, st)| st.drawn) {
        let Some(key) = graph_node::key(d, v) else { continue };
        let drawn = Drawn { drawing: d.clone(), v, state: *st };
        let kept = match old.remove(&key) {
            Some((was, el)) if was == drawn => Some(el),
            Some((was, el)) => match (was == Drawn { state: was.state, ..drawn.clone() })
                .then(|| graph_node::patch(d, v, &was.state, st))
                .flatten()
            {
                Some(patch) => {
                    out.patches.push((next.len(), patch));
                    Some(el)
                }
                None => {
                    out.gone.push(el);
                    None
                }
            },
            None => None,
        };
        if kept.is_some() || graph_node::write(&mut out.fresh, d, v, st, true) {
            next.push((key, drawn, kept));
        }
    }
    out.gone.extend(old.into_values().map(|(_, el)| el));
    next
}

/// What a [`plan`] leaves to do besides its order.
struct Planned<E> {
    /// The markup of the nodes drawn anew, in order.
    fresh: String,
    /// The elements no longer shown.
    gone: Vec<E>,
    /// The nodes changed in place: their place in the plan, and what changes.
    patches: Vec<(usize, Patch)>,
}

impl<E> Default for Planned<E> {
    fn default() -> Self {
        Planned { fresh: String::new(), gone: Vec::new(), patches: Vec::new() }
    }
}

/// Changes node `g` as `p` says (its children as [`graph_node::write`] makes them: title,
/// stack, ring, box, hatch, label, sub, icons, badge).
fn apply(g: &web_sys::Element, p: &Patch) {
    if let Some(class) = &p.class {
        let _ = g.set_attribute("class", class);
    }
    if let Some(status) = p.status {
        let _ = g.set_attribute("data-status", status);
    }
    match p.reach {
        Some(Some(reach)) => {
            let _ = g.set_attribute("data-reach", reach);
        }
        Some(None) => {
            let _ = g.remove_attribute("data-reach");
        }
        None => {}
    }
    let (mut title, mut boxed, mut hatch, mut label, mut sub, mut badge, mut icons) =
        (None, None, None, None, None, None, Vec::new());
    let list = g.children();
    for el in (0..list.length()).filter_map(|i| list.item(i)) {
        let class = el.get_attribute("class").unwrap_or_default();
        match (el.tag_name().as_str(), class.split(' ').next().unwrap_or("")) {
            ("title", _) => title = Some(el),
            ("rect", "box") => boxed = Some(el),
            ("rect", "hatch") => hatch = Some(el),
            ("text", "label") => label = Some(el),
            ("text", "sub") => sub = Some(el),
            ("g", "icon") => icons.push(el),
            ("g", "primary-badge") => badge = Some(el),
            _ => {}
        }
    }
    for (el, text) in [(title, &p.title), (label, &p.label), (sub, &p.sub)] {
        if let (Some(el), Some(text)) = (el, text) {
            el.set_text_content(Some(text));
        }
    }
    if let Some(now) = &p.hatch {
        if let Some(old) = hatch {
            old.remove();
        }
        if let (Some(markup), Some(boxed)) = (now, boxed) {
            let _ = boxed.insert_adjacent_html("afterend", markup);
        }
    }
    if let Some(markup) = &p.icons {
        for icon in icons {
            icon.remove();
        }
        if !markup.is_empty() {
            let _ = match badge {
                Some(badge) => badge.insert_adjacent_html("beforebegin", markup),
                None => g.insert_adjacent_html("beforeend", markup),
            };
        }
    }
}

fn update(layer: &mut Layer, g: &web_sys::Element, d: &Ptr<Drawing>, states: &[NodeState]) {
    if layer.into.as_ref() != Some(g) {
        *layer = Layer { into: Some(g.clone()), shown: Vec::new() };
        g.set_inner_html("");
    }
    let mut out = Planned::default();
    let next = plan(std::mem::take(&mut layer.shown), d, states, &mut out);
    let children = |of: &web_sys::Element| {
        let list = of.children();
        (0..list.length()).filter_map(|i| list.item(i)).collect::<Vec<_>>()
    };
    if next.iter().all(|(_, _, el)| el.is_none()) {
        // Nothing kept (a new drawing moves every node): the markup replaces what was there.
        g.set_inner_html(&out.fresh);
        layer.shown = next.into_iter().zip(children(g)).map(|((key, drawn, _), el)| (key, drawn, el)).collect();
        return;
    }
    for el in out.gone {
        el.remove();
    }
    for (at, patch) in &out.patches {
        if let Some((_, _, Some(el))) = next.get(*at) {
            apply(el, patch);
        }
    }
    // The new and moved nodes, parsed at once (in the SVG namespace: the parser takes it from
    // the `<g>` it fills), then each put in its place.
    let mut made = Vec::new();
    if !out.fresh.is_empty() {
        if let Some(holder) = g.owner_document().and_then(|doc| doc.create_element_ns(Some(SVG), "g").ok()) {
            holder.set_inner_html(&out.fresh);
            made = children(&holder);
        }
    }
    let mut made = made.into_iter();
    let mut cursor = g.first_element_child();
    for (key, drawn, el) in next {
        let Some(el) = el.or_else(|| made.next()) else { continue };
        if cursor.as_ref() == Some(&el) {
            cursor = el.next_element_sibling();
        } else {
            let before: Option<&web_sys::Node> = cursor.as_ref().map(|c| c.unchecked_ref());
            let _ = g.insert_before(&el, before);
        }
        layer.shown.push((key, drawn, el));
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::components::graph_view::tests::{drawing, TEXT};
    use blastmap_layout::RollUp;

    /// A plan with numbers for elements: what it shows (an element kept, or `None`: drawn
    /// anew), and what it leaves to do (the elements it drops, ascending).
    fn run(
        shown: Vec<(String, Drawn, usize)>,
        d: &Ptr<Drawing>,
        states: &[NodeState],
    ) -> (Plan<usize>, Planned<usize>) {
        let mut out = Planned::default();
        let next = plan(shown, d, states, &mut out);
        out.gone.sort_unstable();
        (next, out)
    }

    /// What is shown after a plan, the elements drawn anew numbered from `from`.
    fn shown(next: Plan<usize>, from: usize) -> Vec<(String, Drawn, usize)> {
        next.into_iter().enumerate().map(|(i, (k, w, el))| (k, w, el.unwrap_or(from + i))).collect()
    }

    fn kept(next: &Plan<usize>) -> Vec<Option<usize>> {
        next.iter().map(|(_, _, el)| *el).collect()
    }

    fn nodes(fresh: &str) -> usize {
        fresh.matches("<g class=\"node").count()
    }

    /// A node's element is kept while it is drawn the same, in this drawing or another that
    /// shows it in the same place; a node whose state alone changed keeps it too, changed in
    /// place; the element of a node no longer drawn is dropped; the markup holds exactly the
    /// nodes drawn anew, in order, each with its index for the view's events.
    #[test]
    fn only_the_nodes_that_changed_are_drawn_again() {
        let d = Ptr(Rc::new(drawing(TEXT, &RollUp::none())));
        let n = d.view.nodes.len();
        assert!(n >= 3);
        let mut states = vec![NodeState { drawn: true, ..NodeState::default() }; n];
        // The first render draws every node.
        let (next, out) = run(Vec::new(), &d, &states);
        assert_eq!((kept(&next), nodes(&out.fresh), out.gone, out.patches), (vec![None; n], n, vec![], vec![]));
        assert!((0..n).all(|v| out.fresh.contains(&format!(" data-v=\"{v}\""))), "{}", out.fresh);
        // Nothing changed: every element kept, nothing parsed; so in a drawing made again.
        let (next, out) = run(shown(next, 0), &d, &states);
        assert_eq!(
            (kept(&next), out.fresh.as_str(), out.gone, out.patches),
            ((0..n).map(Some).collect(), "", vec![], vec![])
        );
        let again = Ptr(Rc::new(drawing(TEXT, &RollUp::none())));
        let (next, out) = run(shown(next, 0), &again, &states);
        assert_eq!((kept(&next), out.fresh.as_str(), out.patches), ((0..n).map(Some).collect(), "", vec![]));
        // One node selected, one no longer drawn: the first changed in place, the second's
        // element gone.
        states[1].selected = true;
        states[2].drawn = false;
        let (next, out) = run(shown(next, 0), &again, &states);
        assert_eq!((out.gone, out.fresh.as_str()), (vec![2], ""));
        assert_eq!(kept(&next), [Some(0), Some(1)].into_iter().chain((3..n).map(Some)).collect::<Vec<_>>());
        assert_eq!(out.patches.len(), 1);
        let (at, patch) = &out.patches[0];
        assert_eq!(*at, 1);
        assert!(patch.class.as_deref().is_some_and(|c| c.ends_with(" selected")), "{patch:?}");
        assert_eq!(
            Patch { class: None, ..graph_node::patch(&again, 1, &NodeState::default(), &states[1]).unwrap() },
            Patch::default()
        );
        // And then as they are: nothing to do.
        let (_, out) = run(shown(next, 100), &again, &states);
        assert_eq!((out.fresh.as_str(), out.gone, out.patches), ("", vec![], vec![]));
        // A node that moved is drawn anew: another drawing with it elsewhere.
        let mut moved = drawing(TEXT, &RollUp::none());
        moved.layout.nodes[0].x += 10.0;
        let moved = Ptr(Rc::new(moved));
        let (next, out) = run(shown(run(Vec::new(), &again, &states).0, 0), &moved, &states);
        assert_eq!((kept(&next)[0], nodes(&out.fresh), out.gone), (None, 1, vec![0]));
    }

    /// A state changed in place is the node's markup in that state: status, colours, title,
    /// subtitle, hatch and icons; only what changed is in the patch.
    #[test]
    fn a_patch_changes_what_the_state_changes() {
        let d = drawing(TEXT, &RollUp::none());
        let up = NodeState { drawn: true, ..NodeState::default() };
        let mut failed = up;
        failed.look = crate::scene::Look { status: Some(blastmap_core::algo::Status::Failed), ..up.look };
        let p = graph_node::patch(&d, 0, &up, &failed).unwrap();
        let mut markup = String::new();
        graph_node::write(&mut markup, &d, 0, &failed, true);
        assert_eq!(p.status, Some("failed"));
        assert!(p.class.as_deref().is_some_and(|c| markup.starts_with(&format!("<g class=\"{c}\""))), "{p:?} {markup}");
        assert!(p.title.as_deref().is_some_and(|t| markup.contains(&format!("<title>{t}</title>"))), "{p:?} {markup}");
        assert!(p.hatch.as_ref().is_some_and(|h| h.as_deref().is_some_and(|h| markup.contains(h))), "{p:?} {markup}");
        assert!(p.icons.as_deref().is_some_and(|i| !i.is_empty() && markup.contains(i)), "{p:?} {markup}");
        assert_eq!((p.label, p.reach), (None, None));
        // And back: the hatch and icons go.
        let back = graph_node::patch(&d, 0, &failed, &up).unwrap();
        assert_eq!((back.hatch, back.icons.as_deref(), back.status), (Some(None), Some(""), Some("up")));
        // The primary router's ring and badge are drawn anew.
        assert!(graph_node::patch(&d, 0, &up, &NodeState { primary: true, ..up }).is_none());
    }

    /// The page's node is the export's, with its index added.
    #[test]
    fn the_page_draws_a_node_as_the_export_does() {
        let d = drawing(TEXT, &RollUp::none());
        let states = vec![NodeState { drawn: true, ..NodeState::default() }; d.view.nodes.len()];
        let mut page = String::new();
        for (v, st) in states.iter().enumerate() {
            assert!(graph_node::write(&mut page, &d, v, st, true));
            page = page.replace(&format!(" data-v=\"{v}\""), "");
        }
        assert_eq!(page, graph_node::markup(&d, &states));
    }
}
