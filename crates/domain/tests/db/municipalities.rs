//! Creating municipalities and editing their employer profile.

use jobboard_domain::entities::search_outbox;
use jobboard_domain::municipalities::{self, NewMunicipality};
use jobboard_domain::postings::mutations;
use jobboard_domain::{Actor, DomainError, db_tests};
use sea_orm::{EntityTrait, PaginatorTrait};

use super::fixtures::{at, day, draft, municipality_id};

db_tests! {
    async fn a_new_municipality_is_validated_and_its_slug_is_unique(t) {
        let now = at("2026-11-21T10:00:00Z");
        let bad = municipalities::create(&t.db, NewMunicipality { name: " ".into(), slug: "Groß Pösna".into(), website: "www.x.de".into(), contact_email: "x".into(), latitude: f64::NAN, longitude: 12.0, postcode: "04808".into(), place: String::new() }, &Actor::system("test"), now).await;
        let Err(DomainError::Validation(e)) = bad else { panic!("{bad:?}") };
        let fields: Vec<_> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "slug", "website", "contact_email", "latitude"]);
        let good = NewMunicipality { name: "Trebsen".into(), slug: "trebsen".into(), website: "https://www.trebsen.de".into(), contact_email: "info@trebsen.de".into(), latitude: 51.29, longitude: 12.75, postcode: "04687".into(), place: String::new() };
        let m = municipalities::create(&t.db, good.clone(), &Actor::system("test"), now).await.unwrap();
        assert_eq!(municipalities::find_by_slug(&t.db, "trebsen").await.unwrap().unwrap().id, m.id);
        assert_eq!((m.postcode.as_str(), m.place.as_str()), ("04687", "Trebsen"), "an empty place is the name");
        let again = municipalities::create(&t.db, good, &Actor::system("test"), now).await;
        assert!(matches!(again, Err(DomainError::Validation(_))));
    }

    async fn a_new_municipality_needs_the_five_digit_postcode_of_its_administration(t) {
        let now = at("2026-11-21T10:00:00Z");
        for postcode in ["", "4687", "046870", "O4687", "04 687"] {
            let new = NewMunicipality { name: "Trebsen".into(), slug: "trebsen".into(), website: "https://www.trebsen.de".into(), contact_email: "info@trebsen.de".into(), latitude: 51.29, longitude: 12.75, postcode: postcode.into(), place: "Trebsen/Mulde".into() };
            let bad = municipalities::create(&t.db, new, &Actor::system("test"), now).await;
            let Err(DomainError::Validation(e)) = bad else { panic!("{postcode:?}: {bad:?}") };
            let fields: Vec<_> = e.0.iter().map(|f| f.field).collect();
            assert_eq!(fields, ["postcode"], "{postcode:?}");
        }
    }

    async fn a_profile_edit_queues_the_municipality_s_postings_for_the_search_index(t) {
        let naunhof = municipality_id(&t.db, "naunhof").await;
        let borsdorf = municipality_id(&t.db, "borsdorf").await;
        let now = at("2026-11-21T10:00:00Z");
        for r in ["A-1", "A-2"] {
            mutations::create_posting(&t.db, naunhof, draft(r, day(2026, 12, 20)), &Actor::user(1), now).await.unwrap();
        }
        mutations::create_posting(&t.db, borsdorf, draft("B-1", day(2026, 12, 20)), &Actor::user(1), now).await.unwrap();
        let before = search_outbox::Entity::find().count(&t.db).await.unwrap();
        let m = municipalities::update_profile(&t.db, naunhof, "Naunhof bietet **Jobticket**.", &Actor::user(1), now).await.unwrap();
        assert_eq!(m.employer_profile.as_deref(), Some("Naunhof bietet **Jobticket**."));
        assert_eq!(search_outbox::Entity::find().count(&t.db).await.unwrap(), before + 2);
        // Saving the same text again changes nothing.
        municipalities::update_profile(&t.db, naunhof, "Naunhof bietet **Jobticket**.\n", &Actor::user(1), now).await.unwrap();
        assert_eq!(search_outbox::Entity::find().count(&t.db).await.unwrap(), before + 2);
        let too_long = "x".repeat(20_001);
        assert!(matches!(municipalities::update_profile(&t.db, naunhof, &too_long, &Actor::user(1), now).await, Err(DomainError::Validation(_))));
    }
}
