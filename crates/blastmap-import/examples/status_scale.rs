//! Times reading many `tailscale status --json` exports of one tailnet into one estate:
//! `cargo run --release -p blastmap-import --example status_scale -- FILES PEERS`.

use std::time::Instant;

fn status(me: usize, peers: usize, nodes: usize) -> String {
    let node = |i: usize| {
        format!(
            r#"{{"ID": "n{i}", "PublicKey": "nodekey:{i}", "HostName": "host-{i}", "DNSName": "host-{i}.acme.ts.net.",
  "OS": "linux", "UserID": {u}, "Tags": {tags}, "TailscaleIPs": ["100.64.{a}.{b}"],
  "AllowedIPs": ["100.64.{a}.{b}/32"{route}], "PrimaryRoutes": [{primary}], "Addrs": ["198.51.{a}.{b}:41641"],
  "CurAddr": "", "Relay": "r{region}", "Online": {online}}}"#,
            u = i % 50,
            tags = if i.is_multiple_of(4) { format!(r#"["tag:t{}"]"#, i % 7) } else { "[]".into() },
            a = i / 256 % 256,
            b = i % 256,
            route = if i.is_multiple_of(50) { format!(r#", "10.{}.0.0/16""#, i / 50 % 256) } else { String::new() },
            primary = if i.is_multiple_of(100) { format!(r#""10.{}.0.0/16""#, i / 50 % 256) } else { String::new() },
            region = i % 5,
            online = !i.is_multiple_of(13),
        )
    };
    let peers: Vec<String> = (1..=peers)
        .map(|k| (me + k * 7) % nodes)
        .filter(|&p| p != me)
        .map(|p| format!(r#""nodekey:{p}": {}"#, node(p)))
        .collect();
    let users: Vec<String> = (0..50).map(|u| format!(r#""{u}": {{"LoginName": "u{u}@acme.com"}}"#)).collect();
    format!(
        r#"{{"CurrentTailnet": {{"Name": "acme.com", "MagicDNSSuffix": "acme.ts.net"}}, "Self": {}, "Peer": {{{}}}, "User": {{{}}}}}"#,
        node(me),
        peers.join(",\n"),
        users.join(", ")
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let files: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let peers: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1_000);
    let nodes = peers * 2;
    let texts: Vec<(String, String)> =
        (0..files).map(|f| (format!("s{f}.json"), status(f * 13 % nodes, peers, nodes))).collect();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let inputs: Vec<blastmap_import::Input<'_>> =
        texts.iter().map(|(n, t)| blastmap_import::Input::new(n.as_str(), t.as_str())).collect();
    let t = Instant::now();
    let loaded = blastmap_import::load_many(&inputs, None).expect("valid statuses");
    println!(
        "load_many: {files} files x {peers} peers ({} MB): {:?}, {} components, {} warnings",
        bytes >> 20,
        t.elapsed(),
        loaded.compiled.written.topology.components.len(),
        loaded.warnings.len()
    );
}
