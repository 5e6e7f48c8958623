//! The outbox as staff read it: a filtered page of messages (status, channel, kind, customer,
//! dates) and one message. A site-bound user sees their site's messages only.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::paging::{Counting, Page, PageRequest};
use super::schema::{customers, outbox_messages};
use super::scope::Scope;
use super::{AnyConnection, DbError};

pub const STATUSES: &[&str] = &["pending", "sending", "sent", "failed", "skipped"];
pub const CHANNELS: &[&str] = &["console", "sms", "whatsapp", "email"];
pub const KINDS: &[(&str, &str)] = &[
    ("welcome", "Welcome"),
    ("mechanic_assigned", "Mechanic assigned"),
    ("invoice", "Invoice issued"),
    ("ready_for_pickup", "Ready for pickup"),
    ("receipt", "Payment receipt"),
    ("service_reminder", "Service reminder"),
    ("promotion", "Promotion"),
    ("sms_blast", "SMS blast"),
    ("low_stock", "Low-stock digest"),
    ("test", "Test message"),
    ("staff_invite", "Staff invitation"),
];

/// The label of a kind of message.
pub fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, label)| *label)
        .unwrap_or("Message")
}

/// What the list is narrowed to; unknown values were dropped while parsing.
#[derive(Clone, Debug, Default)]
pub struct MessageFilter {
    pub status: Option<String>,
    pub channel: Option<String>,
    pub kind: Option<String>,
    pub customer: Option<i32>,
    pub blast: Option<i32>,
    pub from: Option<NaiveDate>,
    /// Inclusive: messages created on this day are in.
    pub to: Option<NaiveDate>,
}

/// A message in the list and on its page.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct MessageLine {
    pub id: i32,
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub provider_id: Option<String>,
    pub customer_id: Option<i32>,
    pub customer_name: Option<(String, String)>,
    pub site_id: Option<i32>,
    pub sms_blast_id: Option<i32>,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

impl MessageLine {
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }

    pub fn masked_recipient(&self) -> String {
        crate::messaging::address::mask(&self.recipient)
    }

    pub fn customer_full_name(&self) -> Option<String> {
        self.customer_name
            .as_ref()
            .map(|(first, last)| format!("{first} {last}").trim().to_owned())
    }

    pub fn badge(&self) -> &'static str {
        match self.status.as_str() {
            "sent" => "badge-success",
            "failed" => "badge-danger",
            "skipped" => "badge-neutral",
            "sending" => "badge-info",
            _ => "badge-warning",
        }
    }
}

type Query = outbox_messages::BoxedQuery<'static, super::connection::MultiBackend>;

fn filtered(scope: &Scope, f: &MessageFilter) -> Query {
    use outbox_messages::dsl as o;
    let mut q = o::outbox_messages.into_boxed();
    if let Some(site) = scope.list_site() {
        q = q.filter(o::site_id.eq(site.0));
    }
    if let Some(status) = &f.status {
        q = q.filter(o::status.eq(status.clone()));
    }
    if let Some(channel) = &f.channel {
        q = q.filter(o::channel.eq(channel.clone()));
    }
    if let Some(kind) = &f.kind {
        q = q.filter(o::kind.eq(kind.clone()));
    }
    if let Some(customer) = f.customer {
        q = q.filter(o::customer_id.eq(customer));
    }
    if let Some(blast) = f.blast {
        q = q.filter(o::sms_blast_id.eq(blast));
    }
    if let Some(from) = f.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        q = q.filter(o::created_at.ge(from));
    }
    if let Some(to) =
        f.to.and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        q = q.filter(o::created_at.lt(to));
    }
    q
}

/// A page of messages, newest first, in two queries.
pub fn list_messages(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &MessageFilter,
    page: PageRequest,
    counting: Counting,
) -> Result<Page<MessageLine>, DbError> {
    let total = match counting {
        Counting::Exact => filtered(scope, filter).count().get_result(conn)?,
        Counting::Capped => filtered(scope, filter)
            .select(outbox_messages::id)
            .limit(page.count_cap())
            .load::<i32>(conn)?
            .len() as i64,
    };
    let ids: Vec<i32> = filtered(scope, filter)
        .select(outbox_messages::id)
        .order(outbox_messages::id.desc())
        .offset(page.offset())
        .limit(page.size)
        .load(conn)?;
    let mut items = lines(conn, &ids)?;
    items.sort_by_key(|m| std::cmp::Reverse(m.id));
    Ok(Page::new(page, items, total))
}

fn lines(conn: &mut AnyConnection, ids: &[i32]) -> Result<Vec<MessageLine>, DbError> {
    use outbox_messages::dsl as o;
    Ok(o::outbox_messages
        .left_join(customers::table)
        .filter(o::id.eq_any(ids))
        .select((
            o::id,
            o::kind,
            o::channel,
            o::recipient,
            o::subject,
            o::status,
            o::attempts,
            o::max_attempts,
            o::last_error,
            o::provider_id,
            o::customer_id,
            (customers::first_name, customers::last_name).nullable(),
            o::site_id,
            o::sms_blast_id,
            o::next_attempt_at,
            o::created_at,
            o::sent_at,
        ))
        .load(conn)?)
}

/// One message with its body, if `scope` may see it.
pub fn find_message(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i32,
) -> Result<Option<(MessageLine, String, bool)>, DbError> {
    let Some(line) = lines(conn, &[id])?.pop() else {
        return Ok(None);
    };
    if let Some(site) = scope.bound_site()
        && line.site_id != Some(site.0)
    {
        return Ok(None);
    }
    let (body, html): (String, Option<String>) = outbox_messages::table
        .find(id)
        .select((outbox_messages::body_text, outbox_messages::body_html))
        .first(conn)?;
    Ok(Some((line, hide_invite_tokens(&body), html.is_some())))
}

/// What stands for an invitation's token wherever staff read a message.
const HIDDEN_TOKEN: &str = "[hidden]";

/// `text` with the token of every invitation link in it replaced by [`HIDDEN_TOKEN`]. The
/// link sets the password of the account it invites, and whoever reads the outbox (head
/// office reads every site's) must not be able to take, say, a superuser's account with it.
fn hide_invite_tokens(text: &str) -> String {
    let prefix = crate::web::paths::INVITE_PREFIX;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let after = &rest[at + prefix.len()..];
        let token_len = after
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
            .unwrap_or(after.len());
        out.push_str(&rest[..at + prefix.len()]);
        if token_len > 0 {
            out.push_str(HIDDEN_TOKEN);
        }
        rest = &after[token_len..];
    }
    out.push_str(rest);
    out
}

/// The id of the message with this dedupe key.
pub fn id_of(conn: &mut AnyConnection, dedupe_key: &str) -> Result<i32, DbError> {
    Ok(outbox_messages::table
        .filter(outbox_messages::dedupe_key.eq(dedupe_key))
        .select(outbox_messages::id)
        .first(conn)?)
}

#[cfg(test)]
mod tests {
    use super::hide_invite_tokens;

    #[test]
    fn invitation_tokens_are_hidden_and_the_rest_kept() {
        let body = "Choose it here: https://w.example/invite/Ab9_x-Z2 Then sign in. Or /invite/Q7.";
        assert_eq!(
            hide_invite_tokens(body),
            "Choose it here: https://w.example/invite/[hidden] Then sign in. Or /invite/[hidden]."
        );
        let no_token = "No link /invite/ here";
        assert_eq!(hide_invite_tokens(no_token), no_token);
        assert_eq!(hide_invite_tokens("Ünïcode ✓"), "Ünïcode ✓");
    }
}
