//! Rendering askama pages into responses.

use askama::Template;
use axum::response::Html;

pub fn render(page: &impl Template) -> Result<Html<String>, askama::Error> {
    page.render().map(Html)
}
