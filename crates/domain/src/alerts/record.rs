//! A search alert as an instance of the audited-change pipeline ([`crate::record`]). It has no
//! municipality and no child rows; its address is personal data the trail never holds.

use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;

use super::{AlertDraft, SearchAlert, normalize_email, validate};
use crate::audit::AuditEntity;
use crate::entities::search_alert;
use crate::error::DomainResult;
use crate::postings::validation::ValidationErrors;
use crate::record::{Audited, NoChildren, Target, Versioned};

impl Audited for SearchAlert {
    const ENTITY: AuditEntity = AuditEntity::SearchAlert;
    const PERSONAL: &'static [&'static str] = &["email"];
}

impl Versioned for SearchAlert {
    type Draft = AlertDraft;
    type Children = NoChildren;
    /// The sender's lease: bookkeeping of a run, not a change anyone made.
    const DERIVED: &'static [&'static str] = &["claimed_by", "claimed_until"];

    fn apply(am: &mut search_alert::ActiveModel, d: &AlertDraft) {
        // The address is set once, when the alert is asked for; a change keeps it.
        if am.email.is_not_set() {
            am.email = Set(normalize_email(&d.email));
        }
        am.scope = Set(d.scope);
        am.query = Set(d.query.clone());
        am.frequency = Set(d.frequency);
    }

    async fn check(
        _db: &impl ConnectionTrait,
        d: &AlertDraft,
        target: Target<'_, Self>,
    ) -> DomainResult<ValidationErrors> {
        Ok(validate(d, matches!(target, Target::New { .. })))
    }

    crate::no_children!();
}
