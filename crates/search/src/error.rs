#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The engine cannot be reached or did not answer in time: retry later.
    #[error("search engine unavailable: {0}")]
    Unavailable(String),
    /// The engine refused or failed the operation.
    #[error("search engine error: {0}")]
    Engine(String),
    #[error("invalid search: {0}")]
    InvalidQuery(String),
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("search index I/O: {0}")]
    Io(#[from] std::io::Error),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        Self::Engine(e.to_string())
    }
}

impl From<meilisearch_sdk::errors::Error> for SearchError {
    fn from(e: meilisearch_sdk::errors::Error) -> Self {
        use meilisearch_sdk::errors::Error as E;
        match e {
            E::Timeout | E::Other(_) => Self::Unavailable(e.to_string()),
            other => Self::Engine(other.to_string()),
        }
    }
}
