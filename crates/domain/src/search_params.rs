//! The names of the search parameters: the public vocabulary of every search address
//! (`/stellen?kommune=naunhof&art=job`). The search page, the JSON API, the feeds and the
//! importer reading another board's API all spell them from here, so a typo is a compile error
//! and not a filter that silently does nothing. Their values are the codes of the posting
//! vocabularies ([`crate::postings::PostingKind::code`] …) and the municipality slugs.

use std::fmt;

/// One search parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchParam {
    /// `q`: the search text.
    Text,
    /// `art`: a posting kind (repeatable).
    Kind,
    /// `kommune`: a municipality slug (repeatable).
    Municipality,
    /// `bereich`: a category (repeatable).
    Category,
    /// `umfang`: full or part time (repeatable).
    Employment,
    /// `vertrag`: a contract kind (repeatable).
    Contract,
    /// `verguetung`: a pay scheme (repeatable).
    PayScheme,
    /// `ort`: the municipality at the centre of a radius search.
    Place,
    /// `umkreis`: the radius around `ort` in km.
    Radius,
    /// `sortierung`: the order of the hits.
    Sort,
    /// `seite`: the page, from 1.
    Page,
    /// `pro_seite`: hits a page (API only).
    PerPage,
}

impl SearchParam {
    pub const ALL: [Self; 12] = [
        Self::Text,
        Self::Kind,
        Self::Municipality,
        Self::Category,
        Self::Employment,
        Self::Contract,
        Self::PayScheme,
        Self::Place,
        Self::Radius,
        Self::Sort,
        Self::Page,
        Self::PerPage,
    ];

    /// The name in the query string.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Text => "q",
            Self::Kind => "art",
            Self::Municipality => "kommune",
            Self::Category => "bereich",
            Self::Employment => "umfang",
            Self::Contract => "vertrag",
            Self::PayScheme => "verguetung",
            Self::Place => "ort",
            Self::Radius => "umkreis",
            Self::Sort => "sortierung",
            Self::Page => "seite",
            Self::PerPage => "pro_seite",
        }
    }

    /// Whether the parameter holds one value (the last one given), not a list.
    pub const fn single(self) -> bool {
        matches!(
            self,
            Self::Text | Self::Place | Self::Radius | Self::Sort | Self::Page | Self::PerPage
        )
    }

    /// Whether the parameter narrows the results (a filter), as text, order and paging do not.
    pub const fn narrows(self) -> bool {
        matches!(
            self,
            Self::Kind
                | Self::Municipality
                | Self::Category
                | Self::Employment
                | Self::Contract
                | Self::PayScheme
                | Self::Place
                | Self::Radius
        )
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// The name, so templates can write `name="{{ param }}"`.
impl fmt::Display for SearchParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_read_back() {
        for p in SearchParam::ALL {
            assert_eq!(SearchParam::from_name(p.name()), Some(p));
            assert_eq!(p.to_string(), p.name());
        }
        let mut names: Vec<_> = SearchParam::ALL.iter().map(|p| p.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SearchParam::ALL.len());
        assert_eq!(SearchParam::from_name("Kommune"), None);
    }
}
