//! The passing notice at the bottom of the page (link copied, download started, damaged link):
//! it goes by itself after a few seconds.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The message; after a `|`, a URL shown in a read-only field (the share link).
    pub notice: Option<String>,
    /// The notice has been shown long enough.
    pub on_expire: Callback<()>,
}

/// Milliseconds a notice stays.
const SHOWN_MS: u32 = 4_000;

/// The notices area.
#[component]
pub fn Notices(p: &Props) -> Html {
    {
        let on_expire = p.on_expire.clone();
        use_effect_with(p.notice.clone(), move |n| {
            let timer = n.is_some().then(|| gloo::timers::callback::Timeout::new(SHOWN_MS, move || on_expire.emit(())));
            move || drop(timer)
        });
    }
    let notice = p.notice.as_ref().map(|n| {
        let (text, url) = match n.split_once('|') {
            Some((t, u)) => (t.to_string(), Some(u.to_string())),
            None => (n.clone(), None),
        };
        html! {
            <div class="notice" id="notice" role="status">
                <span>{ text }</span>
                if let Some(u) = url { <input class="share-url" id="share-url" readonly=true value={u} /> }
            </div>
        }
    });
    html! { <div class="notices">{ for notice }</div> }
}
