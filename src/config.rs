//! Settings come from the environment (and `.env`), are parsed once at start into typed values,
//! and are passed down explicitly. Every problem is reported at once, with the variable's name,
//! so an operator fixes a bad configuration in one go.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::RngCore;

/// Which database the binary talks to, chosen by the URL scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path` or `sqlite::memory:`; the path is relative to the working directory.
    Sqlite(String),
    /// `postgres://…` or `postgresql://…`, passed to libpq unchanged.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses a URL, rejecting any scheme other than sqlite and postgres.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(
                    "DATABASE_URL: sqlite:// needs a file path, e.g. sqlite://workshop.db".into(),
                );
            }
            return Ok(Self::Sqlite(path.to_owned()));
        }
        if let Some(path) = raw.strip_prefix("sqlite:")
            && !path.is_empty()
        {
            return Ok(Self::Sqlite(path.to_owned()));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        let scheme = raw.split(':').next().unwrap_or_default();
        Err(format!(
            "DATABASE_URL: unsupported scheme {scheme:?}; use sqlite://<file> or postgres://user@host/db"
        ))
    }

    /// The directory where files that belong beside the database (the development key) live.
    pub fn sidecar_dir(&self) -> PathBuf {
        match self {
            Self::Sqlite(path) => Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
            Self::Postgres(_) => PathBuf::from("."),
        }
    }

    /// A form of the URL that is safe to log: the password, if any, is replaced.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{path}"),
            Self::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) if parsed.password().is_some() => {
                    let _ = parsed.set_password(Some("***"));
                    parsed.to_string()
                }
                _ => url.split('?').next().unwrap_or_default().to_owned(),
            },
        }
    }
}

/// `development` relaxes what a laptop does not need (a generated key); `production` does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Everything the application reads from its environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    /// 64 bytes or more; signs and encrypts the session cookie.
    pub secret_key: Vec<u8>,
    pub bind: SocketAddr,
    /// Public address used in links (setup link, messages); https turns on Secure cookies.
    pub base_url: String,
    /// True when `WORKSHOP_BASE_URL` was not set, so the bound address stands in for it.
    pub base_url_is_default: bool,
    pub environment: Environment,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Failed sign-ins allowed per client address per minute before answering 429.
    pub login_attempts_per_minute: u32,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_proxy: bool,
    pub business_name: String,
    pub currency: String,
    /// Country calling code given to local phone numbers (`024…` → `+233 24…`).
    pub phone_country_code: String,
    pub database_pool_size: u32,
    /// Message channels, delivery and the daily jobs' schedules.
    pub messaging: crate::messaging::config::MessagingSettings,
    /// The business's tax number printed on invoices and receipts (`WORKSHOP_TAX_ID`).
    pub tax_id: Option<String>,
    /// The logo printed on invoices and receipts (`WORKSHOP_LOGO_PATH`), read once at start.
    pub logo: Option<Logo>,
}

/// An image file read at start, served at `/logo`.
#[derive(Clone)]
pub struct Logo {
    pub bytes: std::sync::Arc<[u8]>,
    pub content_type: &'static str,
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({}, {} bytes)", self.content_type, self.bytes.len())
    }
}

/// The largest logo accepted: it is printed small and kept in memory.
const MAX_LOGO_BYTES: u64 = 1024 * 1024;

impl Logo {
    /// Reads a PNG, JPEG, GIF, WebP or SVG file of at most 1 MB.
    pub fn read(path: &Path) -> Result<Self, String> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let content_type = match extension.as_str() {
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "gif" => "image/gif",
            "webp" => "image/webp",
            "svg" => "image/svg+xml",
            _ => {
                return Err(format!(
                    "WORKSHOP_LOGO_PATH: {} is not a .png, .jpg, .gif, .webp or .svg file",
                    path.display()
                ));
            }
        };
        let read_error =
            |e: std::io::Error| format!("WORKSHOP_LOGO_PATH: cannot read {}: {e}", path.display());
        let size = std::fs::metadata(path).map_err(read_error)?.len();
        if size > MAX_LOGO_BYTES {
            return Err(format!(
                "WORKSHOP_LOGO_PATH: {} is larger than 1 MB",
                path.display()
            ));
        }
        let bytes = std::fs::read(path).map_err(read_error)?;
        Ok(Self {
            bytes: bytes.into(),
            content_type,
        })
    }
}

/// Where settings come from: the process environment, or a map in tests.
pub type Vars = HashMap<String, String>;

impl Settings {
    /// Reads `.env` (if present) and the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        let _ = dotenvy::dotenv();
        Self::from_vars(&std::env::vars().collect())
    }

    /// Parses settings from a map of variables, collecting every error.
    pub fn from_vars(vars: &Vars) -> Result<Self, SettingsError> {
        let mut errors = Vec::new();
        let get = |name: &str| {
            vars.get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let environment = match get("WORKSHOP_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                errors.push(format!(
                    "WORKSHOP_ENV: {other:?} is not one of development, production"
                ));
                Environment::Development
            }
        };
        let database_url = DatabaseUrl::parse(
            &get("DATABASE_URL").unwrap_or_else(|| "sqlite://workshop.db".into()),
        )
        .unwrap_or_else(|e| {
            errors.push(e);
            DatabaseUrl::Sqlite("workshop.db".into())
        });
        let bind = parse_or(
            &mut errors,
            "WORKSHOP_BIND",
            get("WORKSHOP_BIND"),
            SocketAddr::from(([127, 0, 0, 1], 8080)),
        );
        let base_url_is_default = get("WORKSHOP_BASE_URL").is_none();
        let base_url = get("WORKSHOP_BASE_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            errors.push(format!(
                "WORKSHOP_BASE_URL: {base_url:?} must start with http:// or https://"
            ));
        }
        let secret_key = match get("SECRET_KEY") {
            Some(key) if key.len() >= 64 => key.into_bytes(),
            Some(_) => {
                errors.push(
                    "SECRET_KEY: must be at least 64 characters (e.g. `openssl rand -hex 32`)"
                        .into(),
                );
                Vec::new()
            }
            None if environment == Environment::Production => {
                errors.push("SECRET_KEY: required when WORKSHOP_ENV=production".into());
                Vec::new()
            }
            None => development_key(&database_url).unwrap_or_else(|e| {
                errors.push(format!("SECRET_KEY: could not keep a development key: {e}"));
                Vec::new()
            }),
        };
        let idle: u64 = parse_or(
            &mut errors,
            "WORKSHOP_SESSION_IDLE_SECONDS",
            get("WORKSHOP_SESSION_IDLE_SECONDS"),
            900,
        );
        let absolute: u64 = parse_or(
            &mut errors,
            "WORKSHOP_SESSION_ABSOLUTE_SECONDS",
            get("WORKSHOP_SESSION_ABSOLUTE_SECONDS"),
            43_200,
        );
        let settings = Self {
            database_url,
            secret_key,
            bind,
            base_url,
            base_url_is_default,
            environment,
            session_idle: Duration::from_secs(idle.max(1)),
            session_absolute: Duration::from_secs(absolute.max(1)),
            login_attempts_per_minute: parse_or(
                &mut errors,
                "WORKSHOP_LOGIN_ATTEMPTS_PER_MINUTE",
                get("WORKSHOP_LOGIN_ATTEMPTS_PER_MINUTE"),
                5,
            ),
            trust_proxy: parse_or(
                &mut errors,
                "WORKSHOP_TRUST_PROXY",
                get("WORKSHOP_TRUST_PROXY"),
                false,
            ),
            business_name: get("WORKSHOP_BUSINESS_NAME").unwrap_or_else(|| "Workshop".into()),
            currency: get("WORKSHOP_CURRENCY").unwrap_or_else(|| "USD".into()),
            phone_country_code: get("WORKSHOP_PHONE_COUNTRY_CODE").unwrap_or_else(|| "1".into()),
            database_pool_size: parse_or(
                &mut errors,
                "WORKSHOP_DB_POOL_SIZE",
                get("WORKSHOP_DB_POOL_SIZE"),
                8,
            ),
            messaging: crate::messaging::config::MessagingSettings::from_vars(vars, &mut errors),
            tax_id: get("WORKSHOP_TAX_ID"),
            logo: get("WORKSHOP_LOGO_PATH").and_then(|path| {
                Logo::read(Path::new(&path))
                    .map_err(|e| errors.push(e))
                    .ok()
            }),
        };
        let code = &settings.phone_country_code;
        if code.is_empty()
            || code.len() > 3
            || !code.chars().all(|c| c.is_ascii_digit())
            || code.starts_with('0')
        {
            errors.push(format!(
                "WORKSHOP_PHONE_COUNTRY_CODE: {code:?} must be 1 to 3 digits, like 1 or 233"
            ));
        }
        if settings.database_pool_size == 0 {
            errors.push("WORKSHOP_DB_POOL_SIZE: must be at least 1".into());
        }
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(SettingsError(errors))
        }
    }

    /// Cookies get the Secure flag when the public address is https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// All the problems found in the settings, one per line.
#[derive(Debug, thiserror::Error)]
#[error("invalid settings:\n  {}", .0.join("\n  "))]
pub struct SettingsError(pub Vec<String>);

/// Parses an optional variable, falling back to `default`; a bad value is recorded and the
/// default is used only so that parsing can go on collecting the other errors.
fn parse_or<T: std::str::FromStr>(
    errors: &mut Vec<String>,
    name: &str,
    value: Option<String>,
    default: T,
) -> T
where
    T::Err: std::fmt::Display,
{
    let Some(raw) = value else { return default };
    raw.parse().unwrap_or_else(|e| {
        errors.push(format!("{name}: {raw:?} is not valid ({e})"));
        default
    })
}

/// In development a key is generated once and kept beside the database, so sessions survive
/// restarts without the operator having to invent a secret.
fn development_key(db: &DatabaseUrl) -> std::io::Result<Vec<u8>> {
    let path = db.sidecar_dir().join(".workshop-dev-secret");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && existing.trim().len() >= 64
    {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    std::fs::write(&path, &key)?;
    restrict_permissions(&path)?;
    Ok(key.into_bytes())
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
