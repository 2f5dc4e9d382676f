//! The HR workspace: sign-in, the platform admin's pages and the officers' posting editor;
//! its route list also holds the public pages that change state (search-alert sign-up and
//! management), so the origin check of the guard applies to them.
//!
//! Every route is listed once in [`ROUTES`]; the router is built from that list and the tenant
//! isolation test walks the same list, so a new route cannot escape the test.

mod admin;
mod alerts;
mod ba;
pub mod chart;
mod cooperation;
mod course_participants;
mod courses;
mod csv_export;
mod dashboard;
mod editor;
pub(crate) mod form;
mod history;
mod internal;
mod nav;
mod notice;
mod postings;
mod profile;
pub mod session;
mod signin;
mod sources;
mod stats;
pub mod survey;
mod tokens;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};
use jobboard_domain::accounts::SessionPolicy;
use jobboard_mail::Mailer;

use crate::AppState;

/// Settings of the HR workspace, from the server's configuration.
#[derive(Clone, Debug)]
pub struct HrSettings {
    pub mailer: Mailer,
    /// `Secure` on the session cookie; off only for a board on http://localhost.
    pub cookie_secure: bool,
    pub session_policy: SessionPolicy,
    /// Take the client address for throttling from `X-Forwarded-For` (behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// `scheme://host[:port]` of the public address: what a browser sends as `Origin`.
    pub origin: String,
    /// What the admin's "Jetzt abrufen" button needs; `None`: the button is not offered.
    pub imports: Option<ImportSettings>,
    /// Where uploaded documents (signed agreements) are kept: under the data directory, never
    /// served as files, only through the handlers that check who asks.
    pub documents: std::path::PathBuf,
}

/// Harvests one import source on demand. The server implements it: it runs the harvest in a
/// task of its own (only the server starts tasks), so a browser that stops waiting does not cut
/// the run short. The answer is `None` when that task did not finish (it panicked).
pub trait Harvester: Send + Sync {
    fn harvest(&self, source_id: i64) -> HarvestRun;
}

pub type HarvestRun = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = Option<jobboard_domain::DomainResult<jobboard_feeds::import::RunResult>>,
            > + Send,
    >,
>;

/// The harvester as the server configures it, for harvesting a source on demand from the
/// workspace, and the schedule `serve` harvests on (to show when a source is due next).
#[derive(Clone)]
pub struct ImportSettings {
    pub harvester: Arc<dyn Harvester>,
    /// `JOBBOARD_IMPORT_INTERVAL_SECS`; `None`: sources are harvested only on demand.
    pub interval: Option<chrono::Duration>,
}

impl std::fmt::Debug for ImportSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportSettings")
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl HrSettings {
    /// Defaults for a board at `base_url`: cookies `Secure` unless it is plain http on
    /// localhost, mail into `outbox`.
    pub fn new(base_url: &str, mailer: Mailer) -> Self {
        let url = url::Url::parse(base_url).ok();
        let origin = url
            .as_ref()
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|| base_url.trim_end_matches('/').to_owned());
        let local_http = url.as_ref().is_some_and(|u| {
            u.scheme() == "http"
                && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
        });
        Self {
            mailer,
            cookie_secure: !local_http,
            session_policy: SessionPolicy::default(),
            trust_forwarded_for: false,
            origin,
            imports: None,
            documents: std::env::temp_dir().join("jobboard-documents"),
        }
    }
}

pub(crate) type Shared = Arc<HrSettings>;

/// The one numeric id in a workspace address (`{id}`, `{course_id}`, …). Anything that is not a
/// number gets the German "not found" page, as an id that does not exist does; axum's own
/// rejection would be an English plain-text 400.
pub struct PathId(pub i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PathId {
    type Rejection = crate::AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| crate::AppError::NotFound)?;
        raw.parse()
            .map(PathId)
            .map_err(|_| crate::AppError::NotFound)
    }
}

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in, invitation, password reset).
    Public,
    /// Any signed-in user.
    SignedIn,
    Admin,
    /// HR officers, for their own municipality only.
    Officer,
}

pub struct Route {
    pub method: &'static str,
    /// axum path; `{id}` is a posting, `{user_id}` a user, `{token}` a one-time token (or a
    /// search alert's management token under `/suchauftrag`),
    /// `{course_id}` a course, `{registration_id}` a course registration, `{token_id}` an API token,
    /// `{source_id}` an import source, `{agreement_id}` an agreement, `{request_id}` a cover
    /// request, `{offer_id}` an offer on one, `{round_id}` a survey round, `{file}` a secret feed
    /// address with its extension (`/kalender/vertretungen/…`, `/intern/stellen/…`),
    /// `{municipality}` a member's slug (or `region`, the admin's whole region).
    pub path: &'static str,
    pub access: Access,
    handler: fn() -> MethodRouter<AppState>,
}

macro_rules! routes {
    ($($method:ident $path:literal $access:ident => $handler:path;)*) => {
        /// Every route of the HR workspace.
        pub const ROUTES: &[Route] = &[$(Route {
            method: routes!(@m $method),
            path: $path,
            access: Access::$access,
            handler: || $method($handler),
        }),*];
    };
    (@m get) => { "GET" };
    (@m post) => { "POST" };
}

routes! {
    get "/anmelden" Public => signin::show_sign_in;
    post "/anmelden" Public => signin::sign_in;
    get "/passwort-vergessen" Public => signin::show_reset_request;
    post "/passwort-vergessen" Public => signin::request_reset;
    get "/einladung/{token}" Public => signin::show_invitation;
    post "/einladung/{token}" Public => signin::accept_invitation;
    get "/passwort-neu/{token}" Public => signin::show_new_password;
    post "/passwort-neu/{token}" Public => signin::set_new_password;
    post "/abmelden" SignedIn => signin::sign_out;
    get "/verwaltung/admin" Admin => admin::show_admin;
    get "/verwaltung/admin/quellen" Admin => sources::show_sources;
    post "/verwaltung/admin/quellen" Admin => sources::add_source;
    get "/verwaltung/admin/quellen/{source_id}" Admin => sources::show_source;
    post "/verwaltung/admin/quellen/{source_id}/abrufen" Admin => sources::harvest_now;
    post "/verwaltung/admin/quellen/{source_id}/aktivieren" Admin => sources::enable_source;
    post "/verwaltung/admin/quellen/{source_id}/deaktivieren" Admin => sources::disable_source;
    post "/verwaltung/admin/quellen/{source_id}/entfernen" Admin => sources::remove_source;
    get "/verwaltung/admin/suchauftraege" Admin => alerts::show_alerts;
    get "/verwaltung/admin/ba-meldung" Admin => ba::show_ba;
    post "/verwaltung/admin/suchauftraege/abschalten" Admin => alerts::switch_off;
    post "/verwaltung/admin/kommunen" Admin => admin::create_municipality;
    post "/verwaltung/admin/benutzer" Admin => admin::create_user;
    post "/verwaltung/admin/benutzer/{user_id}/deaktivieren" Admin => admin::deactivate_user;
    get "/verwaltung" SignedIn => dashboard::show_dashboard;
    get "/verwaltung/admin/anzeigen" Admin => dashboard::show_admin_postings;
    post "/verwaltung/anzeigen/sammelaktion" Officer => postings::bulk_action;
    get "/verwaltung/anzeigen/neu" Officer => editor::new_posting;
    post "/verwaltung/anzeigen" Officer => editor::create_posting;
    get "/verwaltung/anzeigen/{id}" Officer => editor::edit_posting;
    post "/verwaltung/anzeigen/{id}" Officer => editor::update_posting;
    post "/verwaltung/anzeigen/{id}/status" Officer => postings::change_status;
    post "/verwaltung/anzeigen/{id}/duplizieren" Officer => postings::duplicate_posting;
    get "/verwaltung/anzeigen/{id}/vorschau" Officer => postings::preview_posting;
    get "/verwaltung/anzeigen/{id}/verlauf" Officer => history::show_history;
    get "/verwaltung/anzeigen/{id}/zahlen" Officer => stats::show_posting_stats;
    get "/verwaltung/anzeigen/{id}/zahlen.csv" Officer => stats::posting_stats_csv;
    post "/verwaltung/anzeigen/{id}/besetzt" Officer => stats::mark_filled;
    get "/verwaltung/statistik" SignedIn => stats::show_overview;
    get "/verwaltung/statistik/{municipality}" SignedIn => stats::show_stats;
    get "/verwaltung/statistik/{municipality}/anzeigen.csv" SignedIn => stats::stats_csv;
    post "/verwaltung/verbund/{id}/bestaetigen" Officer => postings::confirm_partnership;
    post "/verwaltung/verbund/{id}/ablehnen" Officer => postings::decline_partnership;
    get "/verwaltung/lehrgaenge" Officer => courses::show_courses;
    get "/verwaltung/lehrgaenge/neu" Officer => courses::new_course;
    post "/verwaltung/lehrgaenge" Officer => courses::create_course;
    get "/verwaltung/lehrgaenge/{course_id}" Officer => courses::edit_course;
    post "/verwaltung/lehrgaenge/{course_id}" Officer => courses::update_course;
    post "/verwaltung/lehrgaenge/{course_id}/status" Officer => courses::change_course_status;
    get "/verwaltung/lehrgaenge/{course_id}/teilnehmende" Officer => course_participants::show_participants;
    get "/verwaltung/lehrgaenge/{course_id}/teilnehmende.csv" Officer => course_participants::participants_csv;
    post "/verwaltung/lehrgaenge/{course_id}/anmeldungen" Officer => course_participants::register_participant;
    post "/verwaltung/lehrgaenge/{course_id}/anwesenheit" Officer => course_participants::record_attendance;
    post "/verwaltung/anmeldungen/{registration_id}/stornieren" Officer => course_participants::cancel_registration;
    get "/verwaltung/api-schluessel" Officer => tokens::show_tokens;
    post "/verwaltung/api-schluessel" Officer => tokens::create_token;
    post "/verwaltung/api-schluessel/{token_id}/widerrufen" Officer => tokens::revoke_token;
    get "/verwaltung/quellen" Officer => sources::show_own_sources;
    get "/verwaltung/quellen/{source_id}" Officer => sources::show_own_source;
    get "/verwaltung/admin/bedarf" Admin => survey::rounds::show_survey_admin;
    post "/verwaltung/admin/bedarf" Admin => survey::rounds::open_round;
    post "/verwaltung/admin/bedarf/{round_id}/frist" Admin => survey::rounds::change_deadline;
    post "/verwaltung/admin/bedarf/{round_id}/verbund" Admin => survey::rounds::take_place;
    post "/verwaltung/admin/bedarf/{round_id}/lehrgang" Admin => survey::rounds::take_course;
    get "/verwaltung/bedarf" Officer => survey::answer::show_rounds;
    get "/verwaltung/bedarf/{round_id}" Officer => survey::answer::show_answer;
    post "/verwaltung/bedarf/{round_id}" Officer => survey::answer::save_answer;
    get "/verwaltung/bedarf/{round_id}/planung" SignedIn => survey::planning::show_planning;
    get "/verwaltung/bedarf/{round_id}/ausbildung.csv" SignedIn => survey::planning::starts_csv;
    get "/verwaltung/bedarf/{round_id}/abgaenge.csv" SignedIn => survey::planning::groups_csv;
    get "/verwaltung/bedarf/{round_id}/lehrgaenge.csv" SignedIn => survey::planning::courses_csv;
    get "/verwaltung/bedarf/{round_id}/vergleich.csv" SignedIn => survey::planning::comparison_csv;
    get "/verwaltung/profil" Officer => profile::show_profile;
    post "/verwaltung/profil" Officer => profile::update_profile;
    get "/verwaltung/zusammenarbeit" Officer => cooperation::show_cooperation;
    post "/verwaltung/zusammenarbeit/kalender" Officer => cooperation::calendar::rotate_calendar;
    post "/verwaltung/zusammenarbeit/kalender/widerrufen" Officer => cooperation::calendar::revoke_calendar;
    get "/kalender/vertretungen/{file}" Public => cooperation::calendar::cover_ics;
    get "/verwaltung/admin/vereinbarungen" Admin => cooperation::agreements::show_admin_agreements;
    get "/verwaltung/admin/vereinbarungen/neu" Admin => cooperation::agreements::new_admin_agreement;
    post "/verwaltung/admin/vereinbarungen" Admin => cooperation::agreements::create_admin_agreement;
    get "/verwaltung/admin/vereinbarungen/{agreement_id}" Admin => cooperation::agreements::show_admin_agreement;
    get "/verwaltung/vereinbarungen/neu" Officer => cooperation::agreements::new_agreement;
    post "/verwaltung/vereinbarungen" Officer => cooperation::agreements::create_agreement;
    get "/verwaltung/vereinbarungen/{agreement_id}" Officer => cooperation::agreements::show_agreement;
    post "/verwaltung/vereinbarungen/{agreement_id}" Officer => cooperation::agreements::update_agreement;
    get "/verwaltung/vereinbarungen/{agreement_id}/bearbeiten" Officer => cooperation::agreements::edit_agreement;
    post "/verwaltung/vereinbarungen/{agreement_id}/bestaetigen" Officer => cooperation::agreements::confirm_agreement;
    post "/verwaltung/vereinbarungen/{agreement_id}/beenden" Officer => cooperation::agreements::end_agreement;
    get "/verwaltung/vereinbarungen/{agreement_id}/stunden.csv" Officer => cooperation::agreements::ledger_csv;
    post "/verwaltung/vereinbarungen/{agreement_id}/dokument" Officer => cooperation::document::upload_document;
    get "/verwaltung/vereinbarungen/{agreement_id}/dokument.pdf" Officer => cooperation::document::download_document;
    get "/verwaltung/intern" Officer => internal::show_internal;
    get "/verwaltung/intern/{id}" Officer => internal::show_internal_posting;
    post "/verwaltung/intern/feed" Officer => internal::rotate_internal_feed;
    post "/verwaltung/intern/feed/widerrufen" Officer => internal::revoke_internal_feed;
    get "/intern/stellen/{file}" Public => internal::internal_feed;
    get "/verwaltung/vertretungen/neu" Officer => cooperation::requests::new_request;
    post "/verwaltung/vertretungen" Officer => cooperation::requests::create_request;
    get "/verwaltung/vertretungen/{request_id}" Officer => cooperation::requests::show_request;
    post "/verwaltung/vertretungen/{request_id}/angebote" Officer => cooperation::requests::create_offer;
    post "/verwaltung/vertretungen/{request_id}/annehmen" Officer => cooperation::requests::accept_offers;
    post "/verwaltung/vertretungen/{request_id}/absagen" Officer => cooperation::requests::cancel_request;
    post "/verwaltung/angebote/{offer_id}/absagen" Officer => cooperation::requests::cancel_offer;
    post "/suchauftrag" Public => crate::alerts::signup::request_alert;
    get "/suchauftrag/{token}" Public => crate::alerts::manage::show_alert;
    post "/suchauftrag/{token}/bestaetigen" Public => crate::alerts::manage::confirm_alert;
    post "/suchauftrag/{token}/aendern" Public => crate::alerts::manage::change_alert;
    post "/suchauftrag/{token}/pausieren" Public => crate::alerts::manage::pause_alert;
    post "/suchauftrag/{token}/fortsetzen" Public => crate::alerts::manage::resume_alert;
    post "/suchauftrag/{token}/behalten" Public => crate::alerts::manage::keep_alert;
    post "/suchauftrag/{token}/loeschen" Public => crate::alerts::manage::delete_alert;
}

pub fn router(state: AppState) -> Router<AppState> {
    ROUTES
        .iter()
        .fold(Router::new(), |r, route| {
            r.route(route.path, (route.handler)())
        })
        .layer(DefaultBodyLimit::max(session::BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state, session::guard))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> Mailer {
        Mailer::file_outbox(std::env::temp_dir().join("unused"), "noreply@localhost")
            .expect("valid sender")
    }

    #[test]
    fn cookies_are_secure_except_for_plain_http_on_localhost() {
        assert!(!HrSettings::new("http://127.0.0.1:8080", mailer()).cookie_secure);
        assert!(!HrSettings::new("http://localhost:3000", mailer()).cookie_secure);
        assert!(HrSettings::new("http://stellen.partheland.de", mailer()).cookie_secure);
        let s = HrSettings::new("https://stellen.partheland.de/", mailer());
        assert!(s.cookie_secure);
        assert_eq!(s.origin, "https://stellen.partheland.de");
    }

    #[test]
    fn every_route_is_listed_once_and_every_workspace_route_needs_sign_in() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(
                seen.insert((r.method, r.path)),
                "{} {} twice",
                r.method,
                r.path
            );
            if r.path.starts_with("/verwaltung") {
                assert_ne!(r.access, Access::Public, "{}", r.path);
            }
        }
    }
}
