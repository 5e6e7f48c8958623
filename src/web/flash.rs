//! One-time messages shown on the next page ("Saved.", "Signed out."), kept in the session.

use actix_session::Session;
use serde::{Deserialize, Serialize};

const SESSION_KEY: &str = "_flash";

/// A message and its tone (`success`, `info`, `error`), which picks its colour.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub level: String,
    pub text: String,
}

/// Queues a message for the next page.
pub fn push(session: &Session, level: &str, text: impl Into<String>) {
    let mut queued = session
        .get::<Vec<Flash>>(SESSION_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    queued.push(Flash {
        level: level.to_owned(),
        text: text.into(),
    });
    let _ = session.insert(SESSION_KEY, queued);
}

/// Takes the queued messages, so each is shown once.
pub fn take(session: &Session) -> Vec<Flash> {
    let queued = session
        .get::<Vec<Flash>>(SESSION_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    if !queued.is_empty() {
        session.remove(SESSION_KEY);
    }
    queued
}
