//! A member's answer as its officers fill it in, and its validation: every problem at once, in
//! German, under the section it concerns (`occupations`, `groups`, `courses`), each message
//! naming the row and the year.

use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::{COUNT_MAX, LEAVER_YEARS, Priority, START_YEARS};
use crate::postings::validation::ValidationErrors;

/// Longest list of stations a member can host.
pub const STATIONS_MAX: usize = 500;

/// Everything one member answers in one round.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerDraft {
    pub occupations: Vec<OccupationAnswer>,
    pub groups: Vec<GroupAnswer>,
    pub courses: Vec<CourseAnswer>,
}

/// Starts wanted in one occupation and what the member can host.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccupationAnswer {
    pub occupation: String,
    /// Apprentices or dual students to start in the round's year and the two after, in half
    /// places (a member may need half a place and share it).
    pub starts_halves: [i32; START_YEARS],
    /// Hosts every station of the training.
    pub hosts_all: bool,
    /// The stations it can host when not all, separated by commas.
    pub stations: String,
    /// Would lead a shared place.
    pub offers_lead: bool,
}

impl OccupationAnswer {
    /// The stations it names, trimmed, without empty ones.
    pub fn station_list(&self) -> Vec<&str> {
        self.stations
            .split([',', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Expected leavers of a staff group per year, and planned new positions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAnswer {
    pub group: String,
    pub retiring: [i32; LEAVER_YEARS],
    pub other: [i32; LEAVER_YEARS],
    pub new_positions: i32,
}

/// Staff who need a course type this year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseAnswer {
    pub course_type: String,
    pub staff: i32,
    pub priority: Priority,
}

impl AnswerDraft {
    /// Rows in code order without duplicates, stations trimmed (and dropped when the member
    /// hosts every station).
    pub fn normalized(mut self) -> Self {
        use crate::text::clean;
        for o in &mut self.occupations {
            o.stations = if o.hosts_all {
                String::new()
            } else {
                o.station_list().join(", ")
            };
            o.stations = clean(&o.stations);
        }
        self.occupations
            .sort_by(|a, b| a.occupation.cmp(&b.occupation));
        self.occupations
            .dedup_by(|a, b| a.occupation == b.occupation);
        self.groups.sort_by(|a, b| a.group.cmp(&b.group));
        self.groups.dedup_by(|a, b| a.group == b.group);
        self.courses
            .sort_by(|a, b| a.course_type.cmp(&b.course_type));
        self.courses.dedup_by(|a, b| a.course_type == b.course_type);
        self
    }
}

/// Every problem with `d` for a round asking about `catalog`, starting in `year`.
pub fn validate(d: &AnswerDraft, catalog: &Catalog, year: i32) -> ValidationErrors {
    let mut e = ValidationErrors::default();
    let range = format!("zwischen 0 und {}", group_thousands(COUNT_MAX));
    for o in &d.occupations {
        let Some(known) = catalog.occupation(&o.occupation) else {
            e.add(
                "occupations",
                format!(
                    "Den Ausbildungsberuf „{}“ fragt diese Bedarfsabfrage nicht ab.",
                    o.occupation
                ),
            );
            continue;
        };
        for (i, &h) in o.starts_halves.iter().enumerate() {
            if !(0..=COUNT_MAX * 2).contains(&h) {
                e.add(
                    "occupations",
                    format!(
                        "{}, Beginn {}: Die Zahl der Plätze muss {range} liegen.",
                        known.name,
                        year + i as i32
                    ),
                );
            }
        }
        if o.stations.chars().count() > STATIONS_MAX {
            e.add(
                "occupations",
                format!(
                    "{}: Die Stationen dürfen höchstens {STATIONS_MAX} Zeichen lang sein.",
                    known.name
                ),
            );
        }
    }
    for g in &d.groups {
        let Some(known) = catalog.group(&g.group) else {
            e.add(
                "groups",
                format!("Die Beschäftigtengruppe „{}“ gibt es nicht.", g.group),
            );
            continue;
        };
        let years = g.retiring.iter().zip(&g.other).enumerate();
        for (i, (&r, &o)) in years {
            if !(0..=COUNT_MAX).contains(&r) || !(0..=COUNT_MAX).contains(&o) {
                e.add(
                    "groups",
                    format!(
                        "{}, {}: Die Zahl der Abgänge muss {range} liegen.",
                        known.name,
                        year + i as i32
                    ),
                );
            }
        }
        if !(0..=COUNT_MAX).contains(&g.new_positions) {
            e.add(
                "groups",
                format!(
                    "{}: Die Zahl der neuen Stellen muss {range} liegen.",
                    known.name
                ),
            );
        }
    }
    for c in &d.courses {
        let Some(known) = catalog.course_type(&c.course_type) else {
            e.add(
                "courses",
                format!(
                    "Die Lehrgangsart „{}“ fragt diese Bedarfsabfrage nicht ab.",
                    c.course_type
                ),
            );
            continue;
        };
        if !(0..=COUNT_MAX).contains(&c.staff) {
            e.add(
                "courses",
                format!(
                    "{}: Die Zahl der Beschäftigten muss {range} liegen.",
                    known.name
                ),
            );
        }
    }
    e
}

/// 1000 → "1.000".
pub fn group_thousands(n: i32) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::courses::CourseCategory;
    use crate::postings::types::{Category, PostingKind};
    use crate::survey::catalog::{CourseType, Occupation, StaffGroup};

    fn catalog() -> Catalog {
        Catalog {
            occupations: vec![Occupation {
                code: "vfa".into(),
                name: "Verwaltungsfachangestellte".into(),
                staff_group: "verwaltung".into(),
                category: Category::Verwaltung,
                kind: PostingKind::Apprenticeship,
                position: 1,
            }],
            groups: vec![StaffGroup {
                code: "verwaltung".into(),
                name: "Verwaltung".into(),
                position: 1,
            }],
            course_types: vec![CourseType {
                code: "motorsaege".into(),
                name: "Motorsäge".into(),
                category: CourseCategory::BauhofTechnik,
                position: 1,
            }],
        }
    }

    #[test]
    fn negative_absurd_and_unknown_entries_are_each_named_in_german() {
        let d = AnswerDraft {
            occupations: vec![
                OccupationAnswer {
                    occupation: "vfa".into(),
                    starts_halves: [2, -2, 2001],
                    ..Default::default()
                },
                OccupationAnswer {
                    occupation: "pilot".into(),
                    ..Default::default()
                },
            ],
            groups: vec![GroupAnswer {
                group: "verwaltung".into(),
                retiring: [0, 0, 1001, 0, 0],
                new_positions: -1,
                ..Default::default()
            }],
            courses: vec![CourseAnswer {
                course_type: "motorsaege".into(),
                staff: 5000,
                priority: Priority::High,
            }],
        };
        let e = validate(&d, &catalog(), 2027);
        let got: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field, f.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    "occupations",
                    "Verwaltungsfachangestellte, Beginn 2028: Die Zahl der Plätze muss zwischen 0 und 1.000 liegen."
                ),
                (
                    "occupations",
                    "Verwaltungsfachangestellte, Beginn 2029: Die Zahl der Plätze muss zwischen 0 und 1.000 liegen."
                ),
                (
                    "occupations",
                    "Den Ausbildungsberuf „pilot“ fragt diese Bedarfsabfrage nicht ab."
                ),
                (
                    "groups",
                    "Verwaltung, 2029: Die Zahl der Abgänge muss zwischen 0 und 1.000 liegen."
                ),
                (
                    "groups",
                    "Verwaltung: Die Zahl der neuen Stellen muss zwischen 0 und 1.000 liegen."
                ),
                (
                    "courses",
                    "Motorsäge: Die Zahl der Beschäftigten muss zwischen 0 und 1.000 liegen."
                ),
            ]
        );
    }

    #[test]
    fn a_thousand_is_the_most_and_stations_are_a_tidy_list() {
        let d = AnswerDraft {
            occupations: vec![OccupationAnswer {
                occupation: "vfa".into(),
                starts_halves: [2000, 0, 1],
                stations: " Bürgerbüro ;Kämmerei,, Bauamt ".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
        .normalized();
        assert!(validate(&d, &catalog(), 2027).is_empty());
        assert_eq!(d.occupations[0].stations, "Bürgerbüro, Kämmerei, Bauamt");
        assert_eq!(d.occupations[0].station_list().len(), 3);
        assert_eq!(group_thousands(1000), "1.000");
    }
}
