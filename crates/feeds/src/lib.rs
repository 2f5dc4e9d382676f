//! Feeds of the Partheland Stellenbörse: RSS 2.0, Atom 1.0, JSON Feed and iCalendar rendering of
//! search results and courses, parsing of municipalities' own feeds, and the import harvester
//! that hands harvested postings to the domain. No HTTP framework in here.
//!
//! - [`import`]: the harvester (pull sync): safe fetching, format recognition, parsing.

pub mod import;
