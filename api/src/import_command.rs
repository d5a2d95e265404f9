//! The operator's `import` command: `import iati FILE|-` creates or updates project links from an
//! IATI activity file, printing one JSON line per activity and a summary line.

use std::{
    fs::File,
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
};

use nap_registry::{
    config::Config,
    domain::{
        access::Actor,
        import::iati::{ImportOptions, Limits, check, import_activities},
    },
    error::ApiError,
};
use sea_orm::DatabaseConnection;

/// `import iati`: its files and flags.
#[derive(clap::Args, Debug)]
pub struct ImportIatiArgs {
    /// IATI 2.03 activity files, imported one after the other; `-` reads standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The organisation that owns the project links: registry code or org-id identifier. Left
    /// out, each activity's link belongs to the registry organisation its `<reporting-org ref>`
    /// names (an activity whose reporting organisation is not in the registry is refused).
    #[arg(long)]
    pub org: Option<String>,
    /// Report what the import would do without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

fn fail(error: ApiError) -> anyhow::Error {
    match error {
        ApiError::Database(cause) => anyhow::Error::new(cause).context("the database failed"),
        ApiError::Internal(cause) => anyhow::anyhow!("internal failure: {cause}"),
        other => anyhow::anyhow!("{}", other.message()),
    }
}

fn print_line(value: &impl serde::Serialize) {
    if let Ok(line) = serde_json::to_string(value) {
        // A closed standard output (e.g. `| head`) does not stop the import.
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }
}

/// Imports one source; `Ok(Some(message))` when the file could not be read (to its end).
async fn run(
    db: &DatabaseConnection,
    name: &str,
    source: impl BufRead,
    options: &ImportOptions,
) -> anyhow::Result<Option<String>> {
    let summary = import_activities(db, &Actor::CommandLine, source, options, |report| {
        print_line(report)
    })
    .await
    .map_err(fail)?;
    print_line(&serde_json::json!({ "file": name, "summary": summary }));
    tracing::info!(
        file = name,
        created = summary.created,
        updated = summary.updated,
        unchanged = summary.unchanged,
        skipped = summary.skipped,
        refused = summary.refused,
        dry_run = summary.dry_run,
        "IATI import done"
    );
    Ok(summary
        .file_error
        .map(|error| format!("{name}: {error}; the activities before the error were imported")))
}

/// Imports one file: a file named by path is first read whole to check it (well-formed, within
/// the limits), so a bad file changes nothing; standard input is read once, as it comes.
async fn import_file(
    db: &DatabaseConnection,
    path: &Path,
    options: &ImportOptions,
) -> anyhow::Result<Option<String>> {
    if path.as_os_str() == "-" {
        return run(db, "-", BufReader::new(std::io::stdin()), options).await;
    }
    let name = path.display().to_string();
    let limits = options.limits;
    let refused = |message: String| Ok(Some(format!("{name}: {message}; nothing was imported")));
    let open = || File::open(path);
    let size = match open().and_then(|file| file.metadata()) {
        Ok(metadata) => metadata.len(),
        Err(error) => return refused(format!("cannot read it: {error}")),
    };
    if size > limits.max_file_bytes {
        return refused(format!(
            "{size} bytes, over the limit of {} (NAP_IATI_MAX_FILE_BYTES)",
            limits.max_file_bytes
        ));
    }
    let checked = open()
        .map_err(|error| format!("cannot read it: {error}"))
        .and_then(|file| check(BufReader::new(file), limits).map_err(|error| error.message));
    if let Err(message) = checked {
        return refused(message);
    }
    run(db, &name, BufReader::new(open()?), options).await
}

/// Runs `import iati`: every file in turn, one JSON line per activity and a summary line per
/// file on standard output. A file that cannot be imported is reported (`{"file", "error"}`) and
/// the next one is read; the command then fails, naming how many.
pub async fn import_iati(
    db: &DatabaseConnection,
    config: &Config,
    args: ImportIatiArgs,
) -> anyhow::Result<()> {
    let options = ImportOptions {
        owner: args.org,
        dry_run: args.dry_run,
        limits: Limits::with_file_size(config.iati_max_file_bytes),
    };
    let mut failed = Vec::new();
    for path in &args.files {
        if let Some(error) = import_file(db, path, &options).await? {
            print_line(&serde_json::json!({ "file": path.display().to_string(), "error": error }));
            failed.push(error);
        }
    }
    match failed.as_slice() {
        [] => Ok(()),
        [one] => Err(anyhow::anyhow!("{one}")),
        many => Err(anyhow::anyhow!(
            "{} of {} files could not be imported; first: {}",
            many.len(),
            args.files.len(),
            many[0]
        )),
    }
}
