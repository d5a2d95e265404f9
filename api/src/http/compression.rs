//! Response compression (gzip or brotli, as the client's `Accept-Encoding` asks) and what it
//! means for entity tags: a compressed body is another representation, so its `ETag` becomes
//! weak (`W/"…"`), as nginx does. `If-None-Match` compares weakly, so a client revalidating with
//! either tag still gets `304 Not Modified`.

use axum::http::{
    HeaderValue, Response,
    header::{CONTENT_ENCODING, ETAG},
};
use tower_http::compression::CompressionLayer;

/// gzip and brotli, negotiated by `Accept-Encoding`; streamed bodies stay streamed.
pub fn layer() -> CompressionLayer {
    CompressionLayer::new().gzip(true).br(true)
}

/// Makes the strong `ETag` of a compressed response weak.
pub fn weaken_etag_when_encoded<B>(mut response: Response<B>) -> Response<B> {
    if response.headers().contains_key(CONTENT_ENCODING)
        && let Some(tag) = response.headers().get(ETAG).and_then(|t| t.to_str().ok())
        && !tag.starts_with("W/")
        && let Ok(weak) = HeaderValue::from_str(&format!("W/{tag}"))
    {
        response.headers_mut().insert(ETAG, weak);
    }
    response
}
