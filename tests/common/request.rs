//! The one way a test talks to the service: a [`Client`] (anonymous, or bearing a token) builds a
//! request (`get`, `post`, `request`, `graphql`) and sends it through the router in process or
//! over real HTTP/1.1 to a listening server (hyper's client); a [`TestResponse`] reads the answer
//! (status, headers, text, JSON, error codes) alike either way.

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, HeaderName, HeaderValue, Method, Request, header, request},
};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::net::SocketAddr;
use tower::ServiceExt;

/// Why a request got no answer.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where requests go: through a router in process, or over HTTP/1.1 to a listening server.
#[derive(Clone)]
enum Transport {
    Router(Router),
    Http(SocketAddr),
}

/// A caller of the service: where it sends, and the headers it sends with every request (its
/// bearer token, its language).
#[derive(Clone)]
pub struct Client {
    transport: Transport,
    headers: Vec<(String, String)>,
}

impl Client {
    /// An anonymous caller of `router`, in process.
    pub fn new(router: Router) -> Self {
        Self {
            transport: Transport::Router(router),
            headers: Vec::new(),
        }
    }

    /// An anonymous caller of the server listening at `address`, over real HTTP/1.1.
    pub fn http(address: SocketAddr) -> Self {
        Self {
            transport: Transport::Http(address),
            headers: Vec::new(),
        }
    }

    /// The same caller sending header `name` with every request.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The same caller sending `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.with_header("authorization", &format!("Bearer {token}"))
    }

    /// A request with `method` to `path`.
    pub fn request(&self, method: Method, path: impl AsRef<str>) -> RequestBuilder {
        let mut request = Request::builder().method(method).uri(path.as_ref());
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        RequestBuilder {
            transport: self.transport.clone(),
            request,
            body: Body::empty(),
        }
    }

    /// `GET path`.
    pub fn get(&self, path: impl AsRef<str>) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// `POST path`.
    pub fn post(&self, path: impl AsRef<str>) -> RequestBuilder {
        self.request(Method::POST, path)
    }

    /// `GET path` asking for `media` (`Accept`), the whole answer: content negotiation.
    pub async fn get_accepting(&self, path: impl AsRef<str>, media: &str) -> TestResponse {
        self.get(path).header(header::ACCEPT, media).send().await
    }

    /// `POST /graphql` with `query` and `variables` as JSON.
    pub fn graphql_request(&self, query: &str, variables: Value) -> RequestBuilder {
        let body = serde_json::Map::from_iter([
            ("query".to_owned(), Value::from(query)),
            ("variables".to_owned(), variables),
        ]);
        self.post("/graphql").json(&Value::Object(body))
    }

    /// Sends `query` with `variables`; the answer must be JSON.
    pub async fn graphql(&self, query: &str, variables: Value) -> GraphqlResponse {
        self.graphql_request(query, variables).send().await.into()
    }

    /// `GET /graphql?query=…&variables=…`, the way a polling client asks.
    pub fn graphql_get(&self, query: &str, variables: Option<&Value>) -> RequestBuilder {
        let mut path = format!("/graphql?query={}", percent_encode(query));
        if let Some(variables) = variables {
            path.push_str(&format!("&variables={}", percent_encode(&variables.to_string())));
        }
        self.get(path)
    }

    /// Creates a project link titled `title` in English through this caller and answers its
    /// global ID; the write must succeed.
    pub async fn create_project_link(&self, title: &str) -> String {
        let created = self
            .graphql(
                "mutation($title: String!) { createProjectLink(input: { titleEn: $title }) { projectLink { id } } }",
                serde_json::json!({ "title": title }),
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
        created.data()["createProjectLink"]["projectLink"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{}", created.body))
            .to_owned()
    }

    /// The text of `/metrics`.
    pub async fn metrics(&self) -> String {
        self.get("/metrics").send().await.text()
    }

    /// The value of one series of `/metrics`.
    pub async fn metric(&self, series: &str) -> f64 {
        metric_value(&self.metrics().await, series)
    }
}

/// Every byte but ASCII letters and digits written as `%XX`, for a query string.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// A request being built; `send` sends it.
pub struct RequestBuilder {
    transport: Transport,
    request: request::Builder,
    body: Body,
}

impl RequestBuilder {
    /// Adds a header.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: Into<axum::http::Error>,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: Into<axum::http::Error>,
    {
        self.request = self.request.header(name, value);
        self
    }

    /// Adds a request extension (what a layer in front of the router would add, such as the
    /// peer's address).
    pub fn extension<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.request = self.request.extension(value);
        self
    }

    /// Adds each `(name, value)` of `headers`.
    pub fn headers(self, headers: &[(&str, &str)]) -> Self {
        headers
            .iter()
            .fold(self, |request, (name, value)| request.header(*name, *value))
    }

    /// Sets the body as it is.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets a JSON body and its content type.
    pub fn json(self, value: &Value) -> Self {
        self.header(header::CONTENT_TYPE, "application/json")
            .body(value.to_string())
    }

    /// The request, for a test that sends it some other way.
    pub fn build(self) -> Request<Body> {
        self.request.body(self.body).expect("a valid request")
    }

    /// Sends the request and collects the whole answer.
    pub async fn send(self) -> TestResponse {
        self.try_send().await.expect("an answer")
    }

    /// Sends the request and collects the whole answer, or says why there is none (a server
    /// that is not listening, a connection closed early).
    pub async fn try_send(self) -> Result<TestResponse, BoxError> {
        let transport = self.transport.clone();
        let request = self.build();
        let (parts, body) = match transport {
            Transport::Router(router) => {
                let (parts, body) = router.oneshot(request).await?.into_parts();
                (parts, body.collect().await?.to_bytes())
            }
            Transport::Http(address) => {
                let (mut parts, body) = request.into_parts();
                parts.uri = format!("http://{address}{}", parts.uri).parse()?;
                let body = Full::new(body.collect().await?.to_bytes());
                // No pooled connections: each request stands alone, as a test's clients do.
                let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
                    .pool_max_idle_per_host(0)
                    .build_http();
                let (parts, body) = client
                    .request(Request::from_parts(parts, body))
                    .await?
                    .into_parts();
                (parts, body.collect().await?.to_bytes())
            }
        };
        Ok(TestResponse {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }
}

/// A whole answer: status, headers and body.
pub struct TestResponse {
    /// HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as sent.
    pub body: Bytes,
}

impl TestResponse {
    /// The value of header `name`, if it is there.
    pub fn header(&self, name: impl AsRef<str>) -> Option<&str> {
        self.headers
            .get(name.as_ref())
            .map(|value| value.to_str().expect("a text header"))
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; fails the test if it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text()))
    }

    /// The body as JSON, or `null` where it is not JSON.
    pub fn json_or_null(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A GraphQL answer: the HTTP status, the headers and the JSON body.
pub struct GraphqlResponse {
    /// HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The parsed body.
    pub body: Value,
}

impl From<TestResponse> for GraphqlResponse {
    fn from(response: TestResponse) -> Self {
        Self {
            status: response.status,
            body: response.json(),
            headers: response.headers,
        }
    }
}

impl GraphqlResponse {
    /// The `extensions.code` of the first error.
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code: {}", self.body))
    }

    /// `data`, after asserting that there are no errors.
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }

    /// The value of header `name`, if it is there.
    pub fn header(&self, name: impl AsRef<str>) -> Option<&str> {
        self.headers
            .get(name.as_ref())
            .map(|value| value.to_str().expect("a text header"))
    }
}

/// The `extensions.code` of every error of a GraphQL answer `body`, in order.
pub fn error_codes(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| error["extensions"]["code"].as_str().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

/// The `code` of every object of a list: a JSON array, a connection's `nodes`, or its `edges`.
pub fn codes(list: &Value) -> Vec<String> {
    let items = if let Some(nodes) = list.get("nodes") {
        nodes
    } else if let Some(edges) = list.get("edges") {
        edges
    } else {
        list
    };
    items
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| {
            let item = item.get("node").unwrap_or(item);
            item["code"]
                .as_str()
                .unwrap_or_else(|| panic!("no code: {item}"))
                .to_owned()
        })
        .collect()
}

/// The fixture keys (`P1`...) of a connection's project links, sorted.
pub fn project_keys(connection: &Value) -> Vec<String> {
    let mut found: Vec<String> = connection["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            n["iatiIdentifier"]
                .as_str()
                .unwrap()
                .rsplit('-')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    found.sort();
    found
}

/// The value of `series` (name and labels, as printed) in a Prometheus text page.
pub fn metric_value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| {
            line.strip_prefix(series)
                .and_then(|rest| rest.trim().parse().ok())
        })
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
}
