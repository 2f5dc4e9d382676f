//! HR-BA-XML: the vacancy file for the Bundesagentur für Arbeit (BA), one per municipality with
//! a BA partner account. The whole mapping from a posting to the BA's elements is here, in the
//! order of the BA's published sample, so it can be corrected against the schema (which is only
//! given to partners) in one place.
//!
//! Checked: well-formed XML; the elements in the sample's order (see the tests). Not checked:
//! the schema itself, and the BA's code lists — the codes below (`JobOfferType`, `WorkingPlan`,
//! `TermLength`, `KindOfApplication`) follow the documentation as far as it is public and are
//! marked where they need confirming.

use chrono::{DateTime, NaiveDate, Utc};
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::queries::Posting;
use jobboard_domain::postings::{Employment, PostingKind};

/// A municipality's BA partner account (configuration, see `JOBBOARD_BA_PARTNERS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaAccount {
    /// `SupplierId` in the header and the file name (the partner's „V-Nummer“).
    pub supplier_id: String,
    /// Partner ID / Allianzpartnernummer: prefixes the posting ids, so they are unique within
    /// the partner's account.
    pub partner_id: String,
    /// `HiringOrgId`: the employer as the BA knows it.
    pub hiring_org_id: String,
}

/// What one file carries.
pub struct BaFile<'a> {
    pub account: &'a BaAccount,
    pub municipality: &'a Municipality,
    pub postings: &'a [Posting],
    /// Ids of postings the BA should delete.
    pub deletions: &'a [i64],
    /// Full load (`F`): replaces everything; else a delta (`D`).
    pub full: bool,
    pub now: DateTime<Utc>,
    /// The board's public address, for links to the postings.
    pub base_url: &'a str,
}

/// `DS<SupplierId>_<YYYY-MM-DD_HH-MM-SS>.xml`.
pub fn file_name(account: &BaAccount, now: DateTime<Utc>) -> String {
    format!(
        "DS{}_{}.xml",
        account.supplier_id,
        now.format("%Y-%m-%d_%H-%M-%S")
    )
}

/// The id of a posting at the BA: stable for the posting's life, unique within the account.
pub fn entry_id(account: &BaAccount, posting_id: i64) -> String {
    format!("{}-{posting_id}", account.partner_id)
}

/// The file's XML.
pub fn render(file: &BaFile<'_>) -> String {
    let mut x = Xml::default();
    x.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.open("HRBAXMLJobPositionPosting");
    x.open("Header");
    x.leaf("SupplierId", &file.account.supplier_id);
    x.leaf(
        "Timestamp",
        &file.now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    x.leaf(
        "Amount",
        &(file.postings.len() + file.deletions.len()).to_string(),
    );
    x.leaf("TypeOfLoad", if file.full { "F" } else { "D" });
    x.close("Header");
    x.open("Data");
    for p in file.postings {
        posting(&mut x, file, p);
    }
    for id in file.deletions {
        x.open("DeleteEntry");
        x.leaf("EntryId", &entry_id(file.account, *id));
        x.close("DeleteEntry");
    }
    x.close("Data");
    x.close("HRBAXMLJobPositionPosting");
    x.out
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn posting(x: &mut Xml, file: &BaFile<'_>, p: &Posting) {
    let m = file.municipality;
    x.open("JobPositionPosting");
    x.leaf("JobPositionPostingId", &entry_id(file.account, p.id));
    x.open("HiringOrg");
    x.leaf("HiringOrgName", &m.name);
    x.leaf("HiringOrgId", &file.account.hiring_org_id);
    x.leaf("ProfileWebSite", &m.website);
    x.open("Contact");
    if let Some(name) = &p.contact_name {
        x.leaf("FamilyName", name);
    }
    postal_address(x, &m.postcode, &m.place);
    if let Some(phone) = &p.contact_phone {
        x.open("VoiceNumber");
        x.leaf("TelNumber", phone);
        x.close("VoiceNumber");
    }
    x.leaf(
        "EMail",
        p.contact_email.as_deref().unwrap_or(&m.contact_email),
    );
    x.close("Contact");
    x.close("HiringOrg");
    post_detail(x, file, p);
    position_information(x, file, p);
    x.close("JobPositionPosting");
}

fn postal_address(x: &mut Xml, postcode: &str, place: &str) {
    x.open("PostalAddress");
    x.leaf("CountryCode", "DE");
    x.leaf("PostalCode", postcode);
    x.leaf("Municipality", place);
    x.close("PostalAddress");
}

fn post_detail(x: &mut Xml, file: &BaFile<'_>, p: &Posting) {
    x.open("PostDetail");
    let published = p.published_at.unwrap_or(p.created_at).date_naive();
    x.leaf("StartDate", &date(published));
    x.leaf("EndDate", &date(p.application_deadline));
    x.leaf(
        "LastModificationDate",
        &p.updated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    // 1: active (to confirm against the code list).
    x.leaf("Status", "1");
    x.leaf("SupplierId", &file.account.supplier_id);
    x.leaf("SupplierName", "Partheland Stellenbörse");
    x.close("PostDetail");
}

/// `JobOfferType` by kind (to confirm): 1 work, 4 apprenticeship or dual study, 34 internship.
fn offer_type(kind: PostingKind) -> &'static str {
    match kind {
        PostingKind::Apprenticeship | PostingKind::DualStudy => "4",
        PostingKind::Internship => "34",
        _ => "1",
    }
}

/// `WorkingPlan` (to confirm): 1 full time, 2 part time, 3 either.
fn working_plan(e: Employment) -> &'static str {
    match e {
        Employment::FullTime => "1",
        Employment::PartTime => "2",
        Employment::Either => "3",
    }
}

fn position_information(x: &mut Xml, file: &BaFile<'_>, p: &Posting) {
    x.open("JobPositionInformation");
    x.open("JobPositionTitle");
    x.leaf("Degree", &p.title);
    x.close("JobPositionTitle");
    x.leaf("JobPositionTitleDescription", &p.title);
    x.leaf("JobOfferType", offer_type(p.kind));
    x.leaf("SocialInsurance", "1");
    let text: String = [&p.description, &p.tasks, &p.profile, &p.benefits]
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| t.trim())
        .collect::<Vec<_>>()
        .join("\n\n")
        .chars()
        .take(7500)
        .collect();
    x.leaf("Objective", &text);
    x.open("JobPositionDescription");
    x.open("JobPositionLocation");
    x.open("Location");
    x.leaf("CountryCode", "DE");
    x.leaf("PostalCode", &p.location_postcode);
    x.leaf("Municipality", &p.location_place);
    x.close("Location");
    x.close("JobPositionLocation");
    x.open("Application");
    // 1: in writing or online (to confirm); the address is the posting's page on the board.
    x.leaf("KindOfApplication", "1");
    x.leaf("ApplicationEndDate", &date(p.application_deadline));
    x.leaf(
        "ApplicationWebSite",
        &format!("{}/stellen/{}", file.base_url, p.slug),
    );
    x.close("Application");
    x.leaf("MiniJob", "0");
    x.open("Classification");
    x.open("Schedule");
    x.leaf("WorkingPlan", working_plan(p.employment));
    if let Some(h) = p.weekly_hours {
        x.leaf("HoursPerWeek", &format!("{h:.1}"));
    }
    x.close("Schedule");
    x.open("Duration");
    // TermLength (to confirm): 1 permanent, 2 fixed term with its end.
    x.leaf(
        "TermLength",
        if p.contract.is_fixed_term() { "2" } else { "1" },
    );
    if let Some(end) = p.contract_end_date {
        x.leaf("TermDate", &date(end));
    }
    x.close("Duration");
    x.close("Classification");
    pay(x, p);
    x.close("JobPositionDescription");
    x.leaf("NumberToFill", "1");
    if let Some(start) = p.start_date {
        x.leaf("AssignmentStartDate", &date(start));
    }
    if let Some(end) = p.contract_end_date {
        x.leaf("AssignmentEndDate", &date(end));
    }
    x.close("JobPositionInformation");
}

/// Pay: collective agreement and grade (not in the sample; named after HR-XML's
/// `Compensation`, to confirm against the schema).
fn pay(x: &mut Xml, p: &Posting) {
    let scheme = p.pay_scheme;
    if scheme == jobboard_domain::postings::PayScheme::Other && p.pay_grade_from.is_none() {
        return;
    }
    x.open("Compensation");
    x.leaf("CollectiveAgreement", scheme.label());
    if let Some(g) = &p.pay_grade_from {
        x.leaf("GradeFrom", &scheme.grade_label(g));
    }
    if let Some(g) = &p.pay_grade_to {
        x.leaf("GradeTo", &scheme.grade_label(g));
    }
    x.close("Compensation");
}

/// An indented XML writer: every text escaped, every element closed by name.
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn open(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out.push_str(&format!(
            "<{name}>{}</{name}>\n",
            quick_xml::escape::escape(text)
        ));
    }
}

#[cfg(test)]
mod tests;
