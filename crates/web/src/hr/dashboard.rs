//! The officer's overview: the municipality's postings, searchable by title or Kennziffer,
//! filtered by status, kind and deadline, sorted by each column and paged (the database does
//! all of it, `postings::overview`), with bulk actions on the selected postings; and the
//! shared offers of other municipalities that name it as a partner. The admin gets the same
//! list over every municipality (read-only, with a municipality filter).
//!
//! The view lives in GET parameters ([`View`]); a value that is not understood is left out of
//! the view and named in a German error beside the filter form (status 400), never a 500.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use jobboard_domain::accounts::Role;
use jobboard_domain::berlin;
use jobboard_domain::entities::municipality;
use jobboard_domain::postings::overview::{self, Deadline, Filter, Scope, Sort, SortKey};
use jobboard_domain::postings::queries;
use jobboard_domain::postings::{PostingKind, PostingStatus};

use super::nav::{HrNav, NavKey, meta};
use super::session::{Admin, CurrentUser};
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

/// Postings per page of the overview.
pub const PER_PAGE: u64 = 25;
/// The longest search text.
const TEXT_MAX: usize = 100;
/// The highest page number an address may ask for (beyond the end, the last page is shown).
const PAGE_MAX: u64 = 100_000;
/// The furthest a "deadline ends within N days" filter looks ahead.
const WITHIN_MAX: u32 = 365;
/// The deadline filter's offered choices (any other N up to [`WITHIN_MAX`] works by address).
const WITHIN_CHOICES: [u32; 4] = [7, 14, 30, 90];

#[derive(Template)]
#[template(path = "hr/dashboard.html")]
struct DashboardPage {
    meta: Meta,
    nav: HrNav,
    heading: String,
    /// The admin's region-wide list: a municipality column and filter, no bulk actions.
    admin: bool,
    base: &'static str,
    view: View,
    errors: Vec<ParamError>,
    total: u64,
    first: u64,
    last: u64,
    page: u64,
    pages: u64,
    previous: String,
    next: String,
    first_page: String,
    last_page: String,
    reset: String,
    /// The sort as hidden fields of the filter form ("" for the default sort).
    sort_code: &'static str,
    direction: &'static str,
    caption: String,
    /// The view as a query string, for the bulk form to come back to.
    current: String,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    deadlines: Vec<Choice>,
    municipalities: Vec<Choice>,
    headers: Vec<Header>,
    rows: Vec<Row>,
    shared: Vec<SharedRow>,
    municipality: String,
    extension_max: u32,
    /// Today as TT.MM.JJJJ, the default day of „als besetzt vermerken“.
    today: String,
}

impl DashboardPage {
    /// The error message of parameter `name`, or "".
    fn error(&self, name: &str) -> &str {
        self.errors
            .iter()
            .find(|e| e.param == name)
            .map_or("", |e| e.message.as_str())
    }
}

/// An option of a filter's select.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// A sortable column header: a link that sorts by it, `aria-sort` on the current one.
struct Header {
    label: &'static str,
    href: String,
    /// "ascending" / "descending" on the sorted column, "" elsewhere.
    aria_sort: &'static str,
    /// What following the link does, for screen readers.
    action: &'static str,
}

struct Row {
    id: i64,
    version: i32,
    title: String,
    reference: String,
    kind: &'static str,
    /// The status, or „besetzt am …“ for a filled posting.
    status: String,
    deadline: String,
    deadline_over: bool,
    updated: String,
    municipality: String,
    imported: bool,
    /// The public page, while it is online (the admin's link).
    public_slug: Option<String>,
    /// „intern“ or „intern, öffentlich ab 12.01.2027“ while only the members' staff see it.
    internal: String,
}

struct SharedRow {
    id: i64,
    title: String,
    owner: String,
    note: String,
    confirmed: bool,
    slug: String,
    public: bool,
}

/// A GET parameter that was not understood, and why (German).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    pub param: &'static str,
    pub message: String,
}

impl ParamError {
    /// Whether the filter form has a field for it (the error links there).
    pub fn has_field(&self) -> bool {
        [
            param::TEXT,
            param::STATUS,
            param::KIND,
            param::DEADLINE,
            param::MUNICIPALITY,
        ]
        .contains(&self.param)
    }
}

/// What the overview shows: every part as understood from the address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    pub text: String,
    pub status: Option<PostingStatus>,
    pub kind: Option<PostingKind>,
    pub deadline: Option<Deadline>,
    /// The admin's municipality filter: its id and slug.
    pub municipality: Option<(i64, String)>,
    pub sort: Sort,
    pub page: u64,
}

/// The parameter names, as they appear in addresses.
mod param {
    pub const TEXT: &str = "suche";
    pub const STATUS: &str = "status";
    pub const KIND: &str = "art";
    pub const DEADLINE: &str = "frist";
    pub const MUNICIPALITY: &str = "kommune";
    pub const SORT: &str = "sortierung";
    pub const DIRECTION: &str = "richtung";
    pub const PAGE: &str = "seite";
}

const PAST: &str = "vorbei";

/// The sortable columns: key, address value, header label.
const COLUMNS: [(SortKey, &str, &str); 7] = [
    (SortKey::Title, "titel", "Titel"),
    (SortKey::Reference, "kennziffer", "Kennziffer"),
    (SortKey::Kind, "art", "Art"),
    (SortKey::Status, "status", "Status"),
    (SortKey::Deadline, "frist", "Bewerbungsfrist"),
    (SortKey::Updated, "geaendert", "Zuletzt geändert"),
    (SortKey::Municipality, "kommune", "Kommune"),
];

fn sort_code(key: SortKey) -> &'static str {
    COLUMNS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("geaendert", |c| c.1)
}

/// The direction a column starts in when it is chosen: the last change newest first, every
/// other column from A (or the earliest) on.
fn starts_descending(key: SortKey) -> bool {
    key == SortKey::Updated
}

impl View {
    /// Read the query string: unknown parameters are ignored (a notice code, a tracking tag),
    /// empty ones mean "any", a parameter given twice counts with its last value, and a value
    /// that is not understood is left out and reported. `members` are the municipalities the
    /// admin may filter by (`None` for an officer: the parameter does not apply).
    pub fn parse(query: &str, members: Option<&[municipality::Model]>) -> (Self, Vec<ParamError>) {
        let mut view = Self {
            page: 1,
            ..Self::default()
        };
        let mut errors = Vec::new();
        let mut fail = |param: &'static str, message: String| {
            errors.push(ParamError { param, message });
        };
        // A parameter given twice counts with its last value.
        let mut given: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            given.insert(key.into_owned(), value.trim().to_owned());
        }
        let value_of = |name: &str| {
            given
                .get(name)
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };
        let mut direction: Option<bool> = None;
        if let Some(value) = value_of(param::TEXT) {
            if value.chars().count() > TEXT_MAX {
                fail(
                    param::TEXT,
                    format!("Der Suchbegriff ist zu lang (höchstens {TEXT_MAX} Zeichen)."),
                );
            } else {
                view.text = value.to_owned();
            }
        }
        if let Some(value) = value_of(param::STATUS) {
            match PostingStatus::from_code(value) {
                Some(s) => view.status = Some(s),
                None => fail(
                    param::STATUS,
                    format!("Den Status „{}“ gibt es nicht.", clip(value)),
                ),
            }
        }
        if let Some(value) = value_of(param::KIND) {
            match PostingKind::from_code(value) {
                Some(k) => view.kind = Some(k),
                None => fail(
                    param::KIND,
                    format!("Die Art „{}“ gibt es nicht.", clip(value)),
                ),
            }
        }
        if let Some(value) = value_of(param::DEADLINE) {
            match value.parse::<u32>() {
                _ if value == PAST => view.deadline = Some(Deadline::Past),
                Ok(n) if n <= WITHIN_MAX => view.deadline = Some(Deadline::Within(n)),
                _ => fail(
                    param::DEADLINE,
                    format!(
                        "Die Frist „{}“ versteht die Übersicht nicht: bitte „{PAST}“ oder eine Zahl von Tagen von 0 bis {WITHIN_MAX}.",
                        clip(value)
                    ),
                ),
            }
        }
        if let (Some(members), Some(value)) = (members, value_of(param::MUNICIPALITY)) {
            match members.iter().find(|m| m.slug == value) {
                Some(m) => view.municipality = Some((m.id, m.slug.clone())),
                None => fail(
                    param::MUNICIPALITY,
                    format!("Die Kommune „{}“ ist nicht Mitglied.", clip(value)),
                ),
            }
        }
        if let Some(value) = value_of(param::SORT) {
            let found = COLUMNS.iter().find(|(key, code, _)| {
                *code == value && (members.is_some() || *key != SortKey::Municipality)
            });
            match found {
                Some((key, _, _)) => view.sort.key = *key,
                None => fail(
                    param::SORT,
                    format!(
                        "Nach „{}“ kann die Übersicht nicht sortiert werden.",
                        clip(value)
                    ),
                ),
            }
        }
        if let Some(value) = value_of(param::DIRECTION) {
            match value {
                "auf" => direction = Some(false),
                "ab" => direction = Some(true),
                _ => fail(
                    param::DIRECTION,
                    format!(
                        "Die Richtung „{}“ gibt es nicht: bitte „auf“ oder „ab“.",
                        clip(value)
                    ),
                ),
            }
        }
        if let Some(value) = value_of(param::PAGE) {
            match value.parse::<u64>() {
                Ok(n) if (1..=PAGE_MAX).contains(&n) => view.page = n,
                _ => fail(
                    param::PAGE,
                    format!(
                        "Die Seite „{}“ gibt es nicht: bitte eine ganze Zahl von 1 bis {PAGE_MAX}.",
                        clip(value)
                    ),
                ),
            }
        }
        view.sort.descending = direction.unwrap_or_else(|| starts_descending(view.sort.key));
        (view, errors)
    }

    /// The view as a query string (defaults left out), with another sort or page.
    fn query_with(&self, sort: Sort, page: u64) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if !self.text.is_empty() {
            q.append_pair(param::TEXT, &self.text);
        }
        if let Some(s) = self.status {
            q.append_pair(param::STATUS, s.code());
        }
        if let Some(k) = self.kind {
            q.append_pair(param::KIND, k.code());
        }
        match self.deadline {
            Some(Deadline::Past) => {
                q.append_pair(param::DEADLINE, PAST);
            }
            Some(Deadline::Within(n)) => {
                q.append_pair(param::DEADLINE, &n.to_string());
            }
            None => {}
        }
        if let Some((_, slug)) = &self.municipality {
            q.append_pair(param::MUNICIPALITY, slug);
        }
        if sort != Sort::default() {
            q.append_pair(param::SORT, sort_code(sort.key));
            q.append_pair(param::DIRECTION, if sort.descending { "ab" } else { "auf" });
        }
        if page > 1 {
            q.append_pair(param::PAGE, &page.to_string());
        }
        q.finish()
    }

    /// The view as a query string.
    pub fn query(&self) -> String {
        self.query_with(self.sort, self.page)
    }

    fn filter(&self, scope: Scope, today: chrono::NaiveDate) -> Filter {
        Filter {
            scope: match (scope, &self.municipality) {
                (Scope::Region, Some((id, _))) => Scope::Municipality(*id),
                (scope, _) => scope,
            },
            text: self.text.clone(),
            status: self.status,
            kind: self.kind,
            deadline: self.deadline,
            today,
        }
    }
}

/// A value as it is quoted back in a message: at most 40 characters.
fn clip(value: &str) -> String {
    let mut s: String = value.chars().take(40).collect();
    if value.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// `base` with `query` (or without a `?` when it is empty).
pub(super) fn link(base: &str, query: &str) -> String {
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{query}")
    }
}

/// The officer's overview; the admin is sent to the admin's start page.
pub async fn show_dashboard(
    State(state): State<AppState>,
    CurrentUser(s): CurrentUser,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let Some(municipality_id) = s
        .user
        .municipality_id
        .filter(|_| s.user.role == Role::Officer)
    else {
        return Ok(Redirect::to("/verwaltung/admin").into_response());
    };
    let (view, errors) = View::parse(query.as_deref().unwrap_or(""), None);
    let nav = HrNav::new(&s, NavKey::Overview);
    overview_page(
        &state,
        nav,
        Scope::Municipality(municipality_id),
        view,
        errors,
    )
    .await
}

/// The admin's list of every municipality's postings.
pub async fn show_admin_postings(
    State(state): State<AppState>,
    Admin(s): Admin,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let members = state.members().await?;
    let (view, errors) = View::parse(query.as_deref().unwrap_or(""), Some(&members));
    let nav = HrNav::new(&s, NavKey::Overview);
    overview_page(&state, nav, Scope::Region, view, errors).await
}

async fn overview_page(
    state: &AppState,
    nav: HrNav,
    scope: Scope,
    mut view: View,
    errors: Vec<ParamError>,
) -> AppResult<Response> {
    let now = Utc::now();
    let admin = scope == Scope::Region;
    let base = if admin {
        "/verwaltung/admin/anzeigen"
    } else {
        "/verwaltung"
    };
    let members = state.members().await?;
    let name_of = |id: i64| {
        members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    let filter = view.filter(scope, berlin::today(now));
    let offset = |page: u64| (page - 1).saturating_mul(PER_PAGE);
    let mut found =
        overview::page(&state.db, &filter, view.sort, PER_PAGE, offset(view.page)).await?;
    let pages = found.total.div_ceil(PER_PAGE).max(1);
    if view.page > pages {
        // Past the end (the list got shorter, or a hand-made address): the last page.
        view.page = pages;
        found = overview::page(&state.db, &filter, view.sort, PER_PAGE, offset(pages)).await?;
    }
    let counts = overview::count_by_status(&state.db, &filter).await?;

    let mut statuses = vec![Choice {
        value: String::new(),
        label: format!("Alle ({})", counts.values().sum::<u64>()),
        selected: view.status.is_none(),
    }];
    statuses.extend(PostingStatus::ALL.iter().map(|&st| Choice {
        value: st.code().to_owned(),
        label: format!(
            "{} ({})",
            st.label(),
            counts.get(&st).copied().unwrap_or_default()
        ),
        selected: view.status == Some(st),
    }));
    let mut kinds = vec![Choice {
        value: String::new(),
        label: "Alle Arten".into(),
        selected: view.kind.is_none(),
    }];
    kinds.extend(PostingKind::ALL.iter().map(|&k| Choice {
        value: k.code().to_owned(),
        label: k.label().to_owned(),
        selected: view.kind == Some(k),
    }));
    let deadlines = deadline_choices(view.deadline);
    let mut municipalities = vec![Choice {
        value: String::new(),
        label: "Alle Kommunen".into(),
        selected: view.municipality.is_none(),
    }];
    municipalities.extend(members.iter().map(|m| {
        Choice {
            value: m.slug.clone(),
            label: m.name.clone(),
            selected: view
                .municipality
                .as_ref()
                .is_some_and(|(id, _)| *id == m.id),
        }
    }));

    let headers = COLUMNS
        .iter()
        .filter(|(key, _, _)| admin || *key != SortKey::Municipality)
        .map(|&(key, _, label)| {
            let current = view.sort.key == key;
            let next = Sort {
                key,
                descending: if current {
                    !view.sort.descending
                } else {
                    starts_descending(key)
                },
            };
            Header {
                label,
                href: link(base, &view.query_with(next, 1)),
                aria_sort: match (current, view.sort.descending) {
                    (false, _) => "",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                action: if next.descending {
                    "absteigend sortieren"
                } else {
                    "aufsteigend sortieren"
                },
            }
        })
        .collect();

    let today = berlin::today(now);
    let rows = found
        .rows
        .into_iter()
        .map(|(p, m)| Row {
            id: p.id,
            version: p.version,
            reference: p.reference_number.clone(),
            kind: p.kind.label(),
            status: match p.filled_on {
                Some(day) => format!("besetzt am {}", berlin::format_date(day)),
                None => p.status.label().to_owned(),
            },
            deadline: berlin::format_date(p.application_deadline),
            deadline_over: p.application_deadline < today,
            updated: berlin::format_datetime(p.updated_at),
            municipality: m.map(|m| m.name).unwrap_or_default(),
            imported: super::postings::read_only_reason(&p).is_some(),
            public_slug: queries::is_publicly_visible(&p, now).then(|| p.slug.clone()),
            internal: match (queries::is_internal_at(&p, now), p.public_from) {
                (false, _) => String::new(),
                (true, None) => "intern".to_owned(),
                (true, Some(day)) => {
                    format!("intern, öffentlich ab {}", berlin::format_date(day))
                }
            },
            title: p.title,
        })
        .collect();

    let (shared, municipality) = match scope {
        Scope::Municipality(own) => (shared_with(state, own, now, &name_of).await?, name_of(own)),
        Scope::Region => (Vec::new(), String::new()),
    };
    let total = found.total;
    let first = if total == 0 { 0 } else { offset(view.page) + 1 };
    let last = (offset(view.page) + PER_PAGE).min(total);
    let page = DashboardPage {
        meta: meta(
            state,
            if admin {
                "Anzeigen aller Kommunen"
            } else {
                "Übersicht"
            },
        ),
        nav,
        heading: if admin {
            "Anzeigen aller Kommunen".into()
        } else {
            format!("Anzeigen von {municipality}")
        },
        admin,
        base,
        previous: if view.page > 1 {
            link(base, &view.query_with(view.sort, view.page - 1))
        } else {
            String::new()
        },
        next: if view.page < pages {
            link(base, &view.query_with(view.sort, view.page + 1))
        } else {
            String::new()
        },
        first_page: link(base, &view.query_with(view.sort, 1)),
        last_page: link(base, &view.query_with(view.sort, pages)),
        reset: base.to_owned(),
        sort_code: if view.sort == Sort::default() {
            ""
        } else {
            sort_code(view.sort.key)
        },
        direction: if view.sort.descending { "ab" } else { "auf" },
        caption: format!(
            "Anzeigen, sortiert nach {} ({})",
            COLUMNS
                .iter()
                .find(|c| c.0 == view.sort.key)
                .map_or("", |c| c.2),
            if view.sort.descending {
                "absteigend"
            } else {
                "aufsteigend"
            }
        ),
        current: view.query(),
        page: view.page,
        pages,
        total,
        first,
        last,
        statuses,
        kinds,
        deadlines,
        municipalities,
        headers,
        rows,
        shared,
        municipality,
        errors: errors.clone(),
        view,
        extension_max: jobboard_domain::postings::bulk::MAX_EXTENSION_DAYS,
        today: berlin::format_date(today),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render_status(status, &page)?)
}

fn deadline_choices(current: Option<Deadline>) -> Vec<Choice> {
    let mut within: Vec<u32> = WITHIN_CHOICES.to_vec();
    if let Some(Deadline::Within(n)) = current
        && !within.contains(&n)
    {
        within.push(n);
        within.sort_unstable();
    }
    let mut choices = vec![Choice {
        value: String::new(),
        label: "Alle Fristen".into(),
        selected: current.is_none(),
    }];
    choices.extend(within.into_iter().map(|n| Choice {
        value: n.to_string(),
        label: match n {
            0 => "endet heute".into(),
            1 => "endet bis morgen".into(),
            n => format!("endet in den nächsten {n} Tagen"),
        },
        selected: current == Some(Deadline::Within(n)),
    }));
    choices.push(Choice {
        value: PAST.into(),
        label: "abgelaufen".into(),
        selected: current == Some(Deadline::Past),
    });
    choices
}

async fn shared_with(
    state: &AppState,
    municipality_id: i64,
    now: DateTime<Utc>,
    name_of: &impl Fn(i64) -> String,
) -> AppResult<Vec<SharedRow>> {
    Ok(queries::list_shared_with(&state.db, municipality_id)
        .await?
        .into_iter()
        .map(|(p, partner)| SharedRow {
            id: p.id,
            owner: name_of(p.municipality_id),
            public: queries::is_publicly_visible(&p, now),
            title: p.title,
            slug: p.slug,
            note: partner.note.unwrap_or_default(),
            confirmed: partner.confirmed,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_reads_every_parameter_and_writes_the_same_address_back() {
        let q = "suche=Bauhof&status=published&art=job&frist=14&sortierung=frist&richtung=ab&seite=3&hinweis=status";
        let (view, errors) = View::parse(q, None);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(view.text, "Bauhof");
        assert_eq!(view.status, Some(PostingStatus::Published));
        assert_eq!(view.kind, Some(PostingKind::Job));
        assert_eq!(view.deadline, Some(Deadline::Within(14)));
        assert_eq!(
            view.sort,
            Sort {
                key: SortKey::Deadline,
                descending: true
            }
        );
        assert_eq!(view.page, 3);
        assert_eq!(
            view.query(),
            "suche=Bauhof&status=published&art=job&frist=14&sortierung=frist&richtung=ab&seite=3"
        );
        assert_eq!(View::parse("", None).0.query(), "", "defaults are left out");
        assert_eq!(
            View::parse("sortierung=titel", None).0.sort,
            Sort {
                key: SortKey::Title,
                descending: false
            },
            "a column starts ascending"
        );
    }

    #[test]
    fn bad_values_are_left_out_and_named_in_german() {
        let long = "x".repeat(101);
        let q = format!(
            "status=offen&art=raumfahrt&frist=-1&sortierung=gehalt&richtung=seitwaerts&seite=0&suche={long}&kommune=borsdorf"
        );
        let (view, errors) = View::parse(&q, None);
        assert_eq!(view, View::parse("", None).0, "nothing of it is used");
        let params: Vec<&str> = errors.iter().map(|e| e.param).collect();
        assert_eq!(
            params,
            [
                "suche",
                "status",
                "art",
                "frist",
                "sortierung",
                "richtung",
                "seite"
            ],
            "kommune does not apply to an officer"
        );
        assert!(
            errors[1]
                .message
                .contains("Den Status „offen“ gibt es nicht.")
        );
        assert!(errors[6].message.contains("ganze Zahl von 1 bis"));
        let (view, errors) = View::parse("seite=abc&seite=2", None);
        assert!(errors.is_empty() && view.page == 2, "the last value wins");
        let (_, errors) = View::parse("sortierung=kommune", None);
        assert_eq!(
            errors.len(),
            1,
            "an officer's list has no municipality column"
        );
    }
}
