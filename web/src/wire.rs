//! The model as it crosses from the worker to the page: two flat buffers ([`Packed`]), posted as
//! transferable `ArrayBuffer`s, from which the page rebuilds the worker's [`Model`] (and its
//! [`Mesh`]) without parsing, compiling or validating the topology again.
//!
//! `words` holds numbers (flags, indices, lengths, the adjacency rows); `bytes` the strings,
//! one after the other, each as long as the word before it in `words` says. Read in the order
//! written: the nodes (flags, origin, id, kind, availability), the `need`s, the six adjacencies
//! in [`Parts`] order (offsets, then targets), the name, then the mesh when there is one.
//! Both buffers are made and read by this file only, in the same build of the page; a buffer
//! that does not read (cut short, a string that is not UTF-8, rows that do not fit) is `None`,
//! never a panic.

use blastmap_core::mesh::{Mesh, MeshRoute, MeshTailnet};
use blastmap_core::model::{Adjacency, Node, Origin, Parts};
use blastmap_core::spec::PLACEMENT_ATTRIBUTES;
use blastmap_core::{Model, NodeId};
use wasm_bindgen::{JsCast as _, JsValue};

/// A JS string as a Rust `String`, through the browser's own `TextEncoder` (native code). A
/// string handed to Rust as a `String` is copied by wasm-bindgen's JS loop, character by
/// character while they are ASCII (`passStringToWasm0`): 860 ms of the 1.5 s from a paste of
/// 37 MB to its analysis request, measured in the page. `encodeInto` a buffer with a byte per
/// UTF-16 unit, not `encode`: 45 ms for those 37 MB against 130 (`encode` sizes its buffer for
/// three bytes a unit). What does not fit (text beyond ASCII) is encoded in further rounds.
/// `None` when `value` is not a string (or, outside a browser, when there is no `TextEncoder`).
pub fn string_of(value: &JsValue) -> Option<String> {
    let text = value.dyn_ref::<js_sys::JsString>()?;
    let get = |target: &JsValue, name: &str| js_sys::Reflect::get(target, &JsValue::from_str(name)).ok();
    let class = get(&js_sys::global(), "TextEncoder")?.dyn_into::<js_sys::Function>().ok()?;
    let encoder = js_sys::Reflect::construct(&class, &js_sys::Array::new()).ok()?;
    let encode_into = get(&encoder, "encodeInto")?.dyn_into::<js_sys::Function>().ok()?;
    let mut out: Vec<u8> = Vec::with_capacity(text.length() as usize);
    let mut rest = text.clone();
    while rest.length() > 0 {
        let units = rest.length();
        // A byte per unit, and room for one code point of four bytes: each round takes one at
        // least, and an ASCII text takes one round.
        let buffer = js_sys::Uint8Array::new_with_length(units.checked_add(4)?);
        let done = encode_into.call2(&encoder, &rest, &buffer).ok()?;
        let (read, written) = (get(&done, "read")?.as_f64()? as u32, get(&done, "written")?.as_f64()? as u32);
        if read == 0 || read > units || written > buffer.length() {
            return None;
        }
        let at = out.len();
        out.resize(at + written as usize, 0);
        buffer.subarray(0, written).copy_to(&mut out[at..]);
        rest = rest.slice(read, units);
    }
    String::from_utf8(out).ok()
}

/// A file's bytes as text, decoded as the browser's `FileReader.readAsText` does by default (the
/// Encoding standard's UTF-8 decode: a byte-order mark picks UTF-8 or UTF-16 and is dropped,
/// bytes that are not UTF-8 become U+FFFD). Files are read as bytes because `readAsText` gives
/// a JS string, which reaches Rust character by character ([`string_of`] says why): a file
/// opened or dropped takes the same fast path as a paste.
pub fn file_text(bytes: Vec<u8>) -> String {
    let utf16 = |rest: &[u8], word: fn([u8; 2]) -> u16| {
        let pairs = rest.chunks_exact(2);
        // A lone last byte is no whole code unit: the decoder ends the text with U+FFFD.
        let odd = !pairs.remainder().is_empty();
        let units: Vec<u16> = pairs.filter_map(|c| <[u8; 2]>::try_from(c).ok()).map(word).collect();
        let mut text = String::from_utf16_lossy(&units);
        if odd {
            text.push('\u{fffd}');
        }
        text
    };
    match bytes.as_slice() {
        [0xef, 0xbb, 0xbf, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        [0xff, 0xfe, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xfe, 0xff, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// A model (and its mesh) in two flat buffers.
#[derive(Clone, Default, PartialEq)]
pub struct Packed {
    pub words: Vec<u32>,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Packed({} words, {} bytes)", self.words.len(), self.bytes.len())
    }
}

const CRITICAL: u32 = 1;
const HAS_TARGET: u32 = 1 << 1;
const TARGET: u32 = 1 << 2;
const HAS_AVAILABILITY: u32 = 1 << 3;
const PLACEMENT: u32 = 1 << 4;
const HAS_KIND: u32 = 1 << 5;

/// Absent, in a word that otherwise holds a node (an exit-node group, a failover group).
const NONE: u32 = u32::MAX;

struct Writer {
    words: Vec<u32>,
    bytes: Vec<u8>,
}

impl Writer {
    fn word(&mut self, w: u32) {
        self.words.push(w);
    }

    fn str(&mut self, s: &str) {
        self.words.push(s.len() as u32);
        self.bytes.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        self.word(u32::from(s.is_some()));
        if let Some(s) = s {
            self.str(s);
        }
    }

    fn list(&mut self, l: &[u32]) {
        self.words.push(l.len() as u32);
        self.words.extend_from_slice(l);
    }
}

struct Reader<'a> {
    words: &'a [u32],
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn word(&mut self) -> Option<u32> {
        let (&w, rest) = self.words.split_first()?;
        self.words = rest;
        Some(w)
    }

    fn flag(&mut self) -> Option<bool> {
        self.word().map(|w| w != 0)
    }

    fn str(&mut self) -> Option<String> {
        let len = self.word()? as usize;
        let s = self.bytes.get(..len)?;
        self.bytes = self.bytes.get(len..)?;
        String::from_utf8(s.to_vec()).ok()
    }

    fn opt_str(&mut self) -> Option<Option<String>> {
        Some(if self.flag()? { Some(self.str()?) } else { None })
    }

    fn words(&mut self, n: usize) -> Option<&'a [u32]> {
        let taken = self.words.get(..n)?;
        self.words = self.words.get(n..)?;
        Some(taken)
    }

    fn list(&mut self) -> Option<Vec<u32>> {
        let n = self.word()? as usize;
        self.words(n).map(<[u32]>::to_vec)
    }

    fn adjacency(&mut self) -> Option<Adjacency> {
        let offsets = self.list()?;
        Adjacency::from_rows(offsets, self.list()?)
    }

    fn node(&mut self) -> Option<NodeId> {
        self.word()
    }

    fn opt_node(&mut self) -> Option<Option<NodeId>> {
        self.word().map(|w| (w != NONE).then_some(w))
    }
}

impl Packed {
    /// Packs `model` and its `mesh`.
    ///
    /// # Complexity
    /// O(|V| + |E|) time and space, plus the length of the ids.
    pub fn of(model: &Model, mesh: Option<&Mesh>) -> Packed {
        // Read through the accessors: `Model::parts` would copy every id first.
        let n = model.len();
        let id_bytes: usize = model.ids().map(|v| model.name(v).len()).sum();
        let mut w = Writer {
            words: Vec::with_capacity(5 * n + 6 * (n + 2) + model.edge_count() + 32),
            bytes: Vec::with_capacity(id_bytes + 64),
        };
        w.word(n as u32);
        for v in model.ids() {
            let node = model.node(v);
            let mut flags = 0;
            let set = |flags: &mut u32, bit: u32, on: bool| {
                if on {
                    *flags |= bit;
                }
            };
            set(&mut flags, CRITICAL, node.critical);
            set(&mut flags, HAS_TARGET, node.target.is_some());
            set(&mut flags, TARGET, node.target == Some(true));
            set(&mut flags, HAS_AVAILABILITY, node.availability.is_some());
            set(&mut flags, PLACEMENT, node.is_placement());
            set(&mut flags, HAS_KIND, node.kind.is_some());
            w.word(flags);
            w.word(match node.origin {
                Origin::Component(i) => i as u32,
                Origin::Placement(attr) => PLACEMENT_ATTRIBUTES.iter().position(|&a| a == attr).unwrap_or(0) as u32,
            });
            w.str(&node.id);
            if let Some(kind) = &node.kind {
                w.str(kind);
            }
            if let Some(a) = node.availability {
                let bits = a.to_bits();
                w.word(bits as u32);
                w.word((bits >> 32) as u32);
            }
        }
        w.word(n as u32);
        w.words.extend(model.ids().map(|v| model.need(v)));
        let kinds: [fn(&Model, NodeId) -> &[NodeId]; 6] =
            [Model::requires, Model::placement, Model::start, Model::degrades, Model::monitors, Model::credentials];
        for rows in kinds {
            // Offsets, then targets: the rows `Adjacency::from_rows` takes.
            w.word(n as u32 + 1);
            let mut end = 0u32;
            w.word(end);
            for v in model.ids() {
                end += rows(model, v).len() as u32;
                w.word(end);
            }
            w.word(end);
            for v in model.ids() {
                w.words.extend_from_slice(rows(model, v));
            }
        }
        w.opt_str(model.name.as_deref());
        w.word(u32::from(mesh.is_some()));
        if let Some(mesh) = mesh {
            w.word(mesh.tailnets.len() as u32);
            for t in &mesh.tailnets {
                w.str(&t.id);
                w.word(t.shard);
                w.word(t.admin);
                w.word(u32::from(t.cache_netmap));
                w.list(&t.nodes);
                w.list(&t.shared_in);
                w.word(t.exit.unwrap_or(NONE));
                w.list(&t.ephemeral);
            }
            w.list(&mesh.shards);
            w.list(&mesh.relays);
            w.word(mesh.paths.len() as u32);
            for &(node, paths) in &mesh.paths {
                w.word(node);
                w.word(paths);
            }
            w.word(mesh.routes.len() as u32);
            for r in &mesh.routes {
                w.str(&r.route);
                w.word(r.group);
                w.word(r.primary);
                w.word(r.failover.unwrap_or(NONE));
                w.opt_str(r.tailnet.as_deref());
            }
        }
        Packed { words: w.words, bytes: w.bytes }
    }

    /// The model and mesh [`Packed::of`] packed; `None` when the buffers do not read as one.
    ///
    /// # Complexity
    /// O(|V| + |E|) time and space, plus the length of the ids and their (Fx) hashing.
    pub fn unpack(&self) -> Option<(Model, Option<Mesh>)> {
        let mut r = Reader { words: &self.words, bytes: &self.bytes };
        let n = r.word()? as usize;
        // Each node takes at least three words: a count beyond them is not believed.
        let mut nodes = Vec::with_capacity(n.min(self.words.len() / 3));
        for _ in 0..n {
            let flags = r.word()?;
            let origin = r.word()?;
            let id = r.str()?;
            let kind = if flags & HAS_KIND != 0 { Some(r.str()?) } else { None };
            let availability = if flags & HAS_AVAILABILITY != 0 {
                let (lo, hi) = (u64::from(r.word()?), u64::from(r.word()?));
                Some(f64::from_bits(lo | (hi << 32)))
            } else {
                None
            };
            let origin = if flags & PLACEMENT != 0 {
                Origin::Placement(PLACEMENT_ATTRIBUTES.get(origin as usize)?)
            } else {
                Origin::Component(origin as usize)
            };
            nodes.push(Node {
                id: id.into(),
                kind,
                origin,
                critical: flags & CRITICAL != 0,
                target: (flags & HAS_TARGET != 0).then_some(flags & TARGET != 0),
                availability,
            });
        }
        let need = r.list()?;
        let mut adjacency = || r.adjacency();
        let (requires, placement, start) = (adjacency()?, adjacency()?, adjacency()?);
        let (degrades, monitors, credentials) = (adjacency()?, adjacency()?, adjacency()?);
        let name = r.opt_str()?;
        let parts = Parts { name, nodes, need, requires, placement, start, degrades, monitors, credentials };
        let model = Model::from_parts(parts).ok()?;
        let in_model = |v: NodeId| (v as usize) < n;
        let mesh = if r.flag()? {
            let mut mesh = Mesh::default();
            for _ in 0..r.word()? {
                let id = r.str()?;
                let (shard, admin, cache_netmap) = (r.node()?, r.node()?, r.flag()?);
                let (nodes, shared_in, exit, ephemeral) = (r.list()?, r.list()?, r.opt_node()?, r.list()?);
                mesh.tailnets.push(MeshTailnet { id, shard, admin, cache_netmap, nodes, shared_in, exit, ephemeral });
            }
            mesh.shards = r.list()?;
            mesh.relays = r.list()?;
            for _ in 0..r.word()? {
                mesh.paths.push((r.node()?, r.node()?));
            }
            for _ in 0..r.word()? {
                let route = r.str()?;
                let (group, primary, failover) = (r.node()?, r.node()?, r.opt_node()?);
                let tailnet = r.opt_str()?;
                mesh.routes.push(MeshRoute { route, group, primary, failover, tailnet });
            }
            // The page indexes per-node arrays by these.
            let nodes = mesh.tailnets.iter().flat_map(|t| {
                [t.shard, t.admin]
                    .into_iter()
                    .chain(t.exit)
                    .chain(t.nodes.iter().chain(&t.shared_in).chain(&t.ephemeral).copied())
            });
            let more =
                mesh.shards.iter().chain(&mesh.relays).copied().chain(mesh.paths.iter().flat_map(|&(a, b)| [a, b]));
            let routes = mesh.routes.iter().flat_map(|r| [r.group, r.primary].into_iter().chain(r.failover));
            if !nodes.chain(more).chain(routes).all(in_model) {
                return None;
            }
            Some(mesh)
        } else {
            None
        };
        (r.words.is_empty() && r.bytes.is_empty()).then_some((model, mesh))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_bytes_decode_as_read_as_text_does() {
        use super::file_text;
        assert_eq!(file_text(b"components: []\n".to_vec()), "components: []\n");
        // A UTF-8 byte-order mark is dropped, not left to break the first key.
        assert_eq!(file_text(b"\xef\xbb\xbf{\"a\": 1}".to_vec()), "{\"a\": 1}");
        // Bytes that are not UTF-8 become U+FFFD, the rest kept.
        assert_eq!(file_text(b"id: caf\xe9".to_vec()), "id: caf\u{fffd}");
        // UTF-16 by its mark, either byte order; a lone last byte is U+FFFD.
        assert_eq!(file_text(vec![0xff, 0xfe, b'i', 0, b'd', 0]), "id");
        assert_eq!(file_text(vec![0xfe, 0xff, 0, b'i', 0, b'd', 0x41]), "id\u{fffd}");
        assert_eq!(file_text(Vec::new()), "");
    }

    use super::*;

    fn examples() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
        let mut out: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        out.push("name: t\ncomponents:\n- {id: wéb, critical: true, target: false, requires: [api], region: r1}\n- {id: api, kind: svc, availability: 0.999, monitored_by: [api]}\n".into());
        out
    }

    #[test]
    fn models_and_meshes_cross_unchanged() {
        let texts = examples();
        assert!(texts.len() > 10);
        let mut meshes = 0;
        for text in &texts {
            let c = blastmap_core::load(text).unwrap();
            let packed = Packed::of(&c.model, c.mesh.as_ref());
            let (model, mesh) = packed.unpack().unwrap();
            assert_eq!(mesh, c.mesh);
            meshes += usize::from(mesh.as_ref().is_some_and(|m| !m.tailnets.is_empty() && !m.routes.is_empty()));
            assert_eq!(model.name, c.model.name);
            assert_eq!(model.targets(), c.model.targets());
            for v in c.model.ids() {
                let (a, b) = (c.model.node(v), model.node(v));
                assert_eq!(
                    (&a.id, &a.kind, &a.origin, a.critical, a.target, a.availability),
                    (&b.id, &b.kind, &b.origin, b.critical, b.target, b.availability)
                );
                assert_eq!(model.need(v), c.model.need(v));
                let kinds = |m: &Model| {
                    [m.requires(v), m.placement(v), m.start(v), m.degrades(v), m.monitors(v), m.credentials(v)]
                        .map(<[u32]>::to_vec)
                };
                assert_eq!(kinds(&model), kinds(&c.model));
                assert_eq!(model.lookup(&a.id), Some(v));
            }
            // The same scene, drawn from either.
            assert_eq!(
                crate::scene::Scene::new(&model, mesh.as_ref()),
                crate::scene::Scene::new(&c.model, c.mesh.as_ref())
            );
        }
        assert!(meshes > 0, "a mesh with tailnets and routes crossed");
    }

    #[test]
    fn buffers_that_do_not_read_are_refused() {
        let c = blastmap_core::load("components:\n- {id: web, requires: [db], zone: a}\n- {id: db}\n").unwrap();
        let good = Packed::of(&c.model, None);
        assert!(good.unpack().is_some());
        for cut in 0..good.words.len() {
            let p = Packed { words: good.words[..cut].to_vec(), bytes: good.bytes.clone() };
            assert!(p.unpack().is_none(), "cut at {cut}");
        }
        let p = Packed { words: good.words.clone(), bytes: good.bytes[..good.bytes.len() - 1].to_vec() };
        assert!(p.unpack().is_none(), "a string cut short");
        let mut p = good.clone();
        p.bytes[0] = 0xff;
        assert!(p.unpack().is_none(), "not UTF-8");
        let mut p = good.clone();
        p.words.push(0);
        assert!(p.unpack().is_none(), "more than a model");
        let mut p = good.clone();
        p.words[0] = u32::MAX;
        assert!(p.unpack().is_none(), "more nodes than the buffers hold");
    }
}
