//! The language human-readable text is returned in: a `lang` argument on each text field, with
//! the request's `Accept-Language` as the default and the other language as the fallback.

use async_graphql::{Enum, SimpleObject};

/// A language of the registry's texts.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// Ukrainian, the language of the official documents; the default.
    #[default]
    Uk,
    /// English.
    En,
}

impl Language {
    /// The best supported language of an `Accept-Language` header value (`uk`, `en-GB;q=0.8`, …),
    /// or the default when the header names neither.
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Self::default();
        };
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                .unwrap_or(1.0);
            let language = match tag.split('-').next() {
                Some("uk") => Self::Uk,
                Some("en") => Self::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, language));
            }
        }
        best.map_or_else(Self::default, |(_, language)| language)
    }

    /// Picks the text in this language, or in the other one when this one is missing.
    pub fn pick(self, uk: Option<&str>, en: Option<&str>) -> Option<String> {
        let (first, second) = match self {
            Self::Uk => (uk, en),
            Self::En => (en, uk),
        };
        first
            .filter(|t| !t.is_empty())
            .or(second.filter(|t| !t.is_empty()))
            .map(str::to_owned)
    }
}

/// A text in both languages; either may be absent where it is not known.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct LocalizedText {
    /// The Ukrainian text.
    pub uk: Option<String>,
    /// The English text.
    pub en: Option<String>,
}

impl LocalizedText {
    /// Both languages of a pair of columns.
    pub fn new(uk: Option<&str>, en: Option<&str>) -> Self {
        Self {
            uk: uk.map(str::to_owned),
            en: en.map(str::to_owned),
        }
    }
}

/// Declares `$fields`, the two fields of one text kept in both languages, for a type to take in
/// with a `#[graphql(flatten)]` resolver that returns `$fields::new(uk, en)`: `$one` (the text in
/// the `lang` argument's language, falling back to the other) and `$both` (a `LocalizedText`). The
/// fields keep the docs written on them; `$fields` itself never appears in the schema. (A macro
/// called inside the owning type's `#[Object] impl` would not do: the attribute sees the call, not
/// its expansion.)
macro_rules! bilingual_fields {
    (
        $(#[$fields_doc:meta])*
        $fields:ident {
            $(#[$one_doc:meta])*
            $one:ident,
            $(#[$both_doc:meta])*
            $both:ident $(,)?
        }
    ) => {
        $(#[$fields_doc])*
        pub struct $fields<'a> {
            uk: Option<&'a str>,
            en: Option<&'a str>,
        }

        impl<'a> $fields<'a> {
            /// The text in Ukrainian and in English.
            pub fn new(uk: Option<&'a str>, en: Option<&'a str>) -> Self {
                Self { uk, en }
            }
        }

        #[async_graphql::Object]
        impl $fields<'_> {
            $(#[$one_doc])*
            async fn $one(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(
                    desc = "Language of the text (default: the request's `Accept-Language`, else Ukrainian); the other language is used when this one is missing."
                )]
                lang: Option<$crate::graphql::language::Language>,
            ) -> Option<String> {
                $crate::graphql::context::language(ctx, lang).pick(self.uk, self.en)
            }

            $(#[$both_doc])*
            async fn $both(&self) -> $crate::graphql::language::LocalizedText {
                $crate::graphql::language::LocalizedText::new(self.uk, self.en)
            }
        }
    };
}
pub(crate) use bilingual_fields;

bilingual_fields! {
    /// `title` and `titles` where nothing more is said of them (`ProjectLink`, `Vocabulary`).
    Title {
        /// The title in `lang`, falling back to the other language.
        title,
        /// The title in both languages.
        titles,
    }
}

bilingual_fields! {
    /// `name` and `names` where nothing more is said of them (`Indicator`, `Region`).
    Name {
        /// The name in `lang`, falling back to the other language.
        name,
        /// The name in both languages.
        names,
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Language::from_accept_language(None), Language::Uk);
        assert_eq!(
            Language::from_accept_language(Some("en-GB,en;q=0.9")),
            Language::En
        );
        assert_eq!(
            Language::from_accept_language(Some("de, en;q=0.5, uk;q=0.8")),
            Language::Uk
        );
        assert_eq!(Language::from_accept_language(Some("fr")), Language::Uk);
        assert_eq!(
            Language::from_accept_language(Some("uk;q=0, en;q=0.1")),
            Language::En
        );
    }

    #[test]
    fn missing_text_falls_back_to_the_other_language() {
        assert_eq!(Language::Uk.pick(None, Some("Goal")).as_deref(), Some("Goal"));
        assert_eq!(Language::En.pick(Some("Ціль"), Some("")).as_deref(), Some("Ціль"));
        assert_eq!(
            Language::En.pick(Some("Ціль"), Some("Goal")).as_deref(),
            Some("Goal")
        );
        assert_eq!(Language::En.pick(None, None), None);
    }
}
