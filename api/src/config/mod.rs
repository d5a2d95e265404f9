//! The service's configuration: one typed `Config`, read once at start-up from command-line flags
//! and environment variables (a flag wins over its variable), with defaults that run the embedded
//! SQLite registry out of the box. A bad value stops start-up with an error naming the variable.
//! Every variable is documented in `.env.example` and the README.

pub mod address_range;

use std::{fmt, net::SocketAddr, path::PathBuf, str::FromStr};

pub use address_range::AddressRange;

/// Values given on the command line; each overrides the environment variable named beside it.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct ConfigFlags {
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user@host/db` [env: DATABASE_URL]
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Directory for the embedded database and generated keys [env: NAP_DATA_DIR] [default: ./data]
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Log filter, e.g. `info` or `nap_registry=debug,sqlx=warn` [env: NAP_LOG] [default: info]
    #[arg(long, global = true)]
    pub log: Option<String>,
    /// Log format: `text` or `json` [env: NAP_LOG_FORMAT] [default: text]
    #[arg(long, global = true)]
    pub log_format: Option<String>,
    /// Address to serve on [env: NAP_BIND] [default: 127.0.0.1:8080]
    #[arg(long, global = true)]
    pub bind: Option<String>,
    /// When `serve` loads the canonical reference data: `if-empty`, `always` or `never`
    /// [env: NAP_SEED_ON_START] [default: if-empty]
    #[arg(long, global = true)]
    pub seed_on_start: Option<String>,
}

/// The configuration the service runs with.
#[derive(Clone)]
pub struct Config {
    /// Where the registry's data lives.
    pub database_url: DatabaseUrl,
    /// Directory for the embedded database and generated files.
    pub data_dir: PathBuf,
    /// Address the HTTP server binds to.
    pub bind: SocketAddr,
    /// The base of every URI the service writes (`NAP_PUBLIC_URL`; default `http://<bind>`).
    pub public_url: crate::linked_data::PublicUrl,
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
    pub shutdown_grace: std::time::Duration,
}

/// Limits and cross-origin rules of the HTTP endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// Longest a request may take before it is answered 408.
    pub request_timeout: std::time::Duration,
    /// Largest request body accepted; larger ones are answered 413.
    pub max_body_bytes: usize,
    /// Origins allowed to call the API from a browser (CORS); empty allows none.
    pub cors_origins: Vec<String>,
    /// Whether any origin may make anonymous requests from a browser (no `Authorization`);
    /// requests with a token are still allowed only from `cors_origins`.
    pub cors_any_origin_anonymous: bool,
    /// GraphQL requests per minute per organisation token.
    pub rate_per_token: u32,
    /// GraphQL requests per minute per client address without a token.
    pub rate_per_address: u32,
    /// Proxies whose `X-Forwarded-For` names the client address (empty: the TCP peer counts).
    pub trusted_proxies: Vec<AddressRange>,
    /// Most bytes of serialized responses kept in the response cache (0 turns it off).
    pub response_cache_bytes: usize,
    /// Most client connections served at once; over it, only health checks are answered (from a
    /// small reserve of further connections) and other connections are closed.
    pub max_connections: usize,
    /// Longest a connection may take to send a complete request head, whether it is new or idle
    /// after an answer; then it is closed.
    pub idle_timeout: std::time::Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            request_timeout: std::time::Duration::from_secs(10),
            max_body_bytes: 256 * 1024,
            cors_origins: Vec::new(),
            cors_any_origin_anonymous: false,
            rate_per_token: 6_000,
            rate_per_address: 600,
            trusted_proxies: Vec::new(),
            response_cache_bytes: 16 * 1024 * 1024,
            max_connections: 512,
            idle_timeout: std::time::Duration::from_secs(10),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_url)
            .field("data_dir", &self.data_dir)
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("log_filter", &self.log_filter)
            .field("log_format", &self.log_format)
            .field("seed_on_start", &self.seed_on_start)
            .field("jwt_private_key_file", &self.jwt_private_key_file)
            .field("jwt_public_key_files", &self.jwt_public_key_files)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("http", &self.http)
            .field("shutdown_grace", &self.shutdown_grace)
            .finish()
    }
}

/// A configuration value that could not be used; the message names the variable or flag.
#[derive(Debug, thiserror::Error)]
#[error("invalid {source_name}: {message}")]
pub struct ConfigError {
    /// The variable (or flag) the value came from, e.g. `NAP_BIND` or `--bind`.
    pub source_name: String,
    /// What is wrong with it.
    pub message: String,
}

/// The database the registry runs on, with a `Debug` that hides any password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL as given, password included: pass it to the driver, never to a log.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether this is the embedded SQLite backend.
    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }

    /// The URL with any password replaced by `***`, safe to log.
    pub fn redacted(&self) -> String {
        match (self.0.find("://"), self.0.find('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let credentials = &self.0[scheme_end + 3..at];
                match credentials.find(':') {
                    Some(colon) => format!(
                        "{}{}:***{}",
                        &self.0[..scheme_end + 3],
                        &credentials[..colon],
                        &self.0[at..]
                    ),
                    None => self.0.clone(),
                }
            }
            _ => self.0.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.redacted())
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// When `serve` loads the canonical reference data before it starts answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOnStart {
    /// Only into a registry that has no reference data yet (the default: edits are never undone).
    IfEmpty,
    /// On every start, bringing reference data up to the version shipped with the binary.
    Always,
    /// Never; run `nap-registry seed` yourself.
    Never,
}

impl FromStr for SeedOnStart {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "if-empty" => Ok(Self::IfEmpty),
            "always" => Ok(Self::Always),
            "never" => Ok(Self::Never),
            _ => Err(format!("`{value}` is not one of if-empty, always, never")),
        }
    }
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            _ => Err(format!("`{value}` is not one of text, json")),
        }
    }
}

impl Config {
    /// Reads the configuration from the process environment and the given flags.
    pub fn from_env(flags: &ConfigFlags) -> Result<Self, ConfigError> {
        Self::load(flags, |name| std::env::var(name).ok())
    }

    /// Reads the configuration from `flags`, then `env`, then the defaults.
    pub fn load(flags: &ConfigFlags, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let pick = |flag: &Option<String>, flag_name: &str, variable: &str| -> Option<(String, String)> {
            match flag {
                Some(value) => Some((value.clone(), flag_name.to_owned())),
                None => env(variable)
                    .filter(|v| !v.is_empty())
                    .map(|v| (v, variable.to_owned())),
            }
        };
        let invalid = |source_name: String, message: String| ConfigError { source_name, message };

        let data_dir = match (&flags.data_dir, env("NAP_DATA_DIR").filter(|v| !v.is_empty())) {
            (Some(dir), _) => dir.clone(),
            (None, Some(dir)) => PathBuf::from(dir),
            (None, None) => PathBuf::from("data"),
        };

        let database_url = match pick(&flags.database_url, "--database-url", "DATABASE_URL") {
            Some((url, source)) => {
                let supported = ["sqlite:", "postgres://", "postgresql://"];
                if !supported.iter().any(|scheme| url.starts_with(scheme)) {
                    return Err(invalid(
                        source,
                        "must start with sqlite:, postgres:// or postgresql://".to_owned(),
                    ));
                }
                DatabaseUrl(url)
            }
            None => DatabaseUrl(format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("nap-registry.sqlite").display()
            )),
        };

        let bind = match pick(&flags.bind, "--bind", "NAP_BIND") {
            Some((value, source)) => value.parse::<SocketAddr>().map_err(|error| {
                invalid(
                    source,
                    format!("`{value}` is not a socket address such as 127.0.0.1:8080 ({error})"),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };

        let public_url = match env("NAP_PUBLIC_URL").filter(|v| !v.is_empty()) {
            Some(value) => crate::linked_data::PublicUrl::parse(&value)
                .map_err(|message| invalid("NAP_PUBLIC_URL".to_owned(), message))?,
            None => crate::linked_data::PublicUrl::parse(&format!("http://{bind}"))
                .map_err(|message| invalid("NAP_BIND".to_owned(), message))?,
        };

        let log_filter = match pick(&flags.log, "--log", "NAP_LOG") {
            Some((value, source)) => {
                tracing_subscriber::EnvFilter::try_new(&value)
                    .map_err(|error| invalid(source, format!("`{value}` is not a log filter ({error})")))?;
                value
            }
            None => "info".to_owned(),
        };

        let log_format = match pick(&flags.log_format, "--log-format", "NAP_LOG_FORMAT") {
            Some((value, source)) => value.parse().map_err(|message| invalid(source, message))?,
            None => LogFormat::Text,
        };

        let seed_on_start = match pick(&flags.seed_on_start, "--seed-on-start", "NAP_SEED_ON_START") {
            Some((value, source)) => value.parse().map_err(|message| invalid(source, message))?,
            None => SeedOnStart::IfEmpty,
        };

        let jwt_private_key_file = env("NAP_JWT_PRIVATE_KEY_FILE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        if let Some(path) = &jwt_private_key_file
            && !path.is_file()
        {
            return Err(invalid(
                "NAP_JWT_PRIVATE_KEY_FILE".to_owned(),
                format!("{} is not a file", path.display()),
            ));
        }
        let jwt_public_key_files: Vec<PathBuf> = env("NAP_JWT_PUBLIC_KEY_FILES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect();
        if let Some(missing) = jwt_public_key_files.iter().find(|p| !p.is_file()) {
            return Err(invalid(
                "NAP_JWT_PUBLIC_KEY_FILES".to_owned(),
                format!("{} is not a file", missing.display()),
            ));
        }
        let name = |variable: &str, default: &str| -> Result<String, ConfigError> {
            let value = env(variable)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned());
            if value.chars().any(char::is_whitespace) || value.len() > 200 {
                return Err(invalid(
                    variable.to_owned(),
                    format!("`{value}` must be one word of at most 200 characters"),
                ));
            }
            Ok(value)
        };
        let jwt_issuer = name("NAP_JWT_ISSUER", "nap-1325-registry")?;
        let jwt_audience = name("NAP_JWT_AUDIENCE", "nap-1325-registry")?;

        let number = |variable: &str,
                      default: u64,
                      range: std::ops::RangeInclusive<u64>|
         -> Result<u64, ConfigError> {
            match env(variable).filter(|v| !v.is_empty()) {
                None => Ok(default),
                Some(value) => value
                    .parse::<u64>()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| {
                        invalid(
                            variable.to_owned(),
                            format!(
                                "`{value}` is not a whole number from {} to {}",
                                range.start(),
                                range.end()
                            ),
                        )
                    }),
            }
        };
        let defaults = HttpSettings::default();
        let cors_origins: Vec<String> = env("NAP_CORS_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(bad) = cors_origins.iter().find(|o| {
            !(o.starts_with("https://") || o.starts_with("http://"))
                || o.ends_with('/')
                || o.contains(char::is_whitespace)
        }) {
            return Err(invalid(
                "NAP_CORS_ORIGINS".to_owned(),
                format!("`{bad}` is not an origin such as https://partner.example.org"),
            ));
        }
        let cors_any_origin_anonymous = match env("NAP_CORS_ANONYMOUS_ANY_ORIGIN").as_deref() {
            None | Some("" | "false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(invalid(
                    "NAP_CORS_ANONYMOUS_ANY_ORIGIN".to_owned(),
                    format!("`{other}` is neither `true` nor `false`"),
                ));
            }
        };
        let trusted_proxies = env("NAP_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|range| !range.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<_>, String>>()
            .map_err(|message| invalid("NAP_TRUSTED_PROXIES".to_owned(), message))?;
        let http = HttpSettings {
            request_timeout: std::time::Duration::from_secs(number(
                "NAP_REQUEST_TIMEOUT_SECONDS",
                defaults.request_timeout.as_secs(),
                1..=300,
            )?),
            max_body_bytes: usize::try_from(number(
                "NAP_MAX_BODY_BYTES",
                defaults.max_body_bytes as u64,
                1024..=16 * 1024 * 1024,
            )?)
            .unwrap_or(defaults.max_body_bytes),
            cors_origins,
            cors_any_origin_anonymous,
            rate_per_token: u32::try_from(number(
                "NAP_RATE_LIMIT_PER_TOKEN",
                u64::from(defaults.rate_per_token),
                1..=1_000_000,
            )?)
            .unwrap_or(defaults.rate_per_token),
            rate_per_address: u32::try_from(number(
                "NAP_RATE_LIMIT_PER_ADDRESS",
                u64::from(defaults.rate_per_address),
                1..=1_000_000,
            )?)
            .unwrap_or(defaults.rate_per_address),
            trusted_proxies,
            response_cache_bytes: usize::try_from(number(
                "NAP_RESPONSE_CACHE_BYTES",
                defaults.response_cache_bytes as u64,
                0..=4 * 1024 * 1024 * 1024,
            )?)
            .unwrap_or(defaults.response_cache_bytes),
            max_connections: usize::try_from(number(
                "NAP_MAX_CONNECTIONS",
                defaults.max_connections as u64,
                1..=1_000_000,
            )?)
            .unwrap_or(defaults.max_connections),
            idle_timeout: std::time::Duration::from_secs(number(
                "NAP_IDLE_TIMEOUT_SECONDS",
                defaults.idle_timeout.as_secs(),
                1..=300,
            )?),
        };

        Ok(Self {
            database_url,
            data_dir,
            bind,
            public_url,
            log_filter,
            log_format,
            seed_on_start,
            jwt_private_key_file,
            jwt_public_key_files,
            jwt_issuer,
            jwt_audience,
            http,
            shutdown_grace: std::time::Duration::from_secs(number(
                "NAP_SHUTDOWN_GRACE_SECONDS",
                20,
                0..=600,
            )?),
        })
    }
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
            bind: Some("0.0.0.0:9000".into()),
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
    fn a_bad_flag_names_the_flag() {
        let flags = ConfigFlags {
            bind: Some("nowhere".into()),
            ..Default::default()
        };
        assert_eq!(load(&flags, &[]).unwrap_err().source_name, "--bind");
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
