//! Pure types and rules: no web, database or template imports, so they are unit-tested alone.

pub mod catalogue;
pub mod email;
pub mod ids;
pub mod job_status;
pub mod money;
pub mod password_policy;
pub mod percent;
pub mod phone;
pub mod plate;
pub mod reminders;
pub mod role;
pub mod sms;
pub mod totals;
pub mod vehicle_catalog;
pub mod vin;
