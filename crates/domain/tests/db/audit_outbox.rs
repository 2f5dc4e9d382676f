use jobboard_domain::audit::AuditEntity;
use jobboard_domain::entities::{audit_entry, search_outbox};
use jobboard_domain::postings::{
    PostingStatus, mutations, publishing, publishing::Request, queries,
};
use jobboard_domain::{Actor, DomainError, audit};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter};

use crate::fixtures::*;
use jobboard_domain::db_tests;
use jobboard_domain::testing::TestDb;

async fn outbox_rows(db: &sea_orm::DatabaseConnection, posting_id: i64) -> u64 {
    search_outbox::Entity::find()
        .filter(search_outbox::Column::PostingId.eq(posting_id))
        .count(db)
        .await
        .unwrap()
}

/// Make every insert into `table` fail, as a full disk or a lost connection would.
async fn break_inserts_into(t: &TestDb, table: &str) {
    let db = &t.db;
    match t.backend() {
        DbBackend::Sqlite => {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, '{table} unavailable'); END"
            ))
            .await
            .unwrap();
        }
        _ => {
            db.execute_unprepared(&format!(
                "CREATE FUNCTION fail_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{table} unavailable'; END $$"
            ))
            .await
            .unwrap();
            db.execute_unprepared(&format!(
                "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fail_{table}()"
            ))
            .await
            .unwrap();
        }
    }
}

db_tests! {
    async fn every_change_writes_one_audit_entry_and_one_outbox_row(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("O-1", day(2026, 12, 15)), &Actor::user(3), now).await.unwrap();
        let mut d = draft("O-1", day(2026, 12, 15));
        d.title = "Sachbearbeiterin Bürgerbüro (m/w/d)".into();
        d.weekly_hours = Some(30.0);
        mutations::update_posting(db, p.id, 1, d, &Actor::user(3), now).await.unwrap();
        publishing::transition(db, p.id, 2, Request::Publish, &Actor::user(4), now).await.unwrap();
        publishing::transition(db, p.id, 3, Request::Archive, &Actor::user(4), now).await.unwrap();

        let trail = audit::history(db, AuditEntity::Posting, p.id).await.unwrap();
        let actions: Vec<_> = trail.iter().map(|a| a.action.code()).collect();
        assert_eq!(actions, ["created", "updated", "published", "archived"]);
        assert_eq!(trail[0].actor, "user:3");
        assert_eq!(trail[2].actor, "user:4");
        assert!(trail.iter().all(|a| a.municipality_id == Some(naunhof)));
        assert_eq!(trail[0].changes["title"]["to"], "Sachbearbeiter Bürgerbüro (m/w/d)");

        let edit = trail[1].changes.as_object().unwrap();
        let mut fields: Vec<_> = edit.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["title", "weekly_hours"]);
        assert_eq!(edit["title"]["from"], "Sachbearbeiter Bürgerbüro (m/w/d)");
        assert_eq!(edit["title"]["to"], "Sachbearbeiterin Bürgerbüro (m/w/d)");
        assert_eq!(edit["weekly_hours"]["from"], 39.0);
        assert_eq!(edit["weekly_hours"]["to"], 30.0);
        assert_eq!(trail[2].changes["status"]["from"], "draft");
        assert_eq!(trail[2].changes["status"]["to"], "published");

        assert_eq!(outbox_rows(db, p.id).await, 4);
    }

    async fn a_failing_outbox_write_rolls_back_the_change_and_its_audit_entry(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("O-2", day(2026, 12, 15)), &Actor::user(3), now).await.unwrap();
        break_inserts_into(t, "search_outbox").await;

        let mut d = draft("O-2", day(2026, 12, 15));
        d.title = "Neuer Titel (m/w/d)".into();
        let err = mutations::update_posting(db, p.id, 1, d, &Actor::user(3), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Db(_)), "{err:?}");
        let err = publishing::transition(db, p.id, 1, Request::Publish, &Actor::user(3), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Db(_)), "{err:?}");
        let err = mutations::create_posting(db, naunhof, draft("O-3", day(2026, 12, 15)), &Actor::user(3), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Db(_)), "{err:?}");

        let stored = queries::find_by_id(db, p.id).await.unwrap().unwrap();
        assert_eq!(stored, p, "the posting is exactly as before");
        assert_eq!(stored.status, PostingStatus::Draft);
        assert_eq!(queries::count_all(db).await.unwrap(), 1, "no posting O-3");
        assert_eq!(audit_entry::Entity::find().count(db).await.unwrap(), 1, "only the creation of O-2");
        assert_eq!(outbox_rows(db, p.id).await, 1);
    }

    async fn a_failing_audit_write_rolls_back_the_change_and_its_outbox_row(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("O-4", day(2026, 12, 15)), &Actor::user(3), now).await.unwrap();
        break_inserts_into(t, "audit_entries").await;

        let err = publishing::transition(db, p.id, 1, Request::Publish, &Actor::user(3), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Db(_)), "{err:?}");
        let err = mutations::duplicate_posting(db, p.id, &Actor::user(3), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Db(_)), "{err:?}");

        assert_eq!(queries::find_by_id(db, p.id).await.unwrap().unwrap(), p);
        assert_eq!(queries::count_all(db).await.unwrap(), 1);
        assert_eq!(search_outbox::Entity::find().count(db).await.unwrap(), 1);
    }

    async fn a_refused_transition_writes_nothing(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("O-5", day(2026, 12, 15)), &Actor::user(3), now).await.unwrap();
        let err = publishing::transition(db, p.id, 1, Request::Republish, &Actor::user(3), now).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "„Erneut veröffentlichen“ ist bei einer Anzeige im Status „Entwurf“ nicht möglich."
        );
        assert_eq!(queries::find_by_id(db, p.id).await.unwrap().unwrap(), p);
        assert_eq!(audit::history(db, AuditEntity::Posting, p.id).await.unwrap().len(), 1);
        assert_eq!(outbox_rows(db, p.id).await, 1);
    }
}
