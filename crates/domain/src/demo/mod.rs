//! Realistic demo postings for the seven Partheland municipalities: what a new installation
//! shows on first start and what benchmarks load. The same seed always yields the same postings
//! (titles, reference numbers, texts, partners); dates are relative to the day of seeding so the
//! demo never starts out expired.

//!
//! Only demo seeding and benchmarks use this module; the board itself never reads from it.

mod jobs;
mod make;
mod template;
mod texts;
mod training;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};

use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::municipalities::{self, Municipality};
use crate::postings::publishing::{self, Request};
use crate::postings::{PostingDraft, mutations};

/// How the demo set is made.
#[derive(Clone, Copy, Debug)]
pub struct DemoOptions {
    pub count: u64,
    pub seed: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub created: u64,
    pub published: u64,
}

/// What happens to a demo posting after it is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    Draft,
    Publish,
    Schedule { in_days: u32 },
    Archive,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DemoPosting {
    pub owner_id: i64,
    pub draft: PostingDraft,
    pub plan: Plan,
}

const BATCH: u64 = 250;

/// Create `opts.count` demo postings through the ordinary domain functions (validation, audit
/// and outbox included), partners confirmed, in transactions of 250; `progress(done)` after each.
pub async fn seed<C>(
    db: &C,
    opts: DemoOptions,
    now: DateTime<Utc>,
    progress: impl Fn(u64),
) -> DomainResult<DemoReport>
where
    C: ConnectionTrait + TransactionTrait,
{
    let members = municipalities::list(db).await?;
    if members.is_empty() {
        return Err(DomainError::NotFound);
    }
    let actor = Actor::system("seed");
    let mut report = DemoReport::default();
    let mut postings =
        generate(opts.seed, opts.count, &members, crate::berlin::today(now)).peekable();
    while postings.peek().is_some() {
        let txn = crate::db::begin_write(db).await?;
        for demo in postings.by_ref().take(BATCH as usize) {
            let partners: Vec<i64> = demo
                .draft
                .partners
                .iter()
                .map(|p| p.municipality_id)
                .collect();
            let p = mutations::create_posting(&txn, demo.owner_id, demo.draft, &actor, now).await?;
            for partner in partners {
                mutations::set_partner_confirmation(&txn, p.id, partner, true, &actor, now).await?;
            }
            match demo.plan {
                Plan::Draft => {}
                Plan::Publish => {
                    publishing::transition(&txn, p.id, p.version, Request::Publish, &actor, now)
                        .await?;
                    report.published += 1;
                }
                Plan::Schedule { in_days } => {
                    let at = now + chrono::Duration::days(i64::from(in_days));
                    publishing::transition(
                        &txn,
                        p.id,
                        p.version,
                        Request::Schedule(at),
                        &actor,
                        now,
                    )
                    .await?;
                }
                Plan::Archive => {
                    let p = publishing::transition(
                        &txn,
                        p.id,
                        p.version,
                        Request::Publish,
                        &actor,
                        now,
                    )
                    .await?;
                    publishing::transition(&txn, p.id, p.version, Request::Archive, &actor, now)
                        .await?;
                }
            }
            report.created += 1;
        }
        txn.commit().await?;
        progress(report.created);
    }
    Ok(report)
}

/// The demo postings for a seed, without touching a database.
pub fn generate<'a>(
    seed: u64,
    count: u64,
    municipalities: &'a [Municipality],
    today: NaiveDate,
) -> impl Iterator<Item = DemoPosting> + 'a {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count).map(move |i| make::make(&mut rng, i, municipalities, today))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::postings::types::{Category, PostingKind};
    use crate::postings::validation::{ValidationContext, validate};

    fn members() -> Vec<Municipality> {
        let now = Utc::now();
        [
            ("belgershain", "Belgershain", "04683"),
            ("borsdorf", "Borsdorf", "04451"),
            ("brandis", "Brandis", "04821"),
            ("grosspoesna", "Großpösna", "04463"),
            ("machern", "Machern", "04827"),
            ("naunhof", "Naunhof", "04683"),
            ("parthenstein", "Parthenstein", "04668"),
        ]
        .iter()
        .enumerate()
        .map(|(i, (slug, name, postcode))| Municipality {
            id: i as i64 + 1,
            slug: (*slug).into(),
            name: (*name).into(),
            website: format!("https://www.{slug}.de"),
            contact_email: format!("info@{slug}.de"),
            latitude: 51.3,
            longitude: 12.6,
            postcode: (*postcode).into(),
            place: (*name).into(),
            logo_url: None,
            employer_profile: None,
            created_at: now,
            updated_at: now,
        })
        .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).expect("date")
    }

    #[test]
    fn every_generated_draft_passes_validation() {
        let members = members();
        for seed in [1, 2, 99] {
            for demo in generate(seed, 700, &members, today()) {
                let ctx = ValidationContext {
                    owner_municipality_id: demo.owner_id,
                    publication_day: Some(today()),
                };
                let draft = demo.draft.clone().normalized();
                assert_eq!(validate(&draft, ctx), Ok(()), "{:#?}", demo.draft);
                assert!(
                    draft
                        .partners
                        .iter()
                        .all(|p| p.municipality_id != demo.owner_id)
                );
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_postings_and_another_seed_others() {
        let members = members();
        let a: Vec<_> = generate(5, 200, &members, today()).collect();
        assert_eq!(a, generate(5, 200, &members, today()).collect::<Vec<_>>());
        assert_ne!(a, generate(6, 200, &members, today()).collect::<Vec<_>>());
    }

    #[test]
    fn every_kind_category_and_municipality_occurs_and_references_are_unique() {
        let members = members();
        let all: Vec<_> = generate(1, 1000, &members, today()).collect();
        let kinds: HashSet<_> = all.iter().map(|d| d.draft.kind).collect();
        let categories: HashSet<_> = all.iter().map(|d| d.draft.category).collect();
        let owners: HashSet<_> = all.iter().map(|d| d.owner_id).collect();
        let references: HashSet<_> = all
            .iter()
            .map(|d| (d.owner_id, d.draft.reference_number.clone()))
            .collect();
        assert_eq!(kinds.len(), PostingKind::ALL.len());
        assert_eq!(categories.len(), Category::ALL.len());
        assert_eq!(owners.len(), members.len());
        assert_eq!(references.len(), all.len());
        assert!(all.iter().any(|d| d.draft.title.contains("im Verbund mit")));
        let published = all.iter().filter(|d| d.plan == Plan::Publish).count();
        assert!((780..=920).contains(&published), "{published}");
    }
}
