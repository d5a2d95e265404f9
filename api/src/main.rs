//! The `nap-registry` command: serve the API (the default), migrate, seed, or print the schema.
//! A failure ends it with one line on standard error, its causes included and never a backtrace.

mod command_line;
mod import_command;

use std::{process::ExitCode, sync::Arc, time::Duration};

use clap::{CommandFactory, Parser, Subcommand};
use migration::{Migrator, MigratorTrait};
use nap_registry::{
    AppState,
    auth::{KeyRing, TokenService},
    config::{Config, ConfigError, ConfigFlags, SeedOnStart},
    db, graphql, http,
    reference_data::{self, SyntheticSize},
    telemetry, webhooks,
};
use tokio::net::TcpListener;

/// Allocates with mimalloc: it keeps per-thread free lists, so the many short-lived allocations
/// of each request (documents, values, JSON) do not contend on glibc's arenas. It is built
/// without transparent huge pages (`no_thp`), which would count each partly used 2 MiB page whole.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long, in milliseconds, mimalloc keeps memory freed before giving it back to the system,
/// unless the environment says otherwise. Its own default (1,000) keeps the transient memory of a
/// second of large answers resident; 10 returns it between bursts (the medium benchmark's run ends
/// about 15 MB lower) without paying a page fault on every large answer, as 0 does.
const ALLOCATOR_PURGE_DELAY_MS: &str = "10";

/// mimalloc reads its settings from the environment once, as the process starts, before `main`.
/// When `MIMALLOC_PURGE_DELAY` is not set, the process runs itself again, in place (same process
/// id, arguments and descriptors), with [`ALLOCATOR_PURGE_DELAY_MS`]; returns if that fails,
/// and the process goes on with mimalloc's default.
fn apply_allocator_settings() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let Ok(executable) = std::env::current_exe() else {
        return;
    };
    let mut arguments = std::env::args_os();
    let name = arguments
        .next()
        .unwrap_or_else(|| executable.clone().into_os_string());
    let error = std::process::Command::new(&executable)
        .arg0(name)
        .args(arguments)
        .env("MIMALLOC_PURGE_DELAY", ALLOCATOR_PURGE_DELAY_MS)
        .exec();
    eprintln!("warning: cannot apply the allocator's settings ({error}); running with its defaults");
}

/// The NAP 1325 Registry: the canonical registry of Ukraine's National Action Plan for UNSCR 1325.
#[derive(Parser, Debug)]
#[command(name = "nap-registry", version, about)]
struct Cli {
    #[command(flatten)]
    config: ConfigFlags,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Migrate, load reference data into an empty registry, and serve the API (the default).
    Serve,
    /// Apply or roll back schema migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Load the canonical reference data (idempotent: a second run changes nothing).
    Seed {
        /// Also load a deterministic synthetic registry: small, medium, large or national (the scale
        /// of a whole country: 2 national plans, 1,470 local plans, 50,000 project links).
        #[arg(long, value_name = "SIZE")]
        synthetic: Option<SyntheticSize>,
    },
    /// Print the GraphQL schema (SDL) to standard output.
    PrintSchema {
        /// Print the Apollo Federation 2 subgraph SDL instead (what `_service { sdl }` answers).
        #[arg(long)]
        federation: bool,
    },
    /// Manage organisations as the operator.
    Org {
        #[command(subcommand)]
        action: OrgAction,
    },
    /// Issue, list and revoke API tokens as the operator.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Write a bulk export (the same file as `GET /export/<dataset>.<format>`).
    Export(command_line::ExportArgs),
    /// Import data prepared outside the registry.
    Import {
        #[command(subcommand)]
        action: ImportAction,
    },
}

#[derive(Subcommand, Debug)]
enum ImportAction {
    /// Import a plan from a spreadsheet (XLSX, or CSV files) as the operator: all or nothing.
    Plan(command_line::ImportPlanArgs),
    /// Create or update project links from an IATI 2.03 activity file (`-` reads standard input).
    Iati(import_command::ImportIatiArgs),
}

#[derive(Subcommand, Debug)]
enum OrgAction {
    /// Register an organisation.
    Create(command_line::NewOrganisationArgs),
}

#[derive(Subcommand, Debug)]
enum TokenAction {
    /// Issue a token and print it (it is shown only this once).
    Issue {
        /// The organisation: registry code or identifier.
        #[arg(long)]
        org: String,
        /// Scopes, comma-separated: registry:admin, plans:write, projects:write, indicators:report, tokens:manage, webhooks:manage.
        #[arg(long)]
        scopes: String,
        /// Lifetime: days (`90d`), weeks (`12w`) or years (`1y`), at most a year.
        #[arg(long, default_value = "90d")]
        ttl: String,
        /// What the token is for.
        #[arg(long)]
        label: String,
    },
    /// List tokens (never their strings).
    List {
        /// Only this organisation's (code or identifier).
        #[arg(long)]
        org: Option<String>,
    },
    /// Revoke a token by its id (the `jti`).
    Revoke {
        /// The token id.
        jti: uuid::Uuid,
    },
}

#[derive(Subcommand, Debug)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the most recent migrations.
    Down {
        /// How many to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
        /// Roll back every migration (drops all tables and data).
        #[arg(long, conflicts_with = "steps")]
        all: bool,
    },
    /// Show which migrations are applied and which are pending.
    Status,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let args: Vec<_> = std::env::args_os().collect();
            match ConfigError::from_clap(&error, &Cli::command(), &args) {
                Some(bad_setting) => return failed(&bad_setting.into()),
                None => error.exit(),
            }
        }
    };
    // Only the server runs long enough for the allocator's settings to matter.
    if matches!(cli.command, None | Some(Command::Serve)) {
        apply_allocator_settings();
    }
    run_command_line(cli)
}

#[tokio::main]
async fn run_command_line(cli: Cli) -> ExitCode {
    let allocator = match std::env::var("MIMALLOC_PURGE_DELAY") {
        Ok(delay) => format!("mimalloc, purge delay {delay} ms"),
        Err(_) => "mimalloc".to_owned(),
    };
    nap_registry::metrics::set_allocator(allocator.leak());
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => failed(&error),
    }
}

/// Reports `error` as one line with its causes (`anyhow`'s `Debug` would add a backtrace under
/// `RUST_BACKTRACE`), and the failure exit status. A cause whose text its error already quotes
/// (database errors do) is not repeated.
fn failed(error: &anyhow::Error) -> ExitCode {
    let mut line = error.to_string();
    for cause in error.chain().skip(1).map(ToString::to_string) {
        if !line.contains(&cause) {
            line = format!("{line}: {cause}");
        }
    }
    eprintln!("error: {line}");
    ExitCode::FAILURE
}

/// Runs the command `cli` names.
async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::PrintSchema { federation }) = cli.command {
        let schema = graphql::schema_builder().finish();
        let sdl = if federation {
            graphql::description::subgraph_sdl(&schema)
        } else {
            graphql::sdl(&schema)
        };
        #[expect(clippy::print_stdout, reason = "printing the schema is this command's output")]
        {
            print!("{sdl}");
        }
        return Ok(());
    }
    let config = Config::from_env(&cli.config)?;
    telemetry::init(&config.log_filter, config.log_format)?;
    let db = db::connect(&config.database_url).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&config, db).await,
        Command::Migrate { action } => {
            match action {
                MigrateAction::Up => db::migrate_up(&db).await?,
                MigrateAction::Down { all: true, .. } => Migrator::down(&db, None).await?,
                MigrateAction::Down { steps, .. } => Migrator::down(&db, Some(steps)).await?,
                MigrateAction::Status => Migrator::status(&db).await?,
            }
            Ok(())
        }
        Command::Seed { synthetic } => {
            db::migrate_up(&db).await?;
            let report = match synthetic {
                Some(size) => reference_data::load_synthetic(&db, size).await?,
                None => reference_data::load_canonical(&db).await?,
            };
            tracing::info!("reference data loaded\n{report}");
            Ok(())
        }
        Command::PrintSchema { .. } => Ok(()),
        Command::Org { action } => command_line::org(&db, action).await,
        Command::Token { action } => command_line::token(&db, &*token_service(&config)?, action).await,
        Command::Export(args) => command_line::export(&db, args).await,
        Command::Import {
            action: ImportAction::Plan(args),
        } => command_line::import_plan(&db, config.http.import_max_bytes, args).await,
        Command::Import {
            action: ImportAction::Iati(args),
        } => {
            db::migrate_up(&db).await?;
            import_command::import_iati(&db, &config, args).await
        }
    }
}

/// Loads the signing keys (generating them on first use) into the token service.
fn token_service(config: &Config) -> anyhow::Result<Arc<TokenService>> {
    let (keys, generated) = KeyRing::load(
        config.jwt_private_key_file.as_deref(),
        &config.jwt_public_key_files,
        &config.data_dir,
    )?;
    if let Some(path) = generated {
        tracing::info!(
            kid = %keys.signing_kid,
            "generated a new token signing key at {}: keep it (tokens are valid only while it is), or set NAP_JWT_PRIVATE_KEY_FILE",
            path.display()
        );
    }
    Ok(Arc::new(TokenService::new(
        keys,
        config.jwt_issuer.clone(),
        config.jwt_audience.clone(),
    )))
}

async fn serve(config: &Config, db: sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    tracing::info!(database = %config.database_url.redacted(), "applying migrations");
    db::migrate_up(&db).await?;
    let load = match config.seed_on_start {
        SeedOnStart::Always => true,
        SeedOnStart::IfEmpty => reference_data::registry_is_empty(&db).await?,
        SeedOnStart::Never => false,
    };
    if load {
        let report = reference_data::load_canonical(&db).await?;
        tracing::info!("canonical reference data loaded\n{report}");
    }
    // Keys first: a bad key file stops start-up before the service says it is serving.
    let tokens = token_service(config)?;
    // The webhook worker shares the hub with the API, so every commit here wakes it, and follows
    // the change notifier, so a commit on another instance does too.
    let hub = webhooks::Hub::new(config.webhooks.clone());
    let state = AppState::new(db.clone(), tokens)
        .with_http(config.http.clone())
        .with_public_url(config.public_url.clone())
        .with_webhooks(hub.clone());
    // The read model is built before the service says it is serving, then follows every change.
    let building = std::time::Instant::now();
    state
        .read_model
        .warm()
        .await
        .map_err(|error| anyhow::anyhow!("cannot read the registry into memory: {error:?}"))?;
    if let Some(snapshot) = state.read_model.current() {
        tracing::info!(
            sequence = snapshot.sequence,
            bytes = snapshot.bytes,
            elapsed_ms = building.elapsed().as_millis(),
            "read model built"
        );
    }
    Arc::clone(&state.read_model).follow(state.change_notifier.subscribe());
    let (stop_webhooks, webhooks_stopped) = tokio::sync::watch::channel(false);
    let worker = webhooks::spawn(
        db,
        hub,
        config.public_url.clone(),
        Some(state.change_notifier.subscribe()),
        webhooks_stopped,
    )?;
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|error| anyhow::anyhow!("cannot bind NAP_BIND={}: {error}", config.bind))?;
    tracing::info!(
        "serving on http://{addr}/graphql (GraphiQL at http://{addr}/graphiql)",
        addr = listener.local_addr()?
    );
    let routers = http::routers(state);
    let limits = http::server::ConnectionLimits {
        max_connections: config.http.max_connections,
        idle_timeout: config.http.idle_timeout,
    };
    // On SIGTERM or Ctrl-C: stop accepting, let in-flight requests finish, but never wait longer
    // than the grace period.
    let stopping = Arc::new(tokio::sync::Notify::new());
    let signal = Arc::clone(&stopping);
    let server = http::server::serve(listener, routers.app, routers.reserve, limits, async move {
        shutdown_signal().await;
        // `notify_one` keeps the notice even if the grace timer is not waiting yet.
        signal.notify_one();
    });
    let grace = config.shutdown_grace;
    let deadline = async {
        stopping.notified().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        () = server => {},
        () = deadline => tracing::warn!(?grace, "grace period over; stopping with requests still in flight"),
    }
    // The delivery under way finishes (or times out); an undelivered change stays in the outbox.
    let _ = stop_webhooks.send(true);
    if tokio::time::timeout(config.webhooks.timeout + Duration::from_secs(5), worker)
        .await
        .is_err()
    {
        tracing::warn!("webhook delivery did not stop in time");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}
