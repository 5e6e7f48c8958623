//! Builds the application once, for `serve` and for tests alike: connect, migrate, bind (port 0
//! in tests), wire middleware and routes.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_identity::IdentityMiddleware;
use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::auth::{api_tokens, csrf, current_user};
use crate::config::Settings;
use crate::db::{Db, migrations, users};
use crate::state::AppState;
use crate::telemetry::PrivacyRootSpan;
use crate::{api, error, web as pages};

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    setup_url: Option<String>,
    db: Db,
    /// The outbox worker and the switch that stops it after the server.
    worker: Option<WorkerHandle>,
    /// The daily jobs, when any has a schedule.
    scheduler: Option<tokio_cron_scheduler::JobScheduler>,
}

/// The outbox worker's task and the switch that stops it.
type WorkerHandle = (
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
);

impl Application {
    /// Connects to the database, applies migrations and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = Db::connect(&settings.database_url, settings.database_pool_size)?;
        let applied = db.read(migrations::run_pending).await?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied database migrations");
        }
        let listener = TcpListener::bind(settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let address = listener.local_addr()?;
        let mut settings = settings;
        if settings.base_url_is_default {
            // 0.0.0.0 (all interfaces, as in a container) is no address to click on.
            let host = if address.ip().is_unspecified() {
                "localhost".to_owned()
            } else {
                address.ip().to_string()
            };
            settings.base_url = format!("http://{host}:{}", address.port());
        }
        let no_users = db.read(users::count_users).await? == 0;
        let setup_token = no_users.then(api_tokens::random_token);
        let setup_url = setup_token
            .as_ref()
            .map(|t| format!("{}{}", settings.base_url, pages::paths::setup(t)));
        let outbox = crate::messaging::Outbox::default();
        let worker = start_worker(&db, &settings, &outbox)?;
        let scheduler = start_scheduler(&db, &settings, &outbox).await?;
        let state = web::Data::new(AppState {
            db: db.clone(),
            settings: Arc::new(settings),
            setup_token: Mutex::new(setup_token),
            imports: Default::default(),
            outbox,
        });
        let server = HttpServer::new(move || build_app(state.clone()))
            .shutdown_timeout(30)
            .listen(listener)?
            .run();
        Ok(Self {
            port: address.port(),
            server,
            setup_url,
            db,
            worker,
            scheduler,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The one-time first-run link, when the database has no user.
    pub fn setup_url(&self) -> Option<&str> {
        self.setup_url.as_deref()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// A handle that stops the server (tests stop theirs so pools and connections close).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM, then stops accepting and lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(mut scheduler) = self.scheduler {
            let _ = scheduler.shutdown().await;
        }
        if let Some((stop, worker)) = self.worker {
            // The worker finishes the round in hand (send and record), then ends.
            let _ = stop.send(true);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(30), worker).await;
        }
        served
    }
}

/// Starts the daily jobs that have a schedule.
async fn start_scheduler(
    db: &Db,
    settings: &Settings,
    outbox: &crate::messaging::Outbox,
) -> anyhow::Result<Option<tokio_cron_scheduler::JobScheduler>> {
    let any = crate::scheduler::JobName::ALL
        .iter()
        .any(|job| job.schedule(settings).is_some());
    if !any {
        return Ok(None);
    }
    let scheduler = crate::scheduler::start(db.clone(), settings.clone(), outbox.clone()).await?;
    Ok(Some(scheduler))
}

/// Starts the outbox worker unless this instance is told not to deliver.
fn start_worker(
    db: &Db,
    settings: &Settings,
    outbox: &crate::messaging::Outbox,
) -> anyhow::Result<Option<WorkerHandle>> {
    if !settings.messaging.worker_enabled {
        return Ok(None);
    }
    let worker = crate::messaging::worker::Worker::new(db.clone(), &settings.messaging)?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let handle = tokio::spawn(worker.run(outbox.clone(), stopped));
    Ok(Some((stop, handle)))
}

/// The app with its middleware, innermost first: authentication, CSRF, error rendering,
/// identity, session, security headers, compression, request logging.
fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let settings = state.settings.clone();
    App::new()
        .app_data(state)
        .app_data(web::FormConfig::default().limit(256 * 1024))
        // The API first: its routes are few and mostly behind one `/api/v1` prefix, while the
        // pages are ~170 resources tried in order, each dynamic one by a regex. Behind them,
        // `/health/` spent half its instructions finding its route (callgrind), and every API
        // call walked them too.
        .configure(api::configure)
        .configure(pages::configure)
        .default_service(web::to(error::not_found))
        .wrap(from_fn(current_user::authenticate))
        .wrap(from_fn(csrf::verify))
        .wrap(from_fn(error::render_errors))
        .wrap(
            IdentityMiddleware::builder()
                .visit_deadline(Some(settings.session_idle))
                .login_deadline(Some(settings.session_absolute))
                .build(),
        )
        .wrap(session_middleware(&settings))
        .wrap(security_headers(settings.secure_cookies()))
        .wrap(Compress::default())
        .wrap(TracingLogger::<PrivacyRootSpan>::new())
}

/// Encrypted, signed cookie sessions: nothing to run beside the app, and nothing readable by
/// the browser or a script.
fn session_middleware(settings: &Settings) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(
        CookieSessionStore::default(),
        Key::derive_from(&settings.secret_key),
    )
    .cookie_name("workshop_session".into())
    .cookie_http_only(true)
    .cookie_same_site(SameSite::Lax)
    .cookie_secure(settings.secure_cookies())
    .cookie_content_security(CookieContentSecurity::Private)
    .session_lifecycle(BrowserSession::default())
    .build()
}

/// No inline script anywhere, no framing, no MIME sniffing, no referrer to other sites (public
/// document links carry their token in the URL).
fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ));
    if https {
        headers.add(("Strict-Transport-Security", "max-age=31536000"))
    } else {
        headers
    }
}
