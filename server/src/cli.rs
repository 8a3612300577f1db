//! The `sarafan` command line: serve (default), migrate, demo, user, token, backup.

use std::io::Read;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use domain::auth::{self, Actor};
use domain::db::{Db, Engine};
use domain::model::PersonInput;
use domain::ops;
use domain::types::Role;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::http::{build_router, build_state};

#[derive(Parser, Debug)]
#[command(
    name = "sarafan",
    version,
    about = "Sarafan: a clinic's joint promotions with partner stores.\n\
Configuration comes from environment variables (DATABASE_URL, SARAFAN_ADDR, SARAFAN_PUBLIC_URL, \
SARAFAN_SITE_ROOT, SARAFAN_SECURE_COOKIES, SARAFAN_TRUST_PROXY, SARAFAN_NOW) or a file named by SARAFAN_CONFIG."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (the default). Applies migrations first.
    Serve {
        /// Load the demo clinic into an empty database first.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database with a believable demo clinic.
    Demo,
    /// Manage people from the shell.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a consistent copy of the database (SQLite: online backup; PostgreSQL: pg_dump advice).
    Backup {
        /// Where to write the copy, e.g. backups/sarafan-2026-11-24.db
        dest: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Forget an account's failed sign-ins, so it may sign in again at once from anywhere.
    Unlock {
        #[arg(long)]
        email: String,
    },
    /// Set a person's password, read from standard input (one line): a forgotten password.
    Password {
        #[arg(long)]
        email: String,
    },
    /// Create a person. Marketers get a password read from standard input (one line).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long, default_value = "")]
        phone: String,
        /// marketer, reception, store_staff or mystery_shopper
        #[arg(long, default_value = "marketer")]
        role: String,
        /// Required for store_staff.
        #[arg(long)]
        store_id: Option<i64>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token and print only the token on standard output.
    Create {
        #[arg(long, default_value = "marketer")]
        role: String,
        #[arg(long, default_value = "cli")]
        name: String,
        #[arg(long)]
        store_id: Option<i64>,
        /// Days the token works (default: until revoked).
        #[arg(long)]
        days: Option<i64>,
    },
}

/// The whole `sarafan` program: configuration, logging, the command line, then [`run`] on a
/// multi-threaded runtime. It lives here, not in `main.rs`, so that the server's async code is
/// compiled once, with this crate, instead of again (and last, alone) in the binary's crate.
pub fn main() -> anyhow::Result<()> {
    crate::config::load_config_file()?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SARAFAN_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = Config::from_env()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(cli, config))
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Migrate => {
            let db = Db::connect(&config.database_url).await?;
            db.migrate().await?;
            eprintln!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let db = open(&config).await?;
            demo_load(&db, &config).await
        }
        Command::User {
            command:
                UserCommand::Create {
                    name,
                    email,
                    phone,
                    role,
                    store_id,
                    password_stdin,
                },
        } => {
            let db = open(&config).await?;
            let sys = Actor::system();
            let p = ops::people::create_person(
                &db,
                &sys,
                &PersonInput {
                    name,
                    phone,
                    email: email.unwrap_or_default(),
                    role,
                    store_id,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
            if password_stdin {
                let mut pw = String::new();
                std::io::stdin().read_to_string(&mut pw)?;
                let pw = pw.lines().next().unwrap_or("").to_owned();
                ops::people::set_password(&db, &sys, domain::ids::UserId(p.id), &pw)
                    .await
                    .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
            }
            println!("{}", p.id);
            Ok(())
        }
        Command::User {
            command: UserCommand::Unlock { email },
        } => {
            let db = open_existing(&config).await?;
            domain::auth::unlock(&db, &email)
                .await
                .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
            eprintln!("failed sign-ins of {email} forgotten");
            Ok(())
        }
        Command::User {
            command: UserCommand::Password { email },
        } => {
            let db = open_existing(&config).await?;
            let sys = Actor::system();
            let person = ops::people::list_people(&db, &sys)
                .await
                .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?
                .into_iter()
                .find(|p| p.email.as_deref() == Some(email.trim().to_lowercase().as_str()))
                .with_context(|| format!("nobody has the e-mail {email}"))?;
            let mut pw = String::new();
            std::io::stdin().read_to_string(&mut pw)?;
            let pw = pw.lines().next().unwrap_or("").to_owned();
            ops::people::set_password(&db, &sys, domain::ids::UserId(person.id), &pw)
                .await
                .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
            domain::auth::unlock(&db, &email)
                .await
                .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
            eprintln!("password of {email} set");
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    role,
                    name,
                    store_id,
                    days,
                },
        } => {
            let db = open_existing(&config).await?;
            let role =
                Role::parse("role", &role).map_err(|_| anyhow::anyhow!("unknown role {role:?}"))?;
            let token = ops::people::create_token(
                &db,
                &Actor::system(),
                &name,
                role,
                store_id.map(domain::ids::StoreId),
                days,
            )
            .await
            .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
            println!("{token}");
            Ok(())
        }
        Command::Backup { dest } => backup(&config, &dest).await,
    }
}

async fn open(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    Ok(db)
}

/// The SQLite file a `sqlite://` URL names (`None` for an in-memory one).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.contains(":memory:")).then(|| std::path::PathBuf::from(path))
}

/// Opens a database that must already exist: commands that read or change a running clinic
/// (`backup`, `token`, `user unlock`, `user password`) never create an empty one because of a
/// mistyped `DATABASE_URL`.
async fn open_existing(config: &Config) -> anyhow::Result<Db> {
    if let Some(file) = sqlite_file(&config.database_url)
        && !file.exists()
    {
        bail!(
            "no database at {} (check DATABASE_URL; `sarafan serve` or `sarafan migrate` creates one)",
            file.display()
        );
    }
    open(config).await
}

async fn demo_load(db: &Db, config: &Config) -> anyhow::Result<()> {
    let s = domain::demo::load(db, &config.public_url)
        .await
        .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
    if s.created {
        eprintln!(
            "Demo clinic loaded. Sign in as the demo marketer: {} / {}",
            s.marketer_email, s.marketer_password
        );
    } else {
        eprintln!("The database already has campaigns; demo data not loaded.");
    }
    Ok(())
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let state = build_state(&config).await?;
    if demo {
        demo_load(&state.db, &config).await?;
    }
    if auth::needs_setup(&state.db).await.unwrap_or(false) {
        let secret = auth::create_setup_token(&state.db)
            .await
            .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
        eprintln!(
            "\nSarafan has no marketer yet. Open this one-time link to create one:\n\n    {}/setup/{secret}\n",
            config.public_url
        );
    }
    if !config.site_root.join("pkg").exists() {
        tracing::warn!(site_root = %config.site_root.display(), "browser assets not found: pages will not hydrate (build with `cargo run -p xtask -- build`)");
    }
    // The outbox's worker: delivers queued messages and queues the expiry reminders. Safe with
    // several instances on one database (leases).
    tokio::spawn(
        domain::ops::messages::Worker::for_this_instance(state.db.clone())
            .run(std::time::Duration::from_secs(5)),
    );
    let listener = TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let addr = listener.local_addr()?;
    eprintln!(
        "Sarafan is listening on http://{addr} (public URL {})",
        config.public_url
    );
    crate::http::serve(listener, build_router(state), shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn backup(config: &Config, dest: &std::path::Path) -> anyhow::Result<()> {
    let db = open_existing(config).await?;
    match db.engine {
        Engine::Sqlite => {
            if dest.exists() {
                bail!("{} already exists; choose a new file name", dest.display());
            }
            let path = dest.to_string_lossy().replace('\'', "''");
            // VACUUM INTO writes a consistent snapshot while the server keeps running.
            sqlx::query(&format!("VACUUM INTO '{path}'"))
                .execute(&db.pool)
                .await
                .context("backup failed")?;
            eprintln!("backup written to {}", dest.display());
        }
        Engine::Postgres => {
            eprintln!(
                "For PostgreSQL use pg_dump, which takes a consistent snapshot while Sarafan runs:\n\n    \
                 pg_dump --format=custom --file={} \"$DATABASE_URL\"\n\nRestore with pg_restore --clean --dbname=...",
                dest.display()
            );
        }
    }
    Ok(())
}
