//! Standard Webhooks signing (<https://www.standardwebhooks.com/>): a secret is random bytes shown
//! once as `whsec_<base64>`; a delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds)
//! and `webhook-signature`, a space-separated list of `v1,<base64 HMAC-SHA256>` of
//! `<id>.<timestamp>.<body>`, one per secret that is signing (two during a rotation's overlap).

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;

use crate::error::{ApiError, ApiResult};

/// The prefix of a secret as shown to its owner.
pub const SECRET_PREFIX: &str = "whsec_";

/// Bytes of a new secret (Standard Webhooks asks for 24 to 64).
const SECRET_BYTES: usize = 32;

/// A new secret: what the registry stores (the base64 of its bytes) and what its owner is shown
/// once (`whsec_` and the same base64).
pub fn generate_secret() -> (String, String) {
    let mut bytes = [0_u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut bytes);
    let stored = STANDARD.encode(bytes);
    let shown = format!("{SECRET_PREFIX}{stored}");
    (stored, shown)
}

/// One `v1,<signature>` of `body` sent as message `id` at `timestamp`, with the stored secret.
pub fn sign(stored_secret: &str, id: &str, timestamp: i64, body: &str) -> ApiResult<String> {
    let key = STANDARD
        .decode(stored_secret.trim_start_matches(SECRET_PREFIX))
        .map_err(|e| ApiError::Internal(format!("a stored webhook secret is not base64: {e}")))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key)
        .map_err(|e| ApiError::Internal(format!("webhook secret: {e}")))?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

/// The `webhook-signature` header: one signature per secret, space-separated.
pub fn signature_header(
    stored_secrets: &[String],
    id: &str,
    timestamp: i64,
    body: &str,
) -> ApiResult<String> {
    let signatures = stored_secrets
        .iter()
        .map(|secret| sign(secret, id, timestamp, body))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(signatures.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks reference libraries' tests.
    #[test]
    fn signs_as_the_reference_implementation() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_are_shown_with_their_prefix_and_differ() {
        let (stored, shown) = generate_secret();
        assert_eq!(shown, format!("whsec_{stored}"));
        assert_eq!(STANDARD.decode(&stored).unwrap().len(), SECRET_BYTES);
        assert_ne!(generate_secret().0, stored);
        let header = signature_header(&[stored.clone(), generate_secret().0], "m", 1, "{}").unwrap();
        assert_eq!(header.split(' ').count(), 2);
        assert!(header.starts_with(&sign(&stored, "m", 1, "{}").unwrap()));
    }
}
