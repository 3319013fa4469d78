//! `ShardLog`: a shard's records as 32-byte index entries and an arena of their bytes, both
//! in blocks of anonymous memory mapped from the OS. A stored record costs its partition key
//! and data plus 32 bytes (no allocation per record, no allocator rounding), only the pages
//! written are resident, and a block is unmapped the moment trimming passes it or its
//! stream is dropped: the memory is back with the OS at once, from whatever thread lets it
//! go (an allocator keeps freed pages of other threads' heaps until those threads collect).

use std::collections::VecDeque;

use memmap2::MmapMut;
use sluice_core::Timestamp;

use super::values::EncryptionType;

/// The first byte block of a shard; each next one is twice the last, up to `MAX_BLOCK`.
const FIRST_BLOCK: usize = 16 << 10;
/// Byte blocks stop growing here (a larger record gets a block of its own size).
const MAX_BLOCK: usize = 1 << 20;
/// Bytes of one encoded entry.
const ENTRY: usize = 32;
/// Entries per entry block (512 KiB).
const ENTRIES_PER_BLOCK: usize = 16 << 10;

/// Zeroed memory from the OS, or from the heap if the OS refuses a mapping.
#[derive(Debug)]
enum Memory {
    Mapped(MmapMut),
    Heap(Box<[u8]>),
}

impl Memory {
    fn new(len: usize) -> Memory {
        match MmapMut::map_anon(len.max(1)) {
            Ok(map) => Memory::Mapped(map),
            Err(_) => Memory::Heap(vec![0; len].into_boxed_slice()),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Memory::Mapped(m) => m,
            Memory::Heap(h) => h,
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match self {
            Memory::Mapped(m) => m,
            Memory::Heap(h) => h,
        }
    }
}

/// Where one record's bytes are, and what GetRecords needs besides them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub counter: u64,
    pub arrival: Timestamp,
    /// Sequence number of the byte block holding the record (see `ShardLog::first_block`).
    block: u32,
    /// Offset of the partition key in the block; the data follows it.
    offset: u32,
    data_len: u32,
    /// Bytes of the key (at most 256 characters, so at most 1024 bytes).
    key_len: u16,
    pub encryption: EncryptionType,
}

impl Entry {
    fn encode(&self, out: &mut [u8]) {
        let mut w = Writer(out);
        w.put(&self.counter.to_le_bytes());
        w.put(&self.arrival.as_millis().to_le_bytes());
        w.put(&self.block.to_le_bytes());
        w.put(&self.offset.to_le_bytes());
        w.put(&self.data_len.to_le_bytes());
        w.put(&self.key_len.to_le_bytes());
        w.put(&[u8::from(self.encryption == EncryptionType::Kms)]);
    }

    fn decode(slot: &[u8]) -> Entry {
        let mut r = Reader(slot);
        Entry {
            counter: u64::from_le_bytes(r.take()),
            arrival: Timestamp(u64::from_le_bytes(r.take())),
            block: u32::from_le_bytes(r.take()),
            offset: u32::from_le_bytes(r.take()),
            data_len: u32::from_le_bytes(r.take()),
            key_len: u16::from_le_bytes(r.take()),
            encryption: if r.take::<1>()[0] == 1 {
                EncryptionType::Kms
            } else {
                EncryptionType::None
            },
        }
    }
}

struct Writer<'a>(&'a mut [u8]);

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let buf = std::mem::take(&mut self.0);
        let n = bytes.len().min(buf.len());
        let (head, rest) = buf.split_at_mut(n);
        head.copy_from_slice(&bytes[..n]);
        self.0 = rest;
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        let n = N.min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        out
    }
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

/// Records' bytes: blocks filled front to back.
#[derive(Debug)]
struct ByteBlock {
    memory: Memory,
    used: usize,
}

#[derive(Debug, Default)]
pub(crate) struct ShardLog {
    /// Entry blocks; the live entries start at `head` in the first one.
    entries: VecDeque<Memory>,
    head: usize,
    len: usize,
    blocks: VecDeque<ByteBlock>,
    /// Sequence number of `blocks[0]`; blocks are numbered in the order they were made.
    first_block: u32,
}

impl ShardLog {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Appends a record. Nothing is ever moved: a record that does not fit in the current
    /// block's spare room starts a new block.
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
            .is_some_and(|b| b.memory.bytes().len() - b.used >= need);
        if !fits {
            // The spare room left in the old block is less than this one record.
            let last = self.blocks.back().map_or(0, |b| b.memory.bytes().len());
            let size = (last * 2).clamp(FIRST_BLOCK, MAX_BLOCK).max(need);
            self.blocks.push_back(ByteBlock {
                memory: Memory::new(size),
                used: 0,
            });
        }
        let block = self.first_block.wrapping_add(self.blocks.len() as u32 - 1);
        let Some(last) = self.blocks.back_mut() else {
            return;
        };
        let offset = last.used;
        let bytes = last.memory.bytes_mut();
        let key_end = offset + partition_key.len();
        bytes[offset..key_end].copy_from_slice(partition_key.as_bytes());
        bytes[key_end..key_end + data.len()].copy_from_slice(data);
        last.used = key_end + data.len();
        let entry = Entry {
            counter,
            arrival,
            block,
            // A block holds at most max(1 MiB, one record of at most 10 MiB) bytes.
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            data_len: u32::try_from(data.len()).unwrap_or(u32::MAX),
            key_len: u16::try_from(partition_key.len()).unwrap_or(u16::MAX),
            encryption,
        };
        let slot = self.head + self.len;
        if slot == self.entries.len() * ENTRIES_PER_BLOCK {
            self.entries
                .push_back(Memory::new(ENTRIES_PER_BLOCK * ENTRY));
        }
        if let Some(out) = self.slot_mut(slot) {
            entry.encode(out);
        }
        self.len += 1;
    }

    fn slot(&self, slot: usize) -> Option<&[u8]> {
        let at = (slot % ENTRIES_PER_BLOCK) * ENTRY;
        self.entries
            .get(slot / ENTRIES_PER_BLOCK)?
            .bytes()
            .get(at..at + ENTRY)
    }

    fn slot_mut(&mut self, slot: usize) -> Option<&mut [u8]> {
        let at = (slot % ENTRIES_PER_BLOCK) * ENTRY;
        self.entries
            .get_mut(slot / ENTRIES_PER_BLOCK)?
            .bytes_mut()
            .get_mut(at..at + ENTRY)
    }

    /// The entry at position `i` (0 is the oldest record).
    fn entry(&self, i: usize) -> Option<Entry> {
        if i >= self.len {
            return None;
        }
        self.slot(self.head + i).map(Entry::decode)
    }

    fn view(&self, e: Entry) -> StoredRecord<'_> {
        let bytes = self
            .blocks
            .get(e.block.wrapping_sub(self.first_block) as usize)
            .map_or(&[][..], |b| b.memory.bytes());
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

    /// The counter of the newest record.
    pub(crate) fn back_counter(&self) -> Option<u64> {
        self.len
            .checked_sub(1)
            .and_then(|i| self.get(i))
            .map(|r| r.counter)
    }

    pub(crate) fn front(&self) -> Option<StoredRecord<'_>> {
        self.get(0)
    }

    pub(crate) fn get(&self, i: usize) -> Option<StoredRecord<'_>> {
        self.entry(i).map(|e| self.view(e))
    }

    /// Records from position `start` on.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = StoredRecord<'_>> {
        (start..self.len).filter_map(|i| self.get(i))
    }

    /// The first position whose entry does not satisfy `pred` (entries are in counter and
    /// arrival order).
    pub(crate) fn partition_point(&self, pred: impl Fn(&Entry) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len);
        while low < high {
            let mid = low + (high - low) / 2;
            match self.entry(mid) {
                Some(e) if pred(&e) => low = mid + 1,
                _ => high = mid,
            }
        }
        low
    }

    /// Drops the oldest record, and the blocks nothing points into any more.
    pub(crate) fn pop_front(&mut self) {
        if self.len == 0 {
            return;
        }
        self.len -= 1;
        self.head += 1;
        if self.len == 0 {
            // Empty: every block goes back, and the next write starts small again.
            self.first_block = self.first_block.wrapping_add(self.blocks.len() as u32);
            *self = ShardLog {
                first_block: self.first_block,
                ..ShardLog::default()
            };
            return;
        }
        if self.head == ENTRIES_PER_BLOCK {
            self.entries.pop_front();
            self.head = 0;
        }
        let Some(front) = self.entry(0) else { return };
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
        assert_eq!((r.counter, r.arrival), (1, Timestamp(5)));
        assert_eq!(r.encryption, EncryptionType::Kms);
        let r = log.get(1).expect("second");
        assert_eq!((r.partition_key, r.data), ("k", &b""[..]));
        assert_eq!(r.encryption, EncryptionType::None);
        assert!(log.get(2).is_none());
    }

    #[test]
    fn entries_round_trip_their_widest_values() {
        let e = Entry {
            counter: u64::MAX,
            arrival: Timestamp(u64::MAX - 1),
            block: u32::MAX,
            offset: u32::MAX - 1,
            data_len: 10 << 20,
            key_len: 1024,
            encryption: EncryptionType::Kms,
        };
        let mut slot = [0u8; ENTRY];
        e.encode(&mut slot);
        assert_eq!(Entry::decode(&slot), e);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn reads_back_what_was_written_while_trimmed(
            ops in proptest::collection::vec((0u8..4, 0usize..3000), 0..40_000)
        ) {
            let mut log = ShardLog::default();
            let mut model: VecDeque<(u64, String, Vec<u8>)> = VecDeque::new();
            let mut next = 0u64;
            for (op, size) in ops {
                if op < 3 {
                    let key = format!("k{next}");
                    let data = vec![(next % 251) as u8; size % 300];
                    log.push(next, Timestamp(next), &key, &data, EncryptionType::None);
                    model.push_back((next, key, data));
                    next += 1;
                } else {
                    log.pop_front();
                    model.pop_front();
                }
                prop_assert!(log.blocks.len() <= log.len().max(1));
                prop_assert!(log.entries.len() <= log.len() / ENTRIES_PER_BLOCK + 2);
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
            let pivot = next / 2;
            prop_assert_eq!(
                log.partition_point(|e| e.counter < pivot),
                model.partition_point(|m| m.0 < pivot)
            );
        }
    }

    #[test]
    fn trimming_everything_unmaps_every_block() {
        let mut log = ShardLog::default();
        for i in 0..40_000u64 {
            log.push(i, Timestamp(i), "key", &[7u8; 500], EncryptionType::None);
        }
        assert!(log.blocks.len() > 3 && log.entries.len() > 1);
        for _ in 0..40_000 {
            log.pop_front();
        }
        assert_eq!((log.blocks.len(), log.entries.len()), (0, 0));
        log.push(1, Timestamp(1), "k", b"again", EncryptionType::None);
        assert_eq!(log.get(0).map(|r| r.data), Some(&b"again"[..]));
    }

    #[test]
    fn a_record_larger_than_a_block_gets_its_own() {
        let mut log = ShardLog::default();
        let big = vec![1u8; 3 * MAX_BLOCK];
        log.push(1, Timestamp(1), "k", b"small", EncryptionType::None);
        log.push(2, Timestamp(2), "k", &big, EncryptionType::None);
        log.push(3, Timestamp(3), "k", b"after", EncryptionType::None);
        assert_eq!(log.get(1).map(|r| r.data.len()), Some(big.len()));
        assert_eq!(log.get(2).map(|r| r.data), Some(&b"after"[..]));
    }
}
