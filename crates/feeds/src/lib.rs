//! Feeds of the Partheland Stellenbörse: RSS 2.0, Atom 1.0, JSON Feed and iCalendar rendering of
//! search results and courses, parsing of municipalities' own feeds, and the import harvester
//! that hands harvested postings to the domain. No HTTP framework in here.
//!
//! - [`export`]: the outgoing feeds of any search, in RSS 2.0, Atom 1.0 and JSON Feed 1.1.
//! - [`ical`], [`course_feed`]: iCalendar and RSS of the training courses.
//! - [`import`]: the harvester (pull sync): safe fetching, format recognition, parsing.

pub mod course_feed;
pub mod export;
pub mod ical;
pub mod import;
