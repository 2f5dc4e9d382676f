//! Highlighted titles and result snippets from match positions, the same for every backend:
//! an engine reports where the applicant's words matched (byte ranges in the stored text) and
//! this module decides what is shown. A title is always shown whole; a snippet is cut from the
//! paragraph or list item (one line of the indexed text) and the sentence that matched, so
//! text from different fields or paragraphs is never glued together.

use std::ops::Range;

use crate::query::mark_html;

const PRE: char = '\u{1}';
const POST: char = '\u{2}';

/// `text` as HTML with every range in `ranges` (byte offsets, ascending) marked. Ranges that
/// overlap an earlier one or do not fall on character boundaries are skipped.
pub fn highlight_whole(text: &str, ranges: &[Range<usize>]) -> String {
    marked(text, 0..text.len(), ranges)
}

/// A snippet of at most about `max_chars` characters around the first match in `body`: from the
/// start of the matched sentence (or a word boundary with „…“ when the sentence began long
/// before) to the end of a sentence or word within the same line, the matches marked. Empty
/// when nothing matched.
pub fn snippet(body: &str, ranges: &[Range<usize>], max_chars: usize) -> String {
    match cut(body, ranges, max_chars) {
        Some(c) => c.html(body, ranges),
        None => String::new(),
    }
}

/// Where a snippet begins and ends in its text, and whether text was left out on either side.
struct Cut {
    window: Range<usize>,
    before: bool,
    after: bool,
}

impl Cut {
    fn html(&self, text: &str, ranges: &[Range<usize>]) -> String {
        let mut html = String::new();
        if self.before {
            html.push('…');
        }
        html.push_str(&marked(text, self.window.clone(), ranges));
        if self.after {
            html.push('…');
        }
        html
    }
}

fn cut(body: &str, ranges: &[Range<usize>], max_chars: usize) -> Option<Cut> {
    let first = ranges.iter().find(|r| valid(body, r))?;
    let line_start = body[..first.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = body[first.start..]
        .find('\n')
        .map_or(body.len(), |i| first.start + i);
    let (start, before) = window_start(body, line_start, first.start, max_chars / 3);
    let (end, after) = window_end(body, start, line_end, first.end, max_chars);
    Some(Cut {
        window: start..end,
        before,
        after,
    })
}

/// [`snippet`] for an engine that answers with a cropped excerpt whose matches are wrapped in
/// `pre` … `post` markers and whose cut ends carry `crop` (Meilisearch's `_formatted`): the
/// excerpt is read back into text and match ranges, then cut like any other. Where the engine
/// had already cut the text, the snippet says so with „…“ too.
pub fn snippet_from_marked(
    marked: &str,
    pre: &str,
    post: &str,
    crop: &str,
    max_chars: usize,
) -> String {
    let cropped_before = !crop.is_empty() && marked.starts_with(crop);
    let cropped_after = !crop.is_empty() && marked.ends_with(crop) && marked.len() > crop.len();
    let inner = marked
        .strip_prefix(crop)
        .filter(|_| cropped_before)
        .unwrap_or(marked);
    let inner = inner
        .strip_suffix(crop)
        .filter(|_| cropped_after)
        .unwrap_or(inner);
    let (text, ranges) = unmark(inner, pre, post);
    let Some(mut c) = cut(&text, &ranges, max_chars) else {
        return String::new();
    };
    // Text the engine left out lies beyond the excerpt's ends.
    c.before |= cropped_before && c.window.start == 0;
    c.after |= cropped_after && c.window.end == text.len();
    c.html(&text, &ranges)
}

/// [`highlight_whole`] for a text whose matches an engine wrapped in `pre` … `post` markers
/// (Meilisearch's `_formatted` title).
pub fn highlight_marked(marked: &str, pre: &str, post: &str) -> String {
    let (text, ranges) = unmark(marked, pre, post);
    highlight_whole(&text, &ranges)
}

/// The text without the markers, and the byte ranges they enclosed, each widened to whole words:
/// an engine may mark only part of a word (Meilisearch marks as many characters as the query
/// word had when it matched with a typo or as a prefix: `<mark>Verwaltungsfachangestellt</mark>e`),
/// and touching ranges are one (an engine that marks the parts of a compound separately).
fn unmark(marked: &str, pre: &str, post: &str) -> (String, Vec<Range<usize>>) {
    let (text, ranges) = unmark_exact(marked, pre, post);
    let mut widened: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        let r = to_word_bounds(&text, r);
        match widened.last_mut() {
            Some(last) if last.end >= r.start => last.end = last.end.max(r.end),
            _ => widened.push(r),
        }
    }
    (text, widened)
}

/// `r` grown to the start and end of the words it begins and ends in.
fn to_word_bounds(text: &str, r: Range<usize>) -> Range<usize> {
    let start = text[..r.start]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(r.start, |(i, _)| i);
    let end = text[r.end..]
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| r.end + i);
    start..end
}

fn unmark_exact(marked: &str, pre: &str, post: &str) -> (String, Vec<Range<usize>>) {
    let mut text = String::with_capacity(marked.len());
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut rest = marked;
    let mut open: Option<usize> = None;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(pre).filter(|_| !pre.is_empty()) {
            open.get_or_insert(text.len());
            rest = r;
        } else if let Some(r) = rest.strip_prefix(post).filter(|_| !post.is_empty()) {
            if let Some(start) = open.take() {
                match ranges.last_mut() {
                    Some(last) if last.end == start => last.end = text.len(),
                    _ => ranges.push(start..text.len()),
                }
            }
            rest = r;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    (text, ranges)
}

fn valid(text: &str, r: &Range<usize>) -> bool {
    r.start < r.end
        && r.end <= text.len()
        && text.is_char_boundary(r.start)
        && text.is_char_boundary(r.end)
}

/// The start of the sentence holding `at`, if it lies within `lead` characters before it; else a
/// word boundary about `lead` characters before `at` (and `true`: text was left out).
fn window_start(body: &str, line_start: usize, at: usize, lead: usize) -> (usize, bool) {
    let before = &body[line_start..at];
    let sentence = before
        .char_indices()
        .rev()
        .find(|&(i, c)| c == ' ' && ends_sentence(&before[..i]))
        .map_or(line_start, |(i, _)| line_start + i + 1);
    if body[sentence..at].chars().count() <= lead {
        return (sentence, false);
    }
    let mut start = at;
    for (n, (i, _)) in before.char_indices().rev().enumerate() {
        if n >= lead {
            break;
        }
        start = line_start + i;
    }
    // Begin at a whole word.
    match body[start..at].find(' ') {
        Some(space) if start + space + 1 < at => (start + space + 1, true),
        _ => (start, start > line_start),
    }
}

/// Where the snippet ends: the whole line if it fits, else the last sentence end (or word
/// boundary) within `max_chars` from `start` that keeps the first match, plus whether text
/// was left out.
fn window_end(
    body: &str,
    start: usize,
    line_end: usize,
    first_end: usize,
    max_chars: usize,
) -> (usize, bool) {
    let limit = body[start..line_end]
        .char_indices()
        .nth(max_chars)
        .map_or(line_end, |(i, _)| start + i);
    if limit == line_end {
        return (line_end, false);
    }
    let window = &body[start..limit];
    let keep = first_end.saturating_sub(start);
    let sentence_end = window
        .char_indices()
        .rev()
        .find(|&(i, c)| i + c.len_utf8() >= keep && matches!(c, '.' | '!' | '?'))
        .map(|(i, c)| i + c.len_utf8());
    let word_end = window.rfind(' ').filter(|&i| i >= keep);
    match sentence_end.or(word_end) {
        Some(i) => (start + i, true),
        None => (limit, true),
    }
}

fn ends_sentence(text: &str) -> bool {
    text.ends_with(['.', '!', '?', ':'])
}

/// `text[window]` as HTML, with the parts of `ranges` inside the window marked.
fn marked(text: &str, window: Range<usize>, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(window.len() + 16);
    let mut at = window.start;
    for r in ranges.iter().filter(|r| valid(text, r)) {
        let (s, e) = (r.start.max(window.start), r.end.min(window.end));
        if s < at || s >= e {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push(PRE);
        out.push_str(&text[s..e]);
        out.push(POST);
        at = e;
    }
    out.push_str(&text[at..window.end]);
    mark_html(&out, "\u{1}", "\u{2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range_of(text: &str, word: &str) -> Range<usize> {
        let s = text.find(word).expect("word in text");
        s..s + word.len()
    }

    #[test]
    fn a_title_keeps_its_closing_parenthesis() {
        let title = "Erzieher im Hort (m/w/d)";
        assert_eq!(
            highlight_whole(title, &[range_of(title, "Erzieher")]),
            "<mark>Erzieher</mark> im Hort (m/w/d)"
        );
    }

    #[test]
    fn a_snippet_stays_in_the_line_and_sentence_that_matched() {
        let body = "Wir achten auf Vielfalt unabhängig von Herkunft\nSchwerbehinderte Bewerberinnen werden bevorzugt. Der Winterdienst gehört dazu. Mehr folgt.";
        let s = snippet(body, &[range_of(body, "Winterdienst")], 220);
        assert_eq!(s, "Der <mark>Winterdienst</mark> gehört dazu. Mehr folgt.");
    }

    #[test]
    fn a_long_line_is_cut_at_sentences_or_words_and_says_so() {
        let body = format!(
            "{} Hier steht der Winterdienst im Mittelpunkt. {}",
            "Lange Einleitung ohne Treffer.".repeat(10),
            "Danach kommt noch viel mehr Text.".repeat(10)
        );
        let s = snippet(&body, &[range_of(&body, "Winterdienst")], 120);
        assert!(
            s.starts_with("Hier steht der <mark>Winterdienst</mark>"),
            "{s}"
        );
        let shown = s.replace("<mark>", "").replace("</mark>", "");
        assert!(s.ends_with('…') && shown.chars().count() <= 122, "{s}");
        let long_sentence = format!("{} Winterdienst {}", "wort ".repeat(60), "ende ".repeat(60));
        let s = snippet(
            &long_sentence,
            &[range_of(&long_sentence, "Winterdienst")],
            120,
        );
        assert!(s.starts_with("…wort") && s.ends_with("ende…"), "{s}");
        assert!(s.contains("<mark>Winterdienst</mark>"), "{s}");
    }

    #[test]
    fn an_engines_marked_excerpt_is_cut_to_its_line_and_merged_marks_are_one() {
        let marked = "…von Herkunft\nZu den Aufgaben gehört der [Winter][dienst] auf Gehwegen. Ein Führerschein…";
        assert_eq!(
            snippet_from_marked(marked, "[", "]", "…", 220),
            "Zu den Aufgaben gehört der <mark>Winterdienst</mark> auf Gehwegen. Ein Führerschein…"
        );
        let marked = "…gehört der [Winterdienst] auf Gehwegen";
        assert_eq!(
            snippet_from_marked(marked, "[", "]", "…", 220),
            "…gehört der <mark>Winterdienst</mark> auf Gehwegen"
        );
        assert_eq!(snippet_from_marked("kein Treffer", "[", "]", "…", 220), "");
    }

    #[test]
    fn a_mark_that_ends_or_starts_inside_a_word_covers_the_whole_word() {
        let html = highlight_marked(
            "Ausbildung \u{1}Verwaltungsfachangestellt\u{2}e 2027",
            "\u{1}",
            "\u{2}",
        );
        assert_eq!(
            html,
            "Ausbildung <mark>Verwaltungsfachangestellte</mark> 2027"
        );
        let html = highlight_marked(
            "Straßen\u{1}wärter\u{2}, \u{1}Winter\u{2}\u{1}dienst\u{2}",
            "\u{1}",
            "\u{2}",
        );
        assert_eq!(
            html,
            "<mark>Straßenwärter</mark>, <mark>Winterdienst</mark>"
        );
    }

    #[test]
    fn markup_in_the_text_is_escaped_and_bad_ranges_are_skipped() {
        let text = "Koch <b>Mensa</b> & Küche";
        #[expect(clippy::reversed_empty_ranges, reason = "a bad range on purpose")]
        let backwards = 7..3;
        let html = highlight_whole(text, &[range_of(text, "Mensa"), 0..200, backwards]);
        assert_eq!(
            html,
            "Koch &lt;b&gt;<mark>Mensa</mark>&lt;/b&gt; &amp; Küche"
        );
        assert_eq!(snippet(text, &[], 100), "");
    }
}
