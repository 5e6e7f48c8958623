//! Giving a new invoice its `INV-` number, as the last write of its transaction.
//!
//! Invoice numbers have no gaps, so the year's counter row stays locked from the moment a
//! number is taken until commit, and every other completion waits for it there. Under load
//! that wait was most of a completion's time on PostgreSQL (sampled `pg_stat_activity`: the
//! numbering statement waiting on the previous holder's transaction, which still had its audit
//! rows, its messages and its commit to write). So whatever mentions the number is written
//! with [`NUMBER_SLOT`] in its place, collected in a [`WithNumber`], and written in the same
//! statement that takes the number: from the lock to the commit there is one statement.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::audit::{self, AuditRow};
use super::numbers::{Numbered, next_number};
use super::outbox::{self, NewMessage};
use super::prepared::{bind, json_rows, prepared};
use super::{AnyConnection, DbError};

/// Stands for the invoice's number in text written before the number exists. Two
/// private-use characters around a word: nothing a person types or prints contains them.
pub const NUMBER_SLOT: &str = "\u{E000}invoice-number\u{E000}";

/// The rows that mention the invoice's number, written with it.
#[derive(Debug, Default)]
pub struct WithNumber {
    pub audit: Vec<AuditRow>,
    pub messages: Vec<NewMessage>,
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = Text)]
    display_number: String,
}

/// The counter upsert of `numbers::next_number` (its number formatted as `format_number`
/// does: `lpad` alone would cut a sixth digit), the invoice's update, and the audit rows and
/// messages read from JSON with the number put in their text. Prepared (`db::prepared`).
const NUMBER_INVOICE_POSTGRES: &str = "WITH taken AS ( \
     INSERT INTO display_number_sequences (prefix, year, last_value) VALUES (?, ?, 1) \
     ON CONFLICT (prefix, year) \
     DO UPDATE SET last_value = display_number_sequences.last_value + 1 \
     RETURNING prefix || '-' || year::text || '-' \
       || lpad(last_value::text, greatest(?, length(last_value::text)), '0') AS number), \
   numbered AS ( \
     UPDATE invoices SET display_number = taken.number FROM taken WHERE invoices.id = ? \
     RETURNING invoices.display_number AS number, CAST(? AS text) AS slot), \
   audited AS ( \
     INSERT INTO audit_log (action, entity, entity_id, entity_repr, changes, user_id, via, \
       site_id, created_at) \
     SELECT r.action, r.entity, r.entity_id, replace(r.entity_repr, n.slot, n.number), \
       replace(r.changes, n.slot, n.number), r.user_id, r.via, r.site_id, r.created_at \
     FROM numbered n, jsonb_to_recordset(CAST(? AS jsonb)) AS r(action text, entity text, \
       entity_id integer, entity_repr text, changes text, user_id integer, via text, \
       site_id integer, created_at timestamp)), \
   queued AS ( \
     INSERT INTO outbox_messages (kind, channel, recipient, subject, body_text, body_html, \
       status, attempts, max_attempts, next_attempt_at, last_error, dedupe_key, customer_id, \
       site_id, service_request_id, invoice_id, sms_blast_id, created_at) \
     SELECT r.kind, r.channel, r.recipient, replace(r.subject, n.slot, n.number), \
       replace(r.body_text, n.slot, n.number), replace(r.body_html, n.slot, n.number), \
       r.status, r.attempts, r.max_attempts, r.next_attempt_at, r.last_error, r.dedupe_key, \
       r.customer_id, r.site_id, r.service_request_id, r.invoice_id, r.sms_blast_id, \
       r.created_at \
     FROM numbered n, jsonb_to_recordset(CAST(? AS jsonb)) AS r(kind text, channel text, \
       recipient text, subject text, body_text text, body_html text, status text, \
       attempts integer, max_attempts integer, next_attempt_at timestamp, last_error text, \
       dedupe_key text, customer_id integer, site_id integer, service_request_id integer, \
       invoice_id integer, sms_blast_id integer, created_at timestamp) \
     ON CONFLICT (dedupe_key) DO NOTHING) \
   SELECT number AS display_number FROM numbered";

/// Takes the next invoice number of `year`, gives it to the invoice `id` (inserted under a
/// placeholder in this transaction), and writes `rows` with the number in place of
/// [`NUMBER_SLOT`]. Call it last: from here to commit every other completion waits.
pub fn number_invoice(
    conn: &mut AnyConnection,
    id: i32,
    year: i32,
    rows: &WithNumber,
) -> Result<String, DbError> {
    let kind = Numbered::Invoice;
    match conn {
        AnyConnection::Postgresql(c) => {
            let taken: Taken = prepared(
                NUMBER_INVOICE_POSTGRES,
                (
                    bind::<Text, _>(kind.prefix()),
                    bind::<Integer, _>(year),
                    bind::<Integer, _>(kind.width() as i32),
                    bind::<Integer, _>(id),
                    bind::<Text, _>(NUMBER_SLOT),
                    bind::<Text, _>(json_rows(&rows.audit)?),
                    bind::<Text, _>(json_rows(&rows.messages)?),
                ),
            )
            .get_result(c)?;
            Ok(taken.display_number)
        }
        // One writer at a time: nobody waits on the counter here, so plain statements.
        AnyConnection::Sqlite(_) => {
            let number = next_number(conn, kind, year)?;
            super::invoices::set_display_number(conn, id, &number)?;
            let fill = |text: &str| text.replace(NUMBER_SLOT, &number);
            let audit: Vec<AuditRow> = rows.audit.iter().map(|r| r.with_text(fill)).collect();
            audit::insert_rows(conn, &audit)?;
            let messages: Vec<NewMessage> =
                rows.messages.iter().map(|m| m.with_text(fill)).collect();
            outbox::enqueue(conn, &messages)?;
            Ok(number)
        }
    }
}
