//! Import sources: one feed URL per row, owned by a municipality.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set,
    ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
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

/// Take the lease on a source until `now + lease`. `false` when another process holds it; the
/// conditional update is atomic on both databases, so of several harvesters exactly one wins.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: i64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = import_source::Entity::update_many()
        .col_expr(
            import_source::Column::ClaimedUntil,
            Expr::value(Some(now + lease)),
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
    Ok(r.rows_affected == 1)
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
}

/// Record the end of a run and release the lease.
pub async fn finish_run(
    db: &impl ConnectionTrait,
    id: i64,
    outcome: RunOutcome,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let source = find(db, id).await?;
    let Some(source) = source else {
        return Ok(());
    };
    let count = |n: u64| Set(i32::try_from(n).unwrap_or(i32::MAX));
    let ok = outcome.error.is_none();
    let mut am: import_source::ActiveModel = source.into();
    am.claimed_until = Set(None);
    am.last_new = count(outcome.new);
    am.last_updated = count(outcome.updated);
    am.last_archived = count(outcome.archived);
    am.last_unchanged = count(outcome.unchanged);
    am.last_failed = count(outcome.failed);
    am.last_error = Set(outcome.error);
    am.last_failing_item = Set(outcome.failing_item);
    if ok {
        am.last_success_at = Set(Some(now));
    }
    if let Some((etag, last_modified)) = outcome.validators {
        am.etag = Set(etag);
        am.last_modified = Set(last_modified);
    }
    am.update(db).await?;
    Ok(())
}
