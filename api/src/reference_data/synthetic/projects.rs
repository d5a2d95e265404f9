//! The synthetic project links: a funder and an implementer each, one to three plan items (national
//! tasks, or items of regional and local plans), one or two regions.

use chrono::NaiveDate;
use entity::{
    enums::{OrganisationKind, ParticipantRole},
    project_dac_purpose, project_link, project_participant, project_plan_item, project_region,
};

use super::Synthetic;
use crate::domain::ids::stable_id;
use crate::domain::write::rows::new_row;

impl Synthetic {
    /// Adds the project links.
    pub(super) fn project_links(&mut self) {
        // Project links: a funder and an implementer, one to three items, one or two self.regions.
        let currencies = ["UAH", "EUR", "USD"];
        let purposes = ["15170", "15180", "15220"];
        for index in 0..self.size.project_links {
            let iati = format!("ZZ-SYN-{:06}-P{:05}", index % 97 + 1, index + 1);
            let id = stable_id("project-link", &iati);
            let funder = self
                .pick_org(&[
                    OrganisationKind::Donor,
                    OrganisationKind::InternationalOrganisation,
                ])
                .unwrap_or(self.owner);
            let implementer = self.pick_org(&[OrganisationKind::CivilSociety]).unwrap_or(funder);
            let start_year = 2021 + i32::try_from(index % 4).unwrap_or(0);
            self.data.project_links.push(new_row!(project_link::Model {
                id,
                title_uk: Some(format!("Синтетичний проєкт {}", index + 1)),
                title_en: Some(format!("Synthetic project {}", index + 1)),
                iati_identifier: Some(iati),
                budget_amount_cents: Some(
                    i64::try_from(self.rng.below(2_000_000) + 5_000).unwrap_or(5_000) * 100,
                ),
                budget_currency: Some(currencies[index % currencies.len()].to_owned()),
                start_date: NaiveDate::from_ymd_opt(start_year, 1, 1),
                end_date: NaiveDate::from_ymd_opt(start_year + 2, 12, 31),
                url: None,
                gender_marker: Some(i16::try_from(index % 3).unwrap_or(0)),
                owner_organisation_id: funder,
                withdrawn_at: None,
                withdrawal_reason: None,
                search_text: String::new(),
            }));
            for (role, organisation_id) in [
                (ParticipantRole::Funding, funder),
                (ParticipantRole::Implementing, implementer),
            ] {
                self.data
                    .project_participants
                    .push(new_row!(project_participant::Model {
                        id: stable_id(
                            "project-participant",
                            &format!("{id}|{organisation_id}|{}", role.as_wire()),
                        ),
                        project_link_id: id,
                        organisation_id,
                        role,
                    }));
            }
            let purpose = purposes[index % purposes.len()];
            self.data
                .project_dac_purposes
                .push(new_row!(project_dac_purpose::Model {
                    id: stable_id("project-dac-purpose", &format!("{id}|{purpose}")),
                    project_link_id: id,
                    code: purpose.to_owned(),
                }));
            let mut linked = Vec::new();
            for _ in 0..=self.rng.below(3) {
                let pool = if self.rng.below(4) == 0 && !self.localized_items.is_empty() {
                    &self.localized_items
                } else {
                    &self.national_tasks
                };
                if let Some(item) = self.rng.pick(pool)
                    && !linked.contains(&item)
                {
                    linked.push(item);
                }
            }
            for plan_item_id in linked {
                self.data
                    .project_plan_items
                    .push(new_row!(project_plan_item::Model {
                        id: stable_id("project-plan-item", &format!("{id}|{plan_item_id}")),
                        project_link_id: id,
                        plan_item_id,
                    }));
            }
            let mut project_regions = Vec::new();
            for _ in 0..=self.rng.below(2) {
                if let Some((region_id, _)) = self.regions.get(self.rng.below(self.regions.len().max(1)))
                    && !project_regions.contains(region_id)
                {
                    project_regions.push(*region_id);
                }
            }
            for region_id in project_regions {
                self.data.project_regions.push(new_row!(project_region::Model {
                    id: stable_id("project-region", &format!("{id}|{region_id}")),
                    project_link_id: id,
                    region_id,
                }));
            }
        }
    }
}
