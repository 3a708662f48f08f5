//! The layered layout of a [`View`]: dependencies below their dependents, one column per
//! region with a box per zone inside it, few crossings.

use rustc_hash::FxHashMap;

use crate::view::{View, ViewNode};

/// The bits of `x` as an integer that orders as [`f32::total_cmp`] orders the floats: negative
/// numbers (sign bit set) reversed below the positive ones.
fn ordered(x: f32) -> u32 {
    let bits = x.to_bits();
    if bits >> 31 == 1 {
        !bits
    } else {
        bits | 1 << 31
    }
}

/// Sizes, in the drawing's units (CSS pixels in the page).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    pub node_height: f32,
    /// Width per label character, and the bounds of a node's width.
    pub char_width: f32,
    pub min_width: f32,
    pub max_width: f32,
    /// Horizontal space between nodes, and vertical space between layers.
    pub node_gap: f32,
    pub layer_gap: f32,
    /// Padding inside a zone box and a region box; space for their labels; gap between columns.
    pub zone_pad: f32,
    pub region_pad: f32,
    pub label_height: f32,
    pub column_gap: f32,
    /// Crossing-reduction sweeps (each one down or up).
    pub sweeps: u32,
    /// A drawing wider than this narrows its columns (down to this width, or to `wrap_aspect`
    /// times its height if that is wider) and wraps their layers onto more lines, `wrap_gap`
    /// apart: a layer of a hundred hosts side by side would make the drawing a thin strip, and
    /// a row of 19 parts beside a column of 20 one Fit could not read.
    pub wrap_width: f32,
    pub wrap_gap: f32,
    pub wrap_aspect: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            node_height: 34.0,
            char_width: 7.4,
            min_width: 72.0,
            max_width: 240.0,
            node_gap: 18.0,
            layer_gap: 58.0,
            zone_pad: 10.0,
            region_pad: 14.0,
            label_height: 22.0,
            column_gap: 36.0,
            sweeps: 6,
            // About the graph panel's shape (square-ish beside the editor and the findings): a
            // drawing twice as wide as tall and 4,500 wide before wrapping left a row of 19
            // parts of 20,000 Deployments one line past the panel's edges, and a region's 25
            // sub-parts under its column of 20 parts a thin strip at Fit.
            wrap_width: 1_200.0,
            wrap_gap: 14.0,
            wrap_aspect: 1.0,
        }
    }
}

/// Where a shown node is drawn: its top-left corner, size and layer (0 at the bottom).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Placed {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub layer: u32,
}

impl Placed {
    /// The centre of the top edge, where edges from dependents arrive.
    pub fn top(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y)
    }

    /// The centre of the bottom edge, where edges to dependencies leave.
    pub fn bottom(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h)
    }
}

/// What a band box stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BandKind {
    Region,
    Zone,
}

/// A placement box: a region column or a zone box inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub kind: BandKind,
    /// The region or zone value.
    pub label: String,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// A laid-out view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// One per view node, in view order.
    pub nodes: Vec<Placed>,
    /// Region boxes first, then zone boxes (so zones draw on top).
    pub bands: Vec<Band>,
    pub width: f32,
    pub height: f32,
    pub layers: u32,
}

/// The width of a node whose label has `chars` characters.
pub fn node_width(p: &Params, chars: usize) -> f32 {
    (chars as f32 * p.char_width + 36.0).clamp(p.min_width, p.max_width)
}

/// Lays `view` out. `chars[v]` is how many label characters wide the text of view node `v` is
/// (it sets the node's width; 8 when missing).
///
/// Layering: every node sits one layer above its highest dependency (longest path from the
/// sinks over runtime, start-time and soft edges), after the edges that close cycles are
/// reversed out by a depth-first search. Ordering: nodes are grouped by band (region, then
/// zone; unplaced nodes last) and, within a band, sorted by the barycenter of their neighbours'
/// positions, sweeping down and up `params.sweeps` times. Coordinates: each band is a column as
/// wide as its widest layer; when the columns together are wider than `params.wrap_width`, all
/// narrow by one factor (to that width, or to about twice the drawing's height if wider) and
/// their wider layers wrap onto more lines; each line's nodes are centred in their column.
///
/// ```
/// use blastmap_layout::{layout, view, Edge, EdgeKind, Graph, NodeInfo, Params, RollUp};
/// let g = Graph {
///     nodes: ["web", "db"].map(NodeInfo::new).to_vec(),
///     edges: vec![Edge { from: 0, to: 1, kind: EdgeKind::Runtime }],
/// };
/// let v = view(&g, None, &RollUp::none());
/// let l = layout(&v, &[3, 2], &Params::default());
/// assert_eq!((l.nodes[0].layer, l.nodes[1].layer), (1, 0));
/// assert!(l.nodes[0].y < l.nodes[1].y, "dependents are drawn above their dependencies");
/// ```
///
/// # Complexity
/// O((|V| + |E|) · sweeps + |V| log |V|) time and O(|V| + |E|) extra space, where V and E are
/// the view's nodes and edges. No dummy nodes: long edges pull on barycenters directly.
pub fn layout(view: &View, chars: &[usize], params: &Params) -> Layout {
    let n = view.nodes.len();
    if n == 0 {
        return Layout::default();
    }
    let deps: Vec<Vec<u32>> = {
        let mut d = vec![Vec::new(); n];
        for e in view.edges.iter().filter(|e| e.kind.is_dependency()) {
            if (e.from as usize) < n && (e.to as usize) < n && !d[e.from as usize].contains(&e.to) {
                d[e.from as usize].push(e.to);
            }
        }
        d
    };
    let layer = layers(&deps);
    let top = layer.iter().copied().max().unwrap_or(0);
    if let Some(grid) = band_grid(view, chars, &layer, params) {
        return grid;
    }

    // Band of each node: (region rank, zone rank); unplaced last. The distinct (region, zone)
    // pairs are few: they are sorted, not every node's (thousands of string comparisons).
    fn place(v: &ViewNode) -> Option<(&str, &str)> {
        Some((v.region.as_deref()?, v.zone.as_deref().unwrap_or("")))
    }
    // Each node's pair is looked up once (neighbours mostly share the last one's), numbered
    // in the order first seen, then the numbers are turned into ranks.
    let mut seen: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    let mut zones: Vec<(&str, &str)> = Vec::new();
    let mut last: Option<((&str, &str), usize)> = None;
    let first_seen: Vec<Option<usize>> = view
        .nodes
        .iter()
        .map(|v| {
            let z = place(v)?;
            match last {
                Some((l, i)) if l == z => Some(i),
                _ => {
                    let i = *seen.entry(z).or_insert_with(|| {
                        zones.push(z);
                        zones.len() - 1
                    });
                    last = Some((z, i));
                    Some(i)
                }
            }
        })
        .collect();
    let mut by_pair: Vec<usize> = (0..zones.len()).collect();
    by_pair.sort_unstable_by_key(|&i| zones[i]);
    let mut rank = vec![0; zones.len()];
    for (r, &i) in by_pair.iter().enumerate() {
        rank[i] = r;
    }
    let zones: Vec<(&str, &str)> = by_pair.iter().map(|&i| zones[i]).collect();
    let unplaced = zones.len();
    let band_of: Vec<usize> = first_seen.iter().map(|i| i.map_or(unplaced, |i| rank[i])).collect();

    // Initial order: by band, then view order.
    let mut rows: Vec<Vec<u32>> = vec![Vec::new(); top as usize + 1];
    for v in 0..n {
        rows[layer[v] as usize].push(v as u32);
    }
    for row in &mut rows {
        row.sort_by_key(|&v| band_of[v as usize]);
    }
    let mut neighbours: Vec<Vec<u32>> = vec![Vec::new(); n];
    for e in &view.edges {
        if (e.from as usize) < n && (e.to as usize) < n {
            neighbours[e.from as usize].push(e.to);
            neighbours[e.to as usize].push(e.from);
        }
    }
    let mut norm = vec![0.0f32; n];
    let renorm = |rows: &[Vec<u32>], norm: &mut [f32]| {
        for row in rows {
            let len = row.len() as f32;
            for (i, &v) in row.iter().enumerate() {
                norm[v as usize] = (i as f32 + 0.5) / len;
            }
        }
    };
    renorm(&rows, &mut norm);
    for sweep in 0..params.sweeps {
        let downward = sweep % 2 == 0;
        let order: Vec<usize> = if downward { (0..rows.len()).rev().collect() } else { (0..rows.len()).collect() };
        for l in order {
            // Sorted by band, then barycenter, then index: packed into integers, which sort
            // several times faster than a comparison of the three (a third of the layout of
            // thousands of aggregates in the page).
            let mut keyed: Vec<(u64, u32)> = rows[l]
                .iter()
                .map(|&v| {
                    let (mut sum, mut count) = (0.0f32, 0u32);
                    for &u in &neighbours[v as usize] {
                        let lu = layer[u as usize] as usize;
                        if (downward && lu > l) || (!downward && lu < l) {
                            sum += norm[u as usize];
                            count += 1;
                        }
                    }
                    let bary = if count == 0 { norm[v as usize] } else { sum / count as f32 };
                    ((band_of[v as usize] as u64) << 32 | u64::from(ordered(bary)), v)
                })
                .collect();
            keyed.sort_unstable();
            rows[l] = keyed.into_iter().map(|k| k.1).collect();
            let len = rows[l].len() as f32;
            for (i, &v) in rows[l].iter().enumerate() {
                norm[v as usize] = (i as f32 + 0.5) / len;
            }
        }
    }

    // Coordinates.
    let width_of: Vec<f32> = (0..n).map(|v| node_width(params, chars.get(v).copied().unwrap_or(8))).collect();
    let bands = unplaced + 1;
    // Band widths: the widest layer's, capped at the wrap width (but never below a node).
    let mut band_width = vec![0.0f32; bands];
    let mut widest = vec![0.0f32; bands];
    // Occupied (layer, band) cells and their one-line widths.
    let mut cells: Vec<(usize, usize, f32)> = Vec::new();
    for (l, row) in rows.iter().enumerate() {
        let mut cell = vec![0.0f32; bands];
        let mut count = vec![0usize; bands];
        for &v in row {
            let b = band_of[v as usize];
            cell[b] += width_of[v as usize];
            count[b] += 1;
            widest[b] = widest[b].max(width_of[v as usize]);
        }
        for b in 0..bands {
            if count[b] > 0 {
                let w = cell[b] + params.node_gap * (count[b] - 1) as f32;
                band_width[b] = band_width[b].max(w);
                cells.push((l, b, w));
            }
        }
    }
    // Wider than `wrap_width`: every column narrows by one factor, the smallest that keeps the
    // drawing at least `wrap_aspect` times as wide as tall (estimated from the lines each layer
    // would need), so the columns' wrapped heights stay alike.
    let natural: f32 = band_width.iter().sum();
    if natural > params.wrap_width {
        let aspect = |f: f32| {
            let mut line_count = vec![1.0f32; rows.len()];
            for &(l, b, w) in &cells {
                let cap = (band_width[b] * f).max(widest[b]);
                line_count[l] = line_count[l].max((w / cap).ceil());
            }
            let lines: f32 = line_count.iter().sum();
            let height = lines * (params.node_height + params.wrap_gap) + rows.len() as f32 * params.layer_gap;
            let width: f32 = band_width.iter().zip(&widest).map(|(w, m)| (w * f).max(*m)).sum();
            width / height
        };
        let (mut lo, mut hi) = (params.wrap_width / natural, 1.0f32);
        if aspect(lo) < params.wrap_aspect {
            for _ in 0..24 {
                let mid = (lo + hi) / 2.0;
                if aspect(mid) < params.wrap_aspect {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            lo = hi;
        }
        for b in 0..bands {
            band_width[b] = (band_width[b] * lo).max(widest[b]);
        }
    }
    // Lines: each layer's run of nodes in a band, wrapped at the band's width.
    let mut lines: Vec<Vec<(usize, Vec<u32>)>> = vec![Vec::new(); rows.len()];
    for (l, row) in rows.iter().enumerate() {
        let mut i = 0;
        while i < row.len() {
            let b = band_of[row[i] as usize];
            let mut line: Vec<u32> = Vec::new();
            let mut used = 0.0f32;
            while i < row.len() && band_of[row[i] as usize] == b {
                let v = row[i];
                let w = width_of[v as usize];
                if !line.is_empty() && used + params.node_gap + w > band_width[b] {
                    lines[l].push((b, std::mem::take(&mut line)));
                    used = 0.0;
                }
                used += if line.is_empty() { w } else { params.node_gap + w };
                line.push(v);
                i += 1;
            }
            lines[l].push((b, line));
        }
    }
    // Lines per layer: the most any band of it needs.
    let line_count: Vec<usize> = lines
        .iter()
        .map(|ls| {
            let mut per_band = vec![0usize; bands];
            for (b, _) in ls {
                per_band[*b] += 1;
            }
            per_band.into_iter().max().unwrap_or(1).max(1)
        })
        .collect();
    let has_zone = |b: usize| b < unplaced && !zones[b].1.is_empty();
    let inner_pad = |b: usize| if has_zone(b) { params.zone_pad } else { 0.0 };
    let top_margin = if zones.is_empty() { 8.0 } else { params.label_height * 2.0 + params.region_pad };
    let line_step = params.node_height + params.wrap_gap;
    let layer_height = |l: usize| line_count[l] as f32 * line_step - params.wrap_gap;
    // Top of each layer, the highest first.
    let mut layer_top = vec![0.0f32; rows.len()];
    let mut y = top_margin;
    for l in (0..rows.len()).rev() {
        layer_top[l] = y;
        y += layer_height(l) + params.layer_gap;
    }
    let height =
        layer_top[0] + layer_height(0) + if zones.is_empty() { 8.0 } else { params.region_pad + params.zone_pad };

    // Column x offsets: regions hold consecutive zone bands.
    let mut band_x = vec![0.0f32; bands];
    let mut out_bands = Vec::new();
    let mut zone_boxes = Vec::new();
    let mut x = 8.0f32;
    let mut b = 0;
    while b < bands {
        if b < unplaced {
            let region = zones[b].0;
            let start = x;
            x += params.region_pad;
            while b < unplaced && zones[b].0 == region {
                let zx = x;
                band_x[b] = x + inner_pad(b);
                x += band_width[b].max(40.0) + 2.0 * inner_pad(b);
                if has_zone(b) {
                    zone_boxes.push(Band {
                        kind: BandKind::Zone,
                        label: zones[b].1.to_string(),
                        x: zx,
                        y: params.label_height + params.region_pad / 2.0,
                        w: x - zx,
                        h: height - params.label_height - params.region_pad,
                    });
                }
                x += params.node_gap;
                b += 1;
            }
            x += params.region_pad - params.node_gap;
            out_bands.push(Band {
                kind: BandKind::Region,
                label: region.to_string(),
                x: start,
                y: 0.0,
                w: x - start,
                h: height,
            });
            x += params.column_gap;
        } else {
            band_x[b] = x;
            x += band_width[b] + params.column_gap;
            b += 1;
        }
    }
    out_bands.extend(zone_boxes);
    let width = x - params.column_gap + 8.0;

    let mut nodes = vec![Placed::default(); n];
    for (l, ls) in lines.iter().enumerate() {
        let mut line_in_band = vec![0usize; bands];
        for (b, line) in ls {
            let b = *b;
            let cell: f32 =
                line.iter().map(|&v| width_of[v as usize]).sum::<f32>() + params.node_gap * (line.len() - 1) as f32;
            let mut cx = band_x[b] + (band_width[b].max(40.0) - cell) / 2.0;
            let y = layer_top[l] + line_in_band[b] as f32 * line_step;
            line_in_band[b] += 1;
            for &v in line {
                let w = width_of[v as usize];
                nodes[v as usize] = Placed { x: cx, y, w, h: params.node_height, layer: l as u32 };
                cx += w + params.node_gap;
            }
        }
    }
    Layout { nodes, bands: out_bands, width: width.max(1.0), height, layers: top + 1 }
}

/// A column of more bands than this is laid out in rows instead.
pub const GRID_ABOVE: usize = 6;

/// The width-to-height ratio a grid of bands aims at: about that of the page's graph, which
/// sits between the editor and the findings.
const GRID_ASPECT: f32 = 1.2;

/// A view of bands of depth only, one per layer (a chain rolled up, [`crate::RollUpBy::Depth`]),
/// of more than [`GRID_ABOVE`]: laid out in rows, deepest first, reading left to right and then
/// down, so that a whole chain shows at a legible size where one column of up to 25 bands did
/// not. Each band depends on the next one in reading order: edges in a row run left to right,
/// and from a row's last band down to the next row's first. The number of columns is the one
/// whose drawing is nearest [`GRID_ASPECT`]. `None` for any other view.
///
/// # Complexity
/// O(|V| log |V|) for the view's V nodes.
fn band_grid(view: &View, chars: &[usize], layer: &[u32], params: &Params) -> Option<Layout> {
    let n = view.nodes.len();
    if n <= GRID_ABOVE || !view.nodes.iter().all(|v| matches!(v.key, crate::view::Key::Band(..))) {
        return None;
    }
    // Deepest first (the highest layer); one band per layer.
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&v| std::cmp::Reverse(layer.get(v as usize).copied().unwrap_or(0)));
    if order.windows(2).any(|w| layer.get(w[0] as usize) == layer.get(w[1] as usize)) {
        return None;
    }
    let width_of: Vec<f32> = (0..n).map(|v| node_width(params, chars.get(v).copied().unwrap_or(8))).collect();
    let cell = width_of.iter().copied().fold(params.min_width, f32::max);
    let (gap_x, gap_y) = (params.column_gap + params.node_gap, params.node_gap * 1.5);
    let size = |columns: usize| {
        let rows = n.div_ceil(columns);
        let w = columns as f32 * cell + (columns - 1) as f32 * gap_x + 16.0;
        let h = rows as f32 * params.node_height + (rows - 1) as f32 * gap_y + 16.0;
        (w, h)
    };
    let columns = (1..=n)
        .min_by(|&a, &b| {
            let off = |c: usize| {
                let (w, h) = size(c);
                (w / h / GRID_ASPECT).ln().abs()
            };
            off(a).total_cmp(&off(b))
        })
        .unwrap_or(1);
    let (width, height) = size(columns);
    let mut nodes = vec![Placed::default(); n];
    for (i, &v) in order.iter().enumerate() {
        let (row, column) = (i / columns, i % columns);
        let w = width_of.get(v as usize).copied().unwrap_or(cell);
        if let Some(at) = nodes.get_mut(v as usize) {
            *at = Placed {
                x: 8.0 + column as f32 * (cell + gap_x) + (cell - w) / 2.0,
                y: 8.0 + row as f32 * (params.node_height + gap_y),
                w,
                h: params.node_height,
                layer: layer.get(v as usize).copied().unwrap_or(0),
            };
        }
    }
    let layers = layer.iter().copied().max().unwrap_or(0) + 1;
    Some(Layout { nodes, bands: Vec::new(), width, height, layers })
}

/// Longest-path layering: `layer[v]` is 0 for nodes without dependencies, else one more than
/// the highest layer among them. Edges that close a cycle (back edges of an iterative DFS) are
/// ignored.
fn layers(deps: &[Vec<u32>]) -> Vec<u32> {
    let n = deps.len();
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut layer = vec![0u32; n];
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        stack.push((root as u32, 0));
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            let vi = v as usize;
            if let Some(&d) = deps[vi].get(*next) {
                *next += 1;
                match state[d as usize] {
                    0 => {
                        state[d as usize] = 1;
                        stack.push((d, 0));
                    }
                    2 => layer[vi] = layer[vi].max(layer[d as usize] + 1),
                    _ => {} // back edge: closes a cycle, ignored
                }
            } else {
                state[vi] = 2;
                stack.pop();
                if let Some(&(parent, _)) = stack.last() {
                    layer[parent as usize] = layer[parent as usize].max(layer[vi] + 1);
                }
            }
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::ordered;

    /// The packed sort key orders floats exactly as `total_cmp` does: signed zeros, infinities,
    /// subnormals and NaNs included.
    #[test]
    fn packed_floats_order_as_total_cmp() {
        let mut xs = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.499_999_97,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::from_bits(1),
            -f32::from_bits(1),
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
        ];
        xs.extend((0..200).map(|i| (i as f32 - 100.0) / 37.0));
        for a in &xs {
            for b in &xs {
                assert_eq!(ordered(*a).cmp(&ordered(*b)), a.total_cmp(b), "{a} vs {b}");
            }
        }
    }
}
