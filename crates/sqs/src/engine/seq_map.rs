//! `BySeq`: a queue's messages by sequence number. Sequence numbers are dense and grow, so
//! messages live in fixed-size chunks found by arithmetic: every operation is O(1) and the
//! map never rehashes or copies its messages as it grows — a hash map holding millions of
//! messages would stall its queue (lock held) for a second at each doubling.

use std::collections::VecDeque;

/// Slots per chunk.
const CHUNK: u64 = 256;

#[derive(Debug)]
struct Chunk<V> {
    slots: Box<[Option<V>]>,
    live: usize,
}

impl<V> Chunk<V> {
    fn new() -> Chunk<V> {
        Chunk {
            slots: (0..CHUNK).map(|_| None).collect(),
            live: 0,
        }
    }
}

/// Values keyed by sequence number. Empty chunks are freed; one long-lived value keeps its
/// chunk (256 slots) alive.
#[derive(Debug)]
pub(super) struct BySeq<V> {
    /// Chunk `i` holds sequence numbers `(first + i) * CHUNK ..`.
    chunks: VecDeque<Option<Chunk<V>>>,
    first: u64,
    len: usize,
}

impl<V> Default for BySeq<V> {
    fn default() -> Self {
        BySeq {
            chunks: VecDeque::new(),
            first: 0,
            len: 0,
        }
    }
}

impl<V> BySeq<V> {
    fn locate(&self, seq: u64) -> Option<(usize, usize)> {
        let chunk = (seq / CHUNK).checked_sub(self.first)?;
        let chunk = usize::try_from(chunk).ok()?;
        (chunk < self.chunks.len()).then_some((chunk, (seq % CHUNK) as usize))
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn get(&self, seq: &u64) -> Option<&V> {
        let (c, s) = self.locate(*seq)?;
        self.chunks[c].as_ref()?.slots[s].as_ref()
    }

    pub(super) fn get_mut(&mut self, seq: &u64) -> Option<&mut V> {
        let (c, s) = self.locate(*seq)?;
        self.chunks[c].as_mut()?.slots[s].as_mut()
    }

    pub(super) fn contains_key(&self, seq: &u64) -> bool {
        self.get(seq).is_some()
    }

    pub(super) fn insert(&mut self, seq: u64, value: V) -> Option<V> {
        let index = seq / CHUNK;
        if self.chunks.is_empty() {
            self.first = index;
        }
        while index < self.first {
            self.chunks.push_front(None);
            self.first -= 1;
        }
        while index >= self.first + self.chunks.len() as u64 {
            self.chunks.push_back(None);
        }
        let c = usize::try_from(index - self.first).unwrap_or(usize::MAX);
        let chunk = self.chunks[c].get_or_insert_with(Chunk::new);
        let old = chunk.slots[(seq % CHUNK) as usize].replace(value);
        if old.is_none() {
            chunk.live += 1;
            self.len += 1;
        }
        old
    }

    pub(super) fn remove(&mut self, seq: &u64) -> Option<V> {
        let (c, s) = self.locate(*seq)?;
        let chunk = self.chunks[c].as_mut()?;
        let old = chunk.slots[s].take()?;
        chunk.live -= 1;
        self.len -= 1;
        if chunk.live == 0 {
            self.chunks[c] = None;
            while matches!(self.chunks.front(), Some(None)) {
                self.chunks.pop_front();
                self.first += 1;
            }
            while matches!(self.chunks.back(), Some(None)) {
                self.chunks.pop_back();
            }
        }
        Some(old)
    }

    pub(super) fn clear(&mut self) {
        *self = BySeq::default();
    }

    /// Entries in sequence order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, &V)> {
        let first = self.first;
        self.chunks.iter().enumerate().flat_map(move |(i, chunk)| {
            let base = (first + i as u64) * CHUNK;
            chunk.iter().flat_map(move |c| {
                c.slots
                    .iter()
                    .enumerate()
                    .filter_map(move |(j, v)| v.as_ref().map(|v| (base + j as u64, v)))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// Behaves as a map under any mix of inserts and removes, dense or sparse.
        #[test]
        fn agrees_with_a_hash_map(ops in proptest::collection::vec((any::<bool>(), 0u64..5_000), 0..400)) {
            let mut map = BySeq::default();
            let mut model = HashMap::new();
            for (insert, seq) in ops {
                if insert {
                    prop_assert_eq!(map.insert(seq, seq * 2), model.insert(seq, seq * 2));
                } else {
                    prop_assert_eq!(map.remove(&seq), model.remove(&seq));
                }
                prop_assert_eq!(map.len(), model.len());
            }
            for seq in 0..5_000 {
                prop_assert_eq!(map.get(&seq), model.get(&seq));
            }
            let mut expected: Vec<(u64, u64)> = model.into_iter().collect();
            expected.sort_unstable();
            let seen: Vec<(u64, u64)> = map.iter().map(|(k, v)| (k, *v)).collect();
            prop_assert_eq!(seen, expected);
        }
    }

    #[test]
    fn empty_chunks_are_freed() {
        let mut map = BySeq::default();
        for seq in 0..10 * CHUNK {
            map.insert(seq, ());
        }
        for seq in 0..9 * CHUNK {
            map.remove(&seq);
        }
        assert_eq!(map.chunks.len(), 1);
        assert_eq!(map.len(), CHUNK as usize);
        for seq in 9 * CHUNK..10 * CHUNK {
            map.remove(&seq);
        }
        assert!(map.chunks.is_empty());
        map.insert(3, ());
        assert_eq!(map.get(&3), Some(&()));
    }
}
