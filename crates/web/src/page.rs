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
    /// Which part of the site the page belongs to (the current main navigation entry).
    pub section: Section,
}

/// The parts of the site; the main navigation links three of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Start,
    Jobs,
    Training,
    Courses,
    Municipalities,
    Workspace,
    /// Legal pages, errors: under no entry.
    Other,
}

/// The main navigation: section, address, label.
const MAIN_NAV: [(Section, &str, &str); 3] = [
    (Section::Jobs, "/stellen", "Stellen"),
    (Section::Training, "/ausbildung", "Ausbildung & Studium"),
    (Section::Courses, "/lehrgaenge", "Lehrgänge"),
];

/// One link of the main navigation as the layout shows it.
pub struct MainNavEntry {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl Meta {
    pub fn new(
        site: &Site,
        title: &str,
        description: &str,
        path: Option<&str>,
        section: Section,
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

impl Meta {
    /// The start page's title stands alone; every other one names the board after it.
    pub fn is_start(&self) -> bool {
        self.section == Section::Start
    }

    pub fn main_nav(&self) -> Vec<MainNavEntry> {
        MAIN_NAV
            .iter()
            .map(|&(section, href, label)| MainNavEntry {
                href,
                label,
                current: section == self.section,
            })
            .collect()
    }
}
