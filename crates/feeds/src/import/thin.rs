//! Thin items: a title and a link, but no usable description (many municipal news feeds carry
//! no more). Each is completed from its linked page, fetched with the same address checks and
//! limits as the sources, one page an item: the page's schema.org `JobPosting` when it has one,
//! else its main text. When that fails, the item is imported with a short description pointing
//! to the page rather than refused.

use jobboard_domain::imports::sources::ReadingCounts;
use jobboard_domain::imports::{HarvestedItem, ImportFormat};

use super::fetch::{Fetched, Fetcher};
use super::guard::{Guard, GuardError};
use super::parse;

/// Fewer characters than this is no usable description („Mehr lesen“, „Stellenangebot“); a
/// short sentence of the source's own is kept as the source wrote it.
pub const MIN_DESCRIPTION_CHARS: usize = 25;
/// Linked pages fetched at most in one run (the rest get the pointer).
pub const MAX_PAGES_PER_RUN: usize = 100;
/// The run's lease is renewed before every this many linked pages (and whenever half of it
/// has gone by).
const RENEW_EVERY_PAGES: usize = 5;
/// A description taken from a page is cut here (the posting's Markdown limit is 20,000).
const MAX_TEXT_CHARS: usize = 15_000;

/// How the thin items of a run were completed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    pub from_page: u64,
    pub pointer_only: u64,
}

/// An item with a link and no usable description.
pub fn is_thin(item: &HarvestedItem) -> bool {
    item.url.is_some() && item.description.trim().chars().count() < MIN_DESCRIPTION_CHARS
}

/// Complete every thin item of `items` (see the module doc). The pages are fetched through the
/// run's `guard`: within its lease, which is renewed every few pages, and out of its byte budget
/// (when that is spent, the remaining thin items get the pointer). An error only when the run
/// must stop: its lease was lost, or the database failed while renewing it.
pub async fn complete(
    fetcher: &Fetcher,
    guard: &mut Guard<'_>,
    items: &mut [HarvestedItem],
) -> Result<Completion, GuardError> {
    let mut done = Completion::default();
    let mut fetched = 0;
    let mut budget_spent = false;
    for item in items.iter_mut().filter(|i| is_thin(i)) {
        let Some(url) = item.url.clone() else {
            continue;
        };
        let page = if !budget_spent && fetched < MAX_PAGES_PER_RUN {
            if fetched % RENEW_EVERY_PAGES == 0 {
                guard.keep().await?;
            } else {
                guard.keep_when_half_gone().await?;
            }
            fetched += 1;
            match guard.fetch(fetcher, &url, (None, None)).await {
                Ok(Fetched::Body(body)) => Some(body),
                Ok(Fetched::NotModified) => None,
                Err(GuardError::Fetch(e)) => {
                    tracing::info!(%url, error = %e, "linked page of a thin item not fetched");
                    None
                }
                Err(GuardError::TooManyBytes(_)) => {
                    tracing::info!(%url, "run's byte budget spent; the remaining thin items point to their pages");
                    budget_spent = true;
                    None
                }
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        if page.is_some_and(|body| complete_from_page(item, &body)) {
            done.from_page += 1;
        } else {
            item.description = pointer(&item.description, &url);
            done.pointer_only += 1;
        }
    }
    Ok(done)
}

/// The short description of an item whose page gave nothing: what the feed had, and where the
/// whole posting is.
fn pointer(had: &str, url: &str) -> String {
    let had = had.trim();
    let lead = if had.is_empty() {
        String::new()
    } else {
        format!("{had}\n\n")
    };
    format!("{lead}Die vollständige Ausschreibung steht auf der Website der Kommune: <{url}>")
}

/// Fill `item` from its page; whether it now has a usable description.
pub fn complete_from_page(item: &mut HarvestedItem, body: &super::fetch::Body) -> bool {
    if let Ok((_, parsed)) = parse::parse(body, ImportFormat::JsonLdHtml)
        && let Some(posting) = parsed.items.into_iter().next()
    {
        merge(item, posting);
    }
    if item.description.trim().chars().count() < MIN_DESCRIPTION_CHARS {
        let text = parse::main_text(body);
        if text.chars().count() >= MIN_DESCRIPTION_CHARS {
            item.description = text.chars().take(MAX_TEXT_CHARS).collect();
        }
    }
    item.description.trim().chars().count() >= MIN_DESCRIPTION_CHARS
}

/// Take what the page's `JobPosting` says and the feed item does not.
fn merge(item: &mut HarvestedItem, page: HarvestedItem) {
    macro_rules! fill {
        ($($field:ident),*) => {$(
            if item.$field.is_none() {
                item.$field = page.$field;
            }
        )*};
    }
    if item.description.trim().chars().count() < page.description.trim().chars().count() {
        item.description = page.description;
    }
    fill!(
        tasks,
        profile,
        benefits,
        reference_number,
        kind,
        category,
        employment,
        weekly_hours,
        contract,
        pay,
        department,
        start_date,
        deadline,
        location_place,
        location_postcode,
        coordinates,
        contact_name,
        contact_phone,
        contact_email,
        apply_url,
        apply_email
    );
    if item.labels.is_empty() {
        item.labels = page.labels;
    }
}

/// Before saving a harvest: thin items completed from their pages (through the run's `guard`,
/// see [`complete`]), then every item's text read for what its feed has no field for (see
/// `reading`); the counts for the source's status.
pub async fn prepare(
    fetcher: &Fetcher,
    guard: &mut Guard<'_>,
    items: &mut [HarvestedItem],
    today: chrono::NaiveDate,
) -> Result<ReadingCounts, GuardError> {
    let completion = complete(fetcher, guard, items).await?;
    let defaulted = super::reading::read_items(items, today);
    Ok(ReadingCounts {
        defaulted_deadlines: defaulted,
        completed_from_page: completion.from_page,
        pointer_only: completion.pointer_only,
    })
}
