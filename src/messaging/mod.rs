//! Messages to customers, mechanics and staff (SPEC §4), through the outbox.
//!
//! Policy: a message is a row in `outbox_messages`, written in the same transaction as the
//! event that causes it (`events`), so a rolled-back event sends nothing and a committed one is
//! never lost. The worker (`worker`) delivers rows after commit, claiming each before sending
//! so two instances on one PostgreSQL never send it twice. A claim whose outcome is unknown
//! (the process died mid-send) is failed, not resent: delivery is at most once.

pub mod address;
pub mod channels;
pub mod compose;
pub mod config;
pub mod events;
pub mod facts;
pub mod render;
pub mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

/// The cheap, cloneable handle that wakes the outbox worker. Call [`Outbox::wake`] after a
/// transaction that enqueued messages has committed; polling catches anything missed.
#[derive(Clone, Default)]
pub struct Outbox {
    notify: Arc<Notify>,
}

impl Outbox {
    /// Tells the worker that new messages are waiting. Never blocks; a wake while the worker
    /// is busy is kept until it next waits.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Waits for the next [`Outbox::wake`].
    pub async fn woken(&self) {
        self.notify.notified().await;
    }
}
