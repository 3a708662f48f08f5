//! Small wrappers over browser APIs (storage, URL fragment, downloads, clipboard, clock). Each
//! fails quietly: a page without storage or clipboard still works.

use wasm_bindgen::JsCast as _;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The localStorage key of the editor's text.
pub const TEXT_KEY: &str = "blastmap.text";

/// The localStorage key of the overlay tab's text.
pub const OVERLAY_KEY: &str = "blastmap.overlay";

/// The localStorage key of an overlay set aside (it refined the export before).
pub const ASIDE_KEY: &str = "blastmap.overlay-aside";

/// Removes a value from localStorage.
pub fn forget(key: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.remove_item(key);
    }
}

/// Texts longer than this (bytes) are not stored: localStorage holds about five million
/// characters per origin, and a write of that size blocks the page for seconds.
pub const MAX_STORED: usize = 2_000_000;

/// A value from localStorage.
pub fn load(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

/// Stores a value in localStorage (ignored when storage is full or unavailable).
pub fn store(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// The URL fragment, with its `#`.
pub fn fragment() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Replaces the URL fragment without reloading or adding history (empty removes it).
pub fn set_fragment(fragment: &str) {
    let Some(w) = window() else { return };
    let Ok(href) = w.location().href() else { return };
    let base = href.split('#').next().unwrap_or_default().to_string();
    let url = if fragment.is_empty() { base } else { format!("{base}#{fragment}") };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The page's URL without its fragment.
pub fn base_url() -> String {
    let href = window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Milliseconds since the page started.
pub fn now() -> f64 {
    window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Offers `content` as a file download (a `blob:` URL: nothing leaves the machine).
pub fn download(file_name: &str, mime: &str, content: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = doc.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(file_name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Copies text to the clipboard (best effort).
pub fn copy(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// A `performance.mark` for the benchmarks (`tests/browser/bench-helpers.mjs` reads them):
/// where the page's time goes.
pub fn mark(name: &str) {
    if let Some(p) = window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}
