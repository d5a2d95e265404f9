//! `IatiCode`: a code the registry stores from one of IATI's codelists, with its published label.

use async_graphql::SimpleObject;

use crate::domain::codelists::Codelist;

/// A code from one of IATI's codelists (DAC purpose codes, policy significance, organisation
/// roles) with its published label, so that clients need not ship the lists themselves.
#[derive(SimpleObject, Clone)]
pub struct IatiCode {
    /// The code as IATI publishes it, e.g. `15170` or `1`.
    pub code: String,
    /// The codelist's (English) name of the code; null when the code is not on the list.
    pub label: Option<String>,
    /// Whether IATI has withdrawn the code from its list.
    pub withdrawn: bool,
}

impl IatiCode {
    /// `code` with its label from `list`.
    pub fn new(list: &Codelist, code: &str) -> Self {
        let item = list.get(code);
        Self {
            code: code.to_owned(),
            label: item.map(|i| i.name.clone()),
            withdrawn: item.is_some_and(|i| i.withdrawn),
        }
    }
}
