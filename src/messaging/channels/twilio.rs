//! SMS and WhatsApp through Twilio's REST API (`POST /2010-04-01/Accounts/{sid}/Messages.json`,
//! form fields `To`, `From`, `Body`, basic auth with the account SID and auth token).
//! A 4xx answer is permanent (the number or the message is refused; 429 excepted), a 5xx
//! answer, a timeout or a connection failure is temporary and retried.

use std::time::Duration;

use super::Delivery;
use crate::db::outbox::Claimed;
use crate::messaging::config::TwilioSettings;

pub struct Twilio {
    client: reqwest::Client,
    settings: TwilioSettings,
}

impl Twilio {
    pub fn new(settings: TwilioSettings, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("workshop/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, settings })
    }

    pub async fn send_sms(&self, message: &Claimed) -> Delivery {
        let from = self.settings.sms_from.clone();
        self.send(&from, message.recipient.trim(), &message.body_text)
            .await
    }

    pub async fn send_whatsapp(&self, message: &Claimed) -> Delivery {
        let to = message.recipient.trim();
        let to = if to.starts_with("whatsapp:") {
            to.to_owned()
        } else {
            format!("whatsapp:{to}")
        };
        let from = format!("whatsapp:{}", self.settings.whatsapp_from);
        self.send(&from, &to, &message.body_text).await
    }

    async fn send(&self, from: &str, to: &str, body: &str) -> Delivery {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.settings.api_url, self.settings.account_sid
        );
        let response = self
            .client
            .post(url)
            .basic_auth(&self.settings.account_sid, Some(&self.settings.auth_token))
            .form(&[("To", to), ("From", from), ("Body", body)])
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(e) if e.is_timeout() => {
                return Delivery::Temporary("Twilio did not answer in time.".into());
            }
            Err(e) if e.is_connect() => {
                return Delivery::Temporary("Could not connect to Twilio.".into());
            }
            Err(_) => return Delivery::Temporary("The request to Twilio failed.".into()),
        };
        let status = response.status();
        let body: serde_json::Value = match response.bytes().await {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
            Err(_) => serde_json::Value::Null,
        };
        if status.is_success() {
            let sid = body.get("sid").and_then(|v| v.as_str()).map(str::to_owned);
            return Delivery::Sent(sid);
        }
        let detail = describe_error(status.as_u16(), &body);
        if status.is_client_error() && status.as_u16() != 429 {
            tracing::warn!(status = status.as_u16(), "Twilio refused a message");
            Delivery::Permanent(detail)
        } else {
            tracing::warn!(status = status.as_u16(), "Twilio is unavailable");
            Delivery::Temporary(detail)
        }
    }
}

/// "Twilio 400 (code 21211): The 'To' number is not a valid phone number."
fn describe_error(status: u16, body: &serde_json::Value) -> String {
    let code = body.get("code").and_then(|c| c.as_i64());
    let message = body
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or("no explanation given");
    let message: String = message.chars().take(300).collect();
    match code {
        Some(code) => format!("Twilio {status} (code {code}): {message}"),
        None => format!("Twilio {status}: {message}"),
    }
}
