//! A harvested item in a format-neutral shape, and how it becomes a posting draft.
//!
//! Feeds carry less than a posting needs. What is missing is guessed from the words of the
//! item (kind, category, full or part time) or filled with defaults: the municipality's main
//! postcode and name as the place, a permanent contract, "sonstige Vergütung" without figures,
//! and a deadline of `default_deadline_days` after the item was first seen. The default
//! deadline is fixed when the posting is created, so an unchanged item stays unchanged.

use chrono::NaiveDate;

use crate::municipalities::Municipality;
use crate::postings::validation::REFERENCE_MAX;
use crate::postings::{Category, Contract, Employment, PayScheme, PostingDraft, PostingKind};

/// One item of a source, as far as its format carries it. `guid` identifies it within the
/// source (the feed's id, else its link).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HarvestedItem {
    pub guid: String,
    pub title: String,
    /// Link to the item on the municipality's site; the application link when the item names
    /// neither an application link nor an address.
    pub url: Option<String>,
    /// Markdown (or plain text).
    pub description: String,
    pub tasks: Option<String>,
    pub profile: Option<String>,
    pub benefits: Option<String>,
    pub reference_number: Option<String>,
    pub kind: Option<PostingKind>,
    pub category: Option<Category>,
    pub employment: Option<Employment>,
    pub weekly_hours: Option<f64>,
    pub contract: Option<(Contract, Option<NaiveDate>)>,
    pub pay: Option<PayDetails>,
    pub department: Option<String>,
    /// Category words of the feed, used to guess kind and category.
    pub labels: Vec<String>,
    pub start_date: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub location_place: Option<String>,
    pub location_postcode: Option<String>,
    pub coordinates: Option<(f64, f64)>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PayDetails {
    pub scheme: PayScheme,
    pub grade_from: Option<String>,
    pub grade_to: Option<String>,
    pub monthly_min_eur: Option<i32>,
    pub monthly_max_eur: Option<i32>,
}

impl HarvestedItem {
    /// The draft for this item. From `existing`, the posting's current draft, it keeps the
    /// deadline (when the item names none), the audience (`internal`, `public_from`) and the
    /// partners (feeds do not carry them; an officer adds them); `default_deadline` applies to
    /// new postings.
    pub fn to_draft(
        &self,
        source_id: i64,
        owner: &Municipality,
        existing: Option<&PostingDraft>,
        default_deadline: NaiveDate,
    ) -> PostingDraft {
        let words = self.words();
        let deadline = self
            .deadline
            .or(existing.map(|d| d.application_deadline))
            .unwrap_or(default_deadline);
        let defaults = PostingDraft::with_defaults(deadline);
        let (contract, contract_end_date) = self
            .contract
            .unwrap_or((defaults.contract, defaults.contract_end_date));
        let pay = self.pay.clone().unwrap_or(PayDetails {
            scheme: defaults.pay_scheme,
            grade_from: None,
            grade_to: None,
            monthly_min_eur: None,
            monthly_max_eur: None,
        });
        PostingDraft {
            kind: self.kind.unwrap_or_else(|| guess_kind(&words)),
            reference_number: self.reference(source_id),
            title: self.title.clone(),
            department: self.department.clone(),
            category: self.category.unwrap_or_else(|| guess_category(&words)),
            employment: self.employment.unwrap_or_else(|| guess_employment(&words)),
            weekly_hours: self.weekly_hours,
            contract,
            contract_end_date,
            pay_scheme: pay.scheme,
            pay_grade_from: pay.grade_from,
            pay_grade_to: pay.grade_to,
            pay_monthly_min_eur: pay.monthly_min_eur,
            pay_monthly_max_eur: pay.monthly_max_eur,
            location_place: self
                .location_place
                .clone()
                .unwrap_or_else(|| owner.place.clone()),
            location_postcode: self
                .location_postcode
                .clone()
                .unwrap_or_else(|| owner.postcode.clone()),
            latitude: self.coordinates.map(|c| c.0),
            longitude: self.coordinates.map(|c| c.1),
            start_date: self.start_date,
            application_deadline: deadline,
            description: self.description.clone(),
            tasks: self.tasks.clone().unwrap_or_default(),
            profile: self.profile.clone().unwrap_or_default(),
            benefits: self.benefits.clone().unwrap_or_default(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
            // The item's own page is the way to apply only when it names no other.
            apply_url: self
                .apply_url
                .clone()
                .or_else(|| self.url.clone().filter(|_| self.apply_email.is_none())),
            apply_email: self.apply_email.clone(),
            // Feeds do not carry the audience: an officer's choice to offer the posting
            // internally first stays, as with the push API.
            internal: existing.is_some_and(|d| d.internal),
            public_from: existing.and_then(|d| d.public_from),
            partners: existing.map(|d| d.partners.clone()).unwrap_or_default(),
        }
        .normalized()
    }

    /// The item's own reference number when it is one we can store, else a stable one derived
    /// from the source and guid ("IMP3-1a2b3c4d5e6f7a8b").
    fn reference(&self, source_id: i64) -> String {
        if let Some(r) = self.reference_number.as_deref().map(str::trim)
            && !r.is_empty()
            && r.chars().count() <= REFERENCE_MAX
            && r.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-/_. ".contains(c))
        {
            return r.to_owned();
        }
        format!("IMP{source_id}-{:016x}", fnv1a(self.guid.as_bytes()))
    }

    fn words(&self) -> String {
        let mut s = self.title.to_lowercase();
        for l in &self.labels {
            s.push(' ');
            s.push_str(&l.to_lowercase());
        }
        s
    }
}

/// A stable 64-bit hash (FNV-1a): the same guid gives the same reference in every run and
/// every version of Rust.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn any(words: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| words.contains(n))
}

pub fn guess_kind(words: &str) -> PostingKind {
    if let Some(k) = PostingKind::ALL
        .iter()
        .find(|k| words.split_whitespace().any(|w| w == k.code()))
    {
        return *k;
    }
    if any(
        words,
        &["duales studium", "dual_study", "dual studier", "bachelor"],
    ) {
        PostingKind::DualStudy
    } else if any(
        words,
        &["ausbildung", "auszubildende", "azubi", "apprentice"],
    ) {
        PostingKind::Apprenticeship
    } else if any(words, &["praktikum", "praktikant", "internship"]) {
        PostingKind::Internship
    } else if any(words, &["freiwillig", "fsj", "bfd", "volunteer"]) {
        PostingKind::VolunteerService
    } else {
        PostingKind::Job
    }
}

pub fn guess_category(words: &str) -> Category {
    if let Some(c) = Category::ALL.iter().find(|c| {
        words
            .split(|ch: char| ch.is_whitespace() || ch == ',')
            .any(|w| w == c.code() || w == c.label().to_lowercase())
    }) {
        return *c;
    }
    let table: &[(&[&str], Category)] = &[
        (
            &["kita", "erzieh", "kinder", "hort", "pädagog"],
            Category::KitaErziehung,
        ),
        (
            &["bauhof", "techni", "hausmeister", "handwerk", "gärtner"],
            Category::BauhofTechnik,
        ),
        (
            &["feuerwehr", "ordnungsamt", "vollzug"],
            Category::FeuerwehrOrdnung,
        ),
        (
            &["informatik", " it", "it-", "digital", "administrator"],
            Category::ItDigitales,
        ),
        (
            &["bibliothek", "kultur", "museum"],
            Category::BibliothekKultur,
        ),
        (&["sozial", "senior", "jugend"], Category::Soziales),
        (
            &["verwaltung", "sachbearbeit", "amt", "kasse", "bürger"],
            Category::Verwaltung,
        ),
    ];
    let padded = format!(" {words}");
    table
        .iter()
        .find(|(needles, _)| any(&padded, needles))
        .map_or(Category::Sonstiges, |(_, c)| *c)
}

pub fn guess_employment(words: &str) -> Employment {
    let part = any(words, &["teilzeit", "part-time", "part_time", "minijob"]);
    let full = any(words, &["vollzeit", "full-time", "full_time"]);
    match (full, part) {
        (true, true) => Employment::Either,
        (false, true) => Employment::PartTime,
        _ => Employment::FullTime,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_and_category_are_guessed_from_title_and_labels() {
        assert_eq!(
            guess_kind("ausbildung zum verwaltungsfachangestellten"),
            PostingKind::Apprenticeship
        );
        assert_eq!(guess_kind("sachbearbeiter bauamt"), PostingKind::Job);
        assert_eq!(
            guess_category("erzieherin (m/w/d) kita sonnenschein"),
            Category::KitaErziehung
        );
        assert_eq!(guess_category("bauhof_technik"), Category::BauhofTechnik);
        assert_eq!(guess_category("zauberer"), Category::Sonstiges);
        assert_eq!(guess_employment("teilzeit 30 h"), Employment::PartTime);
        assert_eq!(guess_employment("koch"), Employment::FullTime);
    }

    #[test]
    fn derived_reference_is_stable_and_valid() {
        let item = HarvestedItem {
            guid: "https://example.org/stellen/1".into(),
            reference_number: Some("Ungültig ä!".into()),
            ..Default::default()
        };
        let r = item.reference(3);
        assert_eq!(r, item.reference(3));
        assert!(r.starts_with("IMP3-") && r.len() == 21, "{r}");
    }
}
