//! The board end to end: a real server on a loopback port, a fresh database per test.

#![expect(clippy::unwrap_used, reason = "tests")]

mod cache;
mod pages;
