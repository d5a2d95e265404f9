//! Posting one message to an endpoint, safely: the host is resolved here and every address it
//! resolves to is checked against the address policy before connecting (so a name cannot smuggle
//! a private address past the check made at registration), the whole exchange has a deadline,
//! at most `max_response_bytes` of the answer are read, and redirects are not followed (a 3xx
//! answer is a failed delivery). `https://` uses rustls with the Mozilla root certificates.

use std::{net::SocketAddr, sync::Arc, time::Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{
    Request,
    header::{CONTENT_TYPE, HOST, USER_AGENT},
};
use hyper_util::rt::TokioIo;
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpStream,
};
use tokio_rustls::{
    TlsConnector,
    rustls::{self, RootCertStore, pki_types::ServerName},
};

use crate::{
    config::WebhookSettings,
    domain::webhooks::address::{AddressPolicy, parse_url},
};

/// What an attempt to post came to.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The HTTP status, when the endpoint answered.
    pub status: Option<u16>,
    /// What went wrong (also set for an answer that is not 2xx).
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub latency_ms: i64,
}

impl Outcome {
    /// Whether the endpoint took the message (a 2xx answer).
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Posts messages to endpoints.
#[derive(Clone)]
pub struct Sender {
    policy: AddressPolicy,
    tls: TlsConnector,
    timeout: std::time::Duration,
    max_response_bytes: usize,
}

impl Sender {
    /// A sender with `settings`' policy, deadline and answer cap.
    pub fn new(settings: &WebhookSettings) -> anyhow::Result<Self> {
        let roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let config =
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()?
                .with_root_certificates(roots)
                .with_no_client_auth();
        Ok(Self {
            policy: AddressPolicy::allowing(&settings.allowed_hosts),
            tls: TlsConnector::from(Arc::new(config)),
            timeout: settings.timeout,
            max_response_bytes: settings.max_response_bytes,
        })
    }

    /// Posts `body` with `headers` to `url`.
    pub async fn post(&self, url: &str, headers: &[(&'static str, String)], body: String) -> Outcome {
        let started = Instant::now();
        let result = tokio::time::timeout(self.timeout, self.exchange(url, headers, body)).await;
        let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        match result {
            Err(_) => Outcome {
                status: None,
                error: Some(format!("no answer within {} ms", self.timeout.as_millis())),
                latency_ms,
            },
            Ok(Err(error)) => Outcome {
                status: None,
                error: Some(error),
                latency_ms,
            },
            Ok(Ok(status)) => Outcome {
                status: Some(status),
                error: (!(200..300).contains(&status)).then(|| match status {
                    300..400 => format!("answered {status}: redirects are not followed"),
                    _ => format!("answered {status}"),
                }),
                latency_ms,
            },
        }
    }

    async fn exchange(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: String,
    ) -> Result<u16, String> {
        let target = parse_url("url", url).map_err(|e| e.message())?;
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((target.host.as_str(), target.port))
            .await
            .map_err(|e| format!("cannot resolve `{}`: {e}", target.host))?
            .collect();
        let addresses = self.policy.check_resolved(&target.host, &addresses)?;
        let mut last_error = String::new();
        let mut stream = None;
        for address in addresses {
            match TcpStream::connect(address).await {
                Ok(connected) => {
                    stream = Some(connected);
                    break;
                }
                Err(error) => last_error = format!("cannot connect to {address}: {error}"),
            }
        }
        let stream = stream.ok_or(last_error)?;
        let mut request = Request::post(target.path_and_query.as_str())
            .header(HOST, target.authority.as_str())
            .header(CONTENT_TYPE, "application/json")
            .header(
                USER_AGENT,
                concat!("nap-registry-webhooks/", env!("CARGO_PKG_VERSION")),
            );
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("cannot build the request: {e}"))?;
        if target.https {
            let name = ServerName::try_from(target.host.clone())
                .map_err(|e| format!("`{}` is not a TLS server name: {e}", target.host))?;
            let tls = self
                .tls
                .connect(name, stream)
                .await
                .map_err(|e| format!("TLS handshake failed: {e}"))?;
            self.send(tls, request).await
        } else {
            self.send(stream, request).await
        }
    }

    async fn send<S>(&self, stream: S, request: Request<Full<Bytes>>) -> Result<u16, String>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake failed: {e}"))?;
        let driver = tokio::spawn(async move {
            let _ = connection.await;
        });
        let result = async {
            let response = sender
                .send_request(request)
                .await
                .map_err(|e| format!("request failed: {e}"))?;
            let status = response.status().as_u16();
            // Read (and drop) at most the cap of the answer, so a receiver cannot make the
            // registry read without end.
            let mut body = response.into_body();
            let mut read = 0_usize;
            while read <= self.max_response_bytes {
                match body.frame().await {
                    Some(Ok(frame)) => read += frame.data_ref().map_or(0, Bytes::len),
                    Some(Err(_)) | None => break,
                }
            }
            Ok(status)
        }
        .await;
        driver.abort();
        result
    }
}
