//! The Meilisearch backend (production). Settings are applied idempotently; when the settings
//! or the document schema differ from what the live index was built with, [`SearchIndex::prepare`]
//! reports [`Readiness::NeedsRebuild`] and [`SearchIndex::rebuild`] fills a fresh index and swaps
//! it in, so searches never see a half-built index. Every write waits for its task and fails
//! unless the task succeeded.

mod http;

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use jobboard_domain::text;
use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::documents::DocumentsQuery;
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{
    SearchQuery as MeiliQuery, SearchResults as MeiliResults, Selectors,
};
use meilisearch_sdk::settings::{
    FacetingSettings, LocalizedAttributes, MinWordSizeForTypos, PaginationSetting, Settings,
    TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::document::{SCHEMA_VERSION, SearchDocument};
use crate::query::{
    Dimension, Facets, Hit, MAX_RESULT_WINDOW, SearchQuery, SearchResults, Sort, distance_km,
    mark_html,
};
use crate::{Readiness, SearchError, SearchIndex, synonyms};

pub use http::MeiliHttp;

const TASK_TIMEOUT: Duration = Duration::from_secs(120);
const BATCH: usize = 5_000;
const PRE: &str = "\u{1}";
const POST: &str = "\u{2}";

pub struct MeiliIndex {
    client: Client<MeiliHttp>,
    uid: String,
}

/// A posting as Meilisearch stores it.
#[derive(Debug, Serialize, Deserialize)]
struct MeiliDoc {
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
struct Geo {
    lat: f64,
    lng: f64,
}

/// The attributes a hit needs: everything a result card shows.
const RETRIEVED: [&str; 18] = [
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
struct MeiliHit {
    id: i64,
    slug: String,
    title: String,
    #[serde(rename = "_geo")]
    geo: Option<Geo>,
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
            deadline: crate::embedded::day_number(d.deadline),
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

/// The settings every index of this board has. Changing them (or [`SCHEMA_VERSION`]) rebuilds.
fn settings() -> Settings {
    settings_without_synonyms()
        .with_synonyms(synonyms::as_map().into_iter().collect::<HashMap<_, _>>())
}

fn settings_without_synonyms() -> Settings {
    Settings::new()
        .with_searchable_attributes(["title", "alt", "classification", "places", "body"])
        .with_filterable_attributes([
            "kind",
            "municipality_ids",
            "category",
            "employment",
            "contract",
            "pay_scheme",
            "grade_min_rank",
            "grade_max_rank",
            "deadline",
            "expires_ts",
            "published_ts",
            "_geo",
        ])
        .with_sortable_attributes(["published_ts", "deadline", "_geo"])
        .with_ranking_rules([
            "words",
            "typo",
            "proximity",
            "attribute",
            "sort",
            "exactness",
        ])
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: Some(vec![]),
            disable_on_words: Some(vec![]),
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(5),
                two_typos: Some(9),
            }),
            // Left unset (server default: typos allowed on numbers) so older servers accept it.
            disable_on_numbers: None,
        })
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_RESULT_WINDOW as usize,
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: 200,
            sort_facet_values_by: None,
        })
        .with_localized_attributes(vec![LocalizedAttributes {
            locales: vec!["deu".into()],
            attribute_patterns: vec!["*".into()],
        }])
}

/// What the live index was built with, kept in a small companion index. Built from ordered
/// data only (the SDK keeps synonyms in a HashMap), so it is the same in every process.
fn fingerprint() -> String {
    format!(
        "{SCHEMA_VERSION}:{}:{}",
        serde_json::to_string(&settings_without_synonyms()).unwrap_or_default(),
        serde_json::to_string(&synonyms::as_map()).unwrap_or_default()
    )
}

#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    id: String,
    fingerprint: String,
}

impl MeiliIndex {
    /// `uid` names the live index (e.g. `postings`); `<uid>_meta` and `<uid>_rebuild` are used
    /// beside it.
    pub fn new(url: &str, api_key: Option<String>, uid: &str) -> Result<Self, SearchError> {
        let http = MeiliHttp::new(api_key.clone(), Duration::from_secs(30))
            .map_err(|e| SearchError::Engine(e.to_string()))?;
        Ok(Self {
            client: Client::new_with_client(url, api_key, http),
            uid: uid.to_owned(),
        })
    }

    pub fn uid(&self) -> &str {
        &self.uid
    }

    fn index(&self) -> Index<MeiliHttp> {
        self.client.index(&self.uid)
    }

    async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        match self
            .client
            .wait_for_task(task, Some(Duration::from_millis(25)), Some(TASK_TIMEOUT))
            .await?
        {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content } => Err(SearchError::Engine(content.error.to_string())),
            _ => Err(SearchError::Unavailable(
                "Meilisearch task did not finish in time".into(),
            )),
        }
    }

    /// Create index `uid` unless it exists.
    async fn ensure_index(&self, uid: &str) -> Result<bool, SearchError> {
        match self.client.get_index(uid).await {
            Ok(_) => Ok(false),
            Err(meilisearch_sdk::errors::Error::Meilisearch(e))
                if e.error_code == meilisearch_sdk::errors::ErrorCode::IndexNotFound =>
            {
                let task = self.client.create_index(uid, Some("id")).await?;
                self.wait(task).await?;
                Ok(true)
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn stored_fingerprint(&self) -> Result<Option<String>, SearchError> {
        let meta = self.client.index(format!("{}_meta", self.uid));
        match meta.get_document::<Meta>("live").await {
            Ok(m) => Ok(Some(m.fingerprint)),
            Err(meilisearch_sdk::errors::Error::Meilisearch(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn add(
        &self,
        index: &Index<MeiliHttp>,
        docs: &[SearchDocument],
    ) -> Result<(), SearchError> {
        for chunk in docs.chunks(BATCH) {
            let docs: Vec<MeiliDoc> = chunk.iter().map(MeiliDoc::from).collect();
            let task = index.add_or_replace(&docs, Some("id")).await?;
            self.wait(task).await?;
        }
        Ok(())
    }

    /// Delete the live, meta and rebuild indexes (tests).
    pub async fn drop_all(&self) -> Result<(), SearchError> {
        for uid in [
            self.uid.clone(),
            format!("{}_meta", self.uid),
            format!("{}_rebuild", self.uid),
        ] {
            if let Ok(task) = self.client.delete_index(&uid).await {
                let _ = self.wait(task).await;
            }
        }
        Ok(())
    }
}

impl SearchIndex for MeiliIndex {
    async fn prepare(&self) -> Result<Readiness, SearchError> {
        let created = self.ensure_index(&self.uid).await?;
        if !created && self.stored_fingerprint().await?.as_deref() == Some(fingerprint().as_str()) {
            return Ok(Readiness::Ready);
        }
        // A new index gets the settings at once, so upserts before the rebuild are searchable.
        if created {
            let task = self.index().set_settings(&settings()).await?;
            self.wait(task).await?;
        }
        Ok(Readiness::NeedsRebuild)
    }

    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        self.add(&self.index(), &docs).await
    }

    async fn delete(&self, ids: Vec<i64>) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        let task = self.index().delete_documents(&ids).await?;
        self.wait(task).await
    }

    async fn rebuild(&self, mut batches: crate::Batches) -> Result<u64, SearchError> {
        let next_uid = format!("{}_rebuild", self.uid);
        if let Ok(task) = self.client.delete_index(&next_uid).await {
            self.wait(task).await?;
        }
        self.ensure_index(&next_uid).await?;
        let next = self.client.index(&next_uid);
        // Settings before documents: documents are indexed once, with the final settings.
        self.wait(next.set_settings(&settings()).await?).await?;
        let mut count = 0;
        while let Some(docs) = batches.recv().await {
            let docs = docs?;
            self.add(&next, &docs).await?;
            count += docs.len() as u64;
        }
        self.ensure_index(&self.uid).await?;
        let swap = SwapIndexes {
            indexes: (self.uid.clone(), next_uid.clone()),
            rename: None,
        };
        self.wait(self.client.swap_indexes([&swap]).await?).await?;
        self.wait(self.client.delete_index(&next_uid).await?)
            .await?;
        let meta_uid = format!("{}_meta", self.uid);
        self.ensure_index(&meta_uid).await?;
        let meta = Meta {
            id: "live".into(),
            fingerprint: fingerprint(),
        };
        let task = self
            .client
            .index(&meta_uid)
            .add_or_replace(&[meta], Some("id"))
            .await?;
        self.wait(task).await?;
        Ok(count)
    }

    async fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        q.validate()?;
        let index = self.index();
        let main_filter = filters(q, None);
        let main_filter_refs: Vec<&str> = main_filter.iter().map(String::as_str).collect();
        let sort: Vec<String> = match (q.sort, q.text.trim().is_empty()) {
            (Sort::Relevance, false) => vec![],
            (Sort::Relevance | Sort::Newest, _) => vec!["published_ts:desc".into()],
            (Sort::Deadline, _) => vec!["deadline:asc".into()],
            (Sort::Distance, _) => match q.near {
                Some(n) => vec![format!("_geoPoint({}, {}):asc", n.lat, n.lng)],
                None => vec![],
            },
        };
        let sort_refs: Vec<&str> = sort.iter().map(String::as_str).collect();
        let inactive: Vec<&str> = Dimension::ALL
            .iter()
            .filter(|d| d.selected(q).is_empty())
            .map(|d| d.field())
            .collect();
        let active: Vec<Dimension> = Dimension::ALL
            .into_iter()
            .filter(|d| !d.selected(q).is_empty())
            .collect();
        let per_dimension: Vec<(Dimension, Vec<String>, [&str; 1])> = active
            .iter()
            .map(|d| (*d, filters(q, Some(*d)), [d.field()]))
            .collect();
        let per_dimension_refs: Vec<Vec<&str>> = per_dimension
            .iter()
            .map(|(_, f, _)| f.iter().map(String::as_str).collect())
            .collect();

        let mut main = MeiliQuery::new(&index);
        main.with_query(&q.text)
            .with_array_filter(main_filter_refs)
            .with_page(q.page as usize)
            .with_hits_per_page(q.per_page as usize)
            .with_facets(Selectors::Some(&inactive))
            .with_attributes_to_retrieve(Selectors::Some(&RETRIEVED))
            .with_attributes_to_highlight(Selectors::Some(&["title", "body"]))
            .with_attributes_to_crop(Selectors::Some(&[("body", Some(30))]))
            .with_highlight_pre_tag(PRE)
            .with_highlight_post_tag(POST);
        if !sort_refs.is_empty() {
            main.with_sort(&sort_refs);
        }
        let mut multi = self.client.multi_search();
        multi.with_search_query(main.build());
        for (i, (_, _, field)) in per_dimension.iter().enumerate() {
            let mut facet_query = MeiliQuery::new(&index);
            facet_query
                .with_query(&q.text)
                .with_array_filter(per_dimension_refs[i].clone())
                .with_facets(Selectors::Some(field))
                .with_limit(0);
            multi.with_search_query(facet_query.build());
        }
        let response = multi.execute::<MeiliHit>().await?;
        let mut results = response.results.into_iter();
        let first: MeiliResults<MeiliHit> = results
            .next()
            .ok_or_else(|| SearchError::Engine("empty multi-search answer".into()))?;

        let mut facets = Facets::default();
        let mut distributions = first.facet_distribution.clone().unwrap_or_default();
        for ((dim, _, _), r) in per_dimension.iter().zip(results) {
            if let Some(d) = r.facet_distribution.and_then(|mut m| m.remove(dim.field())) {
                distributions.insert(dim.field().to_owned(), d);
            }
        }
        for dim in Dimension::ALL {
            let values: HashMap<String, usize> =
                distributions.remove(dim.field()).unwrap_or_default();
            facets.insert(dim, values.into_iter().map(|(v, n)| (v, n as u64)));
        }

        let hits = first
            .hits
            .into_iter()
            .map(|h| -> Result<Hit, SearchError> {
                let formatted = h.formatted_result.unwrap_or_default();
                let field = |name: &str| {
                    formatted
                        .get(name)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                let title_html = mark_html(
                    &field("title").unwrap_or_else(|| h.result.title.clone()),
                    PRE,
                    POST,
                );
                let snippet_html = match field("body") {
                    Some(body) if !q.text.trim().is_empty() && body.contains(PRE) => {
                        mark_html(&body, PRE, POST)
                    }
                    _ => String::new(),
                };
                let distance_km = match (q.near, &h.result.geo) {
                    (Some(n), Some(g)) => Some(distance_km(n.lat, n.lng, g.lat, g.lng)),
                    _ => None,
                };
                let r = h.result;
                let unknown = |what: &str, v: &str| {
                    SearchError::Engine(format!("document {} has unknown {what} {v:?}", r.id))
                };
                Ok(Hit {
                    id: r.id,
                    slug: r.slug,
                    title: r.title,
                    title_html,
                    snippet_html,
                    distance_km,
                    municipality_ids: r.municipality_ids,
                    kind: PostingKind::from_code(&r.kind)
                        .ok_or_else(|| unknown("kind", &r.kind))?,
                    category: Category::from_code(&r.category)
                        .ok_or_else(|| unknown("category", &r.category))?,
                    employment: Employment::from_code(&r.employment)
                        .ok_or_else(|| unknown("employment", &r.employment))?,
                    weekly_hours: r.weekly_hours,
                    contract: Contract::from_code(&r.contract)
                        .ok_or_else(|| unknown("contract", &r.contract))?,
                    pay_scheme: PayScheme::from_code(&r.pay_scheme)
                        .ok_or_else(|| unknown("pay scheme", &r.pay_scheme))?,
                    pay_grade_from: r.pay_grade_from,
                    pay_grade_to: r.pay_grade_to,
                    pay_monthly_min_eur: r.pay_monthly_min_eur,
                    pay_monthly_max_eur: r.pay_monthly_max_eur,
                    deadline: i32::try_from(r.deadline)
                        .ok()
                        .and_then(NaiveDate::from_num_days_from_ce_opt)
                        .ok_or_else(|| unknown("deadline", &r.deadline.to_string()))?,
                    expires_ts: r.expires_ts,
                    published_ts: r.published_ts,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let total = first
            .total_hits
            .or(first.estimated_total_hits)
            .unwrap_or_default() as u64;
        Ok(SearchResults {
            total,
            hits,
            facets,
        })
    }

    async fn count(&self) -> Result<u64, SearchError> {
        let index = self.index();
        let mut query = DocumentsQuery::new(&index);
        query.with_limit(0);
        let page = index.get_documents_with::<Value>(&query).await?;
        Ok(u64::from(page.total))
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Meilisearch filter expressions (ANDed), leaving out dimension `except`.
fn filters(q: &SearchQuery, except: Option<Dimension>) -> Vec<String> {
    let now = q.now.timestamp();
    let mut out = vec![
        format!("expires_ts > {now}"),
        format!("published_ts <= {now}"),
    ];
    for dim in Dimension::ALL {
        let selected = dim.selected(q);
        if except == Some(dim) || selected.is_empty() {
            continue;
        }
        out.push(match dim {
            Dimension::Municipality => format!("{} IN [{}]", dim.field(), selected.join(", ")),
            _ => format!("{} IN [{}]", dim.field(), quoted(&selected)),
        });
    }
    if let Some(g) = q.grade {
        out.push(format!("pay_scheme = \"{}\"", g.scheme.code()));
        if let Some(from) = g.from_rank {
            out.push(format!("grade_max_rank >= {from}"));
        }
        if let Some(to) = g.to_rank {
            out.push(format!("grade_min_rank <= {to}"));
        }
    }
    if let Some(day) = q.deadline_from {
        out.push(format!("deadline >= {}", crate::embedded::day_number(day)));
    }
    if let Some(days) = q.published_within_days {
        out.push(format!(
            "published_ts >= {}",
            now - i64::from(days) * 86_400
        ));
    }
    if let Some(n) = q.near
        && let Some(r) = n.radius_km
    {
        out.push(format!(
            "_geoRadius({}, {}, {})",
            n.lat,
            n.lng,
            (r * 1000.0).round()
        ));
    }
    out
}
