//! How postings are shown: German texts for kinds, pay, working time and deadlines.

use chrono::{DateTime, NaiveDate, Utc};
use jobboard_domain::berlin;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::queries::Posting;
use jobboard_domain::postings::{Employment, PayScheme};
use jobboard_search::Hit;

/// A posting in a list.
pub struct Card {
    pub slug: String,
    pub title_html: String,
    pub snippet_html: String,
    pub municipality: String,
    pub partners: String,
    pub kind: &'static str,
    pub employment: String,
    pub pay: String,
    pub deadline: String,
    pub distance: String,
}

/// Cards for search hits in their order, from the index alone (no database read); names of the
/// municipalities come from the members list.
pub fn cards(members: &[Municipality], hits: &[Hit], now: DateTime<Utc>) -> Vec<Card> {
    let name = |id: i64| {
        members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.as_str())
            .unwrap_or_default()
    };
    hits.iter()
        .map(|h| {
            let (owner, partners) = h.municipality_ids.split_first().unwrap_or((&0, &[]));
            let partners: Vec<&str> = partners.iter().map(|id| name(*id)).collect();
            Card {
                slug: h.slug.clone(),
                title_html: h.title_html.clone(),
                snippet_html: h.snippet_html.clone(),
                municipality: name(*owner).to_owned(),
                partners: list_de(&partners),
                kind: h.kind.label(),
                employment: employment_label(h.employment, h.weekly_hours),
                pay: pay_label(&Pay {
                    scheme: h.pay_scheme,
                    grade_from: h.pay_grade_from.as_deref(),
                    grade_to: h.pay_grade_to.as_deref(),
                    monthly_min_eur: h.pay_monthly_min_eur,
                    monthly_max_eur: h.pay_monthly_max_eur,
                }),
                deadline: deadline_text(h.deadline, now),
                distance: h
                    .distance_km
                    .map(|d| format!("{} km entfernt", format_decimal(d, 1)))
                    .unwrap_or_default(),
            }
        })
        .collect()
}

pub fn list_de<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} und {}", rest.join(", "), last.as_ref())
        }
    }
}

pub fn employment_text(p: &Posting) -> String {
    employment_label(p.employment, p.weekly_hours)
}

fn employment_label(employment: Employment, weekly_hours: Option<f64>) -> String {
    match (employment, weekly_hours) {
        (e, Some(h)) if e != Employment::Either || h > 0.0 => {
            format!("{}, {} Std./Woche", e.label(), format_decimal(h, 1))
        }
        (e, _) => e.label().to_owned(),
    }
}

/// What is known about the pay of a posting.
struct Pay<'a> {
    scheme: PayScheme,
    grade_from: Option<&'a str>,
    grade_to: Option<&'a str>,
    monthly_min_eur: Option<i32>,
    monthly_max_eur: Option<i32>,
}

/// "EG 8 bis EG 9a (TVöD-VKA)", "1.340 bis 1.490 € im Monat (TVAöD)", or "" when nothing is known.
pub fn pay_text(p: &Posting) -> String {
    pay_label(&Pay {
        scheme: p.pay_scheme,
        grade_from: p.pay_grade_from.as_deref(),
        grade_to: p.pay_grade_to.as_deref(),
        monthly_min_eur: p.pay_monthly_min_eur,
        monthly_max_eur: p.pay_monthly_max_eur,
    })
}

fn pay_label(p: &Pay<'_>) -> String {
    let scheme = p.scheme;
    let grades = match (p.grade_from, p.grade_to) {
        (Some(a), Some(b)) if a != b => Some(format!(
            "{} bis {}",
            scheme.grade_label(a),
            scheme.grade_label(b)
        )),
        (Some(a), _) => Some(scheme.grade_label(a)),
        _ => None,
    };
    let money = match (p.monthly_min_eur, p.monthly_max_eur) {
        (Some(a), Some(b)) if a != b => Some(format!("{} bis {} € im Monat", euro(a), euro(b))),
        (Some(a), _) | (None, Some(a)) => Some(format!("{} € im Monat", euro(a))),
        _ => None,
    };
    let amount = [grades, money]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    match (amount.is_empty(), scheme) {
        (true, PayScheme::Other) => String::new(),
        (true, s) => s.label().to_owned(),
        (false, PayScheme::Other) => amount,
        (false, s) => format!("{amount} ({})", s.label()),
    }
}

pub fn euro(v: i32) -> String {
    let digits = v.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

pub fn format_decimal(v: f64, places: usize) -> String {
    let s = format!("{v:.places$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    s.replace('.', ",")
}

/// "bis 15.12.2026 (noch 24 Tage)".
pub fn deadline_text(deadline: NaiveDate, now: DateTime<Utc>) -> String {
    let left = match berlin::days_left(deadline, now) {
        ..=-1 => "abgelaufen".to_owned(),
        0 => "heute letzter Tag".to_owned(),
        1 => "noch 1 Tag".to_owned(),
        n => format!("noch {n} Tage"),
    };
    format!("bis {} ({left})", berlin::format_date(deadline))
}
