//! Promotions: the rows staff manage, the ones running on a day, and the customers who agreed
//! to hear about them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::paging::{Page, PageRequest};
use super::schema::{customers, invoices, promotions};
use super::{AnyConnection, DbError, now};
use crate::domain::ids::UserId;

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = promotions)]
pub struct PromotionRow {
    pub id: i32,
    pub title: String,
    pub description: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub discount_percent_bp: Option<i32>,
    pub discount_amount_cents: Option<i64>,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl PromotionRow {
    /// Whether it runs on `day`: switched on and within its dates (both inclusive).
    pub fn runs_on(&self, day: NaiveDate) -> bool {
        self.is_active && self.start_date <= day && day <= self.end_date
    }

    /// Its discount on a subtotal: a percentage rounded to the cent, or the fixed amount; never
    /// more than the subtotal.
    pub fn discount_on(&self, subtotal: i64) -> i64 {
        let raw = match (self.discount_percent_bp, self.discount_amount_cents) {
            (Some(bp), _) => crate::domain::totals::percent_of(subtotal, bp),
            (None, Some(amount)) => amount,
            (None, None) => 0,
        };
        raw.clamp(0, subtotal.max(0))
    }

    /// "10% off" or "USD 5.00 off".
    pub fn discount_label(&self, currency: &str) -> String {
        match (self.discount_percent_bp, self.discount_amount_cents) {
            (Some(bp), _) => format!(
                "{}% off",
                crate::domain::percent::BasisPoints::from_stored(bp).display()
            ),
            (None, Some(cents)) => format!(
                "{currency} {} off",
                crate::domain::money::Money::from_cents(cents)
            ),
            (None, None) => String::new(),
        }
    }
}

/// Validated fields, inserted and updated alike.
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = promotions, treat_none_as_null = true)]
pub struct PromotionFields {
    pub title: String,
    pub description: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub discount_percent_bp: Option<i32>,
    pub discount_amount_cents: Option<i64>,
    pub is_active: bool,
}

/// Promotions, latest start first; `running_on` keeps those running that day.
pub fn list_promotions(
    conn: &mut AnyConnection,
    running_on: Option<NaiveDate>,
    page: PageRequest,
) -> Result<Page<PromotionRow>, DbError> {
    let query = || {
        let mut q = promotions::table.into_boxed();
        if let Some(day) = running_on {
            q = q
                .filter(promotions::is_active.eq(true))
                .filter(promotions::start_date.le(day))
                .filter(promotions::end_date.ge(day));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order((promotions::start_date.desc(), promotions::id.desc()))
        .offset(page.offset())
        .limit(page.size)
        .select(PromotionRow::as_select())
        .load(conn)?;
    Ok(Page::new(page, items, total))
}

pub fn find_promotion(conn: &mut AnyConnection, id: i32) -> Result<Option<PromotionRow>, DbError> {
    Ok(promotions::table
        .find(id)
        .select(PromotionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_promotion(
    conn: &mut AnyConnection,
    f: &PromotionFields,
    by: UserId,
) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(promotions::table)
        .values((
            f,
            promotions::created_by.eq(by.0),
            promotions::created_at.eq(at),
            promotions::updated_at.eq(at),
        ))
        .returning(promotions::id)
        .get_result(conn)?)
}

pub fn update_promotion(
    conn: &mut AnyConnection,
    id: i32,
    f: &PromotionFields,
) -> Result<(), DbError> {
    diesel::update(promotions::table.find(id))
        .set((f, promotions::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// Whether an invoice carries this promotion (its history is then kept).
pub fn used_on_invoices(conn: &mut AnyConnection, id: i32) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        invoices::table.filter(invoices::promotion_id.eq(id)),
    ))
    .get_result(conn)?)
}

pub fn delete_promotion(conn: &mut AnyConnection, id: i32) -> Result<(), DbError> {
    diesel::delete(promotions::table.find(id)).execute(conn)?;
    Ok(())
}

/// Every promotion running on `day`.
pub fn running_on(conn: &mut AnyConnection, day: NaiveDate) -> Result<Vec<PromotionRow>, DbError> {
    Ok(promotions::table
        .filter(promotions::is_active.eq(true))
        .filter(promotions::start_date.le(day))
        .filter(promotions::end_date.ge(day))
        .order(promotions::id)
        .select(PromotionRow::as_select())
        .load(conn)?)
}

/// A customer who agreed to marketing: id, first name, phone, email, preferred channel.
pub type MarketingContact = (i32, String, String, Option<String>, String);

/// The next `limit` customers after `after` who agreed to marketing and can be reached.
pub fn marketing_audience(
    conn: &mut AnyConnection,
    after: i32,
    limit: i64,
) -> Result<Vec<MarketingContact>, DbError> {
    Ok(customers::table
        .filter(customers::id.gt(after))
        .filter(customers::receive_marketing.eq(true))
        .filter(customers::is_walk_in.eq(false))
        .filter(customers::phone.ne("").or(customers::email.is_not_null()))
        .order(customers::id)
        .limit(limit)
        .select((
            customers::id,
            customers::first_name,
            customers::phone,
            customers::email,
            customers::preferred_channel,
        ))
        .load(conn)?)
}
