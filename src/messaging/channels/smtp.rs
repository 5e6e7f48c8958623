//! Email over SMTP with lettre: STARTTLS (default), TLS from the start, or plain for a local
//! relay; text and HTML parts. A 5xx reply is permanent, anything else (4xx, connection, TLS,
//! timeout) is temporary and retried.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Delivery;
use crate::db::outbox::Claimed;
use crate::messaging::config::{SmtpSecurity, SmtpSettings};

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn new(settings: &SmtpSettings, timeout: Duration) -> anyhow::Result<Self> {
        let builder = match settings.security {
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            }
        };
        let mut builder = builder.port(settings.port).timeout(Some(timeout));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("SMTP_FROM is not an address: {e}"))?;
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    pub async fn send(&self, message: &Claimed) -> Delivery {
        let Ok(to) = message.recipient.trim().parse::<Mailbox>() else {
            return Delivery::Unreachable("Invalid email address.".into());
        };
        let html = message
            .body_html
            .clone()
            .unwrap_or_else(|| format!("<pre>{}</pre>", escape_html(&message.body_text)));
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                message.body_text.clone(),
                html,
            ));
        let email = match email {
            Ok(email) => email,
            Err(e) => return Delivery::Permanent(format!("The email could not be built: {e}")),
        };
        match self.transport.send(email).await {
            Ok(response) => {
                let id = response
                    .message()
                    .next()
                    .map(|line| line.chars().take(200).collect());
                Delivery::Sent(id)
            }
            Err(e) if e.is_permanent() => {
                tracing::warn!(status = ?e.status(), "the mail server refused a message");
                Delivery::Permanent(format!("The mail server refused the message: {e}"))
            }
            Err(e) => {
                tracing::warn!(timeout = e.is_timeout(), "the mail server is unavailable");
                Delivery::Temporary(format!("The mail server is unavailable: {e}"))
            }
        }
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
