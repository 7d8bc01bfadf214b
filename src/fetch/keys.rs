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

/// Whether `signature` is RSASSA-PKCS1-v1_5 with digest `D` of `input` under `key` (`RS256`
/// is SHA-256; SNS's version 1, SHA-1).
pub(crate) fn pkcs1v15<D>(key: &rsa::RsaPublicKey, input: &[u8], signature: &[u8]) -> bool
where
    D: sha2::Digest + rsa::pkcs8::AssociatedOid,
{
    use rsa::signature::Verifier as _;
    let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature) else {
        return false;
    };
    rsa::pkcs1v15::VerifyingKey::<D>::new(key.clone())
        .verify(input, &signature)
        .is_ok()
}

/// Refuses keys too short to mean anything (no provider signs with less than 2048 bits).
fn usable(key: RsaPublicKey) -> Result<RsaPublicKey, &'static str> {
    use rsa::traits::PublicKeyParts as _;
    if key.size() < 256 {
        return Err("the RSA key is shorter than 2048 bits");
    }
    Ok(key)
}
