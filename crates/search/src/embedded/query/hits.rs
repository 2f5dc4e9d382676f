//! Turning the addresses of a page of hits into [`Hit`]s: stored fields, highlighted title and
//! snippet, distance from the searched place.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

use chrono::NaiveDate;
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::schema::{Field, TantivyDocument, Value};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{DocAddress, Searcher};

use super::super::schema::Fields;
use crate::query::{GeoFilter, Hit, SearchQuery, distance_km, mark_html};
use crate::{SearchError, snippet};

pub(super) fn hits(
    searcher: &Searcher,
    f: &Fields,
    q: &SearchQuery,
    text: Option<&dyn Query>,
    addresses: &[DocAddress],
) -> Result<Vec<Hit>, SearchError> {
    let snippets = text.map(|t| Snippets::new(searcher, f, t)).transpose()?;
    let mut coordinates = Coordinates::default();
    let mut out = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let stored = Stored { doc: &doc, f };
        let title = stored.text(f.title);
        let (title_html, snippet_html) = match &snippets {
            Some(s) => s.of(&doc, &title, &stored.text(f.body)),
            None => (mark_html(&title, "\u{1}", "\u{2}"), String::new()),
        };
        let distance_km = match q.near {
            Some(near) => coordinates.distance(searcher, *address, near)?,
            None => None,
        };
        out.push(stored.hit(title, title_html, snippet_html, distance_km)?);
    }
    Ok(out)
}

/// How long a result's snippet may be, in characters.
const BODY_CHARS: usize = 220;

/// Highlighted title and body snippet of each hit of a text search.
struct Snippets {
    title: SnippetGenerator,
    body: SnippetGenerator,
}

impl Snippets {
    fn new(searcher: &Searcher, f: &Fields, text: &dyn Query) -> Result<Self, SearchError> {
        let mut title = SnippetGenerator::create(searcher, text, f.title)?;
        title.set_max_num_chars(400);
        let mut body = SnippetGenerator::create(searcher, text, f.body)?;
        body.set_max_num_chars(BODY_CHARS);
        Ok(Self { title, body })
    }

    /// The whole title with its matches marked, and a snippet of the body around its best
    /// match (empty when nothing matched there).
    fn of(&self, doc: &TantivyDocument, title: &str, body: &str) -> (String, String) {
        let title_html =
            snippet::highlight_whole(title, &ranges(title, &self.title.snippet_from_doc(doc)));
        let snippet_html = snippet::snippet(
            body,
            &ranges(body, &self.body.snippet_from_doc(doc)),
            BODY_CHARS,
        );
        (title_html, snippet_html)
    }
}

/// The snippet's highlights as byte ranges in the whole stored text: tantivy reports them within
/// its fragment, which starts `fragment_range().start` bytes into the trimmed text.
fn ranges(text: &str, s: &Snippet) -> Vec<Range<usize>> {
    let base = text.len() - text.trim_start().len() + s.fragment_range().start;
    s.highlighted()
        .iter()
        .map(|r| base + r.start..base + r.end)
        .collect()
}

/// The coordinate columns of each segment, opened once per page.
#[derive(Default)]
struct Coordinates(HashMap<u32, (Column<f64>, Column<f64>)>);

impl Coordinates {
    fn distance(
        &mut self,
        searcher: &Searcher,
        address: DocAddress,
        near: GeoFilter,
    ) -> Result<Option<f64>, SearchError> {
        let (lat, lng) = match self.0.entry(address.segment_ord) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => {
                let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                v.insert((fast.f64("lat")?, fast.f64("lng")?))
            }
        };
        Ok(lat
            .first(address.doc_id)
            .zip(lng.first(address.doc_id))
            .map(|(a, b)| distance_km(near.lat, near.lng, a, b)))
    }
}

/// Reading the stored fields of one document.
struct Stored<'a> {
    doc: &'a TantivyDocument,
    f: &'a Fields,
}

impl Stored<'_> {
    fn text(&self, field: Field) -> String {
        self.opt_text(field).unwrap_or_default()
    }

    fn opt_text(&self, field: Field) -> Option<String> {
        self.doc
            .get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    }

    fn int(&self, field: Field) -> Option<i64> {
        self.doc.get_first(field).and_then(|v| v.as_i64())
    }

    /// The vocabulary entry stored as its position in `all`.
    fn vocab<T: Copy>(&self, field: Field, all: &[T], what: &str) -> Result<T, SearchError> {
        let i = self
            .doc
            .get_first(field)
            .and_then(|v| v.as_u64())
            .unwrap_or(u64::MAX) as usize;
        all.get(i)
            .copied()
            .ok_or_else(|| SearchError::Engine(format!("stored {what} missing")))
    }

    fn hit(
        &self,
        title: String,
        title_html: String,
        snippet_html: String,
        distance_km: Option<f64>,
    ) -> Result<Hit, SearchError> {
        let f = self.f;
        Ok(Hit {
            id: self.int(f.id).unwrap_or_default(),
            slug: self.text(f.slug),
            title,
            title_html,
            snippet_html,
            distance_km,
            municipality_ids: self
                .doc
                .get_all(f.municipality)
                .filter_map(|v| v.as_u64())
                .map(|m| m as i64)
                .collect(),
            kind: self.vocab(f.kind, PostingKind::ALL, "kind")?,
            category: self.vocab(f.category, Category::ALL, "category")?,
            employment: self.vocab(f.employment, Employment::ALL, "employment")?,
            weekly_hours: self.doc.get_first(f.weekly_hours).and_then(|v| v.as_f64()),
            contract: self.vocab(f.contract, Contract::ALL, "contract")?,
            pay_scheme: self.vocab(f.pay_scheme, PayScheme::ALL, "pay scheme")?,
            pay_grade_from: self.opt_text(f.pay_grade_from),
            pay_grade_to: self.opt_text(f.pay_grade_to),
            pay_monthly_min_eur: self.int(f.pay_min).and_then(|v| i32::try_from(v).ok()),
            pay_monthly_max_eur: self.int(f.pay_max).and_then(|v| i32::try_from(v).ok()),
            deadline: self
                .int(f.deadline)
                .and_then(|d| i32::try_from(d).ok())
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .ok_or_else(|| SearchError::Engine("stored deadline missing".into()))?,
            expires_ts: self.int(f.expires).unwrap_or_default(),
            published_ts: self.int(f.published).unwrap_or_default(),
        })
    }
}
