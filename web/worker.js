// Starts the analysis worker (the `blastmap-worker` bin, which Trunk builds as
// blastmap-worker.js and blastmap-worker_bg.wasm). Trunk's own loader leaves a WebAssembly that
// fails to load as an unhandled rejection, which the page never hears of; here it becomes an
// uncaught error, which reaches the page's `onerror` (and the page says so and starts another).
// A script that fails to load throws from importScripts, which reaches it too.
importScripts("./blastmap-worker.js");
// Its linear memory is kept where the browser benchmark reads its size (bench-helpers.mjs).
wasm_bindgen({ module_or_path: "./blastmap-worker_bg.wasm" }).then((wasm) => {
  self.blastmapWasmMemory = wasm.memory;
}, (e) => {
  setTimeout(() => {
    throw new Error(`its WebAssembly did not load (${e})`);
  });
});
