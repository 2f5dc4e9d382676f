//! One import source as the workspace pages show it: its last run, its outcome and when the
//! regular harvest takes it up next, in words.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use jobboard_domain::berlin;
use jobboard_domain::imports::ImportSource;
use jobboard_domain::imports::sources::{self, NextRun};
use jobboard_domain::municipalities::Municipality;

use crate::AppState;

/// Longest error shown in the list; the status page has it in full.
const SHORT_ERROR: usize = 90;

/// One source as the pages show it.
pub struct SourceView {
    pub id: i64,
    pub municipality: String,
    pub url: String,
    pub format: &'static str,
    pub enabled: bool,
    pub last_run: String,
    pub last_success: String,
    /// "erfolgreich", "fehlgeschlagen", "noch nie abgerufen", "läuft gerade".
    pub outcome: &'static str,
    pub failed_run: bool,
    pub new: i32,
    pub updated: i32,
    pub archived: i32,
    pub unchanged: i32,
    pub failed: i32,
    pub defaulted_deadlines: i32,
    pub completed_from_page: i32,
    pub pointer_only: i32,
    pub error: String,
    pub error_short: String,
    pub failing_item: String,
    pub etag: String,
    pub last_modified: String,
    pub postings: u64,
    pub next_due: String,
}

/// What the views of several sources share: the members, the posting counts, the schedule.
pub struct Context<'a> {
    pub members: &'a [Municipality],
    pub postings: &'a HashMap<i64, u64>,
    pub interval: Option<chrono::Duration>,
    pub now: DateTime<Utc>,
}

impl SourceView {
    pub fn new(s: ImportSource, c: &Context<'_>) -> Self {
        let municipality = c
            .members
            .iter()
            .find(|m| m.id == s.municipality_id)
            .map_or_else(|| s.municipality_id.to_string(), |m| m.name.clone());
        let running = sources::is_running(&s, c.now);
        let error = s.last_error.clone().unwrap_or_default();
        let when =
            |t: Option<DateTime<Utc>>| t.map_or_else(|| "nie".to_owned(), berlin::format_datetime);
        Self {
            id: s.id,
            municipality,
            format: s.format.label(),
            enabled: s.enabled,
            last_run: when(s.last_run_at),
            last_success: when(s.last_success_at),
            outcome: outcome(&s, running),
            failed_run: !running && s.last_error.is_some(),
            new: s.last_new,
            updated: s.last_updated,
            archived: s.last_archived,
            unchanged: s.last_unchanged,
            failed: s.last_failed,
            defaulted_deadlines: s.last_defaulted_deadlines,
            completed_from_page: s.last_completed_from_page,
            pointer_only: s.last_pointer_only,
            error_short: shorten(&error),
            error,
            failing_item: s.last_failing_item.clone().unwrap_or_default(),
            etag: s.etag.clone().unwrap_or_default(),
            last_modified: s.last_modified.clone().unwrap_or_default(),
            postings: c.postings.get(&s.id).copied().unwrap_or(0),
            next_due: next_due(sources::next_run(&s, c.interval, c.now)),
            url: s.url,
        }
    }
}

fn outcome(s: &ImportSource, running: bool) -> &'static str {
    if running {
        "läuft gerade"
    } else if s.last_run_at.is_none() {
        "noch nie abgerufen"
    } else if s.last_error.is_some() {
        "fehlgeschlagen"
    } else {
        "erfolgreich"
    }
}

fn shorten(error: &str) -> String {
    if error.chars().count() > SHORT_ERROR {
        let cut: String = error.chars().take(SHORT_ERROR).collect();
        format!("{}…", cut.trim_end())
    } else {
        error.to_owned()
    }
}

/// When the scheduler in `serve` takes the source up next, in words.
fn next_due(next: NextRun) -> String {
    match next {
        NextRun::Disabled => "nicht geplant: die Quelle ist abgeschaltet".into(),
        NextRun::OnDemandOnly => "nicht geplant: der regelmäßige Abruf ist ausgeschaltet (JOBBOARD_IMPORT_INTERVAL_SECS); nur auf Anforderung".into(),
        NextRun::Running => "läuft gerade".into(),
        NextRun::At(due) => format!("ab {}", berlin::format_datetime(due)),
        NextRun::NextPass => "beim nächsten Durchlauf (spätestens in einer Minute)".into(),
    }
}

/// The views of `list`, with one query for all posting counts.
pub async fn views(
    state: &AppState,
    list: Vec<ImportSource>,
) -> Result<Vec<SourceView>, sea_orm::DbErr> {
    let members = state.members().await?;
    let postings = sources::posting_counts(&state.db).await?;
    let c = Context {
        members: &members,
        postings: &postings,
        interval: state.hr.imports.as_ref().and_then(|i| i.interval),
        now: Utc::now(),
    };
    Ok(list.into_iter().map(|s| SourceView::new(s, &c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_next_run_is_said_in_words() {
        // 10:40 in Berlin (CET) on 21 November 2026.
        let due = Utc.with_ymd_and_hms(2026, 11, 21, 9, 40, 0).unwrap();
        assert_eq!(next_due(NextRun::At(due)), "ab 21.11.2026, 10:40 Uhr");
        assert!(next_due(NextRun::NextPass).starts_with("beim nächsten"));
        assert_eq!(next_due(NextRun::Running), "läuft gerade");
        assert!(next_due(NextRun::Disabled).contains("abgeschaltet"));
        assert!(next_due(NextRun::OnDemandOnly).contains("nur auf Anforderung"));
    }

    #[test]
    fn long_errors_are_cut_for_the_list() {
        let long = "x".repeat(200);
        assert_eq!(shorten(&long).chars().count(), SHORT_ERROR + 1);
        assert_eq!(shorten("kurz"), "kurz");
    }
}
