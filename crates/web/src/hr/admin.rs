//! The platform admin: municipalities and user accounts (invitation, deactivation).

use super::PathId;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use jobboard_domain::DomainError;
use jobboard_domain::accounts::{AccountError, NewUser, Role, TokenPurpose, User, tokens, users};
use jobboard_domain::municipalities::{self, Municipality, NewMunicipality};
use jobboard_mail::Email;
use serde::Deserialize;

use super::nav::{HrNav, NavKey, meta};
use super::session::Admin;
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/admin.html")]
struct AdminPage {
    meta: Meta,
    nav: HrNav,
    self_id: i64,
    municipalities: Vec<Municipality>,
    users: Vec<UserRow>,
    notice: String,
    invitation_link: String,
    errors: Vec<String>,
    m: MunicipalityForm,
    u: UserForm,
}

struct UserRow {
    user: User,
    municipality: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MunicipalityForm {
    name: String,
    slug: String,
    website: String,
    contact_email: String,
    latitude: String,
    longitude: String,
    postcode: String,
    place: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserForm {
    email: String,
    name: String,
    role: String,
    municipality_id: String,
}

async fn page(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    fill: impl FnOnce(&mut AdminPage),
) -> AppResult<Response> {
    let list = municipalities::list(&state.db).await?;
    let users = users::list(&state.db)
        .await?
        .into_iter()
        .map(|user| UserRow {
            municipality: user
                .municipality_id
                .and_then(|id| list.iter().find(|m| m.id == id))
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            user,
        })
        .collect();
    let mut p = AdminPage {
        meta: meta(state, "Kommunen und Zugänge"),
        nav: HrNav::new(&admin.0, NavKey::Admin),
        self_id: admin.0.user.id,
        municipalities: list,
        users,
        notice: String::new(),
        invitation_link: String::new(),
        errors: Vec::new(),
        m: MunicipalityForm::default(),
        u: UserForm {
            role: "officer".into(),
            ..UserForm::default()
        },
    };
    fill(&mut p);
    Ok(render_status(status, &p)?)
}

pub async fn show_admin(State(state): State<AppState>, admin: Admin) -> AppResult<Response> {
    page(&state, &admin, StatusCode::OK, |_| {}).await
}

fn parse_coordinate(v: &str) -> f64 {
    v.trim().replace(',', ".").parse().unwrap_or(f64::NAN)
}

pub async fn create_municipality(
    State(state): State<AppState>,
    admin: Admin,
    Form(form): Form<MunicipalityForm>,
) -> AppResult<Response> {
    let new = NewMunicipality {
        name: form.name.clone(),
        slug: form.slug.clone(),
        website: form.website.clone(),
        contact_email: form.contact_email.clone(),
        latitude: parse_coordinate(&form.latitude),
        longitude: parse_coordinate(&form.longitude),
        postcode: form.postcode.clone(),
        place: form.place.clone(),
    };
    match municipalities::create(&state.db, new, &admin.0.user.actor(), Utc::now()).await {
        Ok(m) => {
            state.forget_members();
            page(&state, &admin, StatusCode::OK, |p| {
                p.notice = format!("Die Kommune {} ist angelegt.", m.name);
            })
            .await
        }
        Err(DomainError::Validation(e)) => {
            page(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, |p| {
                p.errors = e.0.into_iter().map(|f| f.message).collect();
                p.m = form;
            })
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_user(
    State(state): State<AppState>,
    admin: Admin,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let now = Utc::now();
    let role = Role::parse(&form.role).unwrap_or(Role::Officer);
    let new = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        role,
        municipality_id: match role {
            Role::Admin => None,
            Role::Officer => form.municipality_id.trim().parse().ok(),
        },
    };
    let user = match users::create_user(&state.db, new, &admin.0.user.actor(), now).await {
        Ok(u) => u,
        Err(e @ (AccountError::Db(_) | AccountError::Hash(_))) => return Err(e.into()),
        Err(e) => {
            return page(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, |p| {
                p.errors = vec![e.to_string()];
                p.u = form;
            })
            .await;
        }
    };
    let token = tokens::issue(&state.db, user.id, TokenPurpose::Invitation, now).await?;
    let link = state.site.url(&format!("/einladung/{token}"));
    let mail = Email {
        to: user.email.clone(),
        subject: "Ihr Zugang zur Partheland Stellenbörse".into(),
        body: format!(
            "Guten Tag {},\n\nfür Sie wurde ein Zugang zur Partheland Stellenbörse angelegt. Über diesen Link legen Sie Ihr Passwort fest (gültig für sieben Tage, nur einmal verwendbar):\n\n{link}\n\nPartheland Stellenbörse",
            user.name
        ),
        ..Email::default()
    };
    // The link is a password for the account until it is used: shown to the admin only when
    // the mail could not carry it.
    let (mailed, shown) = match state.hr.mailer.send(&mail).await {
        Ok(()) => ("Die Einladung wurde per E-Mail verschickt.", String::new()),
        Err(e) => {
            tracing::error!(error = %e, "invitation mail not sent");
            (
                "Die E-Mail konnte nicht verschickt werden; bitte geben Sie den Link selbst weiter.",
                link,
            )
        }
    };
    page(&state, &admin, StatusCode::OK, |p| {
        p.notice = format!("Der Zugang für {} ist angelegt. {mailed}", user.email);
        p.invitation_link = shown;
    })
    .await
}

pub async fn deactivate_user(
    State(state): State<AppState>,
    admin: Admin,
    PathId(user_id): PathId,
) -> AppResult<Response> {
    if user_id == admin.0.user.id {
        return page(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, |p| {
            p.errors = vec!["Ihren eigenen Zugang können Sie nicht deaktivieren.".into()];
        })
        .await;
    }
    users::set_active(&state.db, user_id, false, &admin.0.user.actor(), Utc::now()).await?;
    Ok(Redirect::to("/verwaltung/admin").into_response())
}
