use sea_orm::entity::prelude::*;

use crate::alerts::{AlertScope, AlertStatus, Frequency};

/// A search alert. `email` is personal data: it is never part of the audit trail
/// (see `alerts::record`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "search_alerts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    /// Which results page the search belongs to.
    pub scope: AlertScope,
    /// The search as a query string of that page (`q=Erzieher&kommune=naunhof`).
    pub query: String,
    pub frequency: Frequency,
    pub status: AlertStatus,
    /// Version of the consent text the person agreed to (DSGVO Art. 7(1)); with
    /// `created_at` (request) and `confirmed_at` the record of the consent.
    pub consent_version: String,
    pub confirmed_at: Option<DateTimeUtc>,
    /// Postings published from this instant on are candidates for the next mail.
    pub window_start: DateTimeUtc,
    /// When the next mail is due; `None` until confirmed.
    pub next_due_at: Option<DateTimeUtc>,
    pub last_sent_at: Option<DateTimeUtc>,
    /// Confirmation, a change on the management page, or "keep": the 12 months count from here.
    pub last_activity_at: DateTimeUtc,
    /// When the mail asking to keep the alert went out.
    pub keep_asked_at: Option<DateTimeUtc>,
    /// The run that holds the alert (like the search outbox's claims).
    pub claimed_by: Option<String>,
    pub claimed_until: Option<DateTimeUtc>,
    pub version: i32,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
