//! Every mutation against the full matrix of callers: anonymous, a bad signature, `alg: none`, a
//! token signed with another key, expired, revoked, for another audience, without the scope, of
//! another organisation, and of the right organisation. Only the last succeeds; the refused ones
//! change nothing (the whole database is read back and compared), and every success writes
//! exactly one audit event.
//!
//! Each mutation is a test of its own (`matrix_tests!`), on a fresh fixture, so one failure does
//! not hide the others; a mutation that needs an earlier one (an update needs a created row) has
//! the earlier one done by the right caller first. This module owns the matrix; the submodules
//! list the mutations by area.

mod indicators;
mod links;
mod plans;
mod projects_and_tokens;
mod vocabularies_and_organisations;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use nap_registry::domain::access::Scope;
use serde_json::{Value, json};

use crate::common::{TestApp, dump, test_token_service, test_token_service_for};

/// Who owns what in the fixture.
pub const LVIV_ADMINISTRATION: &str = "rma-ua-46";
const KHARKIV_ADMINISTRATION: &str = "rma-ua-63";
const MINISTRY: &str = "ministry-of-social-policy";

/// The caller that should succeed, the scope it needs, and a caller of another organisation.
pub struct Caller {
    organisation: &'static str,
    scope: Scope,
    other_organisation: &'static str,
}

pub const REGIONAL_EDITOR: Caller = Caller {
    organisation: LVIV_ADMINISTRATION,
    scope: Scope::PlansWrite,
    other_organisation: KHARKIV_ADMINISTRATION,
};
pub const ADMINISTRATOR: Caller = Caller {
    organisation: MINISTRY,
    scope: Scope::Admin,
    other_organisation: "fx-ngo",
};
pub const DONOR: Caller = Caller {
    organisation: "fx-donor-a",
    scope: Scope::ProjectsWrite,
    other_organisation: "fx-donor-b",
};
pub const REPORTER: Caller = Caller {
    organisation: MINISTRY,
    scope: Scope::IndicatorsReport,
    other_organisation: "fx-ngo",
};
pub const MANAGER: Caller = Caller {
    organisation: LVIV_ADMINISTRATION,
    scope: Scope::TokensManage,
    other_organisation: KHARKIV_ADMINISTRATION,
};

fn tamper_signature(token: &str) -> String {
    let (rest, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[0] ^= 0xff;
    format!("{rest}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn unsigned(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    format!(
        "{}.{payload}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#)
    )
}

fn scopes_without(scope: Scope) -> Vec<Scope> {
    Scope::ALL
        .into_iter()
        .filter(|s| *s != scope && *s != Scope::Admin)
        .collect()
}

/// Runs `query` as every caller of the matrix; returns the right organisation's answer.
pub async fn matrix(app: &TestApp, name: &str, caller: &Caller, query: &str, variables: Value) -> Value {
    let right = app.token_for(caller.organisation, &[caller.scope]).await;
    let other_key = app
        .token_signed_by(&test_token_service(2), caller.organisation, &[caller.scope])
        .await;
    let other_audience = app
        .token_signed_by(
            &test_token_service_for(1, "another-api"),
            caller.organisation,
            &[caller.scope],
        )
        .await;
    let expired = app.expired_token_for(caller.organisation, &[caller.scope]).await;
    let revoked = app.revoked_token_for(caller.organisation, &[caller.scope]).await;
    let missing_scope = app
        .token_for(caller.organisation, &scopes_without(caller.scope))
        .await;
    let other_scope = if caller.scope == Scope::Admin {
        Scope::PlansWrite
    } else {
        caller.scope
    };
    let other_organisation = app.token_for(caller.other_organisation, &[other_scope]).await;

    let before = dump(&app.db).await;
    let anonymous = app.graphql(query, variables.clone()).await;
    assert_eq!(
        anonymous.error_code(),
        "UNAUTHENTICATED",
        "{name}: anonymous: {}",
        anonymous.body
    );
    for (case, token) in [
        ("bad signature", tamper_signature(&right)),
        ("alg none", unsigned(&right)),
        ("another key", other_key),
        ("expired", expired),
        ("revoked", revoked),
        ("wrong audience", other_audience),
    ] {
        let response = app.bearer(&token).graphql(query, variables.clone()).await;
        assert_eq!(response.status, 401, "{name}: {case}: {}", response.body);
        assert_eq!(response.error_code(), "UNAUTHENTICATED", "{name}: {case}");
    }
    for (case, token) in [
        ("missing scope", missing_scope),
        ("another organisation", other_organisation),
    ] {
        let response = app.bearer(&token).graphql(query, variables.clone()).await;
        assert_eq!(
            response.error_code(),
            "FORBIDDEN",
            "{name}: {case}: {}",
            response.body
        );
    }
    assert!(
        dump(&app.db).await == before,
        "{name}: a refused call changed the database"
    );

    let events_before = audit_count(app).await;
    let response = app.bearer(&right).graphql(query, variables).await;
    let data = response.data().clone();
    assert_eq!(
        audit_count(app).await,
        events_before + 1,
        "{name}: one audit event per acknowledged write"
    );
    data
}

async fn audit_count(app: &TestApp) -> usize {
    use sea_orm::{EntityTrait, PaginatorTrait};
    usize::try_from(entity::audit_event::Entity::find().count(&app.db).await.unwrap()).unwrap()
}

/// The `id` and `version` of the object an anonymous `query` finds at `path` in its data.
pub async fn id_and_version(app: &TestApp, query: &str, path: &[&str]) -> (Value, Value) {
    let response = app.graphql(query, json!({})).await;
    let mut node = response.data().clone();
    for key in path {
        node = match key.parse::<usize>() {
            Ok(index) => node[index].clone(),
            Err(_) => node[*key].clone(),
        };
    }
    (node["id"].clone(), node["version"].clone())
}

/// Runs `query` as `caller` (with the one scope it needs) and returns its data: the earlier
/// steps a mutation under test depends on.
pub async fn done_by(app: &TestApp, caller: &Caller, query: &str, variables: Value) -> Value {
    app.as_org(caller.organisation, &[caller.scope])
        .await
        .graphql(query, variables)
        .await
        .data()
        .clone()
}

/// One test per mutation: `test: CALLER runs QUERY as "mutationName", with |app| { variables }
/// then |data| { checks of the right caller's data }`. The setup block may do earlier steps.
macro_rules! matrix_tests {
    ($(
        $(#[doc = $doc:literal])*
        $test:ident: $caller:ident runs $query:expr, as $mutation:literal,
            with |$app:ident| $setup:block
            then |$data:ident| $check:block
    )*) => {$(
        $(#[doc = $doc])*
        #[tokio::test]
        async fn $test() {
            let $app = crate::common::TestApp::with_fixture().await;
            let variables: serde_json::Value = $setup;
            let $data = crate::mutations::matrix(&$app, $mutation, &$caller, &$query, variables).await;
            $check
        }
    )*};
}
pub(crate) use matrix_tests;
