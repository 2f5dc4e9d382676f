//! Who sees what: an agreement with its parties and areas, when it is in force, and which
//! municipalities may see a cover request (those sharing an agreement in force with the
//! requester for its task area over its whole period, and whoever already offered on it).

use chrono::NaiveDate;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, prelude::*};

use super::agreements::{areas_of, list_for, parties_of};
use super::types::TaskArea;
use super::{Agreement, CoverRequest, CoverStatus, Party};
use crate::berlin;
use crate::entities::{cover_offer, cover_request};
use crate::error::DomainResult;

/// An agreement with its parties and task areas.
#[derive(Clone, Debug, PartialEq)]
pub struct AgreementView {
    pub agreement: Agreement,
    pub parties: Vec<Party>,
    pub areas: Vec<TaskArea>,
}

pub async fn load_view(db: &impl ConnectionTrait, a: Agreement) -> DomainResult<AgreementView> {
    Ok(AgreementView {
        parties: parties_of(db, a.id).await?,
        areas: areas_of(db, a.id).await?,
        agreement: a,
    })
}

impl AgreementView {
    pub fn all_confirmed(&self) -> bool {
        !self.parties.is_empty() && self.parties.iter().all(|p| p.confirmed_at.is_some())
    }

    pub fn confirmed_count(&self) -> usize {
        self.parties
            .iter()
            .filter(|p| p.confirmed_at.is_some())
            .count()
    }

    pub fn party_ids(&self) -> Vec<i64> {
        self.parties.iter().map(|p| p.municipality_id).collect()
    }

    pub fn has_party(&self, municipality_id: i64) -> bool {
        self.parties
            .iter()
            .any(|p| p.municipality_id == municipality_id)
    }

    pub fn has_confirmed(&self, municipality_id: i64) -> bool {
        self.parties
            .iter()
            .any(|p| p.municipality_id == municipality_id && p.confirmed_at.is_some())
    }

    /// The last day in force: the agreed end, or the day a party ended it, whichever is first.
    pub fn last_day(&self) -> Option<NaiveDate> {
        last_day_of(&self.agreement)
    }

    /// Confirmed by every party and valid on every day from `from` to `until`.
    pub fn in_force_over(&self, from: NaiveDate, until: NaiveDate) -> bool {
        self.all_confirmed()
            && self.agreement.valid_from <= from
            && self.last_day().is_none_or(|last| until <= last)
    }

    /// In force over the period for `area`, binding both `a` and `b`.
    pub fn covers(
        &self,
        a: i64,
        b: i64,
        area: TaskArea,
        from: NaiveDate,
        until: NaiveDate,
    ) -> bool {
        a != b
            && self.has_party(a)
            && self.has_party(b)
            && self.areas.contains(&area)
            && self.in_force_over(from, until)
    }

    /// Where it stands on `today`, in German.
    pub fn status_label(&self, today: NaiveDate) -> String {
        let a = &self.agreement;
        if let Some(last) = self.last_day()
            && last < today
        {
            return format!("nicht mehr in Kraft (bis {})", berlin::format_date(last));
        }
        if let Some(ended) = a.ended_on {
            return format!("beendet zum {}", berlin::format_date(ended));
        }
        if !self.all_confirmed() {
            return format!(
                "wartet auf Bestätigung ({} von {} bestätigt)",
                self.confirmed_count(),
                self.parties.len()
            );
        }
        if a.valid_from > today {
            return format!("bestätigt, gilt ab {}", berlin::format_date(a.valid_from));
        }
        "in Kraft".to_owned()
    }
}

/// The last day agreement `a` is in force: its agreed end, or the day a party ended it,
/// whichever is first; `None` while it runs open-ended.
pub fn last_day_of(a: &Agreement) -> Option<NaiveDate> {
    match (a.valid_until, a.ended_on) {
        (Some(u), Some(e)) => Some(std::cmp::Ord::min(u, e)),
        (u, e) => u.or(e),
    }
}

/// The agreement (lowest id) under which `partner` may cover `request`, if any.
pub fn agreement_for(views: &[AgreementView], request: &CoverRequest, partner: i64) -> Option<i64> {
    views
        .iter()
        .filter(|v| {
            v.covers(
                request.municipality_id,
                partner,
                request.task_area,
                request.starts_on,
                request.ends_on,
            )
        })
        .map(|v| v.agreement.id)
        .min()
}

/// The partners that would see a request of `requester` for `area` over the period, with the
/// agreement each shares.
pub async fn partners_for(
    db: &impl ConnectionTrait,
    requester: i64,
    area: TaskArea,
    from: NaiveDate,
    until: NaiveDate,
) -> DomainResult<Vec<(i64, i64)>> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for v in list_for(db, requester).await? {
        for p in v.party_ids() {
            if v.covers(requester, p, area, from, until) && !out.iter().any(|(m, _)| *m == p) {
                out.push((p, v.agreement.id));
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// Whether `municipality_id` may see `request`: its own, one it offered on, or one it shares
/// an agreement in force for with the requester.
pub async fn can_see(
    db: &impl ConnectionTrait,
    request: &CoverRequest,
    municipality_id: i64,
) -> DomainResult<bool> {
    if request.municipality_id == municipality_id
        || has_offered(db, request.id, municipality_id).await?
    {
        return Ok(true);
    }
    let views = list_for(db, municipality_id).await?;
    Ok(agreement_for(&views, request, municipality_id).is_some())
}

async fn has_offered(
    db: &impl ConnectionTrait,
    request_id: i64,
    municipality_id: i64,
) -> DomainResult<bool> {
    Ok(cover_offer::Entity::find()
        .filter(cover_offer::Column::RequestId.eq(request_id))
        .filter(cover_offer::Column::MunicipalityId.eq(municipality_id))
        .one(db)
        .await?
        .is_some())
}

/// The requests of other municipalities `municipality_id` may see, open ones first.
pub async fn visible_requests(
    db: &impl ConnectionTrait,
    municipality_id: i64,
) -> DomainResult<Vec<CoverRequest>> {
    let views = list_for(db, municipality_id).await?;
    let offered: Vec<i64> = cover_offer::Entity::find()
        .filter(cover_offer::Column::MunicipalityId.eq(municipality_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.request_id)
        .collect();
    let partners: Vec<i64> = views.iter().flat_map(AgreementView::party_ids).collect();
    let candidates = cover_request::Entity::find()
        .filter(cover_request::Column::MunicipalityId.ne(municipality_id))
        .filter(
            cover_request::Column::MunicipalityId
                .is_in(partners)
                .or(cover_request::Column::Id.is_in(offered.clone())),
        )
        .order_by_asc(cover_request::Column::StartsOn)
        .all(db)
        .await?;
    let mut out: Vec<CoverRequest> = candidates
        .into_iter()
        .filter(|r| offered.contains(&r.id) || agreement_for(&views, r, municipality_id).is_some())
        .collect();
    out.sort_by_key(|r| (r.status != CoverStatus::Open, r.starts_on, r.id));
    Ok(out)
}
