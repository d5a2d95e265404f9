//! Writes a [`Resource`] or a [`Codelist`] in each format, and the coverage and landing pages: HTML pages from the templates under
//! `api/templates/` (embedded at build time, rendered with minijinja, HTML-escaped), JSON-LD with
//! SKOS, CSV (RFC 4180) and IATI codelist XML.

use std::sync::LazyLock;

use minijinja::Environment;
use serde::Serialize;
use serde_json::{Value, json};

use super::{
    coverage_page::CoveragePage,
    landing::Landing,
    resource::{Link, Resource, Table, Texts},
    uri::{PublicUrl, segment},
    vocabulary::Codelist,
};
use crate::error::{ApiError, ApiResult};

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_formatter(escape_markup);
    for (name, source) in [
        ("base.html", include_str!("../../templates/base.html")),
        ("resource.html", include_str!("../../templates/resource.html")),
        ("problem.html", include_str!("../../templates/problem.html")),
        ("codelist.xml", include_str!("../../templates/codelist.xml")),
        ("coverage.html", include_str!("../../templates/coverage.html")),
        ("landing.html", include_str!("../../templates/landing.html")),
    ] {
        if let Err(error) = env.add_template(name, source) {
            // A broken template is a build defect; the test suite renders every one.
            tracing::error!(%error, name, "cannot compile a template");
        }
    }
    env
});

/// Escapes what markup needs escaped (`& < > " '`) in HTML and XML templates; unlike the default,
/// leaves `/` alone so that addresses stay readable in the source.
fn escape_markup(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let text = if value.is_undefined() || value.is_none() {
        String::new()
    } else {
        value.to_string()
    };
    if value.is_safe() || matches!(state.auto_escape(), minijinja::AutoEscape::None) {
        return out.write_str(&text).map_err(minijinja::Error::from);
    }
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    out.write_str(&escaped).map_err(minijinja::Error::from)
}

fn render(name: &str, context: impl Serialize) -> ApiResult<String> {
    TEMPLATES
        .get_template(name)
        .and_then(|template| template.render(minijinja::value::Serde(&context)))
        .map_err(|error| ApiError::Internal(format!("cannot render {name}: {error:#}")))
}

/// The human page of `resource`.
pub fn html(resource: &Resource, base: &PublicUrl) -> ApiResult<String> {
    let query = segment(&resource.graphql_query);
    let vocabulary =
        matches!(resource.kind, super::resource::Kind::Plan).then(|| base.vocabulary(&resource.code));
    render(
        "resource.html",
        json!({
            "r": resource,
            "graphiql": format!("/graphiql?query={query}"),
            "graphql": format!("/graphql?query={query}"),
            "vocabulary": vocabulary,
        }),
    )
}

/// The coverage page of a national plan.
pub fn coverage(page: &CoveragePage) -> ApiResult<String> {
    render("coverage.html", json!({ "p": page }))
}

/// The landing page: the registry for people, with its plans and where to go next.
pub fn landing(landing: &Landing) -> ApiResult<String> {
    let exports: Vec<&str> = crate::export::Dataset::ALL.iter().map(|d| d.name()).collect();
    render("landing.html", json!({ "l": landing, "exports": exports }))
}

/// A page saying what went wrong (`status` 400 or 404) and which addresses exist.
pub fn problem(status: u16, detail: &str, base: &PublicUrl) -> ApiResult<String> {
    let (heading_uk, heading_en) = if status == 404 {
        ("Не знайдено", "Not found")
    } else {
        ("Неправильна адреса", "Malformed address")
    };
    render(
        "problem.html",
        json!({
            "status": status,
            "heading_uk": heading_uk,
            "heading_en": heading_en,
            "detail": detail,
            "base": base.as_str(),
        }),
    )
}

fn labels(texts: &Texts) -> Value {
    let mut out = Vec::new();
    if let Some(uk) = &texts.uk {
        out.push(json!({ "@value": uk, "@language": "uk" }));
    }
    if let Some(en) = &texts.en {
        out.push(json!({ "@value": en, "@language": "en" }));
    }
    Value::Array(out)
}

fn node(link: &Link) -> Value {
    let mut out =
        json!({ "@id": link.uri, "skos:notation": link.code, "skos:prefLabel": labels(&link.title) });
    if let Some(note) = &link.note {
        out["skos:note"] = json!(note);
    }
    out
}

/// `resource` as JSON-LD with SKOS: `skos:Concept` (a plan is a `skos:ConceptScheme`),
/// `notation`, `prefLabel`@uk/@en, `broader`/`narrower`, `inScheme`, `exactMatch`.
pub fn json_ld(resource: &Resource, base: &PublicUrl) -> Value {
    let is_scheme = matches!(resource.kind, super::resource::Kind::Plan);
    let mut out = json!({
        "@context": {
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "dct": "http://purl.org/dc/terms/",
            "owl": "http://www.w3.org/2002/07/owl#",
            "nap": format!("{}/vocabulary/terms#", base.as_str()),
        },
        "@id": resource.uri,
        "@type": if is_scheme { "skos:ConceptScheme" } else { "skos:Concept" },
        "nap:kind": resource.kind,
        "skos:notation": resource.code,
        "skos:prefLabel": labels(&resource.title),
    });
    let definition = labels(&resource.description);
    if definition.as_array().is_some_and(|d| !d.is_empty()) {
        out["skos:definition"] = definition;
    }
    if let Some(status) = &resource.status {
        out["nap:status"] = json!(status);
    }
    if let Some(withdrawn) = &resource.withdrawn {
        out["owl:deprecated"] = json!(true);
        if let Some(reason) = &withdrawn.reason {
            out["skos:changeNote"] = json!(reason);
        }
        if let Some(replacement) = &withdrawn.replacement {
            out["dct:isReplacedBy"] = json!({ "@id": replacement.uri });
        }
    }
    if let Some(scheme) = &resource.scheme {
        out["skos:inScheme"] = node(scheme);
    }
    if !resource.broader.is_empty() {
        out["skos:broader"] = resource.broader.iter().map(node).collect();
    }
    if !resource.narrower.is_empty() {
        let key = if is_scheme {
            "skos:hasTopConcept"
        } else {
            "skos:narrower"
        };
        out[key] = resource.narrower.iter().map(node).collect();
    }
    if !resource.exact_match.is_empty() {
        out["skos:exactMatch"] = resource.exact_match.iter().map(|m| json!({ "@id": m })).collect();
    }
    for fact in &resource.facts {
        let key = format!("nap:{}", fact.key);
        match out.get_mut(&key) {
            Some(Value::Array(values)) => values.push(json!(fact.value)),
            Some(existing) => *existing = json!([existing.clone(), fact.value]),
            None => out[key] = json!(fact.value),
        }
    }
    for section in &resource.sections {
        out[format!("nap:{}", section.key)] = section.links.iter().map(node).collect();
    }
    if let Some(count) = resource.linked_projects {
        out["nap:linkedProjects"] = json!(count);
    }
    out
}

/// A header row and rows as CSV (RFC 4180: quoted where needed, CRLF line ends).
fn csv_lines<'a>(header: &[&str], rows: impl Iterator<Item = Vec<&'a str>>) -> ApiResult<String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fail = |error: csv::Error| ApiError::Internal(format!("cannot write CSV: {error}"));
    writer.write_record(header).map_err(fail)?;
    for row in rows {
        writer.write_record(&row).map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| ApiError::Internal(format!("cannot write CSV: {error}")))?;
    String::from_utf8(bytes).map_err(|error| ApiError::Internal(format!("CSV is not UTF-8: {error}")))
}

/// `table` as CSV with one header row and CRLF line ends.
pub fn csv(table: &Table) -> ApiResult<String> {
    csv_lines(
        &table.header,
        table.rows.iter().map(|r| r.iter().map(String::as_str).collect()),
    )
}

/// `list` in IATI's codelist XML format.
pub fn codelist_xml(list: &Codelist) -> ApiResult<String> {
    render("codelist.xml", json!({ "list": list }))
}

/// `list` as JSON, in the shape of IATI's JSON codelists (`attributes`, `metadata`, `data`).
pub fn codelist_json(list: &Codelist) -> Value {
    json!({
        "attributes": { "name": list.code, "complete": "1" },
        "metadata": {
            "name": list.title,
            "description": list.description,
            "url": list.uri,
        },
        "data": list.items.iter().map(|i| json!({
            "code": i.code,
            "name": i.name,
            "description": i.description,
            "category": i.category,
            "status": i.status,
            "url": i.url,
        })).collect::<Vec<_>>(),
    })
}

/// `list` as CSV: code, names, descriptions, category, status, address.
pub fn codelist_csv(list: &Codelist) -> ApiResult<String> {
    let header = [
        "code",
        "name_uk",
        "name_en",
        "description_uk",
        "description_en",
        "category",
        "status",
        "url",
    ];
    csv_lines(
        &header,
        list.items.iter().map(|i| {
            vec![
                i.code.as_str(),
                i.name.uk.as_deref().unwrap_or_default(),
                i.name.en.as_deref().unwrap_or_default(),
                i.description.uk.as_deref().unwrap_or_default(),
                i.description.en.as_deref().unwrap_or_default(),
                i.category.as_deref().unwrap_or_default(),
                i.status,
                i.url.as_str(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_per_rfc_4180() {
        let table = Table {
            header: vec!["code", "title"],
            rows: vec![vec!["1".into(), "Women, \"peace\"\nsecurity".into()]],
        };
        assert_eq!(
            csv(&table).unwrap(),
            "code,title\r\n1,\"Women, \"\"peace\"\"\nsecurity\"\r\n"
        );
    }

    #[test]
    fn values_are_escaped_for_markup() {
        let mut resource = Resource::new(
            super::super::resource::Kind::Region,
            "http://x/id/region/UA-12".to_owned(),
            "UA-12",
            Texts::of("<b>", "\"A & B\""),
        );
        resource.graphql_query = "{ region }".to_owned();
        let page = html(&resource, &PublicUrl::default()).unwrap();
        assert!(
            page.contains("&lt;b&gt;") && page.contains("&quot;A &amp; B&quot;"),
            "{page}"
        );
        assert!(page.contains("href=\"http://x/id/region/UA-12\""), "{page}");
    }

    #[test]
    fn every_template_compiles() {
        for name in [
            "base.html",
            "resource.html",
            "problem.html",
            "codelist.xml",
            "coverage.html",
            "landing.html",
        ] {
            assert!(TEMPLATES.get_template(name).is_ok(), "{name}");
        }
    }
}
