//! A brute-force oracle, written independently of the core's algorithms and of its compiled
//! model: it reads the [`Topology`] itself and recomputes every answer by exhaustive simulation
//! with naive fixed-point iteration. Only for small topologies.

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::spec::{Topology, PLACEMENT_ATTRIBUTES};

pub struct Oracle {
    pub ids: Vec<String>,
    /// Implicit placement values (not components).
    pub implicit: Vec<bool>,
    pub critical: Vec<bool>,
    /// `target:` as written.
    pub target: Vec<Option<bool>>,
    pub requires: Vec<Vec<usize>>,
    pub need: Vec<usize>,
    pub placement: Vec<Vec<usize>>,
    pub start: Vec<Vec<usize>>,
    pub degrades: Vec<Vec<usize>>,
    pub monitors: Vec<Vec<usize>>,
}

impl Oracle {
    pub fn new(t: &Topology) -> Self {
        let mut ids: Vec<String> = t.components.iter().map(|c| c.id.clone()).collect();
        let mut implicit = vec![false; ids.len()];
        for c in &t.components {
            for (attr, value) in
                PLACEMENT_ATTRIBUTES.iter().zip([&c.region, &c.zone, &c.host, &c.provider, &c.power, &c.network])
            {
                if let Some(v) = value {
                    let id = format!("{attr}:{v}");
                    if !ids.contains(&id) {
                        ids.push(id);
                        implicit.push(true);
                    }
                }
            }
        }
        let at = |name: &str| ids.iter().position(|i| i == name).expect("valid reference");
        let n = ids.len();
        let mut o = Oracle {
            implicit,
            critical: vec![false; n],
            target: vec![None; n],
            requires: vec![vec![]; n],
            need: vec![0; n],
            placement: vec![vec![]; n],
            start: vec![vec![]; n],
            degrades: vec![vec![]; n],
            monitors: vec![vec![]; n],
            ids: Vec::new(),
        };
        for (i, c) in t.components.iter().enumerate() {
            o.critical[i] = c.critical;
            o.target[i] = c.target;
            o.requires[i] = c.requires.iter().map(|r| at(r)).collect();
            o.need[i] = c.need.map_or(c.requires.len(), |k| k as usize);
            o.start[i] = c.requires_at_start.iter().map(|r| at(r)).collect();
            o.degrades[i] = c.degrades_without.iter().map(|r| at(r)).collect();
            o.monitors[i] = c.monitored_by.iter().map(|r| at(r)).collect();
            for (attr, value) in
                PLACEMENT_ATTRIBUTES.iter().zip([&c.region, &c.zone, &c.host, &c.provider, &c.power, &c.network])
            {
                if let Some(v) = value {
                    o.placement[i].push(at(&format!("{attr}:{v}")));
                }
            }
        }
        o.ids = ids;
        o
    }

    pub fn n(&self) -> usize {
        self.ids.len()
    }

    /// Runtime gate of `v` given who is up.
    fn runtime_ok(&self, v: usize, up: &[bool]) -> bool {
        self.placement[v].iter().all(|&u| up[u]) && self.requires[v].iter().filter(|&&u| up[u]).count() >= self.need[v]
    }

    /// Greatest fixed point: start all up (except failed), knock out unsatisfied gates until stable.
    pub fn up_after(&self, failed: &[usize]) -> Vec<bool> {
        let mut up = vec![true; self.n()];
        for &f in failed {
            up[f] = false;
        }
        loop {
            let mut changed = false;
            for v in 0..self.n() {
                if up[v] && !self.runtime_ok(v, &up) {
                    up[v] = false;
                    changed = true;
                }
            }
            if !changed {
                return up;
            }
        }
    }

    /// Down after `x` alone fails, by a worklist propagation (each node goes down once and then
    /// tells its dependents): O(|V| + |E|), for topologies too deep for [`Oracle::up_after`]'s
    /// rounds. The same greatest fixed point: all up, then knock out what a down node leaves
    /// unsatisfied.
    pub fn down_after_one(&self, x: usize) -> Vec<bool> {
        let n = self.n();
        let mut dependents: Vec<Vec<(usize, bool)>> = vec![Vec::new(); n];
        for v in 0..n {
            dependents_of(&mut dependents, v, &self.requires[v], false);
            dependents_of(&mut dependents, v, &self.placement[v], true);
        }
        let mut down = vec![false; n];
        let mut missing = vec![0usize; n];
        down[x] = true;
        let mut queue = vec![x];
        while let Some(u) = queue.pop() {
            for &(v, placement) in &dependents[u] {
                if down[v] {
                    continue;
                }
                missing[v] += usize::from(!placement);
                if placement || self.requires[v].len() - missing[v] < self.need[v] {
                    down[v] = true;
                    queue.push(v);
                }
            }
        }
        down
    }

    /// Critical components and entry points; else every component no other one depends on;
    /// never one marked `target: false`.
    pub fn targets(&self) -> Vec<usize> {
        let excluded = |v: usize| self.target[v] == Some(false);
        let marked: Vec<usize> =
            (0..self.n()).filter(|&v| (self.critical[v] || self.target[v] == Some(true)) && !excluded(v)).collect();
        if !marked.is_empty() {
            return marked;
        }
        (0..self.n())
            .filter(|&v| {
                !self.implicit[v]
                    && !excluded(v)
                    && !(0..self.n()).any(|w| {
                        w != v
                            && (self.requires[w].contains(&v)
                                || self.placement[w].contains(&v)
                                || self.start[w].contains(&v))
                    })
            })
            .collect()
    }

    /// down[x] = the set of nodes down when x alone fails.
    pub fn single_down(&self) -> Vec<BTreeSet<usize>> {
        (0..self.n())
            .map(|x| self.up_after(&[x]).iter().enumerate().filter(|(_, &u)| !u).map(|(v, _)| v).collect())
            .collect()
    }

    pub fn spofs(&self) -> BTreeMap<String, Vec<String>> {
        let targets = self.targets();
        let down = self.single_down();
        let mut out = BTreeMap::new();
        for x in 0..self.n() {
            let hit: Vec<String> =
                targets.iter().filter(|&&t| t != x && down[x].contains(&t)).map(|&t| self.ids[t].clone()).collect();
            if !hit.is_empty() {
                out.insert(self.ids[x].clone(), hit);
            }
        }
        out
    }

    /// Smallest number of failures (never v itself) that takes v down.
    pub fn min_kill(&self, v: usize) -> usize {
        let others: Vec<usize> = (0..self.n()).filter(|&u| u != v).collect();
        for size in 1..=others.len() {
            let mut found = false;
            for_each_subset(&others, size, &mut |s| {
                if !found && !self.up_after(s)[v] {
                    found = true;
                }
            });
            if found {
                return size;
            }
        }
        usize::MAX
    }

    /// Gate `v` is down when exactly `set` fails.
    pub fn kills(&self, set: &[usize], v: usize) -> bool {
        !self.up_after(set)[v]
    }

    pub fn blind_spots(&self) -> BTreeMap<String, Vec<String>> {
        let down = self.single_down();
        let mut out = BTreeMap::new();
        for v in 0..self.n() {
            if self.monitors[v].is_empty() {
                continue;
            }
            let failures: Vec<String> = (0..self.n())
                .filter(|&x| down[x].contains(&v) && self.monitors[v].iter().all(|m| down[x].contains(m)))
                .map(|x| self.ids[x].clone())
                .collect();
            if !failures.is_empty() {
                out.insert(self.ids[v].clone(), failures);
            }
        }
        out
    }

    /// For each single failure, the monitored components (not monitoring themselves) that stay
    /// up while every monitor of theirs goes down.
    pub fn blindings(&self) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        for x in 0..self.n() {
            let up = self.up_after(&[x]);
            let hit: Vec<String> = (0..self.n())
                .filter(|&v| {
                    let m = &self.monitors[v];
                    !m.is_empty() && !m.contains(&v) && up[v] && m.iter().all(|&w| !up[w])
                })
                .map(|v| self.ids[v].clone())
                .collect();
            if !hit.is_empty() {
                out.insert(self.ids[x].clone(), hit);
            }
        }
        out
    }

    pub fn restart_hazards(&self) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        for x in 0..self.n() {
            let up = self.up_after(&[x]);
            let hit: Vec<String> = (0..self.n())
                .filter(|&v| up[v] && self.start[v].iter().any(|&s| !up[s]))
                .map(|v| self.ids[v].clone())
                .collect();
            if !hit.is_empty() {
                out.insert(self.ids[x].clone(), hit);
            }
        }
        out
    }

    /// Cold start in synchronous rounds; implicit placement values are up from the start.
    pub fn cold_start(&self) -> (Vec<Vec<String>>, Vec<String>) {
        let mut up: Vec<bool> = self.implicit.clone();
        let mut waves = Vec::new();
        loop {
            let wave: Vec<usize> = (0..self.n())
                .filter(|&v| !up[v] && self.runtime_ok(v, &up) && self.start[v].iter().all(|&s| up[s]))
                .collect();
            if wave.is_empty() {
                break;
            }
            for &v in &wave {
                up[v] = true;
            }
            waves.push(wave.iter().map(|&v| self.ids[v].clone()).collect());
        }
        let stuck = (0..self.n()).filter(|&v| !up[v]).map(|v| self.ids[v].clone()).collect();
        (waves, stuck)
    }

    /// Reachability closure over the given edges.
    fn closure(&self, edges: &dyn Fn(usize) -> Vec<usize>) -> Vec<Vec<bool>> {
        let n = self.n();
        let mut r = vec![vec![false; n]; n];
        for v in 0..n {
            for u in edges(v) {
                r[v][u] = true;
            }
        }
        for k in 0..n {
            for i in 0..n {
                if r[i][k] {
                    for j in 0..n {
                        if r[k][j] {
                            r[i][j] = true;
                        }
                    }
                }
            }
        }
        r
    }

    /// Strongly connected sets (size ≥ 2, or one node with an edge to itself) under the given
    /// edges, as sorted name lists.
    pub fn sccs(&self, edges: &dyn Fn(usize) -> Vec<usize>) -> BTreeSet<Vec<String>> {
        let r = self.closure(edges);
        let mut out = BTreeSet::new();
        for v in 0..self.n() {
            let mut c: Vec<String> =
                (0..self.n()).filter(|&u| u == v || (r[v][u] && r[u][v])).map(|u| self.ids[u].clone()).collect();
            if c.len() > 1 || edges(v).contains(&v) {
                c.sort();
                out.insert(c);
            }
        }
        out
    }

    pub fn runtime_edges(&self, v: usize) -> Vec<usize> {
        self.requires[v].iter().chain(&self.placement[v]).copied().collect()
    }

    pub fn all_edges(&self, v: usize) -> Vec<usize> {
        self.requires[v].iter().chain(&self.placement[v]).chain(&self.start[v]).copied().collect()
    }

    pub fn index(&self, name: &str) -> usize {
        self.ids.iter().position(|i| i == name).expect("known id")
    }
}

impl Oracle {
    /// Minimal sets of up to `max` nodes whose failure takes `t` down.
    pub fn minimal_cut_sets(&self, t: usize, max: usize) -> Vec<Vec<usize>> {
        let all: Vec<usize> = (0..self.n()).collect();
        let mut found: Vec<Vec<usize>> = Vec::new();
        for size in 1..=max {
            for_each_subset(&all, size, &mut |s| {
                if self.kills(s, t) && !found.iter().any(|f| f.iter().all(|x| s.contains(x))) {
                    found.push(s.to_vec());
                }
            });
        }
        found
    }

    /// P(t up) by enumerating every up/down state of the components with an availability,
    /// optionally with one of them forced up (`true`) or down (`false`).
    pub fn availability(&self, t: &Topology, target: usize, force: Option<(usize, bool)>) -> f64 {
        let fallible: Vec<(usize, f64)> = t
            .components
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.availability.filter(|&a| a < 1.0).map(|a| (i, a)))
            .collect();
        let mut total = 0.0;
        for mask in 0u32..(1 << fallible.len()) {
            let mut p = 1.0;
            let mut failed = Vec::new();
            for (bit, &(v, a)) in fallible.iter().enumerate() {
                let up = match force {
                    Some((x, up)) if x == v => up,
                    _ => mask & (1 << bit) == 0,
                };
                let forced = matches!(force, Some((x, _)) if x == v);
                if !forced {
                    p *= if up { a } else { 1.0 - a };
                }
                if !up {
                    failed.push(v);
                }
            }
            if force.is_some_and(|(x, _)| fallible.iter().any(|&(v, _)| v == x)) {
                // Each forced state is visited twice (its bit is ignored): halve the weight.
                p *= 0.5;
            }
            if self.up_after(&failed)[target] {
                total += p;
            }
        }
        total
    }
}

/// Calls `f` with every subset of `items` of the given size.
pub fn for_each_subset(items: &[usize], size: usize, f: &mut dyn FnMut(&[usize])) {
    fn go(items: &[usize], size: usize, start: usize, cur: &mut Vec<usize>, f: &mut dyn FnMut(&[usize])) {
        if cur.len() == size {
            f(cur);
            return;
        }
        for i in start..items.len() {
            if items.len() - i < size - cur.len() {
                break;
            }
            cur.push(items[i]);
            go(items, size, i + 1, cur, f);
            cur.pop();
        }
    }
    go(items, size, 0, &mut Vec::new(), f);
}

/// Adds `v` as a dependent of each of `deps`.
fn dependents_of(out: &mut [Vec<(usize, bool)>], v: usize, deps: &[usize], placement: bool) {
    for &u in deps {
        out[u].push((v, placement));
    }
}

/// The ranking of `docs/semantics.md` ("Hidden first"), read straight from the definitions by
/// simulation: no forest, no fingerprints.
impl Oracle {
    /// Some component is placed on `y`.
    pub fn is_placement_value(&self, y: usize) -> bool {
        self.placement.iter().any(|p| p.contains(&y))
    }

    /// Equivalence classes of single failures: the transitive closure of "failing a and failing
    /// b take down the same, a and b aside, and that is something or one takes the other down";
    /// `class[v]` is the smallest member.
    pub fn equivalence(&self) -> Vec<usize> {
        let down = self.single_down();
        let n = self.n();
        let mut class: Vec<usize> = (0..n).collect();
        loop {
            let mut changed = false;
            for a in 0..n {
                for b in 0..n {
                    let strip = |s: &BTreeSet<usize>| -> BTreeSet<usize> {
                        s.iter().copied().filter(|&v| v != a && v != b).collect()
                    };
                    let related = down[a].contains(&b) || down[b].contains(&a) || !strip(&down[a]).is_empty();
                    if related && strip(&down[a]) == strip(&down[b]) {
                        let c = class[a].min(class[b]);
                        if class[a] != c || class[b] != c {
                            let (ca, cb) = (class[a], class[b]);
                            for x in class.iter_mut() {
                                if *x == ca || *x == cb {
                                    *x = c;
                                }
                            }
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                return class;
            }
        }
    }

    /// A target t0 in `targets` that takes down all the others (`down` of single failures).
    pub fn covering(&self, targets: &[usize], down: &[BTreeSet<usize>]) -> Vec<usize> {
        targets.iter().copied().filter(|&t0| targets.iter().all(|&t| t == t0 || down[t0].contains(&t))).collect()
    }

    /// The reasons a single point of failure `x` is hidden (before its class's union), by name.
    pub fn spof_reasons(&self, x: usize) -> BTreeSet<&'static str> {
        let down = self.single_down();
        let targets = self.targets();
        let kills_other_target = |y: usize| targets.iter().any(|&t| t != x && down[y].contains(&t));
        let hit: Vec<usize> = targets.iter().copied().filter(|&t| t != x && down[x].contains(&t)).collect();
        let mut out = BTreeSet::new();
        if down[x].iter().any(|&y| self.is_placement_value(y) && kills_other_target(y)) {
            out.insert("placement");
        }
        if down[x].iter().any(|&y| y != x && self.need[y] < self.requires[y].len() && kills_other_target(y)) {
            out.insert("redundancy_group");
        }
        if hit.len() >= 2 && self.covering(&hit, &down).is_empty() {
            out.insert("shared_by_targets");
        }
        out
    }

    /// A path from `from` to `to` along `requires` of gates that need all of them.
    pub fn plain_path(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.n()];
        let mut stack = vec![from];
        while let Some(v) = stack.pop() {
            if v == to {
                return true;
            }
            if seen[v] || self.need[v] < self.requires[v].len() {
                continue;
            }
            seen[v] = true;
            stack.extend(self.requires[v].iter().copied());
        }
        false
    }

    /// The reasons a set `s` (a double or triple point taking down `targets`) is hidden.
    pub fn set_reasons(&self, s: &[usize], targets: &[usize]) -> BTreeSet<&'static str> {
        let up = self.up_after(s);
        let downed: Vec<usize> = (0..self.n()).filter(|&v| !up[v]).collect();
        let mut out = BTreeSet::new();
        if downed.iter().any(|&y| self.is_placement_value(y)) {
            out.insert("placement");
        }
        if downed.iter().any(|&g| !s.contains(&g) && self.requires[g].len() - self.need[g] >= s.len()) {
            out.insert("redundancy_group");
        }
        if targets.len() >= 2 && self.covering(targets, &self.single_down()).is_empty() {
            out.insert("shared_by_targets");
        }
        out
    }
}
