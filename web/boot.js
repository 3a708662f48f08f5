// Starts the page's WebAssembly. A file rather than Trunk's inline script, so the
// Content-Security-Policy can forbid inline scripts.
import init from "./blastmap-web.js";

init({ module_or_path: "./blastmap-web_bg.wasm" });

// Offline once loaded: the service worker keeps copies of the page's own files.
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("./sw.js").catch(() => {});
}
