//! Relay global IDs: the URL-safe base64 of `TypeName:uuid`. They depend only on the type and
//! the row's immutable key, so they are the same after restarts, re-seeding and on either backend.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::{
    domain::entity_type::EntityType,
    error::{ApiError, ApiResult},
};

/// The global ID of the `type_name` object keyed `id` (an `EntityType`, or a stored type name).
pub fn encode(type_name: impl AsRef<str>, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", type_name.as_ref())))
}

/// Splits a global ID into its type name and key; `field` names the argument in the error.
pub fn decode(field: &str, id: &str) -> ApiResult<(String, Uuid)> {
    let malformed = || ApiError::invalid(field, format!("`{id}` is not a registry ID"));
    let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (type_name, key) = text.split_once(':').ok_or_else(malformed)?;
    let key = Uuid::parse_str(key).map_err(|_| malformed())?;
    Ok((type_name.to_owned(), key))
}

/// The key of a global ID that must be of `type_name`; `field` names the argument in errors.
pub fn decode_as(field: &str, id: &str, type_name: EntityType) -> ApiResult<Uuid> {
    let (found, key) = decode(field, id)?;
    if found == type_name.as_str() {
        Ok(key)
    } else {
        Err(ApiError::invalid(
            field,
            format!("expected the ID of a {type_name}, got one of a {found}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_stable() {
        let key = Uuid::from_u128(0x1234);
        let id = encode(EntityType::Plan, key);
        assert_eq!(id.0, "UGxhbjowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDEyMzQ");
        assert_eq!(decode("id", &id).unwrap(), ("Plan".to_owned(), key));
    }

    #[test]
    fn malformed_ids_are_bad_user_input_naming_the_argument() {
        for bad in ["", "!!!", "UGxhbg", &URL_SAFE_NO_PAD.encode("Plan:not-a-uuid")] {
            let error = decode("ids", bad).unwrap_err();
            assert_eq!(error.code(), "BAD_USER_INPUT");
            assert!(error.message().starts_with("ids:"), "{error:?}");
        }
    }
}
