//! `passerelle`: the one binary. Serves the web app and runs every operator task on the same
//! instance (`--data-dir` for the SQLite default, `--database postgres://…` for PostgreSQL).

mod config;
mod content;
mod directory;
mod keys;
mod people;
mod trafficking;
mod outreach;
mod scale;
mod schedule;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use config::Settings;
use passerelle_core::access::Role;
use passerelle_core::validate::Problems;
use passerelle_store::audit::{self, Event};
use passerelle_store::{demo, secrets, tokens, users, Store};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// The server's requests allocate and free many small values on a few threads at once (a
/// page's rows, its text, its compressed body): under load glibc's allocator spent a quarter
/// of the server's CPU in its own locking and consolidation (perf, case page at 1M cases).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(name = "passerelle", version, about = "Passerelle: protection case management, referrals and service mapping")]
pub struct Cli {
    /// Directory holding the SQLite database (the default backend) and local files.
    #[arg(long, global = true, env = "PASSERELLE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user:password@host:port/db); without it, SQLite in the data dir.
    #[arg(long, global = true, env = "PASSERELLE_DATABASE", value_name = "URL", hide_env_values = true)]
    database: Option<String>,
    /// A TOML file with the same settings (flags and environment variables take precedence).
    #[arg(long, global = true, env = "PASSERELLE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The data key file that seals names, contacts, birth dates, notes and attachments
    /// (`<id>:<base64>` lines, newest last). Default: `<data dir>/keys/data.key`, generated at
    /// the first start. PASSERELLE_DATA_KEY may hold the key itself instead.
    #[arg(long, global = true, env = "PASSERELLE_DATA_KEY_FILE", value_name = "FILE")]
    data_key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start the web application.
    Serve {
        /// Address to listen on; port 0 picks a free port. The bound address is printed.
        #[arg(long, env = "PASSERELLE_ADDR", value_name = "HOST:PORT")]
        addr: Option<String>,
        /// Load the fictional demo setup first if the instance has no users.
        #[arg(long)]
        demo: bool,
        /// Passerelle is reached over HTTPS (secure cookies, HSTS).
        #[arg(long, env = "PASSERELLE_SECURE")]
        secure: bool,
        /// Take the client address from X-Forwarded-For (only behind your own reverse proxy).
        #[arg(long, env = "PASSERELLE_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Send "a referral is waiting" emails (no personal data) through this relay,
        /// e.g. smtp://127.0.0.1:25. Off when unset.
        #[arg(long, env = "PASSERELLE_SMTP_URL", value_name = "URL", requires = "public_url")]
        smtp_url: Option<String>,
        /// The sender of those emails.
        #[arg(long, env = "PASSERELLE_SMTP_FROM", value_name = "ADDRESS", default_value = "Passerelle <noreply@localhost>")]
        smtp_from: String,
        /// The address people open Passerelle at, for the link in emails.
        #[arg(long, env = "PASSERELLE_PUBLIC_URL", value_name = "URL")]
        public_url: Option<String>,
        /// Searches each user (or address, on the public finder) may make per minute.
        #[arg(long, env = "PASSERELLE_SEARCHES_PER_MINUTE", value_name = "N", default_value_t = 60)]
        searches_per_minute: u32,
        /// CSV, XLSX and JSON exports each user may download per minute.
        #[arg(long, env = "PASSERELLE_EXPORTS_PER_MINUTE", value_name = "N", default_value_t = 10)]
        exports_per_minute: u32,
        #[command(flatten)]
        scheduled: Scheduled,
        /// Hours an encrypted export of personal data waits for download before it is deleted.
        #[arg(long, env = "PASSERELLE_EXPORT_TTL_HOURS", value_name = "HOURS", default_value_t = passerelle_store::exports::DEFAULT_TTL_HOURS,
              value_parser = clap::value_parser!(u32).range(1..=720))]
        export_ttl_hours: u32,
        /// Minutes an indicator figure is shown before it is computed again from the records
        /// (0: at every view; computing reads every record the indicator counts).
        #[arg(long, env = "PASSERELLE_FIGURES_MAX_AGE_MINUTES", value_name = "MINUTES", default_value_t = 5,
              value_parser = clap::value_parser!(u64).range(0..=1440))]
        figures_max_age_minutes: u64,
    },
    /// Load the fictional demo setup (Belleterre) into an instance that has no users yet.
    Demo {
        /// Then add this many generated people, each with a case, a case plan of five tasks
        /// and two referrals, spread over a national workforce, for the benchmark (`bench/`).
        #[arg(long, value_name = "N")]
        scale: Option<u64>,
        /// The generator's seed: the same seed gives the same people.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// With --scale: people (and cases) per caseworker; caseworkers are created to hold them.
        #[arg(long, value_name = "K", default_value_t = 1_000, requires = "scale")]
        per_caseworker: u64,
        /// With --scale: the directory grows to this many services (default: one per hundred people).
        #[arg(long, value_name = "M", requires = "scale")]
        services: Option<usize>,
        /// With --scale: write the generator's truth (person id, duplicate cluster) to this CSV.
        #[arg(long, value_name = "FILE", requires = "scale")]
        truth: Option<PathBuf>,
    },
    /// Benchmark helpers (see bench/README.md).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Create the database if needed and an administrator account.
    Init {
        /// The administrator's email. An existing account with it is left as it is.
        #[arg(long, value_name = "EMAIL")]
        admin_email: String,
        /// The name shown for the administrator.
        #[arg(long, default_value = "Administrator")]
        admin_name: String,
    },
    /// Personal API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Copy the SQLite database to FILE, consistently, while the server runs.
    Backup {
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Standard Operating Procedures (SOP files).
    Sop {
        #[command(subcommand)]
        command: SopCommand,
    },
    /// XLSForm forms.
    Form {
        #[command(subcommand)]
        command: FormCommand,
    },
    /// Import into the service directory (a preview is printed; all or nothing).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The register of people.
    People {
        #[command(subcommand)]
        command: PeopleCommand,
    },
    /// Export the service directory, or the counter-trafficking CTDC file.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// The data key sealing personal data at rest: generate one, or rotate to a new one.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
    },
    /// Retention of closed cases under their SOP's `[retention]` policy: see the report first
    /// (--dry-run), then --apply. Erases through the same code as an administrator's erasure.
    Retention {
        /// Print the plan (counts per SOP and action, case references, holds); change nothing.
        #[arg(long, required_unless_present = "apply", conflicts_with = "apply")]
        dry_run: bool,
        /// Anonymise or delete every person due, one transaction each, audited.
        #[arg(long)]
        apply: bool,
        /// Also write the plan as JSON to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// With --dry-run: the plan as it will be on this date (YYYY-MM-DD), to see what goes next.
        #[arg(long, value_name = "DATE", conflicts_with = "apply")]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Restore a backup made by `backup` into the data directory (stop the server first).
    /// The restored data open only with the data key they were sealed with (--data-key-file).
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Replace a database already in the data directory.
        #[arg(long)]
        force: bool,
    },
}

/// What the server runs on its own schedule (issue 10).
#[derive(clap::Args, Debug)]
struct Scheduled {
    /// Run the retention job in the server (at start, then daily). Off unless set.
    #[arg(long, env = "PASSERELLE_RETENTION_SCHEDULE", value_enum, default_value = "off")]
    retention_schedule: schedule::RetentionSchedule,
    /// Back the SQLite database up into this folder on a schedule (ignored, with a warning, on PostgreSQL).
    #[arg(long, env = "PASSERELLE_BACKUP_DIR", value_name = "DIR")]
    backup_dir: Option<PathBuf>,
    /// How often: 30m, 24h, 7d…
    #[arg(long, env = "PASSERELLE_BACKUP_EVERY", value_name = "PERIOD", default_value = "24h", value_parser = schedule::parse_every)]
    backup_every: std::time::Duration,
    /// How many backups to keep (the oldest beyond are deleted).
    #[arg(long, env = "PASSERELLE_BACKUP_KEEP", value_name = "N", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    backup_keep: u32,
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Print a new personal API token for an administrator account (shown once, audited).
    Create {
        #[arg(long, value_name = "EMAIL")]
        user: String,
        #[arg(long, value_name = "NAME")]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
enum SopCommand {
    /// Check SOP files (or folders of them): every problem with file, line and field; exits 1 on any.
    Check {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print the problems as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum FormCommand {
    /// Print a form as Passerelle reads it (fields, types, labels, choices, bindings), or its problems.
    Inspect {
        /// An .xlsx XLSForm, a single .csv, or a folder with survey.csv, choices.csv, settings.csv.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// Write generated people (no planted duplicates) as a people sheet (CSV) to import.
    PeopleCsv {
        /// The file to write.
        file: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        rows: u64,
        #[arg(long, default_value_t = 2)]
        seed: u64,
    },
    /// Write services (local offices of the demo's organisations) as a directory sheet (CSV) to import.
    ServicesCsv {
        /// The file to write.
        file: PathBuf,
        #[arg(long, default_value_t = 1_000)]
        rows: usize,
    },
}

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// An HSDS 3.0 JSON file (a collections document, an API page, an array or one record).
    Hsds {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print what would be created, updated and rejected; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// A service spreadsheet, one service per row (.csv or .xlsx, headers in fr/en/es).
    Services {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// A people list, one person per row (.csv or .xlsx; columns in the README). All or nothing.
    People {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The caseworker or supervisor account the people are registered for (its team keeps them).
        #[arg(long = "for", value_name = "EMAIL")]
        for_email: String,
        /// Check every row and print the problems; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Outreach activities, one per row (.csv or .xlsx, paper or KoboToolbox columns). All or nothing.
    Outreach {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The account the activities are recorded for (a community agent, supervisor or M&E officer).
        #[arg(long = "for", value_name = "EMAIL")]
        for_email: String,
        /// Check every row and print the problems; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
enum PeopleCommand {
    /// Every pair of registered people who may be the same person, best first.
    Duplicates {
        /// One JSON object per pair: both ids and external ids, the score and its band.
        #[arg(long)]
        json: bool,
        /// Only the pairs in the likely band (almost surely one person): a national register
        /// has millions of pairs in the possible band.
        #[arg(long)]
        likely: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// The whole directory as one HSDS 3.0 collections document.
    Hsds {
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// The CTDC-format file of identified victims (k-anonymised; only records whose consent
    /// covers anonymised statistics); says the k achieved and how many records were left out.
    Ctdc {
        /// Every combination of the quasi-identifiers is shared by at least k records.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(2..=100))]
        k: u16,
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check every link of the hash chain; exits 1 and names the first broken entry if any.
    Verify,
}

fn main() {
    init_tracing();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("passerelle: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("passerelle: {e:#}");
            std::process::exit(1);
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PASSERELLE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("PASSERELLE_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open(settings: &Settings) -> Result<Store> {
    Store::open_keyed(settings.database.as_deref(), &settings.data_dir, &settings.data_key)
        .await
        .with_context(|| format!("cannot open the database ({})", settings.describe_database()))
}

async fn run(cli: Cli) -> Result<i32> {
    let file = config::FileSettings::load(cli.config.as_deref())?;
    let mut settings = Settings::resolve(&file, cli.data_dir.clone(), cli.database.clone());
    settings.data_key = keys::source(cli.data_key_file.clone());
    match cli.command {
        Command::Serve { addr, demo, secure, trust_forwarded_for, smtp_url, smtp_from, public_url, searches_per_minute, exports_per_minute, scheduled, export_ttl_hours, figures_max_age_minutes } => {
            let mailer = match (smtp_url, public_url) {
                (Some(url), Some(public)) => Some(std::sync::Arc::new(passerelle_web::notify::Mailer::new(&url, &smtp_from, &public)?)),
                _ => None,
            };
            let store = open(&settings).await?;
            demo::seed_defaults(&store).await?;
            if demo && demo::load_if_empty(&store).await? {
                tracing::info!("demo data loaded (Belleterre); accounts are listed in the README");
            }
            let addr = addr.or(file.addr.clone()).unwrap_or_else(|| "127.0.0.1:8080".to_string());
            let web = passerelle_web::WebConfig {
                secure: secure || file.secure.unwrap_or(false),
                trust_forwarded_for: trust_forwarded_for || file.trust_forwarded_for.unwrap_or(false),
                mailer,
                searches_per_minute,
                exports_per_minute,
                export_ttl_hours,
                figures_max_age: std::time::Duration::from_secs(figures_max_age_minutes * 60),
                warm: true,
                ..Default::default()
            };
            serve(store, web, &addr, &scheduled).await?;
            Ok(0)
        }
        Command::Demo { scale, seed, truth, per_caseworker, services } => {
            let store = open(&settings).await?;
            demo::seed_defaults(&store).await?;
            if demo::load_if_empty(&store).await? {
                println!("Demo data loaded. Accounts (password: {}):", demo::DEMO_PASSWORD);
                for (email, role) in demo::demo_accounts() {
                    println!("  {email:<36} {role}");
                }
            } else if scale.is_none() {
                println!("This instance already has users; demo data not loaded.");
            }
            if let Some(n) = scale {
                let mut plan = scale::Scale::new(n, seed);
                plan.per_caseworker = per_caseworker;
                plan.services = services.unwrap_or(plan.services);
                let rate = scale::grow(&store, &plan, truth.as_deref()).await?;
                println!("{}", json!({"people": n, "seed": seed, "people_per_second": (rate * 10.0).round() / 10.0}));
            }
            Ok(0)
        }
        Command::Bench { command: BenchCommand::PeopleCsv { file, rows, seed } } => {
            scale::people_csv(&file, rows, seed)?;
            Ok(0)
        }
        Command::Bench { command: BenchCommand::ServicesCsv { file, rows } } => {
            scale::services_csv(&file, rows)?;
            Ok(0)
        }
        Command::Init { admin_email, admin_name } => init(&settings, &admin_email, &admin_name).await,
        Command::Token { command: TokenCommand::Create { user, name } } => {
            let store = open(&settings).await?;
            let mut tx = store.write().await?;
            let Some(u) = users::find_by_email(&mut tx, &user).await? else {
                bail!("no account with the email {user}");
            };
            if !u.active {
                bail!("the account {user} is deactivated");
            }
            if !u.roles.contains(&Role::Administrator) {
                bail!("{user} is not an administrator: other users create their tokens on their account page");
            }
            let (secret, _) = tokens::create(&mut tx, None, u.id, &name).await.map_err(store_err)?;
            audit::append(&mut tx, Event::new(None, "token.issue_cli", "user").entity(u.id)
                .detail(json!({"via": "cli"}))).await?;
            tx.commit().await?;
            println!("{secret}");
            Ok(0)
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let store = open(&settings).await?;
            let mut tx = store.read().await?;
            match audit::verify(&mut tx).await? {
                Ok(n) => {
                    println!("audit chain intact: {n} entries verified");
                    Ok(0)
                }
                Err(broken) => {
                    println!("audit chain BROKEN: {broken}");
                    Ok(1)
                }
            }
        }
        Command::Sop { command: SopCommand::Check { paths, json } } => content::sop_check(&paths, json),
        Command::Form { command: FormCommand::Inspect { file, json } } => content::form_inspect(&file, json),
        Command::Import { command } => {
            let store = open(&settings).await?;
            match command {
                ImportCommand::Hsds { file, dry_run } => directory::import(&store, Some("hsds"), &file, dry_run).await,
                ImportCommand::Services { file, dry_run } => directory::import(&store, None, &file, dry_run).await,
                ImportCommand::People { file, for_email, dry_run } => people::import(&store, &file, &for_email, dry_run).await,
                ImportCommand::Outreach { file, for_email, dry_run } => outreach::import(&store, &file, &for_email, dry_run).await,
            }
        }
        Command::Keys { command } => keys::run(&settings, command).await,
        Command::People { command: PeopleCommand::Duplicates { json, likely } } => {
            let store = open(&settings).await?;
            people::duplicates(&store, json, likely).await
        }
        Command::Export { command: ExportCommand::Hsds { to } } => {
            let store = open(&settings).await?;
            directory::export(&store, &to).await
        }
        Command::Export { command: ExportCommand::Ctdc { k, to } } => {
            let store = open(&settings).await?;
            trafficking::export_ctdc(&store, usize::from(k), &to).await
        }
        Command::Backup { to } => {
            let store = open(&settings).await?;
            store.backup_sqlite(&to).await?;
            println!("backup written to {}", to.display());
            Ok(0)
        }
        Command::Retention { dry_run: _, apply, report, as_of } => {
            if apply && as_of.is_some() {
                // Applying as of a later date would erase before the period is over.
                bail!("--as-of only goes with --dry-run");
            }
            let store = open(&settings).await?;
            let at = match as_of {
                Some(d) => d.and_hms_opt(23, 59, 59).map(|t| t.and_utc()).unwrap_or_else(passerelle_store::db::now),
                None => passerelle_store::db::now(),
            };
            let plan = {
                let mut tx = store.read().await?;
                passerelle_store::retention::plan(&mut tx, at).await?
            };
            print!("{}", plan.report());
            if let Some(file) = report {
                std::fs::write(&file, serde_json::to_string_pretty(&plan)?)
                    .with_context(|| format!("cannot write {}", file.display()))?;
            }
            if apply {
                let done = passerelle_store::retention::apply(&store, None, &plan).await?;
                println!("applied: {} anonymised, {} deleted, {} cases, {} skipped (no longer due)",
                    done.anonymised, done.deleted, done.cases, done.skipped);
            } else {
                println!("dry run: nothing was changed");
            }
            Ok(0)
        }
        Command::Restore { from, force } => {
            if settings.database.is_some() {
                bail!("restore works on the SQLite default; restore PostgreSQL with pg_restore");
            }
            passerelle_store::db::restore_sqlite(&from, &settings.data_dir, force).await?;
            // Opening migrates a backup taken by an older release.
            let store = open(&settings).await?;
            let mut tx = store.read().await?;
            let verified = audit::verify(&mut tx).await?;
            match verified {
                Ok(n) => println!("restored into {}; audit chain intact ({n} entries)", settings.data_dir.display()),
                Err(b) => println!("restored into {}; WARNING: audit chain broken: {b}", settings.data_dir.display()),
            }
            Ok(0)
        }
    }
}

fn store_err(e: passerelle_store::StoreError) -> anyhow::Error {
    match e {
        passerelle_store::StoreError::Invalid(p) => {
            let list: Vec<String> = p.0.iter().map(|f| format!("{}: {}", f.field, f.code)).collect();
            anyhow::anyhow!("invalid input: {}", list.join(", "))
        }
        other => other.into(),
    }
}

async fn init(settings: &Settings, email: &str, name: &str) -> Result<i32> {
    let store = open(settings).await?;
    demo::seed_defaults(&store).await?;
    {
        let mut tx = store.read().await?;
        if users::find_by_email(&mut tx, email).await?.is_some() {
            println!("An account with {email} already exists; it was left as it is.");
            return Ok(0);
        }
    }
    let password = match std::env::var("PASSERELLE_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => prompt_password()?,
    };
    let mut p = Problems::default();
    p.new_password("password", &password);
    if !p.is_empty() {
        bail!("the password must have at least {} characters", passerelle_core::validate::MIN_PASSWORD_CHARS);
    }
    let hash = secrets::hash_password(&password);
    let mut tx = store.write().await?;
    let input = users::UserInput {
        email: email.to_string(),
        display_name: name.to_string(),
        roles: vec![Role::Administrator.code().to_string()],
        ..Default::default()
    };
    let u = users::create_user(&mut tx, None, &input, Some(&hash), false).await.map_err(store_err)?;
    tx.commit().await?;
    println!("Administrator {} created.", u.email);
    Ok(0)
}

fn prompt_password() -> Result<String> {
    let first = rpassword::prompt_password("Administrator password: ")
        .context("no PASSERELLE_ADMIN_PASSWORD and no terminal to ask for one")?;
    let second = rpassword::prompt_password("Again: ")?;
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(first)
}

async fn serve(store: Store, web: passerelle_web::WebConfig, addr: &str, scheduled: &Scheduled) -> Result<()> {
    let app = passerelle_web::build_app(store.clone(), web).context("cannot load the translations")?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    println!("Passerelle listening on http://{local}");
    std::io::stdout().flush().ok();
    tokio::spawn(schedule::housekeeping(store.clone()));
    if scheduled.retention_schedule == schedule::RetentionSchedule::Daily {
        tokio::spawn(schedule::retention_daily(store.clone()));
    }
    if let Some(dir) = &scheduled.backup_dir {
        schedule::start_backups(&store, dir.clone(), scheduled.backup_every, scheduled.backup_keep as usize);
    }
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
