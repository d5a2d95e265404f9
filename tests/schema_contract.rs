//! The committed `schema.graphql` is the public contract: it must match what the code serves, and
//! every part of it must be described for the integrators who learn the API from it.

use serde_json::Value;

#[test]
fn committed_schema_matches_the_code() {
    let generated = nap_registry::graphql::sdl(&nap_registry::graphql::schema_builder().finish());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).expect("write schema.graphql");
        return;
    }
    assert!(
        committed == generated,
        "schema.graphql is out of date: run `cargo run -- print-schema > schema.graphql` (or the tests with UPDATE_SCHEMA=1) and commit it"
    );
}

const INTROSPECTION: &str = r#"{ __schema { types {
    name kind description
    fields { name description args { name description } }
    inputFields { name description }
    enumValues { name description }
} } }"#;

fn described(value: &Value) -> bool {
    value["description"]
        .as_str()
        .is_some_and(|d| !d.trim().is_empty())
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_described() {
    let schema = nap_registry::graphql::schema_builder().finish();
    let response = schema.execute(INTROSPECTION).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap();
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    let mut missing = Vec::new();
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        // `__…` is introspection's; `_Any`, `_Entity` and `_Service` are Apollo Federation's own,
        // described by its specification.
        if name.starts_with('_') || builtin.contains(&name) {
            continue;
        }
        if !described(ty) {
            missing.push(format!("type {name}"));
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap();
            if field_name.starts_with('_') {
                // `_service` and `_entities`: Apollo Federation's entry points.
                continue;
            }
            if !described(field) {
                missing.push(format!("{name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if !described(arg) {
                    missing.push(format!("{name}.{field_name}({})", arg["name"].as_str().unwrap()));
                }
            }
        }
        for list in ["inputFields", "enumValues"] {
            for item in ty[list].as_array().into_iter().flatten() {
                if !described(item) {
                    missing.push(format!("{name}.{}", item["name"].as_str().unwrap()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undescribed schema elements:\n{}",
        missing.join("\n")
    );
}
