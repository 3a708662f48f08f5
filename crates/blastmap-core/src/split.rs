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
