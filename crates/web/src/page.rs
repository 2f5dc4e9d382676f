//! Rendering askama pages into responses, and what every page's layout needs.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::Site;

pub fn render(page: &impl Template) -> Result<Html<String>, askama::Error> {
    page.render().map(Html)
}

/// Render with a status other than 200.
pub fn render_status(status: StatusCode, page: &impl Template) -> Result<Response, askama::Error> {
    Ok((status, render(page)?).into_response())
}

/// Head data of the layout: title, canonical address, description for search engines and sharing.
pub struct Meta {
    pub title: String,
    pub description: String,
    /// Absolute canonical URL; empty for pages that should not be indexed on their own.
    pub canonical: String,
    pub stylesheet: String,
    /// Which main navigation entry is current.
    pub section: &'static str,
}

impl Meta {
    pub fn new(
        site: &Site,
        title: &str,
        description: &str,
        path: Option<&str>,
        section: &'static str,
    ) -> Self {
        Self {
            title: title.to_owned(),
            description: description.to_owned(),
            canonical: path.map(|p| site.url(p)).unwrap_or_default(),
            stylesheet: site.stylesheet.clone(),
            section,
        }
    }
}
