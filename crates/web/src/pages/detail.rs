//! A posting's own page, with schema.org JobPosting data for search engines. A posting whose
//! deadline is over or that was archived answers 410 with a page saying so; one that was never
//! public is 404.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Berlin;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::queries::{self, Posting};
use jobboard_domain::postings::{Contract, Employment, PostingKind, PostingStatus};
use jobboard_domain::stats::{CountEvent, SOURCE_PARAM, TrafficSource};
use jobboard_domain::{berlin, markdown};
use jobboard_search::{Hit, SearchIndex, SearchQuery};
use serde_json::{Value, json};

use crate::page::{Meta, Section, render_status};
use crate::search_params::SearchParam;
use crate::stats::Visit;
use crate::view::{self, Card, cards};
use crate::{AppError, AppResult, AppState};

pub struct Partner {
    pub name: String,
    pub slug: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "pages/detail.html")]
struct DetailPage {
    meta: Meta,
    p: Posting,
    owner: Municipality,
    partners: Vec<Partner>,
    kind: &'static str,
    category: &'static str,
    employment: String,
    contract: String,
    pay: String,
    start: String,
    deadline: String,
    published: String,
    description_html: String,
    tasks_html: String,
    profile_html: String,
    benefits_html: String,
    /// Empty unless the posting is public: a preview or an internal posting has none.
    json_ld: String,
    /// „Nur für Beschäftigte …“ while the posting is internal (only the workspace shows it).
    audience: String,
    related: Vec<Card>,
    /// `/stellen/{slug}/bewerben`, with the source of this view as `quelle` (so the click is
    /// credited to where the applicant came from); empty without an application channel.
    apply: String,
}

#[derive(Template)]
#[template(path = "pages/gone.html")]
struct GonePage {
    meta: Meta,
    title: String,
    owner: Municipality,
    similar: String,
}

pub async fn show_posting(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Visit(visit): Visit,
) -> AppResult<Response> {
    let now = Utc::now();
    let p = queries::find_by_slug(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = state.members().await?;
    let owner = members
        .iter()
        .find(|m| m.id == p.municipality_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    if !queries::is_publicly_visible(&p, now) {
        // An internal posting is not there for the public at all: "not found", as a draft.
        let was_public = !queries::is_internal_at(&p, now)
            && (matches!(p.status, PostingStatus::Published | PostingStatus::Expired)
                || (p.status == PostingStatus::Archived && p.published_at.is_some()));
        if !was_public {
            return Err(AppError::NotFound);
        }
        let page = GonePage {
            meta: Meta::new(
                &state.site,
                &format!("Nicht mehr ausgeschrieben: {}", p.title),
                "Diese Ausschreibung ist beendet.",
                None,
                Section::Jobs,
            ),
            similar: format!("/stellen?{}={}", SearchParam::Category, p.category.code()),
            title: p.title,
            owner,
        };
        return Ok(render_status(StatusCode::GONE, &page)?);
    }

    if let Some(source) = visit {
        state.counter.add(p.id, CountEvent::View, source);
    }
    render_page(&state, p, now, Apply::Counted(visit)).await
}

/// Where „Jetzt bewerben“ leads on a rendered detail page.
#[derive(Clone, Copy)]
enum Apply {
    /// The public page: through the counting route, with the view's source.
    Counted(Option<TrafficSource>),
    /// Not a public view (the HR preview, an internal posting in the workspace): straight to
    /// the posting's own application address or e-mail, not counted — the counting route
    /// answers only for publicly visible postings.
    Direct,
}

/// The public page of `p`, whatever its status (the HR preview shows it before publication,
/// the workspace an internal posting); „Jetzt bewerben“ leads straight to the application
/// address, uncounted.
pub async fn render_detail(
    state: &AppState,
    p: Posting,
    now: DateTime<Utc>,
) -> AppResult<Response> {
    render_page(state, p, now, Apply::Direct).await
}

async fn render_page(
    state: &AppState,
    p: Posting,
    now: DateTime<Utc>,
    apply: Apply,
) -> AppResult<Response> {
    let members = state.members().await?;
    let owner = members
        .iter()
        .find(|m| m.id == p.municipality_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let partners = confirmed_partners(state, &members, p.id).await?;
    let related_hits = related(state, &p, now).await;

    let path = format!("/stellen/{}", p.slug);
    let canonical = state.site.url(&path);
    let description_html = markdown::render(&p.description);
    let page = DetailPage {
        meta: Meta::new(
            &state.site,
            &format!("{} – {}", p.title, owner.name),
            &teaser(&p),
            Some(&path),
            Section::Jobs,
        ),
        json_ld: if queries::is_publicly_visible(&p, now) {
            json_ld(&p, &owner, &canonical, &description_html)
        } else {
            String::new()
        },
        audience: if queries::is_internal_at(&p, now) {
            match p.public_from {
                Some(day) => format!(
                    "Interne Stelle: nur für Beschäftigte der Partheland-Kommunen, öffentlich ab {}.",
                    berlin::format_date(day)
                ),
                None => "Interne Stelle: nur für Beschäftigte der Partheland-Kommunen.".to_owned(),
            }
        } else {
            String::new()
        },
        kind: p.kind.label(),
        category: p.category.label(),
        employment: view::employment_text(&p),
        contract: match (p.contract, p.contract_end_date) {
            (Contract::Permanent, _) => "unbefristet".into(),
            (c, Some(end)) => format!("{} bis {}", c.label(), berlin::format_date(end)),
            (c, None) => c.label().into(),
        },
        pay: view::pay_text(&p),
        start: p.start_date.map_or("ab sofort".into(), |d| {
            format!("ab {}", berlin::format_date(d))
        }),
        deadline: view::deadline_text(p.application_deadline, now),
        published: p
            .published_at
            .map(|t| berlin::format_date(berlin::today(t)))
            .unwrap_or_default(),
        description_html,
        tasks_html: markdown::render(&p.tasks),
        profile_html: markdown::render(&p.profile),
        benefits_html: markdown::render(&p.benefits),
        related: cards(&members, &related_hits, now),
        apply: match apply {
            Apply::Counted(source) => apply_link(&p, source),
            Apply::Direct => direct_apply_link(&p),
        },
        partners,
        owner,
        p,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

/// The partners that confirmed their part in a shared offer, with their station notes.
async fn confirmed_partners(
    state: &AppState,
    members: &[Municipality],
    posting_id: i64,
) -> AppResult<Vec<Partner>> {
    let rows = queries::partners_of(&state.db, posting_id).await?;
    Ok(rows
        .iter()
        .filter(|x| x.confirmed)
        .filter_map(|x| {
            let m = members.iter().find(|m| m.id == x.municipality_id)?;
            Some(Partner {
                name: m.name.clone(),
                slug: m.slug.clone(),
                note: x.note.clone().unwrap_or_default(),
            })
        })
        .collect())
}

/// How long the page waits for its "related postings" block before leaving it out.
const RELATED_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Up to three of the newest other postings in the same area. The posting itself is read from
/// the database, so an engine that is down or slow only costs this block, never the page: a
/// visitor from a feed, the BA or a member's website still reads the posting.
async fn related(state: &AppState, p: &Posting, now: DateTime<Utc>) -> Vec<Hit> {
    // One more than shown: the posting itself may be among them.
    let query = SearchQuery {
        categories: vec![p.category],
        per_page: 4,
        sort: jobboard_search::Sort::Newest,
        ..SearchQuery::new(now)
    };
    let found = match tokio::time::timeout(RELATED_WAIT, state.search.search(&query)).await {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, posting = p.id, "related postings left out: search failed");
            return Vec::new();
        }
        Err(_) => {
            tracing::warn!(posting = p.id, "related postings left out: search too slow");
            return Vec::new();
        }
    };
    found
        .hits
        .into_iter()
        .filter(|h| h.id != p.id)
        .take(3)
        .collect()
}

/// The „Jetzt bewerben“ address: the counting route, carrying where this view came from unless
/// that was the board itself (the click's Referer, the board's page, says so) or the view was
/// not counted. A view from elsewhere or nowhere ([`TrafficSource::Other`]) carries
/// `quelle=sonstige`, else the click would carry the board's page as Referer and count as
/// the board's.
fn apply_link(p: &Posting, source: Option<TrafficSource>) -> String {
    if p.apply_url.is_none() && p.apply_email.is_none() {
        return String::new();
    }
    let path = format!("/stellen/{}/bewerben", p.slug);
    match source {
        Some(s) if s != TrafficSource::Board => {
            format!("{path}?{SOURCE_PARAM}={}", s.param())
        }
        _ => path,
    }
}

/// „Jetzt bewerben“ where the counting route does not answer: the stored application address
/// (http or https only, as the route allows), else a `mailto:` to the application e-mail with
/// the Kennziffer as subject; empty without either.
fn direct_apply_link(p: &Posting) -> String {
    if let Some(url) = p
        .apply_url
        .as_deref()
        .map(str::trim)
        .filter(|u| jobboard_domain::stats::host_of(u).is_some())
    {
        return url.to_owned();
    }
    p.apply_email.as_deref().map_or_else(String::new, |mail| {
        format!(
            "{}?subject={}",
            jobboard_domain::mailbox::mailto(mail),
            p.reference_number
                .bytes()
                .map(
                    |b| if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                        char::from(b).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                )
                .collect::<String>()
        )
    })
}

fn teaser(p: &Posting) -> String {
    let text = markdown::to_plain_text(&p.description).replace('\n', " ");
    let mut out: String = text.chars().take(155).collect();
    if text.chars().count() > 155 {
        out.push('…');
    }
    out
}

fn berlin_iso(t: DateTime<Utc>) -> String {
    t.with_timezone(&Berlin)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// schema.org JobPosting as Google reads it; every value is also visible on the page.
fn json_ld(p: &Posting, owner: &Municipality, url: &str, description_html: &str) -> String {
    let mut employment: Vec<&str> = match p.kind {
        PostingKind::Internship => vec!["INTERN"],
        PostingKind::VolunteerService => vec!["VOLUNTEER"],
        _ => match p.employment {
            Employment::FullTime => vec!["FULL_TIME"],
            Employment::PartTime => vec!["PART_TIME"],
            Employment::Either => vec!["FULL_TIME", "PART_TIME"],
        },
    };
    if p.contract.is_fixed_term()
        && !employment.contains(&"INTERN")
        && !employment.contains(&"VOLUNTEER")
    {
        employment.push("TEMPORARY");
    }
    let mut organisation =
        json!({ "@type": "Organization", "name": owner.name, "sameAs": owner.website });
    if let Some(logo) = &owner.logo_url {
        organisation["logo"] = json!(logo);
    }
    let sections = [
        description_html.to_owned(),
        section("Ihre Aufgaben", &p.tasks),
        section("Ihr Profil", &p.profile),
        section("Wir bieten", &p.benefits),
    ]
    .concat();
    let mut ld = json!({
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": p.title,
        "description": sections,
        "identifier": { "@type": "PropertyValue", "name": owner.name, "value": p.reference_number },
        "datePosted": p.published_at.map(berlin_iso),
        // The last second of the deadline day in Berlin.
        "validThrough": berlin_iso(p.expires_at - chrono::Duration::seconds(1)),
        "employmentType": employment,
        "hiringOrganization": organisation,
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": p.location_place,
                "postalCode": p.location_postcode,
                "addressRegion": "Sachsen",
                "addressCountry": "DE"
            }
        },
        "directApply": false,
        "url": url,
    });
    if let Some(start) = p.start_date {
        ld["jobStartDate"] = json!(start.to_string());
    }
    if p.pay_monthly_min_eur.is_some() || p.pay_monthly_max_eur.is_some() {
        let mut value = json!({ "@type": "QuantitativeValue", "unitText": "MONTH" });
        match (p.pay_monthly_min_eur, p.pay_monthly_max_eur) {
            (Some(a), Some(b)) if a != b => {
                value["minValue"] = json!(a);
                value["maxValue"] = json!(b);
            }
            (Some(a), _) | (None, Some(a)) => value["value"] = json!(a),
            _ => {}
        }
        ld["baseSalary"] = json!({ "@type": "MonetaryAmount", "currency": "EUR", "value": value });
    }
    if let Some(h) = p.weekly_hours {
        ld["workHours"] = json!(format!("{} Stunden pro Woche", view::format_decimal(h, 1)));
    }
    // Inside <script>, "</" must not appear.
    serde_json::to_string(&ld)
        .unwrap_or_else(|_| Value::Null.to_string())
        .replace('<', "\\u003c")
}

fn section(heading: &str, markdown_text: &str) -> String {
    if markdown_text.trim().is_empty() {
        return String::new();
    }
    format!("<h2>{heading}</h2>{}", markdown::render(markdown_text))
}
