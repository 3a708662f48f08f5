//! The notice at the bottom of the page: a passing one (link copied) goes by itself after a few
//! seconds; a warning (damaged link, failures a link names that the topology lacks, nothing to
//! export) stays until it is closed or replaced.

use yew::prelude::*;

use super::title_html;
use crate::state::Notice;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub notice: Option<Notice>,
    /// The notice has been shown long enough, or was closed.
    pub on_close: Callback<()>,
}

/// Milliseconds a passing notice stays.
const SHOWN_MS: u32 = 4_000;

/// The notices area.
#[component]
pub fn Notices(p: &Props) -> Html {
    {
        let on_close = p.on_close.clone();
        use_effect_with(p.notice.clone(), move |n| {
            let passing = n.as_ref().is_some_and(|n| !n.warning);
            let timer = passing.then(|| gloo::timers::callback::Timeout::new(SHOWN_MS, move || on_close.emit(())));
            move || drop(timer)
        });
    }
    let notice = p.notice.as_ref().map(|n| {
        html! {
            <div class={classes!("notice", n.warning.then_some("warning"))} id="notice" role={if n.warning { "alert" } else { "status" }}>
                <span class="notice-text">{ title_html(&n.text) }</span>
                if let Some(u) = &n.url { <input class="share-url" id="share-url" readonly=true value={u.clone()} /> }
                if n.warning {
                    <button class="notice-close" id="close-notice" title="Close" aria-label="Close"
                        onclick={p.on_close.reform(|_: MouseEvent| ())}>{ "×" }</button>
                }
            </div>
        }
    });
    html! { <div class="notices">{ for notice }</div> }
}
