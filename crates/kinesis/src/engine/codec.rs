//! Opaque token encoding shared by shard iterators and pagination tokens: a tiny
//! length-prefixed byte writer/reader and standard base64 (with padding, the `base64` crate), so tokens look like
//! AWS's and decoding arbitrary client input never panics.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Standard base64 with `=` padding.
pub(super) fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard padded base64; `None` for anything malformed.
pub(super) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}

/// Appends fields to a token.
#[derive(Debug, Default)]
pub(super) struct TokenWriter(Vec<u8>);

impl TokenWriter {
    pub(super) fn new(version: u8) -> Self {
        TokenWriter(vec![version])
    }
    pub(super) fn u64(mut self, v: u64) -> Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub(super) fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub(super) fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    /// A string of at most 255 bytes (longer ones are cut; callers pass names ≤ 128).
    pub(super) fn str(mut self, s: &str) -> Self {
        let bytes = s.as_bytes();
        let len = bytes.len().min(255);
        self.0.push(len as u8);
        self.0
            .extend_from_slice(bytes.get(..len).unwrap_or_default());
        self
    }
    pub(super) fn finish(self) -> String {
        base64_encode(&self.0)
    }
}

/// Reads fields back from a token in the order they were written.
#[derive(Debug)]
pub(super) struct TokenReader {
    bytes: Vec<u8>,
    pos: usize,
}

impl TokenReader {
    /// `None` unless `text` is base64 whose first byte is `version`.
    pub(super) fn open(text: &str, version: u8) -> Option<TokenReader> {
        let bytes = base64_decode(text)?;
        (bytes.first() == Some(&version)).then_some(TokenReader { bytes, pos: 1 })
    }
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.pos.checked_add(n)?;
        let slice = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(slice)
    }
    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(super) fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    pub(super) fn str(&mut self) -> Option<String> {
        let len = usize::from(self.u8()?);
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
    /// Whether every byte was read (trailing garbage makes a token invalid).
    pub(super) fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_known_vectors() {
        let cases: [(&[u8], &str); 5] = [
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foobar", "Zm9vYmFy"),
        ];
        for (raw, text) in cases {
            assert_eq!(base64_encode(raw), text);
            assert_eq!(base64_decode(text).as_deref(), Some(raw));
        }
        for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9*", "=Zm9"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let t = TokenWriter::new(3).u64(7).u32(9).u8(1).str("name").finish();
        let mut r = TokenReader::open(&t, 3).expect("open");
        assert_eq!(r.u64(), Some(7));
        assert_eq!(r.u32(), Some(9));
        assert_eq!(r.u8(), Some(1));
        assert_eq!(r.str().as_deref(), Some("name"));
        assert!(r.done());
        assert!(TokenReader::open(&t, 4).is_none());
        let mut short = TokenReader::open(&base64_encode(&[3, 1]), 3).expect("open");
        assert_eq!(short.u64(), None);
    }
}
