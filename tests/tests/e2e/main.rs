//! The board end to end: a real server on a loopback port, a fresh database per test.

#![expect(clippy::unwrap_used, reason = "tests")]

mod alerts;
mod api;
mod cache;
mod conformance;
mod courses;
mod cover;
mod cover_document;
mod editor;
mod embed;
mod feeds;
mod fuzz_push;
mod hardening;
mod hr;
mod hr_courses;
mod hr_dashboard;
mod hr_sources;
mod hr_survey;
mod hr_tokens;
mod internal;
mod pages;
mod push;
mod roundtrip;
mod search;
mod stats;
