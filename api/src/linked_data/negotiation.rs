//! Content negotiation: which of the formats an address offers best fits a request's `Accept`
//! header (media ranges with `q` weights; the most specific matching range decides a format's
//! weight; ties go to the format offered first).

/// A format an address can answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A human page, `text/html`.
    Html,
    /// JSON-LD with SKOS, `application/ld+json`.
    JsonLd,
    /// The same JSON-LD as `application/json`.
    Json,
    /// A list as `text/csv`.
    Csv,
    /// IATI codelist XML, `application/xml`.
    Xml,
}

impl Format {
    /// The media type sent as `Content-Type`.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::JsonLd => "application/ld+json",
            Self::Json => "application/json",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xml => "application/xml; charset=utf-8",
        }
    }

    /// The short name used in `?format=`, file suffixes and ETags.
    pub fn name(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::JsonLd => "jsonld",
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Xml => "xml",
        }
    }

    /// The format named `name` (as [`Format::name`] writes it).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Html, Self::JsonLd, Self::Json, Self::Csv, Self::Xml]
            .into_iter()
            .find(|f| f.name() == name)
    }

    /// The media types that select this format.
    fn accepted_as(self) -> &'static [&'static str] {
        match self {
            Self::Html => &["text/html", "application/xhtml+xml"],
            Self::JsonLd => &["application/ld+json"],
            Self::Json => &["application/json"],
            Self::Csv => &["text/csv"],
            Self::Xml => &["application/xml", "text/xml"],
        }
    }
}

/// How well `range` (e.g. `text/*`) matches `media`: 3 exact, 2 `type/*`, 1 `*/*`, 0 not at all.
fn specificity(range: &str, media: &str) -> u8 {
    if range == media {
        3
    } else if range == "*/*" {
        1
    } else if let Some(kind) = range.strip_suffix("/*")
        && media.split('/').next() == Some(kind)
    {
        2
    } else {
        0
    }
}

/// The best of `offered` for `accept`; the first offered when there is no `Accept`; `None` when
/// nothing offered is acceptable.
pub fn negotiate(accept: Option<&str>, offered: &[Format]) -> Option<Format> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return offered.first().copied();
    };
    let ranges: Vec<(String, f32)> = accept
        .split(',')
        .map(|part| {
            let mut pieces = part.split(';');
            let range = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (range, q)
        })
        .collect();
    let weight = |format: Format| -> f32 {
        let mut best = (0u8, 0.0f32);
        for media in format.accepted_as() {
            for (range, q) in &ranges {
                let s = specificity(range, media);
                if s > best.0 || (s == best.0 && s > 0 && *q > best.1) {
                    best = (s, *q);
                }
            }
        }
        best.1
    };
    let mut chosen: Option<(Format, f32)> = None;
    for format in offered {
        let q = weight(*format);
        if q > 0.0 && chosen.is_none_or(|(_, best)| q > best) {
            chosen = Some((*format, q));
        }
    }
    chosen.map(|(format, _)| format)
}

#[cfg(test)]
mod tests {
    use super::{Format::*, *};

    const OFFERED: [Format; 4] = [Html, JsonLd, Json, Csv];

    #[test]
    fn browsers_get_pages_and_machines_get_data() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(negotiate(Some(browser), &OFFERED), Some(Html));
        assert_eq!(negotiate(Some("application/ld+json"), &OFFERED), Some(JsonLd));
        assert_eq!(negotiate(Some("application/json"), &OFFERED), Some(Json));
        assert_eq!(negotiate(Some("text/csv"), &OFFERED), Some(Csv));
        assert_eq!(negotiate(Some("*/*"), &OFFERED), Some(Html));
        assert_eq!(negotiate(None, &OFFERED), Some(Html));
        assert_eq!(
            negotiate(Some("text/html;q=0.5, application/ld+json"), &OFFERED),
            Some(JsonLd)
        );
        assert_eq!(
            negotiate(Some("text/*;q=0.9, text/html;q=0"), &OFFERED),
            Some(Csv)
        );
    }

    #[test]
    fn nothing_acceptable_is_none() {
        assert_eq!(negotiate(Some("image/png"), &OFFERED), None);
        assert_eq!(negotiate(Some("text/html"), &[Xml, Json]), None);
    }
}
