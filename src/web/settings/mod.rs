//! The settings page (superuser): what this instance runs with — business, money, links,
//! message channels, delivery and schedules, secrets never shown — and a test-send per channel.
//! Settings come from the environment (`.env.example` lists them), so the page reads them.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::current_user::CurrentUser;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::messaging::config::{MessagingSettings, SmtpSecurity, Transport};
use crate::services::messages::send_test;
use crate::state::AppState;
use crate::web::flash;
use crate::web::shell::{Crumb, Shell, render, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::get().to(show))
        .route("/settings/test-send", web::post().to(test_send));
}

/// One channel as the page shows it.
pub struct ChannelView {
    pub key: &'static str,
    pub label: &'static str,
    pub transport: String,
    pub details: Vec<(&'static str, String)>,
    pub placeholder: &'static str,
}

#[derive(Template)]
#[template(path = "settings/page.html")]
struct SettingsPage {
    shell: Shell,
    business_name: String,
    currency: String,
    base_url: String,
    country_code: String,
    channels: Vec<ChannelView>,
    delivery: Vec<(&'static str, String)>,
    schedules: Vec<(&'static str, String)>,
    /// The channel whose test address was refused, the address and why.
    problem: Option<(String, String, String)>,
}

impl SettingsPage {
    fn problem_for(&self, key: &str) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|(k, _, _)| k == key)
            .map(|(_, _, e)| e.as_str())
    }

    fn typed_for(&self, key: &str) -> &str {
        self.problem
            .as_ref()
            .filter(|(k, _, _)| k == key)
            .map(|(_, to, _)| to.as_str())
            .unwrap_or("")
    }
}

fn require_superuser(user: &CurrentUser) -> Result<(), AppError> {
    if user.user.role == Role::Superuser {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    require_superuser(&user)?;
    render(
        StatusCode::OK,
        &settings_page(&req, &state, &session, &user, None).await?,
    )
}

#[derive(Deserialize)]
pub struct TestSend {
    channel: String,
    #[serde(default)]
    to: String,
}

async fn test_send(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<TestSend>,
) -> Result<HttpResponse, AppError> {
    require_superuser(&user)?;
    match send_test(&state, user.scope(None), &form.channel, &form.to).await {
        Ok(id) => {
            flash::push(
                &session,
                "success",
                "Test message queued. Its status updates below.",
            );
            Ok(see_other(&format!("/messages/{id}")))
        }
        Err(Ok(problem)) => {
            let problem = Some((form.channel.clone(), form.to.clone(), problem));
            let page = settings_page(&req, &state, &session, &user, problem).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(Err(e)) => Err(e),
    }
}

async fn settings_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    problem: Option<(String, String, String)>,
) -> Result<SettingsPage, AppError> {
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Settings")];
    let shell = Shell::build(req, session, state, user, "Settings", crumbs).await?;
    let s = &state.settings;
    let m = &s.messaging;
    Ok(SettingsPage {
        shell,
        business_name: s.business_name.clone(),
        currency: s.currency.clone(),
        base_url: s.base_url.clone(),
        country_code: s.phone_country_code.clone(),
        channels: channels(m),
        delivery: vec![
            ("Maximum attempts", m.max_attempts.to_string()),
            (
                "First retry after",
                format!(
                    "{} s, doubling each time (at most 1 hour)",
                    m.retry_base.as_secs()
                ),
            ),
            (
                "Provider timeout",
                format!("{} s", m.send_timeout.as_secs()),
            ),
            (
                "Outbox worker on this instance",
                if m.worker_enabled {
                    "running".into()
                } else {
                    "off".into()
                },
            ),
            (
                "Reminders",
                format!(
                    "every {} days at most, {} per service cycle",
                    m.reminder_repeat_days, m.reminder_max_per_cycle
                ),
            ),
        ],
        schedules: vec![
            (
                "Low-stock digest",
                crate::scheduler::describe_schedule(&m.schedules.low_stock),
            ),
            (
                "Promotions",
                crate::scheduler::describe_schedule(&m.schedules.promotions),
            ),
            (
                "Service reminders",
                crate::scheduler::describe_schedule(&m.schedules.service_reminders),
            ),
        ],
        problem,
    })
}

fn channels(m: &MessagingSettings) -> Vec<ChannelView> {
    let twilio = |from: &str| match &m.twilio {
        Some(t) => vec![
            (
                "Account",
                format!("{}…", t.account_sid.chars().take(6).collect::<String>()),
            ),
            ("Auth token", "set (hidden)".into()),
            ("From", from.to_owned()),
            ("API", t.api_url.clone()),
        ],
        None => Vec::new(),
    };
    let view = |key, label, transport: Transport, details, placeholder| ChannelView {
        key,
        label,
        transport: match transport {
            Transport::Console => "Console (logged, not sent)".into(),
            Transport::Twilio => "Twilio".into(),
            Transport::Smtp => "SMTP".into(),
        },
        details: if transport == Transport::Console {
            Vec::new()
        } else {
            details
        },
        placeholder,
    };
    let smtp = match &m.smtp {
        Some(smtp) => vec![
            ("Server", format!("{}:{}", smtp.host, smtp.port)),
            (
                "Security",
                match smtp.security {
                    SmtpSecurity::StartTls => "STARTTLS".into(),
                    SmtpSecurity::Tls => "TLS".into(),
                    SmtpSecurity::None => "none (local relay only)".into(),
                },
            ),
            ("From", smtp.from.clone()),
            (
                "Sign-in",
                if smtp.username.is_some() {
                    "user and password set (hidden)".into()
                } else {
                    "none".into()
                },
            ),
        ],
        None => Vec::new(),
    };
    let sms_from = m
        .twilio
        .as_ref()
        .map(|t| t.sms_from.clone())
        .unwrap_or_default();
    let wa_from = m
        .twilio
        .as_ref()
        .map(|t| t.whatsapp_from.clone())
        .unwrap_or_default();
    vec![
        view("sms", "SMS", m.sms, twilio(&sms_from), "+1 555 010 0123"),
        view(
            "whatsapp",
            "WhatsApp",
            m.whatsapp,
            twilio(&wa_from),
            "+1 555 010 0123",
        ),
        view("email", "Email", m.email, smtp, "you@example.com"),
    ]
}
