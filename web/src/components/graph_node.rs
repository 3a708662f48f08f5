//! One node of the graph as SVG markup, the same for the page and for exports, and what it was
//! drawn from ([`Drawn`]), keyed by what it stands for ([`key`]): the page (`graph_view::nodes`)
//! redraws only the nodes whose state changed (a what-if), and a new drawing (an aggregate
//! opened) keeps the `<g>` of every node it still shows in the same place and state.
use std::fmt::Write as _;

use super::status_icon;
use super::Ptr;
use crate::scene::{Drawing, Look};
use blastmap_layout::Placed;

/// How one node is drawn now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeState {
    pub look: Look,
    /// Part of the selected finding's evidence.
    pub evidence: bool,
    /// On the path that explains the hovered node.
    pub path: bool,
    /// The hovered node itself.
    pub hovered: bool,
    /// The component under review.
    pub selected: bool,
    /// Drawn in SVG (large views draw only what is on screen).
    pub drawn: bool,
    /// Its part in the reach view of a policy principal.
    pub reach: ReachMark,
    /// The primary router of a high-availability subnet route (or, rolled up, holds one).
    pub primary: bool,
}

/// A node's part in the reach view, coloured like a blast radius: the principal as the failure
/// it starts from, what it may reach as what goes down, the rest dimmed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReachMark {
    /// No reach view.
    #[default]
    Off,
    /// The principal itself (or, rolled up, holds it and this many members it may reach).
    Origin(u32),
    /// It may reach this node (rolled up: this many of its members).
    Reached(u32),
    /// Not reached.
    Dimmed,
}

impl ReachMark {
    /// The CSS class (also the box painter's).
    pub fn class(self) -> Option<&'static str> {
        match self {
            ReachMark::Off => None,
            ReachMark::Origin(_) => Some("reach-origin"),
            ReachMark::Reached(_) => Some("reach-hit"),
            ReachMark::Dimmed => Some("reach-dim"),
        }
    }
}

/// What one drawn node was drawn from: the page redraws a node only when this changes.
#[derive(Clone)]
pub struct Drawn {
    pub drawing: Ptr<Drawing>,
    /// The shown node.
    pub v: usize,
    pub state: NodeState,
}

/// Equal when the node draws the same: same index and state, and, in another drawing, the
/// same key, place, label, subtitle and kind (all that [`parts`] reads of the drawing).
impl PartialEq for Drawn {
    fn eq(&self, o: &Self) -> bool {
        let (a, b, v) = (&self.drawing, &o.drawing, self.v);
        let same = |a: &Drawing, b: &Drawing| {
            a.view.nodes.get(v).map(|n| &n.key) == b.view.nodes.get(v).map(|n| &n.key)
                && a.layout.nodes.get(v) == b.layout.nodes.get(v)
                && a.labels.get(v) == b.labels.get(v)
                && a.subtitles.get(v) == b.subtitles.get(v)
                && a.aggregate.get(v) == b.aggregate.get(v)
                && a.ids.get(v) == b.ids.get(v)
        };
        v == o.v && self.state == o.state && (a == b || same(a, b))
    }
}

/// The key of shown node `v` of `d` among the graph's nodes: unique per shown node (its
/// [`blastmap_layout::Key`], tagged by kind, so a component called `kind:db` and the
/// aggregate written so differ).
pub fn key(d: &Drawing, v: usize) -> Option<String> {
    let tag = match d.view.nodes.get(v)?.key {
        blastmap_layout::Key::Node(_) => 'n',
        blastmap_layout::Key::Rolled(..) => 'r',
        blastmap_layout::Key::Band(..) => 'b',
        blastmap_layout::Key::Part(..) => 'p',
    };
    Some(format!("{tag}{}", d.ids.get(v)?))
}

/// The badge on a primary router.
const PRIMARY: &str = "primary";

fn fit(text: &str, width: f32, char_width: f32) -> String {
    let max = ((width - 34.0) / char_width).max(3.0) as usize;
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// What one node shows, computed once for the page and for exports.
struct Parts<'a> {
    at: Placed,
    id: &'a str,
    status: &'static str,
    class: String,
    aggregate: bool,
    label: String,
    sub: String,
    title: String,
    /// Status icons: the status's own (top right) and a second one below it.
    icons: [Option<&'static str>; 2],
    /// The hatch of what is down.
    hatch: bool,
    primary: bool,
}

fn parts<'a>(d: &'a Drawing, v: usize, st: &NodeState) -> Option<Parts<'a>> {
    let (at, id) = (*d.layout.nodes.get(v)?, d.ids.get(v)?);
    let aggregate = d.aggregate.get(v).copied().unwrap_or(false);
    let status = st.look.class();
    // The reach view colours the nodes in place of the what-if.
    let mut class = format!("node {}", st.reach.class().unwrap_or(status));
    for (on, name) in [
        (st.primary, " primary-router"),
        (aggregate, " aggregate"),
        (st.evidence, " evidence"),
        (st.path, " path"),
        (st.hovered, " hovered"),
        (st.selected, " selected"),
        (d.subtitles.get(v).is_some_and(|s| s.starts_with("need ")), " gate"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    let label = fit(d.labels.get(v).map_or("", String::as_str), at.w, 7.4);
    let sub = match (d.subtitles.get(v), st.reach) {
        // Holding the principal or not, the colour says; the title too.
        (Some(_), ReachMark::Reached(n) | ReachMark::Origin(n)) if aggregate => {
            format!("{n} of {} reached", st.look.total)
        }
        (Some(_), ReachMark::Off) if aggregate && st.look.down > 0 => {
            format!("{} of {} down", st.look.down, st.look.total)
        }
        (Some(s), _) => s.clone(),
        (None, _) => String::new(),
    };
    let sub = fit(&sub, at.w, 6.0);
    let (cannot_restart, unmonitored) =
        (st.look.cannot_restart && status != "cannot-restart", st.look.unmonitored && status != "unmonitored");
    let reach = match st.reach {
        ReachMark::Off => "",
        ReachMark::Origin(_) => " · the principal whose reach is shown",
        ReachMark::Reached(_) => " · it may reach this",
        ReachMark::Dimmed => " · out of its reach",
    };
    let primary = if st.primary { " · primary router of a high-availability subnet route" } else { "" };
    let title = if aggregate {
        format!("{id}: {} components{reach}{primary} — click to expand", st.look.total)
    } else if st.reach != ReachMark::Off {
        format!("{id}{reach}{primary} · click to fail or restore (or, in Review, to review it), Alt+click to focus")
    } else {
        format!(
            "{id} — {status}{}{}{primary} · click to fail or restore (or, in Review, to review it), Alt+click to focus",
            if cannot_restart { ", cannot restart" } else { "" },
            if unmonitored { ", unmonitored" } else { "" }
        )
    };
    let second = if cannot_restart {
        Some("cannot-restart")
    } else if unmonitored {
        Some("unmonitored")
    } else {
        None
    };
    let off = st.reach == ReachMark::Off;
    let icons = if off { [(status != "up").then_some(status), second] } else { [None, None] };
    let hatch = off && (status == "down" || status == "failed");
    Some(Parts { at, id, status, class, aggregate, label, sub, title, icons, hatch, primary: st.primary })
}

/// `text` for SVG markup, in text or in a double-quoted attribute: `&`, `<`, `>` and `"` as
/// entities, and control characters (which XML does not allow, not even as references) written
/// as visible escapes (`\x1b`).
pub(crate) fn escape(text: &str) -> String {
    blastmap_core::render::visible(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Shown node `v` of `d` in state `st` as SVG markup, appended to `out`: one `<g>`, the same
/// for the page and for exports, except that the page's (`page`) carries `data-v`, its index,
/// for the view's delegated events. False if `d` has no node `v`.
pub fn write(out: &mut String, d: &Drawing, v: usize, st: &NodeState, page: bool) -> bool {
    let Some(n) = parts(d, v, st) else { return false };
    let (w, h) = (n.at.w, n.at.h);
    out.push_str("<g class=\"");
    out.push_str(&n.class);
    if page {
        let _ = write!(out, "\" data-v=\"{v}");
    }
    let _ = write!(out, "\" data-id=\"{}\" data-status=\"{}\"", escape(n.id), n.status);
    if let Some(reach) = st.reach.class() {
        let _ = write!(out, " data-reach=\"{reach}\"");
    }
    let _ = write!(out, " transform=\"translate({:.1},{:.1})\"><title>{}</title>", n.at.x, n.at.y, escape(&n.title));
    if n.aggregate {
        let _ = write!(out, "<rect class=\"stack\" x=\"4\" y=\"-4\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"6\"/>");
    }
    if n.primary {
        let _ = write!(
            out,
            "<rect class=\"primary-ring\" x=\"-4\" y=\"-4\" width=\"{:.1}\" height=\"{:.1}\" rx=\"9\"/>",
            w + 8.0,
            h + 8.0
        );
    }
    let _ = write!(out, "<rect class=\"box\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"6\"/>");
    if n.hatch {
        hatch(out, &n.at);
    }
    let _ = write!(
        out,
        "<text class=\"label\" x=\"9\" y=\"15\">{}</text><text class=\"sub\" x=\"9\" y=\"28\">{}</text>",
        escape(&n.label),
        escape(&n.sub)
    );
    icons(out, &n.icons, &n.at);
    if n.primary {
        let _ = write!(
            out,
            "<g class=\"primary-badge\" transform=\"translate({:.1},-9)\"><rect width=\"50\" height=\"13\" rx=\"6.5\"/><text x=\"25\" y=\"9.5\">{PRIMARY}</text></g>",
            w - 58.0
        );
    }
    out.push_str("</g>");
    true
}

/// The hatch of what is down, over a node's box.
fn hatch(out: &mut String, at: &Placed) {
    let _ = write!(out, "<rect class=\"hatch\" width=\"{:.1}\" height=\"{:.1}\" rx=\"6\"/>", at.w, at.h);
}

/// A node's status icons, at its top right.
fn icons(out: &mut String, icons: &[Option<&'static str>; 2], at: &Placed) {
    for (icon, y) in icons.iter().zip([4.0, 19.0]) {
        if let Some(s) = icon {
            status_icon::markup(out, s, at.w - 17.0, y);
        }
    }
}

/// What changes in the `<g>` of shown node `v` of `d` from state `old` to state `new` (a
/// what-if, a hover): each field `None` if it stays. Changed in place, the node keeps its
/// elements, and its texts are not laid out again (a what-if that took down a hundred nodes
/// redrawn whole cost ~10 ms more). `None` when the node must be drawn anew (the primary
/// router's ring and badge, which no what-if changes).
#[derive(Debug, Default, PartialEq)]
pub struct Patch {
    pub class: Option<String>,
    pub status: Option<&'static str>,
    /// `data-reach`: `Some(None)` removes it.
    pub reach: Option<Option<&'static str>>,
    pub title: Option<String>,
    pub label: Option<String>,
    pub sub: Option<String>,
    /// The hatch's markup after the box (`Some(None)`: none any more).
    pub hatch: Option<Option<String>>,
    /// The markup of all the status icons, in place of those there.
    pub icons: Option<String>,
}

pub fn patch(d: &Drawing, v: usize, old: &NodeState, new: &NodeState) -> Option<Patch> {
    let (a, b) = (parts(d, v, old)?, parts(d, v, new)?);
    if a.primary != b.primary {
        return None;
    }
    // Texts as the markup's escapes read back: control characters made visible.
    let text = |x: &String, y: &String| (x != y).then(|| blastmap_core::render::visible(y).into_owned());
    Some(Patch {
        class: (a.class != b.class).then(|| b.class.clone()),
        status: (a.status != b.status).then_some(b.status),
        reach: (old.reach.class() != new.reach.class()).then_some(new.reach.class()),
        title: text(&a.title, &b.title),
        label: text(&a.label, &b.label),
        sub: text(&a.sub, &b.sub),
        hatch: (a.hatch != b.hatch).then(|| {
            b.hatch.then(|| {
                let mut m = String::new();
                hatch(&mut m, &b.at);
                m
            })
        }),
        icons: (a.icons != b.icons).then(|| {
            let mut m = String::new();
            icons(&mut m, &b.icons, &b.at);
            m
        }),
    })
}

/// Every node of `d` as SVG markup, as the page draws them (for exports, which include the
/// nodes a large view leaves off screen).
pub fn markup(d: &Drawing, states: &[NodeState]) -> String {
    let mut out = String::with_capacity(states.len() * 400);
    for (v, st) in states.iter().enumerate() {
        write(&mut out, d, v, st, false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Scene;
    use blastmap_layout::RollUp;

    /// A node keeps its key (and its props compare equal) in a new drawing that shows it in the
    /// same place; keys are unique, tagged by what the node stands for.
    #[test]
    fn nodes_are_keyed_by_what_they_stand_for() {
        use blastmap_layout::{RollUp, RollUpBy};
        let text = "components:
- {id: web, requires: [api], region: east}
- {id: api, requires: [db], region: east}
- {id: db, region: west}
- {id: cache, region: west}
- {id: 'region:east', requires: [db]}
";
        let l = crate::load::load(text).unwrap();
        let scene = Scene::new(&l.compiled.model, l.compiled.mesh.as_ref());
        let rolled = Drawing::new(&l.compiled.model, &scene, None, &RollUp::by(&[RollUpBy::Region]));
        let keys: Vec<String> = (0..rolled.ids.len()).filter_map(|v| key(&rolled, v)).collect();
        for (v, k) in keys.iter().enumerate() {
            assert_eq!(k.starts_with('r'), rolled.aggregate[v], "{keys:?}");
        }
        assert!(keys.contains(&"rregion:west".to_string()) && keys.contains(&"nregion:east".to_string()), "{keys:?}");
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "{keys:?}");
        // The same drawing built again: equal props, node by node; another state is not equal.
        let again = Drawing::new(&l.compiled.model, &scene, None, &RollUp::by(&[RollUpBy::Region]));
        let props =
            |d: &Drawing, v: usize, state: NodeState| Drawn { drawing: Ptr(std::rc::Rc::new(d.clone())), v, state };
        for v in 0..rolled.ids.len() {
            assert!(props(&rolled, v, NodeState::default()) == props(&again, v, NodeState::default()));
            let failed = NodeState { selected: true, ..NodeState::default() };
            assert!(props(&rolled, v, NodeState::default()) != props(&again, v, failed));
        }
        // Opened, the region's members are other nodes: their props differ from the aggregate's.
        let mut open = RollUp::by(&[RollUpBy::Region]);
        open.expanded.insert(RollUp::key(RollUpBy::Region, "west"));
        let opened = Drawing::new(&l.compiled.model, &scene, None, &open);
        let east = rolled.ids.iter().position(|id| id == "region:west").unwrap();
        assert!(props(&rolled, east, NodeState::default()) != props(&opened, east, NodeState::default()));
    }

    /// The SVG export keeps every id, label and title as text: markup-significant characters are
    /// escaped in text and in (double-quoted) attributes alike, and control characters, which
    /// XML does not allow even escaped, are written as visible escapes.
    #[test]
    fn the_svg_export_keeps_hostile_ids_as_text() {
        let hostile = [
            "<script>alert(1)</script>",
            "a\" onload=\"alert(1)",
            "x & y <b>",
            "esc\u{1b}[2J\u{7}",
            "</title></g><g onclick='x'>",
        ];
        let mut components = vec![serde_json::json!({"id": "app", "requires": hostile})];
        components.extend(hostile.iter().map(|id| serde_json::json!({"id": id})));
        let text = serde_json::json!({ "components": components }).to_string();
        let l = crate::load::load(&text).unwrap();
        let scene = Scene::new(&l.compiled.model, l.compiled.mesh.as_ref());
        let d = Drawing::new(&l.compiled.model, &scene, None, &RollUp::none());
        let svg = markup(&d, &vec![NodeState::default(); d.ids.len()]);
        // One element per node, no more: nothing an id says opened or closed one.
        assert_eq!(svg.matches("<g ").count(), d.ids.len(), "{svg}");
        assert_eq!(svg.matches("</g>").count(), d.ids.len(), "{svg}");
        assert_eq!(svg.matches("<title>").count(), d.ids.len(), "{svg}");
        assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains(" onload=\""), "{svg}");
        assert!(!svg.contains("<g onclick") && svg.contains("&lt;/title&gt;&lt;/g&gt;&lt;g onclick='x'&gt;"), "{svg}");
        assert!(svg.contains("data-id=\"a&quot; onload=&quot;alert(1)\""), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{svg}");
        assert!(svg.contains("x &amp; y &lt;b&gt;"), "{svg}");
        assert!(!svg.chars().any(char::is_control), "a raw control character makes the SVG ill-formed: {svg:?}");
        assert!(svg.contains("esc\\x1b[2J\\x07"), "{svg}");
    }
}
