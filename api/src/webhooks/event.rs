//! What a delivery carries: the change-feed entry of a public change (the same fields as the
//! GraphQL `Change`) and the changed object's permanent address. Nothing that cannot be read
//! anonymously: only public events are delivered, and only their feed fields.

use entity::audit_event;
use serde_json::{Value, json};

use crate::{graphql::node_id, linked_data::PublicUrl};

/// The `type` of every delivered message.
pub const EVENT_TYPE: &str = "registry.change";

/// The `webhook-id` of the message for `event`: the same on every attempt, so receivers can drop a
/// second delivery of a change. The sequence comes first (one write may record several events
/// under one sequence number; the event's own id tells them apart).
pub fn message_id(event: &audit_event::Model) -> String {
    format!("msg_{}_{}", event.sequence, event.id.simple())
}

/// The JSON body of the message for `event`.
pub fn body(event: &audit_event::Model, base: &PublicUrl) -> String {
    let payload: Value = json!({
        "type": EVENT_TYPE,
        "timestamp": event.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": {
            "sequence": event.sequence,
            "entityType": event.entity_type,
            "entityId": node_id::encode(&event.entity_type, event.entity_id).0,
            "entityCode": event.entity_code,
            "action": event.action,
            "version": event.entity_version,
            "occurredAt": event.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "uri": uri(event, base),
        }
    });
    payload.to_string()
}

/// The permanent address of the changed object, when it has one.
pub fn uri(event: &audit_event::Model, base: &PublicUrl) -> Option<String> {
    let code = event.entity_code.as_deref();
    match event.entity_type.as_str() {
        "Plan" => code.map(|c| base.plan(c)),
        "PlanItem" => code.map(|c| base.plan_item(c)),
        "Indicator" => code
            .and_then(|c| c.rsplit_once('/'))
            .map(|(item, indicator)| base.indicator(item, indicator)),
        "TargetGroup" => code.map(|c| base.target_group(c)),
        "Organisation" => code.map(|c| base.organisation(c)),
        "Region" => code.map(|c| base.region(c)),
        "ProjectLink" => Some(base.project(code, event.entity_id)),
        _ => None,
    }
}
