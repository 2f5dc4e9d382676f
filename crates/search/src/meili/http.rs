//! The Meilisearch SDK over the workspace's reqwest (one HTTP stack, no second TLS library).

use std::time::Duration;

use async_trait::async_trait;
use futures_util::io::{AsyncRead, AsyncReadExt};
use meilisearch_sdk::errors::Error;
use meilisearch_sdk::request::{HttpClient, Method, parse_response};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Clone, Debug)]
pub struct MeiliHttp {
    client: reqwest::Client,
    api_key: Option<String>,
}

impl MeiliHttp {
    pub fn new(api_key: Option<String>, timeout: Duration) -> Result<Self, reqwest::Error> {
        // reqwest's rustls has no built-in crypto provider here (rustls-no-provider): use ring,
        // which sqlx already brings. Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(3))
            .build()?;
        Ok(Self { client, api_key })
    }
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Other(Box::new(e))
}

#[async_trait]
impl HttpClient for MeiliHttp {
    async fn stream_request<
        Query: Serialize + Send + Sync,
        Body: AsyncRead + Send + Sync + 'static,
        Output: DeserializeOwned + 'static,
    >(
        &self,
        url: &str,
        method: Method<Query, Body>,
        content_type: &str,
        expected_status_code: u16,
    ) -> Result<Output, Error> {
        let url = format!("{url}{}", yaup::to_string(method.query())?);
        let verb = match &method {
            Method::Get { .. } => reqwest::Method::GET,
            Method::Post { .. } => reqwest::Method::POST,
            Method::Patch { .. } => reqwest::Method::PATCH,
            Method::Put { .. } => reqwest::Method::PUT,
            Method::Delete { .. } => reqwest::Method::DELETE,
        };
        let mut request = self.client.request(verb, &url);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = method.into_body() {
            let mut bytes = Vec::new();
            Box::pin(body)
                .read_to_end(&mut bytes)
                .await
                .map_err(other)?;
            request = request
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes);
        }
        let response = request.send().await.map_err(other)?;
        let status = response.status().as_u16();
        let mut text = response.text().await.map_err(other)?;
        if text.is_empty() {
            "null".clone_into(&mut text);
        }
        parse_response(status, expected_status_code, &text, url)
    }

    fn is_tokio(&self) -> bool {
        true
    }
}
