//! The registry's Ed25519 signing keys. The signing key comes from `NAP_JWT_PRIVATE_KEY_FILE`, or,
//! when none is configured, from `<data dir>/jwt-signing-key.pem`, generated on first start.
//! Further public keys (`NAP_JWT_PUBLIC_KEY_FILES`) keep tokens signed by earlier keys valid
//! during a rotation. All verification keys are published as a JWKS.

use std::{
    fmt,
    path::{Path, PathBuf},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ed25519_dalek::{
    SigningKey, VerifyingKey,
    pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, KeypairBytes, spki::der::pem::LineEnding},
};
use jsonwebtoken::{DecodingKey, EncodingKey};

/// File name of the generated key in the data directory.
pub const GENERATED_KEY_FILE: &str = "jwt-signing-key.pem";

/// A public key that verifies tokens.
pub struct VerificationKey {
    /// Key id, the `kid` of the tokens it verifies.
    pub kid: String,
    /// The raw Ed25519 public key.
    pub public: [u8; 32],
    /// The key as jsonwebtoken uses it.
    pub decoding: DecodingKey,
}

/// The signing key and every key that verifies.
pub struct KeyRing {
    /// `kid` of the signing key.
    pub signing_kid: String,
    signing: EncodingKey,
    /// Keys that verify tokens: the signing key's public half first.
    pub verification: Vec<VerificationKey>,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kids: Vec<&str> = self.verification.iter().map(|k| k.kid.as_str()).collect();
        f.debug_struct("KeyRing")
            .field("signing_kid", &self.signing_kid)
            .field("verification", &kids)
            .finish_non_exhaustive()
    }
}

/// The key id of a public key: the first 16 hex digits of its SHA-256.
pub fn key_id(public: &[u8; 32]) -> String {
    let mut id = crate::digest::sha256_hex(public);
    id.truncate(16);
    id
}

fn verification_key(public: VerifyingKey) -> VerificationKey {
    let bytes = public.to_bytes();
    VerificationKey {
        kid: key_id(&bytes),
        public: bytes,
        decoding: DecodingKey::from_ed_der(&bytes),
    }
}

impl KeyRing {
    /// A key ring around `signing`, also accepting `extra` public keys.
    pub fn new(signing: &SigningKey, extra: Vec<VerifyingKey>) -> anyhow::Result<Self> {
        let der = signing
            .to_pkcs8_der()
            .map_err(|e| anyhow::anyhow!("cannot encode the signing key: {e}"))?;
        let mut verification = vec![verification_key(signing.verifying_key())];
        for key in extra {
            let key = verification_key(key);
            if !verification.iter().any(|k| k.kid == key.kid) {
                verification.push(key);
            }
        }
        Ok(Self {
            signing_kid: verification[0].kid.clone(),
            signing: EncodingKey::from_ed_der(der.as_bytes()),
            verification,
        })
    }

    /// Loads the configured key, or the generated one in `data_dir` (generating it on first use).
    /// Returns the ring and, when a key was generated now, where it was written.
    pub fn load(
        private_key_file: Option<&Path>,
        public_key_files: &[PathBuf],
        data_dir: &Path,
    ) -> anyhow::Result<(Self, Option<PathBuf>)> {
        let (signing, generated) = match private_key_file {
            Some(path) => (read_signing_key(path, "NAP_JWT_PRIVATE_KEY_FILE")?, None),
            None => {
                let path = data_dir.join(GENERATED_KEY_FILE);
                if path.exists() {
                    (read_signing_key(&path, "the generated key")?, None)
                } else {
                    (generate_signing_key(&path)?, Some(path))
                }
            }
        };
        let mut extra = Vec::new();
        for path in public_key_files {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!(
                    "invalid NAP_JWT_PUBLIC_KEY_FILES: cannot read {}: {e}",
                    path.display()
                )
            })?;
            extra.push(VerifyingKey::from_public_key_pem(&text).map_err(|e| {
                anyhow::anyhow!(
                    "invalid NAP_JWT_PUBLIC_KEY_FILES: {} is not an Ed25519 public key in PEM: {e}",
                    path.display()
                )
            })?);
        }
        Ok((Self::new(&signing, extra)?, generated))
    }

    /// The key tokens are signed with.
    pub fn signing_key(&self) -> &EncodingKey {
        &self.signing
    }

    /// The verification key with `kid`.
    pub fn find(&self, kid: &str) -> Option<&VerificationKey> {
        self.verification.iter().find(|k| k.kid == kid)
    }

    /// Every verification key as a JSON Web Key Set.
    pub fn jwks(&self) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = self
            .verification
            .iter()
            .map(|k| {
                serde_json::json!({
                    "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                    "kid": k.kid, "x": URL_SAFE_NO_PAD.encode(k.public),
                })
            })
            .collect();
        serde_json::json!({ "keys": keys })
    }
}

fn read_signing_key(path: &Path, source: &str) -> anyhow::Result<SigningKey> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("invalid {source}: cannot read {}: {e}", path.display()))?;
    SigningKey::from_pkcs8_pem(&text).map_err(|e| {
        anyhow::anyhow!(
            "invalid {source}: {} is not an Ed25519 private key in PKCS#8 PEM: {e}",
            path.display()
        )
    })
}

fn generate_signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let key = SigningKey::generate(&mut rand_core::OsRng);
    let pem = private_key_pem(&key)?;
    if let Some(directory) = path.parent() {
        std::fs::create_dir_all(directory)?;
    }
    write_private(path, pem.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

/// `key` as standard PKCS#8 v1 PEM (RFC 8410: the private key only), which OpenSSL, Python's
/// cryptography and every other PKCS#8 reader accepts. (`SigningKey::to_pkcs8_pem` writes a v2
/// document with the public key, which some of them refuse.)
fn private_key_pem(key: &SigningKey) -> anyhow::Result<String> {
    let pem = KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    }
    .to_pkcs8_pem(LineEnding::LF)
    .map_err(|e| anyhow::anyhow!("cannot encode a new signing key: {e}"))?;
    Ok(pem.to_string())
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_once_then_reloads_the_same_key() {
        let directory = std::env::temp_dir().join(format!("nap-keys-{}", uuid::Uuid::new_v4()));
        let (first, generated) = KeyRing::load(None, &[], &directory).unwrap();
        assert!(generated.is_some());
        let (second, generated_again) = KeyRing::load(None, &[], &directory).unwrap();
        assert!(generated_again.is_none());
        assert_eq!(first.signing_kid, second.signing_kid);
        let jwks = second.jwks();
        assert_eq!(jwks["keys"][0]["kid"], first.signing_kid.as_str());
        assert_eq!(jwks["keys"][0]["kty"], "OKP");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(directory.join(GENERATED_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the private key is readable by others");
        }
        std::fs::remove_dir_all(directory).ok();
    }

    #[test]
    fn generated_keys_are_pkcs8_v1_pem_readable_by_openssl() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let pem = private_key_pem(&key).unwrap();
        assert_eq!(
            SigningKey::from_pkcs8_pem(&pem).unwrap().to_bytes(),
            key.to_bytes()
        );
        // RFC 8410 v1: SEQUENCE { INTEGER 0, AlgorithmIdentifier { 1.3.101.112 }, OCTET STRING { OCTET STRING key } }.
        let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
        assert_eq!(
            der[..16],
            [
                0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
                0x20
            ]
        );
        assert_eq!(der.len(), 48);
        let directory = std::env::temp_dir().join(format!("nap-keys-{}", uuid::Uuid::new_v4()));
        KeyRing::load(None, &[], &directory).unwrap();
        let path = directory.join(GENERATED_KEY_FILE);
        match std::process::Command::new("openssl")
            .args(["pkey", "-noout", "-in"])
            .arg(&path)
            .output()
        {
            Ok(output) => assert!(
                output.status.success(),
                "openssl cannot read the generated key: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
            Err(_) => eprintln!("openssl is not installed; checked the DER structure only"),
        }
        std::fs::remove_dir_all(directory).ok();
    }

    #[test]
    fn debug_output_shows_no_key_material() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let ring = KeyRing::new(&key, vec![]).unwrap();
        let printed = format!("{ring:?}");
        assert!(printed.contains(&ring.signing_kid) && !printed.contains("EncodingKey"));
    }
}
