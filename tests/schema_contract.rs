//! The committed `schema.graphql` is the public contract: it must match what the code serves.

#[test]
fn committed_schema_matches_the_code() {
    let generated = nap_registry::graphql::schema_builder().finish().sdl();
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

#[test]
fn every_type_and_field_is_described() {
    let sdl = nap_registry::graphql::schema_builder().finish().sdl();
    // async-graphql prints a description as a string before its definition: look for bare ones.
    let mut previous = "";
    let mut undocumented = Vec::new();
    for line in sdl.lines().map(str::trim) {
        let defines = line.starts_with("type ")
            || line.starts_with("enum ")
            || line.starts_with("input ")
            || (line.contains(':')
                && !line.starts_with('"')
                && !line.starts_with('#')
                && !line.starts_with("schema"));
        if defines && !previous.ends_with('"') && !line.starts_with("query:") {
            undocumented.push(line.to_owned());
        }
        previous = line;
    }
    assert!(
        undocumented.is_empty(),
        "undocumented schema elements:\n{}",
        undocumented.join("\n")
    );
}
