//! Realistic demo postings for the seven Partheland municipalities: what a new installation
//! shows on first start and what benchmarks load. The same seed always yields the same postings
//! (titles, reference numbers, texts, partners); dates are relative to the day of seeding so the
//! demo never starts out expired.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};

use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::municipalities::{self, Municipality};
use crate::postings::publishing::{self, Request};
use crate::postings::types::{Category, Contract, Employment, PayScheme, PostingKind};
use crate::postings::{PartnerDraft, PostingDraft, mutations};

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
    (0..count).map(move |i| make(&mut rng, i, municipalities, today))
}

struct Template {
    kind: PostingKind,
    category: Category,
    /// `{kita}` is replaced by a Kita name, `{year}` by the year training starts.
    title: &'static str,
    departments: &'static [&'static str],
    pay: Pay,
    tasks: &'static [&'static str],
    profile: &'static [&'static str],
}

#[derive(Clone, Copy)]
enum Pay {
    Grades(PayScheme, &'static str, &'static str),
    Monthly(PayScheme, i32, i32),
    Unpaid,
}

use Category as C;
use PayScheme as S;
use PostingKind as K;

const ADMIN_TASKS: &[&str] = &[
    "Bearbeitung von Anträgen und Anfragen der Bürgerinnen und Bürger",
    "Führung von Akten und Registern, auch elektronisch",
    "Erstellung von Bescheiden und Stellungnahmen",
    "Zusammenarbeit mit den Fachämtern der Partheland-Kommunen",
    "Vorbereitung von Vorlagen für den Gemeinderat",
];
const ADMIN_PROFILE: &[&str] = &[
    "abgeschlossene Ausbildung als Verwaltungsfachangestellte/r oder Angestelltenlehrgang I",
    "sicherer Umgang mit MS Office und Fachverfahren",
    "Freude am Umgang mit Menschen und ein freundliches Auftreten",
    "selbstständige, sorgfältige Arbeitsweise",
];
const BAUHOF_TASKS: &[&str] = &[
    "Pflege von Grünanlagen, Spielplätzen und Friedhöfen",
    "Winterdienst und Straßenunterhaltung",
    "kleinere Reparaturen an gemeindlichen Gebäuden",
    "Bedienung von Kommunaltechnik und Kleingeräten",
    "Unterstützung bei Veranstaltungen der Gemeinde",
];
const BAUHOF_PROFILE: &[&str] = &[
    "abgeschlossene handwerkliche Berufsausbildung",
    "Führerschein Klasse B, wünschenswert C1E",
    "Bereitschaft zur Teilnahme am Winterdienst",
    "körperliche Belastbarkeit und Teamgeist",
];
const KITA_TASKS: &[&str] = &[
    "Bildung, Erziehung und Betreuung nach dem Sächsischen Bildungsplan",
    "Beobachtung und Dokumentation der Entwicklung der Kinder",
    "vertrauensvolle Zusammenarbeit mit den Eltern",
    "Gestaltung des Tagesablaufs im Team",
    "Mitwirkung an der Weiterentwicklung der Konzeption",
];
const KITA_PROFILE: &[&str] = &[
    "staatliche Anerkennung als Erzieher/in oder vergleichbare Qualifikation nach SächsQualiVO",
    "Einfühlungsvermögen, Geduld und Kreativität",
    "Teamfähigkeit und Zuverlässigkeit",
    "erweitertes Führungszeugnis",
];
const ORDNUNG_TASKS: &[&str] = &[
    "Überwachung des ruhenden Verkehrs",
    "Bearbeitung von Ordnungswidrigkeiten",
    "Genehmigung von Veranstaltungen und Sondernutzungen",
    "Zusammenarbeit mit Polizei und Feuerwehr",
];
const ORDNUNG_PROFILE: &[&str] = &[
    "Ausbildung im öffentlichen Dienst oder vergleichbar",
    "sicheres, bürgerfreundliches Auftreten",
    "Bereitschaft zu Einsätzen am Wochenende",
    "Führerschein Klasse B",
];
const IT_TASKS: &[&str] = &[
    "Betrieb und Weiterentwicklung der IT-Infrastruktur der Verwaltung",
    "Betreuung der Arbeitsplätze, Server und Fachverfahren",
    "Umsetzung des Onlinezugangsgesetzes gemeinsam mit den Partnerkommunen",
    "Informationssicherheit und Datenschutz im IT-Betrieb",
];
const IT_PROFILE: &[&str] = &[
    "Studium oder Ausbildung im Bereich Informatik",
    "Erfahrung mit Windows-Server, Netzwerken und Virtualisierung",
    "strukturierte Arbeitsweise und Serviceorientierung",
];
const KULTUR_TASKS: &[&str] = &[
    "Ausleihe, Rückgabe und Beratung der Leserinnen und Leser",
    "Katalogisierung und Pflege des Medienbestands",
    "Veranstaltungen zur Leseförderung für Kitas und Schulen",
];
const KULTUR_PROFILE: &[&str] = &[
    "Ausbildung als Fachangestellte/r für Medien- und Informationsdienste",
    "Freude an Büchern, Medien und Menschen",
    "Organisationstalent",
];
const SOZIAL_TASKS: &[&str] = &[
    "Beratung und Begleitung von Kindern, Jugendlichen und Familien",
    "Projektarbeit und offene Angebote",
    "Netzwerkarbeit mit Schulen, Vereinen und dem Landkreis Leipzig",
];
const SOZIAL_PROFILE: &[&str] = &[
    "abgeschlossenes Studium der Sozialen Arbeit (B.A.) mit staatlicher Anerkennung",
    "Kommunikationsstärke und Empathie",
    "Führerschein Klasse B",
];
const TRAINEE_TASKS: &[&str] = &[
    "Kennenlernen aller Bereiche der Verwaltung in den Partnerkommunen",
    "Berufsschule in Leipzig im Blockunterricht",
    "eigene Projekte im Ausbildungsjahrgang des Partheland-Verbunds",
];
const TRAINEE_PROFILE: &[&str] = &[
    "guter Realschulabschluss oder Abitur",
    "Interesse an Recht, Verwaltung und Technik",
    "Zuverlässigkeit und Lernbereitschaft",
];
const VOLUNTEER_TASKS: &[&str] = &[
    "Unterstützung des Teams im Alltag",
    "eigene kleine Projekte nach Absprache",
    "Begleitung durch feste Ansprechpartner und Seminartage",
];
const VOLUNTEER_PROFILE: &[&str] = &[
    "Interesse an der Arbeit mit Menschen",
    "Zuverlässigkeit",
    "Mindestalter 16 Jahre",
];

const fn t(
    kind: PostingKind,
    category: Category,
    title: &'static str,
    departments: &'static [&'static str],
    pay: Pay,
    tasks: &'static [&'static str],
    profile: &'static [&'static str],
) -> Template {
    Template {
        kind,
        category,
        title,
        departments,
        pay,
        tasks,
        profile,
    }
}

const HAUPTAMT: &[&str] = &["Hauptamt", "Bürgerbüro", "Personalamt"];
const KAEMMEREI: &[&str] = &["Kämmerei", "Finanzverwaltung"];
const BAUAMT: &[&str] = &["Bauamt", "Bauhof", "Gebäudemanagement"];
const ORDNUNGSAMT: &[&str] = &["Ordnungsamt", "Feuerwehr"];
const KITA: &[&str] = &["Kindertagesstätten", "Sachgebiet Kita und Schule"];
const NONE: &[&str] = &[];

const TEMPLATES: &[Template] = &[
    t(
        K::Job,
        C::Verwaltung,
        "Sachbearbeiter Bürgerbüro (m/w/d)",
        HAUPTAMT,
        Pay::Grades(S::TvoedVkaEg, "6", "8"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::Verwaltung,
        "Sachbearbeiter Standesamt (m/w/d)",
        HAUPTAMT,
        Pay::Grades(S::TvoedVkaEg, "8", "9a"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::Verwaltung,
        "Sachbearbeiter Finanzbuchhaltung (m/w/d)",
        KAEMMEREI,
        Pay::Grades(S::TvoedVkaEg, "7", "9a"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::Verwaltung,
        "Sachbearbeiter Personal (m/w/d)",
        HAUPTAMT,
        Pay::Grades(S::TvoedVkaEg, "8", "9b"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::Verwaltung,
        "Kassierer Gemeindekasse (m/w/d)",
        KAEMMEREI,
        Pay::Grades(S::TvoedVkaEg, "6", "7"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::Verwaltung,
        "Sachbearbeiter Bauverwaltung (m/w/d)",
        BAUAMT,
        Pay::Grades(S::TvoedVkaEg, "8", "9b"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::Verwaltung,
        "Kämmerer (m/w/d)",
        KAEMMEREI,
        Pay::Grades(S::BesoldungA, "11", "13"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::Verwaltung,
        "Leitung Hauptamt (m/w/d)",
        HAUPTAMT,
        Pay::Grades(S::TvoedVkaEg, "11", "12"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::Verwaltung,
        "Sekretariat des Bürgermeisters (m/w/d)",
        HAUPTAMT,
        Pay::Grades(S::TvoedVkaEg, "6", "8"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::Verwaltung,
        "Sachbearbeiter Vergabestelle (m/w/d)",
        KAEMMEREI,
        Pay::Grades(S::TvoedVkaEg, "9a", "9b"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Job,
        C::BauhofTechnik,
        "Gemeindearbeiter Bauhof (m/w/d)",
        BAUAMT,
        Pay::Grades(S::TvoedVkaEg, "4", "5"),
        BAUHOF_TASKS,
        BAUHOF_PROFILE,
    ),
    t(
        K::Job,
        C::BauhofTechnik,
        "Straßenwärter (m/w/d)",
        BAUAMT,
        Pay::Grades(S::TvoedVkaEg, "5", "6"),
        BAUHOF_TASKS,
        BAUHOF_PROFILE,
    ),
    t(
        K::Job,
        C::BauhofTechnik,
        "Hausmeister Grundschule (m/w/d)",
        BAUAMT,
        Pay::Grades(S::TvoedVkaEg, "5", "5"),
        BAUHOF_TASKS,
        BAUHOF_PROFILE,
    ),
    t(
        K::Job,
        C::BauhofTechnik,
        "Gärtner Grünflächenpflege (m/w/d)",
        BAUAMT,
        Pay::Grades(S::TvoedVkaEg, "5", "6"),
        BAUHOF_TASKS,
        BAUHOF_PROFILE,
    ),
    t(
        K::Job,
        C::BauhofTechnik,
        "Elektriker Gebäudemanagement (m/w/d)",
        BAUAMT,
        Pay::Grades(S::TvoedVkaEg, "6", "7"),
        BAUHOF_TASKS,
        BAUHOF_PROFILE,
    ),
    t(
        K::Job,
        C::BauhofTechnik,
        "Leitung Bauhof (m/w/d)",
        BAUAMT,
        Pay::Grades(S::TvoedVkaEg, "9a", "9b"),
        BAUHOF_TASKS,
        BAUHOF_PROFILE,
    ),
    t(
        K::Job,
        C::BauhofTechnik,
        "Bauingenieur Tiefbau (m/w/d)",
        BAUAMT,
        Pay::Grades(S::TvoedVkaEg, "10", "11"),
        BAUHOF_TASKS,
        BAUHOF_PROFILE,
    ),
    t(
        K::Job,
        C::KitaErziehung,
        "Erzieher (m/w/d) Kita {kita}",
        KITA,
        Pay::Grades(S::TvoedSueS, "8a", "8a"),
        KITA_TASKS,
        KITA_PROFILE,
    ),
    t(
        K::Job,
        C::KitaErziehung,
        "Heilpädagoge (m/w/d) Kita {kita}",
        KITA,
        Pay::Grades(S::TvoedSueS, "8b", "8b"),
        KITA_TASKS,
        KITA_PROFILE,
    ),
    t(
        K::Job,
        C::KitaErziehung,
        "Leitung Kita {kita} (m/w/d)",
        KITA,
        Pay::Grades(S::TvoedSueS, "13", "15"),
        KITA_TASKS,
        KITA_PROFILE,
    ),
    t(
        K::Job,
        C::KitaErziehung,
        "Erzieher im Hort (m/w/d)",
        KITA,
        Pay::Grades(S::TvoedSueS, "8a", "8a"),
        KITA_TASKS,
        KITA_PROFILE,
    ),
    t(
        K::Job,
        C::KitaErziehung,
        "Sozialassistent (m/w/d) Kita {kita}",
        KITA,
        Pay::Grades(S::TvoedSueS, "3", "4"),
        KITA_TASKS,
        KITA_PROFILE,
    ),
    t(
        K::Job,
        C::FeuerwehrOrdnung,
        "Gerätewart Feuerwehr (m/w/d)",
        ORDNUNGSAMT,
        Pay::Grades(S::TvoedVkaEg, "6", "7"),
        ORDNUNG_TASKS,
        ORDNUNG_PROFILE,
    ),
    t(
        K::Job,
        C::FeuerwehrOrdnung,
        "Sachbearbeiter Ordnungsamt (m/w/d)",
        ORDNUNGSAMT,
        Pay::Grades(S::TvoedVkaEg, "7", "9a"),
        ORDNUNG_TASKS,
        ORDNUNG_PROFILE,
    ),
    t(
        K::Job,
        C::FeuerwehrOrdnung,
        "Gemeindlicher Vollzugsbediensteter (m/w/d)",
        ORDNUNGSAMT,
        Pay::Grades(S::BesoldungA, "6", "8"),
        ORDNUNG_TASKS,
        ORDNUNG_PROFILE,
    ),
    t(
        K::Job,
        C::ItDigitales,
        "IT-Administrator (m/w/d)",
        HAUPTAMT,
        Pay::Grades(S::TvoedVkaEg, "9b", "11"),
        IT_TASKS,
        IT_PROFILE,
    ),
    t(
        K::Job,
        C::ItDigitales,
        "Digitalisierungsbeauftragter (m/w/d)",
        HAUPTAMT,
        Pay::Grades(S::TvoedVkaEg, "10", "11"),
        IT_TASKS,
        IT_PROFILE,
    ),
    t(
        K::Job,
        C::ItDigitales,
        "Informationssicherheitsbeauftragter (m/w/d)",
        HAUPTAMT,
        Pay::Grades(S::TvoedVkaEg, "10", "11"),
        IT_TASKS,
        IT_PROFILE,
    ),
    t(
        K::Job,
        C::BibliothekKultur,
        "Bibliotheksassistenz (m/w/d)",
        &["Gemeindebibliothek"],
        Pay::Grades(S::TvoedVkaEg, "5", "6"),
        KULTUR_TASKS,
        KULTUR_PROFILE,
    ),
    t(
        K::Job,
        C::BibliothekKultur,
        "Leitung Gemeindebibliothek (m/w/d)",
        &["Gemeindebibliothek"],
        Pay::Grades(S::TvoedVkaEg, "9a", "9b"),
        KULTUR_TASKS,
        KULTUR_PROFILE,
    ),
    t(
        K::Job,
        C::BibliothekKultur,
        "Mitarbeiter Heimatmuseum (m/w/d)",
        &["Kultur und Tourismus"],
        Pay::Grades(S::TvoedVkaEg, "5", "6"),
        KULTUR_TASKS,
        KULTUR_PROFILE,
    ),
    t(
        K::Job,
        C::Soziales,
        "Sozialarbeiter Schulsozialarbeit (m/w/d)",
        &["Jugend und Soziales"],
        Pay::Grades(S::TvoedSueS, "11b", "12"),
        SOZIAL_TASKS,
        SOZIAL_PROFILE,
    ),
    t(
        K::Job,
        C::Soziales,
        "Jugendsozialarbeiter Jugendclub (m/w/d)",
        &["Jugend und Soziales"],
        Pay::Grades(S::TvoedSueS, "11a", "11b"),
        SOZIAL_TASKS,
        SOZIAL_PROFILE,
    ),
    t(
        K::Job,
        C::Soziales,
        "Sachbearbeiter Seniorenarbeit und Integration (m/w/d)",
        &["Jugend und Soziales"],
        Pay::Grades(S::TvoedVkaEg, "8", "9a"),
        SOZIAL_TASKS,
        SOZIAL_PROFILE,
    ),
    t(
        K::Job,
        C::Sonstiges,
        "Reinigungskraft Rathaus (m/w/d)",
        HAUPTAMT,
        Pay::Grades(S::TvoedVkaEg, "2", "2"),
        BAUHOF_TASKS,
        BAUHOF_PROFILE,
    ),
    t(
        K::Job,
        C::Sonstiges,
        "Schulsekretär (m/w/d)",
        &["Grundschule"],
        Pay::Grades(S::TvoedVkaEg, "5", "6"),
        ADMIN_TASKS,
        ADMIN_PROFILE,
    ),
    t(
        K::Apprenticeship,
        C::Verwaltung,
        "Ausbildung Verwaltungsfachangestellte (m/w/d) {year}",
        HAUPTAMT,
        Pay::Monthly(S::Tvaoed, 1340, 1490),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::Apprenticeship,
        C::BauhofTechnik,
        "Ausbildung Fachkraft für Straßen- und Verkehrstechnik (m/w/d) {year}",
        BAUAMT,
        Pay::Monthly(S::Tvaoed, 1340, 1490),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::Apprenticeship,
        C::BauhofTechnik,
        "Ausbildung Gärtner Garten- und Landschaftsbau (m/w/d) {year}",
        BAUAMT,
        Pay::Monthly(S::Tvaoed, 1340, 1490),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::Apprenticeship,
        C::ItDigitales,
        "Ausbildung Fachinformatiker Systemintegration (m/w/d) {year}",
        HAUPTAMT,
        Pay::Monthly(S::Tvaoed, 1340, 1490),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::Apprenticeship,
        C::BibliothekKultur,
        "Ausbildung Fachangestellte für Medien- und Informationsdienste (m/w/d) {year}",
        &["Gemeindebibliothek"],
        Pay::Monthly(S::Tvaoed, 1340, 1490),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::Apprenticeship,
        C::KitaErziehung,
        "Praxisintegrierte Ausbildung Erzieher (m/w/d) {year}",
        KITA,
        Pay::Monthly(S::Tvaoed, 1440, 1590),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::DualStudy,
        C::Verwaltung,
        "Duales Studium Public Management (B.A.) {year}",
        HAUPTAMT,
        Pay::Monthly(S::Tvaoed, 1580, 1580),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::DualStudy,
        C::Soziales,
        "Duales Studium Soziale Arbeit (B.A.) {year}",
        &["Jugend und Soziales"],
        Pay::Monthly(S::Tvaoed, 1580, 1580),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::DualStudy,
        C::BauhofTechnik,
        "Duales Studium Bauingenieurwesen (B.Eng.) {year}",
        BAUAMT,
        Pay::Monthly(S::Tvaoed, 1580, 1580),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::DualStudy,
        C::ItDigitales,
        "Duales Studium Verwaltungsinformatik (B.Sc.) {year}",
        HAUPTAMT,
        Pay::Monthly(S::Tvaoed, 1580, 1580),
        TRAINEE_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::Internship,
        C::BauhofTechnik,
        "Praktikum Stadtplanung und Bauleitplanung",
        BAUAMT,
        Pay::Monthly(S::Other, 520, 520),
        ADMIN_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::Internship,
        C::Verwaltung,
        "Praktikum Öffentlichkeitsarbeit und Social Media",
        HAUPTAMT,
        Pay::Monthly(S::Other, 520, 520),
        ADMIN_TASKS,
        TRAINEE_PROFILE,
    ),
    t(
        K::Internship,
        C::KitaErziehung,
        "Pflichtpraktikum Erzieherausbildung in der Kita {kita}",
        KITA,
        Pay::Unpaid,
        KITA_TASKS,
        VOLUNTEER_PROFILE,
    ),
    t(
        K::Internship,
        C::Verwaltung,
        "Schülerpraktikum im Rathaus",
        NONE,
        Pay::Unpaid,
        VOLUNTEER_TASKS,
        VOLUNTEER_PROFILE,
    ),
    t(
        K::VolunteerService,
        C::KitaErziehung,
        "Bundesfreiwilligendienst in der Kita {kita}",
        KITA,
        Pay::Monthly(S::Other, 450, 604),
        VOLUNTEER_TASKS,
        VOLUNTEER_PROFILE,
    ),
    t(
        K::VolunteerService,
        C::Soziales,
        "Freiwilliges Soziales Jahr im Jugendclub",
        &["Jugend und Soziales"],
        Pay::Monthly(S::Other, 450, 604),
        VOLUNTEER_TASKS,
        VOLUNTEER_PROFILE,
    ),
    t(
        K::VolunteerService,
        C::BauhofTechnik,
        "Bundesfreiwilligendienst im Bauhof",
        BAUAMT,
        Pay::Monthly(S::Other, 450, 604),
        VOLUNTEER_TASKS,
        VOLUNTEER_PROFILE,
    ),
    t(
        K::VolunteerService,
        C::BibliothekKultur,
        "FSJ Kultur in der Gemeindebibliothek",
        &["Gemeindebibliothek"],
        Pay::Monthly(S::Other, 450, 604),
        VOLUNTEER_TASKS,
        VOLUNTEER_PROFILE,
    ),
    t(
        K::VolunteerService,
        C::FeuerwehrOrdnung,
        "Bundesfreiwilligendienst bei der Freiwilligen Feuerwehr",
        ORDNUNGSAMT,
        Pay::Monthly(S::Other, 450, 604),
        VOLUNTEER_TASKS,
        VOLUNTEER_PROFILE,
    ),
];

const KITAS: &[&str] = &[
    "Sonnenschein",
    "Pusteblume",
    "Regenbogen",
    "Spatzennest",
    "Waldwichtel",
    "Parthezwerge",
    "Löwenzahn",
];
const FIRST_NAMES: &[&str] = &[
    "Anja", "Katrin", "Sandra", "Thomas", "Michael", "Sabine", "Jens", "Ulrike", "Steffen",
    "Claudia", "Andreas", "Juliane",
];
const LAST_NAMES: &[&str] = &[
    "Müller", "Schmidt", "Richter", "Wolf", "Krause", "Lehmann", "Köhler", "Hoffmann", "Neumann",
    "Vogel", "Seidel", "Günther",
];
const STATIONS: &[&str] = &[
    "Bürgerbüro",
    "Standesamt",
    "Kämmerei",
    "Bauamt",
    "Ordnungsamt",
    "Bauhof",
    "Personalamt",
    "Kita-Verwaltung",
    "IT-Service",
];
const BENEFITS: &[&str] = &[
    "Bezahlung nach Tarif mit Jahressonderzahlung und Leistungsentgelt",
    "30 Tage Urlaub sowie arbeitsfrei am 24. und 31. Dezember",
    "betriebliche Altersvorsorge (ZVK Sachsen)",
    "flexible Arbeitszeiten und die Möglichkeit zum mobilen Arbeiten",
    "Zuschuss zum Deutschlandticket als Jobticket",
    "Fort- und Weiterbildung im Verbund der Partheland-Kommunen",
    "betriebliches Gesundheitsmanagement und Fahrradleasing",
    "ein kollegiales Team in einer familienfreundlichen Gemeinde",
];

/// Made-up details the member table does not hold: reference prefix and telephone area code.
fn local_details(m: &Municipality) -> (String, &'static str) {
    let (prefix, area) = match m.slug.as_str() {
        "borsdorf" => ("BOR", "034291"),
        "brandis" => ("BRA", "034292"),
        "grosspoesna" => ("GRP", "034297"),
        "naunhof" => ("NAU", "034293"),
        "belgershain" => ("BEL", "034347"),
        "parthenstein" => ("PAR", "034293"),
        "machern" => ("MAC", "034292"),
        other => {
            return (
                other.chars().take(3).collect::<String>().to_uppercase(),
                "0341",
            );
        }
    };
    (prefix.to_owned(), area)
}

/// The municipality's postcode; one of the region for a municipality that has none yet, so the
/// demo postings still pass validation.
fn postcode_of(m: &Municipality) -> String {
    if m.postcode.is_empty() {
        "04451".to_owned()
    } else {
        m.postcode.clone()
    }
}

fn domain_of(m: &Municipality) -> String {
    url::Url::parse(&m.website)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_owned())
        })
        .unwrap_or_else(|| format!("{}.de", m.slug))
}

fn pick<'a>(rng: &mut fastrand::Rng, items: &'a [&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

/// `count` distinct items of `items` in their original order.
fn some<'a>(rng: &mut fastrand::Rng, items: &'a [&'a str], count: usize) -> Vec<&'a str> {
    let mut chosen: Vec<usize> = (0..items.len()).collect();
    rng.shuffle(&mut chosen);
    chosen.truncate(count.min(items.len()));
    chosen.sort_unstable();
    chosen.into_iter().map(|i| items[i]).collect()
}

fn bullets(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("- {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn german_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} und {last}", rest.join(", ")),
    }
}

fn add_days(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

/// The next 1 August (training year) after `day`.
fn training_start(day: NaiveDate) -> NaiveDate {
    let year = if day.month() < 7 {
        day.year()
    } else {
        day.year() + 1
    };
    NaiveDate::from_ymd_opt(year, 8, 1).unwrap_or(day)
}

fn make(
    rng: &mut fastrand::Rng,
    index: u64,
    members: &[Municipality],
    today: NaiveDate,
) -> DemoPosting {
    let owner = &members[rng.usize(..members.len())];
    let template = &TEMPLATES[rng.usize(..TEMPLATES.len())];
    let (prefix, area) = local_details(owner);
    let domain = domain_of(owner);
    let deadline = add_days(today, rng.u64(7..=75));
    let training = matches!(template.kind, K::Apprenticeship | K::DualStudy);

    let start_date = match template.kind {
        K::Apprenticeship | K::DualStudy => Some(training_start(deadline)),
        K::Internship => Some(add_days(deadline, rng.u64(14..=60))),
        K::VolunteerService => Some(add_days(deadline, rng.u64(21..=45))),
        K::Job => (rng.u8(..10) >= 4).then(|| add_days(deadline, rng.u64(30..=90))),
    };
    let begins = start_date.unwrap_or(deadline);
    let (contract, contract_end_date) = match template.kind {
        K::Apprenticeship | K::DualStudy => (Contract::FixedTerm, Some(add_days(begins, 3 * 365))),
        K::Internship => (Contract::FixedTerm, Some(add_days(begins, 90))),
        K::VolunteerService => (Contract::FixedTerm, Some(add_days(begins, 364))),
        K::Job => match rng.u8(..10) {
            0..=6 => (Contract::Permanent, None),
            7 | 8 => (Contract::FixedTerm, Some(add_days(begins, 2 * 365))),
            _ => (
                Contract::FixedTermExtensionOption,
                Some(add_days(begins, 365)),
            ),
        },
    };
    let (employment, weekly_hours) = match (template.kind, rng.u8(..10)) {
        (K::Job, 0 | 1) => (Employment::PartTime, Some(f64::from(rng.u8(20..=32)))),
        (K::Job, 2) => (Employment::Either, Some(39.0)),
        (K::VolunteerService, 0..=2) => (Employment::PartTime, Some(25.0)),
        _ => (Employment::FullTime, Some(39.0)),
    };
    let (pay_scheme, pay_grade_from, pay_grade_to, pay_monthly_min_eur, pay_monthly_max_eur) =
        match template.pay {
            Pay::Grades(scheme, from, to) => (
                scheme,
                Some(from.to_owned()),
                Some(to.to_owned()),
                None,
                None,
            ),
            Pay::Monthly(scheme, min, max) => (scheme, None, None, Some(min), Some(max)),
            Pay::Unpaid => (PayScheme::Other, None, None, None, None),
        };

    let mut partners = Vec::new();
    if training && members.len() > 1 && rng.u8(..10) < 7 {
        let mut others: Vec<&Municipality> = members.iter().filter(|m| m.id != owner.id).collect();
        rng.shuffle(&mut others);
        others.truncate(rng.usize(1..=3.min(others.len())));
        others.sort_by_key(|m| m.id);
        for m in others {
            let stations = some(rng, STATIONS, 3);
            partners.push((
                m.name.as_str(),
                PartnerDraft {
                    municipality_id: m.id,
                    note: Some(format!("Stationen: {}", stations.join(", "))),
                },
            ));
        }
    }
    let kita = pick(rng, KITAS);
    let mut title = template.title.replace("{kita}", kita).replace(
        "{year}",
        &start_date
            .map_or(today.year() + 1, |d| d.year())
            .to_string(),
    );
    if !partners.is_empty() {
        let names: Vec<&str> = partners.iter().map(|(n, _)| *n).collect();
        title = format!("{title} – im Verbund mit {}", german_list(&names));
    }

    let department =
        (!template.departments.is_empty()).then(|| pick(rng, template.departments).to_owned());
    let reference_number = format!("{prefix}-{}-{:05}", today.year(), index + 1);
    let contact = format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES));
    let extension = rng.u16(100..=299);
    let description = format!(
        "Die {kind} {name} im Partheland – zwischen Leipzig und der Parthenaue – sucht {when} Verstärkung. \
         {shared}Wir freuen uns über Bewerbungen von Menschen jeden Alters, Geschlechts und jeder Herkunft; \
         schwerbehinderte Bewerberinnen und Bewerber werden bei gleicher Eignung bevorzugt berücksichtigt.",
        kind = if matches!(owner.slug.as_str(), "brandis" | "naunhof") {
            "Stadt"
        } else {
            "Gemeinde"
        },
        name = owner.name,
        when = if start_date.is_none() {
            "ab sofort"
        } else {
            "zum nächstmöglichen Zeitpunkt"
        },
        shared = if partners.is_empty() {
            String::new()
        } else {
            "Die Ausbildung findet im Verbund mehrerer Partheland-Kommunen statt: Sie lernen die Verwaltungen \
             aller Partner kennen. "
                .to_owned()
        },
    );
    let apply_choice = rng.u8(..10);
    let apply_url = (apply_choice < 7).then(|| {
        format!(
            "https://www.{domain}/karriere/{}",
            reference_number.to_lowercase()
        )
    });
    let apply_email = (apply_choice >= 5).then(|| format!("bewerbung@{domain}"));

    let task_count = 3 + rng.usize(..2);
    let benefit_count = 4 + rng.usize(..3);
    let draft = PostingDraft {
        kind: template.kind,
        reference_number,
        title,
        department,
        category: template.category,
        employment,
        weekly_hours,
        contract,
        contract_end_date,
        pay_scheme,
        pay_grade_from,
        pay_grade_to,
        pay_monthly_min_eur,
        pay_monthly_max_eur,
        location_place: owner.place.clone(),
        location_postcode: postcode_of(owner),
        latitude: Some(owner.latitude + (rng.f64() - 0.5) * 0.02),
        longitude: Some(owner.longitude + (rng.f64() - 0.5) * 0.02),
        start_date,
        application_deadline: deadline,
        description,
        tasks: bullets(&some(rng, template.tasks, task_count)),
        profile: bullets(&some(rng, template.profile, 3)),
        benefits: bullets(&some(rng, BENEFITS, benefit_count)),
        contact_name: Some(contact),
        contact_phone: Some(format!("{area} {}-{extension}", rng.u8(10..=99))),
        contact_email: Some(format!("personal@{domain}")),
        apply_url,
        apply_email,
        partners: partners.into_iter().map(|(_, p)| p).collect(),
    };
    let days_to_deadline = (deadline - today).num_days().max(2) as u32;
    let plan = match rng.u8(..100) {
        0..=84 => Plan::Publish,
        85..=90 => Plan::Draft,
        91..=95 => Plan::Schedule {
            in_days: rng.u32(1..=10.min(days_to_deadline - 1)),
        },
        _ => Plan::Archive,
    };
    DemoPosting {
        owner_id: owner.id,
        draft,
        plan,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
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
