//! Sequence numbers: 56-digit decimals like AWS's, laid out as `49` + a 20-digit counter that
//! grows across the whole stream + the 10-digit shard index + the stream's creation instant
//! in 24 digits. Equal widths make string order equal numeric order; the counter makes them
//! strictly increase per shard (and children's start after their parents'); the shard index
//! and creation instant let a sequence number be checked against the shard and stream it is
//! used with.

use std::fmt;

/// The decoded parts of a sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeqNum {
    /// Position in the stream-wide order of records and shard boundaries.
    pub counter: u64,
    /// Index of the shard the number belongs to.
    pub shard: u32,
    /// Creation instant (epoch ms) of the stream, telling re-created streams apart.
    pub epoch: u64,
}

const PREFIX: &str = "49";
/// Number of digits every sequence number has.
pub const SEQ_DIGITS: usize = 56;

impl SeqNum {
    /// Decodes a string this module produced; `None` for anything else.
    pub fn parse(text: &str) -> Option<SeqNum> {
        if text.len() != SEQ_DIGITS
            || !text.starts_with(PREFIX)
            || !text.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let counter = text.get(2..22)?.parse::<u64>().ok()?;
        let shard = text.get(22..32)?.parse::<u32>().ok()?;
        let epoch = text.get(32..56)?.parse::<u64>().ok()?;
        Some(SeqNum {
            counter,
            shard,
            epoch,
        })
    }
}

/// Writes `value` right-aligned in `out`, whose slots already hold `'0'` (64-bit arithmetic:
/// every part fits). Two digits a step, and none for the leading zeros, which most of a
/// sequence number is: PutRecords formats one per record.
fn digits(out: &mut [u8], mut value: u64) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
                                2021222324252627282930313233343536373839\
                                4041424344454647484950515253545556575859\
                                6061626364656667686970717273747576777879\
                                8081828384858687888990919293949596979899";
    let mut end = out.len();
    while value >= 10 && end >= 2 {
        let pair = (value % 100) as usize * 2;
        out[end - 2..end].copy_from_slice(&PAIRS[pair..pair + 2]);
        value /= 100;
        end -= 2;
    }
    if value > 0 && end >= 1 {
        out[end - 1] = b'0' + (value % 10) as u8;
    }
}

impl SeqNum {
    /// The 56-digit text, written without the formatting machinery: PutRecords makes one
    /// per record.
    pub fn to_text(&self) -> String {
        String::from_utf8(self.to_digits().to_vec()).unwrap_or_default()
    }

    /// The 56 digits on the stack, for writers that need no `String` (PutRecords' answer).
    pub fn to_digits(&self) -> [u8; SEQ_DIGITS] {
        let mut buf = [b'0'; SEQ_DIGITS];
        buf[..2].copy_from_slice(PREFIX.as_bytes());
        digits(&mut buf[2..22], self.counter);
        digits(&mut buf[22..32], u64::from(self.shard));
        digits(&mut buf[32..56], self.epoch);
        buf
    }
}

impl fmt::Display for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Whether `text` has the model's `SequenceNumber` shape (`0|([1-9]\d{0,128})`).
pub fn well_formed(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 129
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_orders() {
        let cases = [
            (0, 0, 0),
            (1, 7, 1_700_000_000_000),
            (u64::MAX, u32::MAX, u64::MAX),
        ];
        for (counter, shard, epoch) in cases {
            let s = SeqNum {
                counter,
                shard,
                epoch,
            };
            let text = s.to_string();
            assert_eq!(
                text,
                format!("{PREFIX}{counter:020}{shard:010}{epoch:024}"),
                "fast formatting agrees with the padded one"
            );
            assert_eq!(text.len(), SEQ_DIGITS, "{text}");
            assert!(well_formed(&text));
            assert_eq!(SeqNum::parse(&text), Some(s));
        }
        let a = SeqNum {
            counter: 9,
            shard: 3,
            epoch: 5,
        }
        .to_string();
        let b = SeqNum {
            counter: 10,
            shard: 0,
            epoch: 5,
        }
        .to_string();
        assert!(a < b);
    }

    proptest::proptest! {
        #[test]
        fn fast_digits_agree_with_padded_formatting(counter: u64, shard: u32, epoch: u64) {
            let s = SeqNum { counter, shard, epoch };
            proptest::prop_assert_eq!(
                s.to_text(),
                format!("{PREFIX}{counter:020}{shard:010}{epoch:024}")
            );
        }
    }

    #[test]
    fn rejects_foreign_numbers() {
        for text in [
            "",
            "0",
            "123",
            "39000000000000000000000000000000000000000000000000000000",
            "49x00000000000000000000000000000000000000000000000000000",
            "4900000000000000000000000000000000000000000000000000000",
            "49999999999999999999990000000000000000000000000000000000",
        ] {
            assert_eq!(SeqNum::parse(text), None, "{text}");
        }
        assert!(!well_formed("01"));
        assert!(!well_formed("1a"));
        assert!(well_formed("0"));
    }
}
