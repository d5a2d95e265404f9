//! The service's configuration: one typed `Config`, read once at start-up from command-line flags
//! and environment variables (a flag wins over its variable; clap reads the variables of the
//! settings that have flags), with defaults that run the embedded SQLite registry out of the box.
//! An empty variable counts as unset. A bad value stops start-up with an error naming the variable
//! (or the flag it came from). Every variable is documented in `.env.example` and the README.

pub mod address_range;
mod database_url;
mod error;
mod http;
mod parse;
pub mod persisted_queries;
pub mod webhooks;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

pub use address_range::AddressRange;
pub use database_url::DatabaseUrl;
pub use error::ConfigError;
pub use http::{HttpSettings, SubscriptionSettings};
use parse::{
    DEFAULT_BIND, DEFAULT_LOG, database_url, existing_file, list, log_filter, one_of, one_word, origin,
    socket_address, true_or_false, whole_number,
};
pub use webhooks::WebhookSettings;

use crate::linked_data::PublicUrl;

/// Values given on the command line; each overrides the environment variable named beside it.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct ConfigFlags {
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user@host/db`
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true, value_parser = database_url)]
    pub database_url: Option<String>,
    /// Directory for the embedded database and generated keys [default: ./data]
    #[arg(long, global = true, env = "NAP_DATA_DIR", value_parser = parse::path)]
    pub data_dir: Option<PathBuf>,
    /// Log filter, e.g. `info` or `nap_registry=debug,sqlx=warn` [default: info]
    #[arg(long, global = true, env = "NAP_LOG", value_parser = log_filter)]
    pub log: Option<String>,
    /// Log format: `text` or `json` [default: text]
    #[arg(long, global = true, env = "NAP_LOG_FORMAT", value_parser = one_of::<LogFormat>)]
    pub log_format: Option<LogFormat>,
    /// Address to serve on [default: 127.0.0.1:8080]
    #[arg(long, global = true, env = "NAP_BIND", value_parser = socket_address)]
    pub bind: Option<SocketAddr>,
    /// When `serve` loads the canonical reference data: `if-empty`, `always` or `never`
    /// [default: if-empty]
    #[arg(long, global = true, env = "NAP_SEED_ON_START", value_parser = one_of::<SeedOnStart>)]
    pub seed_on_start: Option<SeedOnStart>,
}

/// The configuration the service runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the registry's data lives.
    pub database_url: DatabaseUrl,
    /// Directory for the embedded database and generated files.
    pub data_dir: PathBuf,
    /// Address the HTTP server binds to.
    pub bind: SocketAddr,
    /// The base of every URI the service writes (`NAP_PUBLIC_URL`; default `http://<bind>`).
    pub public_url: PublicUrl,
    /// `tracing` filter directives.
    pub log_filter: String,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// When `serve` loads the canonical reference data.
    pub seed_on_start: SeedOnStart,
    /// The token signing key (PKCS#8 PEM); generated into the data directory when not given.
    pub jwt_private_key_file: Option<PathBuf>,
    /// Further public keys (PEM) whose tokens stay valid, for key rotation.
    pub jwt_public_key_files: Vec<PathBuf>,
    /// The `iss` of issued tokens, required of presented ones.
    pub jwt_issuer: String,
    /// The `aud` of issued tokens, required of presented ones.
    pub jwt_audience: String,
    /// Limits and cross-origin rules of the HTTP endpoint.
    pub http: HttpSettings,
    /// How long `serve` lets in-flight requests finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// How webhooks are delivered (`NAP_WEBHOOK_*`).
    pub webhooks: WebhookSettings,
    /// Largest IATI activity file `import iati` reads (`NAP_IATI_MAX_FILE_BYTES`).
    pub iati_max_file_bytes: u64,
}

/// The default of `NAP_IATI_MAX_FILE_BYTES`: 200 MiB, above the largest donor files published.
pub const DEFAULT_IATI_MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// When `serve` loads the canonical reference data before it starts answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SeedOnStart {
    /// Only into a registry that has no reference data yet (the default: edits are never undone).
    #[default]
    IfEmpty,
    /// On every start, bringing reference data up to the version shipped with the binary.
    Always,
    /// Never; run `nap-registry seed` yourself.
    Never,
}

/// How the configuration reads an environment variable.
type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The environment-only setting `variable`, read with `parse`: `None` when unset or empty, an
/// error naming the variable when `parse` refuses it.
fn setting<T>(
    env: Env<'_>,
    variable: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, ConfigError> {
    env(variable)
        .filter(|value| !value.is_empty())
        .map(|value| parse(&value))
        .transpose()
        .map_err(|message| ConfigError {
            source_name: variable.to_owned(),
            message,
        })
}

/// A setting that has a flag: the flag's value (clap has read the variable into it when the flag
/// was not given), else the variable as `env` gives it.
fn flag_or_setting<T>(
    flag: Option<T>,
    env: Env<'_>,
    variable: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, ConfigError> {
    match flag {
        Some(value) => Ok(Some(value)),
        None => setting(env, variable, parse),
    }
}

impl Config {
    /// Reads the configuration from the process environment and the given flags.
    pub fn from_env(flags: &ConfigFlags) -> Result<Self, ConfigError> {
        Self::load(flags, |name| std::env::var(name).ok())
    }

    /// Reads the configuration from `flags`, then `env`, then the defaults.
    pub fn load(flags: &ConfigFlags, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env: Env<'_> = &env;
        let data_dir = flag_or_setting(flags.data_dir.clone(), env, "NAP_DATA_DIR", parse::path)?
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = flag_or_setting(flags.database_url.clone(), env, "DATABASE_URL", database_url)?
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| embedded_database(&data_dir));
        let bind = flag_or_setting(flags.bind, env, "NAP_BIND", socket_address)?.unwrap_or(DEFAULT_BIND);
        let public_url = match setting(env, "NAP_PUBLIC_URL", PublicUrl::parse)? {
            Some(url) => url,
            None => PublicUrl::parse(&format!("http://{bind}")).map_err(|message| ConfigError {
                source_name: "NAP_BIND".to_owned(),
                message,
            })?,
        };
        let defaults = HttpSettings::default();
        let seconds = |variable, default: Duration, range| -> Result<Duration, ConfigError> {
            Ok(setting(env, variable, whole_number(range))?.map_or(default, Duration::from_secs))
        };
        let http = HttpSettings {
            request_timeout: seconds("NAP_REQUEST_TIMEOUT_SECONDS", defaults.request_timeout, 1..=300)?,
            max_body_bytes: setting(env, "NAP_MAX_BODY_BYTES", whole_number(1024..=16 * 1024 * 1024))?
                .unwrap_or(defaults.max_body_bytes),
            import_max_bytes: setting(env, "NAP_IMPORT_MAX_BYTES", whole_number(1024..=64 * 1024 * 1024))?
                .unwrap_or(defaults.import_max_bytes),
            cors_origins: setting(env, "NAP_CORS_ORIGINS", list(origin))?.unwrap_or_default(),
            cors_any_origin_anonymous: setting(env, "NAP_CORS_ANONYMOUS_ANY_ORIGIN", true_or_false)?
                .unwrap_or(defaults.cors_any_origin_anonymous),
            rate_per_token: setting(env, "NAP_RATE_LIMIT_PER_TOKEN", whole_number(1..=1_000_000_000))?
                .unwrap_or(defaults.rate_per_token),
            rate_per_address: setting(env, "NAP_RATE_LIMIT_PER_ADDRESS", whole_number(1..=1_000_000_000))?
                .unwrap_or(defaults.rate_per_address),
            trusted_proxies: setting(env, "NAP_TRUSTED_PROXIES", list(str::parse))?.unwrap_or_default(),
            response_cache_bytes: setting(
                env,
                "NAP_RESPONSE_CACHE_BYTES",
                whole_number(0..=4 * 1024 * 1024 * 1024),
            )?
            .unwrap_or(defaults.response_cache_bytes),
            read_model_bytes: setting(
                env,
                "NAP_READ_MODEL_BYTES",
                whole_number(0..=64 * 1024 * 1024 * 1024),
            )?
            .unwrap_or(defaults.read_model_bytes),
            max_connections: setting(env, "NAP_MAX_CONNECTIONS", whole_number(1..=1_000_000))?
                .unwrap_or(defaults.max_connections),
            idle_timeout: seconds("NAP_IDLE_TIMEOUT_SECONDS", defaults.idle_timeout, 1..=300)?,
            persisted_queries: persisted_query_settings(env)?,
            subscriptions: SubscriptionSettings {
                per_connection: setting(env, "NAP_SUBSCRIPTIONS_PER_CONNECTION", whole_number(1..=10_000))?
                    .unwrap_or(defaults.subscriptions.per_connection),
                connections_per_client: setting(env, "NAP_WEBSOCKETS_PER_CLIENT", whole_number(1..=100_000))?
                    .unwrap_or(defaults.subscriptions.connections_per_client),
                poll_interval: seconds(
                    "NAP_CHANGE_POLL_SECONDS",
                    defaults.subscriptions.poll_interval,
                    1..=300,
                )?,
            },
        };
        Ok(Self {
            database_url: DatabaseUrl(database_url),
            data_dir,
            bind,
            public_url,
            log_filter: flag_or_setting(flags.log.clone(), env, "NAP_LOG", log_filter)?
                .unwrap_or_else(|| DEFAULT_LOG.to_owned()),
            log_format: flag_or_setting(flags.log_format, env, "NAP_LOG_FORMAT", one_of)?.unwrap_or_default(),
            seed_on_start: flag_or_setting(flags.seed_on_start, env, "NAP_SEED_ON_START", one_of)?
                .unwrap_or_default(),
            jwt_private_key_file: setting(env, "NAP_JWT_PRIVATE_KEY_FILE", existing_file)?,
            jwt_public_key_files: setting(env, "NAP_JWT_PUBLIC_KEY_FILES", list(existing_file))?
                .unwrap_or_default(),
            jwt_issuer: setting(env, "NAP_JWT_ISSUER", one_word)?
                .unwrap_or_else(|| "nap-1325-registry".to_owned()),
            jwt_audience: setting(env, "NAP_JWT_AUDIENCE", one_word)?
                .unwrap_or_else(|| "nap-1325-registry".to_owned()),
            http,
            shutdown_grace: seconds("NAP_SHUTDOWN_GRACE_SECONDS", Duration::from_secs(20), 0..=600)?,
            webhooks: webhooks::webhook_settings(env)?,
            iati_max_file_bytes: setting(
                env,
                "NAP_IATI_MAX_FILE_BYTES",
                whole_number(1024..=16 * 1024 * 1024 * 1024),
            )?
            .unwrap_or(DEFAULT_IATI_MAX_FILE_BYTES),
        })
    }
}

/// `NAP_PERSISTED_QUERIES`, `NAP_PERSISTED_QUERIES_FILE` and `NAP_PERSISTED_QUERY_STORE_BYTES`;
/// `only` needs the manifest.
fn persisted_query_settings(env: Env<'_>) -> Result<persisted_queries::Settings, ConfigError> {
    use persisted_queries::{Manifest, Mode, Settings};
    let defaults = Settings::default();
    let mode =
        setting(env, "NAP_PERSISTED_QUERIES", |value| value.trim().parse::<Mode>())?.unwrap_or(defaults.mode);
    let manifest = setting(env, "NAP_PERSISTED_QUERIES_FILE", |path| {
        Manifest::read(Path::new(path.trim()))
    })?;
    if mode == Mode::Only && manifest.is_none() {
        return Err(ConfigError {
            source_name: "NAP_PERSISTED_QUERIES_FILE".to_owned(),
            message: "`NAP_PERSISTED_QUERIES=only` needs the manifest of registered documents".to_owned(),
        });
    }
    Ok(Settings {
        mode,
        store_bytes: setting(
            env,
            "NAP_PERSISTED_QUERY_STORE_BYTES",
            whole_number(0..=1024 * 1024 * 1024),
        )?
        .unwrap_or(defaults.store_bytes),
        manifest: manifest.unwrap_or_default(),
    })
}

/// The embedded database's URL in `data_dir`.
fn embedded_database(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("nap-registry.sqlite").display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(flags: &ConfigFlags, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::load(flags, |name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_run_the_embedded_registry() {
        let config = load(&ConfigFlags::default(), &[]).unwrap();
        assert!(config.database_url.is_sqlite());
        assert_eq!(
            config.database_url.expose(),
            "sqlite://data/nap-registry.sqlite?mode=rwc"
        );
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:8080");
        assert_eq!(config.log_filter, "info");
        assert_eq!(config.log_format, LogFormat::Text);
        assert_eq!(config.seed_on_start, SeedOnStart::IfEmpty);
    }

    #[test]
    fn flags_override_variables() {
        let flags = ConfigFlags {
            bind: Some("0.0.0.0:9000".parse().unwrap()),
            ..Default::default()
        };
        let config = load(&flags, &[("NAP_BIND", "127.0.0.1:1")]).unwrap();
        assert_eq!(config.bind.to_string(), "0.0.0.0:9000");
    }

    #[test]
    fn the_public_url_defaults_to_the_bind_address() {
        let config = load(&ConfigFlags::default(), &[("NAP_BIND", "127.0.0.1:9001")]).unwrap();
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:9001");
        let config = load(
            &ConfigFlags::default(),
            &[("NAP_PUBLIC_URL", "https://nap.example.org/")],
        )
        .unwrap();
        assert_eq!(config.public_url.as_str(), "https://nap.example.org");
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases = [
            ("NAP_BIND", "localhost"),
            ("NAP_PUBLIC_URL", "nap.example.org"),
            ("DATABASE_URL", "mysql://x"),
            ("NAP_LOG", "info,=[[["),
            ("NAP_LOG_FORMAT", "xml"),
            ("NAP_SEED_ON_START", "sometimes"),
            ("NAP_JWT_PRIVATE_KEY_FILE", "/nonexistent/key.pem"),
            ("NAP_JWT_PUBLIC_KEY_FILES", "/nonexistent/a.pem"),
            ("NAP_JWT_ISSUER", "two words"),
            ("NAP_REQUEST_TIMEOUT_SECONDS", "0"),
            ("NAP_MAX_BODY_BYTES", "lots"),
            ("NAP_CORS_ORIGINS", "partner.example.org"),
            ("NAP_SHUTDOWN_GRACE_SECONDS", "-1"),
            ("NAP_RATE_LIMIT_PER_TOKEN", "0"),
            ("NAP_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"),
            ("NAP_RESPONSE_CACHE_BYTES", "a lot"),
            ("NAP_MAX_CONNECTIONS", "0"),
            ("NAP_IDLE_TIMEOUT_SECONDS", "forever"),
            ("NAP_PERSISTED_QUERIES", "sometimes"),
            ("NAP_PERSISTED_QUERIES_FILE", "/nonexistent/manifest.json"),
            ("NAP_PERSISTED_QUERY_STORE_BYTES", "a lot"),
            ("NAP_IATI_MAX_FILE_BYTES", "12"),
        ];
        for (variable, value) in cases {
            let error = load(&ConfigFlags::default(), &[(variable, value)]).unwrap_err();
            assert_eq!(error.source_name, variable);
            assert!(
                error.to_string().starts_with(&format!("invalid {variable}:")),
                "{error}"
            );
        }
    }

    #[test]
    fn the_persisted_query_allow_list_needs_its_manifest() {
        let error = load(&ConfigFlags::default(), &[("NAP_PERSISTED_QUERIES", "only")]).unwrap_err();
        assert_eq!(error.source_name, "NAP_PERSISTED_QUERIES_FILE");
    }

    #[test]
    fn a_bad_flag_names_the_flag() {
        #[derive(clap::Parser, Debug)]
        struct Cli {
            #[command(flatten)]
            flags: ConfigFlags,
        }
        use clap::{CommandFactory, Parser};
        for args in [
            &["nap-registry", "--bind", "nowhere"][..],
            &["nap-registry", "--bind=nowhere"][..],
        ] {
            let error = Cli::try_parse_from(args).unwrap_err();
            let args: Vec<std::ffi::OsString> = args.iter().map(std::ffi::OsString::from).collect();
            let error = ConfigError::from_clap(&error, &Cli::command(), &args).expect("a value error");
            assert_eq!(error.source_name, "--bind");
            assert!(
                error
                    .to_string()
                    .starts_with("invalid --bind: `nowhere` is not a socket address"),
                "{error}"
            );
        }
        let error = Cli::try_parse_from(["nap-registry", "--no-such-flag"]).unwrap_err();
        assert!(ConfigError::from_clap(&error, &Cli::command(), &[]).is_none());
    }

    #[test]
    fn empty_values_mean_the_default() {
        let all: Vec<(&str, &str)> = [
            "DATABASE_URL",
            "NAP_DATA_DIR",
            "NAP_BIND",
            "NAP_LOG",
            "NAP_LOG_FORMAT",
            "NAP_SEED_ON_START",
            "NAP_CORS_ANONYMOUS_ANY_ORIGIN",
            "NAP_REQUEST_TIMEOUT_SECONDS",
        ]
        .into_iter()
        .map(|variable| (variable, ""))
        .collect();
        let config = load(&ConfigFlags::default(), &all).unwrap();
        assert_eq!(
            config.database_url.expose(),
            "sqlite://data/nap-registry.sqlite?mode=rwc"
        );
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.http, HttpSettings::default());
        // What clap hands the parsers for an empty variable of a setting with a flag.
        assert_eq!(socket_address("").unwrap(), DEFAULT_BIND);
        assert_eq!(log_filter("").unwrap(), DEFAULT_LOG);
        assert_eq!(one_of::<SeedOnStart>("").unwrap(), SeedOnStart::IfEmpty);
        assert_eq!(database_url("").unwrap(), "");
    }

    #[test]
    fn passwords_never_reach_debug_output() {
        let config = load(
            &ConfigFlags::default(),
            &[("DATABASE_URL", "postgres://app:s3cret@db:5432/nap")],
        )
        .unwrap();
        let printed = format!("{config:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("postgres://app:***@db:5432/nap"), "{printed}");
    }
}
