//! AWS event-stream frames (`sluice_wire::eventstream`). The input is used twice:
//!
//! 1. As raw bytes for `decode`: never panics, never claims more bytes than it was given or
//!    fewer than a minimal frame; a buffer of back-to-back frames decodes frame by frame.
//!    The same bytes with both CRCs recomputed are decoded too, so that the header parser
//!    is reached (a fuzzer cannot forge CRC32s byte by byte).
//! 2. As an `arbitrary` frame description for `encode`: `decode(encode(h, p))` gives back
//!    the payload and the headers (as `encode` writes them: names cut to 255 bytes, values
//!    to 65535, read back as lossy UTF-8), consumes exactly the frame with any trailing
//!    bytes; every strict prefix is `Incomplete`; any single flipped bit is an error.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use sluice_wire::eventstream::{decode, encode, DecodeError};

#[derive(Debug, Arbitrary)]
struct Frame {
    headers: Vec<(String, String)>,
    payload: Vec<u8>,
    trailing: Vec<u8>,
    cut: u32,
    flip: u32,
}

fn check_decode(buf: &[u8]) {
    if let Ok((message, used)) = decode(buf) {
        assert!(used >= 16, "a frame is at least 16 bytes, took {used}");
        assert!(used <= buf.len(), "took {used} of {} bytes", buf.len());
        assert!(message.payload.len() <= used - 16);
    }
}

/// `buf` with its prelude CRC and (when the declared total fits) message CRC made valid.
fn with_valid_crcs(buf: &[u8]) -> Option<Vec<u8>> {
    if buf.len() < 16 {
        return None;
    }
    let mut out = buf.to_vec();
    let prelude = crc32fast::hash(&out[0..8]);
    out[8..12].copy_from_slice(&prelude.to_be_bytes());
    let total = u32::from_be_bytes([out[0], out[1], out[2], out[3]]) as usize;
    if (16..=out.len()).contains(&total) {
        let crc = crc32fast::hash(&out[..total - 4]);
        out[total - 4..total].copy_from_slice(&crc.to_be_bytes());
    }
    Some(out)
}

fn truncate(s: &str, max: usize) -> String {
    String::from_utf8_lossy(&s.as_bytes()[..s.len().min(max)]).into_owned()
}

fuzz_target!(|data: &[u8]| {
    check_decode(data);
    if let Some(fixed) = with_valid_crcs(data) {
        check_decode(&fixed);
        let mut rest = &fixed[..];
        while let Ok((_, used)) = decode(rest) {
            rest = &rest[used..];
        }
    }

    let Ok(frame) = Frame::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let headers: Vec<(&str, &str)> = frame
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let encoded = encode(&headers, &frame.payload);
    let (message, used) = decode(&encoded).expect("an encoded frame decodes");
    assert_eq!(used, encoded.len());
    assert_eq!(message.payload, frame.payload);
    let expected: Vec<(String, String)> = frame
        .headers
        .iter()
        .map(|(n, v)| (truncate(n, 255), truncate(v, u16::MAX as usize)))
        .collect();
    assert_eq!(message.headers, expected);

    let mut longer = encoded.clone();
    longer.extend_from_slice(&frame.trailing);
    let (again, used) = decode(&longer).expect("a frame with bytes after it decodes");
    assert_eq!(used, encoded.len());
    assert_eq!(again, message);

    let cut = frame.cut as usize % encoded.len();
    assert_eq!(decode(&encoded[..cut]), Err(DecodeError::Incomplete), "prefix of {cut} bytes");

    let bit = frame.flip as usize % (encoded.len() * 8);
    let mut flipped = encoded;
    flipped[bit / 8] ^= 1 << (bit % 8);
    assert!(decode(&flipped).is_err(), "bit {bit} flipped still decodes");
});
