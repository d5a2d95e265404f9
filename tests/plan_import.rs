//! Plan import from spreadsheets: the shipped examples load with one command each (the real
//! binary) and coverage shows them; `importPlan` over the GraphQL multipart request spec through
//! the router; dry runs; all or nothing; idempotency; every class of problem; authorization.

use std::path::{Path, PathBuf};

use nap_registry::domain::{
    access::{Actor, Scope},
    import::plan::{ImportFile, PlanImport, import_plan},
};
use serde_json::{Value, json};

use crate::common::{Client, TestApp, TestDatabase, dump, server};

const IMPORT: &str = "mutation($input: ImportPlanInput!) { importPlan(input: $input) { plan dryRun applied sequence counts { create update unchanged withdraw kept } rows { sheet row code outcome } problems { sheet row column code message } } }";

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data")
}

fn example(name: &str) -> ImportFile {
    ImportFile {
        name: name.to_owned(),
        bytes: std::fs::read(examples().join(name)).unwrap(),
    }
}

fn csv(name: &str, text: &str) -> ImportFile {
    ImportFile {
        name: name.to_owned(),
        bytes: text.as_bytes().to_vec(),
    }
}

/// A GraphQL multipart request (operations, map, files) importing `files` into `plan`.
pub(crate) async fn upload(
    client: &Client,
    plan: &str,
    files: &[ImportFile],
    options: Value,
    language: &str,
) -> Value {
    let boundary = "nap-test-boundary-7f3c";
    let mut input = json!({ "plan": plan, "file": null });
    if files.len() > 1 {
        input["moreFiles"] = json!(vec![Value::Null; files.len() - 1]);
    }
    for (key, value) in options.as_object().unwrap() {
        input[key] = value.clone();
    }
    let operations = json!({ "query": IMPORT, "variables": { "input": input } });
    let mut map = serde_json::Map::new();
    for index in 0..files.len() {
        let path = if index == 0 {
            "variables.input.file".to_owned()
        } else {
            format!("variables.input.moreFiles.{}", index - 1)
        };
        map.insert(index.to_string(), json!([path]));
    }
    let mut body = Vec::new();
    let mut part = |headers: String, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"operations\"".to_owned(),
        operations.to_string().as_bytes(),
    );
    part(
        "Content-Disposition: form-data; name=\"map\"".to_owned(),
        Value::Object(map).to_string().as_bytes(),
    );
    for (index, file) in files.iter().enumerate() {
        part(
            format!(
                "Content-Disposition: form-data; name=\"{index}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream",
                file.name
            ),
            &file.bytes,
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let response = client
        .post("/graphql")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("accept-language", language)
        .body(body)
        .send()
        .await;
    response.json()
}

async fn head(app: &TestApp) -> i64 {
    app.graphql("{ changesHead { sequence } }", json!({}))
        .await
        .data()["changesHead"]["sequence"]
        .as_i64()
        .unwrap()
}

pub(crate) fn national_files() -> Vec<ImportFile> {
    vec![
        example("nap-2021-2025-items.csv"),
        example("nap-2021-2025-indicators.csv"),
    ]
}

fn problem_codes(report: &Value) -> Vec<String> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn import_plan_cli_loads_the_examples_and_coverage_shows_them() {
    let database = TestDatabase::create().await;
    let url = database.url.expose().to_owned();
    let directory = server::tempdir();
    let data = examples();
    let run = |args: &[&str]| {
        let output = server::command(&directory)
            .env("DATABASE_URL", &url)
            .current_dir(&data)
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{args:?}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    };
    let national = [
        "import",
        "plan",
        "nap-2021-2025-items.csv",
        "nap-2021-2025-indicators.csv",
        "--plan",
        "UA-NAP-2021-2025",
    ];
    let dry = run(&[&national[..], &["--dry-run"]].concat());
    assert!(dry.contains("dry run: nothing was changed"), "{dry}");
    assert!(dry.contains("create 6, update 0, unchanged 5"), "{dry}");
    let first = run(&national);
    assert!(first.contains("imported"), "{first}");
    run(&[
        "import",
        "plan",
        "ua-46-example-plan.csv",
        "ua-46-example-items.csv",
        "ua-46-example-indicators.csv",
        "--plan",
        "UA-46-RAP-2023-2025-EXAMPLE",
    ]);
    run(&[
        "import",
        "plan",
        "ua-18-example.xlsx",
        "--plan",
        "UA-18-RAP-2021-2025-EXAMPLE",
    ]);
    let again = run(&national);
    assert!(again.contains("nothing to change"), "{again}");
    assert!(again.contains("create 0, update 0, unchanged 11"), "{again}");

    let server = server::Server::start(server::command(&directory).env("DATABASE_URL", &url)).await;
    let coverage = server
        .client()
        .graphql(
            r#"{ plan(code: "UA-NAP-2021-2025") { localizationCoverage { region { code } coverageStatus implementedItemCount } } }"#,
            json!({}),
        )
        .await;
    let status = |region: &str| {
        coverage.data()["plan"]["localizationCoverage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["region"]["code"] == region)
            .map(|r| {
                (
                    r["coverageStatus"].as_str().unwrap().to_owned(),
                    r["implementedItemCount"].as_i64().unwrap(),
                )
            })
            .unwrap()
    };
    let (aligned, implemented) = status("UA-46");
    assert_eq!(aligned, "ALIGNED");
    assert!(implemented > 0);
    assert_eq!(status("UA-18").0, "OVERDUE");
    assert_eq!(status("UA-12").0, "NO_PLAN");
    std::fs::remove_dir_all(&directory).ok();
}

#[tokio::test]
async fn import_plan_dry_run_reports_and_changes_nothing() {
    let app = TestApp::seeded().await;
    let admin = app.as_org("ministry-of-social-policy", &[Scope::Admin]).await;
    let before = dump(&app.db).await;
    let report = upload(
        &admin,
        "UA-NAP-2021-2025",
        &national_files(),
        json!({ "dryRun": true }),
        "en",
    )
    .await;
    let report = &report["data"]["importPlan"];
    assert_eq!(report["dryRun"], true);
    assert_eq!(report["applied"], false);
    assert_eq!(report["sequence"], Value::Null);
    assert_eq!(
        report["counts"],
        json!({ "create": 6, "update": 0, "unchanged": 5, "withdraw": 0, "kept": 0 })
    );
    assert!(
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "UA-NAP-2021-2025/1.1.1" && r["outcome"] == "CREATE")
    );
    assert_eq!(dump(&app.db).await, before, "a dry run wrote something");
}

#[tokio::test]
async fn import_plan_twice_is_one_sequence_step_then_changes_nothing() {
    let app = TestApp::seeded().await;
    let admin = app.as_org("ministry-of-social-policy", &[Scope::Admin]).await;
    let start = head(&app).await;
    let first = upload(&admin, "UA-NAP-2021-2025", &national_files(), json!({}), "en").await;
    let first = &first["data"]["importPlan"];
    assert_eq!(first["applied"], true, "{first}");
    assert_eq!(first["sequence"], json!(start + 1));
    assert_eq!(
        head(&app).await,
        start + 1,
        "one import, one step of the change sequence"
    );
    let events = crate::common::feed_after(&app, json!(start.to_string())).await;
    // Six items and three indicators created, each one event (the values are their own objects).
    assert!(
        events
            .iter()
            .all(|e| e["sequence"] == json!((start + 1).to_string()) || e["sequence"] == json!(start + 1)),
        "{events:?}"
    );
    let mut ids: Vec<&Value> = events.iter().map(|e| &e["entityId"]).collect();
    ids.dedup();
    assert_eq!(ids.len(), events.len(), "one event per changed object");
    assert!(
        events.iter().filter(|e| e["entityType"] == "PlanItem").count() == 4,
        "{events:?}"
    );

    let before = dump(&app.db).await;
    let second = upload(&admin, "UA-NAP-2021-2025", &national_files(), json!({}), "en").await;
    let second = &second["data"]["importPlan"];
    assert_eq!(second["applied"], false);
    assert_eq!(second["counts"]["unchanged"], 11, "{second}");
    assert_eq!(second["counts"]["create"], 0);
    assert_eq!(
        head(&app).await,
        start + 1,
        "a re-import moved the change sequence"
    );
    assert_eq!(dump(&app.db).await, before);
}

#[tokio::test]
async fn import_plan_with_one_bad_row_changes_nothing() {
    let app = TestApp::seeded().await;
    let admin = app.as_org("ministry-of-social-policy", &[Scope::Admin]).await;
    let start = head(&app).await;
    let before = dump(&app.db).await;
    let items = "number,title_en,responsible\n1.1,Good row,ministry-of-social-policy\n1.2,Good row too,\n1.3,Bad row,no-such-ministry\n";
    let report = upload(
        &admin,
        "UA-NAP-2021-2025",
        &[csv("items.csv", items)],
        json!({}),
        "en",
    )
    .await;
    let report = &report["data"]["importPlan"];
    assert_eq!(report["applied"], false);
    assert_eq!(
        report["problems"],
        json!([{ "sheet": "items", "row": 4, "column": "responsible", "code": "UNKNOWN_ORGANISATION",
                 "message": "there is no organisation `no-such-ministry` in the registry (a registry code or an org-id identifier)" }])
    );
    assert_eq!(head(&app).await, start);
    assert_eq!(dump(&app.db).await, before);
}

#[tokio::test]
async fn import_plan_reports_every_class_of_problem_in_the_users_language() {
    let app = TestApp::seeded().await;
    let admin = app.as_org("ministry-of-social-policy", &[Scope::Admin]).await;
    let items = "\
number,kind,title_en,start_year,end_year,responsible,financing,target_groups,implements,colour
1.1,OPERATIONAL_GOAL,Fine,2021,2025,,,,,
1.1,OPERATIONAL_GOAL,Twice,,,,,,,
1.3,OPERATIONAL_GOAL,Skips 1.2,,,,,,,
9.1.1,TASK,No parent,,,,,,,
2.1,TASK,Wrong kind,,,,,,,
2.2,,Bad year,20x5,,,,,,
2.3,,Bad amount,,,,STATE_BUDGET: 12;5,,,
2.4,,Bad source,,,,PIGGY_BANK,,,
2.5,,Unknown group,,,,,no-such-group,,
2.6,,Unknown organisation,,,nobody,,,,
3.1.1.1.1,,Bad number,,,,,,,
";
    let indicators = "item,code,name_en,unit,direction,value_kind,period,value\n1.1,I1,Share,percent,SIDEWAYS,BASELINE,2021,abc\n7.7,I1,Orphan,persons,,,,\n";
    let files = [csv("x-items.csv", items), csv("x-indicators.csv", indicators)];
    let report = upload(
        &admin,
        "UA-NAP-2021-2025",
        &files,
        json!({ "dryRun": true }),
        "en",
    )
    .await;
    let report = &report["data"]["importPlan"];
    let mut codes = problem_codes(report);
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "BAD_ITEM_NUMBER",
            "BAD_KIND",
            "BAD_NUMBER",
            "BAD_VALUE",
            "DUPLICATE_NUMBER",
            "MISSING_PARENT",
            "SKIPPED_NUMBER",
            "UNKNOWN_COLUMN",
            "UNKNOWN_ITEM",
            "UNKNOWN_ORGANISATION",
            "UNKNOWN_TARGET_GROUP",
        ],
        "{report}"
    );
    let skipped = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "SKIPPED_NUMBER")
        .unwrap();
    assert_eq!(
        (skipped["row"].as_i64(), skipped["column"].as_str()),
        (Some(4), Some("number"))
    );

    // In Ukrainian, with the plan sheet's own problems: a bad date, another plan's code.
    let plan = "field,value\ncode,UA-99-OTHER\nact_number,1\nact_date,31.02.2023\n";
    let files = [
        csv("plan.csv", plan),
        csv("items.csv", "number,title_uk\n1.1,Ціль\n"),
    ];
    let report = upload(&admin, "UA-NAP-2021-2025", &files, json!({}), "uk").await;
    let report = &report["data"]["importPlan"];
    let mut codes = problem_codes(report);
    codes.sort();
    assert_eq!(codes, ["BAD_DATE", "PLAN_MISMATCH"], "{report}");
    let bad_date = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BAD_DATE")
        .unwrap();
    assert_eq!(bad_date["message"], "`31.02.2023` не є датою РРРР-ММ-ДД");
    assert_eq!(
        (
            bad_date["sheet"].as_str(),
            bad_date["row"].as_i64(),
            bad_date["column"].as_str()
        ),
        (Some("plan"), Some(4), Some("act_date"))
    );

    let unknown_plan = upload(
        &admin,
        "UA-NO-SUCH-PLAN",
        &[csv("items.csv", "number,title_en\n1,One\n")],
        json!({}),
        "en",
    )
    .await;
    assert_eq!(
        problem_codes(&unknown_plan["data"]["importPlan"]),
        ["UNKNOWN_PLAN"]
    );
    let not_a_spreadsheet = upload(
        &admin,
        "UA-NAP-2021-2025",
        &[csv("plan.txt", "hello")],
        json!({}),
        "en",
    )
    .await;
    assert_eq!(
        problem_codes(&not_a_spreadsheet["data"]["importPlan"]),
        ["UNREADABLE_FILE"]
    );
}

#[tokio::test]
async fn import_plan_refuses_files_over_the_size_limit() {
    let app = TestApp::seeded().await;
    let request = PlanImport {
        plan: "UA-NAP-2021-2025".to_owned(),
        files: national_files(),
        dry_run: false,
        withdraw_missing: false,
        max_bytes: 100,
    };
    let report = import_plan(&app.db, &Actor::CommandLine, request).await.unwrap();
    assert_eq!(report.problems[0].code.as_wire(), "FILE_TOO_LARGE");
    assert!(!report.applied);
    // Over HTTP, a multipart body past the import limit is refused before it is read.
    let http = nap_registry::config::HttpSettings {
        import_max_bytes: 2048,
        ..nap_registry::config::HttpSettings::default()
    };
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let client = app.with_http(http).bearer(&token);
    let big = csv("items.csv", &"x".repeat(300 * 1024));
    let response = client
        .post("/graphql")
        .header("content-type", "multipart/form-data; boundary=b")
        .header("content-length", big.bytes.len().to_string())
        .body(big.bytes)
        .send()
        .await;
    assert_eq!(response.status, 413);
}

#[tokio::test]
async fn import_plan_into_another_organisations_plan_is_forbidden() {
    let app = TestApp::seeded().await;
    let files = vec![
        example("ua-46-example-plan.csv"),
        example("ua-46-example-items.csv"),
        example("ua-46-example-indicators.csv"),
    ];
    // Lviv's administration creates its own regional plan from the file.
    let lviv = app.as_org("rma-ua-46", &[Scope::PlansWrite]).await;
    let created = upload(&lviv, "UA-46-RAP-2023-2025-EXAMPLE", &files, json!({}), "en").await;
    assert_eq!(created["data"]["importPlan"]["applied"], true, "{created}");
    assert_eq!(created["data"]["importPlan"]["counts"]["create"], 7, "{created}");
    // Zhytomyr's may not import into it, nor create a plan for Lviv's region.
    let zhytomyr = app.as_org("rma-ua-18", &[Scope::PlansWrite]).await;
    let donor = app.as_org("rma-ua-46", &[Scope::ProjectsWrite]).await;
    let before = dump(&app.db).await;
    let refused = upload(
        &zhytomyr,
        "UA-46-RAP-2023-2025-EXAMPLE",
        &files,
        json!({ "dryRun": true }),
        "en",
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    let plan = example("ua-46-example-plan.csv").bytes;
    let plan = String::from_utf8(plan)
        .unwrap()
        .replace("UA-46-RAP-2023-2025-EXAMPLE", "UA-46-RAP-OTHER")
        .replace("rma-ua-46", "rma-ua-18");
    let foreign = [csv("plan.csv", &plan), example("ua-46-example-items.csv")];
    let refused = upload(&zhytomyr, "UA-46-RAP-OTHER", &foreign, json!({}), "en").await;
    assert_eq!(
        refused["data"]["importPlan"]["problems"][0]["code"], "REFUSED",
        "{refused}"
    );
    // Without a token, or without the scope, nothing runs.
    let anonymous = app.anonymous().with_header("authorization", "Bearer not-a-token");
    let refused = upload(&anonymous, "UA-46-RAP-2023-2025-EXAMPLE", &files, json!({}), "en").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
    let refused = upload(&donor, "UA-46-RAP-2023-2025-EXAMPLE", &files, json!({}), "en").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    assert_eq!(dump(&app.db).await, before);
}

#[tokio::test]
async fn import_plan_withdraws_missing_items_only_when_asked() {
    let app = TestApp::seeded().await;
    let admin = app.as_org("ministry-of-social-policy", &[Scope::Admin]).await;
    upload(&admin, "UA-NAP-2021-2025", &national_files(), json!({}), "en").await;
    let without = |name: &str, prefix: &str| {
        let text = String::from_utf8(example(name).bytes).unwrap();
        let kept: String = text
            .lines()
            .filter(|l| !l.starts_with(prefix))
            .map(|l| format!("{l}\n"))
            .collect();
        csv(name, &kept)
    };
    let files = [
        without("nap-2021-2025-items.csv", "4.1.1,"),
        without("nap-2021-2025-indicators.csv", "4.1.1,"),
    ];
    let kept = upload(&admin, "UA-NAP-2021-2025", &files, json!({}), "en").await;
    assert_eq!(kept["data"]["importPlan"]["counts"]["kept"], 2, "{kept}");
    let withdrawn = upload(
        &admin,
        "UA-NAP-2021-2025",
        &files,
        json!({ "withdrawMissing": true }),
        "en",
    )
    .await;
    let report = &withdrawn["data"]["importPlan"];
    assert_eq!(
        report["counts"]["withdraw"], 2,
        "the task and its indicator: {report}"
    );
    let item = app
        .graphql(
            r#"{ planItem(code: "UA-NAP-2021-2025/4.1.1") { status } }"#,
            json!({}),
        )
        .await;
    assert_eq!(item.data()["planItem"]["status"], "WITHDRAWN");
}

/// The workbooks in `examples/data` hold the same plans as the CSV files beside them (they load
/// to the same report). `UPDATE_EXAMPLES=1` writes them again from the CSV files.
#[tokio::test]
async fn example_workbooks_match_the_csv_files() {
    for (stem, plan) in [
        ("nap-2021-2025", "UA-NAP-2021-2025"),
        ("ua-46-example", "UA-46-RAP-2023-2025-EXAMPLE"),
        ("ua-18-example", "UA-18-RAP-2021-2025-EXAMPLE"),
    ] {
        let sheets: Vec<(&str, PathBuf)> = ["plan", "items", "indicators"]
            .into_iter()
            .map(|sheet| (sheet, examples().join(format!("{stem}-{sheet}.csv"))))
            .filter(|(_, path)| path.exists())
            .collect();
        let workbook = examples().join(format!("{stem}.xlsx"));
        if std::env::var_os("UPDATE_EXAMPLES").is_some() {
            std::fs::write(&workbook, build_workbook(&sheets)).unwrap();
        }
        let report = |files: Vec<ImportFile>| async {
            let app = TestApp::seeded().await;
            let request = PlanImport {
                plan: plan.to_owned(),
                files,
                dry_run: true,
                withdraw_missing: false,
                max_bytes: 1 << 22,
            };
            let report = import_plan(&app.db, &Actor::CommandLine, request).await.unwrap();
            assert!(report.problems.is_empty(), "{stem}: {:?}", report.problems);
            report
                .rows
                .into_iter()
                .map(|r| (r.sheet, r.code, r.outcome))
                .collect::<Vec<_>>()
        };
        let from_csv = report(
            sheets
                .iter()
                .map(|(_, p)| example(p.file_name().unwrap().to_str().unwrap()))
                .collect(),
        )
        .await;
        let from_xlsx = report(vec![example(&format!("{stem}.xlsx"))]).await;
        assert_eq!(
            from_xlsx, from_csv,
            "{stem}.xlsx differs from its CSV files: run with UPDATE_EXAMPLES=1"
        );
    }
}

/// A workbook with one sheet per CSV file: years and values as numbers, the act's date as a date,
/// and a value as a formula with its cached result (what the import reads).
fn build_workbook(sheets: &[(&str, PathBuf)]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, path) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
            .unwrap();
        let mut header: Vec<String> = Vec::new();
        for (row, record) in reader.records().enumerate() {
            let record = record.unwrap();
            let row = u32::try_from(row).unwrap();
            if row == 1 {
                header = record.iter().map(str::to_owned).collect();
            }
            let field = record.get(0).unwrap_or_default().to_owned();
            for (column, cell) in record.iter().enumerate() {
                let name = header.get(column).map_or("", String::as_str);
                let col = u16::try_from(column).unwrap();
                let numeric = row > 1 && matches!(name, "start_year" | "end_year" | "value")
                    || (name == "value" && matches!(field.as_str(), "start_year" | "end_year"));
                if row > 1 && name == "value" && field == "act_date" {
                    let when = ExcelDateTime::parse_from_str(cell).unwrap();
                    sheet.write_datetime_with_format(row, col, &when, &date).unwrap();
                } else if numeric && !cell.is_empty() && cell.parse::<f64>().is_ok() {
                    let target = record.iter().any(|c| c == "TARGET");
                    if name == "value" && target {
                        // A formula: the import reads the result the spreadsheet cached.
                        sheet
                            .write_formula(row, col, Formula::new(format!("={cell}+0")).set_result(cell))
                            .unwrap();
                    } else {
                        sheet
                            .write_number(row, col, cell.parse::<f64>().unwrap())
                            .unwrap();
                    }
                } else if !cell.is_empty() {
                    sheet.write_string(row, col, cell).unwrap();
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}
