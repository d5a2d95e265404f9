//! Texts kept in Ukrainian and English (titles, names, labels, descriptions): validated together,
//! and, where the registry needs one, required in at least one of the two languages.

use super::{validation, write::Patch};
use crate::error::{ApiError, ApiResult};

/// A text in Ukrainian and English, either possibly missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bilingual {
    /// The Ukrainian text.
    pub uk: Option<String>,
    /// The English text.
    pub en: Option<String>,
}

impl Bilingual {
    /// The pair as stored.
    pub fn new(uk: Option<String>, en: Option<String>) -> Self {
        Self { uk, en }
    }

    /// A new text from the input fields `{field}Uk` and `{field}En`, each at most `max`
    /// characters.
    pub fn given(field: &str, max: usize, uk: Option<&str>, en: Option<&str>) -> ApiResult<Self> {
        Ok(Self {
            uk: validation::optional_text(&format!("{field}Uk"), uk, max)?,
            en: validation::optional_text(&format!("{field}En"), en, max)?,
        })
    }

    /// The text with the changes of `{field}Uk` and `{field}En` applied (each at most `max`
    /// characters); a language left out keeps its text.
    pub fn patched(self, field: &str, max: usize, uk: Patch<String>, en: Patch<String>) -> ApiResult<Self> {
        let apply = |current: Option<String>, patch: Patch<String>, language: &str| match patch {
            Some(text) => validation::optional_text(&format!("{field}{language}"), text.as_deref(), max),
            None => Ok(current),
        };
        Ok(Self {
            uk: apply(self.uk, uk, "Uk")?,
            en: apply(self.en, en, "En")?,
        })
    }

    /// Refuses a text missing in both languages, on `field`, asking for a `noun` ("title").
    pub fn required(&self, field: &str, noun: &str) -> ApiResult<()> {
        if self.uk.is_none() && self.en.is_none() {
            return Err(ApiError::invalid(
                field,
                format!("give a {noun} in at least one language"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_required_in_one_language_and_patches_keep_what_is_left_out() {
        let text = Bilingual::given("input.title", 10, None, Some("Title")).unwrap();
        assert!(text.required("input.titleUk", "title").is_ok());
        let cleared = text.clone().patched("input.title", 10, None, Some(None)).unwrap();
        let error = cleared.required("input.titleUk", "title").unwrap_err();
        assert_eq!(
            error.message(),
            "input.titleUk: give a title in at least one language"
        );
        let patched = text
            .patched("input.title", 10, Some(Some("Назва".into())), None)
            .unwrap();
        assert_eq!(
            patched,
            Bilingual::new(Some("Назва".into()), Some("Title".into()))
        );
        let long = Bilingual::given("input.title", 3, Some("long"), None).unwrap_err();
        assert!(long.message().starts_with("input.titleUk:"), "{long:?}");
    }
}
