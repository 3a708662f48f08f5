//! `analyze_on` with a caller's threads: the report is the one `analyze` gives on one thread,
//! whatever order the parts finish in.

use blastmap_core::report::{analyze_on, Join, Options};
use blastmap_core::{analyze, compile, format::Document, Compiled};

use crate::props::{deep_topology, random_topology};

/// Runs `b` on a second thread; with `b_first`, waits for it before `a` starts, so both orders
/// of finishing are exercised.
struct Threads {
    b_first: bool,
}

impl Join for Threads {
    fn join<A: Send, B: Send>(&self, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
        std::thread::scope(|s| {
            let h = s.spawn(b);
            if self.b_first {
                let rb = h.join().unwrap();
                (a(), rb)
            } else {
                let ra = a();
                (ra, h.join().unwrap())
            }
        })
    }
}

fn check(compiled: &Compiled) {
    let options = Options::default();
    let one = analyze(compiled, &options);
    for b_first in [false, true] {
        let two = analyze_on(compiled, &options, &mut |_, _| {}, &Threads { b_first });
        assert_eq!(one, two, "b_first: {b_first}");
    }
}

#[test]
fn two_threads_give_the_report_one_thread_gives() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            check(&blastmap_core::load(&std::fs::read_to_string(&path).unwrap()).unwrap());
            seen += 1;
        }
    }
    assert!(seen >= 10, "{seen} examples");
    for seed in 0..100 {
        let compiled = compile(Document::from_topology(random_topology(seed))).unwrap();
        check(&compiled);
    }
    for seed in 0..8 {
        let compiled = compile(Document::from_topology(deep_topology(seed))).unwrap();
        check(&compiled);
    }
}
