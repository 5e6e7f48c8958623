//! The subcommands besides `serve`: migrate, createsuperuser, backup, healthcheck, run-job.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
use diesel::RunQueryDsl;

use crate::config::{DatabaseUrl, Settings};
use crate::db::{AnyConnection, Db, migrations};
use crate::services::accounts::{self, NewSuperuser, SuperuserError};

/// `workshop migrate`: applies pending migrations and lists them.
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database_url, 1)?;
    let applied = db.read(migrations::run_pending).await?;
    if applied.is_empty() {
        println!("Database is up to date; no migration to apply.");
    } else {
        for name in &applied {
            println!("Applied {name}");
        }
        println!(
            "{} migration(s) applied to {}.",
            applied.len(),
            settings.database_url.redacted()
        );
    }
    Ok(())
}

/// How `createsuperuser` gets its input.
pub struct SuperuserArgs {
    pub email: Option<String>,
    pub name: Option<String>,
    pub password_stdin: bool,
}

/// `workshop createsuperuser`: asks for what is missing (or reads the password from stdin).
pub async fn create_superuser(settings: &Settings, args: SuperuserArgs) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database_url, 1)?;
    db.read(migrations::run_pending).await?;
    let email = match args.email {
        Some(email) => email,
        None => prompt("Email: ")?,
    };
    let name = match args.name {
        Some(name) => name,
        None => prompt("Name: ")?,
    };
    let (password, password_confirm) = if args.password_stdin {
        (read_stdin_line()?, None)
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password (again): ")?;
        (first, Some(second))
    };
    let new = NewSuperuser {
        email,
        name,
        password,
        password_confirm,
    };
    match accounts::create_superuser(&db, new, false).await {
        Ok(user) => {
            println!("Superuser {} created. Sign in at /login.", user.email);
            Ok(())
        }
        Err(SuperuserError::Invalid(errors)) => {
            let lines: Vec<String> = errors
                .iter()
                .flat_map(|(f, ms)| ms.iter().map(move |m| format!("{f}: {m}")))
                .collect();
            bail!("superuser not created:\n  {}", lines.join("\n  "))
        }
        Err(e) => Err(anyhow::anyhow!(e)),
    }
}

fn prompt(label: &str) -> anyhow::Result<String> {
    print!("{label}");
    std::io::stdout().flush()?;
    read_stdin_line()
}

fn read_stdin_line() -> anyhow::Result<String> {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line)?;
    if read == 0 {
        bail!("no input on standard input");
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// `workshop backup <file>`: a consistent copy of a live SQLite database (`VACUUM INTO`).
pub async fn backup(settings: &Settings, target: &str) -> anyhow::Result<()> {
    if !matches!(settings.database_url, DatabaseUrl::Sqlite(_)) {
        bail!("backup copies SQLite databases; for PostgreSQL use pg_dump");
    }
    if std::path::Path::new(target).exists() {
        bail!("{target} already exists; choose a new file name");
    }
    let db = Db::connect(&settings.database_url, 1)?;
    let quoted = target.replace('\'', "''");
    db.read(move |conn| {
        if let AnyConnection::Sqlite(c) = conn {
            diesel::sql_query(format!("VACUUM INTO '{quoted}'")).execute(c)?;
        }
        Ok(())
    })
    .await
    .context("backup failed")?;
    println!("Backup written to {target}.");
    Ok(())
}

/// `workshop healthcheck`: asks the local server's `/health/`; exit status 0 when healthy. Used
/// by the container's HEALTHCHECK, where no curl is installed.
pub fn healthcheck(settings: &Settings) -> anyhow::Result<()> {
    use std::io::Read;
    let mut address = settings.bind;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let timeout = std::time::Duration::from_secs(3);
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    write!(stream, "GET /health/ HTTP/1.0\r\nHost: {address}\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    if response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200") {
        Ok(())
    } else {
        bail!(
            "unhealthy: {}",
            response.lines().next().unwrap_or("no response")
        )
    }
}

/// `workshop run-job <name>`: claims a run of the job at this instant, runs it and prints its
/// counts. The messages it enqueues are delivered by `serve`'s worker.
pub async fn run_job(settings: &Settings, name: &str) -> anyhow::Result<()> {
    use crate::scheduler::{JobName, RunOutcome, run_claimed};
    let Some(job) = JobName::parse(name) else {
        bail!("unknown job {name:?}; use low-stock, promotions or service-reminders");
    };
    let db = Db::connect(&settings.database_url, 2)?;
    db.read(migrations::run_pending).await?;
    let started = std::time::Instant::now();
    match run_claimed(&db, settings, None, job, crate::db::now(), "command line").await? {
        RunOutcome::Done(counts) => {
            println!(
                "{} finished in {:.2} s: {counts}",
                job.label(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        RunOutcome::Failed(error) => bail!("{} failed: {error}", job.label()),
        RunOutcome::NotMine => bail!("another instance is running this job right now"),
    }
}
