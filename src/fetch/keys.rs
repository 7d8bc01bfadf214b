//! Parsing the documents providers publish their keys in: X.509 certificates (SNS, PayPal) and
//! JSON Web Key sets (Google).

use std::collections::HashMap;

use base64::Engine as _;
use rsa::{BigUint, RsaPublicKey, pkcs8::DecodePublicKey as _};
use x509_cert::der::Encode as _;

/// The RSA public key of the PEM certificate `pem` (the first of a chain, which PayPal may
/// serve). The chain is not checked: it came over TLS from the provider's own host.
pub(crate) fn certificate_rsa_key(pem: &[u8]) -> Result<RsaPublicKey, &'static str> {
    let certificate = x509_cert::Certificate::load_pem_chain(pem)
        .ok()
        .and_then(|chain| chain.into_iter().next())
        .ok_or("the signing certificate is not a PEM certificate")?;
    let spki = certificate
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|_| "the signing certificate's key does not encode")?;
    let key = RsaPublicKey::from_public_key_der(&spki)
        .map_err(|_| "the signing certificate's key is not RSA")?;
    usable(key)
}

/// The RSA keys of a JSON Web Key set, by `kid`.
pub(crate) fn jwks_rsa_keys(json: &[u8]) -> Result<HashMap<String, RsaPublicKey>, &'static str> {
    #[derive(serde::Deserialize)]
    struct Set {
        keys: Vec<Jwk>,
    }
    #[derive(serde::Deserialize)]
    struct Jwk {
        kty: String,
        kid: Option<String>,
        n: Option<String>,
        e: Option<String>,
    }
    let set: Set = serde_json::from_slice(json).map_err(|_| "the key set is not a JWKS")?;
    let decode = |text: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .ok()
    };
    let keys: HashMap<String, RsaPublicKey> = set
        .keys
        .into_iter()
        .filter(|jwk| jwk.kty == "RSA")
        .filter_map(|jwk| {
            let n = BigUint::from_bytes_be(&decode(jwk.n.as_deref()?)?);
            let e = BigUint::from_bytes_be(&decode(jwk.e.as_deref()?)?);
            Some((jwk.kid?, usable(RsaPublicKey::new(n, e).ok()?).ok()?))
        })
        .collect();
    if keys.is_empty() {
        return Err("the key set has no RSA key");
    }
    Ok(keys)
}

/// The digest an RSASSA-PKCS1-v1_5 signature is made over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RsaDigest {
    /// SHA-1: SNS's signature version 1.
    Sha1,
    /// SHA-256: `RS256`, SNS's version 2, PayPal.
    Sha256,
}

impl RsaDigest {
    /// The digest of `input`, and the padding that names it. The `DigestInfo` prefixes are
    /// RFC 8017's (section 9.2, note 1); naming them here lets `rsa` work with the digest
    /// generation the rest of the crate uses.
    pub(crate) fn digest(self, input: &[u8]) -> (Vec<u8>, rsa::Pkcs1v15Sign) {
        use sha2::Digest as _;
        const SHA1: &[u8] = &[
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ];
        const SHA256: &[u8] = &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        let (digest, prefix) = match self {
            Self::Sha1 => (sha1::Sha1::digest(input).to_vec(), SHA1),
            Self::Sha256 => (sha2::Sha256::digest(input).to_vec(), SHA256),
        };
        let padding = rsa::Pkcs1v15Sign {
            hash_len: Some(digest.len()),
            prefix: prefix.into(),
        };
        (digest, padding)
    }
}

/// Whether `signature` is RSASSA-PKCS1-v1_5 with `digest` of `input` under `key` (`RS256`
/// is SHA-256; SNS's version 1, SHA-1).
pub(crate) fn pkcs1v15(
    digest: RsaDigest,
    key: &rsa::RsaPublicKey,
    input: &[u8],
    signature: &[u8],
) -> bool {
    let (hashed, padding) = digest.digest(input);
    key.verify(padding, &hashed, signature).is_ok()
}

/// Refuses keys too short to mean anything (no provider signs with less than 2048 bits).
fn usable(key: RsaPublicKey) -> Result<RsaPublicKey, &'static str> {
    use rsa::traits::PublicKeyParts as _;
    if key.size() < 256 {
        return Err("the RSA key is shorter than 2048 bits");
    }
    Ok(key)
}
