//! The read API: postings (search, by id, by slug) and municipalities. Only what the public sees.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use chrono::{DateTime, NaiveDate, Utc};
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::queries::{self, Posting};
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use jobboard_search::SearchIndex;
use jobboard_search::query::Dimension;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::{ApiError, ApiResult, Problem};
use crate::AppState;
use crate::search_params::{
    ParamError, SearchParam, dimension_param, parse, per_page, search_error,
};

/// A published posting with everything needed to show or copy it. Codes (`kind`, `category`,
/// …) are the stable values of the search parameters; texts are Markdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPosting {
    pub id: i64,
    pub slug: String,
    /// Address of the detail page, with `quelle=api` so that visits from it count as coming
    /// from the feeds and the API.
    pub url: String,
    /// `job`, `apprenticeship`, `dual_study`, `internship`, `volunteer_service`.
    pub kind: String,
    pub kind_label: String,
    pub reference_number: String,
    pub title: String,
    pub department: Option<String>,
    /// `verwaltung`, `bauhof_technik`, `kita_erziehung`, `feuerwehr_ordnung`, `it_digitales`,
    /// `bibliothek_kultur`, `soziales`, `sonstiges`.
    pub category: String,
    pub category_label: String,
    /// `full_time`, `part_time`, `either`.
    pub employment: String,
    pub weekly_hours: Option<f64>,
    /// `permanent`, `fixed_term`, `fixed_term_extension_option`.
    pub contract: String,
    pub contract_end_date: Option<NaiveDate>,
    /// `tvoed_vka_eg`, `tvoed_sue_s`, `besoldung_a`, `tvaoed`, `other`.
    pub pay_scheme: String,
    pub pay_grade_from: Option<String>,
    pub pay_grade_to: Option<String>,
    pub pay_monthly_min_eur: Option<i32>,
    pub pay_monthly_max_eur: Option<i32>,
    pub location_place: String,
    pub location_postcode: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `null`: "ab sofort".
    pub start_date: Option<NaiveDate>,
    pub application_deadline: NaiveDate,
    pub description: String,
    pub tasks: String,
    pub profile: String,
    pub benefits: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
    /// Slug of the owning municipality.
    pub municipality: String,
    /// Slugs of the confirmed partner municipalities of a shared offer.
    pub partners: Vec<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl ApiPosting {
    fn build(state: &AppState, p: &Posting, members: &[Municipality], partners: &[i64]) -> Self {
        let slug_of = |id: i64| {
            members
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.slug.clone())
                .unwrap_or_default()
        };
        Self {
            id: p.id,
            slug: p.slug.clone(),
            url: state.site.url(&format!(
                "/stellen/{}?{}=api",
                p.slug,
                jobboard_domain::stats::SOURCE_PARAM
            )),
            kind: p.kind.code().into(),
            kind_label: p.kind.label().into(),
            reference_number: p.reference_number.clone(),
            title: p.title.clone(),
            department: p.department.clone(),
            category: p.category.code().into(),
            category_label: p.category.label().into(),
            employment: p.employment.code().into(),
            weekly_hours: p.weekly_hours,
            contract: p.contract.code().into(),
            contract_end_date: p.contract_end_date,
            pay_scheme: p.pay_scheme.code().into(),
            pay_grade_from: p.pay_grade_from.clone(),
            pay_grade_to: p.pay_grade_to.clone(),
            pay_monthly_min_eur: p.pay_monthly_min_eur,
            pay_monthly_max_eur: p.pay_monthly_max_eur,
            location_place: p.location_place.clone(),
            location_postcode: p.location_postcode.clone(),
            latitude: p.latitude,
            longitude: p.longitude,
            start_date: p.start_date,
            application_deadline: p.application_deadline,
            description: p.description.clone(),
            tasks: p.tasks.clone(),
            profile: p.profile.clone(),
            benefits: p.benefits.clone(),
            contact_name: p.contact_name.clone(),
            contact_phone: p.contact_phone.clone(),
            contact_email: p.contact_email.clone(),
            apply_url: p.apply_url.clone(),
            apply_email: p.apply_email.clone(),
            municipality: slug_of(p.municipality_id),
            partners: partners.iter().map(|id| slug_of(*id)).collect(),
            published_at: p.published_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValue {
    /// Code of the value (municipalities: slug).
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// Counts per value of one filter, with the other filters applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct Facet {
    /// The search parameter: `art`, `kommune`, `bereich`, `umfang`, `vertrag`, `verguetung`.
    pub parameter: String,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostingPage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u64,
    pub items: Vec<ApiPosting>,
    pub facets: Vec<Facet>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiMunicipality {
    pub slug: String,
    pub name: String,
    pub website: String,
    pub contact_email: String,
    pub latitude: f64,
    pub longitude: f64,
    /// The municipality's page on the board.
    pub url: String,
    /// Its postings as RSS.
    pub feed_url: String,
}

fn municipality(state: &AppState, m: &Municipality) -> ApiMunicipality {
    ApiMunicipality {
        slug: m.slug.clone(),
        name: m.name.clone(),
        website: m.website.clone(),
        contact_email: m.contact_email.clone(),
        latitude: m.latitude,
        longitude: m.longitude,
        url: state.site.url(&format!("/kommunen/{}", m.slug)),
        feed_url: state.site.url(&format!(
            "/stellen/feed.rss?{}={}",
            SearchParam::Municipality,
            m.slug
        )),
    }
}

/// The API's answer to a query string it cannot serve: a 400 problem naming the reason.
fn bad_request(e: ParamError) -> ApiError {
    ApiError::bad_request(e.to_string())
}

/// Search published postings. The parameter names here must be those of [`SearchParam`]
/// (utoipa needs literals; a test compares them).
#[utoipa::path(
    get,
    path = "/api/v1/postings",
    tag = "Stellen",
    params(
        ("q" = Option<String>, Query, description = "Suchtext (höchstens 200 Zeichen)"),
        ("art" = Option<Vec<String>>, Query, description = "Art (wiederholbar): job, apprenticeship, dual_study, internship, volunteer_service"),
        ("kommune" = Option<Vec<String>>, Query, description = "Kommune als Slug (wiederholbar); auch Verbundangebote, an denen sie beteiligt ist"),
        ("bereich" = Option<Vec<String>>, Query, description = "Bereich (wiederholbar)"),
        ("umfang" = Option<Vec<String>>, Query, description = "Arbeitszeit (wiederholbar): full_time, part_time, either"),
        ("vertrag" = Option<Vec<String>>, Query, description = "Vertrag (wiederholbar)"),
        ("verguetung" = Option<Vec<String>>, Query, description = "Vergütungsordnung (wiederholbar)"),
        ("ort" = Option<String>, Query, description = "Kommune als Mittelpunkt der Umkreissuche"),
        ("umkreis" = Option<u32>, Query, description = "Umkreis in km: 5, 10, 20, 30, 50"),
        ("sortierung" = Option<String>, Query, description = "neueste, frist, entfernung; ohne: Relevanz"),
        ("seite" = Option<u32>, Query, description = "Seite, ab 1"),
        ("pro_seite" = Option<u32>, Query, description = "Treffer pro Seite, 1 bis 100 (Standard 20)"),
    ),
    responses(
        (status = 200, description = "Eine Seite Treffer mit Facetten", body = PostingPage),
        (status = 400, description = "Ungültige Suche", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_postings(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<PostingPage>> {
    let members = state.members().await?;
    let raw = raw.unwrap_or_default();
    let per_page = per_page(Some(&raw)).map_err(bad_request)?;
    let (query, params) = parse(Some(&raw), &members, false, per_page).map_err(bad_request)?;
    if let Some(e) = params.unknown_error(&members, false) {
        return Err(bad_request(e));
    }
    let results = state.search.search(&query).await.map_err(search_error)?;
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    let mut postings = queries::find_many(&state.db, &ids).await?;
    postings.retain(|p| queries::is_publicly_visible(p, query.now));
    postings.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
    let partners = queries::confirmed_partners(&state.db, &ids).await?;
    let items = postings
        .iter()
        .map(|p| {
            ApiPosting::build(
                &state,
                p,
                &members,
                partners.get(&p.id).map(Vec::as_slice).unwrap_or_default(),
            )
        })
        .collect();
    Ok(Json(PostingPage {
        total: results.total,
        page: query.page,
        per_page,
        pages: results.total.div_ceil(u64::from(per_page)),
        items,
        facets: facets(&results, &members),
    }))
}

fn facets(results: &jobboard_search::SearchResults, members: &[Municipality]) -> Vec<Facet> {
    fn label_of(dim: Dimension, code: &str, members: &[Municipality]) -> Option<(String, String)> {
        let vocab = |label: Option<&'static str>| label.map(|l| (code.to_owned(), l.to_owned()));
        match dim {
            Dimension::Kind => vocab(PostingKind::from_code(code).map(PostingKind::label)),
            Dimension::Category => vocab(Category::from_code(code).map(Category::label)),
            Dimension::Employment => vocab(Employment::from_code(code).map(Employment::label)),
            Dimension::Contract => vocab(Contract::from_code(code).map(Contract::label)),
            Dimension::PayScheme => vocab(PayScheme::from_code(code).map(PayScheme::label)),
            Dimension::Municipality => members
                .iter()
                .find(|m| m.id.to_string() == code)
                .map(|m| (m.slug.clone(), m.name.clone())),
        }
    }
    Dimension::ALL
        .iter()
        .map(|dim| Facet {
            parameter: dimension_param(*dim).name().into(),
            values: results
                .facets
                .0
                .get(dim)
                .map(|counts| {
                    counts
                        .iter()
                        .filter_map(|c| {
                            let (value, label) = label_of(*dim, &c.value, members)?;
                            Some(FacetValue {
                                value,
                                label,
                                count: c.count,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

async fn visible(state: &AppState, p: Option<Posting>) -> ApiResult<Json<ApiPosting>> {
    let p = p
        .filter(|p| queries::is_publicly_visible(p, Utc::now()))
        .ok_or_else(ApiError::not_found)?;
    let members = state.members().await?;
    let partners = queries::confirmed_partners(&state.db, &[p.id]).await?;
    Ok(Json(ApiPosting::build(
        state,
        &p,
        &members,
        partners.get(&p.id).map(Vec::as_slice).unwrap_or_default(),
    )))
}

/// One published posting by id.
#[utoipa::path(
    get,
    path = "/api/v1/postings/{id}",
    tag = "Stellen",
    params(("id" = i64, Path, description = "Id der Anzeige")),
    responses(
        (status = 200, body = ApiPosting),
        (status = 404, description = "Unbekannt oder nicht öffentlich", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_posting(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ApiPosting>> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let p = queries::find_by_id(&state.db, id).await?;
    visible(&state, p).await
}

/// One published posting by the slug of its detail page.
#[utoipa::path(
    get,
    path = "/api/v1/postings/by-slug/{slug}",
    tag = "Stellen",
    params(("slug" = String, Path, description = "Slug der Detailseite")),
    responses(
        (status = 200, body = ApiPosting),
        (status = 404, description = "Unbekannt oder nicht öffentlich", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_posting_by_slug(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<ApiPosting>> {
    let p = queries::find_by_slug(&state.db, &slug).await?;
    visible(&state, p).await
}

/// The member municipalities, alphabetically.
#[utoipa::path(
    get,
    path = "/api/v1/municipalities",
    tag = "Kommunen",
    responses((status = 200, body = Vec<ApiMunicipality>))
)]
pub async fn list_municipalities(
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<ApiMunicipality>>> {
    let members = state.members().await?;
    Ok(Json(
        members.iter().map(|m| municipality(&state, m)).collect(),
    ))
}

/// One member municipality.
#[utoipa::path(
    get,
    path = "/api/v1/municipalities/{slug}",
    tag = "Kommunen",
    params(("slug" = String, Path, description = "Slug der Kommune, z. B. borsdorf")),
    responses(
        (status = 200, body = ApiMunicipality),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_municipality(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<ApiMunicipality>> {
    let members = state.members().await?;
    let m = members
        .iter()
        .find(|m| m.slug == slug)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(municipality(&state, m)))
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    use super::SearchParam;

    /// utoipa needs the parameter names as literals; they must still be the parsed ones.
    #[test]
    fn the_documented_search_parameters_are_the_parsed_ones() {
        let doc = crate::api::ApiDoc::openapi();
        let search = doc
            .paths
            .paths
            .get("/api/v1/postings")
            .and_then(|p| p.get.as_ref())
            .expect("the search is documented");
        let documented: Vec<&str> = search
            .parameters
            .iter()
            .flatten()
            .map(|p| p.name.as_str())
            .collect();
        let parsed: Vec<&str> = SearchParam::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(documented, parsed);
    }
}
