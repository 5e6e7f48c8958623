//! The promotions job: each promotion running today goes once to every customer who agreed to
//! marketing (dedupe key promotion + customer), on their preferred channel. Running it again
//! the next day, or twice on one day, sends nothing new.

use chrono::NaiveDateTime;

use crate::config::Settings;
use crate::db::outbox::enqueue;
use crate::db::promotions::{self, PromotionRow};
use crate::db::{Db, DbError};
use crate::messaging::address::{Contact, customer_reach};
use crate::messaging::compose::{About, message};
use crate::messaging::render;

const CHUNK: i64 = 2000;

/// Enqueues today's promotions; returns how many messages were new.
pub async fn run(db: &Db, settings: &Settings, now: NaiveDateTime) -> Result<usize, DbError> {
    let today = now.date();
    let running = db.read(move |c| promotions::running_on(c, today)).await?;
    let mut enqueued = 0;
    for promotion in running {
        enqueued += send_promotion(db, settings, &promotion, now).await?;
    }
    Ok(enqueued)
}

async fn send_promotion(
    db: &Db,
    settings: &Settings,
    promotion: &PromotionRow,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let mut after = 0;
    let mut enqueued = 0;
    loop {
        let audience = db
            .read(move |c| promotions::marketing_audience(c, after, CHUNK))
            .await?;
        let Some(last) = audience.last() else { break };
        after = last.0;
        let rows: Vec<_> = audience
            .iter()
            .map(|(id, first_name, phone, email, preferred)| {
                let text = render::promotion(&render::Promotion {
                    business: settings.business_name.clone(),
                    first_name: first_name.clone(),
                    title: promotion.title.clone(),
                    description: promotion.description.clone(),
                    discount: promotion.discount_label(&settings.currency),
                    end_date: promotion.end_date.format("%-d %b %Y").to_string(),
                });
                let contact = Contact {
                    phone,
                    email: email.as_deref(),
                    preferred_channel: preferred,
                    is_walk_in: false,
                };
                let about = About {
                    kind: "promotion",
                    dedupe_key: format!("promotion:{}:{id}", promotion.id),
                    customer_id: Some(*id),
                    ..About::default()
                };
                message(
                    &settings.messaging,
                    about,
                    customer_reach(&contact),
                    text,
                    now,
                )
            })
            .collect();
        enqueued += db.write(move |c| enqueue(c, &rows)).await?;
    }
    Ok(enqueued)
}
