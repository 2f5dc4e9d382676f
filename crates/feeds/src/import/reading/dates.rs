//! Dates as German texts write them: `15.12.2026`, `31.01.27`, `10. Januar 2027`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// A date found in a text, with its byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundDate {
    pub start: usize,
    pub end: usize,
    pub date: NaiveDate,
}

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})\b").expect("valid pattern")
});

static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,2})\.\s*(januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember|jan\.|feb\.|aug\.|sept?\.|okt\.|nov\.|dez\.)\s*(\d{4})\b",
    )
    .expect("valid pattern")
});

fn month(name: &str) -> Option<u32> {
    let name = name.to_lowercase();
    let name = name.trim_end_matches('.');
    Some(match name {
        "januar" | "jänner" | "jan" => 1,
        "februar" | "feb" => 2,
        "märz" | "maerz" => 3,
        "april" => 4,
        "mai" => 5,
        "juni" => 6,
        "juli" => 7,
        "august" | "aug" => 8,
        "september" | "sept" | "sep" => 9,
        "oktober" | "okt" => 10,
        "november" | "nov" => 11,
        "dezember" | "dez" => 12,
        _ => return None,
    })
}

/// Every date in `text`, in order; impossible ones (31.02.) are left out.
pub fn find_dates(text: &str) -> Vec<FoundDate> {
    let mut out = Vec::new();
    for c in NUMERIC.captures_iter(text) {
        let (Some(all), Some(d), Some(m), Some(y)) = (c.get(0), c.get(1), c.get(2), c.get(3))
        else {
            continue;
        };
        let year: i32 = y.as_str().parse().unwrap_or(0);
        let year = if y.as_str().len() == 2 {
            2000 + year
        } else {
            year
        };
        let date = NaiveDate::from_ymd_opt(
            year,
            m.as_str().parse().unwrap_or(0),
            d.as_str().parse().unwrap_or(0),
        );
        if let Some(date) = date {
            out.push(FoundDate {
                start: all.start(),
                end: all.end(),
                date,
            });
        }
    }
    for c in NAMED.captures_iter(text) {
        let (Some(all), Some(d), Some(m), Some(y)) = (c.get(0), c.get(1), c.get(2), c.get(3))
        else {
            continue;
        };
        let date = month(m.as_str()).and_then(|m| {
            NaiveDate::from_ymd_opt(
                y.as_str().parse().unwrap_or(0),
                m,
                d.as_str().parse().unwrap_or(0),
            )
        });
        if let Some(date) = date {
            out.push(FoundDate {
                start: all.start(),
                end: all.end(),
                date,
            });
        }
    }
    out.sort_by_key(|f| f.start);
    out
}

/// The part of `text` before byte `at` that belongs to the same sentence (at most ~160 bytes):
/// cut at a line break, or at a full stop, `!` or `?` followed by a capital after a word of
/// four or more letters or after a whole date („… 30.11.2026. Die Stelle …“, „… 10. Januar
/// 2027. Ab …“); so „Std.“, „z. B.“ and the day of „10. Januar“ do not end a sentence.
pub fn sentence_before(text: &str, at: usize) -> &str {
    static END: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:\n|\p{L}{4,}[.!?]\s+\p{Lu}|\b\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})[.!?]\s+\p{Lu}|\p{L}\.?\s+\d{4}[.!?]\s+\p{Lu}|[!?]\s)",
        )
        .expect("valid pattern")
    });
    let mut from = at.saturating_sub(160);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = &text[from..at];
    let cut = END.find_iter(window).last().map_or(0, |m| {
        // Keep the capital that starts the new sentence.
        let s = m.as_str();
        m.end()
            - s.chars()
                .last()
                .filter(|c| c.is_uppercase())
                .map_or(0, char::len_utf8)
    });
    &window[cut..]
}
