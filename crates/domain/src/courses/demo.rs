//! Demo courses for a new installation: a realistic year of joint training, dates relative to
//! the day of seeding, some already with registrations and a waiting list.

use chrono::{DateTime, Days, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, TransactionTrait};

use super::draft::{CourseDraft, QuotaDraft, SessionDraft};
use super::mutations::{self, CourseAction};
use super::registrations::{self, RegistrationDraft};
use super::types::CourseCategory;
use crate::actor::Actor;
use crate::entities::course;
use crate::error::DomainResult;
use crate::municipalities;

struct Template {
    provider: &'static str,
    partners: &'static [&'static str],
    title: &'static str,
    category: CourseCategory,
    target_group: &'static str,
    description: &'static str,
    seats: i32,
    cost_cents: i32,
    /// Days from today to the first session; sessions follow weekly.
    first_in_days: u64,
    sessions: u64,
    hours: (u32, u32),
    place: &'static str,
    registrations: usize,
}

const TEMPLATES: &[Template] = &[
    Template {
        provider: "brandis",
        partners: &["naunhof", "machern"],
        title: "Motorsägenlehrgang Modul A",
        category: CourseCategory::BauhofTechnik,
        target_group: "Beschäftigte der Bauhöfe",
        description: "Sicherer Umgang mit der **Motorsäge** nach DGUV Information 214-059: Technik, Wartung, Schnitttechniken und Unfallverhütung. Schutzausrüstung bitte mitbringen.",
        seats: 10,
        cost_cents: 18_000,
        first_in_days: 24,
        sessions: 2,
        hours: (7, 15),
        place: "Bauhof Brandis, Am Wasserturm 2, 04821 Brandis",
        registrations: 12,
    },
    Template {
        provider: "naunhof",
        partners: &[],
        title: "Erste Hilfe – Auffrischung für Ersthelfende",
        category: CourseCategory::Soziales,
        target_group: "Betriebliche Ersthelferinnen und Ersthelfer aller Kommunen",
        description: "Auffrischung nach DGUV Vorschrift 1: Herz-Lungen-Wiederbelebung, Defibrillator, Wundversorgung und Notruf.",
        seats: 16,
        cost_cents: 0,
        first_in_days: 17,
        sessions: 1,
        hours: (8, 16),
        place: "Rathaus Naunhof, Markt 1, Ratssaal",
        registrations: 9,
    },
    Template {
        provider: "grosspoesna",
        partners: &["belgershain", "parthenstein"],
        title: "Digitale Akte: Einführung in das Dokumentenmanagement",
        category: CourseCategory::Digitales,
        target_group: "Beschäftigte der Verwaltung mit Aktenführung",
        description: "Grundlagen der elektronischen Aktenführung: Ablage, Aktenplan, Fristen und Zugriffsrechte. Mit Übungen am eigenen Arbeitsplatzsystem.",
        seats: 12,
        cost_cents: 4_500,
        first_in_days: 31,
        sessions: 3,
        hours: (9, 12),
        place: "Gemeindeamt Großpösna, Im Rittergut 1",
        registrations: 4,
    },
    Template {
        provider: "borsdorf",
        partners: &["brandis"],
        title: "Atemschutzgeräteträger – jährliche Unterweisung",
        category: CourseCategory::Feuerwehr,
        target_group: "Atemschutzgeräteträger der Freiwilligen Feuerwehren",
        description: "Jährliche Unterweisung und Belastungsübung nach FwDV 7 in der Atemschutzübungsstrecke.",
        seats: 20,
        cost_cents: 0,
        first_in_days: 38,
        sessions: 1,
        hours: (9, 15),
        place: "Feuerwehrgerätehaus Borsdorf, Leipziger Straße 20",
        registrations: 6,
    },
    Template {
        provider: "machern",
        partners: &[],
        title: "Bürgerfreundlich schreiben",
        category: CourseCategory::Verwaltung,
        target_group: "Beschäftigte mit Schriftverkehr an Bürgerinnen und Bürger",
        description: "Bescheide und Briefe verständlich formulieren: kurze Sätze, klare Struktur, Leichte Sprache in der Verwaltung.",
        seats: 14,
        cost_cents: 6_000,
        first_in_days: 45,
        sessions: 2,
        hours: (9, 13),
        place: "Rathaus Machern, Schlossplatz 1",
        registrations: 0,
    },
    Template {
        provider: "belgershain",
        partners: &["naunhof"],
        title: "Spielplatzprüfung nach DIN EN 1176",
        category: CourseCategory::BauhofTechnik,
        target_group: "Beschäftigte, die Spielplätze kontrollieren",
        description: "Visuelle Routine- und operative Inspektion von Spielplätzen, Dokumentation und Mängelbewertung.",
        seats: 8,
        cost_cents: 25_000,
        first_in_days: 52,
        sessions: 2,
        hours: (8, 16),
        place: "Gemeindeverwaltung Belgershain, Hauptstraße 32",
        registrations: 3,
    },
];

/// Create the demo courses unless any course exists; returns how many were created.
pub async fn seed<C>(db: &C, now: DateTime<Utc>) -> DomainResult<u64>
where
    C: ConnectionTrait + TransactionTrait,
{
    if course::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let members = municipalities::list(db).await?;
    let id = |slug: &str| members.iter().find(|m| m.slug == slug).map(|m| m.id);
    let actor = Actor::system("seed");
    let today = crate::berlin::today(now);
    let mut created = 0;
    for t in TEMPLATES {
        let Some(provider) = id(t.provider) else {
            continue;
        };
        let first = today + Days::new(t.first_in_days);
        let time = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        let partners: Vec<i64> = t.partners.iter().filter_map(|p| id(p)).collect();
        let draft = CourseDraft {
            title: t.title.to_owned(),
            category: t.category,
            target_group: t.target_group.to_owned(),
            description: t.description.to_owned(),
            seats: t.seats,
            registration_deadline: first - Days::new(7),
            cost_cents: t.cost_cents,
            contact_email: None,
            quotas: partners
                .first()
                .map(|&m| {
                    vec![QuotaDraft {
                        municipality_id: m,
                        seats: (t.seats / 2).max(1),
                    }]
                })
                .unwrap_or_default(),
            partners,
            sessions: (0..t.sessions)
                .map(|i| SessionDraft {
                    day: first + Days::new(7 * i),
                    start: time(t.hours.0),
                    end: time(t.hours.1),
                    place: t.place.to_owned(),
                })
                .collect(),
        };
        let c = mutations::create_course(db, provider, draft, &actor, now).await?;
        let (c, _) =
            mutations::change_status(db, c.id, c.version, CourseAction::Open, &actor, now).await?;
        for n in 0..t.registrations {
            let from = &members[n % members.len()];
            registrations::register(
                db,
                c.id,
                from.id,
                RegistrationDraft {
                    name: format!("Beschäftigte {} {}", from.name, n + 1),
                    email: format!("teilnahme{}@{}.example", n + 1, from.slug),
                    note: None,
                },
                &actor,
                now,
            )
            .await?;
        }
        created += 1;
    }
    Ok(created)
}
