//! A stored search in words, as the confirmation mail and the management page name it:
//! „Erzieher, Kita/Erziehung, Naunhof, Teilzeit, 10 km um Brandis“.

use jobboard_domain::alerts::AlertScope;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};

use crate::search_params::{PER_PAGE, Params, SearchParam, parse};

/// The search `query` of `scope` in words; every value it names, in the order given.
pub fn describe(scope: AlertScope, query: &str, members: &[Municipality]) -> String {
    let Ok((_, params)) = parse(
        Some(query),
        members,
        scope == AlertScope::Training,
        PER_PAGE,
    ) else {
        return scope.label().to_owned();
    };
    let words = words(&params, members);
    if words.is_empty() {
        match scope {
            AlertScope::Jobs => "alle Stellen".to_owned(),
            AlertScope::Training => "alle Angebote für Ausbildung & Studium".to_owned(),
        }
    } else {
        words.join(", ")
    }
}

fn words(params: &Params, members: &[Municipality]) -> Vec<String> {
    let name = |slug: &str| {
        members
            .iter()
            .find(|m| m.slug == slug)
            .map_or(slug.to_owned(), |m| m.name.clone())
    };
    let place = params.get(SearchParam::Place);
    let radius = params.get(SearchParam::Radius);
    let mut out = Vec::new();
    for (param, value) in &params.kept {
        let word = match param {
            SearchParam::Text => Some(value.clone()),
            SearchParam::Kind => PostingKind::from_code(value).map(|k| k.label().to_owned()),
            SearchParam::Municipality => Some(name(value)),
            SearchParam::Category => Category::from_code(value).map(|c| c.label().to_owned()),
            SearchParam::Employment => Employment::from_code(value).map(|e| e.label().to_owned()),
            SearchParam::Contract => Contract::from_code(value).map(|c| c.label().to_owned()),
            SearchParam::PayScheme => PayScheme::from_code(value).map(|p| p.label().to_owned()),
            SearchParam::Place => Some(match radius {
                Some(r) => format!("{r} km um {}", name(value)),
                None => format!("rund um {}", name(value)),
            }),
            // Said together with the place; alone it limits nothing.
            SearchParam::Radius if place.is_none() => None,
            SearchParam::Radius | SearchParam::Sort | SearchParam::Page | SearchParam::PerPage => {
                None
            }
        };
        out.extend(word);
    }
    out
}

/// The stored form of the current search of a results page: its understood parameters
/// without order and page (an alert lists what is new, in its own order).
pub fn stored_query(params: &Params) -> String {
    params
        .link("", &[(SearchParam::Sort, None)], None)
        .trim_start_matches('?')
        .to_owned()
}
