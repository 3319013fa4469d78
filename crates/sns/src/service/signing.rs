//! Message signatures: SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA) over SNS's
//! string to sign, with a fixed local key whose certificate Sluice serves at SigningCertURL,
//! so receivers that verify signatures work. The key is not a secret: it only makes local
//! verification possible, and it is the same in every Sluice.

use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha1::Sha1;
use sha2::{Digest, Sha256};

const KEY_PEM: &str = include_str!("../../keys/signing-key.pem");
/// The certificate of the signing key, in PEM, as served at SigningCertURL.
pub const CERT_PEM: &str = include_str!("../../keys/signing-cert.pem");
/// Where SigningCertURL points, under the URL the client used.
pub const CERT_PATH: &str = "/_sluice/sns/SimpleNotificationService.pem";

fn key() -> Option<&'static RsaPrivateKey> {
    static KEY: OnceLock<Option<RsaPrivateKey>> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::from_pkcs8_pem(KEY_PEM).ok())
        .as_ref()
}

/// The base64 signature of `text` for `version` ("2" is SHA-256, anything else SHA-1).
pub(super) fn sign(version: &str, text: &str) -> String {
    let Some(key) = key() else {
        tracing::error!("the embedded SNS signing key does not parse");
        return String::new();
    };
    let signed = if version == "2" {
        key.sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(text))
    } else {
        key.sign(Pkcs1v15Sign::new::<Sha1>(), &Sha1::digest(text))
    };
    signed.map(|s| STANDARD.encode(s)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::RsaPublicKey;

    #[test]
    fn signatures_verify_with_the_served_key() {
        let public = RsaPublicKey::from(key().expect("key parses"));
        for version in ["1", "2"] {
            let sig = STANDARD
                .decode(sign(version, "Message\nhi\n"))
                .expect("base64");
            let ok = if version == "2" {
                public.verify(
                    Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest("Message\nhi\n"),
                    &sig,
                )
            } else {
                public.verify(
                    Pkcs1v15Sign::new::<Sha1>(),
                    &Sha1::digest("Message\nhi\n"),
                    &sig,
                )
            };
            assert!(ok.is_ok(), "version {version}");
        }
        assert!(CERT_PEM.starts_with("-----BEGIN CERTIFICATE-----"));
    }
}
