//! The admin's form for a new import source and its checks.

use jobboard_domain::imports::ImportFormat;
use jobboard_domain::imports::sources::{self, NewSource};
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::validation::ValidationErrors;
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SourceForm {
    pub municipality_id: String,
    pub url: String,
    pub format: String,
}

impl SourceForm {
    /// An empty form, set to recognise the format by itself.
    pub fn blank() -> Self {
        Self {
            format: ImportFormat::Auto.code().into(),
            ..Self::default()
        }
    }

    /// The new source, or every problem with the form at once.
    pub fn check(&self, members: &[Municipality]) -> Result<NewSource, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let municipality = self
            .municipality_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| members.iter().any(|m| m.id == *id));
        if municipality.is_none() {
            errors.add("municipality_id", "Bitte wählen Sie eine Kommune.");
        }
        if let Some(problem) = sources::url_problem(&self.url) {
            errors.add("url", problem);
        }
        let format = ImportFormat::from_code(self.format.trim());
        if format.is_none() {
            errors.add(
                "format",
                "Bitte wählen Sie ein Format oder „automatisch erkennen“.",
            );
        }
        match (municipality, format) {
            (Some(municipality_id), Some(format)) if errors.is_empty() => Ok(NewSource {
                municipality_id,
                url: self.url.clone(),
                format,
            }),
            _ => Err(errors),
        }
    }
}
