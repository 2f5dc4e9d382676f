//! How postings are shown: German texts for kinds, pay, working time and deadlines.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use jobboard_domain::berlin;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::queries::{self, Posting};
use jobboard_domain::postings::{Employment, PayScheme};
use jobboard_search::Hit;
use sea_orm::{ConnectionTrait, DbErr};

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

/// Cards for postings in the given order (search hits keep their highlights).
pub async fn cards(
    db: &impl ConnectionTrait,
    members: &[Municipality],
    hits: &[Hit],
    now: DateTime<Utc>,
) -> Result<Vec<Card>, DbErr> {
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let postings: HashMap<i64, Posting> = queries::find_many(db, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let partners = queries::confirmed_partners(db, &ids).await?;
    let name = |id: i64| {
        members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    Ok(hits
        .iter()
        .filter_map(|h| {
            // Gone from the database between search and display: leave it out.
            let p = postings.get(&h.id)?;
            Some(Card {
                slug: p.slug.clone(),
                title_html: h.title_html.clone(),
                snippet_html: h.snippet_html.clone(),
                municipality: name(p.municipality_id),
                partners: partners
                    .get(&p.id)
                    .map(|ids| list_de(&ids.iter().map(|i| name(*i)).collect::<Vec<_>>()))
                    .unwrap_or_default(),
                kind: p.kind.label(),
                employment: employment_text(p),
                pay: pay_text(p),
                deadline: deadline_text(p.application_deadline, now),
                distance: h
                    .distance_km
                    .map(|d| format!("{} km entfernt", format_decimal(d, 1)))
                    .unwrap_or_default(),
            })
        })
        .collect())
}

pub fn list_de(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} und {last}", rest.join(", ")),
    }
}

pub fn employment_text(p: &Posting) -> String {
    match (p.employment, p.weekly_hours) {
        (e, Some(h)) if e != Employment::Either || h > 0.0 => {
            format!("{}, {} Std./Woche", e.label(), format_decimal(h, 1))
        }
        (e, _) => e.label().to_owned(),
    }
}

/// "EG 8 bis EG 9a (TVöD-VKA)", "1.340 bis 1.490 € im Monat (TVAöD)", or "" when nothing is known.
pub fn pay_text(p: &Posting) -> String {
    let scheme = p.pay_scheme;
    let grades = match (p.pay_grade_from.as_deref(), p.pay_grade_to.as_deref()) {
        (Some(a), Some(b)) if a != b => Some(format!(
            "{} bis {}",
            scheme.grade_label(a),
            scheme.grade_label(b)
        )),
        (Some(a), _) => Some(scheme.grade_label(a)),
        _ => None,
    };
    let money = match (p.pay_monthly_min_eur, p.pay_monthly_max_eur) {
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
