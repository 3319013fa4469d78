//! AWS Query forms: `QueryNode::parse_form`, `QueryNode::from_pairs`, and the tree read as
//! serde inputs. Asserts, besides "no panic":
//! - a decoded form has one pair per non-empty `&`-separated chunk;
//! - percent-encoding the decoded pairs and decoding again gives the same pairs;
//! - a tree built from more than 4096 pairs is an error (the documented bound);
//! - in a built tree, a plain (dot-free) key reads as its first occurrence's value.
#![no_main]

use std::collections::HashMap;
use std::fmt::Write;

use libfuzzer_sys::fuzz_target;
use sluice_wire::{Payload, Protocol, QueryNode};
use sluice_wire_fuzz::decode_all;

const MAX_PARAMETERS: usize = 4096;

fn encode(text: &str, out: &mut String) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut pairs = Vec::new();
    if QueryNode::parse_form(data, &mut pairs).is_err() {
        return;
    }
    let chunks = data.split(|&b| b == b'&').filter(|c| !c.is_empty()).count();
    assert_eq!(pairs.len(), chunks, "one pair per non-empty chunk");

    let mut form = String::with_capacity(data.len() * 3);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            form.push('&');
        }
        encode(k, &mut form);
        form.push('=');
        encode(v, &mut form);
    }
    let mut again = Vec::new();
    QueryNode::parse_form(form.as_bytes(), &mut again).expect("a re-encoded form decodes");
    assert_eq!(again, pairs, "percent-encoding round trip");

    let tree = match QueryNode::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Ok(tree) => tree,
        Err(_) => return,
    };
    assert!(pairs.len() <= MAX_PARAMETERS, "{} parameters accepted", pairs.len());
    let mut first: HashMap<&str, &str> = HashMap::new();
    for (k, v) in &pairs {
        first.entry(k.as_str()).or_insert(v.as_str());
    }
    for (k, v) in first {
        if !k.is_empty() && !k.contains('.') {
            assert_eq!(tree.get(k), Some(v), "first occurrence of {k:?} wins");
        }
    }

    decode_all(Protocol::Query, &Payload::Query(tree));
});
