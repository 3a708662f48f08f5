// Starts the page's WebAssembly. A file rather than Trunk's inline script, so the
// Content-Security-Policy can forbid inline scripts.
import init from "./blastmap-web.js";

// Its linear memory is kept where the browser benchmark reads its size (bench-helpers.mjs).
init({ module_or_path: "./blastmap-web_bg.wasm" }).then((wasm) => {
  globalThis.blastmapWasmMemory = wasm.memory;
});

// Offline once loaded: the service worker keeps copies of the page's own files.
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("./sw.js").catch(() => {});
}
