//! German text helpers shared by slugs and search.

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
    fn slug_is_cut_at_a_word_boundary() {
        assert_eq!(slugify("Straßenbau und Grünpflege", 16), "strassenbau-und");
    }
}
