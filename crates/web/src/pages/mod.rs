//! The public pages applicants see.

mod courses;
mod detail;
mod legal;
mod municipality;
pub(crate) mod search;
mod start;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub(crate) use detail::render_detail;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(start::show_start))
        .route("/stellen", get(search::search_postings))
        .route("/ausbildung", get(search::search_training))
        .route("/stellen/{slug}", get(detail::show_posting))
        .route("/kommunen/{slug}", get(municipality::show_municipality))
        .route("/lehrgaenge", get(courses::list_courses))
        .route("/lehrgaenge/kalender.ics", get(courses::calendar_of_all))
        .route("/lehrgaenge/feed.rss", get(courses::feed_of_courses))
        .route("/lehrgaenge/{slug}", get(courses::show_course))
        .route(
            "/lehrgaenge/{slug}/kalender.ics",
            get(courses::calendar_of_course),
        )
        .route("/impressum", get(legal::imprint))
        .route("/datenschutz", get(legal::privacy))
        .route("/barrierefreiheit", get(legal::accessibility))
}
