//! A small, realistic set of postings for the conformance tests.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use jobboard_search::{SearchDocument, SearchQuery};

pub fn now() -> DateTime<Utc> {
    "2026-11-21T10:00:00Z".parse().unwrap()
}

pub fn query(text: &str) -> SearchQuery {
    SearchQuery::new(now()).text(text)
}

// Municipality ids and coordinates as in the member table.
pub const BORSDORF: (i64, &str, f64, f64) = (1, "Borsdorf", 51.3478, 12.5378);
pub const BRANDIS: (i64, &str, f64, f64) = (2, "Brandis", 51.3347, 12.6108);
pub const GROSSPOESNA: (i64, &str, f64, f64) = (3, "Großpösna", 51.2653, 12.4986);
pub const NAUNHOF: (i64, &str, f64, f64) = (4, "Naunhof", 51.2772, 12.5883);
pub const BELGERSHAIN: (i64, &str, f64, f64) = (5, "Belgershain", 51.2267, 12.5558);
pub const PARTHENSTEIN: (i64, &str, f64, f64) = (6, "Parthenstein", 51.2631, 12.6550);
pub const MACHERN: (i64, &str, f64, f64) = (7, "Machern", 51.3650, 12.6256);

pub struct Doc(pub SearchDocument);

impl Doc {
    pub fn new(id: i64, title: &str, owner: (i64, &str, f64, f64)) -> Self {
        Self(SearchDocument {
            id,
            slug: format!("posting-{id}"),
            title: title.into(),
            kind: PostingKind::Job,
            category: Category::Sonstiges,
            employment: Employment::FullTime,
            contract: Contract::Permanent,
            pay_scheme: PayScheme::TvoedVkaEg,
            grade_min_rank: None,
            grade_max_rank: None,
            classification: String::new(),
            municipality_ids: vec![owner.0],
            places: owner.1.into(),
            body: String::new(),
            deadline: (now() + Duration::days(30)).date_naive(),
            expires_ts: (now() + Duration::days(31)).timestamp(),
            published_ts: (now() - Duration::days(2)).timestamp(),
            lat: owner.2,
            lng: owner.3,
            weekly_hours: None,
            pay_grade_from: None,
            pay_grade_to: None,
            pay_monthly_min_eur: None,
            pay_monthly_max_eur: None,
        })
    }
    pub fn kind(mut self, k: PostingKind) -> Self {
        self.0.kind = k;
        self
    }
    pub fn category(mut self, c: Category, department: &str) -> Self {
        self.0.category = c;
        self.0.classification =
            format!("{} {} {}", c.label(), self.0.kind.label(), department).replace('/', " ");
        self
    }
    pub fn employment(mut self, e: Employment) -> Self {
        self.0.employment = e;
        self
    }
    pub fn contract(mut self, c: Contract) -> Self {
        self.0.contract = c;
        self
    }
    pub fn pay(mut self, scheme: PayScheme, from: &str, to: &str) -> Self {
        self.0.pay_scheme = scheme;
        self.0.grade_min_rank = scheme.grade_rank(from).map(|r| r as i64);
        self.0.grade_max_rank = scheme.grade_rank(to).map(|r| r as i64);
        self.0.pay_grade_from = Some(from.into());
        self.0.pay_grade_to = Some(to.into());
        self
    }
    pub fn hours(mut self, weekly: f64) -> Self {
        self.0.weekly_hours = Some(weekly);
        self
    }
    pub fn monthly(mut self, min: i32, max: i32) -> Self {
        self.0.pay_monthly_min_eur = Some(min);
        self.0.pay_monthly_max_eur = Some(max);
        self
    }
    pub fn scheme(mut self, scheme: PayScheme) -> Self {
        self.0.pay_scheme = scheme;
        self
    }
    pub fn partners(mut self, partners: &[(i64, &str, f64, f64)]) -> Self {
        for p in partners {
            self.0.municipality_ids.push(p.0);
            self.0.places.push(' ');
            self.0.places.push_str(p.1);
        }
        self
    }
    pub fn body(mut self, body: &str) -> Self {
        self.0.body = body.into();
        self
    }
    pub fn deadline_in_days(mut self, days: i64) -> Self {
        self.0.deadline = (now() + Duration::days(days)).date_naive();
        self.0.expires_ts = jobboard_domain::berlin::end_of_day(self.0.deadline).timestamp();
        self
    }
    pub fn published_days_ago(mut self, days: i64) -> Self {
        self.0.published_ts = (now() - Duration::days(days)).timestamp();
        self
    }
    pub fn expired(mut self) -> Self {
        self.0.deadline = (now() - Duration::days(1)).date_naive();
        self.0.expires_ts = (now() - Duration::hours(10)).timestamp();
        self
    }
    pub fn published_in_future(mut self) -> Self {
        self.0.published_ts = (now() + Duration::days(1)).timestamp();
        self
    }
}

pub fn deadline(days: i64) -> NaiveDate {
    (now() + Duration::days(days)).date_naive()
}

pub fn postings() -> Vec<SearchDocument> {
    use Category as C;
    use PostingKind as K;
    vec![
        Doc::new(1, "Erzieher (m/w/d) Kita Sonnenschein", NAUNHOF)
            .category(C::KitaErziehung, "Kindertagesstätten")
            .pay(PayScheme::TvoedSueS, "8a", "8a")
            .body("Bildung, Erziehung und Betreuung von Kindern im Alter von einem bis sechs Jahren.")
            .deadline_in_days(20)
            .published_days_ago(3),
        Doc::new(2, "Ausbildung Verwaltungsfachangestellte 2027 – im Verbund mit Brandis und Naunhof", BORSDORF)
            .kind(K::Apprenticeship)
            .category(C::Verwaltung, "Hauptamt")
            .scheme(PayScheme::Tvaoed)
            .monthly(1340, 1490)
            .contract(Contract::FixedTerm)
            .partners(&[BRANDIS, NAUNHOF])
            .body("Drei Jahre Ausbildung in den Rathäusern des Partheland-Verbunds.")
            .deadline_in_days(45)
            .published_days_ago(1),
        Doc::new(3, "Sachbearbeiter Bürgerbüro (m/w/d)", GROSSPOESNA)
            .category(C::Verwaltung, "Bürgerbüro")
            .pay(PayScheme::TvoedVkaEg, "6", "8")
            .employment(Employment::PartTime)
            .hours(30.5)
            .body("Pass- und Meldewesen, Beratung der Bürgerinnen und Bürger.")
            .deadline_in_days(10)
            .published_days_ago(5),
        Doc::new(4, "Straßenwärter (m/w/d)", MACHERN)
            .category(C::BauhofTechnik, "Bauhof")
            .pay(PayScheme::TvoedVkaEg, "5", "6")
            .body("Winterdienst, Straßenunterhaltung und Pflege der Grünanlagen.")
            .deadline_in_days(15)
            .published_days_ago(8),
        Doc::new(5, "Gemeindearbeiter Betriebshof (m/w/d)", BELGERSHAIN)
            .category(C::BauhofTechnik, "Technische Dienste")
            .pay(PayScheme::TvoedVkaEg, "4", "5")
            .contract(Contract::FixedTerm)
            .body("Pflege von Spielplätzen und Friedhöfen, kleinere Reparaturen.")
            .deadline_in_days(25)
            .published_days_ago(4),
        Doc::new(6, "Pädagogische Fachkraft Hort (m/w/d)", BRANDIS)
            .category(C::KitaErziehung, "Schulhort")
            .pay(PayScheme::TvoedSueS, "8a", "8b")
            .employment(Employment::Either)
            .body("Betreuung der Grundschulkinder am Nachmittag und in den Ferien.")
            .deadline_in_days(12)
            .published_days_ago(6),
        Doc::new(7, "IT-Administrator (m/w/d)", PARTHENSTEIN)
            .category(C::ItDigitales, "Hauptamt")
            .pay(PayScheme::TvoedVkaEg, "9b", "11")
            .contract(Contract::FixedTermExtensionOption)
            .body("Betrieb der Server und Arbeitsplätze der Verwaltung, Informationssicherheit.")
            .deadline_in_days(60)
            .published_days_ago(40),
        Doc::new(8, "Leitung Gemeindebibliothek (m/w/d)", GROSSPOESNA)
            .category(C::BibliothekKultur, "Bibliothek")
            .pay(PayScheme::TvoedVkaEg, "9a", "9b")
            .body("Leseförderung für Kitas und Schulen, Veranstaltungen, Bestandspflege.")
            .deadline_in_days(30)
            .published_days_ago(2),
        Doc::new(9, "Bundesfreiwilligendienst in der Kindertagesstätte Regenbogen", MACHERN)
            .kind(K::VolunteerService)
            .category(C::KitaErziehung, "")
            .scheme(PayScheme::Other)
            .contract(Contract::FixedTerm)
            .body("Ein Jahr im Team der Kindertagesstätte, mit Seminartagen. Auch die Bibliothek besuchen wir oft.")
            .deadline_in_days(40)
            .published_days_ago(7),
        Doc::new(10, "Duales Studium Public Management (B.A.)", NAUNHOF)
            .kind(K::DualStudy)
            .category(C::Verwaltung, "Hauptamt")
            .scheme(PayScheme::Tvaoed)
            .contract(Contract::FixedTerm)
            .body("Studium an der Hochschule Meißen, Praxis in der Stadtverwaltung Naunhof.")
            .deadline_in_days(50)
            .published_days_ago(9),
        Doc::new(11, "Hausmeister Grundschule (m/w/d)", NAUNHOF).category(C::BauhofTechnik, "Bauhof").expired(),
        Doc::new(12, "Kämmerer (m/w/d)", BRANDIS).category(C::Verwaltung, "Kämmerei").published_in_future(),
    ]
    .into_iter()
    .map(|d| d.0)
    .collect()
}

pub fn ids(results: &jobboard_search::SearchResults) -> Vec<i64> {
    results.hits.iter().map(|h| h.id).collect()
}

pub fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}
