//! Field checks shared by the writes. Each returns a BAD_USER_INPUT error naming the field.

use crate::error::{ApiError, ApiResult};

/// Active ISO 4217 currency codes.
const ISO_4217: [&str; 155] = [
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP",
    "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD",
    "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK",
    "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP",
    "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP",
    "SLE", "SOS", "SRD", "SSP", "STN", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD",
    "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER",
    "ZAR", "ZMW", "ZWG", "ANG", "CUC",
];

/// `text` when `ok`, else an error on `field` saying that `text` is not `what`.
fn accept(ok: bool, field: &str, text: &str, what: &str) -> ApiResult<String> {
    if ok {
        Ok(text.to_owned())
    } else {
        Err(ApiError::invalid(field, format!("`{text}` is not {what}")))
    }
}

/// Checks an ISO 4217 currency code.
pub fn currency(field: &str, code: &str) -> ApiResult<String> {
    let what = "an ISO 4217 currency code such as UAH, EUR or USD";
    accept(ISO_4217.contains(&code), field, code, what)
}

/// Parses a non-negative decimal amount with at most two fraction digits into hundredths.
pub fn amount_cents(field: &str, text: &str) -> ApiResult<i64> {
    let invalid = || {
        ApiError::invalid(
            field,
            format!("`{text}` is not a non-negative amount such as 1250.50"),
        )
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || fraction.len() > 2 || whole.len() > 15 {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(invalid)
}

/// Checks an IATI activity identifier: the reporting organisation's identifier, a hyphen and the
/// activity's own part, with no white space and none of `/ & | ?`.
pub fn iati_identifier(field: &str, text: &str) -> ApiResult<String> {
    let prefix_ok = text.len() >= 4
        && text.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
        && text.as_bytes()[2] == b'-';
    let chars_ok = text
        .chars()
        .all(|c| !c.is_whitespace() && !['/', '&', '|', '?'].contains(&c));
    let what = "an IATI activity identifier such as XM-DAC-41146-UKR-1234 (organisation identifier, hyphen, activity part; no spaces or / & | ?)";
    accept(prefix_ok && chars_ok && text.len() <= 200, field, text, what)
}

/// The scheme of an org-id identifier: its first two parts (`UA-EDR-12345678` gives `UA-EDR`,
/// `XM-DAC-5-1` gives `XM-DAC`), or `None` when it is not `{country or XM/XI}-{list}-{value}`.
pub fn identifier_scheme(identifier: &str) -> Option<String> {
    let mut parts = identifier.splitn(3, '-');
    let (country, list, value) = (parts.next()?, parts.next()?, parts.next()?);
    let code_ok =
        |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let value_ok = !value.is_empty() && !value.chars().any(char::is_whitespace);
    (country.len() == 2 && code_ok(country) && code_ok(list) && value_ok).then(|| format!("{country}-{list}"))
}

/// Checks an organisation identifier of the org-id form `XX-LIST-value`.
pub fn organisation_identifier(field: &str, text: &str) -> ApiResult<String> {
    let org_id = identifier_scheme(text).is_some() && text.len() <= 100;
    if org_id
        && let Some(number) = text.strip_prefix("UA-EDR-")
        && (number.len() != 8 || !number.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::invalid(
            field,
            format!("`{text}`: an EDRPOU code has exactly 8 digits"),
        ));
    }
    let what = "an org-id identifier such as UA-EDR-12345678 or XM-DAC-41146";
    accept(org_id, field, text, what)
}

/// Checks an http(s) URL.
pub fn url(field: &str, text: &str) -> ApiResult<String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    let ok = host.is_some_and(|host| !host.is_empty() && host.contains('.'))
        && !text.chars().any(char::is_whitespace)
        && text.len() <= 2000;
    accept(ok, field, text, "an http or https URL")
}

/// Checks a registry code (plans, organisations, target groups): letters, digits and hyphens.
pub fn code(field: &str, text: &str) -> ApiResult<String> {
    let ok = (2..=64).contains(&text.len())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    accept(
        ok,
        field,
        text,
        "a code: 2 to 64 letters, digits and inner hyphens",
    )
}

/// Checks a year and a period.
pub fn period(start_field: &str, start: i32, end_field: &str, end: i32) -> ApiResult<()> {
    for (field, year) in [(start_field, start), (end_field, end)] {
        if !(1990..=2100).contains(&year) {
            return Err(ApiError::invalid(
                field,
                format!("{year} is not a year between 1990 and 2100"),
            ));
        }
    }
    if start > end {
        return Err(ApiError::invalid(
            end_field,
            format!("the period ends ({end}) before it starts ({start})"),
        ));
    }
    Ok(())
}

/// Checks a required text: not blank, at most `max` characters; returns it trimmed.
pub fn text(field: &str, value: &str, max: usize) -> ApiResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid(field, "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(ApiError::invalid(field, format!("at most {max} characters")));
    }
    Ok(trimmed.to_owned())
}

/// Checks an optional text; blank counts as absent.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> ApiResult<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => text(field, v, max).map(Some),
        None => Ok(None),
    }
}

/// Checks an SDG indicator reference such as `5.5.1` or `16.a.1`.
pub fn sdg_indicator(field: &str, text: &str) -> ApiResult<String> {
    let parts: Vec<&str> = text.split('.').collect();
    let ok = parts.len() == 3
        && parts[0].parse::<u8>().is_ok_and(|g| (1..=17).contains(&g))
        && !parts[1].is_empty()
        && parts[1].len() <= 2
        && parts[1]
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        && parts[2].parse::<u8>().is_ok();
    accept(ok, field, text, "an SDG indicator such as 5.5.1")
}

/// Checks an OECD DAC purpose code: five digits, on IATI's `Sector` codelist and not withdrawn.
pub fn dac_purpose(field: &str, text: &str) -> ApiResult<String> {
    let five_digits = text.len() == 5 && text.bytes().all(|b| b.is_ascii_digit());
    accept(
        five_digits,
        field,
        text,
        "a five-digit DAC purpose code such as 15170",
    )?;
    match super::codelists::sectors().get(text) {
        Some(item) if !item.withdrawn => Ok(text.to_owned()),
        Some(_) => Err(ApiError::invalid(
            field,
            format!("DAC purpose code `{text}` has been withdrawn from IATI's Sector codelist"),
        )),
        None => Err(ApiError::invalid(
            field,
            format!("`{text}` is not on IATI's Sector codelist of DAC purpose codes"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(amount_cents("a", "1250.5").unwrap(), 125_050);
        assert_eq!(amount_cents("a", "0").unwrap(), 0);
        assert_eq!(amount_cents("a", "10.05").unwrap(), 1_005);
        for bad in [
            "-1",
            "1.234",
            "",
            "1,5",
            "abc",
            "1.",
            ".5",
            "99999999999999999999",
        ] {
            assert_eq!(
                amount_cents("input.budget.amount", bad).unwrap_err().code(),
                "BAD_USER_INPUT",
                "{bad}"
            );
        }
    }

    #[test]
    fn identifiers_and_urls() {
        assert!(
            currency("c", "UAH").is_ok() && currency("c", "XYZ").is_err() && currency("c", "uah").is_err()
        );
        assert!(iati_identifier("i", "XM-DAC-41146-UKR-1").is_ok());
        for bad in ["UKR 1", "xm-dac-1", "XM-DAC/1", "X"] {
            assert!(iati_identifier("i", bad).is_err(), "{bad}");
        }
        assert!(organisation_identifier("o", "UA-EDR-12345678").is_ok());
        assert!(organisation_identifier("o", "UA-EDR-1234").is_err());
        assert!(url("u", "https://zakon.rada.gov.ua/laws/show/1544-2020-р").is_ok());
        assert!(url("u", "javascript:alert(1)").is_err() && url("u", "https://").is_err());
        assert!(
            sdg_indicator("s", "5.5.1").is_ok()
                && sdg_indicator("s", "16.a.1").is_ok()
                && sdg_indicator("s", "5.5").is_err()
        );
        assert!(period("a", 2021, "b", 2020).is_err() && period("a", 2021, "b", 2025).is_ok());
        assert!(
            code("c", "UA-NAP-2021-2025").is_ok() && code("c", "-x").is_err() && code("c", "a b").is_err()
        );
    }

    #[test]
    fn identifier_schemes() {
        assert_eq!(identifier_scheme("UA-EDR-12345678").as_deref(), Some("UA-EDR"));
        assert_eq!(identifier_scheme("XM-DAC-41146").as_deref(), Some("XM-DAC"));
        assert_eq!(identifier_scheme("XM-DAC-5-1").as_deref(), Some("XM-DAC"));
        assert_eq!(identifier_scheme("12345678"), None);
        assert_eq!(identifier_scheme("UA-EDR-"), None);
        assert_eq!(identifier_scheme("ua-edr-1"), None);
    }
}
