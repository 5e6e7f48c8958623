//! The messages that jobs and payments cause (SPEC §3, §4), queued as outbox rows inside the
//! transaction of the event, so a rollback takes them too and a commit makes them durable.
//! Delivery happens after commit, in the outbox worker, which [`Notify::wake`] nudges.

use std::sync::Arc;

use crate::config::Settings;
use crate::db::invoice_number::NUMBER_SLOT;
use crate::db::outbox::NewMessage;
use crate::db::{AnyConnection, DbError};
use crate::messaging::facts::{self, InvoiceFacts};
use crate::messaging::{Outbox, events};
use crate::state::AppState;

/// What a service needs to queue messages; cheap to clone into a transaction.
#[derive(Clone)]
pub struct Notify {
    settings: Arc<Settings>,
    outbox: Outbox,
}

impl Notify {
    pub fn of(state: &AppState) -> Self {
        Self {
            settings: state.settings.clone(),
            outbox: state.outbox.clone(),
        }
    }

    /// What completion's messages say of the invoice `id`, read before it has its number:
    /// [`NUMBER_SLOT`] stands for it.
    pub fn invoice_facts(&self, c: &mut AnyConnection, id: i32) -> Result<InvoiceFacts, DbError> {
        let mut facts =
            facts::invoice(c, id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))?;
        facts.number = NUMBER_SLOT.to_owned();
        Ok(facts)
    }

    /// Completion's messages, for the statement that numbers the invoice: the invoice and
    /// "ready for pickup" to the customer, and the receipt when a payment by `paid_by` taken
    /// at the counter paid it in full.
    pub fn job_completed(&self, invoice: &InvoiceFacts, paid_by: Option<&str>) -> Vec<NewMessage> {
        let mut messages = events::job_completed_messages(&self.settings, invoice);
        if let Some(method) = paid_by {
            messages.push(events::receipt_message(
                &self.settings,
                invoice,
                Some(method),
            ));
        }
        messages
    }

    /// The payment that made an invoice fully paid: the receipt to the customer.
    pub fn invoice_paid(&self, c: &mut AnyConnection, invoice: i32) -> Result<(), DbError> {
        events::invoice_paid(c, &self.settings, invoice)
    }

    /// A staff account invited to choose its password: the email with the link.
    pub fn staff_invited(
        &self,
        c: &mut AnyConnection,
        user: &crate::db::staff::StaffRow,
        token: &str,
    ) -> Result<(), DbError> {
        events::staff_invited(c, &self.settings, user, token)
    }

    /// A mechanic newly set on a job: a message to that mechanic.
    pub fn mechanic_assigned(
        &self,
        c: &mut AnyConnection,
        job: i32,
        mechanic: i32,
    ) -> Result<(), DbError> {
        events::mechanic_assigned(c, &self.settings, job, mechanic)
    }

    /// After the transaction committed: deliver now rather than at the next poll.
    pub fn wake<T, E>(&self, result: Result<T, E>) -> Result<T, E> {
        if result.is_ok() {
            self.outbox.wake();
        }
        result
    }
}
