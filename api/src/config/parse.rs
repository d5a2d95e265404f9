//! The value parsers of the settings: each takes the text of a flag or variable and gives the typed
//! value, or a message saying what is wrong with it (the caller names the flag or variable). clap
//! uses the same parsers for the settings that have flags; it hands them an empty variable too,
//! which, as for every variable, means the default.

use std::{net::SocketAddr, ops::RangeInclusive, path::PathBuf};

/// The address served on by default.
pub const DEFAULT_BIND: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8080);
/// The log filter by default.
pub const DEFAULT_LOG: &str = "info";

/// A database URL of a supported backend.
pub fn database_url(value: &str) -> Result<String, String> {
    let supported = ["sqlite:", "postgres://", "postgresql://"];
    if value.is_empty() || supported.iter().any(|scheme| value.starts_with(scheme)) {
        Ok(value.to_owned())
    } else {
        Err("must start with sqlite:, postgres:// or postgresql://".to_owned())
    }
}

/// A directory or file path (empty: unset).
#[expect(clippy::unnecessary_wraps, reason = "the shape of a value parser")]
pub fn path(value: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(value))
}

/// A socket address such as `127.0.0.1:8080`.
pub fn socket_address(value: &str) -> Result<SocketAddr, String> {
    if value.is_empty() {
        return Ok(DEFAULT_BIND);
    }
    value
        .parse()
        .map_err(|error| format!("`{value}` is not a socket address such as 127.0.0.1:8080 ({error})"))
}

/// `tracing` filter directives.
pub fn log_filter(value: &str) -> Result<String, String> {
    let value = if value.is_empty() { DEFAULT_LOG } else { value };
    tracing_subscriber::EnvFilter::try_new(value)
        .map(|_| value.to_owned())
        .map_err(|error| format!("`{value}` is not a log filter ({error})"))
}

/// One of the values of `T`, by its name (`if-empty`, `json`).
pub fn one_of<T: clap::ValueEnum + Default>(value: &str) -> Result<T, String> {
    if value.is_empty() {
        return Ok(T::default());
    }
    T::from_str(value, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|variant| variant.to_possible_value())
            .map(|possible| possible.get_name().to_owned())
            .collect();
        format!("`{value}` is not one of {}", names.join(", "))
    })
}

/// A path to a file that exists.
pub fn existing_file(value: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(value);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{} is not a file", path.display()))
    }
}

/// A name without whitespace, of at most 200 characters (a token issuer or audience).
pub fn one_word(value: &str) -> Result<String, String> {
    if value.chars().any(char::is_whitespace) || value.len() > 200 {
        Err(format!("`{value}` must be one word of at most 200 characters"))
    } else {
        Ok(value.to_owned())
    }
}

/// A browser origin such as `https://partner.example.org`.
pub fn origin(value: &str) -> Result<String, String> {
    if (value.starts_with("https://") || value.starts_with("http://"))
        && !value.ends_with('/')
        && !value.contains(char::is_whitespace)
    {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "`{value}` is not an origin such as https://partner.example.org"
        ))
    }
}

/// `true` or `false`.
pub fn true_or_false(value: &str) -> Result<bool, String> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("`{other}` is neither `true` nor `false`")),
    }
}

/// A parser of whole numbers within `range`, as `T`.
pub fn whole_number<T: TryFrom<u64>>(range: RangeInclusive<u64>) -> impl Fn(&str) -> Result<T, String> {
    move |value| {
        value
            .parse::<u64>()
            .ok()
            .filter(|number| range.contains(number))
            .and_then(|number| T::try_from(number).ok())
            .ok_or_else(|| {
                format!(
                    "`{value}` is not a whole number from {} to {}",
                    range.start(),
                    range.end()
                )
            })
    }
}

/// A parser of comma-separated lists of what `parse` reads (blank entries are skipped).
pub fn list<T>(parse: impl Fn(&str) -> Result<T, String>) -> impl Fn(&str) -> Result<Vec<T>, String> {
    move |value| {
        value
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(&parse)
            .collect()
    }
}
