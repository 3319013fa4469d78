//! Hex digests AWS puts on the wire (MD5 of SQS bodies and attributes, SHA-256 for dedup ids).

use md5::{Digest, Md5};

/// Lower-case hex MD5 of `data`, the form of SQS's `MD5OfMessageBody`.
pub fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Sha256;
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(md5_hex(b"hi"), "49f68a5c8493ec2c0bf489821c21fc3b");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
