//! Authentication and request protection: passwords, sign-in with its throttle, session and
//! API-token identities, CSRF.

pub mod api_tokens;
pub mod csrf;
pub mod current_user;
pub mod password;
pub mod sign_in;
