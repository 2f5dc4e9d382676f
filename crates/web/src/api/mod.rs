//! The JSON API under `/api`: read API v1 (CORS open for GET), push API v1 with municipality
//! tokens, the OpenAPI 3.1 document at `/api/openapi.json`. Every error is problem+json.

mod courses;
pub mod limiter;
pub(crate) mod problem;
mod push;
mod read;

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::cors::{Any, CorsLayer};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Partheland Stellenbörse API",
        version = "1",
        description = "Stellen, Ausbildung und Kommunen des Partheland-Verbunds lesen (ohne Anmeldung) und Anzeigen aus dem eigenen System einspielen (mit dem API-Token der Kommune). Fehler als RFC 9457 problem+json."
    ),
    paths(
        read::list_postings,
        read::get_posting,
        read::get_posting_by_slug,
        read::list_municipalities,
        read::get_municipality,
        courses::list_courses,
        courses::get_course,
        push::put_posting,
        push::delete_posting,
    ),
    components(schemas(
        problem::Problem,
        problem::FieldProblem,
        read::ApiPosting,
        read::PostingPage,
        read::Facet,
        read::FacetValue,
        read::ApiMunicipality,
        courses::ApiCourse,
        courses::ApiSession,
        push::PushPosting,
        push::PushResult,
    )),
    modifiers(&TokenAuth)
)]
pub struct ApiDoc;

struct TokenAuth;

impl Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn router() -> Router<AppState> {
    let read = Router::new()
        .route("/v1/postings", get(read::list_postings))
        .route("/v1/postings/{id}", get(read::get_posting))
        .route(
            "/v1/postings/by-slug/{slug}",
            get(read::get_posting_by_slug),
        )
        .route("/v1/municipalities", get(read::list_municipalities))
        .route("/v1/municipalities/{slug}", get(read::get_municipality))
        .route("/v1/courses", get(courses::list_courses))
        .route("/v1/courses/{slug}", get(courses::get_course))
        .route("/openapi.json", get(openapi))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::HEAD]),
        );
    let write = Router::new().route(
        "/v1/municipalities/{slug}/postings/{external_id}",
        axum::routing::put(push::put_posting).delete(push::delete_posting),
    );
    Router::new().nest(
        "/api",
        read.merge(write)
            .fallback(problem::api_not_found)
            .method_not_allowed_fallback(problem::method_not_allowed),
    )
}

async fn openapi() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        ApiDoc::openapi().to_pretty_json().unwrap_or_default(),
    )
}
