//! `nap-registry import iati`: the standard's own pass and fail test activities, the shipped
//! example file (valid against the IATI 2.03 schema, loaded with one command, a dry run first) and
//! idempotency by IATI identifier and `last-updated-datetime`; with the helpers the submodules
//! share: every class of refusal (`refusals`), the 10,000-activity file in flat memory
//! (`memory`), and the `importIati` mutation (`mutation`).

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::common::{dump, server::Registry};

mod memory;
mod mutation;
mod owner;
mod refusals;

const VOCABULARY: &str = "https://registry.example.org/vocabulary/UA-NAP-2021-2025";

/// What one `import iati` run printed: a report per activity, and a summary (or an error) per
/// file.
struct Run {
    output: Output,
    reports: Vec<Value>,
    files: Vec<Value>,
    summary: Value,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn report(&self, identifier: &str) -> &Value {
        self.reports
            .iter()
            .find(|r| r["iatiIdentifier"] == identifier)
            .unwrap_or_else(|| panic!("no report of {identifier}: {:?}", self.reports))
    }
}

/// The import's helpers on the shared registry (seeded with the canonical reference data).
impl Registry {
    fn write(&self, name: &str, xml: &str) -> PathBuf {
        let path = self.directory.join(name);
        std::fs::write(&path, xml).unwrap();
        path
    }

    fn import(&self, file: &Path, org: &str, extra: &[&str]) -> Run {
        let output = self
            .command()
            .args(["import", "iati"])
            .arg(file)
            .args(["--org", org])
            .args(extra)
            .output()
            .unwrap();
        parse(output)
    }

    async fn dump(&self) -> Vec<(&'static str, Vec<Value>)> {
        dump(&self.database.connect().await).await
    }
}

fn parse(output: Output) -> Run {
    let (files, reports): (Vec<Value>, Vec<Value>) = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .partition(|line| line.get("file").is_some());
    let summary = files
        .iter()
        .rev()
        .find(|line| line.get("summary").is_some())
        .map_or(Value::Null, |last| last["summary"].clone());
    Run {
        output,
        reports,
        files,
        summary,
    }
}

fn example_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/iati-activities.xml")
}

fn test_activities(kind: &str) -> Vec<PathBuf> {
    fn walk(directory: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "xml") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/iati/test-activities")
            .join(kind),
        &mut files,
    );
    files.sort();
    files
}

/// An activity tagged with item 1 of UA-NAP-2021-2025, with `extra` elements.
fn activity(identifier: &str, last_updated: &str, extra: &str) -> String {
    format!(
        r#"<iati-activity last-updated-datetime="{last_updated}" xml:lang="en" default-currency="EUR">
  <iati-identifier>{identifier}</iati-identifier>
  <title><narrative>Project {identifier}</narrative></title>
  <tag vocabulary="99" vocabulary-uri="{VOCABULARY}" code="1"/>
  {extra}
</iati-activity>
"#
    )
}

fn file(activities: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<iati-activities version=\"2.03\">\n{}</iati-activities>\n",
        activities.concat()
    )
}

#[tokio::test]
async fn import_iati_reads_every_pass_file_and_refuses_or_reports_every_fail_file_changing_nothing() {
    let registry = Registry::seeded().await;
    let before = registry.dump().await;
    let import_all = |files: &[PathBuf]| {
        let output = registry
            .command()
            .args(["import", "iati"])
            .args(files)
            .args(["--org", "un-women-ukraine"])
            .output()
            .unwrap();
        parse(output)
    };
    let pass = test_activities("pass");
    assert!(
        pass.len() >= 200,
        "the standard's pass files are there: {}",
        pass.len()
    );
    let run = import_all(&pass);
    assert!(run.output.status.success(), "{}", run.stderr());
    assert_eq!(run.files.len(), pass.len());
    for (path, file) in pass.iter().zip(&run.files) {
        let summary = &file["summary"];
        assert!(summary.is_object(), "{}: {file}", path.display());
        let read = summary["activities"].as_u64().unwrap();
        assert!(read >= 1, "{}: no activity read", path.display());
        // The standard's test activities carry no registry tag: each one is reported as skipped.
        assert_eq!(summary["skipped"], read, "{}: {file}", path.display());
    }
    assert_eq!(
        run.reports.len() as u64,
        run.files
            .iter()
            .map(|f| f["summary"]["activities"].as_u64().unwrap())
            .sum::<u64>()
    );

    let fail = test_activities("fail");
    assert!(
        fail.len() >= 300,
        "the standard's fail files are there: {}",
        fail.len()
    );
    let run = import_all(&fail);
    // Never a crash: each file is refused (an error line) or reported (a summary line).
    assert!(
        matches!(run.output.status.code(), Some(0 | 1)),
        "{}",
        run.stderr()
    );
    assert_eq!(run.files.len(), fail.len(), "{}", run.stderr());
    for (path, file) in fail.iter().zip(&run.files) {
        assert!(
            file["summary"].is_object() || file["error"].is_string(),
            "{}: {file}",
            path.display()
        );
    }
    assert_eq!(
        registry.dump().await,
        before,
        "the pass and fail files changed nothing"
    );
}

#[tokio::test]
async fn import_iati_example_file_validates_and_loads_with_one_command_after_a_dry_run() {
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/iati/iati-activities-schema.xsd"))
        .arg(example_file())
        .output()
        .expect("xmllint is needed (Debian package libxml2-utils; .ci/run installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let registry = Registry::seeded().await;
    let before = registry.dump().await;
    let dry = registry.import(&example_file(), "XM-DAC-41146", &["--dry-run"]);
    assert!(dry.output.status.success(), "{}", dry.stderr());
    assert_eq!(dry.summary["dryRun"], true);
    assert_eq!(
        (dry.summary["created"].as_u64(), dry.summary["skipped"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(registry.dump().await, before, "a dry run writes nothing");

    let run = registry.import(&example_file(), "XM-DAC-41146", &[]);
    assert!(run.output.status.success(), "{}", run.stderr());
    assert_eq!(run.reports.len(), 3);
    let first = run.report("XM-DAC-41146-EXAMPLE-UA-0001");
    assert_eq!(first["outcome"], "CREATED");
    assert_eq!(
        first["planItems"],
        serde_json::json!(["UA-NAP-2021-2025/1", "UA-NAP-2021-2025/2"])
    );
    assert_eq!(
        first["unknownOrganisations"],
        serde_json::json!(["XM-EXAMPLE-IMPLEMENTER-1"])
    );
    let second = run.report("XM-DAC-41146-EXAMPLE-UA-0002");
    assert_eq!(
        second["planItems"],
        serde_json::json!(["UA-NAP-2021-2025/4", "UA-NAP-2026-2030/2"])
    );
    assert_eq!(
        run.report("XM-DAC-41146-EXAMPLE-OTHER-0003")["outcome"],
        "SKIPPED"
    );

    // What the first link holds.
    let db = registry.database.connect().await;
    let link = entity::project_link::Entity::find()
        .filter(entity::project_link::Column::IatiIdentifier.eq("XM-DAC-41146-EXAMPLE-UA-0001"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        link.title_uk.as_deref(),
        Some("Приклад: участь жінок в ухваленні рішень з безпеки на місцевому рівні")
    );
    assert_eq!(link.budget_amount_cents, Some(40_000_000));
    assert_eq!(link.budget_currency.as_deref(), Some("USD"));
    assert_eq!(
        link.start_date.map(|d| d.to_string()).as_deref(),
        Some("2026-02-01")
    );
    assert_eq!(
        link.end_date.map(|d| d.to_string()).as_deref(),
        Some("2027-12-31")
    );
    assert_eq!(link.gender_marker, Some(2));
    let owner = entity::organisation::Entity::find_by_id(link.owner_organisation_id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.code, "un-women-ukraine");
    let count = |rows: usize| rows;
    let dac = entity::project_dac_purpose::Entity::find()
        .filter(entity::project_dac_purpose::Column::ProjectLinkId.eq(link.id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(count(dac.len()), 2);
    let regions = entity::project_region::Entity::find()
        .filter(entity::project_region::Column::ProjectLinkId.eq(link.id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(regions.len(), 2, "UA-12 and UA-46");
    let participants = entity::project_participant::Entity::find()
        .filter(entity::project_participant::Column::ProjectLinkId.eq(link.id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        participants.len(),
        1,
        "the unknown implementer is reported, not created"
    );
    // The second link budgets in two currencies: both totals are kept, the link's own budget is empty.
    let second = entity::project_link::Entity::find()
        .filter(entity::project_link::Column::IatiIdentifier.eq("XM-DAC-41146-EXAMPLE-UA-0002"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.budget_amount_cents, None);
    let mut budgets: Vec<(String, i64)> = entity::project_budget::Entity::find()
        .filter(entity::project_budget::Column::ProjectLinkId.eq(second.id))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| (b.currency, b.amount_cents))
        .collect();
    budgets.sort();
    assert_eq!(
        budgets,
        vec![("EUR".to_owned(), 12_000_000), ("UAH".to_owned(), 250_000_000)]
    );
}

#[tokio::test]
async fn import_iati_is_idempotent_by_identifier_and_last_updated_datetime() {
    let registry = Registry::seeded().await;
    let original = file(&[
        activity("XM-DAC-41146-T-1", "2026-11-01T10:00:00Z", ""),
        activity(
            "XM-DAC-41146-T-2",
            "2026-11-01T10:00:00Z",
            r#"<sector code="15180"/>"#,
        ),
    ]);
    let path = registry.write("original.xml", &original);
    let first = registry.import(&path, "un-women-ukraine", &[]);
    assert_eq!(first.summary["created"], 2, "{}", first.stderr());
    let after_first = registry.dump().await;

    let again = registry.import(&path, "un-women-ukraine", &[]);
    assert_eq!(again.summary["unchanged"], 2, "{:?}", again.reports);
    assert_eq!(
        registry.dump().await,
        after_first,
        "re-importing the same file changes nothing"
    );

    // A newer publication of one activity updates its link; the activity left out stays.
    let newer = registry.write(
        "newer.xml",
        &file(&[activity(
            "XM-DAC-41146-T-2",
            "2026-11-15T10:00:00Z",
            r#"<sector code="15170"/>"#,
        )]),
    );
    let dry = registry.import(&newer, "un-women-ukraine", &["--dry-run"]);
    assert_eq!(dry.report("XM-DAC-41146-T-2")["outcome"], "UPDATED");
    assert_eq!(registry.dump().await, after_first, "a dry run writes nothing");
    let updated = registry.import(&newer, "un-women-ukraine", &[]);
    assert_eq!(
        updated.report("XM-DAC-41146-T-2")["outcome"],
        "UPDATED",
        "{}",
        updated.stderr()
    );
    let db = registry.database.connect().await;
    let links = entity::project_link::Entity::find().all(&db).await.unwrap();
    assert_eq!(links.len(), 2, "an activity no longer in the file is not deleted");
    let t2 = links
        .iter()
        .find(|l| l.iati_identifier.as_deref() == Some("XM-DAC-41146-T-2"))
        .unwrap();
    assert_eq!(t2.version, 2);
    let dac = entity::project_dac_purpose::Entity::find()
        .filter(entity::project_dac_purpose::Column::ProjectLinkId.eq(t2.id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(dac.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["15170"]);
    let after_update = registry.dump().await;

    // An older publication than the one imported changes nothing, even when it differs.
    let older = registry.write(
        "older.xml",
        &file(&[activity(
            "XM-DAC-41146-T-2",
            "2026-11-10T10:00:00Z",
            r#"<sector code="15220"/>"#,
        )]),
    );
    let stale = registry.import(&older, "un-women-ukraine", &[]);
    let report = stale.report("XM-DAC-41146-T-2");
    assert_eq!(report["outcome"], "UNCHANGED");
    assert!(report["note"].as_str().unwrap().contains("older"), "{report}");
    assert_eq!(registry.dump().await, after_update);
}
