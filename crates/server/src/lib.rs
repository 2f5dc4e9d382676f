//! The `jobboard` binary: configuration, command line, wiring of database, web server and
//! background jobs. Only this crate reads the environment and starts tasks.

mod commands;
pub mod config;
mod scheduler;
pub mod telemetry;

use clap::{Parser, Subcommand};

pub use commands::{run, run_server};

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
}
