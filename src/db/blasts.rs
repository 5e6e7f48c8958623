//! SMS blasts: who is in an audience, a blast and its messages written in one statement
//! (`INSERT … SELECT` over the customers, `{first_name}` replaced in SQL), its progress and
//! the history.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde::Serialize;

use super::paging::{Page, PageRequest};
use super::schema::{promotions, sites, sms_blasts, users};
use super::{AnyConnection, DbError};

/// Who a blast goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Customers who agreed to marketing.
    Marketing,
    /// Customers with any job at a site.
    Site(i32),
    /// Every customer with a phone number.
    Reachable,
}

impl Audience {
    pub fn key(self) -> &'static str {
        match self {
            Self::Marketing => "marketing",
            Self::Site(_) => "site",
            Self::Reachable => "reachable",
        }
    }

    pub fn site(self) -> Option<i32> {
        match self {
            Self::Site(site) => Some(site),
            _ => None,
        }
    }

    /// The SQL condition on `c` (customers). The site id is an integer, written in directly.
    fn condition(self) -> String {
        const BASE: &str = "c.phone <> '' AND NOT c.is_walk_in";
        match self {
            Self::Marketing => format!("{BASE} AND c.receive_marketing"),
            Self::Site(site) => format!(
                "{BASE} AND EXISTS (SELECT 1 FROM service_requests r WHERE r.customer_id = c.id AND r.site_id = {site})"
            ),
            Self::Reachable => BASE.to_owned(),
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct FirstName {
    #[diesel(sql_type = Text)]
    first_name: String,
}

/// How many customers the audience has, and one first name for the preview.
pub fn audience_size(
    conn: &mut AnyConnection,
    audience: Audience,
) -> Result<(i64, Option<String>), DbError> {
    let condition = audience.condition();
    let count = format!("SELECT COUNT(*) AS n FROM customers c WHERE {condition}");
    let sample =
        format!("SELECT c.first_name FROM customers c WHERE {condition} ORDER BY c.id LIMIT 1");
    let (n, first): (Vec<Count>, Vec<FirstName>) = match conn {
        AnyConnection::Postgresql(c) => (
            diesel::sql_query(&count).load(c)?,
            diesel::sql_query(&sample).load(c)?,
        ),
        AnyConnection::Sqlite(c) => (
            diesel::sql_query(&count).load(c)?,
            diesel::sql_query(&sample).load(c)?,
        ),
    };
    Ok((
        n.first().map(|c| c.n).unwrap_or(0),
        first.into_iter().next().map(|f| f.first_name),
    ))
}

/// A blast to create.
pub struct NewBlast<'a> {
    pub promotion_id: Option<i32>,
    pub message: &'a str,
    pub audience: Audience,
    pub created_by: i32,
    /// The outbox channel SMS goes out on (`sms` or `console`).
    pub channel: &'a str,
    pub subject: &'a str,
    pub max_attempts: i32,
}

/// Writes the blast and one pending message per customer of the audience; returns the
/// blast's id and how many messages it has. Run it in a write transaction.
pub fn create_blast(
    conn: &mut AnyConnection,
    new: &NewBlast<'_>,
    now: NaiveDateTime,
) -> Result<(i32, i64), DbError> {
    let status = "sending";
    let id: i32 = diesel::insert_into(sms_blasts::table)
        .values((
            sms_blasts::promotion_id.eq(new.promotion_id),
            sms_blasts::message.eq(new.message),
            sms_blasts::audience.eq(new.audience.key()),
            sms_blasts::site_id.eq(new.audience.site()),
            sms_blasts::status.eq(status),
            sms_blasts::created_by.eq(Some(new.created_by)),
            sms_blasts::created_at.eq(now),
        ))
        .returning(sms_blasts::id)
        .get_result(conn)?;
    let sql = format!(
        "INSERT INTO outbox_messages (kind, channel, recipient, subject, body_text, status, attempts, \
         max_attempts, next_attempt_at, dedupe_key, customer_id, site_id, sms_blast_id, created_at) \
         SELECT 'sms_blast', $1, c.phone, $2, REPLACE($3, '{{first_name}}', c.first_name), 'pending', 0, \
         {max}, $4, 'sms_blast:{id}:' || c.id, c.id, {site}, {id}, $5 \
         FROM customers c WHERE {condition} ORDER BY c.id",
        max = new.max_attempts,
        site = new
            .audience
            .site()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "NULL".into()),
        condition = new.audience.condition(),
    );
    let inserted = match conn {
        AnyConnection::Postgresql(c) => diesel::sql_query(sql)
            .bind::<Text, _>(new.channel)
            .bind::<Text, _>(new.subject)
            .bind::<Text, _>(new.message)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .execute(c)?,
        AnyConnection::Sqlite(c) => diesel::sql_query(sql.replace(['$'], "?"))
            .bind::<Text, _>(new.channel)
            .bind::<Text, _>(new.subject)
            .bind::<Text, _>(new.message)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .execute(c)?,
    } as i64;
    let total = i32::try_from(inserted).unwrap_or(i32::MAX);
    let done = total == 0;
    diesel::update(sms_blasts::table.find(id))
        .set((
            sms_blasts::total_count.eq(total),
            sms_blasts::status.eq(if done { "done" } else { status }),
            sms_blasts::finished_at.eq(done.then_some(now)),
        ))
        .execute(conn)?;
    Ok((id, inserted))
}

/// A blast with its promotion, site and author.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct BlastLine {
    pub id: i32,
    pub promotion_id: Option<i32>,
    pub message: String,
    pub audience: String,
    pub site_id: Option<i32>,
    pub status: String,
    pub total_count: i32,
    pub sent_count: i32,
    pub failed_count: i32,
    pub skipped_count: i32,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub promotion_title: Option<String>,
    pub site_name: Option<String>,
    pub created_by: Option<String>,
}

impl BlastLine {
    pub fn handled(&self) -> i32 {
        self.sent_count + self.failed_count + self.skipped_count
    }

    /// How far delivery has come, 0–100.
    pub fn percent(&self) -> i32 {
        if self.total_count == 0 {
            100
        } else {
            (i64::from(self.handled()) * 100 / i64::from(self.total_count)) as i32
        }
    }

    pub fn audience_label(&self) -> String {
        match (self.audience.as_str(), &self.site_name) {
            ("marketing", _) => "Agreed to marketing".into(),
            ("site", Some(site)) => format!("Customers of {site}"),
            ("site", None) => "Customers of a site".into(),
            _ => "Everyone reachable".into(),
        }
    }
}

type Query = sms_blasts::BoxedQuery<'static, super::connection::MultiBackend>;

fn select_lines(
    query: Query,
) -> impl diesel::query_dsl::methods::LoadQuery<'static, AnyConnection, BlastLine> {
    query
        .left_join(promotions::table)
        .left_join(sites::table)
        .left_join(users::table)
        .select((
            sms_blasts::id,
            sms_blasts::promotion_id,
            sms_blasts::message,
            sms_blasts::audience,
            sms_blasts::site_id,
            sms_blasts::status,
            sms_blasts::total_count,
            sms_blasts::sent_count,
            sms_blasts::failed_count,
            sms_blasts::skipped_count,
            sms_blasts::created_at,
            sms_blasts::finished_at,
            promotions::title.nullable(),
            sites::name.nullable(),
            users::name.nullable(),
        ))
}

/// Blasts, newest first (of one promotion when given).
pub fn list_blasts(
    conn: &mut AnyConnection,
    promotion: Option<i32>,
    page: PageRequest,
) -> Result<Page<BlastLine>, DbError> {
    let query = || {
        let mut q = sms_blasts::table.into_boxed();
        if let Some(p) = promotion {
            q = q.filter(sms_blasts::promotion_id.eq(p));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let page_query = query()
        .order(sms_blasts::id.desc())
        .offset(page.offset())
        .limit(page.size);
    let items = select_lines(page_query).load(conn)?;
    Ok(Page::new(page, items, total))
}

pub fn find_blast(conn: &mut AnyConnection, id: i32) -> Result<Option<BlastLine>, DbError> {
    let query = sms_blasts::table.filter(sms_blasts::id.eq(id)).into_boxed();
    Ok(select_lines(query).load(conn)?.pop())
}
