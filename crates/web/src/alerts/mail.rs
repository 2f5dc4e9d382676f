//! The mails of search alerts: confirmation (double opt-in), new postings (plain text and
//! HTML, no images, no tracking, links straight to the postings) and the question whether to
//! keep an alert after a year. Every mail carries a fresh management link; mails of the list
//! carry the one-click unsubscribe address (RFC 8058).

use askama::Template;
use chrono::{DateTime, Utc};
use jobboard_domain::alerts::{Frequency, SearchAlert};
use jobboard_domain::municipalities::Municipality;
use jobboard_mail::Email;
use jobboard_search::Hit;

use super::describe;
use crate::Site;
use crate::view::cards;

/// Postings listed in one mail; more are counted and linked to the search.
pub const MAX_ITEMS: usize = 20;

/// The addresses a mail of an alert links to, with token `token`.
pub struct Links {
    pub manage: String,
    pub unsubscribe: String,
}

impl Links {
    pub fn new(site: &Site, token: &str) -> Self {
        Self {
            manage: site.url(&format!("/suchauftrag/{token}")),
            unsubscribe: site.url(&format!("/suchauftrag/abmelden/{token}")),
        }
    }
}

#[derive(Template)]
#[template(path = "mail/alert_confirm.txt")]
struct ConfirmText<'a> {
    description: &'a str,
    scope: &'a str,
    frequency: &'a str,
    manage_url: &'a str,
    privacy_url: &'a str,
}

/// One posting in a mail.
pub struct MailItem {
    pub title: String,
    pub kind: &'static str,
    pub municipality: String,
    pub partners: String,
    pub employment: String,
    pub pay: String,
    pub deadline: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "mail/alert.txt")]
struct AlertText<'a> {
    headline: &'a str,
    description: &'a str,
    scope: &'a str,
    items: &'a [MailItem],
    more: usize,
    search_url: &'a str,
    frequency_text: &'a str,
    manage_url: &'a str,
    unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/alert.html")]
struct AlertHtml<'a> {
    headline: &'a str,
    description: &'a str,
    scope: &'a str,
    items: &'a [MailItem],
    more: usize,
    search_url: &'a str,
    frequency_text: &'a str,
    manage_url: &'a str,
    unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/alert_keep.txt")]
struct KeepText<'a> {
    description: &'a str,
    scope: &'a str,
    manage_url: &'a str,
    unsubscribe_url: &'a str,
}

fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "rendering an alert mail failed");
        String::new()
    })
}

/// The double opt-in mail: the search in words, the frequency, who processes the address and
/// why. No unsubscribe header: nothing is subscribed yet.
pub fn confirmation(
    site: &Site,
    members: &[Municipality],
    alert: &SearchAlert,
    token: &str,
) -> Email {
    let links = Links::new(site, token);
    let description = describe(alert.scope, &alert.query, members);
    let body = render(&ConfirmText {
        description: &description,
        scope: alert.scope.label(),
        frequency: alert.frequency.label(),
        manage_url: &links.manage,
        privacy_url: &site.url("/datenschutz#suchauftraege"),
    });
    Email {
        to: alert.email.clone(),
        subject: "Bitte bestätigen Sie Ihren Suchauftrag".into(),
        body,
        ..Email::default()
    }
}

/// The mail of new postings `hits` (newest first; the first [`MAX_ITEMS`] are listed).
pub fn new_postings(
    site: &Site,
    members: &[Municipality],
    alert: &SearchAlert,
    token: &str,
    hits: &[&Hit],
    now: DateTime<Utc>,
) -> Email {
    let links = Links::new(site, token);
    let description = describe(alert.scope, &alert.query, members);
    let listed: Vec<Hit> = hits.iter().take(MAX_ITEMS).map(|h| (*h).clone()).collect();
    let items: Vec<MailItem> = cards(members, &listed, now)
        .into_iter()
        .zip(&listed)
        .map(|(card, hit)| MailItem {
            title: hit.title.clone(),
            kind: card.kind,
            municipality: card.municipality,
            partners: card.partners,
            employment: card.employment,
            pay: card.pay,
            deadline: card.deadline,
            // `quelle=suchauftrag`: a view from the mail is counted as such (see `stats`).
            url: site.url(&format!(
                "/stellen/{}?{}={}",
                card.slug,
                jobboard_domain::stats::SOURCE_PARAM,
                jobboard_domain::stats::TrafficSource::Alert.param()
            )),
        })
        .collect();
    let headline = if hits.len() == 1 {
        "Ein neues Angebot".to_owned()
    } else {
        format!("{} neue Angebote", hits.len())
    };
    let search_url = if alert.query.is_empty() {
        site.url(alert.scope.path())
    } else {
        site.url(&format!("{}?{}", alert.scope.path(), alert.query))
    };
    let frequency_text = match alert.frequency {
        Frequency::Daily => "morgens",
        Frequency::Weekly => "montags",
    };
    let more = hits.len().saturating_sub(items.len());
    let scope = alert.scope.label();
    let (manage_url, unsubscribe_url) = (links.manage.as_str(), links.unsubscribe.as_str());
    let body = render(&AlertText {
        headline: &headline,
        description: &description,
        scope,
        items: &items,
        more,
        search_url: &search_url,
        frequency_text,
        manage_url,
        unsubscribe_url,
    });
    let html = render(&AlertHtml {
        headline: &headline,
        description: &description,
        scope,
        items: &items,
        more,
        search_url: &search_url,
        frequency_text,
        manage_url,
        unsubscribe_url,
    });
    let subject: String = format!("{headline}: {description}")
        .chars()
        .take(120)
        .collect();
    Email {
        to: alert.email.clone(),
        subject,
        body,
        html: Some(html),
        unsubscribe: Some(links.unsubscribe),
    }
}

/// After a year without confirmation or use: keep the alert?
pub fn keep_request(
    site: &Site,
    members: &[Municipality],
    alert: &SearchAlert,
    token: &str,
) -> Email {
    let links = Links::new(site, token);
    let description = describe(alert.scope, &alert.query, members);
    let body = render(&KeepText {
        description: &description,
        scope: alert.scope.label(),
        manage_url: &links.manage,
        unsubscribe_url: &links.unsubscribe,
    });
    Email {
        to: alert.email.clone(),
        subject: "Möchten Sie Ihren Suchauftrag behalten?".into(),
        body,
        html: None,
        unsubscribe: Some(links.unsubscribe),
    }
}
