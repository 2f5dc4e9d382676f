//! Round trip: the published postings of one instance, served in this board's API shape and
//! imported by a second instance, come back field for field; a second import changes nothing.
//!
//! The outgoing API and feeds are built in a parallel branch. Until they are merged, instance
//! A's document is rendered here from its postings (`PostingDraft` serialised, plus id, slug and
//! detail URL — the shape the importer's API adapter reads). After the merge, serve A through
//! `jobboard_web` and point the sources at its `/api/v1/postings`, RSS, Atom and JSON Feed URLs.

use axum::Router;
use axum::routing::get;
use chrono::{Days, Utc};
use jobboard_domain::db_tests;
use jobboard_domain::entities::{audit_entry, posting};
use jobboard_domain::imports::ImportFormat;
use jobboard_domain::imports::sources::{self, NewSource};
use jobboard_domain::postings::publishing::{self, Request};
use jobboard_domain::postings::{PostingDraft, PostingKind, PostingStatus, mutations};
use jobboard_domain::testing::{TestDb, sample_draft};
use jobboard_domain::{Actor, municipalities};
use jobboard_feeds::import::{AddressPolicy, HarvestOptions, RunResult, run_source};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, prelude::*};
use serde_json::json;

use super::fetcher;

/// Instance A: three published postings of Naunhof.
async fn instance_a() -> TestDb {
    let a = TestDb::sqlite().await;
    let naunhof = municipalities::find_by_slug(&a.db, "naunhof")
        .await
        .unwrap()
        .unwrap();
    let deadline = Utc::now().date_naive() + Days::new(40);
    let mut drafts = vec![sample_draft("NAU-2026-01", deadline)];
    let mut apprenticeship = sample_draft("NAU-2026-02", deadline);
    apprenticeship.kind = PostingKind::Apprenticeship;
    apprenticeship.title = "Ausbildung Verwaltungsfachangestellte (m/w/d)".into();
    apprenticeship.pay_scheme = jobboard_domain::postings::PayScheme::Tvaoed;
    apprenticeship.pay_grade_from = None;
    apprenticeship.pay_grade_to = None;
    drafts.push(apprenticeship);
    let mut part_time = sample_draft("NAU-2026-03", deadline);
    part_time.employment = jobboard_domain::postings::Employment::PartTime;
    part_time.weekly_hours = Some(20.0);
    part_time.apply_url = None;
    part_time.apply_email = Some("bewerbung@naunhof.de".into());
    drafts.push(part_time);
    let actor = Actor::user(1);
    for d in drafts {
        let p = mutations::create_posting(&a.db, naunhof.id, d, &actor, Utc::now())
            .await
            .unwrap();
        publishing::transition(&a.db, p.id, p.version, Request::Publish, &actor, Utc::now())
            .await
            .unwrap();
    }
    a
}

/// A's published postings in the API shape.
async fn api_document(db: &DatabaseConnection, base: &str) -> String {
    let mut items = Vec::new();
    for p in published(db).await {
        let mut v = serde_json::to_value(PostingDraft::from_model(&p, Vec::new())).unwrap();
        let obj = v.as_object_mut().unwrap();
        obj.remove("partners");
        obj.insert("id".into(), json!(p.id));
        obj.insert("slug".into(), json!(p.slug));
        obj.insert("url".into(), json!(format!("{base}/stellen/{}", p.slug)));
        items.push(v);
    }
    json!({ "items": items, "total": items.len() }).to_string()
}

async fn published(db: &DatabaseConnection) -> Vec<posting::Model> {
    posting::Entity::find()
        .filter(posting::Column::Status.eq(PostingStatus::Published))
        .all(db)
        .await
        .unwrap()
}

fn comparable(p: &posting::Model) -> PostingDraft {
    PostingDraft::from_model(p, Vec::new())
}

db_tests! {
    async fn postings_of_one_instance_come_back_field_for_field_in_another(t) {
        let a = instance_a().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let document = api_document(&a.db, &base).await;
        let app = Router::new().route("/api/v1/postings", get(move || async move {
            ([("content-type", "application/json")], document)
        }));
        tokio::spawn(async move { let _ = axum::serve(listener, app).await; });

        let b = &t.db;
        let naunhof = municipalities::find_by_slug(b, "naunhof").await.unwrap().unwrap();
        let source = sources::add(b, NewSource {
            municipality_id: naunhof.id,
            url: format!("{base}/api/v1/postings"),
            format: ImportFormat::Auto,
        }, Utc::now()).await.unwrap();
        let f = fetcher(AddressPolicy::loopback());
        let first = run_source(b, &f, source.id, HarvestOptions::default(), |_, _| {}).await.unwrap();
        assert!(matches!(first, RunResult::Imported { format: ImportFormat::JobboardApi, ref report } if report.new == 3 && report.failed.is_empty()), "{first:?}");

        for original in published(&a.db).await {
            let copy = posting::Entity::find()
                .filter(posting::Column::ReferenceNumber.eq(original.reference_number.as_str()))
                .one(b).await.unwrap().unwrap();
            assert_eq!(comparable(&copy), comparable(&original), "{}", original.reference_number);
            assert_eq!(copy.status, original.status);
            assert_eq!(copy.external_guid, Some(original.id.to_string()));
        }

        let audit = audit_entry::Entity::find().count(b).await.unwrap();
        let second = run_source(b, &f, source.id, HarvestOptions::default(), |_, _| {}).await.unwrap();
        assert!(matches!(second, RunResult::Imported { ref report, .. } if report.unchanged == 3), "{second:?}");
        assert_eq!(audit_entry::Entity::find().count(b).await.unwrap(), audit, "a second import changes nothing");
    }
}
