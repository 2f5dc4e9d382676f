//! Fuzzing the query-string parser (see `jobboard_domain::testing::fuzz` for the budget): any
//! query string is a search or a [`ParamError`], never a panic; a search stays within its
//! limits; and the links a page builds from it read back as the same search.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::testing::fuzz::proptest;
use jobboard_domain::testing::fuzz::{
    fuzz,
    proptest::prelude::*,
    proptest::test_runner::{TestCaseError, TestCaseResult},
};

use super::*;

fn members() -> Vec<Municipality> {
    ["naunhof", "brandis", "grosspoesna"]
        .into_iter()
        .enumerate()
        .map(|(i, slug)| Municipality {
            id: i as i64 + 1,
            slug: slug.into(),
            name: slug.into(),
            website: format!("https://www.{slug}.de"),
            contact_email: format!("info@{slug}.de"),
            latitude: 51.27 + i as f64 / 100.0,
            longitude: 12.58,
            postcode: "04683".into(),
            place: slug.into(),
            logo_url: None,
            employer_profile: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        })
        .collect()
}

/// Every value some parameter understands, and values that are almost right.
fn known_values() -> Vec<String> {
    let mut values: Vec<String> = SearchParam::ALL
        .into_iter()
        .flat_map(|p| allowed(p, &members(), false))
        .collect();
    values.extend(
        [
            "",
            " ",
            "0",
            "1",
            "2",
            "500",
            "501",
            "4294967296",
            "-1",
            "1e3",
            " 2 ",
            "+3",
            "０",
            "NAUNHOF",
            "naunhof ",
            "entfernung",
            "Erzieher",
            "\"",
            "*",
            "(",
            ")",
            "AND",
            "OR",
            "NOT",
            "-",
            "~",
            "^",
            ":",
            "title:x",
            "a\u{0}b",
            "\u{feff}",
        ]
        .map(str::to_owned),
    );
    values
}

/// Query strings of known names with known and arbitrary values, encoded or not, and
/// arbitrary text.
fn query_string() -> impl Strategy<Value = String> {
    let names = SearchParam::ALL.map(SearchParam::name).to_vec();
    let name = prop_oneof![
        6 => proptest::sample::select(names).prop_map(str::to_owned),
        1 => "\\PC{0,6}",
    ];
    let value = prop_oneof![
        4 => proptest::sample::select(known_values()),
        1 => "\\PC{0,30}",
        1 => any::<String>(),
        // About the longest text allowed: a short piece repeated (cheaper than 200 random
        // characters).
        1 => ("[a-zä ]{5}", 38..43usize).prop_map(|(piece, n)| piece.repeat(n)),
    ];
    let pair = (name, value, any::<bool>()).prop_map(|(k, v, encode)| {
        if encode {
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair(&k, &v)
                .finish()
        } else {
            format!("{k}={v}")
        }
    });
    prop_oneof![
        8 => proptest::collection::vec(pair, 0..12).prop_map(|p| p.join("&")),
        1 => "\\PC{0,100}",
        1 => ("[a-z=&%0-9]{8}", 500..530usize).prop_map(|(piece, n)| piece.repeat(n)),
    ]
}

/// Query strings read as a search with filters: the fuzzer must reach past the errors.
static FILTERED: AtomicU64 = AtomicU64::new(0);

fn check(raw: String, training: bool, per_page: u32) -> TestCaseResult {
    let members = members();
    let fail = |why: String| Err(TestCaseError::fail(why));
    let Ok((q, params)) = parse(Some(&raw), &members, training, per_page) else {
        return Ok(());
    };
    if q.text.chars().count() > MAX_TEXT_CHARS {
        return fail(format!("text of {} characters", q.text.chars().count()));
    }
    if q.page == 0 || u64::from(q.page) * u64::from(per_page) > MAX_RESULT_WINDOW {
        return fail(format!("page {} at {per_page} a page", q.page));
    }
    if training && (q.kinds.is_empty() || q.kinds.iter().any(|k| !TRAINING.contains(k))) {
        return fail(format!("training search with kinds {:?}", q.kinds));
    }
    if q.sort == Sort::Distance && q.near.is_none() {
        return fail("distance order without a place".into());
    }
    if params.unknown.len() > MAX_UNKNOWN {
        return fail(format!("{} unknown values kept", params.unknown.len()));
    }
    if params.unknown_error(&members, training).is_none() != params.unknown.is_empty() {
        return fail("unknown values and their error disagree".into());
    }
    if !params.kept.is_empty() {
        FILTERED.fetch_add(1, Ordering::Relaxed);
    }
    // The page's links read back as the same search.
    let link = params.link("/stellen", &[], Some(q.page));
    let query = link.split_once('?').map(|(_, q)| q);
    let Ok((again, params_again)) = parse(query, &members, training, per_page) else {
        return fail(format!("the link {link:?} is refused"));
    };
    if params_again.kept
        != params
            .kept
            .iter()
            .filter(|(k, _)| *k != SearchParam::Page)
            .cloned()
            .collect::<Vec<_>>()
    {
        return fail(format!(
            "the link {link:?} keeps {:?}, not {:?}",
            params_again.kept, params.kept
        ));
    }
    let same = (
        &again.text,
        &again.kinds,
        &again.municipalities,
        &again.categories,
        again.sort,
        again.page,
        again.near.as_ref().map(|n| (n.lat, n.lng, n.radius_km)),
    ) == (
        &q.text,
        &q.kinds,
        &q.municipalities,
        &q.categories,
        q.sort,
        q.page,
        q.near.as_ref().map(|n| (n.lat, n.lng, n.radius_km)),
    );
    if !same
        || (&again.employments, &again.contracts, &again.pay_schemes)
            != (&q.employments, &q.contracts, &q.pay_schemes)
    {
        return fail(format!(
            "the link {link:?} is another search: {again:?} instead of {q:?}"
        ));
    }
    Ok(())
}

#[test]
fn any_query_string_is_a_search_within_limits_or_a_param_error() {
    let per_page = prop_oneof![Just(PER_PAGE), 1..=MAX_PER_PAGE];
    let run = fuzz(
        "search-params",
        (query_string(), any::<bool>(), per_page),
        |(raw, training, per_page)| check(raw, training, per_page),
    );
    let filtered = FILTERED.load(Ordering::Relaxed);
    eprintln!(
        "fuzz search-params: {filtered} of {} cases a search with kept parameters",
        run.cases
    );
    assert!(filtered * 10 > run.cases, "{filtered} of {}", run.cases);
}

#[test]
fn any_per_page_value_is_a_number_in_range_or_a_param_error() {
    fuzz("per-page", query_string(), |raw| {
        match per_page(Some(&raw)) {
            Ok(n) if !(1..=MAX_PER_PAGE).contains(&n) => Err(TestCaseError::fail(format!("{n}"))),
            Ok(_) | Err(ParamError::BadPerPage) => Ok(()),
            Err(e) => Err(TestCaseError::fail(format!("{e:?}"))),
        }
    });
}
