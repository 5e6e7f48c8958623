//! `workshop`: the whole application in one binary.

use clap::{Parser, Subcommand};

use workshop::cli::{self, SuperuserArgs};
use workshop::config::{Environment, Settings};
use workshop::startup::Application;

#[derive(Parser)]
#[command(name = "workshop", version, about = "Runs vehicle repair workshops.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Apply database migrations and list what was applied.
    Migrate,
    /// Create a superuser, asking for anything not given.
    Createsuperuser {
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Write a consistent copy of the SQLite database to a new file.
    Backup { file: String },
    /// Exit 0 when the local server answers /health/ (for container health checks).
    Healthcheck,
}

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("workshop: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    workshop::telemetry::init(settings.environment == Environment::Production);
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => cli::migrate(&settings).await,
        Command::Createsuperuser {
            email,
            name,
            password_stdin,
        } => {
            cli::create_superuser(
                &settings,
                SuperuserArgs {
                    email,
                    name,
                    password_stdin,
                },
            )
            .await
        }
        Command::Backup { file } => cli::backup(&settings, &file).await,
        Command::Healthcheck => cli::healthcheck(&settings),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("workshop: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(database = %settings.database_url.redacted(), bind = %settings.bind, "starting workshop");
    let app = Application::build(settings).await?;
    if let Some(url) = app.setup_url() {
        // Printed, not logged: the link is a one-time secret for whoever started the server.
        println!(
            "\n  No user exists yet. Open this one-time link to create the first superuser:\n\n    {url}\n"
        );
    }
    tracing::info!(port = app.port(), "listening");
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}
