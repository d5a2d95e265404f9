//! The read model catching up row by row: after a write, only the rows of the objects written are
//! read again (`nap_read_model{value="rows_read"}`): an indicator's or a value's row; a plan
//! item's row and links; a plan's row and act links (and the small legal act table); an
//! organisation's row, names, identifiers and successions; a vocabulary edition's row and
//! carry-overs, and a target group's row. The read model then answers exactly what the database
//! answers. (A project link's write is checked in `query_cost`.)

use serde_json::{Value, json};

use crate::common::{Client, TestApp};
use nap_registry::{
    domain::access::Scope,
    reference_data::{self, SyntheticSize},
};

/// Every indicator of the synthetic plan with every value, withdrawn ones too.
const PLAN_INDICATORS: &str = r#"query($code: String!) { plan(code: $code) { goals { children { children {
    code indicators(includeWithdrawn: true) { id code version name unit withdrawnAt
    values(includeWithdrawn: true) { id version value source withdrawnAt } } } } } } }"#;

/// The first object in `value` (depth first) with `key` equal to `wanted` (any value when `None`).
fn find_object<'a>(value: &'a Value, key: &str, wanted: Option<&Value>) -> Option<&'a Value> {
    match value {
        Value::Object(map) => {
            if map
                .get(key)
                .is_some_and(|found| wanted.is_none_or(|w| w == found))
            {
                return Some(value);
            }
            map.values().find_map(|v| find_object(v, key, wanted))
        }
        Value::Array(items) => items.iter().find_map(|v| find_object(v, key, wanted)),
        _ => None,
    }
}

/// The small synthetic registry read through its read model, the same registry read from the
/// database alone, and an administrator writing to it.
struct Registry {
    app: TestApp,
    database: Client,
    writer: Client,
    variables: Value,
    /// The plan's indicators and values as first read (which builds the read model).
    first_read: Value,
}

impl Registry {
    async fn new() -> Self {
        let app = TestApp::migrated().await.without_response_cache();
        reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
            .await
            .unwrap();
        let database = app.database_reader();
        let writer = app.bearer(&app.token_for("syn-org-0001", &[Scope::Admin]).await);
        let variables = json!({ "code": reference_data::synthetic::SYNTHETIC_PLAN_CODE });
        let first_read = app
            .graphql(PLAN_INDICATORS, variables.clone())
            .await
            .data()
            .clone();
        Self {
            app,
            database,
            writer,
            variables,
            first_read,
        }
    }

    /// Runs `mutation` with `input` as the administrator; answers the payload's object.
    async fn write(&self, mutation: &str, input: Value) -> Value {
        let answer = self.writer.graphql(mutation, json!({ "input": input })).await;
        let payload = answer.data().as_object().and_then(|data| data.values().next());
        let object = payload
            .and_then(|p| p.as_object())
            .and_then(|p| p.values().next());
        object.unwrap_or_else(|| panic!("{}", answer.body)).clone()
    }

    /// Reads `query` through the read model, checks that catching up read the rows `rows` counts
    /// in the database's answer (the same query with the read model off), and that the answer is
    /// the database's; answers it.
    async fn caught_up(
        &self,
        query: &str,
        variables: Value,
        rows: impl FnOnce(&Value) -> usize,
        after: &str,
    ) -> Value {
        let from_database = self.database.graphql(query, variables.clone()).await;
        let expected = rows(from_database.data());
        let from_memory = self.app.graphql(query, variables).await;
        let rows_read = self
            .app
            .anonymous()
            .metric(r#"nap_read_model{value="rows_read"}"#)
            .await;
        assert_eq!(
            rows_read, expected as f64,
            "rows read to catch up after {after} ({})",
            from_database.body
        );
        assert_eq!(
            from_memory.data(),
            from_database.data(),
            "after {after}, the read model answers otherwise than the database"
        );
        from_memory.data().clone()
    }

    /// Reads every indicator and value through the read model, checks that catching up read one
    /// row and that the answer is the database's, and answers the object `id` as it is shown.
    async fn caught_up_by_one_row(&self, id: &Value, after: &str) -> Value {
        let answer = self
            .caught_up(
                PLAN_INDICATORS,
                self.variables.clone(),
                |_| 1,
                &format!("it was {after}"),
            )
            .await;
        find_object(&answer, "id", Some(id))
            .unwrap_or_else(|| panic!("{id} is not in {answer}"))
            .clone()
    }
}

/// How many entries the list `key` of `object` holds.
fn count(object: &Value, key: &str) -> usize {
    object[key]
        .as_array()
        .unwrap_or_else(|| panic!("no list `{key}` in {object}"))
        .len()
}

/// Recording, correcting and withdrawing an indicator value.
#[tokio::test]
async fn an_indicator_value_write_is_caught_up_by_its_row_alone() {
    let registry = Registry::new().await;
    let indicator = find_object(&registry.first_read, "values", None).expect("an indicator")["id"].clone();
    let created = registry
        .write(
            "mutation($input: CreateIndicatorValueInput!) { createIndicatorValue(input: $input) { indicatorValue { id version } } }",
            json!({ "indicator": indicator, "kind": "ACTUAL", "periodStartYear": 2024,
                "periodEndYear": 2024, "value": 42.0, "sex": "T" }),
        )
        .await;
    let id = &created["id"];
    // Recorded, then corrected before anything reads: one catch-up reads the one row both wrote.
    registry
        .write(
            "mutation($input: UpdateIndicatorValueInput!) { updateIndicatorValue(input: $input) { indicatorValue { version } } }",
            json!({ "id": id, "version": created["version"], "value": 43.5, "source": "Corrected" }),
        )
        .await;
    let shown = registry.caught_up_by_one_row(id, "recorded and corrected").await;
    assert_eq!(
        (shown["value"].as_f64(), shown["source"].as_str()),
        (Some(43.5), Some("Corrected"))
    );
    registry
        .write(
            "mutation($input: WithdrawInput!) { withdrawIndicatorValue(input: $input) { indicatorValue { version } } }",
            json!({ "id": id, "version": shown["version"], "reason": "Counted twice" }),
        )
        .await;
    let shown = registry.caught_up_by_one_row(id, "withdrawn").await;
    assert!(shown["withdrawnAt"].is_string(), "{shown}");
}

/// Creating, changing and withdrawing an indicator.
#[tokio::test]
async fn an_indicator_write_is_caught_up_by_its_row_alone() {
    let registry = Registry::new().await;
    let item = find_object(&registry.first_read, "indicators", None).expect("a task")["code"].clone();
    let created = registry
        .write(
            "mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { id version } } }",
            json!({ "planItem": item, "code": "ROW-1", "nameEn": "Caught up", "unit": "persons",
                "direction": "INCREASE" }),
        )
        .await;
    let id = &created["id"];
    registry
        .write(
            "mutation($input: UpdateIndicatorInput!) { updateIndicator(input: $input) { indicator { version } } }",
            json!({ "id": id, "version": created["version"], "unit": "people" }),
        )
        .await;
    let shown = registry.caught_up_by_one_row(id, "created and changed").await;
    assert_eq!(
        (shown["code"].as_str(), shown["unit"].as_str()),
        (Some("ROW-1"), Some("people"))
    );
    registry
        .write(
            "mutation($input: WithdrawInput!) { withdrawIndicator(input: $input) { indicator { version } } }",
            json!({ "id": id, "version": shown["version"], "reason": "Measured elsewhere" }),
        )
        .await;
    let shown = registry.caught_up_by_one_row(id, "withdrawn").await;
    assert!(shown["withdrawnAt"].is_string(), "{shown}");
}

/// An item's row and every link it owns, as a plan item's write leaves them.
const ITEM_AND_LINKS: &str = r#"query($code: String!) { planItem(code: $code) { id code version
    titles { uk en } targetGroups(includeWithdrawn: true) { code } funding { source note }
    responsibilities { role organisation { code } } implements(includeWithdrawn: true) { code } }
    targetGroups(first: 5) { nodes { code } } }"#;

/// Changing a plan item and linking it to a target group and an organisation.
#[tokio::test]
async fn a_plan_item_write_is_caught_up_by_its_row_and_links_alone() {
    let registry = Registry::new().await;
    let code = find_object(&registry.first_read, "indicators", None).expect("a task")["code"].clone();
    let variables = json!({ "code": code });
    let before = registry.database.graphql(ITEM_AND_LINKS, variables.clone()).await;
    let item = &before.data()["planItem"];
    let linked: Vec<&Value> = item["targetGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["code"])
        .collect();
    let group = before.data()["targetGroups"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["code"])
        .find(|g| !linked.contains(g))
        .expect("a target group the item is not linked to")
        .clone();
    registry
        .write(
            "mutation($input: UpdatePlanItemInput!) { updatePlanItem(input: $input) { planItem { version } } }",
            json!({ "id": item["id"], "version": item["version"],
                "titleEn": "Caught up by its row" }),
        )
        .await;
    registry
        .write(
            "mutation($input: PlanItemTargetGroupInput!) { linkTargetGroup(input: $input) { planItem { version } } }",
            json!({ "planItem": code, "targetGroup": group }),
        )
        .await;
    registry
        .write(
            "mutation($input: ResponsibilityInput!) { addResponsibility(input: $input) { planItem { version } } }",
            json!({ "planItem": code, "organisation": "syn-org-0002", "role": "COORDINATOR" }),
        )
        .await;
    let answer = registry
        .caught_up(
            ITEM_AND_LINKS,
            variables,
            |data| {
                let item = &data["planItem"];
                1 + count(item, "targetGroups")
                    + count(item, "funding")
                    + count(item, "responsibilities")
                    + count(item, "implements")
            },
            "the item was changed and linked",
        )
        .await;
    let item = &answer["planItem"];
    assert_eq!(item["titles"]["en"], "Caught up by its row");
    assert!(
        item["targetGroups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["code"] == group)
    );
    assert!(
        item["responsibilities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["organisation"]["code"] == "syn-org-0002" && r["role"] == "COORDINATOR")
    );
}

/// A plan's row and acts.
const PLAN_AND_ACTS: &str = r#"query($code: String!) { plan(code: $code) { id code version status
    titles { uk en } legalActs { role act { kind number adoptedOn issuer { code } } } } }"#;

/// Changing a plan and recording an act that is new to the registry.
#[tokio::test]
async fn a_plan_write_is_caught_up_by_its_row_and_act_links_and_the_legal_acts() {
    use sea_orm::{EntityTrait, PaginatorTrait};

    let registry = Registry::new().await;
    let before = registry
        .database
        .graphql(PLAN_AND_ACTS, registry.variables.clone())
        .await;
    let plan = &before.data()["plan"];
    registry
        .write(
            "mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { plan { version } } }",
            json!({ "id": plan["id"], "version": plan["version"], "titleEn": "Caught up by its row" }),
        )
        .await;
    registry
        .write(
            "mutation($input: RecordPlanActInput!) { recordPlanAct(input: $input) { plan { version } } }",
            json!({ "plan": plan["code"], "role": "AMENDS",
                "act": { "kind": "ORDER", "number": "ROW-7", "adoptedOn": "2025-03-14" } }),
        )
        .await;
    let legal_acts = entity::legal_act::Entity::find()
        .count(&registry.app.db)
        .await
        .unwrap();
    let answer = registry
        .caught_up(
            PLAN_AND_ACTS,
            registry.variables.clone(),
            |data| 1 + count(&data["plan"], "legalActs") + usize::try_from(legal_acts).unwrap(),
            "the plan was changed and an act recorded",
        )
        .await;
    let plan = &answer["plan"];
    assert_eq!(plan["titles"]["en"], "Caught up by its row");
    assert!(
        plan["legalActs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["act"]["number"] == "ROW-7")
    );
}

/// Two organisations with their names, identifiers, predecessors and successors.
const TWO_ORGANISATIONS: &str = r#"query($one: String!, $other: String!) {
    one: organisation(identifier: $one) { ...Shown } other: organisation(identifier: $other) { ...Shown } }
    fragment Shown on Organisation { id code version withdrawnAt names { uk en }
    nameHistory { names { uk en } validFrom validUntil } identifiers
    predecessors { code } successors { code } }"#;

/// Renaming an organisation, adding an identifier, then withdrawing it with a successor.
#[tokio::test]
async fn an_organisation_write_is_caught_up_by_its_row_names_identifiers_and_successions() {
    let registry = Registry::new().await;
    let variables = json!({ "one": "syn-org-0003", "other": "syn-org-0004" });
    let before = registry
        .database
        .graphql(TWO_ORGANISATIONS, variables.clone())
        .await;
    let one = &before.data()["one"];
    let renamed = registry
        .write(
            "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { version } } }",
            json!({ "id": one["id"], "version": one["version"], "nameEn": "Renamed, caught up by row",
                "addIdentifiers": ["UA-EDR-55501234"] }),
        )
        .await;
    let rows = |data: &Value| {
        let one = &data["one"];
        1 + count(one, "nameHistory") + count(one, "identifiers") + count(one, "successors")
    };
    registry
        .caught_up(TWO_ORGANISATIONS, variables.clone(), rows, "it was renamed")
        .await;
    registry
        .write(
            "mutation($input: WithdrawOrganisationInput!) { withdrawOrganisation(input: $input) { organisation { version } } }",
            json!({ "id": one["id"], "version": renamed["version"], "reason": "Merged",
                "successor": "syn-org-0004" }),
        )
        .await;
    let answer = registry
        .caught_up(TWO_ORGANISATIONS, variables, rows, "it was withdrawn")
        .await;
    assert!(
        answer["one"]["identifiers"]
            .as_array()
            .unwrap()
            .contains(&json!("UA-EDR-55501234"))
    );
    assert_eq!(answer["one"]["successors"], json!([{ "code": "syn-org-0004" }]));
    assert!(
        answer["other"]["predecessors"]
            .as_array()
            .unwrap()
            .contains(&json!({ "code": "syn-org-0003" }))
    );
}

/// Every edition of the vocabulary with every entry.
const EDITIONS: &str = r#"query($code: String!) { vocabularies { code version }
    vocabulary(code: $code) { code edition version previousEdition { code }
    entries(includeWithdrawn: true) { position carriedOver targetGroup { code version labels { uk en } } } } }"#;

/// A new edition carrying over an earlier one's groups, and a group created in it.
#[tokio::test]
async fn a_vocabulary_edition_and_a_target_group_are_caught_up_by_their_rows_alone() {
    let registry = Registry::new().await;
    let editions = registry
        .database
        .graphql("{ vocabularies { code } }", json!({}))
        .await;
    let previous = editions.data()["vocabularies"][0]["code"].clone();
    registry
        .write(
            "mutation($input: CreateVocabularyEditionInput!) { createVocabularyEdition(input: $input) { vocabulary { code } } }",
            json!({ "code": "UA-NAP-TG-2036", "edition": "2036", "titleEn": "Caught up by row",
                "previousEdition": previous, "carryOverAll": true }),
        )
        .await;
    registry
        .write(
            "mutation($input: CreateTargetGroupInput!) { createTargetGroup(input: $input) { targetGroup { code } } }",
            json!({ "vocabulary": "UA-NAP-TG-2036", "code": "row-group", "labelEn": "Added by row" }),
        )
        .await;
    // The edition's row, its carry-overs, and the new group's row: one of each entry, and one.
    let answer = registry
        .caught_up(
            EDITIONS,
            json!({ "code": "UA-NAP-TG-2036" }),
            |data| 1 + count(&data["vocabulary"], "entries"),
            "an edition and a group were created",
        )
        .await;
    let entries = answer["vocabulary"]["entries"].as_array().unwrap();
    assert!(entries.len() > 1, "{answer}");
    assert!(
        entries
            .iter()
            .any(|e| e["targetGroup"]["code"] == "row-group" && e["carriedOver"] == false)
    );
}
