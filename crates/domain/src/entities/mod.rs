//! sea-orm entities, one file per table: the stored shape only, no behaviour.

pub mod account_token;
pub mod api_token;
pub mod audit_entry;
pub mod course;
pub mod course_attendance;
pub mod course_partner;
pub mod course_quota;
pub mod course_registration;
pub mod course_session;
pub mod import_source;
pub mod login_failure;
pub mod municipality;
pub mod posting;
pub mod posting_partner;
pub mod search_alert;
pub mod search_alert_sent;
pub mod search_alert_token;
pub mod search_outbox;
pub mod session;
pub mod user;
