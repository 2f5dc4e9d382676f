//! A posting as an instance of the audited-change pipeline ([`crate::record`]): how a draft is
//! applied, the rules that need the database, and its partners as child rows. Postings feed
//! the search index, so every change queues an outbox row.

use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    prelude::*,
};
use serde::Serialize;

use super::draft::PostingDraft;
use super::queries::{self, Posting};
use super::types::PostingStatus;
use super::validation::{ValidationContext, ValidationErrors, validate};
use crate::audit::AuditEntity;
use crate::entities::{municipality, posting, posting_partner};
use crate::error::DomainResult;
use crate::record::{self, Audited, Target, Versioned};
use crate::{berlin, text};

impl Audited for Posting {
    const ENTITY: AuditEntity = AuditEntity::Posting;
    const FEEDS_SEARCH: bool = true;
}

/// The partners of a posting as the trail records them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Partners {
    pub partners: Vec<Partner>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Partner {
    pub municipality_id: i64,
    pub note: Option<String>,
    pub confirmed: bool,
}

impl Versioned for Posting {
    type Draft = PostingDraft;
    type Children = Partners;

    fn apply(am: &mut posting::ActiveModel, d: &PostingDraft) {
        apply_draft(am, d);
    }

    async fn check(
        db: &impl ConnectionTrait,
        d: &PostingDraft,
        target: Target<'_, Self>,
    ) -> DomainResult<ValidationErrors> {
        let (ctx, own_id, stored_public_from) = match target {
            Target::New { municipality_id } => (
                ValidationContext {
                    owner_municipality_id: record::owner(municipality_id)?,
                    publication_day: None,
                },
                None,
                None,
            ),
            Target::Existing(before) => (context_of(before), Some(before.id), before.public_from),
        };
        let mut errors = validate(d, ctx).err().unwrap_or_default();
        // A public day already stored may pass before the scheduler turns it public; only a
        // newly chosen day must lie ahead.
        if let Some(day) = d.public_from.filter(|_| d.internal)
            && Some(day) != stored_public_from
            && day < berlin::today(chrono::Utc::now())
        {
            errors.add(
                "public_from",
                "Das Datum der öffentlichen Ausschreibung liegt in der Vergangenheit. Bitte heute oder einen späteren Tag wählen.",
            );
        }
        check_references(db, d, ctx.owner_municipality_id, own_id, &mut errors).await?;
        Ok(errors)
    }

    async fn children(db: &impl ConnectionTrait, row: &Self) -> DomainResult<Partners> {
        let partners = queries::partners_of(db, row.id).await?;
        Ok(Partners {
            partners: partners
                .into_iter()
                .map(|p| Partner {
                    municipality_id: p.municipality_id,
                    note: p.note,
                    confirmed: p.confirmed,
                })
                .collect(),
        })
    }

    /// Confirmations of partners that stay are kept, unless the owner changed the partner's
    /// station note: it is shown publicly next to the partner's name, so the partner confirms
    /// the new wording again.
    fn plan_children(_id: i64, draft: &PostingDraft, before: &Partners) -> Partners {
        let confirmed: HashMap<(i64, Option<&str>), bool> = before
            .partners
            .iter()
            .map(|p| ((p.municipality_id, p.note.as_deref()), p.confirmed))
            .collect();
        let mut partners: Vec<_> = draft
            .partners
            .iter()
            .map(|p| Partner {
                municipality_id: p.municipality_id,
                note: p.note.clone(),
                confirmed: confirmed
                    .get(&(p.municipality_id, p.note.as_deref()))
                    .copied()
                    .unwrap_or(false),
            })
            .collect();
        partners.sort_by_key(|p| p.municipality_id);
        Partners { partners }
    }

    async fn write_children(
        db: &impl ConnectionTrait,
        id: i64,
        before: &Partners,
        after: &Partners,
    ) -> DomainResult<()> {
        // A new posting without partners (most of them) costs no query.
        if before.partners.is_empty() && after.partners.is_empty() {
            return Ok(());
        }
        posting_partner::Entity::delete_many()
            .filter(posting_partner::Column::PostingId.eq(id))
            .exec(db)
            .await?;
        if !after.partners.is_empty() {
            let rows = after.partners.iter().map(|p| {
                posting_partner::Model {
                    posting_id: id,
                    municipality_id: p.municipality_id,
                    note: p.note.clone(),
                    confirmed: p.confirmed,
                }
                .into_active_model()
            });
            posting_partner::Entity::insert_many(rows)
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }
}

/// What the rules know about a stored posting: its owner and, while it is online or about to
/// be, the day it went online (the deadline may not lie before it).
fn context_of(before: &Posting) -> ValidationContext {
    let online = matches!(
        before.status,
        PostingStatus::Published | PostingStatus::Scheduled
    );
    ValidationContext {
        owner_municipality_id: before.municipality_id,
        publication_day: before.published_at.filter(|_| online).map(berlin::today),
    }
}

/// The slug a new posting starts from: title, municipality, reference number.
pub(crate) fn slug_base(d: &PostingDraft, municipality_slug: &str) -> String {
    format!(
        "{}-{}-{}",
        text::slugify(&d.title, 120),
        municipality_slug,
        text::slugify(&d.reference_number, 60)
    )
}

fn apply_draft(am: &mut posting::ActiveModel, d: &PostingDraft) {
    am.kind = Set(d.kind);
    am.reference_number = Set(d.reference_number.clone());
    am.title = Set(d.title.clone());
    am.department = Set(d.department.clone());
    am.category = Set(d.category);
    am.employment = Set(d.employment);
    am.weekly_hours = Set(d.weekly_hours);
    am.contract = Set(d.contract);
    am.contract_end_date = Set(d.contract_end_date);
    am.pay_scheme = Set(d.pay_scheme);
    am.pay_grade_from = Set(d.pay_grade_from.clone());
    am.pay_grade_to = Set(d.pay_grade_to.clone());
    am.pay_monthly_min_eur = Set(d.pay_monthly_min_eur);
    am.pay_monthly_max_eur = Set(d.pay_monthly_max_eur);
    am.location_place = Set(d.location_place.clone());
    am.location_postcode = Set(d.location_postcode.clone());
    am.latitude = Set(d.latitude);
    am.longitude = Set(d.longitude);
    am.start_date = Set(d.start_date);
    am.application_deadline = Set(d.application_deadline);
    am.expires_at = Set(berlin::end_of_day(d.application_deadline));
    am.description = Set(d.description.clone());
    am.tasks = Set(d.tasks.clone());
    am.profile = Set(d.profile.clone());
    am.benefits = Set(d.benefits.clone());
    am.contact_name = Set(d.contact_name.clone());
    am.contact_phone = Set(d.contact_phone.clone());
    am.contact_email = Set(d.contact_email.clone());
    am.apply_url = Set(d.apply_url.clone());
    am.apply_email = Set(d.apply_email.clone());
    am.internal = Set(d.internal);
    am.public_from = Set(d.public_from.filter(|_| d.internal));
}

/// Rules that need the database: the reference number is free in the municipality and every
/// partner exists.
async fn check_references(
    db: &impl ConnectionTrait,
    d: &PostingDraft,
    municipality_id: i64,
    own_id: Option<i64>,
    errors: &mut ValidationErrors,
) -> DomainResult<()> {
    let mut same_reference = posting::Entity::find()
        .filter(posting::Column::MunicipalityId.eq(municipality_id))
        .filter(posting::Column::ReferenceNumber.eq(d.reference_number.as_str()));
    if let Some(id) = own_id {
        same_reference = same_reference.filter(posting::Column::Id.ne(id));
    }
    if !d.reference_number.is_empty() && same_reference.count(db).await? > 0 {
        errors.add(
            "reference_number",
            format!(
                "Die Kennziffer „{}“ ist in Ihrer Kommune schon vergeben. Bitte eine andere wählen.",
                d.reference_number
            ),
        );
    }
    if !d.partners.is_empty() {
        let ids: Vec<i64> = d.partners.iter().map(|p| p.municipality_id).collect();
        let known = municipality::Entity::find()
            .filter(municipality::Column::Id.is_in(ids.clone()))
            .count(db)
            .await?;
        let mut distinct = ids;
        distinct.sort_unstable();
        distinct.dedup();
        if known != distinct.len() as u64 {
            errors.add(
                "partners",
                "Eine gewählte Partnerkommune ist nicht bekannt.",
            );
        }
    }
    Ok(())
}
