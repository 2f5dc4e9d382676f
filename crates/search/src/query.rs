//! What an applicant can ask for and what comes back, independent of the engine.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use serde::Serialize;

pub const MAX_PER_PAGE: u32 = 100;
/// Deep pages are refused: nobody reads page 500, but a crawler asking for it costs.
pub const MAX_RESULT_WINDOW: u64 = 10_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Sort {
    /// Best match first; without search text the newest first.
    #[default]
    Relevance,
    Newest,
    /// Deadline soonest first.
    Deadline,
    /// Nearest first; needs [`SearchQuery::near`].
    Distance,
}

/// Around a point; `radius_km` limits the results, without it the point only orders them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct GeoFilter {
    pub lat: f64,
    pub lng: f64,
    pub radius_km: Option<f64>,
}

/// Pay grade range within one scheme, as positions in [`PayScheme::grades`]; postings whose
/// range overlaps it match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct GradeFilter {
    pub scheme: PayScheme,
    pub from_rank: Option<usize>,
    pub to_rank: Option<usize>,
}

/// A search. Within a dimension the values are alternatives (OR); dimensions combine (AND).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchQuery {
    pub text: String,
    pub kinds: Vec<PostingKind>,
    /// Owner or confirmed partner.
    pub municipalities: Vec<i64>,
    pub categories: Vec<Category>,
    pub employments: Vec<Employment>,
    pub contracts: Vec<Contract>,
    pub pay_schemes: Vec<PayScheme>,
    pub grade: Option<GradeFilter>,
    /// Deadline on or after this day.
    pub deadline_from: Option<NaiveDate>,
    pub published_within_days: Option<u32>,
    pub near: Option<GeoFilter>,
    pub sort: Sort,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
    /// The instant "now" for visibility and "published since"; a parameter so results are
    /// reproducible.
    pub now: DateTime<Utc>,
}

impl SearchQuery {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            text: String::new(),
            kinds: vec![],
            municipalities: vec![],
            categories: vec![],
            employments: vec![],
            contracts: vec![],
            pay_schemes: vec![],
            grade: None,
            deadline_from: None,
            published_within_days: None,
            near: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
            now,
        }
    }

    pub fn text(mut self, text: &str) -> Self {
        text.clone_into(&mut self.text);
        self
    }

    /// Offset of the first hit; refuses pages beyond the result window.
    pub fn offset(&self) -> Result<usize, crate::SearchError> {
        if self.page == 0 || self.per_page == 0 || self.per_page > MAX_PER_PAGE {
            return Err(crate::SearchError::InvalidQuery(format!(
                "page must be ≥ 1 and per_page between 1 and {MAX_PER_PAGE}"
            )));
        }
        let offset = u64::from(self.page - 1) * u64::from(self.per_page);
        if offset + u64::from(self.per_page) > MAX_RESULT_WINDOW {
            return Err(crate::SearchError::InvalidQuery(format!(
                "only the first {MAX_RESULT_WINDOW} results can be paged through"
            )));
        }
        Ok(offset as usize)
    }

    pub fn validate(&self) -> Result<(), crate::SearchError> {
        self.offset()?;
        if self.sort == Sort::Distance && self.near.is_none() {
            return Err(crate::SearchError::InvalidQuery(
                "sorting by distance needs a location".into(),
            ));
        }
        if let Some(g) = self.near
            && (!(-90.0..=90.0).contains(&g.lat)
                || !(-180.0..=180.0).contains(&g.lng)
                || g.radius_km.is_some_and(|r| !(r > 0.0 && r <= 1000.0)))
        {
            return Err(crate::SearchError::InvalidQuery(
                "location or radius out of range".into(),
            ));
        }
        if self.text.chars().count() > 200 {
            return Err(crate::SearchError::InvalidQuery(
                "search text longer than 200 characters".into(),
            ));
        }
        Ok(())
    }
}

/// The filter dimensions that carry facet counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Dimension {
    Kind,
    Municipality,
    Category,
    Employment,
    Contract,
    PayScheme,
}

impl Dimension {
    pub const ALL: [Self; 6] = [
        Self::Kind,
        Self::Municipality,
        Self::Category,
        Self::Employment,
        Self::Contract,
        Self::PayScheme,
    ];

    /// Field name in documents and engines.
    pub fn field(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Municipality => "municipality_ids",
            Self::Category => "category",
            Self::Employment => "employment",
            Self::Contract => "contract",
            Self::PayScheme => "pay_scheme",
        }
    }

    /// The values the query filters this dimension on (codes; municipality ids as text).
    pub fn selected(self, q: &SearchQuery) -> Vec<String> {
        fn codes<T: Copy>(v: &[T], code: fn(T) -> &'static str) -> Vec<String> {
            v.iter().map(|x| code(*x).to_owned()).collect()
        }
        match self {
            Self::Kind => codes(&q.kinds, PostingKind::code),
            Self::Municipality => q.municipalities.iter().map(i64::to_string).collect(),
            Self::Category => codes(&q.categories, Category::code),
            Self::Employment => codes(&q.employments, Employment::code),
            Self::Contract => codes(&q.contracts, Contract::code),
            Self::PayScheme => codes(&q.pay_schemes, PayScheme::code),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// Code of the value (municipality: its id).
    pub value: String,
    pub count: u64,
}

/// Per dimension, the number of hits each value would have with the other active filters
/// (the dimension's own selection left out), largest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Facets(pub std::collections::BTreeMap<Dimension, Vec<FacetCount>>);

impl Facets {
    pub fn count(&self, dim: Dimension, value: &str) -> u64 {
        self.0
            .get(&dim)
            .and_then(|v| v.iter().find(|c| c.value == value))
            .map_or(0, |c| c.count)
    }

    pub fn insert(&mut self, dim: Dimension, counts: impl IntoIterator<Item = (String, u64)>) {
        let mut list: Vec<FacetCount> = counts
            .into_iter()
            .filter(|(_, c)| *c > 0)
            .map(|(value, count)| FacetCount { value, count })
            .collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        self.0.insert(dim, list);
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// Title, HTML-escaped, matches in `<mark>`.
    pub title_html: String,
    /// A piece of the text around the matches, HTML-escaped, matches in `<mark>`; empty without
    /// search text.
    pub snippet_html: String,
    pub distance_km: Option<f64>,
    // What a result card shows, straight from the index: a results page reads no database.
    /// Owner first, then confirmed partners.
    pub municipality_ids: Vec<i64>,
    pub kind: PostingKind,
    pub category: Category,
    pub employment: Employment,
    pub weekly_hours: Option<f64>,
    pub contract: Contract,
    pub pay_scheme: PayScheme,
    pub pay_grade_from: Option<String>,
    pub pay_grade_to: Option<String>,
    pub pay_monthly_min_eur: Option<i32>,
    pub pay_monthly_max_eur: Option<i32>,
    pub deadline: NaiveDate,
    /// Unix seconds; the posting is offline from then on.
    pub expires_ts: i64,
    pub published_ts: i64,
}

/// A posting a query matches, as [`crate::SearchIndex::matching`] gives it: no more than what
/// telling new from old needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct Match {
    pub id: i64,
    /// Unix seconds.
    pub published_ts: i64,
}

impl Hit {
    /// What a result card shows of a document, without highlighting or snippet: for lists
    /// built from the database's current rows rather than from a search (the alert mails).
    pub fn from_document(d: crate::SearchDocument) -> Self {
        Self {
            id: d.id,
            title_html: mark_html(&d.title, "\u{1}", "\u{2}"),
            snippet_html: String::new(),
            distance_km: None,
            slug: d.slug,
            title: d.title,
            municipality_ids: d.municipality_ids,
            kind: d.kind,
            category: d.category,
            employment: d.employment,
            weekly_hours: d.weekly_hours,
            contract: d.contract,
            pay_scheme: d.pay_scheme,
            pay_grade_from: d.pay_grade_from,
            pay_grade_to: d.pay_grade_to,
            pay_monthly_min_eur: d.pay_monthly_min_eur,
            pay_monthly_max_eur: d.pay_monthly_max_eur,
            deadline: d.deadline,
            expires_ts: d.expires_ts,
            published_ts: d.published_ts,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchResults {
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

/// Days since 0001-01-01: how both backends store a date they filter and sort on.
pub fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// Escape text for HTML and turn the engine's match markers into `<mark>`.
pub fn mark_html(text: &str, pre: &str, post: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(pre) {
            out.push_str("<mark>");
            rest = r;
        } else if let Some(r) = rest.strip_prefix(post) {
            out.push_str("</mark>");
            rest = r;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Great-circle distance in km.
pub fn distance_km(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lng2 - lng1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0088 * 2.0 * a.sqrt().asin()
}
