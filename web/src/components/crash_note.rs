//! The note shown where the analysis progress was when the analysis worker failed: what
//! happened, whether it was restarted, and that the text is kept.

use yew::prelude::*;

use crate::state::Crash;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub crash: Crash,
    /// There is a text (it was sent again to the restarted worker).
    pub has_text: bool,
    pub on_dismiss: Callback<()>,
}

/// The note.
#[component]
pub fn CrashNote(p: &Props) -> Html {
    let Crash { message, restarted } = &p.crash;
    let (title, next) = match (restarted, p.has_text) {
        (true, true) => ("The analysis worker failed", "It was restarted, and your text sent to it again."),
        (true, false) => ("The analysis worker failed", "It was restarted."),
        (false, _) => (
            "The analysis stopped",
            "The worker failed again after a restart, so it was not restarted again. Edit the text (or reload the page) to try again.",
        ),
    };
    html! {
        <div class={classes!("crash", (!restarted).then_some("stopped"))} id="worker-error" role="alert">
            <div class="crash-head">
                <strong>{ title }</strong>
                <button class="link" id="dismiss-crash" title="Hide this note" onclick={p.on_dismiss.reform(|_: MouseEvent| ())}>{ "hide" }</button>
            </div>
            <p class="crash-what">{ message.clone() }</p>
            <p>{ next }</p>
            if p.has_text { <p>{ "Your text is kept: nothing you typed is lost." }</p> }
        </div>
    }
}
