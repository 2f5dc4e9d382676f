//! The push API for the municipalities' own systems: `PUT` creates or replaces a posting under
//! the system's own id, `DELETE` archives it. Bearer token of the municipality; a token only
//! ever reaches its own municipality's postings.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use jobboard_domain::accounts::throttle;
use jobboard_domain::api_tokens::{self, ApiToken};
use jobboard_domain::postings::push::{self, EXTERNAL_ID_MAX, PushOutcome, PushStatus};
use jobboard_domain::postings::validation::ValidationContext;
use jobboard_domain::postings::{
    Category, Contract, DraftBuilder, Employment, PartnerDraft, PayScheme, PostingDraft,
    PostingKind, queries,
};
use jobboard_domain::{Actor, DomainError, municipalities};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem::{ApiError, ApiResult, FieldProblem, Problem};
use crate::AppState;
use crate::hr::session::{PeerAddr, client_address};

/// Largest accepted body.
pub const BODY_LIMIT: usize = 256 * 1024;

/// A posting as the municipality's system sends it. Field names and codes as in `ApiPosting`;
/// texts are Markdown. Optional fields left out are stored empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PushPosting {
    /// `published` (default): online now, or again; `draft`: kept offline.
    pub status: Option<String>,
    pub kind: Option<String>,
    pub reference_number: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub category: Option<String>,
    pub employment: Option<String>,
    pub weekly_hours: Option<f64>,
    pub contract: Option<String>,
    pub contract_end_date: Option<NaiveDate>,
    pub pay_scheme: Option<String>,
    pub pay_grade_from: Option<String>,
    pub pay_grade_to: Option<String>,
    pub pay_monthly_min_eur: Option<i32>,
    pub pay_monthly_max_eur: Option<i32>,
    pub location_place: Option<String>,
    pub location_postcode: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub start_date: Option<NaiveDate>,
    pub application_deadline: Option<NaiveDate>,
    pub description: Option<String>,
    pub tasks: Option<String>,
    pub profile: Option<String>,
    pub benefits: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
    /// Slugs of partner municipalities of a shared offer (they confirm on the board).
    pub partners: Vec<String>,
}

/// What a push did.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushResult {
    /// `created`, `updated` or `unchanged`.
    pub outcome: String,
    pub id: i64,
    pub slug: String,
    pub external_id: String,
    /// `draft`, `published`, `expired`, `archived`.
    pub status: String,
    pub version: i32,
    /// Address of the detail page (public once published).
    pub url: String,
}

/// Create or replace the posting with this external id.
#[utoipa::path(
    put,
    path = "/api/v1/municipalities/{slug}/postings/{external_id}",
    tag = "Push",
    params(
        ("slug" = String, Path, description = "Slug der eigenen Kommune"),
        ("external_id" = String, Path, description = "Id der Anzeige im eigenen System (höchstens 200 Zeichen)"),
    ),
    request_body(content = PushPosting, content_type = "application/json"),
    responses(
        (status = 201, description = "Angelegt", body = PushResult),
        (status = 200, description = "Ersetzt oder unverändert", body = PushResult),
        (status = 400, description = "Kein gültiges JSON, oder ein Feld vom falschen Typ", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Token fehlt, ist unbekannt oder widerrufen", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Token einer anderen Kommune", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body größer als 256 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Kein JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Angaben fehlerhaft, jedes Feld einzeln", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Zu viele Anfragen mit diesem Token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn put_posting(
    State(state): State<AppState>,
    PeerAddr(peer): PeerAddr,
    Path((slug, external_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let (token, municipality_id) = authorize(&state, &headers, peer, &slug).await?;
    check_external_id(&external_id)?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let v = v.split(';').next().unwrap_or_default().trim();
            v.eq_ignore_ascii_case("application/json")
        });
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Falsches Format",
            "Bitte senden Sie die Anzeige als JSON (Content-Type: application/json).",
        ));
    }
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Anfrage zu groß",
            format!(
                "Eine Anzeige darf höchstens {} KiB groß sein.",
                BODY_LIMIT / 1024
            ),
        )
    })?;
    let pushed: PushPosting = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "Der Inhalt ist kein gültiges JSON einer Anzeige: {e}"
        ))
    })?;
    let (draft, status) = into_draft(&state, pushed, municipality_id).await?;
    let actor = Actor::api_token(token.id);
    let (posting, outcome) = push::put_posting(
        &state.db,
        municipality_id,
        &external_id,
        draft,
        status,
        &actor,
        Utc::now(),
    )
    .await?;
    tracing::info!(token = token.id, posting = posting.id, ?outcome, "push");
    let code = if outcome == PushOutcome::Created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, Json(result(&state, &posting, outcome, &external_id))).into_response())
}

/// Archive the posting with this external id: it leaves the board, search and feeds.
#[utoipa::path(
    delete,
    path = "/api/v1/municipalities/{slug}/postings/{external_id}",
    tag = "Push",
    params(
        ("slug" = String, Path, description = "Slug der eigenen Kommune"),
        ("external_id" = String, Path, description = "Id der Anzeige im eigenen System"),
    ),
    responses(
        (status = 200, description = "Archiviert (oder war es schon)", body = PushResult),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Keine Anzeige mit dieser Id", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Id leer, länger als 200 Zeichen oder mit Steuerzeichen", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn delete_posting(
    State(state): State<AppState>,
    PeerAddr(peer): PeerAddr,
    Path((slug, external_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Json<PushResult>> {
    let (token, municipality_id) = authorize(&state, &headers, peer, &slug).await?;
    check_external_id(&external_id)?;
    let actor = Actor::api_token(token.id);
    let (posting, outcome) =
        push::archive_pushed(&state.db, municipality_id, &external_id, &actor, Utc::now()).await?;
    tracing::info!(
        token = token.id,
        posting = posting.id,
        ?outcome,
        "push archive"
    );
    Ok(Json(result(&state, &posting, outcome, &external_id)))
}

fn result(
    state: &AppState,
    p: &queries::Posting,
    outcome: PushOutcome,
    external_id: &str,
) -> PushResult {
    PushResult {
        outcome: match outcome {
            PushOutcome::Created => "created",
            PushOutcome::Updated => "updated",
            PushOutcome::Unchanged => "unchanged",
        }
        .into(),
        id: p.id,
        slug: p.slug.clone(),
        external_id: external_id.to_owned(),
        status: p.status.code().into(),
        version: p.version,
        url: state.site.url(&format!("/stellen/{}", p.slug)),
    }
}

fn check_external_id(id: &str) -> ApiResult<()> {
    if id.trim().is_empty()
        || id.chars().count() > EXTERNAL_ID_MAX
        || id.chars().any(char::is_control)
    {
        return Err(ApiError::validation(vec![FieldProblem {
            field: "external_id".into(),
            message: format!(
                "Die Id aus Ihrem System muss 1 bis {EXTERNAL_ID_MAX} Zeichen lang sein, ohne Steuerzeichen."
            ),
        }]));
    }
    Ok(())
}

/// The token of the request, checked against the municipality in the path and the rate limit.
async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
    slug: &str,
) -> ApiResult<(ApiToken, i64)> {
    let address = client_address(headers, peer, state.hr.trust_forwarded_for);
    let now = Utc::now();
    if throttle::token_failures_exhausted(&state.db, &address, now)
        .await
        .map_err(DomainError::from)?
    {
        tracing::warn!(address, "push API: too many invalid tokens");
        return Err(ApiError {
            retry_after: Some(60 * throttle::WINDOW_MINUTES as u64),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Zu viele Anfragen",
                "Von Ihrer Adresse kamen zu viele Anfragen mit ungültigem Token. Bitte später erneut versuchen.",
            )
        });
    }
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::unauthorized(
                "Bitte senden Sie das API-Token Ihrer Kommune im Header „Authorization: Bearer …“.",
            )
        })?;
    let Some(token) = api_tokens::authenticate(&state.db, presented, now).await? else {
        throttle::record_token_failure(&state.db, &address, now)
            .await
            .map_err(DomainError::from)?;
        return Err(ApiError::unauthorized(
            "Das API-Token ist unbekannt, abgelaufen oder wurde widerrufen.",
        ));
    };
    if let Err(secs) = state.push_limiter.check(token.id) {
        return Err(ApiError {
            retry_after: Some(secs),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Zu viele Anfragen",
                format!(
                    "Mit diesem Token kamen zu viele Anfragen. Bitte in {secs} s erneut versuchen."
                ),
            )
        });
    }
    let own = municipalities::find_by_id(&state.db, token.municipality_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    if own.slug != slug {
        tracing::warn!(
            token = token.id,
            path = slug,
            "push to another municipality refused"
        );
        return Err(ApiError::forbidden(
            "Dieses Token gehört zu einer anderen Kommune; es darf nur deren Anzeigen ändern.",
        ));
    }
    Ok((token, own.id))
}

/// The draft, or every field that is missing or has an unknown code, and the domain's rules
/// for the rest, in one answer.
async fn into_draft(
    state: &AppState,
    p: PushPosting,
    municipality_id: i64,
) -> ApiResult<(PostingDraft, PushStatus)> {
    let mut b = DraftBuilder::new(p.application_deadline);
    if p.application_deadline.is_none() {
        b.reject(
            "application_deadline",
            "Pflichtfeld fehlt: die Bewerbungsfrist als Datum (JJJJ-MM-TT).",
        );
    }
    let codes = read_codes(&mut b, &p);
    let status = read_status(&mut b, p.status.as_deref());
    let partners = read_partners(state, &mut b, &p.partners).await?;
    let d = b.draft();
    if let Some((kind, category, employment, contract, pay_scheme)) = codes {
        (d.kind, d.category, d.employment) = (kind, category, employment);
        (d.contract, d.pay_scheme) = (contract, pay_scheme);
    }
    d.partners = partners;
    copy_fields(d, p);
    let ctx = ValidationContext {
        owner_municipality_id: municipality_id,
        publication_day: None,
    };
    let rejected = b.rejected();
    let draft = b.build(ctx).map_err(|errors| {
        // Every value that could not be read, then one rule per field: the first says what
        // to fix.
        let mut problems: Vec<FieldProblem> = vec![];
        for (i, e) in errors.0.into_iter().enumerate() {
            if i < rejected || !problems.iter().any(|x| x.field == e.field) {
                problems.push(FieldProblem {
                    field: e.field.into(),
                    message: e.message,
                });
            }
        }
        ApiError::validation(problems)
    })?;
    Ok((draft, status))
}

/// A required code, or an error naming the allowed ones.
fn code<T: Copy>(
    b: &mut DraftBuilder,
    value: Option<&str>,
    field: &'static str,
    from_code: fn(&str) -> Option<T>,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Option<T> {
    let allowed = || all.iter().map(|v| name(*v)).collect::<Vec<_>>().join(", ");
    match value {
        None => {
            b.reject(field, format!("Pflichtfeld fehlt. Erlaubt: {}.", allowed()));
            None
        }
        Some(v) => from_code(v).or_else(|| {
            b.reject(
                field,
                format!("Unbekannter Wert „{v}“. Erlaubt: {}.", allowed()),
            );
            None
        }),
    }
}

type Codes = (PostingKind, Category, Employment, Contract, PayScheme);

/// The five required codes; `None` if any is missing or unknown (each reported).
fn read_codes(b: &mut DraftBuilder, p: &PushPosting) -> Option<Codes> {
    let kind = code(
        b,
        p.kind.as_deref(),
        "kind",
        PostingKind::from_code,
        PostingKind::ALL,
        PostingKind::code,
    );
    let category = code(
        b,
        p.category.as_deref(),
        "category",
        Category::from_code,
        Category::ALL,
        Category::code,
    );
    let employment = code(
        b,
        p.employment.as_deref(),
        "employment",
        Employment::from_code,
        Employment::ALL,
        Employment::code,
    );
    let contract = code(
        b,
        p.contract.as_deref(),
        "contract",
        Contract::from_code,
        Contract::ALL,
        Contract::code,
    );
    let pay = code(
        b,
        p.pay_scheme.as_deref(),
        "pay_scheme",
        PayScheme::from_code,
        PayScheme::ALL,
        PayScheme::code,
    );
    Some((kind?, category?, employment?, contract?, pay?))
}

fn read_status(b: &mut DraftBuilder, status: Option<&str>) -> PushStatus {
    match status {
        None | Some("published") => PushStatus::Published,
        Some("draft") => PushStatus::Draft,
        Some(other) => {
            b.reject(
                "status",
                format!("Unbekannter Status „{other}“. Erlaubt: published, draft."),
            );
            PushStatus::Published
        }
    }
}

/// Partner municipalities by slug; an unknown slug is reported.
async fn read_partners(
    state: &AppState,
    b: &mut DraftBuilder,
    slugs: &[String],
) -> ApiResult<Vec<PartnerDraft>> {
    let members = state.members().await?;
    let mut partners = vec![];
    for slug in slugs {
        match members.iter().find(|m| &m.slug == slug) {
            Some(m) => partners.push(PartnerDraft {
                municipality_id: m.id,
                note: None,
            }),
            None => b.reject(
                "partners",
                format!("Die Partnerkommune „{slug}“ ist nicht bekannt."),
            ),
        }
    }
    Ok(partners)
}

/// The free fields, as sent; left-out texts stay empty.
fn copy_fields(d: &mut PostingDraft, p: PushPosting) {
    d.reference_number = p.reference_number.unwrap_or_default();
    d.title = p.title.unwrap_or_default();
    d.department = p.department;
    d.weekly_hours = p.weekly_hours;
    d.contract_end_date = p.contract_end_date;
    d.pay_grade_from = p.pay_grade_from;
    d.pay_grade_to = p.pay_grade_to;
    d.pay_monthly_min_eur = p.pay_monthly_min_eur;
    d.pay_monthly_max_eur = p.pay_monthly_max_eur;
    d.location_place = p.location_place.unwrap_or_default();
    d.location_postcode = p.location_postcode.unwrap_or_default();
    d.latitude = p.latitude;
    d.longitude = p.longitude;
    d.start_date = p.start_date;
    d.description = p.description.unwrap_or_default();
    d.tasks = p.tasks.unwrap_or_default();
    d.profile = p.profile.unwrap_or_default();
    d.benefits = p.benefits.unwrap_or_default();
    d.contact_name = p.contact_name;
    d.contact_phone = p.contact_phone;
    d.contact_email = p.contact_email;
    d.apply_url = p.apply_url;
    d.apply_email = p.apply_email;
}
