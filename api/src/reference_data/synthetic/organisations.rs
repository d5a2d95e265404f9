//! The synthetic organisations: one administration per region, then a rotation of kinds, each with
//! a `ZZ-SYN` identifier and one name.

use entity::{enums::OrganisationKind, organisation, organisation_identifier, organisation_name};

use super::Synthetic;
use crate::domain::ids::stable_id;
use crate::domain::write::rows::new_row;

impl Synthetic {
    /// Adds the organisations.
    pub(super) fn organisations(&mut self) {
        // Organisations: one administration per region first, then a rotation of kinds.
        let rotation = [
            OrganisationKind::CentralAuthority,
            OrganisationKind::CivilSociety,
            OrganisationKind::Donor,
            OrganisationKind::InternationalOrganisation,
            OrganisationKind::LocalSelfGovernment,
            OrganisationKind::SecurityAndDefence,
            OrganisationKind::Academic,
        ];
        for index in 0..self.size.organisations {
            let code = format!("syn-org-{:04}", index + 1);
            let id = stable_id("organisation", &code);
            let (kind, region_id) = match self.regions.get(index) {
                Some((region_id, _)) if index < self.size.regional_plans => {
                    (OrganisationKind::RegionalAdministration, Some(*region_id))
                }
                _ => (rotation[index % rotation.len()], None),
            };
            self.organisations.push((kind, id));
            let identifier = format!("ZZ-SYN-{:06}", index + 1);
            self.data
                .organisation_identifiers
                .push(new_row!(organisation_identifier::Model {
                    id: stable_id("organisation-identifier", &identifier),
                    organisation_id: id,
                    scheme: "ZZ-SYN".to_owned(),
                    identifier,
                }));
            let name_uk = format!("Синтетична організація {}", index + 1);
            let name_en = format!("Synthetic organisation {}", index + 1);
            self.data
                .organisation_names
                .push(new_row!(organisation_name::Model {
                    id: stable_id("organisation-name", &format!("{code}#0")),
                    organisation_id: id,
                    name_uk: Some(name_uk.clone()),
                    name_en: Some(name_en.clone()),
                    valid_from: None,
                    valid_until: None,
                }));
            self.data.organisations.push(new_row!(organisation::Model {
                id,
                code,
                kind,
                name_uk: Some(name_uk),
                name_en: Some(name_en),
                region_id,
                withdrawn_at: None,
                withdrawal_reason: None,
                search_text: String::new(),
            }));
        }
    }
}
