//! GraphiQL, served from the registry itself so that it works on a closed network: the page, its
//! start script and the vendored GraphiQL 3.8.3 and React 18.3.1 builds (MIT licensed; licences
//! beside them in `api/assets/graphiql/`). Nothing is fetched from another origin, and the page's
//! Content-Security-Policy says so.

use axum::{
    extract::Path,
    http::{
        HeaderValue, StatusCode,
        header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE},
    },
    response::{IntoResponse, Response},
};

/// Scripts, styles and connections only from this origin; GraphiQL's fonts and icons are data
/// URLs, and its components set inline styles.
const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; \
     connect-src 'self'; frame-ancestors 'none'";

/// One served file: name, media type, content.
struct Asset {
    name: &'static str,
    media_type: &'static str,
    content: &'static [u8],
    /// Whether the name carries a version, so the file may be cached for a year.
    versioned: bool,
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The asset `assets/graphiql/<name>`, embedded at build time.
macro_rules! asset {
    ($name:literal, $media_type:expr, versioned: $versioned:literal) => {
        Asset {
            name: $name,
            media_type: $media_type,
            content: include_bytes!(concat!("../../assets/graphiql/", $name)),
            versioned: $versioned,
        }
    };
}

/// The files under `/graphiql/`.
const ASSETS: &[Asset] = &[
    asset!("graphiql-3.8.3.min.js", JAVASCRIPT, versioned: true),
    asset!("graphiql-3.8.3.min.css", CSS, versioned: true),
    asset!("react-18.3.1.production.min.js", JAVASCRIPT, versioned: true),
    asset!("react-dom-18.3.1.production.min.js", JAVASCRIPT, versioned: true),
    asset!("start.js", JAVASCRIPT, versioned: false),
    asset!("page.css", CSS, versioned: false),
];

/// `GET /graphiql`: the page.
pub async fn page() -> Response {
    let mut response = (
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("../../assets/graphiql/index.html"),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /graphiql/{file}`: one of the page's scripts or styles, or 404.
pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.name == file) {
        Some(asset) => {
            let cache = if asset.versioned {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            (
                [(CONTENT_TYPE, asset.media_type), (CACHE_CONTROL, cache)],
                asset.content,
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
