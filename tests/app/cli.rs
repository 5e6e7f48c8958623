use std::io::Write;
use std::process::{Command, Output, Stdio};

use workshop::domain::role::Role;

use crate::helpers::{Backend, TestDatabase, new_client};
use crate::on_both_databases;

on_both_databases!(
    migrate_applies_every_migration_then_reports_up_to_date,
    createsuperuser_from_stdin_makes_a_user_who_can_sign_in,
);

/// Runs `workshop <args>` in a scratch directory with only the given environment.
pub fn workshop(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_workshop"));
    command
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        command.env(k, v);
    }
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn migrate_applies_every_migration_then_reports_up_to_date(backend: Backend) {
    let database = TestDatabase::create(backend);
    let env = [("DATABASE_URL", database.url.as_str())];

    let first = workshop(&["migrate"], &env, None);
    let second = workshop(&["migrate"], &env, None);

    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("Applied 2026-11-24-000001_accounts"));
    assert!(text(&first.stdout).contains("5 migration(s) applied"));
    assert!(second.status.success());
    assert!(text(&second.stdout).contains("up to date"));
}

async fn createsuperuser_from_stdin_makes_a_user_who_can_sign_in(backend: Backend) {
    let database = TestDatabase::create(backend);
    let env = [("DATABASE_URL", database.url.as_str())];

    let weak = workshop(
        &[
            "createsuperuser",
            "--email",
            "root@example.com",
            "--name",
            "Root",
            "--password-stdin",
        ],
        &env,
        Some("short\n"),
    );
    let created = workshop(
        &[
            "createsuperuser",
            "--email",
            "Root@Example.com",
            "--name",
            "Root User",
            "--password-stdin",
        ],
        &env,
        Some("a good long password\n"),
    );
    let duplicate = workshop(
        &[
            "createsuperuser",
            "--email",
            "root@example.com",
            "--name",
            "Root",
            "--password-stdin",
        ],
        &env,
        Some("a good long password\n"),
    );

    assert!(!weak.status.success());
    assert!(text(&weak.stderr).contains("password: Use at least 10 characters."));
    assert!(created.status.success(), "{}", text(&created.stderr));
    assert!(text(&created.stdout).contains("Superuser root@example.com created"));
    assert!(!duplicate.status.success());
    assert!(text(&duplicate.stderr).contains("already exists"));

    let settings =
        workshop::config::Settings::from_vars(&crate::helpers::test_vars(&database, &[])).unwrap();
    let app = workshop::startup::Application::build(settings)
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = new_client();
    let html = client
        .get(format!("{address}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::extract_csrf(&html).unwrap();
    let response = client
        .post(format!("{address}/login"))
        .form(&[
            ("email", "root@example.com"),
            ("password", "a good long password"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let me: serde_json::Value = client
        .get(format!("{address}/api/v1/me/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], Role::Superuser.as_str());
}

#[test]
fn an_unknown_database_scheme_fails_with_a_clear_message() {
    let output = workshop(
        &["migrate"],
        &[("DATABASE_URL", "mysql://root@localhost/workshop")],
        None,
    );

    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains(r#"DATABASE_URL: unsupported scheme "mysql""#),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn production_refuses_to_start_without_a_secret_key() {
    let output = workshop(
        &["migrate"],
        &[
            ("WORKSHOP_ENV", "production"),
            ("WORKSHOP_BIND", "nonsense"),
        ],
        None,
    );

    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("SECRET_KEY: required when WORKSHOP_ENV=production"),
        "{stderr}"
    );
    assert!(
        stderr.contains("WORKSHOP_BIND"),
        "every problem is reported at once: {stderr}"
    );
}

#[test]
fn backup_writes_a_consistent_copy_of_a_sqlite_database() {
    let database = TestDatabase::create(Backend::Sqlite);
    let env = [("DATABASE_URL", database.url.as_str())];
    assert!(workshop(&["migrate"], &env, None).status.success());
    let target = database.sqlite_path().unwrap().with_file_name("copy.db");
    let target = target.to_str().unwrap();

    let output = workshop(&["backup", target], &env, None);
    let again = workshop(&["backup", target], &env, None);

    assert!(output.status.success(), "{}", text(&output.stderr));
    let copy = workshop(
        &["migrate"],
        &[("DATABASE_URL", &format!("sqlite://{target}"))],
        None,
    );
    assert!(
        text(&copy.stdout).contains("up to date"),
        "the copy holds the migrated schema"
    );
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
}
