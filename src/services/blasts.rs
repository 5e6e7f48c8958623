//! SMS blasts from a promotion: the audience (agreed to marketing, customers with a job at a
//! site, or everyone reachable), a preview (recipients, segments, the text with a real first
//! name), and the send: the blast and one outbox message per recipient in one transaction,
//! delivered by the worker while the page shows the progress.

use serde::Deserialize;
use serde_json::json;

use super::fields::{Problems, WriteError};
use super::promotions::require_manager;
use crate::db::audit::{self, Actor, Entry};
use crate::db::blasts::{self, Audience, BlastLine, NewBlast};
use crate::db::scope::Scope;
use crate::db::{DbError, now, promotions, sites};
use crate::domain::ids::SiteId;
use crate::domain::sms::Segments;
use crate::error::FieldErrors;
use crate::messaging::address::Medium;
use crate::state::AppState;

/// The longest blast: three SMS segments' worth.
pub const MAX_LENGTH: usize = 480;

/// A blast as typed or sent.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct BlastInput {
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub message: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub audience: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub site_id: Option<String>,
}

/// What the blast would be.
pub struct Preview {
    pub recipients: i64,
    pub sample: String,
    pub segments: Segments,
}

/// The audience named by `raw` (the original's names `all` and `opt_in` too).
pub fn audience_of(raw: &str, site: Option<&str>, p: &mut Problems) -> Option<Audience> {
    match raw.trim() {
        "" | "marketing" | "opt_in" => Some(Audience::Marketing),
        "reachable" | "all" => Some(Audience::Reachable),
        "site" => match site.map(str::trim).unwrap_or("").parse::<i32>() {
            Ok(id) => Some(Audience::Site(id)),
            Err(_) => {
                p.add(
                    "site_id",
                    "Choose the site whose customers get the message.",
                );
                None
            }
        },
        _ => {
            p.add("audience", "Choose one of: marketing, site, reachable.");
            None
        }
    }
}

/// Counts the audience and renders the text for its first customer.
pub async fn preview(
    state: &AppState,
    input: &BlastInput,
) -> Result<Result<Preview, FieldErrors>, DbError> {
    let mut p = Problems::default();
    let audience = audience_of(
        input.audience.as_deref().unwrap_or(""),
        input.site_id.as_deref(),
        &mut p,
    );
    let Some(audience) = audience.filter(|_| p.is_empty()) else {
        return Ok(p.finish(Preview {
            recipients: 0,
            sample: String::new(),
            segments: Segments::of(""),
        }));
    };
    let (recipients, first) = state
        .db
        .read(move |c| blasts::audience_size(c, audience))
        .await?;
    let message = input.message.clone().unwrap_or_default();
    let sample = message
        .trim()
        .replace("{first_name}", first.as_deref().unwrap_or("Ada"));
    let segments = Segments::of(&sample);
    Ok(Ok(Preview {
        recipients,
        sample,
        segments,
    }))
}

/// Sends a blast for `promotion`: 404 for an unknown promotion, field errors for a bad
/// message or audience.
pub async fn send_blast(
    state: &AppState,
    scope: Scope,
    actor: Actor,
    promotion: i32,
    input: BlastInput,
) -> Result<BlastLine, WriteError> {
    require_manager(&scope)?;
    let mut p = Problems::default();
    let message = p.text(
        "message",
        input.message.as_deref().unwrap_or(""),
        MAX_LENGTH,
        true,
    );
    let audience = audience_of(
        input.audience.as_deref().unwrap_or(""),
        input.site_id.as_deref(),
        &mut p,
    );
    let settings = state.settings.clone();
    let result = state
        .db
        .writing(move |conn| {
            crate::db::write_transaction(conn, |c| {
                let Some(promo) = promotions::find_promotion(c, promotion)? else {
                    return Ok(Err(crate::error::AppError::NotFound.into()));
                };
                if let Some(Audience::Site(site)) = audience
                    && sites::find_site(c, &scope, SiteId(site))?.is_none()
                {
                    p.add("site_id", "There is no such site.");
                }
                let (Some(audience), true) = (audience, p.is_empty()) else {
                    return Ok(Err(WriteError::Invalid(
                        p.finish(()).err().unwrap_or_default(),
                    )));
                };
                let subject = format!("{} – {}", settings.business_name, promo.title);
                let new = NewBlast {
                    promotion_id: Some(promotion),
                    message: &message,
                    audience,
                    created_by: actor.user.0,
                    channel: settings.messaging.channel_for(Medium::Sms),
                    subject: &subject,
                    max_attempts: settings.messaging.max_attempts,
                };
                let (id, total) = blasts::create_blast(c, &new, now())?;
                let changes = audit::snapshot(&json!({
                    "promotion": promotion, "audience": audience.key(), "site": audience.site(),
                    "message": message, "total_count": total,
                }));
                let repr = format!("SMS blast: {}", promo.title);
                audit::record(
                    c,
                    actor,
                    Entry {
                        action: "create",
                        entity: "sms_blast",
                        entity_id: id,
                        repr: &repr,
                        changes,
                        site: None,
                    },
                )?;
                Ok(Ok(blasts::find_blast(c, id)?
                    .ok_or(DbError::Query(diesel::result::Error::NotFound))?))
            })
        })
        .await?;
    if result.is_ok() {
        state.outbox.wake();
    }
    result
}
