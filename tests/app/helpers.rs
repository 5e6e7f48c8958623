//! `spawn_app()`: the application on port 0 with a fresh SQLite file or PostgreSQL database,
//! a cookie-keeping client, and fixtures for users and sites.

use std::collections::HashMap;
use std::sync::LazyLock;

use diesel::prelude::*;
use diesel::{Connection, PgConnection, RunQueryDsl};
use workshop::config::Settings;
use workshop::db::schema::sites;
use workshop::db::users::{self, NewUser};
use workshop::db::{Db, now};
use workshop::domain::email::Email;
use workshop::domain::ids::{SiteId, UserId};
use workshop::domain::role::Role;
use workshop::startup::Application;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `sqlite` and `postgres` tests from one async test function taking a [`Backend`].
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test]
            #[ignore = "needs PostgreSQL: set WORKSHOP_TEST_POSTGRES_URL and pass --include-ignored"]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    )*};
}

/// The password every fixture user gets.
pub const PASSWORD: &str = "a long test password";

static HASHED_PASSWORD: LazyLock<String> =
    LazyLock::new(|| workshop::auth::password::hash_password(PASSWORD).unwrap());

/// A fresh database that removes itself when dropped.
pub struct TestDatabase {
    pub url: String,

    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDatabase {
    pub fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("workshop.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    pg: None,
                }
            }
            Backend::Postgres => {
                let admin = std::env::var("WORKSHOP_TEST_POSTGRES_URL").expect(
                    "WORKSHOP_TEST_POSTGRES_URL is not set: PostgreSQL tests need a server (see README)",
                );
                let name = format!(
                    "workshop_test_{}",
                    workshop::auth::api_tokens::random_token()[..16].to_owned()
                );
                let mut conn = PgConnection::establish(&admin).unwrap();
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .unwrap();
                let url = replace_database(&admin, &name);
                Self {
                    url,
                    _dir: None,
                    pg: Some((admin, name)),
                }
            }
        }
    }

    /// The path of the SQLite file.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self.url.strip_prefix("sqlite://").map(Into::into)
    }

    /// Stops PostgreSQL from accepting connections to this database and ends the open ones.
    pub fn make_unreachable(&self) {
        if let Some((admin, name)) = &self.pg {
            let mut conn = PgConnection::establish(admin).unwrap();
            diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
                .execute(&mut conn)
                .unwrap();
            diesel::sql_query(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            .execute(&mut conn)
            .unwrap();
        }
        if let Some(path) = self.sqlite_path() {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let _ = diesel::sql_query(drop).execute(&mut conn);
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).unwrap();
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

/// A running application and a client that keeps cookies and does not follow redirects.
pub struct TestApp {
    pub address: String,
    pub db: Db,
    pub database: TestDatabase,
    pub client: reqwest::Client,
    pub setup_url: Option<String>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sending the stop command is synchronous; the returned future only waits for it.
        drop(self.handle.stop(false));
    }
}

/// Settings for a test: port 0, the given database, plus overrides.
pub fn test_vars(database: &TestDatabase, overrides: &[(&str, &str)]) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = [
        ("DATABASE_URL", database.url.as_str()),
        ("WORKSHOP_BIND", "127.0.0.1:0"),
        (
            "SECRET_KEY",
            "test-secret-key-that-is-long-enough-to-sign-and-encrypt-cookies-0123456789",
        ),
        ("WORKSHOP_DB_POOL_SIZE", "4"),
        // The daily jobs stay off unless a test schedules them: a run at 08:00 UTC would
        // otherwise add messages to whatever test happens to be running then.
        ("WORKSHOP_SCHEDULE_LOW_STOCK", ""),
        ("WORKSHOP_SCHEDULE_PROMOTIONS", ""),
        ("WORKSHOP_SCHEDULE_SERVICE_REMINDERS", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in overrides {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    vars
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// Starts the app with setting overrides (e.g. a short idle timeout).
pub async fn spawn_app_with(backend: Backend, overrides: &[(&str, &str)]) -> TestApp {
    spawn_app_on(TestDatabase::create(backend), overrides).await
}

/// Starts the app on a database that already exists (filled by a command, say).
pub async fn spawn_app_on(database: TestDatabase, overrides: &[(&str, &str)]) -> TestApp {
    let settings = Settings::from_vars(&test_vars(&database, overrides)).unwrap();
    let app = Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let setup_url = app.setup_url().map(str::to_owned);
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        db,
        database,
        client: new_client(),
        setup_url,
        handle,
    }
}

/// A browser-like client: keeps cookies, shows redirects instead of following them.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Statements the app's database pool has run so far (see `Db::queries_run`).
    pub fn queries_run(&self) -> u64 {
        self.db.queries_run()
    }

    /// GETs `path` with the app's client; returns the status and how many database queries
    /// the request cost. Run requests one at a time around it: the count is the pool's.
    pub async fn queries_for(&self, path: &str) -> (u16, u64) {
        let before = self.queries_run();
        let response = self.get(path).await;
        let status = response.status().as_u16();
        // The body is read so that everything the handler does has finished.
        let _ = response.bytes().await.unwrap();
        (status, self.queries_run() - before)
    }

    /// The CSRF token of the session, read from a page's form or meta tag.
    pub async fn csrf_token(&self, client: &reqwest::Client, page: &str) -> String {
        let html = client
            .get(self.url(page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        extract_csrf(&html).unwrap_or_else(|| panic!("no CSRF token on {page}"))
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        token_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf_token(client, token_page).await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Signs `client` in through the sign-in page.
    pub async fn sign_in_as(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.post_form(
            client,
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Signs the app's own client in and checks it worked.
    pub async fn sign_in(&self, email: &str) {
        let response = self.sign_in_as(&self.client, email, PASSWORD).await;
        assert_eq!(response.status(), 303, "sign-in of {email} failed");
    }

    pub async fn create_site(&self, name: &str) -> SiteId {
        let name = name.to_owned();
        self.db
            .write(move |c| {
                let at = now();
                let id = diesel::insert_into(sites::table)
                    .values((
                        sites::name.eq(name),
                        sites::created_at.eq(at),
                        sites::updated_at.eq(at),
                    ))
                    .returning(sites::id)
                    .get_result::<i32>(c)?;
                Ok(SiteId(id))
            })
            .await
            .unwrap()
    }

    /// A user of `role` with [`PASSWORD`]; site-bound roles get a new site when none is given.
    pub async fn create_user(&self, email: &str, role: Role, site: Option<SiteId>) -> UserId {
        let site = match (role.sees_all_sites(), site) {
            (true, _) => None,
            (false, Some(site)) => Some(site),
            (false, None) => Some(self.create_site(&format!("Site of {email}")).await),
        };
        let email = Email::parse(email).unwrap();
        let hash = HASHED_PASSWORD.clone();
        self.db
            .write(move |c| {
                let name = format!("Test {}", role.label());
                users::insert_user(
                    c,
                    &NewUser {
                        email: &email,
                        name: &name,
                        password_hash: &hash,
                        role,
                        site_id: site,
                    },
                )
            })
            .await
            .unwrap()
    }
}

/// The value of the first `csrf_token` field or `csrf-token` meta tag in a page.
pub fn extract_csrf(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let field = scraper::Selector::parse(r#"input[name="csrf_token"]"#).ok()?;
    let meta = scraper::Selector::parse(r#"meta[name="csrf-token"]"#).ok()?;
    doc.select(&field)
        .next()
        .and_then(|e| e.value().attr("value"))
        .or_else(|| {
            doc.select(&meta)
                .next()
                .and_then(|e| e.value().attr("content"))
        })
        .map(str::to_owned)
}

/// The `Location` header of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A client signed in as a new user of `role` at `site` (a new site when `None` and the role
/// needs one).
pub async fn client_at(app: &TestApp, role: Role, site: Option<SiteId>) -> reqwest::Client {
    let email = format!(
        "{}-{}@example.com",
        role.as_str(),
        workshop::auth::api_tokens::random_token()[..8].to_lowercase()
    );
    app.create_user(&email, role, site).await;
    let client = new_client();
    let response = app.sign_in_as(&client, &email, PASSWORD).await;
    assert_eq!(response.status(), 303, "sign-in of {email} failed");
    client
}
