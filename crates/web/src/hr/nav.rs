//! What every page of the workspace shows above its content: who is signed in, the workspace
//! navigation and the sign-out button (a form, so it carries the CSRF token).

use jobboard_domain::accounts::{Role, SignedIn};

use crate::AppState;
use crate::page::{Meta, Section};

/// An entry of the workspace navigation; a page names the one it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavKey {
    Overview,
    NewPosting,
    Courses,
    Cooperation,
    /// Every member's internal postings and the municipality's internal feed.
    Internal,
    Tokens,
    Sources,
    Profile,
    Admin,
    Survey,
    /// The statistics of a municipality (or, for the admin, the region).
    Statistics,
    /// A page under no entry (an existing posting, its history, a conflict).
    None,
}

/// One link of the navigation as the page shows it.
pub struct NavEntry {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The entries of an officer's and of the admin's navigation, in order.
const OFFICER: [(NavKey, &str, &str); 10] = [
    (NavKey::Overview, "/verwaltung", "Übersicht"),
    (
        NavKey::NewPosting,
        "/verwaltung/anzeigen/neu",
        "Neue Anzeige",
    ),
    (NavKey::Courses, "/verwaltung/lehrgaenge", "Lehrgänge"),
    (NavKey::Survey, "/verwaltung/bedarf", "Bedarfsabfrage"),
    (
        NavKey::Cooperation,
        "/verwaltung/zusammenarbeit",
        "Zusammenarbeit",
    ),
    (NavKey::Internal, "/verwaltung/intern", "Interne Stellen"),
    (
        NavKey::Tokens,
        "/verwaltung/api-schluessel",
        "API-Schlüssel",
    ),
    (NavKey::Sources, "/verwaltung/quellen", "Importquellen"),
    (NavKey::Profile, "/verwaltung/profil", "Arbeitgeberprofil"),
    (NavKey::Statistics, "/verwaltung/statistik", "Statistik"),
];
const ADMIN: [(NavKey, &str, &str); 6] = [
    (NavKey::Admin, "/verwaltung/admin", "Kommunen und Zugänge"),
    (NavKey::Overview, "/verwaltung/admin/anzeigen", "Anzeigen"),
    (
        NavKey::Cooperation,
        "/verwaltung/admin/vereinbarungen",
        "Vereinbarungen",
    ),
    (
        NavKey::Sources,
        "/verwaltung/admin/quellen",
        "Importquellen",
    ),
    (NavKey::Survey, "/verwaltung/admin/bedarf", "Bedarfsabfrage"),
    (NavKey::Statistics, "/verwaltung/statistik", "Statistik"),
];

pub struct HrNav {
    pub name: String,
    pub csrf: String,
    pub entries: Vec<NavEntry>,
}

impl HrNav {
    pub fn new(s: &SignedIn, current: NavKey) -> Self {
        let table: &[(NavKey, &str, &str)] = if s.user.role == Role::Admin {
            &ADMIN
        } else {
            &OFFICER
        };
        Self {
            name: s.user.name.clone(),
            csrf: s.csrf_token.clone(),
            entries: table
                .iter()
                .map(|&(key, href, label)| NavEntry {
                    href,
                    label,
                    current: key == current,
                })
                .collect(),
        }
    }
}

/// Workspace pages are never indexed and have no canonical address.
pub fn meta(state: &AppState, title: &str) -> Meta {
    Meta::new(
        &state.site,
        title,
        "Verwaltung der Partheland Stellenbörse",
        None,
        Section::Workspace,
    )
}
