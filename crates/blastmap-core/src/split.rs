//! Region-split review: slice each tailnet that spans several values of a placement attribute
//! (usually `region`) into one tailnet per value, each on a shard in that value, sharing across
//! the new tailnets exactly the nodes that something in another slice depends on.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::spec::{Component, Tailnet, Topology};

/// One tailnet's proposed slices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitProposal {
    /// The tailnet being split.
    pub tailnet: String,
    /// New tailnets: (id, shard, number of nodes).
    pub slices: Vec<(String, String, usize)>,
    /// Shards the split needs that do not exist yet.
    pub new_shards: Vec<String>,
    /// Nodes that must be shared into another slice: (node, slices it is shared into).
    pub shared: Vec<(String, Vec<String>)>,
}

/// The proposal and the topology after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub proposals: Vec<SplitProposal>,
    pub after: Topology,
}

fn value_of<'a>(c: &'a Component, attr: &str) -> Option<&'a str> {
    c.placement().find(|(a, _)| *a == attr).map(|(_, v)| v)
}

/// Splits every tailnet whose nodes span more than one value of `attr`.
///
/// Rules: a node moves to tailnet `T-VALUE` (nodes without a value stay in `T`, which then
/// remains); the slice sits on the first shard (by id) placed in that value, or on a new shard
/// `shard-VALUE` placed there with the original shard's dependencies; a node is shared into another
/// slice when a component of that slice (a node of it, or anything placed in its value) depends on
/// it at runtime, at start, or softly.
///
/// # Errors
/// An unknown attribute, or a topology with no tailnet spanning several values.
pub fn split_by(t: &Topology, attr: &str) -> Result<Split, String> {
    if !crate::spec::PLACEMENT_ATTRIBUTES.contains(&attr) {
        return Err(format!(
            "cannot split by `{attr}`: expected one of {}",
            crate::spec::PLACEMENT_ATTRIBUTES.join(", ")
        ));
    }
    let mut after = t.clone();
    let mut proposals = Vec::new();
    for tn in &t.tailnets {
        let values: BTreeSet<&str> = t
            .components
            .iter()
            .filter(|c| c.tailnet.as_deref() == Some(tn.id.as_str()))
            .filter_map(|c| value_of(c, attr))
            .collect();
        if values.len() < 2 {
            continue;
        }
        let slice_of = |v: &str| format!("{}-{v}", tn.id);
        let original_shard = t.shards.iter().find(|s| s.id == tn.shard);
        let mut slices = Vec::new();
        let mut new_shards = Vec::new();
        for &v in &values {
            let existing = t.shards.iter().filter(|s| value_of(s, attr) == Some(v)).map(|s| s.id.clone()).min();
            let shard = existing.unwrap_or_else(|| {
                let id = format!("shard-{v}");
                if !after.shards.iter().any(|s| s.id == id) {
                    let mut s = Component::new(id.clone());
                    s.kind = original_shard.and_then(|o| o.kind.clone());
                    s.requires = original_shard.map(|o| o.requires.clone()).unwrap_or_default();
                    s.requires_at_start = original_shard.map(|o| o.requires_at_start.clone()).unwrap_or_default();
                    match attr {
                        "region" => s.region = Some(v.to_string()),
                        "zone" => s.zone = Some(v.to_string()),
                        "host" => s.host = Some(v.to_string()),
                        "provider" => s.provider = Some(v.to_string()),
                        "power" => s.power = Some(v.to_string()),
                        _ => s.network = Some(v.to_string()),
                    }
                    after.shards.push(s);
                    new_shards.push(id.clone());
                }
                id
            });
            let count = t
                .components
                .iter()
                .filter(|c| c.tailnet.as_deref() == Some(tn.id.as_str()) && value_of(c, attr) == Some(v))
                .count();
            slices.push((slice_of(v), shard.clone(), count));
            after.tailnets.push(Tailnet {
                id: slice_of(v),
                shard,
                cache_netmap: tn.cache_netmap,
                labels: tn.labels.clone(),
                add: false,
            });
        }
        // Which slice each node lands in.
        let mut slice_of_node: BTreeMap<&str, String> = BTreeMap::new();
        for c in t.components.iter().filter(|c| c.tailnet.as_deref() == Some(tn.id.as_str())) {
            if let Some(v) = value_of(c, attr) {
                slice_of_node.insert(c.id.as_str(), slice_of(v));
            }
        }
        // A dependent's slice: its own if it is a node of this tailnet, else its placement value's.
        let mut shared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for c in &t.components {
            let home = slice_of_node
                .get(c.id.as_str())
                .cloned()
                .or_else(|| value_of(c, attr).filter(|v| values.contains(v)).map(slice_of));
            let Some(home) = home else { continue };
            for dep in c.requires.iter().chain(&c.requires_at_start).chain(&c.degrades_without) {
                let dep = dep.strip_suffix("/paths").unwrap_or(dep);
                if let Some(there) = slice_of_node.get(dep) {
                    if *there != home {
                        shared.entry(dep.to_string()).or_default().insert(home.clone());
                    }
                }
            }
        }
        let remaining =
            t.components.iter().any(|c| c.tailnet.as_deref() == Some(tn.id.as_str()) && value_of(c, attr).is_none());
        for c in after.components.iter_mut() {
            if let Some(slice) = slice_of_node.get(c.id.as_str()) {
                c.tailnet = Some(slice.clone());
            }
            if let Some(into) = shared.get(&c.id) {
                for s in into {
                    if !c.shared_into.contains(s) {
                        c.shared_into.push(s.clone());
                    }
                }
            }
            // Shares into the split tailnet now go to every slice.
            if c.shared_into.contains(&tn.id) && !remaining {
                c.shared_into.retain(|s| *s != tn.id);
                for (slice, _, _) in &slices {
                    if c.tailnet.as_deref() != Some(slice.as_str()) && !c.shared_into.contains(slice) {
                        c.shared_into.push(slice.clone());
                    }
                }
            }
        }
        if !remaining {
            after.tailnets.retain(|x| x.id != tn.id);
        }
        proposals.push(SplitProposal {
            tailnet: tn.id.clone(),
            slices,
            new_shards,
            shared: shared.into_iter().map(|(n, s)| (n, s.into_iter().collect())).collect(),
        });
    }
    if proposals.is_empty() {
        return Err(format!("no tailnet spans more than one `{attr}`: nothing to split"));
    }
    after.name = t.name.as_ref().map(|n| format!("{n}-split-by-{attr}"));
    Ok(Split { proposals, after })
}

/// What a region split does to the reach a tailnet policy gives, the same policy applied to each
/// tailnet after the split ([`check_policy`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SplitPolicyCheck {
    /// The policy file.
    pub file: String,
    /// The tailnet split.
    pub tailnet: String,
    /// The tailnets after the split that the policy was applied to.
    pub after: Vec<String>,
    /// Nodes that principals reach before the split and not after, by node.
    pub lost: Vec<ReachChange>,
    /// Nodes that principals reach after the split and not before (paths the policy does not
    /// open today), by node.
    pub opened: Vec<ReachChange>,
    /// Most severe first.
    pub findings: Vec<SplitFinding>,
}

/// One node whose reach the split changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachChange {
    pub node: String,
    /// The tailnets it is shared into after the split.
    pub shared_into: Vec<String>,
    /// The principals (node ids, `tag:T`, `group:G`, logins) whose reach of it changes, sorted.
    pub principals: Vec<String>,
}

/// A difference the review reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SplitFinding {
    pub severity: crate::finding::Severity,
    /// The node it is about.
    pub subject: String,
    pub title: String,
    /// The node, then the principals.
    pub evidence: Vec<String>,
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`", "`a`, `b`, `c` and 4 more".
fn few(items: &[String]) -> String {
    let q: Vec<String> = items.iter().take(3).map(|s| format!("`{s}`")).collect();
    match (q.split_last(), items.len()) {
        (None, _) => String::new(),
        (Some((last, [])), _) => last.clone(),
        (Some((last, rest)), n) if n <= 3 => format!("{} and {last}", rest.join(", ")),
        (Some(_), n) => format!("{} and {} more", q.join(", "), crate::finding::thousands(n - 3)),
    }
}

/// The reach of `policy` over the estate of the tailnet before a split, compared with its reach
/// over each tailnet after it (`after`: tailnet id and estate; the policy is applied unchanged to
/// each). A node reaches what its own tailnet's policy lets it (as a principal it lives in its
/// home tailnet); a tag, group or user reaches the union over the tailnets (it may have nodes in
/// each). `shared` is the split's sharing (node, tailnets it is shared into).
///
/// Findings: a node shared into a tailnet that principals reached before and do not after (high:
/// the share was made because something there depends on it, and the policy no longer lets it
/// through — a shared node is not matched by its tags or its owner's groups); a path the policy
/// does not open today (high); and the pairs the split cuts between tailnets that nothing in the
/// design depends on (low, one finding).
///
/// # Complexity
/// [`crate::policy::reach`] once before and once per tailnet after, then O(P·N log N) to compare
/// P principals' sets of at most N names.
pub fn check_policy(
    file: &str,
    tailnet: &str,
    policy: &crate::policy::Policy,
    before: &crate::policy::Estate,
    after: &[(String, crate::policy::Estate)],
    shared: &[(String, Vec<String>)],
) -> SplitPolicyCheck {
    use crate::finding::Severity;
    type Sets = BTreeMap<String, BTreeSet<String>>;
    fn record(out: &mut Sets, r: &crate::policy::PolicyReach, x: &crate::policy::Reach) {
        out.entry(x.principal.clone()).or_default().extend(r.names(&x.reaches).into_iter().map(str::to_string));
    }
    let named = |r: &crate::policy::PolicyReach, out: &mut Sets| {
        for x in r.tags.iter().chain(&r.groups).chain(&r.users) {
            record(out, r, x);
        }
    };
    let rb = crate::policy::reach(policy, before);
    // Every tag and user of today is a principal in each tailnet after the split (the reach
    // names only those it meets in its estate): named through tag owners without owners, and a
    // group of its own, left out of the comparison.
    const EVERYONE: &str = "group:\u{0}users";
    let mut policy = policy.clone();
    for t in &rb.tags {
        if !policy.tag_owners.iter().any(|o| o.tag == t.principal) {
            policy.tag_owners.push(crate::policy::TagOwners {
                tag: t.principal.clone(),
                owners: Vec::new(),
                pos: None,
            });
        }
    }
    policy.groups.insert(EVERYONE.to_string(), rb.users.iter().map(|u| u.principal.clone()).collect());
    let policy = &policy;
    let mut b: Sets = BTreeMap::new();
    for (x, n) in rb.nodes.iter().zip(&before.nodes) {
        if !n.shared {
            record(&mut b, &rb, x);
        }
    }
    named(&rb, &mut b);
    let mut a: Sets = BTreeMap::new();
    for (_, estate) in after {
        let ra = crate::policy::reach(policy, estate);
        for (x, n) in ra.nodes.iter().zip(&estate.nodes) {
            if !n.shared {
                record(&mut a, &ra, x);
            }
        }
        named(&ra, &mut a);
    }
    a.remove(EVERYONE);
    let shared_into: BTreeMap<&str, &Vec<String>> = shared.iter().map(|(n, s)| (n.as_str(), s)).collect();
    let empty = BTreeSet::new();
    let mut lost: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut opened: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Principals of both sides (a node that left the estate is no principal after: not compared).
    for (p, was) in &b {
        let Some(now) = a.get(p) else { continue };
        for n in was.difference(now) {
            lost.entry(n.clone()).or_default().insert(p.clone());
        }
    }
    for (p, now) in &a {
        let was = b.get(p).unwrap_or(&empty);
        for n in now.difference(was) {
            opened.entry(n.clone()).or_default().insert(p.clone());
        }
    }
    let change = |(node, principals): (String, BTreeSet<String>)| ReachChange {
        shared_into: shared_into.get(node.as_str()).map(|s| s.to_vec()).unwrap_or_default(),
        node,
        principals: principals.into_iter().collect(),
    };
    let lost: Vec<ReachChange> = lost.into_iter().map(change).collect();
    let opened: Vec<ReachChange> = opened.into_iter().map(change).collect();
    let mut findings = Vec::new();
    let evidence = |c: &ReachChange| {
        std::iter::once(c.node.clone())
            .chain(c.principals.iter().take(crate::finding::EVIDENCE_LIMIT).cloned())
            .collect()
    };
    for c in lost.iter().filter(|c| !c.shared_into.is_empty()) {
        findings.push(SplitFinding {
            severity: Severity::High,
            subject: c.node.clone(),
            title: format!(
                "`{}` is shared into {}, but under the same policy {} no longer {} it (a shared node is not matched by its tags or its owner's groups)",
                c.node,
                few(&c.shared_into),
                few(&c.principals),
                if c.principals.len() == 1 { "reaches" } else { "reach" }
            ),
            evidence: evidence(c),
        });
    }
    for c in &opened {
        findings.push(SplitFinding {
            severity: Severity::High,
            subject: c.node.clone(),
            title: format!(
                "after the split {} {} `{}`, which the policy does not allow today",
                few(&c.principals),
                if c.principals.len() == 1 { "reaches" } else { "reach" },
                c.node
            ),
            evidence: evidence(c),
        });
    }
    let cut: Vec<&ReachChange> = lost.iter().filter(|c| c.shared_into.is_empty()).collect();
    if !cut.is_empty() {
        let pairs: usize = cut.iter().map(|c| c.principals.len()).sum();
        let nodes: Vec<String> = cut.iter().map(|c| c.node.clone()).collect();
        findings.push(SplitFinding {
            severity: Severity::Low,
            subject: tailnet.to_string(),
            title: format!(
                "the split cuts {pairs} principal-to-node {} the policy allows today, to {} in other tailnets (nothing in the design depends on them, so they are not shared)",
                if pairs == 1 { "reach" } else { "reaches" },
                few(&nodes)
            ),
            evidence: nodes.into_iter().take(crate::finding::EVIDENCE_LIMIT).collect(),
        });
    }
    findings.sort_by_key(|f| f.severity);
    SplitPolicyCheck {
        file: file.to_string(),
        tailnet: tailnet.to_string(),
        after: after.iter().map(|(t, _)| t.clone()).collect(),
        lost,
        opened,
        findings,
    }
}
