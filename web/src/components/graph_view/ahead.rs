//! A drawing made ahead: when the page is idle after a large view is shown, the view with its
//! largest aggregate opened (the one a person is likeliest to open next) is drawn, and used if
//! that is the next drawing asked for. It is made by the same [`Drawing::opened`] the click
//! would call, from the same drawing: the same result, sooner. Opening a region of a
//! million-edge estate lays out ~9,300 aggregates. Made on a first click, that drawing also
//! ran in WebAssembly's baseline code, which the browser optimizes only once a function has
//! run (35 ms the first time, 16 the third); drawn once ahead, the code is optimized before
//! any click, for whatever aggregate is opened.

use std::cell::RefCell;
use std::rc::Rc;

use blastmap_core::Model;
use blastmap_layout::{Key, RollUp};
use wasm_bindgen::JsCast as _;
use yew::prelude::*;

use super::super::Ptr;
use super::DrawingDeps;
use crate::scene::{Drawing, Scene};

/// Aggregates with fewer members open fast enough on the click: none is drawn ahead.
pub const AHEAD_FROM: usize = 1_000;

/// A drawing made ahead, and what it was made for.
pub type Ahead = Rc<RefCell<Option<(DrawingDeps, Rc<Drawing>)>>>;

/// The aggregate of `d` a person is likeliest to open next: the one with the most members, if
/// it has at least [`AHEAD_FROM`] (ties: the first).
pub fn likeliest(d: &Drawing) -> Option<&Key> {
    let mut best: Option<&blastmap_layout::ViewNode> = None;
    for n in d.view.nodes.iter().filter(|n| n.rolled.is_some()) {
        if best.is_none_or(|b| n.members.len() > b.members.len()) {
            best = Some(n);
        }
    }
    best.filter(|n| n.members.len() >= AHEAD_FROM).map(|n| &n.key)
}

/// `d` (made with `focus` and roll-up `roll`) with its likeliest aggregate opened, and that
/// roll-up, made as the click makes it: by [`Drawing::opened`], or anew where that declines (a
/// roll-up by depth). `None` when no aggregate is large enough.
pub fn opened(
    model: &Model,
    scene: &Scene,
    focus: Option<(&[String], u32)>,
    roll: &RollUp,
    d: &Drawing,
) -> Option<(RollUp, Drawing)> {
    let key = likeliest(d)?;
    let mut opened = roll.clone();
    opened.expanded.insert(key.clone());
    let drawing = d.opened(scene, &opened, key).unwrap_or_else(|| Drawing::new(model, scene, focus, &opened));
    Some((opened, drawing))
}

/// How long after a drawing is shown its drawing ahead waits (then for the page to be idle):
/// a click right after one (as in a run of clicks) is not held up by it.
const AHEAD_AFTER_MS: u32 = 400;

/// Once the page has been idle a while after `drawing` (made for `deps`) is shown, makes the
/// drawing ahead into `ahead` (cleared at once: what it held was made from another drawing).
#[hook]
pub fn use_ahead(deps: DrawingDeps, drawing: Rc<Drawing>, ahead: Ahead) {
    use_effect_with(Ptr(drawing), move |d| {
        ahead.borrow_mut().take();
        let d = d.0.clone();
        let job = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            crate::browser::mark("blastmap:ahead");
            let (a, focus, roll) = &deps;
            let key = likeliest(&d).map(ToString::to_string);
            let seeds = focus.as_ref().map(|f| (f.seeds.as_slice(), f.hops));
            if let Some((roll, made)) = opened(&a.model, &a.scene, seeds, roll, &d) {
                *ahead.borrow_mut() = Some(((a.clone(), focus.clone(), roll), Rc::new(made)));
            }
            // Which aggregate was drawn opened, for the tests and benchmarks.
            crate::browser::mark(&format!("blastmap:ahead-done:{}", key.unwrap_or_default()));
        });
        let idle = Rc::new(std::cell::Cell::new(None::<u32>));
        let timer = {
            let (idle, job) = (idle.clone(), job.as_ref().unchecked_ref::<js_sys::Function>().clone());
            gloo::timers::callback::Timeout::new(AHEAD_AFTER_MS, move || {
                // A browser without idle callbacks (Safari) draws it now, the page quiet
                // this long already.
                match web_sys::window().map(|w| w.request_idle_callback(&job)) {
                    Some(Ok(handle)) => idle.set(Some(handle)),
                    _ => {
                        let _ = job.call0(&wasm_bindgen::JsValue::NULL);
                    }
                }
            })
        };
        move || {
            drop(timer);
            if let (Some(w), Some(h)) = (web_sys::window(), idle.get()) {
                w.cancel_idle_callback(h);
            }
            drop(job);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::DEFAULT_ROLL_UP;

    /// Made ahead, a drawing is the one the click would make anew, for the aggregate with the
    /// most members, whether it opens in place (a region of a few hundred replica sets) or in
    /// parts (of a thousand); a small view has nothing to make ahead.
    #[test]
    fn the_drawing_made_ahead_is_the_one_the_click_makes() {
        let c = estate(30_000);
        let (m, s) = (&c.model, Scene::new(&c.model, None));
        made_ahead(m, &s, false);
        let roll = RollUp::by(&DEFAULT_ROLL_UP);
        let seeds = ["dns-r0".to_string()];
        let small = Drawing::new(m, &s, Some((&seeds, 1)), &roll);
        assert!(small.view.nodes.iter().all(|n| n.members.len() < AHEAD_FROM));
        assert!(likeliest(&small).is_none() && opened(m, &s, Some((&seeds, 1)), &roll, &small).is_none());
        let c = estate(120_000);
        made_ahead(&c.model, &Scene::new(&c.model, None), true);
    }

    /// A generated estate of about this many edges.
    fn estate(edges: usize) -> blastmap_core::Compiled {
        let t = blastmap_core::generate::generate(&blastmap_core::generate::Params::for_edges(edges, 3));
        blastmap_core::compile(blastmap_core::format::Document::from_topology(t)).unwrap()
    }

    /// The drawing made ahead from the first view of `m` is the one the click makes, opened in
    /// parts or not, and so is the next one.
    fn made_ahead(m: &Model, s: &Scene, in_parts: bool) {
        let roll = RollUp::by(&DEFAULT_ROLL_UP);
        let d = Drawing::new(m, s, None, &roll);
        let most = d.view.nodes.iter().filter(|n| n.rolled.is_some()).map(|n| n.members.len()).max().unwrap();
        assert!(most >= AHEAD_FROM, "the estate has an aggregate to make ahead ({most} members)");
        let key = likeliest(&d).unwrap().clone();
        let largest = d.view.nodes.iter().find(|n| n.key == key).unwrap();
        assert_eq!(largest.members.len(), most);
        let (opened_roll, ahead) = opened(m, s, None, &roll, &d).unwrap();
        let mut asked = roll.clone();
        asked.expanded.insert(key.clone());
        assert_eq!(opened_roll, asked);
        assert!(ahead == Drawing::new(m, s, None, &asked), "{key} opened ahead");
        assert_eq!(ahead.view.nodes.iter().any(|n| n.part.is_some()), in_parts, "{key} opened in parts");
        // Opened, the next largest is made ahead in turn, the same way.
        let (again_roll, again) = opened(m, s, None, &asked, &ahead).unwrap();
        assert_eq!(again_roll.expanded.len(), 2);
        assert!(again == Drawing::new(m, s, None, &again_roll));
    }
}
