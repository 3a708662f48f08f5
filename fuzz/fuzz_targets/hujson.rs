//! Fuzz target: the HuJSON reader and the policy reader never panic, whatever the bytes, and a
//! policy that reads is checked against a small estate (the core's reach analysis).
#![no_main]

use std::sync::OnceLock;

use blastmap_import::{hujson, load, policy, Loaded};
use libfuzzer_sys::fuzz_target;

const ESTATE: &str = r#"{
  "CurrentTailnet": {"Name": "acme.com", "MagicDNSSuffix": "acme.ts.net"},
  "Self": {"ID": "n1", "DNSName": "laptop.acme.ts.net.", "UserID": 1, "TailscaleIPs": ["100.64.0.1"],
           "Relay": "fra", "Online": true},
  "Peer": {
    "nodekey:2": {"ID": "n2", "DNSName": "router.acme.ts.net.", "Tags": ["tag:router"],
                  "TailscaleIPs": ["100.64.0.2"], "AllowedIPs": ["100.64.0.2/32", "10.0.0.0/24"],
                  "Addrs": ["203.0.113.9:41641"], "Relay": "fra"},
    "nodekey:3": {"ID": "n3", "DNSName": "db.acme.ts.net.", "Tags": ["tag:db"], "TailscaleIPs": ["100.64.0.3"],
                  "PeerRelay": "203.0.113.9:40000:vni:1", "Relay": "ams", "ExitNodeOption": true}
  },
  "User": {"1": {"LoginName": "alice@acme.com"}}
}"#;

fn estate() -> Option<&'static Loaded> {
    static LOADED: OnceLock<Option<Loaded>> = OnceLock::new();
    LOADED.get_or_init(|| load(ESTATE, None).ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = hujson::check(&text);
    if let Ok((p, _)) = policy::parse(&text) {
        if let Some(loaded) = estate() {
            let _ = policy::check_policy(loaded, &p, None);
        }
    }
});
