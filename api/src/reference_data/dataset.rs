//! A set of rows to load (`Dataset`), what each table's rows are to the audit trail and the change
//! feed (`SeedRow`), and what a load did (`SeedReport`). The loader itself is in `loader.rs`.

use std::{collections::HashMap, fmt};

use entity::{
    funding_line, indicator, indicator_value, legal_act, organisation, organisation_identifier,
    organisation_name, organisation_succession, plan, plan_item, plan_item_implementation,
    plan_item_target_group, plan_legal_act, project_dac_purpose, project_link, project_participant,
    project_plan_item, project_region, region, region_plan_state, responsibility, target_group, vocabulary,
};
use uuid::Uuid;

pub use crate::domain::write::rows::Row;
use crate::domain::{entity_type::EntityType, search};

/// What a loaded row is to the audit trail and the change feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// An object of the API (a `Node`): its changes are its own events, under its type and code.
    Object {
        /// Its type.
        entity_type: EntityType,
        /// The code its lookup takes.
        code: FeedCode,
    },
    /// A row that belongs to an object (a name, an identifier, a responsibility...): its changes
    /// are recorded as LINK or UPDATE events of that object, with the row itself as `after`.
    PartOf {
        /// The owner's type.
        entity_type: EntityType,
        /// Key of the owner.
        owner: Uuid,
    },
    /// A row the API does not publish as an object (a vocabulary version): audited, not in the feed.
    Private {
        /// Its type in the audit trail.
        entity_type: EntityType,
    },
}

/// The code an object shows in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedCode {
    /// It has none (look it up by its global ID).
    None,
    /// Its own code.
    Own(String),
    /// Its code within the plan item with this key: `<item code>/<code>` (indicators).
    UnderItem(Uuid, String),
}

impl Subject {
    fn object(entity_type: EntityType, code: Option<&str>) -> Self {
        Self::Object {
            entity_type,
            code: code.map_or(FeedCode::None, |code| FeedCode::Own(code.to_owned())),
        }
    }

    fn part_of(entity_type: EntityType, owner: Uuid) -> Self {
        Self::PartOf { entity_type, owner }
    }
}

/// A row the loader can key, compare, stamp (see `Row`) and audit.
pub trait SeedRow: Row {
    /// What the row is to the audit trail and the feed.
    fn subject(&self) -> Subject;
}

macro_rules! seed_rows {
    ($($module:ident => |$row:ident| $subject:expr),+ $(,)?) => {$(
        impl SeedRow for $module::Model {
            fn subject(&self) -> Subject {
                let $row = self;
                $subject
            }
        }
    )+};
}

seed_rows!(
    region => |r| Subject::object(EntityType::Region, Some(&r.code)),
    organisation => |o| Subject::object(EntityType::Organisation, Some(&o.code)),
    organisation_name => |n| Subject::part_of(EntityType::Organisation, n.organisation_id),
    organisation_identifier => |i| Subject::part_of(EntityType::Organisation, i.organisation_id),
    organisation_succession => |s| Subject::part_of(EntityType::Organisation, s.predecessor_id),
    legal_act => |_a| Subject::object(EntityType::LegalAct, None),
    plan => |p| Subject::object(EntityType::Plan, Some(&p.code)),
    plan_legal_act => |l| Subject::part_of(EntityType::Plan, l.plan_id),
    region_plan_state => |s| Subject::part_of(EntityType::Plan, s.plan_id),
    vocabulary => |_v| Subject::Private {
        entity_type: EntityType::Vocabulary,
    },
    target_group => |g| Subject::object(EntityType::TargetGroup, Some(&g.code)),
    plan_item => |i| Subject::object(EntityType::PlanItem, Some(&i.code)),
    funding_line => |f| Subject::part_of(EntityType::PlanItem, f.plan_item_id),
    responsibility => |r| Subject::part_of(EntityType::PlanItem, r.plan_item_id),
    plan_item_target_group => |l| Subject::part_of(EntityType::PlanItem, l.plan_item_id),
    plan_item_implementation => |l| Subject::part_of(EntityType::PlanItem, l.implementing_item_id),
    indicator => |i| Subject::Object {
        entity_type: EntityType::Indicator,
        code: FeedCode::UnderItem(i.plan_item_id, i.code.clone()),
    },
    indicator_value => |_v| Subject::object(EntityType::IndicatorValue, None),
    project_link => |p| Subject::object(EntityType::ProjectLink, p.iati_identifier.as_deref()),
    project_participant => |p| Subject::part_of(EntityType::ProjectLink, p.project_link_id),
    project_dac_purpose => |p| Subject::part_of(EntityType::ProjectLink, p.project_link_id),
    project_region => |p| Subject::part_of(EntityType::ProjectLink, p.project_link_id),
    project_plan_item => |p| Subject::part_of(EntityType::ProjectLink, p.project_link_id),
);

/// Rows for every table, in the order foreign keys require them to be loaded.
#[derive(Debug, Default, Clone)]
pub struct Dataset {
    /// Regions.
    pub regions: Vec<region::Model>,
    /// Organisations.
    pub organisations: Vec<organisation::Model>,
    /// Organisation name history.
    pub organisation_names: Vec<organisation_name::Model>,
    /// Organisation identifiers.
    pub organisation_identifiers: Vec<organisation_identifier::Model>,
    /// Predecessor/successor links.
    pub organisation_successions: Vec<organisation_succession::Model>,
    /// Legal acts, amended acts before the acts amending them.
    pub legal_acts: Vec<legal_act::Model>,
    /// Plans, a plan after any plan it localizes or supersedes.
    pub plans: Vec<plan::Model>,
    /// Plan to legal act links.
    pub plan_legal_acts: Vec<plan_legal_act::Model>,
    /// Regions' known states relative to national plans.
    pub region_plan_states: Vec<region_plan_state::Model>,
    /// Vocabulary versions.
    pub vocabularies: Vec<vocabulary::Model>,
    /// Target groups, a replacement before the groups it replaces.
    pub target_groups: Vec<target_group::Model>,
    /// Plan items, parents before children.
    pub plan_items: Vec<plan_item::Model>,
    /// Funding lines.
    pub funding_lines: Vec<funding_line::Model>,
    /// Responsibilities.
    pub responsibilities: Vec<responsibility::Model>,
    /// Item to target group links.
    pub plan_item_target_groups: Vec<plan_item_target_group::Model>,
    /// Localizing item to national item links.
    pub plan_item_implementations: Vec<plan_item_implementation::Model>,
    /// Indicators.
    pub indicators: Vec<indicator::Model>,
    /// Indicator values.
    pub indicator_values: Vec<indicator_value::Model>,
    /// Project links.
    pub project_links: Vec<project_link::Model>,
    /// Project participants.
    pub project_participants: Vec<project_participant::Model>,
    /// Project DAC purposes.
    pub project_dac_purposes: Vec<project_dac_purpose::Model>,
    /// Project regions.
    pub project_regions: Vec<project_region::Model>,
    /// Project to plan item links.
    pub project_plan_items: Vec<project_plan_item::Model>,
}

/// What loading did to one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    /// Table name.
    pub table: &'static str,
    /// Rows added.
    pub inserted: usize,
    /// Rows whose content changed.
    pub updated: usize,
    /// Rows already as given.
    pub unchanged: usize,
    /// Rows changed (or removed) through the API since they were loaded, left as they are.
    pub kept: usize,
}

/// A row the load left alone because it was changed through the API since it was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptRow {
    /// Table name.
    pub table: &'static str,
    /// The row's key.
    pub id: Uuid,
    /// The object's code (or its owner's type), to find it.
    pub label: String,
    /// Why it was left alone.
    pub reason: &'static str,
}

/// What loading a dataset did, table by table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// One entry per table, in load order.
    pub tables: Vec<TableReport>,
    /// The rows left alone because they were edited through the API, in load order.
    pub kept: Vec<KeptRow>,
    /// Audit events (one per inserted or changed row) the load recorded.
    pub events: usize,
}

impl SeedReport {
    /// Whether the load changed nothing at all.
    pub fn changed_nothing(&self) -> bool {
        self.tables
            .iter()
            .all(|table| table.inserted == 0 && table.updated == 0)
    }

    fn merge(&mut self, other: Self) {
        for table in other.tables {
            match self.tables.iter_mut().find(|t| t.table == table.table) {
                Some(existing) => {
                    existing.inserted += table.inserted;
                    existing.updated += table.updated;
                    existing.unchanged += table.unchanged;
                    existing.kept += table.kept;
                }
                None => self.tables.push(table),
            }
        }
        self.kept.extend(other.kept);
        self.events += other.events;
    }

    /// Adds up two reports, table by table.
    pub fn combined(mut self, other: Self) -> Self {
        self.merge(other);
        self
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<28} {:>9} {:>9} {:>9} {:>9}",
            "table", "inserted", "updated", "unchanged", "kept"
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "{:<28} {:>9} {:>9} {:>9} {:>9}",
                t.table, t.inserted, t.updated, t.unchanged, t.kept
            )?;
        }
        writeln!(
            f,
            "{} audit events recorded (one per inserted or changed row)",
            self.events
        )?;
        if !self.kept.is_empty() {
            writeln!(
                f,
                "{} rows changed through the API since they were loaded were left as they are:",
                self.kept.len()
            )?;
            for row in &self.kept {
                writeln!(f, "  {} {} ({}): {}", row.table, row.label, row.id, row.reason)?;
            }
        }
        Ok(())
    }
}

impl Dataset {
    /// Computes the columns the registry derives from others: `search_text` of every searchable
    /// row, and the `sort_key` of indicators (from their item's code).
    pub fn fill_derived_columns(&mut self) {
        for item in &mut self.plan_items {
            item.search_text = search::plan_item_text(item);
        }
        let items: HashMap<Uuid, &plan_item::Model> = self.plan_items.iter().map(|i| (i.id, i)).collect();
        for indicator in &mut self.indicators {
            indicator.search_text = search::indicator_text(indicator);
            if let Some(item) = items.get(&indicator.plan_item_id) {
                indicator.sort_key = crate::domain::indicators::sort_key(item, &indicator.code);
            }
        }
        for link in &mut self.project_links {
            link.search_text = search::project_link_text(link);
        }
        for organisation in &mut self.organisations {
            let identifiers = self
                .organisation_identifiers
                .iter()
                .filter(|i| i.organisation_id == organisation.id)
                .map(|i| i.identifier.as_str());
            let names = self
                .organisation_names
                .iter()
                .filter(|n| n.organisation_id == organisation.id);
            let former: Vec<&str> = names
                .flat_map(|n| [n.name_uk.as_deref(), n.name_en.as_deref()])
                .flatten()
                .collect();
            organisation.search_text =
                search::organisation_text(organisation, identifiers.chain(former.iter().copied()));
        }
    }
}
