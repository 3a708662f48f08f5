//! The nodes drawn in SVG, kept by the page itself rather than as Yew components: each node is
//! markup ([`graph_node::write`]), the new and changed ones of a render parsed by the browser in
//! one `innerHTML`, the others left as they are. Yew made each node's elements and attributes
//! one call at a time (a region of a million-edge estate opened into ~180 new nodes: ~30 ms of
//! a click, most of it crossing into JavaScript).

use std::collections::HashMap;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::super::graph_node::{self, Drawn, NodeState};
use super::super::Ptr;
use crate::scene::Drawing;

const SVG: &str = "http://www.w3.org/2000/svg";

/// The nodes a `<g>` shows, in order, each with what it was drawn from.
#[derive(Default)]
struct Layer {
    /// The `<g>` they are in (a new one, if Yew made the graph again, starts afresh).
    into: Option<web_sys::Element>,
    shown: Vec<(String, Drawn, web_sys::Element)>,
}

/// Keeps the children of the `<g>` behind `nodes_ref` the nodes of `drawing` that `states` says
/// are drawn: in the render itself once the `<g>` is there, so that they change in the same
/// task as the rest of the graph (the view's transform, the bands). An effect alone is not
/// enough: once a run of renders has taken 16 ms, Yew lets the browser paint before it runs
/// the effects, and that frame showed the old nodes under the new view. The effect after the
/// render draws them when the `<g>` was not there yet (the first render), or was made anew;
/// otherwise it finds nothing to do.
#[hook]
pub fn use_nodes(nodes_ref: NodeRef, drawing: Ptr<Drawing>, states: std::rc::Rc<Vec<NodeState>>) {
    let layer = use_mut_ref(Layer::default);
    if let Some(g) = nodes_ref.cast::<web_sys::Element>() {
        update(&mut layer.borrow_mut(), &g, &drawing, &states);
    }
    use_effect_with((drawing, Ptr(states)), move |(d, states)| {
        if let Some(g) = nodes_ref.cast::<web_sys::Element>() {
            update(&mut layer.borrow_mut(), &g, d, states);
        }
    });
}

/// Which nodes to show, in order: each with its key, what it is drawn from, and its element
/// (`E`) if it is shown already as it would be drawn now.
type Plan<E> = Vec<(String, Drawn, Option<E>)>;

/// The nodes of `d` drawn in `states`, against what `shown` holds: the elements of the nodes
/// drawn the same kept, the markup of the others (new, or changed) in `fresh`, in order, and
/// the elements no longer wanted in `gone`.
fn plan<E>(
    shown: Vec<(String, Drawn, E)>,
    d: &Ptr<Drawing>,
    states: &[NodeState],
    fresh: &mut String,
    gone: &mut Vec<E>,
) -> Plan<E> {
    let mut old: HashMap<String, (Drawn, E)> = shown.into_iter().map(|(key, drawn, el)| (key, (drawn, el))).collect();
    let mut next = Vec::new();
    for (v, st) in states.iter().enumerate().filter(|(_, st)| st.drawn) {
        let Some(key) = graph_node::key(d, v) else { continue };
        let drawn = Drawn { drawing: d.clone(), v, state: *st };
        match old.remove(&key) {
            Some((was, el)) if was == drawn => next.push((key, drawn, Some(el))),
            was => {
                gone.extend(was.map(|(_, el)| el));
                if graph_node::write(fresh, d, v, st, true) {
                    next.push((key, drawn, None));
                }
            }
        }
    }
    gone.extend(old.into_values().map(|(_, el)| el));
    next
}

fn update(layer: &mut Layer, g: &web_sys::Element, d: &Ptr<Drawing>, states: &[NodeState]) {
    if layer.into.as_ref() != Some(g) {
        *layer = Layer { into: Some(g.clone()), shown: Vec::new() };
        g.set_inner_html("");
    }
    let (mut fresh, mut gone) = (String::new(), Vec::new());
    let next = plan(std::mem::take(&mut layer.shown), d, states, &mut fresh, &mut gone);
    let children = |of: &web_sys::Element| {
        let list = of.children();
        (0..list.length()).filter_map(|i| list.item(i)).collect::<Vec<_>>()
    };
    if next.iter().all(|(_, _, el)| el.is_none()) {
        // Nothing kept (a new drawing moves every node): the markup replaces what was there.
        g.set_inner_html(&fresh);
        layer.shown = next.into_iter().zip(children(g)).map(|((key, drawn, _), el)| (key, drawn, el)).collect();
        return;
    }
    for el in gone {
        el.remove();
    }
    // The new and changed nodes, parsed at once (in the SVG namespace: the parser takes it from
    // the `<g>` it fills), then each put in its place.
    let mut made = Vec::new();
    if !fresh.is_empty() {
        if let Some(holder) = g.owner_document().and_then(|doc| doc.create_element_ns(Some(SVG), "g").ok()) {
            holder.set_inner_html(&fresh);
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
    /// anew), the markup of what it draws anew, and the elements it drops, ascending.
    fn run(
        shown: Vec<(String, Drawn, usize)>,
        d: &Ptr<Drawing>,
        states: &[NodeState],
    ) -> (Plan<usize>, String, Vec<usize>) {
        let (mut fresh, mut gone) = (String::new(), Vec::new());
        let next = plan(shown, d, states, &mut fresh, &mut gone);
        gone.sort_unstable();
        (next, fresh, gone)
    }

    /// What is shown after a plan, the elements drawn anew numbered from `from`.
    fn shown(next: Plan<usize>, from: usize) -> Vec<(String, Drawn, usize)> {
        next.into_iter().enumerate().map(|(i, (k, w, el))| (k, w, el.unwrap_or(from + i))).collect()
    }

    fn kept(next: &Plan<usize>) -> Vec<Option<usize>> {
        next.iter().map(|(_, _, el)| *el).collect()
    }

    /// A node's element is kept while it is drawn the same, in this drawing or another that
    /// shows it in the same place; a node whose state changed is drawn anew and its old element
    /// dropped, as is the element of a node no longer drawn; the markup holds exactly the nodes
    /// drawn anew, in order, each with its index for the view's events.
    #[test]
    fn only_the_nodes_that_changed_are_drawn_again() {
        let d = Ptr(Rc::new(drawing(TEXT, &RollUp::none())));
        let n = d.view.nodes.len();
        assert!(n >= 3);
        let nodes = |fresh: &str| fresh.matches("<g class=\"node").count();
        let mut states = vec![NodeState { drawn: true, ..NodeState::default() }; n];
        // The first render draws every node.
        let (next, fresh, gone) = run(Vec::new(), &d, &states);
        assert_eq!((kept(&next), nodes(&fresh), gone), (vec![None; n], n, vec![]));
        // Nothing changed: every element kept, nothing parsed; so in a drawing made again.
        let (next, fresh, gone) = run(shown(next, 0), &d, &states);
        assert_eq!((kept(&next), fresh.as_str(), gone), ((0..n).map(Some).collect(), "", vec![]));
        let again = Ptr(Rc::new(drawing(TEXT, &RollUp::none())));
        let (next, fresh, _) = run(shown(next, 0), &again, &states);
        assert_eq!((kept(&next), fresh.as_str()), ((0..n).map(Some).collect(), ""));
        // One node selected, one no longer drawn: the first drawn anew, the second's element gone.
        states[1].selected = true;
        states[2].drawn = false;
        let (next, fresh, gone) = run(shown(next, 0), &again, &states);
        assert_eq!(gone, vec![1, 2]);
        assert_eq!(kept(&next), [Some(0), None].into_iter().chain((3..n).map(Some)).collect::<Vec<_>>());
        assert_eq!(nodes(&fresh), 1);
        assert!(fresh.contains(" selected\" data-v=\"1\""), "{fresh}");
        // And then as they are: nothing drawn again.
        let (_, fresh, gone) = run(shown(next, 100), &again, &states);
        assert_eq!((fresh.as_str(), gone), ("", vec![]));
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
