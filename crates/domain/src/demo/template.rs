//! A demo posting's template: kind, category, title, pay and the texts to pick from. The
//! templates themselves are in `jobs` and `training`.

use crate::postings::types::{Category, PayScheme, PostingKind};

use super::{jobs::JOBS, training::TRAINING};

pub(super) struct Template {
    pub(super) kind: PostingKind,
    pub(super) category: Category,
    /// `{kita}` is replaced by a Kita name, `{year}` by the year training starts.
    pub(super) title: &'static str,
    pub(super) departments: &'static [&'static str],
    pub(super) pay: Pay,
    pub(super) tasks: &'static [&'static str],
    pub(super) profile: &'static [&'static str],
}

#[derive(Clone, Copy)]
pub(super) enum Pay {
    Grades(PayScheme, &'static str, &'static str),
    Monthly(PayScheme, i32, i32),
    Unpaid,
}

pub(super) const fn t(
    kind: PostingKind,
    category: Category,
    title: &'static str,
    departments: &'static [&'static str],
    pay: Pay,
    tasks: &'static [&'static str],
    profile: &'static [&'static str],
) -> Template {
    Template {
        kind,
        category,
        title,
        departments,
        pay,
        tasks,
        profile,
    }
}

pub(super) const HAUPTAMT: &[&str] = &["Hauptamt", "Bürgerbüro", "Personalamt"];
pub(super) const KAEMMEREI: &[&str] = &["Kämmerei", "Finanzverwaltung"];
pub(super) const BAUAMT: &[&str] = &["Bauamt", "Bauhof", "Gebäudemanagement"];
pub(super) const ORDNUNGSAMT: &[&str] = &["Ordnungsamt", "Feuerwehr"];
pub(super) const KITA: &[&str] = &["Kindertagesstätten", "Sachgebiet Kita und Schule"];
pub(super) const NONE: &[&str] = &[];

/// The template of a random draw from `0..count()`: the jobs first, then the training offers,
/// in the order of one table as before the split, so a seed yields the same postings.
pub(super) fn template(i: usize) -> &'static Template {
    JOBS.get(i).unwrap_or_else(|| &TRAINING[i - JOBS.len()])
}

pub(super) const fn count() -> usize {
    JOBS.len() + TRAINING.len()
}
