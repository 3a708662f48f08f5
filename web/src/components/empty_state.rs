//! What the graph area shows before there is a topology: one click loads an example.

use yew::prelude::*;

use crate::examples::EXAMPLES;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub on_example: Callback<&'static str>,
}

/// The empty state.
#[component]
pub fn EmptyState(p: &Props) -> Html {
    html! {
        <div class="empty" id="empty-state">
            <h2>{ "Find what one failure takes down" }</h2>
            <p class="muted">
                { "Paste a topology into the editor, drop a file on it, or start from a real outage. " }
                { "Everything runs in this page: nothing is uploaded." }
            </p>
            if EXAMPLES.is_empty() {
                <p class="muted">{ "No examples are bundled in this build." }</p>
            }
            <div class="example-cards">
                { for EXAMPLES.iter().map(|e| {
                    let cb = p.on_example.clone();
                    let name = e.name;
                    html! {
                        <button class="card" data-example={name} onclick={Callback::from(move |_| cb.emit(name))}>
                            <span class="card-title">{ name }</span>
                            <span class="card-text">{ e.summary() }</span>
                        </button>
                    }
                }) }
            </div>
        </div>
    }
}
