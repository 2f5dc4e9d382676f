//! The maintained German synonym groups (`synonyms.de.txt`), compiled into the binary.

use std::collections::BTreeMap;
use std::sync::OnceLock;

const SOURCE: &str = include_str!("../synonyms.de.txt");

/// Groups of terms or phrases that find each other, lower case.
pub fn groups() -> &'static [Vec<String>] {
    static GROUPS: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    GROUPS.get_or_init(|| parse(SOURCE))
}

pub fn parse(source: &str) -> Vec<Vec<String>> {
    source
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .map(|l| {
            l.split(',')
                .map(|t| {
                    t.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase()
                })
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|g| g.len() > 1)
        .collect()
}

/// Every term mapped to all others of its groups (Meilisearch's synonym setting).
pub fn as_map() -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for group in groups() {
        for term in group {
            let entry = map.entry(term.clone()).or_default();
            entry.extend(group.iter().filter(|t| *t != term).cloned());
            entry.sort();
            entry.dedup();
        }
    }
    map
}

/// Variants of a lower-cased query with one synonym phrase exchanged for another, the query
/// itself first; at most `max`.
pub fn variants(query: &str, max: usize) -> Vec<String> {
    let q = format!(
        " {} ",
        query
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    );
    let mut out = vec![q.trim().to_owned()];
    for group in groups() {
        for term in group {
            let needle = format!(" {term} ");
            if q.contains(&needle) {
                for other in group.iter().filter(|o| *o != term) {
                    let v = q
                        .replacen(&needle, &format!(" {other} "), 1)
                        .trim()
                        .to_owned();
                    if out.len() < max && !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_has_the_groups_the_board_promises() {
        let map = as_map();
        assert!(map["erzieher"].contains(&"pädagogische fachkraft".to_owned()));
        assert!(map["azubi"].contains(&"ausbildung".to_owned()));
        assert!(map["bauhof"].contains(&"betriebshof".to_owned()));
        assert!(map["kita"].contains(&"kindertagesstätte".to_owned()));
    }

    #[test]
    fn variants_exchange_phrases_both_ways() {
        assert!(
            variants("Pädagogische Fachkraft Naunhof", 20).contains(&"erzieher naunhof".to_owned())
        );
        assert!(variants("Erzieher", 20).contains(&"pädagogische fachkraft".to_owned()));
        assert_eq!(variants("Gemeindearbeiter", 20), ["gemeindearbeiter"]);
    }
}
