//! The board end to end: a real server on a loopback port, a fresh database per test.

#![expect(clippy::unwrap_used, reason = "tests")]

mod alerts;
mod api;
mod cache;
mod courses;
mod editor;
mod feeds;
mod hardening;
mod hr;
mod hr_courses;
mod hr_sources;
mod hr_tokens;
mod pages;
mod push;
mod roundtrip;
mod search;
