//! The operator's `org`, `token`, `export` and `import plan` commands. The command line is trusted with everything (it
//! runs with the server's database credentials); its writes are audited as `cli`.

use std::collections::BTreeSet;

use entity::{api_token, enums::OrganisationKind, organisation};
use nap_registry::{
    auth::TokenService,
    domain::{
        access::{Actor, Scope, parse_scopes},
        audit::WriteTransaction,
        bilingual::Bilingual,
        write::{self, organisations::NewOrganisation, tokens::record_token},
    },
    error::ApiError,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{OrgAction, TokenAction};

/// What the operator is told of a failure: the client's message, or, for a failure of the
/// database or of the service itself, its cause (the operator runs the database).
fn fail(error: ApiError) -> anyhow::Error {
    match error {
        ApiError::Database(cause) => anyhow::Error::new(cause).context("the database failed"),
        ApiError::Internal(cause) => anyhow::anyhow!("internal failure: {cause}"),
        other => anyhow::anyhow!("{}", other.message()),
    }
}

/// `org create`: the organisation to register.
#[derive(clap::Args, Debug)]
pub struct NewOrganisationArgs {
    /// Registry code, e.g. `ua-womens-fund`.
    #[arg(long)]
    code: String,
    /// Kind, e.g. CIVIL_SOCIETY, DONOR, CENTRAL_AUTHORITY.
    #[arg(long)]
    kind: String,
    /// Ukrainian name.
    #[arg(long)]
    name_uk: Option<String>,
    /// English name.
    #[arg(long)]
    name_en: Option<String>,
    /// Org-id identifier, e.g. UA-EDR-12345678 (repeatable).
    #[arg(long = "identifier")]
    identifiers: Vec<String>,
    /// ISO 3166-2 code of the region it serves.
    #[arg(long)]
    region: Option<String>,
}

/// Runs an `org` command.
pub async fn org(db: &DatabaseConnection, action: OrgAction) -> anyhow::Result<()> {
    match action {
        OrgAction::Create(args) => {
            let kind = &args.kind;
            let kind: OrganisationKind = serde_json::from_value(serde_json::Value::String(kind.clone()))
                .map_err(|_| {
                    anyhow::anyhow!("--kind: `{kind}` is not an organisation kind such as CIVIL_SOCIETY")
                })?;
            let new = NewOrganisation {
                code: args.code,
                kind,
                name: Bilingual::new(args.name_uk, args.name_en),
                identifiers: args.identifiers,
                region: args.region,
            };
            let mut write = WriteTransaction::begin(db, &Actor::CommandLine)
                .await
                .map_err(fail)?;
            let created = write::organisations::create_organisation(&mut write, new)
                .await
                .map_err(fail)?;
            write.commit().await.map_err(fail)?;
            tracing::info!(code = %created.code, id = %created.id, "organisation created");
            Ok(())
        }
    }
}

/// Parses `90d`, `12w` or `1y` into days.
fn ttl_days(text: &str) -> anyhow::Result<i64> {
    let invalid = || anyhow::anyhow!("--ttl: `{text}` is not a lifetime such as 90d, 12w or 1y");
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let number: i64 = number.parse().map_err(|_| invalid())?;
    match unit {
        "d" => Ok(number),
        "w" => Ok(number * 7),
        "y" => Ok(number * 365),
        _ => Err(invalid()),
    }
}

/// Runs a `token` command.
pub async fn token(
    db: &DatabaseConnection,
    tokens: &TokenService,
    action: TokenAction,
) -> anyhow::Result<()> {
    match action {
        TokenAction::Issue {
            org,
            scopes,
            ttl,
            label,
        } => {
            let scopes: BTreeSet<Scope> =
                parse_scopes(&scopes).map_err(|e| anyhow::anyhow!("--scopes: {e}"))?;
            let days = ttl_days(&ttl)?;
            let mut write = WriteTransaction::begin(db, &Actor::CommandLine)
                .await
                .map_err(fail)?;
            let organisation = write::organisation_by_key(&write.txn, "--org", &org)
                .await
                .map_err(fail)?;
            let record = record_token(&mut write, organisation.id, &scopes, days, &label)
                .await
                .map_err(fail)?;
            let token = tokens
                .sign(
                    record.id,
                    organisation.id,
                    &scopes,
                    record.created_at,
                    record.expires_at,
                )
                .map_err(fail)?;
            write.commit().await.map_err(fail)?;
            tracing::info!(jti = %record.id, organisation = %organisation.code, expires = %record.expires_at, "token issued; it is printed once on standard output");
            #[expect(clippy::print_stdout, reason = "the token string is this command's output")]
            {
                println!("{token}");
            }
            Ok(())
        }
        TokenAction::List { org } => {
            let mut query = api_token::Entity::find().order_by_asc(api_token::Column::CreatedAt);
            if let Some(key) = org {
                let organisation = write::organisation_by_key(db, "--org", &key)
                    .await
                    .map_err(fail)?;
                query = query.filter(api_token::Column::OrganisationId.eq(organisation.id));
            }
            let rows = query.all(db).await?;
            let organisations = organisation::Entity::find().all(db).await?;
            #[expect(clippy::print_stdout, reason = "the list is this command's output")]
            for row in rows {
                let code = organisations
                    .iter()
                    .find(|o| o.id == row.organisation_id)
                    .map_or("?", |o| o.code.as_str());
                let state = match (row.revoked_at, row.expires_at < chrono::Utc::now()) {
                    (Some(at), _) => format!("revoked {at}"),
                    (None, true) => "expired".to_owned(),
                    (None, false) => "active".to_owned(),
                };
                let last = row
                    .last_used_at
                    .map_or_else(|| "never".to_owned(), |at| at.to_string());
                println!(
                    "{}\t{code}\t{}\t{}\texpires {}\t{state}\tlast used {last}",
                    row.id, row.scopes, row.label, row.expires_at
                );
            }
            Ok(())
        }
        TokenAction::Revoke { jti } => {
            let mut write = WriteTransaction::begin(db, &Actor::CommandLine)
                .await
                .map_err(fail)?;
            let revoked = write::tokens::revoke_token(&mut write, jti).await.map_err(fail)?;
            write.commit().await.map_err(fail)?;
            tracing::info!(jti = %revoked.id, "token revoked");
            Ok(())
        }
    }
}

/// The arguments of `nap-registry export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// plan-items, indicator-values, project-links, coverage or organisations.
    dataset: String,
    /// csv, json or jsonl.
    #[arg(long, default_value = "csv")]
    format: String,
    /// The file to write.
    #[arg(long)]
    out: std::path::PathBuf,
    /// Only this plan (code).
    #[arg(long)]
    plan: Option<String>,
    /// Only this region (ISO 3166-2:UA code).
    #[arg(long)]
    region: Option<String>,
    /// Only projects of this funder (code or identifier).
    #[arg(long)]
    funder: Option<String>,
    /// Only this plan item (canonical code) and the items below it.
    #[arg(long)]
    item: Option<String>,
    /// Language of the label columns: uk or en.
    #[arg(long, default_value = "uk")]
    lang: String,
    /// Also export withdrawn rows.
    #[arg(long)]
    include_withdrawn: bool,
    /// Start a CSV with a UTF-8 byte order mark (for spreadsheet programs).
    #[arg(long)]
    bom: bool,
}

/// Runs `export`: streams the export into the file, writing each piece as it comes.
pub async fn export(db: &DatabaseConnection, args: ExportArgs) -> anyhow::Result<()> {
    use std::io::Write;

    use nap_registry::export::{Dataset, ExportFilter, ExportRequest, Format, Lang};
    let dataset = Dataset::from_name(&args.dataset).ok_or_else(|| {
        anyhow::anyhow!(
            "`{}` is not a dataset (there are: {})",
            args.dataset,
            Dataset::ALL.map(Dataset::name).join(", ")
        )
    })?;
    let format = Format::from_extension(&args.format)
        .ok_or_else(|| anyhow::anyhow!("--format: `{}` is not csv, json or jsonl", args.format))?;
    let request = ExportRequest {
        dataset,
        format,
        filter: ExportFilter {
            plan: args.plan,
            region: args.region,
            funder: args.funder,
            item: args.item,
            lang: Lang::parse("--lang", &args.lang).map_err(fail)?,
            include_withdrawn: args.include_withdrawn,
        },
        bom: args.bom,
    };
    request
        .filter
        .check(dataset)
        .map_err(|e| anyhow::anyhow!("--{}", e.message()))?;
    let file = std::fs::File::create(&args.out)
        .map_err(|e| anyhow::anyhow!("--out: cannot create {}: {e}", args.out.display()))?;
    let mut file = std::io::BufWriter::new(file);
    let mut pieces = nap_registry::export::spawn(db.clone(), request);
    while let Some(piece) = pieces.recv().await {
        file.write_all(&piece.map_err(|e| anyhow::anyhow!("export failed: {e}"))?)?;
    }
    file.flush()?;
    tracing::info!(dataset = dataset.name(), file = %args.out.display(), "export written");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ttl_days;

    #[test]
    fn lifetimes() {
        assert_eq!(ttl_days("90d").unwrap(), 90);
        assert_eq!(ttl_days("2w").unwrap(), 14);
        assert_eq!(ttl_days("1y").unwrap(), 365);
        assert!(ttl_days("90").is_err() && ttl_days("d").is_err() && ttl_days("3m").is_err());
    }
}

/// The arguments of `nap-registry import plan`.
#[derive(clap::Args, Debug)]
pub struct ImportPlanArgs {
    /// The workbook (`.xlsx`), or the CSV files (`…items.csv`, and optionally `…plan.csv` and
    /// `…indicators.csv`).
    #[arg(required = true)]
    files: Vec<std::path::PathBuf>,
    /// The plan's code, e.g. `UA-46-RAP-2023-2025` (created from the `plan` sheet if missing).
    #[arg(long)]
    plan: String,
    /// Only report what would change; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Withdraw the plan's items and indicators the file does not list.
    #[arg(long)]
    withdraw_missing: bool,
    /// Language of the problem messages: uk or en.
    #[arg(long, default_value = "en")]
    lang: String,
}

/// Runs `import plan` as the operator: migrates and, on an empty registry, loads the reference
/// data first (as `serve` does), then imports and prints the report. Any problem fails the
/// command, and then nothing is changed.
pub async fn import_plan(
    db: &DatabaseConnection,
    max_bytes: usize,
    args: ImportPlanArgs,
) -> anyhow::Result<()> {
    use std::io::Read as _;

    use nap_registry::domain::import::plan::{self as plan_import, ImportFile, PlanImport};

    let ukrainian = match args.lang.as_str() {
        "uk" => true,
        "en" => false,
        other => anyhow::bail!("--lang: `{other}` is not uk or en"),
    };
    nap_registry::db::migrate_up(db).await?;
    if nap_registry::reference_data::registry_is_empty(db).await? {
        let report = nap_registry::reference_data::load_canonical(db).await?;
        tracing::info!("reference data loaded into the empty registry\n{report}");
    }
    let mut files = Vec::new();
    for path in &args.files {
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| {
                file.take(u64::try_from(max_bytes).unwrap_or(u64::MAX) + 1)
                    .read_to_end(&mut bytes)
            })
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        files.push(ImportFile { name, bytes });
    }
    let request = PlanImport {
        plan: args.plan,
        files,
        dry_run: args.dry_run,
        withdraw_missing: args.withdraw_missing,
        max_bytes,
    };
    let report = plan_import::import_plan(db, &Actor::CommandLine, request)
        .await
        .map_err(fail)?;
    #[expect(clippy::print_stdout, reason = "the report is this command's output")]
    {
        print!("{}", report.to_text(ukrainian));
    }
    if report.problems.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "the import was refused ({} problems); nothing was changed",
            report.problems.len()
        )
    }
}
