//! Import sources: one feed URL per row, owned by a municipality.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set,
    ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    prelude::*,
    sea_query::{Expr, ExprTrait},
};

use crate::entities::{import_source, posting};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::{ValidationErrors, is_web_url};

pub use import_source::Model as ImportSource;

/// How a source's response is read. `Auto` recognises every other format by its content.
/// Stored as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ImportFormat {
    #[sea_orm(string_value = "auto")]
    Auto,
    #[sea_orm(string_value = "rss")]
    Rss,
    #[sea_orm(string_value = "atom")]
    Atom,
    #[sea_orm(string_value = "jsonfeed")]
    JsonFeed,
    #[sea_orm(string_value = "jobboard-api")]
    JobboardApi,
    #[sea_orm(string_value = "jsonld-html")]
    JsonLdHtml,
}

impl ImportFormat {
    pub const ALL: &'static [Self] = &[
        Self::Auto,
        Self::Rss,
        Self::Atom,
        Self::JsonFeed,
        Self::JobboardApi,
        Self::JsonLdHtml,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Rss => "rss",
            Self::Atom => "atom",
            Self::JsonFeed => "jsonfeed",
            Self::JobboardApi => "jobboard-api",
            Self::JsonLdHtml => "jsonld-html",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.code() == code)
    }

    /// For people, in German.
    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "automatisch erkennen",
            Self::Rss => "RSS",
            Self::Atom => "Atom",
            Self::JsonFeed => "JSON Feed",
            Self::JobboardApi => "JSON-API einer Stellenbörse wie dieser",
            Self::JsonLdHtml => "Webseite mit schema.org-Stellenanzeigen (JSON-LD)",
        }
    }
}

/// As its code, like the column, so audit entries read the same as before the type.
impl serde::Serialize for ImportFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl std::fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// What an admin supplies for a new source.
#[derive(Clone, Debug)]
pub struct NewSource {
    pub municipality_id: i64,
    pub url: String,
    pub format: ImportFormat,
}

pub async fn add(
    db: &impl ConnectionTrait,
    new: NewSource,
    now: DateTime<Utc>,
) -> DomainResult<ImportSource> {
    let url = new.url.trim().to_owned();
    let mut errors = ValidationErrors::default();
    if let Some(problem) = url_problem(&url) {
        errors.add("url", problem);
    }
    let same = import_source::Entity::find()
        .filter(import_source::Column::MunicipalityId.eq(new.municipality_id))
        .filter(import_source::Column::Url.eq(url.as_str()))
        .count(db)
        .await?;
    if same > 0 {
        errors.add("url", "Diese Quelle ist für die Kommune schon eingetragen.");
    }
    errors.into_result()?;
    crate::municipalities::find_by_id(db, new.municipality_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    Ok(import_source::ActiveModel {
        municipality_id: Set(new.municipality_id),
        url: Set(url),
        format: Set(new.format),
        created_at: Set(now),
        enabled: Set(true),
        last_new: Set(0),
        last_updated: Set(0),
        last_archived: Set(0),
        last_unchanged: Set(0),
        last_failed: Set(0),
        last_defaulted_deadlines: Set(0),
        last_completed_from_page: Set(0),
        last_pointer_only: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// What is wrong with `url` as the address of a source, if anything (the check [`add`] makes
/// before it looks at the database).
pub fn url_problem(url: &str) -> Option<&'static str> {
    (!is_web_url(url.trim())).then_some(
        "Die Adresse der Quelle muss eine vollständige Webadresse sein, die mit https:// oder http:// beginnt.",
    )
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<ImportSource>, DbErr> {
    import_source::Entity::find()
        .order_by_asc(import_source::Column::Id)
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<ImportSource>, DbErr> {
    import_source::Entity::find_by_id(id).one(db).await
}

/// Postings a source has created (any status).
pub async fn posting_count(db: &impl ConnectionTrait, id: i64) -> Result<u64, DbErr> {
    posting::Entity::find()
        .filter(posting::Column::SourceId.eq(id))
        .count(db)
        .await
}

/// Postings each source has created (any status), by source id, in one grouped query; a source
/// without postings is absent.
pub async fn posting_counts(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<i64, u64>, DbErr> {
    let rows: Vec<(Option<i64>, i64)> = posting::Entity::find()
        .select_only()
        .column(posting::Column::SourceId)
        .column_as(
            Expr::expr(sea_orm::sea_query::Func::count(Expr::col(
                posting::Column::Id,
            ))),
            "postings",
        )
        .filter(posting::Column::SourceId.is_not_null())
        .group_by(posting::Column::SourceId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n)| Some((id?, u64::try_from(n).unwrap_or(0))))
        .collect())
}

/// When a source is harvested next, by the rule [`due`] applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextRun {
    /// Switched off: not harvested until switched on.
    Disabled,
    /// No regular harvest is configured: only on demand.
    OnDemandOnly,
    /// A harvest holds the lease right now.
    Running,
    /// Due at this time.
    At(DateTime<Utc>),
    /// Due now: the next pass of the harvester takes it.
    NextPass,
}

/// Whether a harvest holds the source's lease at `now`.
pub fn is_running(s: &ImportSource, now: DateTime<Utc>) -> bool {
    s.claimed_until.is_some_and(|t| t > now)
}

/// When the regular harvest (every `interval`, `None`: none) takes the source up next.
pub fn next_run(s: &ImportSource, interval: Option<Duration>, now: DateTime<Utc>) -> NextRun {
    if !s.enabled {
        return NextRun::Disabled;
    }
    let Some(interval) = interval else {
        return NextRun::OnDemandOnly;
    };
    if is_running(s, now) {
        return NextRun::Running;
    }
    match s.last_run_at.map(|t| t + interval) {
        Some(due) if due > now => NextRun::At(due),
        _ => NextRun::NextPass,
    }
}

/// Switch harvesting of a source on or off.
pub async fn set_enabled(db: &impl ConnectionTrait, id: i64, enabled: bool) -> DomainResult<()> {
    let r = import_source::Entity::update_many()
        .col_expr(import_source::Column::Enabled, Expr::value(enabled))
        .filter(import_source::Column::Id.eq(id))
        .exec(db)
        .await?;
    if r.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    Ok(())
}

/// Delete a source that never created a posting. A source with postings keeps its row (its
/// postings name it as their origin) and is only switched off: [`RemoveOutcome::Disabled`].
pub async fn remove(db: &impl ConnectionTrait, id: i64) -> DomainResult<RemoveOutcome> {
    find(db, id).await?.ok_or(DomainError::NotFound)?;
    if posting_count(db, id).await? > 0 {
        set_enabled(db, id, false).await?;
        return Ok(RemoveOutcome::Disabled);
    }
    import_source::Entity::delete_by_id(id).exec(db).await?;
    Ok(RemoveOutcome::Deleted)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoveOutcome {
    Deleted,
    Disabled,
}

/// Enabled sources whose last run started at least `interval` ago (or never ran), oldest first.
pub async fn due(
    db: &impl ConnectionTrait,
    interval: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<ImportSource>, DbErr> {
    import_source::Entity::find()
        .filter(import_source::Column::Enabled.eq(true))
        .filter(
            import_source::Column::LastRunAt
                .is_null()
                .or(import_source::Column::LastRunAt.lte(now - interval)),
        )
        .order_by_asc(import_source::Column::Id)
        .all(db)
        .await
}

/// A run's hold on a source: the `claimed_until` it wrote, which only it knows exactly. Every
/// later write of the run (renewal, outcome) is conditional on that value still being there, so
/// a run whose lease ran out and was taken over changes nothing of the new holder's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    pub source: i64,
    pub until: DateTime<Utc>,
}

impl Lease {
    /// Whether the lease still runs at `now`.
    pub fn holds_at(&self, now: DateTime<Utc>) -> bool {
        self.until > now
    }
}

/// The end of a lease of `length` from `now`, at the microseconds PostgreSQL keeps, so that the
/// holder's value compares equal to the stored one on both databases.
fn lease_end(now: DateTime<Utc>, length: Duration) -> DateTime<Utc> {
    use chrono::SubsecRound;
    (now + length).trunc_subsecs(6)
}

/// Take the lease on a source until `now + lease`. `None` when another process holds it; the
/// conditional update is atomic on both databases, so of several harvesters exactly one wins.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: i64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Lease>, DbErr> {
    let until = lease_end(now, lease);
    let r = import_source::Entity::update_many()
        .col_expr(
            import_source::Column::ClaimedUntil,
            Expr::value(Some(until)),
        )
        .col_expr(import_source::Column::LastRunAt, Expr::value(Some(now)))
        .filter(import_source::Column::Id.eq(id))
        .filter(
            import_source::Column::ClaimedUntil
                .is_null()
                .or(import_source::Column::ClaimedUntil.lte(now)),
        )
        .exec(db)
        .await?;
    Ok((r.rows_affected == 1).then_some(Lease { source: id, until }))
}

/// Extend a lease that still runs to `now + length`. `false` when it has run out (another
/// process may have taken the source, or may do so any moment) or was taken over: the run must
/// stop without writing.
pub async fn renew(
    db: &impl ConnectionTrait,
    lease: &mut Lease,
    length: Duration,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if !lease.holds_at(now) {
        return Ok(false);
    }
    let until = lease_end(now, length);
    let r = import_source::Entity::update_many()
        .col_expr(
            import_source::Column::ClaimedUntil,
            Expr::value(Some(until)),
        )
        .filter(import_source::Column::Id.eq(lease.source))
        .filter(import_source::Column::ClaimedUntil.eq(lease.until))
        .exec(db)
        .await?;
    if r.rows_affected != 1 {
        return Ok(false);
    }
    lease.until = until;
    Ok(true)
}

/// How a run ended, for the source's status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOutcome {
    pub new: u64,
    pub updated: u64,
    pub archived: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// The error that stopped the run (fetching, parsing), if any.
    pub error: Option<String>,
    /// The first item that was skipped, with the reason.
    pub failing_item: Option<String>,
    /// Validators of the response, kept for the next conditional GET; `None` keeps the old ones.
    pub validators: Option<(Option<String>, Option<String>)>,
    /// What the importer had to read or fetch beyond the feed's fields.
    pub reading: ReadingCounts,
}

/// Counts of the text reader and of completing thin items, per run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadingCounts {
    /// Items whose deadline neither a field nor the text named: the default applied (or the
    /// posting kept its earlier one).
    pub defaulted_deadlines: u64,
    /// Thin items (title and link only) completed from their linked page.
    pub completed_from_page: u64,
    /// Thin items whose page gave nothing: imported with a pointer to it.
    pub pointer_only: u64,
}

/// Record the end of a run and release its lease. `false`, and nothing written, when the source
/// is no longer held by `lease` (it ran out and another run took the source).
pub async fn finish_run(
    db: &impl ConnectionTrait,
    lease: &Lease,
    outcome: RunOutcome,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use import_source::Column as C;
    let count = |n: u64| Expr::value(i32::try_from(n).unwrap_or(i32::MAX));
    let ok = outcome.error.is_none();
    let mut update = import_source::Entity::update_many()
        .col_expr(C::ClaimedUntil, Expr::value(None::<DateTime<Utc>>))
        .col_expr(C::LastNew, count(outcome.new))
        .col_expr(C::LastUpdated, count(outcome.updated))
        .col_expr(C::LastArchived, count(outcome.archived))
        .col_expr(C::LastUnchanged, count(outcome.unchanged))
        .col_expr(C::LastFailed, count(outcome.failed))
        .col_expr(
            C::LastDefaultedDeadlines,
            count(outcome.reading.defaulted_deadlines),
        )
        .col_expr(
            C::LastCompletedFromPage,
            count(outcome.reading.completed_from_page),
        )
        .col_expr(C::LastPointerOnly, count(outcome.reading.pointer_only))
        .col_expr(C::LastError, Expr::value(outcome.error))
        .col_expr(C::LastFailingItem, Expr::value(outcome.failing_item));
    if ok {
        update = update.col_expr(C::LastSuccessAt, Expr::value(Some(now)));
    }
    if let Some((etag, last_modified)) = outcome.validators {
        update = update
            .col_expr(C::Etag, Expr::value(etag))
            .col_expr(C::LastModified, Expr::value(last_modified));
    }
    let r = update
        .filter(C::Id.eq(lease.source))
        .filter(C::ClaimedUntil.eq(lease.until))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn source(enabled: bool, last_run_at: Option<DateTime<Utc>>) -> ImportSource {
        ImportSource {
            id: 1,
            municipality_id: 1,
            url: "https://www.naunhof.de/stellen.rss".into(),
            format: ImportFormat::Auto,
            created_at: Utc::now(),
            enabled,
            etag: None,
            last_modified: None,
            claimed_until: None,
            last_run_at,
            last_success_at: None,
            last_new: 0,
            last_updated: 0,
            last_archived: 0,
            last_unchanged: 0,
            last_failed: 0,
            last_defaulted_deadlines: 0,
            last_completed_from_page: 0,
            last_pointer_only: 0,
            last_error: None,
            last_failing_item: None,
        }
    }

    #[test]
    fn the_next_run_follows_the_rule_of_due() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let hourly = Some(Duration::hours(1));
        let ran = Some(now - Duration::minutes(20));
        assert_eq!(
            next_run(&source(true, ran), hourly, now),
            NextRun::At(now + Duration::minutes(40))
        );
        assert_eq!(
            next_run(&source(true, None), hourly, now),
            NextRun::NextPass
        );
        let long_ago = Some(now - Duration::hours(3));
        assert_eq!(
            next_run(&source(true, long_ago), hourly, now),
            NextRun::NextPass
        );
        let mut running = source(true, ran);
        running.claimed_until = Some(now + Duration::minutes(5));
        assert_eq!(next_run(&running, hourly, now), NextRun::Running);
        assert_eq!(
            next_run(&source(false, ran), hourly, now),
            NextRun::Disabled
        );
        assert_eq!(
            next_run(&source(true, ran), None, now),
            NextRun::OnDemandOnly
        );
    }
}
