//! `POST /suchauftrag`: the sign-up form of the results pages. Bad input gets the form back
//! with German field errors and nothing is stored; a good request is stored as pending and the
//! confirmation mail goes out. Whether the address already had a pending request is not told
//! (the same page either way), so the form reveals nothing about anyone's address.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jobboard_domain::accounts::throttle;
use jobboard_domain::alerts::mutations::{self, Requested};
use jobboard_domain::alerts::{AlertDraft, AlertScope, Frequency, validate};
use jobboard_domain::audit::AuditAction;
use jobboard_domain::postings::validation::ValidationErrors;
use jobboard_domain::{Actor, DomainError};

use super::{AlertForm, FREQUENCY_ERROR, FeedAnchor, alert_query, describe, feeds_of, mail};
use crate::hr::form::{Submitted, error_links};
use crate::hr::session::{PeerAddr, client_address};
use crate::page::{Meta, Section, render, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "alerts/signup.html")]
struct SignupPage {
    meta: Meta,
    alert: AlertForm,
    error_links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "alerts/message.html")]
pub(crate) struct MessagePage {
    pub meta: Meta,
    pub heading: &'static str,
    pub paragraphs: Vec<String>,
    pub feeds: Vec<FeedAnchor>,
    pub back: String,
    pub back_label: &'static str,
}

pub async fn request_alert(
    State(state): State<AppState>,
    headers: HeaderMap,
    PeerAddr(peer): PeerAddr,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let now = Utc::now();
    let s = Submitted::new(pairs);
    let members = state.members().await?;
    let scope = AlertScope::from_code(s.get("scope")).unwrap_or(AlertScope::Jobs);
    let mut errors = ValidationErrors::default();
    let query = alert_query(s.get("query"), scope, &members).unwrap_or_else(|e| {
        errors.add("query", e.to_string());
        String::new()
    });
    let frequency = Frequency::from_code(s.get("frequency")).unwrap_or_else(|| {
        errors.add("frequency", FREQUENCY_ERROR);
        Frequency::Daily
    });
    let draft = AlertDraft {
        email: s.get("email").chars().take(300).collect(),
        scope,
        query,
        frequency,
        consent: s.get("consent") == "ja",
    };
    errors.0.extend(validate(&draft, true).0);
    if !errors.0.is_empty() {
        let mut alert = AlertForm::new(
            scope,
            s.get("query").chars().take(2000).collect(),
            describe(scope, s.get("query"), &members),
        );
        alert.email = draft.email;
        alert.weekly = frequency == Frequency::Weekly;
        alert.consent = draft.consent;
        alert.errors = errors;
        return signup_page(&state, alert);
    }
    let client = client_address(&headers, peer, state.hr.trust_forwarded_for);
    if !throttle::allow_alert_signup(&state.db, &client, now).await? {
        return Err(AppError::Refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Von Ihrem Anschluss kamen in der letzten Stunde schon mehrere Suchaufträge. Bitte versuchen Sie es später erneut.".into(),
        ));
    }
    if let Requested::Created { alert, token } = mutations::request(&state.db, &draft, now).await? {
        let email = mail::confirmation(&state.site, &members, &alert, &token);
        if let Err(e) = state.hr.mailer.send(&email).await {
            // The error may name the address: only its kind goes to the log.
            tracing::warn!(
                alert = alert.id,
                error = e.kind(),
                "confirmation mail failed"
            );
            // Without the mail nobody can confirm; the request must not block a new one.
            let system = Actor::system("alerts");
            match mutations::delete(&state.db, alert.id, AuditAction::Deleted, &system, now).await {
                Ok(()) | Err(DomainError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
            return Err(AppError::Refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "Die Bestätigungs-E-Mail konnte gerade nicht verschickt werden. Bitte versuchen Sie es später erneut.".into(),
            ));
        }
    }
    requested_page(&state, scope, &draft.query)
}

fn signup_page(state: &AppState, alert: AlertForm) -> AppResult<Response> {
    let page = SignupPage {
        meta: Meta::new(
            &state.site,
            "Suchauftrag anlegen",
            "Neue Angebote zu einer Suche per E-Mail.",
            None,
            Section::Other,
        ),
        error_links: error_links(&alert.errors, |_| None),
        alert,
    };
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?)
}

fn requested_page(state: &AppState, scope: AlertScope, query: &str) -> AppResult<Response> {
    let page = MessagePage {
        meta: Meta::new(
            &state.site,
            "Bitte bestätigen Sie Ihren Suchauftrag",
            "Suchauftrag angefordert.",
            None,
            Section::Other,
        ),
        heading: "Bitte bestätigen Sie Ihren Suchauftrag",
        paragraphs: vec![
            "Wir haben Ihnen eine E-Mail geschickt. Bitte öffnen Sie den Link darin und bestätigen Sie den Suchauftrag. Vorher senden wir Ihnen keine Angebote.".into(),
            "Ohne Bestätigung löschen wir die Anfrage mit Ihrer Adresse nach 7 Tagen. Liegt für Ihre Adresse schon eine unbestätigte Anfrage vor, gilt diese; bitte bestätigen Sie dann die frühere E-Mail.".into(),
        ],
        feeds: feeds_of(scope, query),
        back: if query.is_empty() {
            scope.path().to_owned()
        } else {
            format!("{}?{query}", scope.path())
        },
        back_label: "Zurück zur Suche",
    };
    Ok(render(&page)?.into_response())
}
