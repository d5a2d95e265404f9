//! The JWTs the registry issues and accepts: EdDSA only, with a `kid`, pinned issuer and
//! audience, and required `exp` (at most a year after `iat`) and `jti`. A token is also checked
//! against its record (see `super::Authenticator`), so revocation takes effect at once.

use std::{
    collections::BTreeSet,
    num::NonZeroUsize,
    sync::{Mutex, PoisonError},
};

use jsonwebtoken::{Algorithm, Header, Validation, decode, decode_header, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::keys::KeyRing;
use crate::{
    domain::access::{Scope, format_scopes},
    error::{ApiError, ApiResult},
};

/// Longest accepted lifetime, in seconds (a year and a day of leeway).
const MAX_LIFETIME_SECONDS: i64 = 366 * 24 * 3600;

/// The claims of a registry token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Issuer: the registry.
    pub iss: String,
    /// Audience: the registry's API.
    pub aud: String,
    /// Subject: `organisation:<key>`.
    pub sub: String,
    /// The organisation the token acts for.
    pub org: Uuid,
    /// Granted scopes, as wire strings.
    pub scopes: Vec<String>,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch); required.
    pub exp: i64,
    /// Token id: the key of its record.
    pub jti: Uuid,
    /// Not before (seconds since the epoch): when present, the token is refused until then.
    /// The registry does not set it; tokens carrying it are checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// Seconds of leeway on `exp` and `nbf`.
const LEEWAY_SECONDS: i64 = 30;

/// Most verified tokens kept, so that a client's next request skips the signature check.
const VERIFIED_KEPT: usize = 1024;

/// Signs and verifies registry tokens.
#[derive(Debug)]
pub struct TokenService {
    keys: KeyRing,
    issuer: String,
    audience: String,
    /// Claims of tokens whose signature, key, issuer, audience and lifetime were verified, by the
    /// token's text: none of these can change for a given text while the keys do not, which is
    /// until a restart. Time (`exp`, `nbf`) is checked again on every use; revocation is not this
    /// service's to check (the token's record is read on every request, see `Authenticator`).
    verified: Mutex<lru::LruCache<Box<str>, Claims>>,
}

impl TokenService {
    /// A service using `keys`, for `issuer` and `audience`.
    pub fn new(keys: KeyRing, issuer: String, audience: String) -> Self {
        Self {
            keys,
            issuer,
            audience,
            verified: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(VERIFIED_KEPT).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// The keys, to publish them.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// Signs a token for the record `jti` of `organisation`.
    pub fn sign(
        &self,
        jti: Uuid,
        organisation: Uuid,
        scopes: &BTreeSet<Scope>,
        issued_at: chrono::DateTime<chrono::Utc>,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> ApiResult<String> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.keys.signing_kid.clone());
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: format!("organisation:{organisation}"),
            org: organisation,
            scopes: format_scopes(scopes).split(' ').map(str::to_owned).collect(),
            iat: issued_at.timestamp(),
            exp: expires_at.timestamp(),
            jti,
            nbf: None,
        };
        encode(&header, &claims, self.keys.signing_key())
            .map_err(|e| ApiError::Internal(format!("cannot sign a token: {e}")))
    }

    /// Verifies `token`: algorithm, key, signature, issuer, audience, expiry and lifetime. The
    /// signature of a token verified lately is not checked again, its times are.
    pub fn verify(&self, token: &str) -> ApiResult<Claims> {
        let kept = self
            .verified
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned();
        if let Some(claims) = kept {
            let now = chrono::Utc::now().timestamp();
            let expired = claims.exp < now - LEEWAY_SECONDS;
            let not_yet = claims.nbf.is_some_and(|nbf| nbf > now + LEEWAY_SECONDS);
            return if expired || not_yet {
                Err(ApiError::Unauthenticated)
            } else {
                Ok(claims)
            };
        }
        let claims = self.verify_signed(token)?;
        self.verified
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .put(token.into(), claims.clone());
        Ok(claims)
    }

    /// [`Self::verify`] in full, signature included.
    fn verify_signed(&self, token: &str) -> ApiResult<Claims> {
        let header = decode_header(token).map_err(|_| ApiError::Unauthenticated)?;
        if header.alg != Algorithm::EdDSA {
            return Err(ApiError::Unauthenticated);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.keys.find(kid))
            .ok_or(ApiError::Unauthenticated)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub", "jti"]);
        validation.leeway = LEEWAY_SECONDS.unsigned_abs();
        validation.validate_nbf = true;
        let claims = decode::<Claims>(token, &key.decoding, &validation)
            .map_err(|_| ApiError::Unauthenticated)?
            .claims;
        if claims.exp - claims.iat > MAX_LIFETIME_SECONDS {
            return Err(ApiError::Unauthenticated);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};
    use ed25519_dalek::SigningKey;

    use super::*;

    fn service(seed: u8, issuer: &str, audience: &str) -> TokenService {
        let keys = KeyRing::new(&SigningKey::from_bytes(&[seed; 32]), vec![]).unwrap();
        TokenService::new(keys, issuer.to_owned(), audience.to_owned())
    }

    fn token(
        service: &TokenService,
        issued: chrono::DateTime<Utc>,
        expires: chrono::DateTime<Utc>,
    ) -> String {
        let scopes = [Scope::PlansWrite].into_iter().collect();
        service
            .sign(Uuid::from_u128(1), Uuid::from_u128(2), &scopes, issued, expires)
            .unwrap()
    }

    #[test]
    fn accepts_its_own_tokens() {
        let registry = service(1, "nap", "api");
        let now = Utc::now();
        let claims = registry
            .verify(&token(&registry, now, now + Duration::days(90)))
            .unwrap();
        assert_eq!(claims.org, Uuid::from_u128(2));
        assert_eq!(claims.scopes, ["plans:write"]);
    }

    #[test]
    fn refuses_expired_foreign_misaddressed_and_overlong_tokens() {
        let registry = service(1, "nap", "api");
        let now = Utc::now();
        let cases = [
            (
                "expired",
                token(&registry, now - Duration::days(10), now - Duration::days(1)),
            ),
            (
                "other key",
                token(&service(2, "nap", "api"), now, now + Duration::days(1)),
            ),
            (
                "other issuer",
                token(&service(1, "evil", "api"), now, now + Duration::days(1)),
            ),
            (
                "other audience",
                token(&service(1, "nap", "other"), now, now + Duration::days(1)),
            ),
            ("lives too long", token(&registry, now, now + Duration::days(400))),
            ("garbage", "not.a.token".to_owned()),
        ];
        for (case, token) in cases {
            let error = registry.verify(&token).unwrap_err();
            assert_eq!(error.code(), "UNAUTHENTICATED", "{case}");
        }
    }

    #[test]
    fn refuses_a_token_before_its_not_before_time() {
        let registry = service(1, "nap", "api");
        let now = Utc::now();
        let with_nbf = |nbf: chrono::DateTime<Utc>| {
            let mut header = Header::new(Algorithm::EdDSA);
            header.kid = Some(registry.keys.signing_kid.clone());
            let claims = Claims {
                iss: "nap".into(),
                aud: "api".into(),
                sub: "organisation:x".into(),
                org: Uuid::from_u128(2),
                scopes: vec!["plans:write".into()],
                iat: now.timestamp(),
                exp: (now + Duration::days(1)).timestamp(),
                jti: Uuid::from_u128(1),
                nbf: Some(nbf.timestamp()),
            };
            encode(&header, &claims, registry.keys.signing_key()).unwrap()
        };
        let early = registry.verify(&with_nbf(now + Duration::hours(1))).unwrap_err();
        assert_eq!(early.code(), "UNAUTHENTICATED");
        assert!(registry.verify(&with_nbf(now - Duration::minutes(1))).is_ok());
    }

    #[test]
    fn refuses_unsigned_and_tampered_tokens() {
        let registry = service(1, "nap", "api");
        let now = Utc::now();
        let good = token(&registry, now, now + Duration::days(1));
        let parts: Vec<&str> = good.split('.').collect();
        let none_header = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            r#"{"alg":"none","typ":"JWT"}"#,
        );
        let unsigned = format!("{none_header}.{}.", parts[1]);
        assert_eq!(registry.verify(&unsigned).unwrap_err().code(), "UNAUTHENTICATED");
        let mut tampered_payload = parts[1].to_owned();
        tampered_payload.replace_range(4..5, if &tampered_payload[4..5] == "A" { "B" } else { "A" });
        let tampered = format!("{}.{tampered_payload}.{}", parts[0], parts[2]);
        assert_eq!(registry.verify(&tampered).unwrap_err().code(), "UNAUTHENTICATED");
    }

    #[test]
    fn a_kept_token_is_still_refused_once_expired() {
        let registry = service(1, "nap", "api");
        let now = Utc::now();
        let good = token(&registry, now, now + Duration::days(1));
        let claims = registry.verify(&good).unwrap();
        assert_eq!(registry.verify(&good).unwrap(), claims, "kept");
        assert_eq!(registry.verified.lock().unwrap().len(), 1);
        // As if the day had passed since it was kept.
        let expired = Claims {
            exp: (now - Duration::minutes(1)).timestamp(),
            ..claims
        };
        registry
            .verified
            .lock()
            .unwrap()
            .put(good.as_str().into(), expired);
        assert_eq!(registry.verify(&good).unwrap_err().code(), "UNAUTHENTICATED");
        // Refused tokens are not kept.
        assert!(registry.verify("not.a.token").is_err());
        assert_eq!(registry.verified.lock().unwrap().len(), 1);
    }
}
