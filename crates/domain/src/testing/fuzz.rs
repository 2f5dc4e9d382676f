//! Property tests that run like a fuzzer, on the stable toolchain and in the ordinary test
//! suite: inputs from a [`Strategy`] are tried for a time budget, not a fixed number of cases,
//! and a failing input (a panic included) is shrunk to a minimal one and shown, to become a
//! regression test.
//!
//! - `JOBBOARD_FUZZ_SECS`: seconds per target, default 2 (CI runs 60, see `.ci/run`; longer on
//!   demand).
//! - `JOBBOARD_FUZZ_SEED`: the seed of the first round, to replay a run; without it a random
//!   one, printed with the result.

use std::fmt::Debug;
use std::time::{Duration, Instant};

pub use proptest;
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseResult, TestError, TestRunner};

/// Cases per round: each round has its own seed, so a long run covers many.
const ROUND: u32 = 256;

/// What a fuzzing run did.
#[derive(Clone, Copy, Debug)]
pub struct FuzzRun {
    pub cases: u64,
    pub elapsed: Duration,
    pub seed: u64,
}

/// The time budget of each target.
pub fn budget() -> Duration {
    let seconds = std::env::var("JOBBOARD_FUZZ_SECS")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(2.0);
    Duration::from_secs_f64(seconds)
}

/// Run `test` on inputs from `strategy` until the budget is spent (at least one round); panics
/// with the minimal failing input.
pub fn fuzz<S>(target: &str, strategy: S, test: impl Fn(S::Value) -> TestCaseResult) -> FuzzRun
where
    S: Strategy,
    S::Value: Debug,
{
    let seed = std::env::var("JOBBOARD_FUZZ_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    let started = Instant::now();
    let deadline = started + budget();
    let mut cases = 0u64;
    let mut round = 0u64;
    loop {
        let config = Config {
            cases: ROUND,
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(seed.wrapping_add(round)),
            max_shrink_time: 30_000,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        match runner.run(&strategy, &test) {
            Ok(()) => {}
            Err(TestError::Fail(why, input)) => panic!(
                "fuzz {target}: failed after {cases} cases (JOBBOARD_FUZZ_SEED={}): {why}\nminimal input: {input:#?}",
                seed.wrapping_add(round)
            ),
            Err(TestError::Abort(why)) => panic!("fuzz {target}: aborted: {why}"),
        }
        cases += u64::from(ROUND);
        round += 1;
        if Instant::now() >= deadline {
            break;
        }
    }
    let run = FuzzRun {
        cases,
        elapsed: started.elapsed(),
        seed,
    };
    eprintln!(
        "fuzz {target}: {} cases in {:.1} s, no failure (seed {seed})",
        run.cases,
        run.elapsed.as_secs_f64()
    );
    run
}
