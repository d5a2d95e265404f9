//! Reading webhooks: the endpoints a viewer may manage, with their delivery state, and their
//! delivery logs.

use entity::{webhook_cursor, webhook_delivery, webhook_endpoint};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::Webhook;
use crate::{
    domain::{
        access::{Actor, Scope},
        lookup::rows_among,
    },
    error::ApiResult,
};

/// The endpoints `viewer` may see (its organisation's; every organisation's, or `organisation`'s,
/// for administrators), oldest first.
pub async fn list_webhooks(
    db: &impl ConnectionTrait,
    viewer: &Actor,
    organisation: Option<Uuid>,
) -> ApiResult<Vec<Webhook>> {
    viewer.require(Scope::WebhooksManage)?;
    let mut query = webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::DeletedAt.is_null());
    if !viewer.has(Scope::Admin) {
        query = query.filter(webhook_endpoint::Column::OrganisationId.eq(viewer.organisation()));
    } else if let Some(organisation) = organisation {
        query = query.filter(webhook_endpoint::Column::OrganisationId.eq(organisation));
    }
    let endpoints = query
        .order_by_asc(webhook_endpoint::Column::CreatedAt)
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = endpoints.iter().map(|e| e.id).collect();
    let cursors = rows_among(db, webhook_cursor::Column::Id, ids, None).await?;
    Ok(endpoints
        .into_iter()
        .map(|endpoint| Webhook {
            cursor: cursors.iter().find(|c| c.id == endpoint.id).cloned(),
            endpoint,
        })
        .collect())
}

/// The endpoint `id` if `viewer` may see it.
pub async fn find_webhook(db: &impl ConnectionTrait, viewer: &Actor, id: Uuid) -> ApiResult<Option<Webhook>> {
    viewer.require(Scope::WebhooksManage)?;
    let Some(endpoint) = webhook_endpoint::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if endpoint.deleted_at.is_some()
        || !(viewer.has(Scope::Admin) || viewer.organisation() == Some(endpoint.organisation_id))
    {
        return Ok(None);
    }
    let cursor = webhook_cursor::Entity::find_by_id(id).one(db).await?;
    Ok(Some(Webhook { endpoint, cursor }))
}

/// The most recent `limit` delivery attempts to endpoint `id`, newest first.
pub async fn recent_deliveries(
    db: &impl ConnectionTrait,
    id: Uuid,
    limit: u64,
) -> ApiResult<Vec<webhook_delivery::Model>> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .order_by_desc(webhook_delivery::Column::AttemptedAt)
        .order_by_desc(webhook_delivery::Column::Sequence)
        .order_by_desc(webhook_delivery::Column::Attempt)
        .limit(limit)
        .all(db)
        .await?)
}
