//! The answer form of the needs survey: one row per occupation, staff group and course type
//! the round asks about, every cell a count. Reading collects every problem at once; each is
//! shown beside its cell and in the summary, which names the row and the column. Only codes
//! of the round are read, so an unknown occupation never reaches the draft from this form
//! (the domain checks again).

use std::collections::HashMap;

use jobboard_domain::survey::catalog::Catalog;
use jobboard_domain::survey::draft::group_thousands;
use jobboard_domain::survey::{
    AnswerDraft, COUNT_MAX, CourseAnswer, GroupAnswer, LEAVER_YEARS, OccupationAnswer, Priority,
    START_YEARS, format_halves, parse_halves,
};

use super::Submitted;

/// One input of the form as the page shows it.
pub struct Cell {
    pub name: String,
    pub id: String,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
}

impl Cell {
    fn new(name: String, label: String, value: String, errors: &HashMap<String, String>) -> Self {
        Self {
            id: format!("f-{}", name.replace('.', "-")),
            error: errors.get(&name).cloned(),
            name,
            label,
            value,
        }
    }

    pub fn described_by(&self) -> String {
        if self.error.is_some() {
            format!("e-{}", self.id)
        } else {
            String::new()
        }
    }
}

pub struct OccupationRow {
    pub code: String,
    pub name: String,
    pub starts: Vec<Cell>,
    pub hosts_all: bool,
    pub stations: Cell,
    pub offers_lead: bool,
}

pub struct GroupRow {
    pub name: String,
    pub retiring: Vec<Cell>,
    pub other: Vec<Cell>,
    pub new_positions: Cell,
}

pub struct CourseRow {
    pub code: String,
    pub name: String,
    pub staff: Cell,
    pub priority: &'static str,
}

/// The form as the page shows it.
pub struct SurveyForm {
    pub occupations: Vec<OccupationRow>,
    pub groups: Vec<GroupRow>,
    pub courses: Vec<CourseRow>,
    pub years: Vec<i32>,
    pub leaver_years: Vec<i32>,
    /// `(anchor, message)` for the error summary.
    pub error_links: Vec<(String, String)>,
}

const NUMBER: &str = "Bitte eine ganze Zahl angeben, z. B. 2.";
const HALVES: &str = "Bitte eine Zahl in halben Plätzen angeben, z. B. 1 oder 0,5.";

/// The submitted values of a stored answer, to prefill the form.
pub fn submitted_of(d: &AnswerDraft) -> Submitted {
    let mut s = Submitted::default();
    for o in &d.occupations {
        for (i, h) in o.starts_halves.iter().enumerate() {
            s.set(format!("o.{}.s{}", o.occupation, i + 1), format_halves(*h));
        }
        if o.hosts_all {
            s.set(format!("o.{}.all", o.occupation), "1");
        }
        s.set(format!("o.{}.stations", o.occupation), o.stations.clone());
        if o.offers_lead {
            s.set(format!("o.{}.lead", o.occupation), "1");
        }
    }
    for g in &d.groups {
        for y in 0..LEAVER_YEARS {
            s.set(
                format!("g.{}.r{}", g.group, y + 1),
                g.retiring[y].to_string(),
            );
            s.set(format!("g.{}.o{}", g.group, y + 1), g.other[y].to_string());
        }
        s.set(format!("g.{}.new", g.group), g.new_positions.to_string());
    }
    for c in &d.courses {
        s.set(format!("c.{}.n", c.course_type), c.staff.to_string());
        s.set(format!("c.{}.p", c.course_type), c.priority.code());
    }
    s
}

struct Reader<'a> {
    s: &'a Submitted,
    errors: HashMap<String, String>,
    order: Vec<(String, String)>,
}

impl Reader<'_> {
    fn count(&mut self, name: String, what: &str, halves: bool) -> i32 {
        let raw = self.s.get(&name).trim();
        if raw.is_empty() {
            return 0;
        }
        let parsed = if halves {
            parse_halves(raw)
        } else {
            raw.parse::<i32>().ok()
        };
        let max = if halves { COUNT_MAX * 2 } else { COUNT_MAX };
        let message = match parsed {
            None => if halves { HALVES } else { NUMBER }.to_owned(),
            Some(v) if !(0..=max).contains(&v) => {
                format!(
                    "Bitte eine Zahl von 0 bis {} angeben.",
                    group_thousands(COUNT_MAX)
                )
            }
            Some(v) => return v,
        };
        self.fail(name, what, message);
        0
    }

    fn fail(&mut self, name: String, what: &str, message: String) {
        let anchor = format!("f-{}", name.replace('.', "-"));
        self.order.push((anchor, format!("{what}: {message}")));
        self.errors.insert(name, message);
    }
}

/// Read the form for a round asking about `catalog` from `year` on: the draft, and the
/// problems by input name with the summary in form order.
pub fn parse(
    s: &Submitted,
    catalog: &Catalog,
    year: i32,
) -> (AnswerDraft, HashMap<String, String>, Vec<(String, String)>) {
    let mut r = Reader {
        s,
        errors: HashMap::new(),
        order: Vec::new(),
    };
    let mut d = AnswerDraft::default();
    for o in &catalog.occupations {
        let mut starts = [0; START_YEARS];
        for (i, slot) in starts.iter_mut().enumerate() {
            let what = format!("{}, Beginn {}", o.name, year + i as i32);
            *slot = r.count(format!("o.{}.s{}", o.code, i + 1), &what, true);
        }
        d.occupations.push(OccupationAnswer {
            occupation: o.code.clone(),
            starts_halves: starts,
            hosts_all: !s.get(&format!("o.{}.all", o.code)).is_empty(),
            stations: s.get(&format!("o.{}.stations", o.code)).to_owned(),
            offers_lead: !s.get(&format!("o.{}.lead", o.code)).is_empty(),
        });
    }
    for g in &catalog.groups {
        let mut a = GroupAnswer {
            group: g.code.clone(),
            ..Default::default()
        };
        for y in 0..LEAVER_YEARS {
            let yr = year + y as i32;
            a.retiring[y] = r.count(
                format!("g.{}.r{}", g.code, y + 1),
                &format!("{}, Ruhestand {yr}", g.name),
                false,
            );
            a.other[y] = r.count(
                format!("g.{}.o{}", g.code, y + 1),
                &format!("{}, andere Abgänge {yr}", g.name),
                false,
            );
        }
        a.new_positions = r.count(
            format!("g.{}.new", g.code),
            &format!("{}, neue Stellen", g.name),
            false,
        );
        d.groups.push(a);
    }
    for c in &catalog.course_types {
        let staff = r.count(
            format!("c.{}.n", c.code),
            &format!("{}, Beschäftigte", c.name),
            false,
        );
        let priority =
            Priority::from_code(s.get(&format!("c.{}.p", c.code))).unwrap_or(Priority::Medium);
        d.courses.push(CourseAnswer {
            course_type: c.code.clone(),
            staff,
            priority,
        });
    }
    unknown_codes(&mut r, catalog);
    (d, r.errors, r.order)
}

/// The longest code an error message repeats.
const CODE_SHOWN_MAX: usize = 40;

/// Every submitted row the round does not ask about, once per code, as an error in the
/// summary (linked to its section): reading only the round's codes would drop it silently.
fn unknown_codes(r: &mut Reader, catalog: &Catalog) {
    let mut names: Vec<&str> = r.s.names().collect();
    names.sort_unstable();
    let mut reported: Vec<(&str, &str)> = Vec::new();
    for name in names {
        let Some((section, rest)) = name.split_once('.') else {
            continue;
        };
        let code = rest.rsplit_once('.').map_or(rest, |(code, _)| code);
        let (known, what, anchor) = match section {
            "o" => (
                catalog.occupation(code).is_some(),
                "Den Ausbildungsberuf",
                if catalog.occupations.is_empty() {
                    "antwort"
                } else {
                    "berufe"
                },
            ),
            "g" => (
                catalog.group(code).is_some(),
                "Die Beschäftigtengruppe",
                "abgaenge",
            ),
            "c" => (
                catalog.course_type(code).is_some(),
                "Die Lehrgangsart",
                if catalog.course_types.is_empty() {
                    "antwort"
                } else {
                    "lehrgangsbedarf"
                },
            ),
            _ => continue,
        };
        if known || reported.contains(&(section, code)) {
            continue;
        }
        reported.push((section, code));
        let mut shown: String = code.chars().take(CODE_SHOWN_MAX).collect();
        if shown.len() < code.len() {
            shown.push('…');
        }
        let message = format!(
            "{what} „{shown}“ fragt diese Bedarfsabfrage nicht ab. Bitte laden Sie das Formular neu; es wurde nichts gespeichert."
        );
        r.order.push((anchor.to_owned(), message.clone()));
        r.errors.insert(name.to_owned(), message);
    }
}

/// The form for `catalog` showing `s` with `errors` beside their cells.
pub fn form(
    s: &Submitted,
    catalog: &Catalog,
    year: i32,
    errors: &HashMap<String, String>,
    error_links: Vec<(String, String)>,
) -> SurveyForm {
    let cell = |name: String, label: String| {
        let value = s.get(&name).to_owned();
        Cell::new(name, label, value, errors)
    };
    SurveyForm {
        occupations: catalog
            .occupations
            .iter()
            .map(|o| OccupationRow {
                starts: (0..START_YEARS)
                    .map(|i| {
                        cell(
                            format!("o.{}.s{}", o.code, i + 1),
                            format!("Beginn {}", year + i as i32),
                        )
                    })
                    .collect(),
                hosts_all: !s.get(&format!("o.{}.all", o.code)).is_empty(),
                stations: cell(
                    format!("o.{}.stations", o.code),
                    "Stationen, die wir abdecken können".into(),
                ),
                offers_lead: !s.get(&format!("o.{}.lead", o.code)).is_empty(),
                code: o.code.clone(),
                name: o.name.clone(),
            })
            .collect(),
        groups: catalog
            .groups
            .iter()
            .map(|g| GroupRow {
                retiring: (0..LEAVER_YEARS)
                    .map(|y| {
                        cell(
                            format!("g.{}.r{}", g.code, y + 1),
                            format!("Ruhestand {}", year + y as i32),
                        )
                    })
                    .collect(),
                other: (0..LEAVER_YEARS)
                    .map(|y| {
                        cell(
                            format!("g.{}.o{}", g.code, y + 1),
                            format!("Andere Abgänge {}", year + y as i32),
                        )
                    })
                    .collect(),
                new_positions: cell(format!("g.{}.new", g.code), "Neue Stellen".into()),
                name: g.name.clone(),
            })
            .collect(),
        courses: catalog
            .course_types
            .iter()
            .map(|c| CourseRow {
                staff: cell(
                    format!("c.{}.n", c.code),
                    format!("{}: Beschäftigte", c.name),
                ),
                priority: Priority::from_code(s.get(&format!("c.{}.p", c.code)))
                    .unwrap_or(Priority::Medium)
                    .code(),
                code: c.code.clone(),
                name: c.name.clone(),
            })
            .collect(),
        years: (0..START_YEARS).map(|i| year + i as i32).collect(),
        leaver_years: (0..LEAVER_YEARS).map(|i| year + i as i32).collect(),
        error_links,
    }
}

/// `(code, label)` of every priority.
pub fn priorities() -> Vec<(&'static str, &'static str)> {
    Priority::ALL
        .iter()
        .map(|p| (p.code(), p.label()))
        .collect()
}
