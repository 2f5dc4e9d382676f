//! The HR overview of postings at scale: search by title or Kennziffer, filters by status, kind
//! and deadline, sorting by each column and paging, all done by the database (one query for a
//! page, one for the total, one for the counts per status), on SQLite and PostgreSQL alike.
//!
//! The [`Scope`] is the caller's decision: an officer's overview is always
//! [`Scope::Municipality`] of their own municipality; only the admin's may be the whole
//! [`Scope::Region`].

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{BinOper, Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::queries::Posting;
use super::types::{PostingKind, PostingStatus};
use crate::entities::{municipality, posting};

/// Whose postings are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One municipality's postings (an officer's own, or the admin's municipality filter).
    Municipality(i64),
    /// Every municipality's (the admin only).
    Region,
}

/// Where the application deadline lies, seen from `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    /// The deadline day is over (before today).
    Past,
    /// The deadline ends within this many days: between today and today + n, both included.
    Within(u32),
}

/// What is listed: every part is optional except the scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub scope: Scope,
    /// Part of the title or the Kennziffer, in any case (umlauts too); empty: no search.
    pub text: String,
    pub status: Option<PostingStatus>,
    pub kind: Option<PostingKind>,
    pub deadline: Option<Deadline>,
    /// The Berlin day the deadline filter counts from.
    pub today: NaiveDate,
}

impl Filter {
    pub fn new(scope: Scope, today: NaiveDate) -> Self {
        Self {
            scope,
            text: String::new(),
            status: None,
            kind: None,
            deadline: None,
            today,
        }
    }
}

/// The column a page is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    Title,
    Reference,
    Kind,
    /// In the order of the lifecycle: draft, scheduled, published, expired, archived.
    Status,
    Deadline,
    /// The last change (the default: newest first).
    #[default]
    Updated,
    /// The owning municipality's name (the admin's overview).
    Municipality,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    /// Newest change first, as the overview always opened.
    fn default() -> Self {
        Self {
            key: SortKey::Updated,
            descending: true,
        }
    }
}

/// One page of the overview: the postings with their municipality, and how many match in all.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub rows: Vec<(Posting, Option<municipality::Model>)>,
    pub total: u64,
}

/// The postings matching `filter`, sorted by `sort` (ties by id, in the same direction),
/// `limit` of them from `offset` on.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    sort: Sort,
    limit: u64,
    offset: u64,
) -> Result<Page, DbErr> {
    let backend = db.get_database_backend();
    let total = matching(filter, backend).count(db).await?;
    let order = if sort.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let rows = matching(filter, backend)
        .find_also_related(municipality::Entity)
        .order_by(sort_expr(sort.key), order.clone())
        .order_by(posting::Column::Id, order)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok(Page { rows, total })
}

/// How many postings match `filter` with any status, per status (statuses without postings
/// are left out): what the status filter offers.
pub async fn count_by_status(
    db: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<HashMap<PostingStatus, u64>, DbErr> {
    let any_status = Filter {
        status: None,
        ..filter.clone()
    };
    let rows: Vec<(String, i64)> = matching(&any_status, db.get_database_backend())
        .select_only()
        .column(posting::Column::Status)
        .column_as(posting::Column::Id.count(), "n")
        .group_by(posting::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, n)| {
            Some((
                PostingStatus::from_code(&code)?,
                u64::try_from(n).unwrap_or_default(),
            ))
        })
        .collect())
}

fn matching(filter: &Filter, backend: DbBackend) -> Select<posting::Entity> {
    posting::Entity::find().filter(condition(filter, backend))
}

fn condition(f: &Filter, backend: DbBackend) -> Condition {
    let mut c = Condition::all();
    if let Scope::Municipality(id) = f.scope {
        c = c.add(posting::Column::MunicipalityId.eq(id));
    }
    let text = f.text.trim();
    if !text.is_empty() {
        c = c.add(
            Condition::any()
                .add(contains(backend, posting::Column::Title, text))
                .add(contains(backend, posting::Column::ReferenceNumber, text)),
        );
    }
    if let Some(status) = f.status {
        c = c.add(posting::Column::Status.eq(status));
    }
    if let Some(kind) = f.kind {
        c = c.add(posting::Column::Kind.eq(kind));
    }
    match f.deadline {
        None => {}
        Some(Deadline::Past) => c = c.add(posting::Column::ApplicationDeadline.lt(f.today)),
        Some(Deadline::Within(days)) => {
            let last = f
                .today
                .checked_add_days(chrono::Days::new(days.into()))
                .unwrap_or(NaiveDate::MAX);
            c = c.add(posting::Column::ApplicationDeadline.between(f.today, last));
        }
    }
    c
}

/// `column` contains `text` in any case. PostgreSQL's `LOWER` folds every letter; SQLite's
/// only ASCII ones, so there each cased letter becomes a class of both cases in a `GLOB`
/// pattern („übung“ → `*[üÜ][bB][uU][nN][gG]*`). Wildcards typed are literal on both.
fn contains(backend: DbBackend, column: posting::Column, text: &str) -> Expr {
    let col = Expr::col((posting::Entity, column));
    if backend == DbBackend::Sqlite {
        return col.binary(BinOper::Custom("GLOB"), any_case_glob(text));
    }
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::expr(Func::lower(col)).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// A SQLite `GLOB` pattern for "contains `text`, letters in any case".
fn any_case_glob(text: &str) -> String {
    let mut pattern = String::from("*");
    for c in text.chars() {
        let mut lower = c.to_lowercase();
        let mut upper = c.to_uppercase();
        match (lower.next(), lower.next(), upper.next(), upper.next()) {
            (Some(l), None, Some(u), None) if l != u => pattern.extend(['[', l, u, ']']),
            // GLOB's own characters, literally.
            _ if matches!(c, '*' | '?' | '[') => pattern.extend(['[', c, ']']),
            _ => pattern.push(c),
        }
    }
    pattern.push('*');
    pattern
}

/// What a page is ordered by. Text is compared in lower case, so „abc“ and „ABC“ sort alike on
/// both databases; kinds by their German label, statuses by the lifecycle.
fn sort_expr(key: SortKey) -> Expr {
    let col = |c: posting::Column| Expr::col((posting::Entity, c));
    match key {
        SortKey::Title => Func::lower(col(posting::Column::Title)).into(),
        SortKey::Reference => Func::lower(col(posting::Column::ReferenceNumber)).into(),
        SortKey::Kind => {
            let mut by_label: Vec<PostingKind> = PostingKind::ALL.to_vec();
            by_label.sort_by_key(|k| k.label());
            rank(posting::Column::Kind, by_label.iter().map(|k| k.code()))
        }
        SortKey::Status => rank(
            posting::Column::Status,
            PostingStatus::ALL.iter().map(|s| s.code()),
        ),
        SortKey::Deadline => col(posting::Column::ApplicationDeadline),
        SortKey::Updated => col(posting::Column::UpdatedAt),
        SortKey::Municipality => Func::lower(Expr::col((
            municipality::Entity,
            municipality::Column::Name,
        )))
        .into(),
    }
}

/// `CASE column WHEN code₀ THEN 0 WHEN code₁ THEN 1 … END`: the position of the stored code in
/// `codes`.
fn rank<'a>(column: posting::Column, codes: impl Iterator<Item = &'a str>) -> Expr {
    let mut case = sea_orm::sea_query::CaseStatement::new();
    let mut n = 0;
    for (i, code) in codes.enumerate() {
        case = case.case(Expr::col((posting::Entity, column)).eq(code), i as i32);
        n = i as i32 + 1;
    }
    case.finally(n).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glob_pattern_takes_letters_in_any_case_and_its_own_characters_literally() {
        assert_eq!(any_case_glob("Übung 7"), "*[üÜ][bB][uU][nN][gG] 7*");
        assert_eq!(any_case_glob("a*?[]ß"), "*[aA][*][?][[]]ß*");
    }
}
