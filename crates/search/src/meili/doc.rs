//! A posting as Meilisearch stores it, and a hit as Meilisearch returns it.

use chrono::NaiveDate;
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use jobboard_domain::text;
use serde::{Deserialize, Serialize};

use crate::SearchError;
use crate::document::SearchDocument;
use crate::query::{Hit, day_number};

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct MeiliDoc {
    id: i64,
    slug: String,
    title: String,
    /// Umlauts and ß written out (ae, oe, ue, ss): Meilisearch folds ä to a, applicants type ae.
    alt: String,
    classification: String,
    places: String,
    body: String,
    kind: String,
    municipality_ids: Vec<i64>,
    category: String,
    employment: String,
    contract: String,
    pay_scheme: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    grade_min_rank: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grade_max_rank: Option<i64>,
    deadline: i64,
    expires_ts: i64,
    published_ts: i64,
    #[serde(rename = "_geo")]
    geo: Geo,
    #[serde(skip_serializing_if = "Option::is_none")]
    weekly_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pay_grade_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pay_grade_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pay_monthly_min_eur: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pay_monthly_max_eur: Option<i32>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Geo {
    pub lat: f64,
    pub lng: f64,
}

/// The attributes a hit needs: everything a result card shows.
pub(super) const RETRIEVED: [&str; 18] = [
    "id",
    "slug",
    "title",
    "_geo",
    "municipality_ids",
    "kind",
    "category",
    "employment",
    "weekly_hours",
    "contract",
    "pay_scheme",
    "pay_grade_from",
    "pay_grade_to",
    "pay_monthly_min_eur",
    "pay_monthly_max_eur",
    "deadline",
    "expires_ts",
    "published_ts",
];

#[derive(Debug, Deserialize)]
pub(super) struct MeiliHit {
    id: i64,
    slug: String,
    pub title: String,
    #[serde(rename = "_geo")]
    pub geo: Option<Geo>,
    municipality_ids: Vec<i64>,
    kind: String,
    category: String,
    employment: String,
    weekly_hours: Option<f64>,
    contract: String,
    pay_scheme: String,
    pay_grade_from: Option<String>,
    pay_grade_to: Option<String>,
    pay_monthly_min_eur: Option<i32>,
    pay_monthly_max_eur: Option<i32>,
    deadline: i64,
    expires_ts: i64,
    published_ts: i64,
}

impl From<&SearchDocument> for MeiliDoc {
    fn from(d: &SearchDocument) -> Self {
        Self {
            id: d.id,
            slug: d.slug.clone(),
            title: d.title.clone(),
            alt: text::transliterate(&format!("{} {}", d.title, d.places)),
            classification: d.classification.clone(),
            places: d.places.clone(),
            body: d.body.clone(),
            kind: d.kind.code().to_owned(),
            municipality_ids: d.municipality_ids.clone(),
            category: d.category.code().to_owned(),
            employment: d.employment.code().to_owned(),
            contract: d.contract.code().to_owned(),
            pay_scheme: d.pay_scheme.code().to_owned(),
            grade_min_rank: d.grade_min_rank,
            grade_max_rank: d.grade_max_rank,
            deadline: day_number(d.deadline),
            expires_ts: d.expires_ts,
            published_ts: d.published_ts,
            geo: Geo {
                lat: d.lat,
                lng: d.lng,
            },
            weekly_hours: d.weekly_hours,
            pay_grade_from: d.pay_grade_from.clone(),
            pay_grade_to: d.pay_grade_to.clone(),
            pay_monthly_min_eur: d.pay_monthly_min_eur,
            pay_monthly_max_eur: d.pay_monthly_max_eur,
        }
    }
}

impl MeiliHit {
    /// The hit with the highlighted title and snippet already rendered.
    pub(super) fn into_hit(
        self,
        title_html: String,
        snippet_html: String,
        distance_km: Option<f64>,
    ) -> Result<Hit, SearchError> {
        let r = self;
        let unknown = |what: &str, v: &str| {
            SearchError::Engine(format!("document {} has unknown {what} {v:?}", r.id))
        };
        Ok(Hit {
            id: r.id,
            title_html,
            snippet_html,
            distance_km,
            kind: PostingKind::from_code(&r.kind).ok_or_else(|| unknown("kind", &r.kind))?,
            category: Category::from_code(&r.category)
                .ok_or_else(|| unknown("category", &r.category))?,
            employment: Employment::from_code(&r.employment)
                .ok_or_else(|| unknown("employment", &r.employment))?,
            weekly_hours: r.weekly_hours,
            contract: Contract::from_code(&r.contract)
                .ok_or_else(|| unknown("contract", &r.contract))?,
            pay_scheme: PayScheme::from_code(&r.pay_scheme)
                .ok_or_else(|| unknown("pay scheme", &r.pay_scheme))?,
            deadline: i32::try_from(r.deadline)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .ok_or_else(|| unknown("deadline", &r.deadline.to_string()))?,
            slug: r.slug,
            title: r.title,
            municipality_ids: r.municipality_ids,
            pay_grade_from: r.pay_grade_from,
            pay_grade_to: r.pay_grade_to,
            pay_monthly_min_eur: r.pay_monthly_min_eur,
            pay_monthly_max_eur: r.pay_monthly_max_eur,
            expires_ts: r.expires_ts,
            published_ts: r.published_ts,
        })
    }
}
