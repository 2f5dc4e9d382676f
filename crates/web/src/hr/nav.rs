//! What every page of the workspace shows above its content: who is signed in, the workspace
//! navigation and the sign-out button (a form, so it carries the CSRF token).

use jobboard_domain::accounts::{Role, SignedIn};

use crate::AppState;
use crate::page::Meta;

pub struct HrNav {
    pub name: String,
    pub csrf: String,
    pub is_admin: bool,
    /// Which entry is current: `uebersicht`, `neu`, `lehrgaenge`, `tokens`, `quellen`, `profil`,
    /// `admin`.
    pub current: &'static str,
}

impl HrNav {
    pub fn new(s: &SignedIn, current: &'static str) -> Self {
        Self {
            name: s.user.name.clone(),
            csrf: s.csrf_token.clone(),
            is_admin: s.user.role == Role::Admin,
            current,
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
        "verwaltung",
    )
}
