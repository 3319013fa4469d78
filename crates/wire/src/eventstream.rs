//! The AWS event-stream framing (`application/vnd.amazon.eventstream`) that
//! SubscribeToShard answers with: each message is a prelude (total and header lengths, with
//! a CRC32), typed headers, a payload and a CRC32 of the whole. Sluice sends string headers
//! only; the decoder reads every header type, for tests and clients.
//!
//! Own code rather than `aws-smithy-eventstream`: that crate says it is part of the SDK and
//! its code generator and "should not be used directly", and a server needs only this one
//! small encoder. Its frames are pinned byte for byte to that crate's encoder in
//! `tests/kinesis/subscribe.rs`.

/// Header value type 7: a UTF-8 string with a 16-bit length.
const STRING: u8 = 7;

/// One message with string headers.
pub fn encode(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let headers_len: usize = headers
        .iter()
        .map(|(name, value)| 1 + name.len().min(255) + 1 + 2 + value.len().min(u16::MAX as usize))
        .sum();
    let total = 12 + headers_len + payload.len() + 4;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&u32::try_from(total).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(&u32::try_from(headers_len).unwrap_or(u32::MAX).to_be_bytes());
    let prelude_crc = crc32fast::hash(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    for (name, value) in headers {
        let name = &name.as_bytes()[..name.len().min(255)];
        let value = &value.as_bytes()[..value.len().min(u16::MAX as usize)];
        out.push(name.len() as u8);
        out.extend_from_slice(name);
        out.push(STRING);
        out.extend_from_slice(&(value.len() as u16).to_be_bytes());
        out.extend_from_slice(value);
    }
    out.extend_from_slice(payload);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

/// An event (`:message-type` event) of type `event_type` with a payload of `content_type`.
pub fn event(event_type: &str, content_type: &str, payload: &[u8]) -> Vec<u8> {
    encode(
        &[
            (":event-type", event_type),
            (":content-type", content_type),
            (":message-type", "event"),
        ],
        payload,
    )
}

/// An exception message, as a stream ends with when something fails mid-stream.
pub fn exception(exception_type: &str, content_type: &str, payload: &[u8]) -> Vec<u8> {
    encode(
        &[
            (":exception-type", exception_type),
            (":content-type", content_type),
            (":message-type", "exception"),
        ],
        payload,
    )
}

/// A decoded message: string-rendered headers and the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub headers: Vec<(String, String)>,
    pub payload: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why bytes are not an event-stream message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// More bytes are needed.
    Incomplete,
    Corrupt(&'static str),
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Decodes the first message of `buf`, returning it and the bytes it took.
pub fn decode(buf: &[u8]) -> Result<(Message, usize), DecodeError> {
    if buf.len() < 16 {
        return Err(DecodeError::Incomplete);
    }
    let total = be_u32(&buf[0..4]) as usize;
    let headers_len = be_u32(&buf[4..8]) as usize;
    if crc32fast::hash(&buf[0..8]) != be_u32(&buf[8..12]) {
        return Err(DecodeError::Corrupt("prelude checksum"));
    }
    if total < 16 || headers_len > total - 16 {
        return Err(DecodeError::Corrupt("lengths"));
    }
    if buf.len() < total {
        return Err(DecodeError::Incomplete);
    }
    if crc32fast::hash(&buf[..total - 4]) != be_u32(&buf[total - 4..total]) {
        return Err(DecodeError::Corrupt("message checksum"));
    }
    let mut headers = Vec::new();
    let mut h = &buf[12..12 + headers_len];
    while !h.is_empty() {
        let name_len = h[0] as usize;
        let name = h
            .get(1..1 + name_len)
            .ok_or(DecodeError::Corrupt("header name"))?;
        let name = String::from_utf8_lossy(name).into_owned();
        let rest = h
            .get(1 + name_len..)
            .ok_or(DecodeError::Corrupt("header"))?;
        let (&kind, rest) = rest
            .split_first()
            .ok_or(DecodeError::Corrupt("header type"))?;
        let (value, used) = match kind {
            0 => ("true".to_owned(), 0),
            1 => ("false".to_owned(), 0),
            2 => (
                rest.first()
                    .map(|b| (*b as i8).to_string())
                    .ok_or(DecodeError::Corrupt("byte"))?,
                1,
            ),
            3 => (
                rest.get(..2)
                    .map(|b| i16::from_be_bytes([b[0], b[1]]).to_string())
                    .ok_or(DecodeError::Corrupt("short"))?,
                2,
            ),
            4 => (
                rest.get(..4)
                    .map(|b| (be_u32(b) as i32).to_string())
                    .ok_or(DecodeError::Corrupt("int"))?,
                4,
            ),
            5 | 8 => (
                rest.get(..8)
                    .map(|b| {
                        i64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
                            .to_string()
                    })
                    .ok_or(DecodeError::Corrupt("long"))?,
                8,
            ),
            6 | 7 => {
                let len = rest
                    .get(..2)
                    .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
                    .ok_or(DecodeError::Corrupt("string length"))?;
                let bytes = rest.get(2..2 + len).ok_or(DecodeError::Corrupt("string"))?;
                (String::from_utf8_lossy(bytes).into_owned(), 2 + len)
            }
            9 => (
                rest.get(..16)
                    .map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
                    .ok_or(DecodeError::Corrupt("uuid"))?,
                16,
            ),
            _ => return Err(DecodeError::Corrupt("header type")),
        };
        headers.push((name, value));
        h = rest
            .get(used..)
            .ok_or(DecodeError::Corrupt("header value"))?;
    }
    let payload = buf[12 + headers_len..total - 4].to_vec();
    Ok((Message { headers, payload }, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_detects_corruption() {
        let bytes = event(
            "SubscribeToShardEvent",
            "application/json",
            b"{\"Records\":[]}",
        );
        let (m, used) = decode(&bytes).expect("decodes");
        assert_eq!(used, bytes.len());
        assert_eq!(m.header(":event-type"), Some("SubscribeToShardEvent"));
        assert_eq!(m.header(":message-type"), Some("event"));
        assert_eq!(m.payload, b"{\"Records\":[]}");
        assert_eq!(
            decode(&bytes[..bytes.len() - 1]),
            Err(DecodeError::Incomplete)
        );
        let mut bad = bytes.clone();
        let last = bad.len() - 5;
        bad[last] ^= 1;
        assert_eq!(decode(&bad), Err(DecodeError::Corrupt("message checksum")));
    }

    #[test]
    fn matches_a_known_frame() {
        // An empty message with no headers: 16 bytes, as the format defines.
        let bytes = encode(&[], b"");
        assert_eq!(&bytes[..8], &[0, 0, 0, 16, 0, 0, 0, 0]);
        assert_eq!(be_u32(&bytes[8..12]), 0x05c2_48eb);
    }
}
