//! List paging as every service does it: items in ascending key order, a page of at most
//! `limit` from the key a token names, and an opaque token (URL-safe base64 of the first
//! key of the next page) when more remain. A token is a bound, not a position, so a page
//! never repeats or skips an item that stays while the caller pages.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// One page of a listing and the token of the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// The key a token names, or `None` for text no page ever handed out.
pub fn page_start(token: &str) -> Option<String> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

/// The page of `entries` (ascending by key) from the key `start`, at most `limit` items.
pub fn page<K: AsRef<str>, T>(
    entries: impl IntoIterator<Item = (K, T)>,
    start: Option<&str>,
    limit: usize,
) -> Page<T> {
    let mut items = Vec::new();
    for (key, item) in entries {
        let key = key.as_ref();
        if start.is_some_and(|start| key < start) {
            continue;
        }
        if items.len() == limit {
            return Page {
                items,
                next_token: Some(URL_SAFE_NO_PAD.encode(key)),
            };
        }
        items.push(item);
    }
    Page {
        items,
        next_token: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_tokens_and_survive_removals() {
        let keys = ["a", "b", "c", "d", "e"];
        let first = page(keys.iter().map(|k| (*k, *k)), None, 2);
        assert_eq!(first.items, ["a", "b"]);
        let token = first.next_token.expect("more");
        let start = page_start(&token).expect("ours");
        assert_eq!(start, "c");
        // "c" went away between pages: the next page starts at what follows it.
        let rest = keys.iter().filter(|k| **k != "c").map(|k| (*k, *k));
        let second = page(rest, Some(&start), 2);
        assert_eq!(second.items, ["d", "e"]);
        assert_eq!(second.next_token, None);
        assert_eq!(page_start("%%%"), None);
    }
}
