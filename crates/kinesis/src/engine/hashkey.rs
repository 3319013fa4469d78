//! The 128-bit hash key space: shard ranges, the even split AWS uses, MD5 of a partition key
//! as a big-endian `u128`, and parsing of decimal hash keys (`ExplicitHashKey`,
//! `NewStartingHashKey`).

use md5::{Digest, Md5};

use super::error::KinesisError;

/// An inclusive range of hash keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HashKeyRange {
    pub start: u128,
    pub end: u128,
}

impl HashKeyRange {
    /// The whole space, `0..=2^128-1`.
    pub const ALL: HashKeyRange = HashKeyRange {
        start: 0,
        end: u128::MAX,
    };

    pub fn contains(&self, key: u128) -> bool {
        self.start <= key && key <= self.end
    }

    /// Whether the two ranges share at least one key.
    pub fn overlaps(&self, other: &HashKeyRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// Whether `other` begins right after `self` ends or ends right before it begins.
    pub fn adjacent(&self, other: &HashKeyRange) -> bool {
        self.end.checked_add(1) == Some(other.start) || other.end.checked_add(1) == Some(self.start)
    }

    /// The smallest range covering both.
    pub fn union(&self, other: &HashKeyRange) -> HashKeyRange {
        HashKeyRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// `floor(i * 2^128 / n)` for `i <= n`, without overflow; `None` when `i > n` or `n == 0`.
/// For `i == n` the result would be `2^128`, which does not fit, so that is `None` too.
fn split_point(i: u128, n: u128) -> Option<u128> {
    if i == 0 {
        return (n > 0).then_some(0);
    }
    if i >= n {
        return None;
    }
    // 2^128 = q * n + r
    let r = (u128::MAX % n + 1) % n;
    // n >= 2 here (0 < i < n), so q <= 2^127 fits.
    let q = u128::MAX / n + u128::from(r == 0);
    // i < n, so i * q < 2^128 and i * r < n^2, and n fits in u64 for every caller.
    i.checked_mul(q)?.checked_add(i.checked_mul(r)? / n)
}

/// `n` ranges splitting the whole space evenly as AWS does: shard `i` starts at
/// `floor(i * 2^128 / n)` and ends one before the next start; the last ends at `2^128-1`.
pub fn split_evenly(n: u32) -> Vec<HashKeyRange> {
    split_range(HashKeyRange::ALL, n)
}

/// `n` ranges splitting `range` evenly (the same rule scaled to the range's width).
pub(super) fn split_range(range: HashKeyRange, n: u32) -> Vec<HashKeyRange> {
    if n == 0 || range.start > range.end {
        return Vec::new();
    }
    let n = u128::from(n);
    // width = end - start + 1 may be 2^128; handle the full space through `split_point`.
    let starts: Vec<u128> = if range == HashKeyRange::ALL {
        (0..n).filter_map(|i| split_point(i, n)).collect()
    } else {
        let width = range.end - range.start + 1;
        (0..n).map(|i| range.start + mul_div(width, i, n)).collect()
    };
    let mut out = Vec::with_capacity(starts.len());
    for (idx, start) in starts.iter().enumerate() {
        let end = match starts.get(idx + 1) {
            Some(next) => next.saturating_sub(1),
            None => range.end,
        };
        out.push(HashKeyRange { start: *start, end });
    }
    out
}

/// `floor(a * b / c)` for `b <= c`, `c > 0`, without overflowing `u128`.
fn mul_div(a: u128, b: u128, c: u128) -> u128 {
    let (q, r) = (a / c, a % c);
    // r < c and b <= c; callers keep c within u64 so r * b fits.
    q * b + r.saturating_mul(b) / c
}

/// The hash key AWS derives from a partition key: MD5 of its UTF-8 bytes, big-endian.
pub fn partition_key_hash(partition_key: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(partition_key.as_bytes()).into())
}

/// A decimal hash key (`0|[1-9][0-9]{0,38}`) within `0..=2^128-1`. `field` names the request
/// member for the message (`ExplicitHashKey`, `NewStartingHashKey`).
/// Whether `text` has a hash key's shape: `0|([1-9]\d{0,38})`.
pub(super) fn hash_key_shape_ok(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 39
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'))
}

pub fn parse_hash_key(field: &str, text: &str) -> Result<u128, KinesisError> {
    if !hash_key_shape_ok(text) {
        let member = lower_first(field);
        return Err(KinesisError::validation(
            &member,
            text,
            "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        ));
    }
    text.parse::<u128>().map_err(|_| {
        KinesisError::InvalidArgument(format!(
            "Invalid {field}. {field} must be in the range: [0, 2^128-1]. Specified value was \
             {text}"
        ))
    })
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_split_matches_aws() {
        let half = 170_141_183_460_469_231_731_687_303_715_884_105_728_u128; // 2^127
        let cases: Vec<(u32, Vec<(u128, u128)>)> = vec![
            (1, vec![(0, u128::MAX)]),
            (2, vec![(0, half - 1), (half, u128::MAX)]),
            (
                3,
                vec![
                    (0, 113_427_455_640_312_821_154_458_202_477_256_070_484),
                    (
                        113_427_455_640_312_821_154_458_202_477_256_070_485,
                        226_854_911_280_625_642_308_916_404_954_512_140_969,
                    ),
                    (
                        226_854_911_280_625_642_308_916_404_954_512_140_970,
                        u128::MAX,
                    ),
                ],
            ),
        ];
        for (n, want) in cases {
            let got: Vec<(u128, u128)> = split_evenly(n).iter().map(|r| (r.start, r.end)).collect();
            assert_eq!(got, want, "n = {n}");
        }
        assert!(split_evenly(0).is_empty());
        let many = split_evenly(10_000);
        assert_eq!(many.len(), 10_000);
        assert_eq!(many.last().map(|r| r.end), Some(u128::MAX));
        assert!(many.windows(2).all(|w| w[0].end + 1 == w[1].start));
    }

    #[test]
    fn sub_range_split_is_contiguous() {
        let r = HashKeyRange { start: 10, end: 20 };
        let parts = split_range(r, 3);
        assert_eq!(
            parts,
            vec![
                HashKeyRange { start: 10, end: 12 },
                HashKeyRange { start: 13, end: 16 },
                HashKeyRange { start: 17, end: 20 },
            ]
        );
    }

    #[test]
    fn partition_keys_hash_with_md5() {
        // md5("a") = 0cc175b9c0f1b6a831c399e269772661
        assert_eq!(
            partition_key_hash("a"),
            0x0cc1_75b9_c0f1_b6a8_31c3_99e2_6977_2661
        );
    }

    #[test]
    fn hash_keys_parse_or_fail_like_aws() {
        let cases: [(&str, Result<u128, &str>); 7] = [
            ("0", Ok(0)),
            ("42", Ok(42)),
            ("340282366920938463463374607431768211455", Ok(u128::MAX)),
            (
                "340282366920938463463374607431768211456",
                Err("InvalidArgumentException"),
            ),
            ("012", Err("ValidationException")),
            ("-1", Err("ValidationException")),
            ("", Err("ValidationException")),
        ];
        for (text, want) in cases {
            match (parse_hash_key("ExplicitHashKey", text), want) {
                (Ok(v), Ok(w)) => assert_eq!(v, w),
                (Err(e), Err(code)) => assert_eq!(e.code(), code, "{text}"),
                (got, _) => panic!("{text}: {got:?}"),
            }
        }
    }

    #[test]
    fn range_relations() {
        let a = HashKeyRange { start: 0, end: 9 };
        let b = HashKeyRange { start: 10, end: 19 };
        assert!(a.adjacent(&b) && b.adjacent(&a));
        assert!(!a.overlaps(&b));
        assert_eq!(a.union(&b), HashKeyRange { start: 0, end: 19 });
        assert!(!HashKeyRange::ALL.adjacent(&a));
    }
}
