//! What the engines index for a posting, always built from the current database rows.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use jobboard_domain::entities::{municipality, posting, posting_partner};
use jobboard_domain::markdown;
use jobboard_domain::postings::queries::{self, Posting};
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

/// Bump when the document shape or its meaning changes: indexes of another version rebuild.
pub const SCHEMA_VERSION: u32 = 3;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchDocument {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub kind: PostingKind,
    pub category: Category,
    pub employment: Employment,
    pub contract: Contract,
    pub pay_scheme: PayScheme,
    pub grade_min_rank: Option<i64>,
    pub grade_max_rank: Option<i64>,
    /// Category, kind and department labels: searched with the second weight.
    pub classification: String,
    /// Owner first, then confirmed partners.
    pub municipality_ids: Vec<i64>,
    /// Names of the owner and confirmed partners and the place of work.
    pub places: String,
    /// Plain text of description, tasks and profile.
    pub body: String,
    pub deadline: NaiveDate,
    /// Unix seconds; the posting is offline from then on.
    pub expires_ts: i64,
    pub published_ts: i64,
    pub lat: f64,
    pub lng: f64,
    // What a result card shows beyond the fields above, so a results page needs no database read.
    pub weekly_hours: Option<f64>,
    pub pay_grade_from: Option<String>,
    pub pay_grade_to: Option<String>,
    pub pay_monthly_min_eur: Option<i32>,
    pub pay_monthly_max_eur: Option<i32>,
}

impl SearchDocument {
    pub fn build(
        p: &Posting,
        owner: &municipality::Model,
        partners: &[&municipality::Model],
    ) -> Self {
        let rank = |g: &Option<String>| {
            g.as_deref()
                .and_then(|g| p.pay_scheme.grade_rank(g))
                .map(|r| r as i64)
        };
        let mut municipality_ids = vec![owner.id];
        municipality_ids.extend(partners.iter().map(|m| m.id));
        let mut places: Vec<&str> = vec![&owner.name];
        places.extend(partners.iter().map(|m| m.name.as_str()));
        if !places.contains(&p.location_place.as_str()) {
            places.push(&p.location_place);
        }
        let classification = [
            p.category.label(),
            p.kind.label(),
            p.department.as_deref().unwrap_or_default(),
        ]
        .join(" ")
        .replace('/', " ");
        let body = [&p.description, &p.tasks, &p.profile]
            .iter()
            .map(|md| markdown::to_search_text(md))
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            id: p.id,
            slug: p.slug.clone(),
            title: p.title.clone(),
            kind: p.kind,
            category: p.category,
            employment: p.employment,
            contract: p.contract,
            pay_scheme: p.pay_scheme,
            grade_min_rank: rank(&p.pay_grade_from),
            grade_max_rank: rank(&p.pay_grade_to).or(rank(&p.pay_grade_from)),
            classification,
            municipality_ids,
            places: places.join(" "),
            body,
            deadline: p.application_deadline,
            expires_ts: p.expires_at.timestamp(),
            published_ts: p.published_at.map_or(0, |t| t.timestamp()),
            lat: p.latitude.unwrap_or(owner.latitude),
            lng: p.longitude.unwrap_or(owner.longitude),
            weekly_hours: p.weekly_hours,
            pay_grade_from: p.pay_grade_from.clone(),
            pay_grade_to: p.pay_grade_to.clone(),
            pay_monthly_min_eur: p.pay_monthly_min_eur,
            pay_monthly_max_eur: p.pay_monthly_max_eur,
        }
    }
}

/// The current state of the given postings: documents for those visible at `now`, and the ids
/// that must leave the index (unpublished, expired, archived or gone).
pub async fn load(
    db: &impl ConnectionTrait,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(Vec<SearchDocument>, Vec<i64>), DbErr> {
    let rows = posting::Entity::find()
        .filter(posting::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let visible: Vec<Posting> = rows
        .into_iter()
        .filter(|p| queries::is_publicly_visible(p, now))
        .collect();
    let mut remove: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| !visible.iter().any(|p| p.id == *id))
        .collect();
    remove.sort_unstable();
    remove.dedup();
    let docs = build_all(db, visible).await?;
    Ok((docs, remove))
}

/// One page (by id) of documents for all postings visible at `now`, for rebuilding.
pub async fn load_visible_page(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    after_id: i64,
    limit: u64,
) -> Result<Vec<SearchDocument>, DbErr> {
    let rows = posting::Entity::find()
        .filter(queries::publicly_visible(now))
        .filter(posting::Column::Id.gt(after_id))
        .order_by_asc(posting::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    build_all(db, rows).await
}

async fn build_all(
    db: &impl ConnectionTrait,
    postings: Vec<Posting>,
) -> Result<Vec<SearchDocument>, DbErr> {
    if postings.is_empty() {
        return Ok(vec![]);
    }
    let members: HashMap<i64, municipality::Model> = municipality::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let ids: Vec<i64> = postings.iter().map(|p| p.id).collect();
    let mut partners: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for pp in posting_partner::Entity::find()
            .filter(posting_partner::Column::PostingId.is_in(chunk.to_vec()))
            .filter(posting_partner::Column::Confirmed.eq(true))
            .order_by_asc(posting_partner::Column::MunicipalityId)
            .all(db)
            .await?
        {
            partners
                .entry(pp.posting_id)
                .or_default()
                .push(pp.municipality_id);
        }
    }
    Ok(postings
        .iter()
        .filter_map(|p| {
            let owner = members.get(&p.municipality_id)?;
            let confirmed: Vec<&municipality::Model> = partners
                .get(&p.id)
                .map(|ids| ids.iter().filter_map(|id| members.get(id)).collect())
                .unwrap_or_default();
            Some(SearchDocument::build(p, owner, &confirmed))
        })
        .collect())
}
