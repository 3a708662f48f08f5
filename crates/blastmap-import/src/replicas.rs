//! Replica groups: how `n` identical replicas of which `k` must be up are modelled with few
//! member components, without changing what the failure analyses conclude.
//!
//! With identical members what matters is the tolerance t = n − k: the member failures the group
//! absorbs. Up to the cap M ([`MAX_REPLICAS`]) a group is modelled as declared. Over it:
//!
//! | replicas | modelled as | what is kept |
//! |---|---|---|
//! | not spread, t < M | M members, need M − t | everything: a smallest killing set is still t + 1 members or one dependency they all share |
//! | not spread, t ≥ M | 1 of M | all but the member-only tolerance, M − 1 instead of t (both far beyond any failure set the analyses search) |
//! | spread round-robin over v placement values (zones), t < M, Σ min(n_v, t + 1) ≤ 4M | each value keeps min(n_v, t + 1) members (so at most M per value); need: their sum − t | everything: any set of failed values and members takes the model down exactly when it takes the real group down |
//! | spread, otherwise | each value keeps p or p + 1 members (as it holds q or q + 1), at most M in all; need: chosen so that every set of failed values leaves as many further failures absorbed, counted up to [`HORIZON`] | what any set of failed values does, together with up to [`HORIZON`] further replica failures; the member-only tolerance is t when t ≤ [`HORIZON`], else may differ (both beyond [`HORIZON`]) |
//! | spread, when no such model exists (many values with few replicas each) | M round-robin, need M − t (t < M) or 1 | approximate for failures of values: said in the warning |
//!
//! Why the third row is exact: failed values Z and x further failed members take the real group
//! down iff Σ_Z n_v + x > t. If Σ_Z n_v ≤ t, every value of Z has n_v ≤ t and kept all its
//! members, so the model loses as many. Otherwise the real group is down, and so is the model: a
//! value of Z kept t + 1 members, or every value of Z kept all of its own.
//!
//! The fourth row: round-robin values hold q or q + 1 replicas, and a set Z of j values of which b
//! hold q + 1 leaves a residual r = t − jq − b (further failures absorbed; negative: down), and
//! r' = t' − jp − b in the model. The plan checks every (j, b) and keeps a model only if each
//! residual, clamped to [−1, HORIZON + 1], is the same in both.

use blastmap_core::Pos;

/// Replica groups larger than this are modelled with at most this many members (spread groups
/// that keep a tolerance under it: at most this many per placement value).
pub(crate) const MAX_REPLICAS: i64 = 64;

/// A spread group modelled exactly may have up to this many members (four values of
/// [`MAX_REPLICAS`]); beyond, the next rule applies.
pub(crate) const MAX_SPREAD_MEMBERS: i64 = 4 * MAX_REPLICAS;

/// Failure sets with up to this many replica failures (besides failed placement values) keep
/// their effect in every model: the analyses search single, double and triple failures, and
/// redundancy proofs over groups this large stop at a few members.
pub(crate) const HORIZON: i64 = 8;

/// A group of identical replicas as the input declares it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Replicas {
    /// How many replicas the input declares, and where the count stands.
    pub count: i64,
    pub count_pos: Option<Pos>,
    /// How many must be up (clamped to 1..=count), and where that is said.
    pub need: i64,
    pub need_pos: Option<Pos>,
    /// Where `need` comes from, in words for warnings ("allows 10 unavailable (PodDisruptionBudget
    /// `web`)"); `None` for the default of 1.
    pub need_from: Option<String>,
    /// How many placement values the replicas are spread over round-robin (0 or 1: not spread),
    /// and what they are ("zones").
    pub spread: usize,
    pub spread_what: &'static str,
}

/// How a group is modelled: one entry of `slots` per member (the index of the spread value it
/// stands in, 0 when not spread), and how many members must be up.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    pub slots: Vec<usize>,
    pub need: i64,
    pub how: How,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum How {
    /// As declared.
    Declared,
    /// Not spread, M members needing M − t: the tolerance is kept.
    Tolerance,
    /// Not spread, 1 of M: the member-only tolerance is M − 1 instead of t.
    Wider,
    /// Spread, fewer members per value, exact for every failure set.
    PerValue { real: Vec<i64>, modelled: Vec<i64> },
    /// Spread, fewer members per value, exact for failed values with up to [`HORIZON`] further
    /// replica failures.
    Shifted { real: Vec<i64>, modelled: Vec<i64> },
    /// Spread, 1 of M round-robin: approximate for failures of values.
    Approximate { real: Vec<i64>, modelled: Vec<i64> },
}

/// Replicas per value when `n` are placed round-robin over `values` values.
fn per_value(n: i64, values: usize) -> Vec<i64> {
    let v = i64::try_from(values.max(1)).unwrap_or(i64::MAX);
    (0..v).map(|z| n / v + i64::from(z < n % v)).collect()
}

/// Members in rounds over the values, as a scheduler spreads them: one slot per member.
fn slots(counts: &[i64]) -> Vec<usize> {
    let rounds = counts.iter().copied().max().unwrap_or(0);
    (0..rounds).flat_map(|round| counts.iter().enumerate().filter(move |(_, &c)| round < c).map(|(z, _)| z)).collect()
}

/// How `n` replicas needing `k`, spread over `spread` values, are modelled (see the module docs).
pub(crate) fn plan(n: i64, k: i64, spread: usize) -> Plan {
    let n = n.max(1);
    let k = k.clamp(1, n);
    let t = n - k;
    if n <= MAX_REPLICAS {
        return Plan { slots: slots(&per_value(n, spread)), need: k, how: How::Declared };
    }
    if spread <= 1 {
        let slots = vec![0; usize::try_from(MAX_REPLICAS).unwrap_or(0)];
        return if t < MAX_REPLICAS {
            Plan { slots, need: MAX_REPLICAS - t, how: How::Tolerance }
        } else {
            Plan { slots, need: 1, how: How::Wider }
        };
    }
    let real = per_value(n, spread);
    if t < MAX_REPLICAS {
        let modelled: Vec<i64> = real.iter().map(|&c| c.min(t + 1)).collect();
        let m: i64 = modelled.iter().sum();
        if m <= MAX_SPREAD_MEMBERS {
            return Plan { slots: slots(&modelled), need: m - t, how: How::PerValue { real, modelled } };
        }
    }
    if let Some((modelled, need)) = shifted(n, k, spread) {
        return Plan { slots: slots(&modelled), need, how: How::Shifted { real, modelled } };
    }
    let modelled = per_value(MAX_REPLICAS, spread);
    let need = if t < MAX_REPLICAS { MAX_REPLICAS - t } else { 1 };
    Plan { slots: slots(&modelled), need, how: How::Approximate { real, modelled } }
}

/// The fourth row of the module's table: per-value counts and need, or `None` when no model of at
/// most M members keeps every residual up to [`HORIZON`]. The most members per value are tried
/// first, then the largest tolerance.
fn shifted(n: i64, k: i64, spread: usize) -> Option<(Vec<i64>, i64)> {
    let v = i64::try_from(spread).ok().filter(|&v| v > 0)?;
    let (q, big, t) = (n / v, n % v, n - k);
    let clamp = |r: i64| r.clamp(-1, HORIZON + 1);
    let p_max = ((MAX_REPLICAS - big) / v).min(q);
    (1..=p_max).rev().find_map(|p| {
        let m = v * p + big;
        let kept = |t2: i64| {
            (0..=v).all(|j| {
                let bs = (j - (v - big)).max(0)..=j.min(big);
                bs.into_iter().all(|b| clamp(t - j * q - b) == clamp(t2 - j * p - b))
            })
        };
        let t2 = (0..m).rev().find(|&t2| kept(t2))?;
        Some(((0..v).map(|z| p + i64::from(z < big)).collect(), m - t2))
    })
}

/// Counts per value: `34/33/33`, or `3 to 4` for many values.
fn list(counts: &[i64]) -> String {
    if counts.len() > 6 {
        let (lo, hi) = (counts.iter().min().copied().unwrap_or(0), counts.iter().max().copied().unwrap_or(0));
        return if lo == hi { lo.to_string() } else { format!("{lo} to {hi}") };
    }
    counts.iter().map(i64::to_string).collect::<Vec<_>>().join("/")
}

/// The warning for a group modelled other than declared (`None` when it is modelled as declared).
pub(crate) fn capped_warning(id: &str, r: &Replicas, plan: &Plan) -> Option<String> {
    let n = r.count;
    let t = n - r.need.clamp(1, n.max(1));
    let m = plan.slots.len();
    let need = plan.need;
    let tm = i64::try_from(m).unwrap_or(i64::MAX) - need;
    let need_from = r.need_from.clone().unwrap_or_else(|| "needs 1 of them up".to_string());
    let (what, v) = (r.spread_what, r.spread);
    let one = what.strip_suffix('s').unwrap_or(what);
    let message = match &plan.how {
        How::Declared => return None,
        How::Tolerance => format!(
            "`{id}` has {n} replicas and {need_from}: modelled as {need} of {m} members, which keeps its tolerance of {t} failures"
        ),
        How::Wider => format!(
            "`{id}` has {n} replicas and {need_from}: modelled as 1 of {m} members, which tolerate {tm} member failures instead of {t} (both far beyond any failure set the analyses search)"
        ),
        How::PerValue { real, modelled } => format!(
            "`{id}` has {n} replicas over {v} {what} ({} per {one}) and {need_from}: modelled as {need} of {m} members ({} per {one}), which keeps its tolerance of {t} failures and what losing any of its {what} takes down",
            list(real),
            list(modelled),
        ),
        How::Shifted { real, modelled } => {
            let tolerance = if tm == t {
                format!("which keep its tolerance of {t} failures and")
            } else {
                format!("which tolerate {tm} member failures instead of {t} (both beyond any failure set the analyses search) and keep")
            };
            format!(
                "`{id}` has {n} replicas over {v} {what} ({} per {one}) and {need_from}: modelled as {need} of {m} members ({} per {one}), {tolerance} what losing any of its {what}, with up to {HORIZON} more replica failures, takes down",
                list(real),
                list(modelled),
            )
        }
        How::Approximate { real, modelled } => {
            let tolerance = if tm == t {
                format!("which keeps its tolerance of {t} failures")
            } else {
                format!("which tolerate {tm} member failures instead of {t}")
            };
            format!(
                "`{id}` has {n} replicas over {v} {what} ({} per {one}) and {need_from}: modelled as {need} of {m} members ({} per {one}), {tolerance}; a {one} failure takes fewer modelled members than real ones, so the model may survive combined {one} and replica failures that take the real group down",
                list(real),
                list(modelled),
            )
        }
    };
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(p: &Plan, values: usize) -> Vec<usize> {
        (0..values).map(|z| p.slots.iter().filter(|&&s| s == z).count()).collect()
    }

    #[test]
    fn small_groups_are_modelled_as_declared() {
        let p = plan(3, 2, 2);
        assert_eq!((p.slots.clone(), p.need, p.how), (vec![0, 1, 0], 2, How::Declared));
        assert_eq!(plan(64, 1, 0).slots.len(), 64);
    }

    #[test]
    fn large_groups_keep_their_tolerance() {
        let p = plan(100, 90, 0);
        assert_eq!((p.slots.len(), p.need, p.how), (64, 54, How::Tolerance));
        let p = plan(100, 37, 0);
        assert_eq!((p.slots.len(), p.need, p.how), (64, 1, How::Tolerance));
        let p = plan(100, 36, 0);
        assert_eq!((p.slots.len(), p.need, p.how), (64, 1, How::Wider));
        let p = plan(100, 100, 0);
        assert_eq!((p.slots.len(), p.need), (64, 64));
    }

    #[test]
    fn spread_groups_keep_what_each_value_takes() {
        // 100 over 3 zones (34/33/33), tolerance 10: 11 per zone, need 33 − 10.
        let p = plan(100, 90, 3);
        assert_eq!(p.need, 23);
        assert_eq!(counts(&p, 3), [11, 11, 11]);
        assert_eq!(p.how, How::PerValue { real: vec![34, 33, 33], modelled: vec![11, 11, 11] });
        // Tolerance 40 over two zones of 50: a zone's failure takes the group down; 41 per zone.
        let p = plan(100, 60, 2);
        assert_eq!((p.slots.len(), p.need), (82, 42));
        // 300 over three zones, 198 needed: losing a zone leaves 2 to spare.
        let p = plan(300, 198, 3);
        assert_eq!(p.how, How::Shifted { real: vec![100, 100, 100], modelled: vec![21, 21, 21] });
        assert_eq!(p.need, 40);
        // Without a budget: 1 of 64 keeps everything within the horizon.
        let p = plan(100, 1, 3);
        assert_eq!((counts(&p, 3), p.need), (vec![22, 21, 21], 1));
        assert!(matches!(p.how, How::Shifted { .. }));
        // Thirty zones of a few replicas each: no shift keeps them; approximate.
        let p = plan(100, 1, 30);
        assert!(matches!(p.how, How::Approximate { .. }), "{p:?}");
        // Ten thousand zones: never more than M members, and a short warning.
        let p = plan(100_000, 99_990, 10_000);
        assert_eq!((p.slots.len(), p.need), (64, 54));
        let r = Replicas { count: 100_000, need: 99_990, spread: 10_000, spread_what: "zones", ..Replicas::default() };
        let w = capped_warning("x", &r, &p).unwrap();
        assert!(
            w.contains("(10 per zone)") && w.contains("(0 to 1 per zone), which keeps its tolerance of 10 failures"),
            "{w}"
        );
    }

    /// Brute force: for every set of failed spread values and number of further failed members,
    /// the models go down exactly when the real group does (within the horizon for shifted ones),
    /// and the plans without spread keep the tolerance (or exceed the horizon).
    #[test]
    fn plans_against_the_real_group() {
        for n in 65..160 {
            for k in 1..=n {
                let t = n - k;
                for v in 0..6usize {
                    let p = plan(n, k, v);
                    let m = i64::try_from(p.slots.len()).unwrap();
                    let tm = m - p.need;
                    assert!(p.need >= 1 && p.need <= m, "n={n} k={k} v={v}: {p:?}");
                    let (real, modelled, horizon) = match &p.how {
                        How::Tolerance => {
                            assert_eq!(tm, t);
                            continue;
                        }
                        How::Wider => {
                            assert!(tm > HORIZON && t > HORIZON);
                            continue;
                        }
                        How::PerValue { real, modelled } => (real, modelled, n),
                        How::Shifted { real, modelled } => (real, modelled, HORIZON),
                        How::Approximate { .. } => panic!("n={n} k={k} v={v}: approximate"),
                        How::Declared => unreachable!(),
                    };
                    assert!(modelled.iter().all(|&c| c <= MAX_REPLICAS));
                    assert_eq!(
                        counts(&p, v),
                        modelled.iter().map(|&c| usize::try_from(c).unwrap()).collect::<Vec<_>>()
                    );
                    for mask in 0..(1u32 << v) {
                        let lost = |c: &[i64]| -> i64 {
                            c.iter().enumerate().filter(|(z, _)| mask & (1 << z) != 0).map(|(_, c)| c).sum()
                        };
                        let (lr, lm) = (lost(real), lost(modelled));
                        for x in 0..=(n - lr).min(horizon) {
                            let real_down = lr + x > t;
                            let model_down = lm + x.min(m - lm) > tm;
                            assert_eq!(real_down, model_down, "n={n} k={k} v={v} mask={mask} x={x}: {p:?}");
                        }
                    }
                }
            }
        }
    }
}
