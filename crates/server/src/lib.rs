//! The `jobboard` binary: configuration, command line, wiring of database, web server and
//! background jobs. Only this crate reads the environment and starts tasks.

pub mod alerts;
pub mod ba_export;
mod bench;
mod bench_alerts;
mod bench_counting;
mod bench_feeds;
mod bench_import;
mod bench_signin;
mod bench_survey;
mod commands;
pub mod config;
mod config_transport;
mod imports;
mod scheduler;
mod search;
pub mod telemetry;
mod tokens;

use clap::{Parser, Subcommand};

pub use commands::{run, run_alerts_once, run_server, run_server_with};
pub use search::open_index;

#[derive(Debug, Parser)]
#[command(
    name = "jobboard",
    version,
    about = "Partheland Stellenbörse – Stellen und Ausbildung der Partheland-Kommunen"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the board: migrate, load demo data on first start (if enabled), serve HTTP (default).
    Serve {
        /// Address to listen on; overrides JOBBOARD_BIND.
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
    },
    /// Apply pending database migrations (or roll back with --down).
    Migrate {
        /// Roll back this many migrations instead of applying.
        #[arg(long, value_name = "N")]
        down: Option<u32>,
        /// Only list applied and pending migrations.
        #[arg(long, conflicts_with = "down")]
        status: bool,
    },
    /// Create realistic demo postings spread over the seven municipalities.
    Seed {
        /// Number of postings to create.
        #[arg(long, value_name = "N", default_value_t = 250)]
        demo: u64,
        /// Random seed: the same seed gives the same postings.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
    },
    /// Publish due scheduled postings and expire those whose deadline day is over, once.
    Expire,
    /// Run only the search indexer (follow the outbox) until stopped.
    Indexer,
    /// Rebuild the search index from the database.
    Reindex,
    /// Manage user accounts of the HR workspace.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens of the municipalities for the push API.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Harvest the import sources now (all enabled ones, or one), with a progress bar.
    Import {
        /// Only this source (also when it is switched off).
        #[arg(long, value_name = "ID")]
        source: Option<i64>,
    },
    /// Configure the feeds that are harvested into postings.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Search alerts: send what is due, switch off an address that bounces, totals.
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Benchmarks that print figures.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Write the HR-BA-XML vacancy files for the Bundesagentur für Arbeit (municipalities with
    /// a BA partner account in JOBBOARD_BA_PARTNERS); prints the paths of the files.
    BaExport {
        /// Only this municipality (slug).
        #[arg(long, value_name = "SLUG")]
        municipality: Option<String>,
        /// A full load (every public posting) instead of the changes since the last file.
        #[arg(long)]
        full: bool,
        /// Directory of the files (default: <data dir>/ba-export).
        #[arg(long, value_name = "DIR")]
        out: Option<std::path::PathBuf>,
        /// Upload each file to the BA (JOBBOARD_BA_UPLOAD_URL, client certificate) and fetch
        /// the BA's error files; a file counts as sent only once uploaded.
        #[arg(long)]
        upload: bool,
        /// Only fetch the BA's error files (into <data dir>/ba-export/errors), export nothing.
        #[arg(long, conflicts_with_all = ["municipality", "full", "out", "upload"])]
        fetch_errors: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Send the mails due now, with a progress bar (`serve` does this on its own).
    Run {
        /// Only list what is due: alert ids and how many postings each mail would list.
        #[arg(long)]
        dry_run: bool,
    },
    /// Switch off every alert of an address whose mail bounces: nothing is sent to it any more.
    SwitchOff {
        #[arg(long)]
        email: String,
    },
    /// Totals: confirmed, pending, switched off, mails sent this week (never addresses).
    Totals,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user: prints a one-time invitation link, or sets the password read from stdin.
    Create {
        /// A platform admin (manages municipalities and users).
        #[arg(long, conflicts_with = "municipality")]
        admin: bool,
        /// Slug of the municipality of an HR officer, e.g. naunhof.
        #[arg(long, value_name = "SLUG", required_unless_present = "admin")]
        municipality: Option<String>,
        #[arg(long)]
        email: String,
        /// Display name (default: the e-mail address).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of stdin instead of printing an invitation link.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; its plaintext is printed once and never stored.
    Create {
        /// Slug of the municipality, e.g. borsdorf.
        #[arg(long)]
        municipality: String,
        /// What the token is for, e.g. "Website-CMS".
        #[arg(long)]
        label: String,
        /// Refuse the token this many days from now (default: valid until revoked).
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3650))]
        expires_in_days: Option<u32>,
    },
    /// List tokens (never their plaintext).
    List {
        /// Only the tokens of this municipality (slug).
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Revoke a token: it is refused from now on.
    Revoke {
        /// Id from `token list`.
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Add a source feed for a municipality.
    Add {
        /// The owning municipality's slug, e.g. brandis.
        #[arg(long)]
        municipality: String,
        /// The feed or page URL (http or https).
        #[arg(long)]
        url: String,
        /// auto, rss, atom, jsonfeed, jobboard-api or jsonld-html.
        #[arg(long, default_value = "auto")]
        format: String,
    },
    /// List the sources with the outcome of their last run.
    List,
    /// Remove a source (one that already created postings is only switched off).
    Remove { id: i64 },
    /// Switch a source on.
    Enable { id: i64 },
    /// Switch a source off: it is no longer harvested; its postings stay as they are.
    Disable { id: i64 },
    /// Last run, items new/updated/archived/failed, the error and the failing item.
    Status { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Rendering of the outgoing feeds (RSS, Atom, JSON Feed) for generated postings, in memory.
    Feeds {
        /// Items per feed.
        #[arg(long, default_value_t = 1000)]
        items: u64,
        /// Rounds; the median is printed.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Search on generated postings: reindex rate, query latency, outbox lag, memory. Uses its
    /// own SQLite database and index under <data dir>/bench (kept for the next run).
    Search {
        /// Generated postings in the benchmark database.
        #[arg(long, default_value_t = 100_000)]
        postings: u64,
        /// Rounds over the fixed query set.
        #[arg(long, default_value_t = 10)]
        rounds: usize,
        /// Edits whose outbox lag is measured.
        #[arg(long, default_value_t = 40)]
        edits: usize,
        /// `embedded`, or `meilisearch` (needs `MEILI_URL`; then the same queries and documents
        /// also go straight to Meilisearch, side by side); default: as configured.
        #[arg(long, value_parser = ["embedded", "meilisearch"])]
        engine: Option<String>,
    },
    /// Import of a generated feed over loopback HTTP: first import, then the unchanged re-import
    /// (time and rows written). Uses a fresh SQLite database under <data dir>/bench-import.
    Import {
        /// Items in the generated feed.
        #[arg(long, default_value_t = 10_000)]
        items: usize,
    },
    /// Computing every due search-alert mail (without sending) for generated confirmed alerts
    /// with mixed searches, on a fresh SQLite database under <data dir>/bench-alerts: time and
    /// memory.
    Alerts {
        /// `embedded` (the default), or `meilisearch` (needs `MEILI_URL`; the bench fills an
        /// index of its own, `<index>_bench_alerts`).
        #[arg(long, value_parser = ["embedded", "meilisearch"])]
        engine: Option<String>,
        /// Confirmed alerts.
        #[arg(long, default_value_t = 100_000)]
        alerts: u64,
        /// Postings published before the alerts were confirmed.
        #[arg(long, default_value_t = 10_000)]
        postings: u64,
        /// Postings published since: the candidates of the mails.
        #[arg(long, default_value_t = 200)]
        new: u64,
    },
    /// Detail-page throughput over HTTP with cookie-free counting on and off (alternating
    /// rounds), on a fresh SQLite database under <data dir>/bench-counting.
    Counting {
        /// Demo postings in the benchmark database.
        #[arg(long, default_value_t = 500)]
        postings: u64,
        /// Seconds of load per round.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Keep-alive connections.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Rounds per setting; the median is printed.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// `/healthz` latency while parallel sign-ins are checked (argon2), on a fresh SQLite
    /// database under <data dir>/bench-signin.
    Signin {
        /// Parallel sign-ins.
        #[arg(long, default_value_t = 100)]
        signins: usize,
    },
    /// The planning page of a needs-survey round answered by every member, over HTTP, on a
    /// fresh SQLite database under <data dir>/bench-survey.
    Survey {
        /// Occupations the round asks about (the seeded list is grown to this many).
        #[arg(long, default_value_t = 40)]
        occupations: usize,
        /// Course types the round asks about.
        #[arg(long, default_value_t = 30)]
        course_types: usize,
        /// Requests; the median is printed.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
}
