//! The editable content of a posting, as an officer, an import or the API supplies it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::types::{Category, Contract, Employment, PayScheme, PostingKind};
use super::validation::{ValidationContext, ValidationErrors, check};
use crate::entities::posting;

/// Everything about a posting that its authors decide; status, dates of publication, version
/// and bookkeeping are managed by the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostingDraft {
    pub kind: PostingKind,
    /// Kennziffer, unique per municipality.
    pub reference_number: String,
    pub title: String,
    pub department: Option<String>,
    pub category: Category,
    pub employment: Employment,
    pub weekly_hours: Option<f64>,
    pub contract: Contract,
    pub contract_end_date: Option<NaiveDate>,
    pub pay_scheme: PayScheme,
    pub pay_grade_from: Option<String>,
    pub pay_grade_to: Option<String>,
    pub pay_monthly_min_eur: Option<i32>,
    pub pay_monthly_max_eur: Option<i32>,
    pub location_place: String,
    pub location_postcode: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `None`: "ab sofort".
    pub start_date: Option<NaiveDate>,
    pub application_deadline: NaiveDate,
    pub description: String,
    pub tasks: String,
    pub profile: String,
    pub benefits: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
    /// Partner municipalities of a shared offer.
    #[serde(default)]
    pub partners: Vec<PartnerDraft>,
    /// „nur für Beschäftigte der Partheland-Kommunen“: in no public channel while internal.
    #[serde(default)]
    pub internal: bool,
    /// With `internal`: the day (Europe/Berlin) from which the posting is public too.
    #[serde(default)]
    pub public_from: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerDraft {
    pub municipality_id: i64,
    /// E.g. the stations an apprentice rotates through in this municipality.
    pub note: Option<String>,
}

impl PostingDraft {
    /// A draft with the board's defaults for everything a source may leave out: a permanent
    /// full-time job in „Sonstiges“, „sonstige Vergütung“ without figures, empty texts, no
    /// contact, no partners. The one place these defaults live (form, push API, importer).
    pub fn with_defaults(application_deadline: NaiveDate) -> Self {
        Self {
            kind: PostingKind::Job,
            reference_number: String::new(),
            title: String::new(),
            department: None,
            category: Category::Sonstiges,
            employment: Employment::FullTime,
            weekly_hours: None,
            contract: Contract::Permanent,
            contract_end_date: None,
            pay_scheme: PayScheme::Other,
            pay_grade_from: None,
            pay_grade_to: None,
            pay_monthly_min_eur: None,
            pay_monthly_max_eur: None,
            location_place: String::new(),
            location_postcode: String::new(),
            latitude: None,
            longitude: None,
            start_date: None,
            application_deadline,
            description: String::new(),
            tasks: String::new(),
            profile: String::new(),
            benefits: String::new(),
            contact_name: None,
            contact_phone: None,
            contact_email: None,
            apply_url: None,
            apply_email: None,
            partners: Vec::new(),
            internal: false,
            public_from: None,
        }
    }

    /// The draft of an existing posting, e.g. to prefill the editor or to duplicate it.
    pub fn from_model(p: &posting::Model, partners: Vec<PartnerDraft>) -> Self {
        Self {
            kind: p.kind,
            reference_number: p.reference_number.clone(),
            title: p.title.clone(),
            department: p.department.clone(),
            category: p.category,
            employment: p.employment,
            weekly_hours: p.weekly_hours,
            contract: p.contract,
            contract_end_date: p.contract_end_date,
            pay_scheme: p.pay_scheme,
            pay_grade_from: p.pay_grade_from.clone(),
            pay_grade_to: p.pay_grade_to.clone(),
            pay_monthly_min_eur: p.pay_monthly_min_eur,
            pay_monthly_max_eur: p.pay_monthly_max_eur,
            location_place: p.location_place.clone(),
            location_postcode: p.location_postcode.clone(),
            latitude: p.latitude,
            longitude: p.longitude,
            start_date: p.start_date,
            application_deadline: p.application_deadline,
            description: p.description.clone(),
            tasks: p.tasks.clone(),
            profile: p.profile.clone(),
            benefits: p.benefits.clone(),
            contact_name: p.contact_name.clone(),
            contact_phone: p.contact_phone.clone(),
            contact_email: p.contact_email.clone(),
            apply_url: p.apply_url.clone(),
            apply_email: p.apply_email.clone(),
            partners,
            internal: p.internal,
            public_from: p.public_from,
        }
    }

    /// Trims every text, drops characters no feed or page may carry (see
    /// [`crate::text::is_allowed_char`]) and turns blank optional texts into `None`, so "  "
    /// never reaches the database and validation sees what will be stored.
    pub fn normalized(mut self) -> Self {
        use crate::text::clean;
        fn opt(v: &mut Option<String>) {
            *v = v
                .take()
                .map(|s| clean(s.trim()).trim().to_owned())
                .filter(|s| !s.is_empty());
        }
        for s in [
            &mut self.reference_number,
            &mut self.title,
            &mut self.location_place,
            &mut self.location_postcode,
        ] {
            *s = clean(s.trim()).trim().to_owned();
        }
        for s in [
            &mut self.description,
            &mut self.tasks,
            &mut self.profile,
            &mut self.benefits,
        ] {
            *s = clean(s.trim_end()).trim_end().to_owned();
        }
        for v in [
            &mut self.department,
            &mut self.pay_grade_from,
            &mut self.pay_grade_to,
            &mut self.contact_name,
            &mut self.contact_phone,
            &mut self.contact_email,
            &mut self.apply_url,
            &mut self.apply_email,
        ] {
            opt(v);
        }
        for p in &mut self.partners {
            opt(&mut p.note);
        }
        self
    }
}

/// Builds a draft from a source that may leave required values out or send values that do not
/// parse (the push API, a form): fields start at [`PostingDraft::with_defaults`], the source
/// sets what it has, reports what it could not read with [`DraftBuilder::reject`], and
/// [`DraftBuilder::build`] returns the draft or every problem at once. A draft without a
/// deadline never leaves the builder, so no placeholder date reaches the rules or the database.
#[derive(Clone, Debug)]
pub struct DraftBuilder {
    draft: PostingDraft,
    deadline: Option<NaiveDate>,
    errors: ValidationErrors,
}

impl DraftBuilder {
    pub fn new(deadline: Option<NaiveDate>) -> Self {
        Self {
            // Only read when `deadline` is known; see `build`.
            draft: PostingDraft::with_defaults(deadline.unwrap_or_default()),
            deadline,
            errors: ValidationErrors::default(),
        }
    }

    /// The fields, to set what the source supplied.
    pub fn draft(&mut self) -> &mut PostingDraft {
        &mut self.draft
    }

    /// A value the source sent that could not be read; the rules then say nothing more about
    /// this field.
    pub fn reject(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.add(field, message);
    }

    /// How many values were rejected so far.
    pub fn rejected(&self) -> usize {
        self.errors.0.len()
    }

    /// The normalized draft, or every problem: what was rejected, a missing deadline, then the
    /// rules for every other field.
    pub fn build(self, ctx: ValidationContext) -> Result<PostingDraft, ValidationErrors> {
        let Self {
            draft,
            deadline,
            mut errors,
        } = self;
        let draft = draft.normalized();
        if deadline.is_none() && errors.for_field("application_deadline").next().is_none() {
            errors.add(
                "application_deadline",
                "Bitte geben Sie die Bewerbungsfrist an.",
            );
        }
        let rejected: Vec<&'static str> = errors.0.iter().map(|e| e.field).collect();
        for e in check(&draft, ctx, deadline).0 {
            if !rejected.contains(&e.field) {
                errors.0.push(e);
            }
        }
        errors.into_result().map(|()| draft)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn ctx() -> ValidationContext {
        ValidationContext {
            owner_municipality_id: 1,
            publication_day: None,
        }
    }

    #[test]
    fn a_missing_deadline_is_one_error_and_no_rule_compares_with_a_placeholder() {
        let mut b = DraftBuilder::new(None);
        let d = b.draft();
        d.contract = Contract::FixedTerm;
        d.contract_end_date = NaiveDate::from_ymd_opt(2027, 1, 31);
        let errors = b.build(ctx()).unwrap_err();
        let deadline: Vec<_> = errors.for_field("application_deadline").collect();
        assert_eq!(deadline, ["Bitte geben Sie die Bewerbungsfrist an."]);
        assert_eq!(errors.for_field("contract_end_date").count(), 0, "{errors}");
        assert!(errors.for_field("title").next().is_some(), "the rules ran");
    }

    #[test]
    fn a_rejected_field_gets_only_its_own_message() {
        let mut b = DraftBuilder::new(NaiveDate::from_ymd_opt(2027, 1, 31));
        b.reject("title", "nicht lesbar");
        assert_eq!(b.rejected(), 1);
        let errors = b.build(ctx()).unwrap_err();
        assert_eq!(
            errors.for_field("title").collect::<Vec<_>>(),
            ["nicht lesbar"]
        );
        assert_eq!(errors.0[0].field, "title", "rejections come first");
    }

    #[test]
    fn defaults_are_a_permanent_full_time_job_without_pay_figures() {
        let d = PostingDraft::with_defaults(NaiveDate::MIN);
        assert_eq!(
            (d.kind, d.category, d.employment, d.contract, d.pay_scheme),
            (
                PostingKind::Job,
                Category::Sonstiges,
                Employment::FullTime,
                Contract::Permanent,
                PayScheme::Other
            )
        );
        assert!(d.partners.is_empty() && d.apply_url.is_none());
    }
}
