//! Round trip (issue 6): the RSS, Atom, JSON Feed and API of one running board, imported by a
//! second board, reproduce the first one's published postings field for field; a second import
//! writes nothing.
//!
//! Instance A is the real server. Instance B is a second database on which the harvester runs
//! (its server adds nothing to an import). The importer gives every posting to its source's
//! municipality, so B's sources read A's postings of one municipality: `?kommune=naunhof`. That
//! filter also lists offers Naunhof is only a partner of; A has none, and a Borsdorf posting
//! shows that the filter keeps others out. Each format is imported into a fresh B, as the four
//! sources would otherwise compete for the same reference numbers.
//!
//! A region with more than 100 postings spans several API pages: B reads them all and imports
//! them as one harvest.

use chrono::{Days, Utc};
use jobboard_domain::entities::{audit_entry, import_source, posting, search_outbox};
use jobboard_domain::imports::ImportFormat;
use jobboard_domain::imports::sources::{self, NewSource};
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{
    Category, Contract, Employment, PartnerDraft, PayScheme, PostingDraft, PostingKind,
    PostingStatus, mutations,
};
use jobboard_domain::testing::TestDb;
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::{TestApp, draft, spawn_app};
use jobboard_feeds::import::{
    AddressPolicy, FetchOptions, Fetcher, HarvestOptions, Progress, RunResult, run_source,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};

/// An import source of Naunhof in `db` (board B) reading `url` (board A), format recognised.
async fn naunhof_source(db: &DatabaseConnection, url: String) -> sources::ImportSource {
    let municipality_id = member(db, "naunhof").await;
    sources::add(
        db,
        NewSource {
            municipality_id,
            url,
            format: ImportFormat::Auto,
        },
        Utc::now(),
    )
    .await
    .unwrap()
}

async fn member(db: &DatabaseConnection, slug: &str) -> i64 {
    municipalities::find_by_slug(db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn publish(app: &TestApp, d: PostingDraft, owner: &str) -> i64 {
    let owner = member(&app.db, owner).await;
    let p = mutations::create_posting(&app.db, owner, d, &Actor::user(1), Utc::now())
        .await
        .unwrap();
    // A moment ago: the indexer takes its clock before it claims outbox rows.
    let at = Utc::now() - chrono::Duration::seconds(2);
    transition(
        &app.db,
        p.id,
        p.version,
        Request::Publish,
        &Actor::user(1),
        at,
    )
    .await
    .unwrap();
    p.id
}

/// Naunhof's varied postings on A, plus one of Borsdorf the filter must leave out.
async fn publish_postings(app: &TestApp) {
    let today = Utc::now().date_naive();
    let mut job = draft(
        "NAU-J-1",
        "Sachbearbeiter Bauamt & Ordnung <Vollzeit>",
        PostingKind::Job,
    );
    job.category = Category::Verwaltung;
    job.contract = Contract::Permanent;
    job.contract_end_date = None;
    job.pay_scheme = PayScheme::TvoedVkaEg;
    job.pay_grade_from = Some("9a".into());
    job.pay_grade_to = Some("9c".into());
    job.pay_monthly_min_eur = None;
    job.pay_monthly_max_eur = None;
    job.location_place = "Naunhof".into();
    job.location_postcode = "04683".into();
    job.latitude = Some(51.2775);
    job.longitude = Some(12.5883);
    job.start_date = Some(today + Days::new(60));
    job.description = "Wir suchen **Sie** für das Bauamt.\n\n> Zitat & \"Anführung\" < 3".into();
    job.tasks = "- Bauanträge prüfen\n- Stellungnahmen schreiben".into();
    job.profile = "1. Studium\n2. Erfahrung".into();
    job.apply_email = None;
    job.apply_url = Some("https://www.naunhof.de/bewerbung?stelle=NAU-J-1&x=1".into());
    job.contact_email = Some("bauamt@naunhof.de".into());
    publish(app, job, "naunhof").await;

    let mut apprenticeship = draft(
        "NAU-A-2",
        "Ausbildung Verwaltungsfachangestellte (m/w/d) im Verbund",
        PostingKind::Apprenticeship,
    );
    apprenticeship.location_place = "Naunhof".into();
    apprenticeship.location_postcode = "04683".into();
    let brandis = member(&app.db, "brandis").await;
    apprenticeship.partners = vec![PartnerDraft {
        municipality_id: brandis,
        note: None,
    }];
    let id = publish(app, apprenticeship, "naunhof").await;
    mutations::set_partner_confirmation(&app.db, id, brandis, true, &Actor::user(2), Utc::now())
        .await
        .unwrap();

    let mut part_time = draft(
        "NAU-T-3",
        "Erzieherin Kita Sonnenschein (Teilzeit)",
        PostingKind::Job,
    );
    part_time.category = Category::KitaErziehung;
    part_time.employment = Employment::PartTime;
    part_time.weekly_hours = Some(25.5);
    part_time.contract = Contract::FixedTerm;
    part_time.contract_end_date = Some(today + Days::new(400));
    part_time.pay_scheme = PayScheme::Other;
    part_time.pay_monthly_min_eur = Some(2100);
    part_time.pay_monthly_max_eur = Some(2400);
    part_time.location_place = "Naunhof OT Erdmannshain".into();
    part_time.location_postcode = "04683".into();
    part_time.department = None;
    part_time.contact_name = None;
    part_time.contact_phone = None;
    part_time.benefits = String::new();
    part_time.apply_email = Some("kita@naunhof.de".into());
    publish(app, part_time, "naunhof").await;

    publish(
        app,
        draft("BOR-1", "Hausmeister Borsdorf", PostingKind::Job),
        "borsdorf",
    )
    .await;

    for needle in [
        "Sachbearbeiter Bauamt",
        "Ausbildung Verwaltungsfachangestellte",
        "Erzieherin Kita",
        "Hausmeister Borsdorf",
    ] {
        app.wait_for("/stellen/feed.json", needle).await;
    }
}

/// A's published postings of Naunhof, by reference number, as drafts without partners (the
/// importer does not take partners over: B's partners would have to confirm again).
async fn published_drafts(
    db: &DatabaseConnection,
    municipality: i64,
) -> Vec<(String, PostingDraft)> {
    posting::Entity::find()
        .filter(posting::Column::MunicipalityId.eq(municipality))
        .filter(posting::Column::Status.eq(PostingStatus::Published))
        .order_by_asc(posting::Column::ReferenceNumber)
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|p| {
            (
                p.reference_number.clone(),
                PostingDraft::from_model(p, Vec::new()).normalized(),
            )
        })
        .collect()
}

/// Everything a second import could write: postings (with versions), audit entries, outbox rows.
async fn footprint(db: &DatabaseConnection) -> (Vec<(i64, i32, String)>, u64, u64) {
    let postings = posting::Entity::find()
        .order_by_asc(posting::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.version, p.updated_at.to_rfc3339()))
        .collect();
    let audit = audit_entry::Entity::find().count(db).await.unwrap();
    let outbox = search_outbox::Entity::find().count(db).await.unwrap();
    (postings, audit, outbox)
}

fn loopback_fetcher() -> Fetcher {
    Fetcher::new(FetchOptions {
        policy: AddressPolicy::loopback(),
        ..FetchOptions::default()
    })
    .unwrap()
}

/// Harvest the source again: every item is reported unchanged and nothing is written.
async fn second_import_writes_nothing(
    db: &DatabaseConnection,
    fetcher: &Fetcher,
    source_id: i64,
    unchanged: u64,
    what: &str,
) {
    let before = footprint(db).await;
    let second = run_source(db, fetcher, source_id, HarvestOptions::default(), |_| {})
        .await
        .unwrap();
    assert!(
        matches!(&second, RunResult::Imported { report, .. } if report.unchanged == unchanged && report.new + report.updated + report.archived == 0),
        "{what}: {second:?}"
    );
    assert_eq!(
        footprint(db).await,
        before,
        "{what}: a second import writes nothing"
    );
}

async fn round_trip(new_db: impl AsyncFn() -> Option<TestDb>) {
    let Some(a_db) = new_db().await else {
        eprintln!("PostgreSQL tests switched off");
        return;
    };
    let app = spawn_app(a_db).await;
    publish_postings(&app).await;
    let naunhof_a = member(&app.db, "naunhof").await;
    let expected = published_drafts(&app.db, naunhof_a).await;
    assert_eq!(expected.len(), 3);
    let fetcher = loopback_fetcher();

    for (path, format) in [
        ("/stellen/feed.rss?kommune=naunhof", ImportFormat::Rss),
        ("/stellen/feed.atom?kommune=naunhof", ImportFormat::Atom),
        ("/stellen/feed.json?kommune=naunhof", ImportFormat::JsonFeed),
        (
            "/api/v1/postings?kommune=naunhof&pro_seite=100",
            ImportFormat::JobboardApi,
        ),
    ] {
        let b = new_db().await.unwrap();
        let naunhof_b = member(&b.db, "naunhof").await;
        let source = naunhof_source(&b.db, format!("{}{path}", app.address)).await;
        let first = run_source(
            &b.db,
            &fetcher,
            source.id,
            HarvestOptions::default(),
            |_| {},
        )
        .await
        .unwrap();
        match &first {
            RunResult::Imported { format: f, report } => {
                assert_eq!(*f, format, "{path}");
                assert_eq!(
                    (report.new, report.failed.len()),
                    (3, 0),
                    "{path}: {report:?}"
                );
            }
            other => panic!("{path}: {other:?}"),
        }
        assert_eq!(published_drafts(&b.db, naunhof_b).await, expected, "{path}");

        // Unconditional, so the body is read again rather than answered with 304.
        import_source::Entity::update_many()
            .col_expr(
                import_source::Column::Etag,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                import_source::Column::LastModified,
                Expr::value(Option::<String>::None),
            )
            .filter(import_source::Column::Id.eq(source.id))
            .exec(&b.db)
            .await
            .unwrap();
        second_import_writes_nothing(&b.db, &fetcher, source.id, 3, path).await;
    }
}

/// 130 Naunhof postings on A: at the address's 20 per page seven pages, read by B as two pages
/// of 100.
async fn paged_api(new_db: impl AsyncFn() -> Option<TestDb>) {
    let Some(a_db) = new_db().await else {
        eprintln!("PostgreSQL tests switched off");
        return;
    };
    let app = spawn_app(a_db).await;
    let count = 130;
    for i in 0..count {
        let mut d = draft(
            &format!("NAU-{i:03}"),
            &format!("Sachbearbeiter Nr. {i} (m/w/d)"),
            PostingKind::Job,
        );
        d.location_place = "Naunhof".into();
        d.location_postcode = "04683".into();
        publish(&app, d, "naunhof").await;
    }
    app.wait_for(
        "/api/v1/postings?kommune=naunhof&pro_seite=1",
        &format!("\"total\":{count},"),
    )
    .await;
    let naunhof_a = member(&app.db, "naunhof").await;
    let expected = published_drafts(&app.db, naunhof_a).await;
    assert_eq!(expected.len(), count);
    let fetcher = loopback_fetcher();

    let b = new_db().await.unwrap();
    let naunhof_b = member(&b.db, "naunhof").await;
    let source = naunhof_source(
        &b.db,
        format!("{}/api/v1/postings?kommune=naunhof", app.address),
    )
    .await;
    let mut progress = Vec::new();
    let first = run_source(&b.db, &fetcher, source.id, HarvestOptions::default(), |p| {
        progress.push(p)
    })
    .await
    .unwrap();
    assert!(
        matches!(&first, RunResult::Imported { format: ImportFormat::JobboardApi, report } if report.new == count as u64 && report.failed.is_empty()),
        "{first:?}"
    );
    assert_eq!(
        progress[..2],
        [1, 2].map(|page| Progress::Fetching { page, pages: 2 })
    );
    assert_eq!(published_drafts(&b.db, naunhof_b).await, expected);

    second_import_writes_nothing(&b.db, &fetcher, source.id, count as u64, "API").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_a_hundred_postings_are_imported_through_every_api_page_on_sqlite() {
    paged_api(async || Some(TestDb::sqlite().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_a_hundred_postings_are_imported_through_every_api_page_on_postgres() {
    paged_api(TestDb::postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_outgoing_format_imported_by_a_second_board_reproduces_the_postings_on_sqlite() {
    round_trip(async || Some(TestDb::sqlite().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_outgoing_format_imported_by_a_second_board_reproduces_the_postings_on_postgres() {
    round_trip(TestDb::postgres).await;
}
