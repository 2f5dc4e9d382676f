//! German text helpers shared by slugs and search, and the cleaning of stored text.

/// Whether `c` may appear in stored text: every character XML 1.0 and HTML allow in text, i.e.
/// not a control character other than tab, line feed and carriage return, and not a
/// noncharacter. A posting is published as HTML, RSS, Atom and JSON; one U+0001 pasted from an
/// old word processor would make its feeds unreadable for every XML parser.
pub fn is_allowed_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fdd0}'..='\u{fdef}' => false,
        c => (c as u32) & 0xfffe != 0xfffe,
    }
}

/// `text` without the characters [`is_allowed_char`] refuses.
pub fn clean(text: &str) -> String {
    if text.chars().all(is_allowed_char) {
        text.to_owned()
    } else {
        text.chars().filter(|c| is_allowed_char(*c)).collect()
    }
}

/// Lower-case ASCII transliteration the way Germans write without umlauts: ä→ae, ö→oe, ü→ue, ß→ss.
pub fn transliterate(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'é' | 'è' | 'ê' => out.push('e'),
            'á' | 'à' | 'â' => out.push('a'),
            'ó' | 'ò' | 'ô' => out.push('o'),
            c => out.push(c),
        }
    }
    out
}

/// URL slug: transliterated, words joined by '-', at most `max` bytes, cut at a word boundary.
pub fn slugify(input: &str, max: usize) -> String {
    let mut slug = String::new();
    for word in transliterate(input).split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !slug.is_empty() {
            if slug.len() + 1 + word.len() > max {
                break;
            }
            slug.push('-');
        }
        slug.push_str(&word[..word.len().min(max)]);
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_transliterates_german_and_drops_punctuation() {
        assert_eq!(
            slugify("Erzieher (m/w/d) Kita „Sonnenschein“ Großpösna", 80),
            "erzieher-m-w-d-kita-sonnenschein-grosspoesna"
        );
    }

    #[test]
    fn clean_drops_control_characters_and_noncharacters_and_keeps_the_rest() {
        assert_eq!(
            clean(
                "Erzieher\u{1}in\u{0}\t(m/w/d)\r\n\u{7f}\u{85}Kita\u{fffe}\u{1fffe}\u{fdd0} „Sonne“ 😀"
            ),
            "Erzieherin\t(m/w/d)\r\nKita „Sonne“ 😀"
        );
        assert!(
            is_allowed_char('\u{fffd}')
                && is_allowed_char('\u{a0}')
                && is_allowed_char('\u{10fffd}')
        );
        assert!(!is_allowed_char('\u{10ffff}') && !is_allowed_char('\u{b}'));
    }

    #[test]
    fn slug_is_cut_at_a_word_boundary() {
        assert_eq!(slugify("Straßenbau und Grünpflege", 16), "strassenbau-und");
    }
}
