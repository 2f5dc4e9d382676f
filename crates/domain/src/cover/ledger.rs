//! Confirmed cover: the hours ledger per agreement and month (with the agreed rate) and the
//! calendar entries of a municipality, both read from accepted offers. Days after the last
//! day of the offer's agreement (its agreed end, or the day a party ended it) are neither
//! counted nor shown: an accepted offer stays as it was, only its days past the end drop out.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, prelude::*};

use super::types::{DayPart, OfferStatus, TaskArea};
use super::visibility::last_day_of;
use super::{Agreement, Offer, working_days};
use crate::berlin;
use crate::entities::{agreement, cover_offer, cover_request};
use crate::error::DomainResult;

/// Confirmed hours one municipality worked for another in one month under one agreement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Who provided the cover (and is reimbursed).
    pub provider: i64,
    /// Who asked for it (and pays).
    pub receiver: i64,
    pub minutes: i64,
    pub rate_cents: Option<i32>,
    /// Hours × rate, rounded to the cent; `None` without a rate.
    pub amount_cents: Option<i64>,
}

/// The ledger of `agreement`, by month, provider and receiver.
pub async fn ledger(
    db: &impl ConnectionTrait,
    agreement: &Agreement,
) -> DomainResult<Vec<LedgerRow>> {
    let offers = cover_offer::Entity::find()
        .filter(cover_offer::Column::AgreementId.eq(agreement.id))
        .filter(cover_offer::Column::Status.eq(OfferStatus::Accepted))
        .order_by_asc(cover_offer::Column::Id)
        .all(db)
        .await?;
    let mut sums: BTreeMap<(String, i64, i64), i64> = BTreeMap::new();
    let last = last_day_of(agreement);
    for o in offers {
        let Some(r) = cover_request::Entity::find_by_id(o.request_id)
            .one(db)
            .await?
        else {
            continue;
        };
        for d in days_in_force(&o, last) {
            let month = format!("{:04}-{:02}", d.year(), d.month());
            *sums
                .entry((month, o.municipality_id, r.municipality_id))
                .or_insert(0) += i64::from(o.minutes_per_day);
        }
    }
    let rate = agreement.hourly_rate_cents;
    Ok(sums
        .into_iter()
        .map(|((month, provider, receiver), minutes)| LedgerRow {
            month,
            provider,
            receiver,
            minutes,
            rate_cents: rate,
            // cents × minutes / 60, rounded half up.
            amount_cents: rate.map(|c| (i64::from(c) * minutes + 30) / 60),
        })
        .collect())
}

/// The working days of offer `o` up to `last`, the last day its agreement is in force.
fn days_in_force(
    o: &Offer,
    last: Option<chrono::NaiveDate>,
) -> impl Iterator<Item = chrono::NaiveDate> {
    let until = last.map_or(o.ends_on, |l| std::cmp::Ord::min(l, o.ends_on));
    working_days(o.starts_on, until)
}

/// One day of confirmed cover as a calendar shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverEvent {
    pub offer_id: i64,
    pub day: chrono::NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub task_area: TaskArea,
    pub place: String,
    pub provider: i64,
    pub receiver: i64,
    pub person_name: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// When a day of `part` starts, local time.
fn start_of(part: DayPart) -> NaiveTime {
    let hour = if part == DayPart::Afternoon { 13 } else { 8 };
    NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()
}

/// Every day of confirmed cover `municipality_id` gives or receives, in order.
pub async fn calendar_events(
    db: &impl ConnectionTrait,
    municipality_id: i64,
) -> DomainResult<Vec<CoverEvent>> {
    let own_requests: Vec<i64> = cover_request::Entity::find()
        .filter(cover_request::Column::MunicipalityId.eq(municipality_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let offers = cover_offer::Entity::find()
        .filter(cover_offer::Column::Status.eq(OfferStatus::Accepted))
        .filter(
            cover_offer::Column::MunicipalityId
                .eq(municipality_id)
                .or(cover_offer::Column::RequestId.is_in(own_requests)),
        )
        .order_by_asc(cover_offer::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    let mut last_days: BTreeMap<i64, Option<chrono::NaiveDate>> = BTreeMap::new();
    for o in offers {
        let Some(r) = cover_request::Entity::find_by_id(o.request_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let last = match last_days.get(&o.agreement_id) {
            Some(l) => *l,
            None => {
                let Some(a) = agreement::Entity::find_by_id(o.agreement_id)
                    .one(db)
                    .await?
                else {
                    continue;
                };
                let l = last_day_of(&a);
                last_days.insert(o.agreement_id, l);
                l
            }
        };
        for day in days_in_force(&o, last) {
            let Some(starts_at) = berlin::local_to_utc(day, start_of(r.day_part)) else {
                continue;
            };
            out.push(CoverEvent {
                offer_id: o.id,
                day,
                starts_at,
                ends_at: starts_at + Duration::minutes(i64::from(o.minutes_per_day)),
                task_area: r.task_area,
                place: r.place.clone(),
                provider: o.municipality_id,
                receiver: r.municipality_id,
                person_name: o.person_name.clone(),
                updated_at: o.updated_at,
                version: o.version,
            });
        }
    }
    out.sort_by_key(|e| (e.starts_at, e.offer_id));
    Ok(out)
}
