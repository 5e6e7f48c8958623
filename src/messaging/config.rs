//! Message channels, delivery and schedules, from the environment. Every channel defaults to
//! `console` (the message is logged and marked sent); a real provider is used only when it is
//! chosen explicitly and its credentials are complete, so a demo database never texts anyone.

use std::fmt;
use std::time::Duration;

use crate::config::Vars;

/// How one medium (SMS, WhatsApp, email) is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Console,
    Twilio,
    Smtp,
}

/// Twilio's REST API: account, secret and senders.
#[derive(Clone)]
pub struct TwilioSettings {
    pub account_sid: String,
    pub auth_token: String,
    /// The SMS sender, E.164 or an alphanumeric sender id.
    pub sms_from: String,
    /// The WhatsApp sender (E.164, without the `whatsapp:` prefix).
    pub whatsapp_from: String,
    /// `https://api.twilio.com`; a local fake in tests.
    pub api_url: String,
}

impl fmt::Debug for TwilioSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioSettings")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"***")
            .field("api_url", &self.api_url)
            .finish()
    }
}

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587); refuses a server without it.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or a test sink.
    None,
}

/// An SMTP relay and the sender address.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

/// The three daily jobs' schedules as 6-field cron expressions (seconds first, UTC); `None`
/// when the job is switched off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedules {
    pub low_stock: Option<String>,
    pub promotions: Option<String>,
    pub service_reminders: Option<String>,
}

/// Everything about sending messages and running the daily jobs.
#[derive(Clone, Debug)]
pub struct MessagingSettings {
    pub sms: Transport,
    pub whatsapp: Transport,
    pub email: Transport,
    pub twilio: Option<TwilioSettings>,
    pub smtp: Option<SmtpSettings>,
    /// Attempts before a message is given up as failed.
    pub max_attempts: i32,
    /// The first retry waits this long; each further one twice as long (at most an hour).
    pub retry_base: Duration,
    /// How often the worker looks for due messages when nobody wakes it.
    pub poll_interval: Duration,
    /// Whether this instance delivers messages at all.
    pub worker_enabled: bool,
    /// How long one provider call may take before it counts as a timeout.
    pub send_timeout: Duration,
    pub schedules: Schedules,
    /// Days between two reminders for the same vehicle.
    pub reminder_repeat_days: i64,
    /// Reminders per service cycle.
    pub reminder_max_per_cycle: i32,
}

impl MessagingSettings {
    /// Parses the messaging variables, adding each problem to `errors`.
    pub fn from_vars(vars: &Vars, errors: &mut Vec<String>) -> Self {
        let get = |name: &str| {
            vars.get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut number = |name: &str, default: u64, min: u64| -> u64 {
            match get(name).map(|v| v.parse::<u64>()) {
                None => default,
                Some(Ok(n)) if n >= min => n,
                Some(_) => {
                    errors.push(format!("{name}: must be a whole number of at least {min}"));
                    default
                }
            }
        };
        let max_attempts = number("WORKSHOP_OUTBOX_MAX_ATTEMPTS", 5, 1).min(50) as i32;
        let retry_base = Duration::from_secs(number("WORKSHOP_OUTBOX_RETRY_SECONDS", 30, 1));
        let poll_interval = Duration::from_secs(number("WORKSHOP_OUTBOX_POLL_SECONDS", 5, 1));
        let send_timeout = Duration::from_secs(number("WORKSHOP_SEND_TIMEOUT_SECONDS", 15, 1));
        let reminder_repeat_days = number("WORKSHOP_REMINDER_REPEAT_DAYS", 14, 1) as i64;
        let reminder_max_per_cycle =
            number("WORKSHOP_REMINDER_MAX_PER_CYCLE", 3, 1).min(100) as i32;
        let worker_enabled = match get("WORKSHOP_OUTBOX_WORKER").as_deref() {
            None | Some("true" | "1" | "yes" | "on") => true,
            Some("false" | "0" | "no" | "off") => false,
            Some(other) => {
                errors.push(format!(
                    "WORKSHOP_OUTBOX_WORKER: {other:?} is not true or false"
                ));
                true
            }
        };
        let sms = transport(
            errors,
            "WORKSHOP_SMS_CHANNEL",
            get("WORKSHOP_SMS_CHANNEL"),
            "twilio",
        );
        let whatsapp = transport(
            errors,
            "WORKSHOP_WHATSAPP_CHANNEL",
            get("WORKSHOP_WHATSAPP_CHANNEL"),
            "twilio",
        );
        let email = transport(
            errors,
            "WORKSHOP_EMAIL_CHANNEL",
            get("WORKSHOP_EMAIL_CHANNEL"),
            "smtp",
        );
        let twilio = twilio_settings(&get, sms, whatsapp, errors);
        let smtp = smtp_settings(&get, email, errors);
        let schedules = Schedules {
            low_stock: schedule(vars, errors, "WORKSHOP_SCHEDULE_LOW_STOCK", "08:00"),
            promotions: schedule(vars, errors, "WORKSHOP_SCHEDULE_PROMOTIONS", "09:00"),
            service_reminders: schedule(
                vars,
                errors,
                "WORKSHOP_SCHEDULE_SERVICE_REMINDERS",
                "10:00",
            ),
        };
        Self {
            sms,
            whatsapp,
            email,
            twilio,
            smtp,
            max_attempts,
            retry_base,
            poll_interval,
            worker_enabled,
            send_timeout,
            schedules,
            reminder_repeat_days,
            reminder_max_per_cycle,
        }
    }
}

fn transport(
    errors: &mut Vec<String>,
    name: &str,
    value: Option<String>,
    provider: &str,
) -> Transport {
    match value.as_deref() {
        None | Some("console") => Transport::Console,
        Some(v) if v == provider && provider == "twilio" => Transport::Twilio,
        Some(v) if v == provider && provider == "smtp" => Transport::Smtp,
        Some(other) => {
            errors.push(format!(
                "{name}: {other:?} is not one of console, {provider}"
            ));
            Transport::Console
        }
    }
}

fn twilio_settings(
    get: &dyn Fn(&str) -> Option<String>,
    sms: Transport,
    whatsapp: Transport,
    errors: &mut Vec<String>,
) -> Option<TwilioSettings> {
    if sms != Transport::Twilio && whatsapp != Transport::Twilio {
        return None;
    }
    let mut required = |name: &str| {
        get(name).unwrap_or_else(|| {
            errors.push(format!("{name}: required when a channel is twilio"));
            String::new()
        })
    };
    let account_sid = required("TWILIO_ACCOUNT_SID");
    let auth_token = required("TWILIO_AUTH_TOKEN");
    let sms_from = get("TWILIO_SMS_FROM").unwrap_or_default();
    let whatsapp_from = get("TWILIO_WHATSAPP_FROM")
        .map(|v| v.trim_start_matches("whatsapp:").to_owned())
        .unwrap_or_default();
    if sms == Transport::Twilio && sms_from.is_empty() {
        errors.push("TWILIO_SMS_FROM: required when WORKSHOP_SMS_CHANNEL=twilio".into());
    }
    if whatsapp == Transport::Twilio && whatsapp_from.is_empty() {
        errors.push("TWILIO_WHATSAPP_FROM: required when WORKSHOP_WHATSAPP_CHANNEL=twilio".into());
    }
    let api_url = get("TWILIO_API_URL")
        .unwrap_or_else(|| "https://api.twilio.com".into())
        .trim_end_matches('/')
        .to_owned();
    Some(TwilioSettings {
        account_sid,
        auth_token,
        sms_from,
        whatsapp_from,
        api_url,
    })
}

fn smtp_settings(
    get: &dyn Fn(&str) -> Option<String>,
    email: Transport,
    errors: &mut Vec<String>,
) -> Option<SmtpSettings> {
    if email != Transport::Smtp {
        return None;
    }
    let security = match get("SMTP_SECURITY").as_deref() {
        None | Some("starttls") => SmtpSecurity::StartTls,
        Some("tls") => SmtpSecurity::Tls,
        Some("none") => SmtpSecurity::None,
        Some(other) => {
            errors.push(format!(
                "SMTP_SECURITY: {other:?} is not one of starttls, tls, none"
            ));
            SmtpSecurity::StartTls
        }
    };
    let default_port = match security {
        SmtpSecurity::StartTls => 587,
        SmtpSecurity::Tls => 465,
        SmtpSecurity::None => 25,
    };
    let port = match get("SMTP_PORT").map(|p| p.parse::<u16>()) {
        None => default_port,
        Some(Ok(p)) if p > 0 => p,
        Some(_) => {
            errors.push("SMTP_PORT: must be a port number".into());
            default_port
        }
    };
    let host = get("SMTP_HOST").unwrap_or_else(|| {
        errors.push("SMTP_HOST: required when WORKSHOP_EMAIL_CHANNEL=smtp".into());
        String::new()
    });
    let from = get("SMTP_FROM").unwrap_or_default();
    if from.parse::<lettre::message::Mailbox>().is_err() {
        errors.push(format!(
            "SMTP_FROM: {from:?} is not an address like \"Workshop <noreply@example.com>\""
        ));
    }
    Some(SmtpSettings {
        host,
        port,
        security,
        username: get("SMTP_USERNAME"),
        password: get("SMTP_PASSWORD"),
        from,
    })
}

/// A schedule setting: unset → `default`; set but empty (or `off`) → switched off; `HH:MM` →
/// daily at that UTC time; otherwise a cron expression (5 fields, or 6 with seconds first).
fn schedule(vars: &Vars, errors: &mut Vec<String>, name: &str, default: &str) -> Option<String> {
    let raw = match vars.get(name) {
        None => default.to_owned(),
        Some(v) => v.trim().to_owned(),
    };
    if raw.is_empty() || raw.eq_ignore_ascii_case("off") {
        return None;
    }
    match cron_expression(&raw) {
        Ok(expr) => Some(expr),
        Err(e) => {
            errors.push(format!(
                "{name}: {raw:?} is not HH:MM or a cron expression ({e})"
            ));
            None
        }
    }
}

/// `HH:MM` or a cron expression as the 6-field form the scheduler takes.
pub fn cron_expression(raw: &str) -> Result<String, String> {
    let expr = if let Some((h, m)) = raw.split_once(':') {
        let (h, m): (u32, u32) = (
            h.trim().parse().map_err(|_| "bad hour")?,
            m.trim().parse().map_err(|_| "bad minute")?,
        );
        if h > 23 || m > 59 {
            return Err("no such time of day".into());
        }
        format!("0 {m} {h} * * *")
    } else if raw.split_whitespace().count() == 5 {
        format!("0 {raw}")
    } else {
        raw.to_owned()
    };
    parse_cron(&expr).map(|_| expr)
}

/// Parses a 6-field cron expression (seconds first) as the scheduler does.
pub fn parse_cron(expr: &str) -> Result<croner::Cron, String> {
    croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Required)
        .build()
        .parse(expr)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_become_daily_cron_expressions() {
        assert_eq!(cron_expression("08:00"), Ok("0 0 8 * * *".into()));
        assert_eq!(cron_expression("9:30"), Ok("0 30 9 * * *".into()));
        assert_eq!(cron_expression("*/5 * * * *"), Ok("0 */5 * * * *".into()));
        assert!(cron_expression("25:00").is_err());
        assert!(cron_expression("every day").is_err());
    }

    #[test]
    fn unset_schedules_take_the_default_and_empty_ones_switch_the_job_off() {
        let mut errors = Vec::new();
        let vars: Vars = [("WORKSHOP_SCHEDULE_PROMOTIONS".to_owned(), String::new())].into();
        let settings = MessagingSettings::from_vars(&vars, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(settings.schedules.low_stock.as_deref(), Some("0 0 8 * * *"));
        assert_eq!(settings.schedules.promotions, None);
        assert_eq!(settings.sms, Transport::Console);
    }

    #[test]
    fn a_provider_without_credentials_is_refused() {
        let mut errors = Vec::new();
        let vars: Vars = [("WORKSHOP_SMS_CHANNEL".to_owned(), "twilio".to_owned())].into();
        MessagingSettings::from_vars(&vars, &mut errors);
        assert!(errors.iter().any(|e| e.starts_with("TWILIO_AUTH_TOKEN")));
    }
}
