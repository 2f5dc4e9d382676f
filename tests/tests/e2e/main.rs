//! The board end to end: a real server on a loopback port, a fresh database per test.

#![expect(clippy::unwrap_used, reason = "tests")]

mod courses;
mod editor;
mod hr;
mod hr_courses;
mod pages;
