//! Batch entry ids as SQS and SNS both rule them: 1 to 80 ASCII letters, digits, hyphens and
//! underscores, distinct within one request of at most ten entries. Each service keeps its
//! own check order and errors; the rules themselves live here once.

use std::collections::HashSet;

/// Entries one batch request may carry.
pub const MAX_BATCH_ENTRIES: usize = 10;

/// Whether `id` may name a batch entry.
pub fn valid_batch_entry_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The first id that repeats an earlier one, if any.
pub fn first_duplicate_id<'a>(ids: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = HashSet::new();
    ids.into_iter().find(|id| !seen.insert(*id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_shared_rules() {
        assert!(valid_batch_entry_id("a-B_9"));
        assert!(valid_batch_entry_id(&"x".repeat(80)));
        assert!(!valid_batch_entry_id(&"x".repeat(81)));
        assert!(!valid_batch_entry_id(""));
        assert!(!valid_batch_entry_id("a.b"));
        assert!(!valid_batch_entry_id("é"));
        assert_eq!(first_duplicate_id(["a", "b", "a", "b"]), Some("a"));
        assert_eq!(first_duplicate_id(["a", "b"]), None);
    }
}
