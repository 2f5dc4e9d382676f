//! Working together over HTTP (issue 17), three municipalities: Borsdorf records an agreement
//! with Brandis, Brandis confirms it; Borsdorf asks for cover, only Brandis sees it and offers;
//! Borsdorf accepts; the calendar (parsed by Python's `icalendar`) and the ledger CSV show it.
//! Naunhof, without an agreement, sees and touches nothing.

use chrono::{Datelike, Days, Utc};
use jobboard_domain::berlin;
use jobboard_domain::entities::{cover_offer, cover_request};
use jobboard_e2e::e2e_tests;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::hr::{account, get_as, mails, municipality_id, post, sign_in, snapshot};

/// The id after `prefix` in the redirect target of `resp`.
fn id_in_location(resp: &reqwest::Response, prefix: &str) -> i64 {
    let loc = resp.headers()["location"].to_str().unwrap();
    loc.strip_prefix(prefix)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The next Monday at least a week ahead, so the request spans five working days.
fn next_monday() -> chrono::NaiveDate {
    let mut d = berlin::today(Utc::now()) + Days::new(7);
    while d.weekday() != chrono::Weekday::Mon {
        d = d + Days::new(1);
    }
    d
}

e2e_tests! {
    async fn cover_goes_from_agreement_to_calendar_and_ledger_and_stays_between_the_parties(app) {
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        account(&app, "personal@brandis.de", Some("brandis")).await;
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let borsdorf = sign_in(&app, "personal@borsdorf.de").await;
        let brandis = sign_in(&app, "personal@brandis.de").await;
        let naunhof = sign_in(&app, "personal@naunhof.de").await;
        let brandis_id = municipality_id(&app, "brandis").await.to_string();
        let today = berlin::today(Utc::now()).to_string();

        // A bad agreement: German field errors, nothing stored.
        let before = snapshot(&app).await;
        let bad = post(&app, Some(&borsdorf), "/verwaltung/vereinbarungen", &[("csrf", &borsdorf.csrf), ("title", ""), ("legal_form", "zweckvereinbarung"), ("valid_from", "01.05.2027"), ("valid_until", "01.04.2027"), ("hourly_rate", "viel")], None).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        for msg in ["Bitte geben Sie einen Titel an.", "Stundensatz in Euro", "mindestens einen Aufgabenbereich", "mindestens eine weitere Kommune"] {
            assert!(html.contains(msg), "{msg}: {html}");
        }
        assert_eq!(snapshot(&app).await, before, "nothing stored");

        // Borsdorf records the agreement with Brandis; Brandis is asked by mail and confirms.
        let resp = post(&app, Some(&borsdorf), "/verwaltung/vereinbarungen", &[("csrf", &borsdorf.csrf), ("title", "Vertretung Meldewesen Borsdorf–Brandis"), ("legal_form", "zweckvereinbarung"), ("valid_from", &today), ("hourly_rate", "42,50"), ("area", "meldewesen"), ("party", &brandis_id)], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());
        let agreement = id_in_location(&resp, "/verwaltung/vereinbarungen/");
        assert!(mails(&app).iter().any(|m| m.contains("personal@brandis.de") && m.contains("erst in Kraft, wenn alle")));
        let page = get_as(&app, &brandis, &format!("/verwaltung/vereinbarungen/{agreement}")).await.text().await.unwrap();
        assert!(page.contains("wartet auf Bestätigung (1 von 2 bestätigt)"), "{page}");
        assert_eq!(get_as(&app, &naunhof, &format!("/verwaltung/vereinbarungen/{agreement}")).await.status(), StatusCode::NOT_FOUND);
        let resp = post(&app, Some(&brandis), &format!("/verwaltung/vereinbarungen/{agreement}/bestaetigen"), &[("csrf", &brandis.csrf), ("version", "1")], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let page = get_as(&app, &borsdorf, &format!("/verwaltung/vereinbarungen/{agreement}")).await.text().await.unwrap();
        assert!(page.contains("Stand: in Kraft"), "{page}");

        // Borsdorf asks for cover; hours beyond the day and inverted dates are refused first.
        let monday = next_monday();
        let friday = monday + Days::new(4);
        let bad = post(&app, Some(&borsdorf), "/verwaltung/vertretungen", &[("csrf", &borsdorf.csrf), ("task_area", "meldewesen"), ("starts_on", &friday.to_string()), ("ends_on", &monday.to_string()), ("day_part", "full"), ("hours", "12"), ("place", "Rathaus Borsdorf"), ("urgency", "urgent"), ("reason", "urlaub")], None).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("Das Ende darf nicht vor dem Beginn liegen.") && html.contains("mehr Stunden passen nicht in den Tag"), "{html}");
        assert_eq!(cover_request::Entity::find().count(&app.db).await.unwrap(), 0);
        let resp = post(&app, Some(&borsdorf), "/verwaltung/vertretungen", &[("csrf", &borsdorf.csrf), ("task_area", "meldewesen"), ("starts_on", &monday.to_string()), ("ends_on", &friday.to_string()), ("day_part", "full"), ("hours", "7,5"), ("place", "Rathaus Borsdorf"), ("skills", "An- und Ummeldungen"), ("requirement", "meldesoftware"), ("urgency", "urgent"), ("reason", "urlaub")], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());
        let request = id_in_location(&resp, "/verwaltung/vertretungen/");
        let path = format!("/verwaltung/vertretungen/{request}");
        assert!(mails(&app).iter().any(|m| m.contains("personal@brandis.de") && m.contains("bittet um Vertretung im Bereich Meldewesen")));
        assert!(!mails(&app).iter().any(|m| m.contains("personal@naunhof.de")), "Naunhof is never told");

        // Only Brandis sees it; Naunhof can neither see nor offer.
        let coop = get_as(&app, &brandis, "/verwaltung/zusammenarbeit").await.text().await.unwrap();
        assert!(coop.contains(&path), "{coop}");
        let coop = get_as(&app, &naunhof, "/verwaltung/zusammenarbeit").await.text().await.unwrap();
        assert!(!coop.contains(&path));
        assert_eq!(get_as(&app, &naunhof, &path).await.status(), StatusCode::NOT_FOUND);
        let offer_fields = |who: &crate::hr::Hr| vec![("csrf".to_owned(), who.csrf.clone()), ("starts_on".into(), monday.to_string()), ("ends_on".into(), friday.to_string()), ("hours".into(), "7,5".into()), ("person_name".into(), "Frau Beispiel".into())];
        let pairs = offer_fields(&naunhof);
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(post(&app, Some(&naunhof), &format!("{path}/angebote"), &refs, None).await.status(), StatusCode::NOT_FOUND);

        // Brandis offers (too many hours first), then properly.
        let bad = post(&app, Some(&brandis), &format!("{path}/angebote"), &[("csrf", &brandis.csrf), ("starts_on", &monday.to_string()), ("ends_on", &friday.to_string()), ("hours", "9")], None).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().await.unwrap().contains("mehr Stunden können nicht angeboten werden"));
        let pairs = offer_fields(&brandis);
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let resp = post(&app, Some(&brandis), &format!("{path}/angebote"), &refs, None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let offer = cover_offer::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert!(mails(&app).iter().any(|m| m.contains("personal@borsdorf.de") && m.contains("bietet Vertretung")));

        // Brandis (a party, but not the requester) and Naunhof cannot accept; Borsdorf does.
        let offer_id = offer.id.to_string();
        for who in [&brandis, &naunhof] {
            let resp = post(&app, Some(who), &format!("{path}/annehmen"), &[("csrf", &who.csrf), ("version", "1"), ("offer", &offer_id)], None).await;
            assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        }
        let resp = post(&app, Some(&borsdorf), &format!("{path}/annehmen"), &[("csrf", &borsdorf.csrf), ("version", "1"), ("offer", &offer_id)], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert!(mails(&app).iter().any(|m| m.contains("personal@brandis.de") && m.contains("wurde angenommen")));

        // The calendars: Brandis makes its address; the feed has five days 08:00–15:30.
        let page = post(&app, Some(&brandis), "/verwaltung/zusammenarbeit/kalender", &[("csrf", &brandis.csrf)], None).await.text().await.unwrap();
        let at = page.find("/kalender/vertretungen/").unwrap();
        let feed: String = page[at..].chars().take_while(|c| *c != '"').collect();
        let ics = app.get(&feed).await;
        assert_eq!(ics.status(), StatusCode::OK);
        assert_eq!(ics.headers()["content-type"], "text/calendar; charset=utf-8");
        let body = ics.text().await.unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/ical_dump.py");
        let mut child = std::process::Command::new("python3").arg(script).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), body.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let cal: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let events = cal["events"].as_array().unwrap();
        assert_eq!(events.len(), 5, "{cal}");
        assert!(events[0]["start"].as_str().unwrap().starts_with(&format!("{monday}T08:00:00")), "{cal}");
        assert!(events[0]["end"].as_str().unwrap().starts_with(&format!("{monday}T15:30:00")), "{cal}");
        assert_eq!(events[0]["summary"], "Vertretung für Borsdorf: Meldewesen");
        // Naunhof's own address reads only Naunhof's (empty) calendar; a rotated one nothing.
        let page = post(&app, Some(&naunhof), "/verwaltung/zusammenarbeit/kalender", &[("csrf", &naunhof.csrf)], None).await.text().await.unwrap();
        let at = page.find("/kalender/vertretungen/").unwrap();
        let other: String = page[at..].chars().take_while(|c| *c != '"').collect();
        assert_eq!(app.get(&other).await.text().await.unwrap().matches("BEGIN:VEVENT").count(), 0);
        post(&app, Some(&brandis), "/verwaltung/zusammenarbeit/kalender", &[("csrf", &brandis.csrf)], None).await;
        assert_eq!(app.get(&feed).await.status(), StatusCode::NOT_FOUND, "rotated away");

        // The ledger: 5 × 7,5 h = 37,5 h × 42,50 € = 1.593,75 €.
        let csv = get_as(&app, &brandis, &format!("/verwaltung/vereinbarungen/{agreement}/stunden.csv")).await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        let text = csv.text().await.unwrap();
        assert!(text.starts_with('\u{feff}'));
        let month = format!("{:04}-{:02}", monday.year(), monday.month());
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows[0], "\u{feff}Vereinbarung;Monat;Leistende Kommune;Empfangende Kommune;Stunden;Stundensatz (EUR);Betrag (EUR)");
        let total: Vec<&str> = rows[1..].iter().filter(|r| !r.is_empty()).copied().collect();
        if monday.month() == friday.month() {
            assert_eq!(total, [format!("Vertretung Meldewesen Borsdorf–Brandis;{month};Brandis;Borsdorf;37,50;42,50;1593,75").as_str()]);
        } else {
            assert_eq!(total.len(), 2, "a week across two months: {text}");
        }
        assert_eq!(get_as(&app, &naunhof, &format!("/verwaltung/vereinbarungen/{agreement}/stunden.csv")).await.status(), StatusCode::NOT_FOUND);
        app.shutdown().await.unwrap();
    }

    async fn the_admin_records_an_agreement_between_members_and_both_must_confirm_it(app) {
        account(&app, "admin@partheland.de", None).await;
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        account(&app, "personal@brandis.de", Some("brandis")).await;
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let admin = sign_in(&app, "admin@partheland.de").await;
        let borsdorf = sign_in(&app, "personal@borsdorf.de").await;
        let naunhof = sign_in(&app, "personal@naunhof.de").await;
        let borsdorf_id = municipality_id(&app, "borsdorf").await.to_string();
        let brandis_id = municipality_id(&app, "brandis").await.to_string();
        let today = berlin::today(Utc::now()).to_string();

        let list = get_as(&app, &admin, "/verwaltung/admin/vereinbarungen").await;
        assert_eq!(list.status(), StatusCode::OK);
        assert!(list.text().await.unwrap().contains("/verwaltung/admin/vereinbarungen/neu"));
        let form = get_as(&app, &admin, "/verwaltung/admin/vereinbarungen/neu").await;
        assert_eq!(form.status(), StatusCode::OK);
        let form = form.text().await.unwrap();
        assert!(form.contains("action=\"/verwaltung/admin/vereinbarungen\"") && form.contains(&format!("value=\"{borsdorf_id}\"")), "{form}");
        // Officers do not reach the admin's pages.
        assert_eq!(get_as(&app, &borsdorf, "/verwaltung/admin/vereinbarungen/neu").await.status(), StatusCode::FORBIDDEN);

        // One party is not an agreement: a German field error, nothing stored.
        let before = snapshot(&app).await;
        let fields = |parties: &[&str]| {
            let mut f: Vec<(String, String)> = [("csrf", admin.csrf.as_str()), ("title", "Bauhof-Hilfe Borsdorf–Brandis"), ("legal_form", "amtshilfe"), ("valid_from", today.as_str()), ("area", "bauhof")].iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
            f.extend(parties.iter().map(|p| ("party".to_owned(), (*p).to_owned())));
            f
        };
        let pairs = fields(&[&brandis_id]);
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let bad = post(&app, Some(&admin), "/verwaltung/admin/vereinbarungen", &refs, None).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().await.unwrap().contains("mindestens zwei beteiligte Kommunen"));
        assert_eq!(snapshot(&app).await, before, "nothing stored");

        let pairs = fields(&[&borsdorf_id, &brandis_id]);
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let resp = post(&app, Some(&admin), "/verwaltung/admin/vereinbarungen", &refs, None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());
        let agreement = id_in_location(&resp, "/verwaltung/admin/vereinbarungen/");
        for who in ["personal@borsdorf.de", "personal@brandis.de"] {
            assert!(mails(&app).iter().any(|m| m.contains(who) && m.contains("erst in Kraft, wenn alle")), "{who} asked to confirm");
        }
        let page = get_as(&app, &admin, &format!("/verwaltung/admin/vereinbarungen/{agreement}")).await.text().await.unwrap();
        assert!(page.contains("wartet auf Bestätigung (0 von 2 bestätigt)"), "{page}");
        assert!(!page.contains("/bestaetigen") && !page.contains("stunden.csv"), "the admin only reads: {page}");
        assert!(get_as(&app, &admin, "/verwaltung/admin/vereinbarungen").await.text().await.unwrap().contains("Bauhof-Hilfe"));
        // Borsdorf, a party, is asked to confirm; Naunhof does not see it.
        let coop = get_as(&app, &borsdorf, "/verwaltung/zusammenarbeit").await.text().await.unwrap();
        assert!(coop.contains("Bauhof-Hilfe") && coop.contains("(Ihre Bestätigung fehlt)"), "{coop}");
        assert_eq!(get_as(&app, &naunhof, &format!("/verwaltung/vereinbarungen/{agreement}")).await.status(), StatusCode::NOT_FOUND);
        let resp = post(&app, Some(&borsdorf), &format!("/verwaltung/vereinbarungen/{agreement}/bestaetigen"), &[("csrf", &borsdorf.csrf), ("version", "1")], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let page = get_as(&app, &admin, &format!("/verwaltung/admin/vereinbarungen/{agreement}")).await.text().await.unwrap();
        assert!(page.contains("wartet auf Bestätigung (1 von 2 bestätigt)"), "{page}");
        app.shutdown().await.unwrap();
    }

    async fn the_ledger_csv_rounds_hours_as_it_rounds_the_amount_and_defuses_municipality_names(app) {
        use jobboard_domain::cover::{OfferDraft, agreements, offers, requests};
        use jobboard_domain::entities::municipality;
        use jobboard_domain::testing::{sample_agreement, sample_cover_request};
        use jobboard_domain::Actor;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        let borsdorf_id = municipality_id(&app, "borsdorf").await;
        let brandis_id = municipality_id(&app, "brandis").await;
        // A member whose name a spreadsheet would take for a formula.
        municipality::ActiveModel { id: Set(brandis_id), name: Set("=HYPERLINK(\"x\")".into()), ..Default::default() }.update(&app.db).await.unwrap();
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        let borsdorf = sign_in(&app, "personal@borsdorf.de").await;
        let now = Utc::now();
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        let (a, _) = agreements::create_agreement(&app.db, borsdorf_id, sample_agreement(vec![borsdorf_id, brandis_id], day(1, 1)), &Actor::user(1), now).await.unwrap();
        agreements::confirm_agreement(&app.db, a.id, a.version, brandis_id, &Actor::user(2), now).await.unwrap();
        // One Monday of 8 h 1 min: 8,0166… h, at 42,50 € = 340,7083… €.
        let mut draft = sample_cover_request(day(3, 1), day(3, 1));
        draft.minutes_per_day = 481;
        let (r, _) = requests::create_request(&app.db, borsdorf_id, draft, &Actor::user(1), now).await.unwrap();
        let offer = OfferDraft { request_id: r.id, starts_on: day(3, 1), ends_on: day(3, 1), minutes_per_day: 481, person_name: None, person_contact: None, note: None };
        let (o, _) = offers::create_offer(&app.db, brandis_id, offer, &Actor::user(2), now).await.unwrap();
        offers::accept_offers(&app.db, r.id, r.version, borsdorf_id, &[o.id], &Actor::user(1), now).await.unwrap();

        let csv = get_as(&app, &borsdorf, &format!("/verwaltung/vereinbarungen/{}/stunden.csv", a.id)).await;
        assert_eq!(csv.status(), StatusCode::OK);
        let text = csv.text().await.unwrap();
        let rows: Vec<&str> = text.lines().skip(1).filter(|l| !l.is_empty()).collect();
        assert_eq!(rows, ["Gegenseitige Vertretung im Meldewesen;2027-03;\"'=HYPERLINK(\"\"x\"\")\";Borsdorf;8,02;42,50;340,71"], "{text}");
        app.shutdown().await.unwrap();
    }

    async fn a_missing_cancel_reason_is_marked_at_its_own_field(app) {
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        let (_, request, offer) = crate::hr::borsdorf_cover_ids(&app).await;
        let borsdorf = sign_in(&app, "personal@borsdorf.de").await;
        let before = snapshot(&app).await;

        let resp = post(&app, Some(&borsdorf), &format!("/verwaltung/vertretungen/{request}/absagen"), &[("csrf", &borsdorf.csrf), ("version", "1"), ("reason", " ")], None).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = resp.text().await.unwrap();
        assert!(html.contains(r#"<p class="field-error" id="e-reason">Bitte geben Sie einen Grund an"#), "{html}");
        assert!(html.contains(r#"id="f-reason" name="reason" type="text" value=" " aria-describedby="h-reason e-reason" aria-invalid="true""#), "{html}");
        assert!(html.contains(r##"<a href="#f-reason">"##), "the summary links to the field: {html}");
        assert!(!html.contains(&format!(r#"aria-describedby="e-reason-{offer}""#)), "{html}");

        let resp = post(&app, Some(&borsdorf), &format!("/verwaltung/angebote/{offer}/absagen"), &[("csrf", &borsdorf.csrf), ("version", "1"), ("reason", "")], None).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = resp.text().await.unwrap();
        assert!(html.contains(&format!(r#"<span class="field-error" id="e-reason-{offer}">Bitte geben Sie einen Grund an"#)), "{html}");
        assert!(html.contains(&format!(r#"id="reason-{offer}" name="reason" type="text" value="" aria-invalid="true" aria-describedby="e-reason-{offer}""#)), "{html}");
        assert!(html.contains(&format!(r##"<a href="#reason-{offer}">"##)), "{html}");
        assert!(!html.contains(r#"id="e-reason""#), "not at the request's field: {html}");
        assert_eq!(snapshot(&app).await, before, "nothing changed");
        app.shutdown().await.unwrap();
    }
}
