//! `jobboard`: the Partheland Stellenbörse server and its admin commands.

use std::process::ExitCode;

use clap::Parser;
use jobboard_server::{Cli, config::Config, run, telemetry};

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
