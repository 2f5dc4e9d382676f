//! `jobboard`: the Partheland Stellenbörse server and its admin commands.

use std::process::ExitCode;

use clap::Parser;
use jobboard_server::{Cli, config::Config, run, telemetry};

/// mimalloc instead of glibc's malloc: a search page allocates many small short-lived objects
/// across threads, and glibc's malloc/free took about a sixth of the CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Configuration first: a bad value must stop us before anything is created or opened.
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("jobboard: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config);
    match run(cli, config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "jobboard failed");
            eprintln!("jobboard: {e:#}");
            ExitCode::FAILURE
        }
    }
}
