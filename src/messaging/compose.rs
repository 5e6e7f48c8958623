//! Turning a rendered message and its recipient into an outbox row.

use chrono::NaiveDateTime;

use super::address::{Medium, Reach};
use super::config::MessagingSettings;
use super::render::Rendered;
use crate::db::outbox::NewMessage;

/// What a message is about, beside its text: kind, dedupe key and the rows it belongs to.
#[derive(Clone, Debug, Default)]
pub struct About {
    pub kind: &'static str,
    pub dedupe_key: String,
    pub customer_id: Option<i32>,
    pub site_id: Option<i32>,
    pub service_request_id: Option<i32>,
    pub invoice_id: Option<i32>,
    pub sms_blast_id: Option<i32>,
}

/// The outbox row for `about`, sent to `reach` over the channel the settings choose (an email
/// keeps its HTML part; SMS and WhatsApp carry the text only). An unreachable recipient gives
/// a `skipped` row with the reason, so staff see why nothing was sent.
pub fn message(
    settings: &MessagingSettings,
    about: About,
    reach: Reach,
    rendered: Rendered,
    now: NaiveDateTime,
) -> NewMessage {
    let (channel, recipient, status, last_error, html) = match reach {
        Reach::To { medium, address } => {
            let html = (medium == Medium::Email).then_some(rendered.html);
            (settings.channel_for(medium), address, "pending", None, html)
        }
        Reach::Skip { reason, raw } => {
            let channel = settings.channel_for(Medium::Sms);
            (channel, raw, "skipped", Some(reason), None)
        }
    };
    NewMessage {
        kind: about.kind,
        channel,
        recipient,
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: html,
        status,
        attempts: 0,
        max_attempts: settings.max_attempts,
        next_attempt_at: now,
        last_error,
        dedupe_key: about.dedupe_key,
        customer_id: about.customer_id,
        site_id: about.site_id,
        service_request_id: about.service_request_id,
        invoice_id: about.invoice_id,
        sms_blast_id: about.sms_blast_id,
        created_at: now,
    }
}
