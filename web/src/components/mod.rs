//! The page's components, one per file. Children get plain values and `Callback`s of domain
//! values, never DOM events.

pub mod app;
pub mod crash_note;
pub mod diff_view;
pub mod edges;
pub mod editor;
pub mod editors;
pub mod empty_state;
pub mod failure_bar;
pub mod findings;
pub mod graph_node;
pub mod graph_view;
pub mod inspector;
pub mod legend;
pub mod notice;
pub mod placement_picker;
pub mod status_icon;
pub mod summary;
pub mod top_bar;
pub mod view_bar;

use std::ops::Deref;
use std::rc::Rc;

/// Shared data compared by identity: props holding it re-render only when it is replaced (and
/// a megabyte text is not compared byte by byte at every render).
#[derive(Debug)]
pub struct Ptr<T: ?Sized>(pub Rc<T>);

impl<T: ?Sized> Clone for Ptr<T> {
    fn clone(&self) -> Self {
        Ptr(self.0.clone())
    }
}

impl<T: ?Sized> PartialEq for Ptr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: ?Sized> Deref for Ptr<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Splits a finding title on backticks: odd parts are component names, set as code.
pub fn title_html(title: &str) -> yew::Html {
    use yew::html;
    title
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                html! { <code>{ part.to_string() }</code> }
            } else {
                html! { { part.to_string() } }
            }
        })
        .collect()
}
