//! `sarafan`: see `sarafan --help`.

use clap::Parser;
use server::cli::{Cli, run};
use server::config::{Config, load_config_file};

fn main() -> anyhow::Result<()> {
    load_config_file()?;
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
