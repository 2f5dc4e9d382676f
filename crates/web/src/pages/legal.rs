//! Impressum, Datenschutz and Erklärung zur Barrierefreiheit.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::page::{Meta, Section, render};
use crate::{AppResult, AppState};

#[derive(Template)]
#[template(path = "pages/imprint.html")]
struct ImprintPage {
    meta: Meta,
}

#[derive(Template)]
#[template(path = "pages/privacy.html")]
struct PrivacyPage {
    meta: Meta,
}

#[derive(Template)]
#[template(path = "pages/accessibility.html")]
struct AccessibilityPage {
    meta: Meta,
}

pub async fn imprint(State(state): State<AppState>) -> AppResult<Html<String>> {
    let meta = Meta::new(
        &state.site,
        "Impressum",
        "Anbieterkennzeichnung der Partheland Stellenbörse.",
        Some("/impressum"),
        Section::Other,
    );
    Ok(render(&ImprintPage { meta })?)
}

pub async fn privacy(State(state): State<AppState>) -> AppResult<Html<String>> {
    let meta = Meta::new(
        &state.site,
        "Datenschutz",
        "Wie die Partheland Stellenbörse mit Daten umgeht.",
        Some("/datenschutz"),
        Section::Other,
    );
    Ok(render(&PrivacyPage { meta })?)
}

pub async fn accessibility(State(state): State<AppState>) -> AppResult<Html<String>> {
    let meta = Meta::new(
        &state.site,
        "Erklärung zur Barrierefreiheit",
        "Erklärung zur Barrierefreiheit der Partheland Stellenbörse nach BITV 2.0.",
        Some("/barrierefreiheit"),
        Section::Other,
    );
    Ok(render(&AccessibilityPage { meta })?)
}
