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

    /// The text checked as the input fields `{field}Uk` and `{field}En`, each at most `max`
    /// characters (trimmed; a blank text counts as missing).
    pub fn checked(self, field: &str, max: usize) -> ApiResult<Self> {
        Ok(Self {
            uk: validation::optional_text(&format!("{field}Uk"), self.uk.as_deref(), max)?,
            en: validation::optional_text(&format!("{field}En"), self.en.as_deref(), max)?,
        })
    }

    /// The text with `changes` applied, checked as the input fields `{field}Uk` and `{field}En`
    /// (each at most `max` characters); a language left out keeps its text.
    pub fn patched(self, field: &str, max: usize, changes: BilingualPatch) -> ApiResult<Self> {
        let apply = |current: Option<String>, patch: Patch<String>, language: &str| match patch {
            Some(text) => validation::optional_text(&format!("{field}{language}"), text.as_deref(), max),
            None => Ok(current),
        };
        Ok(Self {
            uk: apply(self.uk, changes.uk, "Uk")?,
            en: apply(self.en, changes.en, "En")?,
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

/// Changes to a text in Ukrainian and English: a language left out (`None`) keeps its text,
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BilingualPatch {
    /// The change to the Ukrainian text.
    pub uk: Patch<String>,
    /// The change to the English text.
    pub en: Patch<String>,
}

impl BilingualPatch {
    /// Applies the changes to the stored pair `uk` and `en` (checked as the input fields
    /// `{field}Uk` and `{field}En`, each at most `max` characters) and answers the text as it is
    /// now; on an error the pair is left as it was.
    pub fn apply(
        self,
        field: &str,
        max: usize,
        uk: &mut Option<String>,
        en: &mut Option<String>,
    ) -> ApiResult<Bilingual> {
        let text = Bilingual::new(uk.clone(), en.clone()).patched(field, max, self)?;
        (*uk, *en) = (text.uk.clone(), text.en.clone());
        Ok(text)
    }
}

impl From<Bilingual> for BilingualPatch {
    /// Both languages set to the text's (a missing one cleared).
    fn from(text: Bilingual) -> Self {
        Self {
            uk: Some(text.uk),
            en: Some(text.en),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_required_in_one_language_and_patches_keep_what_is_left_out() {
        let text = Bilingual::new(None, Some("Title".into()))
            .checked("input.title", 10)
            .unwrap();
        assert!(text.required("input.titleUk", "title").is_ok());
        let clear_english = BilingualPatch {
            uk: None,
            en: Some(None),
        };
        let cleared = text.clone().patched("input.title", 10, clear_english).unwrap();
        let error = cleared.required("input.titleUk", "title").unwrap_err();
        assert_eq!(
            error.message(),
            "input.titleUk: give a title in at least one language"
        );
        let (mut uk, mut en) = (text.uk, text.en);
        let ukrainian = BilingualPatch {
            uk: Some(Some("Назва".into())),
            en: None,
        };
        let patched = ukrainian.apply("input.title", 10, &mut uk, &mut en).unwrap();
        let expected = Bilingual::new(Some("Назва".into()), Some("Title".into()));
        assert_eq!(patched, expected);
        assert_eq!(Bilingual::new(uk.clone(), en.clone()), expected);
        let too_long = BilingualPatch {
            uk: Some(Some("long".into())),
            en: Some(None),
        };
        let long = too_long.apply("input.title", 3, &mut uk, &mut en).unwrap_err();
        assert!(long.message().starts_with("input.titleUk:"), "{long:?}");
        assert_eq!(
            Bilingual::new(uk, en),
            expected,
            "a refused change leaves the pair"
        );
        let blank = Bilingual::new(Some("  ".into()), Some(" Title ".into()));
        assert_eq!(
            blank.checked("input.title", 10).unwrap(),
            Bilingual::new(None, Some("Title".into()))
        );
    }
}
