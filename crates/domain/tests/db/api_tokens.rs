use chrono::{Duration, Utc};
use jobboard_domain::entities::{api_token, audit_entry, posting, search_outbox};
use jobboard_domain::postings::PostingStatus;
use jobboard_domain::postings::push::{self, PushOutcome, PushStatus};
use jobboard_domain::{Actor, DomainError, api_tokens, db_tests};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::fixtures::*;

async fn audit_count(db: &sea_orm::DatabaseConnection) -> u64 {
    audit_entry::Entity::find().count(db).await.unwrap()
}

db_tests! {
    async fn a_token_expires_when_asked_and_ends_with_the_officer_who_made_it(t) {
        let db = &t.db;
        let borsdorf = municipality_id(db, "borsdorf").await;
        let now = Utc::now();
        let past = api_tokens::create_expiring(db, borsdorf, "CMS", Some(now - Duration::days(1)), &Actor::user(7), now).await;
        assert!(matches!(past, Err(DomainError::Validation(_))), "{past:?}");
        let trial = api_tokens::create_expiring(db, borsdorf, "Test", Some(now + Duration::days(7)), &Actor::user(7), now).await.unwrap();
        assert!(api_tokens::authenticate(db, &trial.plaintext, now + Duration::days(6)).await.unwrap().is_some());
        assert!(api_tokens::authenticate(db, &trial.plaintext, now + Duration::days(7)).await.unwrap().is_none());

        let u = jobboard_domain::accounts::users::create_user(
            db,
            jobboard_domain::accounts::NewUser { email: "personal@borsdorf.de".into(), name: "Frau Keller".into(), role: jobboard_domain::accounts::Role::Officer, municipality_id: Some(borsdorf) },
            &Actor::system("test"),
            now,
        ).await.unwrap();
        let own = api_tokens::create(db, borsdorf, "CMS", &u.actor(), now).await.unwrap();
        let others = api_tokens::create(db, borsdorf, "Intranet", &Actor::user(u.id + 100), now).await.unwrap();
        jobboard_domain::accounts::users::set_active(db, u.id, false, &Actor::user(1), now).await.unwrap();
        assert!(api_tokens::authenticate(db, &own.plaintext, now).await.unwrap().is_none(), "revoked with the officer");
        assert!(api_tokens::authenticate(db, &others.plaintext, now).await.unwrap().is_some());
        let stored = api_token::Entity::find_by_id(own.token.id).one(db).await.unwrap().unwrap();
        assert!(stored.revoked_at.is_some());
    }
    async fn a_token_is_shown_once_stored_hashed_and_refused_after_revocation(t) {
        let db = &t.db;
        let borsdorf = municipality_id(db, "borsdorf").await;
        let now = Utc::now();
        let created = api_tokens::create(db, borsdorf, "  Website-CMS ", &Actor::user(7), now).await.unwrap();
        assert!(created.plaintext.starts_with("jbt_") && created.plaintext.len() == 68, "{}", created.plaintext);
        assert_eq!(created.token.label, "Website-CMS");
        let stored = api_token::Entity::find_by_id(created.token.id).one(db).await.unwrap().unwrap();
        assert_ne!(stored.token_hash, created.plaintext, "only the hash is stored");
        assert_eq!(stored.token_hash, api_tokens::hash(&created.plaintext));
        assert!(created.plaintext.starts_with(&stored.token_prefix));

        let found = api_tokens::authenticate(db, &created.plaintext, now).await.unwrap().unwrap();
        assert_eq!(found.id, created.token.id);
        assert!(api_tokens::authenticate(db, "jbt_0000", now).await.unwrap().is_none());
        let mut wrong = created.plaintext.clone();
        wrong.replace_range(10..11, if &wrong[10..11] == "a" { "b" } else { "a" });
        assert!(api_tokens::authenticate(db, &wrong, now).await.unwrap().is_none());

        // Another municipality cannot revoke it; its own can, once.
        let brandis = municipality_id(db, "brandis").await;
        assert!(matches!(
            api_tokens::revoke(db, created.token.id, Some(brandis), &Actor::user(8), now).await,
            Err(DomainError::NotFound)
        ));
        let revoked = api_tokens::revoke(db, created.token.id, Some(borsdorf), &Actor::user(7), now).await.unwrap();
        assert!(revoked.revoked_at.is_some());
        assert!(api_tokens::authenticate(db, &created.plaintext, now + Duration::seconds(1)).await.unwrap().is_none());
        let listed = api_tokens::list(db, Some(borsdorf)).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(api_tokens::list(db, Some(brandis)).await.unwrap().is_empty());
        let trail = audit_entry::Entity::find()
            .filter(audit_entry::Column::EntityType.eq("api_token"))
            .count(db)
            .await
            .unwrap();
        assert_eq!(trail, 2, "created and revoked are audited");
    }

    async fn a_token_needs_a_label(t) {
        let db = &t.db;
        let borsdorf = municipality_id(db, "borsdorf").await;
        let err = api_tokens::create(db, borsdorf, "   ", &Actor::user(7), Utc::now()).await.unwrap_err();
        let DomainError::Validation(v) = err else { panic!("{err:?}") };
        assert_eq!(v.0[0].field, "label");
        assert!(api_tokens::list(db, None).await.unwrap().is_empty());
    }

    async fn a_replayed_push_writes_nothing_and_delete_archives(t) {
        let db = &t.db;
        let borsdorf = municipality_id(db, "borsdorf").await;
        let now = Utc::now();
        let actor = Actor::api_token(3);
        let d = draft("EXT-1", (now + Duration::days(20)).date_naive());
        let (p, outcome) = push::put_posting(db, borsdorf, "cms-42", d.clone(), PushStatus::Published, &actor, now).await.unwrap();
        assert_eq!(outcome, PushOutcome::Created);
        assert_eq!(p.status, PostingStatus::Published);
        assert_eq!(p.external_id.as_deref(), Some("cms-42"));
        assert_eq!(p.updated_by, "token:3");
        let audits = audit_count(db).await;
        let outbox = search_outbox::Entity::find().count(db).await.unwrap();

        let (again, outcome) = push::put_posting(db, borsdorf, "cms-42", d.clone(), PushStatus::Published, &actor, now).await.unwrap();
        assert_eq!(outcome, PushOutcome::Unchanged);
        assert_eq!(again.version, p.version);
        assert_eq!(audit_count(db).await, audits, "a replay writes no audit entry");
        assert_eq!(search_outbox::Entity::find().count(db).await.unwrap(), outbox, "nor an outbox row");

        // The same external id in another municipality is another posting.
        let brandis = municipality_id(db, "brandis").await;
        let (other, outcome) = push::put_posting(db, brandis, "cms-42", d, PushStatus::Draft, &actor, now).await.unwrap();
        assert_eq!(outcome, PushOutcome::Created);
        assert_ne!(other.id, p.id);
        assert_eq!(other.status, PostingStatus::Draft);

        let (archived, outcome) = push::archive_pushed(db, borsdorf, "cms-42", &actor, now).await.unwrap();
        assert_eq!((archived.status, outcome), (PostingStatus::Archived, PushOutcome::Updated));
        let (_, outcome) = push::archive_pushed(db, borsdorf, "cms-42", &actor, now).await.unwrap();
        assert_eq!(outcome, PushOutcome::Unchanged);
        assert!(matches!(push::archive_pushed(db, borsdorf, "nope", &actor, now).await, Err(DomainError::NotFound)));
        assert_eq!(
            posting::Entity::find().filter(posting::Column::Status.eq(PostingStatus::Draft)).count(db).await.unwrap(),
            1,
            "Brandis's posting is untouched"
        );
    }

    async fn last_public_change_moves_when_a_posting_expires(t) {
        let db = &t.db;
        let borsdorf = municipality_id(db, "borsdorf").await;
        let now = Utc::now();
        let d = draft("LPC-1", (now + Duration::days(2)).date_naive());
        let (p, _) = push::put_posting(db, borsdorf, "x", d, PushStatus::Published, &Actor::api_token(1), now).await.unwrap();
        let before = jobboard_domain::postings::queries::last_public_change(db, now).await.unwrap().unwrap();
        assert!(before >= p.updated_at);
        let later = p.expires_at + Duration::hours(1);
        let after = jobboard_domain::postings::queries::last_public_change(db, later).await.unwrap().unwrap();
        assert_eq!(after, p.expires_at, "the expiry is the latest change seen from then on");
    }
}
