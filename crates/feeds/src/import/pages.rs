//! A JSON API source whose response is one page of several: every page is fetched and the items
//! are put together, so that the apply step, which archives what it does not see, sees the
//! whole set.
//!
//! - The first response, read at the address as configured, only tells that there are more
//!   pages. Then pages `1..=pages` are requested with `pro_seite=100`, the address's other query
//!   parameters kept and its own `seite`/`pro_seite` replaced, one after the other, each through
//!   the same [`Fetcher`]: every request has the same limits and the same check of the address.
//! - At most [`MAX_PAGES`] pages ([`PER_PAGE`] postings each): beyond, the run fails before a
//!   page is read, and nothing changes.
//! - The source may change between two requests: a new posting pushes the others back, a
//!   removed one pulls them forward, and a posting crossing a page boundary would be missed and
//!   then archived. So items are de-duplicated by guid, and the harvest fails (nothing is
//!   written, nothing archived) if a page's `total` differs from the first page's, or if fewer
//!   distinct items arrived than the first page's `total`. One case stays unseen: a posting
//!   removed from a page already read and another added to a page not yet read, between the
//!   same two requests, keep both numbers; the posting then missed is archived by this run and
//!   published again by the next.
//! - Before each page the run's lease is renewed, each request ends at the latest with the
//!   lease, and the bytes and items of all pages together are capped ([`Guard`]).
//! - Validators (ETag, Last-Modified) describe one page only; the harvester keeps none after a
//!   paged harvest, so the next run reads all pages again.

use std::collections::HashSet;

use jobboard_domain::imports::ImportFormat;
use jobboard_domain::search_params::SearchParam;

use super::fetch::{self, Fetcher};
use super::guard::{Guard, GuardError};
use super::parse::{self, ApiPage, Parsed};

/// The page size requested, the API's largest.
pub const PER_PAGE: u64 = 100;
/// The paging parameters of the board's API.
const PAGE: &str = SearchParam::Page.name();
const PER_PAGE_PARAM: &str = SearchParam::PerPage.name();
/// The most pages one run reads: 10,000 postings.
pub const MAX_PAGES: u64 = 100;

/// Why a paged harvest stopped; German, for the source's status.
#[derive(Debug, thiserror::Error)]
pub enum PagingError {
    #[error(
        "Die API hat {pages} Seiten zu je {per} Stellen; abgerufen werden höchstens {max} Seiten. Bitte die Adresse enger fassen, etwa mit „kommune=…“.",
        per = PER_PAGE,
        max = MAX_PAGES
    )]
    TooManyPages { pages: u64 },
    #[error(
        "Die Quelle hat sich während des Abrufs geändert ({0}); der nächste Abruf versucht es erneut."
    )]
    Changed(String),
    #[error(
        "Auf die Anfrage nach Seite {asked} lieferte die API Seite {got}; sie lässt sich nicht seitenweise abrufen."
    )]
    WrongPage { asked: u64, got: u64 },
    #[error("Seite {page}: {error}")]
    Page { page: u64, error: String },
    #[error("Ungültige Adresse: {0}")]
    BadUrl(String),
    #[error(transparent)]
    Run(#[from] GuardError),
}

/// The address of page `page` at [`PER_PAGE`] postings: `source` with its `seite` and
/// `pro_seite` replaced, every other query parameter kept.
pub fn page_url(source: &str, page: u64) -> Result<String, PagingError> {
    let mut url =
        url::Url::parse(source).map_err(|e| PagingError::BadUrl(format!("{source}: {e}")))?;
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != PAGE && k != PER_PAGE_PARAM)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(PER_PAGE_PARAM, &PER_PAGE.to_string())
        .append_pair(PAGE, &page.to_string());
    Ok(url.into())
}

/// Every page of the API at `source`, whose first response announced `announced`: the items of
/// all pages, each guid once, and the items that could not be read. `progress(page, pages)` is
/// called after every page.
pub async fn harvest(
    fetcher: &Fetcher,
    guard: &mut Guard<'_>,
    source: &str,
    announced: ApiPage,
    mut progress: impl FnMut(u64, u64),
) -> Result<Parsed, PagingError> {
    // Known before the first page request when the response gave its total.
    if let Some(pages) = announced.total.map(|t| t.div_ceil(PER_PAGE))
        && pages > MAX_PAGES
    {
        return Err(PagingError::TooManyPages { pages });
    }
    if let Some(total) = announced.total {
        guard.count_items(total)?;
    }
    let mut all = Parsed::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut first: Option<ApiPage> = None;
    let mut pages = 1;
    let mut n = 1;
    while n <= pages {
        guard.keep().await?;
        let parsed = fetch_page(fetcher, guard, source, n).await?;
        let Some(at) = parsed.page else {
            return Err(PagingError::Page {
                page: n,
                error: "Die Antwort nennt keine Seitenzahl.".into(),
            });
        };
        if at.page != n {
            return Err(PagingError::WrongPage {
                asked: n,
                got: at.page,
            });
        }
        match first {
            None => {
                if at.pages > MAX_PAGES {
                    return Err(PagingError::TooManyPages { pages: at.pages });
                }
                pages = at.pages;
                first = Some(at);
            }
            Some(f) if f.total != at.total => {
                return Err(PagingError::Changed(format!(
                    "Gesamtzahl auf Seite 1: {}, auf Seite {n}: {}",
                    shown(f.total),
                    shown(at.total)
                )));
            }
            Some(_) => {}
        }
        for item in parsed.items {
            if seen.insert(item.guid.clone()) {
                all.items.push(item);
            }
        }
        for failure in parsed.failures {
            if seen.insert(failure.item.clone()) {
                all.failures.push(failure);
            }
        }
        guard.count_items(seen.len() as u64)?;
        tracing::debug!(url = source, page = n, pages, "API page read");
        progress(n, pages);
        n += 1;
    }
    let distinct = seen.len() as u64;
    if let Some(total) = first.and_then(|f| f.total)
        && distinct < total
    {
        return Err(PagingError::Changed(format!(
            "{total} Stellen angekündigt, {distinct} verschiedene gelesen"
        )));
    }
    Ok(all)
}

async fn fetch_page(
    fetcher: &Fetcher,
    guard: &mut Guard<'_>,
    source: &str,
    n: u64,
) -> Result<Parsed, PagingError> {
    let page_error = |error: String| PagingError::Page { page: n, error };
    let url = page_url(source, n)?;
    let body = match guard.fetch(fetcher, &url, (None, None)).await {
        Ok(fetch::Fetched::Body(body)) => body,
        // No validators were sent, so a 304 is no answer to this request.
        Ok(fetch::Fetched::NotModified) => {
            return Err(page_error(fetch::FetchError::Status(304).to_string()));
        }
        Err(GuardError::Fetch(e)) => return Err(page_error(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    parse::parse(&body, ImportFormat::JobboardApi)
        .map(|(_, parsed)| parsed)
        .map_err(|e| page_error(e.to_string()))
}

fn shown(total: Option<u64>) -> String {
    total.map_or_else(|| "keine".into(), |t| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_address_keeps_the_filters_and_replaces_the_paging() {
        assert_eq!(
            page_url(
                "https://b.example/api/v1/postings?kommune=naunhof&seite=3&pro_seite=20&art=job",
                2
            )
            .expect("url"),
            "https://b.example/api/v1/postings?kommune=naunhof&art=job&pro_seite=100&seite=2"
        );
        assert_eq!(
            page_url("https://b.example/api/v1/postings", 1).expect("url"),
            "https://b.example/api/v1/postings?pro_seite=100&seite=1"
        );
        assert!(page_url("kein Link", 1).is_err());
    }
}
