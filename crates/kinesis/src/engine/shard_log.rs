//! `ShardLog`: a shard's records as 32-byte index entries over a byte arena of growing
//! blocks. Partition keys and data are copied end to end into the current block, so a stored
//! record costs its bytes plus 32 (no allocation per record, no allocator size-class
//! rounding); the front of the log is trimmed record by record and its blocks freed as soon
//! as no record points into them.

use std::collections::VecDeque;

use sluice_core::Timestamp;

use super::chunked::ChunkedDeque;
use super::shard::EncryptionType;

/// The first block of a shard holds this many bytes; each next one twice the last.
const FIRST_BLOCK: usize = 4 << 10;
/// Blocks stop growing here (a larger record gets a block of its own size).
const MAX_BLOCK: usize = 1 << 20;

/// Where one record's bytes are, and what GetRecords needs besides them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub counter: u64,
    pub arrival: Timestamp,
    /// Sequence number of the block holding the bytes (see `ShardLog::first_block`).
    block: u32,
    /// Offset of the partition key in the block; the data follows it.
    offset: u32,
    /// Bytes of data.
    data_len: u32,
    /// Bytes of the key (at most 256 characters, so at most 1024 bytes).
    key_len: u16,
    pub encryption: EncryptionType,
}

/// A record read from the log.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredRecord<'a> {
    pub counter: u64,
    pub arrival: Timestamp,
    pub encryption: EncryptionType,
    pub partition_key: &'a str,
    pub data: &'a [u8],
}

impl StoredRecord<'_> {
    /// Bytes the record counts for in size limits: data plus partition key.
    pub(crate) fn size(&self) -> u64 {
        (self.partition_key.len() + self.data.len()) as u64
    }
}

#[derive(Debug, Default)]
pub(crate) struct ShardLog {
    entries: ChunkedDeque<Entry>,
    blocks: VecDeque<Vec<u8>>,
    /// Sequence number of `blocks[0]`; blocks are numbered in the order they were made.
    first_block: u32,
}

impl ShardLog {
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Appends a record. Nothing is ever reallocated: a record that does not fit in the
    /// current block's spare capacity starts a new block.
    pub(crate) fn push(
        &mut self,
        counter: u64,
        arrival: Timestamp,
        partition_key: &str,
        data: &[u8],
        encryption: EncryptionType,
    ) {
        let need = partition_key.len() + data.len();
        let fits = self
            .blocks
            .back()
            .is_some_and(|b| b.capacity() - b.len() >= need);
        if !fits {
            let last = self.blocks.back().map_or(0, Vec::capacity);
            // The spare room left in the old block is less than this one record.
            let size = (last * 2).clamp(FIRST_BLOCK, MAX_BLOCK).max(need);
            self.blocks.push_back(Vec::with_capacity(size));
        }
        let block_seq = self.seq_of(self.blocks.len() - 1);
        let Some(block) = self.blocks.back_mut() else {
            return;
        };
        let offset = block.len();
        block.extend_from_slice(partition_key.as_bytes());
        block.extend_from_slice(data);
        self.entries.push_back(Entry {
            counter,
            arrival,
            block: block_seq,
            // Blocks hold at most max(1 MiB, one record of at most 10 MiB) bytes.
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            data_len: u32::try_from(data.len()).unwrap_or(u32::MAX),
            key_len: u16::try_from(partition_key.len()).unwrap_or(u16::MAX),
            encryption,
        });
    }

    /// The sequence number of `blocks[i]` (numbers wrap; at most a few blocks are live).
    fn seq_of(&self, i: usize) -> u32 {
        self.first_block.wrapping_add(i as u32)
    }

    fn view(&self, e: &Entry) -> StoredRecord<'_> {
        let bytes = self
            .blocks
            .get(e.block.wrapping_sub(self.first_block) as usize)
            .map_or(&[][..], Vec::as_slice);
        let start = e.offset as usize;
        let key_end = start + usize::from(e.key_len);
        let end = key_end + e.data_len as usize;
        StoredRecord {
            counter: e.counter,
            arrival: e.arrival,
            encryption: e.encryption,
            partition_key: bytes
                .get(start..key_end)
                .and_then(|k| std::str::from_utf8(k).ok())
                .unwrap_or_default(),
            data: bytes.get(key_end..end).unwrap_or_default(),
        }
    }

    pub(crate) fn front(&self) -> Option<StoredRecord<'_>> {
        self.entries.front().map(|e| self.view(e))
    }

    pub(crate) fn get(&self, i: usize) -> Option<StoredRecord<'_>> {
        self.entries.get(i).map(|e| self.view(e))
    }

    /// Records from position `start` on.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = StoredRecord<'_>> {
        self.entries.iter_from(start).map(|e| self.view(e))
    }

    /// The first position whose entry does not satisfy `pred` (entries are in counter and
    /// arrival order).
    pub(crate) fn partition_point(&self, pred: impl Fn(&Entry) -> bool) -> usize {
        self.entries.partition_point(pred)
    }

    /// Drops the oldest record, and the blocks no record points into any more.
    pub(crate) fn pop_front(&mut self) {
        if self.entries.pop_front().is_none() {
            return;
        }
        let Some(front) = self.entries.front() else {
            // Empty: every block goes back, and the next write starts small again.
            self.first_block = self.seq_of(self.blocks.len());
            self.blocks = VecDeque::new();
            return;
        };
        let unused = front.block.wrapping_sub(self.first_block) as usize;
        for _ in 0..unused.min(self.blocks.len()) {
            self.blocks.pop_front();
            self.first_block = self.first_block.wrapping_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn records_keep_key_and_data_apart() {
        let mut log = ShardLog::default();
        log.push(1, Timestamp(5), "kéy", b"\x00data", EncryptionType::Kms);
        log.push(2, Timestamp(6), "k", b"", EncryptionType::None);
        let r = log.get(0).expect("first");
        assert_eq!(
            (r.partition_key, r.data, r.size()),
            ("kéy", &b"\x00data"[..], 9)
        );
        assert_eq!(r.encryption, EncryptionType::Kms);
        let r = log.get(1).expect("second");
        assert_eq!((r.partition_key, r.data), ("k", &b""[..]));
        assert!(std::mem::size_of::<Entry>() <= 32);
    }

    proptest! {
        #[test]
        fn reads_back_what_was_written_while_trimmed(
            ops in proptest::collection::vec((0u8..4, 0usize..3000), 0..3000)
        ) {
            let mut log = ShardLog::default();
            let mut model: VecDeque<(u64, String, Vec<u8>)> = VecDeque::new();
            let mut next = 0u64;
            for (op, size) in ops {
                if op < 3 {
                    let key = format!("k{next}");
                    let data = vec![(next % 251) as u8; size];
                    log.push(next, Timestamp(next), &key, &data, EncryptionType::None);
                    model.push_back((next, key, data));
                    next += 1;
                } else {
                    log.pop_front();
                    model.pop_front();
                }
                prop_assert!(log.blocks.len() <= log.len().max(1));
            }
            prop_assert_eq!(log.len(), model.len());
            for (i, (counter, key, data)) in model.iter().enumerate() {
                let r = log.get(i).expect("record");
                prop_assert_eq!(r.counter, *counter);
                prop_assert_eq!(r.partition_key, key.as_str());
                prop_assert_eq!(r.data, data.as_slice());
            }
            let all: Vec<u64> = log.iter_from(0).map(|r| r.counter).collect();
            prop_assert_eq!(all, model.iter().map(|m| m.0).collect::<Vec<_>>());
        }
    }

    #[test]
    fn trimming_everything_frees_every_block() {
        let mut log = ShardLog::default();
        for i in 0..10_000u64 {
            log.push(i, Timestamp(i), "key", &[7u8; 500], EncryptionType::None);
        }
        assert!(log.blocks.len() > 3);
        for _ in 0..10_000 {
            log.pop_front();
        }
        assert_eq!(log.blocks.len(), 0);
        log.push(1, Timestamp(1), "k", b"again", EncryptionType::None);
        assert_eq!(log.get(0).map(|r| r.data), Some(&b"again"[..]));
    }
}
