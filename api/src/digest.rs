//! The one hex SHA-256 of the service: persisted query hashes, reference data row digests and
//! signing key ids are all written with it.

use std::fmt::Write;

use sha2::{Digest, Sha256};

/// The lower-case hex SHA-256 of `bytes` (64 digits).
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    Sha256::digest(bytes.as_ref())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}
