//! `ChunkedDeque`: a shard's records in fixed-size chunks. A `VecDeque` holding millions of
//! records copies all of them each time it doubles — a stall of a second, under the engine
//! lock — and keeps the doubled capacity; chunks grow and shrink a few thousand at a time.

use std::collections::VecDeque;

/// Records per chunk.
const CHUNK: usize = 4096;

#[derive(Debug)]
pub(crate) struct ChunkedDeque<T> {
    /// Every chunk but the first and the last holds exactly `CHUNK` items.
    chunks: VecDeque<VecDeque<T>>,
    len: usize,
}

impl<T> Default for ChunkedDeque<T> {
    fn default() -> Self {
        ChunkedDeque {
            chunks: VecDeque::new(),
            len: 0,
        }
    }
}

impl<T> ChunkedDeque<T> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push_back(&mut self, item: T) {
        if self.chunks.back().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push_back(VecDeque::with_capacity(CHUNK));
        }
        if let Some(last) = self.chunks.back_mut() {
            last.push_back(item);
            self.len += 1;
        }
    }

    pub(crate) fn front(&self) -> Option<&T> {
        self.chunks.front().and_then(VecDeque::front)
    }

    pub(crate) fn pop_front(&mut self) -> Option<T> {
        let first = self.chunks.front_mut()?;
        let item = first.pop_front()?;
        if first.is_empty() {
            self.chunks.pop_front();
        }
        self.len -= 1;
        Some(item)
    }

    /// Chunk and offset of position `i`.
    fn locate(&self, i: usize) -> Option<(usize, usize)> {
        let first = self.chunks.front()?.len();
        if i < first {
            return Some((0, i));
        }
        let j = i - first;
        Some((1 + j / CHUNK, j % CHUNK))
    }

    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        let (c, o) = self.locate(i)?;
        self.chunks.get(c)?.get(o)
    }

    /// Items from position `start` on.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> {
        let (chunk, offset) = self.locate(start).unwrap_or((self.chunks.len(), 0));
        self.chunks
            .iter()
            .skip(chunk)
            .enumerate()
            .flat_map(move |(n, c)| c.iter().skip(if n == 0 { offset } else { 0 }))
    }

    /// The first position whose item does not satisfy `pred` (items must be partitioned).
    pub(crate) fn partition_point(&self, pred: impl Fn(&T) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len);
        while low < high {
            let mid = low + (high - low) / 2;
            match self.get(mid) {
                Some(item) if pred(item) => low = mid + 1,
                _ => high = mid,
            }
        }
        low
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn behaves_as_a_vec_deque(ops in proptest::collection::vec(0u8..3, 0..20_000)) {
            let mut deque = ChunkedDeque::default();
            let mut model = VecDeque::new();
            let mut next = 0u32;
            for op in ops {
                if op < 2 {
                    deque.push_back(next);
                    model.push_back(next);
                    next += 1;
                } else {
                    prop_assert_eq!(deque.pop_front(), model.pop_front());
                }
            }
            prop_assert_eq!(deque.len(), model.len());
            prop_assert_eq!(deque.front(), model.front());
            for i in [0, 1, model.len() / 2, model.len().saturating_sub(1), model.len()] {
                prop_assert_eq!(deque.get(i), model.get(i));
                let from: Vec<u32> = deque.iter_from(i).copied().collect();
                let expected: Vec<u32> = model.iter().skip(i).copied().collect();
                prop_assert_eq!(from, expected);
            }
            let pivot = next / 2;
            prop_assert_eq!(
                deque.partition_point(|x| *x < pivot),
                model.partition_point(|x| *x < pivot)
            );
        }
    }
}
