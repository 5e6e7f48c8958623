//! `workshop`: the whole application in one binary.

use clap::{Parser, Subcommand};

use workshop::cli::{self, SuperuserArgs};
use workshop::config::{Environment, Settings};
use workshop::demo::DemoOptions;
use workshop::startup::Application;

/// mimalloc instead of the system allocator: a page allocates a few thousand small strings and
/// rows, and glibc's malloc took a fifth of a list page's CPU time under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Fill an empty database with realistic demo data (refuses a database with data).
    Demo {
        /// Workshop sites.
        #[arg(long, default_value_t = 3)]
        sites: usize,
        #[arg(long, default_value_t = 2000)]
        customers: usize,
        /// Vehicles shared out among the customers [default: 3 per customer].
        #[arg(long)]
        vehicles: Option<usize>,
        /// Products in the parts catalogue, each stocked at every site.
        #[arg(long, default_value_t = 500)]
        products: usize,
        #[arg(long, default_value_t = 4)]
        mechanics_per_site: usize,
        /// Service requests and sales over the last two years.
        #[arg(long, default_value_t = 100_000)]
        jobs: usize,
        /// The share of the jobs that are counter sales (0–100).
        #[arg(long, default_value_t = 25)]
        sales_percent: usize,
        /// Completed jobs, each with one invoice [default: half the jobs].
        #[arg(long)]
        invoices: Option<usize>,
        /// Extra Pending jobs with three part lines each, in stock, for a completion benchmark.
        #[arg(long, default_value_t = 0)]
        open_jobs: usize,
        /// Write the open jobs' ids to this file, one a line.
        #[arg(long)]
        open_jobs_file: Option<std::path::PathBuf>,
        /// The same seed makes the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The password of every demo login.
        #[arg(long, default_value = workshop::demo::DEFAULT_PASSWORD)]
        password: String,
    },
    /// Run one scheduled job now: low-stock, promotions or service-reminders. Its messages are
    /// delivered by a running `serve`.
    RunJob {
        #[arg(value_parser = ["low-stock", "promotions", "service-reminders"])]
        name: String,
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
        Command::Demo {
            sites,
            customers,
            vehicles,
            products,
            mechanics_per_site,
            jobs,
            sales_percent,
            invoices,
            open_jobs,
            open_jobs_file,
            seed,
            password,
        } => {
            let options = DemoOptions {
                sites,
                customers,
                vehicles,
                products,
                mechanics_per_site,
                jobs,
                sales_percent,
                invoices,
                open_jobs,
                open_jobs_file,
                seed,
                password,
            };
            workshop::demo::run(&settings, options).await
        }
        Command::Backup { file } => cli::backup(&settings, &file).await,
        Command::RunJob { name } => cli::run_job(&settings, &name).await,
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
