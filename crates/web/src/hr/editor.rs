//! Creating and editing a posting: one form for every field, errors beside the fields, input
//! kept on error, Markdown preview, and a conflict page instead of overwriting a newer version.

use super::PathId;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use jobboard_domain::berlin;
use jobboard_domain::postings::validation::ValidationErrors;
use jobboard_domain::postings::{PostingDraft, mutations, queries};

use super::form::posting::{self, PartnerChoice, partner_choices, posting_groups};
use super::form::{Group, Outcome, Submitted, error_links, version};
use super::history::{Change, changes_since};
use super::nav::{HrNav, NavKey, meta};
use super::notice::{Notice, NoticeQuery};
use super::postings::{load_owned, read_only_reason};
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/editor.html")]
struct EditorPage {
    meta: Meta,
    nav: HrNav,
    heading: String,
    action: String,
    /// `None` for a new posting.
    posting: Option<PostingInfo>,
    version: i32,
    loaded: String,
    groups: Vec<Group>,
    partners: Vec<PartnerChoice>,
    partner_errors: Vec<String>,
    error_links: Vec<(String, String)>,
    notice: &'static str,
    read_only: &'static str,
}

struct PostingInfo {
    id: i64,
    status: &'static str,
    status_code: &'static str,
    public_path: String,
    publishable: bool,
    /// „besetzt am …“, or empty.
    filled: String,
    /// Whether it can be marked filled: it was online and is not filled yet.
    fillable: bool,
    /// Today as TT.MM.JJJJ, the default of the filled day.
    today: String,
}

#[derive(Template)]
#[template(path = "hr/conflict.html")]
struct ConflictPage {
    meta: Meta,
    nav: HrNav,
    id: i64,
    title: String,
    changes: Vec<Change>,
}

/// What the editor shows besides the posting itself.
struct View<'a> {
    status: StatusCode,
    submitted: &'a Submitted,
    errors: &'a ValidationErrors,
    preview: bool,
    notice: &'static str,
}

impl<'a> View<'a> {
    fn new(submitted: &'a Submitted, errors: &'a ValidationErrors) -> Self {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        Self {
            status,
            submitted,
            errors,
            preview: false,
            notice: "",
        }
    }
}

fn info(p: &queries::Posting) -> PostingInfo {
    PostingInfo {
        id: p.id,
        status: p.status.label(),
        status_code: p.status.code(),
        public_path: format!("/stellen/{}", p.slug),
        publishable: p.application_deadline >= berlin::today(Utc::now()),
        filled: p.filled_on.map(berlin::format_date).unwrap_or_default(),
        // A planned publication has its future instant as `published_at`, but was never
        // online: it cannot be filled (the domain would refuse it).
        fillable: p.filled_on.is_none()
            && p.published_at.is_some()
            && p.status != jobboard_domain::postings::PostingStatus::Scheduled,
        today: berlin::format_date(berlin::today(Utc::now())),
    }
}

async fn editor(
    state: &AppState,
    officer: &Officer,
    posting: Option<&queries::Posting>,
    v: View<'_>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let heading = posting.map_or_else(
        || "Neue Anzeige".to_owned(),
        |p| format!("Anzeige bearbeiten: {}", p.title),
    );
    let page = EditorPage {
        meta: meta(state, &heading),
        nav: HrNav::new(
            &officer.session,
            if posting.is_none() {
                NavKey::NewPosting
            } else {
                NavKey::None
            },
        ),
        heading,
        action: posting.map_or_else(
            || "/verwaltung/anzeigen".to_owned(),
            |p| format!("/verwaltung/anzeigen/{}", p.id),
        ),
        posting: posting.map(info),
        version: posting.map_or(0, |p| p.version),
        loaded: posting
            .map(|p| p.updated_at.to_rfc3339())
            .unwrap_or_default(),
        groups: posting_groups(v.submitted, v.errors, v.preview),
        partners: partner_choices(v.submitted, &members, officer.municipality_id),
        partner_errors: v.errors.for_field("partners").map(str::to_owned).collect(),
        error_links: error_links(v.errors, posting::anchor),
        notice: v.notice,
        read_only: posting.and_then(read_only_reason).unwrap_or(""),
    };
    Ok(render_status(v.status, &page)?)
}

pub async fn new_posting(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    let mut s = Submitted::default();
    for (k, v) in [
        ("kind", "job"),
        ("category", "verwaltung"),
        ("employment", "full_time"),
        ("contract", "permanent"),
        ("pay_scheme", "tvoed_vka_eg"),
    ] {
        s.set(k, v);
    }
    // Most postings are in the municipality itself.
    if let Some(m) = state
        .members()
        .await?
        .iter()
        .find(|m| m.id == officer.municipality_id)
    {
        s.set("location_place", m.name.clone());
    }
    let none = ValidationErrors::default();
    editor(&state, &officer, None, View::new(&s, &none)).await
}

/// The form again when it asked for the preview or has errors; `None` when it is to be saved.
/// The draft to save, or the page to show instead: the preview, or the form with its problems.
async fn draft_or_page(
    state: &AppState,
    officer: &Officer,
    posting: Option<&queries::Posting>,
    s: &Submitted,
    parsed: Result<PostingDraft, ValidationErrors>,
) -> AppResult<Result<PostingDraft, Response>> {
    let preview = s.get("aktion") == "vorschau";
    let errors = match parsed {
        Ok(draft) if !preview => return Ok(Ok(draft)),
        Ok(_) => ValidationErrors::default(),
        Err(errors) => errors,
    };
    let view = View {
        preview,
        ..View::new(s, &errors)
    };
    Ok(Err(editor(state, officer, posting, view).await?))
}

fn to_editor(id: i64) -> Response {
    Notice::Saved.redirect(&format!("/verwaltung/anzeigen/{id}"))
}

pub async fn create_posting(
    State(state): State<AppState>,
    officer: Officer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = Submitted::new(pairs);
    let parsed = posting::parse(&s, officer.municipality_id);
    let draft = match draft_or_page(&state, &officer, None, &s, parsed).await? {
        Ok(draft) => draft,
        Err(page) => return Ok(page),
    };
    let actor = officer.session.user.actor();
    let created = mutations::create_posting(
        &state.db,
        officer.municipality_id,
        draft,
        &actor,
        Utc::now(),
    )
    .await;
    match Outcome::of(created)? {
        Outcome::Saved(p) => Ok(to_editor(p.id)),
        Outcome::Invalid(errors) => editor(&state, &officer, None, View::new(&s, &errors)).await,
        Outcome::Stale(e) => Err(e.into()),
    }
}

pub async fn edit_posting(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    let partners = queries::partners_of(&state.db, p.id)
        .await?
        .into_iter()
        .map(|x| jobboard_domain::postings::PartnerDraft {
            municipality_id: x.municipality_id,
            note: x.note,
        })
        .collect();
    let s = posting::from_draft(&PostingDraft::from_model(&p, partners));
    let none = ValidationErrors::default();
    let view = View {
        notice: q.text(),
        ..View::new(&s, &none)
    };
    editor(&state, &officer, Some(&p), view).await
}

pub async fn update_posting(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    if let Some(why) = read_only_reason(&p) {
        return Err(AppError::Refused(StatusCode::CONFLICT, why.to_owned()));
    }
    let s = Submitted::new(pairs);
    let parsed = posting::parse(&s, officer.municipality_id);
    let draft = match draft_or_page(&state, &officer, Some(&p), &s, parsed).await? {
        Ok(draft) => draft,
        Err(page) => return Ok(page),
    };
    let version = version(&s)?;
    let actor = officer.session.user.actor();
    let updated =
        mutations::update_posting(&state.db, id, version, draft, &actor, Utc::now()).await;
    match Outcome::of(updated)? {
        Outcome::Saved(p) => Ok(to_editor(p.id)),
        Outcome::Invalid(errors) => {
            editor(&state, &officer, Some(&p), View::new(&s, &errors)).await
        }
        Outcome::Stale(_) => {
            let since = DateTime::parse_from_rfc3339(s.get("loaded"))
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(p.updated_at);
            conflict(&state, &officer, &p, since).await
        }
    }
}

/// 409: someone saved in between. Shows what they changed; nothing of this request was saved.
pub async fn conflict(
    state: &AppState,
    officer: &Officer,
    p: &queries::Posting,
    since: DateTime<Utc>,
) -> AppResult<Response> {
    let page = ConflictPage {
        meta: meta(state, "Zwischenzeitlich geändert"),
        nav: HrNav::new(&officer.session, NavKey::None),
        id: p.id,
        title: p.title.clone(),
        changes: changes_since(state, p.id, since).await?,
    };
    Ok(render_status(StatusCode::CONFLICT, &page)?)
}
