//! `jobboard bench feeds`: rendering time of the outgoing feeds for generated postings, in
//! memory (no database, no search): Markdown to HTML, the extension elements and the XML/JSON.

use std::time::{Duration, Instant};

use chrono::Utc;
use jobboard_domain::entities::{municipality, posting};
use jobboard_domain::postings::PostingStatus;
use jobboard_domain::{berlin, demo};
use jobboard_feeds::export::{self, FeedEntry, FeedMeta, Format};

use crate::commands::say;

pub fn feeds(items: u64, rounds: usize) -> anyhow::Result<()> {
    let now = Utc::now();
    let members: Vec<municipality::Model> = [
        "Belgershain",
        "Borsdorf",
        "Brandis",
        "Großpösna",
        "Machern",
        "Naunhof",
        "Parthenstein",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| municipality::Model {
        id: i as i64 + 1,
        slug: jobboard_domain::text::slugify(name, 60),
        name: (*name).into(),
        website: format!("https://www.{}.de", name.to_lowercase()),
        contact_email: "personal@example.org".into(),
        latitude: 51.3,
        longitude: 12.6,
        postcode: "04451".into(),
        place: (*name).into(),
        logo_url: None,
        employer_profile: None,
        created_at: now,
        updated_at: now,
    })
    .collect();
    let postings: Vec<posting::Model> = demo::generate(1, items, &members, berlin::today(now))
        .enumerate()
        .map(|(i, d)| model(i as i64 + 1, d, now))
        .collect();
    let entries: Vec<FeedEntry<'_>> = postings
        .iter()
        .filter_map(|p| {
            Some(FeedEntry {
                posting: p,
                municipality: members.iter().find(|m| m.id == p.municipality_id)?,
                partners: vec![],
                url: format!("https://stellen.example.org/stellen/{}", p.slug),
            })
        })
        .collect();
    let meta = FeedMeta {
        title: "Stellenangebote – Partheland Stellenbörse".into(),
        description: "Benchmark".into(),
        page_url: "https://stellen.example.org/stellen".into(),
        self_url: "https://stellen.example.org/stellen/feed.rss".into(),
        updated: now,
    };
    say(format_args!(
        "feed rendering, {} items, median of {rounds} rounds (target RSS ≤ 20 ms); \
         RSS \"first\" is the very first round, before any Markdown body is cached:",
        entries.len()
    ));
    for format in Format::ALL {
        let mut times: Vec<Duration> = Vec::with_capacity(rounds);
        let mut size = 0;
        for _ in 0..rounds.max(1) {
            let started = Instant::now();
            let body = export::render(format, &meta, &entries)?;
            times.push(started.elapsed());
            size = body.len();
        }
        let first = times[0];
        times.sort();
        let median = times[times.len() / 2];
        say(format_args!(
            "  {:<10} {:>8.1} ms  (min {:.1} ms, first {:.1} ms, {} KiB)",
            format.label(),
            median.as_secs_f64() * 1000.0,
            times[0].as_secs_f64() * 1000.0,
            first.as_secs_f64() * 1000.0,
            size / 1024
        ));
    }
    Ok(())
}

fn model(id: i64, d: demo::DemoPosting, now: chrono::DateTime<Utc>) -> posting::Model {
    let p = d.draft;
    posting::Model {
        id,
        municipality_id: d.owner_id,
        kind: p.kind,
        reference_number: p.reference_number.clone(),
        slug: format!("{}-{id}", jobboard_domain::text::slugify(&p.title, 120)),
        title: p.title,
        department: p.department,
        category: p.category,
        employment: p.employment,
        weekly_hours: p.weekly_hours,
        contract: p.contract,
        contract_end_date: p.contract_end_date,
        pay_scheme: p.pay_scheme,
        pay_grade_from: p.pay_grade_from,
        pay_grade_to: p.pay_grade_to,
        pay_monthly_min_eur: p.pay_monthly_min_eur,
        pay_monthly_max_eur: p.pay_monthly_max_eur,
        location_place: p.location_place,
        location_postcode: p.location_postcode,
        latitude: p.latitude,
        longitude: p.longitude,
        start_date: p.start_date,
        application_deadline: p.application_deadline,
        description: p.description,
        tasks: p.tasks,
        profile: p.profile,
        benefits: p.benefits,
        contact_name: p.contact_name,
        contact_phone: p.contact_phone,
        contact_email: p.contact_email,
        apply_url: p.apply_url,
        apply_email: p.apply_email,
        status: PostingStatus::Published,
        published_at: Some(now),
        expires_at: berlin::end_of_day(p.application_deadline),
        filled_on: None,
        version: 2,
        source_id: None,
        external_guid: None,
        external_id: None,
        internal: false,
        public_from: None,
        created_by: "system:bench".into(),
        updated_by: "system:bench".into(),
        created_at: now,
        updated_at: now,
    }
}
