//! Who made a change, as recorded in `created_by`, `updated_by` and the audit trail.

use std::fmt;

/// The author of a change: a signed-in user, an API token, a feed import, the system itself or
/// an anonymous member of the public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    pub fn user(id: i64) -> Self {
        Self(format!("user:{id}"))
    }

    pub fn api_token(id: i64) -> Self {
        Self(format!("token:{id}"))
    }

    pub fn import(source_id: i64) -> Self {
        Self(format!("import:{source_id}"))
    }

    /// A job of the board itself: `system:scheduler`, `system:seed`, `system:cli`.
    pub fn system(job: &str) -> Self {
        Self(format!("system:{job}"))
    }

    /// Someone on the public site without an account: the applicant who asks for a search
    /// alert, or whoever holds its management link. Never named in the trail.
    pub fn public() -> Self {
        Self("public".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
