//! Delivery of one claimed message over its channel: `console` (logged), `sms` and
//! `whatsapp` (Twilio's REST API), `email` (SMTP).

pub mod console;
pub mod smtp;
pub mod twilio;

use super::address::phone_problem;
use super::config::MessagingSettings;
use crate::db::outbox::Claimed;

/// What a channel made of one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted by the provider (its id for the message, if it gives one).
    Sent(Option<String>),
    /// Worth trying again later: the provider is down, slow or busy.
    Temporary(String),
    /// Refused for good: trying again would give the same answer.
    Permanent(String),
    /// The recipient cannot be reached at this address at all.
    Unreachable(String),
}

/// The channels of this instance, built once from the settings.
pub struct Channels {
    twilio: Option<twilio::Twilio>,
    smtp: Option<smtp::Smtp>,
}

impl Channels {
    pub fn from_settings(settings: &MessagingSettings) -> anyhow::Result<Self> {
        let twilio = match &settings.twilio {
            Some(t) => Some(twilio::Twilio::new(t.clone(), settings.send_timeout)?),
            None => None,
        };
        let smtp = match &settings.smtp {
            Some(s) => Some(smtp::Smtp::new(s, settings.send_timeout)?),
            None => None,
        };
        Ok(Self { twilio, smtp })
    }

    /// Sends one message. The recipient is checked again first: whatever slipped into the
    /// outbox, a placeholder or malformed address is never handed to a provider.
    pub async fn send(&self, message: &Claimed) -> Delivery {
        if let Some(problem) = recipient_problem(message) {
            return Delivery::Unreachable(problem.to_owned());
        }
        match (message.channel.as_str(), &self.twilio, &self.smtp) {
            ("console", _, _) => console::send(message),
            ("sms", Some(twilio), _) => twilio.send_sms(message).await,
            ("whatsapp", Some(twilio), _) => twilio.send_whatsapp(message).await,
            ("email", _, Some(smtp)) => smtp.send(message).await,
            (channel, _, _) => Delivery::Permanent(format!(
                "The {channel} channel is not configured on this instance."
            )),
        }
    }
}

/// Why the recipient cannot be used on the message's channel, if it cannot.
fn recipient_problem(message: &Claimed) -> Option<&'static str> {
    let to = message.recipient.trim();
    let is_email = to.contains('@') && !to.starts_with("whatsapp:");
    match message.channel.as_str() {
        "email" if !is_email => Some("Invalid email address."),
        "sms" | "whatsapp" => phone_problem(to),
        "console" if !is_email => phone_problem(to),
        _ => None,
    }
}
