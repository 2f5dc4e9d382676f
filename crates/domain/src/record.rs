//! One way to change a record: the audited-change pipeline.
//!
//! Every kind of record people edit on the board (postings, courses, and the search alerts,
//! cover requests and survey answers to come) is changed through the same stages, in one
//! transaction that the caller opens with [`crate::db::begin_write`]:
//!
//! 1. **lock** the row ([`lock`]: `SELECT … FOR UPDATE` on PostgreSQL; SQLite's write
//!    transaction already excludes every other writer);
//! 2. **check the version** the editor started from ([`lock_version`]): a stale version is
//!    [`DomainError::Conflict`] naming the kind of record, and nothing is written;
//! 3. **validate** the draft ([`Versioned::check`]): every problem at once, including the rules
//!    that need the database, or a refusal ([`DomainError::Refused`]);
//! 4. **diff** the audit snapshots before and after (the row's columns plus its child rows,
//!    bookkeeping left out): no difference means nothing is written and the version stays;
//! 5. **write** the row (version + 1, `updated_by`, `updated_at`, guarded by the old version)
//!    and its child rows;
//! 6. **audit** entry with a typed [`AuditAction`];
//! 7. **outbox** row when the record feeds search ([`Audited::FEEDS_SEARCH`]).
//!
//! [`create`] runs 3 and 5–7 for a new row, [`update`] runs 1–7 for a draft, and [`change`]
//! runs 1, 2 and 4–7 for a change that is not a draft (a status transition). Stages are public
//! too, for flows with a step in between (a course's status change asks the database whether its
//! last session is over before it decides). [`trail`] writes 6 and 7 alone, for events beside
//! the row (a partner confirms, a registration is made).
//!
//! # Adding a kind of record
//!
//! 1. A table with the bookkeeping columns every audited record has, named exactly so:
//!    `id`, `municipality_id`, `version`, `created_by`, `updated_by`, `created_at`,
//!    `updated_at` (a record without drafts, like a registration, needs only `id` and
//!    `municipality_id`), and its sea-orm entity. A record that belongs to no municipality
//!    (a search alert of an applicant) has no `municipality_id` column; it is created with
//!    owner `None` and its trail entries have no municipality.
//! 2. A variant in [`AuditEntity`] (code as stored, German noun for messages) and any new
//!    [`AuditAction`]s.
//! 3. `impl Audited for the_entity::Model` (entity, column and active-model types, the
//!    `AuditEntity`, whether it feeds search) and `impl Versioned` (draft type, how a draft is
//!    applied to the row, its checks, its child rows if any; `type Children = NoChildren`
//!    otherwise). Columns that hold personal data the trail must never keep (an e-mail
//!    address) are listed in [`Audited::PERSONAL`]: they are left out of every diff.
//! 4. Its mutations module calls [`create`], [`update`] and [`change`] inside
//!    `begin_write`/`commit`; nothing else writes audit entries or versions.
//!
//! See `postings::record`, `courses::record` and `survey::record` for the instances owned by a
//! municipality, and `alerts::record` for one without (a search alert of the public, whose
//! address is [`Audited::PERSONAL`]).

use std::future::Future;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    IntoActiveModel, ModelTrait, PaginatorTrait, QueryFilter, QuerySelect, TryIntoModel, Value,
};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::actor::Actor;
use crate::audit::{self, AuditAction, AuditEntity, AuditRecord};
use crate::error::{DomainError, DomainResult};
use crate::outbox;
use crate::postings::validation::ValidationErrors;

/// Bookkeeping fields the board manages: never part of an audit diff.
pub const BOOKKEEPING: &[&str] = &[
    "id",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
];

/// A stored row whose changes are recorded in the audit trail.
pub trait Audited:
    ModelTrait<
        Entity: EntityTrait<
            Model = Self,
            Column: FromStr,
            ActiveModel: TryIntoModel<Self> + Send + Sync,
        >,
    > + FromQueryResult
    + Serialize
    + Clone
    + Send
    + Sync
    + 'static
{
    /// What the trail calls it, and how messages name it.
    const ENTITY: AuditEntity;
    /// Whether every change queues the row for the search index.
    const FEEDS_SEARCH: bool = false;
    /// Columns with personal data: never written to the trail (left out of every diff), so
    /// deleting the row leaves them nowhere.
    const PERSONAL: &'static [&'static str] = &[];
}

/// An [`Audited`] row that people edit through a draft, with optimistic locking.
pub trait Versioned: Audited {
    /// The content its authors decide.
    type Draft: Send + Sync;
    /// Rows that belong to it (partners, sessions …), planned from the draft and compared in
    /// the audit diff under their field names. [`NoChildren`] when it has none.
    type Children: Serialize + Default + Send + Sync;

    /// Columns derived from others (kept out of the diff so a change is listed once).
    const DERIVED: &'static [&'static str] = &[];

    /// Copy the draft onto the row.
    fn apply(am: &mut Active<Self>, draft: &Self::Draft);

    /// Every problem with `draft` for `target`, or a refusal.
    fn check(
        db: &impl ConnectionTrait,
        draft: &Self::Draft,
        target: Target<'_, Self>,
    ) -> impl Future<Output = DomainResult<ValidationErrors>> + Send;

    /// The stored child rows of `row`.
    fn children(
        db: &impl ConnectionTrait,
        row: &Self,
    ) -> impl Future<Output = DomainResult<Self::Children>> + Send;

    /// The child rows after saving `draft` over `before`.
    fn plan_children(id: i64, draft: &Self::Draft, before: &Self::Children) -> Self::Children;

    /// Replace the stored child rows `before` of row `id` with `after`.
    fn write_children(
        db: &impl ConnectionTrait,
        id: i64,
        before: &Self::Children,
        after: &Self::Children,
    ) -> impl Future<Output = DomainResult<()>> + Send;
}

/// Row with no child rows.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct NoChildren {}

/// The child-row methods of a [`Versioned`] record without child rows
/// (`type Children = NoChildren`), written inside its `impl Versioned`. A macro rather than
/// trait defaults, so a record that has child rows cannot silently skip writing them.
#[macro_export]
macro_rules! no_children {
    () => {
        async fn children(
            _db: &impl sea_orm::ConnectionTrait,
            _row: &Self,
        ) -> $crate::DomainResult<$crate::record::NoChildren> {
            Ok($crate::record::NoChildren {})
        }

        fn plan_children(
            _id: i64,
            _draft: &Self::Draft,
            _before: &$crate::record::NoChildren,
        ) -> $crate::record::NoChildren {
            $crate::record::NoChildren {}
        }

        async fn write_children(
            _db: &impl sea_orm::ConnectionTrait,
            _id: i64,
            _before: &$crate::record::NoChildren,
            _after: &$crate::record::NoChildren,
        ) -> $crate::DomainResult<()> {
            Ok(())
        }
    };
}

/// The sea-orm entity of a record.
pub type EntityOf<R> = <R as ModelTrait>::Entity;
/// The active model of a record (the row being written).
pub type Active<R> = <EntityOf<R> as EntityTrait>::ActiveModel;
type ColumnOf<R> = <EntityOf<R> as EntityTrait>::Column;

/// What a draft is checked for.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a, R> {
    /// A new row owned by this municipality, or by none (`None`: a record of the public, such
    /// as a search alert).
    New { municipality_id: Option<i64> },
    /// The stored row the draft replaces.
    Existing(&'a R),
}

/// What a save did: `changed` is false when the content was the same and nothing was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved<R> {
    pub row: R,
    pub changed: bool,
}

/// A row that can be written back: sea-orm's conversion into its active model.
pub trait Row: Versioned + IntoActiveModel<Active<Self>> {}
impl<R: Versioned + IntoActiveModel<Active<R>>> Row for R {}

/// Insert a new row owned by `municipality_id` (or by no municipality): check the draft, let
/// `prepare` fill what the board decides (slug, status …), apply the draft, write row, child
/// rows, audit entry (with `extra` changes beside the diff) and outbox row.
#[expect(clippy::too_many_arguments, reason = "one call site per record kind")]
pub async fn create<R: Row>(
    db: &impl ConnectionTrait,
    municipality_id: Option<i64>,
    draft: &R::Draft,
    prepare: impl FnOnce(&mut Active<R>) -> DomainResult<()> + Send,
    action: AuditAction,
    extra: Map<String, Json>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<R> {
    let target = Target::New { municipality_id };
    R::check(db, draft, target).await?.into_result()?;
    let mut am = <Active<R> as ActiveModelTrait>::default();
    prepare(&mut am)?;
    if let Some(owner) = municipality_id {
        set::<R>(&mut am, "municipality_id", owner.into())?;
    }
    set::<R>(&mut am, "version", 1.into())?;
    set::<R>(&mut am, "created_by", actor.as_str().into())?;
    set::<R>(&mut am, "created_at", now.into())?;
    touch::<R>(&mut am, actor, now)?;
    R::apply(&mut am, draft);
    let created: R = am.insert(db).await?;
    let id = id_of(&created)?;
    let none = R::Children::default();
    let children = R::plan_children(id, draft, &none);
    R::write_children(db, id, &none, &children).await?;
    let mut changes = diff::<R>(&Json::Null, &snapshot(&created, Some(&children)));
    changes.extend(extra);
    trail(db, &created, action, actor, changes, now).await?;
    Ok(created)
}

/// Save `draft` over row `id` if it is still at `expected_version`: stages 1 to 7.
pub async fn update<R: Row>(
    db: &impl ConnectionTrait,
    id: i64,
    expected_version: i32,
    draft: &R::Draft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Saved<R>> {
    let before: R = lock_version(db, id, expected_version).await?;
    R::check(db, draft, Target::Existing(&before))
        .await?
        .into_result()?;
    let children_before = R::children(db, &before).await?;
    let children_after = R::plan_children(id, draft, &children_before);
    let mut am = before.clone().into_active_model();
    R::apply(&mut am, draft);
    let children = Some((&children_before, &children_after));
    write(db, &before, am, children, AuditAction::Updated, actor, now).await
}

/// Change row `id` at `expected_version` by `edit` (which may refuse), recorded as `action`.
pub async fn change<R: Row>(
    db: &impl ConnectionTrait,
    id: i64,
    expected_version: i32,
    action: AuditAction,
    actor: &Actor,
    now: DateTime<Utc>,
    edit: impl FnOnce(&R, &mut Active<R>) -> DomainResult<()> + Send,
) -> DomainResult<Saved<R>> {
    let before: R = lock_version(db, id, expected_version).await?;
    let mut am = before.clone().into_active_model();
    edit(&before, &mut am)?;
    write(db, &before, am, None, action, actor, now).await
}

/// Stage 1: lock row `id` for the rest of the transaction.
pub async fn lock<R: Audited>(db: &impl ConnectionTrait, id: i64) -> DomainResult<R> {
    EntityOf::<R>::find()
        .filter(column::<R>("id")?.eq(id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)
}

/// Stages 1 and 2: lock row `id` and check it is still at `expected_version`.
pub async fn lock_version<R: Versioned>(
    db: &impl ConnectionTrait,
    id: i64,
    expected_version: i32,
) -> DomainResult<R> {
    let row: R = lock(db, id).await?;
    let current = version_of(&row)?;
    if current != expected_version {
        return Err(conflict::<R>(expected_version, current));
    }
    Ok(row)
}

/// Stages 4 to 7 for the locked `before` and its edited `am`: diff, write (guarded by the
/// version), child rows (`(before, after)`, or `None` when they stay), audit entry, outbox.
pub async fn write<R: Row>(
    db: &impl ConnectionTrait,
    before: &R,
    mut am: Active<R>,
    children: Option<(&R::Children, &R::Children)>,
    action: AuditAction,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Saved<R>> {
    let id = id_of(before)?;
    let version = version_of(before)?;
    set::<R>(&mut am, "version", (version + 1).into())?;
    touch::<R>(&mut am, actor, now)?;
    let candidate: R = am.clone().try_into_model()?;
    let changes = diff::<R>(
        &snapshot(before, children.map(|c| c.0)),
        &snapshot(&candidate, children.map(|c| c.1)),
    );
    if changes.is_empty() {
        return Ok(Saved {
            row: before.clone(),
            changed: false,
        });
    }
    let written = EntityOf::<R>::update_many()
        .set(am)
        .filter(column::<R>("id")?.eq(id))
        .filter(column::<R>("version")?.eq(version))
        .exec(db)
        .await?;
    let after: R = EntityOf::<R>::find()
        .filter(column::<R>("id")?.eq(id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if written.rows_affected == 0 {
        return Err(conflict::<R>(version, version_of(&after)?));
    }
    if let Some((before, after)) = children {
        R::write_children(db, id, before, after).await?;
    }
    trail(db, &after, action, actor, changes, now).await?;
    Ok(Saved {
        row: after,
        changed: true,
    })
}

/// Stages 6 and 7 alone: the audit entry of `row` and, when it feeds search, its outbox row.
pub async fn trail<R: Audited>(
    db: &impl ConnectionTrait,
    row: &R,
    action: AuditAction,
    actor: &Actor,
    changes: Map<String, Json>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let id = id_of(row)?;
    let record = AuditRecord {
        entity_type: R::ENTITY,
        entity_id: id,
        // A record of the public has no municipality column.
        municipality_id: column::<R>("municipality_id")
            .ok()
            .and_then(|c| int(row.get(c))),
        action,
        actor,
        changes,
    };
    audit::record(db, record, now).await?;
    if R::FEEDS_SEARCH {
        outbox::enqueue(db, id, now).await?;
    }
    Ok(())
}

/// `base`, or `base-2`, `base-3` … whichever no row of `R` has as its `slug` yet.
pub async fn free_slug<R: Audited>(
    db: &impl ConnectionTrait,
    base: String,
) -> DomainResult<String> {
    let slug = column::<R>("slug")?;
    let mut candidate = base.clone();
    for n in 2.. {
        let taken = EntityOf::<R>::find()
            .filter(slug.eq(candidate.as_str()))
            .count(db)
            .await?;
        if taken == 0 {
            break;
        }
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

/// The owner of a new row of a kind that always belongs to a municipality (a posting, a
/// course); a missing one is a programming error of the caller.
pub fn owner(municipality_id: Option<i64>) -> DomainResult<i64> {
    municipality_id.ok_or_else(|| {
        DomainError::Db(DbErr::Custom(
            "a new row of this kind needs a municipality".into(),
        ))
    })
}

/// The conflict of a stale `expected` version against the `current` one.
pub fn conflict<R: Audited>(expected: i32, current: i32) -> DomainError {
    DomainError::Conflict {
        entity: R::ENTITY,
        expected,
        current,
    }
}

/// The row as the trail sees it: its columns plus its child rows.
fn snapshot<R: Versioned>(row: &R, children: Option<&R::Children>) -> Json {
    let mut v = serde_json::to_value(row).unwrap_or(Json::Null);
    if let (Json::Object(map), Some(children)) = (&mut v, children)
        && let Ok(Json::Object(extra)) = serde_json::to_value(children)
    {
        map.extend(extra);
    }
    v
}

fn diff<R: Versioned>(before: &Json, after: &Json) -> Map<String, Json> {
    let ignore: Vec<&str> = BOOKKEEPING
        .iter()
        .chain(R::DERIVED)
        .chain(R::PERSONAL)
        .copied()
        .collect();
    audit::diff(before, after, &ignore)
}

fn touch<R: Audited>(am: &mut Active<R>, actor: &Actor, now: DateTime<Utc>) -> DomainResult<()> {
    set::<R>(am, "updated_by", actor.as_str().into())?;
    set::<R>(am, "updated_at", now.into())
}

fn set<R: Audited>(am: &mut Active<R>, name: &'static str, value: Value) -> DomainResult<()> {
    Ok(am.try_set(column::<R>(name)?, value)?)
}

/// A bookkeeping column by its conventional name; a table without it is a programming error
/// that the record's tests show at once.
fn column<R: Audited>(name: &'static str) -> DomainResult<ColumnOf<R>> {
    ColumnOf::<R>::from_str(name).map_err(|_| {
        DomainError::Db(DbErr::Custom(format!(
            "{} has no column `{name}`",
            R::ENTITY.code()
        )))
    })
}

fn int(v: Value) -> Option<i64> {
    match v {
        Value::BigInt(v) => v,
        Value::Int(v) => v.map(i64::from),
        _ => None,
    }
}

fn id_of<R: Audited>(row: &R) -> DomainResult<i64> {
    int(row.get(column::<R>("id")?))
        .ok_or_else(|| DomainError::Db(DbErr::Custom("row without id".into())))
}

fn version_of<R: Audited>(row: &R) -> DomainResult<i32> {
    int(row.get(column::<R>("version")?))
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| DomainError::Db(DbErr::Custom("row without version".into())))
}
