//! Connecting to the database: SQLite (a file, WAL, foreign keys on) or PostgreSQL.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Which engine a URL points to.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Connection settings beyond the URL.
#[derive(Clone, Debug, Default)]
pub struct DbOptions {
    /// PostgreSQL schema to work in (tests give every test its own).
    pub schema: Option<String>,
    pub max_connections: Option<u32>,
}

/// Open a pool. SQLite files are created when missing, run in WAL mode with foreign keys
/// enforced and wait up to 5 s for a lock rather than failing.
pub async fn connect(url: &str, options: &DbOptions) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if let Some(schema) = &options.schema {
        opts.set_schema_search_path(schema.clone());
    }
    if is_postgres_url(url) {
        opts.max_connections(options.max_connections.unwrap_or(16));
    } else {
        opts.max_connections(options.max_connections.unwrap_or(8))
            .map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: a saved edit survives a power cut, not only a crash of the process.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
            });
    }
    Database::connect(opts).await
}

/// `SELECT 1`: the database answers.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(drop)
}

pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// Begin a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so two writers queue behind each other (up to the busy timeout) instead
/// of one failing with "database is locked" when it upgrades its read lock. Inside an open
/// transaction this is a savepoint.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
