//! The query string of a search, shared by the search page, the JSON API and the feeds.
//!
//! Parameters ([`SearchParam`], repeatable where a dimension allows several values): `q`, `art`,
//! `kommune`, `bereich`, `umfang`, `vertrag`, `verguetung`, `umkreis` with `ort`, `sortierung`,
//! `seite`; the API adds `pro_seite`. A value that names nothing (an unknown municipality, say)
//! is left out of the search and listed in [`Params::unknown`]: the page shows it as ignored, the
//! API and the feeds refuse it (see [`Params::unknown_error`]), since a website embedding a
//! mistyped feed would otherwise show every municipality's postings. A query, text or page number
//! that cannot be served is a [`ParamError`]; each caller turns it into its own kind of answer.

use chrono::Utc;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
pub use jobboard_domain::search_params::SearchParam;
use jobboard_search::query::{Dimension, GeoFilter, MAX_PER_PAGE, MAX_RESULT_WINDOW};
use jobboard_search::{SearchQuery, Sort};

use crate::AppError;

/// Hits a page unless the API asks for another number.
pub const PER_PAGE: u32 = 20;
const MAX_QUERY_BYTES: usize = 4096;
const MAX_TEXT_CHARS: usize = 200;
/// At most this many ignored values are remembered.
const MAX_UNKNOWN: usize = 10;
pub const TRAINING: [PostingKind; 4] = [
    PostingKind::Apprenticeship,
    PostingKind::DualStudy,
    PostingKind::Internship,
    PostingKind::VolunteerService,
];
/// The radii of `umkreis` in km.
pub const RADII: [u32; 5] = [5, 10, 20, 30, 50];
/// The orders of `sortierung`: value and German label. Relevance is the default and is not kept
/// in links.
pub const SORTS: [(Sort, &str, &str); 4] = [
    (Sort::Relevance, "relevanz", "Relevanz"),
    (Sort::Newest, "neueste", "Neueste zuerst"),
    (Sort::Deadline, "frist", "Bewerbungsfrist zuerst"),
    (Sort::Distance, "entfernung", "Entfernung (mit Ort)"),
];

/// The value of `sortierung` for `sort`.
pub fn sort_value(sort: Sort) -> &'static str {
    SORTS
        .iter()
        .find(|(s, _, _)| *s == sort)
        .map_or("", |(_, value, _)| value)
}

/// A search that cannot be served, in German.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error(
        "Die Suchanfrage ist zu lang. Bitte kürzen Sie den Suchbegriff oder entfernen Sie Filter."
    )]
    QueryTooLong,
    #[error("Der Suchbegriff ist zu lang: höchstens 200 Zeichen.")]
    TextTooLong,
    #[error("Die Seitenzahl „{value}“ ist ungültig. Es gibt höchstens {max} Seiten.")]
    BadPage { value: String, max: u32 },
    #[error(
        "„{}“ muss eine Zahl von 1 bis {MAX_PER_PAGE} sein.",
        SearchParam::PerPage
    )]
    BadPerPage,
    /// A value that names nothing, with the values that would.
    #[error("Unbekannter Wert „{value}“ für „{param}“. Möglich sind: {}.", allowed.join(", "))]
    Unknown {
        param: SearchParam,
        value: String,
        allowed: Vec<String>,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Params {
    /// The understood parameters, in the order given.
    pub(crate) kept: Vec<(SearchParam, String)>,
    /// Values of known parameters that name nothing here, in the order given.
    pub(crate) unknown: Vec<(SearchParam, String)>,
}

impl Params {
    pub(crate) fn get(&self, param: SearchParam) -> Option<&str> {
        self.kept
            .iter()
            .find(|(k, _)| *k == param)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn has(&self, param: SearchParam, value: &str) -> bool {
        self.kept.iter().any(|(k, v)| *k == param && v == value)
    }

    /// Link to `path` with these parameters, minus `drop` (parameter, and value or all values).
    pub(crate) fn link(
        &self,
        path: &str,
        drop: &[(SearchParam, Option<&str>)],
        page: Option<u32>,
    ) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.kept {
            let dropped = *k == SearchParam::Page
                || drop
                    .iter()
                    .any(|(dk, dv)| dk == k && dv.is_none_or(|dv| dv == v));
            if !dropped {
                out.append_pair(k.name(), v);
            }
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            out.append_pair(SearchParam::Page.name(), &p.to_string());
        }
        let query = out.finish();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }

    /// `?a=b` of the parameters, or "".
    pub(crate) fn query(&self) -> String {
        self.link("", &[], None)
    }

    /// For the API and the feeds: the first unknown value, naming what is allowed.
    pub(crate) fn unknown_error(
        &self,
        members: &[Municipality],
        training: bool,
    ) -> Option<ParamError> {
        let (param, value) = self.unknown.first()?;
        Some(ParamError::Unknown {
            param: *param,
            value: value.chars().take(60).collect(),
            allowed: allowed(*param, members, training),
        })
    }
}

/// The values `param` accepts.
fn allowed(param: SearchParam, members: &[Municipality], training: bool) -> Vec<String> {
    fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|v| code(*v).to_owned()).collect()
    }
    match param {
        SearchParam::Kind => PostingKind::ALL
            .iter()
            .filter(|k| !training || TRAINING.contains(k))
            .map(|k| k.code().to_owned())
            .collect(),
        SearchParam::Municipality | SearchParam::Place => {
            members.iter().map(|m| m.slug.clone()).collect()
        }
        SearchParam::Category => codes(Category::ALL, Category::code),
        SearchParam::Employment => codes(Employment::ALL, Employment::code),
        SearchParam::Contract => codes(Contract::ALL, Contract::code),
        SearchParam::PayScheme => codes(PayScheme::ALL, PayScheme::code),
        SearchParam::Radius => RADII.iter().map(u32::to_string).collect(),
        SearchParam::Sort => SORTS.iter().map(|(_, v, _)| (*v).to_owned()).collect(),
        SearchParam::Text | SearchParam::Page | SearchParam::PerPage => Vec::new(),
    }
}

/// The parameter that filters `dim`.
pub fn dimension_param(dim: Dimension) -> SearchParam {
    match dim {
        Dimension::Kind => SearchParam::Kind,
        Dimension::Municipality => SearchParam::Municipality,
        Dimension::Category => SearchParam::Category,
        Dimension::Employment => SearchParam::Employment,
        Dimension::Contract => SearchParam::Contract,
        Dimension::PayScheme => SearchParam::PayScheme,
    }
}

/// What became of one value.
enum Outcome {
    /// Understood: kept in links.
    Keep,
    /// Understood, but not kept (a repeat, the page).
    Skip,
    /// Understood as the default of a one-value parameter: not kept, and an earlier value of
    /// it no longer holds.
    Default,
    /// Names nothing.
    Unknown,
}

/// Add a filter value: `Unknown` when it names nothing, `Skip` for a repeat.
fn add<T: PartialEq>(list: &mut Vec<T>, value: Option<T>) -> Outcome {
    match value {
        None => Outcome::Unknown,
        Some(v) if list.contains(&v) => Outcome::Skip,
        Some(v) => {
            list.push(v);
            Outcome::Keep
        }
    }
}

/// The search being built from the query string.
struct Parser<'a> {
    members: &'a [Municipality],
    training: bool,
    q: SearchQuery,
    centre: Option<&'a Municipality>,
    radius: Option<u32>,
}

impl<'a> Parser<'a> {
    fn apply(&mut self, param: SearchParam, value: &str) -> Result<Outcome, ParamError> {
        let members = self.members;
        let member = |slug: &str| members.iter().find(|m| m.slug == slug);
        let q = &mut self.q;
        Ok(match param {
            SearchParam::Text => {
                if value.chars().count() > MAX_TEXT_CHARS {
                    return Err(ParamError::TextTooLong);
                }
                q.text = value.to_owned();
                Outcome::Keep
            }
            SearchParam::Kind => {
                let training = self.training;
                let kind = PostingKind::from_code(value);
                add(
                    &mut q.kinds,
                    kind.filter(|k| !training || TRAINING.contains(k)),
                )
            }
            SearchParam::Municipality => add(&mut q.municipalities, member(value).map(|m| m.id)),
            SearchParam::Category => add(&mut q.categories, Category::from_code(value)),
            SearchParam::Employment => add(&mut q.employments, Employment::from_code(value)),
            SearchParam::Contract => add(&mut q.contracts, Contract::from_code(value)),
            SearchParam::PayScheme => add(&mut q.pay_schemes, PayScheme::from_code(value)),
            SearchParam::Place => match member(value) {
                Some(m) => {
                    self.centre = Some(m);
                    Outcome::Keep
                }
                None => Outcome::Unknown,
            },
            SearchParam::Radius => match value.parse::<u32>().ok().filter(|r| RADII.contains(r)) {
                Some(r) => {
                    self.radius = Some(r);
                    Outcome::Keep
                }
                None => Outcome::Unknown,
            },
            SearchParam::Sort => match SORTS.iter().find(|(_, v, _)| *v == value) {
                Some((sort, _, _)) => {
                    q.sort = *sort;
                    if *sort == Sort::Relevance {
                        Outcome::Default
                    } else {
                        Outcome::Keep
                    }
                }
                None => Outcome::Unknown,
            },
            SearchParam::Page => {
                q.page = page_number(value, q.per_page)?;
                Outcome::Skip
            }
            // Read by the API before parsing (see [`per_page`]).
            SearchParam::PerPage => Outcome::Skip,
        })
    }

    fn finish(self) -> SearchQuery {
        let mut q = self.q;
        if self.training && q.kinds.is_empty() {
            q.kinds = TRAINING.to_vec();
        }
        if let Some(m) = self.centre {
            q.near = Some(GeoFilter {
                lat: m.latitude,
                lng: m.longitude,
                radius_km: self.radius.map(f64::from),
            });
        }
        if q.sort == Sort::Distance && q.near.is_none() {
            q.sort = Sort::Relevance;
        }
        q
    }
}

/// `seite`: from 1 to the last page the search engine can reach at `per_page` hits a page.
fn page_number(value: &str, per_page: u32) -> Result<u32, ParamError> {
    let max = (MAX_RESULT_WINDOW / u64::from(per_page.max(1))) as u32;
    match value.parse::<u32>() {
        Ok(p) if (1..=max).contains(&p) => Ok(p),
        _ => Err(ParamError::BadPage {
            value: value.chars().take(20).collect(),
            max,
        }),
    }
}

/// Parse the query string into a search of `per_page` hits a page; `training` limits kinds to the
/// training offers.
pub fn parse(
    raw: Option<&str>,
    members: &[Municipality],
    training: bool,
    per_page: u32,
) -> Result<(SearchQuery, Params), ParamError> {
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY_BYTES {
        return Err(ParamError::QueryTooLong);
    }
    let mut q = SearchQuery::new(Utc::now());
    q.per_page = per_page;
    let mut parser = Parser {
        members,
        training,
        q,
        centre: None,
        radius: None,
    };
    let mut params = Params::default();
    for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        let value = value.trim();
        let Some(param) = SearchParam::from_name(&key).filter(|_| !value.is_empty()) else {
            continue;
        };
        let outcome = parser.apply(param, value)?;
        // A parameter of one value (text, place, radius, order): the last one given holds, so
        // the links carry only that one.
        if matches!(outcome, Outcome::Keep | Outcome::Default) && param.single() {
            params.kept.retain(|(k, _)| *k != param);
        }
        match outcome {
            Outcome::Keep => params.kept.push((param, value.to_owned())),
            Outcome::Unknown if params.unknown.len() < MAX_UNKNOWN => {
                params.unknown.push((param, value.to_owned()));
            }
            Outcome::Skip | Outcome::Default | Outcome::Unknown => {}
        }
    }
    Ok((parser.finish(), params))
}

/// `pro_seite` of the API: [`PER_PAGE`] without it; the last one given wins.
pub fn per_page(raw: Option<&str>) -> Result<u32, ParamError> {
    let mut per_page = PER_PAGE;
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if k == SearchParam::PerPage.name() {
            per_page = v
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                .ok_or(ParamError::BadPerPage)?;
        }
    }
    Ok(per_page)
}

pub fn search_error(e: jobboard_search::SearchError) -> AppError {
    match e {
        jobboard_search::SearchError::InvalidQuery(why) => {
            // The engine's reason is for the log; people get German.
            tracing::debug!(%why, "search refused");
            AppError::BadRequest(
                "Diese Suche ist nicht möglich. Bitte ändern Sie die Angaben.".into(),
            )
        }
        other => AppError::SearchUnavailable(other.to_string()),
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_before() {
        assert_eq!(
            ParamError::BadPerPage.to_string(),
            "„pro_seite“ muss eine Zahl von 1 bis 100 sein."
        );
        let e = parse(Some("kommune=xyz&umkreis=7"), &[], false, PER_PAGE)
            .map(|(_, p)| p.unknown_error(&[], false));
        assert_eq!(
            e.ok().flatten().map(|e| e.to_string()).as_deref(),
            Some("Unbekannter Wert „xyz“ für „kommune“. Möglich sind: .")
        );
        assert_eq!(
            parse(Some("seite=0"), &[], false, 100).err(),
            Some(ParamError::BadPage {
                value: "0".into(),
                max: 100
            })
        );
    }

    #[test]
    fn every_sort_value_is_understood_and_relevance_is_not_kept() {
        for (sort, value, _) in SORTS {
            let raw = format!("sortierung={value}&ort=nirgends");
            let (q, p) = parse(Some(&raw), &[], false, PER_PAGE).expect("parses");
            let expected = if sort == Sort::Distance {
                Sort::Relevance
            } else {
                sort
            };
            assert_eq!(q.sort, expected);
            assert_eq!(p.get(SearchParam::Sort).is_some(), sort != Sort::Relevance);
        }
    }

    /// Found by the fuzzer: 500 × `q=…` was one search, but its links repeated every `q` and
    /// grew past the length a query may have, so the next page was refused.
    #[test]
    fn a_repeated_one_value_parameter_is_linked_once_with_the_last_value() {
        let raw = "q=00=a=&".repeat(500) + "q=Erzieher&sortierung=datum&sortierung=relevanz";
        let (q, p) = parse(Some(&raw), &[], false, PER_PAGE).expect("parses");
        assert_eq!(q.text, "Erzieher");
        assert_eq!(q.sort, Sort::Relevance);
        assert_eq!(p.query(), "?q=Erzieher");
        let (again, _) = parse(Some("q=Erzieher"), &[], false, PER_PAGE).expect("parses");
        assert_eq!((again.text, again.sort), (q.text, q.sort));
    }

    /// `quelle=` (the source the board puts on its own feed, alert and embed links, see
    /// `stats`) is no search parameter: the same search, the same links, the same cached page.
    #[test]
    fn the_source_parameter_changes_nothing_of_the_search() {
        let (plain, p) = parse(Some("q=Erzieher&art=job"), &[], false, PER_PAGE).expect("parses");
        let (with, w) = parse(
            Some("quelle=feed&q=Erzieher&quelle=x&art=job"),
            &[],
            false,
            PER_PAGE,
        )
        .expect("parses");
        assert_eq!((plain.text, plain.kinds), (with.text, with.kinds));
        assert_eq!(
            p.link("/stellen", &[], Some(2)),
            w.link("/stellen", &[], Some(2))
        );
        assert!(w.unknown.is_empty() && w.unknown_error(&[], false).is_none());
    }
}
