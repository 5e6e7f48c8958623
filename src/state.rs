//! What every handler can reach: the database, the settings and the first-run setup token.

use std::sync::{Arc, Mutex};

use crate::config::Settings;
use crate::db::Db;

/// Shared application state, one `web::Data` for the whole app.
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    /// The one-time first-run token; `None` once a user exists or it has been used.
    pub setup_token: Mutex<Option<String>>,
    /// Product CSV files between preview and confirmation.
    pub imports: crate::services::product_import::ImportJobs,
    /// Wakes the outbox worker after a transaction that enqueued messages commits.
    pub outbox: crate::messaging::Outbox,
}

impl AppState {
    /// Whether `candidate` is the live setup token (compared in constant time).
    pub fn setup_token_matches(&self, candidate: &str) -> bool {
        use subtle::ConstantTimeEq;
        let guard = self
            .setup_token
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard
            .as_deref()
            .is_some_and(|token| bool::from(token.as_bytes().ct_eq(candidate.as_bytes())))
    }

    /// Uses up the setup token.
    pub fn consume_setup_token(&self) {
        let mut guard = self
            .setup_token
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard = None;
    }
}
