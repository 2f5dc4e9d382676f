//! One demo posting from a random draw. The stages draw from the generator in a fixed order,
//! so a seed always yields the same postings.

use chrono::{Datelike, Days, NaiveDate};

use super::template::{self, Pay, Template};
use super::texts::{BENEFITS, FIRST_NAMES, KITAS, LAST_NAMES, STATIONS};
use super::{DemoPosting, Plan};
use crate::municipalities::Municipality;
use crate::postings::types::{Contract, Employment, PayScheme, PostingKind as K};
use crate::postings::{PartnerDraft, PostingDraft};

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

/// When and how long: the deadline, the start, the contract and the working time.
struct Terms {
    deadline: NaiveDate,
    start_date: Option<NaiveDate>,
    contract: Contract,
    contract_end_date: Option<NaiveDate>,
    employment: Employment,
    weekly_hours: Option<f64>,
}

fn terms(rng: &mut fastrand::Rng, kind: K, today: NaiveDate) -> Terms {
    let deadline = add_days(today, rng.u64(7..=75));
    let start_date = match kind {
        K::Apprenticeship | K::DualStudy => Some(training_start(deadline)),
        K::Internship => Some(add_days(deadline, rng.u64(14..=60))),
        K::VolunteerService => Some(add_days(deadline, rng.u64(21..=45))),
        K::Job => (rng.u8(..10) >= 4).then(|| add_days(deadline, rng.u64(30..=90))),
    };
    let begins = start_date.unwrap_or(deadline);
    let (contract, contract_end_date) = match kind {
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
    let (employment, weekly_hours) = match (kind, rng.u8(..10)) {
        (K::Job, 0 | 1) => (Employment::PartTime, Some(f64::from(rng.u8(20..=32)))),
        (K::Job, 2) => (Employment::Either, Some(39.0)),
        (K::VolunteerService, 0..=2) => (Employment::PartTime, Some(25.0)),
        _ => (Employment::FullTime, Some(39.0)),
    };
    Terms {
        deadline,
        start_date,
        contract,
        contract_end_date,
        employment,
        weekly_hours,
    }
}

/// Scheme, grades from and to, monthly minimum and maximum.
type PayFields = (
    PayScheme,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<i32>,
);

fn pay_fields(pay: Pay) -> PayFields {
    match pay {
        Pay::Grades(scheme, from, to) => (
            scheme,
            Some(from.to_owned()),
            Some(to.to_owned()),
            None,
            None,
        ),
        Pay::Monthly(scheme, min, max) => (scheme, None, None, Some(min), Some(max)),
        Pay::Unpaid => (PayScheme::Other, None, None, None, None),
    }
}

/// Most training offers are shared with one to three other members: their names and drafts.
fn partners<'m>(
    rng: &mut fastrand::Rng,
    training: bool,
    owner: &Municipality,
    members: &'m [Municipality],
) -> Vec<(&'m str, PartnerDraft)> {
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
    partners
}

fn title(
    rng: &mut fastrand::Rng,
    template: &Template,
    start_date: Option<NaiveDate>,
    today: NaiveDate,
    partner_names: &[&str],
) -> String {
    let kita = pick(rng, KITAS);
    let year = start_date.map_or(today.year() + 1, |d| d.year());
    let title = template
        .title
        .replace("{kita}", kita)
        .replace("{year}", &year.to_string());
    if partner_names.is_empty() {
        title
    } else {
        format!("{title} – im Verbund mit {}", german_list(partner_names))
    }
}

fn description(owner: &Municipality, start_date: Option<NaiveDate>, shared: bool) -> String {
    format!(
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
        shared = if shared {
            "Die Ausbildung findet im Verbund mehrerer Partheland-Kommunen statt: Sie lernen die Verwaltungen \
             aller Partner kennen. "
        } else {
            ""
        },
    )
}

/// What happens to the posting: mostly published, some drafts, scheduled or archived.
fn plan(rng: &mut fastrand::Rng, today: NaiveDate, deadline: NaiveDate) -> Plan {
    let days_to_deadline = (deadline - today).num_days().max(2) as u32;
    match rng.u8(..100) {
        0..=84 => Plan::Publish,
        85..=90 => Plan::Draft,
        91..=95 => Plan::Schedule {
            in_days: rng.u32(1..=10.min(days_to_deadline - 1)),
        },
        _ => Plan::Archive,
    }
}

pub(super) fn make(
    rng: &mut fastrand::Rng,
    index: u64,
    members: &[Municipality],
    today: NaiveDate,
) -> DemoPosting {
    let owner = &members[rng.usize(..members.len())];
    let template = template::template(rng.usize(..template::count()));
    let (prefix, area) = local_details(owner);
    let domain = domain_of(owner);
    let terms = terms(rng, template.kind, today);
    let training = matches!(template.kind, K::Apprenticeship | K::DualStudy);
    let partners = partners(rng, training, owner, members);
    let names: Vec<&str> = partners.iter().map(|(n, _)| *n).collect();
    let title = title(rng, template, terms.start_date, today, &names);
    let department =
        (!template.departments.is_empty()).then(|| pick(rng, template.departments).to_owned());
    let reference_number = format!("{prefix}-{}-{:05}", today.year(), index + 1);
    let contact = format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES));
    let extension = rng.u16(100..=299);
    let description = description(owner, terms.start_date, !partners.is_empty());
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
    let (pay_scheme, pay_grade_from, pay_grade_to, pay_monthly_min_eur, pay_monthly_max_eur) =
        pay_fields(template.pay);
    let draft = PostingDraft {
        kind: template.kind,
        reference_number,
        title,
        department,
        category: template.category,
        employment: terms.employment,
        weekly_hours: terms.weekly_hours,
        contract: terms.contract,
        contract_end_date: terms.contract_end_date,
        pay_scheme,
        pay_grade_from,
        pay_grade_to,
        pay_monthly_min_eur,
        pay_monthly_max_eur,
        location_place: owner.place.clone(),
        location_postcode: postcode_of(owner),
        latitude: Some(owner.latitude + (rng.f64() - 0.5) * 0.02),
        longitude: Some(owner.longitude + (rng.f64() - 0.5) * 0.02),
        start_date: terms.start_date,
        application_deadline: terms.deadline,
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
        internal: false,
        public_from: None,
    };
    DemoPosting {
        owner_id: owner.id,
        plan: plan(rng, today, terms.deadline),
        draft,
    }
}
